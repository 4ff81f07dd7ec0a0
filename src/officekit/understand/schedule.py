"""Duty schedules (排班表 / 值班表), both layouts of SPEC §3.

The long layout (日期 / 班次 / 工号 or 姓名 / 部门 / 值班岗位, one row per duty) is read like any
other kind by :mod:`officekit.understand.classify`, with the shift column parsed by
:func:`shift_parser`. The wide layout — one row per person, one column per day — is recognised
here by its day headers (``1``..``31``, ``1日``, ``10月1日``, ``10/1``, ``2026-10-01`` or real
dates), which are no "known headers" of any kind. Each filled day cell becomes one record with
``_col``; the month comes from the headers themselves, else from the title row, sheet name or
file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from officekit.kinds import SCHEDULE, FieldType
from officekit.model import Issue, Record
from officekit.settings import Settings
from officekit.understand.headers import (
    ColumnMap,
    HeaderIndex,
    HeaderRow,
    is_total_row,
    map_columns,
)
from officekit.understand.values import (
    Parser,
    ValueProblem,
    display,
    fold,
    is_blank,
    problem_issue,
    serial_to_datetime,
    shift_lookup,
    to_text,
    type_problem,
)

MIN_DAY_COLUMNS = 3

# (year, month, day): year and month are None when the header gives only the day
DayRef = tuple[int | None, int | None, int]

_DAY = re.compile(
    r"(?:(?P<y>\d{4})[-/.年])?(?:(?P<m>\d{1,2})[-/.月])?(?P<d>\d{1,2})[日号]?"
    r"(?:[(（]?(?:周|星期)?[一二三四五六日天][)）]?)?"
)
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)?[一二三四五六日天七]|(?:mon|tue|wed|thu|fri|sat|sun)\w*",
                      re.IGNORECASE)
_SHIFT_SEPARATORS = re.compile(r"[/、,，+＋;；]+")


def day_header(value: Any) -> DayRef | None:
    """The day a wide schedule's column header names, or None if it names no day."""
    if isinstance(value, datetime | date):
        return value.year, value.month, value.day
    if type(value) is float or type(value) is int:
        if float(value).is_integer() and 1 <= value <= 31:
            return None, None, int(value)
        dt = serial_to_datetime(float(value)) if 30000 <= value <= 80000 else None
        return (dt.year, dt.month, dt.day) if dt else None
    if not isinstance(value, str):
        return None
    m = _DAY.fullmatch(re.sub(r"\s+", "", fold(value)))
    if m is None or (m["y"] and not m["m"]):
        return None
    day = int(m["d"])
    month = int(m["m"]) if m["m"] else None
    if not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
        return None
    return (int(m["y"]) if m["y"] else None), month, day


@dataclass(slots=True)
class WideLayout:
    """A wide schedule: its person columns, its day columns and where the data starts."""

    columns: ColumnMap
    days: dict[int, DayRef]  # column → the day it names
    first_data_row: int  # 1-based; below a row of weekday names when there is one

    @property
    def header(self) -> HeaderRow:
        return self.columns.header


def detect_wide(candidates: list[HeaderRow], index: HeaderIndex,
                rows: list[list[Any]]) -> WideLayout | None:
    """The wide layout, if some header row has a person column and at least 3 day columns."""
    best: WideLayout | None = None
    for header in candidates:
        days = {c: d for c, v in header.cells.items() if (d := day_header(v)) is not None}
        if len(set(days.values())) < MIN_DAY_COLUMNS:  # distinct days, not a row of data
            continue
        cmap = map_columns(SCHEDULE, header, index, skip=days)
        cmap.needs = (("staff_id", "staff_name"),)
        if "staff_id" not in cmap.fields and "staff_name" not in cmap.fields:
            continue
        score = (len(days), len(cmap.fields))
        if best is None or score > (len(best.days), len(best.columns.fields)):
            start = header.row + 1
            if _is_weekday_row(rows, start, days):
                start += 1
            best = WideLayout(cmap, days, start)
    return best


