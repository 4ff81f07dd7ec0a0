"""Nothing one file can do stops officekit (SPEC §9): the hostile corpus of
tests/data/make_hostile.py through ``validate`` and through a running watcher, and a poison
file that kills the reading process every time.

The limits are scaled down through ``[limits]`` so the bombs stay small and the tests fast:
bombs inflate to :data:`SCALE` MB, the package budget is :data:`INFLATED_MB`, and ``max_cells``
falls between the two row-count registers (12 columns: 2,400 rows fit, 3,000 do not — and
would not have fit with the old A–Z column count either).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from officekit.cli import cli
from officekit.ledger.store import Ledger
from officekit.read import guard
from officekit.read.guard import ChildLimits, ReaderDied, ReaderPool
from officekit.watch import Timings
from officekit.watch.audit import audit_workspace
from officekit.watch.settle import inbox_files
from officekit.workspace import Workspace
from watch_support import ROOT, drop, make_ws, rows, running, wait_for, watch_process

sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_hostile import make_special, register_bytes, write_corpus, zipbomb_sst

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="rlimits, FIFOs: POSIX")

SCALE = 20  # MB each bomb inflates to (over read/detect.RATIO_FLOOR, so its ratio counts)
INFLATED_MB = 16
MEMORY_MB = 512
LIMITS = (f"\n[limits]\nmemory_mb = {MEMORY_MB}\ninflated_mb = {INFLATED_MB}\n"
          "max_cells = 30000\nwall_seconds = 60\nattempts = 2\n")
ROWS = (2400, 3000)

EXPECTED: dict[str, tuple[str, str | None]] = {
    "zipbomb_sst.xlsx": ("rejected", "over-limit"),
    "zipbomb_cell.xlsx": ("rejected", "over-limit"),
    "zipbomb_padding.xlsx": ("rejected", "over-limit"),
    "zipbomb_parts.xlsx": ("rejected", "over-limit"),
    "entities.xlsx": ("rejected", "corrupt-file"),
    "encrypted.ods": ("rejected", "encrypted-file"),
    "dup_sheets.xlsx": ("accepted", None),
    "formulas_only.xlsx": ("rejected", "formula-no-rows"),
    "..投诉登记表.xlsx": ("accepted", None),
    "rows_2400.xlsx": ("accepted", None),
    "rows_3000.xlsx": ("rejected", "too-large"),
}


def limited_ws(root: Path, limits: str = LIMITS, **timings: Any) -> Workspace:
    make_ws(root, **timings)
    with (root / "officekit.toml").open("a", encoding="utf-8") as fh:
        fh.write(limits)
    return Workspace.open(root)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    files = write_corpus(tmp_path_factory.mktemp("hostile"), scale=SCALE, rows=ROWS)
    assert set(files) == set(EXPECTED)
    return files


def _errors(entry: dict[str, Any]) -> list[str]:
    return [i["code"] for i in entry["issues"] if i["severity"] == "error"]


# --- validate ---------------------------------------------------------------------------------

# The command's peak and its readers': a reader the command lets end without waiting for it
# is reparented here (a child subreaper, Linux) and reaped, so that its peak counts too.
_PEAK = """
import ctypes, os, resource, subprocess, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
except (OSError, AttributeError):
    pass
