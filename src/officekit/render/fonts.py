"""CJK fonts in Word: set ``w:eastAsia`` so Chinese text renders in a Chinese font.

Word picks the font of each character by its script: Latin text uses ``w:ascii``/``w:hAnsi``,
Chinese uses ``w:eastAsia``. python-docx's ``run.font.name`` sets only the Latin ones, so
Chinese falls back to whatever the theme says — and a theme attribute (``w:eastAsiaTheme``)
overrides an explicit ``w:eastAsia``, so it is removed here. The language tag (``w:lang
w:eastAsia="zh-CN"``) tells LibreOffice to choose simplified-Chinese glyphs when it falls back.
The renderer itself never touches a template's ``rFonts``.
"""

from __future__ import annotations

from typing import Any

# python-docx is imported where it is used: its callers hand in python-docx objects, and the
# renderer, which imports this module, writes documents without it (~20 ms of every start-up)

DEFAULT_CJK_FONT = "宋体"  # SimSun: on every Chinese Windows; LibreOffice substitutes a CJK font
CJK_SANS = "Noto Sans CJK SC"
CJK_HEADING = "黑体"  # SimHei, for titles


def _rpr(target: Any) -> Any:
    """The ``w:rPr`` element a python-docx Document, Style, Paragraph or Run formats with."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if hasattr(target, "styles") and hasattr(target, "part"):  # Document: document defaults
        styles = target.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        return rpr
    element = getattr(target, "element", None)
    if element is None or not hasattr(element, "get_or_add_rPr"):
        raise TypeError(f"set_cjk_font needs a Document, Style or Run, not {type(target)!r}")
    return element.get_or_add_rPr()


def set_cjk_font(target: Any, name: str = DEFAULT_CJK_FONT, *, latin: str | None = None,
                 lang: str | None = "zh-CN") -> None:
    """Make ``target`` (a python-docx Document, Style, Run or Paragraph) use ``name`` for CJK.

    On a Document this sets the document defaults (every style inherits them); on a style,
    everything using the style; on a paragraph, each of its runs and its paragraph mark.
    ``latin`` also sets the Latin font; ``lang`` the East Asian language (None leaves it).
    Used by the template builder; templates edited in Word keep whatever the office picks.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if hasattr(target, "runs") and hasattr(target, "_p"):  # Paragraph
        for run in target.runs:
            set_cjk_font(run, name, latin=latin, lang=lang)
        mark = target._p.get_or_add_pPr()
        rpr = mark.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            mark.append(rpr)
        _apply(rpr, name, latin, lang)
        return
    _apply(_rpr(target), name, latin, lang)


def _apply(rpr: Any, name: str, latin: str | None, lang: str | None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()  # python-docx keeps the schema's child order
    fonts.set(qn("w:eastAsia"), name)
    for theme in ("w:eastAsiaTheme",) + (("w:asciiTheme", "w:hAnsiTheme") if latin else ()):
        fonts.attrib.pop(qn(theme), None)
    if latin:
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
    if lang:
        element = rpr.find(qn("w:lang"))
        if element is None:
            element = OxmlElement("w:lang")
            after = [rpr.find(qn(n)) for n in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
            successor = next((el for el in after if el is not None), None)
            if successor is not None:
                successor.addprevious(element)
            else:
                rpr.append(element)
        element.set(qn("w:eastAsia"), lang)
