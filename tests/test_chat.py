"""``send --via wecom|dingtalk`` against real HTTP servers on loopback that answer like the
WeCom and DingTalk group robots (tests/robot_servers.py): files, summaries, signatures,
retries, rate limits, and nothing sent twice."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from deliver_data import PERIOD, make_workspace, store_staff, write_docx, write_outbox
from officekit.cli import cli
from officekit.deliver.chat import GroupReport, destination, send_to_group
from officekit.deliver.dingtalk import sign, signed_url
from officekit.deliver.robot import RobotSetupError
from officekit.deliver.wecom import fit, upload_url
from officekit.ledger.store import Ledger, sha256_of
from officekit.workspace import Workspace
from robot_servers import DINGTALK_SECRET, robot_server, robots_toml

FAST = 0.001
GROUP_DOCS = {"客服一部_2026-10_部门考核汇总.docx", "客服二部_岗位职责手册.docx",
              "2026-10_投诉分析报告.docx"}


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(f"sqlite:///{tmp_path}/l.sqlite3") as led:
        store_staff(led)
        yield led


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OFFICEKIT_DINGTALK_SECRET", DINGTALK_SECRET)
    return DINGTALK_SECRET


def send(ws: Workspace, ledger: Ledger, via: str = "wecom", **kw: Any) -> tuple[GroupReport,
                                                                                 list[float]]:
    waits: list[float] = []
    report = send_to_group(ws, ledger, PERIOD, via, backoff=FAST, sleep=waits.append, **kw)
    return report, waits


def counts(report: GroupReport) -> dict[str, int]:
    return {k: v for k, v in report.to_dict()["counts"].items() if v}


# --- WeCom --------------------------------------------------------------------------------------

def test_wecom_posts_each_group_document_as_a_file_then_a_summary(tmp_path: Path,
                                                                   ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        report, _ = send(ws, ledger)
    assert report.exit_code == 0 and counts(report) == {"sent": 3}
    assert set(robot.files()) == GROUP_DOCS  # personal evaluation reports stay out of a group
    for media_id, (name, data) in robot.uploads.items():
        [doc] = ws.outbox.rglob(name)
        assert data == doc.read_bytes(), media_id
    [summary] = robot.texts()
    assert "2026年10月" in summary and "共 3 份" in summary
    assert all(name in summary for name in GROUP_DOCS)
    assert robot.messages[-1]["msgtype"] == "text"  # files first, the summary after them
    # recorded per (content, robot); the robot's key is not written into the ledger
    dest = report.destination
    assert dest.startswith("wecom:") and "693a91f6" not in dest
    for d in report.deliveries:
        assert ledger.was_sent(d.sha256, dest)


def test_wecom_rerun_sends_nothing_and_a_changed_document_goes_again(tmp_path: Path,
                                                                      ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        send(ws, ledger)
        before = len(robot.requests)
        again, _ = send(ws, ledger)
        assert len(robot.requests) == before  # not one request
        assert counts(again) == {"already-sent": 3} and again.summary_status == "already-sent"
        changed = ws.outbox / "2026-10" / "2026-10_投诉分析报告.docx"
        write_docx(changed, "投诉分析报告", "更正了一条投诉。")
        third, _ = send(ws, ledger)
    assert counts(third) == {"sent": 1, "already-sent": 2}
    assert robot.files()[-1] == changed.name
    assert len(robot.texts()) == 2  # the group hears of the new version once


def test_personal_reports_only_when_asked_with_their_pdf(tmp_path: Path,
                                                         ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        report, _ = send(ws, ledger, kinds=("evaluation",), department="客服一部")
    assert counts(report) == {"sent": 3}
    assert "张伟_2026-10_考核报告.pdf" in robot.files()  # the PDF goes with its document


def test_a_failed_upload_is_retried(tmp_path: Path, ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        robot.script += [("upload", 503), ("upload", {"errcode": -1, "errmsg": "system busy"})]
        report, waits = send(ws, ledger)
    assert report.exit_code == 0 and counts(report) == {"sent": 3}
    assert [o for e, o in robot.requests if e == "upload"][:3] == ["HTTP 503", "-1", "0"]
    assert waits == [FAST, FAST * 2]  # exponential backoff between the tries
    assert set(robot.files()) == GROUP_DOCS


def test_a_rate_limit_answer_is_waited_out(tmp_path: Path, ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        robot.script.append(("send", {"errcode": 45009, "errmsg": "api freq out of limit"}))
        report, waits = send(ws, ledger)
    assert report.exit_code == 0 and counts(report) == {"sent": 3}
    assert report.rate_limit_waits == 1 and waits == [0.05]  # [wecom] rate_limit_wait
    assert set(robot.files()) == GROUP_DOCS and len(robot.texts()) == 1
    assert "频繁" in _format(report)


def test_an_unreachable_robot_stops_the_run_and_a_rerun_sends_the_rest(
        tmp_path: Path, ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        send(ws, ledger, kinds=("complaints",))  # one document out before the trouble
        robot.script += [("upload", 502)] * 3  # retries = 2: three tries, all failing
        report, _ = send(ws, ledger)
        assert report.exit_code == 1
        assert counts(report) == {"already-sent": 1, "failed": 1, "not-attempted": 1}
        assert "试了 3 次" in str(report.deliveries[0].error)
        rerun, _ = send(ws, ledger)
    assert rerun.exit_code == 0 and counts(rerun) == {"sent": 2, "already-sent": 1}
    assert sorted(robot.files()) == sorted(GROUP_DOCS)


def test_a_failed_summary_is_posted_by_the_next_run(tmp_path: Path, ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        robot.script.append(("send:text", {"errcode": 40058,
                                           "errmsg": "content exceed max length"}))
        robot.script.insert(0, ("upload", {"errcode": 0, "errmsg": "ok", "type": "file",
                                           "media_id": ""}))  # no media id: refused, goes on
        first, _ = send(ws, ledger)
        assert first.exit_code == 1 and counts(first) == {"sent": 2, "failed": 1}
        assert first.summary_status == "failed" and robot.texts() == []
        second, _ = send(ws, ledger)
    assert second.exit_code == 0 and counts(second) == {"sent": 1, "already-sent": 2}
    assert second.summary_status == "sent" and len(robot.texts()) == 1


def test_a_wrong_key_is_a_settings_error(tmp_path: Path, ledger: Ledger) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base, key="not-the-key"))
        write_outbox(ws)
        with pytest.raises(RobotSetupError) as info:
            send(ws, ledger)
    assert info.value.exit_code == 2
    assert "93000" in info.value.text() and "webhook" in info.value.text("en")
    assert robot.messages == []


def test_dry_run_and_nothing_to_send_need_no_robot(tmp_path: Path, ledger: Ledger) -> None:
    ws = make_workspace(tmp_path / "ws", "")
    write_outbox(ws)
    report, _ = send(ws, ledger, dry_run=True)
    assert counts(report) == {"pending": 3} and "将发送" in _format(report)


def _format(report: GroupReport) -> str:
    from officekit.deliver.chat import format_group_report

    return format_group_report(report)


def test_wecom_addresses_and_text_limit() -> None:
    url = upload_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K")
    assert url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/upload_media?key=K&type=file"
    long = "\n".join(f"第 {i} 行：客服一部_2026-10_部门考核汇总.docx" for i in range(200))
    cut = fit(long)
    assert len(cut.encode("utf-8")) <= 2048 and cut.endswith("…")


# --- DingTalk -----------------------------------------------------------------------------------

def test_dingtalk_signed_markdown_lists_new_documents_once(tmp_path: Path, ledger: Ledger,
                                                          secret: str) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        report, _ = send(ws, ledger, "dingtalk")
        again, _ = send(ws, ledger, "dingtalk")
    assert report.exit_code == 0 and counts(report) == {"sent": 3}
    [message] = robot.messages  # the re-run posted nothing
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["title"] == "2026年10月的文档"
    assert all(name in message["markdown"]["text"] for name in GROUP_DOCS)
    assert counts(again) == {"already-sent": 3}
    assert report.destination != destination("wecom", ws.settings.wecom)


def test_dingtalk_wrong_secret_is_a_settings_error(tmp_path: Path, ledger: Ledger,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICEKIT_DINGTALK_SECRET", "SECwrong")
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        with pytest.raises(RobotSetupError) as info:
            send(ws, ledger, "dingtalk")
    assert "310000" in info.value.text() and robot.messages == []


def test_dingtalk_rate_limit_waited_out(tmp_path: Path, ledger: Ledger, secret: str) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        write_outbox(ws)
        robot.script.append(("send", {"errcode": 130101,
                                      "errmsg": "send too fast, exceed 20 times per minute"}))
        report, waits = send(ws, ledger, "dingtalk")
    assert report.exit_code == 0 and report.rate_limit_waits == 1 and waits == [0.05]
    assert len(robot.messages) == 1


def test_dingtalk_signature_as_documented() -> None:
    # the documented recipe: Base64(HMAC-SHA256(secret, f"{timestamp}\n{secret}")), URL-encoded
    assert sign("SECabc", 1700000000000) == "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM="
    url = signed_url("https://oapi.dingtalk.com/robot/send?access_token=T", "SECabc",
                     1700000000000)
    assert url == ("https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
                   "&sign=jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D")


# --- the command ---------------------------------------------------------------------------------

def test_send_via_wecom_from_the_command_line(tmp_path: Path, secret: str) -> None:
    with robot_server() as (base, robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        with Ledger.open(ws.database_url) as led:
            store_staff(led)
        write_outbox(ws)
        runner = CliRunner()
        dry = runner.invoke(cli, ["send", "--via", "wecom", "--period", PERIOD, "-w",
                                  str(ws.root), "--dry-run"])
        assert dry.exit_code == 0 and robot.messages == []
        res = runner.invoke(cli, ["-w", str(ws.root), "send", "--via", "wecom", "--period",
                                  PERIOD, "--format", "json", "-q"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["via"] == "wecom" and data["counts"]["sent"] == 3
        assert data["summary"]["status"] == "sent"
        again = runner.invoke(cli, ["send", "--via", "wecom", "--period", PERIOD, "-w",
                                    str(ws.root), "--lang", "en"])
        assert again.exit_code == 0 and "3 sent before" in again.output
        ding = runner.invoke(cli, ["send", "--via", "dingtalk", "--period", PERIOD, "-w",
                                   str(ws.root)])
        assert ding.exit_code == 0, ding.output
    assert len(robot.files()) == 3 and len(robot.messages) == 5  # 3 files, 1 text, 1 markdown


def test_send_via_a_robot_without_a_webhook_is_exit_two(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "")
    write_outbox(ws)
    res = CliRunner().invoke(cli, ["send", "--via", "wecom", "--period", PERIOD, "-w",
                                   str(ws.root), "--lang", "en"])
    assert res.exit_code == 2
    assert "wecom.webhook" in res.output and "not set" in res.output


def test_a_document_rendered_again_unchanged_is_not_sent_again(tmp_path: Path,
                                                                ledger: Ledger) -> None:
    with robot_server() as (base, _robot):
        ws = make_workspace(tmp_path / "ws", robots_toml(base))
        rows = write_outbox(ws)
        send(ws, ledger)
        path = ws.outbox / rows[-1].path
        data = path.read_bytes()
        os.utime(path, (1, 1))
        path.write_bytes(data)  # same content, new mtime
        again, _ = send(ws, ledger)
    assert counts(again) == {"already-sent": 3}
    [same] = [d for d in again.deliveries if d.row.path == rows[-1].path]
    assert sha256_of(path) == same.sha256
