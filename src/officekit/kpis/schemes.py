"""Evaluation schemes (考核方案, SPEC §6): who is judged on what.

Each person is scored under the first scheme, in order, one of whose ``roles`` words occurs in
their 岗位; ``handler`` has no words and takes everyone else. Settings ``[kpi.schemes.<name>]``
change a default scheme or add one (added schemes come before ``handler``). Like
:mod:`officekit.kpis.metrics` this module imports nothing of officekit but that table, so the
settings loader builds :class:`Scheme` values with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from officekit.kpis.metrics import METRICS, VISITS_PER_MONTH

Scope = Literal["person", "department"]

DEFAULT_MIN_CASES = 3
COMPLAINT_WEIGHTS = {"closure_rate": 0.25, "on_time_rate": 0.25, "followup_rate": 0.20,
                     "satisfaction_100": 0.30}
VISIT_WEIGHTS = {"visit_success_rate": 0.30, "visit_timeliness": 0.30,
                 "visit_target_rate": 0.20, "visit_scored_rate": 0.20}


@dataclass(frozen=True, slots=True)
class Scheme:
    """One scheme: the roles it takes, the metrics it scores (weights), targets, min_cases.

    ``scope`` ``department``: the metrics are the person's department's (a 经理 is judged on
    the department's complaints). ``needs``: the register kind a period must have for an
    evaluation under this scheme to be written (None: no score, rendered whenever there is
    any data).
    """

    name: str
    zh: str
    roles: tuple[str, ...]
    weights: Mapping[str, float]
    targets: Mapping[str, float] = field(default_factory=dict)
    min_cases: int = DEFAULT_MIN_CASES
    scope: Scope = "person"

    @property
    def scored(self) -> bool:
        return any(w > 0 for w in self.weights.values())

    @property
    def metrics(self) -> tuple[str, ...]:
        """The scored metrics, in weight order of the table (as settings list them)."""
        return tuple(k for k, w in self.weights.items() if w > 0)

    @property
    def needs(self) -> str | None:
        """``complaints`` or ``visits``: the register the scored metrics come from."""
        if not self.scored:
            return None
        if all(k.startswith("visit_") for k in self.metrics):
            return "visits"
        return "complaints"

    def target(self, metric: str) -> float | None:
        """The target of ``metric``: the scheme's, else the metric's default."""
        if metric in self.targets:
            return self.targets[metric]
        return METRICS[metric].target if metric in METRICS else None

    def visits_target(self, months: int) -> float:
        """How many visits make visit_target_rate 100% in a period of ``months`` months."""
        return self.targets.get("visits_per_month", VISITS_PER_MONTH) * months

    def label(self, lang: str = "zh") -> str:
        return self.name if lang == "en" else self.zh


def default_schemes(weights: Mapping[str, float] | None = None,
                    targets: Mapping[str, float] | None = None) -> tuple[Scheme, ...]:
    """The four schemes of SPEC §6 in matching order; ``weights`` / ``targets`` (the older
    ``[kpi.weights]`` / ``[kpi.targets]``) replace the complaint schemes' defaults."""
    complaint_weights = dict(weights or COMPLAINT_WEIGHTS)
    complaint_targets = dict(targets or {})
    return (
        Scheme("none", "不考核", ("质检",), {}),
        Scheme("lead", "管理", ("经理", "主管", "班长", "组长"), complaint_weights,
               complaint_targets, scope="department"),
        Scheme("visitor", "回访", ("回访",), dict(VISIT_WEIGHTS)),
        Scheme("handler", "投诉处理", (), complaint_weights, complaint_targets),
    )


DEFAULT_SCHEMES = default_schemes()
SCHEME_NAMES = tuple(s.name for s in DEFAULT_SCHEMES)


def scheme_for(role: str | None, schemes: Sequence[Scheme]) -> Scheme:
    """The first scheme one of whose role words occurs in ``role``; else the catch-all
    (a scheme without words, ``handler`` by default)."""
    text = role or ""
    for scheme in schemes:
        if any(word and word in text for word in scheme.roles):
            return scheme
    fallback = [s for s in schemes if not s.roles]
    return fallback[0] if fallback else schemes[-1]
