"""``officekit send --via wecom|dingtalk``: a period's documents to the office's group chat.

* **WeCom** (企业微信): each document is uploaded and posted as a file message (its PDF too when
  one was made), then one text message sums them up.
* **DingTalk** (钉钉): a custom robot cannot carry files, so one markdown message lists the new
  documents and where they are (the outbox on the share).

Like e-mail, each document is recorded in the ledger's ``sends`` table per (content,
destination) as soon as the robot takes it: a re-run sends only what has not gone, a document
rendered again unchanged is not sent again, a changed one is. The destination is the robot
(``wecom:<hash of its webhook>``), so a second robot gets everything once too. Personal
evaluation reports are not posted to a group unless ``--kind evaluation`` asks for them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from officekit.console import expect
from officekit.deliver.manifest import DOCUMENT_KINDS, ManifestRow
from officekit.deliver.report import (
    KIND_TITLES,
    STATUS_LABELS,
    DocumentsReport,
    period_key,
)
from officekit.deliver.robot import (
    Progress,
    RobotClient,
    RobotRefused,
    RobotSetupError,
    RobotUnreachable,
)
from officekit.errors import SettingsError, UsageError
from officekit.i18n import Message, t
from officekit.kpis.periods import Period
from officekit.ledger.store import Ledger
from officekit.settings import WebhookSettings
from officekit.workspace import Workspace

VIAS = ("wecom", "dingtalk")
GROUP_KINDS = tuple(k for k in DOCUMENT_KINDS if k != "evaluation")  # nothing personal


@dataclass(slots=True)
class GroupDelivery:
    """One document (and its PDF) to the group, and what became of it."""

    row: ManifestRow
    files: tuple[Path, ...]
    sha256: str
    status: str = "pending"  # pending | already-sent | sent | failed | not-attempted
    error: str | None = None

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """As JSON (``error`` is already in the language of the report)."""
        return {"path": self.row.path, "kind": self.row.kind, "department": self.row.department,
                "sha256": self.sha256, "files": [p.name for p in self.files],
                "status": self.status, "error": self.error}


@dataclass(slots=True, kw_only=True)
class GroupReport(DocumentsReport[GroupDelivery]):
    """What ``send --via wecom|dingtalk`` did (or, dry, would do); and the summary message."""

    via: str
    destination: str
    summary: str = ""  # the text / markdown posted with the documents
    summary_status: str = "none"  # none | pending | sent | already-sent | failed
    rate_limit_waits: int = 0

    def trouble(self) -> int:
        return DocumentsReport.trouble(self) + (self.summary_status == "failed")

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The report as ``send --format json`` prints it (its texts are in the language it
        was made in; ``lang`` is for the same call as the mail report's)."""
        return {"via": self.via, "destination": self.destination} | self.base_dict(lang) | {
            "summary": {"status": self.summary_status, "text": self.summary},
            "rate_limit_waits": self.rate_limit_waits}


def robot_settings(ws: Workspace, via: str) -> WebhookSettings:
    if via not in VIAS:
        raise UsageError(key="chat.unknown-via", via=via)
    settings: WebhookSettings = getattr(ws.settings, via)
    return settings


def destination(via: str, settings: WebhookSettings) -> str:
    """How the ledger names the robot: never its key, which is a secret."""
    return f"{via}:{hashlib.sha256(settings.webhook.encode('utf-8')).hexdigest()[:16]}"


def plan_group(ws: Workspace, ledger: Ledger, period: str, via: str, *,
               kinds: Collection[str] = (), department: str | None = None) -> GroupReport:
    """The period's documents for the group robot ``via``, each marked pending or sent before."""
    settings = robot_settings(ws, via)
    key = period_key(period)
    dest = destination(via, settings)
    report = GroupReport(via=via, destination=dest, period=key, dry_run=False)
    wanted = tuple(kinds) or GROUP_KINDS
    for row, files, sha in report.documents(ws.outbox, wanted, department):
        status = "already-sent" if ledger.was_sent(sha, dest) else "pending"
        report.deliveries.append(GroupDelivery(row, files, sha, status))
    return report


