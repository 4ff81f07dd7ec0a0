"""Open a dropped file as a :class:`~officekit.read.Workbook`, or say clearly why it cannot be.

The format is decided by the file's bytes, never its extension: people rename files, and
systems export HTML or CSV under an ``.xls`` name. Every way a file can be unreadable ends in a
:class:`~officekit.errors.WorkbookError` with a stable code (``empty-file``, ``not-a-workbook``,
``corrupt-file``, ``encrypted-file``, ``unsupported-format``, ``too-large``) — never a
traceback — so the intake can reject the file with a message a person understands.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import olefile  # type: ignore[import-untyped]  # comes with msoffcrypto-tool
from lxml import etree
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from officekit.errors import WorkbookError
from officekit.model import column_letter
from officekit.read import RawSheet, Workbook
from officekit.read.xlsx_meta import (
    SheetMeta,
    ods_merged_ranges,
    renamed_package,
    used_columns,
    xlsx_sheet_meta,
)
from officekit.settings import Limits

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_MACRO_CONTENT = b"macroEnabled"

# What a file that is not a workbook looks like, by its first bytes: (prefix, what it is).
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"{\\rtf", "RTF"),
)
# BIFF2–BIFF5 workbooks saved outside an OLE container (Excel 2.x–4.x): calamine cannot read them.
_OLD_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")

# What each limit is, for the over-limit message: limit → (zh, en, the [limits] key).
LIMIT_WHAT: dict[str, tuple[str, str, str]] = {
    "memory": ("内存超过 {value} MB", "memory over {value} MB", "memory_mb"),
    "cpu": ("CPU 时间超过 {value} 秒", "CPU time over {value} s", "cpu_seconds"),
    "time": ("用时超过 {value} 秒", "time over {value} s", "wall_seconds"),
    "inflated": ("解压后超过 {value} MB", "over {value} MB once inflated", "inflated_mb"),
    "ratio": ("压缩比超过 {value} 倍", "compression ratio over {value}", "max_ratio"),
}
# Parts that inflate past this are held to ``max_ratio`` (small parts compress wildly too).
RATIO_FLOOR = 16 << 20
_XML_HEAD = 4096

def _fail(code: str, path: Path, **params: Any) -> WorkbookError:
    return WorkbookError(code, file=path.name, **params)


def over_limit(path: Path, limit: str, value: Any) -> WorkbookError:
    """The ``over-limit`` rejection of ``path`` for ``limit`` (a key of :data:`LIMIT_WHAT`)."""
    zh, en, key = LIMIT_WHAT[limit]
    return _fail("over-limit", path, limit=limit, what=zh.format(value=value),
                 what_en=en.format(value=value), key=key)


def reader_died(path: Path, detail: str) -> WorkbookError:
    """The ``reader-died`` rejection: the child reading ``path`` died (``detail``: how)."""
    return _fail("reader-died", path, detail=detail)


_KINDS_OF_FILE = ((stat.S_ISDIR, "文件夹", "a folder"), (stat.S_ISFIFO, "命名管道", "a FIFO"),
                  (stat.S_ISSOCK, "套接字", "a socket"), (stat.S_ISCHR, "字符设备", "a device"),
                  (stat.S_ISBLK, "块设备", "a device"))


def check_regular(path: Path) -> None:
    """Raise ``not-a-regular-file`` unless ``path`` is a regular file (a symlink to one is).

    Opening a FIFO blocks for ever and a device never ends: such a path is never opened.
    A path that is not there raises OSError like opening it would.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return
    for test, zh, en in _KINDS_OF_FILE:
        if test(mode):
            raise _fail("not-a-regular-file", path, detected=zh, detected_en=en)
    raise _fail("not-a-regular-file", path, detected="特殊文件", detected_en="a special file")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks: the ledger's identity of a dropped file
    (the same content dropped twice is a duplicate, whatever its name)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Completeness (for the watcher)


def _zip_complete(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                return True
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return True
            return "[Content_Types].xml" in names or bool(names)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return False


def _ole_complete(path: Path, size: int) -> bool:
    with path.open("rb") as fh:
        header = fh.read(512)
    if len(header) < 512:
        return False
    sector = 1 << struct.unpack_from("<H", header, 30)[0]
    if sector not in (512, 4096) or (size - 512) % sector != 0 or size < 512 + sector:
        return False
    try:
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError, IndexError, struct.error):
        return False
    try:
        return bool(ole.listdir())
    finally:
        ole.close()


