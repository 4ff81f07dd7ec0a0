"""Sheet → kind → records: the entry point of the understanding stage (SPEC §3).

Each sheet's kind is decided by its header (the best coverage of a kind's required fields;
words in the sheet or file name break ties). Sheets of no known kind are skipped with an info
note. The rows of a known sheet become records (``docs/architecture.md``) with the parse-level
issues: ``required``, ``type``, ``enum``, ``phone-format``, ``hidden-rows``,
``formula-no-cache`` and the header issues of :mod:`officekit.understand.headers`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, count, repeat, zip_longest
from operator import is_, itemgetter
from pathlib import PurePath
from typing import Any

from officekit.i18n import t
from officekit.kinds import KINDS, Field, FieldType, Kind
from officekit.model import Issue, LazyRecords, Record, SheetResult, is_result_sheet
from officekit.read import RawSheet, Workbook
from officekit.settings import Settings
from officekit.understand.headers import (
    TOTAL_FIRST_CHARS,
    ColumnMap,
    HeaderIndex,
    HeaderRow,
    best_map,
    build_index,
    filled_rows,
    header_candidates,
    header_issues,
    is_total_row,
)
from officekit.understand.numbered import parse_duty_item, parse_numbered
from officekit.understand.schedule import WideLayout, detect_wide, read_wide, shift_parser
from officekit.understand.values import (
    Parser,
    ValueProblem,
    fold,
    is_blank,
    make_parser,
    parse_column,
    problem_issue,
    to_text,
)

# Sheet names that announce a summary or notes sheet: such a sheet is read as a kind only when
# its header has every required column of it.
SUMMARY_HINTS = ("汇总", "统计", "说明", "目录", "图表", "封面", "分析", "示例说明")

# Why a sheet is skipped: the catalogue's ``skip-reason.<reason>``, carried in both languages
# in the ``skipped-sheet`` issue's params
SKIP_REASONS = ("empty", "unknown-header")

# Defaults that depend on the record (SPEC §3); enum defaults come from settings.
COMPUTED_DEFAULTS: dict[tuple[str, str], Callable[[Record], Any]] = {
    ("visits", "purpose"): lambda r: "投诉回访" if r.get("complaint_id") else "日常回访",
    ("visits", "reached"): lambda r: True,
}


# --------------------------------------------------------------------------------------------
# Period


_YEAR_MONTH = (
    re.compile(r"(?<!\d)(20\d{2})[-/._年](0?[1-9]|1[0-2])(?!\d)"),
    re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?:[0-3]\d)?(?!\d)"),
)
_MONTH = re.compile(r"(?<!\d)(0?[1-9]|1[0-2])月")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:年|(?!\d))")


def detect_period(texts: list[str]) -> tuple[int | None, int | None]:
    """(year, month) named by the first of ``texts`` (title rows, sheet name, file name).

    ``2026年10月``, ``2026-10``, ``202610``, ``20261015``; ``10月`` takes its year from
    another of the texts. Either part is None when nothing names it.
    """
    cleaned = [re.sub(r"\s+", "", fold(t)) for t in texts if t]
    for text in cleaned:
        for pattern in _YEAR_MONTH:
            m = pattern.search(text)
            if m:
                return int(m[1]), int(m[2])
    month = next((int(m[1]) for t in cleaned if (m := _MONTH.search(t))), None)
    year = next((int(m[1]) for t in cleaned if (m := _YEAR.search(t))), None)
    return year, month


def _title_texts(sheet: RawSheet, above: int) -> list[str]:
    return [v.strip() for row in sheet.rows[:above - 1] for v in row
            if isinstance(v, str) and v.strip()]


# --------------------------------------------------------------------------------------------
# Kind


def _hint(kind: Kind, sheet_name: str, file_name: str) -> int:
    if any(h in sheet_name for h in kind.name_hints):
        return 2
    return 1 if any(h in file_name for h in kind.name_hints) else 0


def choose_kind(sheet_name: str, file_name: str, candidates: list[HeaderRow],
                index: HeaderIndex) -> ColumnMap | None:
    """The kind (as its column mapping) a sheet's header shows, or None for no known kind."""
    maps = [m for kind in KINDS.values() if (m := best_map(kind, candidates, index))]
    if not maps:
        return None
    best = max(maps, key=lambda m: (m.coverage, _hint(m.kind, sheet_name, file_name),
                                    m.required_found, len(m.fields)))
    if best.coverage >= 1.0:
        return best
    # A header lacking some required columns is still taken for the kind (and the missing
    # columns reported) when enough is there to be sure: half of the required columns and at
    # least three, or a third of them with the kind named in the sheet or file name.
    if any(h in sheet_name for h in SUMMARY_HINTS) or best.required_found < 2:
        return None
    hinted = _hint(best.kind, sheet_name, file_name) > 0
    if (best.coverage >= 0.5 and best.required_found >= 3) or (hinted and best.coverage >= 1 / 3):
        return best
    return None


