"""deliver/outgoing.py: one message to one address, its job arguments, and what a send job does
before it sends (real SQLite ledger, real files; the sending itself is in test_mail and
test_queue_send)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deliver_data import make_workspace, write_docx
from officekit.deliver.outgoing import Mail, deliver, send_recorded, tally
from officekit.deliver.recipients import Recipient
from officekit.ledger.store import Ledger, sha256_of

ZHANG = Recipient("S001", "张伟", "zhangwei@example.com", "客服一部", "self")


def document_mail(outbox: Path) -> Mail:
    path = outbox / "2026-10" / "客服一部" / "张伟_2026-10_考核报告.docx"
    write_docx(path, "张伟 2026年10月个人考核报告")
    return Mail(recipient=ZHANG, subject="【考核报告】张伟", body="您好\n",
                key=sha256_of(path), record_path="2026-10/客服一部/张伟_2026-10_考核报告.docx",
                attachments=(path,), key_is_attachment=True)


def test_a_message_travels_as_job_arguments_relative_to_the_outbox(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    mail = document_mail(ws.outbox)
    args = mail.job_args(ws.outbox)
    assert args["attachments"] == ["2026-10/客服一部/张伟_2026-10_考核报告.docx"]
    # another machine mounts the share elsewhere: the same files under its outbox
    elsewhere = tmp_path / "mnt" / "outbox"
    back = Mail.from_job_args(args, elsewhere)
    assert back.attachments == (elsewhere / "2026-10/客服一部/张伟_2026-10_考核报告.docx",)
    assert (back.recipient, back.key, back.subject, back.body, back.record_path) == (
        ZHANG, mail.key, mail.subject, mail.body, mail.record_path)
    assert back.status == "pending" and back.key_is_attachment


def test_a_queued_document_that_changed_since_is_not_sent_under_the_old_key(
        tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")  # no [smtp]: any attempt to send would raise
    mail = document_mail(ws.outbox)
    write_docx(mail.attachments[0], "张伟 2026年10月个人考核报告", "（重新生成）")
    with Ledger.open(ws.database_url) as ledger:
        send_recorded(ws, ledger, mail)
        assert mail.status == "failed"
        assert mail.error is not None
        assert "排队后已改变" in str(mail.error) and "queued" in str(mail.error)
        assert not ledger.was_sent(mail.key, ZHANG.email)


def test_a_message_recorded_sent_is_not_sent_again(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    mail = document_mail(ws.outbox)
    with Ledger.open(ws.database_url) as ledger:
        ledger.record_send(mail.key, ZHANG.email, path=mail.record_path)
        send_recorded(ws, ledger, mail)
    assert mail.status == "already-sent" and mail.error is None


def test_deliver_hands_only_the_pending_to_the_queue(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    fresh, old = document_mail(ws.outbox), document_mail(ws.outbox)
    old.status = "already-sent"
    handed: list[Mail] = []

    def enqueue(mails: Sequence[Mail]) -> None:
        handed.extend(mails)
        for m in mails:
            m.status = "queued"
    with Ledger.open(ws.database_url) as ledger:
        deliver(ws, ledger, [fresh, old], label=str, enqueue=enqueue)
    assert handed == [fresh]
    assert {k: n for k, n in tally([fresh, old]).items() if n} == {"queued": 1,
                                                                   "already-sent": 1}
