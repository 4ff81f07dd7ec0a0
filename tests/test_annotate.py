"""The annotated copy of a rejected file, checked by opening it with openpyxl."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from officekit.annotate import (
    ERROR_FILL,
    WARNING_FILL,
    safe_sheet_names,
    text_width,
    write_annotated,
)
from officekit.model import Issue
from officekit.read import RawSheet, Workbook
from officekit.read.workbook import open_workbook

sys.path.insert(0, str(Path(__file__).parent / "data"))
import read_fixtures as fx

SHEET = "投诉登记"
RED = "FF" + ERROR_FILL.lstrip("#")
YELLOW = "FF" + WARNING_FILL.lstrip("#")


def _issues() -> list[Issue]:
    return [
        Issue("error", "required", SHEET, 4, 1, "受理时间", "received_at", None),
        Issue("warning", "phone-format", SHEET, 5, 4, "联系电话", "customer_phone", 13812345671),
        Issue("error", "enum", SHEET, 7, 5, "满意度", "satisfaction", 4,
              params={"allowed": "1-5"}),
        Issue("warning", "duplicate-row", SHEET, 7, 5, "满意度"),  # same cell, a warning too
        Issue("warning", "extra-column", SHEET, 3, None, "备注"),  # a row, no cell
        Issue("warning", "no-staff-list"),  # no sheet at all
    ]


@pytest.fixture
def annotated(tmp_path: Path) -> tuple[Path, list[Issue]]:
    wb = open_workbook(fx.xlsx_excel_like(tmp_path))
    issues = _issues()
    dest = tmp_path / "out" / "excel_like.校验结果.xlsx"
    assert write_annotated(wb, issues, dest) == dest
    return dest, issues


def _fill(ws: openpyxl.worksheet.worksheet.Worksheet, ref: str) -> str | None:
    fill = ws[ref].fill
    return fill.fgColor.rgb if fill.patternType == "solid" else None


def test_list_sheet_rows_counts_and_links(annotated: tuple[Path, list[Issue]]) -> None:
    dest, issues = annotated
    book = openpyxl.load_workbook(dest)
    assert book.sheetnames == ["校验结果", "投诉登记", "说明", "空白"]
    ws = book["校验结果"]
    assert "excel_like.xlsx" in ws["A1"].value
    assert "2 个错误" in ws["A2"].value and "4 个警告" in ws["A2"].value
    assert "inbox" in ws["A3"].value
    header = [c.value for c in ws[5]]
    assert header == ["序号", "级别", "代码", "工作表", "单元格", "列", "值", "说明"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert [r[:6] for r in rows] == [
        [1, "错误", "required", SHEET, "B4", "受理时间"],
        [2, "警告", "phone-format", SHEET, "E5", "联系电话"],
        [3, "错误", "enum", SHEET, "F7", "满意度"],
        [4, "警告", "duplicate-row", SHEET, "F7", "满意度"],
        [5, "警告", "extra-column", SHEET, "A3", "备注"],
        [6, "警告", "no-staff-list", None, None, None],
    ]
    assert rows[1][6] == "13812345671"
    assert [r[7] for r in rows] == [i.message("zh") for i in issues]
    links = {c.coordinate: c.hyperlink.location for c in ws["E"] if c.hyperlink}
    assert links == {"E6": "'投诉登记'!B4", "E7": "'投诉登记'!E5", "E8": "'投诉登记'!F7",
                     "E9": "'投诉登记'!F7", "E10": "'投诉登记'!A3"}
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:H11"
    assert _fill(ws, "B6") == RED and _fill(ws, "B7") == YELLOW


def test_bad_cells_are_filled_and_commented(annotated: tuple[Path, list[Issue]]) -> None:
    dest, issues = annotated
    ws = openpyxl.load_workbook(dest)[SHEET]
    assert _fill(ws, "B4") == RED
    assert _fill(ws, "E5") == YELLOW
    assert _fill(ws, "F7") == RED  # an error and a warning: the error's colour
    assert _fill(ws, "A4") is None and _fill(ws, "E4") is None and _fill(ws, "A3") is None
    assert issues[0].message("zh") in ws["B4"].comment.text
    both = ws["F7"].comment.text.split("\n")
    assert both == [f"错误：{issues[2].message('zh')}", f"警告：{issues[3].message('zh')}"]
    commented = {c.coordinate for row in ws.iter_rows() for c in row if c.comment}
    assert commented == {"B4", "E5", "F7"}  # issues without a cell are in the list only


def test_original_values_formats_and_merges_are_kept(
        annotated: tuple[Path, list[Issue]]) -> None:
    dest, _ = annotated
    book = openpyxl.load_workbook(dest)
    ws = book[SHEET]
    assert ws["A1"].value == fx.TITLE
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert [c.value for c in ws[3]][:6] == fx.HEADERS
    assert ws["A4"].value == "00001" and ws["A4"].data_type == "s"
    assert ws["B4"].value == datetime(2026, 10, 3, 9, 30)
    assert ws["B4"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["C4"].value == datetime(2026, 10, 3) and ws["C4"].number_format == "yyyy-mm-dd"
    assert ws["D4"].number_format == "hh:mm"
    assert ws["E4"].value == 13812345670
    assert ws.column_dimensions["B"].width >= 16
    assert book["说明"].sheet_state == "hidden"  # hidden and without issues: stays hidden
    assert book["说明"]["A1"].value == "本表每月报送一次"


def test_english_copy(tmp_path: Path) -> None:
    wb = open_workbook(fx.xlsx_excel_like(tmp_path))
    dest = write_annotated(wb, _issues(), tmp_path / "en.xlsx", lang="en")
    book = openpyxl.load_workbook(dest)
    ws = book["Validation results"]
    assert book.sheetnames[0] == "Validation results"
    assert [c.value for c in ws[5]][:2] == ["No.", "Level"]
    assert ws["B6"].value == "Error" and ws["B7"].value == "Warning"
    assert "2 error(s) and 4 warning(s)" in ws["A2"].value
    assert book[SHEET]["B4"].comment.text == f"Error: {_issues()[0].message('en')}"


def test_sheet_names_stay_valid_and_unique() -> None:
    names = safe_sheet_names(["校验结果", "a/b:c", "x" * 40, "X" * 40, "'引号'", ""],
                             reserved=["校验结果"])
    assert names == ["校验结果 (2)", "a_b_c", "x" * 31, "X" * 27 + " (2)", "引号", "Sheet_"]
    assert all(len(n) <= 31 for n in names)


def test_sheet_named_like_the_list_and_a_long_ods_name(tmp_path: Path) -> None:
    long_name = "二〇二六年十月份客户服务中心各部门投诉登记表（第一批次汇总，含补录）"
    wb = Workbook(str(tmp_path / "a.ods"), "ods", [
        RawSheet("校验结果", [["旧的校验结果"]]),
        RawSheet(long_name, [["编号"], ["TS1"]]),
    ])
    issue = Issue("error", "required", long_name, 2, 0, "编号")
    dest = write_annotated(wb, [issue], tmp_path / "b.xlsx")
    book = openpyxl.load_workbook(dest)
    assert book.sheetnames[:2] == ["校验结果", "校验结果 (2)"]
    shown = book.sheetnames[2]
    assert len(shown) == 31 and long_name.startswith(shown)
    assert book["校验结果"]["E6"].hyperlink.location == f"'{shown}'!A2"
    assert book["校验结果"]["D6"].value == shown
    assert _fill(book[shown], "A2") == RED


def test_unreadable_file_gets_the_list_only(tmp_path: Path) -> None:
    wb = Workbook(str(tmp_path / "broken.xlsx"), "xlsx", [])
    issue = Issue("error", "corrupt-file", params={"file": "broken.xlsx", "detail": "ZIP"})
    dest = write_annotated(wb, [issue], tmp_path / "broken.校验结果.xlsx")
    book = openpyxl.load_workbook(dest)
    assert book.sheetnames == ["校验结果"]
    ws = book["校验结果"]
    assert [c.value for c in ws[6]][:3] == [1, "错误", "corrupt-file"]
    assert ws["E6"].hyperlink is None


def test_a_libraries_own_words_stay_out_of_the_annotated_copy(tmp_path: Path) -> None:
    """An unknown cause of damage (its ``raw`` words) is for the watch log, not the person."""
    wb = Workbook(str(tmp_path / "broken.xlsx"), "xlsx", [])
    issue = Issue("error", "corrupt-file",
                  params={"file": "broken.xlsx", "raw": "CalamineError: Xml error at 17"})
    dest = write_annotated(wb, [issue], tmp_path / "broken.校验结果.xlsx")
    cells = [str(c.value) for row in openpyxl.load_workbook(dest)["校验结果"].iter_rows()
             for c in row if c.value is not None]
    assert any("已损坏或不完整，无法打开。" in c for c in cells)
    assert not any("Xml error" in c or "Calamine" in c for c in cells)


def test_empty_cells_merges_and_cells_beyond_the_data(tmp_path: Path) -> None:
    sheet = RawSheet("名单", [["人员名单"], ["工号", "姓名", "入职日期"],
                              ["001", None, date(2026, 1, 5)], ["002"]],
                     merged=[(0, 0, 0, 2), (0, 0, 0, 0)])
    issues = [Issue("error", "required", "名单", 3, 1, "姓名"),
              Issue("error", "required", "名单", 4, 2, "入职日期"),  # past the row's end
              Issue("warning", "future-date", "名单", 1, 0)]  # on the merged title
    dest = write_annotated(Workbook("名单.xlsx", "xlsx", [sheet]), issues, tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(dest)["名单"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert _fill(ws, "B3") == RED and ws["B3"].value is None
    assert _fill(ws, "C4") == RED
    assert _fill(ws, "A1") == YELLOW and ws["A1"].comment is not None
    assert ws["C3"].value == datetime(2026, 1, 5) and ws["C3"].number_format == "yyyy-mm-dd"


def test_written_atomically_over_an_old_copy(tmp_path: Path) -> None:
    dest = tmp_path / "d.xlsx"
    dest.write_bytes(b"old")
    wb = Workbook("d.xlsx", "xlsx", [RawSheet("S", [["x"]])])
    write_annotated(wb, [], dest)
    assert openpyxl.load_workbook(dest)["校验结果"]["A2"].value == "未发现问题。"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.xlsx"]  # no temp file left
    assert dest.stat().st_mode & 0o044  # readable by others on a shared folder, as usual


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    from officekit.errors import WorkspaceError

    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    wb = Workbook("e.xlsx", "xlsx", [RawSheet("S", [["x"]])])
    with pytest.raises(WorkspaceError):
        write_annotated(wb, [], blocker / "e.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not_a_folder"]


def test_text_width_counts_cjk_double() -> None:
    assert text_width("投诉abc") == 7
    assert text_width("ＡＢ") == 4  # full-width letters too
