"""The watcher's parts on real folders: what is taken, when, claims, the crash-safe archive."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from officekit.intake import ArchiveError, finish_archive, place_file
from officekit.ledger.store import FileInfo, Ledger, sha256_of
from officekit.watch.claims import ProcessingArea
from officekit.watch.renders import RenderQueue
from officekit.watch.settle import Settler, ignore_reason, inbox_files, is_hidden_path
from watch_support import make_ws, write_register


@pytest.mark.parametrize("name", [
    "~$投诉登记表.xlsx", ".~lock.投诉登记表.xlsx#", "保存中.tmp", "~WRL0001.tmp", ".DS_Store",
    ".hidden.xlsx", "Thumbs.db", "THUMBS.DB", "desktop.ini", "Desktop.INI", "下载.xlsx.crdownload",
    "x.xlsx.part",
])
def test_editor_and_system_files_are_ignored(name: str) -> None:
    assert ignore_reason(name) is not None


@pytest.mark.parametrize("name", [
    "投诉登记表.xlsx", "花名册.xlsm", "排班.xls", "回访.ods", "说明.pdf", "README.txt", "无后缀",
])
def test_other_files_are_taken(name: str) -> None:
    assert ignore_reason(name) is None


def test_inbox_files_enters_visible_subfolders_only(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "~$a.xlsx").write_bytes(b"x")
    (tmp_path / "十月").mkdir()
    (tmp_path / "十月" / "b.xlsx").write_bytes(b"x")
    (tmp_path / ".processing" / "w" / "000001").mkdir(parents=True)
    (tmp_path / ".processing" / "w" / "000001" / "c.xlsx").write_bytes(b"x")
    (tmp_path / "link.xlsx").symlink_to(tmp_path / "a.xlsx")
    found = sorted(p.relative_to(tmp_path).as_posix() for p, _ in inbox_files(tmp_path))
    assert found == ["a.xlsx", "十月/b.xlsx"]
    assert is_hidden_path(tmp_path / ".processing" / "w" / "c.xlsx", tmp_path)
    assert is_hidden_path(tmp_path / "~$a.xlsx", tmp_path)
    assert is_hidden_path(Path("/elsewhere/a.xlsx"), tmp_path)
    assert not is_hidden_path(tmp_path / "十月" / "b.xlsx", tmp_path)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_settler_takes_a_file_only_after_it_held_still(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"12345")
    settler = Settler(2.0, 20.0, is_complete=lambda p: True, clock=clock)
    settler.observe(path, path.stat())
    clock.now += 1.9
    assert settler.ready() == []
    clock.now += 0.2
    assert settler.ready() == [path]
    # it grows: the clock starts again
    with path.open("ab") as fh:
        fh.write(b"678")
    assert settler.ready() == []
    clock.now += 2.1
    assert settler.ready() == [path]


def test_settler_waits_the_grace_time_for_an_incomplete_file(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    asked: list[Path] = []

    def incomplete(p: Path) -> bool:
        asked.append(p)
        return False

    # the wall clock says the file was just written, so only our own clock counts
    settler = Settler(1.0, 10.0, is_complete=incomplete, clock=clock,
                      wall=lambda: path.stat().st_mtime)
    settler.observe(path, path.stat())
    clock.now += 5
    assert settler.ready() == []
    assert settler.next_due() == pytest.approx(1010.0)
    clock.now += 5
    assert settler.ready() == [path]
    assert asked == [path]  # asked once for this size and mtime


def test_settler_takes_an_old_incomplete_file_after_the_settle_time(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 3600))
    settler = Settler(1.0, 10.0, is_complete=lambda p: False, clock=clock)
    settler.observe(path, path.stat())
    clock.now += 1.0
    assert settler.ready() == [path]


def test_settler_forgets_files_that_went_away(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"1")
    settler = Settler(1.0, is_complete=lambda p: True, clock=clock)
    settler.observe(path, path.stat())
    path.unlink()
    clock.now += 2
    assert settler.ready() == []
    assert path not in settler


# --- the archive step -----------------------------------------------------------------------

def test_place_file_never_overwrites(tmp_path: Path) -> None:
    src, dest = tmp_path / "a.xlsx", tmp_path / "archive" / "a.xlsx"
    dest.parent.mkdir()
    src.write_bytes(b"new")
    dest.write_bytes(b"old")
    assert place_file(src, dest, move=True) is False
    assert dest.read_bytes() == b"old"
    assert src.read_bytes() == b"new"


def test_place_file_finishes_a_move_cut_short(tmp_path: Path) -> None:
    src, dest = tmp_path / "a.xlsx", tmp_path / "archive" / "a.xlsx"
    dest.parent.mkdir()
    src.write_bytes(b"data")
    os.link(src, dest)  # killed between the link and the unlink
    assert place_file(src, dest, move=True) is True
    assert not src.exists()
    assert dest.read_bytes() == b"data"
    # and once more (killed after the unlink, before the bookkeeping)
    assert place_file(src, dest, move=True) is True
    with pytest.raises(ArchiveError):
        place_file(tmp_path / "gone.xlsx", tmp_path / "archive" / "gone.xlsx", move=True)


def test_place_file_copies_when_asked(tmp_path: Path) -> None:
    src, dest = tmp_path / "a.xlsx", tmp_path / "archive" / "a.xlsx"
    dest.parent.mkdir()
    src.write_bytes(b"data")
    assert place_file(src, dest, move=False) is True
    assert src.read_bytes() == dest.read_bytes() == b"data"
    assert not os.path.samefile(src, dest)
    assert [p.name for p in dest.parent.iterdir()] == ["a.xlsx"]  # no temporary left


def test_finish_archive_records_first_and_completes_after_a_crash(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "ws")
    src = write_register(tmp_path / "登记.xlsx", ["C1"])
    sha = sha256_of(src)
    steps: list[str] = []

    class Killed(Exception):
        pass

    def die_after_recording(step: str) -> None:
        steps.append(step)
        if step == "recorded":
            raise Killed

    with Ledger.open(ws.database_url) as ledger:
        file_id = ledger.store_rejected(FileInfo.from_path(src, sha), [], None)
        with pytest.raises(Killed):
            finish_archive(ws, ledger, file_id, src, "rejected", move=True,
                           checkpoint=die_after_recording)
        recorded = Path(ledger.file(file_id)["destination"])  # type: ignore[index]
        assert src.exists() and not recorded.exists()
        # a name taken meanwhile by another file is not overwritten: a new one is chosen
        recorded.write_bytes(b"someone else's")
        dest = finish_archive(ws, ledger, file_id, src, "rejected", move=True)
        assert dest != recorded and dest.name == "登记 (2).xlsx"
        assert recorded.read_bytes() == b"someone else's"
        assert sha256_of(dest) == sha and not src.exists()
        assert ledger.file(file_id)["destination"] == str(dest)  # type: ignore[index]
        # done already: a third call changes nothing
        assert finish_archive(ws, ledger, file_id, src, "rejected", move=True) == dest
    assert steps == ["recorded"]


# --- claims -------------------------------------------------------------------------------

def test_a_file_is_claimed_by_one_area_only(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    a, b = ProcessingArea(inbox, "host-1-aaaaaa"), ProcessingArea(inbox, "host-2-bbbbbb")
    a.open()
    b.open()
    try:
        path = inbox / "登记.xlsx"
        path.write_bytes(b"x")
        item = a.claim(path)
        assert item is not None and item.read_bytes() == b"x" and item.name == "登记.xlsx"
        assert b.claim(path) is None
        assert a.items() == [item] and b.items() == []
        assert b.adopt() == []  # a is alive: its lock is held
    finally:
        b.close()
    # a dies without cleaning up (its lock goes with it): a new area adopts its file
    a._locks[a.owner].release(remove=False)
    del a._locks[a.owner]
    c = ProcessingArea(inbox, "host-3-cccccc")
    c.open()
    try:
        assert c.adopt() == ["host-1-aaaaaa"]
        assert c.items() == [item]
        assert c.owner_of(item) == "host-1-aaaaaa"
        item.unlink()
        c.done(item)
        c.release_finished()
        assert c.held == frozenset({"host-3-cccccc"})
        assert sorted(p.name for p in (inbox / ".processing").iterdir()) == [
            "host-3-cccccc", "host-3-cccccc.lock"]
    finally:
        c.close()
    assert list((inbox / ".processing").iterdir()) == []


def test_render_queue_keeps_its_periods_for_the_next_watcher(tmp_path: Path) -> None:
    clock = Clock()
    calls: list[set[str]] = []

    def render(periods: set[str]) -> list[Path]:
        calls.append(periods)
        return []

    first = RenderQueue(tmp_path, "dead-1-aaaaaa", render, debounce=3, clock=clock)
    first.add({"2026-10"})
    first.add({"2026-09"})
    assert first.due_at() == pytest.approx(1003)
    note = tmp_path / "dead-1-aaaaaa.pending.json"
    assert json.loads(note.read_text("utf-8")) == {"periods": ["2026-09", "2026-10"]}
    second = RenderQueue(tmp_path, "live-2-bbbbbb", render, debounce=3, clock=clock)
    assert second.noted_owners() == {"dead-1-aaaaaa"}
    second.adopt("dead-1-aaaaaa")
    assert not note.exists()
    assert second.take() == {"2026-09", "2026-10"}
    assert second.due_at() is not None and second.due_at() <= clock.now  # type: ignore[operator]
    second.done({"2026-09", "2026-10"})
    assert list(tmp_path.iterdir()) == []


def test_a_lock_file_left_half_made_by_a_killed_start_is_removed(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / ".processing").mkdir(parents=True)
    stale = inbox / ".processing" / "host-9-aaaaaa.lock.new-123abc"
    stale.write_bytes(b"")
    area = ProcessingArea(inbox, "host-1-bbbbbb")
    area.open()
    try:
        assert area.adopt() == []
        assert not stale.exists()
    finally:
        area.close()


DIES_LEAVING_A_CHILD = """
import os, signal, sys, time
from pathlib import Path
from officekit.watch.claims import ProcessingArea
inbox, pid_file = Path(sys.argv[1]), Path(sys.argv[2])
area = ProcessingArea(inbox, "host-1-aaaaaa")
area.open()
(inbox / "登记.xlsx").write_bytes(b"x")
assert area.claim(inbox / "登记.xlsx") is not None
child = os.fork()  # as the reader pool forks while the watcher is single-threaded
if child == 0:
    time.sleep(60)
    os._exit(0)
