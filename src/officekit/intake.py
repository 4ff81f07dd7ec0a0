"""From a file to its terminal place: check, store, annotate, archive (SPEC §2, §4, §5).

``ingest_files`` is what ``officekit ingest`` runs; the watcher runs ``process_loaded`` per
claimed file; :func:`ingest_loaded` is the store step of both: it checks one loaded file
against the ledger, stores what is good (one transaction per file) and writes an annotated
copy of what is bad into ``outbox/rejected/``. Every file ends in exactly one place under
``archive/`` — ``accepted/``, ``rejected/`` (its annotated copy in ``outbox/rejected/``) or
``duplicates/`` — and the ledger records where. Files inside the inbox are moved; files from
elsewhere are copied, so ``officekit ingest`` never takes away a user's own file.

The archive step is crash-safe and idempotent (the watcher may be killed at any point and run
it again): the destination is recorded in the ledger *before* the file is placed, the file is
placed with a hard link (which never overwrites; a link left by a crash is recognised as the
same file) and only then removed from where it was. Running :func:`finish_archive` again
after a crash at any step completes it without a second copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from officekit.errors import OfficekitError
from officekit.ledger.schema import TERMINAL_STATES
from officekit.ledger.store import FileInfo, Ledger, sha256_of
from officekit.model import FileResult, Issue
from officekit.read import Workbook
from officekit.validate.pipeline import LoadedFile, Progress, check_loaded, load_file
from officekit.workspace import Workspace

# ``failed`` is for files the program itself could not process after repeated tries (a fault
# of officekit, not of the data); see officekit.watch.
ARCHIVE_DIRS = {"accepted": "accepted", "rejected": "rejected", "duplicate": "duplicates",
                "failed": "failed"}

# A test seam like Ledger.before_commit: called with a step name as the archive step passes it.
Checkpoint = Callable[[str], None]


class ArchiveError(OfficekitError):
    """A file could not be placed in the archive (both it and its recorded place are gone)."""


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2)``, ``name (3)``… so nothing is ever overwritten."""
    folder.mkdir(parents=True, exist_ok=True)
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def annotated_name(path: Path) -> str:
    return f"{path.stem}.校验结果.xlsx"


def ingest_loaded(ws: Workspace, ledger: Ledger, item: LoadedFile, *, today: date,
                  lang: str) -> FileResult:
    """Check one loaded file against the ledger and store it (or its rejection)."""
    existing = ledger.find_file(item.sha256)
    if existing is not None and existing.get("state") in TERMINAL_STATES:
        res = FileResult(str(item.path), item.sha256, "duplicate", item.sheets, [
            Issue("info", "duplicate-file", params={
                "first_name": existing.get("name", ""),
                "first_time": _fmt_time(existing.get("first_seen")),
                "first_status": existing.get("state", ""),
            })
        ])
        res.file_id = ledger.store_duplicate(FileInfo.from_path(item.path, item.sha256),
                                             existing["id"])
        return res
    from officekit.annotate import write_annotated  # xlsxwriter: only for a rejected file

    res = check_loaded(item, ledger, ws.settings, today)
    info = FileInfo.from_path(item.path, item.sha256)
    issue_dicts = [i.to_dict(lang) for i in res.issues]
    if res.status == "accepted":
        res.file_id = ledger.store_accepted(info, res.sheets, issue_dicts)
    else:
        dest = unique_path(ws.rejected, annotated_name(item.path))
        if item.workbook is not None:
            write_annotated(item.workbook, res.issues, dest, lang)
        else:
            # an unreadable file has no cells to mark: the list sheet alone tells what is wrong
            write_annotated(Workbook(str(item.path), "xlsx", []), res.issues, dest, lang)
        res.annotated = str(dest)
        res.file_id = ledger.store_rejected(info, issue_dicts, str(dest))
    return res


def _fmt_time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def archive_folder(ws: Workspace, status: str, today: date | None = None) -> Path:
    """``archive/<status dir>/<YYYY-MM>/`` for files finished ``today``."""
    month = (today or date.today()).strftime("%Y-%m")
    return ws.archive / ARCHIVE_DIRS[status] / month


def _same_copy(src: Path, dest: Path) -> bool:
    """Whether ``dest`` is a finished copy of ``src`` (same size, mtime and content)."""
    a, b = src.stat(), dest.stat()
    return (a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)
            and sha256_of(src) == sha256_of(dest))


