"""``officekit send --kind due``: the day's due list by e-mail (SPEC §11).

Each handler (or visitor) gets their own rows in the message body; each department head gets
the department's rows with the department's sheet attached; the centre head (``[due]
escalate_to``: a 工号 or an address) gets the escalations with the whole day's list attached.
Addresses and heads come from the one :class:`~officekit.deliver.recipients.Directory`;
connection, retries and the wire format from :mod:`officekit.deliver.smtp`.

Every message is recorded in the ledger's ``sends`` table under a key made of the day, the
role, the address and the rows it carries: sending the same day's list again sends nothing
new; a list that changed during the day (a complaint came in) goes out again to those whose
rows changed.
"""

from __future__ import annotations

import hashlib
import json
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from officekit.deliver.outgoing import Enqueue, Mail, deliver, tally, undelivered
from officekit.deliver.recipients import Directory, Recipient
from officekit.deliver.smtp import Progress
from officekit.i18n import Message, t
from officekit.ledger.store import Ledger
from officekit.loop.daily import DUE_FOLDER, daily_list_path
from officekit.loop.due import DueList, due_list
from officekit.loop.export import format_due, write_due_xlsx
from officekit.workspace import Workspace

ROLES = ("handler", "head", "escalate")


@dataclass(slots=True, kw_only=True)
class DueMail(Mail):
    """One message of the day's list: in which role, the rows it carries."""

    role: str  # handler | head | escalate
    rows: DueList

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        r = self.recipient
        return {"role": self.role, "recipient": {"staff_id": r.staff_id, "name": r.name,
                                                 "email": r.email},
                "department": r.department,
                "complaints": [x.complaint_id for x in self.rows.rows()], **self.outcome_json(lang)}


@dataclass(slots=True)
class DueSendReport:
    as_of: date
    dry_run: bool
    mails: list[DueMail] = field(default_factory=list)
    unaddressed: list[tuple[str, str, Message]] = field(default_factory=list)  # role, who, why

    def count(self, status: str) -> int:
        return tally(self.mails)[status]

    @property
    def exit_code(self) -> int:
        return 1 if undelivered(self.mails) else 0

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run,
                "mails": [m.to_dict(lang) for m in self.mails],
                "unaddressed": [{"role": r, "who": w, "reason": why.text(lang)}
                                for r, w, why in self.unaddressed],
                "counts": tally(self.mails)}


def _key(as_of: date, role: str, email: str, rows: DueList) -> str:
    content = json.dumps([role, email.lower(), as_of.isoformat(),
                          [r.to_json() for r in rows.rows()]], ensure_ascii=False,
                         sort_keys=True)
    return hashlib.sha256(f"due|{content}".encode()).hexdigest()


def _message(role: str, recipient: Recipient, rows: DueList, lang: str,
             department: str = "") -> tuple[str, str]:
    c = rows.counts()
    late = c["overdue"] + c["escalate"]
    subject = t(f"due.mail.subject.{role}", lang, name=recipient.name, department=department,
                as_of=rows.as_of, count=len(rows.rows()), late=late, escalate=c["escalate"])
    body = "\n".join([t("due.mail.greeting", lang, name=recipient.name),
                      "", t(f"due.mail.intro.{role}", lang, department=department), "",
                      format_due(rows, lang), "", t("due.mail.footer", lang)]) + "\n"
    return subject, body


def _escalate_recipient(directory: Directory,
                        target: str) -> Recipient | tuple[str, Message]:
    if not target:
        return ("—", Message("due.mail.no-escalate-to"))
    name, addr = parseaddr(target)
    if "@" in addr:
        return Recipient("", name or addr, addr, "", "head")
    found, missing = directory.recipients("evaluation", staff_id=target)
    if found:
        return Recipient(found[0].staff_id, found[0].name, found[0].email, found[0].department,
                         "head")
    return (target, missing[0].reason if missing else Message.literal("—"))


