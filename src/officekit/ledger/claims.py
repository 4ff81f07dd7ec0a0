"""The watcher's state machine on the file rows (SPEC §9): claim a file's content for
processing — exactly one of several concurrent callers wins —, take over one a crashed watcher
left, move a file between states (terminal states are final).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from officekit.errors import LedgerError
from officekit.i18n import Message
from officekit.ledger import schema
from officekit.ledger.connect import Transactional
from officekit.ledger.schema import FILE_STATES, TERMINAL_STATES, files
from officekit.ledger.writing import _now


class ClaimStore(Transactional):
    """Claims and file states of :class:`~officekit.ledger.store.Ledger`."""

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
        set again (e.g. to record ``destination`` after the archive move). A ``message`` given
        as a :class:`~officekit.i18n.Message` is kept as its key and params (JSON), worded
        when read (:func:`officekit.i18n.shown`).
        """
        if state not in FILE_STATES:
            raise LedgerError(key="error.ledger.unknown-state", state=state)
        unknown = set(fields) - self._SETTABLE
        if unknown:
            raise LedgerError(key="error.ledger.unknown-columns", columns=sorted(unknown))
        if isinstance(fields.get("message"), Message):
            fields = {**fields, "message": fields["message"].stored()}
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
