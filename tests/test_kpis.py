"""SPEC §6 KPIs on hand-computed cases. Every expected number has its arithmetic beside it.

Calendar facts used (chinese-calendar 1.11.0): 1–7 Oct 2026 are off (Thu–Wed), Sat 10 Oct 2026
is a make-up working day (调休); 2027 is not covered. Default settings: deadlines 一般 7 / 较重 3
/ 重大 1 working days, follow-up window 0–7 days, weights 0.25 / 0.25 / 0.20 / 0.30.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.compute import (
    DEPARTMENT_KEYS,
    STAFF_KEYS,
    KpiResult,
    complaint_deadline,
    compute_kpis,
    grade_for,
    kpis_for_period,
)
from officekit.kpis.periods import Period
from officekit.ledger.store import FileInfo, Ledger
from officekit.model import SheetResult
from officekit.settings import Settings, parse_settings

approx = pytest.approx
OCT = Period.parse("2026-10")
AS_OF = date(2026, 11, 5)  # a Thursday


def person(sid: str, name: str, dept: str, status: str = "在职",
           role: str = "客服专员") -> dict[str, Any]:
    return {"staff_id": sid, "name": name, "department": dept, "role": role, "status": status,
            "manager_id": None, "email": f"{sid}@example.cn"}


def complaint(cid: str, handler: str | None, received: datetime, *, severity: str = "一般",
              status: str = "已办结", resolved: datetime | None = None,
              satisfaction: int | None = None, category: str = "服务态度",
              handler_name: str | None = None, department: str | None = None) -> dict[str, Any]:
    return {"complaint_id": cid, "received_at": received, "severity": severity,
            "handler_id": handler, "handler_name": handler_name, "status": status,
            "resolved_at": resolved, "satisfaction": satisfaction, "department": department,
            "category": category}


def visit(vid: str, cid: str | None, staff: str | None, visited: datetime, *,
          reached: bool = True, satisfaction: int | None = None,
          staff_name: str | None = None) -> dict[str, Any]:
    return {"visit_id": vid, "complaint_id": cid, "visited_at": visited, "reached": reached,
            "satisfaction": satisfaction, "staff_id": staff, "staff_name": staff_name,
            "customer": "客户甲"}


def duty(day: date, staff: str, shift: str) -> dict[str, Any]:
    return {"date": day, "staff_id": staff, "staff_name": None, "shift": shift,
            "department": None, "post": None}


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour)


# ------------------------------------------------------------------------------------------
# The October scenario: two departments, seven people listed


STAFF = [
    person("1001", "张伟", "客服一部"),   # A: the mixed case
    person("1002", "李娜", "客服一部"),   # B: everything right
    person("1003", "王芳", "客服一部"),   # C: ties with H
    person("1004", "赵敏", "客服一部", status="休假"),  # E: no data → listed, no score
    person("1005", "孙强", "客服一部", status="离职"),  # D: 离职, no data → not listed
    person("1010", "刘洋", "客服一部"),   # H: ties with C
    person("2001", "陈静", "客服二部"),   # F: missing metrics, weights rescaled
    person("2002", "杨帆", "客服二部", status="离职"),  # G: 离职 with a visit in P → listed
    person("2003", "周杰", "客服二部", status="离职"),  # K: 离职, data only outside P
]

COMPLAINTS = [
    # A ---------------------------------------------------------------------------------
    # C1 一般, received Thu 8 Oct, resolved Mon 12 Oct.
    #   deadline: 9 Fri, 10 Sat(调休), 12, 13, 14, 15, 16 → 16 Oct; resolved ≤ → on time.
    #   resolution days: (8 Oct, 12 Oct] = 9, 10(调休), 12 → 3.
    complaint("C1", "1001", at(10, 8), resolved=at(10, 12, 16), satisfaction=3),
    # C2 一般, received Thu 29 Oct, still 处理中.
    #   deadline: 30, 2 Nov, 3, 4, 5, 6, 9 → 9 Nov ≥ as_of 5 Nov → not eligible.
    complaint("C2", "1001", at(10, 29), status="处理中", satisfaction=4, category="收费问题"),
    # C3 较重, received Fri 30 Oct, 待处理.
    #   deadline: 2 Nov, 3, 4 → 4 Nov < as_of 5 Nov → eligible, late by 5 Nov − 4 Nov = 1 day.
    complaint("C3", "1001", at(10, 30), severity="较重", status="待处理", category="收费问题"),
    # C4 重大, received Fri 9 Oct, resolved Mon 12 Oct.
    #   deadline: 1 working day after Fri 9 Oct = Sat 10 Oct (调休) → late by 2 days.
    #   resolution days: (9 Oct, 12 Oct] = 10(调休), 12 → 2.
    complaint("C4", "1001", at(10, 9, 17), severity="重大", resolved=at(10, 12, 10),
              satisfaction=2),
    # C5 已撤销: left out everywhere (its satisfaction 1 would otherwise count).
    complaint("C5", "1001", at(10, 9), status="已撤销", satisfaction=1),
    # C6 一般, received Tue 27 Oct, 处理中.
    #   deadline: 28, 29, 30, 2 Nov, 3, 4, 5 → 5 Nov = as_of → not eligible (needs < as_of).
    complaint("C6", "1001", at(10, 27), status="处理中"),
    # Outside October: ignored even if handed in.
    complaint("C0", "1001", at(9, 29), status="待处理"),
    complaint("C9", "1001", at(11, 1), status="待处理"),
    # B ---------------------------------------------------------------------------------
    # 一般, received Tue 27 Oct, resolved Fri 30 Oct: deadline 5 Nov → on time;
    # resolution days (27 Oct, 30 Oct] = 28, 29, 30 → 3. Its score comes from visit VB.
    complaint("B1", "1002", at(10, 27), resolved=at(10, 30, 15)),
    # C and H: received Wed 14 Oct, resolved Thu 15 Oct (deadline 23 Oct) → on time,
    # resolution 1 day, own satisfaction 4, no visit → follow-up 0/1.
    complaint("C7", "1003", at(10, 14), resolved=at(10, 15), satisfaction=4),
    complaint("H1", "1010", at(10, 14), resolved=at(10, 15), satisfaction=4,
              category="办理时效"),
    # F: received Fri 30 Oct, 处理中 → deadline 10 Nov ≥ as_of → not eligible; own score 5.
    complaint("F1", "2001", at(10, 30), status="处理中", satisfaction=5),
]

VISITS = [
    # A's visits on C1 (resolved 12 Oct):
    visit("V1", "C1", "1001", at(10, 19, 10), satisfaction=5),  # 7 days after → follow-up
    visit("V2", "C1", "1001", at(10, 13), satisfaction=2),  # earlier score, superseded by V1
    visit("V3", "C1", "1001", at(10, 19, 18), reached=False, satisfaction=1),  # unreached
    # A's visits on C4 (resolved 12 Oct):
    visit("V4", "C4", "1001", at(10, 20), satisfaction=None),  # 8 days after → no follow-up
    visit("V5", "C4", "1001", at(10, 11), satisfaction=3),  # before resolution → no follow-up,
    #                                                          but its score beats C4's own 2
    # B's follow-up falls in November: counts for follow-up and satisfaction, not visits_made.
    visit("VB", "B1", "1002", at(11, 2), satisfaction=5),  # 3 days after 30 Oct
    # G (离职) made one visit in October, unreached.
    visit("VG", None, "2002", at(10, 21), reached=False),
]

SCHEDULE = [
    duty(date(2026, 10, 8), "1001", "早"),
    duty(date(2026, 10, 9), "1001", "夜"),
    duty(date(2026, 10, 10), "1001", "休"),
    duty(date(2026, 10, 12), "1001", "假"),
    duty(date(2026, 10, 13), "1001", "夜"),
    duty(date(2026, 9, 30), "1001", "早"),  # outside October
    duty(date(2026, 9, 30), "2003", "早"),  # K: 离职, data outside P only
]


# The formula cases above are small on purpose; min_cases (default 3, tested apart below) is
# switched off here so every metric with data is scored and the arithmetic stays readable.
NO_MIN = parse_settings({"kpi": {"schemes": {name: {"min_cases": 0} for name in
                                             ("handler", "lead", "visitor")}}})


@pytest.fixture(scope="module")
def result() -> KpiResult:
    return compute_kpis(OCT, STAFF, COMPLAINTS, VISITS, SCHEDULE, NO_MIN, AS_OF)


def row(result: KpiResult, sid: str) -> Any:
    found = result.person(sid)
    assert found is not None, sid
    return found


def test_listing_and_order(result: KpiResult) -> None:
    # D (1005, 离职, no data) and K (2003, 离职, data only in September) are not listed;
    # G (2002, 离职, a visit in October) is; E (1004, 休假, no data) is.
    # Order: department (客服一部 before 客服二部), then staff_id.
    assert [s.staff_id for s in result.staff] == [
        "1001", "1002", "1003", "1004", "1010", "2001", "2002"]


def test_person_a_every_formula(result: KpiResult) -> None:
    a = row(result, "1001")
    # received: C1, C2, C3, C4, C6 (C5 已撤销; C0, C9 outside October) → 5
    # resolved: C1, C4 → 2; closure 2 / 5
    assert (a.received, a.resolved) == (5, 2)
    assert a.closure_rate == approx(0.4)
    # eligible: C1, C4 (resolved) + C3 (deadline 4 Nov < 5 Nov) = 3 (C2: 9 Nov, C6: 5 Nov = as_of
    # are not); on time: C1 only → 1 / 3
    assert (a.details.eligible, a.details.on_time) == (3, 1)
    assert a.on_time_rate == approx(1 / 3)
    # resolution days: C1 3, C4 2 → (3 + 2) / 2 = 2.5
    assert a.resolution_days == approx(2.5)
    # follow-up: C1 has V1 at +7 days (in); C4 has V4 at +8 (out) and V5 at −1 (out) → 1 / 2
    assert a.followup_rate == approx(0.5)
    # satisfaction: C1 → V1 (latest reached with a score; V3 unreached ignored) = 5;
    # C4 → V5 = 3 (beats own 2); C2 → own 4; C3, C6 none. Mean (5 + 3 + 4) / 3 = 4.0
    assert a.details.rated == 3
    assert a.satisfaction == approx(4.0)
    assert a.satisfaction_100 == approx(75.0)  # (4 − 1) / 4 × 100
    # visits made in October: V1..V5 = 5; reached: V1, V2, V4, V5 = 4 → 0.8
    assert a.visits_made == 5
    assert a.visit_success_rate == approx(0.8)
    # shifts in October: 早, 夜, 夜 worked (休, 假 not) → 3; night 2 (30 Sep is outside)
    assert (a.shifts_worked, a.night_shifts) == (3, 2)
    # score = 0.25×40 + 0.25×33.33… + 0.20×50 + 0.30×75 = 10 + 8.333… + 10 + 22.5 = 50.833…
    assert a.score == approx(305 / 6)
    assert a.grade == "不合格"
    assert a.rank == 4  # B 100, C 72.5, H 72.5, then A


def test_person_a_documents_extras(result: KpiResult) -> None:
    a = row(result, "1001")
    # categories of the 5 received: 服务态度 C1, C4, C6; 收费问题 C2, C3; the rest 0, in the
    # settings' order.
    assert a.details.by_category == {"服务态度": 3, "服务质量": 0, "收费问题": 2, "办理时效": 0,
                                     "产品质量": 0, "其他": 0}
    late = [(x.complaint_id, x.deadline, x.resolved_at, x.days_late) for x in a.details.late]
    assert late == [
        # working days after the deadline: (Sat 10 Oct 调休, Mon 12 Oct] = 12 → 1
        ("C4", date(2026, 10, 10), at(10, 12, 10), 1),
        ("C3", date(2026, 11, 4), None, 1),  # still open: (4 Nov, 5 Nov (as_of)] → 1
    ]
    lines = {t.metric: t for t in a.details.targets}
    closure = lines["closure_rate"]
    # target 0.95, actual 0.4 → not met; share 0.25 / 1.0; points 0.25 × 40 = 10
    assert (closure.target, closure.met) == (0.95, False)
    assert closure.share == approx(0.25) and closure.points == approx(10.0)
    assert lines["satisfaction_100"].points == approx(22.5)  # 0.30 × 75
    assert lines["resolution_days"].met is True  # 2.5 ≤ 3.0, and not scored:
    assert lines["resolution_days"].points is None
    assert sum(t.points or 0 for t in a.details.targets) == approx(a.score)


def test_follow_up_and_satisfaction_use_visits_after_the_period(result: KpiResult) -> None:
    b = row(result, "1002")
    # B1: on time (deadline 5 Nov), resolution 3 days, followed up on 2 Nov (+3), score 5 →
    # every metric 100 → score 100.
    assert (b.closure_rate, b.on_time_rate, b.followup_rate) == (1.0, 1.0, 1.0)
    assert b.resolution_days == 3
    assert b.satisfaction == 5 and b.satisfaction_100 == 100
    assert b.score == approx(100.0) and b.grade == "优秀" and b.rank == 1
    # ...but VB is a November visit: not one of October's visits made.
    assert b.visits_made == 0 and b.visit_success_rate is None


def test_shared_ranks(result: KpiResult) -> None:
    # C and H: closure 100, on time 100, follow-up 0, satisfaction 4 → 75.
    # score = 0.25×100 + 0.25×100 + 0.20×0 + 0.30×75 = 72.5 each → both rank 2, A is 4th.
    c, h = row(result, "1003"), row(result, "1010")
    assert c.score == approx(72.5) and h.score == approx(72.5)
    assert (c.grade, h.grade) == ("合格", "合格")
    ranks = {s.staff_id: s.rank for s in result.staff if s.department == "客服一部"}
    assert ranks == {"1001": 4, "1002": 1, "1003": 2, "1004": None, "1010": 2}


def test_no_data_means_no_score(result: KpiResult) -> None:
    e = row(result, "1004")
    assert e.to_json() == {
        "staff_id": "1004", "name": "赵敏", "department": "客服一部", "role": "客服专员",
        "scheme": "handler", "received": 0, "resolved": 0, "closure_rate": None,
        "on_time_rate": None, "resolution_days": None, "followup_rate": None,
        "satisfaction": None, "satisfaction_100": None, "visits_made": 0,
        "visit_success_rate": None, "visit_timeliness": None, "visit_target_rate": None,
        "visit_scored_rate": None, "shifts_worked": 0, "night_shifts": 0, "score": None,
        "grade": None, "rank": None,
        "unscored": [{"metric": m, "reason": "no-data"} for m in (
            "closure_rate", "on_time_rate", "followup_rate", "satisfaction_100")],
    }


def test_missing_metrics_rescale_the_weights(result: KpiResult) -> None:
    f = row(result, "2001")
    # F1 open, not eligible, not resolved: closure 0 / 1 = 0; on time, follow-up, days: null;
    # satisfaction own 5 → 100.
    assert f.closure_rate == 0.0
    assert (f.on_time_rate, f.followup_rate, f.resolution_days) == (None, None, None)
    assert f.satisfaction_100 == 100
    # score = (0.25×0 + 0.30×100) / (0.25 + 0.30) = 30 / 0.55 = 54.545…
    assert f.score == approx(30 / 0.55)
    assert f.grade == "不合格" and f.rank == 1
    shares = {t.metric: t.share for t in f.details.targets}
    assert shares["closure_rate"] == approx(0.25 / 0.55)
    assert shares["satisfaction_100"] == approx(0.30 / 0.55)
    assert shares["on_time_rate"] is None and shares["followup_rate"] is None


def test_left_person_with_data_is_listed(result: KpiResult) -> None:
    g = row(result, "2002")
    assert (g.visits_made, g.visit_success_rate) == (1, 0.0)  # one unreached visit
    assert (g.score, g.rank, g.status) == (None, None, "离职")


def test_departments(result: KpiResult) -> None:
    one, two = result.departments
    assert (one.department, two.department) == ("客服一部", "客服二部")
    # 客服一部: listed A, B, C, E, H → headcount 5 (D 离职 without data is not listed)
    assert one.headcount == 5
    # received 5 + 1 + 1 + 1 = 8; resolved 2 + 1 + 1 + 1 = 5 → 5 / 8
    assert (one.received, one.resolved) == (8, 5)
    assert one.closure_rate == approx(0.625)
    # eligible 3 + 1 + 1 + 1 = 6; on time 1 + 1 + 1 + 1 = 4 → 4 / 6
    assert one.on_time_rate == approx(2 / 3)
    # resolution days A 3, 2; B 3; C 1; H 1 → 10 / 5 = 2.0
    assert one.resolution_days == approx(2.0)
    # followed up: A 1, B 1 → 2 / 5
    assert one.followup_rate == approx(0.4)
    # scores: A 5, 3, 4; B 5; C 4; H 4 → 25 / 6
    assert one.satisfaction == approx(25 / 6)
    assert one.satisfaction_100 == approx((25 / 6 - 1) / 4 * 100)  # 79.166…
    # 0.25×62.5 + 0.25×66.66… + 0.20×40 + 0.30×79.166… = 15.625 + 16.666… + 8 + 23.75
    assert one.score == approx(15.625 + 50 / 3 + 8 + 23.75)  # 64.041…
    assert one.grade == "合格"
    # 客服二部: F and G (离职 with data) → 2; only F's complaint counts.
    assert two.headcount == 2
    assert (two.received, two.resolved, two.closure_rate) == (1, 0, 0.0)
    assert (two.on_time_rate, two.followup_rate, two.satisfaction) == (None, None, 5)
    assert two.score == approx(30 / 0.55)


def test_json_shape(result: KpiResult) -> None:
    data = result.to_json()
    assert list(data) == ["period", "as_of", "staff", "departments", "coverage"]
    assert (data["period"], data["as_of"]) == ("2026-10", "2026-11-05")
    assert STAFF_KEYS == (
        "staff_id", "name", "department", "role", "scheme", "received", "resolved",
        "closure_rate", "on_time_rate", "resolution_days", "followup_rate", "satisfaction",
        "satisfaction_100", "visits_made", "visit_success_rate", "visit_timeliness",
        "visit_target_rate", "visit_scored_rate", "shifts_worked", "night_shifts", "score",
        "grade", "rank", "unscored")
    assert DEPARTMENT_KEYS == (
        "department", "headcount", "received", "resolved", "closure_rate", "on_time_rate",
        "resolution_days", "followup_rate", "satisfaction", "satisfaction_100", "score")
    assert all(list(s) == list(STAFF_KEYS) for s in data["staff"])
    assert all(list(d) == list(DEPARTMENT_KEYS) for d in data["departments"])
    assert data["staff"][0]["closure_rate"] == 0.4  # unrounded fraction
    assert result.uncovered_years == () and result.warnings() == []
    assert json.loads(json.dumps(data)) == data  # plain JSON types only


def test_only_department_keeps_ranks(result: KpiResult) -> None:
    narrowed = result.only_department("客服一部")
    assert [s.staff_id for s in narrowed.staff] == ["1001", "1002", "1003", "1004", "1010"]
    assert [d.department for d in narrowed.departments] == ["客服一部"]
    a = narrowed.person("1001")
    assert a is not None and a.rank == 4


def test_records_passed_twice_count_once() -> None:
    twice = compute_kpis(OCT, STAFF, COMPLAINTS + COMPLAINTS[:2], VISITS + VISITS, SCHEDULE,
                         Settings(), AS_OF)
    a = twice.person("1001")
    assert a is not None and (a.received, a.visits_made) == (5, 5)


# ------------------------------------------------------------------------------------------
# Focused cases


def _one(complaints: list[dict[str, Any]], visits: list[dict[str, Any]] | None = None,
         *, settings: Settings | None = None, as_of: date = AS_OF,
         period: Period = OCT) -> Any:
    result = compute_kpis(period, [person("9", "甲", "客服一部")], complaints, visits or [], [],
                          settings or Settings(), as_of)
    found = result.person("9")
    assert found is not None
    return found


def test_deadline_across_national_day() -> None:
    # 一般 received Wed 30 Sep: 8, 9, 10 (Sat 调休), 12, 13, 14, 15 → deadline 15 Oct.
    cal = WorkCalendar()
    c = complaint("X", "9", at(9, 30, 15))
    assert complaint_deadline(c, Settings(), cal) == date(2026, 10, 15)
    sep = Period.parse("2026-09")
    on_time = _one([complaint("X", "9", at(9, 30), resolved=at(10, 15, 18))], period=sep)
    assert on_time.on_time_rate == 1.0
    # resolution days (30 Sep, 15 Oct] = 7 working days
    assert on_time.resolution_days == 7
    late = _one([complaint("X", "9", at(9, 30), resolved=at(10, 16))], period=sep)
    assert late.on_time_rate == 0.0
    assert late.details.late[0].days_late == 1


def test_friday_major_complaint() -> None:
    # 重大 (1 working day) received Fri 16 Oct: Sat 17, Sun 18 off → deadline Mon 19 Oct.
    assert complaint_deadline(complaint("X", "9", at(10, 16, 17), severity="重大"), Settings(),
                              WorkCalendar()) == date(2026, 10, 19)
    ok = _one([complaint("X", "9", at(10, 16, 17), severity="重大", resolved=at(10, 19, 17))])
    assert ok.on_time_rate == 1.0 and ok.resolution_days == 1  # (16, 19] = 19 only
    # Received Fri 9 Oct: the next working day is Sat 10 Oct (调休); Mon 12 Oct is late.
    late = _one([complaint("X", "9", at(10, 9, 17), severity="重大", resolved=at(10, 12))])
    assert late.on_time_rate == 0.0


@pytest.mark.parametrize(
    ("as_of", "eligible", "late"),
    [
        (date(2026, 10, 15), 0, 0),  # deadline 15 Oct ≥ as_of → not yet due
        (date(2026, 10, 16), 1, 1),  # deadline 15 Oct < as_of → eligible and late
    ],
)
def test_eligibility_of_an_open_complaint_by_as_of(as_of: date, eligible: int,
                                                   late: int) -> None:
    # 较重 received Mon 12 Oct: 13, 14, 15 → deadline 15 Oct.
    k = _one([complaint("X", "9", at(10, 12), severity="较重", status="处理中")], as_of=as_of)
    assert (k.details.eligible, len(k.details.late)) == (eligible, late)
    assert k.on_time_rate == (None if eligible == 0 else 0.0)


@pytest.mark.parametrize(
    ("offset", "reached", "counted"),
    [(-1, True, False), (0, True, True), (7, True, True), (8, True, False), (3, False, False)],
)
def test_followup_window(offset: int, reached: bool, counted: bool) -> None:
    resolved = at(10, 12, 15)
    visited = resolved + timedelta(days=offset)
    k = _one([complaint("X", "9", at(10, 8), resolved=resolved)],
             [visit("V", "X", "9", visited.replace(hour=9), reached=reached)])
    assert k.followup_rate == (1.0 if counted else 0.0)


def test_followup_days_setting() -> None:
    settings = parse_settings({"kpi": {"followup_days": 3}})
    k = _one([complaint("X", "9", at(10, 8), resolved=at(10, 12))],
             [visit("V", "X", "9", at(10, 16))], settings=settings)
    assert k.followup_rate == 0.0  # +4 days > 3


def test_satisfaction_fallback_when_the_only_scored_visit_is_unreached() -> None:
    k = _one([complaint("X", "9", at(10, 8), resolved=at(10, 12), satisfaction=2)],
             [visit("V", "X", "9", at(10, 13), reached=False, satisfaction=5)])
    assert k.satisfaction == 2  # unreached visit ignored → complaint's own 2
    assert k.satisfaction_100 == 25.0  # (2 − 1) / 4 × 100


def test_withdrawn_only_is_no_data() -> None:
    result = compute_kpis(OCT, [person("9", "甲", "客服一部", status="离职")],
                          [complaint("X", "9", at(10, 8), status="已撤销", satisfaction=1)],
                          [], [], Settings(), AS_OF)
    assert result.staff == [] and result.departments == []


def test_weights_without_data_give_no_score() -> None:
    settings = parse_settings({"kpi": {"weights": {"closure_rate": 0, "on_time_rate": 0,
                                                   "followup_rate": 0, "satisfaction": 1}}})
    k = _one([complaint("X", "9", at(10, 8), resolved=at(10, 9))], settings=settings)
    assert k.closure_rate == 1.0 and k.satisfaction is None
    assert k.score is None and k.grade is None and k.rank is None


def test_names_resolve_when_unique_else_stand_alone() -> None:
    staff = [person("9", "甲", "客服一部")]
    complaints = [
        complaint("X", None, at(10, 8), handler_name="甲"),  # unique name → staff 9
        complaint("Y", None, at(10, 8), handler_name="临时工", department="客服二部"),
    ]
    result = compute_kpis(OCT, staff, complaints, [], [], Settings(), AS_OF)
    nine = result.person("9")
    assert nine is not None and nine.received == 1
    temp = result.staff[-1]
    assert (temp.staff_id, temp.name, temp.department, temp.received) == (
        None, "临时工", "客服二部", 1)
    assert [d.department for d in result.departments] == ["客服一部", "客服二部"]


def test_night_shifts_by_code_or_name() -> None:
    settings = parse_settings({"shifts": {"N": {"name": "夜班", "start": "00:00", "end": "08:00"},
                                          "OFF": {"name": "调休", "worked": False}}})
    entries = [duty(date(2026, 10, d), "9", code) for d, code in
               ((8, "N"), (9, "夜"), (12, "早"), (13, "OFF"), (14, "假"))]
    result = compute_kpis(OCT, [person("9", "甲", "客服一部")], [], [], entries, settings, AS_OF)
    k = result.person("9")
    assert k is not None
    assert (k.shifts_worked, k.night_shifts) == (3, 2)  # N, 夜, 早 worked; N and 夜 are night


@pytest.mark.parametrize(
    ("score", "grade"),
    [(90.0, "优秀"), (90 - 1e-12, "优秀"), (89.99, "良好"), (80.0, "良好"), (60.0, "合格"),
     (59.99, "不合格"), (0.0, "不合格"), (None, None)],
)
def test_grade_bands(score: float | None, grade: str | None) -> None:
    assert grade_for(score, Settings().grades) == grade


def test_grade_bands_from_settings() -> None:
    settings = parse_settings({"kpi": {"grades": {"A": 85, "B": 70}}})
    assert [grade_for(s, settings.grades) for s in (85, 84.9, 70, 10)] == ["A", "B", "B", "不合格"]


# ------------------------------------------------------------------------------------------
# Years chinese-calendar does not cover, quarters and years


def test_2027_falls_back_to_weekends_with_a_warning() -> None:
    jan = Period.parse("2027-01")
    # 一般 received Thu 31 Dec 2026 is December's; received Mon 4 Jan 2027:
    # weekends only: 5, 6, 7, 8, 11, 12, 13 → deadline 13 Jan; resolved 13 Jan → on time.
    result = compute_kpis(jan, [person("9", "甲", "客服一部")],
                          [complaint("X", "9", at(1, 4, year=2027),
                                     resolved=at(1, 13, year=2027))],
                          [], [], Settings(), date(2027, 2, 1))
    k = result.person("9")
    assert k is not None and k.on_time_rate == 1.0
    assert k.resolution_days == 7
    assert result.uncovered_years == (2027,)
    assert "2027" in result.warnings()[0]


def test_december_deadline_running_into_2027_warns() -> None:
    dec = Period.parse("2026-12")
    # Mon 28 Dec 2026 + 7: 29, 30, 31 Dec, 1 Jan (Fri, fallback), 4, 5, 6 Jan → 6 Jan 2027.
    result = compute_kpis(dec, [person("9", "甲", "客服一部")],
                          [complaint("X", "9", at(12, 28), status="处理中")],
                          [], [], Settings(), date(2027, 1, 7))
    k = result.person("9")
    assert k is not None and k.details.late[0].deadline == date(2027, 1, 6)
    assert result.uncovered_years == (2027,)


def test_quarter_and_year_periods() -> None:
    staff = [person("9", "甲", "客服一部")]
    complaints = [
        complaint("S", "9", at(9, 14), resolved=at(9, 15)),  # Q3
        complaint("O", "9", at(10, 14), resolved=at(10, 15)),  # Q4
        complaint("N", "9", at(11, 10), status="处理中"),  # Q4, open
    ]
    schedule = [duty(date(2026, m, 2), "9", "早") for m in (9, 10, 11, 12)]
    q4 = compute_kpis(Period.parse("2026-Q4"), staff, complaints, [], schedule, Settings(),
                      date(2027, 3, 1)).person("9")
    assert q4 is not None
    # Q4: O and N → received 2, resolved 1; N: deadline 11, 12, 13, 16, 17, 18, 19 Nov < as_of
    # → eligible and late; on time 1 / 2. Shifts 2 Oct, 2 Nov, 2 Dec → 3.
    assert (q4.received, q4.resolved, q4.on_time_rate, q4.shifts_worked) == (2, 1, 0.5, 3)
    year = compute_kpis(Period.parse("2026"), staff, complaints, [], schedule, Settings(),
                        date(2027, 3, 1)).person("9")
    assert year is not None
    # 2026: S, O, N → 3 received, 2 resolved; 4 shifts
    assert (year.received, year.resolved, year.shifts_worked) == (3, 2, 4)
    assert year.closure_rate == approx(2 / 3)


# ------------------------------------------------------------------------------------------
# From the ledger: the same October scenario stored in a real SQLite and PostgreSQL ledger


def _store_october(ledger: Ledger, named: str | None = None) -> None:
    """The October scenario stored as one accepted file x.xlsx; ``named``: the month its
    registers (not its staff list) name."""
    sheets = [SheetResult(name, kind, records=[{**r, "_row": i + 2} for i, r in enumerate(rs)],
                          period=None if kind == "staff" else named)
              for name, kind, rs in (("花名册", "staff", STAFF),
                                     ("投诉", "complaints", COMPLAINTS),
                                     ("回访", "visits", VISITS),
                                     ("排班", "schedule", SCHEDULE))]
    ledger.store_accepted(FileInfo("0" * 64, "x.xlsx", "x.xlsx", 1, datetime(2026, 11, 5)),
                          sheets, [])


def test_kpis_for_period_reads_the_ledger(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        _store_october(ledger)
        stored = kpis_for_period(ledger, OCT, Settings(), AS_OF)
    direct = compute_kpis(OCT, STAFF, COMPLAINTS, VISITS, SCHEDULE, Settings(), AS_OF)
    assert {**stored.to_json(), "coverage": {}} == direct.to_json()
    # x.xlsx names no month: it covers the span of its dates, per kind
    assert stored.to_json()["coverage"] == {
        "complaints": {"files": ["x.xlsx"], "from": "2026-10-01", "to": "2026-10-31",
                       "complete": True},  # C0 29 Sep … C9 1 Nov, clipped to October
        "visits": {"files": ["x.xlsx"], "from": "2026-10-11", "to": "2026-10-31",
                   "complete": False},  # V5 11 Oct … VB 2 Nov
        "schedule": {"files": ["x.xlsx"], "from": "2026-10-01", "to": "2026-10-13",
                     "complete": False}}  # 30 Sep … 13 Oct
    b = stored.person("1002")
    # B's follow-up visit is dated 2 Nov: fetched through its complaint link, not the period.
    assert b is not None and b.followup_rate == 1.0


class _WholeRecords:
    """The ledger, but every read gives whole records (``fields`` ignored)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def staff(self) -> list[Any]:
        return self.ledger.staff()

    def file_spans(self) -> list[Any]:
        return self.ledger.file_spans()

    def complaints(self, start: Any, end: Any, fields: Any = None) -> list[Any]:
        return self.ledger.complaints(start, end)

    def complaints_by_id(self, ids: Any, fields: Any = None) -> dict[str, Any]:
        return self.ledger.complaints_by_id(ids)

    def visits(self, start: Any, end: Any, fields: Any = None) -> list[Any]:
        return self.ledger.visits(start, end)

    def visits_for_complaints_received(self, start: Any, end: Any,
                                       fields: Any = None) -> list[Any]:
        ids = [c["complaint_id"] for c in self.ledger.complaints(start, end)]
        return self.ledger.visits_for_complaints(ids)

    def schedule(self, start: Any, end: Any, fields: Any = None) -> list[Any]:
        return self.ledger.schedule(start, end)


