"""Compile-once Word renderer in docxtpl's tag style (SPEC §7).

A template is a .docx written in Word with Jinja tags: ``{{ x }}``, ``{%tr for r in rows %}`` …
``{%tr endfor %}`` row loops, ``{%p if x %}`` … ``{%p endif %}`` paragraph blocks, ``{%tc %}``
cell blocks, ``{{r x }}`` rich text. :meth:`WordTemplate.compile` reads it once — tags joined
across Word's runs, structural tags turned into Jinja statements (:mod:`.wordxml`), syntax
checked in Word terms (:mod:`.check`), one Jinja template per templated part (body, headers,
footers, notes) in a sandbox (:mod:`.jinjaenv`). Rendering a document is then one
``template.render`` per part plus writing the zip, the untouched members copied as their
compressed bytes (:mod:`.docxzip`). :func:`.batch.render_many` spreads a batch over every core.

An undefined variable is an error naming it (StrictUndefined), not a blank: a report with a
silently empty field is worse than no report. ``{% if x is defined %}`` and ``x | default("")``
are the ways to make a value optional; ``None`` prints as nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError, UndefinedError
from lxml import etree

from officekit.errors import OfficekitError, TemplateError
from officekit.render.docprops import APP, CORE, DocumentProperties, apply_properties
from officekit.render.docxzip import Member, make_member, write_zip
from officekit.render.fonts import set_cjk_font
from officekit.render.jinjaenv import (
    PAGE_MARK,
    PARAGRAPH_MARK,
    AddedChart,
    AddedImage,
    AddedLink,
    Image,
    RichText,
    RichTextParagraph,
    make_environment,
    session,
)
from officekit.render.ooxml import W_NS, W_TBL, W_TC, W_TR, split_marked_paragraphs
from officekit.render.package import (
    CONTENT_TYPES,
    CT_NS,
    DOCPR_ID,
    RELS_ID,
    added_parts,
    default_fonts,
    member_bytes,
    read_template,
    rels_name,
    write_atomic,
)
from officekit.render.syntax import compile_problem, parsed_if_clean, syntax_problems
from officekit.render.wellformed import always_well_formed
from officekit.render.wordlocation import TemplateProblem, WordLocation, problem
from officekit.render.wordtags import PartSource
from officekit.render.wordxml import preprocess_part

__all__ = [
    "DocumentProperties",
    "Image",
    "RichText",
    "RichTextParagraph",
    "TemplateProblemsError",
    "WordTemplate",
    "compile_template",
    "render_document",
    "set_cjk_font",
    "write_atomic",
]

_HUGE = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
_RENDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError,
                  AttributeError, OfficekitError)
_MAX_LISTED = 20
_PACKED_SIZE = 8192  # parts up to this size are kept compressed by content (WordTemplate._packed)
_PACKED_COUNT = 256


class TemplateProblemsError(TemplateError):
    """A :class:`TemplateError` carrying the problems found, each located in Word terms."""

    def __init__(self, message: str = "", problems: Sequence[TemplateProblem] = (), *,
                 hint: str | None = None, key: str | None = None, **params: Any) -> None:
        super().__init__(message, hint=hint, key=key, **params)
        self.problems = list(problems)


def _problems_error(name: str, problems: Sequence[TemplateProblem]) -> TemplateProblemsError:
    listed = problems[:_MAX_LISTED]
    return TemplateProblemsError(
        problems=problems, key="error.template.problems", name=name, count=len(problems),
        listed_zh="\n".join(f"  {p.message('zh')}" for p in listed),
        listed_en="\n".join(f"  {p.message('en')}" for p in listed),
        more=len(problems) - len(listed) or "")


def _preprocess(name: str, xml: bytes, file_name: str) -> PartSource | None:
    try:
        return preprocess_part(name, xml)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(key="error.template.bad-xml", file=file_name, part=name,
                            detail=str(exc)) from exc


def load_parts(path: Path) -> list[PartSource]:
    """The templated parts of the .docx at ``path`` as Jinja source (not yet compiled)."""
    _, xml_parts = read_template(path)
    found = (_preprocess(n, xml, path.name) for n, xml in xml_parts.items())
    return [p for p in found if p is not None]


@dataclass(frozen=True, slots=True)
class _Part:
    source: PartSource
    template: jinja2.Template
    well_formed: bool  # every rendering is well-formed XML (:mod:`.wellformed`)


class WordTemplate:
    """A .docx template compiled once; :meth:`render` makes one document from a context.

    Build it with :meth:`compile` (or the cached :func:`compile_template`). ``verify`` parses
    each rendered part back with lxml, so a block that crosses a table or paragraph boundary
    fails here with its reason instead of giving Word a file it calls corrupt — unless the
    part was shown well-formed for every context when it was compiled (:mod:`.wellformed`) and
    no value brought markup of its own into it.
    """

    verify = True

    def __init__(self, path: Path, members: list[Member], parts: list[_Part],
                 first_id: int) -> None:
        self.path = path
        self._members = members
        self._parts = parts
        self._first_id = first_id
        self._taken = frozenset(m.name for m in members)
        self._packed_parts: dict[tuple[str, bytes], Member] = {}
        by_name = {m.name: m for m in members}
        self._content_types = member_bytes(by_name[CONTENT_TYPES]).decode("utf-8")
        defaults = etree.fromstring(self._content_types.encode("utf-8")).iter(CT_NS + "Default")
        self._extensions = frozenset(el.get("Extension", "").lower() for el in defaults)
        self.fonts = default_fonts(by_name)
        self._rels: dict[str, str] = {}
        self._rel_ids: dict[str, frozenset[str]] = {}
        for part in parts:
            rels = rels_name(part.source.name)
            if rels in by_name:
                self._rels[rels] = member_bytes(by_name[rels]).decode("utf-8")
                self._rel_ids[part.source.name] = frozenset(RELS_ID.findall(self._rels[rels]))

    @classmethod
    def compile(cls, path: str | Path,
                filters: Mapping[str, Callable[..., Any]] | None = None) -> WordTemplate:
        """Read and compile the template at ``path``.

        ``filters`` adds Jinja filters by name to the office filters every template has
        (:mod:`officekit.render.filters`). Raises :class:`TemplateProblemsError` listing every
        problem in Word terms (第 3 段 / 表格 2 第 4 行第 2 列 and the tag as written) — syntax,
        unknown filters and tags — or :class:`TemplateError` when the file is not a readable
        .docx.
        """
        path = Path(path)
        members, xml_parts = read_template(path)
        env = make_environment(filters)
        problems: list[TemplateProblem] = []
        parts: list[_Part] = []
        for name, xml in xml_parts.items():
            source = _preprocess(name, xml, path.name)
            if source is None:
                continue
            ast = parsed_if_clean(source, env)
            found = [] if ast is not None else syntax_problems(source, env)
            if not found:
                try:
                    code = env.compile(ast if ast is not None else source.source)
                    template = env.template_class.from_code(env, code, env.make_globals(None))
                    parts.append(_Part(source, template, always_well_formed(source.source, env)))
                except jinja2.TemplateSyntaxError as exc:
                    found = [compile_problem(source, exc)]
            problems.extend(found)
        if problems:
            raise _problems_error(path.name, problems)
        ids = [int(m) for xml in xml_parts.values() for m in DOCPR_ID.findall(xml)]
        return cls(path, members, parts, max(ids, default=0) + 1000)

    @property
    def part_names(self) -> list[str]:
        """Names of the parts that hold tags (``word/document.xml``, headers, footers…)."""
        return [p.source.name for p in self._parts]

    def render_bytes(self, context: Mapping[str, Any], *, comment: bytes = b"",
                     properties: DocumentProperties | None = None) -> bytes:
        """The rendered document as .docx bytes (``comment``: the zip's comment field;
        ``properties``: author, organisation and time for File → Properties)."""
        data = dict(context)
        rendered: dict[str, bytes] = {}
        with session(self._first_id, self._taken, self.fonts, self._rel_ids) as current:
            for part in self._parts:
                current.part = part.source.name
                current.foreign_markup = False
                try:
                    text = part.template.render(data)
                except _RENDER_ERRORS as exc:
                    raise self._render_error(part.source, exc) from exc
                xml = text.encode("utf-8")
                marked = PARAGRAPH_MARK in text or PAGE_MARK in text
                unproven = not part.well_formed or current.foreign_markup
                if (self.verify and unproven) or part.source.has_cell_loops or marked:
                    xml = self._checked(part.source, xml, marked)
                rendered[part.source.name] = xml
            if properties is not None:
                rendered.update(apply_properties(
                    rendered.get(CORE, self._member_data(CORE)), self._member_data(APP),
                    properties))
            return self._assemble(rendered, current.images, current.charts, current.links,
                                  comment)

    def _packed(self, name: str, data: bytes) -> Member:
        """``make_member``, kept for small parts that come out the same in every document of
        a batch (content types, relationships, properties): compressed once."""
        if len(data) > _PACKED_SIZE:
            return make_member(name, data)
        key = (name, data)
        member = self._packed_parts.get(key)
        if member is None:
            if len(self._packed_parts) >= _PACKED_COUNT:
                self._packed_parts.clear()
            member = self._packed_parts[key] = make_member(name, data)
        return member

    def _member_data(self, name: str) -> bytes | None:
        for member in self._members:
            if member.name == name:
                return member_bytes(member)
        return None

    # docxtpl's Python API: officekit renders from the template and the context only.

    def _unsupported(self, method: str) -> TemplateError:
        return TemplateError(key="error.template.docxtpl-api", method=method)

    def replace_pic(self, *args: Any, **kwargs: Any) -> None:
        """Not supported (docxtpl's picture replacement): raises :class:`TemplateError`."""
        raise self._unsupported("replace_pic")

    def replace_media(self, *args: Any, **kwargs: Any) -> None:
        """Not supported (docxtpl's media replacement): raises :class:`TemplateError`."""
        raise self._unsupported("replace_media")

    def replace_embedded(self, *args: Any, **kwargs: Any) -> None:
        """Not supported (docxtpl's embedded-file replacement): raises :class:`TemplateError`."""
        raise self._unsupported("replace_embedded")

    def replace_zipname(self, *args: Any, **kwargs: Any) -> None:
        """Not supported (docxtpl's zip member replacement): raises :class:`TemplateError`."""
        raise self._unsupported("replace_zipname")

    def new_subdoc(self, *args: Any, **kwargs: Any) -> None:
        """Not supported (docxtpl's Subdoc): raises :class:`TemplateError`."""
        raise self._unsupported("new_subdoc")

    def render(self, context: Mapping[str, Any], out_path: str | Path, *,
               comment: bytes = b"", properties: DocumentProperties | None = None) -> Path:
        """Render one document to ``out_path``, written atomically (temp file + rename).

        ``comment`` goes into the zip's comment field (the report command keeps there what
        the document was made of, :mod:`.incremental`); Word ignores it.
        """
        out = Path(out_path)
        write_atomic(out, self.render_bytes(context, comment=comment, properties=properties))
        return out

    def _render_error(self, part: PartSource, exc: BaseException) -> TemplateProblemsError:
        tag = part.tag_at_line(_template_line(exc))
        location = tag.location if tag else WordLocation(part.name)
        raw = tag.raw if tag else None
        detail = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, UndefinedError):
            name = _undefined_name(detail, tag.body if tag else "")
            found = problem("undefined-variable", location, raw, name, name=name)
        elif isinstance(exc, SecurityError):
            found = problem("sandbox", location, raw, detail=detail)
        else:
            found = problem("render-error", location, raw, detail=detail)
        return _problems_error(self.path.name, [found])

    def _checked(self, part: PartSource, xml: bytes, marked: bool = False) -> bytes:
        try:
            root = etree.fromstring(xml, _HUGE)
        except etree.XMLSyntaxError as exc:
            broken = problem("broken-xml", WordLocation(part.name), detail=str(exc))
            raise _problems_error(self.path.name, [broken]) from exc
        changed = part.has_cell_loops and _fix_grids(root)
        if marked:
            split_marked_paragraphs(root, PARAGRAPH_MARK, PAGE_MARK)
        if changed or marked:
            return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True))
        return xml

    def _assemble(self, rendered: dict[str, bytes], images: list[AddedImage],
                  charts: list[AddedChart], links: list[AddedLink],
                  comment: bytes = b"") -> bytes:
        changed = {name: data for name, data in rendered.items()}
        extra: list[Member] = []
        if images or charts or links:
            changed.update(added_parts(self._content_types, self._extensions, self._rels,
                                       images, charts, links))
            extra = [make_member(img.media_name, img.data, compress=False) for img in images]
            for chart in charts:
                extra.append(make_member(chart.chart_name, chart.xml))
                if chart.workbook is not None:
                    extra.append(make_member(chart.workbook_name, chart.workbook,
                                             compress=False))
        out: list[Member] = []
        for member in self._members:
            data = changed.pop(member.name, None)
            out.append(member if data is None else self._packed(member.name, data))
        out.extend(self._packed(name, data) for name, data in changed.items())
        out.extend(extra)
        buffer = io.BytesIO()
        write_zip(buffer, out, comment=comment)
        return buffer.getvalue()



