"""``outbox/manifest.csv``: one row per generated document (SPEC §7).

The report command appends or updates a row for every document it renders; ``officekit send``
and the outbox index read it. Columns, in order::

    path, kind, period, department, staff_id, recipient, sha256, time, pdf

``path`` and ``pdf`` are relative to the outbox with ``/`` separators (the outbox may be a
share opened from Windows and Linux alike); ``recipient`` is the e-mail address the document is
meant for, as known when it was rendered (informational: ``send`` asks the staff list again);
``time`` is local time ``YYYY-MM-DD HH:MM:SS``, which Excel reads as a date.

The file is written in UTF-8 with a BOM so that Excel opens the Chinese correctly, atomically
(a temporary file, then ``os.replace``) and under a lock file, so a watcher and a report command
rendering at the same time never lose each other's rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time as _time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from officekit.errors import OfficekitError

MANIFEST = "manifest.csv"
COLUMNS = ("path", "kind", "period", "department", "staff_id", "recipient", "sha256", "time",
           "pdf")
REQUIRED = ("path", "kind", "period")
DOCUMENT_KINDS = ("evaluation", "evaluation-summary", "complaints", "visits", "handbook")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_LOCK_WAIT = 30.0  # seconds to wait for another writer
_LOCK_STALE = 120.0  # a lock older than this was left by a killed process
_REPLACE_TRIES = 10  # os.replace fails on Windows while Excel holds the file open


class ManifestError(OfficekitError):
    """The manifest cannot be read or written (bad columns, locked by Excel, outside outbox)."""


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One generated document. Paths are relative to the outbox, ``/``-separated."""

    path: str
    kind: str
    period: str
    department: str = ""
    staff_id: str = ""
    recipient: str = ""
    sha256: str = ""
    time: datetime | None = None
    pdf: str = ""

    @classmethod
    def for_file(cls, outbox: Path | OutboxPaths, path: Path, *, kind: str, period: str,
                 department: str = "", staff_id: str = "", recipient: str = "",
                 pdf: Path | None = None, when: datetime | None = None,
                 sha256: str = "") -> ManifestRow:
        """The row for a document just written at ``path`` (hashes it; time defaults to now).

        ``outbox`` may be an :class:`OutboxPaths` shared by a batch of rows; ``sha256``, the
        file's hash when the caller has just taken it."""
        from officekit.ledger.store import sha256_of

        paths = outbox if isinstance(outbox, OutboxPaths) else OutboxPaths(outbox)
        return cls(path=paths.relative(path), kind=kind, period=period,
                   department=department, staff_id=staff_id, recipient=recipient,
                   sha256=sha256 or sha256_of(path),
                   time=(when or datetime.now()).replace(microsecond=0),
                   pdf=paths.relative(pdf) if pdf is not None else "")

    def file(self, outbox: Path) -> Path:
        """The document's full path."""
        return outbox.joinpath(*PurePosixPath(self.path).parts)

    def pdf_file(self, outbox: Path) -> Path | None:
        """The PDF's full path, or None when no PDF was made."""
        return outbox.joinpath(*PurePosixPath(self.pdf).parts) if self.pdf else None

    def to_csv(self) -> list[str]:
        return [self.path, self.kind, self.period, self.department, self.staff_id,
                self.recipient, self.sha256,
                self.time.strftime(TIME_FORMAT) if self.time else "", self.pdf]


def relative_to_outbox(outbox: Path, path: Path | str) -> str:
    """``path`` as the manifest stores it: relative to ``outbox``, ``/``-separated."""
    return OutboxPaths(outbox).relative(path)


