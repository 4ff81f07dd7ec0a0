"""Word XML → Jinja source: the compile step of the renderer, with Word-terms locations.

A template part (``word/document.xml``, a header, a footer…) is parsed once with lxml. For each
paragraph the text of its ``<w:t>`` elements is read as one string, so a tag that Word split
over several runs (``{{`` in one run, ``name }}`` in the next, a ``<w:proofErr/>`` or a bookmark
in between, as Word does after spell-check) is found whole; its text is moved into the first
``<w:t>`` and removed from the others. The structure is never touched by regular expressions.

Each tag is replaced by a private-use marker in the text; docxtpl-style structural tags
(``{%tr … %}``, ``{%tc … %}``, ``{%p … %}``, ``{%r … %}``, and ``{{p x }}``/``{{r x }}``) replace
their whole enclosing row / cell / paragraph / run by a processing-instruction marker. After
serialisation the markers become the Jinja tags. Every emitted tag ends with one newline inside
its delimiters (``{{ name \\n}}``) — invisible in the output, but it makes Jinja's line number
of an error point at exactly one tag, whose Word location (第 3 段 / 表格 2 第 4 行第 2 列) is
known from here.
"""

from __future__ import annotations

import bisect
import copy
import re
from typing import Any

from lxml import etree

from officekit import i18n
from officekit.render.ooxml import (
    W_NS,
    W_P,
    W_R,
    W_T,
    W_TBL,
    W_TC,
    W_TR,
    WP_DOCPR,
    XML_SPACE,
    keep_with_next,
    set_cell_property,
    set_row_property,
    split_marked_paragraphs,
    w,
)
from officekit.render.wordlocation import (
    TemplateProblem,
    WordLocation,
    locate_paragraphs,
    part_label,
    problem,
)
from officekit.render.wordtags import (
    CELL_TAGS,
    CLOSER,
    DOCPR_CALL,
    LEVELS,
    LITERALS,
    OPENER,
    PARAGRAPH_FILTER,
    RUN_FILTER,
    Level,
    PartSource,
    Tag,
    TagKind,
    emit,
    parse_tag,
)

__all__ = ["CELL_TAGS", "DOCPR_CALL", "PARAGRAPH_FILTER", "RUN_FILTER", "W_NS", "W_TBL", "W_TC",
           "W_TR", "PartSource", "Tag", "TemplateProblem", "WordLocation", "part_label",
           "preprocess_part", "split_marked_paragraphs"]

_LEVEL_ELEMENT: dict[Level, str] = {"tr": W_TR, "tc": W_TC, "p": W_P, "r": W_R}
_JINJA_SYNTAX = re.compile(r"\{[{%#]|\{$")
_MARK = re.compile("\ue000(\\d+)\ue001|<\\?okt ([0-9 ]+)\\?>")
CORE_PROPERTIES = "docProps/core.xml"


def _texts_by_paragraph(root: Any) -> dict[Any, list[Any]]:
    """``<w:t>`` elements grouped by their own (innermost) paragraph, in document order."""
    groups: dict[Any, list[Any]] = {}
    for t in root.iter(W_T):
        p = next(t.iterancestors(W_P), None)
        if p is not None:
            groups.setdefault(p, []).append(t)
    return groups


