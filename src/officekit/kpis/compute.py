"""KPIs per person and per department, exactly as SPEC §6 defines them.

Inputs are plain records (``dict``) as described in docs/architecture.md, so the ledger, a test
or a script can feed them. The one entry point is :func:`compute_kpis`; the result carries the
SPEC JSON (:meth:`KpiResult.to_json`) and, apart from it, the extras the documents need
(complaints by category, late complaints, the target comparison) in each row's ``details``.

Definitions in brief (SPEC §6 is the authority): complaints 已撤销 are left out everywhere;
rates are unrounded fractions, null when their denominator is 0; the score is the weighted mean
of the metrics that have data, with the weights rescaled over those; ranks are shared on ties.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from officekit.canonical import DEFAULT_SEVERITY
from officekit.canonical import RESOLVED as RESOLVED  # also read from here by render.contexts
from officekit.canonical import WITHDRAWN as WITHDRAWN
from officekit.kpis.calendar import WorkCalendar, uncovered_year_messages
from officekit.kpis.coverage import Coverage, coverage_for, coverage_json
from officekit.kpis.metrics import METRICS, largest_remainder, tenths
from officekit.kpis.periods import Period
from officekit.kpis.schemes import Scheme, scheme_for
from officekit.model import Record
from officekit.settings import Settings

LEFT = "离职"
NIGHT_CODE = "夜"
NIGHT_NAME = "夜班"

# The SPEC §6 JSON keys, in order. The dataclasses below carry these as attributes.
STAFF_KEYS = (
    "staff_id", "name", "department", "role", "scheme", "received", "resolved", "closure_rate",
    "on_time_rate", "resolution_days", "followup_rate", "satisfaction", "satisfaction_100",
    "visits_made", "visit_success_rate", "visit_timeliness", "visit_target_rate",
    "visit_scored_rate", "shifts_worked", "night_shifts", "score", "grade", "rank", "unscored",
)
# What a KPI table shows beside the scored metrics (not weighted in any default scheme).
SHOWN_COMPLAINT_METRICS = ("closure_rate", "on_time_rate", "resolution_days", "followup_rate",
                           "satisfaction_100")
SHOWN_VISIT_METRICS = ("visit_success_rate", "visit_timeliness", "visit_target_rate",
                       "visit_scored_rate")
DEPARTMENT_KEYS = (
    "department", "headcount", "received", "resolved", "closure_rate", "on_time_rate",
    "resolution_days", "followup_rate", "satisfaction", "satisfaction_100", "score",
)

_EPS = 1e-9  # float noise when comparing scores with grade bands and with each other

PersonKey = tuple[str, str]  # ("id", staff_id) or ("name", name) for unresolved records


# ------------------------------------------------------------------------------------------
# Result types


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


@dataclass(slots=True)
class StaffKpi:
    """One person's KPIs for the period (SPEC §6 staff entry) plus ``details``."""

    staff_id: str | None
    name: str | None
    department: str | None
    role: str | None
    received: int = 0
    resolved: int = 0
    closure_rate: float | None = None
    on_time_rate: float | None = None
    resolution_days: float | None = None
    followup_rate: float | None = None
    satisfaction: float | None = None
    satisfaction_100: float | None = None
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
    details: Details = field(default_factory=Details)

    def to_json(self) -> dict[str, Any]:
        """The SPEC §6 staff entry, keys in SPEC order."""
        out = {key: getattr(self, key) for key in STAFF_KEYS}
        out["unscored"] = [u.to_json() for u in self.unscored]
        return out


@dataclass(slots=True)
class DepartmentKpi:
    """One department's KPIs over all complaints handled by its people, plus ``details``."""

    department: str
    headcount: int = 0
    received: int = 0
    resolved: int = 0
    closure_rate: float | None = None
    on_time_rate: float | None = None
    resolution_days: float | None = None
    followup_rate: float | None = None
    satisfaction: float | None = None
    satisfaction_100: float | None = None
    score: float | None = None
    grade: str | None = None
    details: Details = field(default_factory=Details)

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


# ------------------------------------------------------------------------------------------
# Helpers


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


