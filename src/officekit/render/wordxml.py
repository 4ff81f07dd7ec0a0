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
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


W_P, W_R, W_T, W_TC, W_TR, W_TBL = (_w(n) for n in ("p", "r", "t", "tc", "tr", "tbl"))
WP_DOCPR = f"{{{WP_NS}}}docPr"

Level = Literal["tr", "tc", "p", "r"]
TagKind = Literal["expr", "stmt", "comment"]

# Structural levels, widest first: a row replaced by {%tr %} takes its cells' tags with it.
LEVELS: tuple[Level, ...] = ("tr", "tc", "p", "r")
_LEVEL_ELEMENT: dict[Level, str] = {"tr": W_TR, "tc": W_TC, "p": W_P, "r": W_R}
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_KIND: dict[str, TagKind] = {"{{": "expr", "{%": "stmt", "{#": "comment"}
_OPENER = re.compile(r"\{[{%#]")
# docxtpl's level prefix: {%tr for … %}, {%p if … %}, {#p … #}; {{r x }} / {{p x }} take no space
# after the braces, so that {{ p }} stays a variable named p.
_STMT_LEVEL = re.compile(r"^\s*(tr|tc|p|r)\s+(.*)$", re.DOTALL)
_EXPR_LEVEL = re.compile(r"^(p|r)\s+(.*)$", re.DOTALL)
# Word's AutoCorrect turns straight quotes into curly ones inside tags as well.
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "\n": " "})
_MARK = re.compile("\ue000(\\d+)\ue001|<\\?okt ([0-9 ]+)\\?>")
_JINJA_SYNTAX = re.compile(r"\{[{%#]|\{$")
DOCPR_CALL = "_ok_docpr_id()"
RUN_FILTER = "_ok_run"
PARAGRAPH_FILTER = "_ok_paragraph"

# Part file names → how a person calls them (zh, en); the main document has no label.
_PART_LABELS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"header(\d*)\.xml$"), "页眉 {n}", "header {n}"),
    (re.compile(r"footer(\d*)\.xml$"), "页脚 {n}", "footer {n}"),
    (re.compile(r"footnotes\.xml$"), "脚注", "footnotes"),
    (re.compile(r"endnotes\.xml$"), "尾注", "endnotes"),
)


@dataclass(frozen=True, slots=True)
class WordLocation:
    """Where a tag sits, in the terms a person sees in Word (1-based numbers).

    Body paragraphs outside tables are counted from the top of the part (empty ones too, as
    Word shows them); a paragraph in a table is given by table, row and cell (and its paragraph
    within the cell when that is not the first). Text boxes count as their anchor paragraph.
    """

    part: str
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    nested: bool = False
    order: int = field(default=0, compare=False)  # paragraph's position in the part, sorting

    def _label(self, lang: str) -> str:
        for pattern, zh, en in _PART_LABELS:
            match = pattern.search(self.part)
            if match:
                number = match.group(1) if match.groups() else ""
                return (en if lang == "en" else zh).format(n=number or "1")
        return ""

    def zh(self) -> str:
        """E.g. ``第 3 段``, ``表格 2 第 4 行第 2 列``, ``页眉 1 第 1 段``."""
        if self.table is not None:
            text = f"表格 {self.table} 第 {self.row} 行第 {self.cell} 列"
            if self.paragraph and self.paragraph > 1:
                text += f"第 {self.paragraph} 段"
            if self.nested:
                text += "（嵌套表格内）"
        else:
            text = f"第 {self.paragraph} 段"
        label = self._label("zh")
        return f"{label} {text}" if label else text

    def en(self) -> str:
        """E.g. ``paragraph 3``, ``table 2 row 4 cell 2``, ``header 1 paragraph 1``."""
        if self.table is not None:
            text = f"table {self.table} row {self.row} cell {self.cell}"
            if self.paragraph and self.paragraph > 1:
                text += f" paragraph {self.paragraph}"
            if self.nested:
                text += " (nested table)"
        else:
            text = f"paragraph {self.paragraph}"
        label = self._label("en")
        return f"{label} {text}" if label else text

    def text(self, lang: str = "zh") -> str:
        return self.en() if lang == "en" else self.zh()


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One thing wrong with a template: a stable code, Word location, the tag as written.

    Codes: ``unclosed-tag``, ``misplaced-tag``, ``template-syntax``, ``unclosed-block``,
    ``unexpected-end``, ``missing-variable``, ``bad-template``.
    """

    code: str
    message_zh: str
    message_en: str
    location: WordLocation | None = None
    tag: str | None = None
    variable: str | None = None

    def message(self, lang: str = "zh") -> str:
        """One line: location, what is wrong, the tag as written."""
        where = self.location.text(lang) if self.location else ""
        text = self.message_en if lang == "en" else self.message_zh
        if lang == "en":
            head = f"{where}: " if where else ""
            tail = f" (tag: {self.tag})" if self.tag else ""
        else:
            head = f"{where}：" if where else ""
            tail = f"（标签：{self.tag}）" if self.tag else ""
        return f"{head}{text}{tail}"

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready form for ``officekit templates check --format json``."""
        return {
            "code": self.code,
            "part": self.location.part if self.location else None,
            "location": self.location.text(lang) if self.location else None,
            "tag": self.tag,
            "variable": self.variable,
            "message": self.message(lang),
        }


