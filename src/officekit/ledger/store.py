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
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    extract,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, CursorResult, RowMapping, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ColumnElement

from officekit.errors import LedgerError
from officekit.kinds import PERIOD_FIELDS
from officekit.ledger import schema
from officekit.ledger.schema import (
    COLUMNS,
    DERIVED,
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
from officekit.model import Record, SheetResult
from officekit.settings import Settings

BUSY_TIMEOUT_SECONDS = 30
DEFAULT_FILE = "ledger.sqlite3"
_CHUNK = 500  # ids / keys per IN (...) list
_WRITE = "officekit_write"
_ANALYZE_MIN_ROWS = 1000  # fewer new rows than this never make a lookup plan go wrong
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


# The date that places a record of each dated kind in a period (what coverage measures).
SPAN_FIELDS = {kind: names[0] for kind, names in PERIOD_FIELDS.items()}


def _now() -> datetime:
    return datetime.now()


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return schema.naive(value)
    return datetime.combine(value, time())


def _chunks(items: Collection[Any]) -> Iterator[list[Any]]:
    seq = list(items)
    for i in range(0, len(seq), _CHUNK):
        yield seq[i:i + _CHUNK]


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


class Ledger:
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
            raise LedgerError(
                f"无法打开账本 {url}：{exc} / Cannot open the ledger {url}: {exc}",
                hint="检查 officekit.toml 中的 database_url 与 .officekit 目录"
                     " / Check database_url in officekit.toml and the .officekit folder.",
            ) from exc
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
            raise LedgerError(
                f"账本操作失败：{detail} / Ledger operation failed: {detail}",
                hint=f"账本 / ledger: {self.url}",
            ) from exc

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
                raise LedgerError(
                    f"账本结构版本为 {found}，本程序需要 {schema.SCHEMA_VERSION}"
                    f" / The ledger has schema version {found}; this officekit needs "
                    f"{schema.SCHEMA_VERSION}",
                    hint=f"账本 / ledger: {self.url}",
                )
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
            raise LedgerError(
                "此文件内容刚被另一进程入账 / This content was just stored by another process",
            ) from exc
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
                raise LedgerError(
                    f"账本中没有文件 {of_file_id} / No file {of_file_id} in the ledger")
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

    def claim(self, sha256: str, name: str, path: str, owner: str) -> bool:
        """Take this content for processing; True for exactly one of several concurrent callers.

        Succeeds when the ledger has no row for it (one is inserted, state ``claimed``) or its
        row is ``seen``/``settled``/``failed``. Atomic through a conditional UPDATE and the
        UNIQUE sha256 index inside one write transaction. False when it is claimed by someone
        else or finished (then, if this is a new drop, it is a duplicate).
        """
        now = _now()
        claimed = {"state": "claimed", "owner": owner, "claimed_at": now, "updated": now,
                   "name": name, "path": path}
        this = and_(files.c.sha256 == sha256, files.c.duplicate_of.is_(None))
        with self._transaction(write=True) as conn:
            done = conn.execute(update(files).where(
                this, files.c.state.in_(schema.CLAIMABLE_STATES)).values(
                attempts=files.c.attempts + 1, **claimed))
            if done.rowcount == 1:
                return True
            if conn.execute(select(files.c.id).where(this)).first() is not None:
                return False
            try:
                with conn.begin_nested():
                    conn.execute(insert(files).values(
                        sha256=sha256, first_seen=now, attempts=1, **claimed))
            except IntegrityError:
                return False  # another process inserted it first
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
            raise LedgerError(f"未知的文件状态 {state!r} / Unknown file state {state!r}")
        unknown = set(fields) - self._SETTABLE
        if unknown:
            raise LedgerError(f"文件记录没有这些字段 / No such file columns: {sorted(unknown)}")
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
            raise LedgerError(f"账本中没有文件 {file} / No file {file} in the ledger")
        raise LedgerError(f"文件 {file} 已是终态 {found}，不能改为 {state}"
                          f" / File {file} is {found} (final); cannot become {state}")

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

    # --- records ----------------------------------------------------------------------------

    def _records(self, kind: str, *where: ColumnElement[bool],
                 order: Iterable[Any] = ()) -> list[Record]:
        table = RECORD_TABLES[kind]
        with self._transaction() as conn:
            rows = conn.execute(select(table).where(*where).order_by(*order, table.c.id))
            return [_to_record(kind, r) for r in rows.mappings()]

    def staff(self) -> list[Record]:
        """Every staff record (any status), by 工号."""
        return self._records("staff", order=(RECORD_TABLES["staff"].c.staff_id,))

    def staff_all(self) -> list[Record]:
        """LedgerView: every staff record held."""
        return self.staff()

    def complaints(self, start: date | datetime | None = None,
                   end: date | datetime | None = None) -> list[Record]:
        """Complaints with ``start <= received_at < end`` (either bound may be None)."""
        t = RECORD_TABLES["complaints"]
        return self._records("complaints", *_between(t.c.received_at, start, end),
                             order=(t.c.received_at, t.c.complaint_id))

    def complaints_all(self) -> list[Record]:
        """Every complaint held."""
        return self.complaints()

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        """LedgerView: the stored complaints among ``ids`` (complaint_id → record)."""
        t = RECORD_TABLES["complaints"]
        wanted = set(ids)
        if len(wanted) > 2000:
            # a whole register against the ledger: narrow to the ids held, one cheap column
            # scan, instead of hundreds of IN queries that mostly find nothing
            with self._transaction() as conn:
                wanted &= {row[0] for row in conn.execute(select(t.c.complaint_id))}
        found: dict[str, Record] = {}
        for chunk in _chunks(wanted):
            for rec in self._records("complaints", t.c.complaint_id.in_(chunk)):
                found[rec["complaint_id"]] = rec
        return found

    def visits(self, start: date | datetime | None = None,
               end: date | datetime | None = None) -> list[Record]:
        """Visits with ``start <= visited_at < end`` (either bound may be None)."""
        t = RECORD_TABLES["visits"]
        return self._records("visits", *_between(t.c.visited_at, start, end),
                             order=(t.c.visited_at,))

    def visits_for_complaints(self, ids: Collection[str]) -> list[Record]:
        """Visits linked by complaint_id to any of ``ids``, by visited_at."""
        t = RECORD_TABLES["visits"]
        found = [rec for chunk in _chunks(set(ids))
                 for rec in self._records("visits", t.c.complaint_id.in_(chunk))]
        return sorted(found, key=lambda r: (r["visited_at"], r["_key"]))

    def schedule(self, start: date, end: date) -> list[Record]:
        """Schedule entries with ``start <= date <= end`` (inclusive), by date and person."""
        t = RECORD_TABLES["schedule"]
        return self._records("schedule", t.c.date >= start, t.c.date <= end,
                             order=(t.c.date, t.c.person, t.c.shift))

    def schedule_between(self, start: date, end: date) -> list[Record]:
        """LedgerView: schedule entries with ``start <= date <= end``."""
        return self.schedule(start, end)

    def duties(self, department: str | None = None) -> list[Record]:
        """Duty records (one per department and role), of one department or all."""
        t = RECORD_TABLES["duties"]
        where = () if department is None else (t.c.department == department,)
        return self._records("duties", *where, order=(t.c.department,))

    def history(self, kind: str, key: str | tuple[Any, ...] | list[Any]) -> list[Record]:
        """Earlier versions of one record, oldest first.

        ``key`` is the natural key: a value (``"C001"``), a tuple of its parts
        (``(date(2026, 10, 3), "S001", "早")``) or a record's ``_key`` text. Each version has
        the fields, ``extra``, ``_file_id``/``_sheet``/``_row``/``_col`` of where it came from,
        ``_replaced_by_file_id``, ``_replaced_at`` and ``_reason`` (replaced | removed).
        """
        if kind not in RECORD_TABLES:
            raise LedgerError(f"未知的记录类型 {kind!r} / Unknown record kind {kind!r}")
        if isinstance(key, str):
            text = key if key.startswith("[") else schema.encode_key((key,))
        else:
            text = schema.encode_key(key)
        with self._transaction() as conn:
            rows = conn.execute(select(history).where(
                history.c.kind == kind, history.c.natural_key == text).order_by(history.c.id))
            return [{**schema.from_json(kind, r["data"]), "_file_id": r["file_id"],
                     "_sheet": r["sheet"], "_row": r["row"], "_col": r["col"],
                     "_key": r["natural_key"], "_replaced_by_file_id": r["replaced_by_file_id"],
                     "_replaced_at": r["replaced_at"], "_reason": r["reason"]}
                    for r in rows.mappings()]

    _PERIOD_COLUMNS = tuple(SPAN_FIELDS.items())

    def file_spans(self) -> list[FileSpan]:
        """What each accepted file covers (SPEC §5 coverage): per sheet of a dated kind, the
        period its title, sheet or file name declares, else the span of its dates.

        Stored with the file when it is accepted; a file stored before that is measured from
        its records. Ordered by file id (the order files were taken in)."""
        out: list[FileSpan] = []
        with self._transaction() as conn:
            rows = conn.execute(select(files.c.id, files.c.name, files.c.sha256, files.c.sheets,
                                       files.c.updated)
                                .where(files.c.state == "accepted").order_by(files.c.id))
            for row in rows.mappings():
                for sheet in row["sheets"] or ():
                    kind = sheet.get("kind")
                    if kind not in SPAN_FIELDS:
                        continue
                    start, end, declared = _stored_span(sheet)
                    if start is None or end is None:
                        col = RECORD_TABLES[kind].c[SPAN_FIELDS[kind]]
                        low, high = conn.execute(select(func.min(col), func.max(col)).where(
                            RECORD_TABLES[kind].c.file_id == row["id"])).one()
                        if low is None or high is None:
                            continue
                        start, end = _as_day(low), _as_day(high)
                    out.append(FileSpan(int(row["id"]), str(row["name"]), str(row["sha256"]),
                                        str(kind), start, end, declared, row["updated"]))
        return out

    def periods(self) -> list[str]:
        """Months (``2026-10``) that have complaints, visits or schedule entries, ascending."""
        months: set[str] = set()
        with self._transaction() as conn:
            for kind, column in self._PERIOD_COLUMNS:
                col = RECORD_TABLES[kind].c[column]
                query = select(extract("year", col), extract("month", col)).distinct()
                months.update(f"{int(y):04d}-{int(m):02d}" for y, m in conn.execute(query))
        return sorted(months)

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
            raise LedgerError(f"未知的发送状态 {status!r} / Unknown send status {status!r}")
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


# --- record writing -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FileSpan:
    """The dates one accepted file's sheet of ``kind`` covers (inclusive); ``declared``: the
    register named its month (title, sheet or file name) rather than only holding dates."""

    file_id: int
    name: str
    sha256: str
    kind: str
    start: date
    end: date
    declared: bool
    accepted_at: datetime | None = None  # when the ledger took the file


def _as_day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _month_bounds(period: str) -> tuple[date, date]:
    year, month = (int(p) for p in period.split("-"))
    start = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return start, date.fromordinal(after.toordinal() - 1)


# 上旬 / 中旬 / 下旬 in a register's name: the first, second or last third of its month
_DEKADS = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, 31)}