def plan_due_mails(ws: Workspace, ledger: Ledger, as_of: date, *, lang: str = "zh",
                   write: bool = True) -> DueSendReport:
    """Who gets which part of the day's list; attachments written when ``write``."""
    settings = ws.settings
    due = due_list(ledger, settings, as_of)
    directory = Directory.from_ledger(ledger, settings)
    report = DueSendReport(as_of, dry_run=not write)

    def add(role: str, recipient: Recipient, rows: DueList, department: str = "",
            attachments: tuple[Path, ...] = ()) -> None:
        subject, body = _message(role, recipient, rows, lang, department)
        key = _key(as_of, role, recipient.email, rows)
        status = "already-sent" if ledger.was_sent(key, recipient.email) else "pending"
        report.mails.append(DueMail(
            role=role, recipient=recipient, rows=rows, subject=subject, body=body, key=key,
            record_path=f"{DUE_FOLDER}/{as_of.isoformat()}/{role}", attachments=attachments,
            status=status))

    handlers = sorted({r.handler_id or "" for r in due.rows()} - {""})
    for staff_id in handlers:
        found, missing = directory.recipients("evaluation", staff_id=staff_id)
        rows = due.only(lambda r, s=staff_id: r.handler_id == s)
        report.unaddressed.extend(("handler", m.who, m.reason) for m in missing)
        for recipient in found:
            add("handler", recipient, rows)
    for row in due.rows():
        if not row.handler_id:
            report.unaddressed.append(("handler", row.handler_name or row.complaint_id,
                                       Message("due.mail.no-handler")))
    day_folder = ws.outbox / DUE_FOLDER / as_of.isoformat()
    for department in due.departments():
        rows = due.only(lambda r, d=department: r.department == d)
        found, missing = directory.recipients("evaluation-summary", department=department)
        report.unaddressed.extend(("head", m.who, m.reason) for m in missing)
        if not found:
            continue
        sheet = day_folder / f"{department}_督办清单.xlsx"
        if write:
            write_due_xlsx(rows, sheet, lang)
        for recipient in found:
            add("head", recipient, rows, department, (sheet,))
    escalations = due.only(lambda r: r.level == "escalate")
    if escalations.rows():
        target = _escalate_recipient(directory, settings.due.escalate_to)
        if isinstance(target, Recipient):
            whole = daily_list_path(ws, as_of)
            if write:
                write_due_xlsx(due, whole, lang)
            add("escalate", target, escalations, attachments=(whole,))
        else:
            report.unaddressed.append(("escalate", *target))
    return report


def send_due(ws: Workspace, ledger: Ledger, as_of: date, *, lang: str = "zh",
             dry_run: bool = False, progress: Progress | None = None,
             ssl_context: ssl.SSLContext | None = None, backoff: float = 2.0,
             enqueue: Enqueue | None = None) -> DueSendReport:
    """Mail the day's list (see the module docstring); each message recorded as it goes, or
    each handed to the job queue with ``enqueue``."""
    report = plan_due_mails(ws, ledger, as_of, lang=lang, write=not dry_run)
    report.dry_run = dry_run
    if not dry_run:
        deliver(ws, ledger, report.mails, label=lambda m: f"→ {m.recipient.label()}",
                enqueue=enqueue, ssl_context=ssl_context, backoff=backoff, progress=progress)
    return report


def format_due_send(report: DueSendReport, lang: str = "zh") -> str:
    """One line per message, those who cannot be reached, the totals."""
    lines: list[str] = []
    if report.dry_run:
        lines.append(t("due.send.dry", lang))
    for m in report.mails:
        status = t(f"due.send.status.{m.status}", lang)
        lines.append(f"[{status}] {t(f'due.send.role.{m.role}', lang)} "
                     f"{m.recipient.label()}：{m.subject}")
        if m.error:
            lines.append(f"    {m.error.text(lang)}")
    for role, who, reason in report.unaddressed:
        lines.append(t("due.send.unaddressed", lang, role=t(f"due.send.role.{role}", lang),
                       who=who, reason=reason.text(lang)))
    lines.append(t("due.send.total", lang, sent=report.count("sent"),
                   pending=report.count("pending"), already=report.count("already-sent"),
                   failed=report.count("failed") + report.count("not-attempted"),
                   unaddressed=len(report.unaddressed)))
    if report.count("queued"):
        lines.append(t("due.send.queued", lang, count=report.count("queued")))
    return "\n".join(lines)
