"""Small workbooks for the reading and annotating tests, one writer per case.

Each function writes one file into a folder and returns its path; the tests call them with
``tmp_path``. Run ``.venv/bin/python tests/data/read_fixtures.py OUT_DIR`` to write them all and
open them by hand. Excel-like files are written with xlsxwriter (shared strings, like Excel);
the odd cases (WPS's wrong ``<dimension>``, a formula with no cached value, an encrypted .xls)
are made by editing a good file the way those programs leave it.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

# --------------------------------------------------------------------------------------------
# Good workbooks

TITLE = "2026年10月投诉登记表"
HEADERS = ["投诉编号", "受理时间", "受理日期", "来电时刻", "联系电话", "满意度"]


def xlsx_excel_like(folder: Path) -> Path:
    """xlsxwriter: a merged title row, a blank row, headers on row 3, typed data, row 6
    hidden, a formula with its cached value, a hidden 说明 sheet and an empty sheet."""
    path = folder / "excel_like.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("投诉登记")
    ws.merge_range("A1:F1", TITLE, wb.add_format({"bold": True, "align": "center"}))
    ws.write_row(2, 0, HEADERS)
    dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    d_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    t_fmt = wb.add_format({"num_format": "hh:mm"})
    for i in range(5):
        r = 3 + i
        ws.write_string(r, 0, f"{i + 1:05d}")  # a number stored as text: stays text
        ws.write_datetime(r, 1, datetime(2026, 10, 3 + i, 9, 30), dt_fmt)
        ws.write_datetime(r, 2, date(2026, 10, 3 + i), d_fmt)
        ws.write_datetime(r, 3, time(8 + i, 15), t_fmt)
        ws.write_number(r, 4, 13812345670 + i)  # a phone number stored as a number
        ws.write_number(r, 5, 4)
    ws.set_row(5, None, None, {"hidden": True})  # sheet row 6
    ws.write_formula("G4", "=F4*2", None, 8)
    hidden = wb.add_worksheet("说明")
    hidden.write("A1", "本表每月报送一次")
    hidden.hide()
    wb.add_worksheet("空白")
    wb.close()
    return path


def xlsx_offset(folder: Path) -> Path:
    """Data that starts at C5: rows 1–4 and columns A–B are empty."""
    path = folder / "offset.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("数据")
    ws.write_row(4, 2, ["工号", "姓名"])
    ws.write_row(5, 2, ["007", "张三"])
    wb.close()
    return path


def xlsx_openpyxl(folder: Path) -> Path:
    """openpyxl: formulas are written without a cached value; row 3 hidden; A1:B1 merged."""
    import openpyxl

    path = folder / "openpyxl.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = "人员名单"
    ws.merge_cells("A1:B1")
    ws.append(["工号", "姓名", "序号"])
    ws.append(["001", "张三", "=ROW()-2"])
    ws.append(["002", "李四", 2])
    ws.row_dimensions[3].hidden = True
    wb.save(path)
    return path


def xls_xlwt(folder: Path) -> Path:
    """xlwt (BIFF8 .xls): merged title, typed cells, a hidden sheet."""
    import xlwt

    path = folder / "legacy.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("排班")
    ws.write_merge(0, 0, 0, 3, "2026年10月排班表")
    ws.write(2, 0, "工号")
    ws.write(2, 1, "日期")
    ws.write(3, 0, "001")
    ws.write(3, 1, datetime(2026, 10, 3), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    ws.write(3, 2, 7)
    hidden = wb.add_sheet("说明")
    hidden.write(0, 0, "x")
    hidden.visibility = 1
    wb.save(str(path))
    return path


def ods_odfpy(folder: Path) -> Path:
    """odfpy: a title merged over three columns, a cell merged over two rows, a hidden table."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    def cell(text: str, **kw: str | int) -> TableCell:
        c = TableCell(valuetype=kw.pop("valuetype", "string"), **kw)
        c.addElement(P(text=text))
        return c

    path = folder / "calc.ods"
    doc = OpenDocumentSpreadsheet()
    hidden_style = Style(name="hiddenTable", family="table")
    hidden_style.addElement(TableProperties(display=False))
    doc.automaticstyles.addElement(hidden_style)
    table = Table(name="回访")
    row = TableRow()
    row.addElement(cell(TITLE, numbercolumnsspanned=3))
    row.addElement(CoveredTableCell(numbercolumnsrepeated=2))
    table.addElement(row)
    table.addElement(TableRow())
    row = TableRow()
    for h in ("编号", "回访日期", "满意度"):
        row.addElement(cell(h))
    table.addElement(row)
    row = TableRow()
    row.addElement(cell("00123"))
    row.addElement(cell("2026-10-03", valuetype="date", datevalue="2026-10-03"))
    row.addElement(cell("5", valuetype="float", value="5"))
    table.addElement(row)
    row = TableRow()
    row.addElement(cell("合并", numberrowsspanned=2))
    table.addElement(row)
    row = TableRow()
    row.addElement(CoveredTableCell())
    row.addElement(cell("下方"))
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    note = Table(name="说明", stylename=hidden_style)
    row = TableRow()
    row.addElement(cell("x"))
    note.addElement(row)
    doc.spreadsheet.addElement(note)
    doc.save(str(path))
    return path


