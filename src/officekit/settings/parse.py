"""Reading ``officekit.toml``: every key checked against the key table (:mod:`.keys`).

A bad key or value raises :class:`~officekit.errors.SettingsError` naming the key, at start —
never a traceback halfway through a batch.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from officekit.errors import SettingsError
from officekit.settings.keys import DEFAULTS, KEY_BY_NAME, SECTION_KEYS, SECTIONS, TOP_NAMES, Key
from officekit.settings.model import Settings
from officekit.settings.values import UNSET, table, unknown


def _read(key: Key, raw: Any, so_far: dict[str, Any]) -> None:
    value = key.kind.read(key.name, raw, so_far)
    if value is UNSET:
        return
    if key.check is not None:
        key.check(key.name, value)
    so_far[key.target] = value


def parse_settings(data: dict[str, Any]) -> Settings:
    """Build :class:`Settings` from a parsed TOML document, checking every key."""
    unknown("", data, TOP_NAMES)
    so_far: dict[str, Any] = {}  # Settings attribute (dotted into a part) → value
    for name in TOP_NAMES:
        if name not in data:
            continue
        raw = data[name]
        keys = SECTION_KEYS.get(name)
        if keys is None:  # a key of the top level (language) or a table of the office's own
            _read(KEY_BY_NAME[name], raw, so_far)
            continue
        section = SECTIONS[name]
        if section.shorthand and isinstance(raw, bool):  # pdf = true
            raw = {section.shorthand: raw}
        entries = table(name, raw)
        for leaf, problem in section.secrets.items():
            if leaf in entries:
                raise SettingsError(f"{name}.{leaf}", problem)
        unknown(name, entries, {k.leaf for k in keys})
        for key in keys:
            if key.leaf in entries:
                _read(key, entries[key.leaf], so_far)
    return _build(so_far)


def _build(values: dict[str, Any]) -> Settings:
    """Settings from attribute → value; ``"smtp.port"`` sets a field of the part ``smtp``."""
    flat: dict[str, Any] = {}
    parts: dict[str, dict[str, Any]] = {}
    for target, value in values.items():
        part, _, attr = target.rpartition(".")
        if part:
            parts.setdefault(part, {})[attr] = value
        else:
            flat[target] = value
    for part, changes in parts.items():
        flat[part] = replace(getattr(DEFAULTS, part), **changes)
    return Settings(**flat)


def load_settings(path: Path) -> Settings:
    """Read ``officekit.toml``; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError("", "toml", detail=str(exc)) from exc
    except OSError as exc:
        raise SettingsError("", "unreadable", detail=str(exc)) from exc
    try:
        return parse_settings(data)
    except SettingsError as exc:
        if data.get("language") in ("zh", "en"):  # say what is wrong in the file's language
            exc.language = data["language"]
        raise
