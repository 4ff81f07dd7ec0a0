"""The figures of the 投诉分析报告 (SPEC §7): a period's complaints counted every way the report
shows them — category, channel, severity, department, resolution time, overdue, trend.

The deadline, eligibility and working days late come from :func:`officekit.kpis.rules.
complaint_timing`, the same function the evaluations use, so the report and a person's
evaluation can never disagree about whether a complaint was late.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from officekit.canonical import RESOLVED, WITHDRAWN
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.periods import Period
from officekit.kpis.rules import complaint_timing, day_of, unique
from officekit.model import Record
from officekit.settings import Settings

# Resolution time buckets (working days from receipt to resolution), in display order.
RESOLUTION_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("当日", 0, 0), ("1天", 1, 1), ("2–3天", 2, 3), ("4–7天", 4, 7), ("7天以上", 8, 10**6),
)
UNRESOLVED_BUCKET = "未办结"
UNASSIGNED = "未指定"


def department_of(complaint: Record, staff_departments: Mapping[str, str]) -> str:
    """A complaint's department: its 责任部门, else its handler's, else 未指定."""
    return str(complaint.get("department")
               or staff_departments.get(str(complaint.get("handler_id") or ""))
               or UNASSIGNED)


def staff_departments(staff: Iterable[Record]) -> dict[str, str]:
    return {str(s["staff_id"]): s["department"] for s in staff
            if s.get("staff_id") and s.get("department")}


def bucket_of(days: int | None) -> str:
    if days is None:
        return UNRESOLVED_BUCKET
    return next(name for name, low, high in RESOLUTION_BUCKETS if low <= days <= high)


@dataclass(frozen=True, slots=True)
class Overdue:
    """A complaint past its deadline; ``days_late`` in working days (to its resolution, or to
    the as-of date while open)."""

    record: Record
    department: str
    deadline: date
    resolved: date | None
    days_late: int

    @property
    def open(self) -> bool:
        return self.resolved is None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    received: int | None  # None: before the first complaint on record (no data, not zero)
    resolved: int | None


@dataclass(slots=True)
class ComplaintFigures:
    """Everything the complaint report counts, for one period (and perhaps one department)."""

    period: Period
    total: int = 0
    withdrawn: int = 0
    resolved: int = 0
    eligible: int = 0
    on_time: int = 0
    mean_days: float | None = None
    categories: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)
    departments: dict[str, tuple[int, int]] = field(default_factory=dict)  # count, resolved
    buckets: Counter[str] = field(default_factory=Counter)
    overdue: list[Overdue] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def open(self) -> int:
        return self.total - self.resolved

    @property
    def overdue_open(self) -> int:
        return sum(1 for o in self.overdue if o.open)


def complaint_figures(period: Period, complaints: Sequence[Record], settings: Settings, *,
                      as_of: date, staff: Sequence[Record] = (), department: str | None = None,
                      calendar: WorkCalendar | None = None, trend_periods: int = 6,
                      registered: Callable[[Period], bool] | None = None) -> ComplaintFigures:
    """Count ``period``'s complaints (``complaints``: those received in the last
    ``trend_periods`` periods up to it, for the trend). Withdrawn ones are counted apart and
    left out of every figure (SPEC §6). ``registered`` says whether a complaint register
    covers a period: a trend period without one has no data, never zero complaints."""
    calendar = calendar or WorkCalendar.from_settings(settings)
    departments = staff_departments(staff)
    scoped = [c for c in unique(complaints, "complaint_id")
              if department is None or department_of(c, departments) == department]
    in_period = [c for c in scoped if period.contains(c["received_at"])]
    live = [c for c in in_period if c.get("status") != WITHDRAWN]
    fig = ComplaintFigures(period, total=len(live), withdrawn=len(in_period) - len(live))
    days_taken: list[int] = []
    groups: dict[str, list[Record]] = defaultdict(list)
    for c in live:
        received = day_of(c["received_at"])
        assert received is not None
        fig.resolved += c.get("status") == RESOLVED
        fig.categories[c.get("category") or "其他"] += 1
        fig.channels[c.get("channel") or "其他"] += 1
        fig.severities[c.get("severity") or "一般"] += 1
        groups[department_of(c, departments)].append(c)
        deadline, done, eligible, late = complaint_timing(c, settings, calendar, as_of)
        days = calendar.working_days_between(received, done) if done else None
        if days is not None:
            days_taken.append(days)
        fig.buckets[bucket_of(days)] += 1
        fig.eligible += eligible
        fig.on_time += eligible and late is None
        if late is not None:
            fig.overdue.append(Overdue(c, department_of(c, departments), deadline, done, late))
    fig.overdue.sort(key=lambda o: (not o.open, -o.days_late, o.record["complaint_id"]))
    fig.mean_days = sum(days_taken) / len(days_taken) if days_taken else None
    fig.departments = {
        name: (len(members), sum(1 for c in members if c.get("status") == RESOLVED))
        for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}
    first = min((c["received_at"] for c in scoped), default=None)
    for p in period.trend(trend_periods):
        known = first is not None and first < p.end_at and (registered is None
                                                            or registered(p))
        rows = [c for c in scoped if p.contains(c["received_at"])
                and c.get("status") != WITHDRAWN]
        fig.trend.append(TrendPoint(
            p, len(rows) if known else None,
            sum(1 for c in rows if c.get("status") == RESOLVED) if known else None))
    return fig
