"""Checking files: load (read and understand) one file, check it against a ledger view.

``validate_paths`` checks a batch without storing anything; :func:`check_loaded` checks one
loaded file against any :class:`~officekit.validate.view.LedgerView` — the ledger itself when
:mod:`officekit.intake` stores it. Files are taken in the order that lets them check each
other: staff lists before the sheets that name staff, complaints before the visits that follow
them up. One file alone is read *and* checked in the guarded child (:func:`check_file`): the
child asks this process what it needs of the ledger and sends back only the issues — no rows
or records cross between the processes.
"""

from __future__ import annotations

import gc
import importlib
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from officekit.errors import WorkbookError
from officekit.kinds import PERIOD_FIELDS
from officekit.model import FileResult, FileStatus, Issue, Record, SheetResult
from officekit.read import Workbook
from officekit.read.detect import check_regular, over_limit, reader_died, sha256_file
from officekit.read.guard import (
    AskRefused,
    ChildLimits,
    ReaderDied,
    ReadOverLimit,
    Running,
    ask_caller,
    release_later,
    shared_pool,
)
from officekit.read.workbook import open_workbook
from officekit.settings import Limits, Settings
from officekit.validate.view import EmptyView, LedgerView

# The understanding and the rules (~25 ms of imports) are imported where first used, not with
# this module: ``validate`` forks its reading child once this module is imported, and the child
# imports them while calamine reads (see read_file), so calamine starts that much sooner; a
# ``validate`` of one file never needs them in the parent.
_LATER_IMPORTS = ("officekit.understand.classify", "officekit.validate.rules")

# Files are checked in this order of the first kind they hold (SPEC §3 kinds).
KIND_ORDER = {"staff": 0, "duties": 1, "schedule": 2, "complaints": 3, "visits": 4}

Progress = Callable[[str], None]


