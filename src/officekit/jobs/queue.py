"""Jobs in the ledger's PostgreSQL (procrastinate): hand-off, the tasks, the worker, status.

- :func:`hand_off` claims a file in the ledger and enqueues its ``ingest`` job in the SAME
  transaction (``Ledger.claim(then=…)``): a claimed file always has its job, a job always its
  claim. The file stays in the shared inbox's processing folder until a worker archives it.
- ``ingest`` runs :func:`officekit.intake.process_loaded` (what ``officekit ingest`` and the
  in-process watcher run), then notes what it changed — the periods it touched, the due list
  when it held complaints, visits or staff — in the queue's to-do table. The ingest that
  finishes last (no other ingest waiting or running; decided under one advisory lock) enqueues
  one ``render`` per noted period and one ``due``: a burst of files, however many workers take
  it, gives each period one render, and the render is deferred for "now" so an idle worker
  is woken by procrastinate's LISTEN/NOTIFY at once (no polling, no retry loop).
- ``render`` jobs carry a queueing lock and a lock per period: while one waits no second is
  queued, and two never run at once. A render writes the period's documents into the
  workspace's outbox — set ``[paths] outbox`` to the shared folder on every machine and
  whichever worker renders writes the one shared outbox.
- ``due`` writes the day's due list (``outbox/督办/<date>_督办清单.xlsx``): after accepted
  files changed it, and as a procrastinate periodic task at ``[due] daily_at`` (one job per
  day across all workers). In queue mode the watcher does not write it: one writer.
- ``send`` is one e-mail (a document or a part of the due list) to one address:
  ``officekit send`` on PostgreSQL plans the messages and enqueues them
  (:func:`enqueue_mails`); any worker sends. Queueing lock and lock are the pair (content,
  address), and the job sends only what the ledger's ``sends`` table does not record as sent,
  so two ``send`` runs, two racing workers or a job taken over from a killed worker send each
  message once. (A worker killed in the instant between the server's acceptance and the
  ledger's record is the one case a message goes twice; it carries the same Message-ID.)
- A worker records its machine (``officekit_queue_workers``) for ``status``; every worker
  retries the jobs of workers whose heartbeat stopped (killed machines). Each job also holds a
  database lock on what it works on (:func:`one_at_a_time`), so a job retried from a worker
  that was only slow waits for the original instead of running beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time as clock
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from officekit.deliver.outgoing import Enqueue, Mail, send_recorded
from officekit.errors import UsageError
from officekit.i18n import Message
from officekit.intake import finish_archive, process_loaded
from officekit.ledger.schema import TERMINAL_STATES
from officekit.ledger.store import Ledger
from officekit.loop.daily import DUE_KINDS
from officekit.validate.pipeline import load_file, periods_touched
from officekit.workspace import Workspace

INGEST, RENDER, DUE, SEND = ("officekit.ingest", "officekit.render", "officekit.due",
                             "officekit.send")
QUEUES = ("ingest", "render", "due", "send")
MACHINE = f"{socket.gethostname()}:{os.getpid()}"
QUEUE_OWNER = "queue"  # ledger owner of a file handed to the queue (never reclaimed by a watcher)
_SCHEMA_LOCK = 0x0FF1CF
_GATE_LOCK = 0x0FF1D0
WORK_LOCK = 0x0FF1D1  # with hashtext('<job kind>:<what>'): see one_at_a_time
_WORKERS = "officekit_queue_workers"
_TODO = "officekit_queue_todo"  # what finished ingests changed: 'render:<period>', 'due'
_FINISHED = "officekit_queue_finished"  # ingest jobs whose work is done (their status may lag)
_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, :qlock,"
    " CAST(:args AS jsonb), CAST(:at AS timestamptz))::procrastinate_job_to_defer_v1]))")


class SendNotDone(Exception):
    """A send job's message failed (recorded in the ledger): the job is retried later.

    ``message`` says to whom and why; ``str()`` (what the worker's log prints) words it in
    ``lang``, the workspace's language."""

    def __init__(self, message: Message, lang: str = "zh") -> None:
        self.message = message
        self.lang = lang
        super().__init__(message.text(lang))

    def text(self, lang: str = "zh") -> str:
        return self.message.text(lang)


def is_distributed(url: str) -> bool:
    """Whether the ledger at ``url`` can hold the job queue (PostgreSQL)."""
    return make_url(url).get_backend_name() == "postgresql"


def conninfo(url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (query options kept)."""
    from psycopg.conninfo import make_conninfo

    u = make_url(url)
    params: dict[str, Any] = {"host": u.host, "port": u.port, "dbname": u.database,
                              "user": u.username, "password": u.password}
    params.update({k: v for k, v in u.query.items() if isinstance(v, str)})
    return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})


def _check(ws: Workspace) -> None:
    if not is_distributed(ws.database_url):
        raise UsageError(key="error.jobs.needs-postgresql")


def ensure_schema(ledger: Ledger) -> None:
    """Create procrastinate's tables (and ours) in the ledger's database, once."""
    try:
        from procrastinate.schema import SchemaManager
    except ImportError as exc:
        raise UsageError(key="error.jobs.not-installed") from exc

    with ledger.atomic() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            # several statements, no parameters: psycopg sends them as one simple query
            raw: Any = conn.connection.driver_connection
            raw.execute(SchemaManager.get_schema())
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {_WORKERS} (worker_id bigint PRIMARY KEY,"
                          " machine text NOT NULL, seen timestamptz NOT NULL DEFAULT now())"))
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {_TODO} (item text PRIMARY KEY)"))
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {_FINISHED} (job_id bigint PRIMARY KEY)"))


def defer(conn: Connection, task: str, args: dict[str, Any], *, queue: str,
          lock: str | None = None, queueing_lock: str | None = None,
          at: datetime | None = None) -> int | None:
    """Enqueue one job inside the caller's transaction; None when ``queueing_lock`` says one
    is already waiting."""
    params = {"queue": queue, "task": task, "lock": lock, "qlock": queueing_lock,
              "args": json.dumps(args, ensure_ascii=False), "at": at}
    if queueing_lock is None:
        return int(conn.execute(_DEFER, params).scalar_one())
    try:
        with conn.begin_nested():
            return int(conn.execute(_DEFER, params).scalar_one())
    except IntegrityError:
        return None


def hand_off(ws: Workspace, ledger: Ledger, item: Path, sha256: str) -> bool:
    """Claim ``item`` (in the inbox's processing folder) and enqueue its ingest job, in one
    transaction; False when the ledger already has the content (finished or in hand)."""
    relative = item.relative_to(ws.inbox).as_posix()

    def enqueue(conn: Connection) -> None:
        defer(conn, INGEST, {"path": relative, "sha256": sha256}, queue="ingest",
              lock=f"file:{sha256}")

    return ledger.claim(sha256, item.name, str(item), f"{QUEUE_OWNER}@{MACHINE}", then=enqueue)


def enqueue_render(conn: Connection, period: str) -> int | None:
    """Queue the rendering of ``period`` unless one is already waiting (queueing lock)."""
    return defer(conn, RENDER, {"period": period}, queue="render", lock=f"render:{period}",
                 queueing_lock=f"render:{period}")


def enqueue_due(conn: Connection) -> int | None:
    """Queue writing today's due list unless one is already waiting."""
    return defer(conn, DUE, {"timestamp": int(clock.time())}, queue="due", lock="due",
                 queueing_lock="due")


def send_lock(mail: Mail) -> str:
    """What one message is, for the locks: its content and its address."""
    return f"send:{mail.key}:{mail.recipient.email.lower()}"


def enqueue_mails(ws: Workspace, ledger: Ledger) -> Enqueue:
    """For ``officekit send`` on PostgreSQL: each pending message becomes a ``send`` job (in
    one transaction), marked ``queued``; a message whose job already waits is not queued
    twice."""
    def enqueue(mails: Sequence[Mail]) -> None:
        ensure_schema(ledger)
        with ledger.atomic() as conn:
            for mail in mails:
                lock = send_lock(mail)
                defer(conn, SEND, {"mail": mail.job_args(ws.outbox)}, queue="send", lock=lock,
                      queueing_lock=lock)
        for mail in mails:
            mail.status = "queued"
    return enqueue


def finish_ingest(ledger: Ledger, job_id: int | None, periods: Collection[str],
                  kinds: Collection[str]) -> list[str]:
    """Note what one ingest changed; when no other ingest waits or runs, enqueue the renders
    (and the due list) of everything noted since the queue was last quiet. The items queued."""
    items = [f"render:{p}" for p in sorted(periods)] + (["due"] if DUE_KINDS & set(kinds)
                                                         else [])
    with ledger.atomic() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _GATE_LOCK})
        if job_id is not None:
            conn.execute(text(f"INSERT INTO {_FINISHED} (job_id) VALUES (:j)"
                              " ON CONFLICT DO NOTHING"), {"j": job_id})
        for item in items:
            conn.execute(text(f"INSERT INTO {_TODO} (item) VALUES (:i) ON CONFLICT DO NOTHING"),
                         {"i": item})
        others = conn.execute(text(
            f"SELECT count(*) FROM procrastinate_jobs j WHERE j.task_name = :t"
            f" AND j.status IN ('todo', 'doing')"
            f" AND NOT EXISTS (SELECT 1 FROM {_FINISHED} f WHERE f.job_id = j.id)"),
            {"t": INGEST}).scalar_one()
        if others:
            return []
        taken = sorted(str(r[0]) for r in conn.execute(
            text(f"DELETE FROM {_TODO} RETURNING item")))
        conn.execute(text(
            f"DELETE FROM {_FINISHED} f WHERE NOT EXISTS (SELECT 1 FROM procrastinate_jobs j"
            " WHERE j.id = f.job_id AND j.status IN ('todo', 'doing'))"))
        for item in taken:
            if item == "due":
                enqueue_due(conn)
            else:
                enqueue_render(conn, item.removeprefix("render:"))
    return taken


# --- what the jobs do (plain functions: a test or a script can call them too) ---------------

@contextlib.contextmanager
def one_at_a_time(ledger: Ledger, what: str) -> Iterator[None]:
    """Hold the database-wide lock on ``what`` (``file:<sha256>``, ``render:<period>``,
    ``send:<key>:<address>``) for the block.

    procrastinate's job lock keeps two jobs on one thing from running at once — until a job is
    retried from a worker that only looked dead (its heartbeat late, not the process gone):
    then the retry and the original would run together. This lock belongs to the worker's
    database connection, so it is released only when the work is done or the process (and
    with it the connection) is really gone; the retry waits here, then finds the work done.
    """
    with ledger.atomic() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k, hashtext(:w))"),
                     {"k": WORK_LOCK, "w": what})
        yield

