"""Reporting periods (SPEC §6): a month ``2026-10``, a quarter ``2026-Q4`` or a year ``2026``.

A :class:`Period` knows its first and last day, its Chinese label, the period before it (环比)
and the same period a year earlier (同比), so KPI code and reports never do date arithmetic on
strings. Offices type periods many ways; :meth:`Period.parse` accepts the common ones.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from officekit.errors import UsageError

PeriodKind = Literal["month", "quarter", "year"]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_QUARTER_ZH = ("一", "二", "三", "四")
_MONTH_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

# (pattern, kind); groups: year, then month or quarter. Matched after NFKC folding and with
# all whitespace removed, so full-width digits and ``2026 - 10`` work too.
_FORMS: tuple[tuple[re.Pattern[str], PeriodKind], ...] = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "month"),
    (re.compile(r"(\d{4})年(\d{1,2})月(?:份)?"), "month"),
    (re.compile(r"(\d{4})年?-?[Qq]([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年?第?([1-4一二三四])季度"), "quarter"),
    (re.compile(r"(\d{4})(?:年度?)?"), "year"),
)

_ACCEPTED = ("2026-10", "2026年10月", "2026-Q4", "2026Q4", "2026年第4季度", "2026年第四季度",
             "2026", "2026年")


@functools.cache
def _bounds(kind: PeriodKind, year: int, index: int) -> tuple[date, date]:
    """First and last day of a period (asked for every record a KPI run looks at)."""
    if kind == "month":
        start, months = date(year, index, 1), 1
    elif kind == "quarter":
        start, months = date(year, 3 * index - 2, 1), 3
    else:
        start, months = date(year, 1, 1), 12
    after = start.month - 1 + months  # months from January of ``year`` to the next period
    return start, date(year + after // 12, after % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    """One reporting period. ``index`` is the month (1–12), the quarter (1–4), or 0 for a year."""

    kind: PeriodKind
    year: int
    index: int = 0

    def __post_init__(self) -> None:
        limit = {"month": 12, "quarter": 4, "year": 0}[self.kind]
        low = 0 if self.kind == "year" else 1
        if not (low <= self.index <= limit) or not (1900 <= self.year <= 9998):
            raise UsageError(key="error.period.invalid", kind=self.kind, year=self.year,
                             index=self.index)

    # ---------------------------------------------------------------- construction

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period as an office types it; a bad one raises UsageError listing the forms."""
        folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
        for pattern, kind in _FORMS:
            m = pattern.fullmatch(folded)
            if m is None:
                continue
            year = int(m.group(1))
            if kind == "year":
                return cls("year", year)
            raw = m.group(2)
            index = _CN_DIGITS[raw] if raw in _CN_DIGITS else int(raw)
            limit = 12 if kind == "month" else 4
            if 1 <= index <= limit:
                return cls(kind, year, index)
            break
        raise UsageError(key="error.period.unrecognised", text=text, accepted=_ACCEPTED)

    @classmethod
    def month_of(cls, day: date) -> Period:
        """The month that contains ``day`` (used to find the periods a new file touches)."""
        return cls("month", day.year, day.month)

    # ---------------------------------------------------------------- dates

    @property
    def start(self) -> date:
        """The first day of the period."""
        return _bounds(self.kind, self.year, self.index)[0]

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        return _bounds(self.kind, self.year, self.index)[1]

    @property
    def start_at(self) -> datetime:
        """Midnight at the start of the period (inclusive bound for datetimes)."""
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_at(self) -> datetime:
        """Midnight after the last day (exclusive bound): ``start_at <= t < end_at``."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time())

    def contains(self, value: date | datetime) -> bool:
        """Whether a date or datetime falls in the period."""
        day = value.date() if isinstance(value, datetime) else value
        start, end = _bounds(self.kind, self.year, self.index)
        return start <= day <= end

    def months(self) -> list[Period]:
        """The months of the period, in order."""
        first = self.start.month
        count = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return [Period("month", self.year, first + i) for i in range(count)]

    # ---------------------------------------------------------------- neighbours

    def _shift(self, steps: int) -> Period:
        if self.kind == "year":
            return Period("year", self.year + steps)
        per_year = 12 if self.kind == "month" else 4
        n = self.year * per_year + (self.index - 1) + steps
        return Period(self.kind, n // per_year, n % per_year + 1)

    def previous(self) -> Period:
        """The period just before (环比): September for October, Q3 for Q4, 2025 for 2026."""
        return self._shift(-1)

    def next(self) -> Period:
        """The period just after."""
        return self._shift(1)

    def same_last_year(self) -> Period:
        """The same period a year earlier (同比)."""
        return Period(self.kind, self.year - 1, self.index)

    def trend(self, n: int) -> list[Period]:
        """The ``n`` periods ending with this one, oldest first (for trend charts)."""
        return [self._shift(-i) for i in range(n - 1, -1, -1)]

    # ---------------------------------------------------------------- labels

    @property
    def label_zh(self) -> str:
        """``2026年10月``, ``2026年第四季度`` or ``2026年``."""
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{_QUARTER_ZH[self.index - 1]}季度"
        return f"{self.year}年"

    @property
    def label_en(self) -> str:
        """``October 2026``, ``Q4 2026`` or ``2026``."""
        if self.kind == "month":
            return f"{_MONTH_EN[self.index - 1]} {self.year}"
        if self.kind == "quarter":
            return f"Q{self.index} {self.year}"
        return str(self.year)

    def label(self, lang: str = "zh") -> str:
        """The label in the user's language."""
        return self.label_en if lang == "en" else self.label_zh

    def __str__(self) -> str:
        """The canonical key: ``2026-10``, ``2026-Q4``, ``2026`` (JSON, paths, ledger)."""
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        return str(self.year)
