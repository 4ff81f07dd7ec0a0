"""render/jinjaenv.py: the sandboxed, escaping, strict environment and the rich-text values."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from officekit.errors import TemplateError
from officekit.render.jinjaenv import RichText, RichTextParagraph, make_environment, text_xml


def test_values_are_escaped_for_xml() -> None:
    assert make_environment().from_string("{{ x }}").render(x="<a&b>") == "&lt;a&amp;b&gt;"


def test_a_missing_variable_is_an_error_not_an_empty_cell() -> None:
    with pytest.raises(UndefinedError):
        make_environment().from_string("{{ y }}").render()


def test_templates_cannot_reach_python_internals() -> None:
    with pytest.raises(SecurityError):
        make_environment().from_string("{{ x.__class__.__mro__ }}").render(x=1)


def test_office_filters_are_there_and_more_can_be_added() -> None:
    env = make_environment({"shout": str.upper})
    assert {"cn_date", "percent", "mask", "rmb_upper"} <= set(env.filters)
    assert env.from_string("{{ 'ok' | shout }}").render() == "OK"


def test_text_breaks_and_tabs_become_word_xml() -> None:
    assert text_xml("a<b\nc\td") == ('a&lt;b</w:t><w:br/><w:t xml:space="preserve">c'
                                     '</w:t><w:tab/><w:t xml:space="preserve">d')
    assert text_xml("plain") == "plain"


def test_rich_text_runs() -> None:
    rt = RichText("逾期", bold=True, color="#c00000").add("（3 天）")
    assert rt.runs_xml() == (
        '<w:r><w:rPr><w:b/><w:bCs/><w:color w:val="C00000"/></w:rPr>'
        '<w:t xml:space="preserve">逾期</w:t></w:r>'
        '<w:r><w:t xml:space="preserve">（3 天）</w:t></w:r>')
    with pytest.raises(TemplateError, match="RRGGBB"):
        RichText("x", color="red")


def test_rich_text_paragraphs_keep_their_styles() -> None:
    paragraphs = RichTextParagraph("一", parastyle="Heading1").add(RichText("二", italic=True))
    assert paragraphs.paragraphs_xml() == (
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">一</w:t></w:r></w:p>'
        '<w:p><w:r><w:rPr><w:i/><w:iCs/></w:rPr><w:t xml:space="preserve">二</w:t></w:r></w:p>')
