"""Dates and times as offices write them: Excel serials, ``2026-10-03``, ``2026年10月3日``,
``10月3日`` (year from the sheet's period), ``下午2:30``; one parser per DATE/DATETIME column.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from officekit.kinds import FieldType
from officekit.understand.problems import type_problem
from officekit.understand.text import NULL_MARKERS, Parser, fold, is_blank

# Dates and times

_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1.0, 109575.0  # 1900-01-01 … 2199-12-31

_TIME = (r"(?:\s*T?\s*(?P<ap>上午|下午|中午|晚上|凌晨|早上|am|pm)?\s*"
         r"(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2}|半)?\s*分?"
         r"(?:\s*:\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?\s*(?P<ap2>am|pm)?)?")
_DATE_FORMS = re.compile(
    r"(?:(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"|(?P<y8>\d{4})(?P<m8>\d{2})(?P<d8>\d{2})"
    r"|(?P<m2>\d{1,2})\s*[月/]\s*(?P<d2>\d{1,2})\s*[日号]?)" + _TIME,
    re.IGNORECASE,
)
_PM = frozenset({"下午", "晚上", "pm"})
_AM = frozenset({"上午", "凌晨", "早上", "am"})


# The forms most cells are written in (``2026-10-03 14:30``, ``2026/10/3 9:15``,
# ``2026年10月3日``): a narrower pattern than _DATE_FORMS, read in one step. Whatever it matches,
# _DATE_FORMS reads the same way.
_COMMON_FORM = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?"
                          r"(?: ([0-9]{1,2}):([0-9]{2}))?")


# The numbers of the common forms' fields, looked up rather than converted: one or two digits
# (``7``, ``07``, ``31``) and the years offices write.
_NUMBER = ({str(n): n for n in range(100)} | {f"{n:02d}": n for n in range(10)}
           | {str(n): n for n in range(1900, 2200)})


def _common_datetime(s: str) -> datetime | None:
    """``s`` (stripped) in one of the common forms, also when written full-width
    (``２０２６／１０／３``), as a datetime; None when it is in none of them, or names no real
    date or time (the full parse then decides)."""
    m = _COMMON_FORM.fullmatch(s)
    if m is None:
        if s.isascii():
            return None
        m = _COMMON_FORM.fullmatch(fold(s))
        if m is None:
            return None
    y, mo, d, hh, mm = m.groups()
    try:
        return datetime(_NUMBER.get(y) or int(y), _NUMBER[mo], _NUMBER[d],
                        _NUMBER[hh] if hh else 0, _NUMBER[mm] if mm else 0)
    except ValueError:
        return None


def serial_to_datetime(serial: float) -> datetime | None:
    """An Excel date serial (days since 1899-12-30, time as the fraction) → datetime."""
    if not (_SERIAL_MIN <= serial < _SERIAL_MAX):
        return None
    return _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def _ymd(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_datetime_text(text: str, year: int | None) -> datetime | None:
    """Text in any of the office's date forms (with or without a time) → datetime.

    ``2026-10-03``, ``2026/10/3``, ``2026.10.3``, ``2026年10月3日``, ``20261003``, and
    ``10月3日`` (the year given by the sheet's period), followed by ``14:30``, ``14:30:05``,
    ``下午2:30`` or ``14时30分``. None when the text is none of these.
    """
    s = fold(text).strip()
    m = _DATE_FORMS.fullmatch(s)
    if m is None:
        return None
    g = m.groupdict()
    if g["y"]:
        day = _ymd(int(g["y"]), int(g["m"]), int(g["d"]))
    elif g["y8"]:
        day = _ymd(int(g["y8"]), int(g["m8"]), int(g["d8"]))
    else:
        if year is None:
            raise type_problem(FieldType.DATE, "hint.no-year")
        day = _ymd(year, int(g["m2"]), int(g["d2"]))
    if day is None:
        return None
    if g["H"] is None:
        return datetime(day.year, day.month, day.day)
    hour = int(g["H"])
    minute = 30 if g["M"] == "半" else int(g["M"] or 0)
    second = int(g["S"] or 0)
    ap = (g["ap"] or g["ap2"] or "").lower()
    if ap in _PM and hour < 12:
        hour += 12
    elif ap in _AM and hour == 12:
        hour = 0
    elif ap == "中午" and hour < 6:
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _to_datetime(value: Any, year: int | None) -> datetime | None:
    t = type(value)
    if t is datetime:
        return value  # type: ignore[no-any-return]
    if t is date:
        return datetime(value.year, value.month, value.day)
    if t is float or t is int:
        if value.is_integer() and 19000101 <= value <= 21991231:  # 20261003 typed as a number
            n = int(value)
            d = _ymd(n // 10000, n // 100 % 100, n % 100)
            return None if d is None else datetime(d.year, d.month, d.day)
        return serial_to_datetime(float(value))
    if t is str:
        s = value.strip()
        if not s or s.casefold() in NULL_MARKERS:
            return None
        return parse_datetime_text(s, year)
    return None


def make_datetime_parser(year: int | None) -> Parser:
    """Parser for DATETIME columns: a date alone becomes midnight."""

    def parse(value: Any) -> datetime | None:
        if type(value) is datetime:
            return value
        if type(value) is str and (dt := _common_datetime(value.strip())) is not None:
            return dt
        if is_blank(value) or (type(value) is str and value.strip().casefold() in NULL_MARKERS):
            return None
        dt = _to_datetime(value, year)
        if dt is None:
            raise type_problem(FieldType.DATETIME)
        return dt

    return parse


def make_date_parser(year: int | None) -> Parser:
    """Parser for DATE columns: a time given with the date is dropped."""

    def parse(value: Any) -> date | None:
        t = type(value)
        if t is date:
            return value  # type: ignore[no-any-return]
        if t is datetime:
            return value.date()  # type: ignore[no-any-return]
        if t is str and (dt := _common_datetime(value.strip())) is not None:
            return dt.date()
        if is_blank(value) or (t is str and value.strip().casefold() in NULL_MARKERS):
            return None
        dt = _to_datetime(value, year)
        if dt is None:
            raise type_problem(FieldType.DATE)
        return dt.date()

    return parse
