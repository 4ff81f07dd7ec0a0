"""``[kpi.schemes.<name>]``: change a default evaluation scheme or add one (SPEC §6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from officekit.errors import SettingsError
from officekit.kpis.metrics import METRICS, TARGET_KEYS, metric_key
from officekit.kpis.schemes import DEFAULT_MIN_CASES, Scheme, default_schemes
from officekit.settings.model import DEFAULT_TARGETS, DEFAULT_WEIGHTS, metric_keys
from officekit.settings.values import Kind, expect, table, unknown

SCHEME_KEYS = {"roles", "weights", "targets", "min_cases", "label"}
WEIGHTED = [m for m in METRICS if m != "resolution_days"]  # a duration has a target, no weight


def _roles(key: str, raw: Any) -> tuple[str, ...]:
    words = expect(key, raw, list, "role-words")
    for i, w in enumerate(words):
        if not isinstance(w, str) or not w.strip():
            raise SettingsError(f"{key}[{i}]", "empty-text", got=repr(w))
    return tuple(w.strip() for w in words)


def _weights(key: str, raw: Any, name: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for k, v in table(key, raw).items():
        metric = metric_key(k)
        if metric is None or metric not in WEIGHTED:
            raise SettingsError(f"{key}.{k}", "unknown-metric", allowed=", ".join(WEIGHTED))
        w = float(expect(f"{key}.{k}", v, (int, float), "number"))
        if w < 0:
            raise SettingsError(f"{key}.{k}", "negative")
        weights[metric] = w
    if name != "none" and sum(weights.values()) <= 0:
        raise SettingsError(key, "weights-sum")
    return weights


def _scheme(key: str, name: str, entry: dict[str, Any], old: Scheme | None) -> Scheme:
    unknown(key, entry, SCHEME_KEYS)
    if old is None and "weights" not in entry:
        raise SettingsError(f"{key}.weights", "scheme-needs-weights")
    if old is None and "roles" not in entry:
        raise SettingsError(f"{key}.roles", "scheme-needs-roles")
    roles = _roles(f"{key}.roles", entry["roles"]) if "roles" in entry else (
        old.roles if old else ())
    weights = _weights(f"{key}.weights", entry["weights"], name) if "weights" in entry else (
        dict(old.weights) if old else {})
    targets = dict(old.targets) if old else {}
    for k, v in table(f"{key}.targets", entry.get("targets", {})).items():
        metric = metric_key(k) or (k if k in TARGET_KEYS else None)
        if metric is None:
            raise SettingsError(f"{key}.targets.{k}", "unknown-metric",
                                allowed=", ".join([*METRICS, *sorted(TARGET_KEYS)]))
        targets[metric] = float(expect(f"{key}.targets.{k}", v, (int, float), "number"))
    min_cases = old.min_cases if old else DEFAULT_MIN_CASES
    if "min_cases" in entry:
        min_cases = expect(f"{key}.min_cases", entry["min_cases"], int, "int")
        if min_cases < 0:
            raise SettingsError(f"{key}.min_cases", "negative")
    label = expect(f"{key}.label", entry.get("label", old.zh if old else name), str, "text")
    return Scheme(name, label, roles, weights, targets, min_cases, old.scope if old else "person")


def _schemes(key: str, raw: Any, so_far: Mapping[str, Any]) -> tuple[Scheme, ...]:
    """The default schemes (from ``[kpi] weights``/``targets`` as read so far) with the
    changes; added schemes are tried after the default ones, before the catch-all."""
    base = default_schemes(metric_keys(so_far.get("weights", DEFAULT_WEIGHTS)),
                           metric_keys(so_far.get("targets", DEFAULT_TARGETS)))
    by_name = {s.name: s for s in base}
    added: list[Scheme] = []
    for name, value in table(key, raw).items():
        old = by_name.get(name)
        scheme = _scheme(f"{key}.{name}", name, table(f"{key}.{name}", value), old)
        if old is not None:
            by_name[name] = scheme
        else:
            added.append(scheme)
    ordered = [by_name[s.name] for s in base]
    catch_all = [s for s in ordered if not s.roles]
    return (*[s for s in ordered if s.roles], *added, *catch_all)


SCHEMES = Kind("scheme-table", _schemes, show=lambda _: None)
