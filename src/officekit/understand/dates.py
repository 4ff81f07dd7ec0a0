"""Dates and times as offices write them: Excel serials, ``2026-10-03``, ``2026年10月3日``,
``10月3日`` (year from the sheet's period), ``下午2:30``; one parser per DATE/DATETIME column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

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
# ``2026年10月3日``): a day, then maybe one space and a time — narrower than _DATE_FORMS, and
# whatever they match, _DATE_FORMS reads the same way.
_COMMON_DAY = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")
_COMMON_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_MIDNIGHT = time(0, 0)
_combine = datetime.combine


def _common_forms() -> tuple[Callable[[str], datetime | None], Callable[[str], datetime | None]]:
    """One column's reader of text in the common forms: ``read(s)`` of a stripped text gives
    its datetime, or None when it is in no common form or names no real date or time (the
    full parse then decides); ``read_folded(s)`` the same of ``s`` written full-width
    (``２０２６／１０／３``). Each day and time text met is read once and remembered (a column
    repeats a few hundred days and at most 1,440 minutes, False for one that is none), so a
    cell costs a split at its space and two lookups."""
    days: dict[str, date | Literal[False]] = {}
    times: dict[str, time | Literal[False]] = {}

    def read(s: str) -> datetime | None:
        day_text, space, time_text = s.partition(" ")
        day = days.get(day_text)
        if day is None:
            day = _day(day_text)
            if len(days) < _REMEMBERED:
                days[day_text] = day
        if not day:
            return None
        if not space:
            return _combine(day, _MIDNIGHT)
        clock = times.get(time_text)
        if clock is None:
            clock = _clock(time_text)
            if len(times) < _REMEMBERED:
                times[time_text] = clock
        return _combine(day, clock) if clock else None

    def read_folded(s: str) -> datetime | None:
        return None if s.isascii() else read(fold(s))

    return read, read_folded


_REMEMBERED = 8192  # day texts and time texts remembered per column, of each


def _day(text: str) -> date | Literal[False]:
    m = _COMMON_DAY.fullmatch(text)
    return (m is not None and _ymd(int(m[1]), int(m[2]), int(m[3]))) or False


def _clock(text: str) -> time | Literal[False]:
    m = _COMMON_TIME.fullmatch(text)
    if m is None or int(m[1]) > 23 or int(m[2]) > 59:
        return False
    return time(int(m[1]), int(m[2]))


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

    read, read_folded = _common_forms()

    def parse(value: Any) -> datetime | None:
        if type(value) is datetime:
            return value
        if type(value) is str:
            s = value.strip()
            if (dt := read(s)) is not None or (dt := read_folded(s)) is not None:
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

    read, read_folded = _common_forms()

    def parse(value: Any) -> date | None:
        t = type(value)
        if t is date:
            return value  # type: ignore[no-any-return]
        if t is datetime:
            return value.date()  # type: ignore[no-any-return]
        if t is str:
            s = value.strip()
            if (dt := read(s)) is not None or (dt := read_folded(s)) is not None:
                return dt.date()
        if is_blank(value) or (t is str and value.strip().casefold() in NULL_MARKERS):
            return None
        dt = _to_datetime(value, year)
        if dt is None:
            raise type_problem(FieldType.DATE)
        return dt.date()

    return parse
