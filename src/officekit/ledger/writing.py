"""Writing records into the ledger: preparing a file's records, upserting them by natural key
with their history, and the periods a file's sheets cover. Used by :class:`~officekit.ledger.
store.Ledger` (and :mod:`officekit.ledger.lifecycle`), one transaction at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import CursorResult, RowMapping
from sqlalchemy.sql import ColumnElement

from officekit.errors import LedgerError
from officekit.kinds import PERIOD_FIELDS
from officekit.ledger import schema
from officekit.ledger.schema import (
    COLUMNS,
    DERIVED,
    FILE_STATES,
    RECORD_TABLES,
    history,
)
from officekit.model import Record, SheetResult

_CHUNK = 500  # ids / keys per IN (...) list
_ANALYZE_MIN_ROWS = 1000  # fewer new rows than this never make a lookup plan go wrong

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


# --- record writing ------------------------------------------------------------------------

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
        raise LedgerError(key="error.ledger.no-row-id")
    return int(key[0])


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
            raise LedgerError(key="error.ledger.unknown-kind", kind=sheet.kind)
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
