"""One e-mail to one address, whatever it carries — a document (:mod:`officekit.deliver.mail`)
or a part of the day's due list (:mod:`officekit.loop.send`) — and how it goes out.

A message is identified by ``(key, address)``: ``key`` names its content (a document's
SHA-256 as sent, a due list's rows of the day). The ledger's ``sends`` table records each
attempt under that pair at once, so a message whose pair is recorded ``sent`` never goes out
again — from a re-run, another machine, or a job taken over from a killed worker.

:func:`deliver` sends the pending ones here, or hands them to ``enqueue`` (the job queue of
several machines, SPEC §12: one job per message, taken by any worker, which calls
:func:`send_recorded`). :meth:`Mail.job_args` / :meth:`Mail.from_job_args` are the job's
arguments: attachments travel as paths relative to the (shared) outbox.
"""

from __future__ import annotations

import ssl
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from officekit.deliver.recipients import Recipient
from officekit.deliver.smtp import Progress, send_each
from officekit.i18n import Message
from officekit.ledger.store import Ledger, sha256_of
from officekit.workspace import Workspace

# pending: to send; queued: a send job waits in the queue; the rest: what became of it
STATUSES = ("pending", "already-sent", "queued", "sent", "failed", "not-attempted")


@dataclass(slots=True, kw_only=True)
class Mail:
    """One message: to whom, what, the ledger's record of it, and its outcome."""

    recipient: Recipient
    subject: str
    body: str
    key: str  # the content's identity; with the address, the ledger's send record
    record_path: str  # what the ``sends`` row names (the document, or the due list's part)
    attachments: tuple[Path, ...] = ()
    key_is_attachment: bool = False  # the key is the first attachment's SHA-256 (a document)
    status: str = "pending"
    error: Message | None = None  # why it failed: kept as a code, worded in each output's language

    def outcome_json(self, lang: str = "zh") -> dict[str, Any]:
        """The part of a message's JSON every kind shares: what it carries, what became of it
        (``error`` worded in ``lang``)."""
        return {"attachments": [p.name for p in self.attachments], "subject": self.subject,
                "status": self.status, "error": self.error.text(lang) if self.error else None}

    def job_args(self, outbox: Path) -> dict[str, Any]:
        """The send job's arguments (JSON): everything a worker on another machine needs."""
        r = self.recipient
        return {"key": self.key, "email": r.email, "name": r.name, "staff_id": r.staff_id,
                "department": r.department, "relation": r.relation, "subject": self.subject,
                "body": self.body, "path": self.record_path,
                "attachments": [p.relative_to(outbox).as_posix() for p in self.attachments],
                "key_is_attachment": self.key_is_attachment}

    @classmethod
    def from_job_args(cls, args: dict[str, Any], outbox: Path) -> Mail:
        recipient = Recipient(str(args["staff_id"]), str(args["name"]), str(args["email"]),
                              str(args["department"]), str(args["relation"]))
        return cls(recipient=recipient, subject=str(args["subject"]), body=str(args["body"]),
                   key=str(args["key"]), record_path=str(args["path"]),
                   attachments=tuple(outbox / PurePosixPath(p) for p in args["attachments"]),
                   key_is_attachment=bool(args["key_is_attachment"]))


class HasStatus(Protocol):
    """Anything sent somewhere with an outcome: a message, a document to a group chat."""

    @property
    def status(self) -> str: ...


def tally(mails: Iterable[HasStatus]) -> dict[str, int]:
    """How many messages are in each status (every status named, 0 included)."""
    counts = Counter(m.status for m in mails)
    return {s: counts.get(s, 0) for s in STATUSES}


def undelivered(mails: Iterable[HasStatus]) -> int:
    """Messages that failed or were not attempted (exit code 1 of ``send``)."""
    return sum(1 for m in mails if m.status in ("failed", "not-attempted"))


Enqueue = Callable[[Sequence[Mail]], None]


def record(ledger: Ledger, mail: Mail, status: str, error: Message | None) -> None:
    """Set the outcome and record it in the ledger at once."""
    mail.status, mail.error = status, error
    ledger.record_send(mail.key, mail.recipient.email, status=status, error=error,
                       path=mail.record_path)


def deliver(ws: Workspace, ledger: Ledger, mails: Sequence[Mail], *,
            label: Callable[[Mail], str], not_attempted: Message | None = None,
            enqueue: Enqueue | None = None, ssl_context: ssl.SSLContext | None = None,
            backoff: float = 2.0, progress: Progress | None = None) -> None:
    """Send the ``pending`` messages over one connection, each recorded as it goes; with
    ``enqueue``, hand them to the job queue instead (it marks them ``queued``)."""
    pending = [m for m in mails if m.status == "pending"]
    if not pending:
        return
    if enqueue is not None:
        enqueue(pending)
        return
    send_each(ws.settings.smtp, pending, lambda m, status, error: record(ledger, m, status, error),
              label=label, not_attempted=not_attempted, ssl_context=ssl_context,
              backoff=backoff, progress=progress)


def send_recorded(ws: Workspace, ledger: Ledger, mail: Mail, *,
                  ssl_context: ssl.SSLContext | None = None, backoff: float = 2.0) -> Mail:
    """What a send job does: send ``mail`` unless the ledger records it sent, and record it.

    ``already-sent`` when it was; ``failed`` with the reason when a document changed since
    the job was queued (its content is no longer the one named) or the server refused it.
    """
    if ledger.was_sent(mail.key, mail.recipient.email):
        mail.status = "already-sent"
        return mail
    if mail.key_is_attachment and (not mail.attachments or not mail.attachments[0].is_file()
                                   or sha256_of(mail.attachments[0]) != mail.key):
        mail.status = "failed"
        mail.error = Message("mail.queued-changed")
        return mail
    deliver(ws, ledger, [mail], label=lambda m: f"→ {m.recipient.label()}",
            ssl_context=ssl_context, backoff=backoff)
    return mail
