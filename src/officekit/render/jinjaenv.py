"""The Jinja side of the renderer: the sandbox, how values become WordprocessingML, pictures.

One :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` (a ``SandboxedEnvironment`` that also
refuses to mutate lists and dicts handed in as data) renders every part, with:

- autoescape on, so ``A&B <C>`` in the data is written as text, and data that looks like a tag
  (``{{ 7*7 }}``) stays text: data is never parsed as template;
- :class:`StrictUndefined`: a variable the context does not provide is an error naming it,
  never a silent blank (``{% if x is defined %}`` and ``x | default("")`` still work);
- a ``finalize`` hook that turns each printed value into XML: ``None`` prints as nothing (the
  record contract uses None for a missing optional value), newlines become ``<w:br/>``, tabs
  ``<w:tab/>``, characters XML 1.0 forbids are dropped, an :class:`Image` becomes an inline
  picture and a :class:`RichText` its own runs; an object with ``__html__`` (markupsafe
  ``Markup``) is trusted as ready WordprocessingML — the one escape hatch, for code, never data.

Pictures need per-document state (the media part, its relationship id, a unique ``docPr`` id):
that lives in a :class:`RenderSession` held in a context variable while one document renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
_SPECIAL = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_DROP = re.compile("[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_BREAKS = (
    ("\r\n", "\n"),
    ("\r", "\n"),
    ("\n", '</w:t><w:br/><w:t xml:space="preserve">'),
    ("\t", '</w:t><w:tab/><w:t xml:space="preserve">'),
    ("\x0c", '</w:t><w:br w:type="page"/><w:t xml:space="preserve">'),
)


@dataclass(frozen=True, slots=True)
class Image:
    """A picture for ``{{ chart }}`` placed alone in a run or paragraph.

    ``data`` is the PNG/JPEG/GIF/BMP bytes or a path to them; the height follows the picture's
    aspect ratio when not given. ``alt`` is the alternative text screen readers announce.
    """

    data: bytes | Path
    width_mm: float
    height_mm: float | None = None
    alt: str = ""

    def __post_init__(self) -> None:
        if self.width_mm <= 0 or (self.height_mm is not None and self.height_mm <= 0):
            raise TemplateError(
                f"图片尺寸必须大于 0（宽 {self.width_mm} mm，高 {self.height_mm} mm）"
                f" / picture size must be positive")


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    bold: bool
    italic: bool
    underline: bool
    color: str | None
    size_pt: float | None
    font: str | None


class RichText:
    """Text with its own formatting, for ``{{r x }}`` (or inline ``{{ x }}``) tags.

    ``RichText("逾期", bold=True, color="C00000").add("（3 天）")`` — each ``add`` is one run;
    ``font`` sets the Latin and East Asian font alike; ``color`` is hex ``RRGGBB``.
    """

    __slots__ = ("_runs",)

    def __init__(self, text: str = "", **style: Any) -> None:
        self._runs: list[_Run] = []
        if text:
            self.add(text, **style)

    def add(self, text: str, *, bold: bool = False, italic: bool = False,
            underline: bool = False, color: str | None = None, size_pt: float | None = None,
            font: str | None = None) -> RichText:
        """Append one run; returns self so calls chain."""
        if color is not None and not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
            raise TemplateError(f"颜色应为 RRGGBB 十六进制：{color!r} / color must be RRGGBB hex")
        self._runs.append(_Run(str(text), bold, italic, underline, color, size_pt, font))
        return self

    def runs_xml(self) -> str:
        """The runs as WordprocessingML (``<w:r>…</w:r>``…)."""
        return "".join(_run_xml(run) for run in self._runs)


def _run_xml(run: _Run) -> str:
    props: list[str] = []
    if run.font:
        f = escape(run.font)
        props.append(f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>')
    if run.bold:
        props.append("<w:b/><w:bCs/>")
    if run.italic:
        props.append("<w:i/><w:iCs/>")
    if run.color:
        props.append(f'<w:color w:val="{run.color.upper()}"/>')
    if run.size_pt:
        half = round(run.size_pt * 2)
        props.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if run.underline:
        props.append('<w:u w:val="single"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text_xml(run.text)}</w:t></w:r>'


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

    ``fonts`` are the template's default (Latin, East Asian) faces, for charts' labels.
    """

    def __init__(self, first_id: int, taken: frozenset[str],
                 fonts: tuple[str, str] = ("Times New Roman", "宋体")) -> None:
        self.part = ""
        self.fonts = fonts
        self._next_id = first_id
        self._taken = taken
        self.images: list[AddedImage] = []
        self.charts: list[AddedChart] = []

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
        else:
            data = source
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
        cx = round(image.width_mm * EMU_PER_MM)
        if image.height_mm is not None:
            cy = round(image.height_mm * EMU_PER_MM)
        else:
            cy = round(cx * int(info.px_height) / max(int(info.px_width), 1))
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
            fonts: tuple[str, str] = ("Times New Roman", "宋体")) -> Iterator[RenderSession]:
    """Make a fresh :class:`RenderSession` current for the duration of one document."""
    current = RenderSession(first_id, taken, fonts)
    token = _SESSION.set(current)
    try:
        yield current
    finally:
        _SESSION.reset(token)