def _rewrite_part(src: Path, dest: Path, part: str, edit: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == part else data)
    return dest


def xlsx_wrong_dimension(folder: Path, rows: int = 200) -> Path:
    """What WPS often saves: ``<dimension ref="A1"/>`` on a sheet of ``rows`` rows."""
    good = folder / "dimension_good.xlsx"
    wb = xlsxwriter.Workbook(str(good))
    ws = wb.add_worksheet("花名册")
    ws.write_row(0, 0, ["工号", "姓名", "部门"])
    for r in range(1, rows):
        ws.write_row(r, 0, [f"{r:04d}", f"员工{r}", "客服一部"])
    wb.close()
    return _rewrite_part(good, folder / "wrong_dimension.xlsx", "xl/worksheets/sheet1.xml",
                         lambda x: re.sub(rb'<dimension ref="[^"]*"/>',
                                          b'<dimension ref="A1"/>', x))


def xlsx_formulas_no_cache(folder: Path) -> Path:
    """Formulas as a program that never ran Excel leaves them: B2 and B4 have no ``<v>``
    (B4 a shared formula's child), B3 has an empty ``<v/>``; C2 is a string formula whose
    cached result is the empty string (that *is* a value); B5 keeps its cached 10."""
    good = folder / "formulas_good.xlsx"
    wb = xlsxwriter.Workbook(str(good))
    ws = wb.add_worksheet("计算")
    ws.write_row(0, 0, ["数", "两倍", "文字"])
    for r in range(1, 5):
        ws.write_number(r, 0, r)
    ws.write_formula("B2", "=A2*2", None, 2)
    ws.write_formula("B3", "=A3*2", None, 4)
    ws.write_formula("B4", "=A4*2", None, 6)
    ws.write_formula("B5", "=A5*2", None, 10)
    ws.write_formula("C2", '=IF(A2>5,"大","")', None, "")
    wb.close()

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'(<c r="B2"[^>]*><f>[^<]*</f>)<v>[^<]*</v>', rb"\1", xml)
        xml = re.sub(rb'(<c r="B3"[^>]*><f>[^<]*</f>)<v>[^<]*</v>', rb"\1<v/>", xml)
        xml = re.sub(rb'<c r="B4"([^>]*)><f>[^<]*</f><v>[^<]*</v>',
                     rb'<c r="B4"\1><f t="shared" si="0"/>', xml)
        xml = re.sub(rb'(<c r="C2")([^>]*)><f>([^<]*)</f><v>[^<]*</v>',
                     rb'\1 t="str"><f>\3</f><v></v>', xml)
        return xml

    return _rewrite_part(good, folder / "formulas_no_cache.xlsx", "xl/worksheets/sheet1.xml",
                         edit)


def xlsx_namespaced(folder: Path) -> Path:
    """The formulas file with every worksheet tag written ``<x:tag>`` (some .NET writers do)."""
    src = xlsx_formulas_no_cache(folder)

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)([A-Za-z]\w*)([\s>/])", rb"<\1x:\2\3", xml)
        xml = xml.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")
        return xml.replace(b'<x:row r="3"', b'<x:row hidden="1" r="3"')

    return _rewrite_part(src, folder / "namespaced.xlsx", "xl/worksheets/sheet1.xml", edit)


