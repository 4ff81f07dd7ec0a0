"""The job queue of several machines (SPEC §12) on a real PostgreSQL: two real worker processes,
200 files, one worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from officekit.cli import cli
from officekit.jobs.queue import INGEST, RENDER, ensure_schema, hand_off, queue_status
from officekit.ledger.store import Ledger, sha256_of
from pg_support import PgDatabase
from watch_support import (
    ROOT,
    drop,
    make_ws,
    month_ago,
    period_of,
    rows,
    running,
    wait_for,
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
def test_two_workers_200_files_each_once_one_render_and_a_killed_worker_taken_over(
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
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    a, b = worker(ws.root, log_a), worker(ws.root, log_b)
    try:
        def a_is_working() -> list[object]:
            with Ledger.open(ws.database_url) as ledger:
                running = queue_status(ledger)["running_jobs"]
            return [j["id"] for j in running if str(j["machine"]).endswith(f":{a.pid}")]

        held = wait_for(a_is_working, timeout=60)
        os.kill(a.pid, signal.SIGKILL)
        assert a.wait(timeout=10) == -signal.SIGKILL

        def drained() -> bool:
            with Ledger.open(ws.database_url) as ledger:
                status = queue_status(ledger)
            return status["waiting"] == 0 and status["running"] == 0
        wait_for(drained, timeout=180, interval=0.5)
    finally:
        for proc in (a, b):
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
    assert [(j["status"], j["args"]) for j in renders] == [
        ("succeeded", {"period": period_of(month_ago())})]
    assert status["failed"] == 0
    assert {j["id"] for j in done if j["status"] == "succeeded"} >= set(held)
    assert "retry stalled job" in log_b.read_text("utf-8")
    assert list((ws.outbox / period_of(month_ago())).rglob("*_投诉分析报告.docx"))


def test_the_watcher_hands_files_to_the_queue_and_a_worker_does_the_rest(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    ws = make_ws(tmp_path / "ws", database_url=pg_database.fresh_url(), queue=True)
    src = tmp_path / "src"
    data = {f"登记{i:02d}.xlsx": write_register(src / f"{i}.xlsx", [f"TW{i:02d}"]).read_bytes()
            for i in range(12)}
    log = tmp_path / "worker.log"
    with running(ws) as rw:
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
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    with Ledger.open(ws.database_url) as ledger:
        done = jobs(ledger)
        assert len(ledger.complaints_all()) == 12
    assert [o.status for o in rw.watcher.summary.outcomes] == ["duplicate"]
    assert sorted(j["task_name"] for j in done) == [INGEST] * 12 + [RENDER]
    assert "已交给任务队列" in (ws.logs / "watch.log").read_text("utf-8")
    assert not [p for p in (ws.inbox / ".processing").rglob("*.xlsx")]
