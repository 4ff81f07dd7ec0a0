"""Open a dropped file as a :class:`~officekit.read.Workbook`, or say clearly why it cannot be.

:mod:`officekit.read.detect` decides the format from the file's bytes and refuses what is not a
workbook (or a zip bomb) before calamine sees it; this module reads what passes, under the
size limits, and turns whatever the reader raises into a WorkbookError with a stable code.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import sys
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from lxml import etree
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from officekit.model import column_letter
from officekit.read import RawSheet, Workbook
from officekit.read.detect import (
    check_complete,
    check_regular,
    corrupt,
    detect_format,
    over_limit,
    reader_died,
    reject,
    sha256_file,
)
from officekit.read.guard import end_after_answer
from officekit.read.xlsx_meta import (
    SheetMeta,
    count_rows,
    ods_merged_ranges,
    renamed_package,
    sheet_details,
    sheet_extents,
    used_columns,
    xlsx_sheet_meta,
)
from officekit.settings import Limits

# the checks before the read live in officekit.read.detect; these names stay importable here
__all__ = ["check_complete", "check_regular", "detect_format", "open_workbook", "over_limit",
           "reader_died", "sha256_file"]

# --------------------------------------------------------------------------------------------
# Reading


def _is_panic(exc: BaseException) -> bool:
    # a Rust panic inside calamine surfaces as pyo3's PanicException (a BaseException)
    return type(exc).__name__ == "PanicException"


def _clean_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """calamine gives ``""`` for an empty cell: make it None, and drop trailing empty cells.

    The rows are calamine's fresh lists, changed in place, each looked at by C loops
    (``list.count``, ``list.index``) rather than cell by cell in Python: a row's empty cells
    are counted, those at its end dropped (most rows that have one end with it), and only
    the ones left inside are looked for and made None."""
    for row in rows:
        empty = row.count("")
        if empty:
            while row:
                last = row[-1]
                if last is None:
                    row.pop()
                elif last == "":
                    row.pop()
                    empty -= 1
                else:
                    break
            at = -1
            for _ in range(empty):
                at = row.index("", at + 1)
                row[at] = None
        elif row and row[-1] is None:
            while row and row[-1] is None:
                row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


# The name ending calamine's from_path takes each format by (detect_format's names)
_SUFFIX = {"xlsx": ".xlsx", "xlsm": ".xlsm", "xls": ".xls", "ods": ".ods"}


def _open_book(path: Path, fmt: str) -> CalamineWorkbook:
    """The package opened by calamine as ``fmt`` (what detect_format found in its bytes).

    from_path goes by the name's ending, so a file whose name says what it is opens that way:
    calamine reads it from the disk as it needs (~20 ms sooner for an 8 MB register than
    from_filelike, which first copies the whole file into memory, twice). A renamed file
    (people rename them) or an odd name opens from_filelike, which sniffs the content."""
    name = str(path)
    if path.suffix.lower() == _SUFFIX.get(fmt) and _encodable(name):
        return CalamineWorkbook.from_path(name)
    with path.open("rb") as fh:
        return CalamineWorkbook.from_filelike(fh)


def _encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a name that was not UTF-8 on the disk
        return False
    return True


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


def _read_sheets(book: CalamineWorkbook, first: Any = None,
                 sizes: dict[str, SheetMeta] | None = None) -> list[RawSheet]:
    """Every sheet's cells; ``first``: the first sheet as calamine read it already.

    When the scan measured every other sheet small beside the first (``sizes``), those are
    taken from the package at once and the package is closed — its bytes and shared strings
    handed back to the system — before any cell becomes a Python object: ~25 MB off the
    peak of reading a 100,000-row register. Otherwise each sheet is taken as it comes."""
    metadata = book.sheets_metadata
    if first is not None and sizes is not None and _rest_is_small(metadata, sizes):
        try:
            taken = [first, *(book.get_sheet_by_name(m.name) for m in metadata[1:])]
        finally:
            book.close()
        release_freed_memory()
        return [_raw_sheet(meta, sheet) for meta, sheet in zip(metadata, taken, strict=True)]
    with book:
        return [_raw_sheet(meta, first if n == 0 and first is not None
                           else book.get_sheet_by_name(meta.name))
                for n, meta in enumerate(metadata)]


# A sheet beside the first counts as small up to this share of the first's dense block
_SMALL_SHARE = 8


def _rest_is_small(metadata: list[Any], sizes: dict[str, SheetMeta]) -> bool:
    """Whether every sheet after the first holds together at most 1/_SMALL_SHARE of the
    first's dense block (as the scan measured them; a sheet it did not measure: no)."""
    measured = [sizes.get(m.name) for m in metadata]
    if any(m is None for m in measured):
        return False
    cells = [m.dense_cells for m in measured if m is not None]
    return sum(cells[1:]) * _SMALL_SHARE <= cells[0]


