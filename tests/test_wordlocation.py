"""render/wordlocation.py: template problems and their places, in Word's terms."""

from __future__ import annotations

from officekit.render.wordlocation import TemplateProblem, WordLocation


def test_locations_name_headers_tables_and_properties() -> None:
    assert WordLocation("word/header2.xml", paragraph=1).text() == "页眉 2 第 1 段"
    assert WordLocation("word/header2.xml", paragraph=1).text("en") == "header 2 paragraph 1"
    nested = WordLocation("word/document.xml", paragraph=2, table=3, row=4, cell=5, nested=True)
    assert nested.text("en") == "table 3 row 4 cell 5 paragraph 2 (nested table)"
    assert WordLocation("docProps/core.xml", prop="title").text("en") == "document property title"


def test_a_problem_as_json() -> None:
    problem = TemplateProblem("unknown-filter", "没有名为 x 的过滤器", "there is no filter named x",
                              WordLocation("word/document.xml", paragraph=3), "{{ a | x }}")
    assert problem.to_dict("en") == {
        "code": "unknown-filter", "part": "word/document.xml", "location": "paragraph 3",
        "tag": "{{ a | x }}", "variable": None,
        "message": "paragraph 3: there is no filter named x (tag: {{ a | x }})"}
