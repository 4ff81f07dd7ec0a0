"""render/wordxml.py: a Word XML part to Jinja source, and template problems in Word terms."""

from __future__ import annotations

from officekit.render.wordlocation import WordLocation
from officekit.render.wordxml import preprocess_part

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document(body: str) -> bytes:
    return f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()


def _p(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs) + "</w:p>"


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in cells) + "</w:tr>"


def test_a_tag_split_over_runs_is_joined_into_one_jinja_expression() -> None:
    # Word splits text into runs wherever the formatting changes, also inside a tag
    part = preprocess_part("word/document.xml", _document(_p("你好 {{ na", "me }}！")))
    assert part is not None and part.problems == []
    assert [(t.kind, t.body) for t in part.tags] == [("expr", "name")]
    assert "{{ name \n}}" in part.source and "na</w:t>" not in part.source
    assert part.tags[0].location == WordLocation("word/document.xml", paragraph=1)


def test_a_row_loop_replaces_its_marker_rows() -> None:
    table = ("<w:tbl>" + _row("{%tr for k in kpis %}") + _row("{{ k.name }}", "{{ k.value }}")
             + _row("{%tr endfor %}") + "</w:tbl>")
    part = preprocess_part("word/document.xml", _document(_p("表头") + table))
    assert part is not None and part.problems == []
    assert [(t.level, t.keyword) for t in part.tags if t.kind == "stmt"] == [
        ("tr", "for"), ("tr", "endfor")]
    assert part.source.count("<w:tr>") == 1  # the two marker rows are gone
    loop = part.source.index("{% for k in kpis")
    assert loop < part.source.index("<w:tr>") < part.source.index("{% endfor")
    assert [t.location.text() for t in part.tags][1:3] == ["表格 1 第 2 行第 1 列",
                                                           "表格 1 第 2 行第 2 列"]


def test_an_unclosed_tag_is_a_problem_at_its_cell() -> None:
    table = "<w:tbl>" + _row("{{ ok }}", "{{ k.value") + "</w:tbl>"
    part = preprocess_part("word/document.xml", _document(table))
    assert part is not None
    (problem,) = part.problems
    assert problem.code == "unclosed-tag"
    assert problem.location == WordLocation("word/document.xml", table=1, row=1, cell=2,
                                            paragraph=1)
    assert problem.message().startswith("表格 1 第 1 行第 2 列：")
    assert problem.message("en").endswith("(tag: {{ k.value)")


def test_a_part_without_tags_is_left_alone() -> None:
    assert preprocess_part("word/document.xml", _document(_p("只是文字", "{ 不是标签 }"))) is None
