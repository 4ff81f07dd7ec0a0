"""部门考核汇总: a department's ranking per scheme, grade distribution and 环比 / 同比,
formatted from KpiResults."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from officekit.kpis.compute import DepartmentKpi, KpiResult, StaffKpi, natural_key
from officekit.kpis.metrics import METRICS, num, pct
from officekit.kpis.schemes import Scheme
from officekit.render.contexts.formatting import (
    DASH,
    SMALL_CHART_WIDTH_MM,
    bar_chart,
    chart,
    common,
    no_sources,
    share,
    sources_box,
)
from officekit.settings import Settings

SUMMARY_KINDS = ("staff", "complaints", "visits", "schedule")
METRIC_COLUMNS = 4  # each scheme's ranking table shows up to four of its metrics
# What a ranking shows for people who are not scored (the none scheme)
INFO_METRICS = ("closure_rate", "on_time_rate", "visit_success_rate", "visit_scored_rate")
NOT_ASSESSED = "不考核"

# Metrics of the department comparison (环比 / 同比): attribute, label, kind of value.
COMPARED: tuple[tuple[str, str, str], ...] = (
    ("received", "受理量（件）", "count"),
    ("resolved", "办结量（件）", "count"),
    *((key, METRICS[key].zh, METRICS[key].unit)
      for key in ("closure_rate", "on_time_rate", "resolution_days", "followup_rate")),
    ("satisfaction", f"{METRICS['satisfaction_100'].zh}（1–5分）", "scale"),
    ("score", "综合得分", "score"),
)


def _change(kind: str, now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "无可比数据"
    diff = now - before
    sign = "+" if diff > 0 else ""
    if kind == "rate":
        return f"{sign}{diff * 100:.1f}个百分点"
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


def _metric_text(person: StaffKpi, key: str) -> str:
    metric = METRICS[key]
    return metric.format(getattr(person, metric.attr)) if metric.unit != "scale" else \
        num(getattr(person, metric.attr), 2)


def _scheme_ranking(scheme: Scheme, members: list[StaffKpi]) -> dict[str, Any]:
    keys = list(scheme.metrics[:METRIC_COLUMNS]) if scheme.scored else list(INFO_METRICS)
    heads = [METRICS[k].head for k in keys] + [""] * (METRIC_COLUMNS - len(keys))
    members.sort(key=lambda s: (s.rank is None, s.rank or 0, natural_key(s.staff_id or s.name)))
    rows = []
    for s in members:
        cells = [_metric_text(s, k) for k in keys] + [""] * (METRIC_COLUMNS - len(keys))
        rows.append({"rank": DASH if s.rank is None else str(s.rank),
                     "staff_id": s.staff_id or DASH, "name": s.name or DASH,
                     "role": s.role or DASH, "metrics": cells, "score": num(s.score),
                     "grade": s.grade or (NOT_ASSESSED if not scheme.scored else "未评定")})
    if not scheme.scored:
        note = "本岗位不参与考核，所列数据仅供参考。"
    elif scheme.scope == "department":
        note = ("管理岗位按本部门全部投诉的指标计分，得分与部门综合得分一致；"
                "表中指标为本人经办的投诉。")
    else:
        note = f"样本少于{scheme.min_cases}件（次）的指标不计分；同分者名次相同。"
    shortened = [f"{METRICS[k].short}即{METRICS[k].zh}" for k in keys if METRICS[k].short]
    if shortened:
        note += "表头" + "，".join(shortened) + "。"
    ranked = sum(1 for s in members if s.rank is not None)
    caption = f"{scheme.zh}岗位（参与排名{ranked}人）" if scheme.scored else \
        f"{scheme.zh}岗位（不参与排名）"
    return {"name": scheme.name, "label": f"{scheme.zh}岗位", "caption": caption,
            "heads": heads, "rows": rows, "ranked": ranked, "note": note}


def summary_context(result: KpiResult, department: str, settings: Settings, *,
                    previous: KpiResult | None = None, last_year: KpiResult | None = None,
                    sources: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The context of a department's 考核汇总 for ``result.period``.

    The ranking comes per scheme (投诉处理, 回访, 管理, 不考核: each ranked among its own
    people). ``previous`` and ``last_year`` are the KPI results of the period before (环比)
    and of the same period a year earlier (同比); either may be None or hold no data for the
    department, and the comparison then says 无可比数据.
    """
    members = [s for s in result.staff if s.department == department]
    by_scheme = {scheme.name: scheme for scheme in result.schemes}
    order = {name: i for i, name in enumerate(by_scheme)}
    members.sort(key=lambda s: (order.get(s.scheme, len(order)), s.rank is None, s.rank or 0,
                                natural_key(s.staff_id or s.name)))
    rankings = []
    for name, scheme in by_scheme.items():
        people = [s for s in members if s.scheme == name]
        if people:
            rankings.append(_scheme_ranking(scheme, people))
    # scored schemes first, the one not assessed last
    rankings.sort(key=lambda g: g["name"] == "none" or not by_scheme[g["name"]].scored)
    ranking = [{
        "rank": DASH if s.rank is None else str(s.rank), "staff_id": s.staff_id or DASH,
        "name": s.name or DASH, "role": s.role or DASH,
        "scheme": by_scheme[s.scheme].zh if s.scheme in by_scheme else s.scheme,
        "received": s.received, "closure_rate": pct(s.closure_rate),
        "on_time_rate": pct(s.on_time_rate), "followup_rate": pct(s.followup_rate),
        "satisfaction": num(s.satisfaction, 2), "score": num(s.score),
        "grade": s.grade or (NOT_ASSESSED if s.scheme in by_scheme
                             and not by_scheme[s.scheme].scored else "未评定"),
    } for s in members]

    bands = sorted(settings.grades, key=lambda b: -b[1])
    counts = Counter(r["grade"] for r in ranking)
    grades: list[dict[str, Any]] = []
    for i, (name, low) in enumerate(bands):
        high = bands[i - 1][1] if i else None
        span = f"{low:g}分及以上" if high is None else f"{low:g}–{high:g}分（不含{high:g}）"
        grades.append({"grade": name, "range": span, "count": counts.get(name, 0),
                       "share": share(counts.get(name, 0), len(members))})
    for extra, why in (("未评定", "无可评分数据或样本不足"), (NOT_ASSESSED, "本岗位不参与考核")):
        if counts.get(extra):
            grades.append({"grade": extra, "range": why, "count": counts[extra],
                           "share": share(counts[extra], len(members))})
    grade_png = bar_chart([(g["grade"], g["count"]) for g in grades],
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
    if sources is None:
        sources = sources_box(result.coverage, SUMMARY_KINDS) if result.coverage else \
            no_sources()
    return {
        **common(result.period, result.as_of),
        "department": department,
        "headcount": len(members),
        "ranked": sum(1 for s in members if s.rank is not None),
        "department_score": num(current.score if current else None),
        "department_grade": (current.grade if current else None) or "未评定",
        "ranking": ranking,
        "scheme_rankings": rankings,
        "grades": grades,
        "grade_chart": chart(grade_png, "考核等级分布图", SMALL_CHART_WIDTH_MM),
        "comparison": comparison,
        "previous_label": result.period.previous().label_zh,
        "last_year_label": result.period.same_last_year().label_zh,
        "has_previous": has_previous,
        "has_last_year": has_last_year,
        "has_comparison": has_previous or has_last_year,
        **sources,
        "warnings": result.warnings(),
    }