pid_file.write_text(str(child))
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_a_forked_child_does_not_keep_a_killed_watchers_folder_alive(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pid_file = tmp_path / "child.pid"
    done = subprocess.run([sys.executable, "-c", DIES_LEAVING_A_CHILD, str(inbox), str(pid_file)],
                          timeout=60)
    assert done.returncode == -signal.SIGKILL
    child = int(pid_file.read_text())
    area = ProcessingArea(inbox, "host-2-bbbbbb")
    area.open()
    try:
        os.kill(child, 0)  # the forked child still runs: the lock must not live on in it
        assert area.adopt() == ["host-1-aaaaaa"]
        assert [p.name for p in area.items()] == ["登记.xlsx"]
    finally:
        area.close()
        os.kill(child, signal.SIGKILL)


def test_a_slot_removed_while_the_area_is_listed_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker finishing a claimed file removes its slot while the watcher lists the area
    (queue mode): the listing goes on without it instead of stopping the watcher."""
    import shutil

    from officekit.watch import claims

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    area = ProcessingArea(inbox, "host-1-dddddd")
    area.open()
    try:
        kept, gone = (inbox / "a.xlsx", inbox / "b.xlsx")
        kept.write_bytes(b"a")
        gone.write_bytes(b"b")
        first, second = area.claim(kept), area.claim(gone)
        assert first is not None and second is not None
        real = os.scandir

        def scandir(path: Any) -> Any:
            if str(path) == str(second.parent):
                shutil.rmtree(second.parent)  # the worker got there first
            return real(path)

        monkeypatch.setattr(claims.os, "scandir", scandir)
        assert area.items() == [first]
    finally:
        monkeypatch.undo()
        area.close()
