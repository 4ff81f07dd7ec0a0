"""The per-record rules of SPEC §6 that every figure shares: a complaint's deadline and
timing, whether a visit reached the customer and followed a complaint up, records once each,
and the natural sort order of ids and department names.

The evaluations (:mod:`officekit.kpis.compute`), the complaint and visit reports
(:mod:`officekit.kpis.complaint_figures`, :mod:`officekit.kpis.visit_figures`) and the due
list read these, so they can never disagree about whether a complaint was late.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from officekit.canonical import DEFAULT_SEVERITY, RESOLVED
from officekit.kpis.calendar import WorkCalendar
from officekit.model import Record
from officekit.settings import Settings


def day_of(value: date | datetime | None) -> date | None:
    """The day of a date or timestamp cell (None stays None)."""
    return value.date() if isinstance(value, datetime) else value


def unique(records: Iterable[Record], id_field: str, *key_fields: str) -> list[Record]:
    """Records once each (a caller may pass one both as "in the period" and as "linked"): by
    their id, else by the natural key fields; the last one passed wins."""
    seen: dict[tuple[Any, ...], Record] = {}
    for r in records:
        key = (r[id_field],) if r.get(id_field) else tuple(r.get(k) for k in key_fields)
        seen[key] = r
    return list(seen.values())


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


@functools.lru_cache(maxsize=4096)
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


def complaint_deadline(complaint: Record, settings: Settings, calendar: WorkCalendar) -> date:
    """The Nth working day after the received date, N by severity (settings.deadlines)."""
    received = day_of(complaint["received_at"])
    assert received is not None
    severity = complaint.get("severity") or DEFAULT_SEVERITY
    days = settings.deadlines.get(severity, settings.deadlines[DEFAULT_SEVERITY])
    return calendar.add_working_days(received, days)


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
    done = day_of(complaint.get("resolved_at")) if is_resolved else None
    if is_resolved and done is None:
        return deadline, None, False, None
    eligible = is_resolved or deadline < as_of
    if not eligible or (done is not None and done <= deadline):
        return deadline, done, eligible, None
    end = done if done is not None else as_of
    return deadline, done, eligible, calendar.working_days_between(deadline, end)


def visit_day(visit: Record) -> date:
    day = day_of(visit["visited_at"])
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
    return any(is_reached(v) and (visit_day(v) - resolved_day).days in window for v in visits)
