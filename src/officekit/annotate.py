"""The annotated copy of a rejected file: every problem marked on its cell, and a list of them.

A person opens ``outbox/rejected/<name>.校验结果.xlsx`` in Excel or WPS: the first sheet lists
every issue with a link to its cell and says what to do; the other sheets are the file's own
sheets (values only) with each bad cell filled red (error) or yellow (warning) and a comment
holding the message. They fix the cells, save, and drop the file into ``inbox/`` again.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxFileError

from officekit import winpath
from officekit.errors import WorkspaceError
from officekit.i18n import t
from officekit.model import Issue, cell_ref, json_value
from officekit.read import RawSheet, Workbook

ERROR_FILL = "#FFC7CE"  # Excel's "Bad" style
WARNING_FILL = "#FFEB9C"  # Excel's "Neutral" style
_FILLS = {"error": ERROR_FILL, "warning": WARNING_FILL}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_MAX_LINKS = 65_530  # Excel's limit of hyperlinks on one sheet
_MAX_ROW, _MAX_COL = 1_048_576, 16_383
_WIDTH_SAMPLE_ROWS = 2_000  # column widths are judged on the first rows of a big sheet

_LIST_COLUMNS = ("no", "level", "code", "where_sheet", "cell", "column", "value", "message")
_LIST_WIDTHS = (6, 7, 18, 14, 9, 14, 22, 64)  # starting widths; text columns grow to fit
_HEADER_ROW = 4  # 0-based: title, counts, what to do, blank, header


def _t(key: str, lang: str, **params: Any) -> str:
    return t(f"annotate.{key}", lang, **params)


def text_width(text: str) -> int:
    """Display width in Excel character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def safe_sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet names for ``names``, in order: forbidden characters
    ``[]:*?/\\`` replaced, no leading/trailing apostrophe, at most 31 characters, unique
    without regard to case (as Excel compares them) and distinct from ``reserved``."""
    taken = {r.lower() for r in reserved}
    out: list[str] = []
    for raw in names:
        name = "".join("_" if ch in "[]:*?/\\" else ch for ch in raw).strip("'").strip()
        if not name or name.lower() == "history":  # Excel reserves "History"
            name = f"{name or 'Sheet'}_"
        base, n = name, 1
        while True:
            suffix = "" if n == 1 else f" ({n})"
            while _utf16_len(base + suffix) > 31:
                base = base[:-1]
            candidate = (base + suffix).rstrip("'")
            if candidate.lower() not in taken:
                break
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _link(sheet: str, cell: str) -> str:
    return "internal:'{}'!{}".format(sheet.replace("'", "''"), cell)


class _Formats:
    """xlsxwriter formats, made once per (number format, fill) pair."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[str | None, str | None, bool], Any] = {}
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.counts = book.add_format({"bold": True, "font_color": "#9C0006"})
        self.todo = book.add_format({"text_wrap": True, "valign": "top"})
        self.header = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                       "valign": "vcenter"})
        self.text = book.add_format({"valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.link = book.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.levels = {sev: book.add_format({"bg_color": fill, "valign": "top"})
                       for sev, fill in _FILLS.items()}

    def cell(self, num_format: str | None, severity: str | None, merged: bool = False) -> Any:
        key = (num_format, severity if severity in _FILLS else None, merged)
        if key == (None, None, False):
            return None
        if key not in self.cache:
            props: dict[str, Any] = {}
            if num_format:
                props["num_format"] = num_format
            if key[1]:
                props["bg_color"] = _FILLS[key[1]]
            if merged:  # merged ranges are titles and group headers: centred, as offices do
                props.update(align="center", valign="vcenter", text_wrap=True)
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]


def _value_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm:ss" if value.second else "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    if isinstance(value, time):
        return "hh:mm:ss" if value.second else "hh:mm"
    if isinstance(value, timedelta):
        return "[h]:mm:ss"
    return None


