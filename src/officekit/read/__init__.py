"""Reading workbooks (.xlsx/.xlsm/.xls/.ods) into plain rows of Python values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RawSheet:
    """One sheet as read, before anything is understood about it.

    ``rows[i]`` is sheet row ``i + 1`` (absolute: leading empty rows are kept as empty lists),
    ``rows[i][j]`` column ``j`` (0-based, A = 0). Values are what python-calamine gives:
    str, int, float, bool, datetime.date, datetime.datetime, datetime.time,
    datetime.timedelta or None for an empty cell. Trailing empty cells may be absent.
    """

    name: str
    rows: list[list[Any]]
    visible: bool = True
    # merged ranges: (first_row, first_col, last_row, last_col), 0-based, inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based sheet row numbers
    # (1-based row, 0-based col) of formula cells that have no stored (cached) value
    formula_no_cache: set[tuple[int, int]] = field(default_factory=set)

    def cell(self, row: int, col: int) -> Any:
        """Value at 1-based ``row`` and 0-based ``col``; None outside the data."""
        if row < 1 or row > len(self.rows):
            return None
        r = self.rows[row - 1]
        return r[col] if 0 <= col < len(r) else None


@dataclass(slots=True)
class Workbook:
    path: str
    format: str  # "xlsx" | "xlsm" | "xls" | "ods"
    sheets: list[RawSheet]