def _fix_grids(root: Any) -> bool:
    """Match each table's column grid to its widest row (``{%tc for %}`` adds cells)."""
    w = f"{{{W_NS}}}"
    changed = False
    for tbl in root.iter(W_TBL):
        grid = tbl.find(w + "tblGrid")
        if grid is None:
            continue
        cols = grid.findall(w + "gridCol")
        widest = 0
        for tr in tbl.iterfind(W_TR):
            width = 0
            for tc in tr.iterfind(W_TC):
                span = tc.find(f"{w}tcPr/{w}gridSpan")
                width += int(span.get(w + "val", "1")) if span is not None else 1
            widest = max(widest, width)
        if widest in (0, len(cols)):
            continue
        total = sum(int(c.get(w + "w", "0")) for c in cols)
        for col in cols:
            grid.remove(col)
        for _ in range(widest):
            etree.SubElement(grid, w + "gridCol", {w + "w": str(total // widest)})
        changed = True
    return changed


def _template_line(exc: BaseException) -> int | None:
    """Line in the generated source where a render error happened (Jinja rewrites frames)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _undefined_name(message: str, body: str) -> str:
    """The missing name from Jinja's message; ``staff.email`` when the tag shows the path."""
    match = re.search(r"'([^']+)' is undefined", message)
    if match:
        return match.group(1)
    match = re.search(r"has no attribute '([^']+)'", message)
    if match:
        attr = match.group(1)
        path = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(attr)}\b", body)
        return f"{path.group(1)}.{attr}" if path else attr
    return message


_CACHE: dict[Path, tuple[tuple[int, int], WordTemplate]] = {}


def compile_template(path: str | Path) -> WordTemplate:
    """The compiled template at ``path``, cached until the file changes (mtime or size)."""
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise TemplateError(key="error.template.not-found", path=str(path)) from exc
    key = (stat.st_mtime_ns, stat.st_size)
    hit = _CACHE.get(resolved)
    if hit is not None and hit[0] == key:
        return hit[1]
    template = WordTemplate.compile(resolved)
    _CACHE[resolved] = (key, template)
    return template


def render_document(template_path: str | Path, context: Mapping[str, Any],
                    out_path: str | Path) -> Path:
    """Render one document from the template at ``template_path`` to ``out_path``."""
    return compile_template(template_path).render(context, out_path)

