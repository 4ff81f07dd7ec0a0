"""The settings whose keys are the office's own: header aliases per kind and field, enum
values, shift codes, deadlines per severity, KPI weights, targets and grade bands, department
heads. Each is a :class:`~.values.Kind` of the key table whose reader checks the whole table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from officekit.canonical import DEFAULT_DEADLINES
from officekit.errors import SettingsError
from officekit.kinds import KINDS
from officekit.settings.model import (
    DEFAULT_ENUMS,
    DEFAULT_GRADES,
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    EnumSpec,
    Shift,
    default_shifts,
)
from officekit.settings.values import Kind, expect, parse_time, table, unknown


def _aliases(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
    aliases: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, fields in table(key, raw).items():
        if kind not in KINDS:
            raise SettingsError(f"{key}.{kind}", "unknown-kind", allowed=", ".join(KINDS))
        names = {f.name for f in KINDS[kind].fields}
        per: dict[str, tuple[str, ...]] = {}
        for fname, al in table(f"{key}.{kind}", fields).items():
            where = f"{key}.{kind}.{fname}"
            if fname not in names:
                raise SettingsError(where, "unknown-field", allowed=", ".join(sorted(names)))
            if isinstance(al, str):
                al = [al]
            for a in expect(where, al, list, "text-list"):
                expect(where, a, str, "text")
            per[fname] = tuple(al)
        aliases[kind] = per
    return aliases


def _enums(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, EnumSpec]:
    enums = dict(DEFAULT_ENUMS)
    for name, spec in table(key, raw).items():
        where = f"{key}.{name}"
        if name not in DEFAULT_ENUMS:
            raise SettingsError(where, "unknown-enum", allowed=", ".join(sorted(DEFAULT_ENUMS)))
        spec = table(where, spec)
        unknown(where, spec, {"values", "synonyms", "default"})
        base = enums[name]
        values = tuple(expect(f"{where}.values", spec.get("values", list(base.values)), list,
                              "text-list"))
        syn = dict(base.synonyms)
        for k, v in table(f"{where}.synonyms", spec.get("synonyms", {})).items():
            if v not in values:
                raise SettingsError(f"{where}.synonyms.{k}", "not-in-values", value=repr(v),
                                    values=", ".join(values))
            syn[k] = v
        default = spec.get("default", base.default)
        if default is not None and default not in values:
            raise SettingsError(f"{where}.default", "not-in-values", value=repr(default),
                                values=", ".join(values))
        enums[name] = EnumSpec(values, syn, default)
    return enums


def _shifts(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, Shift]:
    shifts = default_shifts()
    for code, spec in table(key, raw).items():
        k = f"{key}.{code}"
        spec = table(k, spec)
        unknown(k, spec, {"name", "start", "end", "worked"})
        old = shifts.get(code)
        name = expect(f"{k}.name", spec.get("name", old.name if old else code), str, "text")
        worked = expect(f"{k}.worked", spec.get("worked", old.worked if old else True), bool,
                        "bool")
        start = parse_time(f"{k}.start", spec["start"]) if "start" in spec else (
            old.start if old else None)
        end = parse_time(f"{k}.end", spec["end"]) if "end" in spec else (
            old.end if old else None)
        if worked and (start is None or end is None):
            raise SettingsError(k, "shift-times")
        shifts[code] = Shift(code, name, start, end, worked)
    return shifts


def _required_shifts(key: str, raw: Any, so_far: Mapping[str, Any]) -> tuple[str, ...]:
    known = so_far.get("shifts") or default_shifts()
    codes = expect(key, raw, list, "text-list")
    for c in codes:
        if c not in known:
            raise SettingsError(key, "unknown-shift", code=repr(c), allowed=", ".join(known))
    return tuple(codes)


def _deadlines(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, int]:
    deadlines = dict(DEFAULT_DEADLINES)
    for severity, n in table(key, raw).items():
        where = f"{key}.{severity}"
        if severity not in deadlines:
            raise SettingsError(where, "unknown-key", allowed=", ".join(deadlines))
        if expect(where, n, int, "days") < 0:
            raise SettingsError(where, "negative")
        deadlines[severity] = n
    return deadlines


def _weights(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    for k, v in table(key, raw).items():
        if k not in DEFAULT_WEIGHTS:
            raise SettingsError(f"{key}.{k}", "unknown-metric", allowed=", ".join(DEFAULT_WEIGHTS))
        if expect(f"{key}.{k}", v, (int, float), "number") < 0:
            raise SettingsError(f"{key}.{k}", "negative")
        weights[k] = float(v)
    if sum(weights.values()) <= 0:
        raise SettingsError(key, "weights-sum")
    return weights


def _targets(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, float]:
    targets = dict(DEFAULT_TARGETS)
    for k, v in table(key, raw).items():
        if k not in DEFAULT_TARGETS:
            raise SettingsError(f"{key}.{k}", "unknown-metric", allowed=", ".join(DEFAULT_TARGETS))
        targets[k] = float(expect(f"{key}.{k}", v, (int, float), "number"))
    return targets


def _grades(key: str, raw: Any, _: Mapping[str, Any]) -> tuple[tuple[str, float], ...]:
    bands = [(name, float(expect(f"{key}.{name}", lo, (int, float), "number")))
             for name, lo in table(key, raw).items()]
    bands.sort(key=lambda b: -b[1])
    if not bands or bands[-1][1] > 0:
        bands.append(DEFAULT_GRADES[-1])  # 不合格 from 0
    return tuple(bands)


def _heads(key: str, raw: Any, _: Mapping[str, Any]) -> dict[str, str]:
    heads: dict[str, str] = {}
    for dept, spec in table(key, raw).items():
        where = f"{key}.{dept}"
        spec = table(where, spec)
        unknown(where, spec, {"head"})
        if "head" in spec:
            heads[dept] = str(expect(f"{where}.head", spec["head"], (str, int), "staff-id"))
    return heads


def _builtin(_: Any) -> str | None:
    return None  # too long to spell out: docs say "built in"


ALIASES = Kind("alias-table", _aliases)
ENUMS = Kind("enum-table", _enums, show=_builtin)
SHIFTS = Kind("shift-table", _shifts, show=_builtin)
SHIFT_CODES = Kind("text-list", _required_shifts)
DEADLINES = Kind("days-table", _deadlines)
WEIGHTS = Kind("weight-table", _weights)
TARGETS = Kind("number-table", _targets)
GRADES = Kind("grade-table", _grades, show=lambda bands: "{ " + ", ".join(
    f'"{name}" = {lo:g}' for name, lo in bands if lo > 0) + " }")
HEADS = Kind("head-table", _heads)