def run_ingest(ws: Workspace, relative: str, sha256: str) -> tuple[set[str], set[str]]:
    """Check, store and archive one handed-off file: the periods and sheet kinds it brought
    (none unless accepted). Safe to run again after a kill at any point (a stored file only
    has its archive step finished)."""
    path = ws.inbox / relative
    periods: set[str] = set()
    kinds: set[str] = set()
    with Ledger.open(ws.database_url) as ledger, one_at_a_time(ledger, f"file:{sha256}"):
        if path.exists():
            loaded = load_file(path, ws.settings)
            row = ledger.find_file(sha256)
            if row is not None and row["state"] in TERMINAL_STATES and row["path"] == str(path):
                finish_archive(ws, ledger, int(row["id"]), path, str(row["state"]), move=True)
                status = str(row["state"])
            else:
                res = process_loaded(ws, ledger, loaded, today=date.today(),
                                     lang=ws.settings.language, move=True)
                status = res.status
            if status == "accepted":
                periods = periods_touched(loaded.sheets)
                kinds = {s.kind for s in loaded.sheets if s.kind}
            del loaded
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # the watcher's slot folder, now empty
    return periods, kinds


def run_render(ws: Workspace, period: str) -> list[Path]:
    """Render every document that applies to ``period`` into the (shared) outbox."""
    from officekit.kpis.periods import Period
    from officekit.publish import publish_reports
    from officekit.render.reports import ALL_KINDS, ReportRequest, data_as_of, kinds_for

    # one writer of the period's documents in the shared outbox
    with Ledger.open(ws.database_url) as ledger, one_at_a_time(ledger, f"render:{period}"):
        parsed = Period.parse(period)
        kinds, _ = kinds_for(ALL_KINDS, parsed)
        as_of = data_as_of(ledger, parsed, date.today())  # as the in-process watcher does
        requests = [ReportRequest(k, parsed, as_of=as_of, pdf=ws.settings.pdf) for k in kinds]
        return [d.path for d in publish_reports(ws, ledger, requests) if d.rendered]


