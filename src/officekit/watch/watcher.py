"""The inbox watcher (SPEC §9): take each dropped file once, check it, store it, archive it.

One cycle: take over the work of watchers that died (:mod:`.claims`), scan the inbox (all of
it on the rescan interval, else the paths file events named), claim the files that have
settled (:mod:`.settle`) by renaming them into the processing folder, let the
:class:`~officekit.watch.worker.Worker` take each file there to its end, then re-render the
documents of the periods accepted files touched, debounced (:mod:`.renders`). Events are only
hints; the rescan is the truth, so a lost event or a dead event thread costs seconds, never a
file.

Each file's states are recorded in the ledger as it goes: ``claimed`` (by this watcher), then
``accepted`` / ``rejected`` / ``duplicate`` and where it went. ``seen`` and ``settled`` are
kept in memory only: a file still being written has no content identity yet. After a crash
or kill at any point, the next watcher finds the file in the processing folder and finishes
it exactly once.
"""

from __future__ import annotations

import logging
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from officekit.errors import WorkspaceError
from officekit.i18n import Message
from officekit.intake import Checkpoint
from officekit.jobs.queue import ensure_schema, hand_off, is_distributed
from officekit.ledger.store import Ledger
from officekit.loop.daily import Clock, DailyDue
from officekit.read.detect import check_complete
from officekit.read.guard import shared_pool
from officekit.settings import Settings
from officekit.watch.claims import ProcessingArea, new_owner_id
from officekit.watch.log import close_log, msg, open_log
from officekit.watch.renders import Renderer, RenderQueue
from officekit.watch.settle import Settler, inbox_files, is_hidden_path
from officekit.watch.worker import BATCH_FILES, Outcome, Worker
from officekit.workspace import Workspace

POLL_TIMEOUT_MAX = 1.0  # the polling observer's interval, at most


class _QuietStop(logging.Filter):
    """Drops watchdog's error about events read while its inotify thread is being stopped: a
    benign race of stopping an observer, not something to show the office at every exit."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_QuietStop())


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds: settle (unchanged before taken), rescan (full scans), debounce (renders),
    grace (an incomplete file unchanged this long is taken anyway; None: from settle)."""

    settle: float = 2.0
    rescan: float = 5.0
    debounce: float = 3.0
    grace: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Timings:
        """The ``[watch]`` timings of ``officekit.toml``."""
        return cls(settings.settle_seconds, settings.rescan_seconds, settings.debounce_seconds)


@dataclass(slots=True)
class WatchSummary:
    """What one run did: every file finished and every document rendered."""

    outcomes: list[Outcome] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    left: list[Path] = field(default_factory=list)  # --once: files still being written

    def counts(self) -> dict[str, int]:
        """Files per status (accepted, rejected, duplicate, failed), zeros included."""
        out = dict.fromkeys(("accepted", "rejected", "duplicate", "failed"), 0)
        for o in self.outcomes:
            out[o.status] += 1
        return out


class _Hints(FileSystemEventHandler):
    """File events → paths to look at soon. Never trusted beyond that."""

    def __init__(self, note: Callable[[Path, bool], None]) -> None:
        self._note = note

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type not in ("created", "moved"):
            return  # a folder "modified" only repeats the events of its files
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                text = raw.decode() if isinstance(raw, bytes) else str(raw)
                self._note(Path(text), event.is_directory)


