"""kpis/rules.py: the per-record rules every figure shares (SPEC §6) — deadlines, timing,
follow-ups, the latest visit, records once each and the natural sort order.

November 2026 has no statutory holiday: Mon 2 Nov + 7 working days is Wed 11 Nov.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from officekit.canonical import IN_PROGRESS, MAJOR, NORMAL, RESOLVED, SERIOUS
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.rules import (
    complaint_deadline,
    complaint_timing,
    day_of,
    followed_up,
    is_reached,
    latest_visit_order,
    natural_key,
    unique,
)
from officekit.settings import Settings

SETTINGS = Settings()
CALENDAR = WorkCalendar.from_settings(SETTINGS)
MONDAY = datetime(2026, 11, 2, 9, 30)


def complaint(severity: str | None = NORMAL, status: str = IN_PROGRESS,
              resolved: datetime | None = None) -> dict[str, Any]:
    return {"complaint_id": "TS1", "received_at": MONDAY, "severity": severity,
            "status": status, "resolved_at": resolved}


def visit(day: date | datetime, *, reached: bool | None = True, file_id: int = 1,
          row: int = 2) -> dict[str, Any]:
    return {"visited_at": day, "reached": reached, "_file_id": file_id, "_row": row}


@pytest.mark.parametrize(("severity", "deadline"), [
    (NORMAL, date(2026, 11, 11)),   # 7 working days
    (SERIOUS, date(2026, 11, 5)),   # 3
    (MAJOR, date(2026, 11, 3)),     # 1
    (None, date(2026, 11, 11)),     # no severity: the default one's deadline
    ("未知", date(2026, 11, 11)),   # a severity settings do not know: the default's too
])
def test_the_deadline_is_the_nth_working_day_by_severity(severity: str | None,
                                                         deadline: date) -> None:
    assert complaint_deadline(complaint(severity), SETTINGS, CALENDAR) == deadline


def test_the_deadline_skips_the_weekend_and_follows_settings() -> None:
    settings = Settings(deadlines={NORMAL: 5, SERIOUS: 3, MAJOR: 1})
    # Tue 3 … Fri 6 are four working days; the fifth is Mon 9 Nov, not Sat 7
    assert complaint_deadline(complaint(), settings, CALENDAR) == date(2026, 11, 9)


def test_timing_of_a_complaint_resolved_in_time() -> None:
    done = complaint(status=RESOLVED, resolved=datetime(2026, 11, 11, 17))
    assert complaint_timing(done, SETTINGS, CALENDAR, date(2026, 12, 1)) == (
        date(2026, 11, 11), date(2026, 11, 11), True, None)


def test_timing_of_a_complaint_resolved_late_counts_working_days_to_resolution() -> None:
    late = complaint(status=RESOLVED, resolved=datetime(2026, 11, 16, 10))  # Mon after deadline
    # Thu 12, Fri 13, Mon 16: three working days after Wed 11 Nov
    assert complaint_timing(late, SETTINGS, CALENDAR, date(2026, 12, 1)) == (
        date(2026, 11, 11), date(2026, 11, 16), True, 3)


def test_an_open_complaint_is_late_up_to_the_as_of_day_only_once_past_its_deadline() -> None:
    open_one = complaint()
    # before the deadline has passed it is not yet eligible for the on-time rate
    assert complaint_timing(open_one, SETTINGS, CALENDAR, date(2026, 11, 11)) == (
        date(2026, 11, 11), None, False, None)
    # Fri 13 Nov: Thu 12 and Fri 13 are late
    assert complaint_timing(open_one, SETTINGS, CALENDAR, date(2026, 11, 13)) == (
        date(2026, 11, 11), None, True, 2)


def test_a_resolved_complaint_without_a_resolved_date_cannot_be_timed() -> None:
    untimed = complaint(status=RESOLVED, resolved=None)
    assert complaint_timing(untimed, SETTINGS, CALENDAR, date(2026, 12, 31)) == (
        date(2026, 11, 11), None, False, None)


def test_a_follow_up_is_a_reached_visit_within_followup_days_after_resolution() -> None:
    resolved = date(2026, 11, 10)
    assert followed_up(resolved, [visit(datetime(2026, 11, 10, 15))], SETTINGS)  # same day
    assert followed_up(resolved, [visit(date(2026, 11, 17))], SETTINGS)  # day 7
    assert not followed_up(resolved, [visit(date(2026, 11, 18))], SETTINGS)  # day 8
    assert not followed_up(resolved, [visit(date(2026, 11, 9))], SETTINGS)  # before it
    assert not followed_up(resolved, [visit(date(2026, 11, 12), reached=False)], SETTINGS)
    assert not followed_up(resolved, [], SETTINGS)
    assert followed_up(resolved, [visit(date(2026, 11, 20)), visit(date(2026, 11, 12))],
                       SETTINGS)


def test_an_empty_reached_cell_counts_as_reached() -> None:
    assert is_reached(visit(MONDAY, reached=None))
    assert is_reached({"visited_at": MONDAY})
    assert not is_reached(visit(MONDAY, reached=False))


def test_the_latest_visit_is_by_time_then_later_file_then_later_row() -> None:
    same_time = datetime(2026, 11, 5, 10)
    visits = [visit(same_time, file_id=2, row=9), visit(same_time, file_id=3, row=2),
              visit(same_time, file_id=3, row=1), visit(datetime(2026, 11, 4, 23), file_id=9)]
    assert max(visits, key=latest_visit_order) is visits[1]
    # a visit dated without a time is at midnight of its day
    assert latest_visit_order(visit(date(2026, 11, 5)))[0] == datetime(2026, 11, 5)
    assert max([visit(date(2026, 11, 5), file_id=5), visit(same_time, file_id=1)],
               key=latest_visit_order)["visited_at"] == same_time


def test_records_once_each_by_id_else_by_their_key_fields_the_last_one_winning() -> None:
    records = [
        {"complaint_id": "A", "customer": "甲", "v": 1},
        {"complaint_id": "A", "customer": "乙", "v": 2},      # same id: replaces the first
        {"complaint_id": None, "customer": "丙", "v": 3},
        {"complaint_id": "", "customer": "丙", "v": 4},       # no id, same key: replaces it
        {"complaint_id": None, "customer": "丁", "v": 5},
    ]
    assert [r["v"] for r in unique(records, "complaint_id", "customer")] == [2, 4, 5]


def test_natural_order_of_ids_and_department_names() -> None:
    assert sorted(["E10", "E2", "E1"], key=natural_key) == ["E1", "E2", "E10"]
    departments = ["客服十部", "客服三部", "客服二部", "客服十一部", "综合部"]
    assert sorted(departments, key=natural_key) == [
        "客服二部", "客服三部", "客服十部", "客服十一部", "综合部"]
    assert natural_key(None) == natural_key("") == ()


def test_day_of_a_timestamp_is_its_date() -> None:
    assert day_of(datetime(2026, 11, 2, 23, 59)) == date(2026, 11, 2)
    assert day_of(date(2026, 11, 2)) == date(2026, 11, 2)
    assert day_of(None) is None
