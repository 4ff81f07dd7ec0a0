"""The ledger keeps an issue's code and params, not its finished text; the catalogue makes the
message in the language asked when it is read. Rows stored before (with their finished text)
are shown as they were. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from officekit.cli import cli
from officekit.deliver.index import collect_rejected
from officekit.ledger.store import FileInfo, Ledger
from officekit.model import Issue, stored_message
from officekit.workspace import Workspace

TODAY = "2026-11-23"
FLAWED = "投诉登记表_已办结缺办结时间.xlsx"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    assert run("sample", "-q", folder).exit_code == 0
    return folder / "有问题的样例" / FLAWED


def test_a_rejected_files_issues_are_stored_as_codes_and_read_in_either_language(
        flawed: Path, tmp_path: Path, ledger_url: str) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    with (ws / "officekit.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[database]\nurl = "{ledger_url}"\n')
    shown = {}
    for lang in ("zh", "en"):  # what the command printed, in each language
        res = run("validate", "-w", ws, "--lang", lang, "--today", TODAY, "--format", "json",
                  flawed)
        shown[lang] = [i["message"] for i in json.loads(res.stdout)["files"][0]["issues"]]
    res = run("ingest", "-w", ws, "-q", "--today", TODAY, "--format", "json", flawed)
    assert res.exit_code == 1, res.output
    with Ledger.open(ledger_url) as ledger:
        [row] = ledger.recent_files(5)
        stored = row["issues"]
    assert row["state"] == "rejected" and stored
    assert all("message" not in i and isinstance(i["params"], dict) for i in stored)
    assert {i["code"] for i in stored} >= {"status-fields"}
    assert [stored_message(i, "zh") for i in stored] == shown["zh"]
    assert [stored_message(i, "en") for i in stored] == shown["en"]
    # the outbox index lists the reasons, from the codes, in Chinese
    [rejected] = collect_rejected(Workspace.open(ws), Ledger.open(ledger_url))
    errors = [stored_message(i, "zh") for i in stored if i["severity"] == "error"]
    assert [why for _, why in rejected.reasons] == errors
    assert any("办结时间" in why for why in errors)


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    with Ledger.open(ledger_url) as led:
        yield led


def test_a_row_stored_with_finished_text_is_shown_as_it_is(ledger: Ledger) -> None:
    """Before codes and params were kept, the ledger had the message as text."""
    old = [{"severity": "error", "code": "required", "cell": "B4", "row": 4,
            "message": "“投诉编号”为必填项，但此处为空。 / old text"}]
    info = FileInfo("a" * 64, "old.xlsx", "/in/old.xlsx", 10, datetime(2026, 10, 1))
    fid = ledger.store_rejected(info, old, "/ws/outbox/rejected/old.校验结果.xlsx")
    row = ledger.file(fid)
    assert row is not None
    assert [stored_message(i, "en") for i in row["issues"]] == [
        "“投诉编号”为必填项，但此处为空。 / old text"]


def test_params_keep_what_the_message_shows() -> None:
    """Dates, datetimes, sets and booleans go through JSON and back to the same text."""
    issue = Issue("error", "schedule-clash", sheet="排班", row=5, col=3, column="日期",
                  value=datetime(2026, 10, 5, 0, 0),
                  params={"person": "张三", "date": date(2026, 10, 5), "shift_name": "早班",
                          "hours": "08:00–16:00", "other_date": datetime(2026, 10, 5, 8, 30),
                          "other_shift": "白班", "other_hours": "09:00–17:00",
                          "other_sheet": "排班2", "other_cell": "D7"})
    kept = json.loads(json.dumps(issue.to_stored(), ensure_ascii=False))
    for lang in ("zh", "en"):
        assert stored_message(kept, lang) == issue.message(lang)
    listed = Issue("error", "enum", column="状态", value="完成",
                   params={"allowed": {"已办结", "处理中", "待处理"}, "suggestion": "已办结"})
    kept = json.loads(json.dumps(listed.to_stored(), ensure_ascii=False))
    for lang in ("zh", "en"):
        assert stored_message(kept, lang) == listed.message(lang)


# --------------------------------------------------------------------------------------------
# why a file failed (files.message) and why a send failed (sends.error)


def test_why_a_file_failed_is_stored_as_a_code_and_worded_in_the_language_asked(
        tmp_path: Path, ledger_url: str) -> None:
    from officekit.errors import PdfError, failure_of

    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    with (ws / "officekit.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[database]\nurl = "{ledger_url}"\n')
    with Ledger.open(ledger_url) as ledger:
        for sha, name in (("a" * 64, "新.xlsx"), ("b" * 64, "旧.xlsx"), ("c" * 64, "库.xlsx")):
            assert ledger.claim(sha, name, f"/in/{name}", "test")
        new = ledger.find_file("a" * 64)
        old = ledger.find_file("b" * 64)
        lib = ledger.find_file("c" * 64)
        assert new and old and lib
        ledger.set_state(new["id"], "failed", message=failure_of(
            PdfError(key="error.pdf.timed-out", name="甲.docx", seconds=30)))
        # a row written before the ledger kept codes: its finished text
        ledger.set_state(old["id"], "failed", message="OSError: 磁盘出错 / disk error")
        ledger.set_state(lib["id"], "failed", message=failure_of(OSError("No space left")))
        stored = ledger.find_file("a" * 64)
    assert stored is not None
    kept = json.loads(stored["message"])  # code and params, no finished text
    assert kept["key"] == "error.failed-with" and kept["params"]["type"] == "PdfError"
    assert kept["params"]["detail"] == {"key": "error.pdf.timed-out",
                                       "params": {"name": "甲.docx", "seconds": 30}}
    shown = {}
    for lang in ("zh", "en"):
        res = run("status", "-w", ws, "--lang", lang, "--format", "json")
        assert res.exit_code == 0, res.output
        shown[lang] = {f["name"]: f["message"] for f in json.loads(res.stdout)["stuck"]}
    assert shown["zh"]["新.xlsx"] == "处理出错（PdfError）：甲.docx 转换为 PDF 超时（30 秒）"
    assert shown["en"]["新.xlsx"] == "PdfError: Converting 甲.docx to PDF timed out after 30 s"
    assert shown["zh"]["旧.xlsx"] == shown["en"]["旧.xlsx"] == "OSError: 磁盘出错 / disk error"
    assert shown["en"]["库.xlsx"] == "OSError: No space left"
    text = run("status", "-w", ws, "--lang", "en").stdout
    assert "timed out after 30 s" in text and "超时" not in text


def test_why_a_send_failed_is_stored_as_a_code(ledger: Ledger) -> None:
    from sqlalchemy import select

    from officekit.i18n import Message, shown
    from officekit.ledger.schema import sends

    why = Message("smtp.exhausted", {"retries": 3, "detail": Message("smtp.refused")})
    ledger.record_send("d" * 64, "a@example.com", status="failed", error=why)
    ledger.record_send("e" * 64, "b@example.com", status="failed", error="old / 旧")
    with ledger.transaction() as conn:
        kept = dict(conn.execute(select(sends.c.recipient, sends.c.error)).all())
    assert json.loads(kept["a@example.com"])["key"] == "smtp.exhausted"
    assert shown(kept["a@example.com"], "en") == why.text("en")
    assert shown(kept["a@example.com"], "zh") == why.text("zh")
    assert "3" in why.text("en") and why.text("en") != why.text("zh")
    assert shown(kept["b@example.com"], "en") == "old / 旧"
