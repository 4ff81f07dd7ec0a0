"""Reading workbooks: formats, positions, metadata, and every way a file can be unreadable."""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineError

from officekit.errors import WorkbookError
from officekit.read.detect import check_complete, detect_format, sha256_file
from officekit.read.workbook import open_workbook
from officekit.read.xlsx_meta import (
    _prefilter,
    _scan_bytes,
    count_rows,
    parse_sheet_xml,
    sheet_parts,
    xlsx_sheet_meta,
)
from officekit.settings import Limits

sys.path.insert(0, str(Path(__file__).parent / "data"))
import read_fixtures as fx


def test_xlsxwriter_workbook_rows_values_and_meta(tmp_path: Path) -> None:
    wb = open_workbook(fx.xlsx_excel_like(tmp_path))
    assert wb.format == "xlsx"
    assert [(s.name, s.visible) for s in wb.sheets] == [
        ("投诉登记", True), ("说明", False), ("空白", True)]
    sheet = wb.sheets[0]
    # rows[0] is sheet row 1: the merged title, then the blank row 2, headers on row 3
    assert sheet.rows[0] == [fx.TITLE]
    assert sheet.rows[1] == []
    assert sheet.rows[2] == fx.HEADERS
    assert sheet.cell(4, 0) == "00001"  # text that looks like a number stays text
    assert sheet.cell(4, 1) == datetime(2026, 10, 3, 9, 30)
    assert sheet.cell(4, 2) == date(2026, 10, 3)
    assert sheet.cell(4, 3) == time(8, 15)
    assert sheet.cell(4, 4) == 13812345670  # a number stays a number (float from calamine)
    assert sheet.cell(4, 6) == 8  # the formula's cached value
    assert len(sheet.rows) == 8
    assert sheet.cell(9, 0) is None and sheet.cell(0, 0) is None
    assert sheet.merged == [(0, 0, 0, 5)]
    assert sheet.hidden_rows == {6}
    assert sheet.formula_no_cache == set()
    assert wb.sheets[1].rows == [["本表每月报送一次"]]
    assert wb.sheets[2].rows == []


def test_leading_empty_rows_and_columns_are_kept(tmp_path: Path) -> None:
    sheet = open_workbook(fx.xlsx_offset(tmp_path)).sheets[0]
    assert sheet.rows[:4] == [[], [], [], []]
    assert sheet.rows[4] == [None, None, "工号", "姓名"]
    assert sheet.cell(6, 2) == "007"


def test_openpyxl_formula_without_cached_value_and_hidden_row(tmp_path: Path) -> None:
    sheet = open_workbook(fx.xlsx_openpyxl(tmp_path)).sheets[0]
    assert sheet.rows[1] == ["工号", "姓名", "序号"]
    assert sheet.cell(3, 0) == "001"
    assert sheet.cell(3, 2) is None  # openpyxl stores no value for the formula
    assert sheet.formula_no_cache == {(3, 2)}
    assert sheet.hidden_rows == {3}
    assert sheet.merged == [(0, 0, 0, 1)]


def test_xls_from_xlwt(tmp_path: Path) -> None:
    wb = open_workbook(fx.xls_xlwt(tmp_path))
    assert wb.format == "xls"
    sheet = wb.sheets[0]
    assert sheet.rows[0] == ["2026年10月排班表"]
    assert sheet.rows[3] == ["001", date(2026, 10, 3), 7]
    assert sheet.merged == [(0, 0, 0, 3)]
    assert (sheet.hidden_rows, sheet.formula_no_cache) == (set(), set())  # xls: not read
    assert wb.sheets[1].visible is False


def test_ods_from_odfpy_with_merges_from_the_xml(tmp_path: Path) -> None:
    wb = open_workbook(fx.ods_odfpy(tmp_path))
    assert wb.format == "ods"
    sheet = wb.sheets[0]
    assert sheet.rows[0] == [fx.TITLE]
    assert sheet.rows[3] == ["00123", date(2026, 10, 3), 5]
    assert sheet.rows[5] == [None, "下方"]
    assert sheet.merged == [(0, 0, 0, 2), (4, 0, 5, 0)]
    assert [s.visible for s in wb.sheets] == [True, False]


