"""Per-document state while one document renders: pictures, charts and links it adds.

A :class:`RenderSession` (held in a context variable by :func:`session`) gives each picture its
media part, relationship id and a unique ``docPr`` id; :class:`Image` is the picture value a
template prints, :class:`Drawable` a value that draws itself (a native chart).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from markupsafe import escape

from officekit.errors import TemplateError

EMU_PER_MM = 36000
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
LINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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
            raise TemplateError(key="error.picture.size", width=self.width_mm,
                                height=self.height_mm)


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
    ``foreign_markup`` is set when a value printed into the current part brought markup of
    its own (``__html__``): the engine then parses that part back whatever its template.
    """

    def __init__(self, first_id: int, taken: frozenset[str],
                 fonts: tuple[str, str] = ("Times New Roman", "宋体"),
                 rel_ids: dict[str, frozenset[str]] | None = None) -> None:
        self.part = ""
        self.foreign_markup = False
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
                raise TemplateError(key="error.picture.unreadable", path=str(source)) from exc
        elif isinstance(source, (bytes, bytearray)):
            data = bytes(source)
        else:
            raise TemplateError(key="error.picture.bad-data", type=type(source).__name__)
        try:
            info = DocxImage.from_blob(data)
        except Exception as exc:  # python-docx raises its own UnrecognizedImageError
            raise TemplateError(key="error.picture.format") from exc
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


def active() -> RenderSession | None:
    """The session of the document rendering now, if any."""
    return _SESSION.get()


def current() -> RenderSession:
    current = _SESSION.get()
    if current is None:  # only reachable when a template is rendered outside WordTemplate
        raise TemplateError(key="error.picture.no-session")
    return current
