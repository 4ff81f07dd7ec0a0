"""个人考核报告: one person's evaluation, formatted from their row of a KpiResult.

One context for every scheme; each scheme has its own template (``evaluation.docx`` for the
handler, ``evaluation-visitor.docx``, ``evaluation-lead.docx``, ``evaluation-none.docx``) that
shows what that person is judged on. Nothing is computed here beyond wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from officekit.kpis.compute import KpiResult, LateComplaint, StaffKpi, TargetLine, natural_key
from officekit.kpis.coverage import KIND_LABELS
from officekit.kpis.metrics import METRICS
from officekit.kpis.periods import Period
from officekit.kpis.schemes import Scheme, scheme_for
from officekit.render.contexts.formatting import (
    DASH,
    LIST_LIMIT,
    Attachment,
    cap,
    chart,
    common,
    count_rows,
    day_text,
    no_sources,
    num,
    pct,
    period_labels,
    satisfaction_text,
    short_range,
    sources_box,
    trend_chart,
)
from officekit.settings import Settings

EVALUATION_KINDS = ("staff", "complaints", "visits", "schedule")
LATE_COLUMNS = (("complaint_id", "投诉编号"), ("received", "受理日期"), ("category", "类别"),
                ("severity", "严重程度"), ("deadline", "办结期限"), ("resolved", "办结日期"),
                ("days_late", "超期（工作日）"))
REASONS = {"min-cases": "样本不足", "no-data": "无数据"}


def score_trend(results: Sequence[KpiResult], staff_id: str) -> list[tuple[Period, float | None]]:
    """One person's score over several KPI results (oldest first), None where they have none.

    The report command computes the KPIs of the last six periods once and calls this per person.
    """
    out: list[tuple[Period, float | None]] = []
    for result in results:
        row = result.person(staff_id)
        out.append((result.period, row.score if row else None))
    return out


def late_rows(late: Sequence[LateComplaint]) -> list[dict[str, Any]]:
    """Late complaints as table rows; days late are working days as of the report's date."""
    return [{
        "complaint_id": c.complaint_id,
        "received": day_text(c.received_at),
        "category": c.category or DASH,
        "severity": c.severity,
        "deadline": day_text(c.deadline),
        "resolved": day_text(c.resolved_at) if c.resolved_at else "未办结",
        "days_late": DASH if c.days_late is None else f"{c.days_late}个工作日",
    } for c in late]


def late_attachment(row: StaffKpi) -> Attachment | None:
    """The whole late list as an .xlsx when the document shows only its first rows."""
    if len(row.details.late) <= LIST_LIMIT:
        return None
    return Attachment("超时投诉清单", f"{row.name or row.staff_id} 超时投诉清单", LATE_COLUMNS,
                      tuple(late_rows(row.details.late)))


def _kpi_row(line: TargetLine) -> dict[str, Any]:
    metric = METRICS[line.metric]
    if line.reason in REASONS:
        met = REASONS[line.reason]
    else:
        met = {True: "达标", False: "未达标", None: DASH}[line.met]
    if line.metric == "visit_target_rate":
        cases = f"目标{line.denominator}次"
    else:
        cases = f"{line.denominator}{metric.per}"
    return {
        "label": metric.zh,
        "target": metric.format_target(line.target),
        "actual": metric.format(line.actual),
        "cases": cases,
        "met": met,
        "weight": pct(line.weight, 0) if line.weight else "不计分",
        "share": pct(line.share) if line.share is not None else DASH,
        "points": num(line.points_shown),
    }


def _score_note(row: StaffKpi, scheme: Scheme) -> str:
    """Why there is no score, or which metrics were left out of it."""
    if not scheme.scored:
        return "本岗位不参与考核，以下数据仅供参考。"
    lines = {t.metric: t for t in row.details.targets}
    parts = []
    for u in row.unscored:
        line = lines.get(u.metric)
        label = METRICS[u.metric].zh
        if u.reason == "min-cases" and line is not None:
            parts.append(f"{label}（样本不足：{line.denominator}{METRICS[u.metric].per}，"
                         f"少于{scheme.min_cases}）")
        else:
            parts.append(f"{label}（无数据）")
    if row.score is None:
        if any(u.reason == "min-cases" for u in row.unscored):
            return (f"本期各考核指标的样本均不足{scheme.min_cases}件（次）或无数据，"
                    "不计综合得分、不评定等级：" + "；".join(parts) + "。")
        return "本期无可评分数据，不计综合得分、不评定等级。"
    if parts:
        return "以下指标本期不计分，其权重按比例分配给其余指标：" + "；".join(parts) + "。"
    return ""


def _rank_text(row: StaffKpi, scheme: Scheme, ranked: int) -> str:
    if row.rank is not None:
        return f"第{row.rank}名/共{ranked}人"
    if not scheme.scored:
        return "本岗位不参与考核"
    if any(u.reason == "min-cases" for u in row.unscored):
        return "样本不足，不参与排名"
    return "本期无可评分数据，不参与排名"