def run_send(ws: Workspace, args: dict[str, Any]) -> Mail:
    """Send one queued message unless the ledger records it sent; SendNotDone when it failed
    (recorded; the job is retried)."""
    mail = Mail.from_job_args(args, ws.outbox)
    # the ledger's record is committed before the lock goes: whoever waited finds it sent
    with Ledger.open(ws.database_url) as ledger, one_at_a_time(ledger, send_lock(mail)):
        send_recorded(ws, ledger, mail)
    if mail.status not in ("sent", "already-sent"):
        raise SendNotDone(Message("queue.send-not-done", {"to": mail.recipient.label(),
                                                          "error": mail.error}),
                          ws.settings.language)
    return mail


def daily_cron(at: time, now: datetime | None = None) -> str:
    """The cron line (procrastinate reads it in UTC) of the local time ``at`` each day."""
    local = datetime.combine((now or datetime.now()).date(), at).astimezone()
    utc = local.astimezone(UTC)
    return f"{utc.minute} {utc.hour} * * *"


def daily_max_delay(at: time, now: datetime | None = None) -> float:
    """How late a worker may still write today's scheduled list: started after ``daily_at``
    it writes it at once (as the watcher does), never yesterday's."""
    now = now or datetime.now()
    since = (now - datetime.combine(now.date(), at)).total_seconds()
    return max(since + 60.0, 600.0) if since >= 0 else 600.0