def _raw_sheet(meta: Any, sheet: Any) -> RawSheet:
    rows = _clean_rows(sheet.to_python(skip_empty_area=False))
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
    return RawSheet(name=meta.name, rows=rows, visible=meta.visible == SheetVisibleEnum.Visible,
                    merged=merged)


def _address_space_capped() -> bool:
    """Whether this process runs under an address-space limit (the guarded reading child on
    POSIX): a sheet too large to hold then fails calamine's allocation instead of taking the
    machine's memory, so calamine may start on it before the scan has measured it."""
    try:
        import resource
    except ImportError:  # Windows: no limit, so the scan always comes first
        return False
    return resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY


def _open_and_read_first(path: Path, fmt: str) -> tuple[CalamineWorkbook, Any]:
    """The package opened (names made unique) and its first sheet read by calamine."""
    book = _unique_book(path, _open_book(path, fmt), fmt)
    try:
        names = book.sheet_names
        return book, book.get_sheet_by_name(names[0]) if names else None
    except BaseException:
        book.close()
        raise


def _read_beside_scan(path: Path, fmt: str, limits: Limits,
                      meanwhile: Callable[[], None] | None = None
                      ) -> tuple[CalamineWorkbook, Any, dict[str, SheetMeta]]:
    """Under an address-space limit: calamine opens the package and reads its first sheet
    (outside the GIL, on the other core) while this thread measures every sheet in the raw
    XML; the hidden rows and formulas are read after. Everything is then decided as if the
    scan had come first: its errors, then a sheet too large (what calamine built of it is
    dropped unseen), then calamine's own errors. calamine failing to allocate a sheet too
    large kills the process before that: the caller reads the file again with the scan
    first (see officekit.validate.pipeline). ``meanwhile`` runs once the scan has passed
    every sheet, while calamine is still reading (see :func:`open_workbook`)."""
    with _stderr_quiet():  # calamine's last words on a sheet too large: the retry says it
        return _read_beside_scan_loud(path, fmt, limits, meanwhile)


@contextlib.contextmanager
def _stderr_quiet() -> Iterator[None]:
    """Send this process's standard error (the file descriptor: native code writes there) to
    the null device for a while."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _read_beside_scan_loud(path: Path, fmt: str, limits: Limits,
                           meanwhile: Callable[[], None] | None
                           ) -> tuple[CalamineWorkbook, Any, dict[str, SheetMeta]]:
    reading = _in_thread(partial(_open_and_read_first, path, fmt))
    try:
        extents = _guard(path, fmt, lambda: sheet_extents(path))
        for name, (meta, _scan) in extents.items():
            _guard(path, fmt, partial(_check_size, path, name, meta.part, meta, limits))
        if meanwhile is not None:
            meanwhile()
        failure: BaseException | None = None
        try:
            book, first = reading()
        except BaseException as exc:  # after the scan's details have had their say
            failure = exc
        metas = _guard(path, fmt, lambda: sheet_details(path, extents))
    except BaseException:
        if end_after_answer():  # calamine may be building a sheet refused as too large:
            raise  # the child ends with the answer, not after calamine
        with contextlib.suppress(BaseException):
            found = reading()  # not left running behind the error
            found[0].close()
        raise
    if failure is not None:
        _guard(path, fmt, partial(_reraise, failure))
    return book, first, metas


def _reraise(exc: BaseException) -> None:
    raise exc


def release_freed_memory() -> None:
    """Hand the heap calamine's sheets were parsed in back to the system (glibc keeps freed
    memory for reuse: after a large read that is ~80 MB held for nothing while the rows are
    understood, which would add to the reading child's peak). Elsewhere nothing happens."""
    global _TRIM
    if _TRIM is None:
        try:
            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None