@dataclass(slots=True)
class LoadedFile:
    path: Path
    sha256: str
    workbook: Workbook | None  # None: unreadable, or not kept (see read_file)
    sheets: list[SheetResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    readable: bool = True

    @property
    def order(self) -> int:
        kinds = [KIND_ORDER[s.kind] for s in self.sheets if s.kind in KIND_ORDER]
        return min(kinds) if kinds else len(KIND_ORDER)


def read_file(path: Path, settings: Settings, keep_workbook: bool = True, *,
              lazy_records: bool = False, scan_first: bool = False,
              meanwhile: Callable[[], None] | None = None) -> LoadedFile:
    """Hash, open and understand one file in this process; an unreadable file becomes one
    file-level error. What the guarded child runs (see :func:`load_file`). Without
    ``keep_workbook`` the cells as read are let go once understood (only the annotated copy of
    a rejected file needs them), and not sent back. ``lazy_records``: records built only
    when looked at (see classify.read_records), for a check that reads the columns.
    ``scan_first``: see :func:`~officekit.read.workbook.open_workbook`.

    The file is hashed while calamine reads it, when open_workbook has that wait for this
    thread, and then the modules that understand and check it are imported and ``meanwhile``
    runs (work that needs no cell); otherwise the hash is taken once the file is read and
    ``meanwhile`` is not called."""
    with _Digest(path) as digest, _gc_paused():  # a large sheet: millions of objects, no cycle

        def waiting() -> None:
            digest.value()
            for module in _LATER_IMPORTS:
                importlib.import_module(module)
            if meanwhile is not None:
                meanwhile()

        try:
            wb = open_workbook(path, settings.limits, trim_after_read=not lazy_records,
                               scan_first=scan_first, meanwhile=waiting)
        except WorkbookError as exc:
            return _unreadable(path, digest.value(), exc)
        from officekit.understand.classify import understand_workbook

        sheets, issues = understand_workbook(wb, settings, path.name,
                                             lazy_records=lazy_records)
        sha = digest.value()
    if not keep_workbook:
        release_later(wb)  # in the guarded child: freed after the answer is sent
    return LoadedFile(path, sha, wb if keep_workbook else None, sheets, list(issues))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """:func:`~officekit.understand.classify.gc_paused` — but in the guarded child, which runs
    every task with the collector off, nothing at all, so that nothing is imported before the
    read starts there."""
    if not gc.isenabled():
        yield
        return
    from officekit.understand.classify import gc_paused

    with gc_paused():
        yield


class _Digest:
    """A file's SHA-256 (:func:`~officekit.read.detect.sha256_file`), taken when first asked
    for. The file is opened at once, so a file that cannot be opened fails where hashing it
    first did, and the hash is of the file that was opened then."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self._hex: str | None = None

    def value(self) -> str:
        if self._hex is None:
            self._hex = sha256_file(self._file)
        return self._hex

    def __enter__(self) -> _Digest:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _read_to_send(path: Path, settings: Settings, keep_workbook: bool, scan_first: bool
                  ) -> LoadedFile:
    """:func:`read_file` as the guarded child sends it back: the records, without the
    columns they were built from (SheetResult.values: the same values again)."""
    item = read_file(path, settings, keep_workbook, scan_first=scan_first)
    for sheet in item.sheets:
        sheet.values = {}
    return item


def _unreadable(path: Path, sha: str, exc: WorkbookError) -> LoadedFile:
    return LoadedFile(path, sha, None, [], [Issue("error", exc.code, params=dict(exc.params))],
                      readable=False)


def child_limits(limits: Limits) -> ChildLimits:
    return ChildLimits(limits.memory_mb, limits.cpu_seconds, limits.wall_seconds)


def load_file(path: Path, settings: Settings, *, stopping: Callable[[], bool] | None = None,
              on_death: str = "reject", keep_workbook: bool = True) -> LoadedFile:
    """:func:`read_file` in a guarded child process (:mod:`officekit.read.guard`), so no file
    can take this process down or hold it: a read over a limit is an ``over-limit``
    rejection; a child that died is a ``reader-died`` rejection, or with ``on_death="raise"``
    a :class:`~officekit.read.guard.ReaderDied` for the watcher to count as an attempt.
    :class:`~officekit.read.guard.ReadInterrupted` when ``stopping`` said stop meanwhile.
    A path that is not a regular file (a FIFO, a device) is never opened."""
    try:
        check_regular(path)
    except WorkbookError as exc:
        return _unreadable(path, "", exc)
    limits = settings.limits
    try:
        try:
            return shared_pool().run(_read_to_send, path, settings, keep_workbook, False,
                                     limits=child_limits(limits), stopping=stopping)
        except ReaderDied:  # perhaps calamine, building a sheet too large: measured first now
            return shared_pool().run(_read_to_send, path, settings, keep_workbook, True,
                                     limits=child_limits(limits), stopping=stopping)
    except ReadOverLimit as exc:
        return _over_limit(path, limits, exc)
    except ReaderDied as exc:
        if on_death == "raise":
            raise
        return _unreadable(path, sha256_file(path), reader_died(path, exc.detail))


def _over_limit(path: Path, limits: Limits, exc: ReadOverLimit) -> LoadedFile:
    value = {"memory": limits.memory_mb, "cpu": f"{limits.cpu_seconds:g}",
             "time": f"{limits.wall_seconds:g}"}[exc.limit or "time"]
    return _unreadable(path, sha256_file(path), over_limit(path, exc.limit or "time", value))


_QUESTIONS = frozenset({"staff_all", "complaints_by_id", "schedule_between", "complaint_ids"})

# The child is sent the ids of the complaints held while there are at most this many (~1 MB
# across the pipe); a register's ids are then matched against them there, not shipped here.
HELD_IDS_MAX = 100_000


class _AskedView:
    """The caller's ledger view, seen from the guarded child: each question crosses the pipe
    (:func:`~officekit.read.guard.ask_caller`) and the caller's view answers it.

    :meth:`prefetch` asks, while calamine still reads (when the read gives that wait), what
    the checks ask whatever the file holds: the staff list (kept pickled, so that each caller
    gets its own copy as from the pipe; asked once, not by each check), and the ids of the
    complaints held when they are few (see :data:`HELD_IDS_MAX`): a register's 100,000 ids
    are then matched here, and only those held are asked for."""

    def __init__(self) -> None:
        self._staff: bytes | None = None
        self._held: str | list[str] | None = None  # packed (_pack_ids); None: not known

    def prefetch(self) -> None:
        """Ask the staff list and the complaint ids held. The caller may be opening its
        ledger for this first question: meanwhile calamine reads."""
        self._staff = pickle.dumps(ask_caller("staff_all"), pickle.HIGHEST_PROTOCOL)
        try:
            self._held = ask_caller("complaint_ids", HELD_IDS_MAX)
        except AskRefused:  # a view that cannot list them: each register's ids are asked
            self._held = None

    def staff_all(self) -> list[Record]:
        if self._staff is None:
            self._staff = pickle.dumps(ask_caller("staff_all"), pickle.HIGHEST_PROTOCOL)
        return cast("list[Record]", pickle.loads(self._staff))

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        if self._held is not None:  # every id held is known: ask only for those among ids
            if not self._held:
                return {}
            ids = set(_unpack_ids(self._held)).intersection(ids)
            if not ids:
                return {}
        return cast("dict[str, Record]", ask_caller("complaints_by_id", _pack_ids(ids)))

    def schedule_between(self, start: date, end: date) -> list[Record]:
        return cast("list[Record]", ask_caller("schedule_between", start, end))


_SEP = "\x00"


def _pack_ids(ids: Collection[str]) -> str | list[str]:
    """Ids to send across the pipe: a whole register's 100,000 as one string (pickled and
    read back in a third of the time of a list of them), unless one holds the separator."""
    listed = list(ids)
    joined = _SEP.join(listed)
    return listed if joined.count(_SEP) != max(len(listed) - 1, 0) or not listed else joined


def _unpack_ids(ids: str | list[str]) -> list[str]:
    return ids.split(_SEP) if isinstance(ids, str) else ids


def _held_ids(view: LedgerView, limit: int) -> str | list[str] | None:
    """The ids of the complaints ``view`` holds, packed (:func:`_pack_ids`), or None when it
    holds more than ``limit``; AskRefused when it cannot list them (``complaint_ids`` is an
    optional part of a view: the ledger has it, a view that holds nothing says [])."""
    listing = getattr(view, "complaint_ids", None)
    if listing is None:
        raise AskRefused("complaint_ids")
    held = listing(limit)
    return None if held is None else _pack_ids(held)


def _read_and_check(path: Path, settings: Settings, today: date, scan_first: bool = False
                    ) -> FileResult:
    """What the child runs for :func:`check_file`: read, understand and check ``path``; the
    result without its records (the caller prints issues and sheets, not rows)."""
    view = _AskedView()
    item = read_file(path, settings, keep_workbook=False, lazy_records=True,
                     scan_first=scan_first, meanwhile=view.prefetch)
    with _gc_paused():
        result = check_loaded(item, view, settings, today)
        result.sheets = [replace(s, records=[], values={}) for s in result.sheets]
    release_later(item)  # the records: freed after the answer is sent
    return result


def check_file(path: Path, settings: Settings, view: LedgerView, today: date) -> FileResult:
    """Read and check one file in the guarded child against ``view`` (asked from the child),
    without storing anything: :func:`load_file` and :func:`check_loaded` in one step, with
    only the result crossing back (no records). An unreadable file is a rejection as there."""
    return CheckInChild(path, settings, today).finish(view)


class CheckInChild:
    """:func:`check_file` started now and finished later: the child reads the file while this
    process gets its ledger view ready (``validate`` opens the ledger meanwhile)."""

    def __init__(self, path: Path, settings: Settings, today: date) -> None:
        self.path, self.settings, self.today = path, settings, today
        self._unreadable: LoadedFile | None = None
        self._running: Running[FileResult] | None = None
        try:
            check_regular(path)
        except WorkbookError as exc:
            self._unreadable = _unreadable(path, "", exc)
            return
        self._running = shared_pool().start(_read_and_check, path, settings, today,
                                            limits=child_limits(settings.limits))

    def finish(self, view: LedgerView) -> FileResult:
        """The result, answering the child's questions from ``view``."""
        path, settings, today = self.path, self.settings, self.today
        if self._running is None:
            assert self._unreadable is not None
            return check_loaded(self._unreadable, view, settings, today)

        def answer(question: str, *args: Any) -> Any:
            if question not in _QUESTIONS:
                raise AskRefused(question)
            if question == "complaints_by_id":
                args = (_unpack_ids(args[0]),)
            if question == "complaint_ids":
                return _held_ids(view, *args)
            return getattr(view, question)(*args)

        try:
            try:
                return self._running.result(answer)
            except ReaderDied:  # perhaps calamine, building a sheet too large: measured first
                return shared_pool().run(_read_and_check, path, settings, today, True,
                                         limits=child_limits(settings.limits), answer=answer)
        except ReadOverLimit as exc:
            return check_loaded(_over_limit(path, settings.limits, exc), view, settings, today)
        except ReaderDied as exc:
            item = _unreadable(path, sha256_file(path), reader_died(path, exc.detail))
            return check_loaded(item, view, settings, today)

    def cancel(self) -> None:
        """Stop the child if :meth:`finish` was not called (the caller failed meanwhile)."""
        if self._running is not None:
            self._running.cancel()


