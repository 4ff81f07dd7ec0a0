"""Reporting periods: parsing the ways offices write them, bounds, labels, 环比 / 同比."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from officekit.errors import UsageError
from officekit.kpis.periods import Period


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2026-10", "2026-10"),
        ("2026-1", "2026-01"),
        ("2026/03", "2026-03"),
        ("2026年10月", "2026-10"),
        ("2026年3月份", "2026-03"),
        ("２０２６－１０", "2026-10"),  # full-width
        ("2026-Q4", "2026-Q4"),
        ("2026Q4", "2026-Q4"),
        ("2026q1", "2026-Q1"),
        ("2026年第4季度", "2026-Q4"),
        ("2026年第四季度", "2026-Q4"),
        ("2026年第一季度", "2026-Q1"),
        ("2026", "2026"),
        ("2026年", "2026"),
        (" 2026 - 10 ", "2026-10"),
    ],
)
def test_parse_accepted_forms(text: str, canonical: str) -> None:
    assert str(Period.parse(text)) == canonical


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "2026-Q5", "20264", "十月", "", "26-10"])
def test_parse_rejects_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(UsageError) as info:
        Period.parse(text)
    assert "2026-10" in info.value.message and "2026-Q4" in info.value.message
    assert "2026年第四季度" in info.value.message


def test_bounds() -> None:
    oct_ = Period.parse("2026-10")
    assert (oct_.start, oct_.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (oct_.start_at, oct_.end_at) == (datetime(2026, 10, 1), datetime(2026, 11, 1))
    assert oct_.contains(datetime(2026, 10, 31, 23, 59)) is True
    assert oct_.contains(datetime(2026, 11, 1, 0, 0)) is False
    assert oct_.contains(date(2026, 9, 30)) is False
    q4 = Period.parse("2026-Q4")
    assert (q4.start, q4.end) == (date(2026, 10, 1), date(2026, 12, 31))
    q1 = Period.parse("2028-Q1")
    assert q1.end == date(2028, 3, 31)
    assert Period.parse("2028-02").end == date(2028, 2, 29)  # leap year
    year = Period.parse("2026")
    assert (year.start, year.end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_last_day_is_the_day_before_the_next_period() -> None:
    """Each kind's last day, worked out directly, meets the next period's first day: across
    December, the fourth quarter and February of leap and common years."""
    for year in (1901, 2000, 2026, 2028, 9997):
        periods = [Period("year", year), *(Period("quarter", year, q) for q in range(1, 5)),
                   *(Period("month", year, m) for m in range(1, 13))]
        for p in periods:
            assert p.end.toordinal() + 1 == p.next().start.toordinal(), p
            assert p.contains(p.end) and not p.contains(p.next().start), p
            assert p.contains(p.start) and not p.contains(p.previous().end), p


def test_labels() -> None:
    assert Period.parse("2026-10").label_zh == "2026年10月"
    assert Period.parse("2026-Q4").label_zh == "2026年第四季度"
    assert Period.parse("2026").label_zh == "2026年"
    assert Period.parse("2026-10").label("en") == "October 2026"
    assert Period.parse("2026-Q4").label("en") == "Q4 2026"


@pytest.mark.parametrize(
    ("text", "previous", "last_year"),
    [
        ("2026-10", "2026-09", "2025-10"),
        ("2026-01", "2025-12", "2025-01"),
        ("2026-Q1", "2025-Q4", "2025-Q1"),
        ("2026-Q3", "2026-Q2", "2025-Q3"),
        ("2026", "2025", "2025"),
    ],
)
def test_previous_and_same_last_year(text: str, previous: str, last_year: str) -> None:
    period = Period.parse(text)
    assert str(period.previous()) == previous
    assert str(period.same_last_year()) == last_year


def test_months_trend_and_month_of() -> None:
    assert [str(m) for m in Period.parse("2026-Q4").months()] == ["2026-10", "2026-11", "2026-12"]
    assert len(Period.parse("2026").months()) == 12
    assert [str(p) for p in Period.parse("2026-03").trend(6)] == [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert [str(p) for p in Period.parse("2026-Q2").trend(3)] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert str(Period.month_of(date(2026, 10, 3))) == "2026-10"
    assert Period.parse("2026年10月") == Period("month", 2026, 10)
