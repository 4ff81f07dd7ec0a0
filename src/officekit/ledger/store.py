"""The ledger (SPEC §5): every file seen and the records accumulated from the accepted ones.

:class:`Ledger` is what the intake pipeline, the KPIs, the documents and the watcher use. One
file is one transaction: its file row and every record upsert (with the replaced versions moved
to ``history``) commit together or not at all, so a crash or kill mid-store leaves the ledger as
it was. A later file wins for the records it repeats; a schedule sheet also *replaces* what the
ledger held for the people and dates it covers.

SQLite (the default, ``.officekit/ledger.sqlite3``) runs in WAL mode with a busy timeout so a
watcher and a CLI command can share it; write transactions start with ``BEGIN IMMEDIATE`` so two
writers queue up instead of failing on a lock upgrade. Any SQLAlchemy URL works; PostgreSQL is
the one meant for several machines.

Timestamps are naive local datetimes throughout, in and out.

By concern, :class:`Ledger` is thin: it opens the database and owns the transactions; its
parts are mixins — :mod:`officekit.ledger.files` (files seen, stored, listed),
:mod:`officekit.ledger.claims` (the watcher's claims and file states),
:mod:`officekit.ledger.sends` (deliveries) and :mod:`officekit.ledger.queries` (records read
back). :mod:`officekit.ledger.connect` makes the engine, :mod:`officekit.ledger.writing`
prepares and upserts records, :mod:`officekit.ledger.lifecycle` lists and retracts files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from officekit.errors import LedgerError
from officekit.ledger import schema
from officekit.ledger.claims import ClaimStore
from officekit.ledger.connect import (
    BUSY_TIMEOUT_SECONDS,
    DEFAULT_FILE,
    WRITE,
    default_url,
    make_engine,
)
from officekit.ledger.files import AlreadyStoredError, FileInfo, FileStore, sha256_of
from officekit.ledger.queries import RecordQueries
from officekit.ledger.schema import KIND_ORDER, RECORD_TABLES, history, meta, sends
from officekit.ledger.sends import SendStore
from officekit.ledger.writing import FileSpan, _allow_all_states, _now

# Read from here too (intake, the watcher, the CLI, the tests): a file as found, its hash, the
# ledger's URL of a workspace, what a file covers.
__all__ = ["BUSY_TIMEOUT_SECONDS", "DEFAULT_FILE", "AlreadyStoredError", "FileInfo", "FileSpan",
           "Ledger", "default_url", "sha256_of"]

_SCHEMA_LOCK = 0x0FF1CE  # PostgreSQL advisory lock key held while the schema is created


class Ledger(FileStore, ClaimStore, SendStore, RecordQueries):
    """The ledger database. Open with :meth:`open` or :meth:`for_path`; use as a context manager.

    ``before_commit`` is a test seam: when set, it is called with the operation's name inside
    each store transaction just before it commits (a crash test kills the process there).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self.before_commit: Callable[[str], None] | None = None

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | URL) -> Ledger:
        """Open (and create or check the schema of) the ledger at the SQLAlchemy ``url``."""
        try:
            engine = make_engine(url)
        except (ArgumentError, ImportError, OSError, ValueError) as exc:
            raise LedgerError(key="error.ledger.open", url=str(url), detail=str(exc)) from exc
        ledger = cls(engine)
        try:
            ledger._ensure_schema()
        except LedgerError:
            engine.dispose()
            raise
        return ledger

    @classmethod
    def for_path(cls, path: Path) -> Ledger:
        """Open the SQLite ledger file ``path`` (its folder is created when missing)."""
        return cls.open(URL.create("sqlite", database=str(path.absolute())))

    def close(self) -> None:
        """Release every database connection."""
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One transaction; database errors come out as LedgerError, everything rolls back."""
        try:
            with self._engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE: True})
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise LedgerError(key="error.ledger.failed", detail=str(detail),
                              url=str(self.url)) from exc

    def _ensure_schema(self) -> None:
        with self._transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":
                # CREATE TABLE IF NOT EXISTS races on PostgreSQL (two machines starting at once
                # both create the tables); SQLite's BEGIN IMMEDIATE already queues them.
                conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            schema.metadata.create_all(conn)
            found = conn.execute(
                select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            if found is None:
                conn.execute(insert(meta), [
                    {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)},
                    {"key": "created_at", "value": _now().isoformat(timespec="seconds")},
                ])
            elif found != str(schema.SCHEMA_VERSION):
                raise LedgerError(key="error.ledger.schema-version", found=found,
                                  needed=schema.SCHEMA_VERSION, url=str(self.url))
            else:
                _allow_all_states(conn)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One transaction for the ledger's own modules (lifecycle); LedgerError on failure."""
        with self._transaction(write=write) as conn:
            yield conn

    def _hook(self, operation: str) -> None:
        if self.before_commit is not None:
            self.before_commit(operation)

    def summary(self) -> dict[str, Any]:
        """For ``officekit status``: records per kind, history size, files by state, periods."""
        with self._transaction() as conn:
            def count(table: Table) -> int:
                return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            records = {kind: count(RECORD_TABLES[kind]) for kind in KIND_ORDER}
            versions, sent = count(history), count(sends)
        return {"database": self.url, "schema_version": schema.SCHEMA_VERSION,
                "records": records, "history": versions, "files": self.counts_by_state(),
                "periods": self.periods(), "sends": sent}
