"""Sheet → kind → records with parse-level issues (understand_workbook, SPEC §3/§4)."""

from __future__ import annotations

import gc
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from officekit.model import Issue, SheetResult
from officekit.read import RawSheet, Workbook
from officekit.settings import Settings, parse_settings
from officekit.understand import classify
from officekit.understand.classify import (
    detect_period,
    gc_paused,
    understand_sheet,
    understand_workbook,
)

SETTINGS = Settings()

COMPLAINT_HEADER = ["投诉编号", "受理时间", "受理渠道", "客户姓名", "联系电话", "投诉类别",
                    "严重程度", "投诉内容", "责任部门", "处理人", "处理状态", "办结时间",
                    "处理结果", "满意度"]


def complaint(n: int, **changes: Any) -> list[Any]:
    row: dict[str, Any] = {
        "投诉编号": f"TS2026{n:04d}", "受理时间": datetime(2026, 10, 3, 9, 30),
        "受理渠道": "电话", "客户姓名": "王先生", "联系电话": 13812345678.0,
        "投诉类别": "服务态度", "严重程度": "一般", "投诉内容": "营业厅排队时间过长",
        "责任部门": "客服一部", "处理人": "张三(1001)", "处理状态": "已办结",
        "办结时间": datetime(2026, 10, 4, 16, 0), "处理结果": "已致电道歉", "满意度": "满意",
    }
    row.update(changes)
    return [row[h] for h in COMPLAINT_HEADER]


def one(sheet: RawSheet, file_name: str = "登记.xlsx", settings: Settings = SETTINGS
        ) -> tuple[SheetResult, list[Issue]]:
    return understand_sheet(sheet, settings, file_name)


def codes(issues: list[Issue]) -> list[tuple[str, str, str | None]]:
    """(severity, code, cell) of each issue, for compact assertions."""
    return [(i.severity, i.code, i.cell) for i in issues]


# --------------------------------------------------------------------------------------------
# Each kind


def test_complaints_register_with_title_and_every_field() -> None:
    rows = [["2026年10月投诉登记表"], [], COMPLAINT_HEADER, complaint(1),
            complaint(2, 受理渠道="热线", 严重程度=None, 处理人="1002", 处理状态="跟进中",
                      办结时间=None, 处理结果=None, 满意度=None, 受理时间="10月5日 14:30")]
    result, issues = one(RawSheet("投诉登记", rows, merged=[(0, 0, 0, 13)]))
    assert issues == []
    assert (result.kind, result.header_row, result.rows, result.period) == \
        ("complaints", 3, 2, "2026-10")
    assert result.records[0] == {
        "_sheet": "投诉登记", "_row": 4, "complaint_id": "TS20260001",
        "received_at": datetime(2026, 10, 3, 9, 30), "channel": "电话", "customer": "王先生",
        "customer_phone": "13812345678", "category": "服务态度", "severity": "一般",
        "description": "营业厅排队时间过长", "department": "客服一部", "handler_id": "1001",
        "handler_name": "张三", "status": "已办结", "resolved_at": datetime(2026, 10, 4, 16, 0),
        "resolution": "已致电道歉", "satisfaction": 4,
    }
    second = result.records[1]
    assert second["_row"] == 5
    assert second["received_at"] == datetime(2026, 10, 5, 14, 30)  # year from the title
    assert second["severity"] == "一般"  # default
    assert (second["handler_id"], second["handler_name"]) == ("1002", None)
    assert second["status"] == "处理中"
    assert result.columns[0] == "投诉编号"
    assert result.field_cols["handler"] == result.field_cols["handler_id"] == 9