class _Compiler:
    """Holds the state of one part's preprocessing; see :func:`preprocess_part`."""

    def __init__(self, name: str, root: Any) -> None:
        self.name = name
        self.root = root
        self.locations = locate_paragraphs(root, name)
        self.tags: list[Tag] = []
        self.problems: list[TemplateProblem] = []
        self.structural: dict[Level, dict[Any, list[Tag]]] = {lv: {} for lv in LEVELS}
        self.cell_tags: list[tuple[Tag, Any, Any]] = []

    def join_paragraph(self, p: Any, ts: list[Any]) -> None:
        """Find the tags in one paragraph's text and gather each into a single ``<w:t>``."""
        texts = [t.text or "" for t in ts]
        full = "".join(texts)
        if "{" not in full:
            return
        location = self.locations.get(p, part_label(self.name))
        spans: list[tuple[int, int]] = []
        pos = 0
        while (match := OPENER.search(full, pos)) is not None:
            closer = CLOSER[match.group(0)]
            end = full.find(closer, match.end())
            if end < 0:
                raw = full[match.start():]
                self.problems.append(problem("unclosed-tag", location, raw, closer=closer))
                break
            spans.append((match.start(), end + 2))
            pos = end + 2
        if not spans:
            return
        starts: list[int] = []
        offset = 0
        for text in texts:
            starts.append(offset)
            offset += len(text)
        pieces: list[list[str]] = [[] for _ in ts]

        def owner(i: int) -> int:
            return bisect.bisect_right(starts, i) - 1

        def spread(a: int, b: int) -> None:
            k = owner(a) if a < b else len(ts)
            while k < len(ts) and starts[k] < b:
                lo, hi = max(a, starts[k]), min(b, starts[k] + len(texts[k]))
                if lo < hi:
                    pieces[k].append(full[lo:hi])
                k += 1

        pos = 0
        runs: list[tuple[Tag, Any]] = []
        for start, end in spans:
            spread(pos, start)
            k = owner(start)
            tag = parse_tag(len(self.tags), full[start:end], location)
            self.tags.append(tag)
            if owner(end - 1) > k:
                _drop_between(p, ts[k], ts[owner(end - 1)])
            pieces[k].append(f"\ue000{tag.index}\ue001")
            if ts[k].tag == W_T:
                ts[k].set(XML_SPACE, "preserve")
            if tag.level == "r":
                runs.append((tag, ts[k]))
            elif tag.level is not None:
                self._note_structural(tag, p, ts[k])
            elif tag.kind == "stmt" and tag.keyword in CELL_TAGS:
                self._note_cell_tag(tag, p, ts[k])
            pos = end
        spread(pos, len(full))
        for t, parts in zip(ts, pieces, strict=True):
            t.text = "".join(parts)
        by_t: dict[Any, list[Tag]] = {}
        for tag, t in runs:
            by_t.setdefault(t, []).append(tag)
        for t, tags in by_t.items():
            self._isolate_runs(t, tags)

    def _isolate_runs(self, t: Any, tags: list[Tag]) -> None:
        """Give each ``{{r }}``/``{%r %}`` tag a run of its own, keeping the run's other text.

        Word usually writes "Here is an {{r example}}." as one run: it becomes three runs
        with the same formatting, and only the middle one is replaced.
        """
        r = t.getparent()
        if r is None or r.tag != W_R:
            for tag in tags:
                self._note_structural(tag, t, t)  # reports misplaced-tag
            return
        markers = {f"\ue000{tag.index}\ue001": tag for tag in tags}
        pieces = re.split("(" + "|".join(re.escape(m) for m in markers) + ")", t.text or "")
        rpr = r.find(w("rPr"))
        children = list(r)
        at = children.index(t)
        after = children[at + 1:]

        def new_run(text: str) -> Any:
            run = etree.Element(W_R, nsmap=r.nsmap)
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            wt = etree.SubElement(run, W_T)
            wt.text = text
            wt.set(XML_SPACE, "preserve")
            return run

        out: list[Any] = []
        t.text = pieces[0]
        for child in after:
            r.remove(child)
        keep_first = bool(pieces[0]) or any(c.tag != w("rPr") and c is not t
                                            for c in children[:at])
        if not keep_first:
            r.remove(t)
        for i, piece in enumerate(pieces[1:], start=1):
            if i % 2:
                run = new_run(piece)
                out.append(run)
                self.structural["r"].setdefault(run, []).append(markers[piece])
            elif piece or (i == len(pieces) - 1 and after):
                out.append(new_run(piece))
        if after:
            last = out[-1] if out and out[-1] not in self.structural["r"] else None
            if last is None:
                last = new_run("")
                out.append(last)
            for child in after:
                last.append(child)
        anchor = r
        for run in out:
            anchor.addnext(run)
            anchor = run
        if not keep_first and len(r) <= (1 if rpr is not None else 0):
            r.getparent().remove(r)

    def _note_cell_tag(self, tag: Tag, p: Any, t: Any) -> None:
        """``{% vm %}``, ``{% hm %}``, ``{% colspan n %}``, ``{% cellbg c %}``: the cell's own."""
        tc = next(p.iterancestors(W_TC), None) if p.tag == W_P else None
        if tc is None:
            self.problems.append(problem("misplaced-tag", tag.location, tag.raw,
                                         entry="cell-tag", keyword=tag.keyword))
            return
        tag.source = ""
        self.cell_tags.append((tag, tc, t))

    def _synthetic(self, like: Tag, kind: TagKind, body: str) -> Tag:
        tag = Tag(len(self.tags), like.raw, kind, None, body, like.location)
        tag.source = emit(tag)
        self.tags.append(tag)
        return tag

    def apply_cell_tags(self) -> None:
        """Turn the cell tags into the cell's properties and Jinja around its content."""
        for tag, tc, t in self.cell_tags:
            keyword = tag.keyword
            arg = tag.body[len(keyword):].strip()
            if keyword in ("colspan", "cellbg") and not arg:
                self.problems.append(problem("template-syntax", tag.location, tag.raw,
                                             entry="needs-argument", keyword=keyword))
                continue
            if keyword == "colspan":
                value = self._synthetic(tag, "expr", arg)
                set_cell_property(tc, "gridSpan", {"val": _marker(value)})
            elif keyword == "cellbg":
                value = self._synthetic(tag, "expr", arg)
                set_cell_property(tc, "shd", {"val": "clear", "color": "auto",
                                               "fill": _marker(value)})
            elif keyword == "vm":
                value = self._synthetic(tag, "expr", '"restart" if loop.first else "continue"')
                set_cell_property(tc, "vMerge", {"val": _marker(value)})
                first = next(tc.iter(W_T), t)
                opening = self._synthetic(tag, "stmt", "if loop.first")
                closing = self._synthetic(tag, "stmt", "endif")
                first.text = _marker(opening) + (first.text or "")
                t.text = (t.text or "") + _marker(closing)
            elif keyword == "hm":
                span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
                times = span.get(w("val"), "1") if span is not None else "1"
                value = self._synthetic(tag, "expr", f"{int(times)} * loop.length"
                                        if times.isdigit() else "loop.length")
                set_cell_property(tc, "gridSpan", {"val": _marker(value)})
                opening = self._synthetic(tag, "stmt", "if loop.first")
                closing = self._synthetic(tag, "stmt", "endif")
                before = etree.ProcessingInstruction("okt", str(opening.index))
                after_pi = etree.ProcessingInstruction("okt", str(closing.index))
                after_pi.tail = tc.tail
                tc.tail = None
                tc.addprevious(before)
                tc.addnext(after_pi)

    def _note_structural(self, tag: Tag, p: Any, t: Any) -> None:
        assert tag.level is not None
        if tag.level == "p":
            element = p
        elif tag.level == "r":
            element = next(t.iterancestors(W_R), None)
        else:
            element = next(p.iterancestors(_LEVEL_ELEMENT[tag.level]), None)
        if element is None:
            where = f"template-problem.level.{tag.level}"
            self.problems.append(problem("misplaced-tag", tag.location, tag.raw,
                                         level=tag.level, where_zh=i18n.t(where, "zh"),
                                         where_en=i18n.t(where, "en")))
            return
        self.structural[tag.level].setdefault(element, []).append(tag)

    def page_flow(self) -> None:
        """Rows of a table with a ``{%tr for %}`` loop do not break across pages, and the rows
        above the loop are its header: repeated on each page and kept with the first row.

        Done once here on the template, so every rendered row carries it (a row alone at a page
        foot, or a header row without its rows, is what a person notices first on paper).

        Except the loop's first row under a header: LibreOffice (7.4) loses the rest of a table
        whose first row after a repeated, kept-with-next header cannot split and ends a page —
        the rows after it are simply not printed. That one row may split (Word still keeps the
        header with its first line); every other row stays whole.
        """
        done: set[Any] = set()
        for tr, tags in self.structural["tr"].items():
            loop = next((t for t in tags if t.kind == "stmt" and t.keyword == "for"), None)
            if loop is None:
                continue
            tbl = tr.getparent()
            if tbl is None or tbl.tag != W_TBL or tbl in done:
                continue
            done.add(tbl)
            rows = [el for el in tbl if el.tag == W_TR]
            first_loop = rows.index(tr)
            for i, row in enumerate(rows):
                if row in self.structural["tr"]:
                    continue
                set_row_property(row, "cantSplit")
                if i < first_loop:
                    set_row_property(row, "tblHeader")
                    for para in row.iter(W_P):
                        keep_with_next(para)
                elif i == first_loop + 1 and first_loop > 0:
                    self._not_on_first_pass(row, loop)

    def _not_on_first_pass(self, row: Any, loop: Tag) -> None:
        """Wrap the row's ``<w:cantSplit/>`` in ``{% if not loop.first %}`` (see page_flow)."""
        cant = row.find(f"{w('trPr')}/{w('cantSplit')}")
        opening = self._synthetic(loop, "stmt", "if not loop.first")
        closing = self._synthetic(loop, "stmt", "endif")
        cant.addprevious(etree.ProcessingInstruction("okt", str(opening.index)))
        cant.addnext(etree.ProcessingInstruction("okt", str(closing.index)))

    def replace_structural(self) -> None:
        """Swap each row/cell/paragraph/run holding a structural tag for a marker."""
        for level in LEVELS:
            for element, tags in self.structural[level].items():
                if not _attached(element, self.root):
                    continue  # inside a wider element already replaced
                marker = etree.ProcessingInstruction("okt", " ".join(str(t.index) for t in tags))
                marker.tail = element.tail
                parent = element.getparent()
                parent.replace(element, marker)

    def renumber_drawings(self) -> None:
        """Give every picture a fresh ``docPr`` id per copy (loops duplicate them)."""
        for docpr in self.root.iter(WP_DOCPR):
            p = next(docpr.iterancestors(W_P), None)
            location = self.locations.get(p, part_label(self.name))
            tag = Tag(len(self.tags), "{{ " + DOCPR_CALL + " }}", "expr", None, DOCPR_CALL,
                      location)
            tag.source = emit(tag)
            self.tags.append(tag)
            docpr.set("id", f"\ue000{tag.index}\ue001")