# --- the app and the worker -----------------------------------------------------------------

def make_app(ws: Workspace, *, note: Callable[[str], None] | None = None) -> Any:
    """The procrastinate app of ``ws``: its ledger database and officekit's three tasks."""
    from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy

    _check(ws)
    at = ws.settings.due.daily_at
    app = App(connector=PsycopgConnector(conninfo=conninfo(ws.database_url)),
              periodic_defaults={"max_delay": daily_max_delay(at)})
    say = note or (lambda _text: None)

    def seen(context: JobContext) -> None:
        with Ledger.open(ws.database_url) as ledger, ledger.atomic() as conn:
            conn.execute(text(
                f"INSERT INTO {_WORKERS} (worker_id, machine) VALUES (:w, :m) ON CONFLICT"
                " (worker_id) DO UPDATE SET machine = EXCLUDED.machine, seen = now()"),
                {"w": context.job.worker_id, "m": MACHINE})

    @app.task(name=INGEST, queue="ingest", pass_context=True,
              retry=RetryStrategy(max_attempts=3, wait=5))
    def ingest(context: JobContext, path: str, sha256: str) -> None:
        seen(context)
        periods: set[str] = set()
        kinds: set[str] = set()
        try:
            periods, kinds = run_ingest(ws, path, sha256)
        finally:  # even when it failed: the last ingest must still release the renders
            with Ledger.open(ws.database_url) as ledger:
                queued = finish_ingest(ledger, context.job.id, periods, kinds)
        say(f"ingest {path} → {sorted(periods)}" + (f"; queued {queued}" if queued else ""))

    @app.task(name=RENDER, queue="render", pass_context=True,
              retry=RetryStrategy(max_attempts=3, wait=10))
    def render(context: JobContext, period: str) -> None:
        seen(context)
        docs = run_render(ws, period)
        say(f"render {period}: {len(docs)}")

    @app.periodic(cron=daily_cron(at), periodic_id="daily-due")
    @app.task(name=DUE, queue="due", pass_context=True,
              retry=RetryStrategy(max_attempts=3, wait=10))
    def due(context: JobContext, timestamp: int) -> None:
        from officekit.loop.daily import write_daily_list

        seen(context)
        say(f"due {write_daily_list(ws, datetime.fromtimestamp(timestamp).date())}")

    @app.task(name=SEND, queue="send", pass_context=True,
              retry=RetryStrategy(max_attempts=4, wait=30, retry_exceptions={SendNotDone}))
    def send(context: JobContext, mail: dict[str, Any]) -> None:
        seen(context)
        done = run_send(ws, mail)
        say(f"send {done.recipient.email}: {done.status}")

    return app


