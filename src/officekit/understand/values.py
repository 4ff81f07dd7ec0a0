"""Chinese-aware parsing of cell values (SPEC §3 "Value parsing must understand…").

Cells arrive as python-calamine gives them (str, float, int, bool, date, datetime, time, None).
For each column a parser is built once per sheet (:func:`make_parser`) and then called per cell:
already-typed values take a fast path before any regex, and repeated strings are looked up in a
per-column cache. A value that cannot be understood raises :class:`ValueProblem`, which the
caller turns into an :class:`~officekit.model.Issue` on that cell.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from officekit.kinds import Field, FieldType
from officekit.model import Issue
from officekit.settings import EnumSpec, Shift
from officekit.understand.answers import (
    BOOL_WORDS,
    SCALE_WORDS,
    parse_bool,
    parse_email,
    parse_phone,
    parse_scale,
    parse_staff,
    phone_digits,
)
from officekit.understand.dates import (
    make_date_parser,
    make_datetime_parser,
    parse_datetime_text,
    serial_to_datetime,
)
from officekit.understand.problems import EXAMPLES, ValueProblem, type_problem
from officekit.understand.text import (
    NULL_MARKERS,
    ColumnParser,
    Parser,
    display,
    fold,
    fold_text,
    is_blank,
    norm_key,
    normalize_header,
    to_int,
    to_text,
    to_texts,
)

# The parsing of single cells lives in the modules imported above; these names are read from
# here as well (classify, schedule, headers, the tests).
__all__ = [
    "BOOL_WORDS", "EXAMPLES", "NULL_MARKERS", "SCALE_WORDS", "SHIFT_SYNONYMS",
    "EnumLookup", "Memo", "Parser", "TextColumn", "ValueProblem", "display", "fold", "fold_text",
    "is_blank", "make_date_parser", "make_datetime_parser", "make_parser", "nearest", "norm_key",
    "normalize_header", "parse_bool", "parse_column", "parse_datetime_text", "parse_email",
    "parse_phone", "parse_scale", "parse_staff", "phone_digits", "problem_issue",
    "serial_to_datetime", "shift_lookup", "to_int", "to_text", "type_problem",
]


def nearest(text: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``text`` (by normalised characters), or None if nothing is close."""
    key = norm_key(text)
    pool = {norm_key(c): c for c in choices}
    for k, c in pool.items():  # 电话投诉 → 电话: one contains the other
        if k and (k in key or key in k):
            return c
    found = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.34)
    return pool[found[0]] if found else None


class _Known(dict[Any, Any]):
    """A memo's answers by cell value; a value not in it is parsed (and remembered) on lookup,
    so a whole column is mapped through ``__getitem__`` at C speed in one pass."""

    __slots__ = ("parse",)

    def __init__(self, parse: Parser, known: dict[Any, Any] | None) -> None:
        super().__init__(known or {})
        self.parse = parse

    def __missing__(self, value: Any) -> Any:
        result = self.parse(value)  # a value that raises is not remembered
        if len(self) < Memo.LIMIT:
            self[value] = result
        return result


class Memo(ColumnParser):
    """A parser that remembers: a value seen before is answered from ``known`` (a dict).

    Columns of words (enums, names, 是/否, 满意) repeat a handful of values, so a whole column
    is mapped through ``known`` at C speed and only the new values reach ``parse``, once each
    (see :func:`parse_column`). A value that raises is never remembered; past ``LIMIT``
    values nothing new is remembered.
    """

    LIMIT = 4096

    def __init__(self, parse: Parser, known: dict[Any, Any] | None = None) -> None:
        self.parse = parse
        self.known: dict[Any, Any] = _Known(parse, known)

    def __call__(self, value: Any) -> Any:
        return self.known[value]

    def column(self, values: list[Any]) -> list[Any]:
        return list(map(self.known.__getitem__, values))


class _TextKnown(dict[Any, Any]):
    """:func:`to_text`'s answers by cell value, parsed on lookup like :class:`_Known`.

    Only text and blank cells are remembered: ``1.0``, ``1`` and ``True`` are one key of a
    dict, yet read ``1``, ``1`` and ``是``."""

    __slots__ = ()

    def __missing__(self, value: Any) -> Any:
        result = to_text(value)
        if (value is None or type(value) is str) and len(self) < Memo.LIMIT:
            self[value] = result
        return result


class TextColumn(ColumnParser):
    """:func:`to_text` as one column's parser. A column that repeats a few texts (部门,
    处理结果) is mapped through a dict of the texts seen, at C speed; a column of mostly
    different texts (编号, 姓名, free text) by :func:`~officekit.understand.text.to_texts`,
    which then costs less. The first cells read (``SAMPLE`` of them) choose the dict; a column
    read in parts leaves it for good once a quarter of the cells it read were new texts (a
    column blank at first and free text further down)."""

    SAMPLE = 512

    def __init__(self) -> None:
        self.known: _TextKnown | None = None
        self.decided = False
        self.read = 0  # cells read through ``known``

    def __call__(self, value: Any) -> str | None:
        return to_text(value)

    def column(self, values: list[Any]) -> list[Any]:
        if not self.decided and len(values) >= self.SAMPLE:
            self.decided = True
            sample = values[:self.SAMPLE]
            if len(set(sample)) * 4 <= len(sample):
                self.known = _TextKnown()
        known = self.known
        if known is None:
            return to_texts(values)
        out = list(map(known.__getitem__, values))
        self.read += len(values)
        if len(known) * 4 > self.read:
            self.known = None
        return out


