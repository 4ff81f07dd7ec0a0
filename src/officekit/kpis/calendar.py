"""Working days for deadlines and resolution times (SPEC §6).

A working day is Monday–Friday, less Chinese statutory holidays, plus the make-up working days
(调休) — both from the ``chinese-calendar`` package — with the office's own overrides from
settings (``[calendar] holidays / workdays``) taking precedence.

``chinese-calendar`` only knows the years the State Council has published. For any other year
the calendar falls back to weekends only and remembers the year in :attr:`WorkCalendar.warnings`,
so reports can say that deadlines there ignore holidays, rather than silently being wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

from officekit.i18n import t
from officekit.settings import Settings

DayKind = Literal["workday", "makeup", "weekend", "holiday"]

DAY_KIND_ZH: dict[DayKind, str] = {
    "workday": "工作日", "makeup": "调休上班", "weekend": "周末", "holiday": "法定节假日",
}

def uncovered_year_messages(years: Iterable[int], lang: str = "zh") -> list[str]:
    """One sentence per year chinese-calendar does not cover, for reports and the CLI."""
    return [t("calendar.uncovered-year", lang, year=year) for year in sorted(set(years))]


class WorkCalendar:
    """Answers "is this a working day?" and counts working days, caching each date.

    One instance per command run is enough; it is cheap, and the cache makes the per-complaint
    deadline arithmetic over a year of data fast.
    """

    def __init__(self, extra_holidays: Iterable[date] = (),
                 extra_workdays: Iterable[date] = ()) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        # Years chinese-calendar does not cover that a computation has touched.
        self.warnings: set[int] = set()
        self._kinds: dict[date, DayKind] = {}
        self._counts: dict[int, tuple[int, tuple[int, ...]]] = {}
        self._added: dict[tuple[date, int], date] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkCalendar:
        """The calendar with the office's extra holidays and working days from settings."""
        return cls(settings.extra_holidays, settings.extra_workdays)

    # ---------------------------------------------------------------- single days

    def day_kind(self, day: date) -> DayKind:
        """What ``day`` is: a normal workday, a make-up workday (调休), a weekend or a holiday."""
        kind = self._kinds.get(day)
        if kind is None:
            kind = self._classify(day)
            self._kinds[day] = kind
        return kind

    def _classify(self, day: date) -> DayKind:
        weekend = day.weekday() >= 5
        if day in self.extra_workdays:
            return "makeup" if weekend else "workday"
        if day in self.extra_holidays:
            return "holiday"
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:
            # Not swallowed: the fallback is the documented behaviour and the year is reported.
            self.warnings.add(day.year)
            return "weekend" if weekend else "workday"
        if workday:
            return "makeup" if weekend else "workday"
        return "holiday" if day in chinese_calendar.holidays else "weekend"

    def is_workday(self, day: date) -> bool:
        """Whether people work on ``day`` (including make-up days, excluding holidays)."""
        return self.day_kind(day) in ("workday", "makeup")

    # ---------------------------------------------------------------- arithmetic

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted); n=0 → ``day``."""
        if n < 0:
            raise ValueError("n must not be negative")
        found = self._added.get((day, n))
        if found is not None:
            return found  # a month's complaints share a few dozen (day, n) pairs
        current = day
        remaining = n
        while remaining:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        self._added[(day, n)] = current
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days x satisfy ``start < x <= end`` (0 when end <= start).

        Constant time per call: each year met is classified once into running counts
        (a year of complaints asks this hundreds of thousands of times, over spans of weeks).
        """
        if end <= start:
            return 0
        if start.year == end.year:
            return self._through(end) - self._through(start)
        # the rest of start's year (nothing when start is 31 December: its year is not touched)
        count = 0 if (start.month, start.day) == (12, 31) else (
            self._running(start.year)[1][-1] - self._through(start))
        for year in range(start.year + 1, end.year):
            count += self._running(year)[1][-1]
        return count + self._through(end)

    def _through(self, day: date) -> int:
        """Working days from 1 January of ``day``'s year through ``day`` itself."""
        first, counts = self._running(day.year)
        return counts[day.toordinal() - first]

    def _running(self, year: int) -> tuple[int, tuple[int, ...]]:
        """(ordinal of 1 January, running count of working days through each day) of ``year``."""
        found = self._counts.get(year)
        if found is None:
            first = date(year, 1, 1)
            running = 0
            counts = []
            for offset in range((date(year + 1, 1, 1) - first).days):
                running += self.is_workday(first + timedelta(days=offset))
                counts.append(running)
            found = self._counts[year] = (first.toordinal(), tuple(counts))
        return found

    # ---------------------------------------------------------------- reporting

    def warning_messages(self, lang: str = "zh") -> list[str]:
        """One sentence per uncovered year this calendar has met, for the report and the CLI."""
        return uncovered_year_messages(self.warnings, lang)
