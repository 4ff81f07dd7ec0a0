"""A cell value that does not fit its column: :class:`ValueProblem` (an issue code and the
parameters its catalogue message takes), raised by the parsers of :mod:`officekit.understand`.
"""

from __future__ import annotations

from typing import Any

from officekit.errors import OfficekitError
from officekit.i18n import t
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


# type → an example the message can show (a cell value as offices write it); what each type
# is, in either language, is the catalogue's ``field-type.<type>``
EXAMPLES: dict[FieldType, str] = {
    FieldType.TEXT: "张三",
    FieldType.INT: "3",
    FieldType.DATE: "2026-10-03",
    FieldType.DATETIME: "2026-10-03 14:30",
    FieldType.PHONE: "13812345678",
    FieldType.EMAIL: "zhangsan@example.com",
    FieldType.BOOL: "是",
    FieldType.ENUM: "",
    FieldType.STAFF: "张三(1001)",
    FieldType.SCALE: "满意",
    FieldType.NUMBERED: "1、接听来电",
}


def type_problem(ftype: FieldType, hint: str = "") -> ValueProblem:
    """The ``type`` problem for a value that is not a ``ftype``; ``hint``, a catalogue key
    (``hint.…``), says more."""
    name = f"field-type.{ftype.value}"
    return ValueProblem("type", expected=t(name, "zh"), expected_en=t(name, "en"),
                        example=EXAMPLES[ftype], hint=t(hint, "zh") if hint else "",
                        hint_en=t(hint, "en") if hint else "")
