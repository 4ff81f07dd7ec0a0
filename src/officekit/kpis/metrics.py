"""Every metric described once: label, unit, denominator, direction, default target, format.

Computing (:mod:`officekit.kpis.compute`), the scheme defaults (:mod:`officekit.kpis.schemes`),
settings, the console table and workbook (:mod:`officekit.kpis.export`) and the documents
(:mod:`officekit.render.formatting`) all read :data:`METRICS`; none of them keeps its own list
of labels or ``if kind ==`` formatting. This module imports nothing of officekit, so the
settings loader can check metric names against it.

A metric's *value* is what a person reads (a fraction, a number of working days, a 1–5 mean);
its *score* (0–100) is what the weighted evaluation adds up. ``denominator`` names the count in
:class:`officekit.kpis.compute.Details` that SPEC §6's ``min_cases`` is compared with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Unit = Literal["rate", "days", "scale", "count", "score"]
Direction = Literal["higher", "lower"]

DASH = "—"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage (``0.953`` → ``95.3%``); no data → ``—``."""
    return DASH if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    """A number with fixed decimals (half away from zero); no data → ``—``."""
    if value is None:
        return DASH
    scale = 10**digits
    return f"{math.floor(value * scale + 0.5 + 1e-9) / scale:.{digits}f}"


def satisfaction_text(score: float | None) -> str:
    """Mean satisfaction ``4.35`` with its 0–100 equivalent: ``4.35（83.8分）``."""
    if score is None:
        return DASH
    return f"{score:.2f}（{(score - 1) / 4 * 100:.1f}分）"


_FORMATS: dict[Unit, Callable[[float | None], str]] = {
    "rate": pct,
    "days": lambda v: DASH if v is None else f"{v:.1f}个工作日",
    "scale": lambda v: DASH if v is None else f"{v:.2f}分",
    "count": lambda v: DASH if v is None else f"{v:.0f}",
    "score": num,
}
_TARGET_FORMATS: dict[Unit, Callable[[float], str]] = {
    "rate": pct,
    "days": lambda v: f"{v:.1f}个工作日",
    "scale": lambda v: f"{v:.2f}分",
    "count": lambda v: f"{v:.0f}",
    "score": lambda v: f"{v:.1f}",
}


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric (SPEC §6).

    ``value_attr``: the attribute of a KPI row holding the value people read (default: the
    key); :meth:`score` turns it into 0–100 points. ``denominator``: the count
    in ``Details`` compared with ``min_cases``; ``denominator_zh``: how a report names it.
    """

    key: str
    zh: str
    en: str
    unit: Unit
    denominator: str
    denominator_zh: str
    direction: Direction = "higher"
    target: float | None = None
    value_attr: str = ""
    per: str = "件"  # what the denominator counts: 件 (complaints) or 次 (visits)
    short: str = ""  # a narrow table column's head

    @property
    def head(self) -> str:
        return self.short or self.zh

    @property
    def attr(self) -> str:
        return self.value_attr or self.key

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def format(self, value: float | None) -> str:
        """The value as documents and the console show it (``95.3%``, ``2.4个工作日``)."""
        return _FORMATS[self.unit](value)

    def format_target(self, target: float | None) -> str:
        """``≥ 95.0%`` / ``≤ 3.0个工作日``; no target → ``—``."""
        if target is None:
            return DASH
        sign = "≤ " if self.direction == "lower" else "≥ "
        return sign + _TARGET_FORMATS[self.unit](target)

    def met(self, value: float | None, target: float | None) -> bool | None:
        """Whether ``value`` reaches ``target`` (None when either is missing)."""
        if value is None or target is None:
            return None
        if self.direction == "lower":
            return value <= target + 1e-9
        return value >= target - 1e-9

    def score(self, value: float | None) -> float | None:
        """0–100 points of a value (rates × 100; a 1–5 mean → (mean − 1) / 4 × 100)."""
        if value is None:
            return None
        if self.unit == "rate":
            return value * 100
        if self.unit == "scale":
            return (value - 1) / 4 * 100
        return value


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("closure_rate", "办结率", "Closure rate", "rate", "received", "受理量",
           target=0.95),
    Metric("on_time_rate", "按时办结率", "On-time rate", "rate", "eligible",
           "已办结及已过期限的投诉", target=0.90, short="按时率"),
    Metric("resolution_days", "平均办理工作日", "Mean working days to resolve", "days",
           "resolved", "已办结", direction="lower", target=3.0, short="办理日"),
    Metric("followup_rate", "回访率", "Follow-up rate", "rate", "resolved", "已办结",
           target=0.90),
    # shown as the 1–5 mean (target on that scale), scored as satisfaction_100
    Metric("satisfaction_100", "满意度", "Satisfaction", "scale", "rated", "有满意度评分的投诉",
           target=4.5, value_attr="satisfaction"),
    Metric("visit_success_rate", "回访成功率", "Visit success rate", "rate", "visits_made",
           "回访次数", target=0.90, per="次", short="成功率"),
    Metric("visit_timeliness", "回访及时率", "Visit timeliness", "rate", "followup_visits",
           "投诉回访次数", target=0.90, per="次", short="及时率"),
    Metric("visit_target_rate", "回访量完成率", "Visit target reached", "rate", "visit_target",
           "回访量目标", target=1.0, per="次", short="完成率"),
    Metric("visit_scored_rate", "满意度记录率", "Satisfaction recorded", "rate",
           "visits_reached", "联系成功的回访", target=0.80, per="次", short="记录率"),
)}

# Older settings files name satisfaction_100 ``satisfaction`` (its value is the 1–5 mean).
ALIASES = {"satisfaction": "satisfaction_100"}

# Extra targets that are not metrics: the visits a visitor is expected to make per month.
VISITS_PER_MONTH = 60.0
TARGET_KEYS = frozenset({"visits_per_month"})


def metric_key(name: str) -> str | None:
    """The metric named ``name`` (an alias resolved), or None when there is none."""
    key = ALIASES.get(name, name)
    return key if key in METRICS else None


def largest_remainder(values: Sequence[float | None], total_tenths: int) -> list[float | None]:
    """``values`` shown to one decimal so that they add up exactly to ``total_tenths`` / 10.

    Each value is floored to tenths; the tenths still missing go, one each, to the values with
    the largest remainders (ties: the earlier value). None stays None.
    """
    scaled = [None if v is None else v * 10 for v in values]
    floors = [None if s is None else math.floor(s + 1e-9) for s in scaled]
    missing = total_tenths - sum(f for f in floors if f is not None)
    order = sorted((i for i, s in enumerate(scaled) if s is not None),
                   key=lambda i: (-((scaled[i] or 0.0) - (floors[i] or 0)), i))
    out = list(floors)
    if order:
        step = 1 if missing >= 0 else -1
        for n in range(abs(missing)):
            i = order[n % len(order)] if step > 0 else order[::-1][n % len(order)]
            out[i] = (out[i] or 0) + step
    return [None if f is None else f / 10 for f in out]


def tenths(value: float) -> int:
    """``value`` in tenths, rounded half away from zero (the one decimal a document shows)."""
    return math.floor(value * 10 + 0.5 + 1e-9)
