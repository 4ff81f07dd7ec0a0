"""The processing folder: how a watcher takes a file so no other watcher can (SPEC §9).

A watcher *claims* a file by renaming it into its own folder
``inbox/.processing/<owner>/<seq>/<name>``. A rename within one volume is atomic: of two
watchers renaming the same file exactly one succeeds, the other finds it gone. The folder is
hidden, so scans never see the file again, and the file keeps its name (the ledger, the archive
and the annotated copy use it).

Each watcher holds an exclusive lock on ``inbox/.processing/<owner>.lock`` for as long as it
lives; the operating system drops the lock when the process ends, even when it is killed.
A watcher that finds another owner's lock free knows that owner is gone and *adopts* its
folder: it takes the lock over and finishes the files there in place (their paths, which the
ledger recorded, stay the same). Two watchers adopting at once are kept apart by the lock.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from officekit.winpath import fit_path, hide

PROCESSING = ".processing"
LOCK_SUFFIX = ".lock"

_LK_NBLCK = 2  # msvcrt.LK_NBLCK: lock bytes, fail at once when another process holds them


@dataclass(slots=True)
class _Locking:
    """How locks are taken here: Windows locks a byte of the open file (``msvcrt.locking``),
    POSIX the whole file (``flock``). Tests run the Windows branch through :func:`set_locking`."""

    windows: bool
    locking: Callable[[int, int, int], None] | None  # msvcrt.locking on Windows


def _platform_locking() -> _Locking:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        return _Locking(True, msvcrt.locking)
    return _Locking(False, None)


_LOCKING = _platform_locking()


def set_locking(locking: Callable[[int, int, int], None] | None, *,
                windows: bool) -> Callable[[], None]:
    """Use ``locking`` (``msvcrt.locking``'s signature) and the Windows branch when
    ``windows``; returns the call that puts the platform's own back (the tests' seam)."""
    global _LOCKING
    before = _LOCKING
    _LOCKING = _Locking(windows, locking)

    def restore() -> None:
        global _LOCKING
        _LOCKING = before

    return restore


def _try_lock(fd: int) -> bool:
    if _LOCKING.windows:
        assert _LOCKING.locking is not None
        try:
            _LOCKING.locking(fd, _LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def new_owner_id() -> str:
    """A name for this watcher process, unique across machines and restarts."""
    host = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname()).strip("-")[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(3)}"


# Descriptors of the locks this process holds. A forked child (a reader of the guarded pool,
# forked while the watcher is still single-threaded) inherits them, and a flock lives as long
# as any descriptor of it: a child outliving a SIGKILLed watcher, even for the instant before
# the kernel's parent-death signal takes it, would keep that watcher's folder looking alive
# to the watcher restarted in its place. So the child closes its copies at once; closing (not
# unlocking) leaves the parent's lock as it was.
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


class _Lock:
    """An exclusive lock on one file, held through an open descriptor."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd
        _HELD.add(fd)

    @classmethod
    def create(cls, path: Path) -> _Lock:
        """Make ``path`` and lock it before anyone can see it (lock a temporary, rename it)."""
        if _LOCKING.windows:  # an open file cannot be renamed there: lock it in place
            fd = os.open(path, os.O_RDWR | os.O_CREAT)
            if not _try_lock(fd):
                os.close(fd)
                raise OSError(f"cannot lock {path}")
            return cls(path, fd)
        for _ in range(5):
            tmp = path.with_name(f"{path.name}.new-{secrets.token_hex(3)}")
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                # granted unless another watcher's sweep took this brand-new file for a
                # stale one in the instant before; then it is gone and we try again
                if _try_lock(fd):
                    os.replace(tmp, path)
                    return cls(path, fd)
            except FileNotFoundError:
                pass  # swept away: try again with a new name
            os.close(fd)
        raise OSError(f"cannot create the lock file {path}")

    @classmethod
    def take(cls, path: Path, *, create: bool = True) -> _Lock | None:
        """Lock another owner's lock file (made when missing, if ``create``); None when it is
        held by someone (or missing and not to be made)."""
        try:
            fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
        except FileNotFoundError:
            return None  # gone meanwhile, or the processing folder itself went away
        if _try_lock(fd):
            return cls(path, fd)
        os.close(fd)
        return None

    def release(self, *, remove: bool) -> None:
        """Let go; ``remove`` deletes the lock file first (while still holding it)."""
        if remove:
            self.path.unlink(missing_ok=True)
        _HELD.discard(self.fd)
        os.close(self.fd)