def test_staff_list() -> None:
    rows = [["工号", "姓 名", "部门*", "岗位", "上级工号", "手机", "邮箱", "入职日期", "状态"],
            ["0012", "张三", "客服一部", "客服专员", 1001.0, 13812345678.0, "zs@example.com",
             date(2020, 3, 1), None],
            [1002.0, "李四", "客服一部", "班长", None, None, None, "2019/7/1", "已离职"]]
    result, issues = one(RawSheet("花名册", rows))
    assert issues == []
    assert result.kind == "staff"
    assert result.records == [
        {"_sheet": "花名册", "_row": 2, "staff_id": "0012", "name": "张三",
         "department": "客服一部", "role": "客服专员", "manager_id": "1001",
         "phone": "13812345678", "email": "zs@example.com", "hired_on": date(2020, 3, 1),
         "status": "在职"},
        {"_sheet": "花名册", "_row": 3, "staff_id": "1002", "name": "李四",
         "department": "客服一部", "role": "班长", "manager_id": None, "phone": None,
         "email": None, "hired_on": date(2019, 7, 1), "status": "离职"},
    ]


def test_visits_log_with_defaults() -> None:
    rows = [["回访时间", "客户", "电话", "回访人", "回访方式", "关联投诉编号", "满意度", "备注"],
            [datetime(2026, 10, 8, 10), "王先生", "13812345678", "张三", "电话", "TS20260001",
             "非常满意", "满意"],
            ["2026.10.9 9:00", "赵女士", None, "李四(1002)", "面访", None, "3分", None]]
    result, issues = one(RawSheet("回访记录", rows))
    assert issues == []
    assert result.kind == "visits"
    first, second = result.records
    assert first == {"_sheet": "回访记录", "_row": 2, "visit_id": None,
                     "visited_at": datetime(2026, 10, 8, 10), "customer": "王先生",
                     "customer_phone": "13812345678", "staff_id": None, "staff_name": "张三",
                     "method": "电话", "purpose": "投诉回访", "complaint_id": "TS20260001",
                     "reached": True, "satisfaction": 5, "feedback": "满意"}
    assert (second["method"], second["purpose"], second["reached"]) == ("上门", "日常回访", True)
    assert (second["staff_id"], second["staff_name"]) == ("1002", "李四")


def test_duties_one_role_per_row_with_numbered_cells() -> None:
    rows = [["部门", "岗位", "直属上级", "岗位目的", "岗位职责", "任职要求"],
            ["客服一部", "客服专员", "班长", "受理客户诉求",
             "1、接听来电\n2、处理投诉\n(1) 当日受理\n(2) 按时回访", "1. 大专以上\n2. 普通话标准"]]
    result, issues = one(RawSheet("岗位职责", rows))
    assert issues == []
    assert result.kind == "duties"
    assert result.records == [{
        "_sheet": "岗位职责", "_row": 2, "department": "客服一部", "role": "客服专员",
        "reports_to": "班长", "purpose": "受理客户诉求",
        "duties": [{"text": "接听来电", "children": []},
                   {"text": "处理投诉", "children": [{"text": "当日受理", "children": []},
                                                 {"text": "按时回访", "children": []}]}],
        "requirements": [{"text": "大专以上", "children": []},
                         {"text": "普通话标准", "children": []}],
        "seq": None,
    }]


def test_duties_with_seq_column_one_item_per_row() -> None:
    rows = [["部门", "岗位", "序号", "岗位职责", "任职要求"],
            ["客服一部", "客服专员", 1, "接听来电", "1、大专以上\n2、普通话标准"],
            [None, None, 2, "处理投诉\n(1)当日受理\n(2)按时回访", None],
            ["客服一部", "客服专员", 3, "完成交办工作", None],
            ["客服一部", "班长", 1, "排班", None],
            [None, None, 2, "质检", None]]
    # department/role merged down for the first role; left blank ("same as above") for the other
    sheet = RawSheet("职责", rows, merged=[(1, 0, 3, 0), (1, 1, 3, 1), (1, 4, 3, 4)])
    result, issues = one(sheet)
    assert issues == []
    assert result.rows == 5
    clerk, lead = result.records
    assert (clerk["_row"], clerk["role"], lead["_row"], lead["role"]) == (2, "客服专员", 5, "班长")
    assert clerk["duties"] == [
        {"text": "接听来电", "children": []},
        {"text": "处理投诉", "children": [{"text": "当日受理", "children": []},
                                      {"text": "按时回访", "children": []}]},
        {"text": "完成交办工作", "children": []},
    ]
    assert [i["text"] for i in clerk["requirements"]] == ["大专以上", "普通话标准"]
    assert [i["text"] for i in lead["duties"]] == ["排班", "质检"]
    assert lead["department"] == "客服一部"


