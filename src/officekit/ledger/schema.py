"""The ledger's tables (SPEC §5) in SQLAlchemy Core, derived from the sheet kinds of kinds.py.

Portable on purpose: only generic types (``JSON``, ``Date``, ``DateTime``…) and no
SQLite-only SQL, so PostgreSQL can take SQLite's place. One table per record kind holds a
column per field (a STAFF-typed field ``X`` as ``X_id`` / ``X_name``, numbered text as JSON),
an ``extra`` JSON for unknown columns, the record's provenance (file, sheet, row, col) and its
natural key as text in a UNIQUE ``natural_key`` column — the upserts go through that one column.

Also here, as data: the file states of the watcher's state machine (the natural key of each
kind is the kind's own ``key``: :func:`officekit.kinds.key_parts`), plus the value checks that
keep a wrongly typed value out of the database with a clear message.
Timestamps are naive local datetimes throughout (what the office's clock says); an aware
datetime given to the ledger is converted to local time and made naive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

from officekit import kinds
from officekit.errors import LedgerError
from officekit.kinds import KINDS, FieldType, Kind
from officekit.model import Record

SCHEMA_VERSION = 1

# The file state machine (SPEC §9). A row is created by claim() or a store_*() call.
# ``retracted``: an accepted file whose contribution was taken back out (SPEC §5); its content
# may be ingested again, so it is not terminal and a watcher may claim it like a new file.
FILE_STATES = ("seen", "settled", "claimed", "accepted", "rejected", "duplicate", "failed",
               "retracted")
TERMINAL_STATES = frozenset({"accepted", "rejected", "duplicate"})
# States a watcher may claim a file from: noted but not being worked on, an earlier try failed,
# or taken back out by a retraction.
CLAIMABLE_STATES = ("seen", "settled", "failed", "retracted")

SEND_STATUSES = ("sent", "failed")

# Fields of kinds.py that describe the sheet's layout rather than the record: not stored.
NOT_STORED: dict[str, frozenset[str]] = {"duties": frozenset({"seq"})}

# Order in which a file's records are written: the staff list first, like an office would.
KIND_ORDER = ("staff", "duties", "complaints", "visits", "schedule")

_TYPES: dict[FieldType, Callable[[], TypeEngine[Any]]] = {
    FieldType.TEXT: Text,
    FieldType.INT: Integer,
    FieldType.DATE: Date,
    FieldType.DATETIME: DateTime,
    FieldType.PHONE: Text,
    FieldType.EMAIL: Text,
    FieldType.BOOL: Boolean,
    FieldType.ENUM: Text,
    FieldType.STAFF: Text,
    FieldType.SCALE: Integer,
    FieldType.NUMBERED: lambda: JSON(none_as_null=True),
}

# The Python types a record value of each field type may have (after the coercions below).
_PY_TYPES: dict[FieldType, tuple[type, ...]] = {
    FieldType.TEXT: (str,),
    FieldType.INT: (int,),
    FieldType.DATE: (date,),
    FieldType.DATETIME: (datetime,),
    FieldType.PHONE: (str,),
    FieldType.EMAIL: (str,),
    FieldType.BOOL: (bool,),
    FieldType.ENUM: (str,),
    FieldType.STAFF: (str,),
    FieldType.SCALE: (int,),
    FieldType.NUMBERED: (list,),
}


def record_columns(kind: Kind) -> dict[str, FieldType]:
    """Record key → field type of ``kind``'s data columns (STAFF ``X`` → ``X_id``, ``X_name``)."""
    skipped = NOT_STORED.get(kind.name, frozenset())
    columns: dict[str, FieldType] = {}
    for f in kind.fields:
        if f.name in skipped:
            continue
        if f.type is FieldType.STAFF:
            columns[f"{f.name}_id"] = FieldType.TEXT
            columns[f"{f.name}_name"] = FieldType.TEXT
        else:
            columns[f.name] = f.type
    return columns


COLUMNS: dict[str, dict[str, FieldType]] = {name: record_columns(k) for name, k in KINDS.items()}