def _copy_no_clobber(src: Path, dest: Path) -> bool:
    """Copy ``src`` to ``dest`` through a hidden temporary name; False when ``dest`` is taken."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    shutil.copy2(src, tmp)
    try:
        try:
            os.link(tmp, dest)
        except FileExistsError:
            return False
        except OSError:  # no hard links here: the small window of exists-then-rename is accepted
            if dest.exists():
                return False
            os.replace(tmp, dest)
            return True
    finally:
        tmp.unlink(missing_ok=True)
    return True


def place_file(src: Path, dest: Path, *, move: bool) -> bool:
    """Put ``src`` at ``dest`` without ever overwriting; False when ``dest`` is another file.

    Safe to repeat after a crash: a ``dest`` that already is ``src`` (hard link left by a
    crash between link and unlink, or a finished cross-volume copy) counts as placed.
    """
    if not src.exists():
        if dest.exists():
            return True  # moved already; only the bookkeeping after it was interrupted
        raise ArchiveError(f"文件不见了：{src}（目标 {dest} 也不存在）"
                           f" / The file is gone: {src} (and {dest} does not exist)")
    if dest.exists():
        if not (os.path.samefile(src, dest) or _same_copy(src, dest)):
            return False
    elif not move:
        return _copy_no_clobber(src, dest)
    else:
        try:
            os.link(src, dest)
        except FileExistsError:
            return False
        except OSError:  # another volume (inbox on a share) or no hard links: copy, then remove
            if not _copy_no_clobber(src, dest):
                return False
    if move:
        src.unlink()
    return True


def archive_file(ws: Workspace, path: Path, status: str, *, move: bool,
                 today: date | None = None) -> Path:
    """Put the original in ``archive/<status>/<YYYY-MM>/``; never overwrite (suffix instead)."""
    folder = archive_folder(ws, status, today)
    while True:
        dest = unique_path(folder, path.name)
        if place_file(path, dest, move=move):
            return dest


def finish_archive(ws: Workspace, ledger: Ledger, file_id: int, path: Path, status: str, *,
                   move: bool, today: date | None = None, message: str | None = None,
                   checkpoint: Checkpoint | None = None) -> Path:
    """Archive ``path`` as file ``file_id`` in ``status`` and record where; idempotent.

    The destination is chosen and written to the ledger first, then the file is placed there:
    after a crash at any point, calling this again finds the recorded destination and
    completes the move (or notices it was completed). ``message`` is stored with it (used for
    ``failed``).
    """
    row = ledger.file(file_id)
    recorded = row.get("destination") if row is not None else None
    dest = Path(recorded) if recorded else None
    while True:
        if dest is None:
            dest = unique_path(archive_folder(ws, status, today), path.name)
            extra = {"message": message} if message is not None else {}
            ledger.set_state(file_id, status, destination=str(dest), **extra)
            if checkpoint:
                checkpoint("recorded")
        if place_file(path, dest, move=move):
            if checkpoint:
                checkpoint("placed")
            return dest
        dest = None  # taken by another file meanwhile: choose again


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def process_loaded(ws: Workspace, ledger: Ledger, item: LoadedFile, *, today: date, lang: str,
                   move: bool) -> FileResult:
    """Check and store one loaded file, then archive it and record where it went.

    Safe to run again on the same file after a crash: a stored file is recognised by the
    ledger (the duplicate drop by its path and mtime) and only its archive step is completed.
    """
    res = ingest_loaded(ws, ledger, item, today=today, lang=lang)
    if res.file_id is None:
        archive_file(ws, item.path, res.status, move=move, today=today)
    else:
        finish_archive(ws, ledger, res.file_id, item.path, res.status, move=move, today=today)
    return res


def ingest_files(ws: Workspace, paths: Sequence[Path], *, today: date | None = None,
                 lang: str = "zh", progress: Progress | None = None) -> list[FileResult]:
    """Check, store and archive ``paths``; results in the order given.

    Files are taken staff lists first, then duties, schedules, complaints and visits, so each
    is checked against what the ones before it brought.
    """
    today = today or date.today()
    loaded = [load_file(p, ws.settings) for p in paths]
    out: dict[Path, FileResult] = {}
    with Ledger.open(ws.database_url) as ledger:
        for item in sorted(loaded, key=lambda x: x.order):
            if progress:
                progress(item.path.name)
            out[item.path] = process_loaded(ws, ledger, item, today=today, lang=lang,
                                            move=_inside(item.path, ws.inbox))
    return [out[p] for p in paths]
