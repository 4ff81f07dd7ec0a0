"""Template features an office writes in Word, each on a small .docx made here with python-docx.

python-docx writes ``add_paragraph("Here is an {{r x }}.")`` as one run, as Word usually does,
so these cover the cases where a tag shares its run with other text.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from lxml import etree
from markupsafe import Markup
from PIL import Image as PILImage

from officekit.cli import cli
from officekit.render.check import check_template
from officekit.render.engine import (
    Image,
    RichText,
    RichTextParagraph,
    TemplateProblemsError,
    WordTemplate,
)
from officekit.render.filters import cn_date, mask, mask_name, percent, rmb_upper

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make(tmp_path: Path, *paragraphs: str, title: str | None = None,
         table: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    if title is not None:
        document.core_properties.title = title
    path = tmp_path / "t.docx"
    document.save(str(path))
    return path


def render(path: Path, context: dict[str, Any]) -> bytes:
    return WordTemplate.compile(path).render_bytes(context)


def texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def body(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def test_run_tag_keeps_the_rest_of_its_run(tmp_path: Path) -> None:
    path = make(tmp_path, "Here is an {{r example }}.",
                "状态：{%r if late %}{{r flag }}{%r endif %}。")
    data = render(path, {"example": RichText("example", bold=True), "late": True,
                         "flag": RichText("逾期", color="#C00000")})
    assert texts(data) == ["Here is an example.", "状态：逾期。"]
    runs = docx.Document(io.BytesIO(data)).paragraphs[0].runs
    assert [(r.text, r.bold) for r in runs] == [("Here is an ", None), ("example", True),
                                                (".", None)]


def test_new_paragraph_and_page_break_in_values(tmp_path: Path) -> None:
    path = make(tmp_path, "说明：{{ note }}（完）")
    data = render(path, {"note": "第一段\a第二段\f第三段"})
    assert texts(data) == ["说明：第一段", "第二段", "", "第三段（完）"]
    assert body(data).find(f".//{W}br[@{W}type='page']") is not None


def test_rich_text_features_and_plus_equals(tmp_path: Path) -> None:
    rt = RichText("甲", style="Strong")
    rt += "乙"
    rt += RichText("丙", strike=True, highlight="FFFF00", underline="wave", superscript=True,
                   size=28, font="eastAsia:黑体", url="https://example.com/a?b=1&c=2")
    data = render(make(tmp_path, "{{r x }}"), {"x": rt})
    assert texts(data) == ["甲乙丙"]
    root = body(data)
    assert root.find(f".//{W}rStyle").get(f"{W}val") == "Strong"
    assert root.find(f".//{W}u").get(f"{W}val") == "wave"
    assert root.find(f".//{W}vertAlign").get(f"{W}val") == "superscript"
    assert root.find(f".//{W}shd").get(f"{W}fill") == "FFFF00"
    assert root.find(f".//{W}rFonts").get(f"{W}eastAsia") == "黑体"
    link = root.find(f".//{W}hyperlink")
    rel_id = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rels = etree.fromstring(zf.read("word/_rels/document.xml.rels"))
    target = [r for r in rels if r.get("Id") == rel_id]
    assert target and target[0].get("Target") == "https://example.com/a?b=1&c=2"
    assert target[0].get("TargetMode") == "External"


def test_rich_text_paragraphs(tmp_path: Path) -> None:
    rtp = RichTextParagraph("第一段", parastyle="Heading1").add(RichText("第二段", bold=True))
    data = render(make(tmp_path, "前", "{{p x }}", "后"), {"x": rtp})
    assert texts(data) == ["前", "第一段", "第二段", "后"]


def test_image_without_a_width_keeps_its_own_size(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    PILImage.new("RGB", (192, 96), "red").save(buffer, "PNG", dpi=(96, 96))
    data = render(make(tmp_path, "{{ a }}", "{{ b }}"),
                  {"a": Image(buffer.getvalue()), "b": Image(buffer.getvalue(), height_mm=10)})
    extents = body(data).findall(".//{http://schemas.openxmlformats.org/drawingml/2006/"
                                 "wordprocessingDrawing}extent")
    assert (int(extents[0].get("cx")), int(extents[0].get("cy"))) == (1828800, 914400)
    assert (int(extents[1].get("cx")), int(extents[1].get("cy"))) == (720000, 360000)


class _ForeignPicture:
    """Like another library's picture object: XML pointing at a relationship it never made."""

    def __html__(self) -> str:
        return ('<w:r><w:drawing><a:blip r:embed="rId99" xmlns:a="http://schemas.'
                'openxmlformats.org/drawingml/2006/main"/></w:drawing></w:r>')


def test_html_objects_are_checked(tmp_path: Path) -> None:
    path = make(tmp_path, "图：{{ pic }}")
    with pytest.raises(TemplateProblemsError) as info:
        render(path, {"pic": _ForeignPicture()})
    assert "_ForeignPicture" in str(info.value) and "rId99" in str(info.value)
    assert "第 1 段" in str(info.value)
    with pytest.raises(TemplateProblemsError):
        render(path, {"pic": Markup("<w:r><w:t>broken")})
    good = render(path, {"pic": Markup('<w:r><w:rPr><w:b/></w:rPr><w:t>粗</w:t></w:r>')})
    assert texts(good) == ["图：粗"]


