"""report_text.py: the lines the terminal and the log show for files and their issues."""

from __future__ import annotations

from officekit.model import FileResult, Issue, SheetResult
from officekit.report_text import file_line, format_results, issue_line


def _good() -> FileResult:
    return FileResult("/in/十月投诉.xlsx", "ab", "accepted",
                      [SheetResult("投诉登记", "complaints", 12), SheetResult("说明", None)],
                      [Issue("warning", "duplicate-row", "投诉登记", 5, 0, "投诉编号",
                             params={"first_row": 3})])


def _bad() -> FileResult:
    required = Issue("error", "required", "排班", 4, 2, "班次", "shift")
    res = FileResult("/in/排班.xlsx", "cd", "rejected", [SheetResult("排班", "schedule", 30)],
                     [required, required, required, Issue("info", "skipped-sheet", "说明")])
    res.annotated = "/out/排班.校验结果.xlsx"
    return res


def test_a_file_line_names_the_file_its_kinds_and_counts() -> None:
    assert file_line(_good(), "zh") == "✓ 已接收  十月投诉.xlsx（投诉登记表 12）：1 个警告"
    assert file_line(_good(), "en") == (
        "✓ accepted  十月投诉.xlsx (complaint register 12): 1 warning(s)")


def test_validate_says_a_good_file_passed_not_that_it_was_accepted() -> None:
    assert file_line(_good(), "zh", stored=False).startswith("✓ 通过校验  十月投诉.xlsx")
    assert "nothing stored" in file_line(_good(), "en", stored=False)


def test_an_issue_line_says_severity_code_and_cell() -> None:
    line = issue_line(_good().issues[0], "en")
    assert line.startswith("warning duplicate-row: [投诉登记!A5] Row 5 is identical to row 3")
    assert issue_line(Issue("error", "no-known-sheet"), "zh").startswith(
        "错误 no-known-sheet: 文件中没有")  # a file-level issue has no place


def test_results_cut_long_issue_lists_and_point_to_the_annotated_copy() -> None:
    lines = format_results([_good(), _bad()], "en", max_issues=2).splitlines()
    rejected = lines.index(next(x for x in lines if x.startswith("✗ rejected  排班.xlsx")))
    assert [x.split(":")[0] for x in lines[rejected + 1:rejected + 3]] == [
        "    error required"] * 2
    assert lines[rejected + 3].startswith("    … and 1 more issue(s); see the annotated copy")
    assert lines[rejected + 4] == "    annotated copy written to /out/排班.校验结果.xlsx"
    assert not any("skipped-sheet" in x for x in lines)  # info notes only for duplicates
    assert lines[-1] == "2 file(s): 1 accepted, 1 rejected, 0 duplicate"