def _current() -> RenderSession:
    current = _SESSION.get()
    if current is None:  # only reachable when a template is rendered outside WordTemplate
        raise TemplateError("图片只能在文档渲染时插入 / pictures need a document render session")
    return current


_OPEN_RUN = '</w:t></w:r>'
_REOPEN_RUN = '<w:r><w:t xml:space="preserve">'


def _finalize(value: Any) -> Any:
    """Turn a value printed by ``{{ x }}`` (inside a ``<w:t>``) into safe XML text."""
    if value is None:
        return ""
    if isinstance(value, str):
        if _SPECIAL.search(value) is None:
            return value  # Jinja escapes it
        return Markup(text_xml(value))
    if isinstance(value, Image):
        return Markup(f"{_OPEN_RUN}<w:r>{_current().add_image(value)}</w:r>{_REOPEN_RUN}")
    if isinstance(value, RichText):
        return Markup(f"{_OPEN_RUN}{value.runs_xml()}{_REOPEN_RUN}")
    if isinstance(value, Drawable):
        return Markup(f"{_OPEN_RUN}<w:r>{value.word_drawing(_current())}</w:r>{_REOPEN_RUN}")
    if hasattr(value, "__html__"):
        return value
    return _finalize(str(value))


def _run_filter(value: Any) -> Markup:
    """``{{r x }}``: the value replaces the whole run."""
    if isinstance(value, RichText):
        return Markup(value.runs_xml())
    if isinstance(value, Image):
        return Markup(f"<w:r>{_current().add_image(value)}</w:r>")
    if isinstance(value, Drawable):
        return Markup(f"<w:r>{value.word_drawing(_current())}</w:r>")
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    text = "" if value is None else str(value)
    return Markup(f'<w:r><w:t xml:space="preserve">{text_xml(text)}</w:t></w:r>')


def _paragraph_filter(value: Any) -> Markup:
    """``{{p x }}``: the value replaces the whole paragraph."""
    if hasattr(value, "__html__") and not isinstance(value, (RichText, Image, Drawable)):
        return Markup(value.__html__())
    return Markup(f"<w:p>{_run_filter(value)}</w:p>")


def _docpr_id() -> int:
    return _current().new_id()


def make_environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed, XML-escaping, strict environment every template part compiles in."""
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        cache_size=0,
        extensions=["jinja2.ext.loopcontrols"],
    )
    env.filters[RUN_FILTER] = _run_filter
    env.filters[PARAGRAPH_FILTER] = _paragraph_filter
    env.globals[DOCPR_CALL.removesuffix("()")] = _docpr_id
    return env


# Names the renderer itself puts into templates; never reported as missing from a context.
INTERNAL_NAMES = frozenset({DOCPR_CALL.removesuffix("()")})