def test_duties_seq_column_as_a_mere_row_counter() -> None:
    rows = [["序号", "部门", "岗位", "岗位职责"],
            [1, "客服一部", "客服专员", "1、接听来电\n2、登记工单"],
            [2, "客服一部", "班长", "1、排班\n2、质检"]]
    result, _ = one(RawSheet("职责", rows))
    assert [[i["text"] for i in r["duties"]] for r in result.records] == [
        ["接听来电", "登记工单"], ["排班", "质检"]]


def test_long_schedule() -> None:
    rows = [["值班日期", "班次", "工号", "姓名", "部门", "值班岗位"],
            ["2026-10-01", "早班", 1001.0, "张三", "客服一部", "值班经理"],
            [date(2026, 10, 2), "夜", None, "李四", None, None]]
    result, issues = one(RawSheet("值班表", rows))
    assert issues == []
    assert (result.kind, result.layout) == ("schedule", "long")
    assert result.records == [
        {"_sheet": "值班表", "_row": 2, "date": date(2026, 10, 1), "shift": "早",
         "staff_id": "1001", "staff_name": "张三", "department": "客服一部", "post": "值班经理"},
        {"_sheet": "值班表", "_row": 3, "date": date(2026, 10, 2), "shift": "夜",
         "staff_id": None, "staff_name": "李四", "department": None, "post": None},
    ]


# --------------------------------------------------------------------------------------------
# Workbooks


def test_several_kinds_in_one_workbook_and_unknown_sheets_skipped() -> None:
    wb = Workbook("f.xlsx", "xlsx", [
        RawSheet("填表说明", [["说明"], ["请按模板填写，不要改动表头。"]]),
        RawSheet("花名册", [["工号", "姓名", "部门", "岗位"],
                         ["1001", "张三", "客服一部", "专员"]]),
        RawSheet("投诉", [COMPLAINT_HEADER, complaint(1)], visible=False),
        RawSheet("空白", [[], [None, None]]),
        RawSheet("汇总", [["部门", "姓名", "工号", "投诉量"], ["客服一部", "张三", "1001", 3]]),
    ])
    results, issues = understand_workbook(wb, SETTINGS, "2026年10月.xlsx")
    assert [(r.name, r.kind) for r in results] == [
        ("填表说明", None), ("花名册", "staff"), ("投诉", "complaints"), ("空白", None),
        ("汇总", None)]
    assert results[2].rows == 1  # a hidden sheet of a known kind is still read
    skipped = [(i.severity, i.code, i.sheet) for i in issues]
    assert skipped == [("info", "skipped-sheet", "填表说明"), ("info", "skipped-sheet", "空白"),
                       ("info", "skipped-sheet", "汇总")]
    assert results[3].note == "empty" and results[0].note == "unknown-header"
    assert issues[1].params["reason"] == "空工作表"


def test_workbook_without_a_known_sheet_is_an_error() -> None:
    wb = Workbook("f.xlsx", "xlsx", [RawSheet("Sheet1", [["a", "b"], [1, 2]]),
                                     RawSheet("Sheet2", [])])
    results, issues = understand_workbook(wb, SETTINGS, "f.xlsx")
    assert all(r.kind is None for r in results)
    assert [(i.severity, i.code) for i in issues][-1] == ("error", "no-known-sheet")
    assert issues[-1].params["sheets"] == "Sheet1、Sheet2"


def test_partial_header_with_a_name_hint_is_recognised_and_reported() -> None:
    rows = [["编号", "时间", "客户", "内容"], ["TS1", "2026-10-01", "王", "x"]]
    result, issues = one(RawSheet("投诉登记", rows))
    assert result.kind == "complaints"
    missing = [i.params["expected"] for i in issues if i.code == "missing-column"]
    assert missing == ["受理时间", "受理渠道", "投诉类别", "处理人", "处理状态"]
    time_issue = next(i for i in issues if i.params.get("expected") == "受理时间")
    assert time_issue.params["nearest"] == "时间"
    # without the hint, 3 of 8 required columns is not enough to call it a register
    result, issues = one(RawSheet("Sheet1", rows), file_name="data.xlsx")
    assert result.kind is None