def check_loaded(item: LoadedFile, view: LedgerView, settings: Settings,
                 today: date) -> FileResult:
    """Check one loaded file against ``view``: accepted unless an issue is an error."""
    issues = list(item.issues)
    if item.readable and not any(i.severity == "error" and i.row is None
                                             and i.code == "no-known-sheet" for i in issues):
        from officekit.validate.rules import check_sheets

        with _gc_paused():
            issues.extend(check_sheets(item.sheets, view, settings, today))
    status: FileStatus = ("rejected" if any(i.severity == "error" for i in issues)
                          else "accepted")
    return FileResult(str(item.path), item.sha256, status, item.sheets, _sorted(issues))


def _sorted(issues: list[Issue]) -> list[Issue]:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(issues, key=lambda i: (i.sheet or "", i.row or 0, i.col or 0,
                                         rank.get(i.severity, 3)))


class _OverlayView:
    """The ledger as it would be after the files validated so far in a batch were stored."""

    def __init__(self, base: LedgerView) -> None:
        self.base = base
        self.staff: dict[str, Record] = {}
        self.complaints: dict[str, Record] = {}
        self.schedule: list[Record] = []

    def add(self, sheets: Iterable[SheetResult]) -> None:
        for s in sheets:
            for r in s.records:
                if s.kind == "staff" and r.get("staff_id"):
                    self.staff[str(r["staff_id"])] = r
                elif s.kind == "complaints" and r.get("complaint_id"):
                    self.complaints[str(r["complaint_id"])] = r
                elif s.kind == "schedule":
                    self.schedule.append(r)

    def staff_all(self) -> list[Record]:
        merged = {str(r["staff_id"]): r for r in self.base.staff_all()}
        merged.update(self.staff)
        return list(merged.values())

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        found = self.base.complaints_by_id(ids)
        found.update({k: v for k, v in self.complaints.items() if k in ids})
        return found

    def schedule_between(self, start: date, end: date) -> list[Record]:
        own = [r for r in self.schedule if start <= r["date"] <= end]
        return self.base.schedule_between(start, end) + own


