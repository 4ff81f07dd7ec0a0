"""Word XML names and the small edits the renderer makes to Word's elements.

Namespaces, the schema order of properties (``<w:trPr>``, ``<w:tcPr>``, ``<w:pPr>`` children
must come in the order Word's schema gives, or Word calls the file corrupt), the row / cell /
paragraph properties the page-flow rules set, and splitting paragraphs where a value printed
``\\a`` (new paragraph) or ``\\f`` (page break) after rendering.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


W_P, W_R, W_T, W_TC, W_TR, W_TBL = (w(n) for n in ("p", "r", "t", "tc", "tr", "tbl"))
WP_DOCPR = f"{{{WP_NS}}}docPr"


_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
               "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers",
               "cellIns", "cellDel", "cellMerge", "tcPrChange")


_TRPR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
               "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins",
               "del", "trPrChange")
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
              "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
              "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")


def put_ordered(parent: Any, element: Any, order: tuple[str, ...]) -> None:
    """Insert ``element`` into ``parent`` at its schema place (replacing one of its name)."""
    name = etree.QName(element).localname
    old = parent.find(w(name))
    if old is not None:
        parent.replace(old, element)
        return
    rank = order.index(name)
    for i, child in enumerate(parent):
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local in order and order.index(local) > rank:
            parent.insert(i, element)
            return
    parent.append(element)


def set_row_property(tr: Any, name: str) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        position = 1 if len(tr) and tr[0].tag == w("tblPrEx") else 0
        tr.insert(position, trpr)
    if trpr.find(w(name)) is None:
        put_ordered(trpr, etree.Element(w(name)), _TRPR_ORDER)


def keep_with_next(p: Any) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    if ppr.find(w("keepNext")) is None:
        put_ordered(ppr, etree.Element(w("keepNext")), _PPR_ORDER)



def set_cell_property(tc: Any, name: str, attrs: dict[str, str]) -> None:
    """Set ``<w:name …/>`` in the cell's ``<w:tcPr>``, in the order Word requires."""
    tcpr = tc.find(w("tcPr"))
    if tcpr is None:
        tcpr = etree.Element(w("tcPr"))
        tc.insert(0, tcpr)
    old = tcpr.find(w(name))
    if old is not None:
        tcpr.remove(old)
    element = etree.Element(w(name), {w(k): v for k, v in attrs.items()})
    rank = _TCPR_ORDER.index(name)
    for i, child in enumerate(tcpr):
        local = etree.QName(child).localname
        if local in _TCPR_ORDER and _TCPR_ORDER.index(local) > rank:
            tcpr.insert(i, element)
            return
    tcpr.append(element)



# after rendering: \a (new paragraph) and \f (page break) in values


def _properties_copy(element: Any) -> Any:
    """A shallow copy of ``element`` with a deep copy of its ``…Pr`` child (no section break)."""
    clone = etree.Element(element.tag, dict(element.attrib), nsmap=element.nsmap)
    first = element[0] if len(element) else None
    if first is not None and isinstance(first.tag, str) and first.tag.endswith("Pr"):
        props = copy.deepcopy(first)
        for sect in props.findall(w("sectPr")):
            props.remove(sect)
        clone.append(props)
    return clone


def split_marked_paragraphs(root: Any, paragraph_mark: str, page_mark: str) -> None:
    """Split paragraphs where a value printed ``paragraph_mark`` / ``page_mark``.

    Each piece keeps the paragraph's and the run's formatting; a page mark also puts a
    paragraph holding only a page break between the two (as docxtpl does).
    """
    marks = (paragraph_mark, page_mark)
    while True:
        t = next((el for el in root.iter(W_T) if el.text and any(m in el.text for m in marks)),
                 None)
        if t is None:
            return
        text = t.text
        at = min(i for i in (text.find(m) for m in marks) if i >= 0)
        mark = text[at]
        p = next(t.iterancestors(W_P), None)
        t.text = text[:at]
        if p is None:
            t.text += text[at + 1:]
            continue
        right = etree.Element(W_T, dict(t.attrib))
        right.set(XML_SPACE, "preserve")
        right.text = text[at + 1:]
        child = t
        node = t.getparent()
        while True:
            clone = _properties_copy(node)
            clone.append(right)
            for sibling in list(child.itersiblings()):
                clone.append(sibling)
            right = clone
            if node is p:
                break
            child, node = node, node.getparent()
        p.addnext(right)
        if mark == page_mark:
            page = etree.Element(W_P)
            etree.SubElement(etree.SubElement(page, W_R), w("br"), {w("type"): "page"})
            p.addnext(page)