def test_kind_ties_broken_by_sheet_name() -> None:
    header = ["部门", "岗位", "岗位职责", "工号", "姓名"]  # complete for staff and duties
    rows = [header, ["客服一部", "专员", "接听来电", "1001", "张三"]]
    assert one(RawSheet("岗位职责", rows))[0].kind == "duties"
    assert one(RawSheet("人员", rows))[0].kind == "staff"


# --------------------------------------------------------------------------------------------
# Rows and issues


def test_blank_total_and_footer_rows_are_skipped() -> None:
    rows = [COMPLAINT_HEADER, complaint(1), [None] * 14, ["  ", None], complaint(2),
            ["合计", None, None, 2], [], ["制表人：张三"], [None] * 3]
    result, issues = one(RawSheet("投诉", rows))
    assert issues == []
    assert [r["_row"] for r in result.records] == [2, 5]
    assert result.rows == 2


def test_merged_cells_in_data_apply_to_every_row() -> None:
    rows = [COMPLAINT_HEADER, complaint(1), complaint(2, 责任部门=None)]
    result, _ = one(RawSheet("投诉", rows, merged=[(1, 8, 2, 8)]))
    assert [r["department"] for r in result.records] == ["客服一部", "客服一部"]


def test_cell_issues_carry_their_exact_cell() -> None:
    rows = [["2026年10月投诉登记表"], COMPLAINT_HEADER,
            complaint(1),
            complaint(2, 受理渠道="传真", 联系电话=12345678.0),  # row 4: enum C4, phone E4
            complaint(3, 客户姓名=None, 受理时间="昨天"),  # row 5: required D5, type B5
            complaint(4, 处理状态="已完结", 满意度="很好", 处理人=None)]  # row 6
    result, issues = one(RawSheet("投诉", rows))
    assert codes(issues) == [
        ("error", "enum", "C4"), ("warning", "phone-format", "E4"), ("error", "type", "B5"),
        ("error", "required", "D5"), ("error", "required", "J6"), ("error", "enum", "K6"),
        ("error", "type", "N6"),
    ]
    by_cell = {i.cell: i for i in issues}
    enum = by_cell["K6"]
    assert (enum.sheet, enum.row, enum.col, enum.column, enum.field, enum.value) == \
        ("投诉", 6, 10, "处理状态", "status", "已完结")
    assert enum.params["suggestion"] == "已办结"
    assert by_cell["E4"].value == "12345678"
    assert result.records[1]["customer_phone"] == "12345678"  # a warning keeps the value
    assert by_cell["B5"].params["expected"] == "日期时间"
    assert (by_cell["D5"].column, by_cell["D5"].field) == ("客户姓名", "customer")
    assert by_cell["J6"].field == "handler"


def test_a_bad_value_is_not_also_reported_as_required() -> None:
    rows = [COMPLAINT_HEADER, complaint(1, 受理渠道="传真")]
    _, issues = one(RawSheet("投诉", rows))
    assert codes(issues) == [("error", "enum", "C2")]


def test_hidden_rows_and_formulas_without_cached_values() -> None:
    rows = [[*COMPLAINT_HEADER, "小计"], complaint(1), complaint(2), complaint(3), [],
            complaint(5), ["合计"]]
    # formulas in the header, in an extra column and in the total line are not read
    formulas = {(6, 13), (1, 0), (2, 14), (7, 3)}
    sheet = RawSheet("投诉", rows, hidden_rows={3, 4, 5, 30}, formula_no_cache=formulas)
    _, issues = one(sheet)
    assert codes(issues) == [("warning", "extra-column", "O1"),
                             ("warning", "hidden-rows", "A3"),
                             ("warning", "formula-no-cache", "N6")]
    _, hidden, formula = issues
    assert hidden.params["rows"] == "3、4"  # rows with data only
    assert (formula.column, formula.field) == ("满意度", "satisfaction")


