"""What a command is asked about — a department, a person, a period — checked against the
ledger the same way by every command (``kpis``, ``report``, ``send``).

A department or person the ledger does not know is an error that lists what there is (a typo
must not read as "0 documents"); a period without any data is a warning (an empty report may
be what was asked for, but nobody should get twelve blank documents without a word).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from officekit.errors import UsageError
from officekit.kpis.periods import Period
from officekit.model import Record

SHOWN = 12  # names listed in an error, at most


class _Ledger(Protocol):
    def staff(self) -> list[Record]: ...

    def duties(self, department: str | None = None) -> list[Record]: ...

    def periods(self) -> list[str]: ...

    def has_records(self, start: date, end: date) -> bool: ...


def known_departments(ledger: _Ledger) -> list[str]:
    """Departments named on the staff list or the duty catalogue, sorted."""
    names = {str(r["department"]) for r in ledger.staff() if r.get("department")}
    names |= {str(r["department"]) for r in ledger.duties() if r.get("department")}
    return sorted(names)


def _listed(names: list[str]) -> list[str]:
    """The first names (the message joins them as its language does: 、 or a comma)."""
    return [*names[:SHOWN], "…"] if len(names) > SHOWN else names[:SHOWN] or ["—"]


def check_department(ledger: _Ledger, department: str | None) -> None:
    """Raise :class:`UsageError` when ``department`` is given and no record names it."""
    if department is None:
        return
    known = known_departments(ledger)
    if department not in known:
        raise UsageError(key="scope.unknown-department", department=department,
                         known=_listed(known))


def check_staff(ledger: _Ledger, who: str | None) -> None:
    """Raise :class:`UsageError` when ``who`` (工号 or 姓名) is given and not on the staff list."""
    if who is None:
        return
    staff = ledger.staff()
    if not any(who in (str(r.get("staff_id") or ""), str(r.get("name") or "")) for r in staff):
        names = [f"{r.get('name') or ''}({r.get('staff_id')})" for r in staff]
        raise UsageError(key="scope.unknown-staff", who=who, known=_listed(names))


def period_has_data(ledger: _Ledger, period: Period) -> bool:
    """Whether any month of ``period`` holds complaints, visits or schedule entries."""
    return ledger.has_records(period.start, period.end)


def months_with_data(ledger: _Ledger) -> list[str]:
    """The months that hold data, for a warning (joined by the message: "2026-09、2026-10")."""
    return _listed(ledger.periods())
