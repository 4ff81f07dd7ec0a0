"""The due list (SPEC §11): working days with 调休 and holidays, levels, followup vs retry,
the JSON shape, the workbook, the [due] settings and the daily list's clock."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from officekit.cli import cli
from officekit.errors import SettingsError
from officekit.ledger.store import Ledger
from officekit.loop.daily import DailyDue, daily_list_path
from officekit.loop.due import compute_due
from officekit.settings import Settings, parse_settings
from officekit.workspace import Workspace
from test_ledger import complaint, info, sheet, staff, visit

DT = datetime
D = date
# National Day 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day (调休).
RECEIVED = DT(2026, 9, 30, 10, 0)

PEOPLE = [staff("S001", "张伟", role="客服专员", email="zhangwei@example.com", manager_id="M01"),
          staff("M01", "李经理", role="客服部经理", email="li@example.com"),
          staff("V01", "周杰", department="回访组", role="回访专员", email="zhou@example.com"),
          staff("V00", "吴组长", department="回访组", role="回访组组长", email="wu@example.com")]


def due_as_of(as_of: date, *complaints: dict[str, Any], visits: tuple[Any, ...] = (),
              settings: Settings | None = None) -> Any:
    return compute_due(PEOPLE, list(complaints), list(visits), settings or Settings(), as_of)


@pytest.mark.parametrize(("as_of", "days_left", "level"), [
    (D(2026, 9, 30), 7, "ok"),  # the holiday week does not count
    (D(2026, 10, 9), 5, "ok"),  # Sat 10-10 (调休) counts, Sun 10-11 does not
    (D(2026, 10, 14), 1, "warn"),
    (D(2026, 10, 15), 0, "warn"),  # due today
    (D(2026, 10, 16), -1, "overdue"),
    (D(2026, 10, 18), -1, "overdue"),  # the weekend after adds nothing
    (D(2026, 10, 19), -2, "overdue"),
    (D(2026, 10, 20), -3, "escalate"),  # escalate_days 3
])
def test_open_days_left_and_levels_across_holiday_and_makeup_day(
        as_of: date, days_left: int, level: str) -> None:
    due = due_as_of(as_of, complaint("C1", RECEIVED, "处理中"))
    [row] = due.open
    assert row.deadline == D(2026, 10, 15)  # 7 working days: 8, 9, 10(调休), 12, 13, 14, 15
    assert (row.days_left, row.level) == (days_left, level)
    assert (row.handler_id, row.department, row.head_id) == ("S001", "客服一部", "M01")


def test_a_grave_complaint_escalates_the_first_day_late_and_settings_move_levels() -> None:
    grave = complaint("C2", RECEIVED, "待处理", severity="重大")
    [row] = due_as_of(D(2026, 10, 9), grave).open
    assert (row.deadline, row.days_left, row.level) == (D(2026, 10, 8), -1, "escalate")
    serious = complaint("C3", DT(2026, 10, 9, 9), "待处理", severity="较重")
    [row] = due_as_of(D(2026, 10, 9), serious).open
    assert (row.deadline, row.days_left, row.level) == (D(2026, 10, 13), 3, "ok")
    wide = parse_settings({"due": {"warn_days": 3, "escalate_days": 1}})
    [row] = due_as_of(D(2026, 10, 9), serious, settings=wide).open
    assert row.level == "warn"
    [row] = due_as_of(D(2026, 10, 16), complaint("C1", RECEIVED, "处理中"), settings=wide).open
    assert (row.days_left, row.level) == (-1, "escalate")


def test_followup_retry_and_what_is_left_out() -> None:
    resolved = {"resolved_at": DT(2026, 10, 8, 16), "resolution": "已退费"}
    no_visit = complaint("F1", RECEIVED, "已办结", **resolved)
    failed = complaint("R1", RECEIVED, "已办结", **resolved)
    reached = complaint("OK1", RECEIVED, "已办结", **resolved)
    withdrawn = complaint("W1", RECEIVED, "已撤销")
    visits = (visit(DT(2026, 10, 9, 10), "V1", complaint_id="R1", reached=False, staff_id="V01",
                    staff_name="周杰"),
              visit(DT(2026, 10, 10, 11), "V2", complaint_id="R1", reached=False,
                    staff_id="V01", staff_name="周杰"),
              visit(DT(2026, 10, 9, 10), "V3", complaint_id="OK1", reached=True))
    due = due_as_of(D(2026, 10, 14), no_visit, failed, reached, withdrawn, visits=visits)
    assert due.open == []
    [f] = due.followup
    # due = resolved date + followup_days (7) in calendar days; 1 day left ≤ warn_days
    assert (f.complaint_id, f.due, f.days_left, f.level) == ("F1", D(2026, 10, 15), 1, "warn")
    [r] = due.retry
    assert (r.complaint_id, r.attempts, r.last_attempt_at) == ("R1", 2, DT(2026, 10, 10, 11))
    # the row names the visitor to call again, their department and its head
    assert (r.handler_id, r.handler_name, r.department, r.head_id) == (
        "V01", "周杰", "回访组", "V00")
    late = due_as_of(D(2026, 10, 16), no_visit)
    assert (late.followup[0].days_left, late.followup[0].level) == (-1, "overdue")
    assert due_as_of(D(2026, 10, 1), no_visit).followup[0].level == "ok"


def test_due_settings_errors_name_the_key() -> None:
    assert Settings().due.daily_at.strftime("%H:%M") == "08:30"
    s = parse_settings({"due": {"daily_at": "07:45", "escalate_to": "M01"}})
    assert (s.due.daily_at.hour, s.due.daily_at.minute, s.due.escalate_to) == (7, 45, "M01")
    for bad, key in (({"warn_days": -1}, "due.warn_days"), ({"escalate_days": 0},
                     "due.escalate_days"), ({"daily_at": "8点半"}, "due.daily_at"),
                     ({"daily_at": "25:00"}, "due.daily_at"), ({"warn_day": 1}, "due.warn_day"),
                     ({"escalate_days": "3"}, "due.escalate_days")):
        with pytest.raises(SettingsError) as err:
            parse_settings({"due": bad})
        assert err.value.key == key


# --- the command, the workbook, the daily list --------------------------------------------------


def run(*args: Any) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    assert run("init", root).exit_code == 0
    workspace = Workspace.open(str(root))
    with Ledger.open(workspace.database_url) as ledger:
        ledger.store_accepted(info("staff.xlsx"), [sheet("staff", *PEOPLE)], [])
        ledger.store_accepted(info("c.xlsx"), [sheet("complaints",
            complaint("C1", RECEIVED, "处理中"),
            complaint("C2", RECEIVED, "待处理", severity="重大"),
            complaint("C4", DT(2026, 10, 12, 9), "待处理", handler_id="V01", handler_name="周杰"),
            complaint("F1", RECEIVED, "已办结", resolved_at=DT(2026, 10, 8, 16),
                      resolution="已退费"))], [])
    return workspace


def test_due_json_shape_and_filters(ws: Workspace) -> None:
    res = run("due", "-w", ws.root, "--as-of", "2026-10-16", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"as_of", "open", "followup", "retry", "counts"}
    assert data["as_of"] == "2026-10-16"
    required = {"complaint_id", "received_at", "severity", "handler_id", "handler_name",
                "department", "head_id", "deadline", "days_left", "level"}
    assert all(required <= set(r) for r in data["open"])
    assert {"resolved_at", "due", "days_left", "level"} <= set(data["followup"][0])
    assert [(r["complaint_id"], r["level"], r["days_left"]) for r in data["open"]] == [
        ("C2", "escalate", -7), ("C1", "overdue", -1), ("C4", "ok", 3)]
    assert data["open"][0]["deadline"] == "2026-10-08"
    assert data["counts"] == {"open": 3, "followup": 1, "retry": 0, "escalate": 1,
                              "overdue": 2, "warn": 0, "ok": 1}
    only = json.loads(run("due", "-w", ws.root, "--as-of", "2026-10-16", "--format", "json",
                          "--department", "回访组").stdout)
    assert [r["complaint_id"] for r in only["open"]] == ["C4"] and only["followup"] == []
    mine = json.loads(run("due", "-w", ws.root, "--as-of", "2026-10-16", "--format", "json",
                          "--staff", "张伟").stdout)
    assert [r["complaint_id"] for r in mine["open"]] == ["C2", "C1"]
    bad = run("due", "-w", ws.root, "--department", "没有这个部门")
    assert bad.exit_code == 2
    text = run("due", "-w", ws.root, "--as-of", "2026-10-16").output
    assert "[提级督办] C2" in text and "已超期 7 个工作日" in text
    assert "Due list as of 2026-10-16" in run("due", "-w", ws.root, "--as-of", "2026-10-16",
                                              "--lang", "en").output


def test_due_workbook_one_sheet_per_department_coloured_frozen_filtered(ws: Workspace) -> None:
    res = run("due", "-w", ws.root, "--as-of", "2026-10-16", "--format", "xlsx")
    assert res.exit_code == 0, res.output
    path = Path(res.stdout.strip())
    assert path == daily_list_path(ws, D(2026, 10, 16))
    assert path.name == "2026-10-16_督办清单.xlsx" and path.parent.name == "督办"
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "回访组", "客服一部"]
    one = book["客服一部"]
    assert one.freeze_panes == "A2"
    assert one.auto_filter.ref is not None and one.auto_filter.ref.startswith("A1:")
    header = [c.value for c in one[1]]
    assert header[:4] == ["事项", "级别", "投诉编号", "受理时间"]
    rows = [[c.value for c in r] for r in one.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("待办结", "提级督办", "C2"), ("待办结", "已超期", "C1"), ("待回访", "已超期", "F1")]
    fills = [one.cell(row=i, column=3).fill.fgColor.rgb for i in (2, 3, 4)]
    assert fills[0].endswith("FF7C80") and fills[1].endswith("FFC7CE")
    ok = book["回访组"].cell(row=2, column=2)
    assert ok.value == "正常" and ok.fill.fgColor.rgb in (None, "00000000")
    assert book["汇总"]["A4"].value == "回访组"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_the_daily_list_is_written_at_daily_at_once_a_day_and_after_changes(
        ws: Workspace) -> None:
    (ws.root / "officekit.toml").write_text('[due]\ndaily_at = "08:30"\n', encoding="utf-8")
    ws = Workspace.open(str(ws.root))
    clock = Clock(DT(2026, 10, 16, 8, 0))
    daily = DailyDue(ws, clock=clock)
    assert daily.tick() is None
    assert daily.seconds_to_next() == 30 * 60
    clock.now = DT(2026, 10, 16, 8, 30)
    assert daily.seconds_to_next() == 0
    path = daily.tick()
    assert path == daily_list_path(ws, D(2026, 10, 16)) and path.is_file()
    path.unlink()
    clock.now = DT(2026, 10, 16, 9, 0)
    assert daily.tick() is None  # once a day
    # a restarted watcher remembers that today's was written
    assert DailyDue(ws, clock=clock).tick() is None
    daily.changed({"schedule"})
    assert daily.tick() is None  # a schedule does not change the list
    daily.changed({"complaints"})
    assert daily.tick() == path and path.is_file()
    assert daily.tick() is None
    clock.now = DT(2026, 10, 17, 8, 29)
    assert daily.seconds_to_next() == 60
    clock.now = DT(2026, 10, 17, 8, 31)
    assert daily.tick() == daily_list_path(ws, D(2026, 10, 17))


def test_the_watcher_writes_the_list_after_complaints_and_at_daily_at(tmp_path: Path) -> None:
    from officekit.watch import Watcher
    from watch_support import make_ws, write_register

    ws = make_ws(tmp_path / "ws", settle=0.05, debounce=0.0)
    early = Clock(DT(2026, 10, 16, 7, 0))
    Watcher(ws, quiet=True, clock=early).run(once=True)  # nothing accepted, before daily_at
    assert not (ws.outbox / "督办").exists()
    write_register(ws.inbox / "10月投诉登记表.xlsx", ["TS901", "TS902"])
    summary = Watcher(ws, quiet=True, clock=early).run(once=True)
    assert [o.status for o in summary.outcomes] == ["accepted"]
    path = daily_list_path(ws, D(2026, 10, 16))
    assert path.is_file()
    book = load_workbook(path)
    ids = [c.value for c in book[book.sheetnames[1]]["C"][1:]]
    assert sorted(ids) == ["TS901", "TS902"]
    assert "已更新督办清单" in (ws.logs / "watch.log").read_text(encoding="utf-8")
    # the next morning at daily_at, with nothing new in the inbox
    Watcher(ws, quiet=True, clock=Clock(DT(2026, 10, 17, 8, 30))).run(once=True)
    assert daily_list_path(ws, D(2026, 10, 17)).is_file()
