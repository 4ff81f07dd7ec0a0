"""Native Word charts: DrawingML chart parts with their data, drawn by Word and LibreOffice.

A :class:`Chart` is a value — kind, categories, named series, title, size — put into a
context like a picture (``{{ trend_chart }}``). Nothing is drawn when the context is built:
the renderer asks the chart for its ``word/charts/*.xml`` part while it renders the document
(:meth:`Chart.word_drawing`, the hook :mod:`.jinjaenv` calls), so a context stays cheap to
build and to fingerprint (:mod:`.incremental`), and the document holds an editable chart whose
numbers are its data, not a picture of them.

The chart XML is written by python-pptx (:class:`~pptx.chart.xmlwriter.ChartXmlWriter` from a
:class:`~pptx.chart.data.CategoryChartData`, then styled through its chart object model); the
same package writes the embedded workbook Word opens for 编辑数据. The labels use the
document's own fonts (the template's default East Asian and Latin faces), so Chinese category
names print in the document's Chinese font. The Pareto chart (bars, and the cumulative share
as a line on a second axis) is python-pptx's column chart with its line chart moved in.

Charts of one layout (300 evaluations' trend charts) differ only in their numbers, so each
layout is written once, with stand-in numbers, and kept as a :class:`_Skeleton`: the chart XML
and the embedded workbook's sheet cut where the stand-ins stand. Every chart of that layout
is then its own numbers, formatted as python-pptx and XlsxWriter format them, put between the
pieces — the same bytes, without building and serialising the chart and the workbook again.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from officekit.errors import TemplateError
from officekit.render.docxzip import Member, make_member, read_members, write_zip

if TYPE_CHECKING:
    from officekit.render.jinjaenv import RenderSession

ChartKind = Literal["line", "bar", "barh", "pie", "pareto"]
Series = tuple[tuple[str, tuple[float | None, ...]], ...]

# Office colours, as the pictures use them (render/charts.py)
PALETTE = ("2F5597", "C55A11", "548235", "BF9000", "7030A0", "2E75B6", "A5A5A5", "843C0C")
GRID = "D9D9D9"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_CREATED = datetime(2000, 1, 1)  # the embedded workbooks' fixed creation time
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_CAT2, _VAL2 = "50010", "50020"  # the Pareto line's own (secondary) axes
_MAX_LAYOUTS = 64
_STAND_IN = 987_650_000  # value k of a skeleton is written as this + k (all of one length)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart for ``{{ name }}`` placed alone in a run or paragraph.

    ``series`` are ``(name, values)`` with one value per category (``None``: no value — a gap
    in a line, nothing in a bar). ``percent`` values are fractions shown as %. ``y_min`` /
    ``y_max`` fix the value axis (None: Word decides). ``unit`` is added to the title.
    """

    kind: ChartKind
    categories: tuple[str, ...]
    series: Series
    width_mm: float
    height_mm: float
    title: str = ""
    unit: str = ""
    alt: str = ""
    percent: bool = False
    y_min: float | None = None
    y_max: float | None = None

    def __post_init__(self) -> None:
        if self.width_mm <= 0 or self.height_mm <= 0:
            raise TemplateError(key="error.chart.size", width=self.width_mm,
                                height=self.height_mm)
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise TemplateError(key="error.chart.series-length", name=name,
                                    values=len(values), categories=len(self.categories))

    @classmethod
    def of(cls, kind: ChartKind, items: Any, *, width_mm: float, height_mm: float,
           name: str = "", **options: Any) -> Chart:
        """A one-series chart of ``(label, value)`` pairs in the order given."""
        pairs = [(str(k), None if v is None else float(v)) for k, v in items]
        return cls(kind, tuple(k for k, _ in pairs), ((name, tuple(v for _, v in pairs)),),
                   width_mm, height_mm, **options)

    @property
    def empty(self) -> bool:
        return not any(v for _, values in self.series for v in values)

    def word_drawing(self, session: RenderSession) -> str:
        """The ``<w:drawing>`` for this chart; registers its part with the render session."""
        xml, workbook = self.chart_part(session.fonts)
        return session.add_chart(xml, workbook, self.width_mm, self.height_mm, self.alt)

    def chart_part(self, fonts: tuple[str, str]) -> tuple[bytes, bytes]:
        """The chart part (``c:chartSpace`` XML) and its embedded workbook (.xlsx bytes).

        ``fonts`` are the (Latin, East Asian) faces the labels use.
        """
        plotted = self._plotted()
        fmt = "0%" if self.percent else _number_format(self.series)
        holes = tuple(tuple(v is None for v in values) for _, values in plotted)
        layout = (self.kind, self.categories, tuple(n for n, _ in self.series), self.title,
                  self.unit, self.percent, self.y_min, self.y_max, fmt, self.empty, fonts, holes)
        if layout not in _SKELETONS:
            if len(_SKELETONS) >= _MAX_LAYOUTS:
                _SKELETONS.clear()
            _SKELETONS[layout] = _Skeleton.make(self, fonts, plotted, fmt)
        skeleton = _SKELETONS[layout]
        if skeleton is None:  # the stand-ins did not come out one each: written in full
            return self.build_part(fonts, plotted, fmt, self.empty)
        return skeleton.fill([v for _, values in plotted for v in values if v is not None])

    def _plotted(self) -> Series:
        """The series as drawn: a Pareto chart's counts and their cumulative share."""
        if self.kind != "pareto":
            return self.series
        name, counts = self.series[0]
        total = sum(v or 0 for v in counts)
        running = 0.0
        cumulative: list[float | None] = []
        for v in counts:
            running += v or 0
            cumulative.append(running / total if total else None)
        return ((name or "件数", counts), ("累计占比", tuple(cumulative)))

    def build_part(self, fonts: tuple[str, str], plotted: Series, fmt: str,
                   empty: bool) -> tuple[bytes, bytes]:
        """The chart part and workbook written in full by python-pptx for ``plotted`` (the
        series as drawn, see :meth:`_plotted`; perhaps stand-ins) with the number format
        ``fmt``, drawn as an empty chart when ``empty`` (no labels, a fixed scale)."""
        from lxml import etree
        from pptx.chart.chart import Chart as PptxChart
        from pptx.chart.data import CategoryChartData
        from pptx.chart.xmlwriter import ChartXmlWriter
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
        from pptx.oxml import parse_xml
        from pptx.util import Pt

        if self.kind == "pareto":
            return self._pareto_part(fonts, plotted, fmt, empty)
        data = CategoryChartData(number_format=fmt)  # type: ignore[no-untyped-call]
        data.categories = self.categories
        for name, values in plotted:
            data.add_series(name or " ", values)  # type: ignore[no-untyped-call]
        chart_type = {
            "line": XL_CHART_TYPE.LINE_MARKERS,
            "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "barh": XL_CHART_TYPE.BAR_CLUSTERED,
            "pie": XL_CHART_TYPE.PIE,
        }[self.kind]
        writer = ChartXmlWriter(chart_type, data)  # type: ignore[no-untyped-call]
        space = parse_xml(writer.xml.encode("utf-8"))
        chart = PptxChart(space, None)  # type: ignore[no-untyped-call]
        chart.font.size = Pt(8)
        latin, east_asian = fonts
        chart.font.name = latin
        _set_east_asian(chart.font._rPr, east_asian)
        title = self.title + (f"（{self.unit}）" if self.unit else "")
        chart.has_title = bool(title)
        if title:
            frame = chart.chart_title.text_frame
            frame.text = title
            run_font = frame.paragraphs[0].runs[0].font
            run_font.size, run_font.bold, run_font.name = Pt(9), True, latin
            _set_east_asian(run_font._rPr, east_asian)
        plot = chart.plots[0]
        plot.has_data_labels = not empty
        if plot.has_data_labels:
            labels = plot.data_labels
            labels.number_format, labels.number_format_is_linked = fmt, False
            labels.font.size = Pt(7)
            if self.kind == "pie":
                labels.show_percentage, labels.show_value = True, False
                labels.number_format = "0%"
            else:
                labels.show_value = True
                labels.position = (XL_LABEL_POSITION.ABOVE if self.kind == "line"
                                   else XL_LABEL_POSITION.OUTSIDE_END)
        if self.kind == "pie":
            plot.vary_by_categories = True
            chart.has_legend = True
            chart.legend.position = XL_LEGEND_POSITION.RIGHT
            chart.legend.include_in_layout = False
            for i, point in enumerate(plot.series[0].points):
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = _rgb(PALETTE[i % len(PALETTE)])
        else:
            self._style_axes(chart, plot, empty)
        space.get_or_add_externalData().rId = "rId1"
        xml = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
        return bytes(xml), _workbook(data)

    def _pareto_part(self, fonts: tuple[str, str], plotted: Series, fmt: str,
                     empty: bool) -> tuple[bytes, bytes]:
        """Bars of the counts (as given: the caller sorts them) and the cumulative share as a
        line on a second axis (0–100 %): python-pptx's column chart, with the line chart
        python-pptx writes for the same categories moved into its plot area."""
        from lxml import etree
        from pptx.chart.chart import Chart as PptxChart
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_LEGEND_POSITION
        from pptx.oxml import parse_xml

        w, h = self.width_mm, self.height_mm
        bars = Chart("bar", self.categories, plotted[:1], w, h, title=self.title,
                     unit=self.unit, y_min=0.0)
        line = Chart("line", self.categories, plotted, w, h, percent=True, y_min=0.0, y_max=1.0)
        space = parse_xml(bars.build_part(fonts, bars.series, fmt, empty)[0])
        other = parse_xml(line.build_part(fonts, plotted, "0%", empty)[0])
        plot = space.find(f"{_C}chart/{_C}plotArea")
        line_chart = other.find(f".//{_C}lineChart")
        line_chart.remove(line_chart.find(f"{_C}ser"))  # the counts: drawn as the bars
        cat_ax, val_ax = other.find(f".//{_C}catAx"), other.find(f".//{_C}valAx")
        for element, own, crossing in ((line_chart, None, None), (cat_ax, _CAT2, _VAL2),
                                       (val_ax, _VAL2, _CAT2)):
            if own is None:
                for ax_id, new in zip(element.findall(f"{_C}axId"), (_CAT2, _VAL2),
                                      strict=True):
                    ax_id.set("val", new)
                continue
            element.find(f"{_C}axId").set("val", own)
            element.find(f"{_C}crossAx").set("val", crossing)
        cat_ax.find(f"{_C}delete").set("val", "1")  # the categories are the bars' axis
        val_ax.find(f"{_C}axPos").set("val", "r")
        val_ax.find(f"{_C}crosses").set("val", "max")  # the percentages on the right
        gridlines = val_ax.find(f"{_C}majorGridlines")
        if gridlines is not None:
            val_ax.remove(gridlines)
        plot.find(f"{_C}barChart").addnext(line_chart)
        plot.findall(f"{_C}valAx")[-1].addnext(cat_ax)
        cat_ax.addnext(val_ax)
        chart = PptxChart(space, None)  # type: ignore[no-untyped-call]
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        data = CategoryChartData()  # type: ignore[no-untyped-call]
        data.categories = self.categories
        for series_name, values in plotted:
            data.add_series(series_name, values)  # type: ignore[no-untyped-call]
        xml = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
        return bytes(xml), _workbook(data)

    def _style_axes(self, chart: Any, plot: Any, empty: bool) -> None:
        from pptx.enum.chart import XL_LEGEND_POSITION, XL_MARKER_STYLE

        chart.has_legend = len(self.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        if self.kind != "line":
            plot.gap_width = 80
            plot.vary_by_categories = False
        for i, series in enumerate(plot.series):
            colour = _rgb(PALETTE[i % len(PALETTE)])
            if self.kind == "line":
                series.format.line.color.rgb = colour
                series.smooth = False
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 5
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.marker.format.line.color.rgb = colour
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour
        value_axis = chart.value_axis
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
        value_axis.format.line.fill.background()
        if self.percent:
            value_axis.tick_labels.number_format = "0%"
            value_axis.tick_labels.number_format_is_linked = False
        if self.y_min is not None:
            value_axis.minimum_scale = self.y_min
        if self.y_max is not None:
            value_axis.maximum_scale = self.y_max
        elif empty:
            value_axis.maximum_scale = 1.0
        if self.kind == "barh":
            chart.category_axis.reverse_order = True  # first category on top, as listed


class _Skeleton:
    """A chart layout's part and workbook cut where its numbers go (see the module's note).

    ``chart`` and ``sheet`` are the pieces between the numbers; ``chart_order`` and
    ``sheet_order`` say which number (the k-th non-empty value, series after series) goes
    after each piece; ``members`` are the workbook's other zip members, kept compressed.
    """

    def __init__(self, chart: list[str], chart_order: list[int], sheet: list[str],
                 sheet_order: list[int], sheet_name: str, members: list[Member]) -> None:
        self.chart, self.chart_order = chart, chart_order
        self.sheet, self.sheet_order = sheet, sheet_order
        self.sheet_name, self.members = sheet_name, members

    @classmethod
    def make(cls, chart: Chart, fonts: tuple[str, str], plotted: Series,
             fmt: str) -> _Skeleton | None:
        """The skeleton of ``chart``'s layout, or None when its stand-ins cannot be found one
        each (the chart is then always written in full)."""
        count = sum(v is not None for _, values in plotted for v in values)
        if count >= 10_000:
            return None
        numbers = iter(range(_STAND_IN, _STAND_IN + count))
        stand_ins = tuple((name, tuple(None if v is None else float(next(numbers))
                                       for v in values)) for name, values in plotted)
        xml, workbook = chart.build_part(fonts, stand_ins, fmt, chart.empty)
        pieces = _cut(xml.decode("utf-8"), [f"<c:v>{float(_STAND_IN + k)}</c:v>"
                                           for k in range(count)], "<c:v>", "</c:v>")
        members = read_members(workbook)
        for member in members:
            if member.name.startswith("xl/worksheets/"):
                text = zlib.decompress(member.compressed, -15).decode("utf-8") \
                    if member.method == zipfile.ZIP_DEFLATED else member.compressed.decode()
                cells = _cut(text, [f"<v>{_STAND_IN + k:.16G}</v>" for k in range(count)],
                             "<v>", "</v>")
                if pieces is None or cells is None:
                    return None
                return cls(*pieces, *cells, member.name, members)
        return None

    def fill(self, values: list[float]) -> tuple[bytes, bytes]:
        """The chart part and its workbook for ``values`` (non-empty values, series after
        series), formatted as python-pptx (``str``) and XlsxWriter (``.16G``) write them."""
        xml = _join(self.chart, self.chart_order, [str(v) for v in values])
        sheet = _join(self.sheet, self.sheet_order, [f"{v:.16G}" for v in values])
        members = [make_member(m.name, sheet.encode("utf-8")) if m.name == self.sheet_name
                   else m for m in self.members]
        buffer = io.BytesIO()
        write_zip(buffer, members)
        return xml.encode("utf-8"), buffer.getvalue()


def _cut(text: str, tokens: list[str], before: str, after: str
         ) -> tuple[list[str], list[int]] | None:
    """``text`` cut around each token's inner text (between ``before`` and ``after``): the
    pieces and, for each cut, the token's index; None unless every token is there once."""
    places: list[tuple[int, int]] = []
    for k, token in enumerate(tokens):
        at = text.find(token)
        if at < 0 or text.find(token, at + 1) >= 0:
            return None
        places.append((at + len(before), k))
    places.sort()
    pieces, order, start = [], [], 0
    for at, k in places:
        pieces.append(text[start:at])
        order.append(k)
        start = at + len(tokens[k]) - len(before) - len(after)
    pieces.append(text[start:])
    return pieces, order


def _join(pieces: list[str], order: list[int], numbers: list[str]) -> str:
    out = [pieces[0]]
    for k, piece in zip(order, pieces[1:], strict=True):
        out.append(numbers[k])
        out.append(piece)
    return "".join(out)


_SKELETONS: dict[tuple[Any, ...], _Skeleton | None] = {}  # chart layout → its skeleton


def _workbook(data: Any) -> bytes:
    """``data.xlsx_blob`` with a fixed creation time, so one context gives identical bytes.

    python-pptx opens the xlsxwriter workbook in ``_open_worksheet`` and fills it in
    ``_populate_worksheet``; the time xlsxwriter would stamp (now) is set in between.
    """
    writer = data._workbook_writer
    buffer = io.BytesIO()
    with writer._open_worksheet(buffer) as (book, sheet):
        book.set_properties({"created": _CREATED})
        writer._populate_worksheet(book, sheet)
    return buffer.getvalue()


def _number_format(series: Series) -> str:
    values = [v for _, vs in series for v in vs if v is not None]
    return "0" if all(float(v).is_integer() for v in values) else "0.0"


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour)  # type: ignore[no-untyped-call]


def _set_east_asian(rpr: Any, typeface: str) -> None:
    """Give a DrawingML run's properties an ``a:ea`` face (python-pptx sets ``a:latin`` only)."""
    from lxml import etree

    for old in rpr.findall(f"{{{_A}}}ea"):
        rpr.remove(old)
    ea = etree.Element(f"{{{_A}}}ea", typeface=typeface)
    latin = rpr.find(f"{{{_A}}}latin")
    if latin is not None:
        latin.addnext(ea)
    else:
        rpr.append(ea)
