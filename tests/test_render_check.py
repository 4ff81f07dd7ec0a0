"""check_template: syntax problems in Word terms and variables a context does not provide."""

from __future__ import annotations

from pathlib import Path

import pytest

from officekit.render.check import check_template

TEMPLATES = Path(__file__).parent / "data" / "templates"


def located(problems: list) -> list[tuple[str | None, str, str | None]]:  # type: ignore[type-arg]
    return [(p.location.zh() if p.location else None, p.code, p.variable or p.tag)
            for p in problems]


def test_syntax_problems_all_at_once_in_document_order() -> None:
    problems = check_template(TEMPLATES / "syntax_errors.docx", {"name", "flag", "a", "b"})
    assert located(problems) == [
        ("第 3 段", "template-syntax", "{{ name. }}"),
        ("表格 1 第 4 行第 2 列", "template-syntax", "{{ a b }}"),
        ("第 4 段", "unclosed-block", "{%p if flag %}"),
        ("第 5 段", "unclosed-tag", "{{ oops"),
    ]
    assert problems[1].message("en") == ("table 1 row 4 cell 2: syntax error in tag: expected "
                                         "token 'end of print statement', got 'b' (tag: {{ a b }})")


def test_a_clean_template_with_its_names_has_no_problems() -> None:
    assert check_template(TEMPLATES / "tr_loop.docx", {"kpis"}) == []
    assert check_template(TEMPLATES / "tr_loop.docx") == []  # syntax only


def test_missing_top_level_names_with_the_tag_that_uses_them_first() -> None:
    problems = check_template(TEMPLATES / "nested_loops.docx", set())
    assert located(problems) == [("第 1 段", "missing-variable", "departments")]
    header = check_template(TEMPLATES / "header_footer.docx", {"name"})
    assert located(header) == [("页眉 1 第 1 段", "missing-variable", "company"),
                               ("页脚 1 第 1 段", "missing-variable", "period")]


def test_loop_and_set_names_and_guarded_names_are_not_missing() -> None:
    # `k` is bound by the row loop; `maybe` is only read under `is defined` / `| default`
    assert check_template(TEMPLATES / "tr_loop.docx", {"kpis"}) == []
    assert check_template(TEMPLATES / "undefined.docx", {"staff"}) == []


def test_sample_context_follows_attributes_and_loops() -> None:
    sample = {"kpis": [{"name": "办结率", "target": "90%"}]}  # no "actual"
    problems = check_template(TEMPLATES / "tr_loop.docx", sample)
    assert located(problems) == [("表格 1 第 3 行第 3 列", "missing-variable", "kpis[].actual")]
    staff = check_template(TEMPLATES / "variables.docx",
                           {"customer": "x", "staff": {"staff_id": "1"}, "nothing": None})
    assert located(staff) == [("第 2 段", "missing-variable", "staff.name")]


@pytest.mark.parametrize("content", [b"not a zip", b""])
def test_unreadable_file_is_one_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏模板.docx"
    path.write_bytes(content)
    problems = check_template(path, set())
    assert [p.code for p in problems] == ["bad-template"]
    assert "坏模板.docx" in problems[0].message()
