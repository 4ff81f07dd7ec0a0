"""What python-calamine does not tell: hidden rows, formulas without a stored value, ODS merges.

calamine reads values; a validator also wants to know which rows a person hid (their data is
easy to miss) and which formula cells have no cached value (the file was written by a program,
never opened in Excel, so the value a person sees is not in the file). Both live in the raw
worksheet XML of an .xlsx/.xlsm. calamine also gives no merged ranges for .ods files.

Speed matters: a 100,000-row sheet must cost little more than calamine's own read. So each
worksheet part is first *streamed* and searched for the bytes that could matter
(``hidden="1"``, a ``<f`` formula tag); most sheets have neither and are never parsed. When one
is there, byte-level regular expressions find the elements; only a sheet whose elements lack
their ``r`` position attribute, or whose tags carry a namespace prefix (both legal, both rare),
falls back to a full lxml parse. The same stream measures how far the sheet reaches, so that a
stray value at XFD1048576 is refused before calamine tries to hold a dense block that big.

Only xlsx/xlsm have this: for .xls and .ods, hidden rows and uncached formulas are not read.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

_CHUNK = 1 << 20
# A part is kept in memory for the byte scan only up to this size; a larger one is parsed
# again as a stream (slower, but a bomb in padding or a cell must not be held whole).
_KEEP_MAX = 64 << 20
_OVERLAP = 256  # so a tag split across two chunks is still seen whole in the second

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# Prefilters, run over every streamed chunk. Each starts with a literal so ``re`` skips ahead at
# memchr speed; a pattern that starts with a class or an optional group is ten times slower.
_MAY_HIDE = re.compile(rb"hidden=[\"'](?:1|true)[\"']")
_MAY_FORMULA = re.compile(rb"<f[\s>/]")
_MAY_FORMULA_NS = re.compile(rb":f[\s>/]")
_NS_ROOT = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]")  # ``<x:worksheet>``: prefixed tags
_ROW_NUMS = re.compile(rb"row r=[\"'](\d+)")
_WIDE_COLS = re.compile(rb"r=[\"']([A-Za-z]{2,3})\d")

# The fast scan anchors on the *end* of a formula cell that has no value, so it only stops on
# the cells it reports: ``</f></c>``, or a self-closed ``<f .../>`` (a shared formula's
# child) followed by ``</c>``; an empty ``<v/>`` in between counts as no value.
_UNCACHED_AFTER_F = re.compile(rb"</f>\s*(<v\s*/>|<v>\s*</v>)?\s*</c>")
_UNCACHED_AFTER_SELF = re.compile(rb"/>\s*(<v\s*/>|<v>\s*</v>)?\s*</c>")
_TAG_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{1,3})?(\d+)[\"']")
_STR_TYPE = re.compile(rb"\st\s*=\s*[\"']str[\"']")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(slots=True)
class SheetMeta:
    """Raw-XML facts about one worksheet (rows 1-based, columns 0-based).

    ``max_row`` is the highest row number written and ``max_col`` an upper bound of the highest
    0-based column (exact from column AA on; 25 when every cell is in A–Z): calamine holds a
    sheet as one dense block from A1, so these say what reading it will cost.
    """

    hidden_rows: set[int] = field(default_factory=set)
    formula_no_cache: set[tuple[int, int]] = field(default_factory=set)
    max_row: int = 0
    max_col: int = 0
    rows_written: int | None = 0  # ``<row`` elements in the part; None: not counted
    part: str | None = None  # the worksheet part in the package

    @property
    def dense_cells(self) -> int:
        return self.max_row * (self.max_col + 1)


def _col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# --------------------------------------------------------------------------------------------
# xlsx / xlsm


def unique_names(names: list[str]) -> list[str]:
    """Sheet names made unique the way :func:`officekit.read.workbook.open_workbook` reads
    them: a repeated name becomes ``name (2)``, ``name (3)``…"""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        unique, n = name, 2
        while unique in seen:
            unique, n = f"{name} ({n})", n + 1
        seen.add(unique)
        out.append(unique)
    return out


def _sheet_elements(wb: etree._Element) -> list[etree._Element]:
    return [el for ns in (_NS_MAIN, _NS_STRICT) for el in wb.iter(f"{{{ns}}}sheet")]


def renamed_package(path: Path) -> bytes:
    """The package at ``path`` with repeated sheet names made unique (:func:`unique_names`)
    in ``xl/workbook.xml``: calamine finds sheets by name, so it would read the first of two
    same-named sheets twice."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                wb = etree.fromstring(data, _SAFE_PARSER)
                sheets = _sheet_elements(wb)
                for el, name in zip(sheets, unique_names([el.get("name") or "" for el in sheets]),
                                    strict=True):
                    el.set("name", name)
                data = etree.tostring(wb, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            dst.writestr(info, data)
    return out.getvalue()


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path (``xl/worksheets/sheet1.xml``), via workbook.xml + rels.

    Sheets whose part is missing from the package (or chart sheets) are left out.
    """
    names = set(zf.namelist())
    wb_part = "xl/workbook.xml"
    rels_part = "xl/_rels/workbook.xml.rels"
    if wb_part not in names or rels_part not in names:
        return {}
    wb = etree.fromstring(zf.read(wb_part), _SAFE_PARSER)
    rels = etree.fromstring(zf.read(rels_part), _SAFE_PARSER)
    targets: dict[str, str] = {}
    for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship"):
        target = rel.get("Target") or ""
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id") or ""] = path
    out: dict[str, str] = {}
    sheets = _sheet_elements(wb)
    for sheet, name in zip(sheets, unique_names([el.get("name") or "" for el in sheets]),
                           strict=True):
        rid = sheet.get(f"{{{_NS_REL}}}id") or sheet.get(f"{{{_NS_REL_STRICT}}}id") or ""
        part = targets.get(rid)
        if part is not None and part in names and "worksheets/" in part:
            out[name] = part
    return out


@dataclass(slots=True)
class _Scan:
    hide: bool = False
    formula: bool = False
    namespaced: bool = False
    max_row: int = 0
    max_col: int = 25
    rows_written: int | None = 0  # None: not counted (see _prefilter)
    kept: int = 0
    too_big: bool = False  # larger than _KEEP_MAX: chunks dropped, parse as a stream
    chunks: list[bytes] = field(default_factory=list)


def _row_count(chunk: bytes) -> int:
    return chunk.count(b"<row") + chunk.count(b":row ")


def _prefilter(stream: IO[bytes], reopen: Callable[[], IO[bytes]] | None = None,
               keep: bool = True) -> _Scan:
    """Stream a worksheet part once, without parsing: may it have hidden rows or formulas,
    and how far does it reach (see :class:`SheetMeta`). The chunks are kept until the part is
    known to need no scan (they cost what calamine's own copy of the part does), so a part
    that needs one is not decompressed twice.

    Given ``reopen`` (the part streamed again from its start), the ``<row`` elements are not
    counted (``rows_written`` None: a pass over the part that only the refusal of a sheet too
    large needs, see :func:`count_rows`) unless rows without a leading ``r`` make the count
    the extent; the part is then streamed again and counted throughout. Without ``keep`` no
    chunk is kept (the part is read again if it needs the scan: see :func:`sheet_details`).
    """
    scan = _Scan(rows_written=0 if reopen is None else None)
    tail = b""
    while chunk := stream.read(_CHUNK):
        if not scan.chunks and not scan.kept:
            scan.namespaced = _NS_ROOT.search(chunk, 0, 4096) is not None
        scan.kept += len(chunk)
        if scan.kept > _KEEP_MAX:
            scan.too_big = True
            scan.chunks.clear()
        elif keep:
            scan.chunks.append(chunk)
        if scan.rows_written is not None:
            scan.rows_written += _row_count(chunk)
        # each pattern over the chunk, and over the seam with the chunk before (a tag split
        # in two); what the seam finds again is only found twice
        seam = tail + chunk[:_OVERLAP]
        may_f = _MAY_FORMULA_NS if scan.namespaced else _MAY_FORMULA
        scan.hide = scan.hide or bool(_MAY_HIDE.search(chunk) or _MAY_HIDE.search(seam))
        scan.formula = scan.formula or bool(may_f.search(chunk) or may_f.search(seam))
        rows = _ROW_NUMS.findall(chunk) + _ROW_NUMS.findall(seam)
        if rows:
            scan.max_row = max(scan.max_row, *map(int, rows))
        elif b"row" in chunk:  # rows whose ``r`` is not first, or absent: count them instead
            if scan.rows_written is None:
                assert reopen is not None
                with reopen() as again:
                    return _prefilter(again, keep=keep)
            scan.max_row = max(scan.max_row, scan.rows_written)
        cols = set(_WIDE_COLS.findall(chunk)) | set(_WIDE_COLS.findall(seam))
        if cols:
            scan.max_col = max(scan.max_col, *map(_col_index, cols))
        tail = chunk[-_OVERLAP:]
    if not (scan.hide or scan.formula):
        scan.chunks.clear()
    return scan


def count_rows(path: Path, part: str) -> int:
    """The ``<row`` elements of worksheet ``part``, counted as :func:`_prefilter` counts them
    (a second pass over the part, for the words of a refusal only)."""
    written = 0
    with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            written += _row_count(chunk)
    return written


class _NeedsParse(Exception):
    """An element of interest has no ``r`` attribute: positions must be counted by parsing."""


def _tag_before(data: bytes, pos: int) -> tuple[int, bytes]:
    """Start and text (up to ``>``) of the tag that opens last before ``pos``."""
    start = data.rfind(b"<", 0, pos)
    return start, data[start:data.find(b">", start) + 1]


def _is_tag(tag: bytes, name: bytes) -> bool:
    n = len(name) + 1
    return tag[:n] == b"<" + name and tag[n:n + 1] in (b" ", b"\t", b"\r", b"\n", b">", b"/")


def _scan_bytes(data: bytes, scan: _Scan) -> SheetMeta:
    """The fast path over a part without namespace prefixes: each hit is checked in place.
    Raises _NeedsParse when an element found has no ``r``."""
    meta = SheetMeta()
    if scan.hide:
        for m in _MAY_HIDE.finditer(data):
            _, tag = _tag_before(data, m.start())
            if _is_tag(tag, b"row"):  # hidden columns (<col hidden>) are not rows
                ref = _TAG_REF.search(tag)
                if ref is None:
                    raise _NeedsParse
                meta.hidden_rows.add(int(ref.group(2)))
    if scan.formula:
        hits = [(m, m.start()) for m in _UNCACHED_AFTER_F.finditer(data)]
        hits += [(m, m.start() + 2) for m in _UNCACHED_AFTER_SELF.finditer(data)]
        for m, f_end in hits:
            f_start, f_tag = _tag_before(data, f_end)
            if not _is_tag(f_tag, b"f"):
                continue  # ``<v/></c>`` in a cell with no formula
            _, c_tag = _tag_before(data, f_start)
            if not _is_tag(c_tag, b"c"):
                continue
            if m.group(1) is not None and _STR_TYPE.search(c_tag):
                continue  # a formula whose cached result is the empty string
            ref = _TAG_REF.search(c_tag)
            if ref is None or ref.group(1) is None:
                raise _NeedsParse
            meta.formula_no_cache.add((int(ref.group(2)), _col_index(ref.group(1))))
    return meta


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sheet_xml(stream: IO[bytes]) -> SheetMeta:
    """The slow, exact path: parse the worksheet with lxml, counting rows and cells that carry
    no ``r`` attribute. Also the reference the fast path is tested against."""
    meta = SheetMeta()
    row_num = 0
    for _event, row in etree.iterparse(stream, events=("end",), tag="{*}row",
                                       resolve_entities=False, no_network=True, huge_tree=True):
        r = row.get("r")
        row_num = int(r) if r else row_num + 1
        if row.get("hidden") in ("1", "true"):
            meta.hidden_rows.add(row_num)
        col = -1
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            ref = cell.get("r")
            m = _CELL_REF.match(ref) if ref else None
            col = _col_index(m.group(1)) if m else col + 1
            children = {_local(ch.tag): ch for ch in cell}
            if "f" not in children:
                continue
            v = children.get("v")
            if v is None or (not (v.text or "").strip() and cell.get("t") != "str"):
                meta.formula_no_cache.add((row_num, col))
        row.clear()
        parent = row.getparent()
        while parent is not None and row.getprevious() is not None:
            del parent[0]
    return meta


def scan_sheet_part(zf: zipfile.ZipFile, part: str) -> SheetMeta:
    """Hidden rows, uncached formula cells and extent of one worksheet part of an open package."""
    meta, scan = _extent(zf, part, keep=True)
    _details(zf, part, scan, meta)
    return meta


def _extent(zf: zipfile.ZipFile, part: str, keep: bool) -> tuple[SheetMeta, _Scan]:
    with zf.open(part) as stream:
        scan = _prefilter(stream, lambda: zf.open(part), keep=keep)
    meta = SheetMeta(max_row=scan.max_row, max_col=scan.max_col,
                     rows_written=scan.rows_written, part=part)
    return meta, scan


def _details(zf: zipfile.ZipFile, part: str, scan: _Scan, meta: SheetMeta) -> None:
    """Fill in ``meta``'s hidden rows and uncached formulas, if the prefilter saw any."""
    if not (scan.hide or scan.formula):
        return
    found = SheetMeta()
    if scan.too_big:
        with zf.open(part) as stream:
            found = parse_sheet_xml(stream)
    else:
        data = b"".join(scan.chunks) if scan.chunks else zf.read(part)
        scan.chunks.clear()
        try:
            if scan.namespaced:
                raise _NeedsParse
            found = _scan_bytes(data, scan)
        except _NeedsParse:
            del data
            with zf.open(part) as stream:
                found = parse_sheet_xml(stream)
    meta.hidden_rows, meta.formula_no_cache = found.hidden_rows, found.formula_no_cache


SheetExtents = dict[str, tuple[SheetMeta, _Scan]]


def sheet_extents(path: Path) -> SheetExtents:
    """Per sheet name, how far each worksheet reaches (SheetMeta's extent; its hidden rows and
    formulas come from :func:`sheet_details`), keeping no part in memory: what must be known
    before calamine builds a sheet, streamed while calamine reads."""
    with zipfile.ZipFile(path) as zf:
        return {name: _extent(zf, part, keep=False) for name, part in sheet_parts(zf).items()}


def sheet_details(path: Path, extents: SheetExtents) -> dict[str, SheetMeta]:
    """:func:`sheet_extents` completed with each sheet's hidden rows and uncached formulas
    (a part whose prefilter saw any is read again)."""
    out: dict[str, SheetMeta] = {}
    with zipfile.ZipFile(path) as zf:
        for name, (meta, scan) in extents.items():
            if meta.part is not None:
                _details(zf, meta.part, scan, meta)
            out[name] = meta
    return out


_ANY_CELL_COL = re.compile(rb"\sr=[\"']([A-Za-z]{1,3})\d")


def used_columns(path: Path, part: str) -> int:
    """The highest 0-based column any cell of worksheet ``part`` names (a second, slower pass
    over the part, for the size check only)."""
    best = 0
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            letters = set(_ANY_CELL_COL.findall(tail + chunk))
            if letters:
                best = max(best, *map(_col_index, letters))
            tail = chunk[-_OVERLAP:]
    return best


def xlsx_sheet_meta(path: Path) -> dict[str, SheetMeta]:
    """Per sheet name, the hidden rows, the formula cells with no cached value and the extent
    of every worksheet of an .xlsx/.xlsm file.

    Callers have already checked the file is a readable package; zip and XML errors propagate
    (``zipfile.BadZipFile``, ``lxml.etree.XMLSyntaxError``) for the caller to wrap.
    """
    out: dict[str, SheetMeta] = {}
    with zipfile.ZipFile(path) as zf:
        for name, part in sheet_parts(zf).items():
            out[name] = scan_sheet_part(zf, part)
    return out


# --------------------------------------------------------------------------------------------
# ods

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_T = f"{{{_NS_TABLE}}}"
_MAY_SPAN = re.compile(rb"number-(?:columns|rows)-spanned")
# Repeat counts above this are the "rest of the sheet is empty" padding LibreOffice writes.
_MAX_REPEAT = 1 << 20


def _int_attr(el: etree._Element, name: str) -> int:
    value = el.get(_T + name)
    try:
        return max(1, min(int(value), _MAX_REPEAT)) if value else 1
    except ValueError:
        return 1


def _ods_tables(stream: IO[bytes]) -> Iterator[tuple[str, list[tuple[int, int, int, int]]]]:
    merged: list[tuple[int, int, int, int]] = []
    row = 0
    for event, el in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                     no_network=True, huge_tree=True):
        if el.tag == _T + "table":
            if event == "start":
                merged, row = [], 0
            else:
                yield el.get(_T + "name") or "", merged
                el.clear()
        elif event == "end" and el.tag == _T + "table-row":
            col = 0
            for cell in el:
                if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                    continue
                cols = _int_attr(cell, "number-columns-spanned")
                rows = _int_attr(cell, "number-rows-spanned")
                if cell.tag == _T + "table-cell" and (cols > 1 or rows > 1):
                    merged.append((row, col, row + rows - 1, col + cols - 1))
                col += _int_attr(cell, "number-columns-repeated")
            row += _int_attr(el, "number-rows-repeated")
            el.clear()


def ods_merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Per table name, the merged ranges of an .ods file, 0-based inclusive
    ``(first_row, first_col, last_row, last_col)`` like :class:`officekit.read.RawSheet`.

    calamine reports none for ODS; title rows and two-row headers need them.
    """
    with zipfile.ZipFile(path) as zf:
        if "content.xml" not in zf.namelist():
            return {}
        with zf.open("content.xml") as stream:
            tail = b""
            found = False
            while not found:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                found = _MAY_SPAN.search(tail + chunk) is not None
                tail = chunk[-_OVERLAP:]
        if not found:
            return {}
        with zf.open("content.xml") as stream:
            return {name: ranges for name, ranges in _ods_tables(stream) if ranges}
