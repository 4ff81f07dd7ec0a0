"""Opening the ledger's database: the URL of a workspace's ledger, and the SQLAlchemy engine —
SQLite in WAL mode with a busy timeout so a watcher and a CLI command can share one file, write
transactions starting with ``BEGIN IMMEDIATE`` so two writers queue up instead of failing on a
lock upgrade. :class:`Transactional` is what every part of
:class:`~officekit.ledger.store.Ledger` works through.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from officekit.ledger import schema
from officekit.settings import Settings

BUSY_TIMEOUT_SECONDS = 30
DEFAULT_FILE = "ledger.sqlite3"
WRITE = "officekit_write"  # execution option: a write transaction (SQLite: BEGIN IMMEDIATE)


def default_url(workspace: Path, settings: Settings | None = None) -> str:
    """The ledger URL of ``workspace``: ``database_url`` from settings, else its SQLite file."""
    settings = settings or Settings()
    if settings.database_url:
        return settings.database_url
    path = (workspace / settings.data / DEFAULT_FILE).absolute()
    return URL.create("sqlite", database=str(path)).render_as_string()


class Transactional:
    """What the parts of the ledger (files, claims, sends, queries) work through; the
    :class:`~officekit.ledger.store.Ledger` provides it."""

    def _transaction(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # the Ledger's

    def _hook(self, operation: str) -> None:
        """Called inside each store transaction just before it commits (the Ledger's test
        seam ``before_commit``)."""


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred and late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _use_wal(cursor)
    finally:
        cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode (it stays so: a file already in it needs no lock).

    Switching a new file to WAL while another connection holds its write lock is refused at
    once, without the busy timeout (two watchers starting together on a new ledger: one
    stopped with "database is locked"): it is tried again until the timeout has passed.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY,
                                                               sqlite3.SQLITE_LOCKED)
            if not (busy or "locked" in str(exc)) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str | URL) -> Engine:
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite":
        return create_engine(sa_url, json_serializer=schema.dumps, pool_pre_ping=True)
    database = sa_url.database or ""
    memory = database in ("", ":memory:") or "mode=memory" in database
    if memory:
        engine = create_engine(sa_url, json_serializer=schema.dumps, poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
    else:
        if not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(sa_url, json_serializer=schema.dumps,
                               connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine
