"""KPI output for people: a console table (rich) and an Excel workbook (xlsxwriter).

Columns are declared once (:data:`STAFF_COLUMNS`, :data:`DEPARTMENT_COLUMNS`) with their Chinese
and English heads and a display format, and both outputs read them. Rates stay fractions in
the workbook (cells formatted as percentages) so an office can compute with them.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from rich.table import Table
from rich.text import Text
from xlsxwriter.exceptions import FileCreateError

from officekit import winpath
from officekit.console import column_chunks
from officekit.errors import WorkspaceError
from officekit.kpis.compute import KpiResult
from officekit.kpis.metrics import METRICS

Format = Literal["text", "int", "pct", "num1", "num2"]
NULL = "—"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    en: str
    format: Format = "text"

    def head(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


_UNIT_FORMATS: dict[str, Format] = {"rate": "pct", "days": "num1", "scale": "num2",
                                    "count": "int", "score": "num1"}


def _metric(key: str) -> Column:
    """A column for a metric of the metric table: its labels and its unit's format."""
    metric = METRICS[key]
    return Column(key, metric.zh, metric.en, _UNIT_FORMATS[metric.unit])


# The complaint figures a person and a department share (kpis.results.ComplaintKpis).
_COMPLAINT_COLUMNS = (
    Column("received", "受理量", "Received", "int"),
    Column("resolved", "办结量", "Resolved", "int"),
    _metric("closure_rate"),
    _metric("on_time_rate"),
    _metric("resolution_days"),
    _metric("followup_rate"),
    Column("satisfaction", "满意度(1-5)", "Satisfaction (1-5)", "num2"),
    Column("satisfaction_100", "满意度(百分制)", "Satisfaction (0-100)", "num1"),
)
_SCORE_COLUMN = Column("score", "综合得分", "Score", "num1")

STAFF_COLUMNS = (
    Column("staff_id", "工号", "ID"),
    Column("name", "姓名", "Name"),
    Column("department", "部门", "Department"),
    Column("role", "岗位", "Role"),
    Column("scheme", "考核方案", "Scheme"),
    *_COMPLAINT_COLUMNS,
    Column("visits_made", "回访次数", "Visits", "int"),
    _metric("visit_success_rate"),
    _metric("visit_timeliness"),
    _metric("visit_target_rate"),
    _metric("visit_scored_rate"),
    Column("shifts_worked", "出勤班次", "Shifts", "int"),
    Column("night_shifts", "夜班次数", "Night shifts", "int"),
    _SCORE_COLUMN,
    Column("grade", "等级", "Grade"),
    Column("rank", "部门排名", "Rank", "int"),
)

DEPARTMENT_COLUMNS = (
    Column("department", "部门", "Department"),
    Column("headcount", "人数", "Headcount", "int"),
    *_COMPLAINT_COLUMNS,
    _SCORE_COLUMN,
)

_TEXT = {
    "staff": ("个人指标", "Staff"),
    "departments": ("部门指标", "Departments"),
    "notes": ("说明", "Notes"),
    "title": ("{period} 考核指标（截至 {as_of}）", "KPIs for {period} (as of {as_of})"),
    "staff_title": ("{period} 个人考核指标（截至 {as_of}）",
                    "Staff KPIs, {period} (as of {as_of})"),
    "dept_title": ("{period} 部门考核指标（截至 {as_of}）",
                   "Department KPIs, {period} (as of {as_of})"),
    "empty": ("本期没有数据。", "No data for this period."),
}