# Columns computed from the record, beyond its fields: schedule's person (工号, else 姓名).
DERIVED: dict[str, tuple[str, ...]] = {"schedule": ("person",)}

# Indexes for the queries of store.py, per kind (the natural key is UNIQUE already).
INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "staff": (("department",),),
    "schedule": (("date", "person"), ("staff_id",)),
    "complaints": (("received_at",), ("handler_id",)),
    "visits": (("visited_at",), ("complaint_id",), ("staff_id",)),
    "duties": (("department",),),
}

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

files = Table(
    "files", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("path", Text),  # where the file was found (inbox or command line)
    Column("size", BigInteger),
    Column("mtime", DateTime),
    Column("first_seen", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("destination", Text),  # where the file ended (archive path)
    Column("annotated", Text),  # the annotated copy of a rejected file
    Column("duplicate_of", Integer, ForeignKey("files.id")),
    Column("sheets", JSON(none_as_null=True)),
    Column("issues", JSON(none_as_null=True)),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("owner", Text),  # the watcher process that claimed it
    Column("claimed_at", DateTime),
    Column("message", Text),  # why processing failed (state failed)
    CheckConstraint(
        "state IN (" + ", ".join(f"'{s}'" for s in FILE_STATES) + ")", name="state"
    ),
)
# One row per content: UNIQUE sha256 among the files that are not duplicate drops. A duplicate
# drop of the same content gets its own row (duplicate_of set) so the ledger records where it
# went. Partial indexes exist in SQLite and PostgreSQL alike; claim() relies on this one.
Index(
    "ux_files_sha256", files.c.sha256, unique=True,
    sqlite_where=files.c.duplicate_of.is_(None),
    postgresql_where=files.c.duplicate_of.is_(None),
)
Index(None, files.c.state)


def _record_table(kind: Kind) -> Table:
    columns = COLUMNS[kind.name]
    table = Table(
        kind.name, metadata,
        Column("id", Integer, primary_key=True),
        Column("natural_key", Text, nullable=False, unique=True),
        *(Column(name, _TYPES[ftype]()) for name, ftype in columns.items()),
        *(Column(name, Text, nullable=False) for name in DERIVED.get(kind.name, ())),
        Column("extra", JSON(none_as_null=True)),
        Column("file_id", Integer, ForeignKey("files.id"), nullable=False),
        Column("sheet", Text),
        Column("row", Integer),
        Column("col", Integer),
        Column("updated_at", DateTime, nullable=False),
    )
    Index(None, table.c.file_id)
    for cols in INDEXES.get(kind.name, ()):
        Index(None, *(table.c[c] for c in cols))
    return table


RECORD_TABLES: dict[str, Table] = {name: _record_table(k) for name, k in KINDS.items()}

history = Table(
    "history", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("natural_key", Text, nullable=False),
    Column("data", JSON, nullable=False),  # the replaced version: fields + extra
    Column("file_id", Integer, ForeignKey("files.id")),
    Column("sheet", Text),
    Column("row", Integer),
    Column("col", Integer),
    Column("replaced_by_file_id", Integer, ForeignKey("files.id"), nullable=False),
    Column("replaced_at", DateTime, nullable=False),
    # "replaced": a later file repeated the key; "removed": a schedule sheet covering the
    # person and date no longer lists it
    Column("reason", String(16), nullable=False),
)
Index(None, history.c.kind, history.c.natural_key)

# What an accepted file did to the records (SPEC §5 ``officekit files``): one row per file,
# written in the file's own transaction, removed when the file is retracted.
contributions = Table(
    "contributions", metadata,
    Column("file_id", Integer, ForeignKey("files.id"), primary_key=True),
    Column("inserted", JSON, nullable=False),  # kind → records the file inserted
    Column("updated", JSON, nullable=False),  # kind → records it replaced (old version kept)
    Column("removed", JSON, nullable=False),  # kind → schedule entries its sheet dropped
    Column("periods", JSON, nullable=False),  # months its records fall in, ascending
)

# Every retraction: who took which file back out, when, and what it changed.
retractions = Table(
    "retractions", metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False),
    Column("retracted_at", DateTime, nullable=False),
    Column("retracted_by", Text, nullable=False),
    Column("forced", Boolean, nullable=False),
    Column("summary", JSON, nullable=False),
)
Index(None, retractions.c.file_id)