def sheet_span(sheet: SheetResult, file_name: str = "") -> tuple[date | None, date | None]:
    """The dates a sheet covers: its declared month (narrowed to 上旬 / 中旬 / 下旬 when the
    sheet or file name says so), else the span of its records' dates."""
    if sheet.kind not in SPAN_FIELDS:
        return None, None
    if sheet.period:
        start, end = _month_bounds(sheet.period)
        for word, (first, last) in _DEKADS.items():
            if word in sheet.name or word in file_name:
                return start.replace(day=first), end if last == 31 else start.replace(day=last)
        return start, end
    days = [_as_day(r[SPAN_FIELDS[sheet.kind]]) for r in sheet.records
            if r.get(SPAN_FIELDS[sheet.kind]) is not None]
    return (min(days), max(days)) if days else (None, None)


def _stored_span(sheet: Mapping[str, Any]) -> tuple[date | None, date | None, bool]:
    declared = bool(sheet.get("period"))
    if sheet.get("from") and sheet.get("to"):
        return _as_day(sheet["from"]), _as_day(sheet["to"]), declared
    if declared:
        start, end = _month_bounds(str(sheet["period"]))
        return start, end, True
    return None, None, False


def _between(column: Any, start: date | datetime | None,
             end: date | datetime | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where.append(column >= _as_datetime(start))
    if end is not None:
        where.append(column < _as_datetime(end))
    return where


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise LedgerError("数据库没有返回新记录编号 / The database returned no new row id")
    return int(key[0])


def _to_record(kind: str, row: RowMapping) -> Record:
    record: Record = {name: row[name] for name in COLUMNS[kind]}
    record["extra"] = row["extra"] or {}
    record.update(_file_id=row["file_id"], _sheet=row["sheet"], _row=row["row"],
                  _col=row["col"], _key=row["natural_key"], _updated_at=row["updated_at"])
    return record


def _prepare(kind: str, record: Record) -> dict[str, Any]:
    """A record as the column values of its table (checked types, key, extra, provenance)."""
    columns = COLUMNS[kind]
    skipped = schema.NOT_STORED.get(kind, frozenset())
    extra = dict(record["extra"]) if isinstance(record.get("extra"), Mapping) else {}
    values: dict[str, Any] = dict.fromkeys(columns)
    for name, value in record.items():
        if name.startswith("_") or name == "extra" or name in skipped:
            continue
        if name in columns:
            values[name] = schema.coerce(kind, name, value, record)
        else:
            extra[name] = value
    provenance = {"_sheet": record.get("_sheet"), "_row": record.get("_row")}
    values["natural_key"] = schema.natural_key(kind, {**values, **provenance})
    for name in DERIVED.get(kind, ()):
        values[name] = schema.person(values)
    values.update(extra=schema.json_safe(extra) or None, sheet=record.get("_sheet"),
                  row=record.get("_row"), col=record.get("_col"))
    return values


def _merge_items(first: list[Any] | None, second: list[Any] | None) -> list[Any] | None:
    if not first or not second:
        return first or second
    return first + [item for item in second if item not in first]


def _merge_duties(first: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """Rows of one role in a 序号 layout: one record, items in row order, first values kept."""
    merged = {name: first[name] if first[name] is not None else later[name]
              for name in COLUMNS["duties"]}
    for name in ("duties", "requirements"):
        merged[name] = _merge_items(first[name], later[name])
    return {**first, **merged}


def _prepare_all(sheets: Iterable[SheetResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """kind → natural key → column values, for every record of the file's known sheets.

    A key repeated within the file: the later row wins, except duties, whose rows of one
    role are merged (the 序号 layout gives one duty item per row).
    """
    prepared: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for sheet in sheets:
        if sheet.kind is None:
            continue
        if sheet.kind not in RECORD_TABLES:
            raise LedgerError(f"未知的记录类型 {sheet.kind!r} / Unknown record kind {sheet.kind!r}")
        by_key = prepared[sheet.kind]
        for record in sheet.records:
            values = _prepare(sheet.kind, {"_sheet": sheet.name, **record})
            key = values["natural_key"]
            if sheet.kind == "duties" and key in by_key:
                values = _merge_duties(by_key[key], values)
            by_key[key] = values
    return dict(prepared)


def _history_rows(kind: str, old: Iterable[RowMapping], by_file_id: int, now: datetime,
                  reason: str) -> list[dict[str, Any]]:
    return [{"kind": kind, "natural_key": row["natural_key"],
             "data": {**{name: schema.json_safe(row[name]) for name in COLUMNS[kind]},
                      "extra": row["extra"]},
             "file_id": row["file_id"], "sheet": row["sheet"], "row": row["row"],
             "col": row["col"], "replaced_by_file_id": by_file_id, "replaced_at": now,
             "reason": reason} for row in old]


def _upsert(conn: Connection, kind: str, prepared: Mapping[str, dict[str, Any]], file_id: int,
            now: datetime) -> tuple[int, int]:
    """Insert new keys, update repeated ones (their old version to history); (inserted, updated)."""
    table = RECORD_TABLES[kind]
    existing: dict[str, RowMapping] = {}
    for chunk in _chunks(prepared):
        for row in conn.execute(select(table).where(table.c.natural_key.in_(chunk))).mappings():
            existing[row["natural_key"]] = row
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, values in prepared.items():
        full = {**values, "file_id": file_id, "updated_at": now}
        if key in existing:
            updates.append({f"b_{k}": v for k, v in full.items()} | {"b_id": existing[key]["id"]})
        else:
            inserts.append(full)
    replaced = [row for row in existing.values() if row["file_id"] != file_id]
    if replaced:
        conn.execute(insert(history), _history_rows(kind, replaced, file_id, now, "replaced"))
    if inserts:
        conn.execute(insert(table), inserts)
        _analyze_if_grown(conn, table, len(inserts))
    if updates:
        names = [k for k in updates[0] if k != "b_id"]
        conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            {name[2:]: bindparam(name) for name in names}), updates)
    return len(inserts), len(updates)


def _analyze_if_grown(conn: Connection, table: Table, inserted: int) -> None:
    """On PostgreSQL, refresh the planner's statistics of ``table`` after a bulk insert.

    A table filled by a first load has none until autovacuum comes round, and the planner then
    answers the next file's ``natural_key IN (…)`` lookups with a sequential scan per chunk (a
    first year's load ran 2.4× SQLite's time). Only the key column is analysed (the whole
    table's statistics cost as much as the scans they save); it runs when the table grew by a
    fifth or more.
    """
    if conn.dialect.name != "postgresql" or inserted < _ANALYZE_MIN_ROWS:
        return
    known = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)"),
                         {"name": table.name}).scalar()
    if known is None or known < 0 or inserted >= 0.2 * known:
        conn.exec_driver_sql(f'ANALYZE "{table.name}" (natural_key)')


