"""KPI output: the console table and the Excel workbook an office opens."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

from officekit.kpis.compute import KpiResult, compute_kpis
from officekit.kpis.export import department_table, staff_table, to_table, write_xlsx
from officekit.kpis.periods import Period
from officekit.settings import Settings

STAFF = [
    {"staff_id": "1001", "name": "张伟", "department": "客服一部", "role": "客服专员",
     "status": "在职"},
    {"staff_id": "1002", "name": "李娜", "department": "客服一部", "role": "班长",
     "status": "在职"},
]
COMPLAINTS = [
    # 一般, received Thu 8 Oct, resolved Mon 12 Oct: on time; 2 complaints, 1 resolved → 50.0%
    {"complaint_id": "C1", "received_at": datetime(2026, 10, 8, 9), "severity": "一般",
     "handler_id": "1001", "handler_name": "张伟", "status": "已办结",
     "resolved_at": datetime(2026, 10, 12, 16), "satisfaction": 4, "category": "服务态度"},
    {"complaint_id": "C2", "received_at": datetime(2026, 10, 29, 9), "severity": "一般",
     "handler_id": "1001", "handler_name": "张伟", "status": "处理中",
     "resolved_at": None, "satisfaction": None, "category": "收费问题"},
]


@pytest.fixture(scope="module")
def result() -> KpiResult:
    return compute_kpis(Period.parse("2026-10"), STAFF, COMPLAINTS, [], [], Settings(),
                        date(2026, 11, 5))


def _render(table: object) -> str:
    console = Console(record=True, width=300, color_system=None)
    console.print(table)
    return console.export_text()


def test_staff_table_text(result: KpiResult) -> None:
    table = staff_table(result)
    heads = [str(c.header) for c in table.columns]
    assert heads[:8] == ["工号", "姓名", "部门", "岗位", "考核方案", "受理量", "办结量", "办结率"]
    assert "回访成功率" in heads and "回访及时率" in heads
    text = _render(table)
    assert "2026年10月 个人考核指标（截至 2026-11-05）" in text
    zhang = next(line for line in text.splitlines() if "张伟" in line)
    # closure 1 / 2 → 50.0%; on time 1 / 1 → 100.0%; follow-up 0 / 1 → 0.0%; satisfaction 4.00
    assert "50.0%" in zhang and "100.0%" in zhang and "0.0%" in zhang and "4.00" in zhang
    li = next(line for line in text.splitlines() if "李娜" in line)
    assert li.count("—") >= 8  # no data: rates, days, satisfaction, score, grade, rank


def test_english_heads_and_whole_output(result: KpiResult) -> None:
    heads = [str(c.header) for c in department_table(result, "en").columns]
    assert heads[:3] == ["Department", "Headcount", "Received"]
    text = _render(to_table(result))
    assert "个人考核指标" in text and "部门考核指标" in text


def test_workbook(result: KpiResult, tmp_path: Path) -> None:
    path = write_xlsx(result, tmp_path / "kpis.xlsx")
    assert path.exists() and not (tmp_path / "kpis.xlsx.tmp").exists()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["个人指标", "部门指标", "说明"]
    sheet = book["个人指标"]
    assert sheet["A1"].value == "2026年10月 个人考核指标（截至 2026-11-05）"
    assert [c.value for c in sheet[2]][:4] == ["工号", "姓名", "部门", "岗位"]
    assert sheet["A2"].font.b is True
    assert sheet.freeze_panes == "C3"
    assert sheet.auto_filter.ref == "A2:W4"  # 23 columns: SPEC §6 staff keys but unscored
    # row 3 is 张伟 (1001): closure stored as the fraction with a percent format
    assert sheet["A3"].value == "1001"
    assert sheet["E3"].value == "投诉处理"  # the scheme by its label
    assert sheet["H3"].value == 0.5 and sheet["H3"].number_format == "0.0%"
    assert sheet["F3"].value == 2 and sheet["F3"].number_format == "0"
    # 李娜 has no data: null rates are empty cells
    assert sheet["A4"].value == "1002" and sheet["H4"].value is None
    assert sheet.column_dimensions["B"].width >= 6
    dept = book["部门指标"]
    assert [c.value for c in dept[3]][:4] == ["客服一部", 2, 2, 1]
    assert dept.freeze_panes == "B3"