def send_to_group(ws: Workspace, ledger: Ledger, period: str, via: str, *,
                  kinds: Collection[str] = (), department: str | None = None,
                  dry_run: bool = False, lang: str = "zh", progress: Progress | None = None,
                  backoff: float = 1.0, sleep: Callable[[float], None] | None = None,
                  ) -> GroupReport:
    """Post the period's documents the robot ``via`` has not had yet; see the module doc.

    ``backoff`` is the first retry's wait; ``sleep`` replaces :func:`time.sleep` (tests).
    """
    report = plan_group(ws, ledger, period, via, kinds=kinds, department=department)
    report.dry_run = dry_run
    settings = robot_settings(ws, via)
    pending = [d for d in report.deliveries if d.status == "pending"]
    _summarise(ws, ledger, report, lang, sent=("pending", "already-sent"))
    if dry_run or (not pending and report.summary_status != "pending"):
        return report
    if not settings.webhook:
        raise SettingsError(f"{via}.webhook", "webhook-missing")
    kw: dict[str, Any] = {"backoff": backoff, "progress": progress, "lang": lang}
    if sleep is not None:
        kw["sleep"] = sleep
    if via == "wecom":
        from officekit.deliver.wecom import CODES as WECOM

        with RobotClient(settings, WECOM, **kw) as client:
            try:
                _send_wecom(ws, client, ledger, report, pending, lang, progress)
            finally:
                report.rate_limit_waits = client.waits
    else:
        from officekit.deliver.dingtalk import CODES as DINGTALK

        with RobotClient(settings, DINGTALK, **kw) as client:
            try:
                _send_dingtalk(client, ledger, report, pending, lang)
            finally:
                report.rate_limit_waits = client.waits
    return report


def _summarise(ws: Workspace, ledger: Ledger, report: GroupReport, lang: str, *,
               sent: tuple[str, ...]) -> None:
    """Set the report's summary (of the documents in states ``sent``) and whether it is due."""
    if report.via == "wecom":
        report.summary = wecom_summary(ws, report, lang, sent)
    else:
        report.summary = dingtalk_summary(ws, report, lang)
    if not report.summary:
        report.summary_status = "none"
    elif ledger.was_sent(_summary_sha(report, sent), report.destination):
        report.summary_status = "already-sent"
    else:
        report.summary_status = "pending"


def _send_wecom(ws: Workspace, client: RobotClient, ledger: Ledger, report: GroupReport,
                pending: list[GroupDelivery], lang: str, progress: Progress | None) -> None:
    from officekit.deliver.wecom import WeComRobot

    robot = WeComRobot(client)
    expect(progress, len(pending))
    for i, delivery in enumerate(pending):
        try:
            for path in delivery.files:
                robot.send_file(path)
        except RobotRefused as exc:
            _finish(ledger, report, delivery, "failed", exc.as_message(), lang)
        except (RobotUnreachable, RobotSetupError) as exc:
            _finish(ledger, report, delivery, "failed", exc.as_message(), lang)
            _not_attempted(report, pending[i + 1:])
            report.summary_status = "none"
            if isinstance(exc, RobotSetupError):
                raise
            return
        else:
            _finish(ledger, report, delivery, "sent", None, lang)
        if progress:  # a step of the bar (count and time left on a terminal)
            progress(delivery.row.path)
    # the summary covers what the group has now; unchanged since the last one, it is not sent
    _summarise(ws, ledger, report, lang, sent=("sent", "already-sent"))
    if report.summary_status != "pending":
        return
    summary_sha = _summary_sha(report, ("sent", "already-sent"))
    try:
        robot.send_text(report.summary)
    except (RobotRefused, RobotUnreachable) as exc:
        report.summary_status = "failed"
        ledger.record_send(summary_sha, report.destination, status="failed",
                           error=exc.as_message(), path="summary")
        return
    report.summary_status = "sent"
    ledger.record_send(summary_sha, report.destination, path="summary")


def _send_dingtalk(client: RobotClient, ledger: Ledger, report: GroupReport,
                   pending: list[GroupDelivery], lang: str) -> None:
    from officekit.deliver.dingtalk import DingTalkRobot

    robot = DingTalkRobot(client)
    title = t("chat.dingtalk.title", lang, period=_label(report.period, lang))
    try:
        robot.send_markdown(title, report.summary)
    except (RobotRefused, RobotUnreachable) as exc:
        for delivery in pending:
            _finish(ledger, report, delivery, "failed", exc.as_message(), lang)
        report.summary_status = "failed"
        return
    for delivery in pending:
        _finish(ledger, report, delivery, "sent", None, lang)
    report.summary_status = "sent"
    ledger.record_send(_summary_sha(report, ("pending",)), report.destination, path="summary")


