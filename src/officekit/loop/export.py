"""The due list for people: terminal text and the 督办清单 workbook (one sheet per department).

The workbook opens on a 汇总 sheet (counts per department and level); each department's sheet
lists its rows — to resolve (待办结), to visit (待回访), to call again (再次回访) — most urgent
first, each row filled in its level's colour, header frozen, filters on.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from officekit import winpath
from officekit.errors import WorkspaceError
from officekit.i18n import t
from officekit.kpis.calendar import uncovered_year_messages
from officekit.loop.due import LEVELS, SECTIONS, DueList, DueRow

# level → fill colour (Excel's own "bad / neutral" palette, a stronger red for 提级)
LEVEL_FILL = {"escalate": "#FF7C80", "overdue": "#FFC7CE", "warn": "#FFEB9C", "ok": None}

# column key → (width, kind of value)
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("section", 10, "text"), ("level", 10, "text"), ("complaint_id", 16, "text"),
    ("received_at", 17, "datetime"), ("severity", 8, "text"), ("handler_name", 10, "text"),
    ("handler_id", 10, "text"), ("due_date", 12, "date"), ("days_left", 10, "int"),
    ("status", 8, "text"), ("customer", 12, "text"), ("category", 10, "text"),
    ("resolved_at", 17, "datetime"), ("last_attempt_at", 17, "datetime"),
    ("head_id", 10, "text"),
)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _value(row: DueRow, key: str, lang: str) -> Any:
    if key == "section":
        return t(f"due.section.{row.section}", lang)
    if key == "level":
        return t(f"due.level.{row.level}", lang)
    if key == "due_date":
        return row.deadline if row.section == "open" else row.due
    return getattr(row, key)


def format_due(due: DueList, lang: str = "zh") -> str:
    """The list as the terminal shows it: a section per list, most urgent first, then counts."""
    lines = [t("due.title", lang, as_of=due.as_of)]
    for section in SECTIONS:
        rows: list[DueRow] = getattr(due, section)
        lines.append("")
        lines.append(t(f"due.heading.{section}", lang, count=len(rows)))
        for r in rows:
            who = f"{r.handler_name or '—'}({r.handler_id or '—'})"
            late = "-late" if r.days_left < 0 else ""
            days = abs(r.days_left)
            if section == "open":
                when = t(f"due.line.open{late}", lang, deadline=r.deadline, days=days)
            else:
                when = t(f"due.line.followup{late}", lang, due=r.due, days=days)
            lines.append(f"  [{t(f'due.level.{r.level}', lang)}] {r.complaint_id}  "
                         f"{r.received_at:%Y-%m-%d}  {r.severity}  {who}  {r.department}  {when}")
    c = due.counts()
    lines.append("")
    lines.append(t("due.counts", lang, **c))
    lines.extend(uncovered_year_messages(due.uncovered_years, lang))
    return "\n".join(lines)


def sheet_name(department: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name for ``department`` (31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", department).strip("'") or "_"
    name, n = base[:31], 2
    while name.lower() in taken:
        suffix = f"({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_due_xlsx(due: DueList, path: Path, lang: str = "zh") -> Path:
    """Write the 督办清单 workbook atomically (temporary name, then rename); return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = winpath.temp_beside(path)
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                              "text_wrap": True, "valign": "vcenter", "align": "center"})
    title = book.add_format({"bold": True, "font_size": 14})
    formats: dict[tuple[str, str], Any] = {}
    for level in LEVELS:
        fill = {"bg_color": LEVEL_FILL[level]} if LEVEL_FILL[level] else {}
        for kind, num in (("text", None), ("int", "0"), ("date", "yyyy-mm-dd"),
                          ("datetime", "yyyy-mm-dd hh:mm")):
            formats[(level, kind)] = book.add_format(
                {**fill, "border": 1, **({"num_format": num} if num else {})})
    _summary(book, due, lang, title, header)
    taken: set[str] = {t("due.sheet.summary", lang).lower()}
    for department in due.departments():
        rows = [r for r in due.rows() if r.department == department]
        sheet = book.add_worksheet(sheet_name(department, taken))
        for col, (key, width, _) in enumerate(COLUMNS):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, t(f"due.col.{key}", lang), header)
        for i, row in enumerate(rows, start=1):
            for col, (key, _, kind) in enumerate(COLUMNS):
                _write(sheet, i, col, _value(row, key, lang), formats[(row.level, kind)])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(rows)), len(COLUMNS) - 1)
        _printable(sheet)
        sheet.repeat_rows(0)
    try:
        book.close()
        os.replace(tmp, path)
    except (OSError, FileCreateError) as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(key="error.workspace.write-xlsx", path=str(path),
                             detail=str(exc)) from exc
    return path


def _printable(sheet: Any) -> None:
    """Printed on A4 landscape, as wide as the page (a head signs a paper copy)."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def _write(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _summary(book: Any, due: DueList, lang: str, title: Any, header: Any) -> None:
    sheet = book.add_worksheet(t("due.sheet.summary", lang))
    sheet.write_string(0, 0, t("due.title", lang, as_of=due.as_of), title)
    keys = ("department", *SECTIONS, *LEVELS)
    for col, key in enumerate(keys):
        sheet.set_column(col, col, 14 if col == 0 else 10)
        label = (t("due.col.department", lang) if key == "department"
                 else t(f"due.section.{key}", lang) if key in SECTIONS
                 else t(f"due.level.{key}", lang))
        sheet.write_string(2, col, label, header)
    for i, department in enumerate(due.departments(), start=3):
        part = due.only(lambda r, d=department: r.department == d).counts()
        sheet.write_string(i, 0, department)
        for col, key in enumerate(keys[1:], start=1):
            sheet.write_number(i, col, part[key])
    sheet.freeze_panes(3, 0)
    _printable(sheet)
    for n, line in enumerate(uncovered_year_messages(due.uncovered_years, lang)):
        sheet.write_string(4 + len(due.departments()) + n, 0, line)