def _is_weekday_row(rows: list[list[Any]], row: int, days: dict[int, DayRef]) -> bool:
    if row > len(rows):
        return False
    cells = rows[row - 1]
    values = [display(cells[c]) for c in days if c < len(cells) and display(cells[c])]
    hits = sum(1 for v in values if _WEEKDAY.fullmatch(v))
    return bool(values) and hits * 2 >= len(values)


def shift_parser(settings: Settings) -> Parser:
    """Parser for a shift cell: a code from settings (``早``) or its name (``早班``)."""
    return shift_lookup(settings.shifts).memo()


def _dates(layout: WideLayout, year: int | None, month: int | None
           ) -> tuple[dict[int, date], set[int]]:
    """Each day column's date, and the columns naming no real day (31 in November)."""
    out: dict[int, date] = {}
    bad: set[int] = set()
    for col, (y, m, d) in layout.days.items():
        try:
            out[col] = date(y or year or 0, m or month or 0, d)
        except ValueError:
            bad.add(col)
    return out, bad


def _month_issue(name: str, layout: WideLayout, year: int | None, month: int | None
                 ) -> Issue | None:
    """``schedule-month`` when some day column's year or month cannot be known."""
    no_year = year is None and any(y is None for y, _, _ in layout.days.values())
    no_month = month is None and any(m is None for _, m, _ in layout.days.values())
    if not (no_year or no_month):
        return None
    first = min(layout.days)
    text = layout.header.text(first)
    return Issue("error", "schedule-month", sheet=name, row=layout.header.row, col=first,
                 column=text, value=text,
                 params={"missing": "年份" if not no_month else "月份",
                         "missing_en": "year" if not no_month else "month"})


def read_wide(name: str, rows: list[list[Any]], layout: WideLayout, settings: Settings,
              year: int | None, month: int | None) -> tuple[list[Record], list[Issue], int]:
    """Records (one per filled day cell), issues and the number of person rows read."""
    header = layout.header
    cols = layout.columns.fields
    no_month = _month_issue(name, layout, year, month)
    if no_month is not None:
        return [], [no_month], 0
    dates, bad = _dates(layout, year, month)
    lookup = shift_parser(settings)
    person = [(key, cols[key]) for key in ("staff_id", "staff_name", "department", "post")
              if key in cols]
    who_col = cols.get("staff_id", cols.get("staff_name", 0))
    day_cols = sorted(layout.days)
    records: list[Record] = []
    issues: list[Issue] = []
    read = 0
    for i in range(layout.first_data_row - 1, len(rows)):
        row = rows[i]
        width = len(row)
        if all(is_blank(v) for v in row) or is_total_row(row):
            continue
        read += 1
        r = i + 1
        base: Record = {"_sheet": name, "_row": r, "staff_id": None, "staff_name": None,
                        "department": None, "post": None}
        for key, col in person:
            if col < width:
                base[key] = to_text(row[col])
        has_person = base["staff_id"] is not None or base["staff_name"] is not None
        for col in day_cols:
            v = row[col] if col < width else None
            if is_blank(v):  # not scheduled that day
                continue
            column = header.text(col)
            if not has_person:
                issues.append(Issue("error", "required", sheet=name, row=r, col=who_col,
                                    column=header.text(who_col), field="staff_id"))
                has_person = True  # once per row
            if col in bad:
                problem = type_problem(FieldType.DATE, "hint.no-such-day")
                issues.append(problem_issue(problem, name, r, col, column, "date", v))
                continue
            parts = [v] if type(v) is not str else [p for p in _SHIFT_SEPARATORS.split(v) if p]
            for part in parts:
                try:
                    code = lookup(part)
                except ValueProblem as problem:
                    issues.append(problem_issue(problem, name, r, col, column, "shift", v))
                    continue
                rec = dict(base)
                rec["_col"] = col
                rec["date"] = dates[col]
                rec["shift"] = code
                records.append(rec)
    return records, issues, read