def _marker(tag: Tag) -> str:
    return f"\ue000{tag.index}\ue001"



_INSIDE_TAG = frozenset(w(n) for n in ("tab", "br", "cr", "noBreakHyphen", "softHyphen"))


def _drop_between(p: Any, first: Any, last: Any) -> None:
    """Tabs and breaks typed inside a tag that spans several runs are part of the tag."""
    inside = False
    doomed = []
    for el in p.iter():
        if el is first:
            inside = True
        elif el is last:
            break
        elif inside and el.tag in _INSIDE_TAG:
            doomed.append(el)
    for el in doomed:
        el.getparent().remove(el)


def _attached(element: Any, root: Any) -> bool:
    node = element
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                          remove_blank_text=False)


def preprocess_part(name: str, xml: bytes) -> PartSource | None:
    """Turn one Word XML part into Jinja source; None when the part holds no tags at all.

    Problems found here (unclosed tags, misplaced structural tags) are in ``problems``; the
    Jinja syntax of the tags is checked later by :mod:`officekit.render.check`.
    """
    root = etree.fromstring(xml, _PARSER)
    compiler = _Compiler(name, root)
    if name == CORE_PROPERTIES:
        for element in root:
            if isinstance(element.tag, str) and element.text and "{" in element.text:
                local = etree.QName(element).localname
                compiler.locations[element] = WordLocation(part=name, prop=local)
                compiler.join_paragraph(element, [element])
    else:
        for p, ts in _texts_by_paragraph(root).items():
            compiler.join_paragraph(p, ts)
    literals = any(old.encode() in xml for old, _ in LITERALS)
    if not compiler.tags and not compiler.problems and not literals:
        return None
    compiler.apply_cell_tags()
    compiler.page_flow()
    compiler.replace_structural()
    loops = any(t.kind == "stmt" and t.keyword == "for" for t in compiler.tags)
    if loops:
        compiler.renumber_drawings()
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    xml_text = _merge_dashes(head + etree.tostring(root, encoding="unicode"), compiler.tags)
    part = PartSource(name, "", compiler.tags, problems=compiler.problems)
    part.has_cell_loops = any(t.level == "tc" and t.keyword == "for" for t in compiler.tags)
    part.source = _assemble(xml_text, part)
    return part