proc = subprocess.run(sys.argv[1:], capture_output=True)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.stdout.buffer.write(proc.stdout)
sys.stderr.write(f"@@{proc.returncode} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
"""


def test_the_hostile_corpus_through_validate(corpus: dict[str, Path], tmp_path: Path) -> None:
    """Every file gets exactly one answer with the expected code; nothing hangs or aborts,
    and no process (the command or its reader) grows past the memory limit."""
    ws = limited_ws(tmp_path / "ws")
    cmd = [sys.executable, "-c", _PEAK, sys.executable, "-m", "officekit", "validate", "-w",
           str(ws.root), "--format", "json", *map(str, corpus.values())]
    proc = subprocess.run(cmd, capture_output=True, timeout=300, cwd=ROOT)
    code, peak_kb = proc.stderr.decode().rsplit("@@", 1)[1].split()
    assert code == "1"
    report = json.loads(proc.stdout)
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert list(by_name) == list(corpus)
    for name, (status, error) in EXPECTED.items():
        entry = by_name[name]
        assert entry["status"] == status, (name, entry["issues"][:3])
        if error is not None:
            assert _errors(entry)[0] == error, (name, entry["issues"][:3])
            assert all(i["message"] for i in entry["issues"])
    assert int(peak_kb) < MEMORY_MB * 1024
    # what each one says
    bomb = by_name["zipbomb_parts.xlsx"]["issues"][0]["message"]
    assert "解压后超过 16 MB" in bomb and "inflated_mb" in bomb
    assert "压缩比超过" in by_name["zipbomb_sst.xlsx"]["issues"][0]["message"]
    big = by_name["rows_3000.xlsx"]["issues"][0]["message"]
    assert "3002 行 × 12 列" in big and "拆成" in big
    assert [s["rows"] for s in by_name["dup_sheets.xlsx"]["sheets"]] == [3, 3]
    assert [s["name"] for s in by_name["dup_sheets.xlsx"]["sheets"]] == ["投诉登记",
                                                                         "投诉登记 (2)"]


def test_a_fifo_or_a_folder_named_like_a_workbook_is_named_not_opened(tmp_path: Path) -> None:
    special = make_special(tmp_path / "in")
    folder = tmp_path / "in" / "文件夹.xlsx"
    folder.mkdir()
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(special["fifo"]), str(folder)])
    assert result.exit_code == 2
    assert "管道.xlsx：不是普通文件" in result.output
    assert "文件夹.xlsx：是文件夹，其中没有工作簿文件" in result.output
    good = tmp_path / "好.xlsx"
    good.write_bytes(register_bytes(2))
    result = runner.invoke(cli, ["validate", "--lang", "en", "--format", "json",
                                 str(special["fifo"]), str(good)])
    assert result.exit_code == 0, result.output
    assert "管道.xlsx: not a regular file" in result.stderr  # the note in the language asked
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["好.xlsx"]


# --- the reader pool --------------------------------------------------------------------------

def _abort() -> None:
    os.abort()


def _spin() -> None:
    while True:
        pass


def _allocate(mb: int) -> int:
    return len(bytearray(mb << 20))


def test_the_reader_pool_survives_its_children() -> None:
    pool = ReaderPool()
    try:
        with pytest.raises(ReaderDied, match="SIGABRT"):
            pool.run(_abort, limits=ChildLimits())
        over = ChildLimits(memory_mb=256)
        with pytest.raises(Exception) as exc:
            pool.run(_allocate, 1024, limits=over)
        assert getattr(exc.value, "limit", None) == "memory"
        with pytest.raises(Exception) as exc:
            pool.run(_spin, limits=ChildLimits(cpu_seconds=1, wall_seconds=30))
        assert getattr(exc.value, "limit", None) == "cpu"
        with pytest.raises(Exception) as exc:
            pool.run(_spin, limits=ChildLimits(cpu_seconds=None, wall_seconds=0.5))
        assert getattr(exc.value, "limit", None) == "time"
        assert pool.run(_allocate, 8, limits=over) == 8 << 20  # and it still serves
    finally:
        pool.close()


def _pid() -> int:
    return os.getpid()


def test_a_pool_closed_without_waiting_lets_its_child_end_by_itself() -> None:
    """close(wait=False), for a process about to exit: the idle child is told to end and
    nobody waits for it — not the pool, not multiprocessing's exit handler (which joins the
    children it knows) — yet it ends on its own, cleanly; the pool can start a fresh one."""
    pool = ReaderPool()
    try:
        pid = pool.run(_pid, limits=ChildLimits())
        pool.close(wait=False)
        assert pid not in [p.pid for p in multiprocessing.active_children()]
        _, status = os.waitpid(pid, 0)  # reaped here, by hand: it ended by itself
        assert os.waitstatus_to_exitcode(status) == 0
        assert pool.run(_pid, limits=ChildLimits()) not in (pid, os.getpid())
    finally:
        pool.close()


def _stdout_target() -> str:
    return os.readlink("/proc/self/fd/1")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd")
def test_a_reader_holds_no_end_of_its_callers_output() -> None:
    """The reading child points its standard output at the null device: a reader of the
    caller's output (``officekit validate … | jq``) sees it end when the caller ends, not
    when a child let end by itself has finished giving its memory back."""
    pool = ReaderPool()
    try:
        assert pool.run(_stdout_target, limits=ChildLimits()) == os.devnull
    finally:
        pool.close()


# --- the watcher ------------------------------------------------------------------------------

def test_a_reader_whose_caller_is_gone_exits_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    """A killed worker's reading child must not print a BrokenPipe traceback into its log."""
    ctx = multiprocessing.get_context("spawn")
    caller, child = ctx.Pipe()
    proc = ctx.Process(target=guard._child_main, args=(child,), daemon=True)
    proc.start()
    child.close()
    caller.send((time.sleep, (0.3,), ChildLimits(None, None, None)))
    caller.close()  # the caller is gone before the answer is sent
    proc.join(60)
    assert proc.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


