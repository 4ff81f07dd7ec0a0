"""Native Word charts (render/nativechart.py): chart parts with their data, in the document.

Rendered through the real engine into a real .docx, read back with lxml, python-docx and
openpyxl (the embedded workbook Word opens for 编辑数据), and converted by the real LibreOffice.
"""

from __future__ import annotations

import io
import posixpath
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from lxml import etree

from officekit.errors import TemplateError
from officekit.render import nativechart
from officekit.render.engine import Image, WordTemplate, set_cjk_font
from officekit.render.nativechart import Chart
from officekit.render.pdf import PdfConverter, libreoffice_available

TEMPLATES = Path(__file__).parent / "data" / "templates"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

MONTHS = ("5月", "6月", "7月", "8月", "9月", "10月")
GRADES = (("优秀", 4), ("良好", 9), ("合格", 2), ("不合格", 0))


def png() -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (20, 10), "white").save(buf, format="PNG")
    return buf.getvalue()


def trend() -> Chart:
    return Chart("line", MONTHS, (("综合得分", (None, 60.0, None, 88.0, 91.5, 79.0)),),
                 width_mm=150, height_mm=60, title="近6期综合得分", unit="得分", y_min=0,
                 y_max=100, alt="近期综合得分趋势图")


def grades() -> Chart:
    return Chart.of("bar", GRADES, width_mm=110, height_mm=55, title="考核等级分布",
                    unit="人数", alt="考核等级分布图")


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    out = tmp_path / "charts.docx"
    pareto = Chart.of("pareto", [("收费问题", 6), ("服务态度", 3), ("其他", 1)], width_mm=150,
                      height_mm=70, title="投诉类别帕累托图", name="件数")
    context = {"chart": trend(), "charts": [grades(), Image(png(), 30), pareto],
               "logo": Image(png(), 20)}
    WordTemplate.compile(TEMPLATES / "images.docx").render(context, out)
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def chart_parts(path: Path) -> list[tuple[str, Any]]:
    """The chart parts the body refers to, in order, parsed (so they must be well-formed)."""
    parts = members(path)
    body = etree.fromstring(parts["word/document.xml"])
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(REL)}
    names = [posixpath.normpath(posixpath.join("word", targets[c.get(R_ID)]))
             for c in body.iter(f"{C}chart")]
    return [(name, etree.fromstring(parts[name])) for name in names]


def test_charts_are_parts_with_content_types_and_their_data(rendered: Path) -> None:
    parts = members(rendered)
    charts = chart_parts(rendered)
    assert [name for name, _ in charts] == ["word/charts/ok_chart1.xml",
                                            "word/charts/ok_chart2.xml",
                                            "word/charts/ok_chart3.xml"]
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    defaults = {d.get("Extension") for d in types.iter(f"{CT}Default")}
    assert "xlsx" in defaults
    for name, space in charts:
        assert overrides["/" + name].endswith("drawingml.chart+xml")
        rels = etree.fromstring(parts[name.replace("charts/", "charts/_rels/") + ".rels"])
        (package,) = list(rels.iter(REL))
        assert space.find(f"{C}externalData").get(R_ID) == package.get("Id")
        embedded = posixpath.normpath(posixpath.join("word/charts", package.get("Target")))
        book = openpyxl.load_workbook(io.BytesIO(parts[embedded]))  # what 编辑数据 opens
        assert book.active is not None
    document = docx.Document(str(rendered))  # python-docx opens it
    assert len(document.inline_shapes) == 4  # three charts and a picture in the body


