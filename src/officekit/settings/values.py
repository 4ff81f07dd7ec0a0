"""What a setting may hold: value kinds and checks, each with its error and its TOML spelling.

A :class:`Kind` turns the raw TOML value of a key into the value :class:`~.model.Settings`
holds (or raises :class:`~officekit.errors.SettingsError` naming the key) and writes a value back
as TOML, for the commented ``officekit.toml`` of ``init``. A :class:`Check` is a condition the
converted value must meet. Errors are catalogue codes with parameters (``settings.<problem>``,
``settings.what.<what>`` in :mod:`officekit.i18n`), so they read in either language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from officekit.errors import SettingsError

# what a kind's reader returns to leave the built-in default in place (e.g. daily_at = "")
UNSET: Any = object()

Reader = Callable[[str, Any, Mapping[str, Any]], Any]


def expect(key: str, value: Any, typ: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it is a ``typ``; else an error saying ``what`` was expected (the name of a
    catalogue entry ``settings.what.<what>``: ``"bool"``, ``"int"``…)."""
    if (isinstance(value, bool) and typ in (int, float, (int, float))) or not isinstance(
        value, typ
    ):
        raise SettingsError(key, "expected", what=what, got=repr(value))
    return value


def table(key: str, value: Any) -> dict[str, Any]:
    return dict(expect(key, value, dict, "table"))


def unknown(key: str, entries: Mapping[str, Any], allowed: set[str] | list[str]) -> None:
    """An error for the first entry of ``entries`` that is not ``allowed``."""
    for k in entries:
        if k not in allowed:
            raise SettingsError(
                f"{key}.{k}" if key else k, "unknown-key", allowed=", ".join(sorted(allowed))
            )


def parse_time(key: str, value: Any) -> time | None:
    """``"HH:MM"`` (``"24:00"`` is midnight at the end of the day); empty is None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value):
        raise SettingsError(key, "time", got=repr(value))
    h, m = (int(x) for x in value.split(":"))
    if h == 24 and m == 0:
        return time(0, 0)
    if not (0 <= h < 24 and 0 <= m < 60):
        raise SettingsError(key, "time-range", got=value)
    return time(h, m)


def toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """``value`` written as TOML (an inline table for a mapping)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return "[" + ", ".join(toml_value(v) for v in items) + "]"
    raise TypeError(f"no TOML spelling for {value!r}")


@dataclass(frozen=True, slots=True)
class Kind:
    """What a key holds. ``what`` names it in the catalogue (``settings.what.<what>``, shown in
    errors and docs); ``read`` converts (key, raw value, the settings read so far); ``show``
    writes the Settings value as TOML, or None when it has no short spelling (built in)."""

    what: str
    read: Reader
    show: Callable[[Any], str | None] = toml_value
    # the allowed values, as errors and docs list them (choice kinds only)
    allowed: str = ""


def _typed(typ: type | tuple[type, ...], what: str,
           convert: Callable[[Any], Any] = lambda v: v) -> Kind:
    return Kind(what, lambda key, raw, _: convert(expect(key, raw, typ, what)))


BOOL = _typed(bool, "bool")
INT = _typed(int, "int")
DAYS = _typed(int, "days")
WORKDAYS = _typed(int, "workdays")
NUMBER = _typed((int, float), "number", float)
SECONDS = _typed((int, float), "seconds", float)
TEXT = _typed(str, "text")
STRIPPED_TEXT = _typed(str, "text", str.strip)
FOLDER = _typed(str, "folder")
URL = _typed(str, "url")
STAFF_OR_MAIL = _typed((str, int), "staff-or-mail", lambda v: str(v).strip())


def choice(values: Mapping[str, str], allowed: str) -> Kind:
    """One of ``values`` (a spelling → the value held); ``allowed`` lists them for people."""

    def read(key: str, raw: Any, _: Mapping[str, Any]) -> Any:
        if not isinstance(raw, str) or raw not in values:
            raise SettingsError(key, "one-of", allowed=allowed, got=repr(raw))
        return values[raw]

    return Kind("one-of", read, allowed=allowed)


def _time(key: str, raw: Any, _: Mapping[str, Any]) -> Any:
    at = parse_time(key, expect(key, raw, str, "time-text"))
    return UNSET if at is None else at


TIME = Kind("time-text", _time)


def _file_mode(key: str, raw: Any, _: Mapping[str, Any]) -> int:
    """``"0664"`` (octal, as chmod writes it) or the number itself."""
    if isinstance(raw, str) and re.fullmatch(r"0?[0-7]{3}", raw):
        return int(raw, 8)
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 0o777:
        return raw
    raise SettingsError(key, "file-mode", got=repr(raw))


FILE_MODE = Kind("file-mode", _file_mode, show=lambda v: f'"{v:04o}"')


def _dates(key: str, raw: Any, _: Mapping[str, Any]) -> frozenset[date]:
    out: set[date] = set()
    for i, v in enumerate(expect(key, raw, list, "date-list")):
        if isinstance(v, date):
            out.add(v)
            continue
        if not isinstance(v, str):
            raise SettingsError(f"{key}[{i}]", "date", got=repr(v))
        try:
            out.add(date.fromisoformat(v))
        except ValueError as exc:
            raise SettingsError(f"{key}[{i}]", "date", got=repr(v)) from exc
    return frozenset(out)


DATE_LIST = Kind("date-list", _dates)


@dataclass(frozen=True, slots=True)
class Check:
    """A condition on the converted value: ``problem`` is the catalogue code of the error
    (given ``got`` and ``params``), ``zh``/``en`` say it for the docs."""

    test: Callable[[Any], bool]
    problem: str
    zh: str
    en: str
    params: dict[str, Any] = field(default_factory=dict)

    def __call__(self, key: str, value: Any) -> None:
        if not self.test(value):
            raise SettingsError(key, self.problem, got=repr(value), **self.params)


NON_NEGATIVE = Check(lambda v: v >= 0, "negative", "≥ 0", "≥ 0")
POSITIVE = Check(lambda v: v > 0, "not-positive", "> 0", "> 0")


def at_least(low: int) -> Check:
    return Check(lambda v: v >= low, "at-least", f"≥ {low}", f"≥ {low}", {"low": low})


# empty is the default: no robot (sending through it then says how to set it up)
WEBHOOK_URL = Check(lambda v: v == "" or re.match(r"https?://", v) is not None, "webhook-url",
                    "以 https:// 开头", "starts with https://")
