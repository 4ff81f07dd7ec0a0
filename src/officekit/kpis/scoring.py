"""Scores, grades and ranks (SPEC §6): a row's figures weighed under its scheme, the grade
band a score falls in, shared ranks within a department and scheme.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from officekit.kpis.metrics import METRICS, largest_remainder, tenths
from officekit.kpis.results import DepartmentKpi, Details, StaffKpi, TargetLine, Unscored
from officekit.kpis.schemes import Scheme, scheme_for
from officekit.settings import Settings

_EPS = 1e-9  # float noise when comparing scores with grade bands and with each other


def grade_for(score: float | None, grades: Sequence[tuple[str, float]]) -> str | None:
    """The grade band a score falls in (bands: name and lower bound); no score → None."""
    if score is None or not grades:
        return None
    bands = sorted(grades, key=lambda band: -band[1])
    for name, low in bands:
        if score >= low - _EPS:
            return name
    return bands[-1][0]


def score_lines(values: StaffKpi | DepartmentKpi, details: Details, scheme: Scheme,
                shown: Sequence[str]) -> tuple[float | None, list[TargetLine], list[Unscored]]:
    """Score ``values`` under ``scheme`` (SPEC §6) and the KPI table's lines.

    A scheme metric with no data, or whose denominator is below ``min_cases``, is shown but
    not scored; the other weights are rescaled; no scored metric → no score. ``shown`` adds
    metrics printed for information (not weighted). Points are split by largest remainder so
    that the one-decimal points add up exactly to the one-decimal score.
    """
    unscored: list[Unscored] = []
    scored: dict[str, float] = {}
    metrics = scheme.metrics
    for key in metrics:
        value = getattr(values, METRICS[key].attr)
        if value is None:
            unscored.append(Unscored(key, "no-data"))
        elif details.denominator(key) < scheme.min_cases:
            unscored.append(Unscored(key, "min-cases"))
        else:
            ms = METRICS[key].score(value)
            assert ms is not None
            scored[key] = ms
    total = sum(scheme.weights[k] for k in scored)
    score = sum(scheme.weights[k] * v for k, v in scored.items()) / total \
        if scored and total > 0 else None
    reasons = {u.metric: u.reason for u in unscored}
    keys = list(metrics) + [k for k in shown if k not in metrics]
    fields: list[tuple[str, float | None, float | None, bool | None, float, float | None,
                       float | None, float | None, int, str | None]] = []
    for key in keys:
        metric = METRICS[key]
        actual: float | None = getattr(values, metric.attr)
        target = scheme.target(key)
        share = scheme.weights[key] / total if key in scored and total > 0 else None
        ms = metric.score(actual)
        fields.append((
            key, target, actual, metric.met(actual, target), scheme.weights.get(key, 0.0),
            share, ms, None if share is None or ms is None else share * ms,
            details.denominator(key), reasons.get(key, None if share else "not-weighted")))
    shown_points: list[float | None] = [None] * len(fields)
    if score is not None:
        shown_points = largest_remainder([f[7] for f in fields], tenths(score))
    lines = [TargetLine(*f, points_shown=p) for f, p in zip(fields, shown_points, strict=True)]
    return score, lines, unscored


# ------------------------------------------------------------------------------------------
# People


def rank(rows: list[StaffKpi]) -> None:
    """Ranks within (department, scheme); ties share a rank (SPEC §6)."""
    groups: dict[tuple[str | None, str], list[StaffKpi]] = defaultdict(list)
    for row in rows:
        row.rank = None
        if row.score is not None:
            groups[(row.department, row.scheme)].append(row)
    for members in groups.values():
        members.sort(key=lambda r: -(r.score or 0.0))
        previous: float | None = None
        for position, row in enumerate(members, start=1):
            assert row.score is not None
            if previous is not None and math.isclose(row.score, previous, abs_tol=_EPS):
                row.rank = members[position - 2].rank
            else:
                row.rank = position
            previous = row.score


def visit_scheme(scheme: Scheme, settings: Settings) -> Scheme:
    """Whose visit target applies: the person's scheme when it scores visits, else visitor's."""
    if "visit_target_rate" in scheme.metrics:
        return scheme
    return next((s for s in settings.schemes if s.name == "visitor"), scheme)


def department_scheme(settings: Settings) -> Scheme:
    """Departments are scored as their leads are (the ``lead`` scheme's weights)."""
    return next((s for s in settings.schemes if s.name == "lead"),
                scheme_for(None, settings.schemes))

