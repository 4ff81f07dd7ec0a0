"""``officekit send``: e-mail each generated document to the people it is for (issue 5).

The documents are the rows of ``outbox/manifest.csv`` of one period; who gets each one is
decided by :mod:`officekit.deliver.recipients` from the ledger's staff list. Each message has a
Chinese subject and body from ``templates/mail_<kind>.txt`` (Jinja text; the workspace's copy
wins over the packaged one) and carries the .docx, and the PDF when one was made.

Every attempt is recorded in the ledger's ``sends`` table, keyed by the SHA-256 of the document
*as sent* and the recipient's address, at once after the server accepts it — so a run that
fails halfway keeps what went out, and a re-run sends only the rest. A document rendered again
with different content is a new document and is sent again (the data behind it changed, e.g.
a corrected complaint); rendered again unchanged, it is not.

Connection trouble (refused, dropped, timed out, 4xx) is retried ``smtp.retries`` times with
exponential backoff, reconnecting each time; when that is exhausted the run stops and reports
the rest as not attempted. A message the server refuses for good (5xx for the recipient or
the data) is recorded as failed and the run goes on. Settings problems (no host, no password,
TLS refused, bad login) raise :class:`~officekit.errors.SettingsError` /
:class:`~officekit.deliver.smtp.SmtpSetupError` (exit code 2) before or instead of sending.
"""

from __future__ import annotations

import ssl
from collections.abc import Collection
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from officekit.deliver.manifest import DOCUMENT_KINDS, ManifestRow
from officekit.deliver.outgoing import Enqueue, Mail, deliver, tally
from officekit.deliver.recipients import RELATION, Directory, Recipient
from officekit.deliver.report import (
    KIND_TITLES,
    STATUS_LABELS,
    DocumentsReport,
    period_key,
)
from officekit.deliver.smtp import Progress
from officekit.errors import TemplateError, UsageError
from officekit.i18n import Message, t
from officekit.kpis.periods import Period
from officekit.ledger.store import Ledger
from officekit.settings import SmtpSettings
from officekit.workspace import Workspace

# --------------------------------------------------------------------------------------------
# What is sent where


@dataclass(slots=True, kw_only=True)
class Delivery(Mail):
    """One document to one recipient (its key: the document's SHA-256 as sent)."""

    row: ManifestRow
    key_is_attachment: bool = True

    @property
    def sha256(self) -> str:
        """The document's SHA-256 as sent (the message's key)."""
        return self.key

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        r = self.recipient
        return {"path": self.row.path, "kind": self.row.kind, "department": self.row.department,
                "staff_id": self.row.staff_id, "sha256": self.key,
                "recipient": {"staff_id": r.staff_id, "name": r.name, "email": r.email,
                              "relation": r.relation}, **self.outcome_json(lang)}


@dataclass(slots=True)
class Unaddressed:
    """A document someone should receive but cannot (no address, no head, has left)."""

    row: ManifestRow
    who: str
    reason: Message


@dataclass(slots=True, kw_only=True)
class SendReport(DocumentsReport[Delivery]):
    """The outcome of ``officekit send`` by e-mail (or its dry run); and who cannot be sent
    what they should have."""

    unaddressed: list[Unaddressed] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The report as ``send --format json`` prints it (texts in ``lang``)."""
        return self.base_dict(lang, unaddressed=len(self.unaddressed)) | {
            "unaddressed": [{"path": u.row.path, "kind": u.row.kind, "who": u.who,
                             "reason": u.reason.text(lang)} for u in self.unaddressed]}


# --------------------------------------------------------------------------------------------
# Mail templates


_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_SUBJECT_PREFIXES = ("主题：", "主题:", "Subject:", "subject:")


def mail_template_name(kind: str) -> str:
    """``mail_<kind>.txt``: the subject/body template of a document kind."""
    return f"mail_{kind}.txt"


class MailTemplates:
    """The mail templates of a workspace, each compiled once. First line: the subject."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._compiled: dict[str, tuple[Path, jinja2.Template]] = {}

    def _load(self, kind: str) -> tuple[Path, jinja2.Template]:
        if kind not in self._compiled:
            path = self._ws.template_path(mail_template_name(kind))
            try:
                text = path.read_text(encoding="utf-8-sig")  # Notepad may add a BOM
            except OSError as exc:
                raise TemplateError(key="error.mail.template-unreadable", path=str(path),
                                    detail=str(exc)) from exc
            try:
                self._compiled[kind] = (path, _ENV.from_string(text))
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(key="error.mail.template-syntax", path=str(path),
                                    line=exc.lineno, detail=exc.message) from exc
        return self._compiled[kind]

    def render(self, kind: str, context: dict[str, Any]) -> tuple[str, str]:
        """The subject and body of a message about a ``kind`` document."""
        path, template = self._load(kind)
        try:
            text = template.render(context)
        except jinja2.TemplateError as exc:
            raise TemplateError(key="error.mail.template-failed", path=str(path),
                                detail=str(exc), variables=", ".join(sorted(context))) from exc
        lines = text.splitlines()
        while lines and not lines[0].strip():
            lines.pop(0)
        subject = lines.pop(0).strip() if lines else ""
        for prefix in _SUBJECT_PREFIXES:
            subject = subject.removeprefix(prefix).strip()
        if not subject:
            raise TemplateError(key="error.mail.no-subject", path=str(path))
        while lines and not lines[0].strip():
            lines.pop(0)
        return subject, "\n".join(lines).rstrip() + "\n"


def _sender_name(smtp: SmtpSettings) -> str:
    name, addr = parseaddr(smtp.sender or smtp.user)
    return name or addr or "办公室"