sends = Table(
    "sends", metadata,
    Column("id", Integer, primary_key=True),
    Column("doc_sha256", String(64), nullable=False),
    Column("recipient", Text, nullable=False),
    Column("path", Text),
    Column("sent_at", DateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    CheckConstraint(
        "status IN (" + ", ".join(f"'{s}'" for s in SEND_STATUSES) + ")", name="status"
    ),
)
Index(None, sends.c.doc_sha256, sends.c.recipient)


# --- values ---------------------------------------------------------------------------------

def naive(value: datetime) -> datetime:
    """``value`` as a naive local datetime (aware values are converted to local time)."""
    return value if value.tzinfo is None else value.astimezone().replace(tzinfo=None)


def json_safe(value: Any) -> Any:
    """``value`` as JSON can carry it: dates as ISO strings, containers walked."""
    if isinstance(value, datetime):
        return naive(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def dumps(value: Any) -> str:
    """The engine's JSON serializer: readable Chinese, dates as ISO strings."""
    return json.dumps(json_safe(value), ensure_ascii=False)


def from_json(kind: str, data: Mapping[str, Any]) -> Record:
    """A record stored as JSON (history) back with typed dates and datetimes."""
    columns = COLUMNS[kind]
    record: Record = {}
    for name, value in data.items():
        ftype = columns.get(name)
        if isinstance(value, str) and ftype is FieldType.DATE:
            record[name] = date.fromisoformat(value)
        elif isinstance(value, str) and ftype is FieldType.DATETIME:
            record[name] = datetime.fromisoformat(value)
        else:
            record[name] = value
    return record


def coerce(kind: str, name: str, value: Any, record: Mapping[str, Any]) -> Any:
    """``value`` checked against the column type of field ``name``; LedgerError when it cannot be.

    The only conversions are the lossless ones the record contract allows: a date for a
    datetime field (→ midnight), a datetime at midnight for a date field, aware → naive local.
    """
    if value is None:
        return None
    ftype = COLUMNS[kind][name]
    if ftype is FieldType.DATETIME and isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    elif ftype is FieldType.DATE and isinstance(value, datetime) and value.time() == time():
        value = value.date()
    if isinstance(value, datetime):
        value = naive(value)
    ok = isinstance(value, _PY_TYPES[ftype])
    if ftype is FieldType.DATE and isinstance(value, datetime):
        ok = False
    if ftype in (FieldType.INT, FieldType.SCALE) and isinstance(value, bool):
        ok = False
    if not ok:
        raise LedgerError(key="error.ledger.bad-value", sheet=record.get("_sheet"),
                          row=record.get("_row"), name=name, value=repr(value),
                          type=ftype.value)
    return value


# --- natural keys ---------------------------------------------------------------------------

# ``person`` (the 工号, else the 姓名) is a derived column of the schedule and a key part
person = kinds.person


def encode_key(parts: tuple[Any, ...] | list[Any]) -> str:
    """A natural key's parts as the text stored in ``natural_key`` (a compact JSON array)."""
    return json.dumps(json_safe(list(parts)), ensure_ascii=False, separators=(",", ":"))


def natural_key(kind: str, record: Mapping[str, Any]) -> str:
    """The natural key text of ``record``; LedgerError when a part of it is missing."""
    parts, optional = kinds.key_parts(KINDS[kind], record)
    missing = [i for i, p in enumerate(parts) if (p is None or p == "") and i not in optional]
    if missing:
        raise LedgerError(key="error.ledger.no-key", sheet=record.get("_sheet"),
                          row=record.get("_row"), kind_zh=KINDS[kind].title_zh,
                          kind_en=KINDS[kind].title_en)
    return encode_key(parts)