def xlsm_macro(folder: Path) -> Path:
    """An .xlsx package with a VBA part: an .xlsm as Excel saves it."""
    src = xlsx_offset(folder)
    dest = folder / "macro.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            zout.writestr(info.filename, data)
        zout.writestr("xl/vbaProject.bin", b"\0" * 64)
    return dest


# --------------------------------------------------------------------------------------------
# Bad files, each with the code it must be rejected with


def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def no_cells(folder: Path) -> Path:
    path = folder / "no_cells.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1")
    wb.add_worksheet("Sheet2")
    wb.close()
    return path


def text_renamed(folder: Path) -> Path:
    path = folder / "renamed_text.xlsx"
    path.write_text("工号,姓名\n001,张三\n", encoding="utf-8")
    return path


def csv_file(folder: Path) -> Path:
    path = folder / "list.csv"
    path.write_text("工号,姓名\n001,张三\n", encoding="gbk")
    return path


def pdf_file(folder: Path) -> Path:
    path = folder / "report.xlsx"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def docx_file(folder: Path) -> Path:
    import docx

    path = folder / "letter.xlsx"
    document = docx.Document()
    document.add_paragraph("投诉处理通知")
    document.save(str(path))
    return path


def html_xls(folder: Path) -> Path:
    """What some systems export under an .xls name: an HTML table."""
    path = folder / "export.xls"
    path.write_text("<html><body><table><tr><td>工号</td></tr></table></body></html>",
                    encoding="utf-8")
    return path


def spreadsheetml_2003(folder: Path) -> Path:
    path = folder / "xml2003.xls"
    path.write_text('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:'
                    'office:spreadsheet"><Worksheet ss:Name="S"/></Workbook>', encoding="utf-8")
    return path


def xlsb_like(folder: Path) -> Path:
    path = folder / "binary.xlsb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


def corrupt_zip(folder: Path) -> Path:
    """A valid zip local header followed by garbage."""
    good = xlsx_offset(folder).read_bytes()
    path = folder / "corrupt.xlsx"
    path.write_bytes(good[:40] + bytes((i * 37) % 256 for i in range(3000)))
    return path


