"""Deliveries the ledger remembers: one row per attempt to send a document's content to one
recipient, so the same content never goes to the same person twice."""

from __future__ import annotations

from sqlalchemy import insert, select

from officekit.errors import LedgerError
from officekit.i18n import Message
from officekit.ledger import schema
from officekit.ledger.connect import Transactional
from officekit.ledger.schema import sends
from officekit.ledger.writing import _new_id, _now


class SendStore(Transactional):
    """The sends of :class:`~officekit.ledger.store.Ledger`."""

    def record_send(self, doc_sha256: str, recipient: str, *, status: str = "sent",
                    error: Message | str | None = None, path: str | None = None) -> int:
        """Record one e-mail delivery attempt of a document (``sent`` or ``failed``).

        ``error`` (why it failed) is kept as its catalogue key and params (JSON) when it is a
        :class:`~officekit.i18n.Message`: :func:`officekit.i18n.shown` words it in either
        language; a row of an older version holds its finished text."""
        if status not in schema.SEND_STATUSES:
            raise LedgerError(key="error.ledger.unknown-send-status", status=status)
        with self._transaction(write=True) as conn:
            result = conn.execute(insert(sends).values(
                doc_sha256=doc_sha256, recipient=recipient, path=path, sent_at=_now(),
                status=status, error=error.stored() if isinstance(error, Message) else error))
        return _new_id(result)

    def was_sent(self, doc_sha256: str, recipient: str) -> bool:
        """Whether this document content was already sent to this recipient successfully."""
        with self._transaction() as conn:
            found = conn.execute(select(sends.c.id).where(
                sends.c.doc_sha256 == doc_sha256, sends.c.recipient == recipient,
                sends.c.status == "sent").limit(1)).first()
        return found is not None
