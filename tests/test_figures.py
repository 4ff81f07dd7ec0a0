"""kpis/complaint_figures.py and kpis/visit_figures.py: what the 投诉分析报告 and the 回访总结报告
count (SPEC §7), on hand-made records. tests/test_contexts.py shows the same figures as the
documents print them.

November 2026 has no statutory holiday; a 一般 complaint received Mon 2 Nov is due Wed 11 Nov.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from officekit.canonical import IN_PROGRESS, MAJOR, NORMAL, RESOLVED, WITHDRAWN
from officekit.kpis.complaint_figures import bucket_of, complaint_figures, department_of
from officekit.kpis.periods import Period
from officekit.kpis.visit_figures import visit_figures
from officekit.settings import Settings

SETTINGS = Settings()
NOV = Period.parse("2026-11")
AS_OF = date(2026, 12, 1)
STAFF = [{"staff_id": "1001", "department": "客服一部"},
         {"staff_id": "2001", "department": "客服二部"}]


def complaint(cid: str, received: datetime, *, status: str = RESOLVED,
              resolved: datetime | None = None, handler: str | None = "1001",
              department: str | None = None, severity: str = NORMAL,
              category: str | None = "收费问题", channel: str | None = "电话") -> dict[str, Any]:
    return {"complaint_id": cid, "received_at": received, "status": status,
            "resolved_at": resolved, "handler_id": handler, "department": department,
            "severity": severity, "category": category, "channel": channel}


def visit(vid: str, visited: datetime, *, complaint_id: str | None = None,
          staff: str = "1001", name: str = "张伟", reached: bool = True,
          satisfaction: int | None = None, method: str = "电话",
          purpose: str = "投诉回访") -> dict[str, Any]:
    return {"visit_id": vid, "visited_at": visited, "complaint_id": complaint_id,
            "staff_id": staff, "staff_name": name, "reached": reached,
            "satisfaction": satisfaction, "method": method, "purpose": purpose,
            "customer": "客户甲"}


def nov(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour)


def test_resolution_time_buckets() -> None:
    assert [bucket_of(d) for d in (0, 1, 2, 3, 4, 7, 8, 40, None)] == [
        "当日", "1天", "2–3天", "2–3天", "4–7天", "4–7天", "7天以上", "7天以上", "未办结"]


def test_a_complaint_belongs_to_its_department_else_its_handlers_else_none() -> None:
    departments = {"1001": "客服一部"}
    assert department_of(complaint("A", nov(2), department="综合部"), departments) == "综合部"
    assert department_of(complaint("B", nov(2)), departments) == "客服一部"
    assert department_of(complaint("C", nov(2), handler="9999"), departments) == "未指定"
    assert department_of(complaint("D", nov(2), handler=None), departments) == "未指定"


def test_withdrawn_complaints_are_counted_apart_and_left_out_of_every_figure() -> None:
    records = [
        complaint("A", nov(2), resolved=nov(2, 17), category=None, channel=None),  # same day
        complaint("B", nov(2), resolved=nov(5)),                                  # 3 days
        complaint("C", nov(3), status=IN_PROGRESS),
        complaint("W", nov(4), status=WITHDRAWN, category="其他"),
        complaint("X", datetime(2026, 10, 30), resolved=nov(2)),  # received in October
    ]
    fig = complaint_figures(NOV, records, SETTINGS, as_of=AS_OF, staff=STAFF)
    assert (fig.total, fig.withdrawn, fig.resolved, fig.open) == (3, 1, 2, 1)
    assert fig.categories == {"收费问题": 2, "其他": 1}  # an empty category is 其他
    assert fig.channels == {"电话": 2, "其他": 1}
    assert fig.buckets == {"当日": 1, "2–3天": 1, "未办结": 1}
    assert fig.mean_days == 1.5
    assert fig.departments == {"客服一部": (3, 2)}


def test_overdue_complaints_open_ones_first_then_most_days_late() -> None:
    records = [
        complaint("LATE1", nov(2), resolved=nov(13)),                   # 2 days late, resolved
        complaint("OPEN", nov(2), status=IN_PROGRESS),                  # open since 11 Nov
        complaint("LATE5", nov(2), resolved=nov(18)),                   # 5 days late
        complaint("MAJOR", nov(20), severity=MAJOR, resolved=nov(23)),  # due Mon 23: in time
    ]
    fig = complaint_figures(NOV, records, SETTINGS, as_of=date(2026, 11, 20), staff=STAFF)
    assert [(o.record["complaint_id"], o.days_late, o.open) for o in fig.overdue] == [
        ("OPEN", 7, True), ("LATE5", 5, False), ("LATE1", 2, False)]
    assert fig.overdue_open == 1
    assert (fig.eligible, fig.on_time) == (4, 1)


def test_one_department_only_and_complaints_passed_twice_count_once() -> None:
    records = [complaint("A", nov(2), resolved=nov(3)),
               complaint("A", nov(2), resolved=nov(3)),
               complaint("B", nov(2), handler="2001", resolved=nov(3))]
    fig = complaint_figures(NOV, records, SETTINGS, as_of=AS_OF, staff=STAFF,
                            department="客服二部")
    assert fig.total == 1
    assert fig.departments == {"客服二部": (1, 1)}


def test_the_trend_has_no_data_before_the_first_complaint_or_without_a_register() -> None:
    records = [complaint("S", datetime(2026, 9, 10), resolved=datetime(2026, 9, 11)),
               complaint("N", nov(2), resolved=nov(3)),
               complaint("M", nov(3), status=IN_PROGRESS)]
    fig = complaint_figures(NOV, records, SETTINGS, as_of=AS_OF, trend_periods=4,
                            registered=lambda p: str(p) != "2026-10")
    assert [(str(p.period), p.received, p.resolved) for p in fig.trend] == [
        ("2026-08", None, None),  # before the first complaint on record: no data, not 0
        ("2026-09", 1, 1),
        ("2026-10", None, None),  # no register covers October
        ("2026-11", 2, 1)]


def test_visit_figures_count_the_period_and_group_by_method_purpose_and_visitor() -> None:
    visits = [
        visit("V1", nov(5), satisfaction=5),
        visit("V2", nov(6), reached=False, method="上门"),
        visit("V3", nov(7), staff="2001", name="陈静", satisfaction=3, purpose="日常回访"),
        visit("V3", nov(7), staff="2001", name="陈静", satisfaction=3, purpose="日常回访"),
        visit("V0", datetime(2026, 10, 30), satisfaction=1),  # October: not counted
    ]
    fig = visit_figures(NOV, visits, [], SETTINGS, staff=STAFF)
    assert (len(fig.made), len(fig.reached), fig.rated, fig.mean) == (3, 2, 2, 4.0)
    assert [(g.name, g.count, g.reached) for g in fig.by_method] == [("电话", 2, 2),
                                                                    ("上门", 1, 0)]
    assert [(g.name, g.count) for g in fig.by_purpose] == [("投诉回访", 2), ("日常回访", 1)]
    assert [(g.name, g.count, g.mean) for g in fig.by_staff] == [("张伟", 2, 5.0),
                                                                ("陈静", 1, 3.0)]
    only = visit_figures(NOV, visits, [], SETTINGS, staff=STAFF, department="客服二部")
    assert [v["visit_id"] for v in only.made] == ["V3"]


def test_follow_up_of_the_complaints_resolved_in_the_period_and_why_one_was_missed() -> None:
    complaints = [
        complaint("OK", nov(2), resolved=nov(3)),
        complaint("NONE", nov(2), resolved=nov(4)),
        complaint("UNREACHED", nov(2), resolved=nov(5)),
        complaint("LATE", nov(2), resolved=nov(6)),
        complaint("OPEN", nov(2), status=IN_PROGRESS),
        complaint("OCT", datetime(2026, 10, 20), resolved=datetime(2026, 10, 21)),
    ]
    visits = [
        visit("V1", nov(9), complaint_id="OK"),                        # 6 days after: in time
        visit("V2", nov(6), complaint_id="UNREACHED", reached=False),
        visit("V3", nov(20), complaint_id="LATE"),                     # 14 days after
    ]
    fig = visit_figures(NOV, visits, complaints, SETTINGS, staff=STAFF)
    assert (fig.resolved, fig.followed_up) == (4, 1)
    assert [(m.record["complaint_id"], m.reason) for m in fig.missed] == [
        ("NONE", "none"), ("UNREACHED", "unreached"), ("LATE", "late")]
