"""The due list (SPEC §11, 督办): what is to be done today, and what is late enough to chase.

Three lists, as of a day:
- ``open``: every complaint not 已办结/已撤销, with its deadline (SPEC §6, the one
  :func:`~officekit.kpis.compute.complaint_deadline`) and ``days_left`` in working days
  (:class:`~officekit.kpis.calendar.WorkCalendar`, 调休 included);
- ``followup``: 已办结 complaints with no linked visit at all, due ``followup_days`` calendar
  days after their resolved date;
- ``retry``: 已办结 complaints whose linked visits all failed to reach the customer, one row per
  complaint with its last attempt, to call again (the row names that visitor).
Each row names the person to act, their department and its head (the one rule of
:class:`~officekit.deliver.recipients.Directory`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from officekit.canonical import CLOSED_STATUSES, DEFAULT_SEVERITY, RESOLVED, WITHDRAWN
from officekit.deliver.recipients import Directory
from officekit.errors import UsageError
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.compute import complaint_deadline
from officekit.model import Record
from officekit.settings import Settings

Level = Literal["escalate", "overdue", "warn", "ok"]
LEVELS: tuple[Level, ...] = ("escalate", "overdue", "warn", "ok")
SECTIONS = ("open", "followup", "retry")
NO_DEPARTMENT = "未分部门"


@dataclass(slots=True)
class DueRow:
    """One line of the due list (SPEC §11 row fields plus what a reader needs to act)."""

    section: str  # open | followup | retry
    complaint_id: str
    received_at: datetime
    severity: str
    handler_id: str | None
    handler_name: str | None
    department: str
    head_id: str | None
    days_left: int
    level: Level
    deadline: date | None = None  # open
    resolved_at: datetime | None = None  # followup, retry
    due: date | None = None  # followup, retry
    status: str = ""
    customer: str = ""
    customer_phone: str = ""
    category: str = ""
    last_attempt_at: datetime | None = None  # retry
    attempts: int = 0  # retry

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "complaint_id": self.complaint_id, "received_at": _iso(self.received_at),
            "severity": self.severity, "handler_id": self.handler_id,
            "handler_name": self.handler_name, "department": self.department,
            "head_id": self.head_id,
        }
        if self.section == "open":
            out["deadline"] = _iso(self.deadline)
        else:
            out.update(resolved_at=_iso(self.resolved_at), due=_iso(self.due))
        out.update(days_left=self.days_left, level=self.level, status=self.status,
                   customer=self.customer, category=self.category)
        if self.section == "retry":
            out.update(last_attempt_at=_iso(self.last_attempt_at), attempts=self.attempts)
        return out


@dataclass(slots=True)
class DueList:
    """The three lists as of ``as_of``; :meth:`to_json` is the SPEC §11 shape."""

    as_of: date
    open: list[DueRow] = field(default_factory=list)
    followup: list[DueRow] = field(default_factory=list)
    retry: list[DueRow] = field(default_factory=list)
    uncovered_years: tuple[int, ...] = ()

    def rows(self) -> list[DueRow]:
        return [*self.open, *self.followup, *self.retry]

    def counts(self) -> dict[str, int]:
        levels = Counter(r.level for r in self.rows())
        return {"open": len(self.open), "followup": len(self.followup),
                "retry": len(self.retry), **{lv: levels.get(lv, 0) for lv in LEVELS}}

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(),
                "open": [r.to_json() for r in self.open],
                "followup": [r.to_json() for r in self.followup],
                "retry": [r.to_json() for r in self.retry],
                "counts": self.counts()}

    def departments(self) -> list[str]:
        return sorted({r.department for r in self.rows()})

    def only(self, keep: Any) -> DueList:
        """The same list with only the rows ``keep(row)`` accepts."""
        return DueList(self.as_of, [r for r in self.open if keep(r)],
                       [r for r in self.followup if keep(r)], [r for r in self.retry if keep(r)],
                       self.uncovered_years)


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _iso(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    return value.isoformat() if value is not None else None


def working_days_left(calendar: WorkCalendar, as_of: date, deadline: date) -> int:
    """Working days w with as_of < w ≤ deadline; minus those with deadline < w ≤ as_of."""
    if deadline >= as_of:
        return calendar.working_days_between(as_of, deadline)
    return -calendar.working_days_between(deadline, as_of)


def open_level(days_left: int, severity: str, settings: Settings) -> Level:
    """escalate / overdue / warn / ok for an open complaint (SPEC §11)."""
    due = settings.due
    if days_left <= -due.escalate_days or (severity == "重大" and days_left < 0):
        return "escalate"
    if days_left < 0:
        return "overdue"
    if days_left <= due.warn_days:
        return "warn"
    return "ok"


def followup_level(days_left: int, settings: Settings) -> Level:
    """overdue / warn / ok for a follow-up visit due in ``days_left`` calendar days."""
    if days_left < 0:
        return "overdue"
    if days_left <= settings.due.warn_days:
        return "warn"
    return "ok"


class _People:
    """Who a row names: the person's record, department and head, from the staff list."""

    def __init__(self, staff: Sequence[Record], settings: Settings) -> None:
        self.directory = Directory(staff, settings.department_heads)
        self.by_id = {str(s["staff_id"]): s for s in staff if s.get("staff_id")}
        names = Counter(str(s.get("name")) for s in staff if s.get("name"))
        self.by_name = {str(s["name"]): s for s in staff
                        if s.get("name") and names[str(s["name"])] == 1}
        self._heads: dict[str, str | None] = {}

    def find(self, staff_id: Any, name: Any) -> Record | None:
        if staff_id and str(staff_id) in self.by_id:
            return self.by_id[str(staff_id)]
        return self.by_name.get(str(name)) if name else None

    def head_id(self, department: str) -> str | None:
        if department not in self._heads:
            head = self.directory.head(department)
            self._heads[department] = str(head["staff_id"]) if isinstance(head, dict) else None
        return self._heads[department]

    def who(self, staff_id: Any, name: Any, fallback_department: Any) -> tuple[
            str | None, str | None, str]:
        person = self.find(staff_id, name)
        if person is not None:
            return (str(person["staff_id"]), str(person.get("name") or "") or None,
                    str(person.get("department") or fallback_department or NO_DEPARTMENT))
        return (str(staff_id) if staff_id else None, str(name) if name else None,
                str(fallback_department or NO_DEPARTMENT))