def _guard(path: Path, what: str, read: Callable[[], Any]) -> Any:
    """Run a reading step, turning whatever the file makes the reader raise into a
    WorkbookError chained to it."""
    try:
        return read()
    except PasswordError as exc:
        raise reject("encrypted-file", path, detected=what) from exc
    except (CalamineError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, OSError,
            EOFError, ValueError, OverflowError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: zipfile's "member is encrypted" on a damaged flag bit
        raise corrupt(path, exc) from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise reject("corrupt-file", path, raw=f"calamine: {exc}"[:300]) from exc
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
    written = meta.rows_written
    if written is None:
        written = count_rows(path, part) if part is not None else 0
    if written * 2 >= meta.max_row:
        raise reject("too-large", path, sheet=name, rows=meta.max_row, cols=meta.max_col + 1,
                    variant="rows", limit=limits.max_cells)
    raise reject("too-large", path, sheet=name, rows=meta.max_row,
                cols=column_letter(meta.max_col))


def open_workbook(path: Path, limits: Limits | None = None, *,
                  trim_after_read: bool = True, scan_first: bool = False,
                  meanwhile: Callable[[], None] | None = None) -> Workbook:
    """Read every sheet of an .xlsx/.xlsm/.xls/.ods file into a :class:`Workbook`.

    ``rows[0]`` is always sheet row 1 (leading empty rows kept as ``[]``, trailing empty
    cells dropped); values are what calamine gives, empty cells None — numbers stored as text
    stay text, text stored as numbers stays numbers. For xlsx/xlsm the hidden rows (within the
    data) and the formula cells with no cached value are filled in; for xls and ods they are
    left empty (calamine does not expose them there). ODS gets its merged ranges from the raw
    XML. Hidden and very hidden sheets have ``visible`` False.

    Raises WorkbookError for a file that is empty, not a workbook, corrupt, encrypted, of an
    unsupported format, or whose used range is too large to hold (``too-large``).

    Without ``trim_after_read`` the memory calamine parsed the sheets in is not handed back
    to the system at once (~30 ms for a 100,000-row sheet): for a caller that builds little
    from the rows (``validate``'s lazy records), whose peak is calamine's own.

    Under an address-space limit (the guarded child on POSIX) calamine reads the first sheet
    while the raw XML is measured (see :func:`_read_beside_scan`); a sheet too large then
    kills the process, and the caller reads again with ``scan_first``: measured, then read.
    ``meanwhile`` is then called once the scan has passed every sheet, while calamine is
    still reading (this thread would only wait): for the caller's work that needs no cell.
    It is not called on the other paths, nor when the scan refuses the file.
    """
    path = Path(path)
    limits = limits or Limits()
    fmt = detect_format(path, limits)
    metas: dict[str, SheetMeta] = {}
    first: Any = None  # the first sheet, when calamine read it beside the scan
    if fmt in ("xlsx", "xlsm") and not scan_first and _address_space_capped():
        book, first, metas = _read_beside_scan(path, fmt, limits, meanwhile)
    elif fmt in ("xlsx", "xlsm"):
        # calamine opens the package (outside the GIL) while this thread scans the raw XML;
        # the scan must be done before any sheet is parsed, to refuse a sheet too large to
        # hold. Its errors come first, as if the two ran one after the other.
        opening = _in_thread(partial(_open_book, path, fmt))
        try:
            metas = _guard(path, fmt, lambda: xlsx_sheet_meta(path))
            for name, meta in metas.items():
                _guard(path, fmt, partial(_check_size, path, name, meta.part, meta, limits))
        except BaseException:
            with contextlib.suppress(BaseException):
                opening()  # not left running behind the error
            raise
        book = _guard(path, fmt, opening)
        book = _guard(path, fmt, partial(_unique_book, path, book, fmt))
        release_freed_memory()  # what the scan of the raw XML used, before the sheets are parsed
    else:
        book = _guard(path, fmt, lambda: _open_book(path, fmt))
    sheets: list[RawSheet] = _guard(path, fmt, partial(_read_sheets, book, first, metas))
    if trim_after_read:
        release_freed_memory()  # the sheets as calamine parsed them are gone
    if not any(s.rows for s in sheets):
        raise reject("empty-file", path)
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
