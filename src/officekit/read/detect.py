"""What a dropped file is, before anything reads it: its format from its bytes, whether it is
whole yet, and the rejections (codes and messages) for every way a file can be unreadable.

The format is decided by the file's bytes, never its extension: people rename files, and
systems export HTML or CSV under an ``.xls`` name. Every way a file can be unreadable ends in a
:class:`~officekit.errors.WorkbookError` with a stable code (``empty-file``, ``not-a-workbook``,
``corrupt-file``, ``encrypted-file``, ``unsupported-format``, ``too-large``) — never a
traceback — so the intake can reject the file with a message a person understands.
:mod:`officekit.read.workbook` reads what passes.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import olefile  # type: ignore[import-untyped]  # comes with msoffcrypto-tool
from lxml import etree

from officekit.errors import WorkbookError
from officekit.i18n import t
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

# Each limit's key in [limits]; what it is, for the over-limit message, is the catalogue's
# ``limit.<limit>`` ({value}).
LIMIT_KEYS: dict[str, str] = {
    "memory": "memory_mb", "cpu": "cpu_seconds", "time": "wall_seconds",
    "inflated": "inflated_mb", "ratio": "max_ratio",
}
# Parts that inflate past this are held to ``max_ratio`` (small parts compress wildly too).
RATIO_FLOOR = 16 << 20
_XML_HEAD = 4096


def reject(code: str, path: Path, **params: Any) -> WorkbookError:
    """The WorkbookError for ``code`` about ``path`` (its text comes from the catalogue)."""
    return WorkbookError(code, file=path.name, **params)


# What a damaged file's low-level error means, by the reading library's exception and words
# (lower case): the cause's catalogue entry ``corrupt.<cause>``. A ZIP error is only ever met
# on a file that starts as a zip, so "not a zip file" there means its directory (the end of
# the file) is missing.
_CAUSES: tuple[tuple[tuple[type[BaseException], ...], str, str], ...] = (
    ((zipfile.BadZipFile,), "is not a zip file", "no-directory"),
    ((zipfile.BadZipFile,), "truncated", "truncated"),
    ((zipfile.BadZipFile,), "bad magic number", "truncated"),
    ((zipfile.BadZipFile,), "bad crc-32", "bad-crc"),
    ((EOFError,), "", "truncated"),
    ((zlib.error,), "", "bad-data"),
    ((etree.XMLSyntaxError,), "", "bad-xml"),
    ((OSError, ValueError, IndexError), "incomplete ole", "truncated"),
    ((OSError, ValueError, IndexError), "less than declared", "truncated"),
    ((OSError, ValueError, IndexError), "ole ", "ole"),
)


def corrupt(path: Path, error: BaseException | str) -> WorkbookError:
    """The ``corrupt-file`` rejection of ``path`` for ``error``: a reading library's exception
    or, found by officekit itself, the name of its cause (``corrupt.<cause>``: ``"doctype"``).

    A known cause is worded from the catalogue (both languages); an unknown one leaves the
    message without a detail and keeps the library's own words as the ``raw`` param, which
    only the watch log shows (never the annotated copy)."""
    if isinstance(error, str):
        cause: str | None = error
    else:
        words = str(error).lower()
        cause = next((c for kinds, text, c in _CAUSES
                      if isinstance(error, kinds) and text in words), None)
    if cause is None:
        return reject("corrupt-file", path, raw=f"{type(error).__name__}: {error}"[:300])
    key = f"corrupt.{cause}"
    return reject("corrupt-file", path, detail=t(key, "zh"), detail_en=t(key, "en"))


def over_limit(path: Path, limit: str, value: Any) -> WorkbookError:
    """The ``over-limit`` rejection of ``path`` for ``limit`` (a key of :data:`LIMIT_KEYS`)."""
    return reject("over-limit", path, limit=limit, what=t(f"limit.{limit}", "zh", value=value),
                  what_en=t(f"limit.{limit}", "en", value=value), key=LIMIT_KEYS[limit])


def reader_died(path: Path, detail: str) -> WorkbookError:
    """The ``reader-died`` rejection: the child reading ``path`` died (``detail``: how)."""
    return reject("reader-died", path, detail=detail)


_KINDS_OF_FILE = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket"),
                  (stat.S_ISCHR, "char-device"), (stat.S_ISBLK, "block-device"))


def _detected(what: str) -> dict[str, str]:
    """The ``detected`` params of what a file turned out to be: the catalogue's
    ``file-kind.<what>`` in both languages (a name such as PDF stays as it is)."""
    key = f"file-kind.{what}"
    if t(key, "zh") == key:
        return {"detected": what}
    return {"detected": t(key, "zh"), "detected_en": t(key, "en")}


def check_regular(path: Path) -> None:
    """Raise ``not-a-regular-file`` unless ``path`` is a regular file (a symlink to one is).

    Opening a FIFO blocks for ever and a device never ends: such a path is never opened.
    A path that is not there raises OSError like opening it would.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return
    for test, what in _KINDS_OF_FILE:
        if test(mode):
            raise reject("not-a-regular-file", path, **_detected(what))
    raise reject("not-a-regular-file", path, **_detected("special"))