# --------------------------------------------------------------------------------------------
# Rows → records


@dataclass(slots=True)
class _Read:
    records: list[Record]
    issues: list[Issue]
    rows: int
    values: dict[str, list[Any]] = field(default_factory=dict)  # see SheetResult.values


def _parsers(kind: Kind, settings: Settings, year: int | None, seq_layout: bool
             ) -> dict[str, Parser]:
    parsers = {f.name: make_parser(f, settings.enums, year) for f in kind.fields}
    if kind.name == "schedule":
        parsers["shift"] = shift_parser(settings)
    if seq_layout:  # kept as text until the rows are grouped (see _group_duties)
        parsers["duties"] = to_text
    return parsers


def _constant(value: Any) -> Callable[[Record], Any]:
    return lambda record: value


def _defaults(kind: Kind, settings: Settings) -> list[tuple[str, Callable[[Record], Any]]]:
    out: list[tuple[str, Callable[[Record], Any]]] = []
    for f in kind.fields:
        spec = settings.enums.get(f.enum) if f.enum else None
        if spec is not None and spec.default is not None:
            out.append((f.name, _constant(spec.default)))
        elif (kind.name, f.name) in COMPUTED_DEFAULTS:
            out.append((f.name, COMPUTED_DEFAULTS[(kind.name, f.name)]))
    return out


def _data_rows(rows: list[list[Any]], start: int, end: int | None = None
               ) -> tuple[list[list[Any]], list[int]]:
    """The data rows from 0-based ``start`` (to ``end``, exclusive) and their sheet row numbers.

    Fully empty rows and total lines (合计/小计, footer notes) are left out.
    """
    data: list[list[Any]] = []
    numbers: list[int] = []
    for i in range(start, len(rows) if end is None else min(end, len(rows))):
        row = rows[i]
        for v in row:
            if v is not None and (type(v) is not str or v.strip()):
                break
        else:
            continue  # an empty row
        if type(v) is str and v.lstrip()[0] in TOTAL_FIRST_CHARS and is_total_row(row):
            continue
        data.append(row)
        numbers.append(i + 1)
    return data, numbers


# Rows read per block (read_records, _columns): one block's rows and cells stay in the CPU cache
# while each of its columns is taken and parsed. Taking a column from all 100,000 rows at once
# touches every row again for every column (five times the cost), and each further pass over a
# whole column meets its cells cold again (~10 ms per 100,000 cells, in C or in Python alike).
_BLOCK = 1024


