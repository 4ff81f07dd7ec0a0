"""The message catalogue: every issue code used in src/ has a Chinese and an English message
that formats cleanly with its documented params, full or with the optional ones empty."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from pathlib import Path

import pytest

from officekit import i18n
from officekit.i18n import ISSUES, PARAMS, UI, display, issue_message, t
from officekit.kinds import KINDS
from officekit.model import Issue
from officekit.validate.cross import SEVERITY

SRC = Path(__file__).resolve().parents[1] / "src" / "officekit"
STANDARD = {"column", "value", "field", "row", "sheet", "cell"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# The codes the product defines (SPEC §4, the intake's, the file-level ones)
EXPECTED_CODES = {
    "missing-column", "duplicate-column", "required", "type", "enum", "duplicate-key",
    "date-order", "future-date", "status-fields", "unknown-staff", "ambiguous-staff",
    "schedule-clash", "extra-column", "no-staff-list", "unknown-complaint", "phone-format",
    "duplicate-row", "status-regression", "rest-rule", "uncovered-shift", "hidden-rows",
    "formula-no-cache", "skipped-sheet", "no-known-sheet", "corrupt-file", "encrypted-file",
    "empty-file", "not-a-workbook", "unsupported-format", "duplicate-file", "staff-mismatch",
}

_KEBAB = r"[a-z]+(?:-[a-z]+)+"
_CODE_PATTERNS = (
    re.compile(rf"\bcode\s*=\s*[\"']({_KEBAB}|[a-z]+)[\"']"),
    # Issue("error", "type", …) and any helper named *issue*: issue_at("date-order", …)
    re.compile(r"\bIssue\(\s*[\"'](?:error|warning|info)[\"']\s*,\s*[\"']([a-z-]+)[\"']"),
    re.compile(r"\b\w*[iI]ssue\w*\(\s*[\"']([a-z]+(?:-[a-z]+)*)[\"']"),
    # WorkbookError("corrupt-file", …), the reader's _fail("empty-file", …)
    re.compile(rf"\b\w*(?:Error|fail)\(\s*[\"']({_KEBAB})[\"']"),
)
_VARIANT = re.compile(r"variant[\"']?\]?\s*[=:]\s*[\"']([a-z-]+)[\"']")


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(SRC.rglob("*.py"))]


def codes_used_in_src() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path, text in _sources():
        for pattern in _CODE_PATTERNS:
            for code in pattern.findall(text):
                if code not in ("error", "warning", "info"):  # Issue("error", …)'s severity
                    found.setdefault(code, path)
    return found


def test_the_scan_finds_codes() -> None:
    used = codes_used_in_src()
    # guards the scan itself: validation's own codes are raised through issue_at(…)
    assert {"duplicate-key", "status-fields", "schedule-clash", "uncovered-shift"} <= set(used)


def test_every_code_used_in_src_has_a_message() -> None:
    missing = {code: str(path.relative_to(SRC)) for code, path in codes_used_in_src().items()
               if code not in ISSUES}
    assert missing == {}


def test_every_variant_used_in_src_has_a_message() -> None:
    variants = {v for _, text in _sources() for v in _VARIANT.findall(text)}
    assert variants >= {"visit", "unexpected", "ledger"}
    for variant in variants:
        assert any(key.endswith(f"/{variant}") for key in ISSUES), variant


def test_every_product_code_and_every_validation_code_is_in_the_catalogue() -> None:
    assert EXPECTED_CODES | set(SEVERITY) <= set(ISSUES)
    assert set(PARAMS) == set(ISSUES)


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(ISSUES))
def test_messages_use_only_documented_params(key: str) -> None:
    zh, en = ISSUES[key]
    assert zh.strip() and en.strip()
    assert CJK.search(zh)
    documented = {p.rstrip("?") for p in PARAMS[key]}
    assert _placeholders(zh) | _placeholders(en) <= STANDARD | documented
    # every documented param is shown in at least one language
    assert documented <= _placeholders(zh) | _placeholders(en)


def _issue(key: str, *, empty_optional: bool) -> Issue:
    code, _, variant = key.partition("/")
    params: dict[str, object] = {}
    for p in PARAMS[key]:
        name = p.rstrip("?")
        if p.endswith("?") and empty_optional:
            params[name] = ""
        elif name == "kind":
            params[name] = "complaints"
        elif name in ("kinds", "candidates", "rows"):
            params[name] = ["staff", "visits"] if name == "kinds" else [f"{name}1", f"{name}2"]
        else:
            params[name] = f"P{name}"
    if variant:
        params["variant"] = variant
    return Issue("error", code, sheet="投诉登记", row=7, col=11, column="办结时间",
                 field="resolved_at", value="Vvalue", params=params)


@pytest.mark.parametrize("key", sorted(ISSUES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_messages_format_cleanly_with_their_params(key: str, lang: str) -> None:
    for empty in (False, True):
        text = issue_message(_issue(key, empty_optional=empty), lang)
        assert text and not re.search(r"[{}]|\[\[|\]\]", text), text
        assert "“”" not in text and '""' not in text, text
        assert "（）" not in text and "()" not in text, text
    full = issue_message(_issue(key, empty_optional=False), lang)
    other = issue_message(_issue(key, empty_optional=False), "en" if lang == "zh" else "zh")
    for p in PARAMS[key]:
        name = p.rstrip("?")
        if name in ("kind", "kinds", "candidates", "rows"):
            continue
        assert f"P{name}" in full + other, (key, name)


def test_kinds_are_shown_by_their_titles_and_lists_are_joined() -> None:
    issue = Issue("error", "missing-column", sheet="S", params={
        "expected": "处理人", "aliases": ["承办人", "经办人"], "nearest": "", "kind": "complaints"})
    assert issue.message() == (
        "表头中缺少必填列“处理人”（投诉登记表）。请在表头行加上这一列，表头也可写作：承办人、经办人。")
    assert issue.message("en") == (
        "The header row lacks the required column \"处理人\" of the complaint register. Add it "
        "to the header row (also accepted as: 承办人, 经办人).")
    issue.row, issue.params["nearest"] = 3, "处理人员"
    assert issue.message().startswith("第 3 行的表头中缺少必填列“处理人”")
    assert issue.message().endswith(
        "表中最接近的表头是“处理人员”，如果就是这一列，请把它改为“处理人”。")
    known = Issue("error", "no-known-sheet", params={"kinds": ["staff", "complaints"]})
    assert known.message().startswith("文件中没有可识别的表格，可识别的有：人员名单、投诉登记表。")
    assert "; known kinds: staff list, complaint register." in known.message("en")


@pytest.mark.parametrize("params", [
    {"expected_zh": "日期", "expected_en": "date"},  # x_zh / x_en
    {"expected": "日期", "expected_en": "date", "example": "2026-10-03"},  # x / x_en
])
def test_params_in_both_languages_fill_the_same_placeholder(params: dict[str, str]) -> None:
    issue = Issue("error", "type", row=5, column="受理时间", value="10月32日", params=params)
    assert issue.message().startswith("第 5 行“受理时间”的值“10月32日”无法识别，应为日期")
    assert "expected: date" in issue.message("en")
    assert "日期" not in issue.message("en")


def test_the_intakes_sheet_level_params() -> None:
    hidden = Issue("warning", "hidden-rows", sheet="投诉登记", row=5, params={
        "rows": "5、6", "rows_en": "5, 6", "count": 2})
    assert hidden.message().startswith("工作表“投诉登记”中有隐藏的行（第 5、6 行，共 2 行）")
    assert "(rows 5, 6; 2 in all)" in hidden.message("en")
    skipped = Issue("info", "skipped-sheet", sheet="说明", params={
        "reason": "没有找到表头行", "reason_en": "no header row found", "hidden": False})
    assert "已跳过（没有找到表头行）" in skipped.message()
    assert "was skipped (no header row found)" in skipped.message("en")
    none = Issue("error", "no-known-sheet", params={"sheets": "说明、汇总",
                                                   "sheets_en": "说明, 汇总"})
    assert none.message().startswith("文件中没有可识别的表格（工作表：说明、汇总）。")
    dup = Issue("error", "duplicate-column", row=2, col=5, column="承办人",
                params={"first": "处理人", "first_cell": "D2"})
    assert dup.message().startswith("表头“承办人”所在的列与前面的“处理人”列（D2）是同一列")


def test_optional_parts_vanish_when_empty() -> None:
    enum = Issue("error", "enum", row=4, column="处理状态", value="已完结",
                 params={"allowed": ["待处理", "处理中", "已办结", "已撤销"], "suggestion": ""})
    assert enum.message() == (
        "第 4 行“处理状态”的值“已完结”不是可选的值。可选的值有：待处理、处理中、已办结、已撤销。")
    enum.params["suggestion"] = "已办结"
    assert "是否应为“已办结”？" in enum.message()
    assert "Did you mean \"已办结\"?" in enum.message("en")


def test_a_variant_falls_back_to_the_codes_own_message() -> None:
    issue = Issue("error", "required", row=3, column="处理人", params={"variant": "nothing"})
    assert issue.message() == "第 3 行“处理人”是必填项，但没有填写。请补上后重新提交。"
    assert issue_message(Issue("error", "no-such-code")) == "no-such-code"


def test_values_are_displayed_the_users_way() -> None:
    assert display(datetime(2026, 10, 5, 14, 0)) == "2026-10-05 14:00"
    assert display(datetime(2026, 10, 5)) == "2026-10-05"
    assert display(date(2026, 10, 5)) == "2026-10-05"
    assert display([3, 4, 5]) == "3、4、5"
    assert display([3, 4, 5], "en") == "3, 4, 5"
    assert display(True) == "是" and display(False, "en") == "no"
    assert display(2.0) == "2" and display(None) == ""


def test_duplicate_file_message_as_the_pipeline_builds_it() -> None:
    issue = Issue("info", "duplicate-file", params={
        "first_name": "10月投诉登记.xlsx", "first_time": "2026-10-31 09:12",
        "first_status": "accepted"})
    assert issue.message() == (
        "这个文件与已处理过的“10月投诉登记.xlsx”（2026-10-31 09:12）内容完全相同，不再重复导入。"
        "如果修改过文件，请确认修改已保存后再放入。")


# -------------------------------------------------------------------------------------------
# UI strings

_T_CALL = re.compile(r"(?<![\w.])t\(\s*(f?)[\"']([^\"']+)[\"']")


def test_ui_keys_used_in_src_exist() -> None:
    for path, text in _sources():
        for is_f, key in _T_CALL.findall(text):
            if is_f:
                pattern = re.compile(re.sub(r"\\\{[^}]*\\\}", "[^.]+", re.escape(key)) + "$")
                assert any(pattern.match(k) for k in UI), (path.name, key)
            else:
                assert key in UI, (path.name, key)


def test_ui_covers_kinds_statuses_and_severities() -> None:
    for kind in KINDS.values():
        assert t(f"kind.{kind.name}") == kind.title_zh
        assert t(f"kind.{kind.name}", "en") == kind.title_en
    assert [t(f"kind.{k}") for k in ("staff", "schedule", "complaints", "visits", "duties")] == [
        "人员名单", "排班表", "投诉登记表", "回访记录表", "岗位职责表"]
    for status in ("accepted", "rejected", "duplicate"):
        for lang in ("zh", "en"):
            line = t(f"cli.file.{status}", lang, name="a.xlsx", kinds="投诉登记表 12",
                     errors=3, warnings=1)
            assert "a.xlsx" in line and "{" not in line
    assert t("cli.file.rejected", name="a.xlsx", kinds="投诉登记表 12", errors=3,
             warnings=1).startswith("✗ 已拒收  a.xlsx（投诉登记表 12）：3 个错误，1 个警告")
    assert t("cli.counts", "en", errors=2, warnings=5) == "2 error(s), 5 warning(s)"
    assert t("cli.annotated", "en", path="outbox/rejected/a.校验结果.xlsx") == (
        "annotated copy written to outbox/rejected/a.校验结果.xlsx")
    for severity in ("error", "warning", "info"):
        assert t(f"cli.severity.{severity}") != f"cli.severity.{severity}"
    assert t("no.such.key") == "no.such.key"


def test_every_ui_string_has_both_languages() -> None:
    for key, (zh, en) in UI.items():
        assert zh.strip() and en.strip(), key
        assert CJK.search(zh), key


def test_each_ui_key_lives_in_one_area_module() -> None:
    """The areas are joined into one dict: a key written in two modules would silently shadow
    the other's text."""
    seen: dict[str, int] = {}
    for index, area in enumerate(i18n.AREAS):
        for key in area:
            assert key not in seen, (key, seen.get(key), index)
            seen[key] = index
    assert set(seen) == set(UI)
