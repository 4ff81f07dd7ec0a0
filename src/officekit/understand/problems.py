"""A cell value that does not fit its column: :class:`ValueProblem` (an issue code and the
parameters its catalogue message takes), raised by the parsers of :mod:`officekit.understand`.
"""

from __future__ import annotations

from typing import Any

from officekit.errors import OfficekitError
from officekit.kinds import FieldType
from officekit.model import Severity


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