def _shown(value: Any) -> str:
    """Roughly what a cell shows, to size its column."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, time, timedelta)):
        return "2026-10-03 08:00" if isinstance(value, datetime) else "2026-10-03"
    return str(value)


def _write_value(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, timedelta):
        ws.write_number(row, col, value.total_seconds() / 86400, fmt)
    elif isinstance(value, (date, time)):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _comment_options(text: str) -> dict[str, Any]:
    lines = sum(max(1, math.ceil(text_width(line) / 40)) for line in text.split("\n"))
    return {"author": "officekit", "width": 300, "height": min(400, 24 + 17 * lines)}


def _cell_notes(issues: list[Issue]) -> dict[str, dict[tuple[int, int], list[Issue]]]:
    """Issues that point at a cell, per sheet name and (row, col), errors first."""
    notes: dict[str, dict[tuple[int, int], list[Issue]]] = defaultdict(lambda: defaultdict(list))
    for issue in issues:
        if issue.sheet is not None and issue.row is not None and issue.col is not None \
                and 1 <= issue.row <= _MAX_ROW and 0 <= issue.col <= _MAX_COL \
                and issue.severity in _FILLS:
            notes[issue.sheet][(issue.row, issue.col)].append(issue)
    for cells in notes.values():
        for found in cells.values():
            found.sort(key=lambda i: _SEVERITY_RANK.get(i.severity, 3))
    return notes


def _write_sheet(ws: Any, sheet: RawSheet, notes: dict[tuple[int, int], list[Issue]],
                 fmts: _Formats, lang: str) -> None:
    covered: set[tuple[int, int]] = set()
    merges: list[tuple[int, int, int, int]] = []
    for r0, c0, r1, c1 in sheet.merged:
        cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if len(cells) < 2 or cells & covered or r0 < 0 or c0 < 0:
            continue  # a single cell, or overlapping a range already merged: Excel refuses it
        covered |= cells
        merges.append((r0, c0, r1, c1))
    for r0, c0, r1, c1 in merges:
        value = sheet.cell(r0 + 1, c0)
        found = notes.get((r0 + 1, c0))
        fmt = fmts.cell(_value_format(value), found[0].severity if found else None, merged=True)
        ws.merge_range(r0, c0, r1, c1, "", fmt)
        _write_value(ws, r0, c0, value, fmt)

    widths: dict[int, int] = {}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if (r, c) in covered or (value is None and (r + 1, c) not in notes):
                continue
            found = notes.get((r + 1, c))
            fmt = fmts.cell(_value_format(value), found[0].severity if found else None)
            _write_value(ws, r, c, value, fmt)
            if r < _WIDTH_SAMPLE_ROWS and value is not None:
                widths[c] = max(widths.get(c, 0), text_width(_shown(value)))
    # marked cells beyond the data (an empty required cell at the row's end)
    for (row1, col), found in notes.items():
        r = row1 - 1
        if (r >= len(sheet.rows) or col >= len(sheet.rows[r])) and (r, col) not in covered:
            ws.write_blank(r, col, None, fmts.cell(None, found[0].severity))
    for (row1, col), found in notes.items():
        sep = ": " if lang == "en" else "："
        text = "\n".join(f"{_t(i.severity, lang)}{sep}{i.message(lang)}" for i in found)
        ws.write_comment(row1 - 1, col, text, _comment_options(text))
    for c, w in widths.items():
        ws.set_column(c, c, min(50, max(8, w + 2)))
    _print_setup(ws)


def _print_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # all columns on one page width, as many pages down as needed


def _write_text(ws: Any, row: int, col: int, text: str, fmt: Any) -> None:
    if text:
        ws.write_string(row, col, text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def _write_list(ws: Any, name: str, issues: list[Issue], names: dict[str, str],
                fmts: _Formats, lang: str) -> None:
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = sum(1 for i in issues if i.severity == "warning")
    last_col = len(_LIST_COLUMNS) - 1
    ws.write_string(0, 0, _t("title", lang, file=name), fmts.title)
    ws.write_string(1, 0, _t("counts", lang, errors=errors, warnings=warnings)
                    if issues else _t("none", lang), fmts.counts)
    ws.merge_range(2, 0, 2, last_col, _t("todo", lang), fmts.todo)
    ws.set_row(2, 32)
    for c, key in enumerate(_LIST_COLUMNS):
        ws.write_string(_HEADER_ROW, c, _t(key, lang), fmts.header)

    widths = list(_LIST_WIDTHS)
    links = 0
    for n, issue in enumerate(issues, start=1):
        r = _HEADER_ROW + n
        level_fmt = fmts.levels.get(issue.severity, fmts.text)
        ws.write_number(r, 0, n, fmts.text)
        ws.write_string(r, 1, _t(issue.severity, lang), level_fmt)
        ws.write_string(r, 2, issue.code, fmts.text)
        shown_sheet = names.get(issue.sheet or "", issue.sheet or "")
        _write_text(ws, r, 3, shown_sheet, fmts.text)
        target = issue.cell or (cell_ref(issue.row, 0) if issue.row is not None else None)
        if issue.sheet in names and target and links < _MAX_LINKS:
            ws.write_url(r, 4, _link(shown_sheet, target), fmts.link, issue.cell or target)
            links += 1
        elif issue.cell:
            ws.write_string(r, 4, issue.cell, fmts.text)
        _write_text(ws, r, 5, issue.column or "", fmts.text)
        value = json_value(issue.value)
        _write_text(ws, r, 6, "" if value is None else str(value), fmts.wrap)
        message = issue.message(lang)
        _write_text(ws, r, 7, message, fmts.wrap)
        for c, text in ((2, issue.code), (3, shown_sheet), (5, issue.column or "")):
            widths[c] = min(30, max(widths[c], text_width(text) + 2))
        lines = max(math.ceil(text_width(message) / (_LIST_WIDTHS[7] - 1)),
                    math.ceil(text_width(str(value or "")) / (_LIST_WIDTHS[6] - 1)), 1)
        ws.set_row(r, 16 * min(lines, 12))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    _print_setup(ws)
    ws.repeat_rows(_HEADER_ROW)
    ws.freeze_panes(_HEADER_ROW + 1, 0)
    ws.autofilter(_HEADER_ROW, 0, _HEADER_ROW + max(len(issues), 1), last_col)
    ws.activate()


def write_annotated(workbook: Workbook, issues: list[Issue], dest: Path,
                    lang: str = "zh") -> Path:
    """Write the annotated copy of ``workbook`` to ``dest`` (.xlsx) and return ``dest``.

    First sheet: the list of every issue (level, code, sheet, a link to the cell, column,
    value, message in ``lang``) under a title with the file name, the counts and what to do.
    Then each original sheet with its values, merged ranges kept, the cells with an error or
    warning filled (light red / light yellow) and commented. Issues with no cell appear in
    the list only. Written to a temporary file beside ``dest`` and renamed over it, so a
    reader never sees half a file.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(key="error.workspace.mkdir", path=str(dest.parent),
                             detail=str(exc)) from exc
    list_name = _t("sheet", lang)
    sheet_names = safe_sheet_names([s.name for s in workbook.sheets], reserved=[list_name])
    names = dict(zip((s.name for s in workbook.sheets), sheet_names, strict=True))
    notes = _cell_notes(issues)

    # a hidden .tmp name the watcher ignores; created by xlsxwriter, so with the usual
    # permissions (mkstemp's 0600 would hide the copy from others on a shared folder)
    tmp = winpath.temp_beside(dest)
    try:
        book = xlsxwriter.Workbook(str(tmp), {
            "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False, "nan_inf_to_errors": True,
        })
        fmts = _Formats(book)
        list_ws = book.add_worksheet(list_name)
        _write_list(list_ws, Path(workbook.path).name, issues, names, fmts, lang)
        for sheet, shown in zip(workbook.sheets, sheet_names, strict=True):
            ws = book.add_worksheet(shown)
            sheet_notes = notes.get(sheet.name, {})
            _write_sheet(ws, sheet, sheet_notes, fmts, lang)
            if not sheet.visible and not sheet_notes:
                ws.hide()
        book.close()
        os.replace(tmp, dest)
    except (OSError, XlsxFileError) as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(key="error.workspace.write-annotated", path=str(dest),
                             detail=str(exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest
