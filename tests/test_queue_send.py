"""``officekit send`` on PostgreSQL (SPEC §12): one send job per (content, address), taken by
real worker processes, delivered to a real SMTP server on 127.0.0.1 — each message once,
whether ``send`` runs twice or the worker sending it is killed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from deliver_data import (
    EXPECTED,
    PERIOD,
    Collector,
    make_workspace,
    smtp_server,
    smtp_toml,
    store_staff,
    write_outbox,
)
from officekit.cli import cli
from officekit.deliver.mail import Delivery, plan_sends
from officekit.jobs.queue import SEND, SendNotDone, ensure_schema, queue_status, run_send
from officekit.ledger.store import Ledger
from officekit.workspace import Workspace
from pg_support import PgDatabase
from test_due_send import AS_OF
from test_due_send import setup as due_setup
from test_mail import arrived, names_of, parse
from watch_support import ROOT, wait_for

pytestmark = pytest.mark.postgres


@dataclass
class StallsFirst(Collector):
    """Holds the first message at RCPT (before any data) until ``release``, then goes on."""

    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if not self.stalled.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def worker(root: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "officekit", "worker", "-w", str(root), "--stalled-after",
             "2"], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def send_jobs(ledger: Ledger) -> list[dict[str, Any]]:
    with ledger.atomic() as conn:
        return [dict(r) for r in conn.execute(text(
            "SELECT id, status, args FROM procrastinate_jobs WHERE task_name = :t ORDER BY id"),
            {"t": SEND}).mappings()]


@pytest.mark.slow
def queue_toml(port: int, pg_database: PgDatabase, first: str = "", extra: str = "") -> str:
    """settings.toml of a workspace that mails through the SMTP server on ``port`` and queues
    its sends on a fresh PostgreSQL database: ``first`` goes before the mail settings,
    ``extra`` after them."""
    return (first + smtp_toml(port) + extra
            + f'\n[database]\nurl = "{pg_database.fresh_url()}"\n\n[queue]\nenabled = true\n')


def first_complaints_mail(ws: Workspace) -> Delivery:
    """The staff list stored, the queue's tables made and the month's documents in the
    outbox; the first complaint-summary delivery planned from them."""
    with Ledger.open(ws.database_url) as ledger:
        store_staff(ledger)
        ensure_schema(ledger)
        write_outbox(ws)
        return plan_sends(ws, ledger, PERIOD, kinds=["complaints"]).deliveries[0]


def test_send_on_postgresql_queues_each_message_once_and_a_killed_senders_job_is_finished(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    handler = StallsFirst()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", queue_toml(port, pg_database))
        with Ledger.open(ws.database_url) as ledger:
            store_staff(ledger)
        write_outbox(ws)
        runner = CliRunner()
        args = ["send", "-w", str(ws.root), "--period", PERIOD, "-q", "--format", "json"]
        first = runner.invoke(cli, args, catch_exceptions=False)
        assert first.exit_code == 0, first.output
        report = json.loads(first.stdout)
        assert report["counts"]["queued"] == 8 and report["counts"]["sent"] == 0
        assert {d["status"] for d in report["deliveries"]} == {"queued"}
        # a second run while the jobs wait queues nothing new (queueing lock per message)
        again = runner.invoke(cli, args, catch_exceptions=False)
        assert json.loads(again.stdout)["counts"]["queued"] == 8
        with Ledger.open(ws.database_url) as ledger:
            waiting = send_jobs(ledger)
        assert len(waiting) == 8
        assert {(j["args"]["mail"]["path"], j["args"]["mail"]["email"])
                for j in waiting} == EXPECTED
        assert handler.received == []  # nothing goes out from `send` itself

        # worker A takes the first message and hangs in it (the server holds it at RCPT);
        # worker B, started then, sends the seven others (their locks differ from A's)
        a = worker(ws.root, tmp_path / "a.log")
        b: subprocess.Popen[bytes] | None = None
        try:
            assert handler.stalled.wait(timeout=60)
            b = worker(ws.root, tmp_path / "b.log")
            wait_for(lambda: len(handler.received) == len(EXPECTED) - 1, timeout=60)

            def one_left() -> list[dict[str, Any]]:
                with Ledger.open(ws.database_url) as ledger:
                    status = queue_status(ledger)
                return status["running_jobs"] if status["waiting"] == 0 and status[
                    "running"] == 1 else []
            [held] = wait_for(one_left, timeout=60)
            assert str(held["machine"]).endswith(f":{a.pid}") and held["task"] == SEND
            # status names the message by its document and address, not its whole text
            assert (held["args"]["path"], held["args"]["email"]) in EXPECTED
            shown = runner.invoke(cli, ["status", "-w", str(ws.root)])
            assert (f"{SEND}  {held['args']['path']} {held['args']['email']}  @ "
                    f"{held['machine']}") in shown.output
            os.kill(a.pid, signal.SIGKILL)  # mid-send: before the server has the data
            assert a.wait(timeout=60) == -signal.SIGKILL
            handler.release.set()

            def drained() -> bool:
                with Ledger.open(ws.database_url) as ledger:
                    return {j["status"] for j in send_jobs(ledger)} == {"succeeded"}
            wait_for(drained, timeout=120, interval=0.3)
        finally:
            handler.release.set()
            for proc in (a, b):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=30)
        # each document reached each of its recipients exactly once
        assert len(handler.received) == len(EXPECTED)
        assert arrived(handler) == names_of(EXPECTED)
        with Ledger.open(ws.database_url) as ledger:
            with ledger.atomic() as conn:
                sent = conn.execute(text(
                    "SELECT doc_sha256, recipient, count(*) FROM sends WHERE status = 'sent'"
                    " GROUP BY 1, 2")).all()
            assert len(sent) == 8 and {n for _, _, n in sent} == {1}
        # the killed worker's job was taken over by the other one
        assert "retry stalled job" in (tmp_path / "b.log").read_text("utf-8")
        # and sending again sends nothing
        third = runner.invoke(cli, args, catch_exceptions=False)
        assert third.exit_code == 0
        counts = json.loads(third.stdout)["counts"]
        assert counts["already-sent"] == 8 and counts["queued"] == 0
        assert len(handler.received) == len(EXPECTED)


def test_send_due_on_postgresql_goes_through_the_queue_once(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", queue_toml(
            port, pg_database, extra='\n[due]\nescalate_to = "S100"\n'))
        due_setup(ws)
        args = ["send", "-w", str(ws.root), "--kind", "due", "--as-of", AS_OF, "-q"]
        first = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert first.exit_code == 0, first.output
        assert "已交给任务队列 5 封" in first.output and handler.received == []
        done = subprocess.run([sys.executable, "-m", "officekit", "worker", "-w", str(ws.root),
                               "--once"], cwd=ROOT, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        assert {r for _, rcpts, _ in handler.received for r in rcpts} == {
            "zhangwei@example.com", "yangyang@example.com", "liuqiang@example.com",
            "chenjing@example.com", "zhaomin@example.com"}
        # the heads' attachments travelled as paths in the shared outbox
        [head] = [parse(raw) for _, rcpts, raw in handler.received
                  if "liuqiang@example.com" in rcpts]
        assert [p.get_filename() for p in head.iter_attachments()] == ["客服一部_督办清单.xlsx"]
        again = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
        assert json.loads(again.stdout)["counts"]["already-sent"] == 5
        assert len(handler.received) == 5


def test_a_send_job_run_twice_at_once_sends_once(tmp_path: Path, pg_database: PgDatabase) -> None:
    """A job retried from a worker that only looked dead runs beside the original: the second
    waits for the first (the message's lock) and finds the message sent."""
    handler = StallsFirst()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", queue_toml(port, pg_database))
        mail = first_complaints_mail(ws)
        args = mail.job_args(ws.outbox)
        outcomes: dict[str, str] = {}

        def run(name: str) -> None:
            outcomes[name] = run_send(ws, args).status
        first = threading.Thread(target=run, args=("first",))
        first.start()
        assert handler.stalled.wait(timeout=30)  # the first is in the middle of sending
        second = threading.Thread(target=run, args=("second",))
        second.start()

        def waiting_for_the_lock() -> bool:
            with Ledger.open(ws.database_url) as ledger, ledger.atomic() as conn:
                return bool(conn.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND NOT granted")).scalar_one())
        wait_for(waiting_for_the_lock, timeout=30)
        handler.release.set()
        first.join(timeout=60)
        second.join(timeout=60)
    assert outcomes == {"first": "sent", "second": "already-sent"}
    assert len(handler.received) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_send_job_says_why_in_the_workspace_language(tmp_path: Path,
                                                                pg_database: PgDatabase,
                                                                lang: str) -> None:
    """The job is retried (SendNotDone); the worker's log line is in the office's language."""
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws",
                            queue_toml(port, pg_database, first=f'language = "{lang}"\n'))
        mail = first_complaints_mail(ws)
        handler.refuse.add(mail.recipient.email)
        with pytest.raises(SendNotDone) as info:
            run_send(ws, mail.job_args(ws.outbox))
    said = str(info.value)
    assert mail.recipient.email in said and "550" in said
    assert said == info.value.text(lang)
    other = info.value.text("zh" if lang == "en" else "en")
    assert said != other
    if lang == "en":
        assert said.startswith("not sent to ") and " / " not in said
        assert not any("\u4e00" <= c <= "\u9fff" for c in said.replace(mail.recipient.name, ""))
    else:
        assert said.startswith("未能发给 ")