class ProcessingArea:
    """``inbox/.processing``: this watcher's claimed files and those it adopted.

    Use :meth:`open` before anything else and :meth:`close` at the end.
    """

    def __init__(self, inbox: Path, owner: str) -> None:
        self.inbox = inbox
        self.root = inbox / PROCESSING
        self.owner = owner
        self._seq = 0
        self._locks: dict[str, _Lock] = {}  # owner → its lock, ours and adopted ones

    # --- lifetime ---------------------------------------------------------------------------

    def open(self) -> None:
        """Create the folder and take this watcher's lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        hide(self.root)  # Windows: a leading dot hides nothing there
        self._locks[self.owner] = _Lock.create(self._lock_path(self.owner))
        self.folder(self.owner).mkdir(exist_ok=True)

    def close(self) -> None:
        """Let go of every lock; folders left with files stay for the next watcher to adopt."""
        for owner in list(self._locks):
            self._release(owner)

    def _release(self, owner: str) -> None:
        self._prune(owner)
        folder = self.folder(owner)
        empty = not folder.exists() or not any(folder.iterdir())
        if empty and folder.exists():
            folder.rmdir()
        self._locks.pop(owner).release(remove=empty)

    def _lock_path(self, owner: str) -> Path:
        return self.root / f"{owner}{LOCK_SUFFIX}"

    def folder(self, owner: str) -> Path:
        """The folder of ``owner``'s claimed files."""
        return self.root / owner

    # --- owners ---------------------------------------------------------------------------

    @property
    def held(self) -> frozenset[str]:
        """Owners whose files this watcher works on: itself and the ones it adopted."""
        return frozenset(self._locks)

    def others(self) -> set[str]:
        """Owners other than those held that have a folder or a lock file here."""
        try:
            names = [e.name for e in os.scandir(self.root)]
        except FileNotFoundError:
            return set()
        found = {n[: -len(LOCK_SUFFIX)] if n.endswith(LOCK_SUFFIX) else n for n in names
                 if n.endswith(LOCK_SUFFIX) or (self.root / n).is_dir()}
        return found - set(self._locks)

    def adopt(self, also: set[str] | None = None) -> list[str]:
        """Take over the folders of watchers that are gone; returns the owners adopted.

        ``also`` names further owners to try (those that left only a pending-render note).
        """
        self._sweep_half_made_locks()
        adopted = []
        for owner in sorted(self.others() | ((also or set()) - set(self._locks))):
            lock = _Lock.take(self._lock_path(owner))
            if lock is None:
                continue
            self._locks[owner] = lock
            adopted.append(owner)
        return adopted

    def _sweep_half_made_locks(self) -> None:
        """Remove lock files a watcher killed while starting left under their temporary name."""
        for path in self.root.glob(f"*{LOCK_SUFFIX}.new-*"):
            lock = _Lock.take(path, create=False)
            if lock is not None:  # its maker is gone (a live maker holds it until renamed)
                lock.release(remove=True)

    def release_finished(self) -> None:
        """Give back adopted owners whose folders are now empty (removing folder and lock)."""
        for owner in [o for o in self._locks if o != self.owner]:
            folder = self.folder(owner)
            if not folder.exists() or not self._items_of(owner):
                self._release(owner)

    # --- files ------------------------------------------------------------------------------

    def claim(self, path: Path) -> Path | None:
        """Rename ``path`` into this watcher's folder; None when another process got it first.

        Raises OSError when the file cannot be moved now (open in Excel on Windows, no
        permission); the caller tries again later.
        """
        self._seq += 1
        slot = self.folder(self.owner) / f"{self._seq:06d}"
        slot.mkdir(parents=True)
        dest = fit_path(slot / path.name)  # the deeper folder must not cross 260 characters
        try:
            os.rename(path, dest)
        except FileNotFoundError:
            slot.rmdir()
            return None
        except OSError:
            slot.rmdir()
            raise
        return dest

    def _items_of(self, owner: str) -> list[Path]:
        out: list[Path] = []
        try:
            slots = sorted(os.scandir(self.folder(owner)), key=lambda e: e.name)
        except FileNotFoundError:
            return []
        for slot in slots:
            if not slot.is_dir(follow_symlinks=False):
                continue
            try:
                entries = list(os.scandir(slot.path))
            except FileNotFoundError:
                continue  # a job queue's worker archived its file and removed the slot just now
            out.extend(Path(e.path) for e in entries if e.is_file(follow_symlinks=False))
        return out

    def items(self) -> list[Path]:
        """Every claimed file waiting here, adopted owners' first (they are the oldest)."""
        owners = sorted(self._locks, key=lambda o: o == self.owner)
        return [p for o in owners for p in self._items_of(o)]

    def owner_of(self, item: Path) -> str:
        """The owner whose folder holds ``item``."""
        return item.parent.parent.name

    def done(self, item: Path) -> None:
        """Remove the slot folder of a finished ``item`` (when it is empty, as it should be)."""
        slot = item.parent
        if slot.exists() and not any(slot.iterdir()):
            slot.rmdir()

    def _prune(self, owner: str) -> None:
        """Remove the empty slot folders a crash left between mkdir and rename."""
        try:
            slots = list(os.scandir(self.folder(owner)))
        except FileNotFoundError:
            return
        for slot in slots:
            if slot.is_dir(follow_symlinks=False) and not any(os.scandir(slot.path)):
                os.rmdir(slot.path)

    def prune(self) -> None:
        """Tidy every held folder (see :meth:`_prune`)."""
        for owner in self._locks:
            self._prune(owner)

    def describe(self) -> dict[str, Any]:
        """For logs and tests: held owners and how many files each has waiting."""
        return {o: len(self._items_of(o)) for o in sorted(self._locks)}