class Watcher:
    """Watches ``ws.inbox``; :meth:`run` until :meth:`stop` (or SIGTERM / Ctrl-C), or once.

    ``on_accepted`` renders the documents of a set of periods and returns the paths written;
    ``on_file`` is told each file's outcome as it happens; ``checkpoint`` is a test seam called
    with a step name (``renamed``, ``claimed``, ``stored``, ``recorded``, ``placed``; with
    the job queue ``handed``: claimed and enqueued in one committed transaction) as each
    file passes it, so a test can kill the process exactly there.
    """

    def __init__(self, ws: Workspace, *, lang: str | None = None, poll: bool | None = None,
                 on_accepted: Renderer | None = None, timings: Timings | None = None,
                 quiet: bool = False, debug: bool = False, console: TextIO | None = None,
                 on_file: Callable[[Outcome], None] | None = None,
                 checkpoint: Checkpoint | None = None, today: date | None = None,
                 clock: Clock | None = None) -> None:
        self.ws = ws
        self.lang = lang or ws.settings.language
        self.poll = ws.settings.poll if poll is None else poll
        self.timings = timings or Timings.from_settings(ws.settings)
        self.owner = new_owner_id()
        self.on_file = on_file
        self.checkpoint = checkpoint
        self._today = today
        self._quiet, self._debug, self._console = quiet, debug, console
        self._on_accepted = on_accepted
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._hints_lock = threading.Lock()
        self._hints: set[Path] = set()
        self._full_scan = True
        self._observer: BaseObserver | None = None
        self._emptied: dict[Path, float] = {}  # inbox subfolders we took files from
        self._unreachable = False
        self.summary = WatchSummary()
        self.queued = False
        # the daily due list (SPEC §11); ``clock`` (wall-clock time) is a test seam
        self.daily = DailyDue(ws, clock=clock, lang=self.lang)

    # --- control ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the watcher to finish the file at hand and return from :meth:`run`."""
        self._stop.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, once: bool = False) -> WatchSummary:
        """Watch until stopped; with ``once``, process what is in the inbox, render, return."""
        self.ws.ensure()
        self.log = open_log(self.ws, self.owner, quiet=self._quiet, debug=self._debug,
                            console=self._console)
        self.area = ProcessingArea(self.ws.inbox, self.owner)
        # SPEC §12: on PostgreSQL files go to the job queue; the workers store and render
        queued = self.ws.settings.queue_enabled and is_distributed(self.ws.database_url)
        self.queued = queued  # then the workers also write the daily due list: one writer
        self.renders = RenderQueue(self.ws.data / "watch", self.owner,
                                   None if queued else self._on_accepted,
                                   debounce=self.timings.debounce, clock=time.monotonic)
        self.settler = Settler(self.timings.settle, self.timings.grace,
                               is_complete=check_complete, clock=time.monotonic)
        try:
            with Ledger.open(self.ws.database_url) as ledger, self._signals():
                self.ledger = ledger
                try:
                    self.area.open()
                except OSError as exc:
                    raise WorkspaceError(key="error.workspace.processing-folder",
                                         path=str(self.area.root), detail=str(exc)) from exc
                # the first file must not wait for a reader to start and import the stack
                shared_pool().warm(["officekit.validate.pipeline"])
                handoff = None
                if queued:
                    ensure_schema(ledger)
                    handoff = partial(hand_off, self.ws, ledger)
                self.worker = Worker(self.ws, ledger, self.area, self.renders, self.log,
                                     lang=self.lang, rescan=self.timings.rescan,
                                     stopping=self._stop.is_set, on_outcome=self._record,
                                     checkpoint=self.checkpoint, today=self._today,
                                     handoff=handoff)
                try:
                    self._once() if once else self._forever()
                    self.worker.give_back()
                finally:
                    self._stop_observer()
                    self.area.close()
            c = self.summary.counts()
            self.log.info(msg("stop", self.lang, total=sum(c.values()), **c))
        finally:
            close_log(self.log)
        return self.summary

    @contextmanager
    def _signals(self) -> Iterator[None]:
        """SIGTERM and Ctrl-C finish the current file, then stop (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            if not self._stop.is_set():
                self.log.info(msg("stopping", self.lang))
            self.stop()

        old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for s, h in old.items():
                signal.signal(s, h)

    # --- the two modes ----------------------------------------------------------------------

    def _forever(self) -> None:
        mode = msg("mode.poll" if self.poll else "mode.events", self.lang)
        self.log.info(msg("start", self.lang, inbox=self.ws.inbox, mode=mode,
                          settle=f"{self.timings.settle:g}", rescan=f"{self.timings.rescan:g}"))
        next_rescan = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            self._keep_observer()
            full = self._take_full_scan()
            if now >= next_rescan:
                self._adopt()  # a watcher that died meanwhile: its files are ours now
                next_rescan = now + self.timings.rescan
                full = True
            if full:
                self._scan_all()
            else:
                self._scan_hints()
            progress = self._claim_ready()
            progress = self.worker.work(now=time.monotonic()) or progress
            self._tidy_folders(once=False)
            due = self.renders.due_at()
            if due is not None and time.monotonic() >= due:
                self._render()
            if self.renders.due_at() is None:  # a burst is rendered first, then listed
                self._daily_due()
            if progress:
                continue  # a burst: look again at once before sleeping
            daily = None if self.queued else time.monotonic() + self.daily.seconds_to_next()
            self._sleep_until(min(t for t in (next_rescan, self.settler.next_due(),
                                              self.renders.due_at(), self.worker.next_retry(),
                                              daily)
                                  if t is not None))

    def _once(self) -> None:
        self.log.info(msg("once", self.lang, inbox=self.ws.inbox))
        limit = self.timings.settle + self.settler.grace + 0.5
        self._adopt()
        while not self._stop.is_set():
            self._scan_all()
            progress = self._claim_ready()
            progress = self.worker.work(now=time.monotonic(), retry=False) or progress
            now = time.monotonic()
            waiting = [p for p in self.settler.pending()
                       if now - (self.settler.waiting_since(p) or now) < limit]
            if not progress and not waiting:
                break
            if not progress:
                self._sleep_until(min(self.settler.next_due() or now, now + limit))
        self.summary.left = self.settler.pending()
        for path in self.summary.left:
            self.log.info(msg("left", self.lang, name=path.name))
        self._tidy_folders(once=True)
        if self.renders.due_at() is not None and not self._stop.is_set():
            self._render()
        if not self._stop.is_set():
            self._daily_due()

    def _sleep_until(self, when: float) -> None:
        delay = when - time.monotonic()
        if delay > 0:
            self._wake.wait(delay)
        self._wake.clear()

    # --- events -----------------------------------------------------------------------------

    def _note(self, path: Path, is_dir: bool) -> None:
        with self._hints_lock:
            if is_dir:
                self._full_scan = True
            else:
                self._hints.add(path)
        self._wake.set()

    def _take_full_scan(self) -> bool:
        with self._hints_lock:
            full, self._full_scan = self._full_scan, False
            if full:
                self._hints.clear()
            return full

    def _keep_observer(self) -> None:
        """Start the event observer, or restart it when its threads have died."""
        obs = self._observer
        if obs is not None and obs.is_alive() and all(e.is_alive() for e in obs.emitters):
            return
        if obs is not None:
            self.log.warning(msg("observer.restart", self.lang))
            self._stop_observer()
        if not self.ws.inbox.is_dir():
            return
        timeout = min(self.timings.rescan, POLL_TIMEOUT_MAX)
        new: BaseObserver = PollingObserver(timeout=timeout) if self.poll else Observer()
        new.schedule(_Hints(self._note), str(self.ws.inbox), recursive=True)
        new.daemon = True
        new.start()
        self._observer = new
        with self._hints_lock:
            self._full_scan = True  # events may have been missed while it was down

    def _stop_observer(self) -> None:
        obs, self._observer = self._observer, None
        if obs is not None:
            obs.stop()
            if obs.is_alive():
                obs.join(timeout=5)

    def observer(self) -> BaseObserver | None:
        """The current event observer (for tests that check it is restarted)."""
        return self._observer

    # --- scanning and claiming ----------------------------------------------------------------

    def _scan_all(self) -> None:
        inbox = self.ws.inbox
        try:
            inbox.stat()
            found = dict(inbox_files(inbox, self._not_regular))
        except OSError as exc:
            if not self._unreachable:
                self.log.warning(msg("inbox.unreachable", self.lang, inbox=inbox, error=exc))
            self._unreachable = True
            return
        if self._unreachable:
            self.log.info(msg("inbox.back", self.lang, inbox=inbox))
            self._unreachable = False
        self.settler.retain(set(found))
        for path, st in found.items():
            self.settler.observe(path, st)

    def _not_regular(self, path: Path) -> None:
        self.worker.say_once("not-regular", path, name=path.relative_to(self.ws.inbox))

    def _scan_hints(self) -> None:
        with self._hints_lock:
            hints, self._hints = self._hints, set()
        for path in hints:
            if is_hidden_path(path, self.ws.inbox):
                continue
            try:
                st = path.lstat()
            except OSError:
                self.settler.forget(path)
                continue
            if stat.S_ISREG(st.st_mode):
                self.settler.observe(path, st)

    def _claim_ready(self) -> bool:
        """Rename each settled file into the processing folder; True when any was taken."""
        taken = False
        room = BATCH_FILES - len(self.area.items())
        for path in self.settler.ready()[:max(room, 0)]:
            if self._stop.is_set():
                break
            try:
                item = self.area.claim(path)
            except OSError as exc:  # open in Excel (Windows), no permission: look again later
                self.settler.postpone(path)
                self.worker.say_once("busy", path, name=path.name, error=exc)
                continue
            self.settler.forget(path)
            if item is None:
                continue  # another watcher took it
            taken = True
            self.worker.took(item, path)
            if path.parent != self.ws.inbox:
                self._emptied[path.parent] = time.monotonic()
            if self.checkpoint is not None:
                self.checkpoint("renamed")
        return taken

    def _tidy_folders(self, *, once: bool) -> None:
        """Remove inbox subfolders we emptied (a dropped folder), once they stay empty."""
        for folder, when in list(self._emptied.items()):
            if not once and time.monotonic() - when < self.settler.grace:
                continue
            del self._emptied[folder]
            while folder != self.ws.inbox and folder.is_dir() and not any(folder.iterdir()):
                try:
                    folder.rmdir()
                except OSError:
                    break  # a file arrived in it just now: the folder stays
                folder = folder.parent

    # --- taking over after a crash ----------------------------------------------------------------

    def _adopt(self) -> None:
        """Take over folders and claims of dead watchers; mark claims whose file is gone."""
        rows = self.ledger.unfinished()
        root = self.area.root
        paths = [Path(r["path"] or "") for r in rows]
        claimants = {self.area.owner_of(p) for p in paths if p.is_relative_to(root)}
        adopted = self.area.adopt(claimants | self.renders.noted_owners())
        for owner in adopted:
            count = len([i for i in self.area.items() if self.area.owner_of(i) == owner])
            if count:
                self.log.info(msg("adopted", self.lang, owner=owner, count=count))
            self.renders.adopt(owner)
        for row, path in zip(rows, paths, strict=True):
            if self._in_held_folder(path) and not path.exists() and self._still_claimed(row):
                self.ledger.set_state(row["id"], "failed",
                                      message=Message("error.lost-from-processing"))
                self.log.error(msg("lost", self.lang, name=row["name"]))
        self.area.release_finished()

    def _still_claimed(self, row: dict[str, Any]) -> bool:
        """Whether ``row`` (read before its file was found gone) is still claimed at its path.

        A file is stored before it is moved to the archive, so a file gone since ``row`` was
        read by a job queue's worker (working in this watcher's folder) is finished by now:
        only a row still claimed after the file went missing was really lost."""
        now = self.ledger.file(int(row["id"]))
        return now is not None and now["state"] == "claimed" and now["path"] == row["path"]

    def _in_held_folder(self, path: Path) -> bool:
        """Whether ``path`` lies in a processing folder this watcher holds the lock of."""
        return path.is_relative_to(self.area.root) and self.area.owner_of(path) in self.area.held

    # --- processing -------------------------------------------------------------------------

    def _record(self, outcome: Outcome) -> None:
        self.summary.outcomes.append(outcome)
        if outcome.status == "accepted" and outcome.result is not None:
            self.daily.changed({s.kind for s in outcome.result.sheets if s.kind})
        if self.on_file is not None:
            self.on_file(outcome)

    def _render(self) -> None:
        periods = self.renders.take()
        label = "、".join(sorted(periods)) if self.lang != "en" else ", ".join(sorted(periods))
        renderer = self.renders.renderer
        try:
            docs = renderer(periods) if renderer is not None else []
        except Exception as exc:  # a template error must not stop the watcher; logged here
            self.log.error(msg("render.failed", self.lang, periods=label, error=exc),
                           exc_info=exc)
            docs = []
        else:
            if docs:
                names = "、".join(d.name for d in docs[:5]) + ("…" if len(docs) > 5 else "")
                self.log.info(msg("rendered", self.lang, count=len(docs), periods=label,
                                  names=names))
            else:
                self.log.info(msg("rendered.none", self.lang, periods=label))
        self.renders.done(periods)
        self.summary.documents.extend(docs)



    def _daily_due(self) -> None:
        """Write the day's due list when files changed it or ``[due] daily_at`` has come (not
        with the job queue: there the workers' ``due`` jobs write it)."""
        if self.queued:
            return
        try:
            path = self.daily.tick()
        except Exception as exc:  # like a render: logged, never the end of the watcher
            self.log.error(msg("due.failed", self.lang, error=exc), exc_info=exc)
            self.daily.failed()
            return
        if path is not None:
            self.log.info(msg("due.written", self.lang, path=path))


def run_watch(ws: Workspace, *, once: bool = False, poll: bool | None = None,
              lang: str | None = None, quiet: bool = False, debug: bool = False,
              on_accepted: Renderer | None = None) -> WatchSummary:
    """What ``officekit watch`` runs: watch ``ws`` until stopped, or once."""
    watcher = Watcher(ws, lang=lang, poll=poll, on_accepted=on_accepted, quiet=quiet,
                      debug=debug)
    return watcher.run(once=once)