def compute_due(staff: Sequence[Record], complaints: Sequence[Record],
                visits: Sequence[Record], settings: Settings, as_of: date, *,
                calendar: WorkCalendar | None = None) -> DueList:
    """The due list from records (pure; :func:`due_list` fetches them from the ledger)."""
    calendar = calendar or WorkCalendar.from_settings(settings)
    people = _People(staff, settings)
    linked: dict[str, list[Record]] = defaultdict(list)
    for v in visits:
        if v.get("complaint_id"):
            linked[str(v["complaint_id"])].append(v)
    out = DueList(as_of)
    for c in complaints:
        status = str(c.get("status") or "")
        if status == WITHDRAWN:
            continue
        cid = str(c["complaint_id"])
        severity = str(c.get("severity") or DEFAULT_SEVERITY)
        common = {"complaint_id": cid, "received_at": c["received_at"], "severity": severity,
                  "status": status, "customer": str(c.get("customer") or ""),
                  "customer_phone": str(c.get("customer_phone") or ""),
                  "category": str(c.get("category") or "")}
        if status not in CLOSED_STATUSES:
            hid, hname, dept = people.who(c.get("handler_id"), c.get("handler_name"),
                                          c.get("department"))
            deadline = complaint_deadline(c, settings, calendar)
            left = working_days_left(calendar, as_of, deadline)
            out.open.append(DueRow("open", handler_id=hid, handler_name=hname, department=dept,
                                   head_id=people.head_id(dept), days_left=left,
                                   level=open_level(left, severity, settings), deadline=deadline,
                                   **common))
            continue
        resolved = _day(c.get("resolved_at"))
        if resolved is None:
            continue  # 已办结 without a date: validation rejects it; nothing to schedule
        due = date.fromordinal(resolved.toordinal() + settings.followup_days)
        left = (due - as_of).days
        level = followup_level(left, settings)
        mine = linked.get(cid, [])
        if not mine:
            hid, hname, dept = people.who(c.get("handler_id"), c.get("handler_name"),
                                          c.get("department"))
            out.followup.append(DueRow("followup", handler_id=hid, handler_name=hname,
                                       department=dept, head_id=people.head_id(dept),
                                       days_left=left, level=level,
                                       resolved_at=c.get("resolved_at"), due=due, **common))
        elif all(v.get("reached") is False for v in mine):
            last = max(mine, key=lambda v: (v["visited_at"], v.get("_file_id") or 0,
                                            v.get("_row") or 0))
            hid, hname, dept = people.who(last.get("staff_id"), last.get("staff_name"),
                                          c.get("department"))
            out.retry.append(DueRow("retry", handler_id=hid, handler_name=hname,
                                    department=dept, head_id=people.head_id(dept),
                                    days_left=left, level=level,
                                    resolved_at=c.get("resolved_at"), due=due,
                                    last_attempt_at=last["visited_at"], attempts=len(mine),
                                    **common))
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    for rows in (out.open, out.followup, out.retry):
        rows.sort(key=lambda r: (rank[r.level], r.days_left, r.received_at, r.complaint_id))
    out.uncovered_years = tuple(sorted(calendar.warnings))
    return out


def due_list(source: Any, settings: Settings, as_of: date, *, department: str | None = None,
             staff: str | None = None) -> DueList:
    """The due list from the ledger, of one department or one person (工号 or 姓名) if asked."""
    complaints = source.complaints_all()
    ids = [str(c["complaint_id"]) for c in complaints if c.get("status") == RESOLVED]
    result = compute_due(source.staff(), complaints, source.visits_for_complaints(ids),
                         settings, as_of)
    if department:
        known = result.departments()
        if department not in known and department not in {
                str(s.get("department")) for s in source.staff()}:
            raise UsageError(key="error.unknown-department", department=department,
                             known=known or "—")
        result = result.only(lambda r: r.department == department)
    if staff:
        result = result.only(lambda r: staff in (r.handler_id, r.handler_name))
    return result