def test_the_labels_are_the_chinese_categories_in_the_documents_fonts(rendered: Path) -> None:
    (_, line), (_, bars), _ = chart_parts(rendered)
    cats = [v.text for v in bars.iterfind(f".//{C}cat//{C}pt/{C}v")]
    assert cats == ["优秀", "良好", "合格", "不合格"]
    values = [v.text for v in bars.iterfind(f".//{C}val//{C}pt/{C}v")]
    assert [float(v) for v in values] == [4, 9, 2, 0]
    # a missing score is no point at all: a gap in the line, not a zero
    points = {int(p.get("idx")): float(p.find(f"{C}v").text)
              for p in line.iterfind(f".//{C}val//{C}pt")}
    assert points == {1: 60.0, 3: 88.0, 4: 91.5, 5: 79.0}
    assert line.find(f".//{C}dispBlanksAs").get("val") == "gap"
    title = "".join(t.text for t in line.find(f"{C}chart/{C}title").iter(f"{A}t"))
    assert title == "近6期综合得分（得分）"
    # a template with theme fonts only: Times New Roman for Latin, 宋体 for Chinese
    defaults = line.find(f"{C}txPr").find(f".//{A}defRPr")
    assert defaults.find(f"{A}latin").get("typeface") == "Times New Roman"
    assert defaults.find(f"{A}ea").get("typeface") == "宋体"


def test_labels_use_the_fonts_the_template_sets(tmp_path: Path) -> None:
    document = docx.Document()
    set_cjk_font(document, "黑体", latin="Arial")
    document.add_paragraph("{{ chart }}")
    template = tmp_path / "fonts.docx"
    document.save(str(template))
    out = WordTemplate.compile(template).render({"chart": grades()}, tmp_path / "out.docx")
    ((_, bars),) = chart_parts(out)
    for rpr in (bars.find(f"{C}txPr").find(f".//{A}defRPr"),
                bars.find(f"{C}chart/{C}title").find(f".//{A}rPr")):
        assert rpr.find(f"{A}latin").get("typeface") == "Arial"
        assert rpr.find(f"{A}ea").get("typeface") == "黑体"


def test_embedded_workbook_holds_the_numbers(rendered: Path) -> None:
    parts = members(rendered)
    book = openpyxl.load_workbook(io.BytesIO(parts["word/embeddings/ok_chart2.xlsx"]))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[1:] == [["优秀", 4], ["良好", 9], ["合格", 2], ["不合格", 0]]


def test_same_chart_gives_the_same_bytes(tmp_path: Path) -> None:
    template = WordTemplate.compile(TEMPLATES / "images.docx")
    context = {"chart": trend(), "charts": [grades()], "logo": Image(png(), 20)}
    assert template.render_bytes(context) == template.render_bytes(context)


def test_charts_of_one_layout_each_carry_their_own_numbers() -> None:
    fonts = ("Times New Roman", "宋体")
    parts = [Chart("line", MONTHS, (("综合得分", (None, None, None, None, score, 80.0)),),
                   150, 60, title="近6期综合得分", y_min=0, y_max=100).chart_part(fonts)[0]
             for score in (70.5, 95.5, 70.5)]
    values = [[v.text for v in etree.fromstring(p).iterfind(f".//{C}val//{C}pt/{C}v")]
              for p in parts]
    assert values == [["70.5", "80.0"], ["95.5", "80.0"], ["70.5", "80.0"]]
    assert parts[0] == parts[2]


def test_pareto_is_bars_with_the_cumulative_share_on_a_second_axis() -> None:
    chart = Chart.of("pareto", [("收费问题", 6), ("服务态度", 3), ("其他", 1)], width_mm=150,
                     height_mm=70, title="投诉类别帕累托图", name="件数")
    space = etree.fromstring(chart.chart_part(("Times New Roman", "宋体"))[0])
    plot = space.find(f"{C}chart/{C}plotArea")
    bars, line = plot.find(f"{C}barChart"), plot.find(f"{C}lineChart")
    assert [float(v.text) for v in bars.iterfind(f".//{C}val//{C}v")] == [6, 3, 1]
    assert [float(v.text) for v in line.iterfind(f".//{C}val//{C}v")] == [0.6, 0.9, 1.0]
    assert [v.text for v in line.iterfind(f".//{C}cat//{C}v")] == ["收费问题", "服务态度", "其他"]
    # each chart on its own pair of axes; the line's value axis on the right, 0–100 %
    axes = {ax.find(f"{C}axId").get("val"): ax for ax in plot if ax.tag in (
        f"{C}catAx", f"{C}valAx")}
    assert len(axes) == 4
    for group in (bars, line):
        ids = [a.get("val") for a in group.findall(f"{C}axId")]
        assert all(i in axes for i in ids)
        assert axes[ids[0]].find(f"{C}crossAx").get("val") == ids[1]
    right = axes[line.findall(f"{C}axId")[1].get("val")]
    assert right.find(f"{C}axPos").get("val") == "r"
    assert float(right.find(f"{C}scaling/{C}max").get("val")) == 1.0
    indexes = [s.find(f"{C}idx").get("val") for s in plot.iter(f"{C}ser")]
    assert len(set(indexes)) == 2  # two distinct series