class EnumLookup:
    """Canonical values and synonyms of one enum, looked up after normalising.

    Unknown text raises the ``enum`` problem with the nearest allowed value as suggestion.
    """

    def __init__(self, canon: dict[str, str], allowed: tuple[str, ...]) -> None:
        self.canon = dict(canon)
        self.by_key = {norm_key(k): v for k, v in canon.items()}
        self.allowed = allowed

    @classmethod
    def of_spec(cls, spec: EnumSpec) -> EnumLookup:
        canon = {v: v for v in spec.values} | {k: v for k, v in spec.synonyms.items()
                                               if v in spec.values}
        return cls(canon, spec.values)

    def __call__(self, value: Any) -> str | None:
        s = to_text(value)
        if s is None:
            return None
        found = self.by_key.get(norm_key(s))
        if found is None:
            guess = nearest(s, self.canon)
            raise ValueProblem("enum", allowed="、".join(self.allowed),
                               allowed_en=", ".join(self.allowed),
                               suggestion=self.canon[guess] if guess is not None else "")
        return found

    def memo(self) -> Memo:
        """This lookup as a column parser that remembers the values it has seen."""
        return Memo(self, self.canon)


# Words offices write in a 排班表 for leave and rest, mapped to the default codes.
SHIFT_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("年假", "病假", "事假", "婚假", "产假", "丧假", "陪产假", "休假"), "假"),
    **dict.fromkeys(("调休", "轮休", "公休", "休班"), "休"),
}


def shift_lookup(shifts: dict[str, Shift]) -> EnumLookup:
    """Shift codes from settings: the code (``早``) or the shift's full name (``早班``)."""
    canon = {code: code for code in shifts}
    canon |= {s.name: code for code, s in shifts.items() if s.name not in canon}
    canon |= {w: c for w, c in SHIFT_SYNONYMS.items() if c in shifts and w not in canon}
    return EnumLookup(canon, tuple(shifts))


# --------------------------------------------------------------------------------------------
# One parser per column


def parse_column(values: list[Any], parse: Parser) -> list[Any]:
    """``parse`` mapped over a column. Raises the first :class:`ValueProblem`.

    A :class:`~officekit.understand.text.ColumnParser` reads the column at once: a
    :class:`Memo` maps it through its dict in one pass (the values it has not seen parsed
    once each, in order of first appearance, as they are met); a :class:`TextColumn` likewise
    when the column repeats a few texts. Either may be given a column in parts (blocks of rows).
    """
    if isinstance(parse, ColumnParser):
        return parse.column(values)
    return list(map(parse, values))


def _text_like(field: Field, enums: dict[str, EnumSpec], year: int | None) -> Parser:
    return TextColumn()


def _enum(field: Field, enums: dict[str, EnumSpec], year: int | None) -> Parser:
    if field.enum is None or field.enum not in enums:
        return TextColumn()
    return EnumLookup.of_spec(enums[field.enum]).memo()


def _numbered(field: Field, enums: dict[str, EnumSpec], year: int | None) -> Parser:
    from officekit.understand.numbered import parse_numbered

    def parse(value: Any) -> list[Any] | None:
        return parse_numbered(to_text(value)) or None

    return parse


_Factory = Callable[[Field, dict[str, EnumSpec], "int | None"], Parser]

_FACTORIES: dict[FieldType, _Factory] = {
    FieldType.TEXT: _text_like,
    FieldType.DATETIME: lambda f, e, year: make_datetime_parser(year),
    FieldType.DATE: lambda f, e, year: make_date_parser(year),
    FieldType.ENUM: _enum,
    FieldType.PHONE: lambda f, e, y: parse_phone,
    FieldType.STAFF: lambda f, e, y: Memo(parse_staff),
    FieldType.SCALE: lambda f, e, y: Memo(parse_scale),
    FieldType.BOOL: lambda f, e, y: Memo(parse_bool),
    FieldType.INT: lambda f, e, y: to_int,
    FieldType.EMAIL: lambda f, e, y: parse_email,
    FieldType.NUMBERED: _numbered,
}


def make_parser(field: Field, enums: dict[str, EnumSpec], year: int | None) -> Parser:
    """The parser for one column of ``field``; ``year`` completes dates written without one.

    Built once per sheet and column. STAFF columns give ``(工号, 姓名)`` tuples; NUMBERED
    columns give item trees (see :mod:`officekit.understand.numbered`).
    """
    return _FACTORIES[field.type](field, enums, year)


def problem_issue(problem: ValueProblem, sheet: str, row: int, col: int, column: str | None,
                  field: str | None, value: Any) -> Issue:
    """The issue for ``problem`` found in one cell (``row`` 1-based, ``col`` 0-based)."""
    shown = display(value) if type(value) is float else value
    return Issue(problem.severity, problem.code, sheet=sheet, row=row, col=col, column=column,
                 field=field, value=shown, params=problem.params)
