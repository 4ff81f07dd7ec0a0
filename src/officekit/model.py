"""Data passed between the stages: issues, sheet and file results, parsed records.

Issues are data (frictionless style): a stable ``code``, where it is, and ``params`` from which
the catalogue in :mod:`officekit.i18n` renders the message in the user's language.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from officekit.i18n import display, issue_message

Severity = Literal["error", "warning", "info"]
FileStatus = Literal["accepted", "rejected", "duplicate"]


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """1-based sheet row and 0-based column → A1 reference."""
    return f"{column_letter(col)}{row}"


@dataclass(slots=True)
class Issue:
    """One problem found in a file. ``row`` is the sheet's own 1-based row number."""

    severity: Severity
    code: str
    sheet: str | None = None
    row: int | None = None
    col: int | None = None  # 0-based column index in the sheet, for the annotated copy
    column: str | None = None  # the header as written in the file
    field: str | None = None
    value: Any = None
    # ``field`` is a member name above, so the dataclasses function is reached by module
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def cell(self) -> str | None:
        if self.row is None or self.col is None:
            return None
        return cell_ref(self.row, self.col)

    def message(self, lang: str = "zh") -> str:
        return issue_message(self, lang)

    def _where(self) -> dict[str, Any]:
        """What the issue is and where: the keys its JSON and its stored form share, in order."""
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": json_value(self.value),
        }

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {**self._where(), "message": self.message(lang)}

    def to_stored(self) -> dict[str, Any]:
        """What the ledger keeps of the issue: where it is, its code and its params, no finished
        text; :func:`stored_message` makes the message in the language asked."""
        return {**self._where(),
                "params": {k: _stored_param(v) for k, v in self.params.items()}}


