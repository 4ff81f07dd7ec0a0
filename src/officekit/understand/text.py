"""Reading text cells: full-width folding, header normalising, blank and "nothing here"
cells, text and whole numbers as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from officekit.kinds import FieldType
from officekit.understand.problems import type_problem

Parser = Callable[[Any], Any]  # one column's cell → stored value (raises ValueProblem)


class ColumnParser:
    """A parser that also reads a whole column at once, with the answers it gives one cell at
    a time (see :func:`officekit.understand.values.parse_column`)."""

    def __call__(self, value: Any) -> Any:
        raise NotImplementedError

    def column(self, values: list[Any]) -> list[Any]:
        """Every value of ``values`` parsed; raises the first :class:`ValueProblem`."""
        return list(map(self, values))


# Full-width folding and header normalising

# Full-width ASCII block (！ … ～) → ASCII, and the ideographic space → space.
_FULL_TABLE = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
# In free text only digits, Latin letters and the space are folded: Chinese punctuation stays.
_TEXT_TABLE = {k: v for k, v in _FULL_TABLE.items()
               if chr(v).isalnum() or v == 0x20}
_HAS_FULL = re.compile("[\uff01-\uff5e\u3000]").search
_HAS_TEXT_FULL = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]").search
SPACE = re.compile(r"\s+")


def fold(s: str) -> str:
    """Full-width letters, digits and punctuation → half-width (``２０２６／１０`` → ``2026/10``).
    """
    if s.isascii() or not _HAS_FULL(s):
        return s
    return s.translate(_FULL_TABLE)


def fold_text(s: str) -> str:
    """Fold full-width digits, letters and spaces only; Chinese punctuation (，。：) is kept."""
    if s.isascii() or not _HAS_TEXT_FULL(s):
        return s
    return s.translate(_TEXT_TABLE)


def norm_key(s: str) -> str:
    """A lookup key: folded, without any whitespace, case-folded."""
    return SPACE.sub("", fold(s)).casefold()


_REQUIRED_MARK = r"[*※★]|\(必填\)|\(必选\)|\(选填\)"
_HEADER_MARKERS = re.compile(rf"^(?:{_REQUIRED_MARK})+|(?:{_REQUIRED_MARK}|:)+$")


def normalize_header(value: Any) -> str:
    """A header cell as matched against the aliases of :mod:`officekit.kinds`.

    All whitespace goes (``姓  名`` is ``姓名``), full-width folds to half-width, and the
    ``*``/``：``/``(必填)`` markers offices add to required columns are dropped at either end.
    """
    s = norm_key(display(value))
    while True:
        stripped = _HEADER_MARKERS.sub("", s)
        if stripped == s:
            return s
        s = stripped


def display(value: Any) -> str:
    """A cell value as the user sees it, for messages and headers (``1.0`` → ``1``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if not value.second else \
            value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def is_blank(value: Any) -> bool:
    """True for an empty cell (None, or a string of only whitespace)."""
    return value is None or (isinstance(value, str) and not value.strip())


# Cells offices write for "nothing here" in a typed column.
NULL_MARKERS = frozenset({"无", "/", "-", "--", "—", "——", "暂无", "n/a", "na", "null", "空"})


# Text and numbers


def to_text(value: Any) -> str | None:
    """Text as stored: stripped, full-width digits/letters folded; ``1001.0`` → ``1001``.

    Leading zeros of text cells are kept (``"0012"`` stays); a blank cell is None.
    """
    if type(value) is str:
        s = value.strip()
        if not s:
            return None
        if s.isascii() or not _HAS_TEXT_FULL(s):
            return s
        return s.translate(_TEXT_TABLE)
    if value is None:
        return None
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
    return display(value) or None


def to_texts(values: list[Any]) -> list[str | None]:
    """:func:`to_text` of each of ``values``. Text cells only, none blank and none with a
    full-width digit, letter or space (one search over them all) are just stripped, all at
    once; otherwise each is read by :func:`to_text`."""
    try:
        stripped: list[str | None] = list(map(str.strip, values))
    except TypeError:  # a cell that is not text
        return list(map(to_text, values))
    if "" in stripped:
        return list(map(to_text, values))
    joined = "\n".join(stripped)  # type: ignore[arg-type]
    if not joined.isascii() and _HAS_TEXT_FULL(joined):
        return list(map(to_text, values))
    return stripped


def to_int(value: Any) -> int | None:
    """A whole number from a number or text cell (``3``, ``3.0``, ``"３"``)."""
    if type(value) is float:
        if value.is_integer():
            return int(value)
        raise type_problem(FieldType.INT)
    if type(value) is int:
        return value
    s = to_text(value)
    if s is None:
        return None
    s = fold(s).rstrip(".")
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    if re.fullmatch(r"[+-]?\d+\.0*", s):
        return int(float(s))
    raise type_problem(FieldType.INT)
