"""Seeing and undoing what went into the ledger (SPEC §5): files, retract, re-ingest.

The ledger tests run on a real SQLite file and on a real PostgreSQL database when one is
configured (``--pg-url``; .ci/run does): both back-ends must give the same results.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from officekit.errors import UsageError
from officekit.ledger.lifecycle import RetractRefused, find_file, list_files, retract
from officekit.ledger.store import Ledger
from test_ledger import complaint, info, sheet, shift, staff

DT = datetime


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """A new ledger on each back-end (SQLite file; PostgreSQL when configured, conftest)."""
    with Ledger.open(ledger_url) as led:
        yield led


def c(cid: str, status: str = "待处理", day: int = 5, **kw: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if status == "已办结":
        extra = {"resolved_at": DT(2026, 10, day + 1, 10), "resolution": "已致歉"}
    return complaint(cid, DT(2026, 10, day, 9), status, **{**extra, **kw})


def store(ledger: Ledger, name: str, *sheets: Any, sha: str | None = None) -> int:
    return ledger.store_accepted(info(name, sha), list(sheets), [])


def status_of(ledger: Ledger) -> dict[str, tuple[str, int]]:
    return {r["complaint_id"]: (r["status"], r["_file_id"]) for r in ledger.complaints_all()}


def test_retract_a_file_that_inserted(ledger: Ledger) -> None:
    a = store(ledger, "a.xlsx", sheet("complaints", c("C1"), c("C2")))
    b = store(ledger, "b.xlsx", sheet("complaints", c("C3")))
    plan = retract(ledger, "a.xlsx", by="tester@pc")
    assert plan.counts()["removed"] == {"complaints": 2}
    assert plan.periods == {"2026-10"}
    assert status_of(ledger) == {"C3": ("待处理", b)}
    row = ledger.file(a)
    assert row is not None and row["state"] == "retracted"
    listed = {f["name"]: f for f in list_files(ledger)}
    assert listed["a.xlsx"]["state"] == "retracted"
    assert listed["a.xlsx"]["retracted_by"] == "tester@pc"
    assert listed["a.xlsx"]["rows_inserted"] is None  # its contribution is gone
    assert listed["a.xlsx"]["periods"] == ["2026-10"]
    # the removed version is kept in the history, reason "retracted"
    assert [h["_reason"] for h in ledger.history("complaints", "C1")] == ["retracted"]


def test_retract_a_file_that_updated(ledger: Ledger) -> None:
    a = store(ledger, "a.xlsx", sheet("complaints", c("C1"), c("C2")))
    store(ledger, "b.xlsx", sheet("complaints", c("C1", "已办结"), c("C4", day=20)))
    listed = {f["name"]: f for f in list_files(ledger)}
    assert (listed["b.xlsx"]["rows_inserted"], listed["b.xlsx"]["rows_updated"]) == (1, 1)
    assert listed["b.xlsx"]["kinds"] == ["complaints"]
    plan = retract(ledger, "b.xlsx")
    assert plan.counts() == {"removed": {"complaints": 1}, "restored": {"complaints": 1},
                             "kept": {}, "reinserted": {}}
    assert status_of(ledger) == {"C1": ("待处理", a), "C2": ("待处理", a)}
    restored = next(r for r in ledger.complaints_all() if r["complaint_id"] == "C1")
    assert restored["resolved_at"] is None and restored["received_at"] == DT(2026, 10, 5, 9)


def test_a_record_a_later_file_changed_keeps_the_later_version(ledger: Ledger) -> None:
    a = store(ledger, "a.xlsx", sheet("complaints", c("C1")))
    store(ledger, "b.xlsx", sheet("complaints", c("C1", "处理中"), c("C2")))
    cc = store(ledger, "c.xlsx", sheet("complaints", c("C1", "已办结"), c("C2", "已办结")))
    plan = retract(ledger, "b.xlsx")
    assert plan.counts()["kept"] == {"complaints": 2}
    assert plan.counts()["removed"] == {} and plan.counts()["restored"] == {}
    assert status_of(ledger) == {"C1": ("已办结", cc), "C2": ("已办结", cc)}
    # retracting the later file now goes back past the retracted one, to a.xlsx's version
    plan = retract(ledger, "c.xlsx")
    assert plan.counts()["restored"] == {"complaints": 1}
    assert plan.counts()["removed"] == {"complaints": 1}  # C2 came from b.xlsx, retracted
    assert status_of(ledger) == {"C1": ("待处理", a)}


def test_dry_run_changes_nothing(ledger: Ledger) -> None:
    store(ledger, "a.xlsx", sheet("complaints", c("C1")))
    store(ledger, "b.xlsx", sheet("complaints", c("C1", "已办结"), c("C2")))
    before = status_of(ledger)
    plan = retract(ledger, "b.xlsx", dry_run=True)
    assert plan.counts()["removed"] == {"complaints": 1}
    assert plan.counts()["restored"] == {"complaints": 1}
    assert status_of(ledger) == before
    assert {f["name"]: f["state"] for f in list_files(ledger)}["b.xlsx"] == "accepted"


def test_same_content_can_be_ingested_again_after_retraction(ledger: Ledger) -> None:
    sha = "ab" * 32
    first = store(ledger, "a.xlsx", sheet("complaints", c("C1"), c("C2")), sha=sha)
    retract(ledger, sha[:8])
    assert ledger.complaints_all() == []
    again = store(ledger, "a.xlsx", sheet("complaints", c("C1"), c("C2")), sha=sha)
    assert again == first
    assert set(status_of(ledger)) == {"C1", "C2"}
    listed = list_files(ledger)
    assert [(f["state"], f["rows_inserted"]) for f in listed] == [("accepted", 2)]
    # and retracted once more, it leaves nothing behind again
    retract(ledger, sha[:8])
    assert ledger.complaints_all() == []


def test_a_staff_list_with_dependants_is_refused_unless_forced(ledger: Ledger) -> None:
    store(ledger, "staff.xlsx", sheet("staff", staff("S001", "张伟"), staff("S009", "赵六")))
    store(ledger, "c.xlsx", sheet("complaints", c("C1")))  # handler S001
    with pytest.raises(RetractRefused) as refused:
        retract(ledger, "staff.xlsx")
    assert refused.value.exit_code == 1
    assert [(d["kind"], d["staff_id"], d["file"]) for d in refused.value.plan.dependants] == [
        ("complaints", "S001", "c.xlsx")]
    assert "c.xlsx" in str(refused.value) and "--force" in str(refused.value)
    assert len(ledger.staff()) == 2  # nothing changed
    plan = retract(ledger, "staff.xlsx", force=True)
    assert plan.counts()["removed"] == {"staff": 2}
    assert ledger.staff() == []


def test_schedule_entries_a_file_dropped_come_back(ledger: Ledger) -> None:
    d1, d2, d3 = date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)
    store(ledger, "s1.xlsx", sheet("schedule", shift(d1, "早"), shift(d2, "晚")))
    store(ledger, "s2.xlsx", sheet("schedule", shift(d1, "早"), shift(d3, "早")))  # drops d2
    assert len(ledger.schedule(d1, d3)) == 2
    plan = retract(ledger, "s2.xlsx")
    assert plan.counts() == {"removed": {"schedule": 1}, "restored": {"schedule": 1},
                             "reinserted": {"schedule": 1}, "kept": {}}
    assert sorted((r["date"], r["shift"]) for r in ledger.schedule(d1, d3)) == [
        (d1, "早"), (d2, "晚")]


def test_find_file_by_prefix_name_and_errors(ledger: Ledger) -> None:
    store(ledger, "a.xlsx", sheet("complaints", c("C1")), sha="ab" * 32)
    assert find_file(ledger, "ababab")["name"] == "a.xlsx"
    assert find_file(ledger, "/somewhere/a.xlsx")["name"] == "a.xlsx"
    with pytest.raises(UsageError):
        find_file(ledger, "nothing.xlsx")
    retract(ledger, "a.xlsx")
    with pytest.raises(UsageError, match="retracted"):
        retract(ledger, "a.xlsx")


def test_a_ledger_made_before_retracted_existed_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Ledger.for_path(path) as led:
        store(led, "a.xlsx", sheet("complaints", c("C1")))
    # put back the CHECK constraint an older officekit wrote
    con = sqlite3.connect(path, isolation_level=None)
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'files'").fetchone()[0]
    old = sql.replace(", 'retracted'", "")
    assert old != sql
    version = con.execute("PRAGMA schema_version").fetchone()[0]
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'files'", (old,))
    con.execute(f"PRAGMA schema_version = {version + 1}")
    con.execute("PRAGMA writable_schema = OFF")
    con.close()
    with Ledger.for_path(path) as led:
        retract(led, "a.xlsx")
        assert led.counts_by_state()["retracted"] == 1
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


# --- the commands ------------------------------------------------------------------------------

HEADER = ["投诉编号", "受理时间", "受理渠道", "客户姓名", "投诉类别", "投诉内容", "处理人",
          "处理状态", "办结时间", "处理结果"]


def register(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A small 投诉登记表: (编号, 受理时间, 状态) per row; 已办结 rows resolved a day later."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "投诉登记"
    ws.append(["2026年10月投诉登记表"])
    ws.append(HEADER)
    for cid, received, status in rows:
        done = status == "已办结"
        ws.append([cid, received, "电话", "王先生", "服务态度", "等待时间过长", "张伟", status,
                   received.replace(" 09:00", " 17:00") if done else None,
                   "已致歉" if done else None])
    wb.save(path)
    return path


def run(*args: Any) -> Any:
    from click.testing import CliRunner

    from officekit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_files_and_retract_commands(tmp_path: Path) -> None:
    import json

    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    first = register(tmp_path / "10月投诉登记表.xlsx",
                     [("C1", "2026-10-05 09:00", "待处理"), ("C2", "2026-10-06 09:00", "处理中")])
    second = register(tmp_path / "10月投诉登记表(更新).xlsx",
                      [("C1", "2026-10-05 09:00", "已办结"), ("C3", "2026-10-07 09:00", "待处理")])
    res = run("validate", "-w", ws, "--today", "2026-11-01", first)
    assert res.exit_code == 0
    assert "通过校验" in res.output and "已接收" not in res.output
    res = run("ingest", "-w", ws, "-q", "--today", "2026-11-01", first, second)
    assert res.exit_code == 0, res.output

    res = run("files", "-w", ws, "--format", "json")
    assert res.exit_code == 0
    listed = json.loads(res.stdout)["files"]
    assert set(listed[0]) >= {"name", "sha256", "state", "seen_at", "kinds", "rows_inserted",
                              "rows_updated", "periods", "archived_to"}
    by_name = {f["name"]: f for f in listed}
    upd = by_name[second.name]
    assert (upd["state"], upd["kinds"], upd["rows_inserted"], upd["rows_updated"],
            upd["periods"]) == ("accepted", ["complaints"], 1, 1, ["2026-10"])
    assert Path(upd["archived_to"]).is_file()
    assert json.loads(run("files", "-w", ws, "--format", "json", "--period", "2026-09")
                      .stdout)["files"] == []
    assert len(json.loads(run("files", "-w", ws, "--format", "json", "--period", "2026-Q4",
                              "--kind", "complaints").stdout)["files"]) == 2

    sha = upd["sha256"]
    res = run("retract", "-w", ws, sha[:10], "--dry-run", "--format", "json")
    assert res.exit_code == 0, res.output
    dry = json.loads(res.stdout)
    assert (dry["dry_run"], dry["removed"], dry["restored"], dry["rendered"]) == (
        True, {"complaints": 1}, {"complaints": 1}, [])
    res = run("retract", "-w", ws, sha[:10], "--dry-run")
    assert "试运行" in res.output and "删除投诉登记表 1 条" in res.output

    res = run("retract", "-w", ws, second.name, "--format", "json")
    assert res.exit_code == 0, res.output
    done = json.loads(res.stdout)
    assert done["periods"] == ["2026-10"] and done["rendered"]
    assert all(Path(p).is_file() for p in done["rendered"])
    text_out = run("files", "-w", ws, "--state", "retracted").output
    assert "已撤回" in text_out and second.name in text_out
    # a rejected or unknown file cannot be retracted: usage error
    assert run("retract", "-w", ws, second.name).exit_code == 2
    assert run("retract", "-w", ws, "nope.xlsx").exit_code == 2
    # the same content goes in again after its retraction
    res = run("ingest", "-w", ws, "-q", "--today", "2026-11-01", "--format", "json", second)
    assert json.loads(res.stdout)["files"][0]["status"] == "accepted"