def _assemble(xml_text: str, part: PartSource) -> str:
    """Replace the markers by Jinja tags, recording the line where each tag starts."""
    out: list[str] = []
    line = 1
    pos = 0
    for match in _MARK.finditer(xml_text):
        line = _static(xml_text[pos:match.start()], out, line)
        indexes = [match.group(1)] if match.group(1) else match.group(2).split()
        for index in indexes:
            tag = part.tags[int(index)]
            if not tag.source:
                continue
            part.emitted.append(tag)
            part.lines.append(line)
            out.append(tag.source)
            line += tag.source.count("\n")
        pos = match.end()
    _static(xml_text[pos:], out, line)
    return "".join(out)


_MARKER_AT = re.compile("\ue000(\\d+)\ue001")
_T_OPEN_BEFORE = re.compile(r"<w:t(?:\s[^>]*)?>$")
_T_OPEN = re.compile(r"<w:t(?:\s[^>]*)?>")


def _merge_dashes(xml_text: str, tags: list[Tag]) -> str:
    """docxtpl's ``{%- … %}`` / ``{% … -%}``: the tag joins the text before / after it.

    A statement tag that starts its text with ``{%-`` is joined to the previous text of the
    part (the paragraph break between is dropped); one that ends its text with ``-%}`` to the
    next. As in docxtpl, a tag joined this way keeps the whitespace next to it (the ``-`` is
    used up by the join); where there is nothing to join, ``-`` is Jinja's whitespace trim.
    """
    found = [(m, tags[int(m.group(1))]) for m in _MARKER_AT.finditer(xml_text)]
    for match, tag in reversed(found):
        if tag.kind != "stmt" or tag.level is not None or not tag.source:
            continue
        start, end = match.span()
        if tag.raw.endswith("-%}") and xml_text.startswith("</w:t>", end):
            following = _T_OPEN.search(xml_text, end)
            if following and not _has_marker(xml_text[end:following.start()]):
                xml_text = xml_text[:end] + xml_text[following.end():]
                tag.source = tag.source[:-3] + "%}"
        if tag.raw.startswith("{%-"):
            opening = _T_OPEN_BEFORE.search(xml_text, 0, start)
            if opening:
                previous = xml_text.rfind("</w:t>", 0, opening.start())
                if previous >= 0 and not _has_marker(xml_text[previous:start]):
                    xml_text = xml_text[:previous] + xml_text[start:]
                    tag.source = "{%" + tag.source[3:]
    return xml_text


def _has_marker(text: str) -> bool:
    return "\ue000" in text or "<?okt" in text


def _static(chunk: str, out: list[str], line: int) -> int:
    """Append template data; data that Jinja would read as a tag is wrapped in ``raw``."""
    if not chunk:
        return line
    if "_" in chunk:
        for old, new in LITERALS:
            chunk = chunk.replace(old, new)
    if _JINJA_SYNTAX.search(chunk):
        out.append("{% raw %}" + chunk + "{% endraw %}")
    else:
        out.append(chunk)
    return line + chunk.count("\n")


# ---------------------------------------------------------------------------------------------
