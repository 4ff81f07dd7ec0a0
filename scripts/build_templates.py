"""Build the default Word templates (SPEC §7) and the context reference, from code.

    .venv/bin/python scripts/build_templates.py          # writes both template folders + docs

The five templates are written with python-docx into ``src/officekit/templates/`` (shipped in
the package) and copied to ``templates/`` (the repository root workspace). They use the docxtpl
tag style (``{{ x }}``, ``{%tr for %}``, ``{%p if %}``) over the variables listed in
``officekit.render.context_spec``; ``docs/templates.md`` is written from that list too.

Look: A4, 2.5 cm margins, body 宋体 小四 (12 pt), headings 黑体, title 宋体 bold 二号 (the
小标宋 look), bordered tables with a shaded repeating header row, notes in 仿宋. Every style sets
the East Asian font (``w:eastAsia``) as well as the Latin one, so Word on Windows uses 宋体/黑体
and LibreOffice picks an installed CJK font instead of drawing boxes.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import (
    WD_ALIGN_PARAGRAPH,
    WD_BREAK,
    WD_LINE_SPACING,
    WD_TAB_ALIGNMENT,
    WD_TAB_LEADER,
)
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_TEMPLATES = ROOT / "src" / "officekit" / "templates"
WORKSPACE_TEMPLATES = ROOT / "templates"
DOCS = ROOT / "docs" / "templates.md"

LATIN = "Times New Roman"
SONG = "宋体"  # body (Word: SimSun; LibreOffice: an installed CJK serif or sans)
HEI = "黑体"  # headings
FANGSONG = "仿宋"  # notes, signature lines
HEADER_FILL = "D9D9D9"
ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
         "r": WD_ALIGN_PARAGRAPH.RIGHT}

TEMPLATE_DATE = datetime(2026, 10, 1, tzinfo=UTC)
APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'extended-properties"><Application>officekit</Application><DocSecurity>0'
           b'</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>'
           b'<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>'
           b'</Properties>')

# Chinese type sizes (字号) in points.
ER_HAO, SAN_HAO, SI_HAO, XIAO_SI, WU_HAO, XIAO_WU = 22, 16, 14, 12, 10.5, 9

# The 公文 set (GB/T 9704-2012, settings [document] style = "公文"): A4, margins top 37 mm,
# bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm); body 仿宋_GB2312 三号 on a
# grid of 22 lines × 28 characters (the standard's "一般每面排 22 行，每行排 28 个字"); title
# 方正小标宋简体 二号; headings 黑体 (一、) and 楷体 (（一）) 三号; page numbers "— 1 —" in
# 宋体 四号, odd pages right and even pages left, one character in from the edge.
GONGWEN = "公文"
FANGSONG_GB = "仿宋_GB2312"
KAI_GB = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
GW_MARGINS_MM = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}
GW_LINE_PITCH = 579  # twips: 225 mm / 22 lines
GW_LINE_PT = GW_LINE_PITCH / 20
REPORT_TEXT_WIDTH_CM = 16.0
GW_TEXT_WIDTH_CM = 15.6


# --------------------------------------------------------------------------------------------
# Low-level XML helpers


def set_fonts(element: Any, latin: str, east_asia: str) -> None:
    """Set Latin and East Asian fonts on a style or run element, dropping theme fonts."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def add_field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, NUMPAGES, TOC…) with an optional cached result."""
    def fld_char(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    if placeholder:
        paragraph.add_run(placeholder)
    fld_char("end")


def field_char(paragraph: Any, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


# Child order of table, row and cell properties (ECMA-376). Word rejects a document whose
# properties come in another order, so every element is inserted at its place.
_TBL_PR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
           "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
           "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
_TR_PR = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
          "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")
_TC_PR = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
          "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")


def put(parent: Any, child: Any, order: Sequence[str]) -> Any:
    """Insert ``child`` into ``parent`` at its schema place, replacing one of the same name."""
    name = child.tag.split("}")[-1]
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.replace(old, child)
        return child
    later = order[order.index(name) + 1:]
    for sibling in parent:
        if sibling.tag.split("}")[-1] in later:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    put(cell._tc.get_or_add_tcPr(), shd, _TC_PR)


def row_flag(row: Any, name: str) -> None:
    """``w:tblHeader`` (repeat on each page) or ``w:cantSplit`` on a table row."""
    put(row._tr.get_or_add_trPr(), OxmlElement(f"w:{name}"), _TR_PR)


def row_height(row: Any, cm: float, rule: str = "atLeast") -> None:
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(cm * 567)))
    height.set(qn("w:hRule"), rule)
    put(row._tr.get_or_add_trPr(), height, _TR_PR)


def cell_margins(table: Any, left_cm: float, right_cm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, cm in (("left", left_cm), ("right", right_cm)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(cm * 567)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    put(table._tbl.tblPr, margins, _TBL_PR)


def keep_together(table: Any) -> None:
    """Rows that do not split and each keep with the next: the table stays on one page."""
    rows = list(table.rows)
    for i, row in enumerate(rows):
        row_flag(row, "cantSplit")
        if i < len(rows) - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def keep_rows_with_next(table: Any) -> None:
    """Every row (the looped one too) kept with what follows: a short list stays whole."""
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "nil")
        borders.append(b)
    put(table._tbl.tblPr, borders, _TBL_PR)


def fixed_layout(table: Any, widths_cm: Sequence[float]) -> None:
    """Fixed column widths (Word otherwise autofits to the tag text, not the values)."""
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    put(table._tbl.tblPr, width, _TBL_PR)
    for col, w in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)


# --------------------------------------------------------------------------------------------
# The document builder


@dataclass(frozen=True, slots=True)
class Col:
    """A table column: header text, cell text (with tags), width in cm, alignment l/c/r."""

    header: str
    cell: str
    width: float
    align: str = "c"