def test_header_issues_in_a_sheet() -> None:
    header = [*COMPLAINT_HEADER[:2], "渠道", *COMPLAINT_HEADER[3:], "受理渠道", "备用"]
    header[5] = "问题分类"  # not an alias of 投诉类别
    rows = [["标题"], header, [*complaint(1), "电话", None]]
    result, issues = one(RawSheet("投诉", rows))
    assert result.kind == "complaints"
    assert codes(issues) == [("error", "missing-column", None),
                             ("error", "duplicate-column", "O2"),
                             ("warning", "extra-column", "F2"),
                             ("warning", "extra-column", "P2")]
    assert issues[0].params["nearest"] == "问题分类"
    assert issues[1].params["first"] == "渠道"


def test_office_aliases_and_enum_settings_apply() -> None:
    settings = parse_settings({"aliases": {"complaints": {"complaint_id": ["单据号"]}},
                               "enums": {"channel": {"synonyms": {"传真": "其他"}}}})
    header = ["单据号", *COMPLAINT_HEADER[1:]]
    rows = [header, complaint(1, 受理渠道="传真")]
    result, issues = one(RawSheet("投诉", rows), settings=settings)
    assert issues == []
    assert result.records[0]["channel"] == "其他"


@pytest.mark.parametrize(("texts", "period"), [
    (["2026年10月投诉登记表", "Sheet1", "x"], (2026, 10)),
    (["投诉登记表", "2026-10", "x"], (2026, 10)),
    (["投诉登记表", "Sheet1", "投诉_202610"], (2026, 10)),
    (["投诉登记表", "Sheet1", "export_20261015_0930"], (2026, 10)),
    (["10月投诉登记表", "Sheet1", "2026年投诉"], (2026, 10)),
    (["投诉登记表", "10月", "2026年"], (2026, 10)),
    (["２０２６年１０月"], (2026, 10)),
    (["2026 年 9 月"], (2026, 9)),
    (["投诉登记表", "Sheet1", "投诉"], (None, None)),
    (["10月"], (None, 10)),
    (["2026年第四季度"], (2026, None)),
])
def test_detect_period(texts: list[str], period: tuple[int | None, int | None]) -> None:
    assert detect_period(texts) == period


def test_period_from_file_name_completes_month_day_dates() -> None:
    rows = [COMPLAINT_HEADER, complaint(1, 受理时间="10月3日 9:00", 办结时间="10月4日")]
    result, issues = one(RawSheet("Sheet1", rows), file_name="2026年10月投诉.xlsx")
    assert issues == []
    assert result.period == "2026-10"
    assert result.records[0]["received_at"] == datetime(2026, 10, 3, 9, 0)


def test_month_day_dates_without_any_year_are_type_errors() -> None:
    rows = [COMPLAINT_HEADER, complaint(1, 受理时间="10月3日")]
    _, issues = one(RawSheet("Sheet1", rows), file_name="投诉.xlsx")
    assert codes(issues) == [("error", "type", "B2")]
    assert "年份" in issues[0].params["hint"]