def _stored_param(value: Any) -> Any:
    """A param as JSON keeps it and the message shows it alike: a datetime as the text it is
    shown as, a set as a sorted list."""
    if isinstance(value, datetime):
        return display(value)
    if isinstance(value, (set, frozenset)):
        return [_stored_param(v) for v in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        return [_stored_param(v) for v in value]
    return json_value(value)


_STORED_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


@dataclass(frozen=True, slots=True)
class _StoredIssue:
    """An issue as the ledger keeps it (:meth:`Issue.to_stored`), read for its message."""

    stored: Mapping[str, Any]

    @property
    def code(self) -> str:
        return str(self.stored.get("code") or "")

    @property
    def params(self) -> dict[str, Any]:
        params = self.stored.get("params")
        return dict(params) if isinstance(params, Mapping) else {}

    @property
    def column(self) -> str | None:
        return self.stored.get("column")

    @property
    def value(self) -> Any:
        value = self.stored.get("value")
        if isinstance(value, str) and _STORED_DATETIME.fullmatch(value):
            return datetime.fromisoformat(value)  # shown as the datetime it was
        return value

    @property
    def field(self) -> str | None:
        return self.stored.get("field")

    @property
    def row(self) -> int | None:
        return self.stored.get("row")

    @property
    def sheet(self) -> str | None:
        return self.stored.get("sheet")

    @property
    def cell(self) -> str | None:
        return self.stored.get("cell")


def stored_message(stored: Mapping[str, Any], lang: str = "zh") -> str:
    """The message of an issue the ledger keeps, in ``lang``: made by the catalogue from its
    code and params. A row stored before the ledger kept params shows its finished text as it
    is (it was written in the language of its day)."""
    if "params" not in stored:
        return str(stored.get("message") or stored.get("code") or "")
    return issue_message(_StoredIssue(stored), lang)


def json_value(value: Any) -> Any:
    """A cell value as JSON can carry it (dates as ISO strings)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.second == 0 else \
            value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# The annotated copy of a rejected file (officekit.annotate): ``<stem>.校验结果.xlsx`` whose first
# sheet lists the issues. A copy dropped back into the inbox is read like its original: the
# list sheet is ignored and its name does not grow another ``.校验结果``.
ANNOTATED_MARK = ".校验结果"
ANNOTATED_SUFFIX = f"{ANNOTATED_MARK}.xlsx"
RESULT_SHEETS = {"校验结果": "校验结果：", "Validation results": "Validation results: "}
_MARKED = re.compile(rf"(?:{re.escape(ANNOTATED_MARK)}(?: \(\d+\))?)+$")


def original_stem(stem: str) -> str:
    """The file stem without the annotated copy's marks: ``a.校验结果 (2)`` → ``a``."""
    return _MARKED.sub("", stem) or stem


def annotated_name(name: str) -> str:
    """The annotated copy's file name for a file ``name`` (or for an annotated copy of it)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{original_stem(stem)}{ANNOTATED_SUFFIX}"


def is_result_sheet(name: str, first_cell: Any) -> bool:
    """Whether a sheet is the issue list of an annotated copy (its name and title cell)."""
    prefix = RESULT_SHEETS.get(name)
    return prefix is not None and isinstance(first_cell, str) and first_cell.startswith(prefix)


# A parsed record: field name → typed value (str, int, float, bool, date, datetime, None,
# or for NUMBERED fields a list of {"text": str, "children": [...]}) plus provenance.
Record = dict[str, Any]


class LazyRecords(list):  # type: ignore[type-arg]
    """A sheet's records, built from its columns the first time anything looks at them.

    ``validate`` checks a register from its columns (SheetResult.values) and lets the records
    go unread: a 100,000-row sheet is then spared 100,000 dicts. Whatever looks (iterates,
    indexes, measures, compares, copies, changes) gets the built list, as if it had always
    been there. ``build`` is called once, when first needed.
    """

    __slots__ = ("_build",)

    def __init__(self, build: Callable[[], list[Record]]) -> None:
        super().__init__()
        self._build: Callable[[], list[Record]] | None = build

    @property
    def built(self) -> bool:
        return self._build is None

    def _ready(self) -> None:
        build = self._build
        if build is not None:
            self._build = None
            list.extend(self, build())

    def __reduce_ex__(self, protocol: Any) -> Any:  # pickled and copied as the plain list
        self._ready()
        return (list, (list(list.__iter__(self)),))


def _after_build(name: str) -> Any:
    method = getattr(list, name)

    def call(self: LazyRecords, *args: Any, **kwargs: Any) -> Any:
        self._ready()
        return method(self, *args, **kwargs)

    call.__name__ = name
    return call


for _name in ("__len__", "__iter__", "__reversed__", "__getitem__", "__contains__", "__eq__",
              "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__repr__", "__add__",
              "__mul__", "__rmul__", "__iadd__", "__imul__", "__setitem__", "__delitem__",
              "append", "extend", "insert", "pop", "remove", "clear", "copy", "count", "index",
              "reverse", "sort"):
    setattr(LazyRecords, _name, _after_build(_name))


@dataclass(slots=True)
class SheetResult:
    """What the intake understood of one sheet."""

    name: str
    kind: str | None  # None: skipped (no known kind)
    rows: int = 0  # data rows read
    header_row: int | None = None  # 1-based
    layout: str | None = None  # schedule: "long" | "wide"
    period: str | None = None  # "2026-10" when the sheet names its month
    records: list[Record] = field(default_factory=list)
    # column index → header text as written, for messages and the annotated copy
    columns: dict[int, str] = field(default_factory=dict)
    # field name → column index, for issues on a field's cell
    field_cols: dict[str, int] = field(default_factory=dict)
    note: str | None = None  # why it was skipped, in the issue catalogue's terms
    # record key → its value in every record, in order, as read (validation reads a field
    # of every row at once from here; see column()). Only what the records still hold.
    values: dict[str, list[Any]] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "rows": self.rows,
                "header_row": self.header_row}

    def column(self, key: str) -> list[Any]:
        """``record.get(key)`` of every record, in order: the column as read when the sheet
        keeps it (no dict looked up per row), else taken from the records."""
        found = self.values.get(key)
        if found is not None:
            records = self.records
            if (isinstance(records, LazyRecords) and not records.built) or \
                    len(found) == len(records):  # (what is not built is built from these)
                return found
        return [r.get(key) for r in self.records]


@dataclass(slots=True)
class FileResult:
    """The outcome of validating (and perhaps storing) one file. JSON shape: SPEC §10."""

    path: str
    sha256: str
    status: FileStatus
    sheets: list[SheetResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    annotated: str | None = None  # path of the annotated copy, when rejected
    file_id: int | None = None  # ledger id, when stored

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "sheets": [s.to_dict() for s in self.sheets],
            "issues": [i.to_dict(lang) for i in self.issues],
        }
