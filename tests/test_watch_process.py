"""The watcher as real processes: ``python tests/watch_main.py`` — once, stopped, killed, two."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from officekit.samples.flawed import expected_codes
from officekit.samples.generate import FLAWED_DIR, write_samples
from officekit.watch.audit import audit_workspace
from officekit.watch.settle import inbox_files
from watch_support import (
    ROOT,
    archived_count,
    check_batch,
    crash_batch,
    drop,
    make_ws,
    rows,
    wait_for,
    watch_process,
    write_register,
)

STEPS = ("renamed", "claimed", "stored", "recorded", "placed")
BOTH_LEDGERS = pytest.mark.usefixtures("ledger_url")  # SQLite, then the PostgreSQL server


@pytest.fixture
def url(request: pytest.FixtureRequest) -> str:
    """The ledger a test marked ``@BOTH_LEDGERS`` runs on ("" : the workspace's SQLite file)."""
    wanted = "ledger_url" in request.fixturenames
    return str(request.getfixturevalue("ledger_url")) if wanted else ""


def test_once_on_the_samples_leaves_the_inbox_empty(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.2)
    written = write_samples(ws.inbox)
    log = tmp_path / "out.log"
    proc = watch_process(ws, "--once", env={"OFFICEKIT_WATCH_RENDER": "stand-in"}, log=log)
    assert proc.wait(timeout=90) == 0, log.read_text("utf-8")
    assert list(inbox_files(ws.inbox)) == []
    assert [p.name for p in ws.inbox.iterdir()] == [".processing"]  # the dropped folder too
    states = {r["name"]: r["state"] for r in rows(ws)}
    assert len(states) == len(written)
    good = [p.name for p in written if p.parent == ws.inbox]
    assert all(states[name] == "accepted" for name in good), states
    assert all(states[name] == "rejected" for name in expected_codes())
    audit = audit_workspace(ws)
    assert audit.ok, audit.problems
    # the documents of the month were rendered after the files (stand-in renderer)
    assert (ws.outbox / "2026-10" / "watch-render.txt").read_text("utf-8") == "2026-10\n"
    text = log.read_text("utf-8")
    assert "✓ 已接收  2026年10月花名册.xlsx" in text and "已停止" in text
    assert f"{FLAWED_DIR}" not in [p.name for p in ws.inbox.iterdir()]


def test_sigterm_finishes_the_file_at_hand_and_gives_back_the_rest(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.2, rescan=0.5)
    src = tmp_path / "src"
    names = [f"登记{i:02d}.xlsx" for i in range(30)]
    data = {n: write_register(src / n, [f"TT{i:02d}"]).read_bytes() for i, n in enumerate(names)}
    log = tmp_path / "out.log"
    proc = watch_process(ws, log=log)
    for n in names:
        drop(data[n], ws.inbox / n)
    wait_for(lambda: archived_count(ws) >= 3, timeout=30)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    text = log.read_text("utf-8")
    assert "收到停止信号，处理完当前文件后退出" in text and "已停止" in text
    audit = audit_workspace(ws)  # nothing half-done: no claim, nothing in processing
    assert audit.ok, audit.problems
    done = {r["name"] for r in audit.rows if r["state"] in ("accepted", "rejected", "duplicate")}
    assert {r["state"] for r in audit.rows} <= {"accepted", "rejected", "duplicate", "settled"}
    assert sorted(done | {p.name for p in audit.waiting}) == names
    assert not done & {p.name for p in audit.waiting}
    # the next run takes the rest
    assert watch_process(ws, "--once").wait(timeout=60) == 0
    assert sorted(r["name"] for r in rows(ws)) == names
    assert audit_workspace(ws).ok


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_is_finished_by_the_next_start(tmp_path: Path, step: str) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.2, rescan=0.5)
    for name, data in crash_batch(tmp_path / "src").items():
        drop(data, ws.inbox / name)
    log = tmp_path / "out.log"
    killed = watch_process(ws, env={"OFFICEKIT_WATCH_KILL_AT": f"{step}:2"}, log=log)
    assert killed.wait(timeout=30) == -signal.SIGKILL
    assert archived_count(ws) < 8  # it really died inside the batch
    once = watch_process(ws, "--once", log=log)
    problems = check_batch(ws, once.wait(timeout=60))
    assert problems == [], log.read_text("utf-8")
    assert "接手中断的处理" in log.read_text("utf-8")


