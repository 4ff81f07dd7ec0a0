"""回访总结报告: a period's visits, formatted from :class:`~officekit.kpis.visit_figures.
VisitFigures`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from officekit.kpis.periods import Period
from officekit.kpis.visit_figures import Group, Missed, VisitFigures, visit_figures
from officekit.model import Record
from officekit.render.contexts.formatting import (
    DASH,
    SMALL_CHART_WIDTH_MM,
    Attachment,
    bar_chart,
    cap,
    chart,
    common,
    day_text,
    mask_phone,
    no_sources,
    num,
    person,
    satisfaction_text,
    share,
)
from officekit.settings import Settings

VISIT_KINDS = ("staff", "visits", "complaints")
SATISFACTION_WORDS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
NOTABLE_FEEDBACK = 8
MISSED_COLUMNS = (("complaint_id", "投诉编号"), ("customer", "客户"), ("handler", "处理人"),
                  ("resolved", "办结日期"), ("reason", "原因"))


def _reason(m: Missed, settings: Settings) -> str:
    return {"none": "未回访", "unreached": "回访未联系上"}.get(
        m.reason, f"超过{settings.followup_days}日才回访")


def missed_rows(missed: Sequence[Missed], settings: Settings) -> list[dict[str, Any]]:
    return [{"complaint_id": m.record["complaint_id"],
             "customer": m.record.get("customer") or DASH,
             "handler": person(m.record, "handler"), "resolved": day_text(m.resolved),
             "reason": _reason(m, settings)} for m in missed]


def missed_attachment(figures: VisitFigures, settings: Settings) -> Attachment | None:
    """The whole list of complaints not followed up, as .xlsx, when it is longer than 20."""
    rows = missed_rows(figures.missed, settings)
    if len(rows) <= len(cap(rows)[0]):
        return None
    return Attachment("未按时回访清单", f"{figures.period.label_zh} 未按时回访的投诉",
                      MISSED_COLUMNS, tuple(rows))


def _group_rows(groups: Sequence[Group], total: int) -> list[dict[str, Any]]:
    return [{"name": g.name, "count": g.count, "share": share(g.count, total),
             "reached": g.reached, "success_rate": share(g.reached, g.count)} for g in groups]


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
        "staff": person(v, "staff"), "method": v.get("method") or DASH,
        "satisfaction": SATISFACTION_WORDS.get(int(v["satisfaction"]), DASH)
        if v.get("satisfaction") else "未评价",
        "feedback": said(v) or DASH, "complaint_id": v.get("complaint_id") or DASH,
    } for v in notable[:NOTABLE_FEEDBACK]]


def visits_context(period: Period, visits: Sequence[Record], complaints: Sequence[Record],
                   settings: Settings, *, as_of: date, staff: Sequence[Record] = (),
                   department: str | None = None, figures: VisitFigures | None = None,
                   sources: Mapping[str, Any] | None = None,
                   missed_file: str = "") -> dict[str, Any]:
    """The context of the 回访总结报告 for ``period`` (optionally one department).

    ``visits``: those made in the period plus those linked to ``complaints`` (whatever their
    date; one passed twice counts once); ``complaints``: at least those resolved in the
    period, whose follow-up coverage is reported (pass ``figures`` when already counted).
    """
    fig = figures or visit_figures(period, visits, complaints, settings, staff=staff,
                                   department=department)
    made, reached, scores = fig.made, fig.reached, fig.scores
    satisfaction_rows = [{"label": SATISFACTION_WORDS[k], "score": k, "count": scores.get(k, 0),
                          "share": share(scores.get(k, 0), fig.rated)} for k in (5, 4, 3, 2, 1)]
    missed, missed_more = cap(missed_rows(fig.missed, settings))
    feedback = _feedback(reached, settings)
    png = bar_chart([(SATISFACTION_WORDS[k], scores.get(k, 0)) for k in (5, 4, 3, 2, 1)],
                    title="满意度分布", unit="次数")
    return {
        **common(period, as_of),
        "scope": department or "全部部门",
        "department": department or "",
        "total": len(made),
        "reached": len(reached),
        "success_rate": share(len(reached), len(made)),
        "satisfaction": satisfaction_text(fig.mean),
        "rated": fig.rated,
        "unrated": len(made) - fig.rated,
        "by_method": _group_rows(fig.by_method, len(made)),
        "by_purpose": _group_rows(fig.by_purpose, len(made)),
        "satisfaction_rows": satisfaction_rows,
        "satisfaction_chart": chart(png, "满意度分布图", SMALL_CHART_WIDTH_MM),
        "followup_days": settings.followup_days,
        "resolved_complaints": fig.resolved,
        "followed_up": fig.followed_up,
        "coverage": share(fig.followed_up, fig.resolved),
        "has_missed": bool(missed),
        "missed": missed,
        "missed_more": missed_more,
        "missed_file": missed_file,
        "by_staff": [{"name": g.name, "count": g.count, "reached": g.reached,
                      "success_rate": share(g.reached, g.count),
                      "satisfaction": num(g.mean, 2)} for g in fig.by_staff],
        "has_feedback": bool(feedback),
        "feedback": feedback,
        **(sources if sources is not None else no_sources()),
    }
