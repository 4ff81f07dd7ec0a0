"""Rules against the staff list, linked complaints and the duty timeline (validate/cross.py),
through check_sheets, with an in-memory ledger."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import pytest

from officekit.model import Issue, Record, SheetResult
from officekit.settings import Settings, parse_settings
from officekit.validate.cross import shift_span
from officekit.validate.rules import check_sheets
from officekit.validate.view import EmptyView, LedgerView

TODAY = date(2026, 12, 31)


class MemoryView:
    """A ledger held in lists: what LedgerView promises, nothing more."""

    def __init__(self, staff: list[Record] | None = None,
                 complaints: list[Record] | None = None,
                 schedule: list[Record] | None = None) -> None:
        self.staff = staff or []
        self.complaints = {c["complaint_id"]: c for c in complaints or []}
        self.schedule = schedule or []
        self.asked: list[tuple[date, date]] = []

    def staff_all(self) -> list[Record]:
        return list(self.staff)

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        return {i: self.complaints[i] for i in ids if i in self.complaints}

    def schedule_between(self, start: date, end: date) -> list[Record]:
        self.asked.append((start, end))
        return [r for r in self.schedule if start <= r["date"] <= end]


def person(staff_id: str, name: str, status: str = "在职") -> Record:
    return {"staff_id": staff_id, "name": name, "department": "客服一部", "role": "客服专员",
            "status": status}


STAFF = [person("1001", "王芳"), person("1002", "李强"), person("1004", "张晓明")]


def make_sheet(name: str, kind: str, cols: list[tuple[str, str]], rows: list[Record], *,
               header_row: int = 2, **kw: Any) -> SheetResult:
    records = [{**r, "_sheet": name, "_row": header_row + 1 + n} for n, r in enumerate(rows)]
    return SheetResult(name, kind, rows=len(rows), header_row=header_row, records=records,
                       columns={n: h for n, (_, h) in enumerate(cols)},
                       field_cols={f: n for n, (f, _) in enumerate(cols)}, **kw)


# J 处理人, K 处理状态
COMPLAINT_COLS = [
    ("complaint_id", "投诉编号"), ("received_at", "受理时间"), ("channel", "受理渠道"),
    ("customer", "客户姓名"), ("customer_phone", "联系电话"), ("category", "投诉类别"),
    ("severity", "严重程度"), ("description", "投诉内容"), ("department", "责任部门"),
    ("handler", "处理人"), ("status", "处理状态"), ("resolved_at", "办结时间"),
    ("resolution", "处理结果"),
]
# B 回访时间, D 回访人, F 关联投诉编号
VISIT_COLS = [("visit_id", "回访编号"), ("visited_at", "回访时间"), ("customer", "客户姓名"),
              ("staff", "回访人"), ("method", "回访方式"), ("complaint_id", "关联投诉编号")]
# B 班次, C 工号, D 姓名
LONG_COLS = [("date", "日期"), ("shift", "班次"), ("staff_id", "工号"), ("staff_name", "姓名"),
             ("department", "部门")]


def complaint(cid: str, **over: Any) -> Record:
    base: Record = {
        "complaint_id": cid, "received_at": datetime(2026, 10, 5, 14, 0), "channel": "电话",
        "customer": "张先生", "customer_phone": None, "category": "服务态度", "severity": "一般",
        "description": "等候时间过长", "department": "客服一部", "handler_id": None,
        "handler_name": "王芳", "status": "处理中", "resolved_at": None, "resolution": None,
    }
    return {**base, **over}


def visit(cid: str | None = "C001", **over: Any) -> Record:
    base: Record = {"visit_id": None, "visited_at": datetime(2026, 10, 8, 10, 0),
                    "customer": "张先生", "staff_id": None, "staff_name": "李强",
                    "method": "电话", "complaint_id": cid}
    return {**base, **over}


def duty(day: int, shift: str, name: str | None = "王芳", staff_id: str | None = None,
         month: int = 11) -> Record:
    return {"date": date(2026, month, day), "shift": shift, "staff_id": staff_id,
            "staff_name": name, "department": "客服一部"}


def stored_duty(day: int, shift: str, staff_id: str, name: str) -> Record:
    return duty(day, shift, name, staff_id)


def long_schedule(*rows: Record, period: str | None = None) -> SheetResult:
    return make_sheet("值班表", "schedule", LONG_COLS, list(rows), layout="long", period=period)


def wide_schedule(people: list[tuple[str | None, str | None, dict[int, str]]], *,
                  days: int = 30, trailing: tuple[str, ...] = (), period: str = "2026-11",
                  header_row: int = 2) -> SheetResult:
    """The usual Excel 排班表: A 工号, B 姓名, C 部门, then one column per day (day 1 in D)."""
    year, month = (int(x) for x in period.split("-"))
    headers = ["工号", "姓名", "部门", *(str(d) for d in range(1, days + 1)), *trailing]
    records: list[Record] = []
    for n, (sid, name, shifts) in enumerate(people):
        for day, code in sorted(shifts.items()):
            records.append({"_sheet": "排班", "_row": header_row + 1 + n, "_col": 2 + day,
                            "staff_id": sid, "staff_name": name, "department": "客服一部",
                            "date": date(year, month, day), "shift": code, "post": None})
    return SheetResult("排班", "schedule", rows=len(people), header_row=header_row,
                       layout="wide", period=period, records=records,
                       columns=dict(enumerate(headers)),
                       field_cols={"staff_id": 0, "staff_name": 1, "department": 2})


def check(*sheets: SheetResult, view: LedgerView | None = None,
          settings: Settings | None = None) -> list[Issue]:
    return check_sheets(list(sheets), view if view is not None else MemoryView(STAFF),
                        settings or Settings(), TODAY)


def found(issues: list[Issue]) -> list[tuple[str, str | None]]:
    return [(i.code, i.cell) for i in issues]


def complaints(*rows: Record) -> SheetResult:
    return make_sheet("投诉登记", "complaints", COMPLAINT_COLS, list(rows))


def visits(*rows: Record) -> SheetResult:
    return make_sheet("回访记录", "visits", VISIT_COLS, list(rows))


# -------------------------------------------------------------------------------------------
# The staff list


def test_no_staff_list_is_one_warning_per_file() -> None:
    issues = check(complaints(complaint("C001"), complaint("C002", handler_name="不存在")),
                   visits(visit()), long_schedule(duty(3, "早")), view=EmptyView())
    assert [(i.code, i.sheet, i.cell, i.severity) for i in issues] == [
        ("no-staff-list", "投诉登记", None, "warning")]
    assert "还没有人员名单" in issues[0].message()


def test_no_staff_list_is_not_raised_when_nothing_names_a_person() -> None:
    duties = make_sheet("岗位职责", "duties", [("department", "部门"), ("role", "岗位")],
                        [{"department": "客服一部", "role": "客服专员", "duties": []}])
    assert check(duties, view=EmptyView()) == []


def test_a_staff_list_in_the_same_file_is_enough() -> None:
    staff = make_sheet("花名册", "staff", [("staff_id", "工号"), ("name", "姓名")],
                       [person("2001", "陈晨")])
    comps = complaints(complaint("C001", handler_name="陈晨"))
    assert check(staff, comps, view=EmptyView()) == []
    assert comps.records[0]["handler_id"] == "2001"


def test_the_files_staff_sheet_updates_the_ledgers_list() -> None:
    staff = make_sheet("花名册", "staff", [("staff_id", "工号"), ("name", "姓名")],
                       [person("2001", "陈晨"), person("1002", "李刚")])  # 1002 renamed
    comps = complaints(complaint("C001", handler_name="陈晨"),
                       complaint("C002", handler_name="王芳"),
                       complaint("C003", handler_name="李强"))
    issues = check(staff, comps)
    assert found(issues) == [("unknown-staff", "J5")]
    assert issues[0].params["suggestion"] == "李刚(1002)"  # the same 工号, renamed


def test_resolved_people_get_both_id_and_name() -> None:
    comps = complaints(complaint("C001", handler_name="王芳"),
                       complaint("C002", handler_name=None, handler_id="1002"),
                       complaint("C003", handler_name="张 晓明", handler_id="1004"))
    vis = visits(visit(staff_name=None, staff_id="1001"))
    sched = long_schedule(duty(3, "早", name=None, staff_id="1002"), duty(3, "早", name="王芳"))
    assert check(comps, vis, sched) == []
    assert [(r["handler_id"], r["handler_name"]) for r in comps.records] == [
        ("1001", "王芳"), ("1002", "李强"), ("1004", "张晓明")]
    assert (vis.records[0]["staff_id"], vis.records[0]["staff_name"]) == ("1001", "王芳")
    assert [(r["staff_id"], r["staff_name"]) for r in sched.records] == [
        ("1002", "李强"), ("1001", "王芳")]


def test_unknown_staff_suggests_the_nearest_name() -> None:
    comps = complaints(complaint("C001"), complaint("C002", handler_name="王方"),
                       complaint("C003", handler_name="赵云"))
    issues = check(comps)
    assert found(issues) == [("unknown-staff", "J4"), ("unknown-staff", "J5")]
    assert issues[0].severity == "error"
    assert issues[0].value == "王方"
    assert issues[0].params == {"suggestion": "王芳(1001)"}
    assert issues[0].message() == (
        "第 4 行“处理人”中的“王方”不在人员名单中。是否应为“王芳(1001)”？"
        "请核对姓名或工号；如果是新同事，请先在人员名单（花名册）中登记。")
    assert "是否应为" not in issues[1].message()
    assert "Did you mean" not in issues[1].message("en")


def test_unknown_staff_id() -> None:
    comps = complaints(complaint("C001", handler_name=None, handler_id="1099"),
                       complaint("C002", handler_name="王芳", handler_id="1099"))
    issues = check(comps)
    assert found(issues) == [("unknown-staff", "J3"), ("unknown-staff", "J4")]
    assert issues[0].value == "1099"
    assert issues[1].value == "王芳(1099)"
    assert issues[1].params == {"suggestion": "王芳(1001)"}


def test_id_and_name_of_different_people_is_a_staff_mismatch() -> None:
    comps = complaints(complaint("C001", handler_name="王芳", handler_id="1002"))
    [issue] = check(comps)
    assert (issue.code, issue.cell, issue.severity) == ("staff-mismatch", "J3", "error")
    assert issue.message() == (
        "第 3 行“处理人”：工号 1002 在人员名单中是“李强”，不是“王芳”。"
        "请改正工号或姓名，可写成“姓名(工号)”，如“李强(1002)”。")
    assert comps.records[0]["handler_id"] == "1002"  # left as written


def test_a_shared_name_without_id_is_ambiguous_and_an_id_settles_it() -> None:
    view = MemoryView([*STAFF, person("1003", "王芳", status="离职")])
    comps = complaints(complaint("C001"), complaint("C002", handler_id="1003"))
    issues = check(comps, view=view)
    assert found(issues) == [("ambiguous-staff", "J3")]
    assert issues[0].params == {"candidates": ["王芳(1001)", "王芳(1003)"],
                                "example": "王芳(1001)"}
    assert issues[0].message() == (
        "第 3 行“处理人”：人员名单中有不止一人叫“王芳”（王芳(1001)、王芳(1003)），"
        "无法确定是哪一位。请写明工号，如“王芳(1001)”。")
    assert "(王芳(1001), 王芳(1003))" in issues[0].message("en")
    assert comps.records[1]["handler_name"] == "王芳"


def test_schedule_people_go_on_the_id_cell_when_given_else_the_name_cell() -> None:
    sched = long_schedule(duty(3, "早", name="王芳", staff_id="1002"),  # mismatch → C3
                          duty(4, "早", name="赵云"),  # unknown → D4
                          duty(5, "早", name=None, staff_id="9999"))  # unknown → C5
    assert found(check(sched)) == [("staff-mismatch", "C3"), ("unknown-staff", "D4"),
                                   ("unknown-staff", "C5")]


def test_wide_schedule_reports_an_unknown_person_once_per_row() -> None:
    sched = wide_schedule([("1001", "王芳", {1: "早", 2: "早"}),
                           (None, "赵云", {1: "中", 2: "中", 3: "休"})])
    issues = check(sched)
    assert found(issues) == [("unknown-staff", "B4")]
    assert issues[0].column == "姓名"


# -------------------------------------------------------------------------------------------
# Complaints and visits


def test_a_visit_naming_an_unknown_complaint_is_a_warning() -> None:
    view = MemoryView(STAFF, complaints=[complaint("C001")])
    issues = check(complaints(complaint("C002")),
                   visits(visit("C001"), visit("C002"), visit("C999"), visit(None)), view=view)
    assert found(issues) == [("unknown-complaint", "F5")]
    assert issues[0].severity == "warning"
    assert issues[0].message() == (
        "第 5 行“关联投诉编号”中的投诉“C999”在投诉登记中还没有记录。回访照常保存，"
        "待该投诉导入后会自动关联；如果编号写错，请改正。")


@pytest.mark.parametrize(("visited", "expected"), [
    (datetime(2026, 10, 4, 18, 0), [("date-order", "B3")]),
    (datetime(2026, 10, 5, 9, 0), []),  # the complaint's day, before its hour: fine
    (datetime(2026, 10, 5, 0, 0), []),
    (datetime(2026, 10, 9, 9, 0), []),
])
def test_a_visit_before_its_complaint_from_the_ledger(visited: datetime,
                                                      expected: list[tuple[str, str]]) -> None:
    view = MemoryView(STAFF, complaints=[complaint("C001")])
    assert found(check(visits(visit("C001", visited_at=visited)), view=view)) == expected


def test_a_visit_before_its_complaint_in_the_same_file_which_wins_over_the_ledger() -> None:
    view = MemoryView(STAFF, complaints=[complaint("C001", received_at=datetime(2026, 10, 1))])
    comps = complaints(complaint("C001"))  # received 10-05 14:00 now
    issues = check(comps, visits(visit("C001", visited_at=datetime(2026, 10, 3, 10, 0))),
                   view=view)
    assert [(i.sheet, i.code, i.cell, i.severity) for i in issues] == [
        ("回访记录", "date-order", "B3", "error")]
    assert issues[0].message() == (
        "第 3 行“回访时间”早于关联投诉“C001”的受理时间（2026-10-03 早于 2026-10-05 14:00），"
        "回访不能在投诉受理之前。请核对回访时间和关联投诉编号。")


def test_a_closed_complaint_reopened_is_a_status_regression_warning() -> None:
    view = MemoryView(STAFF, complaints=[
        complaint("C001", status="已办结", resolved_at=datetime(2026, 10, 6)),
        complaint("C002", status="已办结", resolved_at=datetime(2026, 10, 6)),
        complaint("C003", status="处理中"),
    ])
    comps = complaints(complaint("C001", status="处理中"),
                       complaint("C002", status="已办结", resolved_at=datetime(2026, 10, 6),
                                 resolution="已解决"),
                       complaint("C003", status="待处理"),
                       complaint("C004", status="待处理"))
    issues = check(comps, view=view)
    assert found(issues) == [("status-regression", "K3")]
    assert issues[0].severity == "warning"
    assert issues[0].message() == (
        "第 3 行投诉“C001”在台账中已是“已办结”，本表却写作“处理中”。"
        "如果确实重新处理，可忽略此提示；否则请把处理状态改回“已办结”。")


# -------------------------------------------------------------------------------------------
# The duty timeline


def test_night_shift_is_the_night_after_its_date() -> None:
    night = Settings().shifts["夜"]
    assert shift_span(date(2026, 11, 3), night) == (datetime(2026, 11, 4, 0, 0),
                                                    datetime(2026, 11, 4, 8, 0))
    late = Settings().shifts["晚"]
    assert shift_span(date(2026, 11, 3), late) == (datetime(2026, 11, 3, 16, 0),
                                                   datetime(2026, 11, 4, 0, 0))
    assert shift_span(date(2026, 11, 3), Settings().shifts["休"]) is None


def test_overlapping_shifts_of_one_person_clash() -> None:
    sched = long_schedule(duty(3, "早"), duty(3, "休", name="李强"), duty(3, "中"),
                          duty(3, "早", name="李强"))
    issues = check(sched)
    assert found(issues) == [("schedule-clash", "B5")]
    assert issues[0].severity == "error"
    assert issues[0].message() == (
        "王芳(1001) 2026-11-03 的“中班”（12:00–20:00）与 2026-11-03 的“早班”（08:00–16:00）"
        "时间重叠，同一人不能同时上两个班。"
        "请调整其中一个班次（另一个在工作表“值班表”的 B3 单元格）。")


@pytest.mark.parametrize(("rows", "expected"), [
    # 晚班 16:00–24:00 then 夜班 00:00–08:00 the next day: no clash, a normal rotation
    ([duty(3, "晚"), duty(4, "夜")], []),
    # 晚班 and 夜班 of the same date: back to back (no clash), 16 hours on duty: rest-rule
    ([duty(3, "晚"), duty(3, "夜")], [("rest-rule", "B4")]),
    # 夜班 followed by 早班 the next day (SPEC's example): 0 hours of rest
    ([duty(3, "夜"), duty(4, "早")], [("rest-rule", "B4")]),
    # 早班 and that night's 夜班: exactly 8 hours between them is enough
    ([duty(3, "早"), duty(3, "夜")], []),
    # 中班 ends 20:00, that night's 夜班 begins 00:00: 4 hours
    ([duty(3, "夜"), duty(3, "中")], [("rest-rule", "B3")]),
    # the same duty written twice is no clash (the ledger keeps one), only a repeated row
    ([duty(3, "早"), duty(3, "早")], [("duplicate-row", "A4")]),
    # 白班 08:30–17:30 overlaps 早班 08:00–16:00
    ([duty(3, "白"), duty(3, "早")], [("schedule-clash", "B3")]),
])
def test_clash_and_rest_boundaries(rows: list[Record], expected: list[tuple[str, str]]) -> None:
    assert found(check(long_schedule(*rows))) == expected


def test_rest_rule_message_and_severity() -> None:
    [issue] = check(long_schedule(duty(3, "夜"), duty(4, "早")))
    assert issue.severity == "warning"
    assert issue.message() == (
        "王芳(1001) 2026-11-03“夜班”下班后，到 2026-11-04“早班”上班只隔 0 小时，"
        "少于 8 小时的休息时间。请调整排班，让两个班次之间有足够休息"
        "（另一个班次在工作表“值班表”的 B3 单元格）。")


def test_rest_rule_against_the_ledger() -> None:
    view = MemoryView(STAFF, schedule=[stored_duty(2, "夜", "1001", "王芳")])
    issues = check(long_schedule(duty(3, "早"), duty(3, "早", name="李强")), view=view)
    assert found(issues) == [("rest-rule", "B3")]
    assert issues[0].params["variant"] == "ledger"
    assert "台账中已入库" in issues[0].message()
    assert view.asked == [(date(2026, 11, 2), date(2026, 11, 4))]


def test_a_clash_with_the_ledger_across_midnight() -> None:
    settings = parse_settings({"shifts": {"大": {"name": "大夜班", "start": "22:00",
                                                "end": "06:00"},
                                          "晨": {"name": "晨班", "start": "05:00",
                                                "end": "13:00"}}})
    view = MemoryView(STAFF, schedule=[stored_duty(2, "大", "1001", "王芳"),
                                       stored_duty(2, "大", "1002", "李强"),
                                       stored_duty(2, "中", "1002", "李强")])  # both stored
    issues = check(long_schedule(duty(3, "晨")), view=view, settings=settings)
    assert [(i.code, i.cell, i.params.get("variant")) for i in issues] == [
        ("schedule-clash", "B3", "ledger")]
    assert issues[0].message() == (
        "王芳(1001) 2026-11-03 的“晨班”（05:00–13:00）与台账中已入库的 2026-11-02“大夜班”"
        "（22:00–06:00）时间重叠，同一人不能同时上两个班。请调整本表的班次；如需改动已入库的排班，"
        "请在本文件中一并给出此人 2026-11-02 的排班。")


def test_the_file_replaces_the_ledgers_duties_of_the_people_and_dates_it_covers() -> None:
    view = MemoryView(STAFF, schedule=[stored_duty(3, "中", "1001", "王芳"),
                                       stored_duty(3, "中", "1002", "李强")])
    assert check(long_schedule(duty(3, "早"), duty(3, "休", name="李强")), view=view) == []


def test_a_wide_schedule_clash_is_on_the_days_cell() -> None:
    sched = wide_schedule([("1001", "王芳", {3: "早", 4: "早"}),
                           ("1002", "李强", {3: "早"}),
                           ("1001", "王芳", {3: "中"})])
    issues = check(sched)
    assert found(issues) == [("schedule-clash", "F5")]
    assert issues[0].column == "3"
    assert issues[0].params["other_cell"] == "F3"


def test_uncovered_shifts_on_the_days_header_cell() -> None:
    settings = parse_settings({"coverage": {"required": ["早", "夜"]}})
    early = {d: "早" for d in range(1, 16) if d not in (5, 10)}
    night = {d: "夜" for d in range(1, 16) if d != 10}
    # a half-month sheet: days 1–15, then a 备注 column; the 10th is empty for everyone
    sched = wide_schedule([("1001", "王芳", early), ("1002", "李强", night)], days=15,
                          trailing=("备注",))
    view = MemoryView(STAFF, schedule=[stored_duty(20, "早", "1004", "张晓明")])
    issues = check(sched, view=view, settings=settings)
    assert [(i.code, i.cell, i.params["date"], i.params["shift"]) for i in issues] == [
        ("uncovered-shift", "H2", "2026-11-05", "早"),
        ("uncovered-shift", "M2", "2026-11-10", "早"),
        ("uncovered-shift", "M2", "2026-11-10", "夜"),
    ]
    assert issues[0].severity == "warning"
    assert issues[0].column == "5"
    assert issues[0].message() == (
        "2026-11-05 的“早班”（08:00–16:00）没有安排任何人，按设置每天都必须有人值这个班。"
        "请安排值班人员。")


def test_uncovered_shift_counts_the_ledgers_other_people() -> None:
    settings = parse_settings({"coverage": {"required": ["早"]}})
    sched = wide_schedule([("1001", "王芳", {1: "早", 2: "休", 3: "早"})], days=3)
    view = MemoryView(STAFF, schedule=[stored_duty(2, "早", "1004", "张晓明"),
                                       stored_duty(3, "休", "1004", "张晓明")])
    assert check(sched, view=view, settings=settings) == []
    view = MemoryView(STAFF, schedule=[stored_duty(2, "早", "1001", "王芳")])  # replaced
    assert found(check(sched, view=view, settings=settings)) == [("uncovered-shift", "E2")]


def test_uncovered_shift_in_the_long_layout_has_no_cell() -> None:
    settings = parse_settings({"coverage": {"required": ["早", "夜"]}})
    sched = long_schedule(duty(1, "早"), duty(1, "夜", name="李强"), duty(3, "早"),
                          duty(3, "夜", name="李强"))
    issues = check(sched, settings=settings)
    assert [(i.code, i.sheet, i.row, i.cell, i.params["date"]) for i in issues] == [
        ("uncovered-shift", "值班表", None, None, "2026-11-02"),
        ("uncovered-shift", "值班表", None, None, "2026-11-02"),
    ]
    # a sheet that names its month covers the whole month
    sched = long_schedule(*(duty(d, c, name=n) for d in range(1, 31)
                            for c, n in (("早", "王芳"), ("夜", "李强")) if d != 30),
                          period="2026-11")
    assert [i.params["date"] for i in check(sched, settings=settings)] == [
        "2026-11-30", "2026-11-30"]