def validate_paths(paths: Sequence[Path], settings: Settings, view: LedgerView | None = None,
                   *, today: date | None = None, progress: Progress | None = None
                   ) -> list[FileResult]:
    """Check files without storing anything. Results come back in the order given."""
    # One pause for the whole batch (see load_file): the files' rows are let go inside it, so
    # the collector's first pass afterwards only meets the results.
    with _gc_paused():
        return _validate(paths, settings, view or EmptyView(), today or date.today(), progress)


def _validate(paths: Sequence[Path], settings: Settings, view: LedgerView, today: date,
              progress: Progress | None) -> list[FileResult]:
    if len(paths) == 1:  # nothing for it to see of other files: checked in the child
        if progress:
            progress(paths[0].name)
        return [check_file(paths[0], settings, view, today)]
    overlay = _OverlayView(view)
    loaded = [load_file(p, settings, keep_workbook=False) for p in paths]
    results: dict[Path, FileResult] = {}
    for item in sorted(loaded, key=lambda x: x.order):
        if progress:
            progress(item.path.name)
        res = check_loaded(item, overlay, settings, today)
        if res.status == "accepted":
            overlay.add(item.sheets)
        results[item.path] = res
    return [results[p] for p in paths]


def periods_touched(sheets: Iterable[SheetResult]) -> set[str]:
    """Months (``2026-10``) that the records of accepted sheets fall in, for re-rendering."""
    out: set[str] = set()
    for s in sheets:
        for f in PERIOD_FIELDS.get(s.kind or "", ()):
            for r in s.records:
                v = r.get(f)
                if isinstance(v, (date, datetime)):
                    out.add(f"{v.year:04d}-{v.month:02d}")
    return out