def test_kpis_read_only_the_fields_they_use(ledger_url: str) -> None:
    """kpis_for_period reads a few fields of each complaint, visit and schedule entry: every
    figure, detail and target line is the same as from whole records (October and the
    quarter, with a late-dated follow-up, name-only records and shifts)."""
    with Ledger.open(ledger_url) as ledger:
        _store_october(ledger)
        for period in (OCT, Period.parse("2026-Q4"), Period.parse("2026-11")):
            some = kpis_for_period(ledger, period, Settings(), AS_OF)
            whole = kpis_for_period(_WholeRecords(ledger), period, Settings(), AS_OF)
            assert some.staff and repr(some) == repr(whole)


def test_a_period_no_register_covers_has_no_complaint_or_visit_figures(ledger_url: str) -> None:
    """Registers that name October hold a few September rows: September has no complaint or
    visit register, so its figures are null (not read at all) — the same result as computing
    from every record with that coverage — while its schedule still counts."""
    sep = Period.parse("2026-09")
    with Ledger.open(ledger_url) as ledger:
        _store_october(ledger, named="2026-10")
        assert ledger.has_records(sep.start, sep.end)
        stored = kpis_for_period(ledger, sep, Settings(), AS_OF)
        coverage = dict(stored.coverage)
    assert coverage["complaints"].missing and coverage["visits"].missing
    direct = compute_kpis(sep, STAFF, COMPLAINTS, VISITS, SCHEDULE, Settings(), AS_OF,
                          coverage=coverage)
    assert repr(stored) == repr(direct)
    assert all(s.received == 0 and s.closure_rate is None for s in stored.staff)
    assert any(s.shifts_worked for s in stored.staff)
