"""One context builder per document of SPEC §7, and the reference of what each one provides.

A builder takes plain inputs — KPI results, lists of records (docs/architecture.md), settings,
a period — and returns a plain dict of JSON-able values (plus :class:`Image` pictures and native
:class:`~officekit.render.nativechart.Chart` charts, drawn only when the document renders) that a
Word template can use without logic: numbers are already formatted the Chinese office way
(``95.0%``, ``—`` for no data), lists are already sorted, empty sections carry a flag.
Nothing here touches the ledger, so every builder is tested on hand-made data.

:data:`CONTEXT_SPEC` (in :mod:`officekit.render.context_spec`, re-exported here) lists every
variable of every document with a Chinese description: the source of ``docs/templates.md``
(:func:`context_reference`) and of ``templates check`` (:func:`provided_names`,
:func:`sample_context`). A variable added here is added there in the same change — a test
holds each builder to it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.compute import (
    RESOLVED,
    WITHDRAWN,
    DepartmentKpi,
    KpiResult,
    StaffKpi,
    complaint_deadline,
    natural_key,
)
from officekit.kpis.metrics import METRICS
from officekit.kpis.periods import Period
from officekit.model import Record
from officekit.render import charts
from officekit.render.context_spec import (
    CONTEXT_SPEC,
    context_reference,
    provided_names,
    sample_context,
)
from officekit.render.engine import Image
from officekit.render.nativechart import Chart
from officekit.settings import Settings

__all__ = [
    "CONTEXT_SPEC", "complaints_context", "context_reference", "evaluation_context",
    "handbook_context", "mask_phone", "provided_names", "sample_context", "score_trend",
    "summary_context", "visits_context",
]

DASH = "—"
TREND_PERIODS = 6
CHART_WIDTH_MM = 150.0
SMALL_CHART_WIDTH_MM = 110.0
WEEKDAYS = "一二三四五六日"
SATISFACTION_WORDS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
NOTABLE_FEEDBACK = 8
UNFOLLOWED_LISTED = 20

# Resolution time buckets (working days from receipt to resolution), in display order.
RESOLUTION_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("当日", 0, 0), ("1天", 1, 1), ("2–3天", 2, 3), ("4–7天", 4, 7), ("7天以上", 8, 10**6),
)
UNRESOLVED_BUCKET = "未办结"

# Metrics of the department comparison (环比 / 同比): attribute, label, kind of value.
COMPARED: tuple[tuple[str, str, str], ...] = (
    ("received", "受理量（件）", "count"),
    ("resolved", "办结量（件）", "count"),
    ("closure_rate", "办结率", "rate"),
    ("on_time_rate", "按时办结率", "rate"),
    ("resolution_days", "平均办理工作日", "days"),
    ("followup_rate", "回访率", "rate"),
    ("satisfaction", "满意度（1–5分）", "scale"),
    ("score", "综合得分", "score"),
)

# The complaint procedure of the handbook, in our own words; {followup} comes from settings.
PROCEDURE: tuple[tuple[str, str], ...] = (
    ("受理", "通过电话、网站、邮件、微信、来访、信函等任何渠道收到投诉，首位接待人员即为受理人："
             "当场登记投诉编号、客户姓名与联系方式、投诉内容，确定投诉类别和严重程度，"
             "告知客户受理编号及答复时限，并于当日转交责任部门。"),
    ("处理", "责任部门指定处理人，核实情况、与客户沟通并提出解决办法，在规定时限内办结（见下表）。"
             "预计不能按时办结的，处理人应在时限届满前报告部门负责人，并主动向客户说明进展。"
             "办结时在登记表中填写办结时间和处理结果。"),
    ("回访", "投诉办结后 {followup} 日内，由回访人员联系客户，核实处理结果是否落实，"
             "记录满意度和客户意见；客户仍不满意的，重新转交责任部门处理，直至问题解决。"),
    ("归档", "回访结束后，将投诉登记、处理过程、回访记录整理归档。归档资料是月度投诉分析、"
             "个人考核和服务改进的依据，任何人不得擅自修改或删除。"),
)
SEVERITY_SCOPE = {
    "一般": "咨询、服务态度、一般性差错等影响较小、可以较快解决的问题",
    "较重": "影响客户正常办理业务、多次投诉未解决或造成一定经济损失的问题",
    "重大": "涉及人身财产安全、群体性诉求，或可能引起媒体关注、上级督办的事件",
}


# --------------------------------------------------------------------------------------------
# Formatting: every value the templates show goes through one of these


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage (``0.953`` → ``95.3%``); no data → ``—``."""
    return DASH if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    """A number with fixed decimals; no data → ``—``."""
    return DASH if value is None else f"{value:.{digits}f}"


def day_text(value: date | datetime | None) -> str:
    """``2026-10-05`` for tables; no date → ``—``."""
    if value is None:
        return DASH
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def long_date(value: date) -> str:
    """``2026年11月5日`` for headings and prose."""
    return f"{value.year}年{value.month}月{value.day}日"


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