def _context(row: ManifestRow, recipient: Recipient, attachments: tuple[Path, ...],
             directory: Directory, smtp: SmtpSettings) -> dict[str, Any]:
    try:
        period = Period.parse(row.period)
        label, label_en = period.label_zh, period.label_en
    except UsageError:
        label = label_en = row.period
    title, title_en = KIND_TITLES.get(row.kind, (row.kind, row.kind))
    relation, relation_en = RELATION[recipient.relation]
    return {
        "recipient_name": recipient.name, "recipient_email": recipient.email,
        "relation": relation, "relation_en": relation_en,
        "kind": row.kind, "kind_title": title, "kind_title_en": title_en,
        "period": row.period, "period_label": label, "period_label_en": label_en,
        "department": row.department, "staff_id": row.staff_id,
        "staff_name": directory.name_of(row.staff_id) if row.staff_id else "",
        "filename": attachments[0].name, "attachments": [p.name for p in attachments],
        "has_pdf": len(attachments) > 1, "sender_name": _sender_name(smtp),
        "generated_at": row.time.strftime("%Y-%m-%d %H:%M") if row.time else "",
    }


# --------------------------------------------------------------------------------------------
# Planning


def plan_sends(ws: Workspace, ledger: Ledger, period: str, *, kinds: Collection[str] = (),
               department: str | None = None) -> SendReport:
    """What ``send`` would do for ``period``: each document, its recipients, and who has none.

    Nothing is sent. Deliveries the ledger has already recorded as sent (same content, same
    address) are marked ``already-sent``; the rest ``pending``. Every message is rendered
    here, so a broken mail template fails before anything goes out.
    """
    unknown = [k for k in kinds if k not in DOCUMENT_KINDS]
    if unknown:
        raise UsageError(key="error.mail.unknown-kind", unknown=unknown, kinds=DOCUMENT_KINDS)
    key = period_key(period)
    report = SendReport(period=key, dry_run=False)
    directory = Directory.from_ledger(ledger, ws.settings)
    templates = MailTemplates(ws)
    for row, attachments, sha in report.documents(ws.outbox, kinds, department):
        recipients, missing = directory.recipients(
            row.kind, department=row.department, staff_id=row.staff_id,
            fallback_email=row.recipient, only_department=department)
        report.unaddressed.extend(Unaddressed(row, m.who, m.reason) for m in missing)
        for recipient in recipients:
            subject, body = templates.render(
                row.kind, _context(row, recipient, attachments, directory, ws.settings.smtp))
            status = "already-sent" if ledger.was_sent(sha, recipient.email) else "pending"
            report.deliveries.append(Delivery(
                row=row, recipient=recipient, attachments=attachments, key=sha,
                record_path=row.path, subject=subject, body=body, status=status))
    return report


# --------------------------------------------------------------------------------------------
# Sending


def send_documents(ws: Workspace, ledger: Ledger, period: str, *, kinds: Collection[str] = (),
                   department: str | None = None, dry_run: bool = False,
                   progress: Progress | None = None, ssl_context: ssl.SSLContext | None = None,
                   backoff: float = 2.0, enqueue: Enqueue | None = None) -> SendReport:
    """E-mail the period's documents that have not gone to their recipients yet.

    With ``dry_run`` nothing is sent and no setting is needed: the report says what would go
    where. Otherwise each message is recorded in the ledger as soon as the server accepts it
    (or refuses it for good). ``ssl_context`` replaces the system's certificate checks (tests
    with a self-signed server); ``backoff`` is the first retry's wait in seconds.
    """
    report = plan_sends(ws, ledger, period, kinds=kinds, department=department)
    report.dry_run = dry_run
    if dry_run:
        return report
    deliver(ws, ledger, report.deliveries,
            label=lambda d: f"{d.record_path} → {d.recipient.label()}",
            not_attempted=Message("mail.not-attempted"),
            enqueue=enqueue, ssl_context=ssl_context, backoff=backoff, progress=progress)
    return report


# --------------------------------------------------------------------------------------------
# Text output


def format_send_report(report: SendReport, lang: str = "zh") -> str:
    """The report as the CLI prints it: one line per delivery, the undeliverable, the totals."""

    def pick(pair: tuple[str, str]) -> str:
        return pair[1] if lang == "en" else pair[0]

    lines: list[str] = []
    if report.dry_run:
        lines.append(t("mail.dry-run", lang))
    if not (report.deliveries or report.unaddressed or report.missing_files):
        lines.append(t("mail.nothing", lang, period=report.period))
        return "\n".join(lines)

    def to_send(d: Delivery) -> bool:
        return report.dry_run and d.status == "pending"

    lines += report.delivery_lines(
        status_text=lambda d: t("mail.would-send", lang) if to_send(d)
        else pick(STATUS_LABELS[d.status]),
        title=lambda d: pick(KIND_TITLES.get(d.row.kind, (d.row.kind,) * 2)),
        files=lambda d: len(d.attachments), to=lambda d: d.recipient.label(),
        details=lambda d: ["    " + t("mail.subject", lang, subject=d.subject)]
        if to_send(d) else [], lang=lang)
    if report.unaddressed:
        lines.append(t("mail.undeliverable", lang))
        lines.extend(f"  {u.row.path} → {u.who}: {u.reason.text(lang)}" for u in report.unaddressed)
    if report.missing_files:
        lines.append(t("mail.missing", lang))
        lines.extend(f"  {r.path}" for r in report.missing_files)
    counts = tally(report.deliveries)
    lines.append(t("mail.total", lang, sent=counts["sent"], queued=counts["queued"] or "",
                   pending=counts["pending"], before=counts["already-sent"],
                   failed=counts["failed"], skipped=counts["not-attempted"],
                   unaddressed=len(report.unaddressed), missing=len(report.missing_files)))
    return "\n".join(lines)
