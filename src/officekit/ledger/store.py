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

By concern: this module opens the ledger and holds files, claims and sends;
:mod:`officekit.ledger.writing` prepares and upserts records; :mod:`officekit.ledger.queries`
reads them back (a mixin of :class:`Ledger`); :mod:`officekit.ledger.lifecycle` lists and
retracts files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ColumnElement

from officekit.errors import LedgerError
from officekit.ledger import schema
from officekit.ledger.queries import RecordQueries
from officekit.ledger.schema import (
    FILE_STATES,
    KIND_ORDER,
    RECORD_TABLES,
    TERMINAL_STATES,
    contributions,
    files,
    history,
    meta,
    sends,
)
from officekit.ledger.writing import FileSpan as FileSpan  # what a file covers: public here
from officekit.ledger.writing import (
    _allow_all_states,
    _months,
    _new_id,
    _now,
    _prepare_all,
    _remove_uncovered_schedule,
    _upsert,
    sheet_span,
)
from officekit.model import SheetResult
from officekit.settings import Settings

BUSY_TIMEOUT_SECONDS = 30
DEFAULT_FILE = "ledger.sqlite3"
_WRITE = "officekit_write"
_SCHEMA_LOCK = 0x0FF1CE  # PostgreSQL advisory lock key held while the schema is created


