"""The figures of the 回访总结报告 (SPEC §7): a period's visits by method, purpose and visitor,
satisfaction, and the follow-up coverage of the complaints resolved in the period.

Whether a resolved complaint was followed up is :func:`officekit.kpis.rules.followed_up`,
the rule the evaluations' followup_rate uses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from officekit.canonical import RESOLVED
from officekit.kpis.complaint_figures import department_of, staff_departments
from officekit.kpis.periods import Period
from officekit.kpis.rules import day_of, followed_up, is_reached, unique
from officekit.model import Record
from officekit.settings import Settings


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    count: int
    reached: int
    scores: tuple[int, ...] = ()

    @property
    def mean(self) -> float | None:
        """Mean satisfaction of the reached visits that record one (None: none does)."""
        return sum(self.scores) / len(self.scores) if self.scores else None


@dataclass(frozen=True, slots=True)
class Missed:
    """A resolved complaint without a timely reached follow-up visit, and why."""

    record: Record
    resolved: date
    reason: str  # "none" (未回访) | "unreached" | "late"


@dataclass(slots=True)
class VisitFigures:
    period: Period
    made: list[Record] = field(default_factory=list)
    reached: list[Record] = field(default_factory=list)
    scores: Counter[int] = field(default_factory=Counter)
    by_method: list[Group] = field(default_factory=list)
    by_purpose: list[Group] = field(default_factory=list)
    by_staff: list[Group] = field(default_factory=list)
    resolved: int = 0
    followed_up: int = 0
    missed: list[Missed] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(self.scores.values())

    @property
    def mean(self) -> float | None:
        return sum(k * n for k, n in self.scores.items()) / self.rated if self.rated else None


def _person(record: Record, prefix: str) -> str:
    return str(record.get(f"{prefix}_name") or record.get(f"{prefix}_id") or "—")


def _groups(made: Sequence[Record], key: str, order: Sequence[str]) -> list[Group]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for v in made:
        groups[str(v.get(key) or "其他")].append(v)
    names = [n for n in order if n in groups]
    names += sorted(n for n in groups if n not in names)
    return [Group(n, len(groups[n]), sum(1 for v in groups[n] if is_reached(v)))
            for n in names]


def visit_figures(period: Period, visits: Sequence[Record], complaints: Sequence[Record],
                  settings: Settings, *, staff: Sequence[Record] = (),
                  department: str | None = None) -> VisitFigures:
    """Count ``period``'s visits (``visits``: those made in it plus those linked to
    ``complaints``, whatever their date; one passed twice counts once) and the follow-up of
    ``complaints`` resolved in the period. A visit belongs to its 回访人's department, a
    complaint to its 责任部门, else its handler's."""
    departments = staff_departments(staff)
    visits = unique(visits, "visit_id", "visited_at", "customer", "staff_id", "staff_name",
                    "complaint_id")
    fig = VisitFigures(period)
    fig.made = [v for v in visits if period.contains(v["visited_at"]) and (
        department is None or departments.get(str(v.get("staff_id") or "")) == department)]
    fig.reached = [v for v in fig.made if is_reached(v)]
    fig.scores = Counter(int(v["satisfaction"]) for v in fig.reached
                         if v.get("satisfaction") is not None)
    fig.by_method = _groups(fig.made, "method", settings.enums["visit_method"].values)
    fig.by_purpose = _groups(fig.made, "purpose", settings.enums["visit_purpose"].values)
    people: dict[str, list[Record]] = defaultdict(list)
    for v in fig.made:
        people[_person(v, "staff")].append(v)
    fig.by_staff = [Group(name, len(vs), sum(1 for v in vs if is_reached(v)), tuple(
        int(v["satisfaction"]) for v in vs if is_reached(v) and v.get("satisfaction")
        is not None)) for name, vs in sorted(people.items(), key=lambda kv: (-len(kv[1]),
                                                                             kv[0]))]

    linked: dict[str, list[Record]] = defaultdict(list)
    for v in visits:
        if v.get("complaint_id"):
            linked[v["complaint_id"]].append(v)
    resolved = [c for c in unique(complaints, "complaint_id")
                if c.get("status") == RESOLVED and c.get("resolved_at")
                and period.contains(c["resolved_at"])
                and (department is None or department_of(c, departments) == department)]
    fig.resolved = len(resolved)
    for c in sorted(resolved, key=lambda c: (c["resolved_at"], c["complaint_id"])):
        done = day_of(c["resolved_at"])
        assert done is not None
        tries = linked.get(c["complaint_id"], [])
        if followed_up(done, tries, settings):
            fig.followed_up += 1
            continue
        reason = "none" if not tries else (
            "unreached" if not any(is_reached(v) for v in tries) else "late")
        fig.missed.append(Missed(c, done, reason))
    return fig
