"""KPIs per person and per department, exactly as SPEC §6 defines them.

Inputs are plain records (``dict``) as described in docs/architecture.md, so the ledger, a test
or a script can feed them. The one entry point is :func:`compute_kpis`; the result carries the
SPEC JSON (:meth:`KpiResult.to_json`) and, apart from it, the extras the documents need
(complaints by category, late complaints, the target comparison) in each row's ``details``.

Definitions in brief (SPEC §6 is the authority): complaints 已撤销 are left out everywhere;
rates are unrounded fractions, null when their denominator is 0; the score is the weighted mean
of the metrics that have data, with the weights rescaled over those; ranks are shared on ties.

The result types live in :mod:`officekit.kpis.results`, the per-record rules (deadlines,
follow-ups) in :mod:`officekit.kpis.rules`, scores, grades and ranks in
:mod:`officekit.kpis.scoring`; their names are importable from here too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from officekit.canonical import DEFAULT_SEVERITY, RESOLVED, WITHDRAWN
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.coverage import Coverage, coverage_for
from officekit.kpis.metrics import METRICS
from officekit.kpis.periods import Period
from officekit.kpis.results import (
    DEPARTMENT_KEYS,
    STAFF_KEYS,
    ComplaintKpis,
    DepartmentKpi,
    Details,
    KpiResult,
    LateComplaint,
    StaffKpi,
    TargetLine,
    Unscored,
)
from officekit.kpis.rules import (
    complaint_deadline,
    complaint_timing,
    day_of,
    followed_up,
    is_reached,
    latest_visit_order,
    natural_key,
    unique,
    visit_day,
)
from officekit.kpis.schemes import Scheme, scheme_for
from officekit.kpis.scoring import department_scheme, grade_for, rank, score_lines, visit_scheme
from officekit.model import Record
from officekit.settings import Settings

# Read from here too (render.contexts, loop, the tests): the result types and the shared rules.
__all__ = [
    "DEPARTMENT_KEYS", "RESOLVED", "STAFF_KEYS", "WITHDRAWN", "ComplaintKpis", "DepartmentKpi",
    "Details", "KpiResult", "KpiSource", "LateComplaint", "StaffKpi", "TargetLine", "Unscored",
    "complaint_deadline", "complaint_kpis", "complaint_timing", "compute_kpis", "followed_up",
    "grade_for", "is_reached", "kpis_for_period", "latest_visit_order", "natural_key",
    "score_lines",
]

LEFT = "离职"
NIGHT_CODE = "夜"
NIGHT_NAME = "夜班"

SHOWN_COMPLAINT_METRICS = ("closure_rate", "on_time_rate", "resolution_days", "followup_rate",
                           "satisfaction_100")
SHOWN_VISIT_METRICS = ("visit_success_rate", "visit_timeliness", "visit_target_rate",
                       "visit_scored_rate")

# What compute_kpis and the rules it uses read of each record (kpis_for_period fetches only
# these: a month is thousands of complaints and visits and ~10,000 schedule entries, whose
# descriptions, phones and provenance stay in the ledger). A rule that reads another field
# adds it here; tests/test_kpis.py compares with whole records.
COMPLAINT_FIELDS = ("complaint_id", "received_at", "customer", "category", "severity",
                    "department", "handler_id", "handler_name", "status", "resolved_at",
                    "satisfaction")
VISIT_FIELDS = ("visit_id", "visited_at", "customer", "staff_id", "staff_name",
                "complaint_id", "reached", "satisfaction", "_file_id", "_row", "_key")
SCHEDULE_FIELDS = ("date", "shift", "staff_id", "staff_name", "department")

PersonKey = tuple[str, str]  # ("id", staff_id) or ("name", name) for unresolved records


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


class _Facts(NamedTuple):
    """What one complaint adds to the figures of whoever is judged on it (a person, their
    department): worked out once per complaint and summed for each."""

    category: str
    resolved: bool
    eligible: bool
    on_time: bool
    late: LateComplaint | None
    last_day: date  # the latest day the calendar was asked about
    resolve_days: int | None  # working days to resolution, when resolved with a date
    followed_up: bool
    score: float | None  # the satisfaction it counts with, if any


def _complaint_facts(c: Record, linked: dict[str, list[Record]], settings: Settings,
                     calendar: WorkCalendar, as_of: date) -> _Facts:
    received = day_of(c["received_at"])
    assert received is not None
    deadline, resolved_day, eligible, late = complaint_timing(c, settings, calendar, as_of)
    is_resolved = c.get("status") == RESOLVED
    visits = linked.get(c["complaint_id"], [])
    resolve_days: int | None = None
    followed = False
    if resolved_day is not None:
        resolve_days = calendar.working_days_between(received, resolved_day)
        followed = followed_up(resolved_day, visits, settings)
    rated = [v for v in visits if is_reached(v) and v.get("satisfaction") is not None]
    score = max(rated, key=latest_visit_order)["satisfaction"] if rated else c.get(
        "satisfaction")
    return _Facts(
        category=c.get("category") or "其他", resolved=is_resolved, eligible=eligible,
        on_time=eligible and late is None,
        late=None if late is None else LateComplaint(
            complaint_id=c["complaint_id"], received_at=c["received_at"],
            severity=c.get("severity") or DEFAULT_SEVERITY, category=c.get("category"),
            deadline=deadline, resolved_at=c.get("resolved_at") if is_resolved else None,
            status=c.get("status") or "", days_late=late,
        ),
        last_day=max(deadline, received, as_of) if resolved_day is None else max(
            deadline, received, as_of, resolved_day),
        resolve_days=resolve_days, followed_up=followed, score=score)


def complaint_kpis(row: ComplaintKpis, complaints: Sequence[Record],
                   linked: dict[str, list[Record]], settings: Settings, calendar: WorkCalendar,
                   as_of: date, *, known: dict[int, _Facts] | None = None) -> date | None:
    """Fill ``row``'s complaint figures (a person's or a department's: the same formulas) from
    the ``complaints`` they handled; the latest day the calendar was asked about, returned.

    ``known``: what each complaint adds, kept by the caller across rows of one computation
    (a complaint counts for its handler and again for their department); keyed by ``id()``
    of the record, so it is only valid while the same records and arguments are passed.
    """
    row.received, row.resolved = len(complaints), 0
    details = row.details
    last_day: date | None = None
    days_to_resolve: list[float] = []
    scores: list[float] = []
    categories: Counter[str] = Counter()
    facts = {} if known is None else known
    for c in complaints:
        f = facts.get(id(c))
        if f is None:
            f = facts[id(c)] = _complaint_facts(c, linked, settings, calendar, as_of)
        categories[f.category] += 1
        last_day = f.last_day if last_day is None else max(last_day, f.last_day)
        row.resolved += f.resolved
        details.eligible += f.eligible
        details.on_time += f.on_time
        if f.late is not None:
            details.late.append(f.late)
        if f.resolve_days is not None:
            days_to_resolve.append(f.resolve_days)
            details.followed_up += f.followed_up
        if f.score is not None:
            scores.append(f.score)

    details.received, details.resolved = row.received, row.resolved
    row.closure_rate = _rate(row.resolved, row.received)
    row.on_time_rate = _rate(details.on_time, details.eligible)
    row.resolution_days = _mean(days_to_resolve)
    row.followup_rate = _rate(details.followed_up, row.resolved)
    row.satisfaction = _mean(scores)
    row.satisfaction_100 = METRICS["satisfaction_100"].score(row.satisfaction)
    details.rated = len(scores)
    order = list(settings.enums["category"].values) if "category" in settings.enums else []
    order += sorted(k for k in categories if k not in order)
    details.by_category = {k: categories[k] for k in order}
    details.late.sort(key=lambda late: (late.deadline, late.complaint_id))
    return last_day


def _visit_kpis(row: StaffKpi, made: Sequence[Record], resolved_on: Mapping[str, date],
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
            d.timely_visits += (visit_day(v) - done).days in window
    d.visit_target = visit_target
    row.visit_success_rate = _rate(d.visits_reached, d.visits_made)
    if made:
        row.visit_timeliness = _rate(d.timely_visits, d.followup_visits)
        row.visit_target_rate = min(1.0, len(made) / visit_target) if visit_target else None
        row.visit_scored_rate = _rate(d.scored_visits, d.visits_reached)


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

    complaints_once = unique(complaints, "complaint_id", "received_at", "customer", "handler_id",
                             "handler_name")
    resolved_on = {c["complaint_id"]: day for c in complaints_once
                   if c.get("status") == RESOLVED and c.get("complaint_id")
                   and (day := day_of(c.get("resolved_at"))) is not None}
    in_period = [c for c in complaints_once
                 if c.get("status") != WITHDRAWN and period.contains(c["received_at"])]
    if not present("complaints"):
        in_period = []
    all_visits = unique(visits, "visit_id", "visited_at", "customer", "staff_id", "staff_name",
                        "complaint_id")
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
        found: dict[tuple[Any, Any], PersonKey | None] = {}  # a person's records share it
        with_department = bucket is not made
        for r in records:
            who = r.get(id_field), r.get(name_field)
            key = found[who] if who in found else found.setdefault(who, directory.key(*who))
            if key is None:
                continue
            bucket[key].append(r)
            if who[1]:
                seen_names.setdefault(key, who[1])
            if with_department and r.get("department"):
                seen_departments[key][r["department"]] += 1

    listed: dict[PersonKey, Record | None] = {
        ("id", sid): s for sid, s in directory.by_id.items() if s.get("status") != LEFT
    }
    for key in (*handled, *made, *duties):
        listed.setdefault(key, directory.by_id.get(key[1]) if key[0] == "id" else None)

    months = len(period.months())
    known: dict[int, _Facts] = {}  # each complaint's part, for its handler and department
    shift_counts: dict[Any, tuple[bool, bool]] = {}
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
        asked = complaint_kpis(row, handled.get(key, []), linked, settings, calendar, as_of,
                               known=known)
        last_day = max(last_day, asked or last_day)
        _visit_kpis(row, made.get(key, []), resolved_on, settings,
                    round(visit_scheme(scheme, settings).visits_target(months)))
        for code, times in Counter(entry.get("shift") for entry in duties.get(key, ())).items():
            counts = shift_counts.get(code)
            if counts is None:  # (worked, night) of a shift code: asked once per code
                shift = settings.shifts.get(code or "")
                counts = shift_counts[code] = (bool(shift and shift.worked), code == NIGHT_CODE
                                               or bool(shift and shift.name == NIGHT_NAME))
            row.shifts_worked += counts[0] * times
            row.night_shifts += counts[1] * times
        by_key[key] = row
        schemes[key] = scheme

    members: dict[str, list[PersonKey]] = defaultdict(list)
    for key, row in by_key.items():
        if row.department is not None:
            members[row.department].append(key)
    dept_scheme = department_scheme(settings)
    departments_out: list[DepartmentKpi] = []
    for name in sorted(members, key=natural_key):
        keys = members[name]
        dept = DepartmentKpi(department=name, headcount=len(keys))
        complaint_kpis(dept, [c for k in keys for c in handled.get(k, [])], linked, settings,
                       calendar, as_of, known=known)
        dept.score, dept.details.targets, _ = score_lines(dept, dept.details, dept_scheme,
                                                          SHOWN_COMPLAINT_METRICS)
        dept.grade = grade_for(dept.score, settings.grades)
        departments_out.append(dept)
    by_department = {d.department: d for d in departments_out}

    # a person judged on their own figures with no complaint and no visit in the period
    # scores the same lines as every such person under their scheme: worked out once per scheme
    idle: dict[int, tuple[float | None, list[TargetLine], list[Unscored]]] = {}
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
        if scheme.scope != "department" and key not in handled and key not in made:
            if id(scheme) not in idle:
                idle[id(scheme)] = score_lines(values, source, scheme, shown)
            score, lines, unscored = idle[id(scheme)]
            row.score, own.targets, row.unscored = score, list(lines), list(unscored)
        else:
            row.score, own.targets, row.unscored = score_lines(values, source, scheme, shown)
        row.grade = grade_for(row.score, settings.grades)
    rows = list(by_key.values())
    rank(rows)
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
                   end: date | datetime | None = None,
                   fields: Sequence[str] | None = None) -> list[Record]: ...

    def complaints_by_id(self, ids: Collection[str],
                         fields: Sequence[str] | None = None) -> dict[str, Record]: ...

    def visits(self, start: date | datetime | None = None,
               end: date | datetime | None = None,
               fields: Sequence[str] | None = None) -> list[Record]: ...

    def visits_for_complaints_received(self, start: date | datetime, end: date | datetime,
                                       fields: Sequence[str] | None = None,
                                       ) -> list[Record]: ...

    def schedule(self, start: date, end: date,
                 fields: Sequence[str] | None = None) -> list[Record]: ...

    def file_spans(self) -> Sequence[Any]: ...


def kpis_for_period(source: KpiSource, period: Period, settings: Settings, as_of: date, *,
                    calendar: WorkCalendar | None = None) -> KpiResult:
    """Fetch what :func:`compute_kpis` needs for ``period`` from the ledger and compute it.

    The one call behind ``officekit kpis`` and the documents: complaints received in the
    period, the visits made in it plus every visit linked to those complaints (follow-ups
    after the period end count), the complaints those visits follow up, the period's schedule,
    the whole staff list, and which registers cover the period. A period that neither a
    complaint register nor a visit register covers has no complaint or visit figures, so
    neither is read (the months of a trend before the office's first register).
    """
    coverage = coverage_for(source.file_spans(), period)
    complaints: list[Record] = []
    followed: dict[str, Record] = {}
    visits: list[Record] = []
    if any(kind not in coverage or not coverage[kind].missing
           for kind in ("complaints", "visits")):  # else compute_kpis leaves both out
        complaints = source.complaints(period.start_at, period.end_at, COMPLAINT_FIELDS)
        made = source.visits(period.start_at, period.end_at, VISIT_FIELDS)
        have = {c["complaint_id"] for c in complaints}
        followed = source.complaints_by_id(
            {v["complaint_id"] for v in made if v.get("complaint_id")} - have, COMPLAINT_FIELDS)
        visits = made + source.visits_for_complaints_received(period.start_at, period.end_at,
                                                              VISIT_FIELDS)
    schedule = source.schedule(period.start, period.end, SCHEDULE_FIELDS)
    return compute_kpis(period, source.staff(), [*complaints, *followed.values()], visits,
                        schedule, settings, as_of, calendar=calendar, coverage=coverage)

