"""The ledger (SPEC §5, the file states of §9) on real SQLite files and a real PostgreSQL server,
with real processes. Tests using the ``ledger`` fixture run on both back-ends (``ledger_url``)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from officekit.errors import LedgerError
from officekit.ledger import schema
from officekit.ledger.store import AlreadyStoredError, FileInfo, Ledger, default_url
from officekit.model import Record, SheetResult
from officekit.settings import Settings

D = date
DT = datetime


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / ".officekit" / "ledger.sqlite3"


@pytest.fixture
def ledger(ledger_url: str) -> Any:
    with Ledger.open(ledger_url) as led:
        yield led


def info(name: str, sha: str | None = None) -> FileInfo:
    return FileInfo(sha256=sha or (name.encode().hex() * 64)[:64], name=name,
                    path=f"/inbox/{name}", size=1234, mtime=DT(2026, 10, 31, 18, 0))


def sheet(kind: str, *records: Record, name: str | None = None) -> SheetResult:
    rows = [{"_row": i + 3, **r} for i, r in enumerate(records)]
    return SheetResult(name=name or kind, kind=kind, rows=len(rows), header_row=2, records=rows)


def complaint(cid: str, received: datetime, status: str = "待处理", **kw: Any) -> Record:
    return {"complaint_id": cid, "received_at": received, "channel": "电话", "customer": "王先生",
            "customer_phone": "13812345678", "category": "服务态度", "severity": "一般",
            "description": "等待时间过长", "department": "客服一部", "handler_id": "S001",
            "handler_name": "张伟", "status": status, "resolved_at": None, "resolution": None,
            "satisfaction": None, **kw}


def staff(sid: str, name: str, department: str = "客服一部", **kw: Any) -> Record:
    return {"staff_id": sid, "name": name, "department": department, "role": "客服专员",
            "manager_id": None, "phone": None, "email": None, "hired_on": D(2024, 3, 1),
            "status": "在职", **kw}


def visit(when: datetime, visit_id: str | None = None, **kw: Any) -> Record:
    return {"visit_id": visit_id, "visited_at": when, "customer": "王先生",
            "customer_phone": None, "staff_id": "S002", "staff_name": "李娜", "method": "电话",
            "purpose": "投诉回访", "complaint_id": "C001", "reached": True, "satisfaction": 4,
            "feedback": None, **kw}


def shift(day: date, code: str, sid: str | None = "S001", name: str | None = "张伟",
          **kw: Any) -> Record:
    return {"date": day, "shift": code, "staff_id": sid, "staff_name": name,
            "department": "客服一部", "post": None, **kw}


def duty(role: str, items: list[str], department: str = "客服一部", **kw: Any) -> Record:
    return {"department": department, "role": role, "reports_to": "客服主管", "purpose": None,
            "duties": [{"text": t, "children": []} for t in items], "requirements": None, **kw}


def fields(records: list[Record], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(r[n] for n in names) for r in records]


# --- opening ----------------------------------------------------------------------------------

def test_open_creates_schema_in_wal_mode_and_reopens(db: Path) -> None:
    with Ledger.for_path(db) as led:
        led.store_accepted(info("a.xlsx"), [sheet("staff", staff("S001", "张伟"))], [])
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    raw.close()
    with Ledger.open(default_url(db.parent.parent)) as led:
        assert fields(led.staff(), "staff_id", "name") == [("S001", "张伟")]


def test_open_waits_while_another_holds_a_new_files_write_lock(db: Path) -> None:
    """Two watchers starting together on a new ledger: the one that finds the file (not yet
    in WAL mode) under the other's write lock waits for it instead of stopping with
    "database is locked" (SQLite refuses that switch at once, without its busy timeout)."""
    import threading

    db.parent.mkdir(parents=True)
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE early (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO early VALUES (1)")
    released = threading.Event()

    def release() -> None:
        other.execute("COMMIT")
        released.set()

    timer = threading.Timer(0.3, release)
    timer.start()
    try:
        with Ledger.for_path(db) as led:
            assert released.is_set()  # it waited for the lock rather than failing at once
            assert led.staff() == []
    finally:
        timer.join()
        other.close()
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw.close()


def test_default_url_uses_settings(tmp_path: Path) -> None:
    assert default_url(tmp_path).endswith(f"{tmp_path}/.officekit/ledger.sqlite3")
    url = "postgresql+psycopg://u:p@db/officekit"
    assert default_url(tmp_path, Settings(database_url=url)) == url


def test_open_garbage_file_is_a_ledger_error(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="账本操作失败"):
        Ledger.for_path(db)


def test_open_bad_url_and_newer_schema_are_ledger_errors(db: Path) -> None:
    with pytest.raises(LedgerError, match="无法打开账本"):
        Ledger.open("nosuchdb://x")
    Ledger.for_path(db).close()
    raw = sqlite3.connect(db)
    raw.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    raw.commit()
    raw.close()
    with pytest.raises(LedgerError, match="99"):
        Ledger.for_path(db)


def test_schema_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    ddl = [str(CreateTable(t).compile(dialect=dialect)) for t in schema.metadata.sorted_tables]
    ddl += [str(CreateIndex(i).compile(dialect=dialect))
            for t in schema.metadata.sorted_tables for i in t.indexes]
    assert any("duties JSON" in s for s in ddl)
    assert "CREATE UNIQUE INDEX ux_files_sha256 ON files (sha256) WHERE duplicate_of IS NULL" in ddl


# --- upserts and history ----------------------------------------------------------------------

UPSERTS: dict[str, tuple[str, Record, Record, Record, str, tuple[Any, ...]]] = {
    # kind: (query, first version, second version, another record, changed field, key)
    "staff": ("staff", staff("S001", "张伟"), staff("S001", "张伟", department="客服二部"),
              staff("S002", "李娜"), "department", ("S001",)),
    "complaints": ("complaints_all", complaint("C001", DT(2026, 10, 3, 9, 30)),
                   complaint("C001", DT(2026, 10, 3, 9, 30), "已办结",
                             resolved_at=DT(2026, 10, 5, 16), resolution="已致歉"),
                   complaint("C002", DT(2026, 10, 4)), "status", ("C001",)),
    "visits-by-id": ("visits", visit(DT(2026, 10, 6, 10), "V001"),
                     visit(DT(2026, 10, 7, 11), "V001", satisfaction=5),
                     visit(DT(2026, 10, 6, 10), "V002"), "satisfaction", ("V001",)),
    # without 回访编号: (visited date, customer, staff, complaint) — the time may differ
    "visits-by-fields": ("visits", visit(DT(2026, 10, 6, 10)),
                         visit(DT(2026, 10, 6, 15, 30), satisfaction=2),
                         visit(DT(2026, 10, 6, 10), complaint_id="C009"), "satisfaction",
                         (D(2026, 10, 6), "王先生", "S002", "C001")),
    "duties": ("duties", duty("客服专员", ["接听来电"]), duty("客服专员", ["接听来电", "登记工单"]),
               duty("值班经理", ["巡查"]), "duties", ("客服一部", "客服专员")),
    "schedule": ("schedule_all", shift(D(2026, 10, 1), "早"),
                 shift(D(2026, 10, 1), "早", post="值班经理"),
                 shift(D(2026, 10, 1), "早", "S002", "李娜"), "post",
                 (D(2026, 10, 1), "S001", "早")),
}


def _query(led: Ledger, name: str) -> list[Record]:
    if name == "schedule_all":
        return led.schedule(D(2000, 1, 1), D(2100, 1, 1))
    result: list[Record] = getattr(led, name)()
    return result


@pytest.mark.parametrize("case", list(UPSERTS))
def test_later_file_updates_record_by_natural_key_and_keeps_history(
        ledger: Ledger, case: str) -> None:
    query, first, second, other, changed, key = UPSERTS[case]
    kind = case.split("-")[0]
    f1 = ledger.store_accepted(info("m1.xlsx"), [sheet(kind, first)], [])
    f2 = ledger.store_accepted(info("m2.xlsx"), [sheet(kind, second, other)], [])
    records = _query(ledger, query)
    assert len(records) == 2
    [updated] = [r for r in records if r["_key"] == schema.encode_key(key)]
    assert updated[changed] == second[changed] != first[changed]
    assert (updated["_file_id"], updated["_sheet"], updated["_row"]) == (f2, kind, 3)
    [old] = ledger.history(kind, key)
    assert old[changed] == first[changed]
    assert (old["_file_id"], old["_replaced_by_file_id"], old["_reason"]) == (f1, f2, "replaced")
    assert ledger.history(kind, updated["_key"]) == [old]


def test_resent_complaint_register_updates_statuses_without_doubling(ledger: Ledger) -> None:
    october = [complaint(f"C{i:03d}", DT(2026, 10, i, 9)) for i in range(1, 6)]
    ledger.store_accepted(info("投诉10月.xlsx"), [sheet("complaints", *october)], [])
    resent = [complaint(r["complaint_id"], r["received_at"], "已办结",
                        resolved_at=r["received_at"] + timedelta(days=1), resolution="已处理")
              for r in october[:3]] + october[3:]
    f2 = ledger.store_accepted(info("投诉10月(更新).xlsx"), [sheet("complaints", *resent)], [])
    stored = ledger.complaints_all()
    assert [(r["complaint_id"], r["status"], r["_file_id"]) for r in stored] == [
        ("C001", "已办结", f2), ("C002", "已办结", f2), ("C003", "已办结", f2),
        ("C004", "待处理", f2), ("C005", "待处理", f2)]
    assert stored[0]["resolved_at"] == DT(2026, 10, 2, 9)
    assert [h["status"] for h in ledger.history("complaints", "C001")] == ["待处理"]
    assert ledger.summary()["history"] == 5


def test_history_restores_typed_values(ledger: Ledger) -> None:
    ledger.store_accepted(info("a.xlsx"), [sheet("staff", staff("S001", "张伟"))], [])
    ledger.store_accepted(info("b.xlsx"), [sheet("staff", staff("S001", "张伟", status="离职"))],
                          [])
    [old] = ledger.history("staff", "S001")
    assert old["hired_on"] == D(2024, 3, 1)
    assert isinstance(old["_replaced_at"], datetime)
    assert old["status"] == "在职"


def test_same_key_twice_in_one_file_keeps_the_later_row_without_history(ledger: Ledger) -> None:
    ledger.store_accepted(info("a.xlsx"), [sheet("staff", staff("S001", "张伟"),
                                                 staff("S001", "张伟", department="客服二部"))], [])
    assert fields(ledger.staff(), "department", "_row") == [("客服二部", 4)]
    assert ledger.history("staff", "S001") == []


def test_extra_columns_provenance_and_unstored_seq(ledger: Ledger) -> None:
    rec = {**shift(D(2026, 10, 2), "晚"), "_col": 5, "备注": "替班", "extra": {"工位": "A-3"}}
    seq_rows = [{**duty("客服专员", ["接听来电"]), "seq": 1, "requirements": [{"text": "普通话",
                 "children": []}]},
                {**duty("客服专员", ["登记工单"]), "seq": 2, "requirements": [{"text": "普通话",
                 "children": []}]}]
    ledger.store_accepted(info("a.xlsx"), [sheet("schedule", rec, name="10月排班"),
                                           sheet("duties", *seq_rows)], [])
    [entry] = ledger.schedule(D(2026, 10, 1), D(2026, 10, 31))
    assert entry["extra"] == {"备注": "替班", "工位": "A-3"}
    assert (entry["_sheet"], entry["_row"], entry["_col"]) == ("10月排班", 3, 5)
    [role] = ledger.duties("客服一部")
    assert "seq" not in role and "seq" not in role["extra"]
    assert [i["text"] for i in role["duties"]] == ["接听来电", "登记工单"]
    assert [i["text"] for i in role["requirements"]] == ["普通话"]


def test_schedule_fields_are_the_whole_records_fields_in_the_same_order(ledger: Ledger) -> None:
    """The KPIs read a month's schedule with only the fields they use: the same entries, in
    the same order (date, person, shift), with the same values — blanks, names without an id
    and extra columns included."""
    entries = [shift(D(2026, 10, 2), "晚"), shift(D(2026, 10, 1), "早", "S002", "李娜"),
               shift(D(2026, 10, 1), "夜", None, "张伟"), shift(D(2026, 10, 1), "早"),
               {**shift(D(2026, 10, 3), "休", department=None), "备注": "替班"},
               shift(D(2026, 11, 1), "早")]
    ledger.store_accepted(info("排班.xlsx"), [sheet("schedule", *entries)], [])
    keys = ("date", "shift", "staff_id", "staff_name", "department")
    whole = ledger.schedule(D(2026, 10, 1), D(2026, 10, 31))
    some = ledger.schedule(D(2026, 10, 1), D(2026, 10, 31), keys)
    assert len(whole) == 5
    assert some == [{k: r[k] for k in keys} for r in whole]
    assert whole[-1]["extra"] == {"备注": "替班"} and whole[0]["extra"] == {}


def test_visits_for_complaints_received_in_one_query(ledger: Ledger) -> None:
    """The visits of the complaints received in a span, fetched in one query, are those the
    id lookup finds for the same complaints: visits dated after the span, on both bounds,
    none for a complaint outside it, unlinked or linked to an unknown id; same order."""
    complaints = [complaint("C001", DT(2026, 10, 1, 0, 0)), complaint("C002", DT(2026, 10, 31,
                  23, 59)), complaint("C003", DT(2026, 11, 1, 0, 0)),
                  complaint("C004", DT(2026, 9, 30, 23, 59)), complaint("C005", DT(2026, 10, 9))]
    visits = [visit(DT(2026, 11, 3), "V1", complaint_id="C002"), visit(DT(2026, 10, 2), "V2"),
              visit(DT(2026, 11, 2), "V3", complaint_id="C003"),
              visit(DT(2026, 10, 5), "V4", complaint_id="C004"),
              visit(DT(2026, 10, 6), "V5", complaint_id=None),
              visit(DT(2026, 10, 7), "V6", complaint_id="C999"),
              visit(DT(2026, 10, 2), None, complaint_id="C005", customer="李女士"),
              visit(DT(2026, 10, 2), "V8", complaint_id="C005")]
    ledger.store_accepted(info("a.xlsx"), [sheet("complaints", *complaints),
                                           sheet("visits", *visits)], [])
    start, end = DT(2026, 10, 1), DT(2026, 11, 1)
    ids = [c["complaint_id"] for c in ledger.complaints(start, end)]
    assert ids == ["C001", "C005", "C002"]
    expected = ledger.visits_for_complaints(ids)
    assert [v["visit_id"] for v in expected] == [None, "V2", "V8", "V1"]  # by date, key
    assert ledger.visits_for_complaints_received(start, end) == expected
    keys = ("visit_id", "satisfaction")
    assert ledger.visits_for_complaints_received(start, end, keys) == [
        {k: v[k] for k in (*keys, "visited_at", "_key")} for v in expected]


# --- the schedule replacement rule ------------------------------------------------------------

def _entries(led: Ledger) -> list[tuple[Any, ...]]:
    return [(r["date"], r["staff_id"] or r["staff_name"], r["shift"])
            for r in led.schedule(D(2026, 9, 1), D(2026, 12, 31))]


def test_schedule_sheet_replaces_covered_people_and_dates(ledger: Ledger) -> None:
    ledger.store_accepted(info("排班v1.xlsx"), [sheet("schedule",
        shift(D(2026, 10, 1), "早"), shift(D(2026, 10, 2), "早"), shift(D(2026, 10, 3), "晚"),
        shift(D(2026, 10, 1), "早", "S002", "李娜"), shift(D(2026, 11, 1), "早"),
        shift(D(2026, 10, 2), "夜", None, "张伟"),  # never resolved to a 工号
        shift(D(2026, 10, 2), "中", "S009", "张伟"),  # another 张伟
    )], [])
    # v2 covers S001 (张伟) on 10-01..10-02: 早 on the 1st became 晚
    f2 = ledger.store_accepted(info("排班v2.xlsx"), [sheet("schedule",
        shift(D(2026, 10, 1), "晚"), shift(D(2026, 10, 2), "早"))], [])
    assert _entries(ledger) == [
        (D(2026, 10, 1), "S001", "晚"), (D(2026, 10, 1), "S002", "早"),
        (D(2026, 10, 2), "S001", "早"), (D(2026, 10, 2), "S009", "中"),
        (D(2026, 10, 3), "S001", "晚"), (D(2026, 11, 1), "S001", "早")]
    removed = ledger.history("schedule", (D(2026, 10, 1), "S001", "早"))
    assert [(h["_reason"], h["_replaced_by_file_id"]) for h in removed] == [("removed", f2)]
    assert [h["_reason"] for h in ledger.history("schedule", (D(2026, 10, 2), "张伟", "夜"))] == [
        "removed"]
    assert [h["_reason"] for h in ledger.history("schedule", (D(2026, 10, 2), "S001", "早"))] == [
        "replaced"]


def test_schedule_sheets_of_one_file_do_not_remove_each_other(ledger: Ledger) -> None:
    ledger.store_accepted(info("排班.xlsx"), [
        sheet("schedule", shift(D(2026, 10, 31), "早"), name="10月"),
        sheet("schedule", shift(D(2026, 11, 1), "晚"), shift(D(2026, 11, 2), "早"), name="11月"),
        sheet("schedule", shift(D(2026, 10, 31), "早", "S002", "李娜"),
              shift(D(2026, 11, 1), "早", "S002", "李娜"), name="二部"),
    ], [])
    assert len(_entries(ledger)) == 5


# --- failures and duplicates ------------------------------------------------------------------

def _stored_counts(led: Ledger) -> tuple[dict[str, int], int, int]:
    s = led.summary()
    return s["records"], s["history"], sum(s["files"].values())


def test_failed_store_leaves_nothing(ledger: Ledger) -> None:
    ok = complaint("C001", DT(2026, 10, 1))
    ledger.store_accepted(info("ok.xlsx"), [sheet("complaints", ok)], [])
    before = _stored_counts(ledger)
    bad = {**complaint("C003", ok["received_at"]), "received_at": "2026-10-02"}  # a bug upstream
    with pytest.raises(LedgerError, match="received_at"):
        ledger.store_accepted(info("bad.xlsx"), [
            sheet("staff", staff("S001", "张伟")),
            sheet("complaints", complaint("C001", DT(2026, 10, 1), "已办结"), bad)], [])
    with pytest.raises(LedgerError, match="第4行"):
        ledger.store_accepted(info("nokey.xlsx"), [
            sheet("complaints", complaint("C001", DT(2026, 10, 1), "已办结"),
                  complaint("", DT(2026, 10, 1)))], [])
    assert _stored_counts(ledger) == before
    assert ledger.find_file(info("bad.xlsx").sha256) is None
    assert ledger.complaints_all()[0]["status"] == "待处理"


def test_error_inside_the_transaction_rolls_everything_back(ledger: Ledger) -> None:
    ledger.store_accepted(info("ok.xlsx"), [sheet("staff", staff("S001", "张伟"))], [])
    before = _stored_counts(ledger)

    def boom(operation: str) -> None:
        raise RuntimeError(operation)

    ledger.before_commit = boom
    with pytest.raises(RuntimeError, match="store_accepted"):
        ledger.store_accepted(info("new.xlsx"), [
            sheet("staff", staff("S001", "张伟", status="离职"), staff("S002", "李娜")),
            sheet("schedule", shift(D(2026, 10, 1), "早"))], [])
    ledger.before_commit = None
    assert _stored_counts(ledger) == before
    assert fields(ledger.staff(), "staff_id", "status") == [("S001", "在职")]


def test_same_content_is_never_stored_twice(ledger: Ledger) -> None:
    first = ledger.store_accepted(info("a.xlsx"), [sheet("staff", staff("S001", "张伟"))], [])
    with pytest.raises(AlreadyStoredError) as caught:
        ledger.store_accepted(info("a.xlsx"), [sheet("staff", staff("S002", "李娜"))], [])
    assert (caught.value.file_id, caught.value.state) == (first, "accepted")
    with pytest.raises(AlreadyStoredError):
        ledger.store_rejected(info("a.xlsx"), [], None)
    assert ledger.counts_by_state()["accepted"] == 1
    assert sum(ledger.counts_by_state().values()) == 1
    assert len(ledger.staff()) == 1


def test_duplicate_drops_get_their_own_rows(ledger: Ledger) -> None:
    original = ledger.store_accepted(info("a.xlsx"), [sheet("staff", staff("S001", "张伟"))], [])
    again = FileInfo(info("a.xlsx").sha256, "a - 副本.xlsx", "/inbox/a - 副本.xlsx", 1234,
                     DT(2026, 11, 2, 8))
    dup = ledger.store_duplicate(again, original, destination="/archive/duplicates/a - 副本.xlsx")
    assert dup != original
    assert ledger.store_duplicate(again, original) == dup  # the same drop recorded twice
    row = ledger.file(dup)
    assert row is not None
    assert (row["state"], row["duplicate_of"], row["name"]) == ("duplicate", original,
                                                                 "a - 副本.xlsx")
    found = ledger.find_file(again.sha256)
    assert found is not None and found["id"] == original
    assert ledger.counts_by_state()["duplicate"] == 1
    with pytest.raises(LedgerError, match="没有文件 999"):
        ledger.store_duplicate(again, 999)


def test_store_rejected_records_issues_and_no_records(ledger: Ledger) -> None:
    issues = [{"severity": "error", "code": "required", "cell": "B4"},
              {"severity": "warning", "code": "phone-format", "cell": "E5"},
              {"severity": "error", "code": "enum", "cell": "C6"}]
    fid = ledger.store_rejected(info("bad.xlsx"), issues, "/ws/outbox/rejected/bad.校验结果.xlsx",
                                sheets=[sheet("complaints", complaint("C1", DT(2026, 10, 1)))])
    row = ledger.file(fid)
    assert row is not None
    assert (row["state"], row["errors"], row["warnings"]) == ("rejected", 2, 1)
    assert row["issues"] == issues
    assert row["annotated"].endswith("bad.校验结果.xlsx")
    assert row["sheets"][0]["kind"] == "complaints"
    assert ledger.complaints_all() == []


# --- the watcher's state machine --------------------------------------------------------------

def test_claim_store_and_state_rules(ledger: Ledger) -> None:
    f = info("a.xlsx")
    assert ledger.claim(f.sha256, f.name, f.path, "watcher-1") is True
    assert ledger.claim(f.sha256, f.name, f.path, "watcher-2") is False
    [open_] = ledger.unfinished()
    assert (open_["owner"], open_["state"], open_["attempts"]) == ("watcher-1", "claimed", 1)
    fid = ledger.store_accepted(f, [sheet("staff", staff("S001", "张伟"))], [])
    assert fid == open_["id"]
    assert ledger.unfinished() == []
    assert ledger.claim(f.sha256, f.name, f.path, "watcher-2") is False
    ledger.set_state(fid, "accepted", destination="/ws/archive/2026-10/a.xlsx")
    row = ledger.find_file(f.sha256)
    assert row is not None and row["destination"] == "/ws/archive/2026-10/a.xlsx"
    with pytest.raises(LedgerError, match="不能改为 claimed"):
        ledger.set_state(f.sha256, "claimed")
    with pytest.raises(LedgerError, match="未知的文件状态 done") as unknown:
        ledger.set_state(fid, "done")
    assert unknown.value.text("en") == "Unknown file state done"
    with pytest.raises(LedgerError, match="文件记录没有这些字段：colour") as columns:
        ledger.set_state(fid, "accepted", colour="red")
    assert columns.value.text("en") == "No such file columns: colour"
    with pytest.raises(LedgerError, match="没有文件"):
        ledger.set_state("0" * 64, "failed")


def test_failed_file_can_be_claimed_again(ledger: Ledger) -> None:
    f = info("a.xlsx")
    assert ledger.claim(f.sha256, f.name, f.path, "w1")
    ledger.set_state(f.sha256, "failed", message="磁盘已满")
    assert ledger.unfinished() == []
    assert ledger.claim(f.sha256, f.name, f.path, "w2")
    row = ledger.find_file(f.sha256)
    assert row is not None and (row["owner"], row["attempts"]) == ("w2", 2)


CLAIMER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from officekit.ledger.store import Ledger
    url, go, owner, shas = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
    with Ledger.open(url) as led:
        led.counts_by_state()  # connect before the start signal
        while not go.exists():
            time.sleep(0.005)
        won = [sha for sha in shas if led.claim(sha, sha[:8] + ".xlsx", "/inbox", owner)]
    print(json.dumps(won))
""")


