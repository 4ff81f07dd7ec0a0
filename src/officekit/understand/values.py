"""Chinese-aware parsing of cell values (SPEC §3 "Value parsing must understand…").

Cells arrive as python-calamine gives them (str, float, int, bool, date, datetime, time, None).
For each column a parser is built once per sheet (:func:`make_parser`) and then called per cell:
already-typed values take a fast path before any regex, and repeated strings are looked up in a
per-column cache. A value that cannot be understood raises :class:`ValueProblem`, which the
caller turns into an :class:`~officekit.model.Issue` on that cell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from itertools import compress, repeat
from operator import is_
from typing import Any

from officekit.errors import OfficekitError
from officekit.kinds import Field, FieldType
from officekit.model import Issue, Severity
from officekit.settings import EnumSpec, Shift

Parser = Callable[[Any], Any]

# --------------------------------------------------------------------------------------------
# Problems


class ValueProblem(OfficekitError):
    """A cell value that does not fit its column.

    ``code`` is the issue code (``type``, ``enum``, ``phone-format``); ``keep`` is the value to
    store anyway (warnings keep the value as read); ``params`` feed the message catalogue.
    """

    def __init__(self, code: str, *, keep: Any = None, severity: Severity = "error",
                 **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.keep = keep
        self.severity: Severity = severity
        self.params = params


# type → (expected in Chinese, in English, an example the message can show)
EXPECTED: dict[FieldType, tuple[str, str, str]] = {
    FieldType.TEXT: ("文本", "text", "张三"),
    FieldType.INT: ("整数", "whole number", "3"),
    FieldType.DATE: ("日期", "date", "2026-10-03"),
    FieldType.DATETIME: ("日期时间", "date and time", "2026-10-03 14:30"),
    FieldType.PHONE: ("电话号码", "phone number", "13812345678"),
    FieldType.EMAIL: ("邮箱地址", "email address", "zhangsan@example.com"),
    FieldType.BOOL: ("是/否", "yes/no", "是"),
    FieldType.ENUM: ("规定的选项", "one of the allowed values", ""),
    FieldType.STAFF: ("工号或姓名", "staff number or name", "张三(1001)"),
    FieldType.SCALE: ("1–5 分或满意程度", "a score 1–5 or a satisfaction word", "满意"),
    FieldType.NUMBERED: ("文本", "text", "1、接听来电"),
}


def type_problem(ftype: FieldType, hint: str = "", hint_en: str = "") -> ValueProblem:
    """The ``type`` problem for a value that is not a ``ftype``."""
    zh, en, example = EXPECTED[ftype]
    return ValueProblem("type", expected=zh, expected_en=en, example=example,
                        hint=hint, hint_en=hint_en)


# --------------------------------------------------------------------------------------------
# Full-width folding and header normalising

# Full-width ASCII block (！ … ～) → ASCII, and the ideographic space → space.
_FULL_TABLE = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
# In free text only digits, Latin letters and the space are folded: Chinese punctuation stays.
_TEXT_TABLE = {k: v for k, v in _FULL_TABLE.items()
               if chr(v).isalnum() or v == 0x20}
_HAS_FULL = re.compile("[\uff01-\uff5e\u3000]").search
_HAS_TEXT_FULL = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]").search
_SPACE = re.compile(r"\s+")


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
    return _SPACE.sub("", fold(s)).casefold()


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


# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
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


def _common_datetime(s: str) -> datetime | None:
    """``s`` (stripped) in one of the common forms, as a datetime; None when it is in none of
    them, or names no real date or time (the full parse then decides)."""
    m = _COMMON_FORM.fullmatch(s)
    if m is None:
        return None
    y, mo, d, hh, mm = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0))
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
            raise type_problem(FieldType.DATE, "日期缺少年份，请写成 2026-10-03 的形式",
                               "the date has no year; write it as 2026-10-03")
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


# --------------------------------------------------------------------------------------------
# Phones and emails

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})(?:(?:转|ext|-|#)(\d{1,6}))?")
# A landline already in its stored form (010-12345678, 0571-87654321): read as is.
_LANDLINE_STORED = re.compile(r"(?:010|02[0-9]|0[3-9][0-9]{2})-[0-9]{7,8}")
_SERVICE = re.compile(r"[48]00\d{7}|95\d{3,4}|96\d{3,4}|1(?:00|23)\d{2}")
_PHONE_JUNK = re.compile(r"[\s\-()（）]+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def phone_digits(s: str) -> str | None:
    """A phone in its stored form, or None when it fits no known shape.

    Mobile ``13812345678`` (``+86`` and separators dropped), landline with area code
    ``010-12345678`` (extension as ``-123``), service numbers ``4001234567``, ``95598``.
    """
    compact = _PHONE_JUNK.sub("", fold(s))
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    if _MOBILE.fullmatch(compact) or _SERVICE.fullmatch(compact):
        return compact
    m = _LANDLINE.fullmatch(compact)
    if m:
        return f"{m[1]}-{m[2]}" + (f"-{m[3]}" if m[3] else "")
    return None


def parse_phone(value: Any) -> str | None:
    """A phone number; one that fits no known shape is kept with a ``phone-format`` warning."""
    if type(value) is str:  # most cells: a number as stored, 13812345678 or 0571-87654321
        s = value.strip()
        if len(s) == 11 and s.isascii() and s.isdigit() and s[0] == "1" and s[1] >= "3":
            return s
        if _LANDLINE_STORED.fullmatch(s):
            return s
    if type(value) is float or type(value) is int:
        if not float(value).is_integer():
            raise ValueProblem("phone-format", keep=display(value), severity="warning")
        n = int(value)
        if 13000000000 <= n < 20000000000:
            s = str(n)
            if s[1] >= "3":
                return s
        digits = str(n)
        found = phone_digits(digits) or phone_digits("0" + digits)  # a landline that lost its 0
        if found is None:
            raise ValueProblem("phone-format", keep=digits, severity="warning")
        return found
    text = to_text(value)
    if text is None or text.casefold() in NULL_MARKERS:
        return None
    found = phone_digits(text)
    if found is None:
        raise ValueProblem("phone-format", keep=text, severity="warning")
    return found


def parse_email(value: Any) -> str | None:
    """An email address (full-width ``＠`` folded, ``mailto:`` dropped)."""
    s = to_text(value)
    if s is None or s.casefold() in NULL_MARKERS:
        return None
    s = fold(s).strip()
    if s.casefold().startswith("mailto:"):
        s = s[7:]
    if _EMAIL.fullmatch(s):
        return s
    raise type_problem(FieldType.EMAIL)


# --------------------------------------------------------------------------------------------
# Booleans and satisfaction scales

BOOL_WORDS: dict[str, bool] = {
    **dict.fromkeys(("是", "成功", "联系成功", "已联系", "已接通", "接通", "有", "对", "√",
                     "✓", "✔", "y", "yes", "true", "1", "已回访"), True),
    **dict.fromkeys(("否", "失败", "联系失败", "未联系上", "未接通", "无人接听", "关机", "拒接",
                     "空号", "停机", "未联系", "无", "错", "×", "✗", "✘", "x", "n", "no",
                     "false", "0", "未回访"), False),
}


def parse_bool(value: Any) -> bool | None:
    """是/否-style answers (是 否 成功 失败 未接通 √ × Y N true false 1 0…)."""
    if type(value) is bool:
        return value
    if type(value) is float or type(value) is int:
        if value in (0, 1):
            return bool(value)
        raise type_problem(FieldType.BOOL)
    s = to_text(value)
    if s is None:
        return None
    found = BOOL_WORDS.get(norm_key(s))
    if found is None:
        raise type_problem(FieldType.BOOL)
    return found


SCALE_WORDS: dict[str, int] = {
    "非常满意": 5, "很满意": 5, "十分满意": 5, "满意": 4, "比较满意": 4, "较满意": 4,
    "基本满意": 3, "一般": 3, "还行": 3, "不太满意": 2, "不满意": 2, "较不满意": 2,
    "非常不满意": 1, "很不满意": 1, "极不满意": 1,
}
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_SCALE_NUMBER = re.compile(r"(\d|[一二两三四五])(?:\.0+)?\s*(?:分|星|颗星)?")


def parse_scale(value: Any) -> int | None:
    """Satisfaction 1–5 from a number, ``4分``/``4星``/``★★★★`` or a word (满意 → 4)."""
    if type(value) is float or type(value) is int:
        if value in (1, 2, 3, 4, 5):
            return int(value)
        raise type_problem(FieldType.SCALE)
    s = to_text(value)
    if s is None or s.casefold() in NULL_MARKERS:
        return None
    key = norm_key(s)
    word = SCALE_WORDS.get(key)
    if word is not None:
        return word
    m = _SCALE_NUMBER.fullmatch(key)
    if m:
        n = _CN_DIGITS.get(m[1]) or int(m[1])
        if 1 <= n <= 5:
            return n
    stars = key.count("★")
    if stars and key.strip("★☆") == "":
        return stars
    raise type_problem(FieldType.SCALE)


# --------------------------------------------------------------------------------------------
# Staff references

_ID_LIKE = re.compile(r"[A-Za-z]{0,4}[-_]?\d{2,12}")
_PAREN = re.compile(r"(.+?)\s*\(\s*(.+?)\s*\)|\(\s*(.+?)\s*\)\s*(.+)")
_TWO_TOKENS = re.compile(r"(\S+)[\s/_\-]+(\S+)")


def parse_staff(value: Any) -> tuple[str | None, str | None]:
    """A person as ``(工号, 姓名)`` from ``1001``, ``张三``, ``张三(1001)`` or ``张三（1001）``."""
    if type(value) is float or type(value) is int:
        return display(value), None
    s = to_text(value)
    if s is None:
        return None, None
    s = fold(s)
    m = _PAREN.fullmatch(s)
    if m:
        a, b = (m[1], m[2]) if m[1] else (m[4], m[3])
        if _ID_LIKE.fullmatch(b):
            return b, a
        if _ID_LIKE.fullmatch(a):
            return a, b
    if _ID_LIKE.fullmatch(s):
        return s, None
    m = _TWO_TOKENS.fullmatch(s)
    if m:
        a, b = m[1], m[2]
        if _ID_LIKE.fullmatch(a) and not _ID_LIKE.fullmatch(b):
            return a, b
        if _ID_LIKE.fullmatch(b) and not _ID_LIKE.fullmatch(a):
            return b, a
    # "张  三" is 张三; a Latin name keeps its spaces
    return None, s if s.isascii() else _SPACE.sub("", s)


# --------------------------------------------------------------------------------------------
# Enums and shift codes


def nearest(text: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``text`` (by normalised characters), or None if nothing is close."""
    key = norm_key(text)
    pool = {norm_key(c): c for c in choices}
    for k, c in pool.items():  # 电话投诉 → 电话: one contains the other
        if k and (k in key or key in k):
            return c
    found = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.34)
    return pool[found[0]] if found else None


