"""How every document shows a value: the formatting all context builders share.

Figures come from :mod:`officekit.kpis` (a :class:`~officekit.kpis.compute.KpiResult`, or the
complaint and visit figures); this module only turns them into text — ``95.0%``, ``—`` for no
data, ``2026年11月5日`` — and builds the pieces every document carries: the 数据来源 box and
long lists capped in the document with the whole list beside it as .xlsx.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from officekit.kpis.coverage import KIND_LABELS, Coverage
from officekit.kpis.metrics import DASH, num, pct, satisfaction_text
from officekit.kpis.periods import Period
from officekit.model import Record
from officekit.render.engine import Image
from officekit.render.nativechart import Chart

__all__ = [
    "CHART_WIDTH_MM", "DASH", "LIST_LIMIT", "SMALL_CHART_WIDTH_MM", "TREND_PERIODS",
    "Attachment", "bar_chart", "cap", "chart", "common", "count_rows", "day_text", "long_date",
    "mask_phone", "num", "pct", "period_labels", "person", "satisfaction_text", "share",
    "short_range", "sources_box", "trend_chart",
]

TREND_PERIODS = 6
CHART_WIDTH_MM = 150.0
SMALL_CHART_WIDTH_MM = 110.0
LIST_LIMIT = 20  # long lists: this many rows in the document, the whole list in an .xlsx


def share(count: int, total: int) -> str:
    """``count`` of ``total`` as a percentage; nothing to share → ``—``."""
    return pct(count / total) if total else DASH


def day_text(value: date | datetime | None) -> str:
    """``2026-10-05`` for tables; no date → ``—``."""
    if value is None:
        return DASH
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def long_date(value: date) -> str:
    """``2026年11月5日`` for headings and prose."""
    return f"{value.year}年{value.month}月{value.day}日"


def short_range(start: date, end: date) -> str:
    """``2026年11月1日–10日`` (one month), ``2026年10月25日–11月3日``, or one day."""
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{long_date(start)}–{end.day}日"
    if start.year == end.year:
        return f"{long_date(start)}–{end.month}月{end.day}日"
    return f"{long_date(start)}–{long_date(end)}"


def mask_phone(phone: str | None, mask: bool = True) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code (``010-****5678``).

    Service numbers (95598, 400/800 numbers) are public and shown as they are.
    """
    if not phone:
        return DASH
    if not mask:
        return phone
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    number = "".join(phone[i] for i in digits)
    if len(digits) < 7 or (len(number) == 10 and number[:3] in ("400", "800")):
        return phone
    hidden = set(digits[-8:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


def person(record: Record, prefix: str) -> str:
    return str(record.get(f"{prefix}_name") or record.get(f"{prefix}_id") or DASH)


def count_rows(counter: Counter[str], order: Iterable[str], label: str) -> list[dict[str, Any]]:
    """Rows ``{label: name, count, share}`` in the given order (then any other, by count)."""
    total = sum(counter.values())
    names = [n for n in order if counter.get(n)]
    names += sorted((n for n in counter if n not in names), key=lambda n: (-counter[n], n))
    return [{label: n, "count": counter[n], "share": share(counter[n], total)} for n in names]


def chart(data: bytes | Chart, alt: str, width_mm: float = CHART_WIDTH_MM) -> Image | Chart:
    """A picture (PNG bytes) or a native chart, ``width_mm`` wide, with its alternative text."""
    if isinstance(data, Chart):
        height = data.height_mm * width_mm / data.width_mm
        return replace(data, width_mm=width_mm, height_mm=height, alt=alt)
    return Image(data, width_mm, alt=alt)


def trend_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
                title: str, unit: str, y_max: float | None = None) -> Chart:
    """A native line chart over periods (a period without a value is a gap)."""
    return Chart("line", tuple(labels),
                 tuple((name, tuple(None if v is None else float(v) for v in values))
                       for name, values in series),
                 width_mm=150.0, height_mm=60.0, title=title, unit=unit, y_min=0.0, y_max=y_max)


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str) -> Chart:
    """A native column chart of ``(label, value)`` in the order given."""
    return Chart.of("bar", items, width_mm=110.0, height_mm=55.0, title=title, unit=unit,
                    y_min=0.0)


def period_labels(periods: Sequence[Period]) -> list[str]:
    """Short labels for chart axes: ``5月`` within one year, else the full Chinese label."""
    same_year = len({p.year for p in periods}) == 1
    if same_year and all(p.kind == "month" for p in periods):
        return [f"{p.index}月" for p in periods]
    return [p.label_zh for p in periods]


def common(period: Period, as_of: date) -> dict[str, Any]:
    return {"period": str(period), "period_label": period.label_zh,
            "as_of": long_date(as_of), "generated_on": long_date(as_of)}


# --------------------------------------------------------------------------------------------
# 数据来源


def _names(files: Sequence[str], limit: int = 3) -> str:
    if not files:
        return DASH
    shown = "、".join(files[:limit])
    return shown + (f"等{len(files)}个文件" if len(files) > limit else "")


def coverage_state(c: Coverage) -> str:
    """完整 / 部分（缺 …） / 缺失 — how a register covers the period."""
    if c.missing:
        return "缺失：本期未提交"
    if c.complete:
        return "完整"
    gaps = "、".join(short_range(a, b) for a, b in c.gaps[:3])
    return f"部分：缺{gaps}"


def sources_box(coverage: Mapping[str, Coverage], kinds: Sequence[str],
                other_files: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """The 数据来源 box: per register the document is made of, its files, the dates they cover
    in the period and whether anything is missing; ``note`` says in one sentence what is."""
    rows: list[dict[str, str]] = []
    missing: list[str] = []
    partial: list[str] = []
    for kind in kinds:
        label = KIND_LABELS.get(kind, (kind, kind))[0]
        if kind in coverage:
            c = coverage[kind]
            rows.append({"register": label, "files": _names(c.files),
                         "dates": short_range(c.start, c.end) if c.start and c.end else DASH,
                         "state": coverage_state(c)})
            if c.missing:
                missing.append(label)
            elif c.partial and c.start and c.end:
                partial.append(f"{label}仅覆盖{short_range(c.start, c.end)}")
        elif other_files is not None and kind in other_files:
            files = list(other_files[kind])
            rows.append({"register": label, "files": _names(files), "dates": DASH,
                         "state": "已提供" if files else "缺失：尚未提交"})
            if not files:
                missing.append(label)
    notes = []
    if missing:
        notes.append(f"缺少{'、'.join(missing)}，相关指标按“无数据”处理，不按零计")
    notes.extend(partial)
    return {"sources": rows,
            "sources_note": "；".join(notes) + "。" if notes else "本期所需登记表均已齐全。"}


def no_sources() -> dict[str, Any]:
    """The box when the caller knows nothing of files (records handed in directly)."""
    return {"sources": [], "sources_note": "数据由调用方直接提供，未记录来源文件。"}


# --------------------------------------------------------------------------------------------
# Long lists


@dataclass(frozen=True, slots=True)
class Attachment:
    """A whole long list, written as .xlsx beside the document (``suffix`` names the file:
    ``<document stem>_<suffix>.xlsx``)."""

    suffix: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, head)
    rows: tuple[Mapping[str, Any], ...]

    def file_name(self, document_stem: str) -> str:
        return f"{document_stem}_{self.suffix}.xlsx"


def cap(rows: Sequence[Mapping[str, Any]], limit: int = LIST_LIMIT
        ) -> tuple[list[Mapping[str, Any]], int]:
    """The first ``limit`` rows and how many more there are."""
    return list(rows[:limit]), max(0, len(rows) - limit)