def _remove_uncovered_schedule(conn: Connection, prepared: Mapping[str, dict[str, Any]],
                               file_id: int, now: datetime) -> int:
    """A schedule sheet replaces the ledger's entries for the people and dates it covers.

    Per sheet: its people (by 工号, or by 姓名 for stored entries never resolved to a 工号) and
    its date range (first to last date it lists). Stored entries there that the file does not
    repeat are moved to history (reason ``removed``) and deleted.
    """
    table = RECORD_TABLES["schedule"]
    by_sheet: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for values in prepared.values():
        by_sheet[values["sheet"]].append(values)
    gone: dict[int, RowMapping] = {}
    for entries in by_sheet.values():
        people = {v["person"] for v in entries}
        names = {v["staff_name"] for v in entries if v["staff_name"]}
        first, last = min(v["date"] for v in entries), max(v["date"] for v in entries)
        covered = or_(table.c.person.in_(people),
                      and_(table.c.staff_id.is_(None), table.c.staff_name.in_(names)))
        rows = conn.execute(select(table).where(
            table.c.date >= first, table.c.date <= last, covered)).mappings()
        gone.update((row["id"], row) for row in rows if row["natural_key"] not in prepared)
    if not gone:
        return 0
    conn.execute(insert(history), _history_rows("schedule", gone.values(), file_id, now, "removed"))
    for chunk in _chunks(gone):
        conn.execute(delete(table).where(table.c.id.in_(chunk)))
    return len(gone)