def test_claim_is_atomic_across_two_processes(ledger: Ledger, ledger_url: str,
                                              tmp_path: Path) -> None:
    shas = [f"{i:064x}" for i in range(40)]
    for sha in shas[::2]:  # half already noted by a watcher as settled, half new
        assert ledger.claim(sha, "x.xlsx", "/inbox", "noter")
        ledger.set_state(sha, "settled", owner=None)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", CLAIMER, ledger_url, str(go), owner, *shas],
                              stdout=subprocess.PIPE, text=True) for owner in ("p1", "p2")]
    time.sleep(0.5)
    go.touch()
    won = {owner: set(json.loads(p.communicate(timeout=60)[0]))
           for owner, p in zip(("p1", "p2"), procs, strict=True)}
    assert won["p1"].isdisjoint(won["p2"])
    assert won["p1"] | won["p2"] == set(shas)
    for owner, claimed in won.items():
        for sha in claimed:
            row = ledger.find_file(sha)
            assert row is not None and (row["owner"], row["state"]) == (owner, "claimed")
    assert len(ledger.unfinished()) == 40


CRASHER = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from officekit.ledger.store import FileInfo, Ledger
    from officekit.model import SheetResult
    url, marker = sys.argv[1], Path(sys.argv[2])
    info = FileInfo("c" * 64, "排班.xlsx", "/inbox/排班.xlsx", 99, datetime(2026, 10, 30))
    led = Ledger.open(url)
    assert led.claim(info.sha256, info.name, info.path, "crasher")
    def stall(operation):
        marker.write_text(operation)
        time.sleep(60)
    led.before_commit = stall
    records = [{"staff_id": "S001", "name": "张伟", "department": "客服二部", "role": "组长",
                "_row": 3},
               {"staff_id": "S777", "name": "新人", "department": "客服一部", "role": "客服专员",
                "_row": 4}]
    led.store_accepted(info, [SheetResult("人员", "staff", records=records)], [])
