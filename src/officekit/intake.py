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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from officekit import winpath
from officekit.errors import OfficekitError
from officekit.i18n import Message
from officekit.ledger.schema import TERMINAL_STATES
from officekit.ledger.store import FileInfo, Ledger, sha256_of
from officekit.model import FileResult, Issue
from officekit.model import annotated_name as model_annotated_name
from officekit.read import Workbook
from officekit.settings import Settings
from officekit.validate.pipeline import LoadedFile, Progress, check_loaded, load_file
from officekit.workspace import Workspace

# ``failed`` is for files the program itself could not process after repeated tries (a fault
# of officekit, not of the data); see officekit.watch.
ARCHIVE_DIRS = {"accepted": "accepted", "rejected": "rejected", "duplicate": "duplicates",
                "failed": "failed"}

# Records of small files held while a batch is put in order (a few tens of MB); larger files are
# read again at their turn instead.
KEEP_RECORDS = 20_000

# A test seam like Ledger.before_commit: called with a step name as the archive step passes it.
Checkpoint = Callable[[str], None]


class ArchiveError(OfficekitError):
    """A file could not be placed in the archive (both it and its recorded place are gone)."""


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2)``, ``name (3)``… so nothing is ever overwritten; a name
    Windows refuses (``CON.xlsx``) or a path over its 260 characters is made one it takes
    (:func:`officekit.winpath.place`)."""
    folder.mkdir(parents=True, exist_ok=True)
    candidate = winpath.place(folder, name)
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = winpath.place(folder, f"{stem} ({n}){suffix}")
        n += 1
    return candidate


def annotated_name(path: Path) -> str:
    """``outbox/rejected/`` name of ``path``'s annotated copy (see model.annotated_name)."""
    return model_annotated_name(path.name)


def ingest_loaded(ws: Workspace, ledger: Ledger, item: LoadedFile, *, today: date,
                  lang: str) -> FileResult:
    """Check one loaded file against the ledger and store it (or its rejection)."""
    existing = ledger.find_file(item.sha256)
    if existing is not None and existing.get("state") in TERMINAL_STATES:
        params = {"first_name": existing.get("name", ""),
                  "first_time": _fmt_time(existing.get("first_seen")),
                  "first_status": existing.get("state", "")}
        issues = [Issue("info", "duplicate-file", params=params)]
        annotated = None
        if existing.get("state") == "rejected":
            # the same rejected content again: say again what is wrong and where it is marked
            annotated = existing.get("annotated")
            params.update(variant="rejected", annotated=annotated or "")
            issues += [i for i in check_loaded(item, ledger, ws.settings, today).issues
                       if i.severity != "info"]
        res = FileResult(str(item.path), item.sha256, "duplicate", item.sheets, issues,
                         annotated=annotated)
        res.file_id = ledger.store_duplicate(FileInfo.from_path(item.path, item.sha256),
                                             existing["id"])
        return res
    from officekit.annotate import write_annotated  # xlsxwriter: only for a rejected file

    res = check_loaded(item, ledger, ws.settings, today)
    info = FileInfo.from_path(item.path, item.sha256)
    issue_dicts = [i.to_stored() for i in res.issues]  # code + params, no finished text
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
    tmp = winpath.temp_beside(dest, "part")
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
        raise ArchiveError(key="error.workspace.file-gone", path=str(src), dest=str(dest))
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
                   move: bool, today: date | None = None, message: Message | None = None,
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

    The results describe each file's sheets (name, kind, rows) without their records, which
    are in the ledger: a batch is held one file at a time (:func:`in_kind_order`).

    Files are taken staff lists first, then duties, schedules, complaints and visits, so each
    is checked against what the ones before it brought.
    """
    today = today or date.today()
    out: dict[Path, FileResult] = {}
    with Ledger.open(ws.database_url) as ledger:
        for item in in_kind_order(paths, ws.settings):
            if progress:
                progress(item.path.name)
            res = process_loaded(ws, ledger, item, today=today, lang=lang,
                                 move=_inside(item.path, ws.inbox))
            # the records are in the ledger now: let them go before the next file is read
            res.sheets = [replace(sheet, records=[]) for sheet in res.sheets]
            out[item.path] = res
            del item
    return [out[p] for p in paths]


def in_kind_order(paths: Sequence[Path], settings: Settings) -> Iterator[LoadedFile]:
    """The files loaded, staff lists first (:attr:`LoadedFile.order`), holding few at a time.

    A file's place is known only once it is read, so each is read once to learn it; small
    files are kept until their turn (up to ``KEEP_RECORDS`` records in all), a large one is let
    go and read again at its turn, and the last one read stays. Memory follows the largest file,
    not the batch: a year of monthly registers no longer sits in memory all at once.
    """
    if len(paths) == 1:
        yield load_file(paths[0], settings)
        return
    places: list[tuple[int, int, Path]] = []
    kept: dict[Path, LoadedFile] = {}
    kept_records = 0
    last: LoadedFile | None = None
    for index, path in enumerate(paths):
        if last is not None and kept_records + _records(last) <= KEEP_RECORDS:
            kept[last.path] = last
            kept_records += _records(last)
        last = load_file(path, settings)
        places.append((last.order, index, path))
    for _order, _index, path in sorted(places):
        if last is not None and path == last.path:
            item, last = last, None
        else:
            item = kept.pop(path) if path in kept else load_file(path, settings)
        yield item
        del item


def _records(item: LoadedFile) -> int:
    return sum(len(sheet.records) for sheet in item.sheets)