def test_series_length_must_match_categories() -> None:
    with pytest.raises(TemplateError, match="5 个值"):
        Chart("line", MONTHS, (("综合得分", (1.0, 2.0, 3.0, 4.0, 5.0)),), 150, 60)
    with pytest.raises(TemplateError):
        Chart.of("bar", GRADES, width_mm=0, height_mm=10)


@pytest.mark.pdf
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_libreoffice_draws_the_charts_with_their_chinese_labels(rendered: Path) -> None:
    with PdfConverter() as converter:
        pdf = converter.convert(rendered)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = "".join(text.split())  # pdftotext spaces Chinese from digits: 近 6 期
    for label in ("近6期综合得分（得分）", "10月", "考核等级分布（人数）", "优秀", "不合格",
                  "91.5", "累计占比", "90%", "100%"):
        assert label in text, label


def workbook_parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.parametrize("chart", [
    trend(),
    Chart("line", MONTHS, (("综合得分", (None, 61.25, None, 80.0, 1e-7, 79)),), width_mm=150,
          height_mm=60, title="近6期综合得分", unit="得分", y_min=0, y_max=100),
    grades(),
    Chart.of("bar", [(g, 0) for g, _ in GRADES], width_mm=110, height_mm=55, title="考核等级分布"),
    Chart.of("pie", [("电话", 3), ("网站", 2.5)], width_mm=110, height_mm=55),
    Chart.of("pareto", [("收费问题", 7), ("服务态度", 2), ("其他", 2)], width_mm=150,
             height_mm=70, title="投诉类别帕累托图", name="件数"),
    Chart("barh", ("甲", "乙"), (("上月", (1.0, 2.0)), ("本月", (None, 3.5))), width_mm=100,
          height_mm=50),
], ids=["line", "line-other-numbers", "bar", "bar-empty", "pie", "pareto", "barh-two-series"])
def test_a_layout_written_once_gives_what_writing_it_in_full_gives(chart: Chart) -> None:
    """Charts of one layout are filled into a skeleton (nativechart._Skeleton): the part and
    the workbook's cells must be exactly what python-pptx and XlsxWriter write for the chart."""
    fonts = ("Times New Roman", "宋体")
    twin = Chart(chart.kind, chart.categories,
                 tuple((n, tuple(None if v is None else v + 1 for v in vs))
                       for n, vs in chart.series), chart.width_mm, chart.height_mm,
                 title=chart.title, unit=chart.unit)
    twin.chart_part(fonts)  # the layout's skeleton may come from other numbers
    xml, workbook = chart.chart_part(fonts)
    fmt = "0%" if chart.percent else nativechart._number_format(chart.series)
    full_xml, full_workbook = chart.build_part(fonts, chart._plotted(), fmt, chart.empty)
    assert xml == full_xml
    assert workbook_parts(workbook) == workbook_parts(full_workbook)
    values = [v for _, vs in chart._plotted() for v in vs if v is not None]
    assert [float(v.text) for v in etree.fromstring(xml).iter(f"{C}v")
            if v.getparent().tag == f"{C}pt" and v.getparent().getparent().getparent().tag
            == f"{C}numRef"] == [float(v) for v in values]
