"""Record- and file-level rules (validate/rules.py), through the entry point check_sheets.

Sheets are built as the intake hands them over (SheetResult + records, docs/architecture.md);
every file carries its own staff list so the staff rules stay quiet unless a test wants them.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, datetime
from functools import partial
from typing import Any

import pytest

from officekit.model import Issue, LazyRecords, Record, SheetResult
from officekit.settings import Settings
from officekit.understand.classify import _zip_records
from officekit.validate.cross import SEVERITY
from officekit.validate.rules import check_sheets
from officekit.validate.view import EmptyView

TODAY = date(2026, 10, 20)
SETTINGS = Settings()

STAFF_COLS = [("staff_id", "工号"), ("name", "姓名"), ("department", "部门"), ("role", "岗位"),
              ("hired_on", "入职日期")]
# A..N, as the usual register: J 处理人, K 处理状态, L 办结时间, M 处理结果
COMPLAINT_COLS = [
    ("complaint_id", "投诉编号"), ("received_at", "受理时间"), ("channel", "受理渠道"),
    ("customer", "客户姓名"), ("customer_phone", "联系电话"), ("category", "投诉类别"),
    ("severity", "严重程度"), ("description", "投诉内容"), ("department", "责任部门"),
    ("handler", "处理人"), ("status", "处理状态"), ("resolved_at", "办结时间"),
    ("resolution", "处理结果"), ("satisfaction", "满意度"),
]
VISIT_COLS = [("visit_id", "回访编号"), ("visited_at", "回访时间"), ("customer", "客户姓名"),
              ("staff", "回访人"), ("method", "回访方式"), ("complaint_id", "关联投诉编号"),
              ("reached", "是否联系成功"), ("feedback", "客户意见")]


def make_sheet(name: str, kind: str, cols: list[tuple[str, str]], rows: list[Record], *,
               header_row: int = 2) -> SheetResult:
    """A sheet as the intake gives it: one record per row below the header row."""
    records = [{**r, "_sheet": name, "_row": header_row + 1 + n} for n, r in enumerate(rows)]
    return SheetResult(name, kind, rows=len(rows), header_row=header_row, records=records,
                       columns={n: h for n, (_, h) in enumerate(cols)},
                       field_cols={f: n for n, (f, _) in enumerate(cols)})


def person(staff_id: str, name: str, **over: Any) -> Record:
    return {"staff_id": staff_id, "name": name, "department": "客服一部", "role": "客服专员",
            "hired_on": date(2024, 3, 1), "status": "在职", **over}


def staff_sheet(*extra: Record) -> SheetResult:
    rows = [person("1001", "王芳"), person("1002", "李强"), *extra]
    return make_sheet("花名册", "staff", STAFF_COLS, rows)


def complaint(cid: str, **over: Any) -> Record:
    base: Record = {
        "complaint_id": cid, "received_at": datetime(2026, 10, 5, 14, 0), "channel": "电话",
        "customer": "张先生", "customer_phone": "13812345678", "category": "服务态度",
        "severity": "一般", "description": "营业厅等候时间过长", "department": "客服一部",
        "handler_id": None, "handler_name": "王芳", "status": "已办结",
        "resolved_at": datetime(2026, 10, 6, 10, 0), "resolution": "已致电说明并致歉",
        "satisfaction": 4,
    }
    return {**base, **over}


def complaints_sheet(*rows: Record, name: str = "投诉登记", header_row: int = 2,
                     cols: list[tuple[str, str]] = COMPLAINT_COLS) -> SheetResult:
    return make_sheet(name, "complaints", cols, list(rows), header_row=header_row)


def visit(**over: Any) -> Record:
    base: Record = {"visit_id": None, "visited_at": datetime(2026, 10, 8, 10, 0),
                    "customer": "张先生", "staff_id": None, "staff_name": "李强",
                    "method": "电话", "purpose": "投诉回访", "complaint_id": "C001",
                    "reached": True, "satisfaction": 5, "feedback": "满意"}
    return {**base, **over}


def visits_sheet(*rows: Record) -> SheetResult:
    return make_sheet("回访记录", "visits", VISIT_COLS, list(rows))


def with_columns(sheet: SheetResult) -> SheetResult:
    """A copy of ``sheet`` holding its columns as the reader keeps them (SheetResult.values),
    which the rules read instead of the records."""
    copy = deepcopy(sheet)
    keys = {k for r in copy.records for k in r}
    copy.values = {k: [r.get(k) for r in copy.records] for k in keys}
    return copy


def lazily(sheet: SheetResult) -> SheetResult:
    """:func:`with_columns`, its records not built until looked at (as ``validate`` reads a
    register: LazyRecords zipped from the columns)."""
    copy = with_columns(sheet)
    keys = ("_sheet", *dict.fromkeys(k for r in copy.records for k in r if k != "_sheet"))
    if "_sheet" in copy.values:
        copy.values.pop("_sheet")
    copy.records = LazyRecords(partial(_zip_records, sheet.name, keys, copy.values))
    return copy


def _sorted_record(record: Record) -> Record:
    return {k: record[k] for k in sorted(record) if k != "_sheet"}


def check(*sheets: SheetResult, today: date = TODAY) -> list[Issue]:
    """The issues of ``sheets``; read from columns (as a register read by the intake is
    checked), or from columns with the records built only when looked at, they must be the
    same, in the same order — and so must the records after the check (工号 and 姓名 filled in).
    """
    by_columns = [with_columns(s) for s in sheets]
    lazy = [lazily(s) for s in sheets]
    from_columns = check_sheets(by_columns, EmptyView(), SETTINGS, today)
    from_lazy = check_sheets(lazy, EmptyView(), SETTINGS, today)
    issues = check_sheets(list(sheets), EmptyView(), SETTINGS, today)
    assert from_columns == issues
    assert from_lazy == issues
    for plain, kept, late in zip(sheets, by_columns, lazy, strict=True):
        assert list(kept.records) == plain.records
        assert [_sorted_record(r) for r in late.records] == \
            [_sorted_record(r) for r in plain.records]
    return issues


def found(issues: list[Issue]) -> list[tuple[str, str | None]]:
    return [(i.code, i.cell) for i in issues]


# --------------------------------------------------------------------------------------------


def test_a_clean_file_has_no_issues_and_gets_its_staff_filled_in() -> None:
    comps = complaints_sheet(complaint("C001"), complaint("C002", handler_name=None,
                                                          handler_id="1002"))
    visits = visits_sheet(visit())
    assert check(staff_sheet(), comps, visits) == []
    assert (comps.records[0]["handler_id"], comps.records[0]["handler_name"]) == ("1001", "王芳")
    assert (comps.records[1]["handler_id"], comps.records[1]["handler_name"]) == ("1002", "李强")
    assert (visits.records[0]["staff_id"], visits.records[0]["staff_name"]) == ("1002", "李强")


def test_duplicate_complaint_id_is_reported_on_each_repeat_naming_the_first_row() -> None:
    comps = complaints_sheet(complaint("C001"), complaint("C002"),
                             complaint("C001", customer="李女士"),
                             complaint("C001", customer="赵先生"))
    issues = check(staff_sheet(), comps)
    assert found(issues) == [("duplicate-key", "A5"), ("duplicate-key", "A6")]
    assert [i.params["first_row"] for i in issues] == [3, 3]
    assert issues[0].severity == "error"
    assert issues[0].message() == (
        "第 5 行的投诉编号“C001”与工作表“投诉登记”第 3 行重复。同一文件中每个投诉编号只能出现一次："
        "如是同一条记录，请删除重复的行；如是不同记录，请改正编号。")


def test_duplicate_complaint_id_across_two_sheets_of_one_file() -> None:
    first = complaints_sheet(complaint("C001"), name="10月上")
    second = complaints_sheet(complaint("C002"), complaint("C001", customer="李女士"),
                              name="10月下")
    issues = check(staff_sheet(), first, second)
    assert [(i.sheet, i.code, i.cell) for i in issues] == [("10月下", "duplicate-key", "A4")]
    assert issues[0].params == {"first_sheet": "10月上", "first_row": 3}


def test_duplicate_staff_id_and_visit_id() -> None:
    staff = staff_sheet(person("1002", "张伟"))
    visits = visits_sheet(visit(visit_id="V1"), visit(visit_id="V2"),
                          visit(visit_id="V1", customer="李女士"), visit(visit_id=None),
                          visit(visit_id=None, customer="赵先生"))
    comps = complaints_sheet(complaint("C001"))
    issues = check(staff, comps, visits)
    assert [(i.sheet, i.code, i.cell) for i in issues] == [
        ("花名册", "duplicate-key", "A5"), ("回访记录", "duplicate-key", "A5")]


def test_duplicate_row_is_a_warning_naming_the_first_row() -> None:
    visits = visits_sheet(visit(), visit(customer="李女士"), visit())
    issues = check(staff_sheet(), complaints_sheet(complaint("C001")), visits)
    assert found(issues) == [("duplicate-row", "A5")]
    assert issues[0].severity == "warning"
    assert issues[0].params == {"first_row": 3}
    assert "第 5 行与第 3 行内容完全相同" in issues[0].message()


def test_identical_complaint_rows_are_one_duplicate_key_not_also_a_duplicate_row() -> None:
    comps = complaints_sheet(complaint("C001"), complaint("C001"))
    assert found(check(staff_sheet(), comps)) == [("duplicate-key", "A4")]


def test_keys_are_compared_as_stripped_text_whatever_their_type() -> None:
    comps = complaints_sheet(complaint("C001"), complaint(" C001 ", customer="李女士"),
                             complaint(7.0), complaint(7.0, customer="赵先生"), complaint("7"),
                             complaint(None), complaint("  ", customer="钱先生"))
    issues = [i for i in check(staff_sheet(), comps) if i.code == "duplicate-key"]
    assert [(i.cell, i.params["first_row"]) for i in issues] == [("A4", 3), ("A6", 5)]


def test_rows_alike_in_everything_but_an_empty_key_are_duplicate_rows() -> None:
    staff = staff_sheet(person("1003", "张伟"))
    staff.records[2]["staff_id"] = None
    staff.records.append({**staff.records[2], "_row": 6})
    issues = check(staff, complaints_sheet(complaint("C001")))
    assert [(i.code, i.cell) for i in issues if i.code == "duplicate-row"] == [
        ("duplicate-row", "A6")]


def test_resolved_before_received_is_a_date_order_error_on_the_resolved_cell() -> None:
    comps = complaints_sheet(
        complaint("C001"), complaint("C002"), complaint("C003"), complaint("C004"),
        complaint("C005", received_at=datetime(2026, 10, 5, 14, 0),
                  resolved_at=datetime(2026, 10, 3, 9, 0)),
    )
    issues = check(staff_sheet(), comps)
    assert found(issues) == [("date-order", "L7")]
    assert issues[0].message() == (
        "第 7 行“办结时间”早于“受理时间”（2026-10-03 09:00 早于 2026-10-05 14:00）。"
        "请核对两处时间，“办结时间”应不早于“受理时间”。")
    assert issues[0].message("en").startswith(
        "Row 7: \"办结时间\" is earlier than \"受理时间\" (2026-10-03 09:00 is before "
        "2026-10-05 14:00).")


@pytest.mark.parametrize(("received", "resolved", "expected"), [
    (datetime(2026, 10, 5, 14, 0), datetime(2026, 10, 5, 14, 0), []),  # the same minute
    (datetime(2026, 10, 5, 14, 0), datetime(2026, 10, 5, 13, 59), [("date-order", "L3")]),
    (datetime(2026, 10, 5, 14, 0), datetime(2026, 10, 5, 0, 0), []),  # a date alone: same day
    (datetime(2026, 10, 5, 0, 0), datetime(2026, 10, 4, 18, 0), [("date-order", "L3")]),
])
def test_date_order_boundaries(received: datetime, resolved: datetime,
                               expected: list[tuple[str, str]]) -> None:
    comps = complaints_sheet(complaint("C001", received_at=received, resolved_at=resolved))
    assert found(check(staff_sheet(), comps)) == expected


def test_future_dates_are_errors_but_today_and_schedules_are_fine() -> None:
    staff = staff_sheet(person("1003", "赵敏", hired_on=date(2026, 10, 21)))
    comps = complaints_sheet(
        complaint("C001", received_at=datetime(2026, 10, 20, 23, 59), resolved_at=None,
                  status="处理中", resolution=None),
        complaint("C002", received_at=datetime(2026, 10, 21, 9, 0), resolved_at=None,
                  status="处理中", resolution=None),
        complaint("C003", resolved_at=datetime(2026, 11, 1, 9, 0)),
    )
    visits = visits_sheet(visit(visited_at=datetime(2026, 10, 22, 9, 0)))
    schedule = make_sheet("排班", "schedule", [("date", "日期"), ("shift", "班次"),
                                               ("staff_name", "姓名")],
                          [{"date": date(2026, 11, 3), "shift": "早", "staff_id": None,
                            "staff_name": "王芳"}])
    issues = check(staff, comps, visits, schedule)
    assert [(i.sheet, i.code, i.cell) for i in issues] == [
        ("花名册", "future-date", "E5"),
        ("投诉登记", "future-date", "B4"),
        ("投诉登记", "future-date", "L5"),
        ("回访记录", "future-date", "B3"),
    ]
    assert issues[1].message() == (
        "第 4 行“受理时间”（2026-10-21 09:00）晚于今天（2026-10-20），不能是将来的日期。"
        "请核对年份和月份是否写错。")


def test_dates_beside_datetimes_in_one_column_are_still_checked_row_by_row() -> None:
    # a whole column is compared at once when it holds datetimes only; a date alone among
    # them (which cannot be ordered against a datetime) sends the check row by row
    comps = complaints_sheet(
        complaint("C001"),
        complaint("C002", received_at=datetime(2026, 10, 5, 14, 0),
                  resolved_at=date(2026, 10, 4)),  # the day before → L4
        complaint("C003", received_at=date(2026, 10, 21), resolved_at=None,
                  status="处理中", resolution=None),  # tomorrow → B5
        complaint("C004", received_at=datetime(2026, 10, 5, 14, 0),
                  resolved_at=date(2026, 10, 5)),  # the same day: fine
    )
    assert found(check(staff_sheet(), comps)) == [("date-order", "L4"), ("future-date", "B5")]


def test_status_fields_are_reported_on_the_empty_cell() -> None:
    comps = complaints_sheet(
        complaint("C001"),
        complaint("C002", resolved_at=None),  # 已办结 without 办结时间 → L4
        complaint("C003", resolution=None),  # 已办结 without 处理结果 → M5
        complaint("C004", status="待处理", resolution=None),  # 待处理 with 办结时间 → L6
        complaint("C005", status="处理中", resolved_at=None, resolution=None),  # fine
        complaint("C006", status="已撤销", resolved_at=None, resolution="  "),  # fine
        complaint("C007", resolution="   ", resolved_at=None),  # both missing → L9, M9
    )
    issues = check(staff_sheet(), comps)
    assert found(issues) == [("status-fields", "L4"), ("status-fields", "M5"),
                             ("status-fields", "L6"), ("status-fields", "L9"),
                             ("status-fields", "M9")]
    assert {i.severity for i in issues} == {"error"}
    assert issues[0].message() == (
        "第 4 行处理状态为“已办结”，但“办结时间”没有填写。请补填“办结时间”；"
        "如果尚未办结，请把处理状态改为“处理中”。")
    assert issues[2].message() == (
        "第 6 行处理状态为“待处理”，却填写了“办结时间”（2026-10-06 10:00）。如果已经办结，"
        "请把处理状态改为“已办结”；否则请清空“办结时间”。")


def test_status_fields_without_the_column_at_all_goes_on_the_status_cell() -> None:
    cols = [c for c in COMPLAINT_COLS if c[0] != "resolution"]  # no 处理结果 column
    comps = complaints_sheet(complaint("C001", resolution=None), cols=cols)
    issues = check(staff_sheet(), comps)
    assert found(issues) == [("status-fields", "K3")]
    assert issues[0].params["missing"] == "处理结果"


def test_the_documented_example_cell_L5() -> None:
    comps = complaints_sheet(complaint("C001"), complaint("C002"),
                             complaint("C003", resolved_at=None))
    assert found(check(staff_sheet(), comps)) == [("status-fields", "L5")]


def test_headers_as_written_are_used_in_messages() -> None:
    cols = [(f, "结案时间" if f == "resolved_at" else h) for f, h in COMPLAINT_COLS]
    comps = complaints_sheet(complaint("C001", resolved_at=datetime(2026, 10, 1, 8, 0)),
                             cols=cols)
    [issue] = check(staff_sheet(), comps)
    assert issue.column == "结案时间"
    assert issue.message().startswith("第 3 行“结案时间”早于“受理时间”")


def test_issues_come_sorted_by_sheet_then_row_then_column() -> None:
    comps = complaints_sheet(complaint("C001", resolution=None, resolved_at=None),
                             complaint("C001"))
    visits = visits_sheet(visit(visited_at=datetime(2027, 1, 1)))
    issues = check(staff_sheet(), visits, comps)
    assert [(i.sheet, i.cell) for i in issues] == [
        ("回访记录", "B3"), ("投诉登记", "L3"), ("投诉登记", "M3"), ("投诉登记", "A4")]


def test_skipped_sheets_are_ignored() -> None:
    skipped = SheetResult("说明", None, records=[{"_row": 1, "x": 1}])
    assert check(skipped, staff_sheet(), complaints_sheet(complaint("C001"))) == []


# SPEC §4, as written there
SPEC_ERRORS = {"missing-column", "duplicate-column", "required", "type", "enum", "duplicate-key",
               "date-order", "future-date", "status-fields", "unknown-staff", "ambiguous-staff",
               "schedule-clash"}
SPEC_WARNINGS = {"extra-column", "no-staff-list", "unknown-complaint", "phone-format",
                 "duplicate-row", "status-regression", "rest-rule", "uncovered-shift",
                 "hidden-rows", "formula-no-cache"}
PARSE_LEVEL = {"missing-column", "duplicate-column", "required", "type", "enum", "extra-column",
               "phone-format", "hidden-rows", "formula-no-cache"}


def test_severities_match_spec_section_4() -> None:
    ours = set(SEVERITY)
    # every SPEC code not produced by the parser is produced here, and nothing else but ours
    # further codes: staff-mismatch (SPEC §4's list), staff-id-number (issue 15)
    assert ours - {"staff-mismatch", "staff-id-number"} == (SPEC_ERRORS | SPEC_WARNINGS) - \
        PARSE_LEVEL
    assert {c for c in ours if SEVERITY[c] == "error"} == (SPEC_ERRORS - PARSE_LEVEL) | {
        "staff-mismatch"}
    assert {c for c in ours if SEVERITY[c] == "warning"} == (SPEC_WARNINGS - PARSE_LEVEL) | {
        "staff-id-number"}


def test_a_staff_number_that_lost_its_leading_zero_is_a_warning() -> None:
    sheet = make_sheet("花名册", "staff", STAFF_COLS, [
        person("0101", "王芳"), person("102", "李强"), person("0103", "赵敏")])
    issues = check(sheet)
    assert found(issues) == [("staff-id-number", "A4")]
    assert issues[0].severity == "warning" and issues[0].params["expected"] == "0102"
    assert "0102" in issues[0].message() and "文本" in issues[0].message()
    assert "Text" in issues[0].message("en")


def test_staff_numbers_without_zeros_anywhere_are_fine() -> None:
    # 1001, 1002 …: numbers that never had a leading zero are not second-guessed
    assert check(staff_sheet(person("17", "周杰"))) == []


def test_a_new_staff_list_against_the_zero_padded_one_in_the_ledger() -> None:
    class Stored(EmptyView):
        def staff_all(self) -> list[Record]:
            return [person("0101", "王芳"), person("0102", "李强")]

    sheet = make_sheet("花名册", "staff", STAFF_COLS, [person("101", "王芳"),
                                                      person("102", "李强")])
    issues = check_sheets([sheet], Stored(), SETTINGS, TODAY)
    assert [(i.code, i.params["expected"]) for i in issues] == [
        ("staff-id-number", "0101"), ("staff-id-number", "0102")]


@pytest.mark.parametrize(("received", "future"), [
    (datetime(2026, 10, 20, 23, 59, 59), False),
    (datetime(2026, 10, 21, 0, 0), True),  # midnight of tomorrow is tomorrow
    (date(2026, 10, 20), False),
    (date(2026, 10, 21), True),
])
def test_future_date_boundary_by_day(received: date, future: bool) -> None:
    comps = complaints_sheet(complaint("C001", received_at=received, resolved_at=None,
                                       status="处理中", resolution=None))
    assert found(check(staff_sheet(), comps)) == ([("future-date", "B3")] if future else [])
