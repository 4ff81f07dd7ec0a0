"""Reading records back: the queries the validator, the KPIs, the documents and status ask
the ledger. A mixin of :class:`~officekit.ledger.store.Ledger`, which gives it transactions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    extract,
    func,
    select,
)
from sqlalchemy.sql import ColumnElement

from officekit.errors import LedgerError
from officekit.kinds import FieldType
from officekit.ledger import schema
from officekit.ledger.connect import Transactional
from officekit.ledger.schema import (
    COLUMNS,
    RECORD_TABLES,
    files,
    history,
)
from officekit.ledger.writing import (
    SPAN_FIELDS,
    FileSpan,
    _as_day,
    _between,
    _chunks,
    _stored_span,
)
from officekit.model import Record

# A record's keys (docs/architecture.md), in order: its fields, ``extra``, its provenance.
_RECORD_KEYS: dict[str, tuple[str, ...]] = {
    kind: (*COLUMNS[kind], "extra", "_file_id", "_sheet", "_row", "_col", "_key", "_updated_at")
    for kind in RECORD_TABLES
}
# The column of each record key that is not a field of the same name.
_KEY_COLUMNS = {"_file_id": "file_id", "_sheet": "sheet", "_row": "row", "_col": "col",
                "_key": "natural_key", "_updated_at": "updated_at"}


class RecordQueries(Transactional):
    """The record queries of :class:`~officekit.ledger.store.Ledger`."""

    def _records(self, kind: str, *where: ColumnElement[bool], order: Iterable[Any] = (),
                 fields: Sequence[str] | None = None) -> list[Record]:
        """Records of ``kind``; ``fields``: only these keys of each (fields, ``extra`` or
        provenance such as ``_file_id``) — a caller that reads a few of a record's twenty
        keys from thousands of rows leaves the rest (long texts) in the database."""
        table = RECORD_TABLES[kind]
        keys = _RECORD_KEYS[kind] if fields is None else tuple(fields)
        columns = [table.c[_KEY_COLUMNS.get(key, key)] for key in keys]
        with self._transaction() as conn:
            # fetched in one call and zipped with the keys: a month's schedule is ~10,000
            # rows, and a mapping per row cost more than the query
            rows = conn.execute(select(*columns).where(*where)
                                .order_by(*order, table.c.id)).all()
        records: list[Record] = [dict(zip(keys, row, strict=True)) for row in rows]
        if "extra" in keys:
            for record in records:
                if not record["extra"]:
                    record["extra"] = {}
        return records

    def staff(self) -> list[Record]:
        """Every staff record (any status), by 工号."""
        return self._records("staff", order=(RECORD_TABLES["staff"].c.staff_id,))

    def staff_all(self) -> list[Record]:
        """LedgerView: every staff record held."""
        return self.staff()

    def complaints(self, start: date | datetime | None = None,
                   end: date | datetime | None = None,
                   fields: Sequence[str] | None = None) -> list[Record]:
        """Complaints with ``start <= received_at < end`` (either bound may be None);
        ``fields``: only these keys of each."""
        t = RECORD_TABLES["complaints"]
        return self._records("complaints", *_between(t.c.received_at, start, end),
                             order=(t.c.received_at, t.c.complaint_id), fields=fields)

    def complaints_all(self) -> list[Record]:
        """Every complaint held."""
        return self.complaints()

    def complaints_by_id(self, ids: Collection[str],
                         fields: Sequence[str] | None = None) -> dict[str, Record]:
        """LedgerView: the stored complaints among ``ids`` (complaint_id → record);
        ``fields``: only these keys of each (complaint_id always)."""
        if fields is not None and "complaint_id" not in fields:
            fields = ("complaint_id", *fields)
        t = RECORD_TABLES["complaints"]
        wanted = set(ids)
        if len(wanted) > 2000:
            # a whole register against the ledger: narrow to the ids held, one cheap column
            # scan, instead of hundreds of IN queries that mostly find nothing
            with self._transaction() as conn:
                wanted &= {row[0] for row in conn.execute(select(t.c.complaint_id))}
        found: dict[str, Record] = {}
        for chunk in _chunks(wanted):
            for rec in self._records("complaints", t.c.complaint_id.in_(chunk),
                                     fields=fields):
                found[rec["complaint_id"]] = rec
        return found

    def complaint_ids(self, limit: int) -> list[str] | None:
        """The complaint_id of every complaint held, or None when more than ``limit`` are
        (validate hands them to its reading child while they are few; see validate.pipeline)."""
        t = RECORD_TABLES["complaints"]
        with self._transaction() as conn:
            ids = [row[0] for row in conn.execute(select(t.c.complaint_id).limit(limit + 1))]
        return ids if len(ids) <= limit else None

    def visits(self, start: date | datetime | None = None,
               end: date | datetime | None = None,
               fields: Sequence[str] | None = None) -> list[Record]:
        """Visits with ``start <= visited_at < end`` (either bound may be None);
        ``fields``: only these keys of each."""
        t = RECORD_TABLES["visits"]
        return self._records("visits", *_between(t.c.visited_at, start, end),
                             order=(t.c.visited_at,), fields=fields)

    def visits_for_complaints(self, ids: Collection[str],
                              fields: Sequence[str] | None = None) -> list[Record]:
        """Visits linked by complaint_id to any of ``ids``, by visited_at; ``fields``: only
        these keys of each (and what they are ordered by: visited_at, _key)."""
        t = RECORD_TABLES["visits"]
        if fields is not None:
            fields = (*fields, *(k for k in ("visited_at", "_key") if k not in fields))
        found = [rec for chunk in _chunks(set(ids))
                 for rec in self._records("visits", t.c.complaint_id.in_(chunk),
                                          fields=fields)]
        return sorted(found, key=lambda r: (r["visited_at"], r["_key"]))

    def visits_for_complaints_received(self, start: date | datetime, end: date | datetime,
                                       fields: Sequence[str] | None = None) -> list[Record]:
        """What :meth:`visits_for_complaints` gives for the complaints received with ``start
        <= received_at < end``, in one query (a month is thousands of complaint ids)."""
        t, c = RECORD_TABLES["visits"], RECORD_TABLES["complaints"]
        if fields is not None:
            fields = (*fields, *(k for k in ("visited_at", "_key") if k not in fields))
        received = select(c.c.complaint_id).where(*_between(c.c.received_at, start, end))
        found = self._records("visits", t.c.complaint_id.in_(received), fields=fields)
        return sorted(found, key=lambda r: (r["visited_at"], r["_key"]))

    def schedule(self, start: date, end: date,
                 fields: Sequence[str] | None = None) -> list[Record]:
        """Schedule entries with ``start <= date <= end`` (inclusive), by date and person;
        ``fields``: only these keys of each (the KPIs read five of a record's eighteen)."""
        t = RECORD_TABLES["schedule"]
        return self._records("schedule", t.c.date >= start, t.c.date <= end,
                             order=(t.c.date, t.c.person, t.c.shift), fields=fields)

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
            raise LedgerError(key="error.ledger.unknown-kind", kind=kind)
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

    def has_records(self, start: date, end: date) -> bool:
        """Whether any complaint, visit or schedule entry is dated ``start`` – ``end``
        (inclusive days): :meth:`periods` for one span, an index probe per kind instead of
        reading every date held."""
        after = datetime.combine(end, datetime.min.time()) + timedelta(days=1)
        with self._transaction() as conn:
            for kind, column in self._PERIOD_COLUMNS:
                col = RECORD_TABLES[kind].c[column]
                bounds = (col >= start, col <= end) if COLUMNS[kind][column] is FieldType.DATE \
                    else _between(col, start, after)
                if conn.execute(select(col).where(*bounds).limit(1)).first() is not None:
                    return True
        return False

    def periods(self) -> list[str]:
        """Months (``2026-10``) that have complaints, visits or schedule entries, ascending."""
        months: set[str] = set()
        with self._transaction() as conn:
            for kind, column in self._PERIOD_COLUMNS:
                col = RECORD_TABLES[kind].c[column]
                query = select(extract("year", col), extract("month", col)).distinct()
                months.update(f"{int(y):04d}-{int(m):02d}" for y, m in conn.execute(query))
        return sorted(months)