class Builder:
    """A new template document with the office look, and helpers to add its parts.

    ``Builder.style`` chooses the look of every document built: ``"report"`` (the default)
    or ``GONGWEN`` (GB/T 9704); :func:`build` writes one set of each.
    """

    style = "report"

    @property
    def gongwen(self) -> bool:
        return self.style == GONGWEN

    def width(self, cm: float) -> float:
        """A width drawn for the report's 16 cm type area, scaled to this style's."""
        return cm * GW_TEXT_WIDTH_CM / REPORT_TEXT_WIDTH_CM if self.gongwen else cm

    def __init__(self, title: str) -> None:
        self.doc = Document()
        props = self.doc.core_properties
        props.title = title
        props.author = "officekit"
        props.last_modified_by = "officekit"
        props.comments = ""  # python-docx's default template says "generated by python-docx"
        props.language = "zh-CN"
        props.created = props.modified = TEMPLATE_DATE  # not python-docx's 2013 (fixed: the
        # build is reproducible; rendered documents get the date they are computed as of)
        app = next(part for part in self.doc.part.package.parts
                   if part.partname == "/docProps/app.xml")
        app._blob = APP_XML
        self._page(self.doc.sections[0], landscape=False)
        if self.gongwen:
            self._styles_gongwen()
            self.doc.settings.odd_and_even_pages_header_footer = True
        else:
            self._styles()
        self._footer(self.doc.sections[0])

    # ---------------------------------------------------------------- setup

    def _page(self, section: Any, *, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_side, short_side = Cm(29.7), Cm(21.0)
        section.page_width, section.page_height = ((long_side, short_side) if landscape
                                                   else (short_side, long_side))
        if self.gongwen and not landscape:
            for side, mm in GW_MARGINS_MM.items():
                setattr(section, side, Cm(mm / 10))
            section.header_distance = Cm(1.5)
            section.footer_distance = Cm(2.8)  # the page number 7 mm below the type area
            grid = section._sectPr.find(qn("w:docGrid"))
            if grid is None:
                grid = OxmlElement("w:docGrid")
                section._sectPr.append(grid)
            # a line grid: 22 lines a page. (A character grid as well makes LibreOffice
            # spread the letters of every table cell; 16 pt characters on 156 mm are ~28.)
            grid.set(qn("w:type"), "lines")
            grid.set(qn("w:linePitch"), str(GW_LINE_PITCH))
            grid.attrib.pop(qn("w:charSpace"), None)
            return
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.5))
        section.header_distance = Cm(1.5)
        section.footer_distance = Cm(1.5)

    def _style(self, name: str, *, base: str | None = "Normal", font: str = SONG,
               size: float = XIAO_SI, bold: bool = False, align: str | None = None,
               before: float = 0, after: float = 0, line: float | None = None,
               kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
        styles = self.doc.styles
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)
        if base and name != base:
            style.base_style = styles[base]
        set_fonts(style.element, LATIN, font)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            fmt = style.paragraph_format
            fmt.space_before = Pt(before)
            fmt.space_after = Pt(after)
            if line is not None:
                fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
                fmt.line_spacing = line
            if align:
                fmt.alignment = ALIGN[align]
        return style

    def _styles(self) -> None:
        # Document defaults: what any run without a style falls back to.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr = rpr_default.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:cs", LATIN),
                            ("w:eastAsia", SONG)):
            fonts.set(qn(attr), value)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")

        normal = self._style("Normal", base=None, line=1.3)
        normal.paragraph_format.first_line_indent = None
        title = self._style("Title", font=SONG, size=ER_HAO, bold=True, align="c", before=6,
                            after=6, line=1.2)
        borders = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
        if borders is not None:  # python-docx's Title has a rule under it; offices do not
            title.element.pPr.remove(borders)
        self._style("Subtitle", font=FANGSONG, size=XIAO_SI, align="c", after=12)
        self._style("Heading 1", font=HEI, size=SAN_HAO, before=12, after=6, line=1.2)
        self._style("Heading 2", font=HEI, size=SI_HAO, before=8, after=4, line=1.2)
        self._style("Table Text", font=SONG, size=WU_HAO, align="c", line=1.0)
        self._style("Table Header", base="Table Text", font=HEI, size=WU_HAO, align="c")
        self._style("Note", font=FANGSONG, size=WU_HAO, before=3, after=3, line=1.2)
        self._style("Body Indent", line=1.3)
        self.doc.styles["Body Indent"].paragraph_format.first_line_indent = Pt(24)
        self._style("Signature", font=FANGSONG, size=XIAO_SI, line=1.0)
        self._style("Footer", font=SONG, size=XIAO_WU, align="c")
        self._style("Header", font=SONG, size=XIAO_WU, align="c")
        self._style("Cover Title", font=SONG, size=36, bold=True, align="c", line=1.2)
        self._style("Cover Subtitle", font=HEI, size=22, align="c", line=1.2)
        self._style("Cover Line", font=FANGSONG, size=SAN_HAO, align="c", line=1.5)
        self._style("TOC Title", font=HEI, size=SAN_HAO, align="c", after=12)
        self._style("toc 1", font=SONG, size=XIAO_SI, before=4, line=1.3)
        self._style("toc 2", font=SONG, size=XIAO_SI, line=1.3)
        self.doc.styles["toc 2"].paragraph_format.left_indent = Pt(24)
        self._style("Item 1", line=1.3)
        self.doc.styles["Item 1"].paragraph_format.left_indent = Pt(24)
        self.doc.styles["Item 1"].paragraph_format.first_line_indent = Pt(-18)
        self._style("Item 2", line=1.3)
        self.doc.styles["Item 2"].paragraph_format.left_indent = Pt(50)
        self.doc.styles["Item 2"].paragraph_format.first_line_indent = Pt(-26)
        self._style("Item 3", line=1.3)
        self.doc.styles["Item 3"].paragraph_format.left_indent = Pt(68)
        self.doc.styles["Item 3"].paragraph_format.first_line_indent = Pt(-18)
        self._style("Label", font=HEI, size=XIAO_SI, before=4, line=1.3)
        self._style("Tag", font=SONG, size=6, line=1.0)
        for name in ("Heading 1", "Heading 2", "Label", "TOC Title"):
            self.doc.styles[name].paragraph_format.keep_with_next = True
        self._toc_tabs(REPORT_TEXT_WIDTH_CM)

    def _toc_tabs(self, width_cm: float) -> None:
        """The TOC entries' page numbers at the right margin, after a dotted leader."""
        for name in ("toc 1", "toc 2"):
            stops = self.doc.styles[name].paragraph_format.tab_stops
            for stop in list(stops):
                stops._pPr.tabs.remove(stop._tab)
            stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    def _styles_gongwen(self) -> None:
        """The same style names as :meth:`_styles`, in GB/T 9704's fonts and sizes."""
        self._styles()  # every style exists; then the 公文 look over it
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
        fonts.set(qn("w:eastAsia"), FANGSONG_GB)
        exact = WD_LINE_SPACING.EXACTLY

        def style(name: str, font: str, size: float, *, bold: bool = False,
                  align: str | None = None, line: float | None = GW_LINE_PT,
                  before: float = 0, after: float = 0) -> Any:
            st = self._style(name, font=font, size=size, bold=bold, align=align,
                             before=before, after=after)
            fmt = st.paragraph_format
            if line is not None:
                fmt.line_spacing_rule = exact
                fmt.line_spacing = Pt(line)
            return st

        style("Normal", FANGSONG_GB, SAN_HAO)
        self.doc.styles["Normal"].base_style = None
        style("Title", XIAOBIAOSONG, ER_HAO, align="c", line=35, before=0, after=GW_LINE_PT)
        style("Subtitle", KAI_GB, SAN_HAO, align="c", after=GW_LINE_PT / 2)
        style("Heading 1", HEI, SAN_HAO)
        style("Heading 2", KAI_GB, SAN_HAO)
        style("Label", KAI_GB, SAN_HAO)
        style("Body Indent", FANGSONG_GB, SAN_HAO)
        self.doc.styles["Body Indent"].paragraph_format.first_line_indent = Pt(2 * SAN_HAO)
        style("Note", FANGSONG_GB, SI_HAO, line=22)
        style("Signature", FANGSONG_GB, XIAO_SI, line=None)  # a signature line fits its box
        self.doc.styles["Signature"].paragraph_format.line_spacing = 1.0
        style("Table Text", FANGSONG_GB, XIAO_SI, align="c", line=None)
        self.doc.styles["Table Text"].paragraph_format.line_spacing = 1.0
        style("Table Header", HEI, XIAO_SI, align="c", line=None)
        self.doc.styles["Table Header"].paragraph_format.line_spacing = 1.0
        style("Footer", SONG, SI_HAO, line=None)
        style("Header", SONG, SI_HAO, align="c", line=None)
        style("Cover Title", XIAOBIAOSONG, 36, align="c", line=None)
        style("Cover Subtitle", HEI, ER_HAO, align="c", line=None)
        style("Cover Line", FANGSONG_GB, SAN_HAO, align="c")
        style("TOC Title", HEI, SAN_HAO, align="c", after=GW_LINE_PT / 2)
        style("toc 1", FANGSONG_GB, SAN_HAO)
        style("toc 2", FANGSONG_GB, SAN_HAO)
        self.doc.styles["toc 2"].paragraph_format.left_indent = Pt(2 * SAN_HAO)
        for name, left, hang in (("Item 1", 32, -24), ("Item 2", 64, -32), ("Item 3", 80, -16)):
            style(name, FANGSONG_GB, SAN_HAO)
            fmt = self.doc.styles[name].paragraph_format
            fmt.left_indent, fmt.first_line_indent = Pt(left), Pt(hang)
        style("Tag", FANGSONG_GB, 6, line=None)
        self.doc.styles["Tag"].paragraph_format.line_spacing = 1.0
        # tables, notes and the page number keep their own line height, off the body's grid
        for name in ("Table Text", "Table Header", "Tag", "Footer", "Header", "Note",
                     "Signature", "Cover Title", "Cover Subtitle"):
            ppr = self.doc.styles[name].element.get_or_add_pPr()
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            ppr.insert_element_before(snap, "w:spacing", "w:ind", "w:jc", "w:outlineLvl")
        for name in ("Heading 1", "Heading 2", "Label", "TOC Title"):
            self.doc.styles[name].paragraph_format.keep_with_next = True
        self._toc_tabs(GW_TEXT_WIDTH_CM)

    def _footer(self, section: Any) -> None:
        if self.gongwen:
            self._footer_gongwen(section)
            return
        footer = section.footer
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = self.doc.styles["Footer"]
        p.add_run("第")
        add_field(p, "PAGE", "1")
        p.add_run("页 / 共")
        add_field(p, "NUMPAGES", "1")
        p.add_run("页")

    def _footer_gongwen(self, section: Any) -> None:
        """"— 1 —": odd pages right, even pages left, one character in (GB/T 9704 7.5)."""
        for footer, align in ((section.footer, "r"), (section.even_page_footer, "l")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            p.style = self.doc.styles["Footer"]
            p.alignment = ALIGN[align]
            if align == "r":
                p.paragraph_format.right_indent = Pt(SI_HAO)
            else:
                p.paragraph_format.left_indent = Pt(SI_HAO)
            p.add_run("— ")
            add_field(p, "PAGE", "1")
            p.add_run(" —")

    # ---------------------------------------------------------------- paragraphs

    def para(self, text: str = "", style: str = "Normal", *, align: str | None = None,
             bold: bool = False) -> Any:
        p = self.doc.add_paragraph(style=self.doc.styles[style])
        if text:
            p.add_run(text).bold = bold or None
        if align:
            p.alignment = ALIGN[align]
        return p

    def title(self, text: str, subtitle: str = "") -> None:
        self.para(text, "Title")
        if subtitle:
            self.para(subtitle, "Subtitle")

    def heading(self, text: str, level: int = 1) -> Any:
        return self.para(text, f"Heading {level}")

    def tag(self, text: str) -> None:
        """A paragraph holding only a ``{%p … %}`` tag (it disappears when rendered)."""
        self.para(text, "Tag")

    def image(self, variable: str) -> None:
        self.para(f"{{{{ {variable} }}}}", "Normal", align="c")

    def note(self, text: str) -> None:
        self.para(text, "Note")

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # ---------------------------------------------------------------- tables

    def _cell(self, cell: Any, text: str, style: str, align: str) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.style = self.doc.styles[style]
        p.alignment = ALIGN[align]
        if text:
            p.add_run(text)

    def _table(self, rows: int, widths: Sequence[float]) -> Any:
        table = self.doc.add_table(rows=rows, cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        # every table starts at the left margin, so tables of different widths line up
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        fixed_layout(table, [self.width(w) for w in widths])
        return table

    def loop_table(self, columns: Sequence[Col], loop: str, *, font_size: float | None = None,
                   empty: str | None = None, condition: str | None = None,
                   margin: float = 0.1) -> Any:
        """A header row and one looped row ``{%tr for loop %}`` over ``columns``.

        With ``empty`` the table is wrapped in ``{%p if condition %}`` and the text is printed
        instead when there is nothing to list — an office does not print an empty table.
        """
        if empty is not None:
            self.tag(f"{{%p if {condition or loop.split(' in ', 1)[1]} %}}")
        table = self._table(4, [c.width for c in columns])
        cell_margins(table, margin, margin)
        header, opener, body, closer = table.rows
        row_height(header, 0.7)
        row_height(body, 0.6)
        for cell, col in zip(header.cells, columns, strict=True):
            self._cell(cell, col.header, "Table Header", "c")
            shade(cell, HEADER_FILL)
        row_flag(header, "tblHeader")
        row_flag(body, "cantSplit")
        self._cell(opener.cells[0], f"{{%tr for {loop} %}}", "Table Text", "l")
        self._cell(closer.cells[0], "{%tr endfor %}", "Table Text", "l")
        for cell, col in zip(body.cells, columns, strict=True):
            self._cell(cell, col.cell, "Table Text", col.align)
        if font_size is not None:
            for row in (header, body):
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(font_size)
        if empty is not None:
            self.tag("{%p else %}")
            self.para(empty, "Body Indent")
            self.tag("{%p endif %}")
        return table

    def grid(self, rows: Sequence[Sequence[str]], widths: Sequence[float], *,
             label_columns: Sequence[int] = (0,), align: str = "c",
             header_row: bool = False) -> Any:
        """A fixed table: label cells shaded and in 黑体, value cells with tags."""
        table = self._table(len(rows), widths)
        for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            row_height(row, 0.8)
            for c, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                label = (header_row and r == 0) or (not header_row and c in label_columns)
                self._cell(cell, text, "Table Header" if label else "Table Text",
                           "c" if label else align)
                if label:
                    shade(cell, HEADER_FILL)
        if header_row:
            row_flag(table.rows[0], "tblHeader")
        keep_together(table)  # a few rows of key figures: never split, header with its values
        return table

    def opinion_boxes(self, rows: Sequence[tuple[str, str, float]]) -> None:
        """Boxes left blank for handwriting, each with its signature line at the bottom:
        ``(label, signature line, height in cm)``. The table is kept on one page."""
        table = self._table(len(rows), [2.6, 13.4])
        for row, (label, line, height) in zip(table.rows, rows, strict=True):
            row_height(row, height, "exact")
            self._cell(row.cells[0], label, "Table Header", "c")
            shade(row.cells[0], HEADER_FILL)
            self._cell(row.cells[1], line, "Signature", "r")
            row.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            row.cells[1].paragraphs[0].paragraph_format.space_after = Pt(6)
        keep_together(table)

    def signatures(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Borderless lines ``制表人：______  日期：____年__月__日``, never alone on a page."""
        self.para().paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=len(pairs), cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        no_borders(table)
        fixed_layout(table, [self.width(9.0), self.width(7.0)])
        for row, (left, right) in zip(table.rows, pairs, strict=True):
            row_height(row, 1.2)
            for cell, text in zip(row.cells, (left, right), strict=True):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                p = cell.paragraphs[0]
                p.style = self.doc.styles["Signature"]
                p.add_run(text)
        keep_together(table)

    # ---------------------------------------------------------------- sections

    def landscape_section(self) -> Any:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False  # copied from the cover section
        self._page(section, landscape=True)
        return section

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))


# --------------------------------------------------------------------------------------------
# Shared pieces

ITEM_LOOPS = (
    "{%p for d in ITEMS %}",
    "{{ d.number }}\t{{ d.text }}",
    "{%p for c in d.children %}",
    "{{ c.number }}\t{{ c.text }}",
    "{%p for g in c.children %}",
    "{{ g.number }}\t{{ g.text }}",
    "{%p endfor %}",
    "{%p endfor %}",
    "{%p endfor %}",
)


def numbered_items(b: Builder, items: str) -> None:
    """Three levels of numbered items (1. / （1） / ①) with hanging indents."""
    levels = {1: "Item 1", 3: "Item 2", 5: "Item 3"}
    for i, line in enumerate(ITEM_LOOPS):
        text = line.replace("ITEMS", items)
        if i in levels:
            p = b.para(style=levels[i])
            p.add_run(text)
            fmt = p.paragraph_format
            fmt.tab_stops.add_tab_stop(fmt.left_indent or Pt(0))
        else:
            b.tag(text)


def warnings_block(b: Builder) -> None:
    b.tag("{%p for w in warnings %}")
    b.note("注：{{ w }}")
    b.tag("{%p endfor %}")


# --------------------------------------------------------------------------------------------
# 1. evaluation — one context, a template per scheme


def sources_block(b: Builder, heading: str) -> None:
    """The 数据来源 box every document carries: each register, its files, dates and state."""
    b.heading(heading)
    table = b.loop_table([
        Col("登记表", "{{ s.register }}", 2.6),
        Col("文件", "{{ s.files }}", 6.4, "l"),
        Col("本期覆盖日期", "{{ s.dates }}", 3.6),
        Col("状态", "{{ s.state }}", 3.4, "l"),
    ], "s in sources", font_size=XIAO_WU, empty="{{ sources_note }}", condition="sources",
        margin=0.05)
    keep_rows_with_next(table)  # a few rows, printed whole with their note (not it alone)
    b.tag("{%p if sources %}")
    b.note("注：{{ sources_note }}")
    b.tag("{%p endif %}")


def evaluation_header(b: Builder, title: str) -> None:
    b.title(title, "考核期间：{{ period_label }}")
    b.grid([
        ("姓　　名", "{{ staff.name }}", "工　　号", "{{ staff.staff_id }}"),
        ("部　　门", "{{ staff.department }}", "岗　　位", "{{ staff.role }}"),
        ("考核方案", "{{ scheme.label }}", "统计截止", "{{ as_of }}"),
    ], [2.6, 5.4, 2.6, 5.4], label_columns=(0, 2))
    b.tag("{%p if coverage_note %}")
    b.note("提示：{{ coverage_note }}")
    b.tag("{%p endif %}")


def evaluation_result(b: Builder, heading: str, rank_head: str = "部门同岗位排名") -> None:
    b.heading(heading)
    b.grid([
        ("综合得分", "考核等级", rank_head),
        ("{{ score }}", "{{ grade }}", "{{ rank_text }}"),
    ], [5.3, 5.3, 5.4], header_row=True)
    b.tag("{%p if score_note %}")
    b.note("说明：{{ score_note }}")
    b.tag("{%p endif %}")


def kpi_table(b: Builder, heading: str, note: str) -> None:
    b.heading(heading)
    b.loop_table([
        Col("考核指标", "{{ r.label }}", 2.9, "l"),
        Col("目标值", "{{ r.target }}", 2.5),
        Col("实际值", "{{ r.actual }}", 2.1),
        Col("样本", "{{ r.cases }}", 1.8),
        Col("是否达标", "{{ r.met }}", 1.8),
        Col("权重", "{{ r.weight }}", 1.4),
        Col("折算权重", "{{ r.share }}", 1.9),
        Col("得分", "{{ r.points }}", 1.6),
    ], "r in kpi_rows", font_size=XIAO_WU, margin=0.05)
    b.note(note)


SCORE_NOTE = ("注：综合得分为各项指标得分之和（各项得分保留一位小数，合计恰为综合得分）。"
              "指标得分＝指标分（百分制）× 折算权重；样本少于{{ min_cases }}件（次）或本期"
              "无数据的指标显示但不计分，其权重按比例分配给其余指标。")


def complaint_section(b: Builder, heading: str) -> None:
    b.heading(heading)
    b.para("本期受理投诉{{ received }}件，已办结{{ resolved }}件，办结率{{ closure_rate }}，"
           "按时办结率{{ on_time_rate }}，平均办理{{ resolution_days }}个工作日；"
           "投诉回访率{{ followup_rate }}，客户满意度{{ satisfaction }}。", "Body Indent")
    b.para("（一）投诉类别分布", "Label")
    b.loop_table([
        Col("投诉类别", "{{ c.category }}", 6.0),
        Col("件数", "{{ c.count }}", 4.0),
        Col("占比", "{{ c.share }}", 4.0),
    ], "c in categories", empty="本期未受理投诉。")
    b.para("（二）超时投诉", "Label")
    b.loop_table([
        Col("投诉编号", "{{ x.complaint_id }}", 3.0),
        Col("受理日期", "{{ x.received }}", 2.2),
        Col("类别", "{{ x.category }}", 2.0),
        Col("严重程度", "{{ x.severity }}", 1.7),
        Col("办结期限", "{{ x.deadline }}", 2.2),
        Col("办结日期", "{{ x.resolved }}", 2.2),
        Col("超期", "{{ x.days_late }}", 2.7),
    ], "x in late", font_size=XIAO_WU, empty="本期无超时投诉。", condition="has_late",
        margin=0.05)
    b.tag("{%p if late_more %}")
    b.note("注：另有{{ late_more }}件超时投诉未列出，全部清单见同目录文件“{{ late_file }}”。")
    b.tag("{%p endif %}")
    b.tag("{%p if has_late %}")
    b.note("注：超期按工作日计，截至{{ as_of }}。")
    b.tag("{%p endif %}")


def visit_section(b: Builder, heading: str) -> None:
    b.heading(heading)
    b.para("本期回访{{ visits_made }}次，联系成功{{ visits_reached }}次，回访成功率"
           "{{ visit_success_rate }}；其中投诉回访{{ followup_visits }}次，在办结后规定天数内"
           "完成{{ timely_visits }}次，回访及时率{{ visit_timeliness }}；记录满意度"
           "{{ scored_visits }}次，满意度记录率{{ visit_scored_rate }}。本期回访量目标"
           "{{ visit_target }}次，完成率{{ visit_target_rate }}。", "Body Indent")


def duty_grid(b: Builder, heading: str, with_visits: bool = True) -> None:
    b.heading(heading)
    if with_visits:
        b.grid([
            ("回访次数", "联系成功", "回访成功率", "值班班次", "其中夜班"),
            ("{{ visits_made }}", "{{ visits_reached }}", "{{ visit_success_rate }}",
             "{{ shifts_worked }}", "{{ night_shifts }}"),
        ], [3.2, 3.2, 3.2, 3.2, 3.2], header_row=True)
    else:
        b.grid([
            ("值班班次", "其中夜班"),
            ("{{ shifts_worked }}", "{{ night_shifts }}"),
        ], [8.0, 8.0], header_row=True)


def trend_block(b: Builder, heading: str) -> None:
    b.heading(heading)
    b.image("trend_chart")
    b.note("注：图中空缺表示该期没有可计分的数据。")
    warnings_block(b)


def opinions(b: Builder, heading: str) -> None:
    b.heading(heading)
    b.opinion_boxes([
        ("考核意见", "部门负责人签字：　　　　　　日期：　　　年　　月　　日", 3.6),
        ("被考核人\n意见", "被考核人签字：　　　　　　日期：　　　年　　月　　日", 2.4),
    ])


def evaluation() -> Builder:
    """投诉处理 (handler) — and any scheme without a template of its own."""
    b = Builder("个人考核报告")
    evaluation_header(b, "个人绩效考核报告")
    evaluation_result(b, "一、考核结果")
    kpi_table(b, "二、考核指标", SCORE_NOTE + "平均办理工作日仅作参考，不计分。")
    complaint_section(b, "三、投诉处理情况")
    duty_grid(b, "四、回访与值班")
    trend_block(b, "五、近期得分趋势")
    sources_block(b, "六、数据来源")
    opinions(b, "七、考核意见")
    return b


def evaluation_visitor() -> Builder:
    """回访 (visitor): judged on the visits made."""
    b = Builder("个人考核报告（回访岗位）")
    evaluation_header(b, "个人绩效考核报告")
    evaluation_result(b, "一、考核结果")
    kpi_table(b, "二、考核指标（回访工作）", SCORE_NOTE + "回访量完成率＝回访次数 ÷ 回访量目标，"
              "最高100%。")
    visit_section(b, "三、回访工作情况")
    duty_grid(b, "四、值班情况", with_visits=False)
    trend_block(b, "五、近期得分趋势")
    sources_block(b, "六、数据来源")
    opinions(b, "七、考核意见")
    return b


def evaluation_lead() -> Builder:
    """管理 (lead): judged on the department's figures, shown beside the team's ranking."""
    b = Builder("个人考核报告（管理岗位）")
    evaluation_header(b, "个人绩效考核报告")
    evaluation_result(b, "一、考核结果")
    kpi_table(b, "二、部门考核指标",
              SCORE_NOTE + "管理岗位按本部门全部投诉（本期受理{{ department_received }}件、"
              "办结{{ department_resolved }}件）计算指标，得分与部门综合得分一致。")
    b.heading("三、团队考核排名")
    b.loop_table([
        Col("名次", "{{ t.rank }}", 1.4),
        Col("姓名", "{{ t.name }}", 2.4),
        Col("岗位", "{{ t.role }}", 3.2),
        Col("考核方案", "{{ t.scheme }}", 2.8),
        Col("得分", "{{ t.score }}", 2.0),
        Col("等级", "{{ t.grade }}", 2.2),
    ], "t in team", font_size=XIAO_WU, empty="本部门没有其他列入考核的人员。", margin=0.05)
    b.note("注：名次在同一考核方案内排列；同分者名次相同。")
    b.heading("四、本人工作情况")
    b.para("本人本期受理投诉{{ received }}件，已办结{{ resolved }}件，办结率"
           "{{ closure_rate }}；回访{{ visits_made }}次；值班{{ shifts_worked }}班次，"
           "其中夜班{{ night_shifts }}班次。", "Body Indent")
    trend_block(b, "五、近期得分趋势")
    sources_block(b, "六、数据来源")
    opinions(b, "七、考核意见")
    return b


def evaluation_none() -> Builder:
    """不考核 (none): their figures for information, and 本岗位不参与考核."""
    b = Builder("个人工作情况报告（不考核岗位）")
    evaluation_header(b, "个人工作情况报告")
    b.heading("一、考核结果")
    b.grid([("考核结果", "本岗位不参与考核")], [5.3, 10.7], label_columns=(0,))
    b.note("说明：{{ score_note }}")
    b.heading("二、本期工作数据（仅供参考）")
    b.loop_table([
        Col("指标", "{{ r.label }}", 4.0, "l"),
        Col("本期数值", "{{ r.actual }}", 4.0),
        Col("样本", "{{ r.cases }}", 4.0),
        Col("参考目标", "{{ r.target }}", 4.0),
    ], "r in kpi_rows", empty="本期没有本人受理的投诉或本人的回访记录。")
    duty_grid(b, "三、回访与值班")
    sources_block(b, "四、数据来源")
    b.heading("五、部门意见")
    b.opinion_boxes([
        ("部门意见", "部门负责人签字：　　　　　　日期：　　　年　　月　　日", 3.0),
    ])
    return b


# --------------------------------------------------------------------------------------------
# 2. evaluation-summary


def evaluation_summary() -> Builder:
    b = Builder("部门考核汇总")
    b.title("{{ department }}考核汇总表", "考核期间：{{ period_label }}　　统计截止：{{ as_of }}")
    b.grid([
        ("列入考核", "参与排名", "部门综合得分", "部门等级"),
        ("{{ headcount }}人", "{{ ranked }}人", "{{ department_score }}",
         "{{ department_grade }}"),
    ], [4.0, 4.0, 4.0, 4.0], header_row=True)

    b.heading("一、人员考核排名")
    b.tag("{%p for g in scheme_rankings %}")
    b.para("{{ g.caption }}", "Label")
    b.loop_table([
        Col("排名", "{{ r.rank }}", 1.1),
        Col("工号", "{{ r.staff_id }}", 1.5),
        Col("姓名", "{{ r.name }}", 1.6),
        Col("岗位", "{{ r.role }}", 2.2),
        Col("{{ g.heads[0] }}", "{{ r.metrics[0] }}", 1.7),
        Col("{{ g.heads[1] }}", "{{ r.metrics[1] }}", 1.7),
        Col("{{ g.heads[2] }}", "{{ r.metrics[2] }}", 1.7),
        Col("{{ g.heads[3] }}", "{{ r.metrics[3] }}", 1.7),
        Col("得分", "{{ r.score }}", 1.2),
        Col("等级", "{{ r.grade }}", 1.6),
    ], "r in g.rows", font_size=XIAO_WU, margin=0.05)
    b.note("注：{{ g.note }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if not scheme_rankings %}")
    b.para("本期本部门没有列入考核的人员。", "Body Indent")
    b.tag("{%p endif %}")

    b.heading("二、等级分布")
    b.loop_table([
        Col("考核等级", "{{ g.grade }}", 3.0),
        Col("分数段", "{{ g.range }}", 6.0),
        Col("人数", "{{ g.count }}", 3.0),
        Col("占比", "{{ g.share }}", 3.0),
    ], "g in grades")
    b.image("grade_chart")

    b.heading("三、部门指标对比")
    b.tag("{%p if has_comparison %}")
    b.loop_table([
        Col("指标", "{{ m.label }}", 3.2, "l"),
        Col("本期", "{{ m.current }}", 1.9),
        Col("上期", "{{ m.previous }}", 1.9),
        Col("环比", "{{ m.mom }}", 3.6),
        Col("去年同期", "{{ m.last_year }}", 1.9),
        Col("同比", "{{ m.yoy }}", 3.5),
    ], "m in comparison")
    b.note("注：上期为{{ previous_label }}，去年同期为{{ last_year_label }}；"
           "比率的变化以百分点表示。")
    b.tag("{%p else %}")
    b.para("无可比数据：{{ previous_label }}和{{ last_year_label }}均没有本部门的考核数据。",
           "Body Indent")
    b.tag("{%p endif %}")
    warnings_block(b)
    sources_block(b, "四、数据来源")
    b.signatures([
        ("制表人：", "日期：　　　　年　　月　　日"),
        ("部门负责人签字：", "日期：　　　　年　　月　　日"),
    ])
    return b


# --------------------------------------------------------------------------------------------
# 3. complaints


def complaints() -> Builder:
    b = Builder("投诉分析报告")
    # two lines: in the 公文 style one line broke the date (统计截止：2026 / 年11月23日)
    b.title("投诉分析报告", "{{ period_label }}")
    b.para("统计范围：{{ scope }}　　统计截止：{{ as_of }}", "Subtitle")

    b.heading("一、总体情况")
    b.grid([
        ("受理量", "已办结", "办结率", "按时办结率", "平均办理工作日", "超期件数"),
        ("{{ total }}", "{{ resolved }}", "{{ closure_rate }}", "{{ on_time_rate }}",
         "{{ resolution_days }}", "{{ overdue }}"),
    ], [2.4, 2.4, 2.6, 2.8, 3.2, 2.6], header_row=True)
    b.tag("{%p for line in analysis %}")
    b.para("{{ line }}", "Body Indent")
    b.tag("{%p endfor %}")

    b.heading("二、投诉类别分析")
    b.tag("{%p if by_category %}")
    b.image("pareto_chart")
    b.tag("{%p endif %}")
    b.loop_table([
        Col("投诉类别", "{{ c.category }}", 5.0),
        Col("件数", "{{ c.count }}", 3.0),
        Col("占比", "{{ c.share }}", 3.5),
        Col("累计占比", "{{ c.cumulative }}", 3.5),
    ], "c in by_category", empty="本期未受理投诉。")

    b.heading("三、受理渠道、严重程度与责任部门")
    b.para("（一）按受理渠道", "Label")
    # the channel and severity tables hold a few rows each (the enums): printed whole, not a
    # header and one row at a page foot with the rest overleaf
    keep_rows_with_next(b.loop_table([
        Col("受理渠道", "{{ c.channel }}", 5.0), Col("件数", "{{ c.count }}", 4.0),
        Col("占比", "{{ c.share }}", 4.0),
    ], "c in by_channel", empty="无。"))
    b.para("（二）按严重程度", "Label")
    keep_rows_with_next(b.loop_table([
        Col("严重程度", "{{ c.severity }}", 5.0), Col("件数", "{{ c.count }}", 4.0),
        Col("占比", "{{ c.share }}", 4.0),
    ], "c in by_severity", empty="无。"))
    b.para("（三）按责任部门", "Label")
    b.loop_table([
        Col("责任部门", "{{ d.department }}", 4.4), Col("件数", "{{ d.count }}", 2.4),
        Col("占比", "{{ d.share }}", 2.6), Col("已办结", "{{ d.resolved }}", 2.4),
        Col("办结率", "{{ d.closure_rate }}", 2.6),
    ], "d in by_department", empty="无。")

    b.heading("四、办理时长分布")
    b.loop_table([
        Col("办理时长（工作日）", "{{ r.bucket }}", 5.0), Col("件数", "{{ r.count }}", 4.0),
        Col("占比", "{{ r.share }}", 4.0),
    ], "r in resolution")
    b.image("resolution_chart")
    b.note("注：办理时长为受理次日起至办结日止的工作日数，当日办结记为“当日”。")

    b.heading("五、超期投诉清单")
    b.loop_table([
        Col("投诉编号", "{{ o.complaint_id }}", 2.7),
        Col("受理日期", "{{ o.received }}", 1.95),
        Col("类别", "{{ o.category }}", 1.5),
        Col("严重程度", "{{ o.severity }}", 1.3),
        Col("责任部门", "{{ o.department }}", 2.0),
        Col("处理人", "{{ o.handler }}", 1.4),
        Col("办结期限", "{{ o.deadline }}", 1.95),
        Col("办结日期", "{{ o.resolved }}", 1.95),
        Col("超期工作日", "{{ o.days_late }}", 1.45),
    ], "o in overdue_list", font_size=XIAO_WU, empty="本期无超期投诉。", condition="has_overdue",
        margin=0.05)
    b.tag("{%p if has_overdue %}")
    b.note("注：超期按工作日计（办结期限次日起至办结日，未办结的至{{ as_of }}）；"
           "未办结的排在前面。")
    b.tag("{%p endif %}")
    b.tag("{%p if overdue_more %}")
    b.note("注：另有{{ overdue_more }}件超期投诉未列出，"
           "全部清单见同目录文件“{{ overdue_file }}”。")
    b.tag("{%p endif %}")

    b.heading("六、近期趋势")
    b.image("trend_chart")
    b.loop_table([
        Col("期间", "{{ t.period }}", 4.0), Col("受理量", "{{ t.received }}", 3.0),
        Col("办结量", "{{ t.resolved }}", 3.0), Col("办结率", "{{ t.closure_rate }}", 3.0),
    ], "t in trend")
    b.note("注：“—”表示该期没有投诉登记表，不是零件投诉。")
    warnings_block(b)
    sources_block(b, "七、数据来源")
    b.para()
    b.para("报告日期：{{ generated_on }}", "Signature", align="r")
    return b


# --------------------------------------------------------------------------------------------
# 4. visits


def visits() -> Builder:
    b = Builder("回访总结报告")
    # two lines: in the 公文 style one line broke the date (统计截止：2026 / 年11月23日)
    b.title("回访总结报告", "{{ period_label }}")
    b.para("统计范围：{{ scope }}　　统计截止：{{ as_of }}", "Subtitle")

    b.heading("一、总体情况")
    b.grid([
        ("回访总数", "联系成功", "回访成功率", "平均满意度", "投诉回访覆盖率"),
        ("{{ total }}", "{{ reached }}", "{{ success_rate }}", "{{ satisfaction }}",
         "{{ coverage }}"),
    ], [2.8, 2.8, 3.0, 4.0, 3.4], header_row=True)
    b.para("本期共回访{{ total }}次，联系成功{{ reached }}次，成功率{{ success_rate }}；"
           "{{ rated }}次回访取得客户满意度评价，平均{{ satisfaction }}。"
           "本期办结投诉{{ resolved_complaints }}件，其中{{ followed_up }}件在办结后"
           "{{ followup_days }}日内完成有效回访，覆盖率{{ coverage }}。", "Body Indent")

    b.heading("二、回访方式与类型")
    b.para("（一）按回访方式", "Label")
    group = [("name", 3.6), ("count", 2.6), ("share", 2.6), ("reached", 2.6),
             ("success_rate", 2.6)]
    heads = {"count": "次数", "share": "占比", "reached": "联系成功", "success_rate": "成功率"}
    b.loop_table([Col("回访方式" if k == "name" else heads[k], f"{{{{ m.{k} }}}}", w)
                  for k, w in group], "m in by_method", empty="本期无回访记录。")
    b.para("（二）按回访类型", "Label")
    b.loop_table([Col("回访类型" if k == "name" else heads[k], f"{{{{ m.{k} }}}}", w)
                  for k, w in group], "m in by_purpose", empty="本期无回访记录。")

    b.heading("三、满意度分布")
    b.loop_table([
        Col("客户评价", "{{ s.label }}", 4.0), Col("分值", "{{ s.score }}", 3.0),
        Col("次数", "{{ s.count }}", 3.0), Col("占比", "{{ s.share }}", 3.0),
    ], "s in satisfaction_rows")
    b.note("注：占比以取得评价的回访为基数；另有{{ unrated }}次回访未取得评价（含未联系上）。")
    b.image("satisfaction_chart")

    b.heading("四、投诉回访覆盖")
    b.para("按规定，投诉办结后{{ followup_days }}日内应完成回访。本期办结投诉"
           "{{ resolved_complaints }}件，按时有效回访{{ followed_up }}件，覆盖率"
           "{{ coverage }}。", "Body Indent")
    b.loop_table([
        Col("投诉编号", "{{ m.complaint_id }}", 3.4), Col("客户", "{{ m.customer }}", 2.6),
        Col("处理人", "{{ m.handler }}", 2.4), Col("办结日期", "{{ m.resolved }}", 2.8),
        Col("情况", "{{ m.reason }}", 4.8),
    ], "m in missed", empty="本期办结的投诉均已按时回访。", condition="has_missed")
    b.tag("{%p if missed_more %}")
    b.note("注：另有{{ missed_more }}件未列出，全部清单见同目录文件“{{ missed_file }}”。")
    b.tag("{%p endif %}")

    b.heading("五、回访人员情况")
    b.loop_table([
        Col("回访人", "{{ p.name }}", 3.4), Col("回访次数", "{{ p.count }}", 3.0),
        Col("联系成功", "{{ p.reached }}", 3.0), Col("成功率", "{{ p.success_rate }}", 3.0),
        Col("平均满意度", "{{ p.satisfaction }}", 3.6),
    ], "p in by_staff", empty="本期无回访记录。")

    b.heading("六、客户意见摘录")
    b.loop_table([
        Col("回访日期", "{{ f.date }}", 2.0), Col("客户", "{{ f.customer }}", 1.8),
        Col("联系电话", "{{ f.phone }}", 2.5), Col("回访人", "{{ f.staff }}", 1.4),
        Col("满意度", "{{ f.satisfaction }}", 1.7), Col("客户意见", "{{ f.feedback }}", 6.6, "l"),
    ], "f in feedback", font_size=XIAO_WU, empty="本期回访中客户未提出意见。",
        condition="has_feedback", margin=0.05)
    b.note("注：优先列出满意度最低和提出意见的回访，供改进服务参考。")
    sources_block(b, "七、数据来源")
    b.para()
    b.para("报告日期：{{ generated_on }}", "Signature", align="r")
    return b


# --------------------------------------------------------------------------------------------
# 5. handbook


def toc_entry(b: Builder, style: str) -> None:
    """``title`` and, when the page is known, a dotted tab to it (the style's right tab)."""
    p = b.para("{{ e.title }}{% if e.page %}", style)
    p.add_run().add_tab()
    p.add_run("{{ e.page }}{% endif %}")


def handbook() -> Builder:
    b = Builder("岗位职责手册")
    first = b.doc.sections[0]
    first.different_first_page_header_footer = True  # no page number on the cover

    # the cover's gaps as spacing, not empty lines: a 公文 line is 29 pt on its grid, and 18
    # empty lines pushed the date onto a page of its own
    b.para("{{ department }}", "Cover Subtitle").paragraph_format.space_before = Pt(150)
    b.para("岗位职责手册", "Cover Title").paragraph_format.space_before = Pt(18)
    b.para("{{ edition }}", "Cover Line").paragraph_format.space_before = Pt(220)
    b.para("{{ edition_date }}", "Cover Line")
    b.page_break()

    # Contents: a real TOC field whose cached result is written from the context: each heading
    # and, when the renderer could lay the handbook out (LibreOffice), its page number after a
    # dotted tab. Word shows it as it is — no "update fields?" on opening; 更新域 (F9) rebuilds
    # it from the headings.
    b.para("目　　录", "TOC Title")
    p = b.para()
    field_char(p, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-2" \\h \\z \\u '
    run = p.add_run()
    run._r.append(instr)
    field_char(p, "separate")
    b.tag("{%p for e in toc %}")
    b.tag("{%p if e.level == 1 %}")
    toc_entry(b, "toc 1")
    b.tag("{%p else %}")
    toc_entry(b, "toc 2")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    end = b.para()
    field_char(end, "end")
    end = b.doc.add_paragraph()
    end.add_run().add_break(WD_BREAK.PAGE)

    b.heading("一、岗位设置与职责")
    b.tag("{%p if has_roles %}")
    b.tag("{%p for role in roles %}")
    b.heading("{{ role.number }}. {{ role.role }}", 2)
    b.grid([("直属上级", "{{ role.reports_to }}"), ("岗位目的", "{{ role.purpose }}")],
           [3.0, 13.0], align="l")
    b.para("岗位职责", "Label")
    numbered_items(b, "role.duties")
    b.tag("{%p if role.requirements %}")
    b.para("任职要求", "Label")
    numbered_items(b, "role.requirements")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p else %}")
    b.para("本部门尚未登记岗位职责。请在岗位职责表中填写后重新生成本手册。", "Body Indent")
    b.tag("{%p endif %}")

    b.heading("二、人员名录")
    b.loop_table([
        Col("序号", "{{ s.index }}", 1.0), Col("姓名", "{{ s.name }}", 1.7),
        Col("工号", "{{ s.staff_id }}", 1.5), Col("岗位", "{{ s.role }}", 2.3),
        Col("手机", "{{ s.phone }}", 2.7), Col("邮箱", "{{ s.email }}", 6.8, "l"),
    ], "s in directory", font_size=XIAO_WU, empty="人员名单中没有本部门的在职人员。")
    b.note("注：为保护个人信息，手机号码已部分隐去；如需完整号码请向部门负责人查询。")

    b.heading("三、投诉处理流程")
    b.para("本部门受理的客户投诉，按照“{{ flow }}”四个环节闭环办理，各环节要求如下。",
           "Body Indent")
    b.loop_table([
        Col("环节", "{{ s.step }}", 2.2), Col("工作要求", "{{ s.text }}", 13.8, "l"),
    ], "s in procedure")
    b.para("办结时限按严重程度确定，以工作日计，自受理次日起算（法定节假日不计，调休上班日计入）：",
           "Body Indent")
    b.loop_table([
        Col("严重程度", "{{ d.severity }}", 2.4), Col("办结时限", "{{ d.days }}个工作日", 3.0),
        Col("适用情形", "{{ d.scope }}", 10.6, "l"),
    ], "d in deadlines")
    b.note("注：投诉办结后{{ followup_days }}日内完成回访；"
           "回访客户仍不满意的，重新进入处理环节。")

    b.landscape_section()
    b.heading("四、{{ calendar.month_label }}值班安排")
    b.tag("{%p if calendar.has_rows %}")
    widths = [2.0] + [0.68] * 31 + [1.0]
    table = b._table(5, widths)
    cell_margins(table, 0.02, 0.02)
    days, weekdays, opener, body, closer = table.rows
    b._cell(days.cells[0], "姓名", "Table Header", "c")
    b._cell(days.cells[-1], "班数", "Table Header", "c")
    b._cell(weekdays.cells[0], "星期", "Table Header", "c")
    b._cell(weekdays.cells[-1], "", "Table Header", "c")
    for i in range(31):
        b._cell(days.cells[i + 1], f"{{{{ calendar.days[{i}].day }}}}", "Table Header", "c")
        b._cell(weekdays.cells[i + 1], f"{{{{ calendar.days[{i}].weekday }}}}", "Table Header",
                "c")
        b._cell(body.cells[i + 1], f"{{{{ r.cells[{i}] }}}}", "Table Text", "c")
    for row in (days, weekdays):
        row_flag(row, "tblHeader")
        for cell in row.cells:
            shade(cell, HEADER_FILL)
    row_flag(body, "cantSplit")
    b._cell(opener.cells[0], "{%tr for r in calendar.rows %}", "Table Text", "l")
    b._cell(closer.cells[0], "{%tr endfor %}", "Table Text", "l")
    b._cell(body.cells[0], "{{ r.name }}", "Table Text", "c")
    b._cell(body.cells[-1], "{{ r.worked }}", "Table Text", "c")
    for row in (days, weekdays, body):
        row_height(row, 0.55)
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
    b.note("班次：{{ calendar.legend }}。")
    b.note("注：本表根据排班表生成；临时调班以部门通知为准，调班后请及时更新排班表。")
    b.tag("{%p else %}")
    b.para("{{ calendar.month_label }}暂无本部门的排班数据。", "Body Indent")
    b.tag("{%p endif %}")
    sources_block(b, "五、数据来源")
    return b


# --------------------------------------------------------------------------------------------

TEMPLATES = {
    "evaluation.docx": evaluation,
    "evaluation-visitor.docx": evaluation_visitor,
    "evaluation-lead.docx": evaluation_lead,
    "evaluation-none.docx": evaluation_none,
    "evaluation-summary.docx": evaluation_summary,
    "complaints.docx": complaints,
    "visits.docx": visits,
    "handbook.docx": handbook,
}


def build(package_dir: Path = PACKAGE_TEMPLATES, workspace_dir: Path | None = WORKSPACE_TEMPLATES,
          docs: Path | None = DOCS) -> list[Path]:
    """Write every template in both styles (the 公文 set in a ``公文/`` folder beside the
    report set) and the reference document; returns the paths written."""
    written = []
    for style, folder in (("report", ""), (GONGWEN, GONGWEN)):
        Builder.style = style
        try:
            for name, make in TEMPLATES.items():
                path = package_dir / folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                make().save(path)
                written.append(path)
                if workspace_dir is not None:
                    (workspace_dir / folder).mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, workspace_dir / folder / name)
                    written.append(workspace_dir / folder / name)
        finally:
            Builder.style = "report"
    if docs is not None:
        sys.path.insert(0, str(ROOT / "src"))
        from officekit.render.context_spec import context_reference

        docs.parent.mkdir(parents=True, exist_ok=True)
        docs.write_text(context_reference() + "\n", encoding="utf-8")
        written.append(docs)
    return written


if __name__ == "__main__":
    for p in build():
        print(p.relative_to(ROOT))