class OutboxPaths:
    """Paths made relative to one outbox, as :func:`relative_to_outbox` does, for a batch.

    Resolving a path stats each of its folders; a batch of documents shares a handful of
    folders, so each folder is resolved once per batch (the outbox's folders do not move while
    one command lists its documents). A file that is itself a symbolic link is resolved whole,
    so the result is what ``Path.resolve()`` gives.
    """

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        self._root: Path | None = None
        self._prefix = ""  # the resolved outbox and a separator
        self._dirs: dict[str, str] = {}

    def _resolved(self, path: str) -> str:
        folder, name = os.path.split(path)
        if not name or name in (".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        real = self._dirs.get(folder)
        if real is None:
            real = self._dirs[folder] = os.path.realpath(folder)
        return os.path.join(real, name)

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the outbox, ``/``-separated (ManifestError when outside)."""
        p = Path(path)
        if not p.is_absolute():
            return PurePosixPath(*p.parts).as_posix()
        if self._root is None:
            self._root = Path(os.path.realpath(self.outbox))
            root = str(self._root)
            self._prefix = root if root.endswith(os.sep) else root + os.sep
        resolved = self._resolved(str(p))
        if resolved.startswith(self._prefix):  # the usual case, without parsing the path
            rel_text = resolved[len(self._prefix):]
            return rel_text.replace(os.sep, "/") if os.sep != "/" else rel_text
        try:
            rel = Path(resolved).relative_to(self._root)
        except ValueError as exc:
            raise ManifestError(key="error.manifest.outside-outbox", path=str(p),
                                outbox=str(self.outbox)) from exc
        return rel.as_posix()


def manifest_path(outbox: Path) -> Path:
    """Where the manifest of ``outbox`` lives."""
    return outbox / MANIFEST


def _parse_time(text: str, line: int) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"):  # after an Excel save
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ManifestError(key="error.manifest.bad-time", file=MANIFEST, line=line,
                        text=repr(text))


def _parse(text: str) -> list[ManifestRow]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ManifestError(key="error.manifest.columns", file=MANIFEST,
                            missing=", ".join(missing), columns=", ".join(COLUMNS))
    reader.fieldnames = header
    rows: list[ManifestRow] = []
    for line, raw in enumerate(reader, start=2):
        values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        if not values["path"]:
            continue
        rows.append(ManifestRow(
            path=values["path"], kind=values["kind"], period=values["period"],
            department=values["department"], staff_id=values["staff_id"],
            recipient=values["recipient"], sha256=values["sha256"].lower(),
            time=_parse_time(values["time"], line), pdf=values["pdf"]))
    return rows


def read_manifest(outbox: Path) -> list[ManifestRow]:
    """Every row of ``outbox/manifest.csv`` in file order; no manifest yet gives ``[]``."""
    path = manifest_path(outbox)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(key="error.manifest.unreadable", path=str(path),
                            detail=str(exc)) from exc
    return _parse(text)


def _clean(path: str) -> str:
    """A manifest path: ``/``-separated and inside the outbox."""
    if not path:
        return ""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", path):
        raise ManifestError(key="error.manifest.absolute-path", path=path)
    return pure.as_posix()


def _check(row: ManifestRow) -> ManifestRow:
    if row.kind not in DOCUMENT_KINDS:
        raise ManifestError(key="error.manifest.unknown-kind", kind=repr(row.kind),
                            kinds=", ".join(DOCUMENT_KINDS))
    if not row.path or not row.period:
        raise ManifestError(key="error.manifest.incomplete-row", row=str(row))
    return replace(row, path=_clean(row.path), pdf=_clean(row.pdf))


@contextmanager
def _locked(outbox: Path) -> Iterator[None]:
    """Hold ``outbox/.manifest.csv.lock`` (O_EXCL) while reading, merging and replacing."""
    lock = outbox / f".{MANIFEST}.lock"
    deadline = _time.monotonic() + _LOCK_WAIT
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                if _time.time() - lock.stat().st_mtime > _LOCK_STALE:
                    lock.unlink(missing_ok=True)  # its writer was killed
                    continue
            except FileNotFoundError:
                continue
            if _time.monotonic() > deadline:
                raise ManifestError(key="error.manifest.locked", file=MANIFEST,
                                    lock=str(lock)) from None
            _time.sleep(0.05)
            continue
        break
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _replace(tmp: Path, dest: Path) -> None:
    for attempt in range(_REPLACE_TRIES):
        try:
            os.replace(tmp, dest)
            return
        except PermissionError as exc:  # Windows: Excel has the file open
            if attempt + 1 == _REPLACE_TRIES:
                tmp.unlink(missing_ok=True)
                raise ManifestError(key="error.manifest.replace", path=str(dest)) from exc
            _time.sleep(0.2 * (attempt + 1))


def _write(outbox: Path, rows: Iterable[ManifestRow]) -> None:
    """Replace the manifest with ``rows`` (the caller holds the lock)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(r.to_csv() for r in rows)
    tmp = outbox / f".{MANIFEST}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(buffer.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    _replace(tmp, manifest_path(outbox))


def write_manifest_rows(outbox: Path, rows: Iterable[ManifestRow]) -> Path:
    """Add ``rows`` to ``outbox/manifest.csv``, replacing any row with the same path.

    Rows keep their place when replaced; new ones go to the end. The file is rewritten as a
    whole through a temporary file and ``os.replace``, under a lock, so a reader never sees
    half a file and two writers never drop each other's rows. Returns the manifest's path.
    """
    new = [_check(r) for r in rows]
    outbox.mkdir(parents=True, exist_ok=True)
    dest = manifest_path(outbox)
    with _locked(outbox):
        merged = {r.path: r for r in read_manifest(outbox)}
        for row in new:
            merged[row.path] = row
        _write(outbox, merged.values())
    return dest


def remove_manifest_rows(outbox: Path, paths: Iterable[str]) -> Path:
    """Drop the rows of ``paths`` (relative to the outbox) from ``outbox/manifest.csv``: the
    documents moved to ``_superseded/`` no longer belong to what is handed out."""
    gone = {_clean(p) for p in paths}
    dest = manifest_path(outbox)
    if not dest.exists():
        return dest
    with _locked(outbox):
        _write(outbox, [r for r in read_manifest(outbox) if r.path not in gone])
    return dest


assert tuple(f.name for f in fields(ManifestRow)) == COLUMNS  # the CSV and the class agree
