"""Template problems and where they are, in the terms a person sees in Word.

A problem names its place as Word shows it — 第 3 段, 表格 2 第 4 行第 2 列, 页眉 1 第 1 段,
文档属性 标题 — and :func:`locate_paragraphs` gives every paragraph of a part that place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from officekit.i18n import t
from officekit.render.ooxml import W_P, W_TBL, W_TC, W_TR

# Part file names → the catalogue's ``location.part.<name>`` ({n}: its number); the main
# document has no label. A document property is named by ``location.property.<name>``.
_PART_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"header(\d*)\.xml$"), "header"),
    (re.compile(r"footer(\d*)\.xml$"), "footer"),
    (re.compile(r"footnotes\.xml$"), "footnotes"),
    (re.compile(r"endnotes\.xml$"), "endnotes"),
)
CORE_PROPERTIES = "docProps/core.xml"


@dataclass(frozen=True, slots=True)
class WordLocation:
    """Where a tag sits, in the terms a person sees in Word (1-based numbers).

    Body paragraphs outside tables are counted from the top of the part (empty ones too, as
    Word shows them); a paragraph in a table is given by table, row and cell (and its paragraph
    within the cell when that is not the first). Text boxes count as their anchor paragraph.
    """

    part: str
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    nested: bool = False
    order: int = field(default=0, compare=False)  # paragraph's position in the part, sorting
    prop: str | None = None  # a document property (title, subject…) in docProps/core.xml

    def _label(self, lang: str) -> str:
        for pattern, name in _PART_LABELS:
            match = pattern.search(self.part)
            if match:
                number = match.group(1) if match.groups() else ""
                return t(f"location.part.{name}", lang, n=number or "1")
        return ""

    def _words(self, lang: str) -> str:
        if self.prop is not None:
            name = f"location.property.{self.prop}"
            shown = t(name, lang) if t(name, lang) != name else self.prop
            return t("location.property", lang, name=shown)
        if self.table is not None:
            more = self.paragraph if self.paragraph and self.paragraph > 1 else ""
            text = t("location.cell", lang, table=self.table, row=self.row, cell=self.cell,
                     paragraph=more)
            if self.nested:
                text += t("location.nested", lang)
        else:
            text = t("location.paragraph", lang, paragraph=self.paragraph)
        label = self._label(lang)
        return f"{label} {text}" if label else text

    def zh(self) -> str:
        """E.g. ``第 3 段``, ``表格 2 第 4 行第 2 列``, ``页眉 1 第 1 段``."""
        return self._words("zh")

    def en(self) -> str:
        """E.g. ``paragraph 3``, ``table 2 row 4 cell 2``, ``header 1 paragraph 1``."""
        return self._words("en")

    def text(self, lang: str = "zh") -> str:
        return self.en() if lang == "en" else self.zh()


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One thing wrong with a template: a stable code, Word location, the tag as written.

    Codes: ``unclosed-tag``, ``misplaced-tag``, ``template-syntax``, ``unclosed-block``,
    ``unexpected-end``, ``unknown-filter``, ``unknown-test``, ``missing-variable``,
    ``bad-template``.
    """

    code: str
    message_zh: str
    message_en: str
    location: WordLocation | None = None
    tag: str | None = None
    variable: str | None = None

    def message(self, lang: str = "zh") -> str:
        """One line: location, what is wrong, the tag as written."""
        where = self.location.text(lang) if self.location else ""
        text = self.message_en if lang == "en" else self.message_zh
        return t("template-problem.line", lang, where=where, text=text, tag=self.tag or "")

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready form for ``officekit templates check --format json``."""
        return {
            "code": self.code,
            "part": self.location.part if self.location else None,
            "location": self.location.text(lang) if self.location else None,
            "tag": self.tag,
            "variable": self.variable,
            "message": self.message(lang),
        }


def problem(code: str, location: WordLocation | None, tag: str | None = None,
            variable: str | None = None, *, entry: str | None = None,
            **params: Any) -> TemplateProblem:
    """A problem whose text, in both languages, is the catalogue's
    ``template-problem.<entry>`` (``entry`` defaults to the code) with ``params``."""
    key = f"template-problem.{entry or code}"
    return TemplateProblem(code, t(key, "zh", **params), t(key, "en", **params), location,
                           tag, variable)


def part_label(name: str) -> WordLocation:
    """A location naming only the part (for problems not tied to a paragraph)."""
    return WordLocation(part=name)


def locate_paragraphs(root: Any, part: str) -> dict[Any, WordLocation]:
    """Word location of every ``<w:p>`` in the part (see :class:`WordLocation`)."""
    top_tables: dict[Any, int] = {}
    for tbl in root.iter(W_TBL):
        if next(tbl.iterancestors(W_TBL), None) is None:
            top_tables[tbl] = len(top_tables) + 1
    locations: dict[Any, WordLocation] = {}
    body_count = 0
    cell_counts: dict[Any, int] = {}
    for p in root.iter(W_P):
        outer_p = None
        outer_tc = None
        nested = False
        for anc in p.iterancestors():
            if anc.tag == W_P:
                outer_p = anc
            elif anc.tag == W_TC:
                if outer_tc is not None:
                    nested = True
                outer_tc = anc
        if outer_p is not None and outer_p in locations:
            locations[p] = locations[outer_p]
            continue
        if outer_tc is None:
            body_count += 1
            locations[p] = WordLocation(part=part, paragraph=body_count, order=len(locations))
            continue
        tr = outer_tc.getparent()
        tbl = tr.getparent() if tr is not None else None
        rows = [el for el in tbl if el.tag == W_TR] if tbl is not None else []
        cells = [el for el in tr if el.tag == W_TC] if tr is not None else []
        cell_counts[outer_tc] = cell_counts.get(outer_tc, 0) + 1
        locations[p] = WordLocation(
            part=part,
            paragraph=cell_counts[outer_tc],
            table=top_tables.get(tbl, 0),
            row=rows.index(tr) + 1 if tr in rows else 0,
            cell=cells.index(outer_tc) + 1 if outer_tc in cells else 0,
            nested=nested,
            order=len(locations),
        )
    return locations