def check_complete(path: Path) -> bool:
    """True when the file looks whole: a zip whose central directory reads, an OLE2 file whose
    size is a whole number of sectors and whose directory reads. The watcher calls it (with the
    settle time) so a file still being copied is not taken half-written.

    An empty file is taken as not yet written (False). A file of any other kind (text, PDF…) is
    "complete": it will be rejected with a clear code, not waited for. A file that stays
    incomplete (a truly truncated upload) is for the watcher to take after a grace period; it
    is then rejected as ``corrupt-file``.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return False
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    if head.startswith(ZIP_MAGIC):
        return _zip_complete(path)
    if head.startswith(OLE_MAGIC):
        return _ole_complete(path, size)
    return True


# --------------------------------------------------------------------------------------------
# Format detection


def _describe_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" (UTF-16)
        return "文本/CSV 文件"
    lower = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "HTML 网页"
    if lower.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "XML 表格 2003"
    if b"\x00" in head:
        return "二进制文件"
    return "文本/CSV 文件"


def _zip_budget(zf: zipfile.ZipFile, path: Path, limits: Limits) -> None:
    """Refuse a package that would inflate too far, before inflating anything.

    The central directory declares each part's sizes: their sum is held to ``inflated_mb`` and
    a large part's compression ratio to ``max_ratio`` (a zip bomb is small on disk and huge
    inflated; real workbooks compress 5–50 times). An XML part that declares a DOCTYPE is
    refused too: Office never writes one, and its entities are how XML expands to gigabytes.
    Sizes that lie are caught by the reading child's memory limit.
    """
    total = 0
    for info in zf.infolist():
        if (info.file_size > RATIO_FLOOR
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise over_limit(path, "ratio", limits.max_ratio)
        total += info.file_size
        if total > limits.inflated_mb << 20:
            raise over_limit(path, "inflated", limits.inflated_mb)
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")) and info.file_size:
            with zf.open(info) as part:
                head = part.read(_XML_HEAD)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise _fail("corrupt-file", path, detail=f"{info.filename}: XML DOCTYPE")


def _ods_encrypted(zf: zipfile.ZipFile, names: set[str]) -> bool:
    manifest = "META-INF/manifest.xml"
    return manifest in names and b"encryption-data" in zf.read(manifest)


def _zip_format(path: Path, limits: Limits) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            _zip_budget(zf, path, limits)
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                content = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
                macro = _MACRO_CONTENT in content or "xl/vbaProject.bin" in names
                return "xlsm" if macro else "xlsx"
            if "xl/workbook.bin" in names:
                raise _fail("unsupported-format", path, detected="Excel 二进制工作簿 .xlsb")
            if "mimetype" in names:
                mimetype = zf.read("mimetype").strip()
                if mimetype in ODS_MIMETYPES:
                    if _ods_encrypted(zf, names):
                        raise _fail("encrypted-file", path, detected=".ods")
                    return "ods"
                _not_workbook(path, mimetype.decode("ascii", "replace"))
            if "word/document.xml" in names:
                _not_workbook(path, "Word 文档")
            if "ppt/presentation.xml" in names:
                _not_workbook(path, "PowerPoint 演示文稿")
            _not_workbook(path, "ZIP 压缩包")
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error, NotImplementedError,
            RuntimeError, ValueError, OSError) as exc:
        raise _fail("corrupt-file", path, detail=f"ZIP: {exc}") from exc


def _not_workbook(path: Path, detected: str) -> NoReturn:
    raise _fail("not-a-workbook", path, detected=detected)


_BIFF_FILEPASS, _BIFF_EOF, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS = 0x002F, 0x000A, 0x0085, 0x0200


def _xls_check(path: Path, data: bytes) -> None:
    """Look at the BIFF8 workbook stream before calamine does.

    A FILEPASS record in the globals substream means a password (calamine flags RC4
    encryption itself but reads XOR-obfuscated files as garbage). A sheet whose DIMENSIONS
    record says its first row or column comes after its last makes calamine reserve
    terabytes and abort the whole process, so such a file is rejected as corrupt here.
    """
    pos, sheets = 0, []
    while pos + 4 <= len(data):
        rec, length = struct.unpack_from("<HH", data, pos)
        if rec == _BIFF_FILEPASS:
            raise _fail("encrypted-file", path, detected=".xls")
        if rec == _BIFF_BOUNDSHEET and length >= 4:
            sheets.append(struct.unpack_from("<I", data, pos + 4)[0])
        if rec == _BIFF_EOF:
            break
        pos += 4 + length
    for start in sheets:
        pos = start
        for _ in range(64):  # DIMENSIONS comes within the first records of a sheet
            if pos + 4 > len(data):
                break
            rec, length = struct.unpack_from("<HH", data, pos)
            if rec == _BIFF_DIMENSIONS and length >= 12:
                rw_first, rw_last, col_first, col_last = struct.unpack_from("<IIHH", data, pos + 4)
                if rw_first > rw_last or col_first > col_last or rw_last > 65536:
                    raise _fail("corrupt-file", path, detail="DIMENSIONS")
                break
            if rec == _BIFF_EOF:
                break
            pos += 4 + length


def _ole_format(path: Path) -> str:
    try:
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise _fail("corrupt-file", path, detail=f"OLE: {exc}") from exc
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise _fail("encrypted-file", path, detected="加密的 .xlsx")
        for stream in ("Workbook", "Book"):
            if ole.exists(stream):
                try:
                    data = ole.openstream(stream).read()
                except (OSError, ValueError, IndexError, struct.error) as exc:
                    raise _fail("corrupt-file", path, detail=f"OLE: {exc}") from exc
                if stream == "Workbook":
                    _xls_check(path, data)
                return "xls"
        if ole.exists("WordDocument"):
            _not_workbook(path, "Word 97-2003 文档")
        if ole.exists("PowerPoint Document"):
            _not_workbook(path, "PowerPoint 97-2003 演示文稿")
        if ole.parsing_issues or not ole.listdir():
            issue = ole.parsing_issues[0][1] if ole.parsing_issues else "目录为空"
            raise _fail("corrupt-file", path, detail=f"OLE: {issue}")
        _not_workbook(path, "OLE 复合文档")
    finally:
        ole.close()


def detect_format(path: Path, limits: Limits | None = None) -> str:
    """``xlsx``, ``xlsm``, ``xls`` or ``ods`` from the file's bytes, else a WorkbookError."""
    check_regular(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _fail("corrupt-file", path, detail=str(exc)) from exc
    if size == 0:
        raise _fail("empty-file", path)
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path, limits or Limits())
    if head.startswith(OLE_MAGIC):
        return _ole_format(path)
    if head.startswith(_OLD_BIFF):
        raise _fail("unsupported-format", path, detected="Excel 2.x–4.x 旧格式")
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            _not_workbook(path, what)
    text = _describe_text(head)
    if text == "XML 表格 2003":
        raise _fail("unsupported-format", path, detected=text)
    _not_workbook(path, text)


