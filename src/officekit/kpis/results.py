"""What :func:`officekit.kpis.compute.compute_kpis` returns: a row per person and per
department carrying the SPEC §6 JSON (``to_json``), and apart from it the extras the documents
need (complaints by category, late complaints, the target comparison) in each row's
``details``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from officekit.kpis.calendar import uncovered_year_messages
from officekit.kpis.coverage import Coverage, coverage_json
from officekit.kpis.metrics import METRICS
from officekit.kpis.periods import Period
from officekit.kpis.schemes import Scheme

# The SPEC §6 JSON keys, in order. The dataclasses below carry these as attributes.
STAFF_KEYS = (
    "staff_id", "name", "department", "role", "scheme", "received", "resolved", "closure_rate",
    "on_time_rate", "resolution_days", "followup_rate", "satisfaction", "satisfaction_100",
    "visits_made", "visit_success_rate", "visit_timeliness", "visit_target_rate",
    "visit_scored_rate", "shifts_worked", "night_shifts", "score", "grade", "rank", "unscored",
)
DEPARTMENT_KEYS = (
    "department", "headcount", "received", "resolved", "closure_rate", "on_time_rate",
    "resolution_days", "followup_rate", "satisfaction", "satisfaction_100", "score",
)


@dataclass(frozen=True, slots=True)
class LateComplaint:
    """A complaint that missed its deadline: resolved after it, or still open past it."""

    complaint_id: str
    received_at: datetime
    severity: str
    category: str | None
    deadline: date
    resolved_at: datetime | None  # None: still open
    status: str
    days_late: int | None  # working days after the deadline (to resolution, else to as_of)


@dataclass(frozen=True, slots=True)
class TargetLine:
    """One metric against its target, and what it adds to the score.

    ``share`` is the weight after rescaling over the scored metrics (None: not scored, and
    ``reason`` says why: ``min-cases``, ``no-data``, or ``not-weighted`` for a metric shown
    for information). ``points`` = ``share`` × ``metric_score`` (they sum to the score);
    ``points_shown`` the one-decimal figure a document prints (largest remainder, summing
    exactly to the score printed). ``denominator``: the cases behind the value.
    """

    metric: str
    target: float | None
    actual: float | None
    met: bool | None
    weight: float
    share: float | None
    metric_score: float | None  # 0–100
    points: float | None
    denominator: int = 0
    reason: str | None = None
    points_shown: float | None = None


@dataclass(frozen=True, slots=True)
class Unscored:
    """A scheme metric left out of the score (SPEC §6 ``unscored``)."""

    metric: str
    reason: str  # "min-cases" | "no-data"

    def to_json(self) -> dict[str, str]:
        return {"metric": self.metric, "reason": self.reason}


@dataclass(slots=True)
class Details:
    """What the documents need beyond the SPEC JSON (kept out of ``to_json``), and the
    denominators of every metric (:attr:`officekit.kpis.metrics.Metric.denominator`)."""

    by_category: dict[str, int] = field(default_factory=dict)
    late: list[LateComplaint] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)
    received: int = 0
    resolved: int = 0
    eligible: int = 0  # denominator of on_time_rate
    on_time: int = 0
    followed_up: int = 0
    rated: int = 0  # complaints with a satisfaction score
    visits_made: int = 0
    visits_reached: int = 0
    followup_visits: int = 0  # visits for a resolved complaint in the ledger
    timely_visits: int = 0  # those made 0–followup_days after its resolution
    scored_visits: int = 0  # reached visits that record a satisfaction
    visit_target: int = 0  # the visits that make visit_target_rate 100%

    def denominator(self, metric: str) -> int:
        return int(getattr(self, METRICS[metric].denominator))



@dataclass(slots=True, kw_only=True)
class ComplaintKpis:
    """The SPEC §6 complaint figures: the same fields and formulas for a person and for a
    department (:func:`officekit.kpis.compute.complaint_kpis` fills them)."""

    received: int = 0
    resolved: int = 0
    closure_rate: float | None = None
    on_time_rate: float | None = None
    resolution_days: float | None = None
    followup_rate: float | None = None
    satisfaction: float | None = None
    satisfaction_100: float | None = None
    details: Details = field(default_factory=Details)


@dataclass(slots=True)
class StaffKpi(ComplaintKpis):
    """One person's KPIs for the period (SPEC §6 staff entry) plus ``details``."""

    staff_id: str | None
    name: str | None
    department: str | None
    role: str | None
    visits_made: int = 0
    visit_success_rate: float | None = None
    visit_timeliness: float | None = None
    visit_target_rate: float | None = None
    visit_scored_rate: float | None = None
    shifts_worked: int = 0
    night_shifts: int = 0
    score: float | None = None
    grade: str | None = None
    rank: int | None = None
    scheme: str = "handler"
    unscored: list[Unscored] = field(default_factory=list)
    email: str | None = None
    status: str | None = None  # 在职 / 离职 / 休假 from the staff list; None when not listed

    def to_json(self) -> dict[str, Any]:
        """The SPEC §6 staff entry, keys in SPEC order."""
        out = {key: getattr(self, key) for key in STAFF_KEYS}
        out["unscored"] = [u.to_json() for u in self.unscored]
        return out


@dataclass(slots=True)
class DepartmentKpi(ComplaintKpis):
    """One department's KPIs over all complaints handled by its people, plus ``details``."""

    department: str
    headcount: int = 0
    score: float | None = None
    grade: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The SPEC §6 department entry, keys in SPEC order."""
        return {key: getattr(self, key) for key in DEPARTMENT_KEYS}


@dataclass(slots=True)
class KpiResult:
    """Everything :func:`compute_kpis` found for one period."""

    period: Period
    as_of: date
    staff: list[StaffKpi]
    departments: list[DepartmentKpi]
    uncovered_years: tuple[int, ...] = ()  # years chinese-calendar lacks that figures touched
    # kind → the registers covering the period; empty when the caller did not say (then every
    # kind counts as present, as for records handed in by a test or a script)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    schemes: tuple[Scheme, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Exactly the SPEC §6 JSON shape."""
        return {
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "staff": [s.to_json() for s in self.staff],
            "departments": [d.to_json() for d in self.departments],
            "coverage": coverage_json(self.coverage),
        }

    def has(self, kind: str) -> bool:
        """Whether a register of ``kind`` covers any of the period (no coverage known: yes)."""
        found = self.coverage.get(kind)
        return found is None or not found.missing

    def scheme(self, name: str) -> Scheme | None:
        return next((s for s in self.schemes if s.name == name), None)

    def warnings(self, lang: str = "zh") -> list[str]:
        """Sentences the report shows (a year computed with weekends only)."""
        return uncovered_year_messages(self.uncovered_years, lang)

    def only_department(self, department: str) -> KpiResult:
        """The same result narrowed to one department (ranks stay as computed)."""
        return replace(
            self,
            staff=[s for s in self.staff if s.department == department],
            departments=[d for d in self.departments if d.department == department],
        )

    def person(self, staff_id: str) -> StaffKpi | None:
        """The row of ``staff_id``, if listed."""
        return next((s for s in self.staff if s.staff_id == staff_id), None)

    def department(self, name: str) -> DepartmentKpi | None:
        """The row of department ``name``, if listed."""
        return next((d for d in self.departments if d.department == name), None)

