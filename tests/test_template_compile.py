"""Compiling a template: the one-parse check agrees with the tag-by-tag one (render/syntax.py).

``parsed_if_clean`` lets a template without problems compile with one parse of each part;
only when it says "not clean" does ``syntax_problems`` parse tag by tag to locate them. They
must agree on every template the repository has, the broken ones included.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from officekit.render.engine import load_parts
from officekit.render.jinjaenv import make_environment
from officekit.render.syntax import parsed_if_clean, syntax_problems
from officekit.render.wordxml import preprocess_part

ROOT = Path(__file__).resolve().parents[1]
ENV = make_environment()


def all_templates() -> list[Path]:
    found = sorted({*ROOT.glob("templates/**/*.docx"), *ROOT.glob("tests/data/**/*.docx")})
    return [p for p in found if zipfile.is_zipfile(p)]


@pytest.mark.parametrize("path", all_templates(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_one_parse_and_tag_by_tag_agree(path: Path) -> None:
    try:
        parts = load_parts(path)
    except Exception:
        pytest.skip("not a readable template")
    for part in parts:
        assert (parsed_if_clean(part, ENV) is not None) == (not syntax_problems(part, ENV))


def test_broken_templates_are_among_them() -> None:
    broken = [p for p in all_templates() if p.name in ("syntax_errors.docx",
                                                       "custom_jinja_filters_tpl.docx")]
    assert len(broken) >= 2
    for path in broken:
        assert any(parsed_if_clean(part, ENV) is None for part in load_parts(path))


@pytest.mark.parametrize("body", [
    "{{ x | no_such_filter }}",
    "{% if x %}{{ x | no_such_filter }}{% endif %}",  # Jinja only fails this when it runs
    "{% if x is no_such_test %}a{% endif %}",
    "{% if x %}a",
    "{{ x. }}",
])
def test_a_problem_is_never_clean(body: str) -> None:
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p>'
           "</w:body></w:document>").encode()
    part = preprocess_part("word/document.xml", xml)
    assert part is not None
    assert parsed_if_clean(part, ENV) is None and syntax_problems(part, ENV)
