"""Every message a user reads comes from the catalogue (src/officekit/i18n/), in the language
asked for: no Chinese string literal elsewhere in src/ unless it is data, not a message.

The test walks the syntax tree of every module of src/officekit outside i18n/ and collects the
string constants holding CJK characters. Docstrings are documentation and are skipped (the
CLI commands' ``--help`` is not their docstring: it comes from the catalogue, ``command.*`` and
``help.*``, in the language asked — tests/test_cli_help.py).
What may stay, and why:

* DATA_MODULES — whole modules whose Chinese is data the program matches or writes, never a
  message about what happened: the sheet kinds' header names and aliases (what workbooks are
  read against), the canonical values stored in the ledger (已办结), the sample workbooks'
  content, the documents' own prose and labels (what the golden files hold), parsing patterns
  (dates written 2026年10月, 上午/下午, 序号), the metric and scheme names and the xlsx column
  headers (document content), the outbox index page (a Chinese document).
* DATA_LITERALS — single values allowed anywhere: font names, the parts of file names and
  folder names officekit writes (考核报告, 督办清单, .校验结果), document titles, chart labels,
  the numerals and units period labels are made of. These name things; they say nothing.
* PENDING — modules that still build a message inline, with how many such literals they hold.
  The number may only go down: a module converted to catalogue keys is taken off the list, and
  a new inline message anywhere fails the test. Empty since every module was converted; keep
  it for a module moved in from elsewhere that cannot be converted at once.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import officekit

SRC = Path(officekit.__file__).parent
CJK = re.compile(r"[\u3400-\u9fff]")

DATA_MODULES: dict[str, str] = {
    "kinds.py": "the sheet kinds: titles, header names and aliases workbooks are matched against",
    "canonical.py": "canonical values stored in the ledger and compared (已办结, statuses)",
    "samples/": "the sample workbooks' content: names, complaint texts, duties",
    "render/contexts/": "document content: the reports' prose and table labels",
    "render/context_spec.py": "the documents' variables described for template authors "
                              "(docs/templates.md is generated from it)",
    "render/filters.py": "Chinese numerals and units the template filters write into documents",
    "render/tocpages.py": "the handbook's contents page title (目录), found in its laid-out PDF",
    "kpis/metrics.py": "metric names and units shown in documents and the KPI workbook",
    "kpis/schemes.py": "evaluation scheme names and the job titles they apply to",
    "kpis/export.py": "the KPI workbook's column headers (a document)",
    "kpis/compute.py": "status and shift words read from the ledger (离职, 夜班), numerals",
    "kpis/complaint_figures.py": "the complaint report's bucket labels (document content)",
    "kpis/visit_figures.py": "the visit report's bucket labels (document content)",
    "kpis/calendar.py": "day kinds of the working calendar (document content); its warning "
                        "comes from i18n/documents.py",
    "kpis/coverage.py": "register names in the coverage table (document content)",
    "kpis/periods.py": "period patterns and labels (2026年10月, 第四季度)",
    "understand/headers.py": "header patterns: 序号, 合计, 制表 rows of office sheets",
    "understand/answers.py": "the answers offices write (满意, 是/否) and phone patterns",
    "understand/dates.py": "date and time patterns (2026年10月3日, 下午3点半)",
    "understand/values.py": "leave and rest words of schedule cells (年假, 调休)",
    "understand/problems.py": "example cell values the type messages show (张三, 满意)",
    "understand/text.py": "markers of empty or required cells (暂无, 必填)",
    "kpis/rules.py": "Chinese numerals read in natural keys",
    "understand/schedule.py": "date and weekday patterns of schedule sheets",
    "understand/numbered.py": "numbering patterns (一、二、)",
    "understand/classify.py": "sheet-name words (汇总, 说明) and month patterns",
    "deliver/index.py": "the outbox index page, a Chinese document",
    "deliver/recipients.py": "job-title words matched in the staff list (经理, 主管); the "
                             "reasons a document cannot be sent come from i18n/delivery.py",
    "ledger/writing.py": "the 上旬/中旬/下旬 of a schedule's month parts (stored values)",
    "settings/": "the settings key table's zh/en help (rendered by settings.reference); its "
                 "errors go through i18n/settings.py (the settings engineer's part of #11)",
    "settings.py": "as settings/ (before it became a package)",
}

DATA_LITERALS = frozenset({
    # fonts
    "宋体", "新宋体", "黑体", "仿宋", "仿宋_GB2312", "楷体", "方正小标宋简体", "华文中宋",
    "微软雅黑", "等线",
    # names of documents, files and folders officekit writes, and of the registers
    "考核报告", "考核汇总", "投诉分析报告", "回访总结报告", "岗位职责手册", "个人考核报告",
    "部门考核汇总", "_考核报告", "_投诉分析报告", "_回访总结报告", "_考核汇总.docx",
    "_岗位职责手册.docx", "考核指标_", "督办", "_督办清单.xlsx", "公文", ".校验结果", "校验结果",
    "校验结果：", "投诉登记表", "回访记录表", "排班表", "人员名单", "岗位职责表",
    # robots' names, a department-less bucket, a severity word read from the ledger
    "企业微信", "钉钉", "未分部门", "重大",
    # chart and picture labels inside documents
    "无数据", "件数", "累计占比", "图表 ", "图片 ",
    # numerals and units of labels
    "一", "年", "月", "年第", "季度",
    # the subject line of a mail template, as office users write it; the default sender name
    "主题：", "主题:", "办公室",
    # colour names of the Word value checks (params of error.template.bad-colour)
    "底色", "颜色",
})

# module → inline message literals still there (may only go down)
PENDING: dict[str, int] = {}


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and CJK.search(node.value)]


def _allowed(rel: str) -> bool:
    return rel.startswith("i18n/") or any(
        rel == m or (m.endswith("/") and rel.startswith(m)) for m in DATA_MODULES)


def inline_messages() -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if _allowed(rel):
            continue
        texts = [(line, s) for line, s in _strings(path) if s not in DATA_LITERALS]
        if texts:
            found[rel] = texts
    return found


def test_no_new_inline_message_outside_the_catalogue() -> None:
    found = inline_messages()
    grown = {rel: [f"{line}: {s[:60]!r}" for line, s in texts]
             for rel, texts in found.items() if len(texts) > PENDING.get(rel, 0)}
    assert grown == {}, "a message belongs in src/officekit/i18n/ (see this test's docstring)"


def test_the_pending_list_is_current() -> None:
    """A module whose inline messages were converted comes off the list (or its count down)."""
    found = inline_messages()
    stale = {rel: (count, len(found.get(rel, []))) for rel, count in PENDING.items()
             if len(found.get(rel, [])) < count}
    assert stale == {}


def test_the_walk_finds_a_chinese_literal(tmp_path: Path) -> None:
    """The test can fail: an inline message in a module is found, its docstring is not."""
    module = tmp_path / "m.py"
    module.write_text('"""文档。"""\n\ndef f() -> str:\n    """说明。"""\n'
                      '    return "出错了 / failed"\n', encoding="utf-8")
    assert _strings(module) == [(5, "出错了 / failed")]