def sha256_file(path: Path | BinaryIO) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks: the ledger's identity of a dropped file
    (the same content dropped twice is a duplicate, whatever its name). ``path`` may be a
    file opened for reading in binary (read from where it stands)."""
    if not isinstance(path, (str, os.PathLike)):
        return _sha256(path)
    with open(path, "rb") as fh:
        return _sha256(fh)


def _sha256(fh: BinaryIO) -> str:
    digest = hashlib.sha256()
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
        return "text"
    lower = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "html"
    if lower.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml-2003"
    if b"\x00" in head:
        return "binary"
    return "text"


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
                raise corrupt(path, "doctype")


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
                raise reject("unsupported-format", path, **_detected("xlsb"))
            if "mimetype" in names:
                mimetype = zf.read("mimetype").strip()
                if mimetype in ODS_MIMETYPES:
                    if _ods_encrypted(zf, names):
                        raise reject("encrypted-file", path, detected=".ods")
                    return "ods"
                _not_workbook(path, mimetype.decode("ascii", "replace"))
            if "word/document.xml" in names:
                _not_workbook(path, "docx")
            if "ppt/presentation.xml" in names:
                _not_workbook(path, "pptx")
            _not_workbook(path, "zip")
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error, NotImplementedError,
            RuntimeError, ValueError, OSError) as exc:
        raise corrupt(path, exc) from exc


def _not_workbook(path: Path, detected: str) -> NoReturn:
    raise reject("not-a-workbook", path, **_detected(detected))


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
            raise reject("encrypted-file", path, detected=".xls")
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
                    raise corrupt(path, "dimensions")
                break
            if rec == _BIFF_EOF:
                break
            pos += 4 + length


def _ole_format(path: Path) -> str:
    try:
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise corrupt(path, exc) from exc
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise reject("encrypted-file", path, **_detected("encrypted-xlsx"))
        for stream in ("Workbook", "Book"):
            if ole.exists(stream):
                try:
                    data = ole.openstream(stream).read()
                except (OSError, ValueError, IndexError, struct.error) as exc:
                    raise corrupt(path, exc) from exc
                if stream == "Workbook":
                    _xls_check(path, data)
                return "xls"
        if ole.exists("WordDocument"):
            _not_workbook(path, "doc")
        if ole.exists("PowerPoint Document"):
            _not_workbook(path, "ppt")
        if ole.parsing_issues:
            kind, words = ole.parsing_issues[0]
            raise corrupt(path, kind(words))
        if not ole.listdir():
            raise corrupt(path, "ole")
        _not_workbook(path, "ole")
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
        raise corrupt(path, exc) from exc
    if size == 0:
        raise reject("empty-file", path)
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path, limits or Limits())
    if head.startswith(OLE_MAGIC):
        return _ole_format(path)
    if head.startswith(_OLD_BIFF):
        raise reject("unsupported-format", path, **_detected("biff"))
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            _not_workbook(path, what)
    text = _describe_text(head)
    if text == "xml-2003":
        raise reject("unsupported-format", path, **_detected(text))
    _not_workbook(path, text)