def _months(prepared: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """The months (``2026-10``) the prepared records fall in (kinds.PERIOD_FIELDS)."""
    out: set[str] = set()
    for kind, by_key in prepared.items():
        for name in PERIOD_FIELDS.get(kind, ()):
            for values in by_key.values():
                v = values.get(name)
                if isinstance(v, date):
                    out.add(f"{v.year:04d}-{v.month:02d}")
    return sorted(out)


def _allow_all_states(conn: Connection) -> None:
    """Bring a ledger made before a file state was added up to date (its CHECK constraint).

    The constraint is the only part of the schema ``create_all`` cannot add to an existing
    database. SQLite keeps it as text in ``sqlite_master``: it is rewritten there (the way
    SQLite's documentation gives for changing a CHECK constraint), which leaves the stored rows
    as they are; PostgreSQL drops and adds the constraint.
    """
    name = "ck_files_state"
    wanted = ", ".join(f"'{s}'" for s in FILE_STATES)
    if conn.dialect.name == "sqlite":
        sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'files'").scalar()
        if not isinstance(sql, str) or f"'{FILE_STATES[-1]}'" in sql:
            return
        start = sql.find("state IN (")
        end = sql.find(")", start)
        if start < 0 or end < 0:
            return
        new_sql = sql[:start] + f"state IN ({wanted}" + sql[end:]
        version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
        conn.exec_driver_sql("PRAGMA writable_schema = ON")
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'files'",
            (new_sql,))
        conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    elif conn.dialect.name == "postgresql":
        found = conn.exec_driver_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %(n)s",
            {"n": name}).scalar()
        if isinstance(found, str) and f"'{FILE_STATES[-1]}'" not in found:
            conn.exec_driver_sql(f"ALTER TABLE files DROP CONSTRAINT {name}")
            conn.exec_driver_sql(
                f"ALTER TABLE files ADD CONSTRAINT {name} CHECK (state IN ({wanted}))")