def test_a_running_watcher_takes_the_corpus_and_stays_alive(corpus: dict[str, Path],
                                                           tmp_path: Path) -> None:
    """Bombs first, then good files: each file ends in one terminal place with its message,
    the FIFO and the symlink are left where they are (with a note), and the watcher, a real
    process, keeps going and stops on SIGTERM."""
    ws = limited_ws(tmp_path / "ws", settle=0.2, rescan=0.5)
    log = tmp_path / "out.log"
    proc = watch_process(ws, log=log)
    try:
        for name, path in corpus.items():
            drop(path.read_bytes(), ws.inbox / name)
        special = make_special(ws.inbox)
        goods = {f"好{i}.xlsx": register_bytes(2, title=f"2026年10月投诉登记表{i}")
                 for i in range(3)}
        for name, data in goods.items():
            drop(data.replace(b"TS0", f"G{name[1]}".encode()), ws.inbox / name)

        def settled() -> bool:
            states = [r["state"] for r in rows(ws)]
            return len(states) == len(corpus) + len(goods) and all(
                s in ("accepted", "rejected", "duplicate", "failed") for s in states)

        wait_for(settled, timeout=120)
        assert proc.poll() is None  # alive throughout
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    by_name = {r["name"]: r for r in rows(ws)}
    for name, (status, _) in EXPECTED.items():
        assert by_name[name]["state"] == status, (name, by_name[name]["message"])
    for name in goods:
        assert by_name[name]["state"] == "accepted"
    left = {p.name for p, _ in inbox_files(ws.inbox)}
    assert left == set()  # the FIFO and the link are not files the watcher takes
    assert special["fifo"].exists() and special["symlink"].is_symlink()
    text = log.read_text("utf-8")
    assert "管道.xlsx 不是普通文件" in text and "链接.xlsx 不是普通文件" in text
    assert "over-limit" not in text or "超出了限制" in text
    audit = audit_workspace(ws)
    assert audit.ok, audit.problems


POISON_LIMITS = ("\n[limits]\nmemory_mb = 256\ninflated_mb = 100000\nmax_ratio = 100000\n"
                 "attempts = 2\n")


@pytest.fixture(scope="module")
def poison(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A shared-strings bomb that, with the inflation checks raised out of the way, makes the
    Rust reader abort the process (a failed allocation under the memory limit) every time."""
    return zipbomb_sst(100)


def test_a_poison_file_is_set_aside_after_its_attempts(poison: bytes, tmp_path: Path) -> None:
    ws = limited_ws(tmp_path / "ws", POISON_LIMITS, settle=0.2, rescan=0.2)
    with running(ws, timings=Timings(settle=0.2, rescan=0.2, debounce=0.2)) as rw:
        drop(poison, ws.inbox / "毒.xlsx")
        wait_for(lambda: rw.done() == 1, timeout=60)
        drop(register_bytes(2), ws.inbox / "好.xlsx")
        wait_for(lambda: rw.done() == 2, timeout=60)
        outcomes = {o.name: o for o in rw.watcher.summary.outcomes}
    assert outcomes["毒.xlsx"].status == "failed"
    assert outcomes["好.xlsx"].status == "accepted"
    by_name = {r["name"]: r for r in rows(ws)}
    bad = by_name["毒.xlsx"]
    assert bad["state"] == "failed" and bad["attempts"] == 2
    assert "reader-died" in bad["message"] and "SIGABRT" in bad["message"]
    assert Path(bad["destination"]).parent.parent.name == "failed"
    assert Path(bad["destination"]).is_file()
    runner = CliRunner()
    status = runner.invoke(cli, ["status", "-w", str(ws.root), "--lang", "en"])
    # the text table wraps long details to the terminal's width: the words are read from JSON
    assert "毒.xlsx" in status.output and "reader-died" in status.output
    as_json = runner.invoke(cli, ["status", "-w", str(ws.root), "--format", "json", "--lang", "en"])
    limited = {f["name"]: f for f in json.loads(as_json.output)["limited"]}
    assert "the reading process died" in limited["毒.xlsx"]["message"]


def test_a_watcher_killed_while_reading_a_file_counts_it(poison: bytes, tmp_path: Path) -> None:
    """Killed (SIGKILL) each time it takes the file up to read it: the claim recorded before
    reading counts each death, and after the attempts the file is set aside unread."""
    ws = limited_ws(tmp_path / "ws", POISON_LIMITS, settle=0.2, rescan=0.2)
    drop(poison, ws.inbox / "毒.xlsx")
    for _ in range(2):
        proc = watch_process(ws, env={"OFFICEKIT_WATCH_KILL_AT": "claimed:1"})
        assert proc.wait(timeout=60) == -signal.SIGKILL
    drop(register_bytes(2), ws.inbox / "好.xlsx")
    log = tmp_path / "once.log"
    proc = watch_process(ws, "--once", log=log)
    assert proc.wait(timeout=120) == 0, log.read_text("utf-8")
    by_name = {r["name"]: r for r in rows(ws)}
    assert by_name["好.xlsx"]["state"] == "accepted"
    assert by_name["毒.xlsx"]["state"] == "failed"
    assert "reader-died" in by_name["毒.xlsx"]["message"]
    audit = audit_workspace(ws)
    assert audit.ok, audit.problems
    with Ledger.open(ws.database_url) as ledger:
        assert [r["name"] for r in ledger.files_in_state("failed")] == ["毒.xlsx"]
