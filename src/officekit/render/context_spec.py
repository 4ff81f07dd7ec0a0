"""What each document's context provides: every variable, with a Chinese description (data).

The builders in :mod:`officekit.render.contexts` return exactly these keys (a test holds them
to it). ``templates check`` asks :func:`provided_names` which names a template may use, or
checks against :func:`sample_context` to follow ``staff.name`` and loop items; and
``docs/templates.md`` is :func:`context_reference` written out by ``scripts/build_templates.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Shape = Literal["value", "list", "dict", "image", "chart", "texts"]


@dataclass(frozen=True, slots=True)
class Var:
    """One context variable. ``fields`` describe the keys of a dict, or of each item of a list.

    ``shape``: a plain value (text, number, true/false), a list of dicts, a dict, a picture,
    or a list of texts (paragraphs).
    """

    name: str
    zh: str
    example: str = ""
    fields: tuple[Var, ...] = ()
    shape: Shape = "value"
    items: int = 1  # how many items a list always has (the 31 days of the duty calendar)


@dataclass(frozen=True, slots=True)
class DocSpec:
    """One document kind: its template file, what it is made for, and its variables."""

    kind: str
    title: str
    one_per: str
    template: str
    builder: str
    variables: tuple[Var, ...]
    variants: str = ""  # other templates that take the same context


V = Var


def L(name: str, zh: str, *, fields: tuple[Var, ...], items: int = 1) -> Var:
    """A list of dicts, one per table row."""
    return Var(name, zh, fields=fields, shape="list", items=items)


def D(name: str, zh: str, *, fields: tuple[Var, ...]) -> Var:
    """A dict of named values."""
    return Var(name, zh, fields=fields, shape="dict")


def Pic(name: str, zh: str) -> Var:
    """A picture (chart); put it alone in a paragraph."""
    return Var(name, zh, shape="image")


def Chart(name: str, zh: str) -> Var:
    """A native Word chart (its data editable in Word); put it alone in a paragraph."""
    return Var(name, zh, shape="chart")


def T(name: str, zh: str, example: str = "", items: int = 1) -> Var:
    """A list of texts, one paragraph each."""
    return Var(name, zh, example, shape="texts", items=items)


_COMMON = (
    V("period", "期间代码", "2026-10"),
    V("period_label", "期间（中文）", "2026年10月"),
    V("as_of", "统计截止日期", "2026年11月5日"),
    V("generated_on", "生成日期", "2026年11月5日"),
)
_SCOPE = (
    V("scope", "统计范围：部门名称，或“全部部门”", "全部部门"),
    V("department", "部门名称（未指定部门时为空）", "客服一部"),
)
_COUNT_SHARE = (V("count", "件数", "12"), V("share", "占比", "35.3%"))
_SOURCES = (
    L("sources", "数据来源：本文档所依据的每种登记表一行", fields=(
        V("register", "登记表", "投诉登记表"),
        V("files", "文件（多于 3 个时写“等 N 个文件”）", "2026年11月投诉登记表.xlsx"),
        V("dates", "本期内覆盖的日期", "2026年11月1日–30日"),
        V("state", "完整 / 部分：缺 … / 缺失：本期未提交", "完整"))),
    V("sources_note", "数据来源说明：缺哪种登记表、哪些只覆盖部分日期",
      "本期所需登记表均已齐全。"),
)
_WARNINGS = T("warnings", "提示（如某年份法定节假日未收录、按周一至周五计算工作日）")
_ITEM_TEXT = (V("number", "编号", "1."), V("text", "内容", "负责受理客户来电投诉"))
_ITEM_FIELDS = (
    *_ITEM_TEXT,
    L("children", "下级条目，编号为 (1)；其下级 children 编号为 ①", fields=(
        *_ITEM_TEXT, L("children", "第三级条目", fields=_ITEM_TEXT))),
)

EVALUATION = DocSpec(
    kind="evaluation", title="个人考核报告", one_per="每人每期一份",
    template="evaluation.docx", builder="evaluation_context",
    variants=("`evaluation-visitor.docx`（回访）、`evaluation-lead.docx`（管理，按部门指标）、"
              "`evaluation-none.docx`（不考核）；`evaluation.docx` 用于投诉处理岗位和"
              "没有专用模板的自定义方案（自定义方案 X 可放 `evaluation-X.docx`）"),
    variables=(
        *_COMMON,
        D("staff", "被考核人", fields=(
            V("staff_id", "工号", "E0012"), V("name", "姓名", "王晓梅"),
            V("department", "部门", "客服一部"), V("role", "岗位", "客服专员"))),
        D("scheme", "考核方案（按岗位确定）", fields=(
            V("name", "方案代码：handler / visitor / lead / none 或自定义", "handler"),
            V("label", "方案名称", "投诉处理"))),
        V("assessed", "本岗位是否参与考核（真/假；none 方案为假）", "true"),
        V("score_note", "得分说明：为何没有得分，或哪些指标样本不足未计分（无则为空）", ""),
        V("coverage_note", "数据覆盖提示：本期登记表只覆盖部分日期时说明（无则为空）", ""),
        L("kpi_rows", "考核指标表：本方案计分的指标在前，仅供参考的在后", fields=(
            V("label", "指标名称", "办结率"),
            V("target", "目标值", "≥ 95.0%"),
            V("actual", "实际值", "96.2%"),
            V("cases", "样本数（指标的分母，如 26 件、79 次、目标 60 次）", "26件"),
            V("met", "是否达标：达标 / 未达标 / 样本不足 / 无数据 / —", "达标"),
            V("weight", "设定权重，或“不计分”", "25%"),
            V("share", "折算权重（无数据、样本不足的指标不计，其余按比例放大）", "31.3%"),
            V("points", "得分（一位小数，按最大余数法分配，合计恰为综合得分）", "30.1"))),
        V("min_cases", "最少样本数（少于此数的指标显示但不计分）", "3"),
        V("score", "综合得分（0–100，一位小数；无数据为 —）", "88.6"),
        V("grade", "考核等级；无得分为“未评定”，不考核岗位为“不考核”", "良好"),
        V("rank", "部门内同方案名次（数字；未参与排名为空）", "2"),
        V("rank_total", "部门内同方案参与排名人数", "10"),
        V("rank_text", "名次说明", "第2名/共10人"),
        V("received", "受理投诉件数", "26"),
        V("resolved", "已办结件数", "25"),
        V("closure_rate", "办结率", "96.2%"),
        V("on_time_rate", "按时办结率", "92.0%"),
        V("resolution_days", "平均办理工作日", "2.4"),
        V("followup_rate", "回访率", "88.0%"),
        V("satisfaction", "满意度均值（折合百分制）", "4.35（83.8分）"),
        L("categories", "投诉类别分布", fields=(V("category", "类别", "收费问题"), *_COUNT_SHARE)),
        V("has_late", "是否有超时投诉（真/假）", "true"),
        L("late", "超时投诉清单", fields=(
            V("complaint_id", "投诉编号", "TS202610-015"),
            V("received", "受理日期", "2026-10-09"),
            V("category", "类别", "办理时效"),
            V("severity", "严重程度", "较重"),
            V("deadline", "办结期限", "2026-10-12"),
            V("resolved", "办结日期，或“未办结”", "2026-10-14"),
            V("days_late", "超期工作日数（截至统计截止日）", "2个工作日"))),
        V("late_more", "超时投诉未在文中列出的件数（全部见附表）", "0"),
        V("late_file", "超时投诉全表（.xlsx，与本文档同目录；不超过 20 件时为空）", ""),
        V("visits_made", "本人回访次数", "18"),
        V("visits_reached", "其中联系成功次数", "16"),
        V("visit_success_rate", "回访成功率", "88.9%"),
        V("followup_visits", "投诉回访次数（关联已办结投诉的回访）", "12"),
        V("timely_visits", "其中办结后规定天数内完成的次数", "11"),
        V("visit_timeliness", "回访及时率", "91.7%"),
        V("visit_target", "本期回访量目标（次）", "60"),
        V("visit_target_rate", "回访量完成率", "30.0%"),
        V("scored_visits", "记录了满意度的成功回访次数", "15"),
        V("visit_scored_rate", "满意度记录率", "93.8%"),
        V("department_received", "本部门受理投诉件数（管理岗位报告用）", "120"),
        V("department_resolved", "本部门已办结件数", "110"),
        L("team", "团队考核排名（管理岗位报告用；其他岗位为空）", fields=(
            V("rank", "同方案内名次", "1"), V("name", "姓名", "王晓梅"),
            V("role", "岗位", "客服专员"), V("scheme", "考核方案", "投诉处理"),
            V("score", "得分", "88.6"), V("grade", "等级", "良好"))),
        V("shifts_worked", "值班班次数（不含休息、请假）", "22"),
        V("night_shifts", "其中夜班数", "4"),
        Chart("trend_chart", "近 6 期综合得分趋势图，缺数据的期间留空"),
        L("trend", "近 6 期得分", fields=(V("period", "期间", "2026年9月"),
                                         V("score", "综合得分", "86.1"))),
        *_SOURCES,
        _WARNINGS,
    ),
)

SUMMARY = DocSpec(
    kind="evaluation-summary", title="部门考核汇总", one_per="每部门每期一份",
    template="evaluation-summary.docx", builder="summary_context",
    variables=(
        *_COMMON,
        V("department", "部门", "客服一部"),
        V("headcount", "列入考核人数", "10"),
        V("ranked", "有得分、参与排名的人数", "9"),
        V("department_score", "部门综合得分", "86.4"),
        V("department_grade", "部门等级", "良好"),
        L("ranking", "人员排名表（按名次）", fields=(
            V("rank", "排名（无得分为 —）", "1"), V("staff_id", "工号", "E0012"),
            V("name", "姓名", "王晓梅"), V("role", "岗位", "客服专员"),
            V("scheme", "考核方案", "投诉处理"),
            V("received", "受理量", "26"), V("closure_rate", "办结率", "96.2%"),
            V("on_time_rate", "及时率（按时办结率）", "92.0%"),
            V("followup_rate", "回访率", "88.0%"), V("satisfaction", "满意度（1–5）", "4.35"),
            V("score", "得分", "88.6"), V("grade", "等级", "良好"))),
        L("scheme_rankings", "各考核方案的排名（每个方案一张表，名次在方案内排）", fields=(
            V("name", "方案代码", "handler"), V("label", "方案名称", "投诉处理岗位"),
            V("caption", "表题：方案名称与参与排名人数", "投诉处理岗位（参与排名7人）"),
            T("heads", "四个指标列的表头（本方案计分的指标）", "办结率", items=4),
            L("rows", "排名行", fields=(
                V("rank", "名次（无得分为 —）", "1"), V("staff_id", "工号", "E0012"),
                V("name", "姓名", "王晓梅"), V("role", "岗位", "客服专员"),
                T("metrics", "四个指标值，与 heads 对应", "96.2%", items=4),
                V("score", "得分", "88.6"), V("grade", "等级", "良好"))),
            V("ranked", "参与排名人数", "9"),
            V("note", "说明", "样本少于3件（次）的指标不计分；同分者名次相同。"))),
        L("grades", "等级分布", fields=(
            V("grade", "等级", "优秀"), V("range", "分数段", "90分及以上"),
            V("count", "人数", "3"), V("share", "占比", "30.0%"))),
        Chart("grade_chart", "等级分布图"),
        L("comparison", "部门指标对比（环比、同比）", fields=(
            V("label", "指标", "办结率"), V("current", "本期", "95.1%"),
            V("previous", "上期", "93.0%"), V("mom", "环比变化，或“无可比数据”", "+2.1个百分点"),
            V("last_year", "去年同期", "—"), V("yoy", "同比变化，或“无可比数据”", "无可比数据"))),
        V("previous_label", "上期名称", "2026年9月"),
        V("last_year_label", "去年同期名称", "2025年10月"),
        V("has_previous", "上期是否有数据", "true"),
        V("has_last_year", "去年同期是否有数据", "false"),
        V("has_comparison", "上期或去年同期是否有数据", "true"),
        *_SOURCES,
        _WARNINGS,
    ),
)

COMPLAINTS = DocSpec(
    kind="complaints", title="投诉分析报告", one_per="每期一份（可按部门）",
    template="complaints.docx", builder="complaints_context",
    variables=(
        *_COMMON, *_SCOPE,
        V("total", "受理投诉件数（不含撤销）", "86"),
        V("withdrawn", "撤销件数", "2"),
        V("resolved", "已办结件数", "80"),
        V("open", "未办结件数", "6"),
        V("closure_rate", "办结率", "93.0%"),
        V("on_time_rate", "按时办结率", "90.1%"),
        V("overdue", "超期件数", "8"),
        V("overdue_open", "超期且仍未办结件数", "3"),
        V("resolution_days", "平均办理工作日", "2.6"),
        L("by_category", "按类别（件数从多到少，帕累托）", fields=(
            V("category", "类别", "收费问题"), *_COUNT_SHARE,
            V("cumulative", "累计占比", "58.1%"))),
        Chart("pareto_chart", "投诉类别帕累托图"),
        L("by_channel", "按受理渠道", fields=(V("channel", "渠道", "电话"), *_COUNT_SHARE)),
        L("by_severity", "按严重程度", fields=(V("severity", "严重程度", "一般"), *_COUNT_SHARE)),
        L("by_department", "按责任部门", fields=(
            V("department", "部门", "客服一部"), *_COUNT_SHARE,
            V("resolved", "已办结", "30"), V("closure_rate", "办结率", "93.8%"))),
        L("resolution", "办理时长分布（工作日：当日、1天、2–3天、4–7天、7天以上、未办结）",
          fields=(V("bucket", "时长", "2–3天"), *_COUNT_SHARE)),
        Chart("resolution_chart", "办理时长分布图"),
        V("has_overdue", "是否有超期投诉", "true"),
        L("overdue_list", "超期投诉清单（未办结在前）", fields=(
            V("complaint_id", "投诉编号", "TS202610-015"), V("received", "受理日期", "2026-10-09"),
            V("customer", "客户", "李先生"), V("category", "类别", "办理时效"),
            V("severity", "严重程度", "较重"), V("department", "责任部门", "客服一部"),
            V("handler", "处理人", "王晓梅"), V("deadline", "办结期限", "2026-10-12"),
            V("resolved", "办结日期，或“未办结”", "未办结"),
            V("days_late", "超期工作日数（截至统计截止日）", "5"),
            V("open", "是否仍未办结", "true"))),
        V("overdue_more", "未在文中列出的超期件数（文中最多 20 件）", "0"),
        V("overdue_file", "超期投诉全表（.xlsx，与本文档同目录；不超过 20 件时为空）", ""),
        L("trend", "近 6 期趋势", fields=(
            V("period", "期间", "2026年9月"), V("received", "受理量", "79"),
            V("resolved", "办结量", "77"), V("closure_rate", "办结率", "97.5%"))),
        Chart("trend_chart", "近 6 期受理量趋势图"),
        T("analysis", "分析段落：总量与环比、主要类别、办理情况、严重程度"),
        *_SOURCES,
        _WARNINGS,
    ),
)

_GROUP_FIELDS = (
    V("name", "名称", "电话"), V("count", "次数", "120"), V("share", "占比", "60.0%"),
    V("reached", "联系成功次数", "110"), V("success_rate", "成功率", "91.7%"),
)

VISITS = DocSpec(
    kind="visits", title="回访总结报告", one_per="每期一份（可按部门）",
    template="visits.docx", builder="visits_context",
    variables=(
        *_COMMON, *_SCOPE,
        V("total", "回访总次数", "200"),
        V("reached", "联系成功次数", "184"),
        V("success_rate", "回访成功率", "92.0%"),
        V("satisfaction", "平均满意度（折合百分制）", "4.21（80.3分）"),
        V("rated", "有满意度评价的次数", "170"),
        V("unrated", "未评价次数（含未联系上）", "30"),
        L("by_method", "按回访方式", fields=_GROUP_FIELDS),
        L("by_purpose", "按回访类型", fields=_GROUP_FIELDS),
        L("satisfaction_rows", "满意度分布（非常满意 → 非常不满意）", fields=(
            V("label", "评价", "满意"), V("score", "分值", "4"),
            V("count", "次数", "80"), V("share", "占比", "47.1%"))),
        Chart("satisfaction_chart", "满意度分布图"),
        V("followup_days", "办结后应回访的天数（设置 followup_days）", "7"),
        V("resolved_complaints", "本期办结投诉件数", "80"),
        V("followed_up", "其中按时完成有效回访件数", "72"),
        V("coverage", "投诉回访覆盖率", "90.0%"),
        V("has_missed", "是否有未按时回访的投诉", "true"),
        L("missed", "未按时回访的投诉（最多 20 件）", fields=(
            V("complaint_id", "投诉编号", "TS202610-031"), V("customer", "客户", "赵女士"),
            V("handler", "处理人", "刘洋"), V("resolved", "办结日期", "2026-10-20"),
            V("reason", "原因：未回访 / 回访未联系上 / 超过 N 日才回访", "未回访"))),
        V("missed_more", "未列出的其余件数", "0"),
        V("missed_file", "未按时回访全表（.xlsx，与本文档同目录；不超过 20 件时为空）", ""),
        L("by_staff", "按回访人", fields=(
            V("name", "回访人", "陈静"), V("count", "次数", "40"), V("reached", "联系成功", "37"),
            V("success_rate", "成功率", "92.5%"), V("satisfaction", "平均满意度", "4.30"))),
        V("has_feedback", "是否有值得关注的客户意见", "true"),
        L("feedback", "客户意见摘录（满意度最低、有意见的在前，最多 8 条）", fields=(
            V("date", "回访日期", "2026-10-18"), V("customer", "客户", "周先生"),
            V("phone", "联系电话（按设置打码）", "138****5678"), V("staff", "回访人", "陈静"),
            V("method", "回访方式", "电话"),
            V("satisfaction", "满意度评价，或“未评价”", "不满意"),
            V("feedback", "客户意见", "等待时间过长"), V("complaint_id", "关联投诉编号", "—"))),
        *_SOURCES,
    ),
)

HANDBOOK = DocSpec(
    kind="handbook", title="岗位职责手册", one_per="每部门一份",
    template="handbook.docx", builder="handbook_context",
    variables=(
        V("department", "部门", "客服一部"),
        V("edition", "版次", "2026年11月版"),
        V("edition_date", "编印日期", "2026年11月5日"),
        V("month_label", "值班表月份", "2026年11月"),
        L("toc", "目录条目（生成 PDF 时按排版结果填入页码）", fields=(
            V("level", "级别 1 或 2", "1"), V("title", "标题", "一、岗位设置与职责"),
            V("page", "页码（未排版时为空，Word 中“更新域”可补上）", "3"))),
        L("roles", "岗位（自上而下）", fields=(
            V("number", "序号", "1"), V("role", "岗位名称", "客服主管"),
            V("reports_to", "直属上级", "客户服务中心主任"),
            V("purpose", "岗位目的", "组织本组客户服务工作"),
            L("duties", "岗位职责（编号条目）", fields=_ITEM_FIELDS),
            L("requirements", "任职要求（编号条目）", fields=_ITEM_FIELDS),
            V("anchor", "书签名（内部使用）", "role1"))),
        V("has_roles", "是否登记了岗位职责", "true"),
        L("directory", "人员名录（不含离职）", fields=(
            V("index", "序号", "1"), V("name", "姓名", "王晓梅"), V("staff_id", "工号", "E0012"),
            V("role", "岗位", "客服专员"), V("phone", "手机（按设置打码）", "138****5678"),
            V("email", "邮箱", "wangxm@example.com"), V("status", "状态", "在职"))),
        D("calendar", "本月值班表", fields=(
            V("month_label", "月份", "2026年11月"),
            L("days", "31 个日期列（当月没有的日期为空）", items=31, fields=(
                V("day", "日", "1"), V("weekday", "星期", "日"),
                V("weekend", "是否周末", "true"))),
            L("rows", "每人一行", fields=(
                V("name", "姓名", "王晓梅"),
                T("cells", "31 个班次代码（同日多班以 / 分隔）", "早", items=31),
                V("worked", "当月上班班次数", "22"))),
            V("legend", "班次说明", "早＝早班（08:00–16:00）；休＝休息"),
            V("has_rows", "是否有排班数据", "true"))),
        L("procedure", "投诉处理流程各环节", fields=(
            V("step", "环节", "受理"), V("text", "工作要求", "……"))),
        V("flow", "流程示意", "受理 → 处理 → 回访 → 归档"),
        L("deadlines", "办结时限", fields=(
            V("severity", "严重程度", "一般"), V("days", "工作日数", "7"),
            V("scope", "适用情形", "……"))),
        V("followup_days", "办结后应回访的天数", "7"),
        *_SOURCES,
    ),
)

CONTEXT_SPEC: dict[str, DocSpec] = {
    spec.kind: spec for spec in (EVALUATION, SUMMARY, COMPLAINTS, VISITS, HANDBOOK)
}


def provided_names(kind: str) -> frozenset[str]:
    """The top-level variable names the context of ``kind`` provides (for ``templates check``)."""
    return frozenset(v.name for v in CONTEXT_SPEC[kind].variables)


_SHAPE_ZH = {"value": "", "list": "（列表）", "dict": "（字典）", "image": "（图片）",
             "chart": "（图表）", "texts": "（文字列表）"}


def _sample(var: Var) -> Any:
    if var.shape == "list":
        return [{f.name: _sample(f) for f in var.fields} for _ in range(var.items)]
    if var.shape == "dict":
        return {f.name: _sample(f) for f in var.fields}
    if var.shape == "texts":
        return [var.example or var.zh] * var.items
    if var.shape in ("image", "chart"):
        return f"[{var.zh}]"
    return var.example or var.zh


def sample_context(kind: str) -> dict[str, Any]:
    """A context of the right shape built from the examples (for ``templates check``).

    Lists hold one item, so a check can follow ``r.label`` through ``{%tr for r in rows %}``;
    the 31 day cells of the duty calendar are all there, for ``r.cells[30]``.
    """
    return {v.name: _sample(v) for v in CONTEXT_SPEC[kind].variables}


def _rows(variables: tuple[Var, ...], prefix: str = "") -> list[str]:
    out = []
    for v in variables:
        example = f"`{v.example}`" if v.example else ""
        out.append(f"| `{prefix}{v.name}` | {v.zh}{_SHAPE_ZH[v.shape]} | {example} |")
        if v.fields:
            out.extend(_rows(v.fields, f"{prefix}{v.name}."))
    return out


def context_reference() -> str:
    """``docs/templates.md``: every variable of every document, as Markdown tables."""
    lines = [
        "# 模板变量参考 / Template context reference",
        "",
        "本文件由 `scripts/build_templates.py` 根据 `officekit.render.context_spec` 生成，"
        "请勿手工修改。 / Generated from code; do not edit by hand.",
        "",
        "模板是 `templates/` 中的 Word 文件（.docx），标签沿用 docxtpl 的写法：",
        "`{{ 变量 }}` 输出数值；`{%tr for r in 列表 %}` … `{%tr endfor %}` 按行重复表格行；",
        "`{%p if 条件 %}` … `{%p endif %}` 按条件保留段落（其间的表格一并保留或删除）；",
        "图片和图表变量（如 `{{ trend_chart }}`）单独放在一个段落中。数值已按中文习惯排好版："
        "比率为 `95.0%`，没有数据显示为 `—`。列表变量的字段写作 `列表.字段`，"
        "在循环中用循环变量引用，如 `{{ r.label }}`。",
        "",
    ]
    for spec in CONTEXT_SPEC.values():
        lines += [
            f"## {spec.title}（`{spec.kind}`）",
            "",
            f"- 模板文件：`templates/{spec.template}`",
            f"- 生成频次：{spec.one_per}",
            f"- 上下文函数：`officekit.render.contexts.{spec.builder}`",
            *([f"- 按考核方案另有模板：{spec.variants}"] if spec.variants else []),
            "",
            "| 变量 | 说明 | 示例 |",
            "|---|---|---|",
            *_rows(spec.variables),
            "",
        ]
    from officekit.render.filters import filter_reference

    lines += filter_reference()
    return "\n".join(lines)