def satisfaction_text(score: float | None) -> str:
    """Mean satisfaction ``4.35`` with its 0–100 equivalent: ``4.35（83.8分）``."""
    if score is None:
        return DASH
    return f"{score:.2f}（{(score - 1) / 4 * 100:.1f}分）"


def _share(count: int, total: int) -> str:
    return pct(count / total) if total else DASH


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _person(record: Record, prefix: str) -> str:
    return str(record.get(f"{prefix}_name") or record.get(f"{prefix}_id") or DASH)


def _count_rows(counter: Counter[str], order: Iterable[str], label: str) -> list[dict[str, Any]]:
    """Rows ``{label: name, count, share}`` in the given order (then any other, by count)."""
    total = sum(counter.values())
    names = [n for n in order if counter.get(n)]
    names += sorted((n for n in counter if n not in names), key=lambda n: (-counter[n], n))
    return [{label: n, "count": counter[n], "share": _share(counter[n], total)} for n in names]


def _chart(data: bytes | Chart, alt: str, width_mm: float = CHART_WIDTH_MM) -> Image | Chart:
    """A picture (PNG bytes) or a native chart, ``width_mm`` wide, with its alternative text."""
    if isinstance(data, Chart):
        height = data.height_mm * width_mm / data.width_mm
        return replace(data, width_mm=width_mm, height_mm=height, alt=alt)
    return Image(data, width_mm, alt=alt)


def _trend(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
           title: str, unit: str, y_max: float | None = None) -> Chart:
    """A native line chart over periods (a period without a value is a gap)."""
    return Chart("line", tuple(labels),
                 tuple((name, tuple(None if v is None else float(v) for v in values))
                       for name, values in series),
                 width_mm=150.0, height_mm=60.0, title=title, unit=unit, y_min=0.0, y_max=y_max)


def _bars(items: Sequence[tuple[str, float]], *, title: str, unit: str) -> Chart:
    """A native column chart of ``(label, value)`` in the order given."""
    return Chart.of("bar", items, width_mm=110.0, height_mm=55.0, title=title, unit=unit,
                    y_min=0.0)


def _period_labels(periods: Sequence[Period]) -> list[str]:
    """Short labels for chart axes: ``5月`` within one year, else the full Chinese label."""
    same_year = len({p.year for p in periods}) == 1
    if same_year and all(p.kind == "month" for p in periods):
        return [f"{p.index}月" for p in periods]
    return [p.label_zh for p in periods]


def _common(period: Period, as_of: date) -> dict[str, Any]:
    return {"period": str(period), "period_label": period.label_zh,
            "as_of": long_date(as_of), "generated_on": long_date(as_of)}


# --------------------------------------------------------------------------------------------
# 1. evaluation — 个人考核报告


def _target_text(metric: str, value: float | None) -> str:
    if value is None:
        return DASH
    if metric == "resolution_days":
        return f"{value:.1f} 个工作日"
    if metric == "satisfaction":
        return f"{value:.2f} 分"
    return pct(value)


def score_trend(results: Sequence[KpiResult], staff_id: str) -> list[tuple[Period, float | None]]:
    """One person's score over several KPI results (oldest first), None where they have none.

    The report command computes the KPIs of the last six periods once and calls this per person.
    """
    out: list[tuple[Period, float | None]] = []
    for result in results:
        row = result.person(staff_id)
        out.append((result.period, row.score if row else None))
    return out


def evaluation_context(row: StaffKpi, result: KpiResult, settings: Settings, *,
                       trend: Sequence[tuple[Period, float | None]] | None = None,
                       ) -> dict[str, Any]:
    """The context of one person's 个人考核报告 for ``result.period``.

    ``row`` is the person's entry of ``result`` (its ``details`` hold categories, late
    complaints and the target lines); ``trend`` their score over the last periods, oldest
    first (:func:`score_trend`) — a period without a score is a gap in the chart, not a
    zero. Without a trend the chart shows this period alone.
    """
    if trend is None:
        trend = [(result.period, row.score)]
    ranked = [s for s in result.staff if s.department == row.department
              and s.scheme == row.scheme and s.rank is not None]
    if row.rank is not None:
        rank_text = f"第 {row.rank} 名 / 共 {len(ranked)} 人"
    else:
        rank_text = "本期无可评分数据，不参与排名"
    kpi_rows = []
    for line in row.details.targets:
        metric = METRICS[line.metric]
        kpi_rows.append({
            "label": metric.zh,
            "target": metric.format_target(line.target),
            "actual": metric.format(line.actual),
            "met": {True: "达标", False: "未达标", None: DASH}[line.met],
            "weight": pct(line.weight, 0) if line.weight else "不计分",
            "share": pct(line.share),
            "points": num(line.points_shown),
        })
    late = [{
        "complaint_id": c.complaint_id,
        "received": day_text(c.received_at),
        "category": c.category or DASH,
        "severity": c.severity,
        "deadline": day_text(c.deadline),
        "resolved": day_text(c.resolved_at) if c.resolved_at else "未办结",
        "days_late": DASH if c.days_late is None else f"{c.days_late} 天",
    } for c in row.details.late]
    by_category = Counter({k: v for k, v in row.details.by_category.items() if v})
    periods = [p for p, _ in trend]
    chart = _trend(_period_labels(periods), [("综合得分", [s for _, s in trend])],
                   title=f"近{len(periods)}期综合得分", unit="得分", y_max=100.0)
    return {
        **_common(result.period, result.as_of),
        "staff": {"staff_id": row.staff_id or DASH, "name": row.name or DASH,
                  "department": row.department or DASH, "role": row.role or DASH},
        "kpi_rows": kpi_rows,
        "score": num(row.score),
        "grade": row.grade or "未评定",
        "rank": row.rank,
        "rank_total": len(ranked),
        "rank_text": rank_text,
        "received": row.received,
        "resolved": row.resolved,
        "closure_rate": pct(row.closure_rate),
        "on_time_rate": pct(row.on_time_rate),
        "resolution_days": num(row.resolution_days),
        "followup_rate": pct(row.followup_rate),
        "satisfaction": satisfaction_text(row.satisfaction),
        "categories": _count_rows(by_category, settings.enums["category"].values, "category"),
        "has_late": bool(late),
        "late": late,
        "visits_made": row.visits_made,
        "visits_reached": row.details.visits_reached,
        "visit_success_rate": pct(row.visit_success_rate),
        "shifts_worked": row.shifts_worked,
        "night_shifts": row.night_shifts,
        "trend_chart": _chart(chart, "近期综合得分趋势图"),
        "trend": [{"period": p.label_zh, "score": num(s)} for p, s in trend],
        "warnings": result.warnings(),
    }


