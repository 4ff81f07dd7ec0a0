"""Values a template prints as WordprocessingML: text with breaks, RichText, paragraphs.

Text is escaped; newlines become ``<w:br/>``, tabs ``<w:tab/>``, ``\\a`` / ``\\f`` leave a mark
where the engine splits the paragraph / breaks the page after rendering; characters XML 1.0
forbids are dropped. :class:`RichText` (runs with their own formatting and hyperlinks) and
:class:`RichTextParagraph` follow docxtpl's API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from officekit.errors import TemplateError
from officekit.render.session import R_NS, current

# ``\a`` (new paragraph) and ``\f`` (page break) in a value cannot be written inside the run
# being filled: they leave these markers in the text, and the engine splits the paragraph there
# (keeping its paragraph and run formatting) once the part has rendered.
PARAGRAPH_MARK = "\ue010"
PAGE_MARK = "\ue011"
SPECIAL = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff\ue010\ue011]")
DROP = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue010\ue011]")
TEXT_BREAKS = (
    ("\r\n", "\n"),
    ("\r", "\n"),
    ("\n", '</w:t><w:br/><w:t xml:space="preserve">'),
    ("\t", '</w:t><w:tab/><w:t xml:space="preserve">'),
    ("\x07", PARAGRAPH_MARK),
    ("\x0c", PAGE_MARK),
)
UNDERLINES = frozenset({"single", "double", "thick", "dotted", "dash", "dotDash", "dotDotDash",
                        "wave", "words", "dottedHeavy", "dashedHeavy", "dashLong", "wavyDouble"})


class WordXml(Markup):
    """WordprocessingML this module made itself: printed as is, never checked again."""


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    props: str  # the inside of <w:rPr>
    url: str | None = None


_WHAT_EN = {"底色": "highlight"}  # the colours _hex checks, as the messages name them


def _hex(value: str, what: str) -> str:
    value = value.removeprefix("#")
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        raise TemplateError(key="error.template.bad-colour", what_zh=what or "颜色",
                            what_en=_WHAT_EN.get(what, "colour"), value=repr(value))
    return value.upper()


class RichText:
    """Text with its own formatting, for ``{{r x }}`` (or inline ``{{ x }}``) tags.

    ``RichText("逾期", bold=True, color="C00000").add("（3 天）")`` — each ``add`` is one run,
    and ``rt += "…"`` / ``rt += other`` appends too. The keywords are docxtpl's: ``style`` (a
    character style id), ``color`` / ``highlight`` (``RRGGBB``, ``#`` allowed), ``size`` in
    half-points (docxtpl's unit) or ``size_pt``, ``bold``, ``italic``, ``underline`` (True or a
    Word style: ``double``, ``wave``…), ``strike``, ``superscript``, ``subscript``, ``font``
    (Latin and East Asian alike; ``"eastAsia:微软雅黑"`` sets one region), ``url`` (a
    hyperlink), ``lang``. In the text ``\\n`` is a line break, ``\\t`` a tab, ``\\a`` a new
    paragraph and ``\\f`` a page break.
    """

    __slots__ = ("_runs",)

    def __init__(self, text: Any = "", **style: Any) -> None:
        self._runs: list[Run] = []
        if isinstance(text, RichText) or text not in ("", None):
            self.add(text, **style)

    def add(self, text: Any, *, style: str | None = None, color: str | None = None,
            highlight: str | None = None, size: int | None = None,
            size_pt: float | None = None, subscript: bool = False, superscript: bool = False,
            bold: bool = False, italic: bool = False, underline: bool | str = False,
            strike: bool = False, font: str | None = None, url: str | None = None,
            lang: str | None = None) -> RichText:
        """Append one run (or all runs of another RichText); returns self so calls chain."""
        if isinstance(text, RichText):
            self._runs.extend(text._runs)
            return self
        props: list[str] = []
        if style:
            props.append(f'<w:rStyle w:val="{escape(style)}"/>')
        if font:
            props.append(_fonts_xml(font))
        if bold:
            props.append("<w:b/><w:bCs/>")
        if italic:
            props.append("<w:i/><w:iCs/>")
        if strike:
            props.append("<w:strike/>")
        if color:
            props.append(f'<w:color w:val="{_hex(color, "")}"/>')
        half = round(size_pt * 2) if size_pt else size
        if half:
            props.append(f'<w:sz w:val="{int(half)}"/><w:szCs w:val="{int(half)}"/>')
        if underline:
            kind = underline if isinstance(underline, str) and underline in UNDERLINES \
                else "single"
            props.append(f'<w:u w:val="{kind}"/>')
        if highlight:
            props.append(f'<w:shd w:val="clear" w:color="auto" '
                         f'w:fill="{_hex(highlight, "底色")}"/>')
        if superscript or subscript:
            props.append(f'<w:vertAlign w:val="{"superscript" if superscript else "subscript"}"/>')
        if lang:
            props.append(f'<w:lang w:val="{escape(lang)}"/>')
        self._runs.append(Run("" if text is None else str(text), "".join(props), url))
        return self

    def __iadd__(self, other: Any) -> RichText:
        return self.add(other)

    def __add__(self, other: Any) -> RichText:
        return RichText().add(self).add(other)

    def __str__(self) -> str:
        return "".join(run.text for run in self._runs)

    def runs_xml(self) -> str:
        """The runs as WordprocessingML (``<w:r>…</w:r>``…); links need a render session."""
        return "".join(run_xml(run) for run in self._runs)


def _fonts_xml(font: str) -> str:
    if ":" in font:
        region, name = font.split(":", 1)
        if region not in ("ascii", "hAnsi", "eastAsia", "cs"):
            raise TemplateError(key="error.template.bad-font-region", region=repr(region))
        return f'<w:rFonts w:{region}="{escape(name)}"/>'
    f = escape(font)
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>'


def run_xml(run: Run) -> str:
    rpr = f"<w:rPr>{run.props}</w:rPr>" if run.props else ""
    xml = f'<w:r>{rpr}<w:t xml:space="preserve">{text_xml(run.text)}</w:t></w:r>'
    if "<w:br/>" in xml or "<w:tab/>" in xml:  # keep the run's formatting on each piece
        xml = xml.replace('</w:t><w:br/><w:t xml:space="preserve">',
                          f'</w:t></w:r><w:r>{rpr}<w:br/></w:r><w:r>{rpr}'
                          '<w:t xml:space="preserve">')
        xml = xml.replace('</w:t><w:tab/><w:t xml:space="preserve">',
                          f'</w:t></w:r><w:r>{rpr}<w:tab/></w:r><w:r>{rpr}'
                          '<w:t xml:space="preserve">')
    if run.url:
        rel_id = current().add_link(run.url)
        xml = f'<w:hyperlink r:id="{rel_id}" xmlns:r="{R_NS}">{xml}</w:hyperlink>'
    return xml


class RichTextParagraph:
    """Whole paragraphs for ``{{p x }}``: ``add(text or RichText, parastyle="…")`` each."""

    __slots__ = ("_paragraphs",)

    def __init__(self, text: Any = "", **props: Any) -> None:
        self._paragraphs: list[tuple[RichText, str | None]] = []
        if isinstance(text, RichText) or text not in ("", None):
            self.add(text, **props)

    def add(self, text: Any, parastyle: str | None = None) -> RichTextParagraph:
        """Append one paragraph in the paragraph style ``parastyle`` (a style id)."""
        rich = text if isinstance(text, RichText) else RichText(text)
        self._paragraphs.append((rich, parastyle))
        return self

    def paragraphs_xml(self) -> str:
        out = []
        for rich, style in self._paragraphs:
            ppr = f'<w:pPr><w:pStyle w:val="{escape(style)}"/></w:pPr>' if style else ""
            out.append(f"<w:p>{ppr}{rich.runs_xml()}</w:p>")
        return "".join(out)


def text_xml(text: str) -> str:
    """Escape ``text`` for the inside of ``<w:t>``, turning line breaks and tabs into XML."""
    escaped = str(escape(text))
    if SPECIAL.search(escaped) is None:
        return escaped
    escaped = DROP.sub("", escaped)
    for old, new in TEXT_BREAKS:
        escaped = escaped.replace(old, new)
    return escaped


def html_text(xml: str) -> str:
    """Markup text (escaped already) with its line breaks, tabs and \\a / \\f made XML."""
    if SPECIAL.search(xml) is None:
        return xml
    xml = DROP.sub("", xml)
    for old, new in TEXT_BREAKS:
        xml = xml.replace(old, new)
    return xml
