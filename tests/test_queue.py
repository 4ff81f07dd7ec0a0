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
from watch_support import ROOT, make_ws, month_ago, period_of, wait_for, write_register

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