_NOTES = (
    ("办结率 = 已办结 / 受理量；已撤销的投诉不计入任何指标。",
     "Closure = resolved / received; withdrawn complaints are left out everywhere."),
    ("按时办结率 = 在期限内办结 / (已办结 + 已过期未办结)；期限为受理日后第 N 个工作日。",
     "On time = resolved by the deadline / (resolved + open past the deadline); the deadline is "
     "the Nth working day after the received date."),
    ("平均办理工作日 = 受理日之后到办结日（含）的工作日数的平均值。",
     "Days to resolve = mean working days after the received date up to the resolved date."),
    ("回访率 = 办结后 0–N 天内有成功回访的已办结投诉 / 已办结。",
     "Follow-up = resolved with a reached visit 0–N days after resolution / resolved."),
    ("满意度取最近一次成功回访的评分，无则取投诉登记的满意度；百分制 = (均值 − 1) / 4 × 100。",
     "Satisfaction: the latest reached visit's score, else the complaint's own; "
     "0–100 = (mean − 1) / 4 × 100."),
    ("综合得分为本人考核方案各指标的加权平均（投诉处理、回访、管理按部门指标、质检不考核）；"
     "无数据或样本不足（少于 min_cases 件）的指标不计分，其余权重按比例放大；空白表示无数据。",
     "Score: weighted mean of the metrics of the person's scheme (handler, visitor, lead on the "
     "department's figures, none); a metric without data or below min_cases is not scored and "
     "the other weights are rescaled; blank means no data."),
    ("回访成功率 = 联系成功 / 回访次数；回访及时率 = 办结后 N 天内的投诉回访 / 投诉回访；"
     "回访量完成率 = min(1, 回访次数 / 目标)；满意度记录率 = 记录了满意度的成功回访 / 成功回访。",
     "Visit success = reached / visits; timeliness = complaint follow-ups within N days of "
     "resolution / complaint follow-ups; target = min(1, visits / target); scored = reached "
     "visits recording a satisfaction / reached visits."),
)


def _t(key: str, lang: str, **params: Any) -> str:
    zh, en = _TEXT[key]
    return (en if lang == "en" else zh).format(**params)


def format_value(value: Any, fmt: Format) -> str:
    """A value as the console shows it: percentages with one decimal, '—' for null."""
    if value is None:
        return NULL
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt == "num1":
        return f"{value:.1f}"
    if fmt == "num2":
        return f"{value:.2f}"
    return str(value)


def _titles(result: KpiResult, lang: str) -> dict[str, str]:
    return {"period": result.period.label(lang), "as_of": result.as_of.isoformat()}


def _table(title: str, columns: Sequence[Column], rows: Sequence[dict[str, Any]],
           lang: str, width: int | None = None, keep: int = 2) -> Table:
    """The rows as one table, or — given a ``width`` too narrow for every column — as several
    stacked tables, each repeating the first ``keep`` columns, that fit it uncut."""
    heads = [col.head(lang) for col in columns]
    cells = [[format_value(row[c.key], c.format) for c in columns] for row in rows]
    groups = ([list(range(len(columns)))] if width is None
              else column_chunks(heads, cells, width, keep))
    parts = []
    for n, group in enumerate(groups):
        table = Table(title=title if n == 0 else None, title_justify="left",
                      header_style="bold")
        for i in group:
            table.add_column(heads[i], no_wrap=True,
                             justify="left" if columns[i].format == "text" else "right")
        for row_cells in cells:
            table.add_row(*(row_cells[i] for i in group))
        parts.append(table)
    if len(parts) == 1:
        return parts[0]
    outer = Table.grid(padding=(1, 0))
    outer.add_column()
    for part in parts:
        outer.add_row(part)
    return outer


def _staff_rows(result: KpiResult, lang: str) -> list[dict[str, Any]]:
    """The staff entries with each scheme shown by its label (投诉处理, 回访…)."""
    rows = []
    for s in result.staff:
        row = s.to_json()
        scheme = result.scheme(s.scheme)
        row["scheme"] = scheme.label(lang) if scheme else s.scheme
        rows.append(row)
    return rows


def staff_table(result: KpiResult, lang: str = "zh", width: int | None = None) -> Table:
    """The per-person KPIs as a rich Table (stacked in parts to fit ``width``)."""
    return _table(_t("staff_title", lang, **_titles(result, lang)), STAFF_COLUMNS,
                  _staff_rows(result, lang), lang, width, keep=2)