# --------------------------------------------------------------------------------------------
# 2. evaluation-summary — 部门考核汇总


def _change(kind: str, now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "无可比数据"
    diff = now - before
    sign = "+" if diff > 0 else ""
    if kind == "rate":
        return f"{sign}{diff * 100:.1f} 个百分点"
    if kind == "count":
        ratio = f"（{sign}{diff / before * 100:.1f}%）" if before else ""
        return f"{sign}{diff:.0f}{ratio}"
    return f"{sign}{diff:.2f}" if kind == "scale" else f"{sign}{diff:.1f}"


def _value(kind: str, value: float | None) -> str:
    if kind == "rate":
        return pct(value)
    if kind == "count":
        return DASH if value is None else f"{value:.0f}"
    return num(value, 2 if kind == "scale" else 1)


def _has_data(dept: DepartmentKpi | None) -> bool:
    return dept is not None and (dept.received > 0 or dept.score is not None)


def summary_context(result: KpiResult, department: str, settings: Settings, *,
                    previous: KpiResult | None = None,
                    last_year: KpiResult | None = None) -> dict[str, Any]:
    """The context of a department's 考核汇总 for ``result.period``.

    ``previous`` and ``last_year`` are the KPI results of the period before (环比) and of the
    same period a year earlier (同比); either may be None or hold no data for the department,
    and the comparison then says 无可比数据.
    """
    members = [s for s in result.staff if s.department == department]
    order = {scheme.name: i for i, scheme in enumerate(result.schemes)}
    members.sort(key=lambda s: (order.get(s.scheme, len(order)), s.rank is None, s.rank or 0,
                                natural_key(s.staff_id or s.name)))
    ranking = [{
        "rank": DASH if s.rank is None else str(s.rank), "staff_id": s.staff_id or DASH,
        "name": s.name or DASH, "role": s.role or DASH, "received": s.received,
        "closure_rate": pct(s.closure_rate), "on_time_rate": pct(s.on_time_rate),
        "followup_rate": pct(s.followup_rate), "satisfaction": num(s.satisfaction, 2),
        "score": num(s.score), "grade": s.grade or "未评定",
    } for s in members]

    bands = sorted(settings.grades, key=lambda b: -b[1])
    counts = Counter(s.grade or "未评定" for s in members)
    grades: list[dict[str, Any]] = []
    for i, (name, low) in enumerate(bands):
        high = bands[i - 1][1] if i else None
        span = f"{low:g} 分及以上" if high is None else f"{low:g}–{high:g} 分（不含 {high:g}）"
        grades.append({"grade": name, "range": span, "count": counts.get(name, 0),
                       "share": _share(counts.get(name, 0), len(members))})
    if counts.get("未评定"):
        grades.append({"grade": "未评定", "range": "无可评分数据", "count": counts["未评定"],
                       "share": _share(counts["未评定"], len(members))})
    grade_chart = _bars([(g["grade"], g["count"]) for g in grades],
                        title="考核等级分布", unit="人数")

    current = result.department(department)
    before = previous.department(department) if previous else None
    year_ago = last_year.department(department) if last_year else None
    has_previous, has_last_year = _has_data(before), _has_data(year_ago)
    comparison = []
    for attr, label, kind in COMPARED:
        now = getattr(current, attr) if current else None
        prev = getattr(before, attr) if has_previous else None
        old = getattr(year_ago, attr) if has_last_year else None
        comparison.append({
            "label": label, "current": _value(kind, now),
            "previous": _value(kind, prev) if has_previous else DASH,
            "mom": _change(kind, now, prev) if has_previous else "无可比数据",
            "last_year": _value(kind, old) if has_last_year else DASH,
            "yoy": _change(kind, now, old) if has_last_year else "无可比数据",
        })
    return {
        **_common(result.period, result.as_of),
        "department": department,
        "headcount": len(members),
        "ranked": sum(1 for s in members if s.rank is not None),
        "department_score": num(current.score if current else None),
        "department_grade": (current.grade if current else None) or "未评定",
        "ranking": ranking,
        "grades": grades,
        "grade_chart": _chart(grade_chart, "考核等级分布图", SMALL_CHART_WIDTH_MM),
        "comparison": comparison,
        "previous_label": result.period.previous().label_zh,
        "last_year_label": result.period.same_last_year().label_zh,
        "has_previous": has_previous,
        "has_last_year": has_last_year,
        "has_comparison": has_previous or has_last_year,
        "warnings": result.warnings(),
    }


# --------------------------------------------------------------------------------------------
# 3. complaints — 投诉分析报告


def _department_of(complaint: Record, staff_departments: Mapping[str, str]) -> str:
    return str(complaint.get("department")
               or staff_departments.get(str(complaint.get("handler_id") or ""))
               or "未指定")


def _bucket(days: int | None) -> str:
    if days is None:
        return UNRESOLVED_BUCKET
    return next(name for name, low, high in RESOLUTION_BUCKETS if low <= days <= high)


class _Timing:
    """Deadlines and working days of a period's complaints: buckets, overdue list, rates."""

    def __init__(self, live: Sequence[Record], settings: Settings, calendar: WorkCalendar,
                 as_of: date, departments: Mapping[str, str]) -> None:
        self.buckets: Counter[str] = Counter()
        self.overdue: list[dict[str, Any]] = []
        self.on_time = self.eligible = 0
        days_taken: list[int] = []
        for c in live:
            received = _day(c["received_at"])
            assert received is not None
            deadline = complaint_deadline(c, settings, calendar)
            done = _day(c.get("resolved_at")) if c.get("status") == RESOLVED else None
            days = calendar.working_days_between(received, done) if done else None
            if days is not None:
                days_taken.append(days)
            self.buckets[_bucket(days)] += 1
            if done is None and c.get("status") == RESOLVED:
                continue  # 已办结 without a date: validation rejects it; nothing to time
            eligible = done is not None or deadline < as_of
            self.eligible += eligible
            if done is not None and done <= deadline:
                self.on_time += 1
            elif eligible:
                self.overdue.append({
                    "complaint_id": c["complaint_id"], "received": day_text(received),
                    "customer": c.get("customer") or DASH,
                    "category": c.get("category") or DASH, "severity": c.get("severity") or "一般",
                    "department": _department_of(c, departments),
                    "handler": _person(c, "handler"), "deadline": day_text(deadline),
                    "resolved": day_text(done) if done else "未办结",
                    "days_late": ((done or as_of) - deadline).days, "open": done is None,
                })
        self.overdue.sort(key=lambda o: (not o["open"], -o["days_late"], o["complaint_id"]))
        for o in self.overdue:
            o["days_late"] = f"{o['days_late']} 天"
        self.mean_days = sum(days_taken) / len(days_taken) if days_taken else None


def _pareto_rows(categories: Counter[str]) -> list[dict[str, Any]]:
    total = sum(categories.values())
    running = 0
    rows = []
    for name, count in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        rows.append({"category": name, "count": count, "share": _share(count, total),
                     "cumulative": _share(running, total)})
    return rows


def _department_rows(live: Sequence[Record],
                     departments: Mapping[str, str]) -> list[dict[str, Any]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for c in live:
        groups[_department_of(c, departments)].append(c)
    rows = []
    for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        done = sum(1 for c in members if c.get("status") == RESOLVED)
        rows.append({"department": name, "count": len(members),
                     "share": _share(len(members), len(live)), "resolved": done,
                     "closure_rate": _share(done, len(members))})
    return rows


def _complaint_trend(scoped: Sequence[Record], periods: Sequence[Period],
                     ) -> tuple[list[dict[str, Any]], list[float | None]]:
    """Rows and chart values of the trend. A period before the first complaint on record has
    no data (a gap in the chart, — in the table), not zero complaints."""
    first = min((c["received_at"] for c in scoped), default=None)
    rows: list[dict[str, Any]] = []
    counts: list[float | None] = []
    for p in periods:
        live = [c for c in scoped if p.contains(c["received_at"]) and c.get("status") != WITHDRAWN]
        known = first is not None and first < p.end_at
        done = sum(1 for c in live if c.get("status") == RESOLVED)
        counts.append(len(live) if known else None)
        rows.append({"period": p.label_zh, "received": len(live) if known else DASH,
                     "resolved": done if known else DASH,
                     "closure_rate": pct(done / len(live)) if live else DASH})
    return rows, counts


def complaints_context(period: Period, complaints: Sequence[Record], settings: Settings, *,
                       as_of: date, staff: Sequence[Record] = (),
                       department: str | None = None,
                       calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """The context of the 投诉分析报告 for ``period`` (optionally one department).

    ``complaints`` are those received in the last six periods up to ``period`` (for the trend);
    the figures are over the ones received in ``period``. Withdrawn complaints are counted
    apart and left out of every figure (SPEC §6). A complaint's department is its 责任部门,
    else its handler's department from ``staff``.
    """
    calendar = calendar or WorkCalendar.from_settings(settings)
    departments = {str(s["staff_id"]): s["department"] for s in staff
                   if s.get("staff_id") and s.get("department")}
    scoped = [c for c in _unique(complaints, "complaint_id")
              if department is None or _department_of(c, departments) == department]
    in_period = [c for c in scoped if period.contains(c["received_at"])]
    live = [c for c in in_period if c.get("status") != WITHDRAWN]
    total = len(live)
    resolved = sum(1 for c in live if c.get("status") == RESOLVED)
    timing = _Timing(live, settings, calendar, as_of, departments)
    figures = {
        "total": total, "withdrawn": len(in_period) - total, "resolved": resolved,
        "open": total - resolved, "closure_rate": _share(resolved, total),
        "on_time_rate": _share(timing.on_time, timing.eligible),
        "overdue": len(timing.overdue),
        "overdue_open": sum(1 for o in timing.overdue if o["open"]),
        "resolution_days": num(timing.mean_days),
    }
    categories = Counter(c.get("category") or "其他" for c in live)
    by_category = _pareto_rows(categories)
    channels = Counter(c.get("channel") or "其他" for c in live)
    severities = Counter(c.get("severity") or "一般" for c in live)
    bucket_names = [b[0] for b in RESOLUTION_BUCKETS] + [UNRESOLVED_BUCKET]
    periods = period.trend(TREND_PERIODS)
    trend, counts = _complaint_trend(scoped, periods)
    previous = trend[-2]["received"] if len(trend) > 1 else DASH

    pareto_chart = charts.pareto_chart(list(categories.items()), title="投诉类别帕累托图")
    durations = _bars([(name, timing.buckets.get(name, 0)) for name in bucket_names],
                      title="办理时长分布（工作日）", unit="件数")
    trend_chart = _trend(_period_labels(periods), [("受理量", counts)],
                         title=f"近{len(periods)}期投诉受理量", unit="件数")
    return {
        **_common(period, as_of),
        "scope": department or "全部部门",
        "department": department or "",
        **figures,
        "by_category": by_category,
        "pareto_chart": _chart(pareto_chart, "投诉类别帕累托图"),
        "by_channel": _count_rows(channels, settings.enums["channel"].values, "channel"),
        "by_severity": _count_rows(severities, settings.enums["severity"].values, "severity"),
        "by_department": _department_rows(live, departments),
        "resolution": [{"bucket": name, "count": timing.buckets.get(name, 0),
                        "share": _share(timing.buckets.get(name, 0), total)}
                       for name in bucket_names],
        "resolution_chart": _chart(durations, "办理时长分布图", SMALL_CHART_WIDTH_MM),
        "has_overdue": bool(timing.overdue),
        "overdue_list": timing.overdue,
        "trend": trend,
        "trend_chart": _chart(trend_chart, "近期投诉受理量趋势图"),
        "analysis": _complaint_analysis(figures, by_category, channels, severities,
                                        previous if isinstance(previous, int) else None),
        "warnings": calendar.warning_messages(),
    }


def _complaint_analysis(figures: Mapping[str, Any], by_category: Sequence[Mapping[str, Any]],
                        channels: Counter[str], severities: Counter[str],
                        previous: int | None) -> list[str]:
    """The short 分析 paragraphs: volume and change, main categories, handling, severity."""
    total = figures["total"]
    if not total:
        return ["本期未受理投诉。"]
    lines = []
    volume = f"本期共受理投诉 {total} 件"
    if figures["withdrawn"]:
        volume += f"（另有撤销 {figures['withdrawn']} 件，不计入统计）"
    if previous is not None:
        diff = total - previous
        if diff == 0:
            volume += f"，与上期持平（{previous} 件）"
        else:
            word, change = ("增加", "增幅") if diff > 0 else ("减少", "降幅")
            rate = f"，{change} {abs(diff) / previous:.1%}" if previous else ""
            volume += f"，较上期（{previous} 件）{word} {abs(diff)} 件{rate}"
    lines.append(volume + "。")
    top = by_category[0]
    text = f"从类别看，「{top['category']}」最多，共 {top['count']} 件，占 {top['share']}"
    if len(by_category) > 1:
        second = by_category[1]
        text += (f"；「{top['category']}」与「{second['category']}」合计占 "
                 f"{second['cumulative']}，是下一步改进的重点")
    lines.append(text + "。")
    channel, count = channels.most_common(1)[0]
    lines.append(f"受理渠道以「{channel}」为主，{count} 件，占 {_share(count, total)}。")
    handling = (f"已办结 {figures['resolved']} 件，办结率 {figures['closure_rate']}，"
                f"按时办结率 {figures['on_time_rate']}，平均办理 {figures['resolution_days']} "
                f"个工作日")
    if figures["overdue"]:
        handling += (f"；超期 {figures['overdue']} 件，其中仍未办结 {figures['overdue_open']} 件，"
                     "需督办")
    else:
        handling += "；无超期投诉"
    lines.append(handling + "。")
    serious = [f"{name} {severities[name]} 件" for name in ("重大", "较重") if severities.get(name)]
    if serious:
        lines.append(f"严重程度方面，{'、'.join(serious)}，应逐件跟踪至回访结束。")
    return lines


# --------------------------------------------------------------------------------------------
# 4. visits — 回访总结报告


def _reached(visit: Record) -> bool:
    return visit.get("reached") is not False


def _unique(records: Iterable[Record], id_field: str, *key_fields: str) -> list[Record]:
    """Records once each (the caller may pass a visit both as "in the period" and as "linked"):
    by their id, else by the natural key fields; the last one passed wins."""
    seen: dict[tuple[Any, ...], Record] = {}
    for r in records:
        key = (r[id_field],) if r.get(id_field) else tuple(r.get(k) for k in key_fields)
        seen[key] = r
    return list(seen.values())


def _visit_day(visit: Record) -> date:
    day = _day(visit["visited_at"])
    assert day is not None  # 回访时间 is required
    return day


def _grouped(made: Sequence[Record], field: str, order: Sequence[str]) -> list[dict[str, Any]]:
    """Visits by method or purpose: count, share, reached, success rate (settings order)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for v in made:
        groups[str(v.get(field) or "其他")].append(v)
    names = [n for n in order if n in groups]
    names += sorted(n for n in groups if n not in names)
    rows = []
    for n in names:
        ok = sum(1 for v in groups[n] if _reached(v))
        rows.append({"name": n, "count": len(groups[n]), "share": _share(len(groups[n]), len(made)),
                     "reached": ok, "success_rate": _share(ok, len(groups[n]))})
    return rows


def _coverage(resolved: Sequence[Record], visits: Sequence[Record],
              settings: Settings) -> tuple[int, list[dict[str, Any]]]:
    """How many resolved complaints had a reached visit within followup_days, and the others
    with the reason (never visited, never reached, visited too late)."""
    linked: dict[str, list[Record]] = defaultdict(list)
    for v in visits:
        if v.get("complaint_id"):
            linked[v["complaint_id"]].append(v)
    window = range(settings.followup_days + 1)
    covered = 0
    missed = []
    for c in sorted(resolved, key=lambda c: (c["resolved_at"], c["complaint_id"])):
        done = _day(c["resolved_at"])
        assert done is not None
        tries = linked.get(c["complaint_id"], [])
        if any(_reached(v) and (_visit_day(v) - done).days in window for v in tries):
            covered += 1
            continue
        if not tries:
            why = "未回访"
        elif not any(_reached(v) for v in tries):
            why = "回访未联系上"
        else:
            why = f"超过 {settings.followup_days} 日才回访"
        missed.append({"complaint_id": c["complaint_id"], "customer": c.get("customer") or DASH,
                       "handler": _person(c, "handler"), "resolved": day_text(done),
                       "reason": why})
    return covered, missed


def _by_staff(made: Sequence[Record]) -> list[dict[str, Any]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for v in made:
        groups[_person(v, "staff")].append(v)
    rows = []
    for name, visits in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        ok = [v for v in visits if _reached(v)]
        rated = [v["satisfaction"] for v in ok if v.get("satisfaction") is not None]
        rows.append({"name": name, "count": len(visits), "reached": len(ok),
                     "success_rate": _share(len(ok), len(visits)),
                     "satisfaction": num(sum(rated) / len(rated), 2) if rated else DASH})
    return rows


def _feedback(reached: Sequence[Record], settings: Settings) -> list[dict[str, Any]]:
    """The few visits worth reading: lowest scores first, those with words before those
    without; a satisfied customer appears only for what they said."""
    def said(v: Record) -> str:
        return str(v.get("feedback") or "").strip()

    notable = [v for v in reached if said(v) or (v.get("satisfaction") or 5) <= 2]
    notable.sort(key=lambda v: (v.get("satisfaction") or 6, not said(v), v["visited_at"]))
    return [{
        "date": day_text(v["visited_at"]), "customer": v.get("customer") or DASH,
        "phone": mask_phone(v.get("customer_phone"), settings.mask_phones),
        "staff": _person(v, "staff"), "method": v.get("method") or DASH,
        "satisfaction": SATISFACTION_WORDS.get(int(v["satisfaction"]), DASH)
        if v.get("satisfaction") else "未评价",
        "feedback": said(v) or DASH, "complaint_id": v.get("complaint_id") or DASH,
    } for v in notable[:NOTABLE_FEEDBACK]]


def visits_context(period: Period, visits: Sequence[Record], complaints: Sequence[Record],
                   settings: Settings, *, as_of: date, staff: Sequence[Record] = (),
                   department: str | None = None) -> dict[str, Any]:
    """The context of the 回访总结报告 for ``period`` (optionally one department).

    ``visits``: those made in the period plus those linked to ``complaints`` (whatever their
    date; one passed twice counts once); ``complaints``: at least those resolved in the
    period, whose follow-up coverage is reported. A visit belongs to its 回访人's department,
    a complaint to its 责任部门, else its handler's.
    """
    departments = {str(s["staff_id"]): s["department"] for s in staff
                   if s.get("staff_id") and s.get("department")}
    visits = _unique(visits, "visit_id", "visited_at", "customer", "staff_id", "staff_name",
                     "complaint_id")
    complaints = [c for c in _unique(complaints, "complaint_id")
                  if department is None or _department_of(c, departments) == department]
    made = [v for v in visits if period.contains(v["visited_at"]) and (
        department is None or departments.get(str(v.get("staff_id") or "")) == department)]
    reached = [v for v in made if _reached(v)]
    scores = Counter(int(v["satisfaction"]) for v in reached if v.get("satisfaction") is not None)
    rated = sum(scores.values())
    satisfaction_rows = [{"label": SATISFACTION_WORDS[k], "score": k, "count": scores.get(k, 0),
                          "share": _share(scores.get(k, 0), rated)} for k in (5, 4, 3, 2, 1)]
    resolved = [c for c in complaints if c.get("status") == RESOLVED and c.get("resolved_at")
                and period.contains(c["resolved_at"])]
    covered, missed = _coverage(resolved, visits, settings)
    feedback = _feedback(reached, settings)
    chart = _bars([(SATISFACTION_WORDS[k], scores.get(k, 0)) for k in (5, 4, 3, 2, 1)],
                  title="满意度分布", unit="次数")
    mean = sum(k * n for k, n in scores.items()) / rated if rated else None
    return {
        **_common(period, as_of),
        "scope": department or "全部部门",
        "department": department or "",
        "total": len(made),
        "reached": len(reached),
        "success_rate": _share(len(reached), len(made)),
        "satisfaction": satisfaction_text(mean),
        "rated": rated,
        "unrated": len(made) - rated,
        "by_method": _grouped(made, "method", settings.enums["visit_method"].values),
        "by_purpose": _grouped(made, "purpose", settings.enums["visit_purpose"].values),
        "satisfaction_rows": satisfaction_rows,
        "satisfaction_chart": _chart(chart, "满意度分布图", SMALL_CHART_WIDTH_MM),
        "followup_days": settings.followup_days,
        "resolved_complaints": len(resolved),
        "followed_up": covered,
        "coverage": _share(covered, len(resolved)),
        "has_missed": bool(missed),
        "missed": missed[:UNFOLLOWED_LISTED],
        "missed_more": max(0, len(missed) - UNFOLLOWED_LISTED),
        "by_staff": _by_staff(made),
        "has_feedback": bool(feedback),
        "feedback": feedback,
    }


# --------------------------------------------------------------------------------------------
# 5. handbook — 岗位职责手册


def _items(items: Sequence[Mapping[str, Any]] | None, level: int = 1) -> list[dict[str, Any]]:
    """Numbered text (``{text, children}``) with labels: ``1.`` then ``(1)`` then ``①``."""
    out = []
    for i, item in enumerate(items or (), start=1):
        if level == 1:
            label = f"{i}."
        elif level == 2:
            label = f"({i})"
        else:
            label = chr(0x2460 + i - 1) if i <= 20 else f"{i})"
        out.append({"number": label, "text": str(item.get("text") or "").strip(),
                    "children": _items(item.get("children"), level + 1)})
    return out


def _role_order(duties: Sequence[Record]) -> list[Record]:
    """Roles top-down: those reporting outside the department first, then their reports."""
    by_role = {r["role"]: r for r in duties}
    order: list[Record] = []
    placed: set[str] = set()
    frontier = [r for r in duties if r.get("reports_to") not in by_role]
    while frontier:
        order.extend(frontier)
        placed.update(r["role"] for r in frontier)
        frontier = [r for r in duties if r["role"] not in placed
                    and r.get("reports_to") in placed]
    order.extend(r for r in duties if r["role"] not in placed)  # a cycle: keep what is left
    return order


def handbook_context(department: str, duties: Sequence[Record], staff: Sequence[Record],
                     schedule: Sequence[Record], settings: Settings, *, month: Period,
                     edition: date, printed: date | None = None) -> dict[str, Any]:
    """The context of a department's 岗位职责手册, with the duty calendar of ``month``.

    ``duties`` are the department's duty records (one per role, items parsed), ``staff`` the
    staff list (any department: the directory keeps this one's, less those who left),
    ``schedule`` the entries of ``month``.
    """
    roles = []
    for n, record in enumerate(_role_order([d for d in duties
                                             if d.get("department") == department]), start=1):
        roles.append({
            "number": n, "role": record["role"],
            "reports_to": record.get("reports_to") or DASH,
            "purpose": (record.get("purpose") or "").strip() or DASH,
            "duties": _items(record.get("duties")),
            "requirements": _items(record.get("requirements")),
            "anchor": f"role{n}",
        })
    role_rank = {r["role"]: i for i, r in enumerate(roles)}
    people = [s for s in staff if s.get("department") == department and s.get("status") != "离职"]
    people.sort(key=lambda s: (role_rank.get(s.get("role"), len(roles)),
                               natural_key(str(s.get("staff_id") or ""))))
    directory = [{
        "index": i, "name": s.get("name") or DASH, "staff_id": s.get("staff_id") or DASH,
        "role": s.get("role") or DASH, "phone": mask_phone(s.get("phone"), settings.mask_phones),
        "email": s.get("email") or DASH, "status": s.get("status") or "在职",
    } for i, s in enumerate(people, start=1)]

    calendar = _duty_calendar(department, people, schedule, settings, month)
    toc = [{"level": 1, "title": "一、岗位设置与职责"}]
    toc += [{"level": 2, "title": f"{r['number']}. {r['role']}"} for r in roles]
    toc += [{"level": 1, "title": t} for t in
            ("二、人员名录", "三、投诉处理流程", f"四、{month.label_zh}值班安排")]
    deadlines = [{"severity": sev, "days": settings.deadlines.get(sev, 0),
                  "scope": SEVERITY_SCOPE.get(sev, DASH)}
                 for sev in settings.enums["severity"].values if sev in settings.deadlines]
    return {
        "department": department,
        "edition": f"{edition.year}年{edition.month}月版",
        "edition_date": long_date(printed or edition),
        "month_label": month.label_zh,
        "toc": toc,
        "roles": roles,
        "has_roles": bool(roles),
        "directory": directory,
        "calendar": calendar,
        "procedure": [{"step": step, "text": text.format(followup=settings.followup_days)}
                      for step, text in PROCEDURE],
        "flow": " → ".join(step for step, _ in PROCEDURE),
        "deadlines": deadlines,
        "followup_days": settings.followup_days,
    }


def shift_legend(settings: Settings) -> str:
    """``早＝早班（08:00–16:00）；…；休＝休息`` — the key printed under the duty calendar.

    It tells the story validation tells (validate/cross.py): a shift starting at 00:00 on the
    day shown is the night *after* that day (夜 on the 22nd = the night into the 23rd), and a
    shift ending after midnight ends the next day.
    """
    parts = []
    for code, shift in settings.shifts.items():
        text = f"{code}＝{shift.name}"
        if shift.start is not None and shift.end is not None:
            midnight_end = shift.end.hour == shift.end.minute == 0
            if shift.start.hour == shift.start.minute == 0:
                text += f"（当日夜间，次日00:00–{shift.end:%H:%M}）"
            elif shift.ends_next_day and not midnight_end:
                text += f"（{shift.start:%H:%M}–次日{shift.end:%H:%M}）"
            else:
                end = "24:00" if midnight_end else f"{shift.end:%H:%M}"
                text += f"（{shift.start:%H:%M}–{end}）"
        parts.append(text)
    return "；".join(parts)


def _duty_calendar(department: str, people: Sequence[Record], schedule: Sequence[Record],
                   settings: Settings, month: Period) -> dict[str, Any]:
    """A person × day grid of shift codes for ``month`` (31 columns, blank past month end)."""
    start, end = month.start, month.end
    ids = {str(p["staff_id"]) for p in people if p.get("staff_id")}
    names = {str(p["staff_id"]): p.get("name") or p["staff_id"] for p in people}
    by_name = {p.get("name"): str(p["staff_id"]) for p in people if p.get("name")}
    grid: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in schedule:
        day = _day(e.get("date"))
        if day is None or not start <= day <= end:
            continue
        key = str(e.get("staff_id") or by_name.get(e.get("staff_name")) or e.get("staff_name"))
        if key not in ids and e.get("department") != department:
            continue
        names.setdefault(key, e.get("staff_name") or key)
        if e.get("shift") and e["shift"] not in grid[key][day.day]:
            grid[key][day.day].append(str(e["shift"]))
    order = [str(p["staff_id"]) for p in people if str(p.get("staff_id")) in grid]
    order += sorted((k for k in grid if k not in order), key=natural_key)
    last = end.day
    days = []
    for d in range(1, 32):
        if d <= last:
            weekday = date(month.year, start.month, d).weekday()
            days.append({"day": str(d), "weekday": WEEKDAYS[weekday], "weekend": weekday >= 5})
        else:
            days.append({"day": "", "weekday": "", "weekend": False})
    rows = []
    for key in order:
        cells = ["/".join(grid[key].get(d, [])) if d <= last else "" for d in range(1, 32)]
        codes = [c for d in range(1, last + 1) for c in grid[key].get(d, [])]
        worked = sum(1 for c in codes if (s := settings.shifts.get(c)) is not None and s.worked)
        rows.append({"name": names.get(key, key), "cells": cells, "worked": worked})
    return {"month_label": month.label_zh, "days": days, "rows": rows,
            "legend": shift_legend(settings),
            "has_rows": bool(rows)}