def _coverage_note(result: KpiResult, scheme: Scheme) -> str:
    kinds = [scheme.needs] if scheme.needs else ["complaints", "visits"]
    notes = []
    for kind in kinds:
        c = result.coverage.get(kind)
        if c is not None and c.partial and c.start and c.end:
            notes.append(f"本期{KIND_LABELS[kind][0]}仅覆盖{short_range(c.start, c.end)}，"
                         "相关数据只反映该时段")
        elif c is not None and c.missing and scheme.needs == kind:
            notes.append(f"本期没有{KIND_LABELS[kind][0]}，相关指标按无数据处理")
    return "；".join(notes) + "。" if notes else ""


def _team(row: StaffKpi, result: KpiResult) -> list[dict[str, Any]]:
    """A lead's department: everyone but the lead, by scheme then rank."""
    order = {s.name: i for i, s in enumerate(result.schemes)}
    members = [s for s in result.staff if s.department == row.department and s is not row]
    members.sort(key=lambda s: (order.get(s.scheme, len(order)), s.rank is None, s.rank or 0,
                                natural_key(s.staff_id or s.name)))
    out = []
    for s in members:
        scheme = result.scheme(s.scheme)
        out.append({"rank": DASH if s.rank is None else str(s.rank), "name": s.name or DASH,
                    "role": s.role or DASH, "scheme": scheme.zh if scheme else s.scheme,
                    "score": num(s.score), "grade": s.grade or "未评定"})
    return out


def evaluation_context(row: StaffKpi, result: KpiResult, settings: Settings, *,
                       trend: Sequence[tuple[Period, float | None]] | None = None,
                       sources: Mapping[str, Any] | None = None,
                       late_file: str = "") -> dict[str, Any]:
    """The context of one person's 个人考核报告 for ``result.period``.

    ``row`` is the person's entry of ``result`` (its ``details`` hold categories, late
    complaints and the target lines of their scheme); ``trend`` their score over the last
    periods, oldest first (:func:`score_trend`) — a period without a score is a gap in the
    chart, not a zero. ``sources``: the 数据来源 box (:func:`~officekit.render.contexts.
    formatting.sources_box`; default: from ``result.coverage``). ``late_file``: the .xlsx
    beside the document that holds the whole late list when it is longer than 20.
    """
    if trend is None:
        trend = [(result.period, row.score)]
    scheme = result.scheme(row.scheme) or scheme_for(row.role, settings.schemes)
    ranked = sum(1 for s in result.staff if s.department == row.department
                 and s.scheme == row.scheme and s.rank is not None)
    late, late_more = cap(late_rows(row.details.late))
    by_category = Counter({k: v for k, v in row.details.by_category.items() if v})
    periods = [p for p, _ in trend]
    trend_png = trend_chart(period_labels(periods), [("综合得分", [s for _, s in trend])],
                            title=f"近{len(periods)}期综合得分", unit="得分", y_max=100.0)
    d = row.details
    if sources is None:
        sources = sources_box(result.coverage, EVALUATION_KINDS) if result.coverage else \
            no_sources()
    dept = result.department(row.department or "")
    return {
        **common(result.period, result.as_of),
        "staff": {"staff_id": row.staff_id or DASH, "name": row.name or DASH,
                  "department": row.department or DASH, "role": row.role or DASH},
        "scheme": {"name": scheme.name, "label": scheme.zh},
        "assessed": scheme.scored,
        "score_note": _score_note(row, scheme),
        "coverage_note": _coverage_note(result, scheme),
        # not assessed: only the figures the person has, for information
        "kpi_rows": [_kpi_row(line) for line in d.targets
                     if scheme.scored or line.actual is not None],
        "min_cases": scheme.min_cases,
        "score": num(row.score),
        "grade": row.grade or ("不考核" if not scheme.scored else "未评定"),
        "rank": row.rank,
        "rank_total": ranked,
        "rank_text": _rank_text(row, scheme, ranked),
        "received": row.received,
        "resolved": row.resolved,
        "closure_rate": pct(row.closure_rate),
        "on_time_rate": pct(row.on_time_rate),
        "resolution_days": num(row.resolution_days),
        "followup_rate": pct(row.followup_rate),
        "satisfaction": satisfaction_text(row.satisfaction),
        "categories": count_rows(by_category, settings.enums["category"].values, "category"),
        "has_late": bool(late),
        "late": late,
        "late_more": late_more,
        "late_file": late_file,
        "visits_made": row.visits_made,
        "visits_reached": d.visits_reached,
        "visit_success_rate": pct(row.visit_success_rate),
        "followup_visits": d.followup_visits,
        "timely_visits": d.timely_visits,
        "visit_timeliness": pct(row.visit_timeliness),
        "visit_target": d.visit_target,
        "visit_target_rate": pct(row.visit_target_rate),
        "scored_visits": d.scored_visits,
        "visit_scored_rate": pct(row.visit_scored_rate),
        "department_received": dept.received if dept else 0,
        "department_resolved": dept.resolved if dept else 0,
        "team": _team(row, result) if scheme.scope == "department" else [],
        "shifts_worked": row.shifts_worked,
        "night_shifts": row.night_shifts,
        "trend_chart": chart(trend_png, "近期综合得分趋势图"),
        "trend": [{"period": p.label_zh, "score": num(s)} for p, s in trend],
        **sources,
        "warnings": result.warnings(),
    }
