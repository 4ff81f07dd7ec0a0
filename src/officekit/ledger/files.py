"""The files the ledger has seen (SPEC §5, the file states of §9): a file as found
(:class:`FileInfo`), storing one as accepted — its records upserted in the same transaction —,
rejected or a duplicate, and listing them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

from officekit.errors import LedgerError
from officekit.ledger import schema
from officekit.ledger.connect import Transactional
from officekit.ledger.schema import FILE_STATES, KIND_ORDER, TERMINAL_STATES, contributions, files
from officekit.ledger.writing import (
    _months,
    _new_id,
    _now,
    _prepare_all,
    _remove_uncovered_schedule,
    _upsert,
    sheet_span,
)
from officekit.model import SheetResult


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
        super().__init__(key="error.ledger.already-stored", file_id=file_id, state=state)
        self.sha256 = sha256
        self.file_id = file_id
        self.state = state


class FileStore(Transactional):
    """The file rows of :class:`~officekit.ledger.store.Ledger`: find, store, list."""

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