def default_url(workspace: Path, settings: Settings | None = None) -> str:
    """The ledger URL of ``workspace``: ``database_url`` from settings, else its SQLite file."""
    settings = settings or Settings()
    if settings.database_url:
        return settings.database_url
    path = (workspace / settings.data / DEFAULT_FILE).absolute()
    return URL.create("sqlite", database=str(path)).render_as_string()


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes (the identity of its content in the ledger)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What the ledger records of a file as found: content hash, name, path, size, mtime."""

    sha256: str
    name: str
    path: str
    size: int
    mtime: datetime  # naive local

    @classmethod
    def from_path(cls, path: Path, sha256: str | None = None) -> FileInfo:
        """Describe ``path`` (hashing it unless ``sha256`` is given)."""
        stat = path.stat()
        return cls(sha256=sha256 or sha256_of(path), name=path.name, path=str(path),
                   size=stat.st_size, mtime=datetime.fromtimestamp(stat.st_mtime))


class AlreadyStoredError(LedgerError):
    """A store_accepted/store_rejected for content the ledger already finished with.

    The ledger never holds two rows for one content; the caller should treat the file as a
    duplicate of ``file_id`` (see :meth:`Ledger.store_duplicate`).
    """

    def __init__(self, sha256: str, file_id: int, state: str) -> None:
        super().__init__(
            f"此文件内容已入账（文件编号 {file_id}，状态 {state}），不再重复处理"
            f" / This content is already in the ledger (file {file_id}, {state}); not stored again",
        )
        self.sha256 = sha256
        self.file_id = file_id
        self.state = state


# --- SQLite connection set-up ---------------------------------------------------------------

def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred and late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL").fetchall()
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _make_engine(url: str | URL) -> Engine:
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


class Ledger(RecordQueries):
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
            engine = _make_engine(url)
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
                    conn.execution_options(**{_WRITE: True})
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

    # --- files ------------------------------------------------------------------------------

    def find_file(self, sha256: str) -> dict[str, Any] | None:
        """The file row for this content (not counting later duplicate drops), or None."""
        with self._transaction() as conn:
            row = conn.execute(select(files).where(
                files.c.sha256 == sha256, files.c.duplicate_of.is_(None))).mappings().first()
        return dict(row) if row is not None else None

    def file(self, file_id: int) -> dict[str, Any] | None:
        """The file row with id ``file_id``, or None."""
        with self._transaction() as conn:
            row = conn.execute(select(files).where(files.c.id == file_id)).mappings().first()
        return dict(row) if row is not None else None

    def _finish_file(self, conn: Connection, info: FileInfo, state: str,
                     fields: Mapping[str, Any]) -> int:
        """Insert the file's row in a terminal ``state``, or move its claimed row there."""
        now = _now()
        values = {"name": info.name, "path": info.path, "size": info.size,
                  "mtime": schema.naive(info.mtime), "state": state, "updated": now, **fields}
        this = and_(files.c.sha256 == info.sha256, files.c.duplicate_of.is_(None))
        done = conn.execute(update(files).where(
            this, files.c.state.not_in(TERMINAL_STATES)).values(values))
        found = conn.execute(select(files.c.id, files.c.state).where(this)).first()
        if done.rowcount == 1 and found is not None:
            return int(found.id)
        if found is not None:
            raise AlreadyStoredError(info.sha256, int(found.id), str(found.state))
        try:
            with conn.begin_nested():
                result = conn.execute(insert(files).values(
                    sha256=info.sha256, first_seen=now, attempts=1, **values))
        except IntegrityError as exc:  # another process stored it in between (PostgreSQL)
            raise LedgerError(key="error.ledger.stored-meanwhile") from exc
        return _new_id(result)

    @staticmethod
    def _issue_fields(issues: list[dict[str, Any]]) -> dict[str, Any]:
        return {"issues": issues,
                "errors": sum(1 for i in issues if i.get("severity") == "error"),
                "warnings": sum(1 for i in issues if i.get("severity") == "warning")}

    @staticmethod
    def _sheet_info(sheets: Iterable[SheetResult], file_name: str = "") -> list[dict[str, Any]]:
        out = []
        for s in sheets:
            start, end = sheet_span(s, file_name)
            out.append({**s.to_dict(), "layout": s.layout, "period": s.period,
                        "from": start.isoformat() if start else None,
                        "to": end.isoformat() if end else None})
        return out

    def store_accepted(self, info: FileInfo, sheets: list[SheetResult],
                       issues: list[dict[str, Any]], *, destination: str | None = None) -> int:
        """Store an accepted file and all its records in ONE transaction; return its file id.

        Records are upserted by natural key (``SheetResult.kind`` says the table), the versions
        they replace go to history, a schedule sheet removes what it no longer lists for the
        people and dates it covers. If anything fails, nothing of the file is stored. Content
        the ledger already finished with raises :class:`AlreadyStoredError`; a row left by
        :meth:`claim` is moved to ``accepted``.
        """
        prepared = _prepare_all(sheets)  # type errors surface before the database is touched
        with self._transaction(write=True) as conn:
            file_id = self._finish_file(conn, info, "accepted", {
                "sheets": self._sheet_info(sheets, info.name), "destination": destination,
                **self._issue_fields(issues)})
            now = _now()
            done: dict[str, dict[str, int]] = {"inserted": {}, "updated": {}, "removed": {}}
            for kind in KIND_ORDER:
                if kind not in prepared:
                    continue
                if kind == "schedule":
                    done["removed"][kind] = _remove_uncovered_schedule(
                        conn, prepared[kind], file_id, now)
                done["inserted"][kind], done["updated"][kind] = _upsert(
                    conn, kind, prepared[kind], file_id, now)
            conn.execute(delete(contributions).where(contributions.c.file_id == file_id))
            conn.execute(insert(contributions).values(
                file_id=file_id, periods=_months(prepared), **done))
            self._hook("store_accepted")
        return file_id

    def store_rejected(self, info: FileInfo, issues: list[dict[str, Any]],
                       annotated: str | None, *, sheets: list[SheetResult] | None = None,
                       destination: str | None = None) -> int:
        """Record a rejected file (its issues and annotated copy; no records); return its id."""
        with self._transaction(write=True) as conn:
            file_id = self._finish_file(conn, info, "rejected", {
                "annotated": annotated, "destination": destination,
                "sheets": self._sheet_info(sheets or []), **self._issue_fields(issues)})
            self._hook("store_rejected")
        return file_id

    def store_duplicate(self, info: FileInfo, of_file_id: int, *,
                        destination: str | None = None) -> int:
        """Record a drop of content the ledger already has (file ``of_file_id``); return its id.

        Each drop gets its own row (state ``duplicate``) so the ledger says where it went;
        recording the same drop again (same content, path and mtime) returns the first row.
        """
        now = _now()
        with self._transaction(write=True) as conn:
            if conn.execute(select(files.c.id).where(files.c.id == of_file_id)).first() is None:
                raise LedgerError(key="error.ledger.no-file", file=of_file_id)
            same = conn.execute(select(files.c.id).where(
                files.c.sha256 == info.sha256, files.c.duplicate_of.is_not(None),
                files.c.path == info.path, files.c.mtime == schema.naive(info.mtime))).first()
            if same is not None:
                return int(same.id)
            result = conn.execute(insert(files).values(
                sha256=info.sha256, name=info.name, path=info.path, size=info.size,
                mtime=schema.naive(info.mtime), first_seen=now, updated=now, state="duplicate",
                duplicate_of=of_file_id, destination=destination, attempts=1))
            self._hook("store_duplicate")
        return _new_id(result)

    # --- the watcher's state machine --------------------------------------------------------

    def atomic(self) -> AbstractContextManager[Connection]:
        """One write transaction on the ledger's database, for work stored beside the ledger's
        own (the job queue enqueues there); commits on leaving, rolls back on an error."""
        return self._transaction(write=True)

    def claim(self, sha256: str, name: str, path: str, owner: str, *,
              then: Callable[[Connection], None] | None = None) -> bool:
        """Take this content for processing; True for exactly one of several concurrent callers.

        Succeeds when the ledger has no row for it (one is inserted, state ``claimed``) or its
        row is ``seen``/``settled``/``failed``. Atomic through a conditional UPDATE and the
        UNIQUE sha256 index inside one write transaction. False when it is claimed by someone
        else or finished (then, if this is a new drop, it is a duplicate). ``then`` runs inside
        that transaction once the claim is won.
        """
        now = _now()
        claimed = {"state": "claimed", "owner": owner, "claimed_at": now, "updated": now,
                   "name": name, "path": path}
        this = and_(files.c.sha256 == sha256, files.c.duplicate_of.is_(None))
        with self._transaction(write=True) as conn:
            done = conn.execute(update(files).where(
                this, files.c.state.in_(schema.CLAIMABLE_STATES)).values(
                attempts=files.c.attempts + 1, **claimed))
            if done.rowcount != 1:
                if conn.execute(select(files.c.id).where(this)).first() is not None:
                    return False
                try:
                    with conn.begin_nested():
                        conn.execute(insert(files).values(
                            sha256=sha256, first_seen=now, attempts=1, **claimed))
                except IntegrityError:
                    return False  # another process inserted it first
            if then is not None:
                then(conn)  # e.g. the file's job enqueued: claim and job commit together
        return True

    def reclaim(self, file_id: int, owner: str, previous_owner: str | None) -> bool:
        """Take over a file left ``claimed`` by ``previous_owner`` (a crashed watcher).

        Atomic like :meth:`claim`: of two restarted watchers only one gets True.
        """
        now = _now()
        owned = (files.c.owner.is_(None) if previous_owner is None
                 else files.c.owner == previous_owner)
        with self._transaction(write=True) as conn:
            done = conn.execute(update(files).where(
                files.c.id == file_id, files.c.state == "claimed", owned).values(
                owner=owner, claimed_at=now, updated=now, attempts=files.c.attempts + 1))
        return done.rowcount == 1

    _SETTABLE = frozenset(c.name for c in files.columns) - {
        "id", "sha256", "first_seen", "updated", "state"}

    def set_state(self, file: int | str, state: str, **fields: Any) -> None:
        """Move a file (by id or sha256) to ``state``, setting other columns of its row too.

        Terminal states (accepted, rejected, duplicate) are final: only the same state may be
        set again (e.g. to record ``destination`` after the archive move).
        """
        if state not in FILE_STATES:
            raise LedgerError(key="error.ledger.unknown-state", state=state)
        unknown = set(fields) - self._SETTABLE
        if unknown:
            raise LedgerError(key="error.ledger.unknown-columns", columns=sorted(unknown))
        which = (files.c.id == file if isinstance(file, int)
                 else and_(files.c.sha256 == file, files.c.duplicate_of.is_(None)))
        with self._transaction(write=True) as conn:
            done = conn.execute(update(files).where(
                which, or_(files.c.state.not_in(TERMINAL_STATES), files.c.state == state)
            ).values(state=state, updated=_now(), **fields))
            if done.rowcount == 1:
                return
            found = conn.execute(select(files.c.state).where(which)).scalar()
        if found is None:
            raise LedgerError(key="error.ledger.no-file", file=file)
        raise LedgerError(key="error.ledger.final-state", file=file, found=found, state=state)

    def _files(self, *where: ColumnElement[bool], order: Iterable[Any] = (),
               limit: int | None = None) -> list[dict[str, Any]]:
        with self._transaction() as conn:
            query = select(files).where(*where).order_by(*order).limit(limit)
            return [dict(r) for r in conn.execute(query).mappings()]

    def files_of_kind(self, kind: str) -> list[str]:
        """Names of the accepted files that hold a sheet of ``kind`` (the 数据来源 of the
        undated kinds: staff list, job duties), in the order they were taken."""
        with self._transaction() as conn:
            rows = conn.execute(select(files.c.name, files.c.sheets)
                                .where(files.c.state == "accepted").order_by(files.c.id))
            return list(dict.fromkeys(
                str(r.name) for r in rows
                if any(sheet.get("kind") == kind for sheet in r.sheets or ())))

    def files_in_state(self, state: str) -> list[dict[str, Any]]:
        """File rows in ``state``, oldest update first (e.g. ``failed`` for ``status``)."""
        return self._files(files.c.state == state, order=(files.c.updated, files.c.id))

    def unfinished(self) -> list[dict[str, Any]]:
        """Files claimed but not finished (a watcher died on them), oldest claim first."""
        return self._files(files.c.state == "claimed", order=(files.c.claimed_at, files.c.id))

    def recent_files(self, limit: int = 20) -> list[dict[str, Any]]:
        """The ``limit`` most recently updated file rows, newest first."""
        return self._files(order=(files.c.updated.desc(), files.c.id.desc()), limit=limit)

    def counts_by_state(self) -> dict[str, int]:
        """How many file rows are in each state (every state listed, zeros included)."""
        counts = dict.fromkeys(FILE_STATES, 0)
        with self._transaction() as conn:
            for state, n in conn.execute(
                    select(files.c.state, func.count()).group_by(files.c.state)):
                counts[state] = n
        return counts

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

    # --- sends ------------------------------------------------------------------------------

    def record_send(self, doc_sha256: str, recipient: str, *, status: str = "sent",
                    error: str | None = None, path: str | None = None) -> int:
        """Record one e-mail delivery attempt of a document (``sent`` or ``failed``)."""
        if status not in schema.SEND_STATUSES:
            raise LedgerError(key="error.ledger.unknown-send-status", status=status)
        with self._transaction(write=True) as conn:
            result = conn.execute(insert(sends).values(
                doc_sha256=doc_sha256, recipient=recipient, path=path, sent_at=_now(),
                status=status, error=error))
        return _new_id(result)

    def was_sent(self, doc_sha256: str, recipient: str) -> bool:
        """Whether this document content was already sent to this recipient successfully."""
        with self._transaction() as conn:
            found = conn.execute(select(sends.c.id).where(
                sends.c.doc_sha256 == doc_sha256, sends.c.recipient == recipient,
                sends.c.status == "sent").limit(1)).first()
        return found is not None