def test_real_xlsx_read_by_calamine(tmp_path: Path) -> None:
    """Values exactly as python-calamine returns them from an Excel-made file."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    path = tmp_path / "2026年10月投诉登记表.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("投诉登记")
    title = wb.add_format({"bold": True})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.merge_range(0, 0, 0, 13, "2026年10月投诉登记表", title)
    ws.write_row(1, 0, COMPLAINT_HEADER)
    for r, n in ((2, 1), (3, 2)):
        values = complaint(n)
        for c, v in enumerate(values):
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, when)
            else:
                ws.write(r, c, v)
    ws.write_number(3, 13, 3)
    wb.close()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("投诉登记").to_python(
        skip_empty_area=False)
    result, issues = one(RawSheet("投诉登记", rows), file_name=path.name)
    assert issues == []
    assert (result.header_row, result.period, result.rows) == (2, "2026-10", 2)
    rec = result.records[1]
    assert rec["complaint_id"] == "TS20260002"
    assert rec["received_at"] == datetime(2026, 10, 3, 9, 30)
    assert rec["customer_phone"] == "13812345678"
    assert rec["satisfaction"] == 3


def test_a_long_sheet_with_rows_ending_early_reads_every_cell() -> None:
    # more rows than the reader's transposition takes at once; the reader leaves out the
    # trailing empty cells of a row (rows 1000-2199 all end early), and one row has a stray
    # note beyond the header
    rows: list[list[Any]] = [COMPLAINT_HEADER]
    for n in range(1, 2600):
        rated = n % 3 == 0 and not 1000 <= n < 2200
        row = complaint(n, 满意度="满意" if rated else None)
        rows.append(row if rated else row[:13])
    rows[300] = [*rows[300], None, "备注：已回访"]
    rows[2000] = rows[2000][:9]  # 处理人 and everything after it left empty
    result, issues = one(RawSheet("投诉", rows))
    assert codes(issues) == [("error", "required", "J2001"), ("error", "required", "K2001")]
    assert len(result.records) == 2599
    assert [r["satisfaction"] for r in result.records[:6]] == [None, None, 4, None, None, 4]
    boundary = result.records[1023:1026]
    assert [(r["_row"], r["complaint_id"]) for r in boundary] == [
        (1025, "TS20261024"), (1026, "TS20261025"), (1027, "TS20261026")]
    assert (result.records[299]["handler_name"], result.records[1498]["handler_name"]) == (
        "张三", "张三")
    assert result.records[1999]["resolved_at"] is None
    assert [r["satisfaction"] for r in result.records[2196:2202]] == [
        None, None, None, None, None, 4]  # rows 2198-2203: 3 × 734 = 2202 is rated again
    assert result.records[-1]["received_at"] == datetime(2026, 10, 3, 9, 30)


@pytest.mark.parametrize("block", [1, 2, 3, 5])
def test_rows_read_block_by_block_give_what_one_block_gives(
        block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # read_records parses a block of rows at a time: whatever falls on a block's edge (an
    # empty row, a total line, a bad cell, a blank required cell, a short row, a person not
    # written the way the others are) reads and is reported as with one block for all
    rows = [["2026年10月投诉登记表"], COMPLAINT_HEADER,
            complaint(1), [None] * 14, complaint(2, 受理时间="昨天", 受理渠道="传真"),
            ["合计", None, 2], complaint(3)[:9], complaint(4, 处理人="李四"),
            complaint(5, 处理人=None, 处理状态="已完结"), [],
            complaint(6, 客户姓名="  ", 受理时间="2026年10月5日 下午2:30"),
            complaint(7, 联系电话="１３８１２３４５６７８", 严重程度=None),
            ["制表人：张三"], complaint(8, 满意度=3.0, 办结时间="2026/10/9")]
    whole = one(RawSheet("投诉", rows))
    monkeypatch.setattr(classify, "_BLOCK", block)
    result, issues = one(RawSheet("投诉", rows))
    assert issues == whole[1]
    assert result.records == whole[0].records
    assert result.values == whole[0].values
    assert result.rows == whole[0].rows == 8
    assert codes(issues) == [
        ("error", "type", "B5"), ("error", "enum", "C5"), ("error", "required", "J7"),
        ("error", "required", "K7"), ("error", "required", "J9"), ("error", "enum", "K9"),
        ("error", "required", "D11")]


def test_the_collector_pause_restores_what_it_found_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()


@pytest.mark.parametrize("written", ["办结日期", "结案日期", "回复时间", "答复日期", "完成日期"])
def test_how_offices_write_the_closing_date(written: str) -> None:
    header = [written if h == "办结时间" else h for h in COMPLAINT_HEADER]
    result, issues = one(RawSheet("投诉", [header, complaint(1)]))
    assert result.kind == "complaints" and issues == []
    assert result.records[0]["resolved_at"] == datetime(2026, 10, 4, 16, 0)


@pytest.mark.parametrize(("standard", "written"), [
    ("受理时间", "投诉日期"), ("投诉内容", "投诉事项"), ("处理结果", "回复内容"),
    ("受理渠道", "投诉来源"), ("严重程度", "紧急程度"), ("处理人", "承办人员"),
])
def test_more_office_headers_for_the_complaint_register(standard: str, written: str) -> None:
    header = [written if h == standard else h for h in COMPLAINT_HEADER]
    result, issues = one(RawSheet("投诉", [header, complaint(1)]))
    assert result.kind == "complaints" and issues == [], issues
