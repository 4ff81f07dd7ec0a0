"""投诉分析报告: a period's complaints, formatted from :class:`~officekit.kpis.
complaint_figures.ComplaintFigures`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.complaint_figures import (
    RESOLUTION_BUCKETS,
    UNRESOLVED_BUCKET,
    ComplaintFigures,
    Overdue,
    complaint_figures,
)
from officekit.kpis.periods import Period
from officekit.model import Record
from officekit.render.contexts.formatting import (
    DASH,
    SMALL_CHART_WIDTH_MM,
    TREND_PERIODS,
    Attachment,
    bar_chart,
    cap,
    chart,
    common,
    count_rows,
    day_text,
    no_sources,
    num,
    pct,
    period_labels,
    person,
    share,
    trend_chart,
)
from officekit.render.nativechart import Chart
from officekit.settings import Settings

COMPLAINT_KINDS = ("staff", "complaints")
OVERDUE_COLUMNS = (("complaint_id", "投诉编号"), ("received", "受理日期"), ("customer", "客户"),
                   ("category", "类别"), ("severity", "严重程度"), ("department", "责任部门"),
                   ("handler", "处理人"), ("deadline", "办结期限"), ("resolved", "办结日期"),
                   ("days_late", "超期工作日"))


def overdue_rows(overdue: Sequence[Overdue]) -> list[dict[str, Any]]:
    """Overdue complaints as table rows (open first, longest late first)."""
    return [{
        "complaint_id": o.record["complaint_id"], "received": day_text(o.record["received_at"]),
        "customer": o.record.get("customer") or DASH,
        "category": o.record.get("category") or DASH,
        "severity": o.record.get("severity") or "一般", "department": o.department,
        "handler": person(o.record, "handler"), "deadline": day_text(o.deadline),
        "resolved": day_text(o.resolved) if o.resolved else "未办结",
        "days_late": str(o.days_late), "open": o.open,
    } for o in overdue]


def overdue_attachment(figures: ComplaintFigures) -> Attachment | None:
    """The whole overdue list as .xlsx when the document shows only its first rows."""
    rows = overdue_rows(figures.overdue)
    if len(rows) <= len(cap(rows)[0]):
        return None
    return Attachment("超期投诉清单", f"{figures.period.label_zh} 超期投诉清单",
                      OVERDUE_COLUMNS, tuple(rows))


def _pareto_rows(categories: Counter[str]) -> list[dict[str, Any]]:
    total = sum(categories.values())
    running = 0
    rows = []
    for name, count in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        rows.append({"category": name, "count": count, "share": share(count, total),
                     "cumulative": share(running, total)})
    return rows


def complaints_context(period: Period, complaints: Sequence[Record], settings: Settings, *,
                       as_of: date, staff: Sequence[Record] = (),
                       department: str | None = None,
                       calendar: WorkCalendar | None = None,
                       figures: ComplaintFigures | None = None,
                       sources: Mapping[str, Any] | None = None,
                       overdue_file: str = "") -> dict[str, Any]:
    """The context of the 投诉分析报告 for ``period`` (optionally one department).

    ``complaints`` are those received in the last six periods up to ``period`` (for the trend);
    the figures are over the ones received in ``period`` (pass ``figures`` when they are
    already counted). ``overdue_file``: the .xlsx beside the document with the whole overdue
    list when it is longer than 20.
    """
    calendar = calendar or WorkCalendar.from_settings(settings)
    fig = figures or complaint_figures(period, complaints, settings, as_of=as_of, staff=staff,
                                       department=department, calendar=calendar,
                                       trend_periods=TREND_PERIODS)
    summary = {
        "total": fig.total, "withdrawn": fig.withdrawn, "resolved": fig.resolved,
        "open": fig.open, "closure_rate": share(fig.resolved, fig.total),
        "on_time_rate": share(fig.on_time, fig.eligible),
        "overdue": len(fig.overdue), "overdue_open": fig.overdue_open,
        "resolution_days": num(fig.mean_days),
    }
    by_category = _pareto_rows(fig.categories)
    bucket_names = [b[0] for b in RESOLUTION_BUCKETS] + [UNRESOLVED_BUCKET]
    trend = [{"period": t.period.label_zh,
              "received": DASH if t.received is None else t.received,
              "resolved": DASH if t.resolved is None else t.resolved,
              "closure_rate": pct(t.resolved / t.received) if t.received and
              t.resolved is not None else DASH} for t in fig.trend]
    counts: list[float | None] = [None if t.received is None else float(t.received)
                                  for t in fig.trend]
    previous = fig.trend[-2].received if len(fig.trend) > 1 else None
    overdue, overdue_more = cap(overdue_rows(fig.overdue))
    periods = [t.period for t in fig.trend]

    # bars by count, largest first (then by name), the cumulative share on a second axis
    ordered = sorted(((str(k), int(v)) for k, v in fig.categories.items()),
                     key=lambda kv: (-kv[1], kv[0]))
    pareto_png = Chart.of("pareto", ordered, width_mm=150.0, height_mm=70.0,
                          title="投诉类别帕累托图", unit="件数", name="件数")
    durations = bar_chart([(name, fig.buckets.get(name, 0)) for name in bucket_names],
                          title="办理时长分布（工作日）", unit="件数")
    trend_png = trend_chart(period_labels(periods), [("受理量", counts)],
                            title=f"近{len(periods)}期投诉受理量", unit="件数")
    return {
        **common(period, as_of),
        "scope": department or "全部部门",
        "department": department or "",
        **summary,
        "by_category": by_category,
        "pareto_chart": chart(pareto_png, "投诉类别帕累托图"),
        "by_channel": count_rows(fig.channels, settings.enums["channel"].values, "channel"),
        "by_severity": count_rows(fig.severities, settings.enums["severity"].values,
                                  "severity"),
        "by_department": [{"department": name, "count": n, "share": share(n, fig.total),
                           "resolved": done, "closure_rate": share(done, n)}
                          for name, (n, done) in fig.departments.items()],
        "resolution": [{"bucket": name, "count": fig.buckets.get(name, 0),
                        "share": share(fig.buckets.get(name, 0), fig.total)}
                       for name in bucket_names],
        "resolution_chart": chart(durations, "办理时长分布图", SMALL_CHART_WIDTH_MM),
        "has_overdue": bool(overdue),
        "overdue_list": overdue,
        "overdue_more": overdue_more,
        "overdue_file": overdue_file,
        "trend": trend,
        "trend_chart": chart(trend_png, "近期投诉受理量趋势图"),
        "analysis": _complaint_analysis(summary, by_category, fig.channels, fig.severities,
                                        previous),
        **(sources if sources is not None else no_sources()),
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
    volume = f"本期共受理投诉{total}件"
    if figures["withdrawn"]:
        volume += f"（另有撤销{figures['withdrawn']}件，不计入统计）"
    if previous is not None:
        diff = total - previous
        if diff == 0:
            volume += f"，与上期持平（{previous}件）"
        else:
            word, change = ("增加", "增幅") if diff > 0 else ("减少", "降幅")
            rate = f"，{change}{abs(diff) / previous:.1%}" if previous else ""
            volume += f"，较上期（{previous}件）{word}{abs(diff)}件{rate}"
    lines.append(volume + "。")
    top = by_category[0]
    text = f"从类别看，“{top['category']}”最多，共{top['count']}件，占{top['share']}"
    if len(by_category) > 1:
        second = by_category[1]
        text += (f"；“{top['category']}”与“{second['category']}”合计占"
                 f"{second['cumulative']}，是下一步改进的重点")
    lines.append(text + "。")
    channel, count = channels.most_common(1)[0]
    lines.append(f"受理渠道以“{channel}”为主，{count}件，占{share(count, total)}。")
    handling = (f"已办结{figures['resolved']}件，办结率{figures['closure_rate']}，"
                f"按时办结率{figures['on_time_rate']}，平均办理{figures['resolution_days']}"
                f"个工作日")
    if figures["overdue"]:
        handling += (f"；超期{figures['overdue']}件，其中仍未办结{figures['overdue_open']}件，"
                     "需督办")
    else:
        handling += "；无超期投诉"
    lines.append(handling + "。")
    serious = [f"{name}{severities[name]}件" for name in ("重大", "较重") if severities.get(name)]
    if serious:
        lines.append(f"严重程度方面，{'、'.join(serious)}，应逐件跟踪至回访结束。")
    return lines


