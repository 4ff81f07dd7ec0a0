"""``officekit send`` against real SMTP servers on loopback (aiosmtpd, and rude raw sockets)."""

from __future__ import annotations

import email
import io
import shutil
import ssl
import subprocess
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import pytest

from deliver_data import (
    EXPECTED,
    PERIOD,
    STAFF,
    Collector,
    free_port,
    make_workspace,
    person,
    reopen,
    rude_server,
    smtp_server,
    smtp_toml,
    store_staff,
    write_docx,
    write_outbox,
)
from officekit.deliver.mail import (
    SendReport,
    format_send_report,
    plan_sends,
    send_documents,
)
from officekit.deliver.manifest import DOCUMENT_KINDS, ManifestRow, write_manifest_rows
from officekit.deliver.recipients import Directory, Undeliverable
from officekit.deliver.smtp import WIRE_POLICY, SmtpSetupError, build_message
from officekit.errors import SettingsError, TemplateError
from officekit.ledger.store import Ledger, sha256_of
from officekit.workspace import Workspace

FAST = 0.01  # backoff for tests: retries in milliseconds, not seconds


@pytest.fixture
def ledger(tmp_path: Path) -> Any:
    with Ledger.open(f"sqlite:///{tmp_path}/l.sqlite3") as led:
        store_staff(led)
        yield led


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def arrived(handler: Collector) -> set[tuple[str, str]]:
    """(attached document path as in the manifest, recipient) of everything received."""
    out = set()
    for _from, rcpts, raw in handler.received:
        msg = parse(raw)
        docx_name = next(p.get_filename() for p in msg.iter_attachments()
                         if str(p.get_filename()).endswith(".docx"))
        for r in rcpts:
            out.add((docx_name, r))
    return out


def names_of(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(Path(p).name, r) for p, r in pairs}


def statuses(report: SendReport) -> dict[str, int]:
    return {s: n for s, n in report.to_dict()["counts"].items() if n}


# --- sending ------------------------------------------------------------------------------------

def test_send_delivers_each_document_to_its_recipient(tmp_path: Path, ledger: Ledger) -> None:
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        write_outbox(ws)
        report = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert report.exit_code == 0
    assert statuses(report) == {"sent": 8, "unaddressed": 1}
    assert arrived(handler) == names_of(EXPECTED)
    # 李娜 has no address: listed, with the reason, not skipped silently
    [missing] = report.unaddressed
    assert (missing.who, missing.row.staff_id) == ("李娜（S002）", "S002")
    assert "没有邮箱" in missing.reason.text("zh")
    # the reason is worded where it is shown, in the language asked: one language each
    [zh] = report.to_dict("zh")["unaddressed"]
    [en] = report.to_dict("en")["unaddressed"]
    assert zh["reason"] == missing.reason.text("zh") and "no address" not in zh["reason"]
    assert "no e-mail in the staff list" in en["reason"] and "人员名单" not in en["reason"]
    assert "没有邮箱" in format_send_report(report, "zh")
    english = format_send_report(report, "en")
    assert f"李娜（S002）: {en['reason']}" in english and "人员名单" not in english
    # every delivery is in the ledger, keyed by the document's content and the address
    for d in report.deliveries:
        assert ledger.was_sent(sha256_of(d.attachments[0]), d.recipient.email)
    assert all(from_ == "kefu@example.com" for from_, _, _ in handler.received)


