"""render/wordvalues.py: values printed as WordprocessingML — text with breaks, RichText."""

from __future__ import annotations

import pytest

from officekit.errors import TemplateError
from officekit.render.wordvalues import RichText, RichTextParagraph, text_xml


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
