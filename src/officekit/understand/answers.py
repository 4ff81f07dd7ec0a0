"""The typed answers a cell gives: phone numbers, email addresses, 是/否, satisfaction
scores, and references to a person (工号, 姓名 or both).
"""

from __future__ import annotations

import re
from typing import Any

from officekit.kinds import FieldType
from officekit.understand.problems import ValueProblem, type_problem
from officekit.understand.text import NULL_MARKERS, SPACE, display, fold, norm_key, to_text

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
    return None, s if s.isascii() else SPACE.sub("", s)
