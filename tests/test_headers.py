"""Header-row detection and alias matching (SPEC §3), per kind."""

from __future__ import annotations

from typing import Any

import pytest

from officekit.kinds import COMPLAINTS, KINDS, STAFF, VISITS
from officekit.read import RawSheet
from officekit.settings import Settings, parse_settings
from officekit.understand.headers import (
    ColumnMap,
    best_map,
    build_index,
    filled_rows,
    header_candidates,
    header_issues,
    is_total_row,
)
from officekit.understand.values import normalize_header

SETTINGS = Settings()
INDEX = build_index(SETTINGS)
STAFF_HEADER = ["工号", "姓名", "部门", "岗位", "手机", "邮箱", "入职日期", "状态"]


def staff_map(rows: list[list[Any]], merged: list[tuple[int, int, int, int]] | None = None,
              settings: Settings = SETTINGS) -> ColumnMap:
    sheet = RawSheet("花名册", rows, merged=merged or [])
    cmap = best_map(STAFF, header_candidates(sheet), build_index(settings))
    assert cmap is not None
    return cmap


@pytest.mark.parametrize(("written", "field"), [
    ("工号", "staff_id"), ("员工编号", "staff_id"), ("编号", "staff_id"), ("人员编号", "staff_id"),
    ("姓  名", "name"), ("员工姓名", "name"), ("名字", "name"), ("姓\n名", "name"),
    ("*部门", "department"), ("所属部门", "department"), ("科室", "department"),
    ("岗位（必填）", "role"), ("职务", "role"), ("岗位名称：", "role"),
    ("直属上级", "manager_id"), ("手机号", "phone"), ("联系电话", "phone"), ("电话", "phone"),
    ("Ｅｍａｉｌ", "email"), ("E-mail", "email"), ("电子邮箱", "email"),
    ("入职时间", "hired_on"), ("入职日期(年/月/日)", "hired_on"), ("在职状态", "status"),
])
def test_staff_header_variants(written: str, field: str) -> None:
    base = {"staff_id": "工号", "name": "姓名", "department": "部门", "role": "岗位"}
    header = [written if f == field else h for f, h in base.items()]
    if field not in base:
        header.append(written)
    cmap = staff_map([header, ["1001", "张三", "客服一部", "客服专员", "x"]])
    assert cmap.fields[field] == header.index(written)
    assert cmap.extra == []


@pytest.mark.parametrize(("alias", "kind", "field"), [
    ("编号", "staff", "staff_id"),
    ("编号", "complaints", "complaint_id"),
    ("电话", "staff", "phone"),
    ("电话", "complaints", "customer_phone"),
    ("电话", "visits", "customer_phone"),
    ("状态", "staff", "status"),
    ("状态", "complaints", "status"),
    ("类型", "visits", "purpose"),
    ("岗位", "staff", "role"),
    ("岗位", "schedule", "post"),
    ("投诉编号", "visits", "complaint_id"),
    ("投诉编号", "complaints", "complaint_id"),
])
def test_shared_aliases_map_per_kind(alias: str, kind: str, field: str) -> None:
    assert INDEX.match(kind, normalize_header(alias)) == field


def test_header_found_under_title_rows_and_blank_rows() -> None:
    rows: list[list[Any]] = [
        ["2026年10月人员名单"], [], ["制表日期：2026-10-31"], [None, None], STAFF_HEADER,
        ["1001", "张三", "客服一部", "客服专员"],
    ]
    cmap = staff_map(rows, merged=[(0, 0, 0, 7)])
    assert cmap.header.row == 5
    assert cmap.header.upper is None
    assert cmap.fields == {"staff_id": 0, "name": 1, "department": 2, "role": 3, "phone": 4,
                           "email": 5, "hired_on": 6, "status": 7}


def test_header_beyond_row_15_is_not_searched() -> None:
    rows: list[list[Any]] = [[f"说明第{i}行"] for i in range(15)] + [STAFF_HEADER]
    sheet = RawSheet("花名册", rows)
    assert best_map(STAFF, header_candidates(sheet), INDEX) is None


def test_two_row_header_with_merged_group_cells() -> None:
    upper = ["投诉编号", "受理时间", "受理渠道", "客户信息", None, "投诉类别", "投诉内容",
             "处理情况", None, None, "满意度"]
    lower = [None, None, None, "客户姓名", "联系电话", None, None, "处理人", "处理状态",
             "办结时间", None]
    rows = [["2026年10月投诉登记表"], upper, lower, ["TS001"]]
    merged = [(0, 0, 0, 10), (1, 3, 1, 4), (1, 7, 1, 9), (1, 0, 2, 0), (1, 1, 2, 1)]
    sheet = RawSheet("投诉", rows, merged=merged)
    cmap = best_map(COMPLAINTS, header_candidates(sheet), INDEX)
    assert cmap is not None
    assert cmap.header.row == 3 and cmap.header.upper == 2
    assert cmap.fields == {"complaint_id": 0, "received_at": 1, "channel": 2, "customer": 3,
                           "customer_phone": 4, "category": 5, "description": 6, "handler": 7,
                           "status": 8, "resolved_at": 9, "satisfaction": 10}
    # 处理情况 is itself an alias (of 处理结果), but the lower cells win under the merge
    assert "resolution" not in cmap.fields
    assert cmap.header.text(3) == "客户姓名" and cmap.header.text(0) == "投诉编号"


