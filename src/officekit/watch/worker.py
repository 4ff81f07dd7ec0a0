"""Processing the files in the processing folder, one at a time (SPEC §9).

The :class:`~officekit.watch.watcher.Watcher` renames settled files into its processing folder
(and adopts the folders of dead watchers); the :class:`Worker` takes each file there to its
end: hash, load, ``Ledger.claim``, check, store (:func:`officekit.intake.ingest_loaded`),
archive (:func:`officekit.intake.finish_archive`), log. Each step is safe to repeat after a
kill at any point — :meth:`Worker._claim` lists the crash points.

A file whose processing raises (a fault of the program or the machine, not of the data — bad
data is a rejection) is recorded ``failed`` with the error and tried again after
``rescan × attempt`` seconds, at most :data:`MAX_ATTEMPTS` times in all; then it is moved to
``archive/failed/<month>/`` and the ledger records it there. One file can never stop the loop.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, cast

from officekit.errors import OfficekitError, failure_of
from officekit.i18n import Message
from officekit.intake import Checkpoint, archive_file, finish_archive, ingest_loaded
from officekit.jobs.queue import QUEUE_OWNER
from officekit.ledger.schema import TERMINAL_STATES
from officekit.ledger.store import Ledger
from officekit.model import FileResult, FileStatus
from officekit.read.detect import sha256_file
from officekit.read.guard import ReaderDied, ReadInterrupted
from officekit.settings import Limits
from officekit.validate.pipeline import LoadedFile, load_file, periods_touched
from officekit.watch.claims import ProcessingArea
from officekit.watch.log import file_summary, msg
from officekit.watch.renders import RenderQueue
from officekit.workspace import Workspace

MAX_ATTEMPTS = Limits().attempts  # tries of one file before it goes to archive/failed
BATCH_FILES = 50  # files loaded together (then taken staff lists first)
# What a batch may hold in memory: read files stop being added once their sheets hold this
# many rows. Each file is read in a guarded child (officekit.read.guard), so one file's data
# is bounded by the limits; this bounds a batch of them.
BATCH_ROWS = 200_000


@dataclass(slots=True)
class Outcome:
    """What became of one file: its terminal status (or ``failed``) and where it went."""

    name: str
    status: str  # accepted | rejected | duplicate | failed
    destination: Path | None
    result: FileResult | None = None
    periods: set[str] = field(default_factory=set)
    error: str | None = None  # why it failed, in the watcher's language


@dataclass(slots=True)
class _Prepared:
    item: Path
    sha256: str
    loaded: LoadedFile
    rows: int
    resume: dict[str, Any] | None  # the ledger row of a file stored before a crash


class Worker:
    """Takes the files of the held processing folders to their terminal place.

    ``on_outcome`` is told each file's :class:`Outcome`; ``stopping`` says when to stop between
    files; ``checkpoint`` is the test seam of :class:`~officekit.watch.watcher.Watcher`.
    """

    def __init__(self, ws: Workspace, ledger: Ledger, area: ProcessingArea,
                 renders: RenderQueue, log: logging.Logger, *, lang: str, rescan: float,
                 stopping: Callable[[], bool], on_outcome: Callable[[Outcome], None],
                 checkpoint: Checkpoint | None = None, today: date | None = None,
                 handoff: Callable[[Path, str], bool] | None = None) -> None:
        self.ws, self.ledger, self.area, self.renders, self.log = ws, ledger, area, renders, log
        # with the job queue (SPEC §12): claim + enqueue instead of processing here
        self._handoff = handoff
        self._handed: set[Path] = set()
        self.lang = lang
        self.rescan = rescan
        self._stopping = stopping
        self._on_outcome = on_outcome
        self._checkpoint = checkpoint
        self._today = today
        self._retry_at: dict[Path, float] = {}
        self._attempts: defaultdict[Path, int] = defaultdict(int)  # failures with no row
        self._said: set[tuple[str, Path]] = set()  # once-only messages already logged
        self._origin: dict[Path, Path] = {}  # taken this run, not yet finished → from where

    def took(self, item: Path, origin: Path) -> None:
        """Note that this run renamed ``origin`` to ``item`` (see :meth:`give_back`)."""
        self._origin[item] = origin

    def next_retry(self) -> float | None:
        """When the next failed file is due to be tried again (monotonic), or None."""
        return min(self._retry_at.values()) if self._retry_at else None

    def work(self, *, now: float, retry: bool = True) -> bool:
        """Process the files waiting in the processing folder; True when any was finished.

        A batch is loaded first and then taken staff lists first (like ``ingest``), so a
        roster dropped together with the registers that name its people is read before them.
        """
        batch: list[_Prepared] = []
        rows = 0
        done = False
        items = self.area.items()
        self._handed &= set(items)  # the rest were archived by a worker
        for item in items:
            if self._stopping() or len(batch) >= BATCH_FILES or rows >= BATCH_ROWS:
                break
            if item in self._handed:
                continue
            if self._retry_at.get(item, now) > now or (not retry and item in self._retry_at):
                continue
            prepared = self._guard(item, None, partial(self._load, item))
            if prepared is True:
                done = True  # set aside unread (see _load)
            elif prepared is not None:
                batch.append(prepared)
                rows += prepared.rows
        for p in sorted(batch, key=lambda x: x.loaded.order):
            if self._stopping():
                break
            done = self._guard(p.item, p.sha256, partial(self._process, p)) or done
        self.area.release_finished()
        return done

    def _load(self, item: Path) -> _Prepared | bool | None:
        """Hash ``item``, claim it in the ledger and read it in a guarded child; None when it
        must wait, True when it was set aside unread (it had used up its attempts).

        The claim is the mark "being read": it is in the ledger before the file is opened, and
        each claim counts an attempt, so a file whose reading killed a watcher (before the
        child process guarded it, or the machine) is counted when the next watcher takes it
        over, and is set aside once it has had its attempts instead of being read again.
        """
        sha = sha256_file(item)
        if self._handoff is not None and self._handed_off(item, sha):
            return None
        go, resume = self._claim(item, sha)
        if not go:
            self.say_once("waiting", item, name=item.name)
            return None
        if resume is None and self._used_up(item, sha):
            return True
        self._point("claimed")
        loaded = load_file(item, self.ws.settings, stopping=self._stopping, on_death="raise")
        rows = sum(len(s.rows) for s in loaded.workbook.sheets) if loaded.workbook else 0
        return _Prepared(item, sha, loaded, rows, resume)

    def _used_up(self, item: Path, sha: str) -> bool:
        """Set ``item`` aside in archive/failed when its claims passed the attempts limit."""
        row = self.ledger.find_file(sha)
        limit = self.ws.settings.limits.attempts
        if row is None or row["path"] != str(item) or int(row["attempts"]) <= limit:
            return False
        error = Message("error.reader-died", {"detail": Message(
            "watch.failed.died", {"attempts": int(row["attempts"]) - 1})})
        self._give_up(item, row, error, int(row["attempts"]) - 1, None)
        return True

    def _handed_off(self, item: Path, sha: str) -> bool:
        """Give ``item`` to the job queue (claim and enqueue in one transaction), or notice it
        was given before a restart; False when this process is to handle it (a duplicate)."""
        assert self._handoff is not None
        row = self.ledger.find_file(sha)
        queued = (row is not None and row["state"] == "claimed" and row["path"] == str(item)
                  and str(row["owner"] or "").startswith(QUEUE_OWNER))
        if not (queued or self._handoff(item, sha)):
            return False
        if self._checkpoint is not None:
            self._checkpoint("handed")  # claimed and enqueued (one transaction, committed)
        self._handed.add(item)
        self._origin.pop(item, None)  # a worker has it now: never given back to the inbox
        self.log.info(msg("queued", self.lang, name=item.name))
        return True

    def _claim(self, item: Path, sha: str) -> tuple[bool, dict[str, Any] | None]:
        """Claim ``item`` in the ledger: (go ahead?, the row of a file stored before a crash).

        Crash points, and how each is found again here:
        - renamed, not claimed: no row → claimed now like a new file;
        - claimed, not stored: row ``claimed`` at this path (by the dead owner of the folder,
          or by a watcher that had adopted the folder and died in turn) → reclaimed;
        - stored, not archived (or archived, destination not yet written): row terminal at
          this path → only the archive step is completed (the row is returned);
        - a duplicate drop: ``store_duplicate`` finds its own row again by path and mtime.
        """
        if self.ledger.claim(sha, item.name, str(item), self.area.owner):
            return True, None
        row = self.ledger.find_file(sha)
        if row is None:
            return False, None  # another process is inserting it right now
        mine = row["path"] == str(item)
        if row["state"] in TERMINAL_STATES:
            return True, (row if mine else None)  # else: a duplicate of that file
        # Claimed at this very path, in a folder whose lock we hold: whoever claimed it
        # (the folder's owner, or a watcher that adopted the folder before us) is gone —
        # unless it is the job queue's (a worker has it).
        if (mine and row["state"] == "claimed"
                and not str(row["owner"] or "").startswith(QUEUE_OWNER)
                and (row["owner"] == self.area.owner
                     or self.ledger.reclaim(row["id"], self.area.owner, row["owner"]))):
            return True, None
        return False, None  # the same content is in hand elsewhere: wait for it

    def _process(self, p: _Prepared) -> bool:
        """Check, store and archive one claimed file; log it and queue its periods."""
        today = self._today or date.today()
        resume = p.resume
        if resume is not None:
            res = FileResult(str(p.item), p.sha256, cast(FileStatus, str(resume["state"])),
                             p.loaded.sheets)
            res.file_id, res.annotated = int(resume["id"]), resume.get("annotated")
        else:
            res = ingest_loaded(self.ws, self.ledger, p.loaded, today=today, lang=self.lang)
            self._point("stored")
        periods = periods_touched(p.loaded.sheets) if res.status == "accepted" else set()
        self.renders.add(periods)
        if res.file_id is not None:
            dest = finish_archive(self.ws, self.ledger, res.file_id, p.item, res.status,
                                  move=True, today=today, checkpoint=self._checkpoint)
        else:
            dest = archive_file(self.ws, p.item, res.status, move=True, today=today)
        self.area.done(p.item)
        self._forget(p.item)
        self.log.info(file_summary(res, self.lang, root=self.ws.root))
        self._record(Outcome(p.item.name, res.status, dest, res, periods))
        return True

    def give_back(self) -> None:
        """At the end of a run: put the files it took but did not finish back where they were.

        That is files claimed but not started (their row goes back to ``settled``), waiting
        for a same-content file elsewhere, or waiting to be tried again (their ``failed`` row
        is claimed again when they come back). A file the ledger holds as stored stays, to be
        finished by the next start. A hard link never overwrites a file dropped meanwhile
        under the same name; a file that cannot go back stays in the processing folder, where
        the next watcher adopts it.
        """
        for item, origin in list(self._origin.items()):
            try:
                self._return(item, origin)
            except (OSError, OfficekitError):
                continue  # the ledger or the disk is failing: it stays, adopted next start

    def _return(self, item: Path, origin: Path) -> None:
        if not item.exists():
            return
        row = self.ledger.find_file(sha256_file(item))
        if row is not None and row["path"] == str(item):
            if row["state"] == "claimed" and row["owner"] == self.area.owner:
                self.ledger.set_state(row["id"], "settled", owner=None)  # not started
            elif row["state"] not in ("failed", "seen", "settled"):
                return  # stored at this path: the next start finishes it here
        home = origin if origin.parent.is_dir() else self.ws.inbox / origin.name
        try:
            os.link(item, home)
        except FileExistsError:
            return  # a new file has that name now: this one stays for the next start
        item.unlink()
        self.area.done(item)
        del self._origin[item]

    def _guard(self, item: Path, sha: str | None, step: Callable[[], Any]) -> Any:
        """Run one file's step; any exception is that file's failure, never the loop's."""
        try:
            return step()
        except ReadInterrupted:
            return None  # stopping: the file stays claimed, for the next start
        except Exception as exc:  # one file must not stop the watcher; recorded just below
            try:
                self._failed(item, sha, exc)
            except Exception:
                self.log.exception(msg("failed.retry", self.lang, name=item.name, error=exc,
                                       attempt="?"))
                self._retry_at[item] = time.monotonic() + max(self.rescan, 1.0)
            return None

    def _failed(self, item: Path, sha: str | None, exc: Exception) -> None:
        """Record a failure; retry later, or after :data:`MAX_ATTEMPTS` give the file up."""
        if isinstance(exc, ReaderDied):
            error = Message("error.reader-died",
                            {"detail": Message("watch.reader-died", {"detail": exc.detail})})
        else:
            error = failure_of(exc)
        if sha is None:
            try:
                sha = sha256_file(item)
            except OSError:
                sha = None  # unreadable: no content identity, so no ledger row can be ours
        row = self.ledger.find_file(sha) if sha else None
        own = (row is not None and row["path"] == str(item)
               and row["state"] not in TERMINAL_STATES)
        if own and row is not None:
            attempts = int(row["attempts"])
        else:
            self._attempts[item] += 1
            attempts = self._attempts[item]
        if attempts < self.ws.settings.limits.attempts:
            if own and row is not None:
                self.ledger.set_state(row["id"], "failed", message=error)
            self._retry_at[item] = time.monotonic() + max(self.rescan, 1.0) * attempts
            self.log.error(msg("failed.retry", self.lang, name=item.name, error=error,
                               attempt=attempts), exc_info=exc)
            return
        self._give_up(item, row if own else None, error, attempts, exc)

    def _give_up(self, item: Path, row: dict[str, Any] | None, error: Message, attempts: int,
                 exc: Exception | None) -> None:
        """Move ``item`` to archive/failed (recording why in its ``row``, when it has one)."""
        today = self._today or date.today()
        if row is not None:
            dest = finish_archive(self.ws, self.ledger, int(row["id"]), item, "failed",
                                  move=True, today=today, message=error)
        else:  # no ledger row can be ours (unreadable file, or a duplicate drop): log only
            dest = archive_file(self.ws, item, "failed", move=True, today=today)
        self.area.done(item)
        self._forget(item)
        self.log.error(msg("failed.final", self.lang, name=item.name, error=error,
                           attempt=attempts, dest=dest.relative_to(self.ws.root)), exc_info=exc)
        self._record(Outcome(item.name, "failed", dest, error=error.text(self.lang)))

    def _forget(self, item: Path) -> None:
        self._origin.pop(item, None)
        self._retry_at.pop(item, None)
        self._attempts.pop(item, None)
        self._said = {s for s in self._said if s[1] != item}

    def _record(self, outcome: Outcome) -> None:
        self._on_outcome(outcome)

    def _point(self, name: str) -> None:
        if self._checkpoint is not None:
            self._checkpoint(name)

    def say_once(self, key: str, path: Path, **params: Any) -> None:
        if (key, path) not in self._said:
            self._said.add((key, path))
            self.log.info(msg(key, self.lang, **params))