""")


def test_kill_inside_a_store_leaves_the_ledger_as_before(
        ledger: Ledger, ledger_url: str, tmp_path: Path) -> None:
    ledger.store_accepted(info("roster.xlsx"), [sheet("staff", staff("S001", "张伟"))], [])
    before = _stored_counts(ledger)
    marker = tmp_path / "inside"
    proc = subprocess.Popen([sys.executable, "-c", CRASHER, ledger_url, str(marker)])
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert marker.read_text() == "store_accepted"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL

    records, versions, nfiles = _stored_counts(ledger)
    assert (records, versions) == before[:2]
    assert nfiles == before[2] + 1  # only the claim, committed before the store began
    assert fields(ledger.staff(), "staff_id", "department") == [("S001", "客服一部")]
    [left] = ledger.unfinished()
    assert (left["sha256"], left["owner"], left["state"]) == ("c" * 64, "crasher", "claimed")

    # recovery: one restarted watcher takes it over and stores it
    assert ledger.reclaim(left["id"], "watcher-2", "crasher") is True
    assert ledger.reclaim(left["id"], "watcher-3", "crasher") is False
    again = FileInfo("c" * 64, "排班.xlsx", "/inbox/排班.xlsx", 99, DT(2026, 10, 30))
    fid = ledger.store_accepted(again, [sheet("staff", staff("S777", "新人"))], [])
    assert fid == left["id"]
    assert ledger.unfinished() == []
    assert [s["staff_id"] for s in ledger.staff()] == ["S001", "S777"]


# --- queries ----------------------------------------------------------------------------------

def test_period_boundaries(ledger: Ledger) -> None:
    ledger.store_accepted(info("m.xlsx"), [
        sheet("complaints", complaint("C1", DT(2026, 10, 1, 0, 0)),
              complaint("C2", DT(2026, 10, 31, 23, 59)), complaint("C3", DT(2026, 11, 1, 0, 0)),
              complaint("C0", DT(2026, 9, 30, 23, 59, 59))),
        sheet("visits", visit(DT(2026, 10, 31, 23, 59), "V1"), visit(DT(2026, 11, 1), "V2")),
        sheet("schedule", shift(D(2026, 10, 31), "夜"), shift(D(2026, 11, 1), "早")),
    ], [])
    october = ledger.complaints(DT(2026, 10, 1), DT(2026, 11, 1))
    assert [c["complaint_id"] for c in october] == ["C1", "C2"]
    assert [c["complaint_id"] for c in ledger.complaints(D(2026, 11, 1), None)] == ["C3"]
    assert [c["complaint_id"] for c in ledger.complaints(None, D(2026, 10, 1))] == ["C0"]
    assert [v["visit_id"] for v in ledger.visits(DT(2026, 10, 1), DT(2026, 11, 1))] == ["V1"]
    assert [s["date"] for s in ledger.schedule(D(2026, 10, 1), D(2026, 10, 31))] == [
        D(2026, 10, 31)]
    assert ledger.periods() == ["2026-09", "2026-10", "2026-11"]


@pytest.mark.parametrize("kind", ["complaints", "visits", "schedule"])
def test_has_records_is_periods_for_one_span(ledger: Ledger, kind: str) -> None:
    """A span holds data exactly when one of its months is among periods(): records on the
    first day at midnight and the last day at 23:59, none the day before or after."""
    from officekit.kpis.periods import Period

    made = {"complaints": [complaint("C1", DT(2026, 10, 1, 0, 0)),
                           complaint("C2", DT(2026, 12, 31, 23, 59))],
            "visits": [visit(DT(2026, 10, 1, 0, 0), "V1"), visit(DT(2026, 12, 31, 23, 59), "V2")],
            "schedule": [shift(D(2026, 10, 1), "早"), shift(D(2026, 12, 31), "夜")]}[kind]
    ledger.store_accepted(info("m.xlsx"), [sheet(kind, *made)], [])
    months = set(ledger.periods())
    for text in ("2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2026-Q3", "2026-Q4",
                 "2026", "2025", "2027"):
        period = Period.parse(text)
        expected = any(str(m) in months for m in period.months())
        assert ledger.has_records(period.start, period.end) is expected, text
    assert ledger.has_records(D(2026, 10, 2), D(2026, 12, 30)) is False
    assert ledger.has_records(D(2026, 12, 31), D(2026, 12, 31)) is True


def test_timestamps_are_naive_local(ledger: Ledger) -> None:
    aware = DT(2026, 10, 31, 16, 0, tzinfo=timezone(timedelta(hours=8)))
    ledger.store_accepted(info("m.xlsx"), [sheet("complaints", complaint("C1", aware))], [])
    [stored] = ledger.complaints_all()
    assert stored["received_at"] == aware.astimezone().replace(tzinfo=None)
    assert stored["received_at"].tzinfo is None and stored["_updated_at"].tzinfo is None


def test_lookups_for_validation_kpis_and_status(ledger: Ledger) -> None:
    f1 = ledger.store_accepted(info("a.xlsx"), [
        sheet("staff", staff("S002", "李娜", "客服二部"), staff("S001", "张伟")),
        sheet("complaints", complaint("C001", DT(2026, 10, 3)), complaint("C002", DT(2026, 10, 4))),
        sheet("duties", duty("客服专员", ["接听"]), duty("组长", ["排班"], "客服二部")),
    ], [{"severity": "warning", "code": "extra-column"}])
    f2 = ledger.store_accepted(info("b.xlsx"), [sheet("visits",
        visit(DT(2026, 10, 9), "V2", complaint_id="C002"),
        visit(DT(2026, 10, 8), "V1", complaint_id="C002"),
        visit(DT(2026, 10, 8), "V3", complaint_id="C001"),
        visit(DT(2026, 10, 8), "V4", complaint_id=None))], [])
    assert [s["staff_id"] for s in ledger.staff_all()] == ["S001", "S002"]
    assert sorted(ledger.complaints_by_id(["C002", "C404"])) == ["C002"]
    assert sorted(ledger.complaint_ids(2) or []) == ["C001", "C002"]
    assert ledger.complaint_ids(1) is None  # more held than asked for: not listed
    assert [v["visit_id"] for v in ledger.visits_for_complaints({"C002"})] == ["V1", "V2"]
    assert [d["role"] for d in ledger.duties("客服二部")] == ["组长"]
    assert len(ledger.duties()) == 2
    assert ledger.schedule_between(D(2026, 10, 1), D(2026, 10, 31)) == []
    assert [f["id"] for f in ledger.recent_files(1)] == [f2]
    assert ledger.file(f1) is not None and ledger.file(f1)["warnings"] == 1  # type: ignore[index]
    summary = ledger.summary()
    assert summary["records"] == {"staff": 2, "duties": 2, "complaints": 2, "visits": 4,
                                  "schedule": 0}
    assert summary["files"]["accepted"] == 2
    assert summary["periods"] == ["2026-10"]


def test_sends(ledger: Ledger) -> None:
    ledger.record_send("d" * 64, "zhang@example.cn", status="failed", error="timeout")
    assert ledger.was_sent("d" * 64, "zhang@example.cn") is False
    ledger.record_send("d" * 64, "zhang@example.cn", path="/ws/outbox/a.docx")
    assert ledger.was_sent("d" * 64, "zhang@example.cn") is True
    assert ledger.was_sent("d" * 64, "li@example.cn") is False
    with pytest.raises(LedgerError):
        ledger.record_send("d" * 64, "li@example.cn", status="bounced")
