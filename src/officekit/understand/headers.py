"""Finding the header row and mapping its columns to the fields of a kind (SPEC §3).

The header is searched in the first 15 rows. Title rows, blank rows and merged title cells
score nothing; a two-row header (an upper row of merged group cells such as ``客户信息`` over
``客户姓名``/``联系电话``) is read as one row: the lower cell, or the upper one where the lower
is empty. Headers match a kind's canonical names and aliases (plus the office's aliases from
settings) after :func:`~officekit.understand.values.normalize_header`; matching is per kind,
because some aliases (编号, 电话, 状态, 类型) mean different fields in different kinds.

This module also knows the sheet's data region: merged cells below the header are filled in,
and total lines (合计/小计) and footer notes (制表人：…) are recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from officekit.kinds import KINDS, Kind
from officekit.model import Issue, cell_ref
from officekit.read import RawSheet
from officekit.settings import Settings
from officekit.understand.values import display, is_blank, nearest, normalize_header

HEADER_SEARCH_ROWS = 15
# Row counters nearly every office sheet starts with: not data, so not noted as extra columns
# (the duties kind reads 序号 as its own field first).
ROW_COUNTER_HEADERS = frozenset({"序号", "行号", "no", "no.", "#"})
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")  # 受理时间(年/月/日) → 受理时间


@dataclass(frozen=True, slots=True)
class HeaderIndex:
    """Per kind: normalised header text → field name (canonical names, aliases, settings)."""

    by_kind: dict[str, dict[str, str]]

    def match(self, kind: str, norm: str) -> str | None:
        table = self.by_kind[kind]
        found = table.get(norm)
        if found is None and norm.endswith(")"):
            found = table.get(_TRAILING_NOTE.sub("", norm))
        return found


def build_index(settings: Settings) -> HeaderIndex:
    """The header index for ``settings`` (office aliases added to the built-in ones)."""
    by_kind: dict[str, dict[str, str]] = {}
    for kind in KINDS.values():
        table: dict[str, str] = {}
        for f in kind.fields:
            for h in (*f.headers, *settings.aliases_for(kind.name, f.name)):
                table.setdefault(normalize_header(h), f.name)
        by_kind[kind.name] = table
    return HeaderIndex(by_kind)


@dataclass(slots=True)
class HeaderRow:
    """A candidate header: ``row`` is the (lower) 1-based row the data starts under."""

    row: int
    cells: dict[int, Any]  # 0-based column → header value as written (combined for two rows)
    upper: int | None = None  # the upper row of a two-row header
    norm: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.norm = {c: normalize_header(v) for c, v in self.cells.items()}

    def text(self, col: int) -> str:
        return display(self.cells.get(col))


def merged_value(sheet: RawSheet, row: int, col: int,
                 merges: Iterable[tuple[int, int, int, int]] | None = None) -> Any:
    """The value shown at 1-based ``row``/0-based ``col``: a merged cell's top-left value."""
    value = sheet.cell(row, col)
    if value is None:
        for r0, c0, r1, c1 in sheet.merged if merges is None else merges:
            if r0 <= row - 1 <= r1 and c0 <= col <= c1:
                return sheet.cell(r0 + 1, c0)
    return value


def _row_cells(sheet: RawSheet, row: int, merges: list[tuple[int, int, int, int]]
               ) -> dict[int, Any]:
    width = len(sheet.rows[row - 1]) if row <= len(sheet.rows) else 0
    here = [m for m in merges if m[0] <= row - 1 <= m[2]]
    cells = {c: merged_value(sheet, row, c, here) for c in range(width)}
    for r0, c0, _r1, c1 in here:  # a merge may reach past the row's last stored cell
        for c in range(max(c0, width), c1 + 1):
            cells[c] = sheet.cell(r0 + 1, c0)
    return {c: v for c, v in cells.items() if not is_blank(v)}


def header_candidates(sheet: RawSheet) -> list[HeaderRow]:
    """Every row of the first 15 as a header, and every pair of rows as a two-row header."""
    out: list[HeaderRow] = []
    last = min(HEADER_SEARCH_ROWS, len(sheet.rows))
    width = max(map(len, sheet.rows[:last]), default=0)
    merges = [(r0, c0, r1, min(c1, width)) for r0, c0, r1, c1 in sheet.merged if r0 < last]
    previous: dict[int, Any] = {}
    for r in range(1, last + 1):
        cells = _row_cells(sheet, r, merges)
        if cells:
            out.append(HeaderRow(r, cells))
            if previous:
                combined = {c: cells.get(c, previous.get(c))
                            for c in sorted(set(cells) | set(previous))}
                out.append(HeaderRow(r, combined, upper=r - 1))
        previous = cells
    return out