def _columns(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """Columns ``0 .. width - 1`` of ``rows``; a row that ends early reads None beyond."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    for start in range(0, len(rows), _BLOCK):
        block = rows[start:start + _BLOCK]
        found = 0
        for column, values in zip(columns, zip_longest(*block), strict=False):
            column.extend(values)
            found += 1
        for column in columns[found:]:  # beyond every row of the block
            column.extend([None] * len(block))
    return columns


def _parse_column(values: list[Any], parse: Parser, numbers: list[int], name: str, col: int,
                  column: str, field: str, issues: list[Issue]) -> list[Any]:
    """Parse one column; the per-cell loop with issues runs only for a column with a problem."""
    try:
        return parse_column(values, parse)
    except ValueProblem:
        pass
    out: list[Any] = []
    for value, r in zip(values, numbers, strict=True):
        try:
            out.append(parse(value))
        except ValueProblem as problem:
            issues.append(problem_issue(problem, name, r, col, column, field, value))
            out.append(problem.keep)
    return out


def read_records(name: str, rows: list[list[Any]], cmap: ColumnMap, settings: Settings,
                 year: int | None, seq_layout: bool = False, lazy: bool = False) -> _Read:
    """Parse every data row under ``cmap``'s header into a record (the hot path).

    Works a block of rows at a time (:data:`_BLOCK`), and within a block column by column: a
    parser is built once per column and mapped over the block's values. A block's cells are
    looked at while they are still in the CPU cache — a column over all 100,000 rows would
    meet every cell there cold once for each pass — so a large sheet costs a fraction of a
    microsecond per cell. Records are then zipped together, with ``_sheet`` and ``_row`` (the
    sheet's own 1-based row). ``lazy``: the records are :class:`~officekit.model.LazyRecords`,
    zipped from the columns as they are when first looked at (unless a default is to be
    filled in: then at once).
    """
    kind = cmap.kind
    header = cmap.header
    parsers = _parsers(kind, settings, year, seq_layout)
    width = max(cmap.fields.values(), default=0) + 1
    issues: list[Issue] = []
    numbers: list[int] = []
    # record key → its column of parsed values (None for a column the sheet does not have)
    columns: dict[str, list[Any] | None] = {}
    for f in kind.fields:
        for key in _keys_of(f):
            columns[key] = [] if f.name in cmap.fields else None
    for start in range(header.row, len(rows), _BLOCK):
        data, block_numbers = _data_rows(rows, start, start + _BLOCK)
        if data:
            _read_block(name, data, block_numbers, cmap, parsers, width, columns, issues)
            numbers.extend(block_numbers)

    keys = ("_sheet", "_row", *columns)
    by_key = {"_row": numbers} | {k: c for k, c in columns.items() if c is not None}
    defaults = [(key, default) for key, default in _defaults(kind, settings)
                if (column := columns[key]) is None or None in column]
    if lazy and not defaults:
        return _Read(LazyRecords(partial(_zip_records, name, keys, by_key)), issues,
                     len(numbers), by_key)
    records = _zip_records(name, keys, by_key)
    for key, default in defaults:
        by_key.pop(key, None)  # the records hold the defaults, not the column
        for rec in records:
            if rec[key] is None:
                rec[key] = default(rec)
    return _Read(records, issues, len(records), by_key)


def _read_block(name: str, data: list[list[Any]], numbers: list[int], cmap: ColumnMap,
                parsers: dict[str, Parser], width: int, columns: dict[str, list[Any] | None],
                issues: list[Issue]) -> None:
    """One block of data rows parsed: its values appended to ``columns``, its issues (the
    parse-level ones and ``required``) to ``issues``."""
    kind = cmap.kind
    header = cmap.header
    cells = _columns(data, width)
    parsed_block: dict[str, list[Any] | None] = {}
    for f in kind.fields:
        col = cmap.fields.get(f.name)
        parsed = None if col is None else _parse_column(
            cells[col], parsers[f.name], numbers, name, col, header.text(col), f.name, issues)
        if f.type is FieldType.STAFF:  # (工号, 姓名) → two columns
            parsed_block[f"{f.name}_id"] = None if parsed is None else list(map(_FIRST, parsed))
            parsed_block[f"{f.name}_name"] = None if parsed is None else list(map(_SECOND,
                                                                                 parsed))
        else:
            parsed_block[f.name] = parsed
    for group in cmap.required_groups:
        present = [n for n in group if n in cmap.fields]
        if present:  # a missing column is reported once, as missing-column
            _required(group, present, kind, cmap, parsed_block, cells, numbers, name, issues)
    for key, values in parsed_block.items():
        column = columns[key]
        if column is not None and values is not None:
            column.extend(values)


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _keys_of(f: Field) -> tuple[str, ...]:
    """The record keys a field's column fills: a STAFF column fills ``X_id`` and ``X_name``."""
    return (f"{f.name}_id", f"{f.name}_name") if f.type is FieldType.STAFF else (f.name,)


def _zip_records(name: str, keys: tuple[str, ...], columns: dict[str, list[Any]]
                 ) -> list[Record]:
    """One record per row: ``_sheet`` is ``name``, each other key its value in ``columns``
    (None for a key with no column there)."""
    values = [repeat(name), *(repeat(None) if (c := columns.get(k)) is None else c
                              for k in keys[1:])]
    return list(map(dict, map(zip, repeat(keys), zip(*values, strict=False))))


def _nones(column: list[Any]) -> list[int]:
    """The positions of None in ``column``, by identity: no value is looked at (C speed)."""
    return list(compress(count(), map(is_, column, repeat(None))))


def _required(group: tuple[str, ...], present: list[str], kind: Kind, cmap: ColumnMap,
              columns: dict[str, list[Any] | None], cells: list[list[Any]], numbers: list[int],
              name: str, issues: list[Issue]) -> None:
    """``required`` on each blank cell of a required field (a ``one_of`` group: all blank).

    A cell whose value failed to parse already has its own issue and is not reported again.
    """
    keys = [k for n in group for k in _keys_of(kind.field(n))]
    parsed = [c for k in keys if (c := columns.get(k)) is not None]
    if not parsed or not all(None in c for c in parsed):
        return  # a key with a value on every row
    empty = _nones(parsed[0])
    for c in parsed[1:]:
        empty = [j for j in empty if c[j] is None]
    cols = [cmap.fields[n] for n in present]
    col = cols[0]
    column = cmap.header.text(col)
    for j in empty:
        if all(is_blank(cells[c][j]) for c in cols):
            issues.append(Issue("error", "required", sheet=name, row=numbers[j], col=col,
                                column=column, field=present[0]))


def _fill_down(rows: list[list[Any]], start: int, cols: list[int]) -> list[list[Any]]:
    """Blank ``cols`` of a non-empty row take the value above (序号 layout: one role, many rows)."""
    rows = list(rows)
    above: dict[int, Any] = {}
    for i in range(start, len(rows)):
        row = rows[i]
        if all(is_blank(v) for v in row):
            continue
        for c in cols:
            v = row[c] if c < len(row) else None
            if is_blank(v) and c in above:
                row = rows[i] = list(row) + [None] * max(0, c + 1 - len(row))
                row[c] = above[c]
            elif not is_blank(v):
                above[c] = v
    return rows


def _group_duties(records: list[Record]) -> list[Record]:
    """序号 layout: the rows of one (department, role) → one record, each row one duty item.

    A 序号 column is also often just a row counter over one role per row; when no role spans
    more than one row, each row's cell is read as numbered text like a sheet without 序号.
    """
    groups: dict[tuple[Any, Any], list[Record]] = {}
    for rec in records:
        groups.setdefault((rec["department"], rec["role"]), []).append(rec)
    per_row = any(len(g) > 1 for g in groups.values())
    out: list[Record] = []
    for rows in groups.values():
        merged = dict(rows[0], seq=None)
        for k in ("reports_to", "purpose", "requirements"):
            merged[k] = next((r[k] for r in rows if r[k] is not None), None)
        if per_row:
            items = [item for r in rows if (item := parse_duty_item(r["duties"])) is not None]
        else:
            items = parse_numbered(rows[0]["duties"])
        merged["duties"] = items or None
        out.append(merged)
    return out


# --------------------------------------------------------------------------------------------
# Sheet-level issues


def _hidden_rows_issue(sheet: RawSheet, rows: list[list[Any]], first: int, col: int
                       ) -> Issue | None:
    hidden = sorted(r for r in sheet.hidden_rows
                    if r >= first and r <= len(rows) and not all(is_blank(v) for v in rows[r - 1]))
    if not hidden:
        return None
    listed = "、".join(str(r) for r in hidden[:20]) + ("…" if len(hidden) > 20 else "")
    return Issue("warning", "hidden-rows", sheet=sheet.name, row=hidden[0], col=col,
                 params={"rows": listed, "rows_en": listed.replace("、", ", "),
                         "count": len(hidden)})


def _formula_issues(sheet: RawSheet, rows: list[list[Any]], first: int,
                    columns: dict[int, str], used: dict[int, str]) -> list[Issue]:
    """``formula-no-cache`` on the cells that are read: data rows, columns of a field or day.

    A formula in an extra column or in a 合计 line does not feed any record, so it is not noted.
    """
    return [Issue("warning", "formula-no-cache", sheet=sheet.name, row=r, col=c,
                  column=columns.get(c), field=used[c])
            for r, c in sorted(sheet.formula_no_cache)
            if c in used and first <= r <= len(rows) and not is_total_row(rows[r - 1])]


# --------------------------------------------------------------------------------------------
# Entry points


def _skipped(sheet: RawSheet, reason: str) -> tuple[SheetResult, list[Issue]]:
    key = f"skip-reason.{reason}"
    issue = Issue("info", "skipped-sheet", sheet=sheet.name, value=sheet.name,
                  params={"reason": t(key, "zh"), "reason_en": t(key, "en"),
                          "hidden": not sheet.visible})
    return SheetResult(name=sheet.name, kind=None, note=reason), [issue]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while records are built (and, in the pipeline,
    while a file is read and checked).

    A large sheet makes hundreds of thousands of dicts and lists, none of them in a cycle;
    the collector would otherwise rescan all of them again and again (a third of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def understand_sheet(sheet: RawSheet, settings: Settings, file_name: str = "",
                     index: HeaderIndex | None = None, *, lazy_records: bool = False
                     ) -> tuple[SheetResult, list[Issue]]:
    """One sheet → its kind, header, period and records, with the parse-level issues.
    ``lazy_records``: see :func:`read_records` (``lazy``)."""
    with gc_paused():
        return _understand_sheet(sheet, settings, file_name, index or build_index(settings),
                                 lazy_records)


def _understand_sheet(sheet: RawSheet, settings: Settings, file_name: str,
                      index: HeaderIndex, lazy_records: bool
                      ) -> tuple[SheetResult, list[Issue]]:
    if all(is_blank(v) for row in sheet.rows for v in row):
        return _skipped(sheet, "empty")
    candidates = header_candidates(sheet)
    stem = PurePath(file_name).stem
    wide: WideLayout | None = detect_wide(candidates, index, sheet.rows)
    cmap = wide.columns if wide is not None else choose_kind(sheet.name, stem, candidates,
                                                             index)
    if cmap is None:
        return _skipped(sheet, "unknown-header")
    header = cmap.header
    year, month = detect_period([*_title_texts(sheet, header.upper or header.row),
                                 sheet.name, stem])
    first_data = wide.first_data_row if wide is not None else header.row + 1
    rows = filled_rows(sheet, first_data)
    issues = header_issues(cmap, sheet.name, settings)

    if wide is not None:
        records, parsed, count = read_wide(sheet.name, rows, wide, settings, year, month)
        read = _Read(records, parsed, count)
        dates = {r["date"] for r in records}
        if dates and (year is None or month is None):
            first = min(dates)
            year, month = first.year, first.month
    else:
        seq_layout = cmap.kind.name == "duties" and "seq" in cmap.fields
        if seq_layout:
            rows = _fill_down(rows, header.row, [cmap.fields[k] for k in ("department", "role")
                                                 if k in cmap.fields])
        read = read_records(sheet.name, rows, cmap, settings, year, seq_layout,
                            lazy=lazy_records and not seq_layout)
        if seq_layout:
            read.records = _group_duties(read.records)
            read.values = {}
    issues.extend(sorted(read.issues, key=lambda i: (i.row or 0, i.col or 0)))

    columns = {c: header.text(c) for c in header.cells}
    field_cols = dict(cmap.fields)
    for f in cmap.kind.fields:
        if f.type is FieldType.STAFF and f.name in field_cols:
            field_cols[f"{f.name}_id"] = field_cols[f"{f.name}_name"] = field_cols[f.name]
    field_of = {c: f for f, c in cmap.fields.items()}
    hidden = _hidden_rows_issue(sheet, rows, first_data,
                                min(cmap.fields.values(), default=0))
    if hidden is not None:
        issues.append(hidden)
    used = field_of | ({c: "shift" for c in wide.days} if wide is not None else {})
    formula = _formula_issues(sheet, rows, first_data, columns, used)
    issues.extend(formula)
    lost = [(r, c) for r, c in sheet.formula_no_cache if r >= first_data and c in used]
    if read.rows == 0 and lost:
        # every data row was formulas with no stored value: accepted, it would store nothing
        issues.append(Issue("error", "formula-no-rows", sheet=sheet.name,
                            params={"count": len(lost)}))

    result = SheetResult(
        name=sheet.name, kind=cmap.kind.name, rows=read.rows, header_row=header.row,
        layout=("wide" if wide is not None else "long") if cmap.kind.name == "schedule" else None,
        period=f"{year:04d}-{month:02d}" if year and month else None,
        records=read.records, columns=columns, field_cols=field_cols, values=read.values,
    )
    return result, issues


def understand_workbook(wb: Workbook, settings: Settings, file_name: str, *,
                        lazy_records: bool = False) -> tuple[list[SheetResult], list[Issue]]:
    """Every sheet of a workbook understood; ``no-known-sheet`` when none is of a known kind.

    Hidden sheets of a known kind are read like the others; unknown sheets are skipped with
    an ``info`` note. ``lazy_records``: see :func:`read_records` (``lazy``).
    """
    index = build_index(settings)
    results: list[SheetResult] = []
    issues: list[Issue] = []
    for sheet in wb.sheets:
        if is_result_sheet(sheet.name, sheet.cell(1, 0)):
            continue  # an annotated copy dropped back in: its issue list is not data
        result, found = understand_sheet(sheet, settings, file_name, index,
                                         lazy_records=lazy_records)
        results.append(result)
        issues.extend(found)
    if not any(r.kind for r in results):
        names = "、".join(s.name for s in wb.sheets)
        issues.append(Issue("error", "no-known-sheet", value=file_name,
                            params={"sheets": names, "sheets_en": names.replace("、", ", "),
                                    "kinds": list(KINDS)}))
    return results, issues


__all__ = ["choose_kind", "detect_period", "gc_paused", "read_records", "understand_sheet",
           "understand_workbook"]
