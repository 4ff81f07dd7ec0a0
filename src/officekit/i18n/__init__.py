"""The message catalogue: every text a user reads, Chinese first, English second.

Issue messages are keyed by the issue code; UI strings by a dotted key. Templates are
``str.format`` strings over the issue's fields (``column``, ``value``, ``field``, ``row``,
``sheet``, ``cell``) and its ``params``, with two additions:

* ``[[ … ]]`` marks an optional part, left out when any placeholder inside it is empty — so a
  message reads well without a suggestion, a detail or a file name;
* ``params["variant"]`` picks the entry ``"code/variant"`` when there is one (``date-order/visit``),
  else the code's own entry;
* a param may come in both languages as ``x_zh`` / ``x_en`` (or ``x`` / ``x_en``): ``{x}`` shows
  the one of the message's language, so ``expected_zh``/``expected_en`` and
  ``expected``/``expected_en`` both fill ``{expected}``.

Values are shown the user's way: dates as ``2026-10-05``, datetimes as ``2026-10-05 14:00``,
lists joined with ``、`` (zh) or ``, `` (en), booleans as 是/否; the params ``kind`` and ``kinds``
holding sheet-kind names (``complaints``) are shown as the kinds' titles (投诉登记表).

:data:`PARAMS` documents, per entry, the params its message uses (``name?``: may be empty);
tests/test_i18n.py holds every entry to it. UI keys are documented above the ``UI`` of
:mod:`officekit.i18n.cli`.

The catalogue's entries live in one module per area (:mod:`.issues` the intake's and the
validation's issues; :mod:`.cli`, :mod:`.documents`, :mod:`.delivery`, :mod:`.watch`,
:mod:`.loop`, :mod:`.settings`, :mod:`.errors` the UI strings of their area; :mod:`.click`
click's own texts); this module joins them and makes the text. A key lives in one module only
(tests/test_i18n.py checks it).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from officekit.i18n import cli, delivery, documents, errors, issues, loop, settings, watch
from officekit.i18n.click import CLICK_ZH
from officekit.i18n.issues import ISSUES, PARAMS
from officekit.kinds import KINDS

__all__ = ["CLICK_ZH", "ISSUES", "PARAMS", "UI", "IssueLike", "code_message", "display",
           "issue_message", "t"]

# The UI strings of every area: key → (zh, en)
AREAS: tuple[dict[str, tuple[str, str]], ...] = (
    cli.UI, documents.UI, delivery.UI, watch.UI, loop.UI, settings.UI, errors.UI, issues.UI,
)
UI: dict[str, tuple[str, str]] = {key: pair for area in AREAS for key, pair in area.items()}


class IssueLike(Protocol):
    """What the catalogue reads of an issue (:class:`officekit.model.Issue` has it); the
    catalogue sits below the model, so it names the shape, not the class."""

    @property
    def code(self) -> str: ...
    @property
    def params(self) -> dict[str, Any]: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> Any: ...
    @property
    def field(self) -> str | None: ...
    @property
    def row(self) -> int | None: ...
    @property
    def sheet(self) -> str | None: ...
    @property
    def cell(self) -> str | None: ...


_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_KIND_PARAMS = frozenset({"kind", "kinds"})
_FORMATTER = string.Formatter()


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def display(value: Any, lang: str = "zh") -> str:
    """A value as a message shows it: dates ISO, a datetime without seconds (without its time
    at midnight), lists joined, booleans 是/否 (yes/no), None as "", an officekit error in
    the message's language (its ``text(lang)``)."""
    if value is None:
        return ""
    text = getattr(value, "text", None) if isinstance(value, Exception) else None
    if callable(text):
        return str(text(lang))
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return (", " if lang == "en" else "、").join(display(v, lang) for v in items)
    return str(value)


def _kind_title(value: Any, lang: str) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_kind_title(v, lang) for v in value]
    kind = KINDS.get(value) if isinstance(value, str) else None
    if kind is None:
        return value
    return kind.title_en if lang == "en" else kind.title_zh


def _render(template: str, values: dict[str, Any]) -> str:
    """Drop the ``[[ … ]]`` parts whose placeholders are empty, then format."""

    def keep(match: re.Match[str]) -> str:
        part = match.group(1)
        names = [f for _, f, _, _ in _FORMATTER.parse(part) if f]
        return part if all(str(values.get(n, "")) != "" for n in names) else ""

    return _OPTIONAL.sub(keep, template).format_map(values)


def issue_message(issue: IssueLike, lang: str = "zh") -> str:
    """The issue's message in ``lang`` ("zh" or "en")."""
    variant = issue.params.get("variant")
    pair = ISSUES.get(f"{issue.code}/{variant}") if variant else None
    pair = pair or ISSUES.get(issue.code)
    if pair is None:
        return issue.code
    values = _Default(
        column=issue.column or "",
        value=display(issue.value, lang),
        field=issue.field or "",
        row=issue.row or "",
        sheet=issue.sheet or "",
        cell=issue.cell or "",
    )
    for key, value in issue.params.items():
        values[key] = display(_kind_title(value, lang) if key in _KIND_PARAMS else value, lang)
    suffix = "_en" if lang == "en" else "_zh"
    for key, value in issue.params.items():
        if key.endswith(suffix):  # x_en / x_zh fill {x} in their language
            values[key[:-3]] = display(value, lang)
    return _render(_pick(pair, lang), values)


@dataclass(frozen=True, slots=True)
class _FileIssue:
    """An issue of a whole file: a code and params, no place in a sheet."""

    code: str
    params: dict[str, Any]
    column: str | None = None
    value: Any = None
    field: str | None = None
    row: int | None = None
    sheet: str | None = None
    cell: str | None = None


def code_message(code: str, lang: str = "zh", **params: Any) -> str:
    """The message of the issue ``code`` with ``params`` and no cell (a file-level issue, as
    :class:`officekit.errors.WorkbookError` raises it) in ``lang``."""
    return issue_message(_FileIssue(code, params), lang)


def t(key: str, lang: str = "zh", **params: Any) -> str:
    """A UI string in ``lang``; unknown keys come back as the key itself."""
    pair = UI.get(key)
    if pair is None:
        return key
    values = _Default({k: display(v, lang) for k, v in params.items()})
    suffix = "_en" if lang == "en" else "_zh"
    for k, v in params.items():
        if k.endswith(suffix):  # x_en / x_zh fill {x} in their language
            values[k[:-3]] = display(v, lang)
    return _render(_pick(pair, lang), values)