def run_worker(ws: Workspace, *, concurrency: int = 1, stalled_after: float = 60.0,
               heartbeat: float | None = None, once: bool = False,
               note: Callable[[str], None] | None = None) -> None:
    """Take jobs until stopped (SIGTERM / Ctrl-C finish the jobs at hand); ``once``: until
    the queue is empty. Jobs of workers silent for ``stalled_after`` seconds are retried."""
    _check(ws)
    with Ledger.open(ws.database_url) as ledger:
        ensure_schema(ledger)
    app = make_app(ws, note=note)
    beat = heartbeat or max(stalled_after / 4, 0.5)

    async def retry_stalled() -> None:
        while True:
            await asyncio.sleep(beat)
            for job in await app.job_manager.get_stalled_jobs(
                    seconds_since_heartbeat=stalled_after):
                await app.job_manager.retry_job(job)
                if note:
                    note(f"retry stalled job {job.id} ({job.task_name})")

    async def main() -> None:
        async with app.open_async():
            watchdog = asyncio.create_task(retry_stalled())
            try:
                await app.run_worker_async(
                    queues=list(QUEUES), concurrency=concurrency, wait=not once,
                    name=MACHINE, update_heartbeat_interval=beat,
                    stalled_worker_timeout=stalled_after)
            finally:
                watchdog.cancel()

    asyncio.run(main())


def _brief(args: Any) -> Any:
    """A job's arguments as ``status`` shows them: a send job by its document and address,
    not its whole message."""
    if isinstance(args, dict) and isinstance(args.get("mail"), dict):
        return {"path": args["mail"].get("path"), "email": args["mail"].get("email")}
    return args


def queue_status(ledger: Ledger) -> dict[str, Any]:
    """For ``officekit status``: jobs by state and task, and the running ones' machines."""
    with ledger.atomic() as conn:
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            return {"enabled": False, "waiting": 0, "running": 0, "failed": 0, "by_state": {},
                    "running_jobs": [], "failed_jobs": []}
        counts: dict[str, dict[str, int]] = {}
        for status, task, n in conn.execute(text(
                "SELECT status, task_name, count(*) FROM procrastinate_jobs"
                " GROUP BY status, task_name ORDER BY 1, 2")):
            counts.setdefault(str(status), {})[str(task)] = int(n)
        running = [dict(r) for r in conn.execute(text(
            f"SELECT j.id, j.task_name AS task, j.args, w.machine FROM procrastinate_jobs j"
            f" LEFT JOIN {_WORKERS} w ON w.worker_id = j.worker_id"
            " WHERE j.status = 'doing' ORDER BY j.id")).mappings()]
        failed = [dict(r) for r in conn.execute(text(
            "SELECT id, task_name AS task, args, attempts FROM procrastinate_jobs"
            " WHERE status = 'failed' ORDER BY id DESC LIMIT 20")).mappings()]
    for job in (*running, *failed):
        job["args"] = _brief(job["args"])
    return {"enabled": True, "waiting": sum(counts.get("todo", {}).values()),
            "running": sum(counts.get("doing", {}).values()),
            "failed": sum(counts.get("failed", {}).values()), "by_state": counts,
            "running_jobs": running, "failed_jobs": failed}
