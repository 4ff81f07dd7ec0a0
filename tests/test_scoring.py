"""kpis/scoring.py: a row's score under its scheme, the grade band, shared ranks (SPEC §6)."""

from __future__ import annotations

from typing import Any

import pytest

from officekit.kpis.results import DepartmentKpi, Details, StaffKpi
from officekit.kpis.schemes import Scheme
from officekit.kpis.scoring import department_scheme, grade_for, rank, score_lines, visit_scheme
from officekit.settings import Settings

GRADES = (("优秀", 90.0), ("良好", 80.0), ("合格", 60.0), ("不合格", 0.0))

SCHEME = Scheme("handler", "投诉处理", (), {"closure_rate": 0.5, "on_time_rate": 0.3,
                                          "followup_rate": 0.2}, min_cases=3)


def row(**values: Any) -> StaffKpi:
    return StaffKpi("1001", "张伟", "客服一部", "客服专员", **values)


@pytest.mark.parametrize(("score", "grade"), [
    (95.0, "优秀"), (90.0, "优秀"), (89.99, "良好"), (80.0 - 1e-12, "良好"),
    (60.0, "合格"), (12.0, "不合格"), (-5.0, "不合格"), (None, None),
])
def test_grade_band_of_a_score(score: float | None, grade: str | None) -> None:
    assert grade_for(score, GRADES) == grade


def test_grade_bands_may_come_in_any_order_and_none_means_no_grade() -> None:
    assert grade_for(85.0, tuple(reversed(GRADES))) == "良好"
    assert grade_for(85.0, ()) is None


def test_the_score_is_the_weighted_mean_of_the_metrics_with_data() -> None:
    details = Details(received=10, eligible=8, resolved=10)
    values = row(closure_rate=1.0, on_time_rate=0.5, followup_rate=0.8)
    score, lines, unscored = score_lines(values, details, SCHEME, ())
    assert score == pytest.approx(0.5 * 100 + 0.3 * 50 + 0.2 * 80)
    assert unscored == []
    assert [(line.metric, line.share, line.points_shown) for line in lines] == [
        ("closure_rate", pytest.approx(0.5), 50.0), ("on_time_rate", pytest.approx(0.3), 15.0),
        ("followup_rate", pytest.approx(0.2), 16.0)]
    assert [line.met for line in lines] == [True, False, False]  # targets 95%, 90%, 90%


def test_metrics_without_data_or_below_min_cases_are_shown_not_scored_weights_rescaled() -> None:
    details = Details(received=10, eligible=2, resolved=10)  # on-time: 2 cases < min 3
    values = row(closure_rate=0.9, on_time_rate=1.0, followup_rate=None)
    score, lines, unscored = score_lines(values, details, SCHEME, ())
    assert score == pytest.approx(90.0)  # closure_rate alone carries the whole weight
    assert [(u.metric, u.reason) for u in unscored] == [("on_time_rate", "min-cases"),
                                                        ("followup_rate", "no-data")]
    assert [(line.metric, line.share, line.reason, line.denominator) for line in lines] == [
        ("closure_rate", pytest.approx(1.0), None, 10),
        ("on_time_rate", None, "min-cases", 2),
        ("followup_rate", None, "no-data", 10)]


def test_no_scored_metric_no_score_and_informational_metrics_are_listed_after() -> None:
    values = row(satisfaction=4.5)
    score, lines, unscored = score_lines(values, Details(), SCHEME, ("satisfaction_100",))
    assert score is None
    assert len(unscored) == 3
    assert lines[-1].metric == "satisfaction_100"
    assert (lines[-1].weight, lines[-1].share, lines[-1].reason) == (0.0, None, "not-weighted")
    assert lines[-1].metric_score == pytest.approx(87.5)  # (4.5 − 1) / 4 × 100
    assert all(line.points_shown is None for line in lines)


def test_shown_points_add_up_exactly_to_the_shown_score() -> None:
    scheme = Scheme("x", "x", (), {"closure_rate": 1 / 3, "on_time_rate": 1 / 3,
                                   "followup_rate": 1 / 3}, min_cases=0)
    values = row(closure_rate=0.9333, on_time_rate=0.8667, followup_rate=0.7667)
    score, lines, _ = score_lines(values, Details(), scheme, ())
    assert score is not None
    shown = [line.points_shown for line in lines]
    assert all(p is not None for p in shown)
    assert round(sum(p for p in shown if p is not None), 1) == round(score, 1)


def test_a_department_row_is_scored_like_a_person() -> None:
    dept = DepartmentKpi(department="客服一部", closure_rate=0.8, on_time_rate=0.8,
                         followup_rate=0.8)
    score, _, _ = score_lines(dept, Details(received=9, eligible=9, resolved=9), SCHEME, ())
    assert score == pytest.approx(80.0)


def test_ranks_are_shared_on_ties_within_department_and_scheme() -> None:
    rows = [
        StaffKpi("1", "甲", "一部", None, score=90.0),
        StaffKpi("2", "乙", "一部", None, score=95.0),
        StaffKpi("3", "丙", "一部", None, score=90.0 + 1e-12),  # float noise: a tie
        StaffKpi("4", "丁", "一部", None, score=70.0),
        StaffKpi("5", "戊", "一部", None, score=None, rank=7),  # no score: no rank
        StaffKpi("6", "己", "二部", None, score=60.0),  # another department
        StaffKpi("7", "庚", "一部", None, score=99.0, scheme="visitor"),  # another scheme
    ]
    rank(rows)
    assert [r.rank for r in rows] == [2, 1, 2, 4, None, 1, 1]


def test_whose_visit_target_and_which_scheme_a_department_is_scored_under() -> None:
    settings = Settings()
    by_name = {s.name: s for s in settings.schemes}
    assert visit_scheme(by_name["visitor"], settings) is by_name["visitor"]
    assert visit_scheme(by_name["handler"], settings) is by_name["visitor"]
    assert department_scheme(settings) is by_name["lead"]