def test_two_row_header_without_merge_information() -> None:
    rows = [["工号", "姓名", "联系方式", None], [None, None, "手机", "邮箱"], ["1001"]]
    cmap = staff_map(rows)
    assert cmap.header.row == 2
    assert cmap.fields == {"staff_id": 0, "name": 1, "phone": 2, "email": 3}


def test_office_aliases_from_settings() -> None:
    settings = parse_settings({"aliases": {"staff": {"staff_id": ["员工代码"],
                                                     "department": "所在中心"}}})
    cmap = staff_map([["员工代码", "姓名", "所在中心", "岗位"]], settings=settings)
    assert cmap.fields == {"staff_id": 0, "name": 1, "department": 2, "role": 3}
    assert staff_map([["员工代码", "姓名", "所在中心", "岗位"]]).extra == [0, 2]


def test_header_issues_missing_duplicate_extra() -> None:
    rows = [["标题"], ["工号", "姓名", "所属部门", "部门", "职称", "微信号"]]
    cmap = staff_map(rows)
    issues = header_issues(cmap, "花名册", SETTINGS)
    got = [(i.severity, i.code, i.cell, i.field, i.value) for i in issues]
    assert got == [
        ("error", "missing-column", None, "role", None),
        ("error", "duplicate-column", "D2", "department", "部门"),
        ("warning", "extra-column", "E2", None, "职称"),
        ("warning", "extra-column", "F2", None, "微信号"),
    ]
    missing = issues[0]
    assert missing.row == 2
    assert missing.params["expected"] == "岗位"
    assert missing.params["aliases"] == "职位、岗位名称、职务"
    assert missing.params["nearest"] == "职称"  # the header found that is most like it
    assert issues[1].params == {"first": "所属部门", "first_cell": "C2"}


def test_missing_one_of_pair_names_both() -> None:
    sheet = RawSheet("值班", [["日期", "班次", "部门"]])
    cmap = best_map(KINDS["schedule"], header_candidates(sheet), INDEX)
    assert cmap is not None
    issues = header_issues(cmap, "值班", SETTINGS)
    assert [(i.code, i.field) for i in issues] == [("missing-column", "staff_id")]
    assert issues[0].params["expected"] == "工号或姓名"


def test_row_counter_column_is_neither_field_nor_extra() -> None:
    cmap = staff_map([["序号", "工号", "姓名", "部门", "岗位", "备注"]])
    assert cmap.fields == {"staff_id": 1, "name": 2, "department": 3, "role": 4}
    assert cmap.extra == [5]


def test_visits_and_complaints_headers_differ() -> None:
    header = ["回访时间", "客户姓名", "联系电话", "回访人", "回访方式", "投诉编号", "满意度"]
    sheet = RawSheet("回访", [header])
    visits = best_map(VISITS, header_candidates(sheet), INDEX)
    complaints = best_map(COMPLAINTS, header_candidates(sheet), INDEX)
    assert visits is not None and complaints is not None
    assert visits.coverage == 1.0
    assert complaints.coverage < 0.5


@pytest.mark.parametrize(("row", "total"), [
    (["合计", None, 35], True),
    (["  小 计", 3], True),
    ([None, "总计：", 10], True),
    (["早班人数", 3, 4], True),
    (["制表人：张三", None, "审核人：李四"], True),
    (["备注：以上数据截至月底"], True),
    (["张三", "合计"], False),
    (["1001", "张三"], False),
    ([1.0, "合计"], False),
    ([None, None], False),
])
def test_total_rows(row: list[Any], total: bool) -> None:
    assert is_total_row(row) is total


def test_merged_cells_below_the_header_are_filled_without_touching_the_sheet() -> None:
    rows: list[list[Any]] = [["部门", "姓名"], ["客服一部", "张三"], [None, "李四"], [None, "王五"],
                             ["客服二部", "赵六"]]
    sheet = RawSheet("s", rows, merged=[(1, 0, 3, 0), (0, 0, 0, 0)])
    filled = filled_rows(sheet, 2)
    assert [r[0] for r in filled] == ["部门", "客服一部", "客服一部", "客服一部", "客服二部"]
    assert sheet.rows[2][0] is None  # the reader's rows are unchanged
