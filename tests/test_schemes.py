"""SPEC §6 evaluation schemes, min_cases, the visitor metrics, the latest-visit tie rule,
largest-remainder points and coverage. Arithmetic beside each expected number.

November 2026: Mon 2 Nov … Mon 30 Nov, no holidays; followup_days 7; as_of 10 Dec.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from officekit.errors import SettingsError
from officekit.kpis.compute import KpiResult, compute_kpis, kpis_for_period
from officekit.kpis.coverage import coverage_for
from officekit.kpis.metrics import METRICS, largest_remainder, tenths
from officekit.kpis.periods import Period
from officekit.kpis.schemes import DEFAULT_SCHEMES, scheme_for
from officekit.ledger.store import FileInfo, FileSpan, Ledger
from officekit.model import SheetResult
from officekit.settings import Settings, parse_settings

approx = pytest.approx
NOV = Period.parse("2026-11")
AS_OF = date(2026, 12, 10)


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour)


def person(sid: str, name: str, role: str, dept: str = "客服一部") -> dict[str, Any]:
    return {"staff_id": sid, "name": name, "department": dept, "role": role, "status": "在职"}


def complaint(cid: str, handler: str, received: datetime, resolved: datetime | None,
              satisfaction: int | None = None) -> dict[str, Any]:
    return {"complaint_id": cid, "received_at": received, "severity": "一般",
            "handler_id": handler, "status": "已办结" if resolved else "处理中",
            "resolved_at": resolved, "satisfaction": satisfaction, "category": "服务态度"}


def visit(staff: str, visited: datetime, cid: str | None = None, *, reached: bool = True,
          satisfaction: int | None = None, n: list[int] = [0]) -> dict[str, Any]:  # noqa: B006
    n[0] += 1
    return {"visit_id": f"V{n[0]}", "complaint_id": cid, "visited_at": visited,
            "reached": reached, "satisfaction": satisfaction, "staff_id": staff,
            "customer": "客户"}


STAFF = [
    person("1", "张伟", "客服专员"),
    person("2", "李娜", "客服专员"),
    person("3", "王芳", "回访专员"),
    person("4", "周杰", "回访专员"),
    person("5", "刘洋", "客服部经理"),
    person("6", "陈静", "质检专员"),
]

# 张伟 handles five complaints, all resolved on time; 李娜 one, late.
COMPLAINTS = [complaint(f"A{i}", "1", at(2 + i), at(3 + i), 5) for i in range(5)]
COMPLAINTS += [complaint("B1", "2", at(2), at(20))]  # deadline 11 Nov → late


def _visits() -> list[dict[str, Any]]:
    # 王芳: 4 visits: A0 (resolved 3 Nov) on 5 Nov timely, A1 (4 Nov) on 20 Nov late,
    # one daily visit unreached, one daily reached with a score.
    out = [visit("3", at(5), "A0", satisfaction=4), visit("3", at(20), "A1"),
           visit("3", at(6), reached=False), visit("3", at(7), satisfaction=5)]
    # 周杰: 2 visits, both reached without a score.
    out += [visit("4", at(9)), visit("4", at(10))]
    return out


def compute(settings: Settings | None = None, **kw: Any) -> KpiResult:
    return compute_kpis(NOV, STAFF, COMPLAINTS, _visits(), [], settings or Settings(), AS_OF,
                        **kw)


def row(result: KpiResult, sid: str) -> Any:
    found = result.person(sid)
    assert found is not None
    return found


def test_each_role_takes_its_scheme() -> None:
    result = compute()
    assert {s.staff_id: s.scheme for s in result.staff} == {
        "1": "handler", "2": "handler", "3": "visitor", "4": "visitor", "5": "lead",
        "6": "none"}
    assert scheme_for("客服班长", DEFAULT_SCHEMES).name == "lead"
    assert scheme_for(None, DEFAULT_SCHEMES).name == "handler"


def test_visitor_metrics_and_score() -> None:
    w = row(compute(), "3")
    # visits_made 4; reached 3 → 0.75; follow-up visits of resolved complaints 2, timely 1
    # → 0.5; target 60 → 4 / 60; reached with a score 2 / 3
    assert (w.visits_made, w.visit_success_rate) == (4, 0.75)
    assert w.visit_timeliness == 0.5
    assert w.visit_target_rate == approx(4 / 60)
    assert w.visit_scored_rate == approx(2 / 3)
    # min_cases 3: timeliness (2 follow-up visits) is shown, not scored; the others:
    # (0.30×75 + 0.20×6.67 + 0.20×66.67) / 0.70
    assert w.unscored and [u.to_json() for u in w.unscored] == [
        {"metric": "visit_timeliness", "reason": "min-cases"}]
    expected = (0.30 * 75 + 0.20 * 400 / 60 + 0.20 * 200 / 3) / 0.70
    assert w.score == approx(expected)
    lines = {t.metric: t for t in w.details.targets}
    assert lines["visit_timeliness"].share is None
    assert lines["visit_timeliness"].reason == "min-cases"
    assert lines["visit_timeliness"].actual == 0.5  # shown with its value
    assert list(lines) == ["visit_success_rate", "visit_timeliness", "visit_target_rate",
                           "visit_scored_rate"]


def test_min_cases_below_for_every_metric_means_no_score() -> None:
    z = row(compute(), "4")  # 2 visits: every visit metric's denominator is below 3 but target
    assert z.visit_success_rate == 1.0
    # the target (60) is the denominator of visit_target_rate: it alone is scored
    assert {u.metric: u.reason for u in z.unscored} == {
        "visit_success_rate": "min-cases", "visit_timeliness": "no-data",
        "visit_scored_rate": "min-cases"}
    assert z.score == approx(2 / 60 * 100)
    li = row(compute(), "2")  # one late complaint: nothing reaches min_cases → no score
    assert li.received == 1 and li.on_time_rate == 0.0
    assert (li.score, li.grade, li.rank) == (None, None, None)
    assert {u.reason for u in li.unscored} == {"min-cases", "no-data"}


def test_min_cases_setting_per_scheme() -> None:
    settings = parse_settings({"kpi": {"schemes": {"handler": {"min_cases": 1}}}})
    li = row(compute(settings), "2")
    # closure 1/1 = 100, on time 0/1 = 0, follow-up 0/1 = 0; no satisfaction
    assert li.score == approx((0.25 * 100) / 0.70)
    assert [u.metric for u in li.unscored] == ["satisfaction_100"]


def test_lead_is_scored_on_the_department_and_none_is_not_scored() -> None:
    result = compute(parse_settings({"kpi": {"schemes": {"lead": {"min_cases": 0}}}}))
    lead, dept = row(result, "5"), result.department("客服一部")
    assert dept is not None and lead.received == 0
    assert lead.score == approx(dept.score)
    assert {t.metric: t.actual for t in lead.details.targets}["closure_rate"] == 1.0
    qa = row(result, "6")
    assert (qa.scheme, qa.score, qa.grade, qa.rank, qa.unscored) == ("none", None, None,
                                                                     None, [])


def test_ranks_within_department_and_scheme() -> None:
    result = compute(parse_settings({"kpi": {"schemes": {n: {"min_cases": 0} for n in (
        "handler", "visitor", "lead")}}}))
    ranks = {s.staff_id: (s.scheme, s.rank) for s in result.staff}
    assert ranks["1"] == ("handler", 1) and ranks["2"] == ("handler", 2)
    assert ranks["3"][1] in (1, 2) and {ranks["3"][1], ranks["4"][1]} == {1, 2}
    assert ranks["5"] == ("lead", 1)


def test_latest_visit_tie_rule() -> None:
    """Two reached visits with the same visited_at: the later file wins, then the later row."""
    staff = [person("1", "张伟", "客服专员")]
    c = [complaint("X", "1", at(2), at(3))]
    same = at(5, 10)
    early_file = {**visit("3", same, "X", satisfaction=2), "_file_id": 1, "_row": 9}
    late_file = {**visit("3", same, "X", satisfaction=4), "_file_id": 2, "_row": 2}
    for order in ([early_file, late_file], [late_file, early_file]):
        r = compute_kpis(NOV, staff, c, order, [], Settings(), AS_OF)
        assert row(r, "1").satisfaction == 4
    row_a = {**visit("3", same, "X", satisfaction=1), "_file_id": 2, "_row": 3}
    r = compute_kpis(NOV, staff, c, [row_a, late_file], [], Settings(), AS_OF)
    assert row(r, "1").satisfaction == 1  # same file, later row


def test_largest_remainder_points_add_up() -> None:
    # three thirds of 10: 3.333… each → 3.4, 3.3, 3.3
    assert largest_remainder([10 / 3] * 3, tenths(10.0)) == [3.4, 3.3, 3.3]
    assert largest_remainder([None, 12.34, 67.76], tenths(80.1)) == [None, 12.3, 67.8]
    result = compute()
    for s in result.staff:
        if s.score is None:
            continue
        shown = [t.points_shown for t in s.details.targets if t.points_shown is not None]
        assert round(sum(shown) * 10) == tenths(s.score), s.name


def test_metric_table_is_the_one_home() -> None:
    assert METRICS["closure_rate"].format(0.953) == "95.3%"
    assert METRICS["resolution_days"].format_target(3) == "≤ 3.0个工作日"
    assert METRICS["satisfaction_100"].score(4.0) == 75.0
    for scheme in DEFAULT_SCHEMES:
        assert set(scheme.weights) <= set(METRICS)


@pytest.mark.parametrize(("data", "key"), [
    ({"visitor": {"weights": {"speed": 1}}}, "kpi.schemes.visitor.weights.speed"),
    ({"visitor": {"min_cases": "3"}}, "kpi.schemes.visitor.min_cases"),
    ({"visitor": {"colour": 1}}, "kpi.schemes.visitor.colour"),
    ({"hotline": {"roles": ["话务"]}}, "kpi.schemes.hotline.weights"),
    ({"hotline": {"weights": {"closure_rate": 1}}}, "kpi.schemes.hotline.roles"),
    ({"lead": {"roles": [""]}}, "kpi.schemes.lead.roles[0]"),
    ({"lead": {"targets": {"nope": 1}}}, "kpi.schemes.lead.targets.nope"),
    ({"visitor": {"weights": {"visit_success_rate": 0}}}, "kpi.schemes.visitor.weights"),
])
def test_bad_scheme_setting_names_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings({"kpi": {"schemes": data}})
    assert info.value.key == key


def test_added_scheme_matches_before_the_catch_all() -> None:
    settings = parse_settings({"kpi": {"schemes": {
        "hotline": {"roles": ["话务"], "weights": {"closure_rate": 1}, "label": "话务"},
        "visitor": {"targets": {"visits_per_month": 4}}}}})
    assert [s.name for s in settings.schemes] == ["none", "lead", "visitor", "hotline",
                                                  "handler"]
    assert scheme_for("话务员", settings.schemes).name == "hotline"
    w = row(compute(settings), "3")
    assert w.visit_target_rate == 1.0  # 4 visits of a target of 4


def test_coverage_partial_register() -> None:
    spans = [FileSpan(1, "11月投诉.xlsx", "a", "complaints", date(2026, 11, 1),
                      date(2026, 11, 30), True),
             FileSpan(2, "回访.xlsx", "b", "visits", date(2026, 11, 1), date(2026, 11, 10),
                      False)]
    cov = coverage_for(spans, NOV)
    assert cov["complaints"].to_json() == {"files": ["11月投诉.xlsx"], "from": "2026-11-01",
                                           "to": "2026-11-30", "complete": True}
    assert cov["visits"].partial and cov["visits"].gaps == ((date(2026, 11, 11),
                                                             date(2026, 11, 30)),)
    assert cov["schedule"].missing and cov["schedule"].to_json()["files"] == []


def test_no_complaints_register_is_no_data_not_zero(tmp_path: Path) -> None:
    """A ledger with visits for 1–10 November and no complaints register: complaint metrics
    are null and the coverage says so, never zero."""
    visits = [{**visit("3", at(d)), "_row": d} for d in (2, 5, 10)]
    with Ledger.for_path(tmp_path / "l.db") as ledger:
        ledger.store_accepted(FileInfo("1" * 64, "名单.xlsx", "名单.xlsx", 1, at(1)),
                              [SheetResult("名单", "staff", records=STAFF)], [])
        ledger.store_accepted(FileInfo("2" * 64, "回访.xlsx", "回访.xlsx", 1, at(11)),
                              [SheetResult("回访", "visits", records=visits)], [])
        result = kpis_for_period(ledger, NOV, Settings(), AS_OF)
    data = result.to_json()
    assert data["coverage"]["complaints"] == {"files": [], "from": None, "to": None,
                                              "complete": False}
    assert data["coverage"]["visits"] == {"files": ["回访.xlsx"], "from": "2026-11-02",
                                          "to": "2026-11-10", "complete": False}
    zhang = row(result, "1")
    assert (zhang.closure_rate, zhang.score) == (None, None)
    assert not result.has("complaints") and result.has("visits")


def test_the_readme_example_is_valid_settings() -> None:
    """The officekit.toml example of the README's 考核方案 section parses and does what it says."""
    import re
    import tomllib

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 考核方案"):]
    block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert block is not None
    settings = parse_settings(tomllib.loads(block.group(1)))
    assert [s.name for s in settings.schemes] == ["none", "lead", "visitor", "hotline",
                                                  "handler"]
    assert scheme_for("内勤", settings.schemes).name == "none"
    assert scheme_for("话务员", settings.schemes).name == "hotline"
    visitor = next(s for s in settings.schemes if s.name == "visitor")
    assert (visitor.min_cases, visitor.visits_target(1)) == (5, 80)