def test_wrong_dimension_record_still_reads_every_row(tmp_path: Path) -> None:
    path = fx.xlsx_wrong_dimension(tmp_path, rows=200)
    with zipfile.ZipFile(path) as zf:
        assert b'<dimension ref="A1"/>' in zf.read("xl/worksheets/sheet1.xml")
    sheet = open_workbook(path).sheets[0]
    assert len(sheet.rows) == 200
    assert sheet.rows[199] == ["0199", "员工199", "客服一部"]


def test_formula_cells_without_cached_value(tmp_path: Path) -> None:
    sheet = open_workbook(fx.xlsx_formulas_no_cache(tmp_path)).sheets[0]
    # B2 no <v>, B3 empty <v/>, B4 a shared formula's child; C2's cached "" is a value
    assert sheet.formula_no_cache == {(2, 1), (3, 1), (4, 1)}
    assert sheet.cell(5, 1) == 10


@pytest.mark.parametrize("make", [fx.xlsx_excel_like, fx.xlsx_openpyxl,
                                  fx.xlsx_formulas_no_cache, fx.xlsx_wrong_dimension])
def test_fast_scan_agrees_with_a_full_parse(tmp_path: Path, make: Callable[[Path], Path]
                                            ) -> None:
    with zipfile.ZipFile(make(tmp_path)) as zf:
        for part in sheet_parts(zf).values():
            with zf.open(part) as stream:
                scan = _prefilter(stream)
            fast = _scan_bytes(zf.read(part), scan)
            with zf.open(part) as stream:
                full = parse_sheet_xml(stream)
            assert (fast.hidden_rows, fast.formula_no_cache) == \
                (full.hidden_rows, full.formula_no_cache)


def test_namespace_prefixed_sheet_falls_back_to_a_full_parse(tmp_path: Path) -> None:
    sheet = open_workbook(fx.xlsx_namespaced(tmp_path)).sheets[0]
    assert sheet.rows[0] == ["数", "两倍", "文字"]
    assert sheet.formula_no_cache == {(2, 1), (3, 1), (4, 1)}
    assert sheet.hidden_rows == {3}


def test_sheet_meta_extent_and_parts(tmp_path: Path) -> None:
    path = fx.xlsx_excel_like(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert sheet_parts(zf) == {"投诉登记": "xl/worksheets/sheet1.xml",
                                   "说明": "xl/worksheets/sheet2.xml",
                                   "空白": "xl/worksheets/sheet3.xml"}
    meta = xlsx_sheet_meta(path)["投诉登记"]
    assert meta.max_row == 8
    assert meta.max_col == 25  # every cell within A–Z


def test_xlsm_is_recognised_by_its_content(tmp_path: Path) -> None:
    path = fx.xlsm_macro(tmp_path)
    assert detect_format(path) == "xlsm"
    renamed = path.rename(tmp_path / "renamed.xls")
    assert open_workbook(renamed).format == "xlsm"


def test_a_workbook_reads_the_same_whatever_its_name_says(tmp_path: Path) -> None:
    """A name that says what the file is opens from the disk, any other from a copy of its
    bytes (calamine then sniffs the content): the same sheets either way, for each format."""
    for make in (fx.xlsx_excel_like, fx.xls_xlwt, fx.ods_odfpy, fx.xlsm_macro):
        folder = tmp_path / make.__name__
        folder.mkdir()
        path = make(folder)
        expected = _summary(str(path))
        assert isinstance(expected, list) and expected, make.__name__
        for name in ("renamed.xlsx", "renamed.xls", "renamed.ods", "名单.XLSX", "no_suffix"):
            other = folder / name
            other.write_bytes(path.read_bytes())
            assert _summary(str(other)) == expected, (make.__name__, name)


@pytest.mark.parametrize("case", sorted(fx.BAD_FILES))
def test_bad_files_get_a_clean_error_with_a_stable_code(tmp_path: Path, case: str) -> None:
    make, code = fx.BAD_FILES[case]
    path = make(tmp_path)
    with pytest.raises(WorkbookError) as info:
        open_workbook(path)
    err = info.value
    assert err.code == code
    assert err.params["file"] == path.name
    assert path.name in err.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message)  # the message is Chinese
    assert err.exit_code == 1