@dataclass(slots=True)
class ColumnMap:
    """How one header row maps to the fields of one kind."""

    kind: Kind
    header: HeaderRow
    fields: dict[str, int]  # field name → column
    extra: list[int]  # columns with a header that is no field of the kind
    duplicates: list[tuple[str, int, int]]  # (field, first column, repeated column)
    # the required groups when they differ from the kind's (the wide schedule's day columns
    # stand for 日期 and 班次, so only 工号 or 姓名 is required there)
    needs: tuple[tuple[str, ...], ...] | None = None

    @property
    def required_groups(self) -> list[tuple[str, ...]]:
        """Required fields, a ``one_of`` pair counted once (工号 or 姓名)."""
        if self.needs is not None:
            return list(self.needs)
        groups: list[tuple[str, ...]] = []
        for f in self.kind.required:
            group = tuple(sorted((f.name, f.one_of))) if f.one_of else (f.name,)
            if group not in groups:
                groups.append(group)
        return groups

    @property
    def missing(self) -> list[tuple[str, ...]]:
        return [g for g in self.required_groups if not any(n in self.fields for n in g)]

    @property
    def required_found(self) -> int:
        return len(self.required_groups) - len(self.missing)

    @property
    def coverage(self) -> float:
        groups = self.required_groups
        return self.required_found / len(groups) if groups else 0.0

    def score(self) -> tuple[int, int, int, int]:
        # more fields, more required fields; then a one-row header, then the earlier row
        return (len(self.fields), self.required_found, self.header.upper is None,
                -self.header.row)


def map_columns(kind: Kind, header: HeaderRow, index: HeaderIndex,
                skip: Iterable[int] = ()) -> ColumnMap:
    """Map the columns of ``header`` to ``kind``'s fields; ``skip`` columns are left out."""
    skipped = set(skip)
    fields: dict[str, int] = {}
    extra: list[int] = []
    duplicates: list[tuple[str, int, int]] = []
    for col, norm in header.norm.items():
        if col in skipped or not norm:
            continue
        name = index.match(kind.name, norm)
        if name is None:
            if norm not in ROW_COUNTER_HEADERS:
                extra.append(col)
        elif name in fields:
            duplicates.append((name, fields[name], col))
        else:
            fields[name] = col
    return ColumnMap(kind, header, fields, extra, duplicates)


def best_map(kind: Kind, candidates: list[HeaderRow], index: HeaderIndex) -> ColumnMap | None:
    """The candidate header that maps the most of ``kind``'s fields, or None if none maps any."""
    best: ColumnMap | None = None
    for header in candidates:
        cmap = map_columns(kind, header, index)
        if cmap.fields and (best is None or cmap.score() > best.score()):
            best = cmap
    return best


def header_issues(cmap: ColumnMap, sheet: str, settings: Settings) -> list[Issue]:
    """``missing-column``, ``duplicate-column`` and ``extra-column`` issues of a mapping."""
    issues: list[Issue] = []
    row = cmap.header.row
    kind = cmap.kind
    extra_texts = [cmap.header.text(c) for c in cmap.extra]
    for group in cmap.missing:
        names = [kind.field(n) for n in group]
        headers = [h for f in names for h in (*f.headers, *settings.aliases_for(kind.name, f.name))]
        expected = "或".join(f.header for f in names)
        aliases = [h for h in headers if h not in {f.header for f in names}]
        found = nearest(expected, extra_texts) if extra_texts else None
        if found is None:
            for h in headers:
                found = nearest(h, extra_texts) if extra_texts else None
                if found:
                    break
        issues.append(Issue("error", "missing-column", sheet=sheet, row=row, field=group[0],
                            params={"expected": expected,
                                    "expected_en": " or ".join(f.header for f in names),
                                    "aliases": "、".join(aliases),
                                    "aliases_en": ", ".join(aliases),
                                    "nearest": found or "", "kind": kind.name}))
    for name, first, col in cmap.duplicates:
        issues.append(Issue("error", "duplicate-column", sheet=sheet, row=row, col=col,
                            column=cmap.header.text(col), field=name,
                            value=cmap.header.text(col),
                            params={"first": cmap.header.text(first),
                                    "first_cell": cell_ref(row, first)}))
    for col in cmap.extra:
        text = cmap.header.text(col)
        issues.append(Issue("warning", "extra-column", sheet=sheet, row=row, col=col,
                            column=text, value=text))
    return issues


# --------------------------------------------------------------------------------------------
# The data region


def filled_rows(sheet: RawSheet, first_data_row: int) -> list[list[Any]]:
    """The sheet's rows with merged ranges at or below ``first_data_row`` (1-based) filled in.

    A merged 部门 cell spanning five rows applies to all five. The reader's rows are not
    changed: only the rows a merge touches are copied.
    """
    rows = sheet.rows
    merges = [m for m in sheet.merged if m[0] + 1 >= first_data_row]
    if not merges:
        return rows
    rows = list(rows)
    width = max(map(len, rows), default=0)
    copied: set[int] = set()
    for r0, c0, r1, c1 in merges:
        value = sheet.cell(r0 + 1, c0)
        c1 = min(c1, width - 1)  # a merge may run across the whole sheet
        if value is None:
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            if r not in copied:
                rows[r] = list(rows[r])
                copied.add(r)
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = value
    return rows


_TOTAL = re.compile(r"(?:合计|小计|总计|共计|总数|统计|汇总|.{0,4}人数)[:：]?"
                    r"|(?:制表|填表|审核|审批|负责人|备注|说明|注)[人]?[:：].*|以下空白")
TOTAL_FIRST_CHARS = frozenset(ch for ch in "合小总共统汇制填审负备说注以早中晚夜白值在出")


def is_total_row(row: list[Any]) -> bool:
    """A 合计/小计 line, a per-shift head count, or a footer note (制表人：…) — not data."""
    for v in row:
        if v is None:
            continue
        if type(v) is not str:
            return False
        s = v.strip()
        if not s:
            continue
        if s[0] not in TOTAL_FIRST_CHARS:
            return False
        return _TOTAL.fullmatch(re.sub(r"\s+", "", s)) is not None
    return False