# --------------------------------------------------------------------------------------------
# Reading


def _is_panic(exc: BaseException) -> bool:
    # a Rust panic inside calamine surfaces as pyo3's PanicException (a BaseException)
    return type(exc).__name__ == "PanicException"


def _clean_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """calamine gives ``""`` for an empty cell: make it None, and drop trailing empty cells."""
    out: list[list[Any]] = []
    for row in rows:
        if "" in row:
            row = [None if v == "" else v for v in row]
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        out.append(row[:end] if end < len(row) else row)
    while out and not out[-1]:
        out.pop()
    return out


def _open_book(path: Path) -> CalamineWorkbook:
    # from_filelike sniffs the content; from_path would go by the extension, and people
    # rename files. It reads the whole file at once, so the file can be closed at once.
    with path.open("rb") as fh:
        return CalamineWorkbook.from_filelike(fh)


def _unique_book(path: Path, book: CalamineWorkbook, fmt: str) -> CalamineWorkbook:
    """``book``, or when two of its sheets share a name (calamine would read the first twice)
    an .xlsx reopened with the names made unique; other formats are read as they are."""
    names = book.sheet_names
    if len(set(names)) == len(names) or fmt not in ("xlsx", "xlsm"):
        return book
    book.close()
    return CalamineWorkbook.from_filelike(io.BytesIO(renamed_package(path)))