def test_message_has_chinese_subject_body_and_attachments_that_open(tmp_path: Path,
                                                                    ledger: Ledger) -> None:
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        write_outbox(ws)
        send_documents(ws, ledger, PERIOD, kinds=["evaluation"], backoff=FAST)
    [raw] = [raw for _, rcpts, raw in handler.received if rcpts == ["zhangwei@example.com"]]
    msg = parse(raw)
    assert msg["Subject"] == "【考核报告】张伟 2026年10月个人考核报告"
    assert str(msg["To"]) == "张伟 <zhangwei@example.com>"
    assert str(msg["From"]) == "客服中心 <kefu@example.com>"
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")  # canonical CRLF line ends
    assert text.startswith("张伟，您好！\n")
    assert "附件是您2026年10月的个人考核报告（客服一部），含 Word 和 PDF 两个版本" in text
    assert "October 2026" in text and "{{" not in text
    parts = {p.get_filename(): p for p in msg.iter_attachments()}
    assert set(parts) == {"张伟_2026-10_考核报告.docx", "张伟_2026-10_考核报告.pdf"}
    document = docx.Document(io.BytesIO(parts["张伟_2026-10_考核报告.docx"].get_content()))
    assert document.paragraphs[0].text == "张伟_2026-10_考核报告"
    assert parts["张伟_2026-10_考核报告.pdf"].get_content().startswith(b"%PDF-1.4")
    assert parts["张伟_2026-10_考核报告.pdf"].get_content_type() == "application/pdf"
    # both spellings of the name: RFC 2231 (standard) and RFC 2047 in name= (Outlook, Foxmail)
    part = parts["张伟_2026-10_考核报告.docx"]
    text_raw = raw.decode("ascii")  # the whole message is 7-bit ASCII
    assert ("Content-Disposition: attachment; filename*=utf-8''%E5%BC%A0%E4%BC%9F_2026-10_"
            "%E8%80%83%E6%A0%B8%E6%8A%A5%E5%91%8A.docx\r\n") in text_raw
    assert "filename*0" not in text_raw
    name_param = part.get_param("name", header="content-type")
    assert str(make_header(decode_header(str(name_param)))) == "张伟_2026-10_考核报告.docx"


def test_headers_are_ascii_unfolded_and_names_survive_long_filenames(tmp_path: Path) -> None:
    name = "客服一部_张伟_2026年第四季度_个人考核报告_含扣分明细与改进计划（最终版）.docx"
    path = tmp_path / name
    write_docx(path, "长文件名")
    msg = build_message("客服中心 <kefu@example.com>", "张伟", "zhangwei@example.com",
                        "【考核报告】张伟 2026年第四季度个人考核报告（含扣分明细与改进计划）",
                        "您好！\n", [path])
    raw = msg.as_bytes(policy=WIRE_POLICY)
    raw.decode("ascii")  # 7-bit clean: no 8BITMIME or SMTPUTF8 needed
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\n" in head and b"\n" not in head.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"filename*0" not in raw and b"name*0" not in raw  # no RFC 2231 continuations
    assert b"Content-Type: application/vnd.openxmlformats-officedocument" in raw
    back = parse(raw)
    [part] = list(back.iter_attachments())
    assert part.get_filename() == name
    assert str(make_header(decode_header(str(part.get_param("name"))))) == name
    assert back["Subject"] == "【考核报告】张伟 2026年第四季度个人考核报告（含扣分明细与改进计划）"
    # every encoded word within RFC 2047's 75 characters
    words = [w for w in raw.decode().replace('"', " ").split() if w.startswith("=?")]
    assert words and all(len(w.rstrip(";")) <= 75 for w in words)


def test_rerun_sends_nothing_and_a_changed_document_is_sent_again(tmp_path: Path,
                                                                  ledger: Ledger) -> None:
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        rows = write_outbox(ws)
        send_documents(ws, ledger, PERIOD, backoff=FAST)
        assert len(handler.received) == 8
        again = send_documents(ws, ledger, PERIOD, backoff=FAST)
        assert len(handler.received) == 8
        assert statuses(again) == {"already-sent": 8, "unaddressed": 1}
        assert again.exit_code == 0
        # 张伟's report rendered again with other content: a new document, sent again
        zhang = rows[0]
        write_docx(zhang.file(ws.outbox), "张伟_2026-10_考核报告", extra="（更正后）")
        write_manifest_rows(ws.outbox, [ManifestRow.for_file(
            ws.outbox, zhang.file(ws.outbox), kind="evaluation", period=PERIOD,
            department="客服一部", staff_id="S001", pdf=zhang.pdf_file(ws.outbox))])
        third = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert statuses(third) == {"sent": 1, "already-sent": 7, "unaddressed": 1}
    assert handler.received[-1][1] == ["zhangwei@example.com"]
    assert len(handler.received) == 9