def test_unknown_filter_is_located_in_compile_check_and_cli(tmp_path: Path) -> None:
    path = make(tmp_path, "正常 {{ a }}", "金额：{{ x | nosuchfilter }}")
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(path)
    [problem] = info.value.problems
    assert problem.code == "unknown-filter" and problem.variable == "nosuchfilter"
    assert problem.location is not None and problem.location.paragraph == 2
    assert [p.code for p in check_template(path)] == ["unknown-filter"]
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "ws")]).exit_code == 0
    result = CliRunner().invoke(cli, ["templates", "check", str(path), "--format", "json",
                                      "-w", str(tmp_path / "ws")])
    assert result.exit_code == 1, result.output
    [problems] = [t["problems"] for t in json.loads(result.stdout)["templates"]]
    assert problems[0]["code"] == "unknown-filter" and problems[0]["location"] == "第 2 段"


def test_unknown_tag_is_located(tmp_path: Path) -> None:
    path = make(tmp_path, "{% nosuchtag %}")
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(path)
    assert info.value.problems[0].location.paragraph == 1  # type: ignore[union-attr]
    assert "nosuchtag" in str(info.value)


def test_tags_in_document_properties_and_literal_braces(tmp_path: Path) -> None:
    path = make(tmp_path, "写法：{_{ name }_} 与 {_% if %_}", title="{{ name }}的考核报告")
    data = render(path, {"name": "王晓梅"})
    assert texts(data) == ["写法：{{ name }} 与 {% if %}"]
    assert docx.Document(io.BytesIO(data)).core_properties.title == "王晓梅的考核报告"
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(make(tmp_path, "x", title="{{ name | nosuch }}"))
    assert "文档属性 标题" in str(info.value)


def test_merged_and_shaded_cells(tmp_path: Path) -> None:
    path = make(tmp_path, table=[
        ["{%tr for r in rows %}", "", ""],
        ["{% vm %}{{ group }}", "{% cellbg r.bg %}{{ r.name }}", "{% colspan 1 %}{{ r.n }}"],
        ["{%tr endfor %}", "", ""],
    ])
    rows = [{"name": "甲", "n": 1, "bg": "FF0000"}, {"name": "乙", "n": 2, "bg": "00FF00"}]
    data = render(path, {"rows": rows, "group": "一组"})
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [["一组", "甲", "1"],
                                                                   ["一组", "乙", "2"]]
    merges = [el.get(f"{W}val") for el in body(data).iter(f"{W}vMerge")]
    assert merges == ["restart", "continue"]
    fills = [el.get(f"{W}fill") for el in body(data).iter(f"{W}shd")]
    assert fills == ["FF0000", "00FF00"]


def test_office_filters() -> None:
    assert rmb_upper(1234.56) == "壹仟贰佰叁拾肆元伍角陆分"
    assert rmb_upper("100") == "壹佰元整"
    assert rmb_upper(10010) == "壹万零壹拾元整"
    assert rmb_upper(100000.01) == "壹拾万元零壹分"
    assert rmb_upper(None) == "—"
    assert cn_date("2026-10-05") == "2026年10月5日"
    assert cn_date("2026-10-25", "upper") == "二〇二六年十月二十五日"
    assert percent(0.9535) == "95.4%" and percent(95, 0, fraction=False) == "95%"
    assert mask("13812345678") == "138****5678" and mask_name("王晓梅") == "王*梅"


def test_office_filters_in_a_template(tmp_path: Path) -> None:
    path = make(tmp_path, "{{ d | cn_date }}，金额 {{ a | rmb_upper }}，{{ p | mask }}")
    data = render(path, {"d": "2026-11-05", "a": 3.5, "p": "13812345678"})
    assert texts(data) == ["2026年11月5日，金额 叁元伍角整，138****5678"]


def test_document_properties_say_who_and_when(tmp_path: Path) -> None:
    from datetime import datetime

    from officekit.render.engine import DocumentProperties

    path = make(tmp_path, "正文", title="{{ name }}的报告")
    props = DocumentProperties(author="", organisation="某市客户服务中心",
                               created=datetime(2026, 11, 5, 9, 30).astimezone())
    data = WordTemplate.compile(path).render_bytes({"name": "王晓梅"}, properties=props)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        app = zf.read("docProps/app.xml").decode("utf-8")
        core = etree.fromstring(zf.read("docProps/core.xml"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
          "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    assert core.findtext("dc:title", namespaces=ns) == "王晓梅的报告"
    assert core.findtext("dc:creator", namespaces=ns) == "某市客户服务中心"
    assert core.findtext("cp:lastModifiedBy", namespaces=ns) == "某市客户服务中心"
    assert core.findtext("dcterms:created", namespaces=ns).startswith("2026-11-05")
    assert not core.findtext("dc:description", namespaces=ns)
    assert "<Application>officekit</Application>" in app and "某市客户服务中心" in app
    assert "Macintosh" not in app


def test_document_settings_are_read_and_checked(tmp_path: Path) -> None:
    from officekit.errors import SettingsError
    from officekit.settings import load_settings

    good = tmp_path / "good.toml"
    good.write_text('[document]\norganisation = "某市客户服务中心"\nstyle = "公文"\n',
                    encoding="utf-8")
    settings = load_settings(good)
    assert (settings.organisation, settings.document_style) == ("某市客户服务中心", "gongwen")
    bad = tmp_path / "bad.toml"
    bad.write_text('[document]\nstyle = "fancy"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(bad)
    assert "document.style" in str(info.value)


def test_night_shift_legend_tells_what_validation_does() -> None:
    """validate/cross.py takes a 夜 (00:00–08:00) on the 22nd as the night into the 23rd."""
    from officekit.render.contexts import shift_legend
    from officekit.settings import Settings

    legend = shift_legend(Settings())
    assert "夜＝夜班（当日夜间，次日00:00–08:00）" in legend
    assert "晚＝晚班（16:00–24:00）" in legend and "早＝早班（08:00–16:00）" in legend