@dataclass(slots=True)
class Tag:
    """One Jinja tag found in the template, as written and as emitted to Jinja."""

    index: int
    raw: str
    kind: TagKind
    level: Level | None
    body: str
    location: WordLocation
    source: str = ""

    @property
    def keyword(self) -> str:
        """First word of a statement (``for``, ``endif``…), empty for expressions."""
        if self.kind != "stmt":
            return ""
        words = self.body.split(None, 1)
        return words[0] if words else ""


@dataclass(slots=True)
class PartSource:
    """A template part turned into Jinja source, with the map from lines back to tags."""

    name: str
    source: str
    tags: list[Tag]
    emitted: list[Tag] = field(default_factory=list)  # in source order
    lines: list[int] = field(default_factory=list)  # first line of each emitted tag
    problems: list[TemplateProblem] = field(default_factory=list)
    has_cell_loops: bool = False

    def tag_at_line(self, lineno: int | None) -> Tag | None:
        """The tag that Jinja's 1-based line number ``lineno`` falls in."""
        if lineno is None or not self.lines:
            return None
        pos = bisect.bisect_right(self.lines, lineno) - 1
        return self.emitted[max(pos, 0)]


def _emit(tag: Tag) -> str:
    """Jinja text of one tag: normalised body, one newline before the closing delimiter."""
    if tag.kind == "comment":
        return ""
    if tag.kind == "expr":
        if tag.level == "r":
            return f"{{{{ ({tag.body}) | {RUN_FILTER} \n}}}}"
        if tag.level == "p":
            return f"{{{{ ({tag.body}) | {PARAGRAPH_FILTER} \n}}}}"
        return f"{{{{{_dash_open(tag)} {tag.body} \n{_dash_close(tag)}}}}}"
    if tag.level is not None:
        return f"{{% {tag.body} \n%}}"
    return f"{{%{_dash_open(tag)} {tag.body} \n{_dash_close(tag)}%}}"


def _dash_open(tag: Tag) -> str:
    return "-" if tag.raw[2:3] == "-" else ""


def _dash_close(tag: Tag) -> str:
    return "-" if tag.raw[-3:-2] == "-" else ""


def _parse_tag(index: int, raw: str, location: WordLocation) -> Tag:
    opener = raw[:2]
    kind = _KIND[opener]
    inner = raw[2:-2].translate(_QUOTES)
    level: Level | None = None
    if kind == "expr":
        match = _EXPR_LEVEL.match(inner)
        if match:
            level = match.group(1)  # type: ignore[assignment]
            inner = match.group(2)
    else:
        match = _STMT_LEVEL.match(inner.lstrip("-"))
        if match:
            level = match.group(1)  # type: ignore[assignment]
            inner = match.group(2)
    body = inner.strip().strip("-").strip() if kind != "comment" else inner
    tag = Tag(index, raw, kind, level, body, location)
    tag.source = _emit(tag)
    return tag


def part_label(name: str) -> WordLocation:
    """A location naming only the part (for problems not tied to a paragraph)."""
    return WordLocation(part=name)


