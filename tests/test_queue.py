"""The job queue of several machines (SPEC §12) on a real PostgreSQL: two real worker processes,
200 files, one worker killed mid-job."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from officekit.cli import cli
from officekit.jobs.queue import (
    DUE,
    INGEST,
    RENDER,
    WORK_LOCK,
    daily_max_delay,
    ensure_schema,
    hand_off,
    make_app,
    queue_status,
)
from officekit.ledger.store import Ledger, sha256_of
from officekit.loop.daily import daily_list_path
from pg_support import PgDatabase
from watch_main import KILL_ENV
from watch_support import (
    ROOT,
    drop,
    make_ws,
    month_ago,
    period_of,
    rows,
    running,
    wait_for,
    watch_process,
    write_register,
)

pytestmark = pytest.mark.postgres


def worker(ws_root: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "officekit", "worker", "-w", str(ws_root),
             "--stalled-after", "2"], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def jobs(ledger: Ledger) -> list[dict[str, object]]:
    with ledger.atomic() as conn:
        return [dict(r) for r in conn.execute(text(
            "SELECT id, task_name, status, args FROM procrastinate_jobs ORDER BY id")).mappings()]


@pytest.mark.slow
def test_two_workers_200_files_each_once_one_render_and_killed_workers_jobs_taken_over(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    ws = make_ws(tmp_path / "ws", database_url=pg_database.fresh_url())
    area = ws.inbox / ".processing" / "watcher-1"
    with Ledger.open(ws.database_url) as ledger:
        ensure_schema(ledger)
        for i in range(200):
            path = write_register(area / f"{i:06d}" / f"登记{i:03d}.xlsx",
                                  [f"TQ{i:03d}A", f"TQ{i:03d}B"])
            assert hand_off(ws, ledger, path, sha256_of(path))
        assert not hand_off(ws, ledger, path, sha256_of(path))  # claimed: never twice
        assert queue_status(ledger)["waiting"] == 200
    shown = CliRunner().invoke(cli, ["status", "-w", str(ws.root)])
    assert "任务队列  等待 200，进行中 0，失败 0" in shown.output
    period = period_of(month_ago())
    logs = [tmp_path / f"{name}.log" for name in ("a", "b", "c")]
    a, b = worker(ws.root, logs[0]), worker(ws.root, logs[1])
    workers = [a, b]
    # the test holds the period's render lock, so the render job, once a worker starts it,
    # is held there until the test has killed that worker
    holder = create_engine(ws.database_url, poolclass=NullPool).connect()  # closed = released
    holder.execute(text("SELECT pg_advisory_lock(:k, hashtext(:w))"),
                   {"k": WORK_LOCK, "w": f"render:{period}"})
    try:
        def a_is_working() -> list[object]:
            with Ledger.open(ws.database_url) as ledger:
                running = queue_status(ledger)["running_jobs"]
            return [j["id"] for j in running if str(j["machine"]).endswith(f":{a.pid}")]

        held = wait_for(a_is_working, timeout=60)
        os.kill(a.pid, signal.SIGKILL)  # mid-ingest
        assert a.wait(timeout=60) == -signal.SIGKILL
        workers.append(worker(ws.root, logs[2]))  # the machine comes back

        def rendering() -> subprocess.Popen[bytes] | None:
            with Ledger.open(ws.database_url) as ledger:
                running = queue_status(ledger)["running_jobs"]
            pids = {int(str(j["machine"]).rpartition(":")[2]) for j in running
                    if j["task"] == RENDER and j["machine"]}
            return next((w for w in workers[1:] if w.pid in pids), None)

        renderer = wait_for(rendering, timeout=180, interval=0.2)
        os.kill(renderer.pid, signal.SIGKILL)  # mid-render
        assert renderer.wait(timeout=60) == -signal.SIGKILL
        holder.close()

        def drained() -> bool:
            with Ledger.open(ws.database_url) as ledger:
                status = queue_status(ledger)
            return status["waiting"] == 0 and status["running"] == 0
        wait_for(drained, timeout=180, interval=0.5)
    finally:
        holder.close()
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)

    with Ledger.open(ws.database_url) as ledger:
        states = ledger.counts_by_state()
        complaints = ledger.complaints_all()
        done = jobs(ledger)
        status = queue_status(ledger)
    assert states["accepted"] == 200 and states["claimed"] == 0 and states["duplicate"] == 0
    assert len(complaints) == 400 and len({c["complaint_id"] for c in complaints}) == 400
    archived = [p for p in ws.archive.rglob("*.xlsx")]
    assert len(archived) == 200 and not list(area.rglob("*.xlsx"))
    ingests = [j for j in done if j["task_name"] == INGEST]
    assert len(ingests) == 200 and {j["status"] for j in ingests} == {"succeeded"}
    assert len({j["args"]["sha256"] for j in ingests}) == 200  # type: ignore[index]
    renders = [j for j in done if j["task_name"] == RENDER]
    # one render job for the period: the killed renderer's job, finished by the other worker
    assert [(j["status"], j["args"]) for j in renders] == [("succeeded", {"period": period})]
    assert status["failed"] == 0
    assert {j["id"] for j in done if j["status"] == "succeeded"} >= set(held)
    survivor = next(log for log, w in zip(logs, workers, strict=True) if w.returncode == 0)
    taken_over = survivor.read_text("utf-8")
    assert "retry stalled job" in taken_over and f"render {period}" in taken_over
    assert list((ws.outbox / period).rglob("*_投诉分析报告.docx"))


def test_the_watcher_hands_files_to_the_queue_and_a_worker_does_the_rest(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    ws = make_ws(tmp_path / "ws", database_url=pg_database.fresh_url(), queue=True)
    src = tmp_path / "src"
    data = {f"登记{i:02d}.xlsx": write_register(src / f"{i}.xlsx", [f"TW{i:02d}"]).read_bytes()
            for i in range(12)}
    log = tmp_path / "worker.log"
    # a clock past [due] daily_at: a watcher of its own would write the day's list at once
    late = datetime.combine(date.today(), time(23, 59))
    with running(ws, clock=lambda: late) as rw:
        for name, content in data.items():
            drop(content, ws.inbox / name)
        # a second copy waits for the first (claimed by the queue), then is a duplicate
        drop(data["登记00.xlsx"], ws.inbox / "副本.xlsx")

        def waiting() -> int:
            with Ledger.open(ws.database_url) as ledger:
                return int(queue_status(ledger)["waiting"])
        wait_for(lambda: waiting() == 12, timeout=60)
        assert {r["state"] for r in rows(ws)} == {"claimed"}  # nothing stored by the watcher
        proc = worker(ws.root, log)
        try:
            wait_for(lambda: sum(r["state"] == "accepted" for r in rows(ws)) == 12, timeout=90)
            wait_for(lambda: rw.done() == 1, timeout=60)
            wait_for(lambda: list(ws.outbox.rglob("*_投诉分析报告.docx")), timeout=60)
            wait_for(lambda: daily_list_path(ws, date.today()).exists(), timeout=60)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    with Ledger.open(ws.database_url) as ledger:
        done = jobs(ledger)
        assert len(ledger.complaints_all()) == 12
    assert [o.status for o in rw.watcher.summary.outcomes] == ["duplicate"]
    # each file once, the period rendered once, the due list (changed by complaints) by a job
    assert sorted(j["task_name"] for j in done if j["task_name"] != DUE) == (
        [INGEST] * 12 + [RENDER])
    assert {j["status"] for j in done} == {"succeeded"}
    assert any(j["task_name"] == DUE for j in done)
    watch_log = (ws.logs / "watch.log").read_text("utf-8")
    assert "已交给任务队列" in watch_log
    assert "督办清单已写入" not in watch_log  # one writer of the daily list: the workers
    assert not [p for p in (ws.inbox / ".processing").rglob("*.xlsx")]


def test_a_watcher_killed_after_the_hand_off_leaves_its_job_to_a_worker(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    ws = make_ws(tmp_path / "ws", database_url=pg_database.fresh_url(), queue=True)
    src = tmp_path / "src"
    for i in range(3):
        drop(write_register(src / f"{i}.xlsx", [f"TK{i}A", f"TK{i}B"]).read_bytes(),
             ws.inbox / f"登记{i}.xlsx")
    # SIGKILL right after the first file's claim and job were committed together
    watcher = watch_process(ws, env={KILL_ENV: "handed:1"}, log=tmp_path / "watch.log")
    assert watcher.wait(timeout=60) == -signal.SIGKILL
    with Ledger.open(ws.database_url) as ledger:
        [handed] = [r for r in ledger.recent_files(100) if r["state"] == "claimed"]
        assert str(handed["owner"]).startswith("queue@")
        assert [j["task_name"] for j in jobs(ledger)] == [INGEST]
    assert Path(handed["path"]).exists()  # still in the dead watcher's processing folder
    # another machine: a watcher adopts the dead one's folder (the handed file is not handed
    # again), hands off the rest; a worker does everything and stops when the queue is empty
    again = watch_process(ws, "--once", log=tmp_path / "watch.log")
    assert again.wait(timeout=60) == 0
    done = subprocess.run([sys.executable, "-m", "officekit", "worker", "-w", str(ws.root),
                           "--once"], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    with Ledger.open(ws.database_url) as ledger:
        states = ledger.counts_by_state()
        complaints = sorted(c["complaint_id"] for c in ledger.complaints_all())
        finished = jobs(ledger)
    assert states["accepted"] == 3 and states["claimed"] == 0 and states["duplicate"] == 0
    assert complaints == sorted(f"TK{i}{x}" for i in range(3) for x in "AB")
    assert sorted(j["task_name"] for j in finished if j["task_name"] != DUE) == (
        [INGEST] * 3 + [RENDER])
    assert {j["status"] for j in finished} == {"succeeded"}
    assert len(list(ws.archive.rglob("*.xlsx"))) == 3
    assert not list((ws.inbox / ".processing").rglob("*.xlsx"))


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local clock of a Chinese office (UTC+8), for this process and its children."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


@pytest.mark.usefixtures("shanghai")
def test_the_daily_due_list_is_a_periodic_job_at_local_daily_at(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    ws = make_ws(tmp_path / "ws", database_url=pg_database.fresh_url(), queue=True)
    app = make_app(ws)
    [periodic] = app.periodic_registry.periodic_tasks.values()
    assert periodic.task.name == DUE
    assert periodic.cron == "30 0 * * *"  # 08:30 in Shanghai is 00:30 UTC
    # procrastinate reads cron in UTC: the tick is daily_at on the local clock
    tick = periodic.croniter.get_next(ret_type=float, start_time=datetime.now().timestamp())
    assert datetime.fromtimestamp(tick).time() == ws.settings.due.daily_at
    # the periodic deferrer of two workers defers one job for one tick; the job writes the list
    with Ledger.open(ws.database_url) as ledger:
        ensure_schema(ledger)
    today = datetime.combine(date.today(), ws.settings.due.daily_at)

    async def defer_twice() -> None:
        async with app.open_async():
            for _ in range(2):
                deferrer = PeriodicDeferrer(app.periodic_registry, max_delay=10 ** 9)
                await deferrer.defer_jobs([(periodic, int(today.timestamp()))])
    asyncio.run(defer_twice())
    done = subprocess.run([sys.executable, "-m", "officekit", "worker", "-w", str(ws.root),
                           "--once"], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    with Ledger.open(ws.database_url) as ledger:
        assert [(j["task_name"], j["status"]) for j in jobs(ledger)] == [(DUE, "succeeded")]
    assert daily_list_path(ws, today.date()).exists()


def test_a_worker_started_after_daily_at_writes_todays_list_never_yesterdays() -> None:
    at = time(8, 30)
    assert daily_max_delay(at, datetime(2026, 12, 7, 10, 30)) == 2 * 3600 + 60
    assert daily_max_delay(at, datetime(2026, 12, 7, 8, 0)) == 600  # yesterday's is too old