@BOTH_LEDGERS
def test_a_watcher_that_dies_on_adopted_work_is_taken_over_too(tmp_path: Path, url: str) -> None:
    """A takes the batch and dies; B adopts A's folder, claims a file there and dies; C
    finishes everything, the file B had claimed included."""
    ws = make_ws(tmp_path / "ws", settle=0.2, rescan=0.5, database_url=url)
    for name, data in crash_batch(tmp_path / "src").items():
        drop(data, ws.inbox / name)
    log = tmp_path / "out.log"
    first = watch_process(ws, env={"OFFICEKIT_WATCH_KILL_AT": "renamed:8"}, log=log)
    assert first.wait(timeout=30) == -signal.SIGKILL
    second = watch_process(ws, env={"OFFICEKIT_WATCH_KILL_AT": "claimed:1"}, log=log)
    assert second.wait(timeout=30) == -signal.SIGKILL
    claimed = [r for r in rows(ws) if r["state"] == "claimed"]
    assert len(claimed) == 1 and claimed[0]["path"].split("/")[-3] != claimed[0]["owner"]
    once = watch_process(ws, "--once", log=log)
    problems = check_batch(ws, once.wait(timeout=60))
    assert problems == [], log.read_text("utf-8")


@pytest.mark.slow
@BOTH_LEDGERS
def test_two_watchers_on_one_inbox_never_take_a_file_twice(tmp_path: Path, url: str) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.2, rescan=0.5, database_url=url)
    src = tmp_path / "src"
    data = {f"登记{i:02d}.xlsx": write_register(src / f"{i}.xlsx", [f"TW{i:02d}A", f"TW{i:02d}B"])
            .read_bytes() for i in range(40)}
    copies = {f"副本{i:02d}.xlsx": data[f"登记{i:02d}.xlsx"] for i in range(0, 40, 8)}
    log = tmp_path / "out.log"
    procs = [watch_process(ws, log=log) for _ in range(2)]
    wait_for(lambda: len(list((ws.inbox / ".processing").glob("*.lock"))) == 2, timeout=20)
    everything = list({**data, **copies}.items())
    for wave in range(5):  # in waves, so both watchers find work
        for name, content in everything[wave::5]:
            drop(content, ws.inbox / name)
        time.sleep(0.15)
    wait_for(lambda: archived_count(ws) == len(everything), timeout=60)
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    assert [p.wait(timeout=20) for p in procs] == [0, 0]
    audit = audit_workspace(ws)
    assert audit.ok, audit.problems
    states: dict[str, int] = {}
    for row in audit.rows:
        states[row["state"]] = states.get(row["state"], 0) + 1
    assert states == {"accepted": 40, "duplicate": len(copies)}
    assert len(audit.archived) == len(everything)
    # every content was stored once, whichever watcher got it
    accepted = [r["sha256"] for r in audit.rows if r["state"] == "accepted"]
    assert len(set(accepted)) == 40
    owners = {r["owner"] for r in audit.rows if r["state"] == "accepted"}
    assert len(owners) == 2, "one watcher did all the work: the test proved little"


@pytest.mark.slow
def test_sigkill_at_random_points_twenty_trials() -> None:
    """The checked-in script: 20 trials of SIGKILL at random points, then a restart."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "kill_trials.py"),
                             "--trials", "20", "--seed", "4242"],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "20/20 trials consistent" in result.stdout