_CN_NUM = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
_CN_UNIT = {"十": 10, "百": 100}


def _cn_number(text: str) -> int:
    total = current = 0
    for ch in text:
        if ch in _CN_NUM:
            current = _CN_NUM[ch]
        else:
            total += (current or 1) * _CN_UNIT[ch]
            current = 0
    return total + current


def natural_key(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders ``E2`` before ``E10`` and 客服二部 before 客服三部 before 客服十部."""
    parts: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\d+|[零一二三四五六七八九十百]+|[^\d零一二三四五六七八九十百]+",
                         text or ""):
        chunk = m.group()
        if chunk.isdigit():
            parts.append((0, int(chunk), chunk))
        elif chunk[0] in _CN_NUM or chunk[0] in _CN_UNIT:
            parts.append((0, _cn_number(chunk), chunk))
        else:
            parts.append((1, 0, chunk))
    return tuple(parts)


def grade_for(score: float | None, grades: Sequence[tuple[str, float]]) -> str | None:
    """The grade band a score falls in (bands: name and lower bound); no score → None."""
    if score is None or not grades:
        return None
    bands = sorted(grades, key=lambda band: -band[1])
    for name, low in bands:
        if score >= low - _EPS:
            return name
    return bands[-1][0]


def complaint_deadline(complaint: Record, settings: Settings, calendar: WorkCalendar) -> date:
    """The Nth working day after the received date, N by severity (settings.deadlines)."""
    received = _day(complaint["received_at"])
    assert received is not None
    severity = complaint.get("severity") or DEFAULT_SEVERITY
    days = settings.deadlines.get(severity, settings.deadlines[DEFAULT_SEVERITY])
    return calendar.add_working_days(received, days)


def _visit_day(visit: Record) -> date:
    day = _day(visit["visited_at"])
    assert day is not None
    return day


def is_reached(visit: Record) -> bool:
    """Whether a visit reached the customer (understand/ defaults an empty cell to 是)."""
    return visit.get("reached") is not False


def latest_visit_order(visit: Record) -> tuple[datetime, int, int]:
    """SPEC §6's order of "the latest visit": by visited_at; on equal visited_at the one
    recorded later — later file, then later row."""
    visited = visit["visited_at"]
    if not isinstance(visited, datetime):
        visited = datetime.combine(visited, datetime.min.time())
    return visited, int(visit.get("_file_id") or 0), int(visit.get("_row") or 0)


def followed_up(resolved_day: date, visits: Iterable[Record], settings: Settings) -> bool:
    """Whether a complaint resolved on ``resolved_day`` had a reached visit 0–followup_days
    calendar days after it (SPEC §6 followup_rate)."""
    window = range(settings.followup_days + 1)
    return any(is_reached(v) and (_visit_day(v) - resolved_day).days in window for v in visits)


# ------------------------------------------------------------------------------------------
# Complaint figures: the same formulas for a person and for a department


@dataclass(slots=True)
class _Figures:
    received: int = 0
    resolved: int = 0
    closure_rate: float | None = None
    on_time_rate: float | None = None
    resolution_days: float | None = None
    followup_rate: float | None = None
    satisfaction: float | None = None
    satisfaction_100: float | None = None
    details: Details = field(default_factory=Details)
    last_day: date | None = None  # the latest day the calendar was asked about


def complaint_timing(complaint: Record, settings: Settings, calendar: WorkCalendar,
                     as_of: date) -> tuple[date, date | None, bool, int | None]:
    """(deadline, resolved day, eligible, working days late) of one complaint (SPEC §6).

    A 已办结 complaint without a resolved date cannot be timed: it is neither eligible nor
    late (validation rejects one; an older ledger may hold it). Late days are working days
    after the deadline up to the resolution, or up to ``as_of`` while it is open — so a
    document states them "as of" its date and they do not grow with re-rendering.
    """
    deadline = complaint_deadline(complaint, settings, calendar)
    is_resolved = complaint.get("status") == RESOLVED
    done = _day(complaint.get("resolved_at")) if is_resolved else None
    if is_resolved and done is None:
        return deadline, None, False, None
    eligible = is_resolved or deadline < as_of
    if not eligible or (done is not None and done <= deadline):
        return deadline, done, eligible, None
    end = done if done is not None else as_of
    return deadline, done, eligible, calendar.working_days_between(deadline, end)


def _complaint_figures(complaints: Sequence[Record], linked: dict[str, list[Record]],
                       settings: Settings, calendar: WorkCalendar, as_of: date) -> _Figures:
    fig = _Figures(received=len(complaints))
    details = fig.details
    days_to_resolve: list[float] = []
    scores: list[float] = []
    categories: Counter[str] = Counter()
    for c in complaints:
        received = _day(c["received_at"])
        assert received is not None
        categories[c.get("category") or "其他"] += 1
        deadline, resolved_day, eligible, late = complaint_timing(c, settings, calendar, as_of)
        is_resolved = c.get("status") == RESOLVED
        fig.last_day = max(d for d in (fig.last_day, deadline, resolved_day, received, as_of)
                           if d)
        visits = linked.get(c["complaint_id"], [])

        fig.resolved += is_resolved
        details.eligible += eligible
        details.on_time += eligible and late is None
        if late is not None:
            details.late.append(LateComplaint(
                complaint_id=c["complaint_id"], received_at=c["received_at"],
                severity=c.get("severity") or DEFAULT_SEVERITY, category=c.get("category"),
                deadline=deadline, resolved_at=c.get("resolved_at") if is_resolved else None,
                status=c.get("status") or "", days_late=late,
            ))
        if resolved_day is not None:
            days_to_resolve.append(calendar.working_days_between(received, resolved_day))
            details.followed_up += followed_up(resolved_day, visits, settings)

        rated = [v for v in visits if is_reached(v) and v.get("satisfaction") is not None]
        if rated:
            scores.append(max(rated, key=latest_visit_order)["satisfaction"])
        elif c.get("satisfaction") is not None:
            scores.append(c["satisfaction"])

    details.received, details.resolved = fig.received, fig.resolved
    fig.closure_rate = _rate(fig.resolved, fig.received)
    fig.on_time_rate = _rate(details.on_time, details.eligible)
    fig.resolution_days = _mean(days_to_resolve)
    fig.followup_rate = _rate(details.followed_up, fig.resolved)
    fig.satisfaction = _mean(scores)
    fig.satisfaction_100 = METRICS["satisfaction_100"].score(fig.satisfaction)
    details.rated = len(scores)
    order = list(settings.enums["category"].values) if "category" in settings.enums else []
    order += sorted(k for k in categories if k not in order)
    details.by_category = {k: categories[k] for k in order}
    details.late.sort(key=lambda late: (late.deadline, late.complaint_id))
    return fig


def _visit_figures(row: StaffKpi, made: Sequence[Record], resolved_on: Mapping[str, date],
                   settings: Settings, visit_target: int) -> None:
    """SPEC §6 visitor metrics over the visits ``made`` by one person in the period.

    ``resolved_on``: complaint_id → resolved date of every 已办结 complaint in the ledger.
    """
    d = row.details
    d.visits_made = row.visits_made = len(made)
    reached = [v for v in made if is_reached(v)]
    d.visits_reached = len(reached)
    d.scored_visits = sum(1 for v in reached if v.get("satisfaction") is not None)
    window = range(settings.followup_days + 1)
    for v in made:
        done = resolved_on.get(v.get("complaint_id") or "")
        if done is not None:
            d.followup_visits += 1
            d.timely_visits += (_visit_day(v) - done).days in window
    d.visit_target = visit_target
    row.visit_success_rate = _rate(d.visits_reached, d.visits_made)
    if made:
        row.visit_timeliness = _rate(d.timely_visits, d.followup_visits)
        row.visit_target_rate = min(1.0, len(made) / visit_target) if visit_target else None
        row.visit_scored_rate = _rate(d.scored_visits, d.visits_reached)


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
    for key in scheme.metrics:
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
    keys = list(scheme.metrics) + [k for k in shown if k not in scheme.metrics]
    lines: list[TargetLine] = []
    for key in keys:
        metric = METRICS[key]
        actual: float | None = getattr(values, metric.attr)
        target = scheme.target(key)
        share = scheme.weights[key] / total if key in scored and total > 0 else None
        ms = metric.score(actual)
        lines.append(TargetLine(
            key, target, actual, metric.met(actual, target), scheme.weights.get(key, 0.0),
            share, ms, None if share is None or ms is None else share * ms,
            details.denominator(key), reasons.get(key, None if share else "not-weighted")))
    if score is not None:
        shown_points = largest_remainder([line.points for line in lines], tenths(score))
        lines = [replace(line, points_shown=p) for line, p in zip(lines, shown_points,
                                                                   strict=True)]
    return score, lines, unscored


# ------------------------------------------------------------------------------------------
# People


class _Directory:
    """Maps a record's (id, name) to a person; a name alone resolves when it is unique."""

    def __init__(self, staff: Iterable[Record]) -> None:
        self.by_id: dict[str, Record] = {}
        counts: Counter[str] = Counter()
        for s in staff:
            if s.get("staff_id"):
                self.by_id[str(s["staff_id"])] = s
                if s.get("name"):
                    counts[s["name"]] += 1
        self.by_name = {s["name"]: s for s in self.by_id.values()
                        if s.get("name") and counts[s["name"]] == 1}

    def key(self, staff_id: Any, name: Any) -> PersonKey | None:
        if staff_id:
            return ("id", str(staff_id))
        if name:
            known = self.by_name.get(name)
            return ("id", str(known["staff_id"])) if known else ("name", str(name))
        return None


def _dedupe(records: Iterable[Record], key_fields: tuple[str, ...],
            id_field: str | None) -> list[Record]:
    """Drop repeats (the caller may pass a record both as 'linked' and as 'in P')."""
    seen: dict[tuple[Any, ...], Record] = {}
    for r in records:
        key = (r[id_field],) if id_field and r.get(id_field) else \
            tuple(r.get(k) for k in key_fields)
        seen[key] = r
    return list(seen.values())


def _rank(rows: list[StaffKpi]) -> None:
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


def _visit_scheme(scheme: Scheme, settings: Settings) -> Scheme:
    """Whose visit target applies: the person's scheme when it scores visits, else visitor's."""
    if "visit_target_rate" in scheme.metrics:
        return scheme
    return next((s for s in settings.schemes if s.name == "visitor"), scheme)


def _department_scheme(settings: Settings) -> Scheme:
    """Departments are scored as their leads are (the ``lead`` scheme's weights)."""
    return next((s for s in settings.schemes if s.name == "lead"),
                scheme_for(None, settings.schemes))


# ------------------------------------------------------------------------------------------
# Entry point


def compute_kpis(period: Period, staff: Sequence[Record], complaints: Sequence[Record],
                 visits: Sequence[Record], schedule: Sequence[Record], settings: Settings,
                 as_of: date, *, calendar: WorkCalendar | None = None,
                 coverage: Mapping[str, Coverage] | None = None) -> KpiResult:
    """Compute SPEC §6 KPIs for ``period`` as known on ``as_of``.

    What the caller hands in (records as in docs/architecture.md; extra records are ignored):
    - ``staff``: the whole staff list, any status;
    - ``complaints``: the complaints received in the period, plus any complaint a visit made
      in the period is linked to (visit timeliness looks up its resolved date);
    - ``visits``: every visit linked (by complaint_id) to those complaints, whatever its date —
      follow-up and satisfaction look at visits after the period end — plus every visit made
      in the period; a visit passed twice counts once;
    - ``schedule``: the schedule entries of the period (others are filtered out);
    - ``coverage``: which registers cover the period (:func:`officekit.kpis.coverage.
      coverage_for`); a kind without a register has no data — its metrics are null, never 0.

    A person is their staff_id; a record with a name only is matched to the staff list when
    the name is unique there, else it stands for a person of that name. A person's department
    is the staff list's, else the one their records name most often (责任部门, schedule). Each
    person is scored under the scheme of their role (settings.schemes). Pass one ``calendar``
    to several calls (a trend) to share its cache.
    """
    calendar = calendar or WorkCalendar.from_settings(settings)
    as_of = as_of.date() if isinstance(as_of, datetime) else as_of
    directory = _Directory(staff)
    covered = dict(coverage or {})

    def present(kind: str) -> bool:
        return kind not in covered or not covered[kind].missing

    unique = _dedupe(complaints, ("received_at", "customer", "handler_id", "handler_name"),
                     "complaint_id")
    resolved_on = {c["complaint_id"]: day for c in unique
                   if c.get("status") == RESOLVED and c.get("complaint_id")
                   and (day := _day(c.get("resolved_at"))) is not None}
    in_period = [c for c in unique
                 if c.get("status") != WITHDRAWN and period.contains(c["received_at"])]
    if not present("complaints"):
        in_period = []
    all_visits = _dedupe(visits, ("visited_at", "customer", "staff_id", "staff_name",
                                  "complaint_id"), "visit_id")
    linked: dict[str, list[Record]] = defaultdict(list)
    for v in all_visits:
        if v.get("complaint_id"):
            linked[v["complaint_id"]].append(v)
    visits_in_period = [v for v in all_visits if period.contains(v["visited_at"])]
    if not present("visits"):
        visits_in_period = []

    handled: dict[PersonKey, list[Record]] = defaultdict(list)
    made: dict[PersonKey, list[Record]] = defaultdict(list)
    duties: dict[PersonKey, list[Record]] = defaultdict(list)
    seen_names: dict[PersonKey, str] = {}
    seen_departments: dict[PersonKey, Counter[str]] = defaultdict(Counter)
    sources = (
        (in_period, "handler_id", "handler_name", handled),
        (visits_in_period, "staff_id", "staff_name", made),
        ([e for e in schedule if period.contains(e["date"])], "staff_id", "staff_name", duties),
    )
    for records, id_field, name_field, bucket in sources:
        for r in records:
            key = directory.key(r.get(id_field), r.get(name_field))
            if key is None:
                continue
            bucket[key].append(r)
            if r.get(name_field):
                seen_names.setdefault(key, r[name_field])
            if bucket is not made and r.get("department"):
                seen_departments[key][r["department"]] += 1

    listed: dict[PersonKey, Record | None] = {
        ("id", sid): s for sid, s in directory.by_id.items() if s.get("status") != LEFT
    }
    for key in (*handled, *made, *duties):
        listed.setdefault(key, directory.by_id.get(key[1]) if key[0] == "id" else None)

    months = len(period.months())
    by_key: dict[PersonKey, StaffKpi] = {}
    schemes: dict[PersonKey, Scheme] = {}
    last_day = period.end
    for key, record in listed.items():
        info = record or {}
        departments = seen_departments.get(key)
        scheme = scheme_for(info.get("role"), settings.schemes)
        row = StaffKpi(
            staff_id=key[1] if key[0] == "id" else None,
            name=info.get("name") or seen_names.get(key) or (key[1] if key[0] == "name" else None),
            department=info.get("department") or (
                departments.most_common(1)[0][0] if departments else None),
            role=info.get("role"), email=info.get("email"),
            status=(info.get("status") or "在职") if record else None, scheme=scheme.name,
        )
        fig = _complaint_figures(handled.get(key, []), linked, settings, calendar, as_of)
        last_day = max(last_day, fig.last_day or last_day)
        _apply(row, fig)
        _visit_figures(row, made.get(key, []), resolved_on, settings,
                       round(_visit_scheme(scheme, settings).visits_target(months)))
        for entry in duties.get(key, []):
            shift = settings.shifts.get(entry.get("shift") or "")
            row.shifts_worked += bool(shift and shift.worked)
            row.night_shifts += entry.get("shift") == NIGHT_CODE or bool(
                shift and shift.name == NIGHT_NAME)
        by_key[key] = row
        schemes[key] = scheme

    members: dict[str, list[PersonKey]] = defaultdict(list)
    for key, row in by_key.items():
        if row.department is not None:
            members[row.department].append(key)
    dept_scheme = _department_scheme(settings)
    departments_out: list[DepartmentKpi] = []
    for name in sorted(members, key=natural_key):
        keys = members[name]
        dept = DepartmentKpi(department=name, headcount=len(keys))
        fig = _complaint_figures([c for k in keys for c in handled.get(k, [])], linked,
                                 settings, calendar, as_of)
        _apply(dept, fig)
        dept.score, dept.details.targets, _ = score_lines(dept, dept.details, dept_scheme,
                                                          SHOWN_COMPLAINT_METRICS)
        dept.grade = grade_for(dept.score, settings.grades)
        departments_out.append(dept)
    by_department = {d.department: d for d in departments_out}

    for key, row in by_key.items():
        scheme = schemes[key]
        own = row.details
        if scheme.scope == "department":
            dept_row = by_department.get(row.department or "")
            values: StaffKpi | DepartmentKpi = dept_row if dept_row is not None else \
                DepartmentKpi(department=row.department or "")
            source = values.details
        else:
            values, source = row, own
        shown = SHOWN_VISIT_METRICS if scheme.needs == "visits" else SHOWN_COMPLAINT_METRICS
        if not scheme.scored:
            shown = (*SHOWN_COMPLAINT_METRICS, *(SHOWN_VISIT_METRICS if row.visits_made else ()))
        row.score, own.targets, row.unscored = score_lines(values, source, scheme, shown)
        row.grade = grade_for(row.score, settings.grades)
    rows = list(by_key.values())
    _rank(rows)
    rows.sort(key=lambda r: (r.department is None, natural_key(r.department),
                             r.staff_id is None, natural_key(r.staff_id or r.name)))

    uncovered = tuple(y for y in sorted(calendar.warnings)
                      if period.start.year <= y <= last_day.year)
    return KpiResult(period, as_of, rows, departments_out, uncovered, covered,
                     tuple(settings.schemes))


class KpiSource(Protocol):
    """What :func:`kpis_for_period` reads; the ledger (officekit.ledger.store.Ledger) has it."""

    def staff(self) -> list[Record]: ...

    def complaints(self, start: date | datetime | None = None,
                   end: date | datetime | None = None) -> list[Record]: ...

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]: ...

    def visits(self, start: date | datetime | None = None,
               end: date | datetime | None = None) -> list[Record]: ...

    def visits_for_complaints(self, ids: Collection[str]) -> list[Record]: ...

    def schedule(self, start: date, end: date) -> list[Record]: ...

    def file_spans(self) -> Sequence[Any]: ...