class Memo:
    """A parser that remembers: a value seen before is answered from ``known`` (a dict).

    Columns of words (enums, names, 是/否, 满意) repeat a handful of values, so a whole column
    can be mapped through ``known.get`` at C speed and only the new values reach ``parse``
    (see :func:`parse_column`). A value that raises is never remembered.
    """

    LIMIT = 4096

    def __init__(self, parse: Parser, known: dict[Any, Any] | None = None) -> None:
        self.parse = parse
        self.known: dict[Any, Any] = dict(known or {})

    def __call__(self, value: Any) -> Any:
        known = self.known.get(value)
        if known is not None:
            return known
        result = self.parse(value)
        if result is not None and len(self.known) < self.LIMIT:
            self.known[value] = result
        return result


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

    A :class:`Memo` maps the column through its dict first; the values it has not seen are
    parsed once each (in order of first appearance), and the column mapped again. Only what is
    still unknown then (blank cells, values past the memo's limit) is parsed one by one.
    """
    if not isinstance(parse, Memo):
        return list(map(parse, values))
    known = parse.known
    out = list(map(known.get, values)) if known else None
    if out is None or None in out:
        unknown = values if out is None else compress(values, map(is_, out, repeat(None)))
        for value in dict.fromkeys(unknown):
            parse(value)  # remembered, unless it is blank or the memo is full
        out = list(map(known.get, values))
    if None in out:
        blank = parse(None)
        for j, found in enumerate(out):
            if found is None:
                value = values[j]
                out[j] = blank if value is None else parse(value)
    return out


def _text_like(field: Field, enums: dict[str, EnumSpec], year: int | None) -> Parser:
    return to_text


def _enum(field: Field, enums: dict[str, EnumSpec], year: int | None) -> Parser:
    if field.enum is None or field.enum not in enums:
        return to_text
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