def department_table(result: KpiResult, lang: str = "zh", width: int | None = None) -> Table:
    """The per-department KPIs as a rich Table (stacked in parts to fit ``width``)."""
    return _table(_t("dept_title", lang, **_titles(result, lang)), DEPARTMENT_COLUMNS,
                  [d.to_json() for d in result.departments], lang, width, keep=1)


def to_table(result: KpiResult, lang: str = "zh", width: int | None = None) -> Table:
    """Everything ``kpis --format table`` prints: staff, departments and calendar warnings.

    With ``width`` (the console's), wide tables are stacked in parts that fit it, each part
    repeating who the row is about — never a column cut to "客 …"."""
    grid = Table.grid(padding=(1, 0))
    grid.add_column()
    if not result.staff:
        grid.add_row(Text(_t("empty", lang)))
    grid.add_row(staff_table(result, lang, width))
    grid.add_row(department_table(result, lang, width))
    for warning in result.warnings(lang):
        grid.add_row(Text(warning, style="yellow"))
    return grid


# ------------------------------------------------------------------------------------------
# Excel


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_sheet(book: Any, formats: dict[str, Any], name: str, title: str,
                 columns: Sequence[Column], rows: Sequence[dict[str, Any]], lang: str,
                 frozen_cols: int) -> None:
    sheet = book.add_worksheet(name)
    last_col = len(columns) - 1
    sheet.merge_range(0, 0, 0, last_col, title, formats["title"])
    sheet.set_row(0, 24)
    for c, col in enumerate(columns):
        sheet.write_string(1, c, col.head(lang), formats["header"])
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(columns):
            value = row[col.key]
            fmt = formats[col.format]
            if value is None:
                sheet.write_blank(r, c, None, fmt)
            elif col.format == "text":
                sheet.write_string(r, c, str(value), fmt)
            else:
                sheet.write_number(r, c, value, fmt)
    for c, col in enumerate(columns):
        texts = [col.head(lang)] + [format_value(row[col.key], col.format) for row in rows]
        sheet.set_column(c, c, min(40, max(_display_width(t) for t in texts) + 2))
    sheet.freeze_panes(2, frozen_cols)
    sheet.autofilter(1, 0, max(1, len(rows) + 1), last_col)


def write_xlsx(result: KpiResult, path: Path, lang: str = "zh") -> Path:
    """Write the KPIs as a tidy workbook (个人指标, 部门指标, 说明) and return its path.

    Written to a temporary name first and renamed, so a watcher or a person opening the file
    never sees half of it.
    """
    path = Path(path)
    tmp = winpath.temp_beside(path)
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14, "valign": "vcenter"}),
        "header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                   "text_wrap": True, "valign": "vcenter", "align": "center"}),
        "text": book.add_format({}),
        "int": book.add_format({"num_format": "0"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "num1": book.add_format({"num_format": "0.0"}),
        "num2": book.add_format({"num_format": "0.00"}),
        "warning": book.add_format({"font_color": "#9C5700", "text_wrap": True}),
    }
    titles = _titles(result, lang)
    _write_sheet(book, formats, _t("staff", lang), _t("staff_title", lang, **titles),
                 STAFF_COLUMNS, _staff_rows(result, lang), lang, frozen_cols=2)
    _write_sheet(book, formats, _t("departments", lang), _t("dept_title", lang, **titles),
                 DEPARTMENT_COLUMNS, [d.to_json() for d in result.departments], lang,
                 frozen_cols=1)
    notes = book.add_worksheet(_t("notes", lang))
    notes.set_column(0, 0, 100)
    notes.write_string(0, 0, _t("title", lang, **titles), formats["title"])
    row = 2
    for warning in result.warnings(lang):
        notes.write_string(row, 0, warning, formats["warning"])
        row += 1
    for zh, en in _NOTES:
        notes.write_string(row + 1, 0, en if lang == "en" else zh, formats["text"])
        row += 1
    try:
        book.close()
        os.replace(tmp, path)
    except (OSError, FileCreateError) as exc:
        raise WorkspaceError(key="error.workspace.write-xlsx", path=str(path),
                             detail=str(exc)) from exc
    return path
