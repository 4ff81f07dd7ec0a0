"""render/ooxml.py: row / paragraph properties in the schema's order, paragraphs split at marks."""

from __future__ import annotations

from lxml import etree

from officekit.render.ooxml import (
    W_NS,
    keep_with_next,
    set_row_property,
    split_marked_paragraphs,
    w,
)

NS = f'xmlns:w="{W_NS}"'


def _names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_row_properties_go_where_words_schema_puts_them() -> None:
    tr = etree.fromstring(f'<w:tr {NS}><w:trPr><w:jc w:val="center"/></w:trPr><w:tc/></w:tr>')
    set_row_property(tr, "tblHeader")
    set_row_property(tr, "cantSplit")
    set_row_property(tr, "cantSplit")  # once only
    assert _names(tr.find(w("trPr"))) == ["cantSplit", "tblHeader", "jc"]


def test_keep_with_next_follows_the_paragraph_style() -> None:
    p = etree.fromstring(f'<w:p {NS}><w:pPr><w:pStyle w:val="A"/><w:spacing w:after="0"/>'
                         '</w:pPr></w:p>')
    keep_with_next(p)
    keep_with_next(p)
    assert _names(p.find(w("pPr"))) == ["pStyle", "keepNext", "spacing"]


def test_a_paragraph_mark_splits_the_paragraph_keeping_its_formatting() -> None:
    root = etree.fromstring(
        f'<w:body {NS}><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
        '<w:t>一\ue010二</w:t></w:r></w:p></w:body>')
    split_marked_paragraphs(root, "\ue010", "\ue011")
    paragraphs = root.findall(w("p"))
    assert ["".join(p.itertext()) for p in paragraphs] == ["一", "二"]
    for p in paragraphs:
        assert p.find(f"{w('pPr')}/{w('jc')}") is not None
        assert p.find(f"{w('r')}/{w('rPr')}/{w('b')}") is not None
