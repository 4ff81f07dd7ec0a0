"""``officekit send --kind due`` against the real loopback SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import io
import json
from datetime import datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from deliver_data import Collector, make_workspace, smtp_server, smtp_toml, store_staff
from officekit.cli import cli
from officekit.ledger.store import Ledger
from officekit.workspace import Workspace
from test_ledger import complaint, info, sheet

AS_OF = "2026-10-20"


def messages(handler: Collector) -> dict[str, EmailMessage]:
    out = {}
    for _from, rcpts, raw in handler.received:
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        for r in rcpts:
            out[r] = msg
    return out


def body_of(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def setup(ws: Workspace) -> None:
    with Ledger.open(ws.database_url) as ledger:
        store_staff(ledger)
        ledger.store_accepted(info("c.xlsx"), [sheet("complaints",
            # 张伟 (客服一部): 7 working days from 09-30 → 10-15; on 10-20 three days late
            complaint("C1", datetime(2026, 9, 30, 9), "处理中", handler_id="S001",
                      handler_name="张伟"),
            complaint("C2", datetime(2026, 10, 19, 9), "待处理", handler_id="S001",
                      handler_name="张伟"),
            complaint("C3", datetime(2026, 10, 19, 10), "待处理", department="客服二部",
                      handler_id="S021", handler_name="杨洋"),
            complaint("C4", datetime(2026, 10, 19, 11), "待处理", handler_id="S002",
                      handler_name="李娜"))], [])


def test_send_due_twice_the_second_time_sends_nothing(tmp_path: Path) -> None:
    handler = Collector()
    with smtp_server(handler) as port:
        ws = make_workspace(tmp_path / "ws", smtp_toml(port) + '\n[due]\nescalate_to = "S100"\n')
        setup(ws)
        runner = CliRunner()
        args = ["send", "-w", str(ws.root), "--kind", "due", "--as-of", AS_OF, "-q"]
        dry = runner.invoke(cli, [*args, "--dry-run", "--format", "json"])
        assert dry.exit_code == 0, dry.output
        assert handler.received == []
        first = runner.invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
        assert first.exit_code == 0, first.output
        report = json.loads(first.stdout)
        got = messages(handler)
        assert set(got) == {"zhangwei@example.com", "yangyang@example.com",
                            "liuqiang@example.com", "chenjing@example.com",
                            "zhaomin@example.com"}
        assert report["counts"]["sent"] == 5
        # 李娜 has no address: named, with the reason
        assert any(u["who"].startswith("李娜") and "邮箱" in u["reason"]
                   for u in report["unaddressed"])
        assert all(" / " not in u["reason"] for u in report["unaddressed"])
        # each handler their own rows, in the body
        zhang = body_of(got["zhangwei@example.com"])
        assert "C1" in zhang and "C2" in zhang and "C3" not in zhang
        assert "提级督办" in zhang and "已超期 3 个工作日" in zhang
        assert got["zhangwei@example.com"]["Subject"].startswith("【督办】张伟")
        # each head the department's rows, with the department's sheet attached
        head = got["liuqiang@example.com"]
        assert "C4" in body_of(head) and "C3" not in body_of(head)
        [attachment] = list(head.iter_attachments())
        assert attachment.get_filename() == "客服一部_督办清单.xlsx"
        book = load_workbook(io.BytesIO(attachment.get_content()))
        ids = sorted(c.value for c in book["客服一部"]["C"][1:])
        assert ids == ["C1", "C2", "C4"]
        # escalations to the centre head, with the whole list
        top = got["zhaomin@example.com"]
        assert top["Subject"].startswith("【提级督办】")
        assert "C1" in body_of(top) and "C2" not in body_of(top)
        assert [p.get_filename() for p in top.iter_attachments()] == [
            "2026-10-20_督办清单.xlsx"]

        count = len(handler.received)
        second = runner.invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
        assert second.exit_code == 0
        again = json.loads(second.stdout)["counts"]
        assert (again["sent"], again["already-sent"], again["pending"]) == (0, 5, 0)
        assert len(handler.received) == count  # nothing new went out
        text = runner.invoke(cli, args).output
        assert "今天已发过" in text and "已发送 0" in text


def test_send_due_without_escalate_to_says_how_to_set_it(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    setup(ws)
    res = CliRunner().invoke(cli, ["send", "-w", str(ws.root), "--kind", "due", "--as-of",
                                   AS_OF, "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "escalate_to" in res.output and "演练" in res.output
    assert "未设置提级督办的收件人" in res.output and "no recipient" not in res.output
    # in English: the reasons (no escalation recipient, 李娜's missing address) in English only
    en = CliRunner().invoke(cli, ["--lang", "en", "send", "-w", str(ws.root), "--kind", "due",
                                  "--as-of", AS_OF, "--dry-run", "--format", "json"])
    assert en.exit_code == 0, en.output
    reasons = {u["role"]: u["reason"] for u in json.loads(en.stdout)["unaddressed"]}
    assert reasons["escalate"].startswith("no recipient for escalations: set [due] escalate_to")
    assert reasons["handler"].startswith("no e-mail in the staff list")
    assert not any("未设置" in r or "人员名单" in r for r in reasons.values())
    bad = CliRunner().invoke(cli, ["send", "-w", str(ws.root), "--kind", "due", "--period",
                                   "2026-10"])
    assert bad.exit_code == 2
    assert CliRunner().invoke(cli, ["send", "-w", str(ws.root)]).exit_code == 2
