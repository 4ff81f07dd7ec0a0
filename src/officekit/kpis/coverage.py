"""Which registers cover a period (SPEC §5, §6 "coverage"): no data is not zero.

:func:`coverage_for` turns the ledger's :meth:`~officekit.ledger.store.Ledger.file_spans` into,
per kind (complaints, visits, schedule), the files that cover part of the period, the dates
they cover within it and whether together they cover all of it. The KPI JSON, the documents'
数据来源 box, the decision not to render a document without its data and the index page all
read this one result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from officekit.kpis.periods import Period

COVERED_KINDS = ("complaints", "visits", "schedule")
KIND_LABELS = {"complaints": ("投诉登记表", "complaint register"),
               "visits": ("回访记录表", "visit log"),
               "schedule": ("排班表", "duty schedule"),
               "staff": ("人员名单", "staff list"),
               "duties": ("岗位职责表", "job-duty catalogue")}


class Span(Protocol):
    """One file's sheet of a kind and the dates it covers (ledger.store.FileSpan)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


@dataclass(frozen=True, slots=True)
class Coverage:
    """One kind's coverage of a period: ``start``/``end`` within the period (None: no file)."""

    kind: str
    period_start: date
    period_end: date
    files: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    complete: bool = False
    gaps: tuple[tuple[date, date], ...] = field(default=())

    @property
    def missing(self) -> bool:
        return not self.files

    @property
    def partial(self) -> bool:
        return bool(self.files) and not self.complete

    def to_json(self) -> dict[str, Any]:
        """SPEC §6: ``{"files": [names], "from": date, "to": date, "complete": bool}``."""
        return {"files": list(self.files),
                "from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "complete": self.complete}


def _merge(ranges: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def coverage_for(spans: Iterable[Span], period: Period,
                 kinds: Iterable[str] = COVERED_KINDS) -> dict[str, Coverage]:
    """Each kind's :class:`Coverage` of ``period`` from the files' spans."""
    out: dict[str, Coverage] = {}
    wanted = list(kinds)
    by_kind: dict[str, list[Span]] = {k: [] for k in wanted}
    for span in spans:
        if span.kind in by_kind and span.start <= period.end and span.end >= period.start:
            by_kind[span.kind].append(span)
    for kind in wanted:
        found = by_kind[kind]
        clipped = _merge((max(s.start, period.start), min(s.end, period.end)) for s in found)
        gaps: list[tuple[date, date]] = []
        cursor = period.start
        for start, end in clipped:
            if start > cursor:
                gaps.append((cursor, start - timedelta(days=1)))
            cursor = max(cursor, end + timedelta(days=1))
        if cursor <= period.end:
            gaps.append((cursor, period.end))
        names = tuple(dict.fromkeys(s.name for s in found))
        out[kind] = Coverage(
            kind, period.start, period.end, names,
            clipped[0][0] if clipped else None, clipped[-1][1] if clipped else None,
            bool(clipped) and not gaps, tuple(gaps) if clipped else ())
    return out


def coverage_json(coverage: Mapping[str, Coverage]) -> dict[str, Any]:
    """The KPI JSON's ``coverage`` object."""
    return {kind: c.to_json() for kind, c in coverage.items()}


def coverage_by_month(spans: Iterable[Span], months: Iterable[str]
                      ) -> dict[str, dict[str, Coverage]]:
    """``officekit status``: for each month (``2026-10``) each kind's coverage."""
    found = list(spans)
    return {m: coverage_for(found, Period.parse(m)) for m in months}
