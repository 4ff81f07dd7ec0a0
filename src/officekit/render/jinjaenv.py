"""The Jinja side of the renderer: the sandbox, how values become WordprocessingML, pictures.

One :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` (a ``SandboxedEnvironment`` that also
refuses to mutate lists and dicts handed in as data) renders every part, with:

- autoescape on, so ``A&B <C>`` in the data is written as text, and data that looks like a tag
  (``{{ 7*7 }}``) stays text: data is never parsed as template;
- :class:`StrictUndefined`: a variable the context does not provide is an error naming it,
  never a silent blank (``{% if x is defined %}`` and ``x | default("")`` still work);
- a ``finalize`` hook that turns each printed value into XML: ``None`` prints as nothing (the
  record contract uses None for a missing optional value), newlines become ``<w:br/>``, tabs
  ``<w:tab/>``, ``\a`` / ``\f`` a new paragraph / page (split by the engine after
  rendering), characters XML 1.0 forbids are dropped, an :class:`Image` becomes an inline
  picture and a :class:`RichText` its own runs; an object with ``__html__`` (markupsafe
  ``Markup``, docxtpl's RichText) is taken as WordprocessingML only after a check: well-formed,
  text / runs / paragraphs as the tag allows, and no relationship id the part does not have.
  docxtpl's Python-API objects (Subdoc, InlineImage) are refused by name as not supported.

Pictures need per-document state (the media part, its relationship id, a unique ``docPr`` id):
that lives in a :class:`RenderSession` held in a context variable while one document renders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from officekit.errors import TemplateError
from officekit.render.wordxml import DOCPR_CALL, PARAGRAPH_FILTER, RUN_FILTER

EMU_PER_MM = 36000
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
LINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# ``\a`` (new paragraph) and ``\f`` (page break) in a value cannot be written inside the run
# being filled: they leave these markers in the text, and the engine splits the paragraph there
# (keeping its paragraph and run formatting) once the part has rendered.
PARAGRAPH_MARK = "\ue010"
PAGE_MARK = "\ue011"
_SPECIAL = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff\ue010\ue011]")
_DROP = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue010\ue011]")
_TEXT_BREAKS = (
    ("\r\n", "\n"),
    ("\r", "\n"),
    ("\n", '</w:t><w:br/><w:t xml:space="preserve">'),
    ("\t", '</w:t><w:tab/><w:t xml:space="preserve">'),
    ("\x07", PARAGRAPH_MARK),
    ("\x0c", PAGE_MARK),
)
UNDERLINES = frozenset({"single", "double", "thick", "dotted", "dash", "dotDash", "dotDotDash",
                        "wave", "words", "dottedHeavy", "dashedHeavy", "dashLong", "wavyDouble"})


class WordXml(Markup):
    """WordprocessingML this module made itself: printed as is, never checked again."""


@dataclass(frozen=True, slots=True)
class Image:
    """A picture for ``{{ chart }}`` (inline) or ``{{r chart }}``.

    ``data`` is the PNG/JPEG/GIF/BMP bytes or a path to them. Without ``width_mm`` and
    ``height_mm`` the picture keeps its own size (pixels at its dpi); with one of them the other
    follows the aspect ratio. ``alt`` is the alternative text screen readers announce.
    """

    data: bytes | Path
    width_mm: float | None = None
    height_mm: float | None = None
    alt: str = ""

    def __post_init__(self) -> None:
        if ((self.width_mm is not None and self.width_mm <= 0)
                or (self.height_mm is not None and self.height_mm <= 0)):
            raise TemplateError(
                f"图片尺寸必须大于 0（宽 {self.width_mm} mm，高 {self.height_mm} mm）"
                f" / picture size must be positive")


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    props: str  # the inside of <w:rPr>
    url: str | None = None


def _hex(value: str, what: str) -> str:
    value = value.removeprefix("#")
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        raise TemplateError(f"{what}应为 RRGGBB 十六进制：{value!r} / {what} must be RRGGBB hex"
                            if what else f"颜色应为 RRGGBB 十六进制：{value!r}"
                            " / color must be RRGGBB hex")
    return value.upper()


class RichText:
    """Text with its own formatting, for ``{{r x }}`` (or inline ``{{ x }}``) tags.

    ``RichText("逾期", bold=True, color="C00000").add("（3 天）")`` — each ``add`` is one run,
    and ``rt += "…"`` / ``rt += other`` appends too. The keywords are docxtpl's: ``style`` (a
    character style id), ``color`` / ``highlight`` (``RRGGBB``, ``#`` allowed), ``size`` in
    half-points (docxtpl's unit) or ``size_pt``, ``bold``, ``italic``, ``underline`` (True or a
    Word style: ``double``, ``wave``…), ``strike``, ``superscript``, ``subscript``, ``font``
    (Latin and East Asian alike; ``"eastAsia:微软雅黑"`` sets one region), ``url`` (a
    hyperlink), ``lang``. In the text ``\\n`` is a line break, ``\\t`` a tab, ``\\a`` a new
    paragraph and ``\\f`` a page break.
    """

    __slots__ = ("_runs",)

    def __init__(self, text: Any = "", **style: Any) -> None:
        self._runs: list[_Run] = []
        if isinstance(text, RichText) or text not in ("", None):
            self.add(text, **style)

    def add(self, text: Any, *, style: str | None = None, color: str | None = None,
            highlight: str | None = None, size: int | None = None,
            size_pt: float | None = None, subscript: bool = False, superscript: bool = False,
            bold: bool = False, italic: bool = False, underline: bool | str = False,
            strike: bool = False, font: str | None = None, url: str | None = None,
            lang: str | None = None) -> RichText:
        """Append one run (or all runs of another RichText); returns self so calls chain."""
        if isinstance(text, RichText):
            self._runs.extend(text._runs)
            return self
        props: list[str] = []
        if style:
            props.append(f'<w:rStyle w:val="{escape(style)}"/>')
        if font:
            props.append(_fonts_xml(font))
        if bold:
            props.append("<w:b/><w:bCs/>")
        if italic:
            props.append("<w:i/><w:iCs/>")
        if strike:
            props.append("<w:strike/>")
        if color:
            props.append(f'<w:color w:val="{_hex(color, "")}"/>')
        half = round(size_pt * 2) if size_pt else size
        if half:
            props.append(f'<w:sz w:val="{int(half)}"/><w:szCs w:val="{int(half)}"/>')
        if underline:
            kind = underline if isinstance(underline, str) and underline in UNDERLINES \
                else "single"
            props.append(f'<w:u w:val="{kind}"/>')
        if highlight:
            props.append(f'<w:shd w:val="clear" w:color="auto" '
                         f'w:fill="{_hex(highlight, "底色")}"/>')
        if superscript or subscript:
            props.append(f'<w:vertAlign w:val="{"superscript" if superscript else "subscript"}"/>')
        if lang:
            props.append(f'<w:lang w:val="{escape(lang)}"/>')
        self._runs.append(_Run("" if text is None else str(text), "".join(props), url))
        return self

    def __iadd__(self, other: Any) -> RichText:
        return self.add(other)

    def __add__(self, other: Any) -> RichText:
        return RichText().add(self).add(other)

    def __str__(self) -> str:
        return "".join(run.text for run in self._runs)

    def runs_xml(self) -> str:
        """The runs as WordprocessingML (``<w:r>…</w:r>``…); links need a render session."""
        return "".join(_run_xml(run) for run in self._runs)


def _fonts_xml(font: str) -> str:
    if ":" in font:
        region, name = font.split(":", 1)
        if region not in ("ascii", "hAnsi", "eastAsia", "cs"):
            raise TemplateError(f"字体区域应为 ascii/hAnsi/eastAsia/cs：{region!r}"
                                " / font region must be ascii, hAnsi, eastAsia or cs")
        return f'<w:rFonts w:{region}="{escape(name)}"/>'
    f = escape(font)
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>'


def _run_xml(run: _Run) -> str:
    rpr = f"<w:rPr>{run.props}</w:rPr>" if run.props else ""
    xml = f'<w:r>{rpr}<w:t xml:space="preserve">{text_xml(run.text)}</w:t></w:r>'
    if "<w:br/>" in xml or "<w:tab/>" in xml:  # keep the run's formatting on each piece
        xml = xml.replace('</w:t><w:br/><w:t xml:space="preserve">',
                          f'</w:t></w:r><w:r>{rpr}<w:br/></w:r><w:r>{rpr}'
                          '<w:t xml:space="preserve">')
        xml = xml.replace('</w:t><w:tab/><w:t xml:space="preserve">',
                          f'</w:t></w:r><w:r>{rpr}<w:tab/></w:r><w:r>{rpr}'
                          '<w:t xml:space="preserve">')
    if run.url:
        rel_id = _current().add_link(run.url)
        xml = f'<w:hyperlink r:id="{rel_id}" xmlns:r="{R_NS}">{xml}</w:hyperlink>'
    return xml


class RichTextParagraph:
    """Whole paragraphs for ``{{p x }}``: ``add(text or RichText, parastyle="…")`` each."""

    __slots__ = ("_paragraphs",)

    def __init__(self, text: Any = "", **props: Any) -> None:
        self._paragraphs: list[tuple[RichText, str | None]] = []
        if isinstance(text, RichText) or text not in ("", None):
            self.add(text, **props)

    def add(self, text: Any, parastyle: str | None = None) -> RichTextParagraph:
        """Append one paragraph in the paragraph style ``parastyle`` (a style id)."""
        rich = text if isinstance(text, RichText) else RichText(text)
        self._paragraphs.append((rich, parastyle))
        return self

    def paragraphs_xml(self) -> str:
        out = []
        for rich, style in self._paragraphs:
            ppr = f'<w:pPr><w:pStyle w:val="{escape(style)}"/></w:pPr>' if style else ""
            out.append(f"<w:p>{ppr}{rich.runs_xml()}</w:p>")
        return "".join(out)


def text_xml(text: str) -> str:
    """Escape ``text`` for the inside of ``<w:t>``, turning line breaks and tabs into XML."""
    escaped = str(escape(text))
    if _SPECIAL.search(escaped) is None:
        return escaped
    escaped = _DROP.sub("", escaped)
    for old, new in _TEXT_BREAKS:
        escaped = escaped.replace(old, new)
    return escaped


@dataclass(frozen=True, slots=True)
class AddedImage:
    """A picture added to one rendered document: where its bytes go and who refers to them."""

    part: str
    rel_id: str
    media_name: str  # zip member name, e.g. word/media/ok_image1.png
    data: bytes
    content_type: str
    ext: str


@dataclass(frozen=True, slots=True)
class AddedChart:
    """A native chart added to one rendered document: its part, its data, who refers to it."""

    part: str
    rel_id: str
    chart_name: str  # zip member name, e.g. word/charts/ok_chart1.xml
    xml: bytes
    workbook: bytes | None  # the embedded .xlsx Word opens for 编辑数据

    @property
    def workbook_name(self) -> str:
        return self.chart_name.replace("/charts/", "/embeddings/").removesuffix(".xml") + ".xlsx"


@dataclass(frozen=True, slots=True)
class AddedLink:
    """An external hyperlink added to one part of a rendered document."""

    part: str
    rel_id: str
    url: str


@runtime_checkable
class Drawable(Protocol):
    """A value that draws itself into the document (e.g. :class:`~.nativechart.Chart`).

    ``word_drawing`` is called while the document renders, with the current
    :class:`RenderSession`; it registers what it needs (``add_chart``, ``add_image``) and
    returns the ``<w:drawing>`` XML placed in a run.
    """

    def word_drawing(self, session: RenderSession) -> str: ...


class RenderSession:
    """Per-document state while the parts of one document render.

    ``fonts`` are the template's default (Latin, East Asian) faces, for charts' labels;
    ``rel_ids`` the relationship ids each templated part has (to check ``__html__`` objects).
    """

    def __init__(self, first_id: int, taken: frozenset[str],
                 fonts: tuple[str, str] = ("Times New Roman", "宋体"),
                 rel_ids: dict[str, frozenset[str]] | None = None) -> None:
        self.part = ""
        self.fonts = fonts
        self._next_id = first_id
        self._taken = taken
        self.rel_ids = rel_ids or {}
        self.images: list[AddedImage] = []
        self.charts: list[AddedChart] = []
        self.links: list[AddedLink] = []

    def add_chart(self, xml: bytes, workbook: bytes | None, width_mm: float, height_mm: float,
                  alt: str = "") -> str:
        """Register a chart part for the current part; returns its ``<w:drawing>`` XML."""
        number = len(self.charts) + 1
        name = f"word/charts/ok_chart{number}.xml"
        while name in self._taken:
            number += 1000
            name = f"word/charts/ok_chart{number}.xml"
        rel_id = f"rIdOkChart{len(self.charts) + 1}"
        self.charts.append(AddedChart(self.part, rel_id, name, xml, workbook))
        return _chart_drawing_xml(self.new_id(), rel_id, round(width_mm * EMU_PER_MM),
                                  round(height_mm * EMU_PER_MM), f"图表 {number}", alt)

    def new_id(self) -> int:
        """A ``docPr`` id not used elsewhere in the document."""
        self._next_id += 1
        return self._next_id

    def add_link(self, url: str) -> str:
        """Register an external hyperlink for the current part; returns its relationship id."""
        for link in self.links:
            if link.part == self.part and link.url == url:
                return link.rel_id
        rel_id = f"rIdOkLink{len(self.links) + 1}"
        self.links.append(AddedLink(self.part, rel_id, url))
        return rel_id

    def known_rel_ids(self) -> frozenset[str]:
        """Relationship ids the current part has (its own and those added while rendering)."""
        added = {img.rel_id for img in self.images if img.part == self.part}
        added |= {link.rel_id for link in self.links if link.part == self.part}
        added |= {chart.rel_id for chart in self.charts if chart.part == self.part}
        return self.rel_ids.get(self.part, frozenset()) | added

    def add_image(self, image: Image) -> str:
        """Register ``image`` for the current part; returns its ``<w:drawing>`` XML."""
        from docx.image.image import Image as DocxImage  # python-docx reads the header only

        source = image.data
        if isinstance(source, Path):
            try:
                data = source.read_bytes()
            except OSError as exc:
                raise TemplateError(f"图片文件无法读取：{source} / cannot read picture file") \
                    from exc
        elif isinstance(source, (bytes, bytearray)):
            data = bytes(source)
        else:
            raise TemplateError(f"图片数据应为 bytes 或文件路径，而不是 {type(source).__name__}"
                                f" / picture data must be bytes or a path, not "
                                f"{type(source).__name__}")
        try:
            info = DocxImage.from_blob(data)
        except Exception as exc:  # python-docx raises its own UnrecognizedImageError
            raise TemplateError("图片格式无法识别（请用 PNG 或 JPEG）/ unrecognised picture "
                                "format (use PNG or JPEG)") from exc
        number = len(self.images) + 1
        ext = str(info.ext).lower()
        media = f"word/media/ok_image{number}.{ext}"
        while media in self._taken:
            number += 1000
            media = f"word/media/ok_image{number}.{ext}"
        rel_id = f"rIdOk{len(self.images) + 1}"
        self.images.append(AddedImage(self.part, rel_id, media, data, str(info.content_type),
                                      ext))
        ratio = int(info.px_height) / max(int(info.px_width), 1)
        if image.width_mm is not None:
            cx = round(image.width_mm * EMU_PER_MM)
            cy = round(image.height_mm * EMU_PER_MM) if image.height_mm is not None \
                else round(cx * ratio)
        elif image.height_mm is not None:
            cy = round(image.height_mm * EMU_PER_MM)
            cx = round(cy / ratio) if ratio else cy
        else:  # the picture's own size: its pixels at its dpi (72 when it does not say)
            cx, cy = int(info.width), int(info.height)
        return _drawing_xml(self.new_id(), rel_id, cx, cy, f"图片 {number}", image.alt)


def _drawing_xml(pic_id: int, rel_id: str, cx: int, cy: int, name: str, alt: str) -> str:
    descr = f' descr="{escape(alt)}"' if alt else ""
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    return (
        "<w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" "
        "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">"
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{pic_id}" name="{name}"{descr}/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{a}" noChangeAspect="1"/>'
        f'</wp:cNvGraphicFramePr><a:graphic xmlns:a="{a}">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:nvPicPr><pic:cNvPr id="0" name="{name}"{descr}/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rel_id}" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )


def _chart_drawing_xml(frame_id: int, rel_id: str, cx: int, cy: int, name: str,
                       alt: str) -> str:
    descr = f' descr="{escape(alt)}"' if alt else ""
    return (
        "<w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" "
        "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">"
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{frame_id}" name="{name}"{descr}/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rel_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
    )


_SESSION: ContextVar[RenderSession | None] = ContextVar("officekit_render_session", default=None)


@contextmanager
def session(first_id: int, taken: frozenset[str],
            fonts: tuple[str, str] = ("Times New Roman", "宋体"),
            rel_ids: dict[str, frozenset[str]] | None = None) -> Iterator[RenderSession]:
    """Make a fresh :class:`RenderSession` current for the duration of one document."""
    current = RenderSession(first_id, taken, fonts, rel_ids)
    token = _SESSION.set(current)
    try:
        yield current
    finally:
        _SESSION.reset(token)


def _current() -> RenderSession:
    current = _SESSION.get()
    if current is None:  # only reachable when a template is rendered outside WordTemplate
        raise TemplateError("图片和链接只能在文档渲染时插入 / pictures and links need a document "
                            "render session")
    return current


_OPEN_RUN = '</w:t></w:r>'
_REOPEN_RUN = '<w:r><w:t xml:space="preserve">'
# Objects of docxtpl's Python API: they only work inside docxtpl's own render.
_UNSUPPORTED = {
    "Subdoc": "子文档（Subdoc）/ sub-documents (Subdoc)",
    "InlineImage": "docxtpl 的图片对象（InlineImage，请用 officekit 的 Image）/ docxtpl's "
                   "InlineImage (use officekit's Image)",
    "DocxTemplate": "docxtpl 模板对象 / a DocxTemplate",
    "Document": "python-docx 文档对象 / a python-docx Document",
}
_RUN_CONTENT = frozenset({"r", "hyperlink", "bookmarkStart", "bookmarkEnd", "proofErr",
                          "commentRangeStart", "commentRangeEnd", "ins", "del", "fldSimple",
                          "smartTag", "sdt"})
_BLOCK_CONTENT = frozenset({"p", "tbl", "sdt", "bookmarkStart", "bookmarkEnd"})
_FRAGMENT_NS = (f'xmlns:w="{"http://schemas.openxmlformats.org/wordprocessingml/2006/main"}" '
                f'xmlns:r="{R_NS}" '
                'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
                'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
                'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')


def _not_supported(value: Any) -> TemplateError:
    name = type(value).__name__
    what = _UNSUPPORTED.get(name, f"{name}")
    return TemplateError(f"不支持的对象 {name}：officekit 不支持 {what.split(' / ')[0]}"
                         f" / {name} is not supported: officekit does not support "
                         f"{what.split(' / ')[-1]}")


def _html_kind(value: Any) -> tuple[str, str]:
    """Check an object's ``__html__`` as WordprocessingML: ("text"|"runs"|"blocks", xml).

    Its XML must be well-formed, may only refer to relationships the part has, and is text,
    runs or paragraphs; anything else is refused naming the object's type.
    """
    from lxml import etree

    if type(value).__name__ in _UNSUPPORTED:
        raise _not_supported(value)
    name = type(value).__name__
    try:
        xml = str(value.__html__())
    except Exception as exc:  # foreign objects fail in their own ways
        raise TemplateError(f"对象 {name} 无法输出为 Word 内容（不支持）：{exc}"
                            f" / {name} cannot be written into Word (not supported): {exc}") \
            from exc
    if "<" not in xml:
        return "text", xml
    try:
        root = etree.fromstring(f"<ok {_FRAGMENT_NS}>{xml}</ok>".encode())
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"对象 {name} 的内容不是有效的 Word XML（不支持）"
                            f" / {name} does not give valid Word XML (not supported): {exc}") \
            from exc
    known = _current().known_rel_ids() if _SESSION.get() is not None else frozenset()
    for el in root.iter():
        for attr, ref in el.attrib.items():
            if attr.startswith(f"{{{R_NS}}}") and ref not in known:
                raise TemplateError(
                    f"对象 {name} 引用了本文档中不存在的关系 {ref}（不支持来自其他库的图片或链接）"
                    f" / {name} refers to relationship {ref}, which this document does not "
                    "have (objects of other libraries are not supported)")
    tags = {etree.QName(el).localname for el in root}
    if not tags:
        return "text", xml
    if tags <= _RUN_CONTENT:
        return "runs", xml
    if tags <= _BLOCK_CONTENT:
        return "blocks", xml
    raise TemplateError(f"对象 {name} 的内容不是文字、文字块或段落（不支持）"
                        f" / {name} gives neither text, runs nor paragraphs (not supported)")


def _html_text(xml: str) -> str:
    """Markup text (escaped already) with its line breaks, tabs and \\a / \\f made XML."""
    if _SPECIAL.search(xml) is None:
        return xml
    xml = _DROP.sub("", xml)
    for old, new in _TEXT_BREAKS:
        xml = xml.replace(old, new)
    return xml


def _finalize(value: Any) -> Any:
    """Turn a value printed by ``{{ x }}`` (inside a ``<w:t>``) into safe XML text."""
    if value is None:
        return ""
    if isinstance(value, str):
        if isinstance(value, WordXml):
            return value
        if isinstance(value, Markup):
            return _inline_html(value)
        if _SPECIAL.search(value) is None:
            return value  # Jinja escapes it
        return WordXml(text_xml(value))
    if isinstance(value, Image):
        return WordXml(f"{_OPEN_RUN}<w:r>{_current().add_image(value)}</w:r>{_REOPEN_RUN}")
    if isinstance(value, RichText):
        return WordXml(f"{_OPEN_RUN}{value.runs_xml()}{_REOPEN_RUN}")
    if isinstance(value, Drawable):
        return WordXml(f"{_OPEN_RUN}<w:r>{value.word_drawing(_current())}</w:r>{_REOPEN_RUN}")
    if isinstance(value, RichTextParagraph):
        raise TemplateError("多段文字（RichTextParagraph）须用 {{p 变量 }} 单独占一段"
                            " / a RichTextParagraph needs its own paragraph: {{p x }}")
    if hasattr(value, "__html__"):
        return _inline_html(value)
    if type(value).__name__ in _UNSUPPORTED:
        raise _not_supported(value)
    return _finalize(str(value))


def _inline_html(value: Any) -> WordXml:
    kind, xml = _html_kind(value)
    if kind == "text":
        return WordXml(_html_text(xml))
    if kind == "runs":
        return WordXml(f"{_OPEN_RUN}{xml}{_REOPEN_RUN}")
    raise TemplateError(f"对象 {type(value).__name__} 是整段内容，须用 {{{{p 变量 }}}} 单独占一段"
                        f" / {type(value).__name__} gives paragraphs: use {{{{p x }}}}")


def _run_filter(value: Any) -> WordXml:
    """``{{r x }}``: the value replaces the tag's run (the run's other text is kept apart)."""
    if isinstance(value, RichText):
        return WordXml(value.runs_xml())
    if isinstance(value, Image):
        return WordXml(f"<w:r>{_current().add_image(value)}</w:r>")
    if isinstance(value, Drawable):
        return WordXml(f"<w:r>{value.word_drawing(_current())}</w:r>")
    if isinstance(value, RichTextParagraph):
        raise TemplateError("多段文字（RichTextParagraph）须用 {{p 变量 }}"
                            " / a RichTextParagraph needs {{p x }}")
    if hasattr(value, "__html__") and not isinstance(value, WordXml):
        kind, xml = _html_kind(value)
        if kind == "text":
            return WordXml(f'<w:r><w:t xml:space="preserve">{_html_text(xml)}</w:t></w:r>')
        if kind == "runs":
            return WordXml(xml)
        raise TemplateError(f"对象 {type(value).__name__} 是整段内容，须用 {{{{p 变量 }}}}"
                            f" / {type(value).__name__} gives paragraphs: use {{{{p x }}}}")
    if type(value).__name__ in _UNSUPPORTED:
        raise _not_supported(value)
    text = "" if value is None else str(value)
    return WordXml(_run_xml(_Run(text, "")))


def _paragraph_filter(value: Any) -> WordXml:
    """``{{p x }}``: the value replaces the whole paragraph."""
    if isinstance(value, RichTextParagraph):
        return WordXml(value.paragraphs_xml())
    if hasattr(value, "__html__") and not isinstance(value, (RichText, Image, WordXml,
                                                             Drawable)):
        kind, xml = _html_kind(value)
        if kind == "blocks":
            return WordXml(xml)
        if kind == "runs":
            return WordXml(f"<w:p>{xml}</w:p>")
    return WordXml(f"<w:p>{_run_filter(value)}</w:p>")


def _docpr_id() -> int:
    return _current().new_id()


def make_environment(filters: Mapping[str, Callable[..., Any]] | None = None,
                     ) -> ImmutableSandboxedEnvironment:
    """The sandboxed, XML-escaping, strict environment every template part compiles in.

    The office filters (:mod:`officekit.render.filters`) are registered; ``filters`` adds
    (or overrides) more by name.
    """
    from officekit.render.filters import FILTERS

    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        cache_size=0,
        extensions=["jinja2.ext.loopcontrols"],
    )
    env.filters.update(FILTERS)
    if filters:
        env.filters.update(filters)
    env.filters[RUN_FILTER] = _run_filter
    env.filters[PARAGRAPH_FILTER] = _paragraph_filter
    env.globals[DOCPR_CALL.removesuffix("()")] = _docpr_id
    return env


# Names the renderer itself puts into templates; never reported as missing from a context.
INTERNAL_NAMES = frozenset({DOCPR_CALL.removesuffix("()")})
