"""Which files in the inbox the watcher takes, and when a file is complete (SPEC §9).

A file is *ignored* (left alone for ever) when its name says it belongs to an editor or the
system — Office and LibreOffice lock files, temporary files, hidden files, Explorer's
``Thumbs.db`` / ``desktop.ini``, unfinished downloads. Every other file is taken once it has
*settled*: its size and mtime were unchanged over the settle time and it opens as a whole
workbook (:func:`officekit.read.detect.check_complete`). A file that never becomes whole (a
truncated upload) is taken once it has not changed for the grace time — as we saw it, or as
its mtime says (a writer moves the mtime with every write) — and is then rejected as
``corrupt-file`` like any other broken file, so nothing sits in the inbox for ever.

Files that are not workbooks (a PDF, a text file) are taken too: the intake decides the format
from the bytes, so they end in ``archive/rejected/`` with an annotated copy that says
``not-a-workbook`` — a clear answer to the person who dropped them.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Names never taken: (pattern, why). Matched case-insensitively against the file name.
IGNORED: tuple[tuple[str, str], ...] = (
    ("~$*", "Excel/Word lock file"),
    (".~lock*", "LibreOffice lock file"),
    ("*.tmp", "temporary file (Office saves through one)"),
    ("thumbs.db", "Windows thumbnail cache"),
    ("desktop.ini", "Windows folder settings"),
    ("*.crdownload", "unfinished browser download"),
    ("*.part", "unfinished download"),
)

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})

# A file that stays incomplete is taken (and rejected as corrupt) after this many settle times.
GRACE_FACTOR = 10.0
MIN_GRACE_SECONDS = 1.0

_HIDDEN_ATTR = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0x2)


def hidden_name(name: str) -> bool:
    """A leading single dot hides a file (``.x``); ``..投诉登记表.xlsx`` is a typo, not hidden."""
    return name.startswith(".") and not name.startswith("..")


def ignore_reason(name: str) -> str | None:
    """Why a file of this name is left alone, or None when the watcher takes it."""
    if hidden_name(name):
        return "hidden file"
    lower = name.lower()
    for pattern, why in IGNORED:
        if fnmatch.fnmatchcase(lower, pattern):
            return why
    return None


def is_hidden(entry: os.DirEntry[str]) -> bool:
    """Hidden by name (``.x``) or, on Windows, by the hidden attribute."""
    if hidden_name(entry.name):
        return True
    attrs = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    return bool(attrs & _HIDDEN_ATTR)


def is_hidden_path(path: Path, inbox: Path) -> bool:
    """Whether ``path`` (from a file event) is outside the inbox, hidden, or ignored."""
    try:
        parts = path.relative_to(inbox).parts
    except ValueError:
        return True
    return not parts or any(hidden_name(p) for p in parts) or \
        ignore_reason(parts[-1]) is not None


def inbox_files(inbox: Path, on_skip: Callable[[Path], None] | None = None
                ) -> Iterator[tuple[Path, os.stat_result]]:
    """Every file the watcher may take: regular files in the inbox and its visible subfolders.

    Symbolic links are not followed (archiving a link would not keep the content), hidden
    folders — among them the watcher's own ``.processing`` — are not entered. An unreadable
    inbox raises OSError; an unreadable subfolder is passed over (its files wait).
    Symbolic links, FIFOs, sockets and devices are never opened: ``on_skip`` is told of each
    (with a name the watcher would otherwise take), so it can say so.
    """
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            if folder == inbox:
                raise
            continue  # a subfolder removed while we looked, or not readable
        for entry in entries:
            try:
                if is_hidden(entry) or ignore_reason(entry.name) is not None:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    yield Path(entry.path), entry.stat(follow_symlinks=False)
                elif on_skip is not None:
                    on_skip(Path(entry.path))
            except FileNotFoundError:
                continue  # gone between listing and looking: renamed by Office or another watcher


@dataclass(slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float  # monotonic time the size and mtime were first seen as they are now
    first: float  # monotonic time the file was first seen at all
    complete: bool | None = None  # check_complete for this size and mtime, once asked


class Settler:
    """Tracks files in the inbox until each is complete; the watcher's memory between scans.

    ``observe`` is fed every stat a scan (or an event) makes; ``ready`` says which files may
    be taken now. Nothing here touches the ledger: a file has no content identity (sha256)
    until it stops changing.
    """

    def __init__(self, settle: float, grace: float | None = None, *,
                 is_complete: Callable[[Path], bool], clock: Callable[[], float],
                 wall: Callable[[], float] = time.time) -> None:
        self.settle = settle
        self._wall = wall
        self.grace = grace if grace is not None else max(settle * GRACE_FACTOR,
                                                         MIN_GRACE_SECONDS)
        self._is_complete = is_complete
        self._clock = clock
        self._seen: dict[Path, _Seen] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, path: object) -> bool:
        return path in self._seen

    def observe(self, path: Path, st: os.stat_result) -> None:
        """Note the size and mtime of ``path`` as found now."""
        now = self._clock()
        seen = self._seen.get(path)
        if seen is None:
            self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now, now)
        elif (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
            seen.size, seen.mtime_ns, seen.since, seen.complete = (
                st.st_size, st.st_mtime_ns, now, None)

    def postpone(self, path: Path) -> None:
        """Make ``path`` wait another settle time (it could not be taken just now)."""
        seen = self._seen.get(path)
        if seen is not None:
            seen.since = self._clock()

    def forget(self, path: Path) -> None:
        """Stop tracking ``path`` (taken, or gone from the inbox)."""
        self._seen.pop(path, None)

    def retain(self, present: set[Path]) -> None:
        """Forget the files a full scan no longer found."""
        for path in [p for p in self._seen if p not in present]:
            del self._seen[path]

    def ready(self) -> list[Path]:
        """Files unchanged over the settle time that are whole (or unchanged for the grace time).

        Each candidate is looked at again now, so "unchanged" always rests on two looks at
        least the settle time apart. Oldest first, so a burst is taken in the order it came.
        """
        out: list[tuple[float, Path]] = []
        for path in list(self._seen):
            seen = self._seen[path]
            if self._clock() - seen.since < self.settle:
                continue
            try:
                self.observe(path, path.stat())
            except FileNotFoundError:
                self.forget(path)
                continue
            held = self._clock() - seen.since
            if held < self.settle:
                continue  # it changed after all
            if held >= self.grace or self._wall() - seen.mtime_ns / 1e9 >= self.grace:
                # not written to for the grace time (by our clock or by its mtime): whole or
                # not, nothing more is coming; a broken file is rejected as corrupt-file
                out.append((seen.first, path))
                continue
            if seen.complete is None:
                seen.complete = self._is_complete(path)
            if seen.complete:
                out.append((seen.first, path))
        return [p for _, p in sorted(out)]

    def next_due(self) -> float | None:
        """The monotonic time the next file could become ready, if no scan changes anything."""
        now = self._clock()
        due = []
        for seen in self._seen.values():
            if seen.complete is False:  # whole only after the grace time, by either clock
                by_mtime = now + seen.mtime_ns / 1e9 + self.grace - self._wall()
                due.append(min(seen.since + self.grace, by_mtime))
            else:
                due.append(seen.since + self.settle)
        return max(min(due), now) if due else None

    def waiting_since(self, path: Path) -> float | None:
        """When ``path`` was first seen (monotonic), or None when it is not tracked."""
        seen = self._seen.get(path)
        return seen.first if seen else None

    def pending(self) -> list[Path]:
        """Every tracked file (not yet ready or not yet taken)."""
        return list(self._seen)