def kpis_for_period(source: KpiSource, period: Period, settings: Settings, as_of: date, *,
                    calendar: WorkCalendar | None = None) -> KpiResult:
    """Fetch what :func:`compute_kpis` needs for ``period`` from the ledger and compute it.

    The one call behind ``officekit kpis`` and the documents: complaints received in the
    period, the visits made in it plus every visit linked to those complaints (follow-ups
    after the period end count), the complaints those visits follow up, the period's schedule,
    the whole staff list, and which registers cover the period.
    """
    complaints = source.complaints(period.start_at, period.end_at)
    made = source.visits(period.start_at, period.end_at)
    have = {c["complaint_id"] for c in complaints}
    followed = source.complaints_by_id(
        {v["complaint_id"] for v in made if v.get("complaint_id")} - have)
    visits = made + source.visits_for_complaints([c["complaint_id"] for c in complaints])
    return compute_kpis(period, source.staff(), [*complaints, *followed.values()], visits,
                        source.schedule(period.start, period.end), settings, as_of,
                        calendar=calendar,
                        coverage=coverage_for(source.file_spans(), period))


def _apply(row: StaffKpi | DepartmentKpi, fig: _Figures) -> None:
    row.received, row.resolved = fig.received, fig.resolved
    row.closure_rate, row.on_time_rate = fig.closure_rate, fig.on_time_rate
    row.resolution_days, row.followup_rate = fig.resolution_days, fig.followup_rate
    row.satisfaction, row.satisfaction_100 = fig.satisfaction, fig.satisfaction_100
    row.details = fig.details
