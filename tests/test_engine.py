"""The compile-once Word renderer: one small template per feature (tests/data/templates/).

Each test renders a template made by tests/data/make_templates.py and asserts on the output:
its text as python-docx reads it, its XML (lxml must parse every part), its zip members.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree
from PIL import Image as PILImage

from officekit.errors import TemplateError, WorkspaceError
from officekit.render.engine import (
    Image,
    RichText,
    TemplateProblemsError,
    WordTemplate,
    compile_template,
    render_document,
)
from officekit.render.fonts import set_cjk_font

TEMPLATES = Path(__file__).parent / "data" / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1], "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def render(name: str, context: dict[str, Any], tmp_path: Path) -> Path:
    out = tmp_path / f"{name}.docx"
    WordTemplate.compile(TEMPLATES / f"{name}.docx").render(context, out)
    return out


def part(path: Path, name: str = "word/document.xml") -> Any:
    """A part of the output, parsed (so it must be well-formed XML)."""
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def paragraphs(path: Path) -> list[str]:
    """Body paragraph texts as python-docx reads them (it must open the file)."""
    return [p.text for p in docx.Document(str(path)).paragraphs]


def table_rows(path: Path, index: int = 0) -> list[list[str]]:
    table = docx.Document(str(path)).tables[index]
    return [[cell.text for cell in row.cells] for row in table.rows]


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_values_are_escaped_and_data_is_never_template(tmp_path: Path) -> None:
    out = render("variables", {"customer": "A&B <C>",
                               "staff": {"staff_id": "007", "name": "{{ 7*7 }}"},
                               "nothing": None}, tmp_path)
    assert paragraphs(out) == ["客户：A&B <C>", "工号：007，姓名：{{ 7*7 }}", "计算：42",
                               "空值：[]"]


def test_tags_split_over_runs_with_spellcheck_marks_and_bookmarks(tmp_path: Path) -> None:
    template = TEMPLATES / "split_runs.docx"
    with zipfile.ZipFile(template) as zf:
        source = zf.read("word/document.xml").decode()
    assert "{ cust" in source and "proofErr" in source and "bookmarkStart" in source
    shown = render("split_runs", {"customer": "张三", "show": True, "amount": 12}, tmp_path)
    assert paragraphs(shown) == ["客户：张三", "显示的段落", "金额：甲12"]
    hidden = WordTemplate.compile(template).render(
        {"customer": "李四", "show": False, "amount": 3}, tmp_path / "hidden.docx")
    assert paragraphs(hidden) == ["客户：李四", "金额：甲3"]


def test_tr_loop_repeats_the_row(tmp_path: Path) -> None:
    kpis = [{"name": "办结率", "target": "90%", "actual": "95%"},
            {"name": "满意度", "target": 4, "actual": 4.5}]
    out = render("tr_loop", {"kpis": kpis}, tmp_path)
    assert table_rows(out) == [["指标", "目标", "实际"], ["办结率", "90%", "95%"],
                               ["满意度", "4", "4.5"]]
    assert paragraphs(out) == ["考核指标", "共 2 项"]
    empty = render("tr_loop", {"kpis": []}, tmp_path / "empty")
    assert table_rows(empty) == [["指标", "目标", "实际"]]


@pytest.mark.parametrize(("late", "expected"), [
    (["TS001", "TS002"], ["开头", "逾期投诉：TS001、TS002", "结尾"]),
    ([], ["开头", "本月没有逾期投诉。", "结尾"]),
])
def test_p_if_else_keeps_or_drops_whole_paragraphs(tmp_path: Path, late: list[str],
                                                    expected: list[str]) -> None:
    assert paragraphs(render("p_if", {"late": late}, tmp_path)) == expected


def test_tc_loop_repeats_cells_and_widens_the_grid(tmp_path: Path) -> None:
    out = render("tc", {"months": ["1月", "2月", "3月"], "values": [5, 6, 7], "name": "李四"},
                 tmp_path)
    assert table_rows(out) == [["姓名", "1月", "2月", "3月"], ["李四", "5", "6", "7"]]
    grid = part(out).findall(f".//{W}tblGrid/{W}gridCol")
    assert len(grid) == 4


def test_images_become_inline_pictures_with_parts_and_relationships(tmp_path: Path) -> None:
    picture = tmp_path / "logo.png"
    picture.write_bytes(png(40, 10))
    context = {"chart": Image(png(200, 100), width_mm=100, alt="趋势图"),
               "charts": [Image(png(10, 10), 30, 20), Image(png(10, 10), 30)],
               "logo": Image(picture, 20)}
    out = render("images", context, tmp_path)
    body = part(out)
    extents = [(int(e.get("cx")), int(e.get("cy")))
               for e in body.iterfind(".//wp:inline/wp:extent", NS)]
    assert extents == [(3_600_000, 1_800_000), (1_080_000, 720_000), (1_080_000, 1_080_000)]
    ids = [d.get("id") for d in part(out).iterfind(".//wp:docPr", NS)] + \
          [d.get("id") for d in part(out, "word/header1.xml").iterfind(".//wp:docPr", NS)]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert body.find(".//wp:docPr", NS).get("descr") == "趋势图"
    with zipfile.ZipFile(out) as zf:
        media = sorted(n for n in zf.namelist() if n.startswith("word/media/"))
        assert len(media) == 4
        assert zf.read(media[0])[:8] == b"\x89PNG\r\n\x1a\n"
        types = zf.read("[Content_Types].xml").decode()
        assert 'Extension="png"' in types
        rels = zf.read("word/_rels/document.xml.rels").decode()
        header_rels = zf.read("word/_rels/header1.xml.rels").decode()
    assert rels.count("relationships/image") == 3 and header_rels.count("relationships/image") == 1
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 3
    assert document.inline_shapes[0].width == 3_600_000
    assert paragraphs(out)[0] == "趋势图："


def test_pictures_of_the_template_repeat_with_unique_ids(tmp_path: Path) -> None:
    out = render("template_picture", {"names": ["甲", "乙", "丙"]}, tmp_path)
    assert [p for p in paragraphs(out) if p] == ["甲", "乙", "丙"]
    ids = [d.get("id") for d in part(out).iterfind(".//wp:docPr", NS)]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert len(docx.Document(str(out)).inline_shapes) == 3


def test_newlines_become_breaks_and_control_characters_are_dropped(tmp_path: Path) -> None:
    out = render("line_breaks", {"address": "第一行\n第二行\r\n第三行\t制表",
                                 "opinion": "好\x01坏\x0b"}, tmp_path)
    first = part(out).find(f".//{W}p")
    assert len(first.findall(f".//{W}br")) == 2
    assert len(first.findall(f".//{W}tab")) == 1
    assert paragraphs(out) == ["地址：第一行\n第二行\n第三行\t制表", "意见：好坏"]


def test_headers_and_footers_are_rendered(tmp_path: Path) -> None:
    out = render("header_footer", {"company": "某市客服中心", "period": "2026-10", "name": "王五"},
                 tmp_path)
    section = docx.Document(str(out)).sections[0]
    assert section.header.paragraphs[0].text == "某市客服中心 考核报告"
    assert section.footer.paragraphs[0].text == "期间：2026-10"
    assert paragraphs(out) == ["正文：王五"]


def test_nested_loops_paragraphs_around_table_rows(tmp_path: Path) -> None:
    departments = [{"name": "客服一部", "staff": ["甲", "乙"]},
                   {"name": "客服二部", "staff": ["丙"]}]
    out = render("nested_loops", {"departments": departments}, tmp_path)
    assert [p for p in paragraphs(out) if p] == ["部门：客服一部（第 1 个）",
                                                 "部门：客服二部（第 2 个）"]
    assert table_rows(out, 0) == [["客服一部", "甲"], ["客服一部", "乙"]]
    assert table_rows(out, 1) == [["客服二部", "丙"]]


def test_sandbox_blocks_dunder_attribute_access(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblemsError) as info:
        render("sandbox", {"name": "x"}, tmp_path)
    assert [p.code for p in info.value.problems] == ["sandbox"]
    assert "第 1 段" in str(info.value) and "__class__" in str(info.value)


def test_undefined_variable_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblemsError) as info:
        render("undefined", {"staff": {"staff_id": "1"}}, tmp_path)
    problem = info.value.problems[0]
    assert (problem.code, problem.variable) == ("undefined-variable", "staff.name")
    assert problem.location is not None and problem.location.zh() == "第 4 段"
    assert "staff.name" in str(info.value) and "{{ staff.name }}" in str(info.value)


@pytest.mark.parametrize(("context", "expected"), [
    ({"staff": {"name": "甲"}}, ["开头", "无", "默认", "姓名：甲"]),
    ({"staff": {"name": "甲"}, "maybe": "值"}, ["开头", "有：值", "值", "姓名：甲"]),
])
def test_is_defined_and_default_make_values_optional(tmp_path: Path, context: dict[str, Any],
                                                     expected: list[str]) -> None:
    assert paragraphs(render("undefined", context, tmp_path)) == expected


def test_syntax_errors_are_reported_in_word_terms() -> None:
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(TEMPLATES / "syntax_errors.docx")
    found = [(p.location.zh() if p.location else None, p.code, p.tag)
             for p in info.value.problems]
    assert found == [
        ("第 3 段", "template-syntax", "{{ name. }}"),
        ("表格 1 第 4 行第 2 列", "template-syntax", "{{ a b }}"),
        ("第 4 段", "unclosed-block", "{%p if flag %}"),
        ("第 5 段", "unclosed-tag", "{{ oops"),
    ]
    message = str(info.value)
    assert "缺少结束标签 {%p endif %}" in message and "table 1 row 4 cell 2" in message


def test_block_crossing_a_table_boundary_is_caught_not_written(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblemsError) as info:
        render("cross_boundary", {"flag": False}, tmp_path)
    assert info.value.problems[0].code == "broken-xml"
    assert not (tmp_path / "cross_boundary.docx").exists()


def test_rich_text_replaces_the_run(tmp_path: Path) -> None:
    out = render("rich_text", {"status": RichText("逾期", bold=True, color="C00000").add("3 天")},
                 tmp_path)
    runs = docx.Document(str(out)).paragraphs[0].runs
    assert [(r.text, r.bold) for r in runs] == [("状态：", None), ("逾期", True), ("3 天", None),
                                                ("。", None)]
    assert str(runs[1].font.color.rgb) == "C00000"
    plain = render("rich_text", {"status": "正常 & <好>"}, tmp_path / "plain")
    assert paragraphs(plain) == ["状态：正常 & <好>。"]


def test_same_context_gives_identical_bytes_and_untouched_members_are_copied(
        tmp_path: Path) -> None:
    template = WordTemplate.compile(TEMPLATES / "tr_loop.docx")
    context = {"kpis": [{"name": "办结率", "target": "90%", "actual": "95%"}]}
    assert template.render_bytes(context) == template.render_bytes(context)
    out = template.render(context, tmp_path / "out.docx")
    with zipfile.ZipFile(TEMPLATES / "tr_loop.docx") as src, zipfile.ZipFile(out) as dst:
        assert dst.testzip() is None
        for name in ("word/styles.xml", "word/theme/theme1.xml", "word/settings.xml"):
            a, b = src.getinfo(name), dst.getinfo(name)
            assert (a.CRC, a.compress_size, a.compress_type) == \
                   (b.CRC, b.compress_size, b.compress_type)
        assert src.namelist() == dst.namelist()


def test_render_writes_atomically_and_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "outbox" / "2026-10" / "报告.docx"
    render_document(TEMPLATES / "header_footer.docx",
                    {"company": "甲", "period": "1", "name": "一"}, target)
    render_document(TEMPLATES / "header_footer.docx",
                    {"company": "乙", "period": "2", "name": "二"}, target)
    assert paragraphs(target) == ["正文：二"]
    assert [p.name for p in target.parent.iterdir()] == ["报告.docx"]


def test_unwritable_output_is_a_workspace_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError):
        render_document(TEMPLATES / "header_footer.docx",
                        {"company": "甲", "period": "1", "name": "一"}, blocker / "out.docx")


def test_not_a_docx_is_a_template_error(tmp_path: Path) -> None:
    fake = tmp_path / "模板.docx"
    fake.write_text("not a zip")
    with pytest.raises(TemplateError, match="不是有效的 Word 文档"):
        WordTemplate.compile(fake)
    with pytest.raises(TemplateError, match="模板文件不存在"):
        compile_template(tmp_path / "missing.docx")


def test_compile_template_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    copy = tmp_path / "t.docx"
    copy.write_bytes((TEMPLATES / "variables.docx").read_bytes())
    first = compile_template(copy)
    assert compile_template(copy) is first
    copy.write_bytes((TEMPLATES / "tr_loop.docx").read_bytes())
    assert compile_template(copy) is not first


def test_errors_survive_pickling_for_worker_processes() -> None:
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(TEMPLATES / "syntax_errors.docx")
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)
    assert copy.problems == info.value.problems


def test_set_cjk_font_sets_east_asian_font_and_rendering_keeps_it(tmp_path: Path) -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("{{ name }}")
    set_cjk_font(document, "宋体")
    set_cjk_font(document.styles["Heading 1"], "黑体", latin="Arial")
    set_cjk_font(run, "Noto Sans CJK SC")
    template = tmp_path / "font.docx"
    document.save(str(template))
    out = WordTemplate.compile(template).render({"name": "张三"}, tmp_path / "out.docx")
    fonts = part(out).find(f".//{W}r/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "Noto Sans CJK SC"
    styles = part(out, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(f"{W}eastAsia") == "宋体" and default.get(f"{W}eastAsiaTheme") is None
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"
    heading = styles.find(f"{W}style[@{W}styleId='Heading1']/{W}rPr/{W}rFonts")
    assert (heading.get(f"{W}eastAsia"), heading.get(f"{W}ascii")) == ("黑体", "Arial")
    assert paragraphs(out) == ["张三"]


def test_image_size_must_be_positive() -> None:
    with pytest.raises(TemplateError):
        Image(b"", width_mm=0)
