"""Working days (SPEC §6): chinese-calendar holidays, 调休, settings overrides, uncovered years.

2026 as chinese-calendar 1.11.0 has it: National Day + Mid-autumn run 1–7 October (Thu–Wed),
Saturday 10 October is a make-up working day; Sunday 20 September is one too.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from officekit.kpis.calendar import WorkCalendar
from officekit.settings import parse_settings


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 10, 1), "holiday"),  # Thursday, National Day
        (date(2026, 10, 3), "holiday"),  # Saturday inside the holiday
        (date(2026, 10, 7), "holiday"),  # Wednesday, last day off
        (date(2026, 10, 8), "workday"),
        (date(2026, 10, 10), "makeup"),  # Saturday, 调休 working day
        (date(2026, 10, 11), "weekend"),
        (date(2026, 9, 20), "makeup"),  # Sunday, 调休 working day
        (date(2026, 9, 25), "holiday"),  # Friday, Mid-autumn
    ],
)
def test_day_kinds_in_autumn_2026(cal: WorkCalendar, day: date, kind: str) -> None:
    assert cal.day_kind(day) == kind
    assert cal.is_workday(day) is (kind in ("workday", "makeup"))


def test_seven_working_days_after_30_september_skip_national_day(cal: WorkCalendar) -> None:
    # 30 Sep (Wed) not counted; 1–7 Oct off; 8 Thu=1, 9 Fri=2, 10 Sat(调休)=3, 11 Sun off,
    # 12 Mon=4, 13 Tue=5, 14 Wed=6, 15 Thu=7.
    assert cal.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 15)
    # And counted back: working days x with 30 Sep < x <= 15 Oct are exactly those seven.
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 15)) == 7


def test_one_working_day_after_a_friday(cal: WorkCalendar) -> None:
    # Fri 9 Oct + 1 → Sat 10 Oct, a make-up working day.
    assert cal.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    # Fri 16 Oct + 1 → Sat 17, Sun 18 are off → Mon 19 Oct.
    assert cal.add_working_days(date(2026, 10, 16), 1) == date(2026, 10, 19)
    # Sat 19 Sep + 1 → Sun 20 Sep, a make-up working day.
    assert cal.add_working_days(date(2026, 9, 19), 1) == date(2026, 9, 20)


def test_zero_days_and_empty_ranges(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    assert cal.working_days_between(date(2026, 10, 12), date(2026, 10, 12)) == 0  # same day
    assert cal.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0  # holiday week
    assert cal.working_days_between(date(2026, 10, 15), date(2026, 10, 12)) == 0  # reversed
    # (9 Oct, 12 Oct]: 10 Sat (调休) and 12 Mon → 2
    assert cal.working_days_between(date(2026, 10, 9), date(2026, 10, 12)) == 2
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 10, 3), -1)


def test_settings_override_both_ways() -> None:
    settings = parse_settings({"calendar": {"holidays": ["2026-10-12"],
                                            "workdays": ["2026-10-11"]}})
    cal = WorkCalendar.from_settings(settings)
    assert cal.day_kind(date(2026, 10, 12)) == "holiday"
    assert cal.day_kind(date(2026, 10, 11)) == "makeup"
    # 30 Sep + 7: 8, 9, 10, 11 (extra workday), 13, 14, 15 → still 15 Oct, but via other days.
    assert cal.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 15)
    only_holiday = WorkCalendar(extra_holidays=[date(2026, 10, 12)])
    # 8, 9, 10, 13, 14, 15, 16 → 16 Oct
    assert only_holiday.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 16)


def test_uncovered_year_falls_back_to_weekends_with_a_warning(cal: WorkCalendar) -> None:
    cal.add_working_days(date(2026, 10, 9), 1)
    assert cal.warnings == set()
    # 1 Jan 2027 is a Friday: a holiday in reality, a working day in the fallback.
    assert cal.is_workday(date(2027, 1, 1)) is True
    assert cal.is_workday(date(2027, 1, 2)) is False  # Saturday
    assert cal.warnings == {2027}
    # 28 Dec 2026 (Mon) + 7: 29, 30, 31 Dec, 1 Jan (fallback), 4, 5, 6 Jan → 6 Jan 2027.
    assert cal.add_working_days(date(2026, 12, 28), 7) == date(2027, 1, 6)
    [message] = cal.warning_messages()
    assert "2027" in message and "周一至周五" in message
    assert "2027" in cal.warning_messages("en")[0]


def test_an_office_can_supply_an_uncovered_year() -> None:
    cal = WorkCalendar(extra_holidays=[date(2027, 1, 1)])
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.warnings == set()  # the override answered; chinese-calendar was not asked


def test_working_days_between_counts_day_by_day_across_years() -> None:
    """The running counts agree with walking the days one by one, across year ends."""
    cal, walker = WorkCalendar(), WorkCalendar()
    starts = [date(2025, 12, 20) + timedelta(days=k * 3) for k in range(20)]
    for start in starts:
        for span in (-3, 0, 1, 5, 12, 40, 400):
            end = start + timedelta(days=span)
            walked = sum(walker.is_workday(start + timedelta(days=i))
                         for i in range(1, span + 1))
            assert cal.working_days_between(start, end) == walked, (start, end)
    # a span that only begins on 31 December does not touch that year
    fresh = WorkCalendar()
    fresh.working_days_between(date(2040, 12, 31), date(2041, 1, 3))
    assert 2040 not in fresh.warnings and 2041 in fresh.warnings