def test_reader_errors_are_chained_to_their_cause(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as info:
        open_workbook(fx.broken_sheet_xml(tmp_path))
    assert info.value.code == "corrupt-file"
    assert isinstance(info.value.__cause__, CalamineError)
    with pytest.raises(WorkbookError) as info:
        open_workbook(fx.truncated_xlsx(tmp_path))
    assert isinstance(info.value.__cause__, zipfile.BadZipFile)


def test_not_a_workbook_says_what_the_file_is(tmp_path: Path) -> None:
    cases = {fx.pdf_file: "PDF", fx.docx_file: "Word 文档", fx.html_xls: "HTML 网页",
             fx.text_renamed: "文本/CSV 文件"}
    for make, detected in cases.items():
        with pytest.raises(WorkbookError) as info:
            open_workbook(make(tmp_path))
        assert info.value.params["detected"] == detected


def test_unicode_text_export_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "unicode.xls"
    path.write_bytes("工号\t姓名\r\n001\t张三\r\n".encode("utf-16"))
    with pytest.raises(WorkbookError) as info:
        open_workbook(path)
    assert (info.value.code, info.value.params["detected"]) == ("not-a-workbook", "文本/CSV 文件")


def test_sha256_is_streamed_over_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = bytes(range(256)) * 20_000  # 5 MB: more than one read
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("make", [fx.xlsx_excel_like, fx.xls_xlwt, fx.ods_odfpy])
def test_complete_files_are_complete_and_truncated_copies_are_not(
        tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path)
    assert check_complete(path)
    data = path.read_bytes()
    for fraction in (0.1, 0.5, 0.9):
        part = tmp_path / f"copying{path.suffix}"
        part.write_bytes(data[: int(len(data) * fraction)])
        assert not check_complete(part), fraction
    # a copy whose tail is still zeros (the size was set first, the bytes not yet written)
    part.write_bytes(data[: len(data) // 2] + b"\0" * (len(data) - len(data) // 2))
    assert not check_complete(part)


def test_check_complete_on_other_files(tmp_path: Path) -> None:
    assert not check_complete(fx.empty_file(tmp_path))  # still being created
    assert check_complete(fx.text_renamed(tmp_path))  # complete: rejected, not waited for
    assert check_complete(fx.encrypted_xlsx(tmp_path))
    assert not check_complete(tmp_path / "missing.xlsx")


@pytest.mark.parametrize(("make", "fmt", "new_name"), [
    (fx.xls_xlwt, "xls", "saved_by_hand.xlsx"),
    (fx.ods_odfpy, "ods", "calc.xls"),
    (fx.xlsx_offset, "xlsx", "offset.ods"),
])
def test_format_comes_from_the_bytes_not_the_extension(
        tmp_path: Path, make: Callable[[Path], Path], fmt: str, new_name: str) -> None:
    path = make(tmp_path).rename(tmp_path / new_name)
    wb = open_workbook(path)
    assert wb.format == fmt
    assert any(s.rows for s in wb.sheets)


def test_a_wide_schedule_is_not_too_large(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("排班")
    ws.write_row(0, 0, ["姓名", *[f"{d}日" for d in range(1, 32)]])
    for r in range(1, 51):
        ws.write_row(r, 0, [f"员工{r}", *["早"] * 31])
    book.close()
    assert xlsx_sheet_meta(path)["排班"].max_col == 31  # AF, seen exactly
    assert open_workbook(path).sheets[0].cell(51, 31) == "早"


def _stray_far_cell(folder: Path) -> Path:
    """A 30,000-row register (two chunks of the scan) with one value left at XFD1048576."""
    src = fx.xlsx_wrong_dimension(folder, rows=30_000)
    far = (b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
           b"</sheetData>")
    return fx._rewrite_part(src, folder / "stray.xlsx", "xl/worksheets/sheet1.xml",
                            lambda x: x.replace(b"</sheetData>", far))


def _rows_without_r(folder: Path) -> Path:
    """The same register with no ``r`` on its rows (legal: rows then count from 1)."""
    src = fx.xlsx_wrong_dimension(folder, rows=30_000)
    return fx._rewrite_part(src, folder / "no_row_r.xlsx", "xl/worksheets/sheet1.xml",
                            lambda x: re.sub(rb'<row r="\d+"', b"<row", x))


@pytest.mark.parametrize("make", [fx.xlsx_excel_like, fx.xlsx_formulas_no_cache,
                                  fx.xlsx_namespaced, _stray_far_cell, _rows_without_r])
def test_extent_is_the_same_with_rows_counted_only_on_demand(
        tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path)
    with zipfile.ZipFile(path) as zf:
        for part in sheet_parts(zf).values():
            with zf.open(part) as stream:
                counted = _prefilter(stream)
            with zf.open(part) as stream:
                lazy = _prefilter(stream, lambda p=part: zf.open(p))  # type: ignore[misc]
            assert (lazy.max_row, lazy.max_col, lazy.hide, lazy.formula) == \
                (counted.max_row, counted.max_col, counted.hide, counted.formula)
            assert lazy.rows_written in (None, counted.rows_written)
            assert count_rows(path, part) == counted.rows_written


def test_a_stray_far_cell_and_uncounted_rows_are_refused_before_the_read(
        tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as stray:
        open_workbook(_stray_far_cell(tmp_path))
    assert stray.value.code == "too-large"
    assert (stray.value.params["rows"], stray.value.params["cols"]) == (1_048_576, "XFD")
    assert xlsx_sheet_meta(_rows_without_r(tmp_path))["花名册"].max_row == 30_000
    with pytest.raises(WorkbookError) as counted:
        open_workbook(_rows_without_r(tmp_path), Limits(max_cells=20_000))
    assert counted.value.code == "too-large"
    assert counted.value.params["variant"] == "rows"
    assert counted.value.params["rows"] == 30_000


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _bad_crc_xlsx(folder: Path) -> Path:
    """A package stored uncompressed whose [Content_Types].xml has one byte changed: its
    CRC-32 no longer matches (a copy damaged on the way)."""
    good = fx.xlsx_excel_like(folder)
    path = folder / "bad_crc.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("[Content_Types].xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0x01
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("make", "zh", "en"), [
    (fx.truncated_xlsx, "文件末尾的目录缺失", "the directory at its end is missing"),
    (_bad_crc_xlsx, "CRC 校验不符，数据在复制或保存时已损坏", "a part fails its CRC check"),
])
def test_a_known_cause_of_damage_is_worded_in_each_language(
        tmp_path: Path, make: Callable[[Path], Path], zh: str, en: str) -> None:
    path = make(tmp_path)
    with pytest.raises(WorkbookError) as info:
        open_workbook(path)
    err = info.value
    assert err.code == "corrupt-file" and "raw" not in err.params
    chinese, english = err.text("zh"), err.text("en")
    assert f"已损坏或不完整，无法打开（{zh}" in chinese
    assert f"cannot be opened ({en}" in english
    # no library words in either; no Chinese in the English (the file's name is ASCII)
    for text in (chinese, english):
        assert "zip file" not in text.lower() and "ZIP:" not in text and "Bad" not in text
    assert not _cjk(english)


def test_an_unknown_cause_is_left_to_the_watch_log(tmp_path: Path) -> None:
    from officekit.model import FileResult, Issue
    from officekit.watch.log import file_summary

    path = fx.broken_sheet_xml(tmp_path)
    with pytest.raises(WorkbookError) as info:
        open_workbook(path)
    err = info.value
    raw = str(err.params["raw"])
    assert err.code == "corrupt-file" and raw and "detail" not in err.params
    # the message (what the annotated copy and validate show) has no detail in brackets …
    assert "无法打开。" in err.text("zh") and raw not in err.text("zh")
    assert "cannot be opened." in err.text("en") and raw not in err.text("en")
    # … the watch log line has the library's words, after the worded reason
    res = FileResult(str(path), "", "rejected",
                     issues=[Issue("error", err.code, params=dict(err.params))])
    assert f"技术细节：{raw}" in file_summary(res, "zh")
    english = file_summary(res, "en")
    assert f"technical detail: {raw}" in english and not _cjk(english.replace(raw, ""))


def _summary(path: str) -> object:
    """What open_workbook makes of ``path``: the sheets as read, or the refusal."""
    try:
        wb = open_workbook(Path(path))
    except WorkbookError as exc:
        return ("refused", exc.code, dict(exc.params))
    return [(s.name, s.rows, sorted(s.hidden_rows), sorted(s.formula_no_cache), s.merged,
             s.visible) for s in wb.sheets]


_BESIDE = [fx.xlsx_excel_like, fx.xlsx_formulas_no_cache, fx.xlsx_namespaced,
           fx.xlsx_wrong_dimension, fx.xlsx_openpyxl, fx.xlsm_macro, _rows_without_r,
           fx.broken_sheet_xml, fx.encrypted_xlsx, fx.truncated_xlsx, _bad_crc_xlsx]


def test_reading_beside_the_scan_gives_what_reading_after_it_gives(tmp_path: Path) -> None:
    """In the guarded child (an address-space limit: calamine reads the first sheet while the
    raw XML is measured) every file reads, or is refused, exactly as in this process (no
    limit: measured first, then read)."""
    from officekit.read.guard import ChildLimits, ReaderPool

    pool = ReaderPool(1)
    try:
        for n, make in enumerate(_BESIDE):
            folder = tmp_path / str(n)
            folder.mkdir()
            path = str(make(folder))
            assert pool.run(_summary, path, limits=ChildLimits(2048, 60, 60)) == \
                _summary(path), make.__name__
    finally:
        pool.close()


def _waits(path: str, max_cells: int) -> tuple[object, int]:
    """open_workbook's outcome for ``path`` (or its refusal) and how often it called
    ``meanwhile``."""
    calls: list[None] = []
    try:
        outcome: object = len(open_workbook(Path(path), Limits(max_cells=max_cells),
                                            meanwhile=lambda: calls.append(None)).sheets)
    except WorkbookError as exc:
        outcome = exc.code
    return outcome, len(calls)


def test_the_wait_for_calamine_is_handed_to_the_caller_once(tmp_path: Path) -> None:
    """In the guarded child an .xlsx that the scan passes calls ``meanwhile`` once, while
    calamine reads; a file the scan refuses, an .xls or .ods (read after no scan), or a read
    in this process (no limit: measured, then read) never calls it."""
    from officekit.read.guard import ChildLimits, ReaderPool

    xlsx = str(fx.xlsx_excel_like(tmp_path))
    xls, ods = str(fx.xls_xlwt(tmp_path)), str(fx.ods_odfpy(tmp_path))
    large = str(fx.xlsx_wrong_dimension(tmp_path, rows=3_000))
    pool = ReaderPool(1)
    limits = ChildLimits(2048, 60, 60)
    try:
        assert pool.run(_waits, xlsx, 10**9, limits=limits) == (3, 1)
        assert pool.run(_waits, large, 2_000, limits=limits) == ("too-large", 0)
        assert pool.run(_waits, xls, 10**9, limits=limits)[1] == 0
        assert pool.run(_waits, ods, 10**9, limits=limits)[1] == 0
    finally:
        pool.close()
    assert _waits(xlsx, 10**9) == (3, 0)


def _two_big_sheets(folder: Path) -> Path:
    path = folder / "two_big.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for name in ("一", "二"):
        ws = wb.add_worksheet(name)
        for r in range(40):
            ws.write_row(r, 0, [f"{name}{r}", r, "" if r % 3 else "x"])
    wb.close()
    return path


def test_the_package_closed_before_the_cells_convert_gives_the_same_sheets(
        tmp_path: Path) -> None:
    """With the first sheet read beside the scan and the others measured small, every sheet
    is taken at once and the package closed before the cells become Python objects: the
    sheets are those read one by one; a book whose other sheet is large is read one by one."""
    from python_calamine import CalamineWorkbook

    from officekit.read.workbook import _read_sheets, _rest_is_small, _unique_book

    def sheets(path: Path, early: bool) -> list[tuple[object, ...]]:
        book = _unique_book(path, CalamineWorkbook.from_path(str(path)), "xlsx")
        first = book.get_sheet_by_name(book.sheet_names[0]) if early else None
        return [(s.name, s.rows, s.merged, s.visible)
                for s in _read_sheets(book, first, xlsx_sheet_meta(path) if early else None)]

    small = fx.xlsx_excel_like(tmp_path)
    big = _two_big_sheets(tmp_path)
    with CalamineWorkbook.from_path(str(small)) as book:
        assert _rest_is_small(book.sheets_metadata, xlsx_sheet_meta(small))
    with CalamineWorkbook.from_path(str(big)) as book:
        assert not _rest_is_small(book.sheets_metadata, xlsx_sheet_meta(big))
        assert not _rest_is_small(book.sheets_metadata, {})  # not measured: one by one
    for path in (small, big):
        assert sheets(path, early=True) == sheets(path, early=False), path.name


def test_a_sheet_too_large_for_calamine_beside_the_scan_is_still_too_large(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """calamine dies allocating XFD1048576 before the scan has refused it: the file is read
    again with the scan first, and refused as too large, without a word on stderr."""
    from officekit.read import guard
    from officekit.settings import Settings
    from officekit.validate.pipeline import load_file

    monkeypatch.setattr(guard, "_POOL", None)  # children started now write to captured fds
    try:
        loaded = load_file(_stray_far_cell(tmp_path), Settings(), keep_workbook=False)
    finally:
        guard.shared_pool().close()
    assert [i.code for i in loaded.issues] == ["too-large"]
    assert loaded.issues[0].params["cols"] == "XFD"
    assert "memory allocation" not in capfd.readouterr().err


def test_empty_cells_become_none_and_trailing_ones_go() -> None:
    from officekit.read.workbook import _clean_rows

    rows = [["", 1, ""], ["", "", ""], [None, "x", ""], [], ["a"], [0, 0.0, False, ""],
            ["", None], [" ", "", "b", "", ""], [""], [""]]
    assert _clean_rows([list(r) for r in rows]) == [
        [None, 1], [], [None, "x"], [], ["a"], [0, 0.0, False], [], [" ", None, "b"]]


def test_empty_cells_become_none_as_one_cell_at_a_time_would() -> None:
    from officekit.read.workbook import _clean_rows

    def one_by_one(rows: list[list[object]]) -> list[list[object]]:
        out = [[None if v == "" else v for v in row] for row in rows]
        for row in out:
            while row and row[-1] is None:
                row.pop()
        while out and not out[-1]:
            out.pop()
        return out

    when = datetime(2026, 10, 3, 14, 30)
    cells: list[object] = ["", None, "x", " ", when, date(2026, 10, 3), 0.0, float("nan"),
                           False, "合计"]
    rows = [list(r) for n in range(5) for r in itertools.product(cells[:6], repeat=n)]
    rows += [[*r, "", None, ""] for r in rows[:200]] + [[""] * 14, [None, ""] * 7, [""]]
    assert _clean_rows([list(r) for r in rows]) == one_by_one(rows)
    cols = [list(r) for r in itertools.product(cells, repeat=3)] + [["", ""], [None]]
    assert _clean_rows([list(r) for r in cols]) == one_by_one(cols)


def _pid() -> int:
    import os

    return os.getpid()


def _refused(path: str, max_cells: int) -> object:
    try:
        open_workbook(Path(path), Limits(max_cells=max_cells))
    except WorkbookError as exc:
        return exc.code
    return None


def test_a_refusal_while_calamine_reads_ends_the_child_instead_of_waiting(
        tmp_path: Path) -> None:
    """The scan refuses a sheet too large while calamine still builds it: the answer goes at
    once and that child ends (calamine with it); a file read whole keeps its child."""
    from officekit.read.guard import ChildLimits, ReaderPool

    path = str(fx.xlsx_wrong_dimension(tmp_path, rows=30_000))
    pool = ReaderPool(1)
    limits = ChildLimits(2048, 60, 60)
    try:
        first = pool.run(_pid, limits=limits)
        assert pool.run(_refused, path, 10**9, limits=limits) is None
        assert pool.run(_pid, limits=limits) == first
        assert pool.run(_refused, path, 20_000, limits=limits) == "too-large"
        assert pool.run(_pid, limits=limits) != first
    finally:
        pool.close()
