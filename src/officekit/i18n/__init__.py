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

import json
import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol

from officekit.i18n import cli, delivery, documents, errors, issues, loop, settings, watch
from officekit.i18n.click import CLICK_ZH
from officekit.i18n.issues import ISSUES, PARAMS
from officekit.kinds import KINDS

__all__ = ["CLICK_ZH", "ISSUES", "PARAMS", "UI", "IssueLike", "Message", "Texts", "code_message",
           "display", "issue_message", "shown", "stored_key", "t"]

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
    text = getattr(value, "text", None) if isinstance(value, Exception | Message | Texts) \
        else None
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


@dataclass(frozen=True, slots=True)
class Texts:
    """A text that is not the catalogue's but comes in both languages (an error's own
    ``text(lang)``, kept as it was worded in each)."""

    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Message:
    """A message as data: a catalogue key of :data:`UI` and its params (and the key of its
    hint, when it has one). :meth:`text` words it in the language asked for; :meth:`stored`
    is what a ledger column keeps (JSON), :func:`shown` words that back.

    A param may be a :class:`Message` or :class:`Texts` itself (worded in the same language).
    A text that is not the catalogue's (Python's, a library's) is :meth:`literal`: no key.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    hint_key: str | None = None

    @classmethod
    def literal(cls, text: str | Texts) -> Message:
        """A text as it is (one language, or :class:`Texts` in both): no catalogue key."""
        return cls("", {"text": text})

    def text(self, lang: str = "zh") -> str:
        if not self.key:
            return display(self.params.get("text"), lang)
        text = t(self.key, lang, **self.params)
        if self.hint_key and self.hint_key in UI:
            text += "\n" + t(self.hint_key, lang, **self.params)
        return text

    def both(self) -> str:
        """"zh / en", for where no language is asked (a log line, a send record)."""
        zh, en = self.text("zh"), self.text("en")
        return zh if zh == en else f"{zh} / {en}"

    def stored(self) -> str:
        """The message as a ledger column keeps it: JSON with its key and params."""
        return json.dumps(_to_json(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_stored(cls, text: str | None) -> Message | None:
        """The message :meth:`stored` wrote; None for anything else (an old row's text)."""
        if not text or not text.startswith("{"):
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        found = _from_json(data)
        return found if isinstance(found, Message) else None

    def __str__(self) -> str:
        return self.both()


def _to_json(value: Any) -> Any:
    if isinstance(value, Message):
        out: dict[str, Any] = {"key": value.key,
                               "params": {k: _to_json(v) for k, v in value.params.items()}}
        if value.hint_key:
            out["hint"] = value.hint_key
        return out
    text = getattr(value, "text", None) if isinstance(value, Exception | Texts) else None
    if callable(text):
        return {"zh": str(text("zh")), "en": str(text("en"))}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_to_json(v) for v in items]
    if isinstance(value, date | time):
        return display(value)
    return str(value)


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("key"), str) and isinstance(value.get("params"), dict):
        params = {str(k): _from_json(v) for k, v in value["params"].items()}
        hint = value.get("hint")
        return Message(value["key"], params, hint if isinstance(hint, str) else None)
    if set(value) == {"zh", "en"}:
        return Texts(str(value["zh"]), str(value["en"]))
    return value


def shown(stored: str | None, lang: str = "zh") -> str | None:
    """A message a ledger column keeps, in ``lang``: made by the catalogue from its key and
    params; a row written before the ledger kept keys (finished text) is shown as it is."""
    message = Message.from_stored(stored)
    return message.text(lang) if message is not None else stored


def stored_key(stored: str | None) -> str | None:
    """The catalogue key of a stored message (None for an old row's finished text)."""
    message = Message.from_stored(stored)
    return message.key if message is not None else None