def _in_thread(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``fn`` in a thread; the returned call waits for its result (or raises its error).

    Unlike a thread pool's future, a thread that dies before it runs ``fn`` (no memory left to
    start it, under the reading limits) is not waited for for ever: it is a MemoryError.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller in result()
            box["error"] = exc

    thread = threading.Thread(target=run, name="officekit-open", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no thread to be had: do it here
        run()

    def result() -> Any:
        if thread.ident is not None:
            thread.join()
        if "error" in box:
            raise box["error"]
        if "value" not in box:
            raise MemoryError("the thread opening the workbook died")
        return box["value"]

    return result


def _read_sheets(book: CalamineWorkbook) -> list[RawSheet]:
    with book:
        sheets: list[RawSheet] = []
        for meta in book.sheets_metadata:
            sheet = book.get_sheet_by_name(meta.name)
            rows = _clean_rows(sheet.to_python(skip_empty_area=False))
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
            sheets.append(RawSheet(
                name=meta.name, rows=rows, visible=meta.visible == SheetVisibleEnum.Visible,
                merged=merged,
            ))
        return sheets


def _guard(path: Path, what: str, read: Callable[[], Any]) -> Any:
    """Run a reading step, turning whatever the file makes the reader raise into a
    WorkbookError chained to it."""
    try:
        return read()
    except PasswordError as exc:
        raise _fail("encrypted-file", path, detected=what) from exc
    except (CalamineError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, OSError,
            EOFError, ValueError, OverflowError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: zipfile's "member is encrypted" on a damaged flag bit
        raise _fail("corrupt-file", path, detail=f"{type(exc).__name__}: {exc}"[:300]) from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise _fail("corrupt-file", path, detail=f"calamine: {exc}"[:300]) from exc
        raise


def _check_size(path: Path, name: str, part: str | None, meta: SheetMeta,
                limits: Limits) -> None:
    """``too-large`` for a sheet whose dense block would pass ``max_cells``.

    The fast scan bounds the columns by Z when it meets none past it; only a sheet that would
    be refused on that bound is streamed again to count the columns it really uses.
    """
    if meta.dense_cells <= limits.max_cells:
        return
    if meta.max_col == 25 and part is not None:
        meta.max_col = used_columns(path, part)
        if meta.dense_cells <= limits.max_cells:
            return
    # a sheet with data rows all the way down is big; one that reaches far from sparse rows
    # has a stray cell
    if meta.rows_written * 2 >= meta.max_row:
        raise _fail("too-large", path, sheet=name, rows=meta.max_row, cols=meta.max_col + 1,
                    variant="rows", limit=limits.max_cells)
    raise _fail("too-large", path, sheet=name, rows=meta.max_row,
                cols=column_letter(meta.max_col))


def open_workbook(path: Path, limits: Limits | None = None) -> Workbook:
    """Read every sheet of an .xlsx/.xlsm/.xls/.ods file into a :class:`Workbook`.

    ``rows[0]`` is always sheet row 1 (leading empty rows kept as ``[]``, trailing empty
    cells dropped); values are what calamine gives, empty cells None — numbers stored as text
    stay text, text stored as numbers stays numbers. For xlsx/xlsm the hidden rows (within the
    data) and the formula cells with no cached value are filled in; for xls and ods they are
    left empty (calamine does not expose them there). ODS gets its merged ranges from the raw
    XML. Hidden and very hidden sheets have ``visible`` False.

    Raises WorkbookError for a file that is empty, not a workbook, corrupt, encrypted, of an
    unsupported format, or whose used range is too large to hold (``too-large``).
    """
    path = Path(path)
    limits = limits or Limits()
    fmt = detect_format(path, limits)
    metas: dict[str, SheetMeta] = {}
    if fmt in ("xlsx", "xlsm"):
        # calamine opens the package (outside the GIL) while this thread scans the raw XML;
        # the scan must be done before any sheet is parsed, to refuse a sheet too large to
        # hold. Its errors come first, as if the two ran one after the other.
        opening = _in_thread(partial(_open_book, path))
        try:
            metas = _guard(path, fmt, lambda: xlsx_sheet_meta(path))
            for name, meta in metas.items():
                _guard(path, fmt, partial(_check_size, path, name, meta.part, meta, limits))
        except BaseException:
            with contextlib.suppress(BaseException):
                opening()  # not left running behind the error
            raise
        book: CalamineWorkbook = _guard(path, fmt, opening)
    else:
        book = _guard(path, fmt, lambda: _open_book(path))
    book = _guard(path, fmt, partial(_unique_book, path, book, fmt))
    sheets: list[RawSheet] = _guard(path, fmt, lambda: _read_sheets(book))
    if not any(s.rows for s in sheets):
        raise _fail("empty-file", path)
    for s in sheets:
        found = metas.get(s.name)
        if found is not None:
            s.hidden_rows = {r for r in found.hidden_rows if r <= len(s.rows)}
            s.formula_no_cache = found.formula_no_cache
    if fmt == "ods":
        merges = _guard(path, fmt, lambda: ods_merged_ranges(path))
        for s in sheets:
            s.merged = merges.get(s.name, s.merged)
    return Workbook(path=str(path), format=fmt, sheets=sheets)