def test_dry_run_lists_what_would_go_where_without_settings(tmp_path: Path,
                                                           ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws")  # no [smtp] at all
    write_outbox(ws)
    report = send_documents(ws, ledger, PERIOD, dry_run=True)
    assert report.exit_code == 0
    assert statuses(report) == {"pending": 8, "unaddressed": 1}
    assert {(d.row.path, d.recipient.email) for d in report.deliveries} == EXPECTED
    text = format_send_report(report)
    assert text.splitlines()[0] == "演练：只列出将发送的内容，不实际发送。"
    assert ("[将发送] 个人考核报告 2026-10/客服一部/张伟_2026-10_考核报告.docx +PDF → "
            "张伟 <zhangwei@example.com>") in text
    assert "    主题: 【考核报告】张伟 2026年10月个人考核报告" in text
    assert "2026-10/客服一部/李娜_2026-10_考核报告.docx → 李娜（S002）: 人员名单中没有邮箱" in text
    assert text.splitlines()[-1] == ("合计：已发送 0，待发送 8，此前已发 0，失败 0，未发送 0，"
                                     "无收件人 1，文件缺失 0。")
    english = format_send_report(report, "en")
    assert "[would send] evaluation report" in english
    assert ledger.summary()["sends"] == 0


def test_missing_host_is_a_settings_error_showing_the_toml(tmp_path: Path,
                                                           ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws")
    write_outbox(ws)
    with pytest.raises(SettingsError) as err:
        send_documents(ws, ledger, PERIOD)
    assert err.value.exit_code == 2
    text = str(err.value)
    assert text.startswith("officekit.toml: smtp.host: 没有设置发信服务器")
    assert '[smtp]\nhost = "smtp.example.com"' in text
    assert 'password_env = "OFFICEKIT_SMTP_PASSWORD"' in text
    assert "--dry-run" in text
    english = err.value.text("en")  # what `send --lang en` prints
    assert english.startswith("officekit.toml: smtp.host: no mail (SMTP) server is set")
    assert '[smtp]\nhost = "smtp.example.com"' in english and "# the mail server" in english
    assert "--dry-run" in english and "发信" not in english


def test_send_without_a_mail_server_says_so_in_english(tmp_path: Path) -> None:
    """`send --lang en` with no [smtp]: exit 2, the key, and the section to paste in."""
    from click.testing import CliRunner

    from officekit.cli import cli

    ws = make_workspace(tmp_path / "ws")
    write_outbox(ws)
    with Ledger.open(ws.database_url) as led:
        store_staff(led)
    res = CliRunner().invoke(cli, ["send", "-w", str(ws.root), "--period", PERIOD,
                                   "--lang", "en"])
    assert res.exit_code == 2, res.output
    assert "officekit.toml: smtp.host: no mail (SMTP) server is set" in res.stderr
    assert '[smtp]\nhost = "smtp.example.com"' in res.stderr
    assert "# the mail server" in res.stderr and "发信" not in res.stderr


def test_smtp_setting_errors_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    from officekit.deliver.smtp import check_smtp
    from officekit.settings import SmtpSettings

    with pytest.raises(SettingsError) as err:
        check_smtp(SmtpSettings(host="smtp.example.com", sender="客服中心"))
    assert err.value.text("en") == (
        "officekit.toml: smtp.sender: not a valid sender address: '客服中心'; "
        'e.g. sender = "Service centre <kefu@example.com>"')
    monkeypatch.delenv("TEST_SMTP_PW", raising=False)
    with pytest.raises(SettingsError) as err:
        check_smtp(SmtpSettings(host="smtp.example.com", user="kefu@example.com",
                                password_env="TEST_SMTP_PW"))
    assert err.value.text("en").startswith(
        "officekit.toml: smtp.password_env: smtp.user = 'kefu@example.com' is set but the "
        "environment variable TEST_SMTP_PW holds no password")


def test_nothing_to_send_needs_no_settings(tmp_path: Path, ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws")
    write_outbox(ws)
    report = send_documents(ws, ledger, "2026-09")
    assert report.exit_code == 0 and not report.deliveries
    assert "发件箱清单中没有 2026-09 的文档" in format_send_report(report)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_password_comes_from_the_environment(tmp_path: Path, ledger: Ledger,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    logins: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    handler = Collector()
    with smtp_server(handler, authenticator=authenticator, auth_required=True,
                     auth_require_tls=False) as port:
        toml = smtp_toml(port, user="kefu@example.com", password_env="TEST_SMTP_PW")
        ws = make_workspace(tmp_path / "ws", toml)
        write_outbox(ws)
        monkeypatch.delenv("TEST_SMTP_PW", raising=False)
        with pytest.raises(SettingsError, match="环境变量 TEST_SMTP_PW 没有密码"):
            send_documents(ws, ledger, PERIOD, backoff=FAST)
        monkeypatch.setenv("TEST_SMTP_PW", "wrong")
        with pytest.raises(SmtpSetupError, match="登录发信服务器失败") as err:
            send_documents(ws, ledger, PERIOD, backoff=FAST)
        assert err.value.exit_code == 2
        monkeypatch.setenv("TEST_SMTP_PW", "s3cret")
        report = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert report.exit_code == 0 and len(handler.received) == 8
    assert logins[0] == ("kefu@example.com", "wrong")
    assert logins[-1] == ("kefu@example.com", "s3cret")


# --- failures -----------------------------------------------------------------------------------

def test_server_failing_midway_keeps_what_went_out_and_rerun_sends_the_rest(
        tmp_path: Path, ledger: Ledger) -> None:
    flaky = Collector(fail_after=3)
    with smtp_server(flaky) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        write_outbox(ws)
        report = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert report.exit_code == 1
    assert statuses(report) == {"sent": 3, "failed": 1, "not-attempted": 4, "unaddressed": 1}
    failed = next(d for d in report.deliveries if d.status == "failed")
    assert failed.error is not None
    assert "421" in str(failed.error) and "已重试 2 次" in str(failed.error)
    text = format_send_report(report)
    assert "[失败]" in text and "[未发送]" in text
    sent_first = arrived(flaky)
    assert len(sent_first) == 3
    assert ledger.summary()["sends"] == 4  # 3 sent + 1 failed attempt recorded
    good = Collector()
    with smtp_server(good) as port2:
        ws = reopen(ws, smtp_toml(port2))
        rerun = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert rerun.exit_code == 0
    assert statuses(rerun) == {"sent": 5, "already-sent": 3, "unaddressed": 1}
    assert arrived(good) | sent_first == names_of(EXPECTED)
    assert not arrived(good) & sent_first


@pytest.mark.parametrize("greeting", [None, b"554 5.3.2 no service here\r\n",
                                      b"421 4.3.2 too busy\r\n"],
                         ids=["closes-at-once", "greets-554", "greets-421"])
def test_refused_connection_is_retried_then_reported(tmp_path: Path, ledger: Ledger,
                                                     greeting: bytes | None) -> None:
    with rude_server(greeting) as (port, accepted):
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        write_outbox(ws)
        progress: list[str] = []
        report = send_documents(ws, ledger, PERIOD, backoff=FAST, progress=progress.append)
    assert len(accepted) == 3  # the first try and smtp.retries = 2 retries
    assert sum("秒后重试" in line for line in progress) == 2
    assert report.exit_code == 1
    assert statuses(report) == {"failed": 1, "not-attempted": 7, "unaddressed": 1}
    failed = report.deliveries[0]
    assert failed.status == "failed" and failed.error is not None
    expected = {None: "服务器断开了连接", b"554 5.3.2 no service here\r\n": "554",
                b"421 4.3.2 too busy\r\n": "421"}[greeting]
    assert expected in str(failed.error)
    assert not any(ledger.was_sent(d.sha256, d.recipient.email) for d in report.deliveries)


def test_nobody_listening_is_retried_then_reported(tmp_path: Path, ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws", smtp_toml(free_port()))
    write_outbox(ws)
    report = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert report.exit_code == 1
    assert report.deliveries[0].error is not None
    assert "连接被拒绝" in str(report.deliveries[0].error)
    # each output words the reason in its language: JSON and text in English only
    first, rest = report.to_dict("en")["deliveries"][:2]
    assert first["error"] == "connection refused (after 2 retries)"
    assert rest["error"] == "not attempted after the connection failed"
    assert "连接" not in format_send_report(report, "en")


def test_a_refused_recipient_fails_alone_and_is_tried_again_next_run(tmp_path: Path,
                                                                     ledger: Ledger) -> None:
    handler = Collector(refuse={"wangfang@example.com"})
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        write_outbox(ws)
        report = send_documents(ws, ledger, PERIOD, backoff=FAST)
        assert report.exit_code == 1
        assert statuses(report) == {"sent": 7, "failed": 1, "unaddressed": 1}
        failed = next(d for d in report.deliveries if d.status == "failed")
        assert failed.recipient.email == "wangfang@example.com"
        assert failed.error is not None and "550" in str(failed.error)
        handler.refuse.clear()
        rerun = send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert statuses(rerun) == {"sent": 1, "already-sent": 7, "unaddressed": 1}
    assert handler.received[-1][1] == ["wangfang@example.com"]


def test_missing_document_file_is_reported(tmp_path: Path, ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws")
    rows = write_outbox(ws)
    rows[2].file(ws.outbox).unlink()
    report = send_documents(ws, ledger, PERIOD, dry_run=True)
    assert [r.path for r in report.missing_files] == [rows[2].path]
    assert report.exit_code == 1
    assert f"清单中有、但文件不存在：\n  {rows[2].path}" in format_send_report(report)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for a test cert")
def test_starttls_with_a_self_signed_certificate(tmp_path: Path, ledger: Ledger) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    handler = Collector()
    with smtp_server(handler, tls_context=server_ctx, require_starttls=True) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port).replace(
            'security = "none"', 'security = "starttls"'))
        write_outbox(ws)
        # the system's trust store does not know the test certificate: a settings problem
        with pytest.raises(SmtpSetupError, match="加密连接失败"):
            send_documents(ws, ledger, PERIOD, backoff=FAST)
        report = send_documents(ws, ledger, PERIOD, backoff=FAST, ssl_context=client_ctx)
    assert report.exit_code == 0 and len(handler.received) == 8


def test_starttls_refused_by_a_plain_server_is_a_settings_error(tmp_path: Path,
                                                                ledger: Ledger) -> None:
    with smtp_server(Collector()) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port).replace(
            'security = "none"', 'security = "starttls"'))
        write_outbox(ws)
        with pytest.raises(SmtpSetupError, match="不支持 STARTTLS") as err:
            send_documents(ws, ledger, PERIOD, backoff=FAST)
    assert err.value.exit_code == 2
    assert ledger.summary()["sends"] == 0


# --- choosing what to send ----------------------------------------------------------------------

def test_kind_and_department_filters(tmp_path: Path, ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws")
    write_outbox(ws)
    only = plan_sends(ws, ledger, PERIOD, department="客服二部")
    assert {(Path(d.row.path).name, d.recipient.email) for d in only.deliveries} == {
        ("杨洋_2026-10_考核报告.docx", "yangyang@example.com"),
        ("客服二部_岗位职责手册.docx", "chenjing@example.com"),
        ("2026-10_投诉分析报告.docx", "chenjing@example.com"),  # to this department's head only
    }
    summaries = plan_sends(ws, ledger, "2026年10月", kinds=["evaluation-summary", "handbook"])
    assert [d.recipient.name for d in summaries.deliveries] == ["刘强", "陈静"]
    assert summaries.period == "2026-10"


def test_workspace_template_wins_and_a_broken_one_stops_before_sending(tmp_path: Path,
                                                                       ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws")
    write_outbox(ws)
    (ws.templates / "mail_handbook.txt").write_text(
        "\ufeffSubject: 请张贴：{{ department }}手册\n\n{{ recipient_name }}：见附件。\n",
        encoding="utf-8")
    [d] = plan_sends(ws, ledger, PERIOD, kinds=["handbook"]).deliveries
    assert (d.subject, d.body) == ("请张贴：客服二部手册", "陈静：见附件。\n")
    (ws.templates / "mail_handbook.txt").write_text("主题：{{ departmen }}\n\n正文\n",
                                                     encoding="utf-8")
    with pytest.raises(TemplateError, match=r"mail_handbook\.txt") as err:
        plan_sends(ws, ledger, PERIOD, kinds=["handbook"])
    assert "department" in str(err.value)  # the hint lists the variables there are
    (ws.templates / "mail_handbook.txt").write_text("主题：{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="第 1 行有语法错误"):
        plan_sends(ws, ledger, PERIOD, kinds=["handbook"])


def test_packaged_and_repository_mail_templates_are_the_same() -> None:
    import officekit

    packaged = Path(officekit.__file__).parent / "templates"
    repo = Path(__file__).parent.parent / "templates"
    names = sorted(p.name for p in packaged.glob("mail_*.txt"))
    assert names == sorted(f"mail_{k}.txt" for k in DOCUMENT_KINDS)
    for name in names:
        assert (repo / name).read_bytes() == (packaged / name).read_bytes(), name


# --- recipients ---------------------------------------------------------------------------------

def test_department_heads_from_the_chain_the_roles_and_the_settings() -> None:
    d = Directory(STAFF)
    assert d.head("客服一部")["staff_id"] == "S010"  # 上级 outside the department
    assert d.head("客服二部")["staff_id"] == "S020"  # no 上级
    assert d.head("管理部")["staff_id"] == "S100"
    flat = [person("A1", "甲", "综合部", "客服专员", None, "a@x"),
            person("A2", "乙", "综合部", "综合部主管", None, "b@x"),
            person("A3", "丙", "综合部", "部门经理", None, "c@x")]
    assert Directory(flat).head("综合部")["staff_id"] == "A3"  # 经理 before 主管
    tie = [person("B1", "丁", "质检部", "质检员", None, "d@x"),
           person("B2", "戊", "质检部", "质检员", None, "e@x")]
    none = Directory(tie).head("质检部")
    assert isinstance(none, Undeliverable)
    assert "无法确定部门负责人（候选：丁（B1）、戊（B2））" in none.reason.text("zh")
    assert '[departments.质检部] head = "工号"' in none.reason.text("zh")
    assert "无法" not in none.reason.text("en") and "丁（B1）" in none.reason.text("en")
    assert Directory(tie, {"质检部": "B2"}).head("质检部")["name"] == "戊"
    bad = Directory(tie, {"质检部": "B9"}).head("质检部")
    assert isinstance(bad, Undeliverable) and "B9 不在人员名单中" in bad.reason.text("zh")


def test_who_cannot_receive_is_said() -> None:
    staff = [*STAFF, person("S004", "孙丽", "客服一部", "客服专员", "S010", "sunli@example.com",
                            status="离职")]
    d = Directory(staff)
    got, missing = d.recipients("evaluation", staff_id="S004")
    assert not got and "已离职" in missing[0].reason.text("zh")
    assert missing[0].reason.text("en") == "has left; not sent"
    got, missing = d.recipients("evaluation", staff_id="S999")
    assert not got and missing[0].who == "S999"
    got, _ = d.recipients("evaluation", staff_id="S999", fallback_email="s999@example.com")
    assert [r.email for r in got] == ["s999@example.com"]
    got, missing = d.recipients("complaints")
    assert [r.name for r in got] == ["刘强", "陈静", "赵敏"]  # 客服一部, 客服二部, 管理部
    assert not missing


def test_head_of_two_departments_gets_one_copy() -> None:
    d = Directory(STAFF, {"客服一部": "S100", "管理部": "S100"})
    got, _ = d.recipients("visits")
    assert [r.email for r in got] == ["zhaomin@example.com", "chenjing@example.com"]


def test_workspace_init_copies_the_mail_templates(tmp_path: Path) -> None:
    from officekit.workspace import init_workspace

    ws: Workspace = init_workspace(tmp_path / "new")
    assert (ws.templates / "mail_evaluation.txt").read_text(encoding="utf-8").startswith("{#")


def _send_in_a_process(ws: Workspace, *extra: str, terminal: bool) -> tuple[int, str]:
    """``officekit send`` run as a user runs it, its stderr on a pseudo-terminal (as in a
    console window) or on a pipe (as in a log); returns the exit code and what stderr got."""
    import os
    import sys
    import threading

    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm", "COLUMNS": "120"}
    env.pop("OFFICEKIT_WORKSPACE", None)
    args = [sys.executable, "-m", "officekit", "send", "-w", str(ws.root), "--period", PERIOD,
            *extra]
    if not terminal:
        proc = subprocess.run(args, capture_output=True, env=env, timeout=120, check=False)
        return proc.returncode, proc.stderr.decode("utf-8")
    import pty

    master, slave = pty.openpty()
    got: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            got.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    finally:
        os.close(slave)
    code = child.wait(timeout=120)
    reader.join(timeout=30)
    os.close(master)
    return code, b"".join(got).decode("utf-8", errors="replace")


def test_send_shows_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """Sending is long work like rendering: the count of messages sent (and the time left) on
    a terminal; nothing of it in a log, a pipe, or with --quiet."""
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port))
        with Ledger.open(ws.database_url) as led:
            store_staff(led)
        zhang = write_outbox(ws)[0]
        code, screen = _send_in_a_process(ws, terminal=True)
        assert code == 0, screen
        assert "发送" in screen and "8/8" in screen and "\x1b[" in screen
        assert len(handler.received) == 8
        write_docx(zhang.file(ws.outbox), "张伟_2026-10_考核报告", extra="（更正后）")
        write_manifest_rows(ws.outbox, [ManifestRow.for_file(
            ws.outbox, zhang.file(ws.outbox), kind="evaluation", period=PERIOD,
            department="客服一部", staff_id="S001", pdf=zhang.pdf_file(ws.outbox))])
        code, log = _send_in_a_process(ws, terminal=False)
        assert len(handler.received) == 9  # the changed document went out
        assert "/1" not in log and "\x1b[" not in log and "发送 " not in log
        code, quiet = _send_in_a_process(ws, "-q", terminal=True)
        assert "/0" not in quiet and "\x1b[" not in quiet
