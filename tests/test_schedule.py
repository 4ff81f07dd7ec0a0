"""Duty schedules: the long and the wide layout (SPEC §3 schedule)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from officekit.model import Issue, SheetResult
from officekit.read import RawSheet
from officekit.settings import Settings, parse_settings
from officekit.understand.classify import understand_sheet
from officekit.understand.schedule import day_header

SETTINGS = Settings()


def one(sheet: RawSheet, file_name: str = "排班.xlsx", settings: Settings = SETTINGS
        ) -> tuple[SheetResult, list[Issue]]:
    return understand_sheet(sheet, settings, file_name)


def shifts(result: SheetResult) -> list[tuple[Any, ...]]:
    return [(r["_row"], r["_col"], r["staff_id"], r["staff_name"], r["date"].day, r["shift"])
            for r in result.records]


@pytest.mark.parametrize(("value", "day"), [
    (1.0, (None, None, 1)), (31, (None, None, 31)), ("1", (None, None, 1)),
    ("01", (None, None, 1)), ("1日", (None, None, 1)), ("1号", (None, None, 1)),
    ("10月1日", (None, 10, 1)), ("10/1", (None, 10, 1)), ("10-01", (None, 10, 1)),
    ("2026-10-01", (2026, 10, 1)), ("2026/10/1", (2026, 10, 1)),
    ("2026年10月1日", (2026, 10, 1)), (date(2026, 10, 1), (2026, 10, 1)),
    (datetime(2026, 10, 1), (2026, 10, 1)), (46296.0, (2026, 10, 1)),
    ("１日", (None, None, 1)), ("1\n周四", (None, None, 1)), ("1(四)", (None, None, 1)),
])
def test_day_headers(value: Any, day: tuple[int | None, int | None, int]) -> None:
    assert day_header(value) == day


@pytest.mark.parametrize("value", ["姓名", 0.0, 32.0, "32日", "13/1", "2026", 1.5, None,
                                   "备注"])
def test_not_day_headers(value: Any) -> None:
    assert day_header(value) is None


DAY_FORMS: list[list[Any]] = [
    [1.0, 2.0, 3.0],
    ["1", "2", "3"],
    ["1日", "2日", "3日"],
    ["10月1日", "10月2日", "10月3日"],
    ["10/1", "10/2", "10/3"],
    ["2026-10-01", "2026-10-02", "2026-10-03"],
    [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)],
    [datetime(2026, 10, 1), datetime(2026, 10, 2), datetime(2026, 10, 3)],
]


@pytest.mark.parametrize("days", DAY_FORMS)
def test_wide_layout_with_each_day_header_form(days: list[Any]) -> None:
    rows = [["2026年10月客服中心排班表"], ["工号", "姓名", "部门", *days, "备注"],
            ["1001", "张三", "客服一部", "早", "早班", None, "调班"],
            [1002.0, "李四", "客服一部", "休", None, "夜"]]
    result, issues = one(RawSheet("Sheet1", rows, merged=[(0, 0, 0, 6)]), "排班.xlsx")
    assert codes(issues) == [("warning", "extra-column", "G2")]
    assert (result.kind, result.layout, result.header_row, result.period, result.rows) == \
        ("schedule", "wide", 2, "2026-10", 2)
    assert shifts(result) == [(3, 3, "1001", "张三", 1, "早"), (3, 4, "1001", "张三", 2, "早"),
                              (4, 3, "1002", "李四", 1, "休"), (4, 5, "1002", "李四", 3, "夜")]
    assert result.records[0] == {"_sheet": "Sheet1", "_row": 3, "_col": 3,
                                 "date": date(2026, 10, 1), "shift": "早", "staff_id": "1001",
                                 "staff_name": "张三", "department": "客服一部", "post": None}
    assert result.field_cols == {"staff_id": 0, "staff_name": 1, "department": 2}


def codes(issues: list[Issue]) -> list[tuple[str, str, str | None]]:
    return [(i.severity, i.code, i.cell) for i in issues]


@pytest.mark.parametrize(("title", "sheet_name", "file_name"), [
    ("2026年10月排班表", "Sheet1", "排班.xlsx"),
    ("排班表", "2026-10", "排班.xlsx"),
    ("排班表", "10月", "2026年排班.xlsx"),
    ("排班表", "Sheet1", "客服排班_202610.xlsx"),
    ("10月份排班表", "Sheet1", "2026年度.xlsx"),
])
def test_month_of_bare_day_numbers_from_title_sheet_or_file(title: str, sheet_name: str,
                                                            file_name: str) -> None:
    rows = [[title], ["姓名", *range(1, 32)], ["张三", *(["早"] * 31)]]
    result, issues = one(RawSheet(sheet_name, rows), file_name)
    assert issues == []
    assert result.period == "2026-10"
    assert [r["date"] for r in result.records][::30] == [date(2026, 10, 1), date(2026, 10, 31)]


def test_month_that_cannot_be_found_is_a_clear_error() -> None:
    rows = [["排班表"], ["工号", "姓名", 1, 2, 3], ["1001", "张三", "早", "中", "晚"]]
    result, issues = one(RawSheet("Sheet1", rows), "排班.xlsx")
    assert result.kind == "schedule" and result.records == []
    assert codes(issues) == [("error", "schedule-month", "C2")]
    assert issues[0].params["missing"] == "月份"
    rows[0] = ["10月排班表"]
    _, issues = one(RawSheet("Sheet1", rows), "排班.xlsx")
    assert codes(issues) == [("error", "schedule-month", "C2")]
    assert issues[0].params["missing"] == "年份"


def test_weekday_row_under_the_day_header_is_skipped() -> None:
    rows = [["2026年10月排班表"], ["工号", "姓名", "1", "2", "3", "4"],
            [None, None, "四", "五", "六", "日"], ["1001", "张三", "早", "中", "休", "休"]]
    result, issues = one(RawSheet("排班", rows))
    assert issues == []
    assert [r["_row"] for r in result.records] == [4, 4, 4, 4]
    rows[2] = [None, None, "周四", "周五", "周六", "周日"]
    assert one(RawSheet("排班", rows))[0].rows == 1


def test_two_row_day_header_under_a_merged_month_cell() -> None:
    rows = [["工号", "姓名", "2026年10月", None, None], [None, None, 1, 2, 3],
            ["1001", "张三", "早", "中", "晚"]]
    merged = [(0, 2, 0, 4), (0, 0, 1, 0), (0, 1, 1, 1)]
    result, issues = one(RawSheet("排班", rows, merged=merged))
    assert issues == []
    assert result.header_row == 2
    assert [(r["date"], r["shift"]) for r in result.records] == [
        (date(2026, 10, 1), "早"), (date(2026, 10, 2), "中"), (date(2026, 10, 3), "晚")]


def test_wide_cells_unknown_codes_rest_and_leave_and_two_shifts() -> None:
    rows = [["2026年10月排班表"], ["姓名", "部门", 1, 2, 3, 4, 5, 6],
            ["张三", "客服一部", "早", "早晨", "休息", "年假", "夜/早", "X"],
            ["李四", None, None, None, None, None, None, None],
            ["早班人数", None, 1, 0, 0, 0, 1, 0]]
    result, issues = one(RawSheet("排班", rows, merged=[(2, 1, 3, 1)]))
    assert codes(issues) == [("error", "enum", "D3"), ("error", "enum", "H3")]
    assert issues[0].params["suggestion"] == "早"
    assert (issues[0].column, issues[0].field, issues[0].value) == ("2", "shift", "早晨")
    assert [(r["_col"], r["shift"]) for r in result.records] == [
        (2, "早"), (4, "休"), (5, "假"), (6, "夜"), (6, "早")]
    assert result.rows == 2  # 李四 (nothing scheduled) is read; the head count row is not


def test_wide_row_without_a_person_is_required() -> None:
    rows = [["2026年10月"], ["工号", "姓名", 1, 2, 3], [None, None, "早", "中", None]]
    _, issues = one(RawSheet("排班", rows))
    assert codes(issues) == [("error", "required", "A3")]


def test_day_31_in_a_30_day_month() -> None:
    rows = [["2026年11月排班表"], ["姓名", *range(1, 32)], ["张三", *([None] * 30), "早"],
            ["李四", "早"]]
    result, issues = one(RawSheet("排班", rows))
    assert codes(issues) == [("error", "type", "AF3")]
    assert [r["staff_name"] for r in result.records] == ["李四"]


def test_shift_names_from_settings() -> None:
    settings = parse_settings({"shifts": {"A": {"name": "A班", "start": "07:00",
                                                "end": "15:00"}}})
    rows = [["2026年10月"], ["姓名", 1, 2, 3], ["张三", "A班", "A", "早"]]
    result, issues = one(RawSheet("排班", rows), settings=settings)
    assert issues == []
    assert [r["shift"] for r in result.records] == ["A", "A", "早"]


def test_long_layout_with_only_a_name_column() -> None:
    rows = [["日期", "班别", "值班人员", "值班岗位"], ["2026/10/1", "白班", "张三", "值班经理"],
            ["10月2日", "X班", "李四", None], ["2026-10-03", "早", None, None]]
    result, issues = one(RawSheet("值班表", rows), "2026年10月值班.xlsx")
    assert result.layout == "long"
    assert codes(issues) == [("error", "enum", "B3"), ("error", "required", "C4")]
    assert issues[1].field == "staff_name"
    assert [(r["date"], r["shift"], r["staff_name"], r["post"]) for r in result.records] == [
        (date(2026, 10, 1), "白", "张三", "值班经理"), (date(2026, 10, 2), None, "李四", None),
        (date(2026, 10, 3), "早", None, None)]


def test_long_layout_without_any_person_column() -> None:
    rows = [["日期", "班次", "部门"], ["2026-10-01", "早", "客服一部"]]
    result, issues = one(RawSheet("值班表", rows))
    assert result.kind == "schedule"
    assert [(i.code, i.params["expected"]) for i in issues] == [("missing-column", "工号或姓名")]


def test_wide_formula_and_hidden_rows_warnings() -> None:
    rows = [["2026年10月排班表"], ["姓名", 1, 2, 3, "出勤天数"], ["张三", "早", None, "中", None],
            ["李四", "晚", "晚", "晚", None]]
    sheet = RawSheet("排班", rows, hidden_rows={4}, formula_no_cache={(3, 2), (3, 4)})
    result, issues = one(sheet)
    assert codes(issues) == [("warning", "extra-column", "E2"), ("warning", "hidden-rows", "A4"),
                             ("warning", "formula-no-cache", "C3")]
    assert (issues[2].column, issues[2].field) == ("2", "shift")
    assert len(result.records) == 5
