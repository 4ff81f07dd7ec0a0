"""Jobs in the ledger's PostgreSQL (procrastinate): hand-off, the tasks, the worker, status.

- :func:`hand_off` claims a file in the ledger and enqueues its ``ingest`` job in the SAME
  transaction (``Ledger.claim(then=…)``): a claimed file always has its job, a job always its
  claim. The file stays in the shared inbox's processing folder until a worker archives it.
- ``ingest`` runs :func:`officekit.intake.process_loaded` (what ``officekit ingest`` and the
  in-process watcher run) and then enqueues ``render`` for each period the file touched.
- ``render`` jobs carry a queueing lock per period: while one waits, no second is queued, so a
  burst of files gives one job. It waits (retrying itself) until no ingest is pending, then
  renders the period into the workspace's outbox — set ``[paths] outbox`` to the shared folder
  on every machine and whichever worker renders writes the one shared outbox.
- ``due`` is periodic at ``[due] daily_at``: one job per day across all workers.
- A worker records its machine (``officekit_queue_workers``) for ``status``; every worker
  retries the jobs of workers whose heartbeat stopped (killed machines).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from officekit.errors import UsageError
from officekit.intake import finish_archive, process_loaded
from officekit.ledger.schema import TERMINAL_STATES
from officekit.ledger.store import Ledger
from officekit.validate.pipeline import load_file, periods_touched
from officekit.workspace import Workspace

INGEST, RENDER, DUE = "officekit.ingest", "officekit.render", "officekit.due"
MACHINE = f"{socket.gethostname()}:{os.getpid()}"
QUEUE_OWNER = "queue"  # ledger owner of a file handed to the queue (never reclaimed by a watcher)
_SCHEMA_LOCK = 0x0FF1CF
_WORKERS = "officekit_queue_workers"
_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, :qlock,"
    " CAST(:args AS jsonb), CAST(:at AS timestamptz))::procrastinate_job_to_defer_v1]))")


class NotQuiet(Exception):
    """A render job found ingest jobs pending: it is retried after the debounce time."""


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
        raise UsageError(
            "任务队列需要 PostgreSQL 账本：请在 officekit.toml 的 [database] url 中设置 "
            "postgresql+psycopg://… / The job queue needs a PostgreSQL ledger ([database] url)")


def ensure_schema(ledger: Ledger) -> None:
    """Create procrastinate's tables (and ours) in the ledger's database, once."""
    from procrastinate.schema import SchemaManager

    with ledger.atomic() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            # several statements, no parameters: psycopg sends them as one simple query
            raw: Any = conn.connection.driver_connection
            raw.execute(SchemaManager.get_schema())
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {_WORKERS} (worker_id bigint PRIMARY KEY,"
                          " machine text NOT NULL, seen timestamptz NOT NULL DEFAULT now())"))


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


def enqueue_render(conn: Connection, period: str, debounce: float) -> int | None:
    """Queue the rendering of ``period`` unless one is already waiting (queueing lock)."""
    at = datetime.now(UTC) + timedelta(seconds=debounce)
    return defer(conn, RENDER, {"period": period}, queue="render", lock=f"render:{period}",
                 queueing_lock=f"render:{period}", at=at)


# --- what the jobs do (plain functions: a test or a script can call them too) ---------------

def run_ingest(ws: Workspace, relative: str, sha256: str) -> set[str]:
    """Check, store and archive one handed-off file; queue its periods' renders. Safe to run
    again after a kill at any point (a stored file only has its archive step finished)."""
    path = ws.inbox / relative
    periods: set[str] = set()
    with Ledger.open(ws.database_url) as ledger:
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
            del loaded
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # the watcher's slot folder, now empty
        with ledger.atomic() as conn:
            for period in sorted(periods):
                enqueue_render(conn, period, ws.settings.debounce_seconds)
    return periods


def pending_ingests(ledger: Ledger) -> int:
    """Ingest jobs waiting or running."""
    with ledger.atomic() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t"
            " AND status IN ('todo', 'doing')"), {"t": INGEST}).scalar_one())


def run_render(ws: Workspace, period: str) -> list[Path]:
    """Render every document that applies to ``period`` — once no ingest is pending."""
    from officekit.kpis.periods import Period
    from officekit.publish import publish_reports
    from officekit.render.reports import ALL_KINDS, ReportRequest, data_as_of, kinds_for

    with Ledger.open(ws.database_url) as ledger:
        if pending_ingests(ledger):
            raise NotQuiet(period)
        parsed = Period.parse(period)
        kinds, _ = kinds_for(ALL_KINDS, parsed)
        as_of = data_as_of(ledger, parsed, date.today())  # as the in-process watcher does
        requests = [ReportRequest(k, parsed, as_of=as_of, pdf=ws.settings.pdf) for k in kinds]
        return [d.path for d in publish_reports(ws, ledger, requests) if d.rendered]


# --- the app and the worker -----------------------------------------------------------------

def make_app(ws: Workspace, *, note: Callable[[str], None] | None = None) -> Any:
    """The procrastinate app of ``ws``: its ledger database and officekit's three tasks."""
    from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy

    _check(ws)
    app = App(connector=PsycopgConnector(conninfo=conninfo(ws.database_url)))
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
        periods = run_ingest(ws, path, sha256)
        say(f"ingest {path} → {sorted(periods)}")

    debounce = max(round(ws.settings.debounce_seconds), 1)

    @app.task(name=RENDER, queue="render", pass_context=True,
              retry=RetryStrategy(max_attempts=100_000, wait=debounce,
                                  retry_exceptions={NotQuiet}))
    def render(context: JobContext, period: str) -> None:
        seen(context)
        docs = run_render(ws, period)
        say(f"render {period}: {len(docs)}")

    at = ws.settings.due.daily_at

    @app.periodic(cron=f"{at.minute} {at.hour} * * *", periodic_id="daily-due")
    @app.task(name=DUE, queue="due", pass_context=True)
    def due(context: JobContext, timestamp: int) -> None:
        from officekit.loop.daily import write_daily_list

        seen(context)
        say(f"due {write_daily_list(ws, datetime.fromtimestamp(timestamp).date())}")

    return app


def run_worker(ws: Workspace, *, concurrency: int = 1, stalled_after: float = 60.0,
               heartbeat: float | None = None, once: bool = False,
               note: Callable[[str], None] | None = None) -> None:
    """Take jobs until stopped (SIGTERM / Ctrl-C finish the jobs at hand); ``once``: until
    the queue is empty. Jobs of workers silent for ``stalled_after`` seconds are retried."""
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
                    queues=["ingest", "render", "due"], concurrency=concurrency, wait=not once,
                    name=MACHINE, update_heartbeat_interval=beat,
                    stalled_worker_timeout=stalled_after)
            finally:
                watchdog.cancel()

    asyncio.run(main())


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
    return {"enabled": True, "waiting": sum(counts.get("todo", {}).values()),
            "running": sum(counts.get("doing", {}).values()),
            "failed": sum(counts.get("failed", {}).values()), "by_state": counts,
            "running_jobs": running, "failed_jobs": failed}