def _finish(ledger: Ledger, report: GroupReport, delivery: GroupDelivery, status: str,
            why: Message | None, lang: str) -> None:
    """The outcome, worded for the report in ``lang``; the ledger keeps ``why`` as a code."""
    delivery.status, delivery.error = status, why.text(lang) if why else None
    ledger.record_send(delivery.sha256, report.destination, status=status, error=why,
                       path=delivery.row.path)


def _not_attempted(report: GroupReport, rest: list[GroupDelivery]) -> None:
    for delivery in rest:
        delivery.status = "not-attempted"


def _summary_sha(report: GroupReport, states: tuple[str, ...]) -> str:
    """The summary's identity: the content of the documents it speaks of, so a document sent
    again in a new version brings a new summary, an unchanged set none (in either language)."""
    digest = hashlib.sha256(b"summary")
    for d in report.deliveries:
        if d.status in states:
            digest.update(d.sha256.encode("ascii"))
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# The summary messages


def _label(period: str, lang: str) -> str:
    try:
        return Period.parse(period).label(lang)
    except UsageError:
        return period


def _title(row: ManifestRow, lang: str) -> str:
    zh, en = KIND_TITLES.get(row.kind, (row.kind, row.kind))
    title = en if lang == "en" else zh
    return f"{title}（{row.department}）" if row.department and lang != "en" else (
        f"{title} ({row.department})" if row.department else title)


def wecom_summary(ws: Workspace, report: GroupReport, lang: str,
                  states: tuple[str, ...] = ("sent", "already-sent")) -> str:
    """The text posted after the files: every document of the period the group has had.

    It depends only on that set, so a re-run that sends nothing new posts no second summary,
    and one whose summary failed last time posts it now.
    """
    rows = [d for d in report.deliveries if d.status in states]
    if not rows:
        return ""
    lines = [t("chat.summary.head", lang, period=_label(report.period, lang), count=len(rows))]
    lines += [f"· {_title(d.row, lang)}：{d.files[0].name}" if lang != "en"
              else f"· {_title(d.row, lang)}: {d.files[0].name}" for d in rows]
    lines.append(t("chat.summary.where", lang, path=str(ws.outbox)))
    return "\n".join(lines)


def dingtalk_summary(ws: Workspace, report: GroupReport, lang: str) -> str:
    """The markdown of the documents the DingTalk group has not been told about yet."""
    rows = [d for d in report.deliveries if d.status == "pending"]
    if not rows:
        return ""
    lines = [f"### {t('chat.dingtalk.title', lang, period=_label(report.period, lang))}", ""]
    lines += [f"- **{_title(d.row, lang)}**：`{d.row.path}`" if lang != "en"
              else f"- **{_title(d.row, lang)}**: `{d.row.path}`" for d in rows]
    lines += ["", t("chat.summary.where", lang, path=str(ws.outbox))]
    return "\n".join(lines)


def format_group_report(report: GroupReport, lang: str = "zh") -> str:
    """The report as the CLI prints it: one line per document, then the totals."""
    en = lang == "en"
    robot = t(f"chat.via.{report.via}", lang)
    lines: list[str] = []
    if report.dry_run:
        lines.append(t("chat.dry-run", lang, robot=robot))
    if not (report.deliveries or report.missing_files):
        lines.append(t("chat.nothing", lang, period=report.period))
        return "\n".join(lines)
    lines += report.delivery_lines(
        status_text=lambda d: t("chat.would-send", lang) if report.dry_run
        and d.status == "pending" else STATUS_LABELS[d.status][1 if en else 0],
        title=lambda d: _title(d.row, lang), files=lambda d: len(d.files), to=lambda d: robot)
    for r in report.missing_files:
        lines.append(t("chat.missing", lang, path=r.path))
    if report.rate_limit_waits:
        lines.append(t("chat.waited", lang, count=report.rate_limit_waits, robot=robot))
    if report.summary_status in ("sent", "failed"):
        lines.append(t(f"chat.summary.{report.summary_status}", lang))
    lines.append(t("chat.total", lang, sent=report.count("sent"),
                   pending=report.count("pending"), before=report.count("already-sent"),
                   failed=report.count("failed"), skipped=report.count("not-attempted"),
                   missing=len(report.missing_files)))
    return "\n".join(lines)