def truncated_xlsx(folder: Path) -> Path:
    good = xlsx_excel_like(folder).read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(good[: len(good) // 2])
    return path


def truncated_xls(folder: Path) -> Path:
    good = xls_xlwt(folder).read_bytes()
    path = folder / "truncated.xls"
    path.write_bytes(good[: len(good) // 2])
    return path


def broken_sheet_xml(folder: Path) -> Path:
    """A whole package whose worksheet XML is cut off: calamine's own XML error."""
    src = xlsx_offset(folder)
    return _rewrite_part(src, folder / "broken_xml.xlsx", "xl/worksheets/sheet1.xml",
                         lambda x: x[: len(x) // 2].replace(b"<sheetData>", b"<sheetData><row"))


def encrypted_xlsx(folder: Path) -> Path:
    """A password-protected .xlsx (an OLE2 container with EncryptionInfo/EncryptedPackage)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    src = xlsx_offset(folder)
    path = folder / "password.xlsx"
    with src.open("rb") as fin, path.open("wb") as fout:
        OOXMLFile(fin).encrypt("secret", fout)
    return path


def _biff_records(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, record type, length) of the globals substream."""
    out, pos = [], 0
    while pos + 4 <= len(data):
        rec, length = struct.unpack_from("<HH", data, pos)
        out.append((pos, rec, length))
        if rec == 0x000A:
            break
        pos += 4 + length
    return out


def _patch_workbook_stream(path: Path, edit: Callable[[bytearray], None]) -> None:
    import olefile

    ole = olefile.OleFileIO(str(path), write_mode=True)
    data = bytearray(ole.openstream("Workbook").read())
    edit(data)
    ole.write_stream("Workbook", bytes(data))
    ole.close()


def encrypted_xls(folder: Path, xor: bool = False) -> Path:
    """An .xls with a FILEPASS record, in place of xlwt's WRITEACCESS record of the same size.
    ``xor``: the old XOR obfuscation (type 0), which calamine does not notice by itself."""
    path = folder / ("xor.xls" if xor else "password.xls")
    shutil.copy(xls_xlwt(folder), path)

    def edit(data: bytearray) -> None:
        pos, _, length = next(r for r in _biff_records(bytes(data)) if r[1] == 0x005C)
        struct.pack_into("<HH", data, pos, 0x002F, length)
        struct.pack_into("<HHH", data, pos + 4, 0 if xor else 1, 1, 1)

    _patch_workbook_stream(path, edit)
    return path


def xls_bad_dimensions(folder: Path) -> Path:
    """An .xls whose DIMENSIONS record has its first row after its last (a damaged file):
    calamine would try to reserve terabytes and abort the process."""
    path = folder / "bad_dimensions.xls"
    shutil.copy(xls_xlwt(folder), path)

    def edit(data: bytearray) -> None:
        sheets = [struct.unpack_from("<I", data, pos + 4)[0]
                  for pos, rec, _ in _biff_records(bytes(data)) if rec == 0x0085]
        pos = sheets[0]
        while True:
            rec, length = struct.unpack_from("<HH", data, pos)
            if rec == 0x0200:
                struct.pack_into("<IIHH", data, pos + 4, 7682, 7, 0, 4)
                return
            pos += 4 + length

    _patch_workbook_stream(path, edit)
    return path


def doc_like_ole(folder: Path) -> Path:
    """An OLE2 file with a WordDocument stream and no Workbook: a .doc renamed .xls."""
    data = bytearray(xls_xlwt(folder).read_bytes())
    name = "Workbook".encode("utf-16-le") + b"\0\0"
    at = data.index(name)
    new = "WordDocument".encode("utf-16-le") + b"\0\0"
    data[at:at + 64] = new.ljust(64, b"\0")
    struct.pack_into("<H", data, at + 64, len(new))
    path = folder / "word.xls"
    path.write_bytes(bytes(data))
    return path


def far_cell(folder: Path) -> Path:
    """A stray value at XFD1048576: calamine's dense block would need terabytes."""
    path = folder / "far.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write("A1", "工号")
    ws.write("XFD1048576", "x")
    wb.close()
    return path


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (empty_file, "empty-file"),
    "no-cells": (no_cells, "empty-file"),
    "text-renamed": (text_renamed, "not-a-workbook"),
    "csv": (csv_file, "not-a-workbook"),
    "pdf": (pdf_file, "not-a-workbook"),
    "docx": (docx_file, "not-a-workbook"),
    "doc-ole": (doc_like_ole, "not-a-workbook"),
    "html-xls": (html_xls, "not-a-workbook"),
    "xml-2003": (spreadsheetml_2003, "unsupported-format"),
    "xlsb": (xlsb_like, "unsupported-format"),
    "corrupt-zip": (corrupt_zip, "corrupt-file"),
    "truncated-xlsx": (truncated_xlsx, "corrupt-file"),
    "truncated-xls": (truncated_xls, "corrupt-file"),
    "broken-xml": (broken_sheet_xml, "corrupt-file"),
    "xls-bad-dimensions": (xls_bad_dimensions, "corrupt-file"),
    "encrypted-xlsx": (encrypted_xlsx, "encrypted-file"),
    "encrypted-xls": (encrypted_xls, "encrypted-file"),
    "xor-xls": (lambda folder: encrypted_xls(folder, xor=True), "encrypted-file"),
    "far-cell": (far_cell, "too-large"),
}

GOOD_FILES: dict[str, Callable[[Path], Path]] = {
    "excel-like": xlsx_excel_like,
    "offset": xlsx_offset,
    "openpyxl": xlsx_openpyxl,
    "xls": xls_xlwt,
    "ods": ods_odfpy,
    "wrong-dimension": xlsx_wrong_dimension,
    "formulas": xlsx_formulas_no_cache,
    "namespaced": xlsx_namespaced,
    "xlsm": xlsm_macro,
}


def main(argv: list[str]) -> None:
    out = Path(argv[1] if len(argv) > 1 else "read_fixtures_out")
    for name, make in {**GOOD_FILES, **{k: v[0] for k, v in BAD_FILES.items()}}.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        print(make(folder))


if __name__ == "__main__":
    main(sys.argv)
