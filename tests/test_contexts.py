"""Context builders (render/contexts.py), their reference (context_spec.py) and the default
templates rendered through our engine. Data: tests/contexts_data.py (a small hand-made office).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from contexts_data import (
    ALL_COMPLAINTS,
    AS_OF,
    DUTIES,
    OCTOBER,
    SCHEDULE,
    STAFF,
    VISITS,
    october_visits_with_links,
)
from officekit.kpis.compute import KpiResult, compute_kpis
from officekit.kpis.periods import Period
from officekit.render.check import check_template
from officekit.render.context_spec import CONTEXT_SPEC, Var, context_reference, sample_context
from officekit.render.contexts import (
    complaints_context,
    evaluation_context,
    handbook_context,
    mask_phone,
    score_trend,
    summary_context,
    visits_context,
)
from officekit.render.contexts.handbook import toc_with_pages
from officekit.render.engine import Image, render_document
from officekit.render.nativechart import Chart
from officekit.render.pdf import PdfConverter, libreoffice_available
from officekit.settings import Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_TEMPLATES = ROOT / "src" / "officekit" / "templates"
OCT = Period.parse("2026-10")
SETTINGS = Settings()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def kpis(period: Period, settings: Settings = SETTINGS) -> KpiResult:
    return compute_kpis(period, STAFF, ALL_COMPLAINTS, VISITS, SCHEDULE, settings, AS_OF)


@pytest.fixture(scope="module")
def october() -> KpiResult:
    return kpis(OCT)


@pytest.fixture(scope="module")
def contexts(october: KpiResult) -> dict[str, dict[str, Any]]:
    """One context of each document kind, built from the hand-made office."""
    trend = [kpis(p) for p in OCT.trend(6)]
    row = october.person("E002")
    assert row is not None
    return {
        "evaluation": evaluation_context(row, october, SETTINGS,
                                         trend=score_trend(trend, "E002")),
        "evaluation-summary": summary_context(october, "客服一部", SETTINGS,
                                              previous=kpis(OCT.previous()),
                                              last_year=kpis(OCT.same_last_year())),
        "complaints": complaints_context(OCT, ALL_COMPLAINTS, SETTINGS, as_of=AS_OF,
                                         staff=STAFF),
        "visits": visits_context(OCT, october_visits_with_links(), OCTOBER, SETTINGS,
                                 as_of=AS_OF, staff=STAFF),
        "handbook": handbook_context("客服一部", DUTIES, STAFF, SCHEDULE, SETTINGS, month=OCT,
                                     edition=AS_OF),
    }


# --------------------------------------------------------------------------------------------
# formatting


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"),
    ("010-62345678", "010-****5678"),
    ("02155556666", "021****6666"),
    ("95598", "95598"),
    ("4008123456", "4008123456"),
    ("0755-8888-6666", "0755-****-6666"),
    (None, "—"),
])
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_phone_can_be_switched_off() -> None:
    assert mask_phone("13812345678", mask=False) == "13812345678"


# --------------------------------------------------------------------------------------------
# evaluation


def test_evaluation_kpi_table_points_sum_to_score(contexts: dict[str, Any]) -> None:
    ctx = contexts["evaluation"]
    # the scheme's scored metrics, then those shown for information
    assert [r["label"] for r in ctx["kpi_rows"]] == ["办结率", "按时办结率", "回访率", "满意度",
                                                     "平均办理工作日"]
    closure = ctx["kpi_rows"][0]
    assert (closure["target"], closure["actual"], closure["met"]) == ("≥ 95.0%", "100.0%", "达标")
    days = ctx["kpi_rows"][4]
    assert (days["target"], days["actual"], days["weight"], days["points"]) == (
        "≤ 3.0个工作日", "3.5个工作日", "不计分", "—")
    # largest remainder: 25 + 18.75 + 20 + 20.625 = 84.375 → 25.0 18.8 20.0 20.6 = 84.4
    assert [r["points"] for r in ctx["kpi_rows"]] == ["25.0", "18.8", "20.0", "20.6", "—"]
    points = sum(round(float(r["points"]) * 10) for r in ctx["kpi_rows"] if r["points"] != "—")
    assert points == round(float(ctx["score"]) * 10)
    # ranked among the 投诉处理 people of 客服一部 with a score: E003 has too few cases
    assert (ctx["score"], ctx["grade"], ctx["rank_text"]) == ("84.4", "良好", "第1名/共1人")


def test_evaluation_complaints_late_visits_shifts(contexts: dict[str, Any]) -> None:
    ctx = contexts["evaluation"]
    assert ctx["staff"] == {"staff_id": "E002", "name": "王晓梅", "department": "客服一部",
                            "role": "客服专员"}
    # categories in the settings' order, only those with complaints
    assert [(c["category"], c["count"], c["share"]) for c in ctx["categories"]] == [
        ("服务态度", 1, "25.0%"), ("收费问题", 2, "50.0%"), ("办理时效", 1, "25.0%")]
    assert ctx["has_late"] is True
    assert ctx["late"] == [{"complaint_id": "TS-1003", "received": "2026-10-12",
                            "category": "服务态度", "severity": "一般",
                            "deadline": "2026-10-21", "resolved": "2026-10-26",
                            "days_late": "3个工作日"}]  # working days: 22, 23, 26 Oct
    assert (ctx["visits_made"], ctx["visit_success_rate"]) == (1, "100.0%")
    assert (ctx["shifts_worked"], ctx["night_shifts"]) == (27, 4)
    assert ctx["resolution_days"] == "3.5"


def test_evaluation_trend_has_gaps_for_periods_without_score(contexts: dict[str, Any]) -> None:
    ctx = contexts["evaluation"]
    assert [t["period"] for t in ctx["trend"]] == [
        "2026年5月", "2026年6月", "2026年7月", "2026年8月", "2026年9月", "2026年10月"]
    # September: two complaints, below min_cases → no score, a gap
    assert [t["score"] for t in ctx["trend"]] == ["—", "—", "—", "—", "—", "84.4"]
    chart = ctx["trend_chart"]
    assert isinstance(chart, Chart) and chart.kind == "line"
    assert chart.categories == ("5月", "6月", "7月", "8月", "9月", "10月")
    assert chart.series == (("综合得分", (None, None, None, None, None, 84.375)),)


def test_evaluation_of_someone_without_data(october: KpiResult) -> None:
    row = october.person("E102")
    assert row is not None
    ctx = evaluation_context(row, october, SETTINGS)
    assert (ctx["score"], ctx["grade"], ctx["rank"]) == ("—", "未评定", None)
    assert ctx["rank_text"] == "本期无可评分数据，不参与排名"
    assert ctx["categories"] == [] and ctx["has_late"] is False
    assert ctx["trend"] == [{"period": "2026年10月", "score": "—"}]  # no trend given


def test_evaluation_open_complaint_past_deadline_is_late(october: KpiResult) -> None:
    row = october.person("E003")
    assert row is not None
    late = evaluation_context(row, october, SETTINGS)["late"]
    # 重大: one working day; still open on the as-of date 2026-11-05
    assert [(x["complaint_id"], x["deadline"], x["resolved"], x["days_late"]) for x in late] == [
        ("TS-1005", "2026-10-14", "未办结", "16个工作日")]  # working days 15 Oct … 5 Nov


# --------------------------------------------------------------------------------------------
# evaluation-summary


def test_summary_ranking_grades_and_comparison(contexts: dict[str, Any]) -> None:
    ctx = contexts["evaluation-summary"]
    # ranked first, then those without a score by 工号; 钱进 (离职, no data) is not listed
    # ranks within (department, scheme), schemes in matching order: the lead E001, visitor
    # E004, handler E002 each first of their scheme; E003 has fewer than min_cases complaints
    assert [(r["rank"], r["staff_id"], r["grade"]) for r in ctx["ranking"]] == [
        ("1", "E001", "合格"), ("1", "E004", "合格"), ("1", "E002", "良好"),
        ("—", "E003", "未评定")]
    assert (ctx["headcount"], ctx["ranked"]) == (4, 3)
    assert [(g["grade"], g["count"]) for g in ctx["grades"]] == [
        ("优秀", 0), ("良好", 1), ("合格", 2), ("不合格", 0), ("未评定", 1)]
    assert ctx["grades"][0]["range"] == "90分及以上"
    assert (ctx["has_previous"], ctx["has_last_year"]) == (True, False)
    received = ctx["comparison"][0]
    assert received == {"label": "受理量（件）", "current": "6", "previous": "2",
                        "mom": "+4（+200.0%）", "last_year": "—", "yoy": "无可比数据"}
    closure = next(m for m in ctx["comparison"] if m["label"] == "办结率")
    assert (closure["current"], closure["previous"], closure["mom"]) == (
        "83.3%", "100.0%", "-16.7个百分点")


def test_summary_without_any_comparison(october: KpiResult) -> None:
    ctx = summary_context(october, "客服二部", SETTINGS)
    assert ctx["has_comparison"] is False
    assert {m["mom"] for m in ctx["comparison"]} == {"无可比数据"}
    assert ctx["previous_label"] == "2026年9月" and ctx["last_year_label"] == "2025年10月"


# --------------------------------------------------------------------------------------------
# complaints


def test_complaints_volume_pareto_and_departments(contexts: dict[str, Any]) -> None:
    ctx = contexts["complaints"]
    assert (ctx["total"], ctx["withdrawn"], ctx["resolved"], ctx["open"]) == (8, 1, 7, 1)
    assert ctx["by_category"][0] == {"category": "收费问题", "count": 4, "share": "50.0%",
                                     "cumulative": "50.0%"}
    assert ctx["by_category"][-1]["cumulative"] == "100.0%"
    counts = [c["count"] for c in ctx["by_category"]]
    assert counts == sorted(counts, reverse=True)
    assert [(c["channel"], c["count"]) for c in ctx["by_channel"]] == [
        ("电话", 5), ("网站", 1), ("微信", 1), ("来访", 1)]
    # TS-2001/2002 name no 责任部门: their handler's department from the staff list counts
    assert [(d["department"], d["count"], d["closure_rate"]) for d in ctx["by_department"]] == [
        ("客服一部", 6, "83.3%"), ("客服二部", 2, "100.0%")]


def test_complaints_resolution_buckets_and_overdue(contexts: dict[str, Any]) -> None:
    ctx = contexts["complaints"]
    assert [(r["bucket"], r["count"]) for r in ctx["resolution"]] == [
        ("当日", 2), ("1天", 1), ("2–3天", 2), ("4–7天", 0), ("7天以上", 2), ("未办结", 1)]
    # working days after the deadline, as of 5 Nov for the open one (the same rule as the
    # evaluations: kpis.compute.complaint_timing)
    assert [(o["complaint_id"], o["resolved"], o["days_late"]) for o in ctx["overdue_list"]] == [
        ("TS-1005", "未办结", "16"), ("TS-1003", "2026-10-26", "3"),
        ("TS-2002", "2026-10-30", "2")]
    assert (ctx["overdue_more"], ctx["overdue_file"]) == (0, "")
    assert (ctx["overdue"], ctx["overdue_open"], ctx["on_time_rate"]) == (3, 1, "62.5%")


def test_complaints_trend_and_analysis(contexts: dict[str, Any]) -> None:
    ctx = contexts["complaints"]
    assert [t["received"] for t in ctx["trend"]] == ["—", "—", "—", "—", 2, 8]
    assert ctx["analysis"][0] == ("本期共受理投诉8件（另有撤销1件，不计入统计），"
                                  "较上期（2件）增加6件，增幅300.0%。")
    assert ctx["analysis"][1].startswith("从类别看，“收费问题”最多，共4件，占50.0%")
    assert any("重大1件" in line for line in ctx["analysis"])


def test_complaints_of_one_department(october: KpiResult) -> None:
    ctx = complaints_context(OCT, ALL_COMPLAINTS, SETTINGS, as_of=AS_OF, staff=STAFF,
                             department="客服二部")
    assert (ctx["scope"], ctx["total"], ctx["overdue"]) == ("客服二部", 2, 1)
    empty = complaints_context(Period.parse("2026-12"), ALL_COMPLAINTS, SETTINGS, as_of=AS_OF)
    assert empty["total"] == 0 and empty["analysis"] == ["本期未受理投诉。"]
    assert empty["has_overdue"] is False and empty["by_category"] == []


# --------------------------------------------------------------------------------------------
# visits


def test_visits_totals_groups_and_coverage(contexts: dict[str, Any]) -> None:
    ctx = contexts["visits"]
    assert (ctx["total"], ctx["reached"], ctx["success_rate"]) == (7, 6, "85.7%")
    assert [(m["name"], m["count"], m["reached"]) for m in ctx["by_method"]] == [
        ("电话", 5, 4), ("微信", 1, 1), ("上门", 1, 1)]
    assert [(s["label"], s["count"]) for s in ctx["satisfaction_rows"]] == [
        ("非常满意", 2), ("满意", 2), ("基本满意", 0), ("不满意", 1), ("非常不满意", 1)]
    assert (ctx["resolved_complaints"], ctx["followed_up"], ctx["coverage"]) == (7, 5, "71.4%")
    assert [(m["complaint_id"], m["reason"]) for m in ctx["missed"]] == [
        ("TS-1006", "未回访"), ("TS-2002", "超过7日才回访")]


def test_visits_passed_twice_count_once() -> None:
    """The report command passes a visit both as "made in the period" and as "linked"."""
    twice = october_visits_with_links() + [v for v in VISITS if v["complaint_id"]]
    ctx = visits_context(OCT, twice, OCTOBER + OCTOBER, SETTINGS, as_of=AS_OF, staff=STAFF)
    assert (ctx["total"], ctx["resolved_complaints"], ctx["followed_up"]) == (7, 7, 5)
    assert len({f["date"] + f["feedback"] for f in ctx["feedback"]}) == len(ctx["feedback"])


def test_visits_of_one_department() -> None:
    ctx = visits_context(OCT, october_visits_with_links(), OCTOBER, SETTINGS, as_of=AS_OF,
                         staff=STAFF, department="客服二部")
    # 刘洋's one October visit; the complaints of 客服二部 resolved in October: TS-2001/2002
    assert (ctx["total"], ctx["resolved_complaints"], ctx["followed_up"]) == (1, 2, 1)
    assert [p["name"] for p in ctx["by_staff"]] == ["刘洋"]


def test_visits_feedback_lowest_first_and_phones_masked(contexts: dict[str, Any]) -> None:
    feedback = contexts["visits"]["feedback"]
    assert [(f["date"], f["satisfaction"], f["feedback"]) for f in feedback] == [
        ("2026-10-21", "非常不满意", "营业厅排队时间太长"),
        ("2026-10-27", "不满意", "处理太慢，等了两周"),
        ("2026-10-17", "非常满意", "态度很好")]
    assert feedback[0]["phone"] == "021-****6666"
    assert feedback[1]["customer"] == "A&B <C>"
    unmasked = visits_context(OCT, VISITS, OCTOBER, parse_settings({"mask_phones": False}),
                              as_of=AS_OF)
    assert unmasked["feedback"][0]["phone"] == "021-55556666"


# --------------------------------------------------------------------------------------------
# handbook


def test_handbook_roles_top_down_with_numbered_items(contexts: dict[str, Any]) -> None:
    ctx = contexts["handbook"]
    assert [r["role"] for r in ctx["roles"]] == ["客服主管", "客服专员", "回访专员"]
    clerk = ctx["roles"][1]
    assert clerk["reports_to"] == "客服主管"
    assert [d["number"] for d in clerk["duties"]] == ["1.", "2.", "3."]
    assert [(c["number"], c["text"]) for c in clerk["duties"][1]["children"]] == [
        ("(1)", "核实情况"), ("(2)", "提出解决办法"), ("(3)", "答复客户")]
    assert ctx["roles"][2]["purpose"] == "—" and ctx["roles"][2]["requirements"] == []
    assert [e["title"] for e in ctx["toc"]][:2] == ["一、岗位设置与职责", "1. 客服主管"]


def test_handbook_directory_masks_phones_and_leaves_out_leavers(
        contexts: dict[str, Any]) -> None:
    directory = contexts["handbook"]["directory"]
    assert [(s["name"], s["role"], s["phone"]) for s in directory] == [
        ("张丽华", "客服主管", "138****5678"), ("王晓梅", "客服专员", "139****1111"),
        ("李明", "客服专员", "010-****5678"), ("赵强", "回访专员", "—")]
    assert [s["index"] for s in directory] == [1, 2, 3, 4]


def test_handbook_duty_calendar(contexts: dict[str, Any]) -> None:
    cal = contexts["handbook"]["calendar"]
    assert [r["name"] for r in cal["rows"]] == ["张丽华", "王晓梅", "李明"]  # not 刘洋 (客服二部)
    assert (cal["days"][0]["day"], cal["days"][0]["weekday"]) == ("1", "四")  # 2026-10-01
    assert cal["days"][3]["weekend"] is True
    first = cal["rows"][0]
    assert len(first["cells"]) == 31 and first["cells"][30] == "中/晚"
    assert first["worked"] == sum(1 for c in first["cells"] if c != "休") + 1
    assert cal["legend"].startswith("早＝早班（08:00–16:00）；中＝中班（12:00–20:00）；"
                                    "晚＝晚班（16:00–24:00）")


def test_handbook_short_month_and_settings() -> None:
    settings = parse_settings({"deadlines": {"一般": 5}, "kpi": {"followup_days": 3}})
    ctx = handbook_context("客服二部", DUTIES, STAFF, SCHEDULE, settings,
                           month=Period.parse("2026-11"), edition=date(2026, 11, 20))
    assert ctx["calendar"]["has_rows"] is False
    assert ctx["calendar"]["days"][29]["day"] == "30" and ctx["calendar"]["days"][30]["day"] == ""
    assert [(d["severity"], d["days"]) for d in ctx["deadlines"]] == [
        ("一般", 5), ("较重", 3), ("重大", 1)]
    assert "3日内" in ctx["procedure"][2]["text"]
    assert ctx["edition"] == "2026年11月版"
    assert [r["role"] for r in ctx["roles"]] == ["客服专员"]


# --------------------------------------------------------------------------------------------
# the reference: builders give exactly what CONTEXT_SPEC lists


def _check_shape(value: Any, var: Var, where: str) -> None:
    if var.shape == "list":
        assert isinstance(value, list), where
        for item in value:
            assert set(item) == {f.name for f in var.fields}, where
            for f in var.fields:
                _check_shape(item[f.name], f, f"{where}.{f.name}")
    elif var.shape == "dict":
        assert set(value) == {f.name for f in var.fields}, where
        for f in var.fields:
            _check_shape(value[f.name], f, f"{where}.{f.name}")
    elif var.shape == "image":
        assert isinstance(value, Image), where
    elif var.shape == "chart":
        assert isinstance(value, Chart), where
    elif var.shape == "texts":
        assert isinstance(value, list) and all(isinstance(t, str) for t in value), where
    else:
        assert value is None or isinstance(value, str | int | float | bool), where


@pytest.mark.parametrize("kind", list(CONTEXT_SPEC))
def test_builder_matches_spec(kind: str, contexts: dict[str, Any]) -> None:
    spec = CONTEXT_SPEC[kind]
    ctx = contexts[kind]
    assert set(ctx) == {v.name for v in spec.variables}
    for var in spec.variables:
        _check_shape(ctx[var.name], var, var.name)


def test_reference_document_is_current() -> None:
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert text == context_reference() + "\n", "run scripts/build_templates.py"
    assert "| `kpi_rows.points` |" in text and "## 岗位职责手册（`handbook`）" in text


# --------------------------------------------------------------------------------------------
# templates


def _paragraphs(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


@pytest.mark.parametrize("kind", list(CONTEXT_SPEC))
def test_templates_shipped_in_both_places_and_pass_check(kind: str) -> None:
    name = CONTEXT_SPEC[kind].template
    package = PACKAGE_TEMPLATES / name
    assert package.read_bytes() == (ROOT / "templates" / name).read_bytes()
    assert check_template(package, sample_context(kind)) == []


EXPECTED = {
    "evaluation": ["个人绩效考核报告", "考核期间：2026年10月", "王晓梅", "第1名/共1人",
                   "84.4", "TS-1003", "考核意见", "被考核人签字：", "部门负责人签字："],
    "evaluation-summary": ["客服一部考核汇总表", "人员考核排名", "+4（+200.0%）", "无可比数据",
                           "不合格"],
    "complaints": ["投诉分析报告", "投诉类别分析", "收费问题", "TS-1005", "未办结", "超期工作日",
                   "本期共受理投诉8件（另有撤销1件，不计入统计）"],
    "visits": ["回访总结报告", "A&B <C>", "021-****6666", "超过7日才回访", "71.4%"],
    "handbook": ["岗位职责手册", "目　　录", "1. 客服主管", "(1)核实情况", "138****5678",
                 "受理 → 处理 → 回访 → 归档", "7个工作日", "2026年10月值班安排"],
}


@pytest.mark.parametrize("kind", list(CONTEXT_SPEC))
def test_template_renders_with_values(kind: str, contexts: dict[str, Any],
                                      tmp_path: Path) -> None:
    out = render_document(PACKAGE_TEMPLATES / CONTEXT_SPEC[kind].template, contexts[kind],
                          tmp_path / f"{kind}.docx")
    paragraphs = _paragraphs(out)
    text = "\n".join(paragraphs)
    for expected in EXPECTED[kind]:
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    images = sum(1 for v in CONTEXT_SPEC[kind].variables if v.shape == "image")
    with zipfile.ZipFile(out) as z:
        assert sum(1 for n in z.namelist() if n.startswith("word/media/")) == images
        charts = sum(1 for v in CONTEXT_SPEC[kind].variables if v.shape == "chart")
        assert sum(1 for n in z.namelist() if n.startswith("word/charts/ok_chart")) == charts


def test_empty_sections_print_a_sentence_not_an_empty_table(october: KpiResult,
                                                            tmp_path: Path) -> None:
    row = october.person("E001")
    assert row is not None
    out = render_document(PACKAGE_TEMPLATES / "evaluation.docx",
                          evaluation_context(row, october, SETTINGS), tmp_path / "e.docx")
    text = "\n".join(_paragraphs(out))
    assert "本期未受理投诉。" in text and "本期无超时投诉。" in text
    assert "投诉编号" not in text  # the late table is left out, header and all


def test_handbook_layout_toc_field_landscape_calendar_page_numbers(
        contexts: dict[str, Any], tmp_path: Path) -> None:
    out = render_document(PACKAGE_TEMPLATES / "handbook.docx", contexts["handbook"],
                          tmp_path / "handbook.docx")
    with zipfile.ZipFile(out) as z:
        document = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
        footers = [z.read(n).decode() for n in z.namelist() if re.match(r"word/footer\d", n)]
    assert 'TOC \\o "1-2"' in document
    assert "updateFields" not in settings  # Word opens it without asking to update fields
    entries = _toc_entries(out)
    assert [title for title, _ in entries] == [e["title"] for e in contexts["handbook"]["toc"]]
    assert {"一、岗位设置与职责", "二、人员名录", "五、数据来源"} <= {t for t, _ in entries}
    assert all(page is None for _, page in entries)  # not laid out: titles without numbers
    numbered = render_document(
        PACKAGE_TEMPLATES / "handbook.docx",
        toc_with_pages(contexts["handbook"], range(3, 3 + len(entries))), tmp_path / "n.docx")
    assert [page for _, page in _toc_entries(numbered)] == [
        str(n) for n in range(3, 3 + len(entries))]
    assert 'w:orient="landscape"' in document
    assert any(" PAGE " in f for f in footers)
    assert 'w:eastAsia="宋体"' in z_styles(out)


def _toc_entries(docx: Path) -> list[tuple[str, str | None]]:
    """The TOC field's cached result: (title, page after the tab or None) per entry."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    entries: list[tuple[str, str | None]] = []
    for p in root.iter(f"{w}p"):
        style = p.find(f"{w}pPr/{w}pStyle")
        if style is None or style.get(f"{w}val") not in ("toc1", "toc2"):
            continue
        text = "".join(el.text or "" if el.tag == f"{w}t" else "\t"
                       for el in p.iter(f"{w}t", f"{w}tab"))
        title, _, page = text.partition("\t")
        entries.append((title, page or None))
    return entries


def z_styles(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read("word/styles.xml").decode()


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_pdf_has_cjk_font_text_and_toc_page_numbers(contexts: dict[str, Any],
                                                     tmp_path: Path) -> None:
    documents = [render_document(PACKAGE_TEMPLATES / CONTEXT_SPEC[kind].template,
                                 contexts[kind], tmp_path / f"{kind}.docx")
                 for kind in ("evaluation", "handbook")]
    with PdfConverter() as converter:
        evaluation, handbook = converter.convert_many(documents)
    fonts = subprocess.run(["pdffonts", str(evaluation)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"CJK|WenQuanYi", fonts), fonts
    text = subprocess.run(["pdftotext", "-layout", str(evaluation), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "个人绩效考核报告" in text and "王晓梅" in text
    contents = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(handbook), "-"],
                              capture_output=True, text=True, check=True).stdout
    # the converter updates the TOC field: each heading with its page number
    assert re.search(r"二、人员名录\s*\.+\s*\d+", contents), contents