def _locate_paragraphs(root: Any, part: str) -> dict[Any, WordLocation]:
    """Word location of every ``<w:p>`` in the part (see :class:`WordLocation`)."""
    top_tables: dict[Any, int] = {}
    for tbl in root.iter(W_TBL):
        if next(tbl.iterancestors(W_TBL), None) is None:
            top_tables[tbl] = len(top_tables) + 1
    locations: dict[Any, WordLocation] = {}
    body_count = 0
    cell_counts: dict[Any, int] = {}
    for p in root.iter(W_P):
        outer_p = None
        outer_tc = None
        nested = False
        for anc in p.iterancestors():
            if anc.tag == W_P:
                outer_p = anc
            elif anc.tag == W_TC:
                if outer_tc is not None:
                    nested = True
                outer_tc = anc
        if outer_p is not None and outer_p in locations:
            locations[p] = locations[outer_p]
            continue
        if outer_tc is None:
            body_count += 1
            locations[p] = WordLocation(part=part, paragraph=body_count, order=len(locations))
            continue
        tr = outer_tc.getparent()
        tbl = tr.getparent() if tr is not None else None
        rows = [el for el in tbl if el.tag == W_TR] if tbl is not None else []
        cells = [el for el in tr if el.tag == W_TC] if tr is not None else []
        cell_counts[outer_tc] = cell_counts.get(outer_tc, 0) + 1
        locations[p] = WordLocation(
            part=part,
            paragraph=cell_counts[outer_tc],
            table=top_tables.get(tbl, 0),
            row=rows.index(tr) + 1 if tr in rows else 0,
            cell=cells.index(outer_tc) + 1 if outer_tc in cells else 0,
            nested=nested,
            order=len(locations),
        )
    return locations


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
        self.locations = _locate_paragraphs(root, name)
        self.tags: list[Tag] = []
        self.problems: list[TemplateProblem] = []
        self.structural: dict[Level, dict[Any, list[Tag]]] = {lv: {} for lv in LEVELS}

    def join_paragraph(self, p: Any, ts: list[Any]) -> None:
        """Find the tags in one paragraph's text and gather each into a single ``<w:t>``."""
        texts = [t.text or "" for t in ts]
        full = "".join(texts)
        if "{" not in full:
            return
        location = self.locations.get(p, part_label(self.name))
        spans: list[tuple[int, int]] = []
        pos = 0
        while (match := _OPENER.search(full, pos)) is not None:
            closer = _CLOSER[match.group(0)]
            end = full.find(closer, match.end())
            if end < 0:
                raw = full[match.start():]
                self.problems.append(TemplateProblem(
                    "unclosed-tag",
                    f"标签没有结束：缺少“{closer}”（标签须写在同一段内）",
                    f"tag is not closed: '{closer}' is missing (a tag must stay in one paragraph)",
                    location, raw))
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
        for start, end in spans:
            spread(pos, start)
            k = owner(start)
            tag = _parse_tag(len(self.tags), full[start:end], location)
            self.tags.append(tag)
            pieces[k].append(f"\ue000{tag.index}\ue001")
            ts[k].set(XML_SPACE, "preserve")
            if tag.level is not None:
                self._note_structural(tag, p, ts[k])
            pos = end
        spread(pos, len(full))
        for t, parts in zip(ts, pieces, strict=True):
            t.text = "".join(parts)

    def _note_structural(self, tag: Tag, p: Any, t: Any) -> None:
        assert tag.level is not None
        if tag.level == "p":
            element = p
        elif tag.level == "r":
            element = next(t.iterancestors(W_R), None)
        else:
            element = next(p.iterancestors(_LEVEL_ELEMENT[tag.level]), None)
        if element is None:
            where = {"tr": ("表格行", "a table row"), "tc": ("表格单元格", "a table cell"),
                     "r": ("文字", "a run"), "p": ("段落", "a paragraph")}[tag.level]
            self.problems.append(TemplateProblem(
                "misplaced-tag",
                f"{{%{tag.level} %}} 标签必须写在{where[0]}里",
                f"a {{%{tag.level} %}} tag must be inside {where[1]}",
                tag.location, tag.raw))
            return
        self.structural[tag.level].setdefault(element, []).append(tag)

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
            tag.source = _emit(tag)
            self.tags.append(tag)
            docpr.set("id", f"\ue000{tag.index}\ue001")


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
    for p, ts in _texts_by_paragraph(root).items():
        compiler.join_paragraph(p, ts)
    if not compiler.tags and not compiler.problems:
        return None
    compiler.replace_structural()
    loops = any(t.kind == "stmt" and t.keyword == "for" for t in compiler.tags)
    if loops:
        compiler.renumber_drawings()
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    xml_text = head + etree.tostring(root, encoding="unicode")
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


def _static(chunk: str, out: list[str], line: int) -> int:
    """Append template data; data that Jinja would read as a tag is wrapped in ``raw``."""
    if not chunk:
        return line
    if _JINJA_SYNTAX.search(chunk):
        out.append("{% raw %}" + chunk + "{% endraw %}")
    else:
        out.append(chunk)
    return line + chunk.count("\n")
