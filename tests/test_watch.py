"""The watcher through its Python API, on real folders, with a real ledger (SPEC §9)."""

from __future__ import annotations

import io
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import xlwt  # type: ignore[import-untyped]
from msoffcrypto.format.ooxml import OOXMLFile

from officekit.intake import process_loaded
from officekit.ledger.store import Ledger, sha256_of
from officekit.samples.forms import Cell
from officekit.samples.generate import write_samples
from officekit.samples.ods import write_ods
from officekit.validate.pipeline import load_file
from officekit.watch import MAX_ATTEMPTS, Timings, Watcher, stuck_files
from officekit.watch.audit import audit_workspace
from officekit.watch.renders import reports_renderer
from officekit.watch.worker import Outcome
from officekit.workspace import Workspace
from watch_support import (
    drop,
    make_ws,
    month_ago,
    period_of,
    rows,
    running,
    wait_for,
    write_register,
)


def register_bytes(tmp_path: Path, ids: list[str], name: str = "src.xlsx") -> bytes:
    return write_register(tmp_path / "src" / name, ids).read_bytes()


def log_text(ws: Workspace) -> str:
    return (ws.logs / "watch.log").read_text(encoding="utf-8")


def archived(ws: Workspace, status: str) -> list[str]:
    folder = ws.archive / status
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A workspace; on each back-end in turn for a test marked ``@BOTH_LEDGERS``."""
    url = request.getfixturevalue("ledger_url") if "ledger_url" in request.fixturenames else ""
    return make_ws(tmp_path / "ws", database_url=url)


BOTH_LEDGERS = pytest.mark.usefixtures("ledger_url")  # SQLite, then the PostgreSQL server


# --- one file, each way it can end ---------------------------------------------------------

@BOTH_LEDGERS
def test_a_good_file_is_accepted_archived_recorded_and_logged(ws: Workspace,
                                                               tmp_path: Path) -> None:
    data = register_bytes(tmp_path, ["TS001", "TS002"])
    with running(ws) as rw:
        drop(data, ws.inbox / "十月投诉登记表.xlsx")
        wait_for(lambda: rw.done() == 1)
    [outcome] = rw.watcher.summary.outcomes
    assert outcome.status == "accepted"
    assert outcome.periods == {period_of(month_ago())}
    assert outcome.destination is not None and outcome.destination.read_bytes() == data
    assert outcome.destination.parent.parent == ws.archive / "accepted"
    [row] = rows(ws)
    assert (row["state"], row["destination"]) == ("accepted", str(outcome.destination))
    assert row["owner"] == rw.watcher.owner and row["sha256"] == sha256_of(outcome.destination)
    with Ledger.open(ws.database_url) as ledger:
        assert [c["complaint_id"] for c in ledger.complaints_all()] == ["TS001", "TS002"]
    assert list(ws.inbox.iterdir()) == [ws.inbox / ".processing"]
    assert "✓ 已接收  十月投诉登记表.xlsx（投诉登记表 2）" in log_text(ws)
    assert audit_workspace(ws).ok


def test_a_bad_file_is_rejected_with_the_reason_in_the_log(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "src" / "缺列.xlsx"
    write_register(bad, ["TS001"])
    # the same register without its 处理人 column
    import openpyxl

    book = openpyxl.load_workbook(bad)
    book.active.delete_cols(7)
    book.save(bad)
    with running(ws, lang="en") as rw:
        drop(bad.read_bytes(), ws.inbox / "缺列.xlsx")
        wait_for(lambda: rw.done() == 1)
    assert rw.watcher.summary.outcomes[0].status == "rejected"
    assert archived(ws, "rejected") == ["缺列.xlsx"]
    assert (ws.rejected / "缺列.校验结果.xlsx").is_file()
    line = next(x for x in log_text(ws).splitlines() if "缺列.xlsx" in x)
    assert "✗ rejected  缺列.xlsx" in line
    assert "why:" in line and "处理人" in line  # the first error names the missing column
    assert "annotated copy: outbox/rejected/缺列.校验结果.xlsx" in line
    assert audit_workspace(ws).ok


@BOTH_LEDGERS
def test_same_content_twice_is_a_duplicate_and_a_changed_file_is_processed(
        ws: Workspace, tmp_path: Path) -> None:
    first = register_bytes(tmp_path, ["TS001"], "a.xlsx")
    changed = register_bytes(tmp_path, ["TS001", "TS002"], "b.xlsx")
    with running(ws) as rw:
        drop(first, ws.inbox / "登记.xlsx")
        wait_for(lambda: rw.done() == 1)
        drop(first, ws.inbox / "登记-副本.xlsx")
        wait_for(lambda: rw.done() == 2)
        drop(changed, ws.inbox / "登记.xlsx")
        wait_for(lambda: rw.done() == 3)
    assert [o.status for o in rw.watcher.summary.outcomes] == ["accepted", "duplicate",
                                                                "accepted"]
    assert archived(ws, "accepted") == ["登记 (2).xlsx", "登记.xlsx"]
    assert archived(ws, "duplicates") == ["登记-副本.xlsx"]
    by_state = {r["state"]: r for r in rows(ws) if r["state"] == "duplicate"}
    assert by_state["duplicate"]["duplicate_of"] is not None
    with Ledger.open(ws.database_url) as ledger:
        assert sorted(c["complaint_id"] for c in ledger.complaints_all()) == ["TS001", "TS002"]
    assert "= 重复文件  登记-副本.xlsx" in log_text(ws)
    assert audit_workspace(ws).ok


# --- bad files of every class leave the watcher running -------------------------------------

def _xls(path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("投诉登记")
    day = datetime.combine(month_ago(), datetime.min.time()) + timedelta(hours=10)
    values = ["TSX1", day.strftime("%Y-%m-%d %H:%M"), "电话", "客户", "服务态度", "内容", "张敏",
              "处理中"]
    for c, (head, value) in enumerate(zip(("投诉编号", "受理时间", "受理渠道", "客户姓名",
                                           "投诉类别", "投诉内容", "处理人", "处理状态"),
                                          values, strict=True)):
        sheet.write(0, c, head)
        sheet.write(1, c, value)
    book.save(str(path))


def _ods(path: Path) -> None:
    day = datetime.combine(month_ago(), datetime.min.time()) + timedelta(hours=11)
    write_ods(path, "投诉登记", "投诉登记表", ["投诉编号", "受理时间", "受理渠道", "客户姓名",
                                              "投诉类别", "投诉内容", "处理人", "处理状态"],
              [[Cell("TSO1"), Cell(day), Cell("微信"), Cell("客户"), Cell("收费问题"),
                Cell("内容"), Cell("张敏"), Cell("处理中")]])


def _bad_files(src: Path) -> dict[str, tuple[bytes, str]]:
    """name → (bytes, the status it must end in)."""
    good = write_register(src / "good.xlsx", ["TSB1"]).read_bytes()
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("secret", encrypted)
    _xls(src / "x.xls")
    _ods(src / "o.ods")
    return {
        "损坏.xlsx": (os.urandom(4000), "rejected"),
        "截断.xlsx": (good[: len(good) // 2], "rejected"),
        "加密.xlsx": (encrypted.getvalue(), "rejected"),
        "空文件.xlsx": (b"", "rejected"),
        "说明.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", "rejected"),
        "备注.txt": ("这不是表格\r\n".encode(), "rejected"),
        "旧格式.xls": ((src / "x.xls").read_bytes(), "accepted"),
        "开放格式.ods": ((src / "o.ods").read_bytes(), "accepted"),
    }


def test_every_bad_file_class_ends_in_its_place_and_the_watcher_keeps_going(
        tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.2)
    cases = _bad_files(tmp_path / "src")
    timings = Timings(settle=0.2, rescan=0.5, debounce=0.2, grace=1.0)
    with running(ws, timings=timings) as rw:
        for name, (data, _) in cases.items():
            drop(data, ws.inbox / name)
        wait_for(lambda: rw.done() == len(cases), timeout=30)
        # still alive and working: one more good file after all of them
        drop(register_bytes(tmp_path, ["TSB9"]), ws.inbox / "之后.xlsx")
        wait_for(lambda: rw.done() == len(cases) + 1)
    got = {o.name: o.status for o in rw.watcher.summary.outcomes}
    assert got == {**{n: s for n, (_, s) in cases.items()}, "之后.xlsx": "accepted"}
    codes = {r["name"]: [i["code"] for i in r["issues"] if i["severity"] == "error"]
             for r in rows(ws) if r["state"] == "rejected"}
    assert codes["加密.xlsx"] == ["encrypted-file"]
    assert codes["空文件.xlsx"] == ["empty-file"]
    assert codes["截断.xlsx"] == ["corrupt-file"]
    assert codes["说明.pdf"] == ["not-a-workbook"]
    assert codes["备注.txt"] == ["not-a-workbook"]
    assert len(codes["损坏.xlsx"]) == 1
    assert sorted(p.name for p in ws.rejected.iterdir()) == sorted(
        f"{Path(n).stem}.校验结果.xlsx" for n, (_, s) in cases.items() if s == "rejected")
    audit = audit_workspace(ws)
    assert audit.ok, audit.problems
    assert audit.waiting == []


# --- what is left alone; how Office saves ----------------------------------------------------

def test_lock_and_temp_files_are_left_alone_and_save_by_rename_is_seen(
        ws: Workspace, tmp_path: Path) -> None:
    data = register_bytes(tmp_path, ["TS100"])
    timings = Timings(settle=0.3, rescan=30.0, debounce=0.3)  # events only, after the first scan
    with running(ws, timings=timings) as rw:
        time.sleep(0.2)
        left = ["~$登记.xlsx", ".~lock.登记.xlsx#", "Thumbs.db", "desktop.ini", ".隐藏.xlsx"]
        for name in left:
            (ws.inbox / name).write_bytes(b"owner")
        # Excel: write a temporary file, then rename it over the real name
        tmp = ws.inbox / "A1B2C3D4.tmp"
        tmp.write_bytes(data)
        time.sleep(0.5)  # longer than the settle time: the temporary must not be taken
        os.replace(tmp, ws.inbox / "登记.xlsx")
        wait_for(lambda: rw.done() == 1, timeout=30)
        time.sleep(0.5)
    assert [o.name for o in rw.watcher.summary.outcomes] == ["登记.xlsx"]
    assert sorted(p.name for p in ws.inbox.iterdir() if p.name != ".processing") == sorted(left)


def test_a_dropped_folder_is_taken_and_removed_once_empty(ws: Workspace, tmp_path: Path) -> None:
    src = tmp_path / "十月资料"
    write_register(src / "a.xlsx", ["TS201"])
    write_register(src / "内层" / "b.xlsx", ["TS202"])
    os.replace(src, ws.inbox / "十月资料")
    summary = Watcher(ws, quiet=True).run(once=True)
    assert sorted(o.name for o in summary.outcomes) == ["a.xlsx", "b.xlsx"]
    assert [p.name for p in ws.inbox.iterdir()] == [".processing"]


# --- events, polling, a dead observer ---------------------------------------------------------

@pytest.mark.parametrize("poll", [False, True])
def test_files_are_seen_between_rescans(ws: Workspace, tmp_path: Path, poll: bool) -> None:
    """With a rescan only every hour, events (or the polling observer) find the file."""
    data = register_bytes(tmp_path, ["TS301"])
    timings = Timings(settle=0.3, rescan=3600.0, debounce=0.3)
    with running(ws, timings=timings, poll=poll) as rw:
        wait_for(rw.watcher.observer)
        time.sleep(0.3)
        drop(data, ws.inbox / "登记.xlsx")
        # long before the next rescan: only the observer can have found it
        wait_for(lambda: rw.done() == 1, timeout=60)
        observer = rw.watcher.observer()
    assert type(observer).__name__ == ("PollingObserver" if poll else "InotifyObserver")
    assert ("轮询" if poll else "文件事件") in log_text(ws)


def test_a_dead_observer_is_restarted(ws: Workspace, tmp_path: Path) -> None:
    timings = Timings(settle=0.2, rescan=1.0, debounce=0.2)
    with running(ws, timings=timings) as rw:
        first = wait_for(rw.watcher.observer)
        first.stop()
        first.join()
        second = wait_for(lambda: (o := rw.watcher.observer()) is not first and o, timeout=30)
        assert second.is_alive()
        drop(register_bytes(tmp_path, ["TS401"]), ws.inbox / "登记.xlsx")
        wait_for(lambda: rw.done() == 1, timeout=60)
    assert "文件监视线程已停止，已重新启动" in log_text(ws)


# --- documents ------------------------------------------------------------------------------

def test_documents_are_rendered_once_per_burst(ws: Workspace, tmp_path: Path) -> None:
    calls: list[set[str]] = []

    def render(periods: set[str]) -> list[Path]:
        calls.append(set(periods))
        doc = ws.outbox / f"{min(periods)}.docx"
        doc.write_bytes(b"doc")
        return [doc]

    sources = [register_bytes(tmp_path, [f"TS5{i:02d}"], f"{i}.xlsx") for i in range(5)]
    # files 0.1 s apart are one burst; the debounce is generous so that a loaded machine
    # (a slow drop, a slow read) does not split the burst in two
    timings = Timings(settle=0.2, rescan=1.0, debounce=3.0)
    with running(ws, timings=timings, on_accepted=render) as rw:
        for i, data in enumerate(sources):
            drop(data, ws.inbox / f"登记{i}.xlsx")
            time.sleep(0.1)
        # every file finished and nothing left waiting to be rendered: no render can follow
        wait_for(lambda: rw.done() == 5 and calls and rw.watcher.renders.due_at() is None,
                 timeout=60)
    assert calls == [{period_of(month_ago())}]
    assert rw.watcher.summary.documents == [ws.outbox / f"{period_of(month_ago())}.docx"]
    assert f"已更新文档 1 份（{period_of(month_ago())}）" in log_text(ws)
    assert not list((ws.data / "watch").glob("*.pending.json"))


def test_periods_a_killed_watcher_left_are_rendered_by_the_next(ws: Workspace) -> None:
    notes = ws.data / "watch"
    notes.mkdir(parents=True)
    (notes / "gone-1-abcdef.pending.json").write_text('{"periods": ["2026-09"]}', "utf-8")
    calls: list[set[str]] = []

    def render(periods: set[str]) -> list[Path]:
        calls.append(set(periods))
        return []

    Watcher(ws, quiet=True, on_accepted=render).run(once=True)
    assert calls == [{"2026-09"}]
    assert list(notes.iterdir()) == []


def test_a_file_a_queue_worker_finishes_meanwhile_is_not_taken_for_lost(
        ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A job queue's worker archives handed-off files out of a watcher's processing folder:
    one it stores and moves while the watcher looks for lost claims is finished, not lost."""
    item = ws.inbox / ".processing" / "gone-1-abcdef" / "000001" / "登记.xlsx"
    drop(register_bytes(tmp_path, ["TS701"]), item)
    with Ledger.open(ws.database_url) as ledger:
        assert ledger.claim(sha256_of(item), item.name, str(item), "queue@elsewhere")
    unfinished = Ledger.unfinished

    def worker_finishes_meanwhile(self: Ledger) -> list[dict[str, Any]]:
        claimed = unfinished(self)
        if item.exists():  # the worker stores the file, then moves it to the archive
            loaded = load_file(item, ws.settings)
            process_loaded(ws, self, loaded, today=date.today(), lang="zh", move=True)
        return claimed  # what the watcher read before the worker was done

    monkeypatch.setattr(Ledger, "unfinished", worker_finishes_meanwhile)
    Watcher(ws, quiet=True).run(once=True)
    assert [(r["name"], r["state"]) for r in rows(ws)] == [("登记.xlsx", "accepted")]
    assert "登记.xlsx" not in log_text(ws)


def test_a_failing_renderer_does_not_stop_the_watcher(ws: Workspace, tmp_path: Path) -> None:
    def render(periods: set[str]) -> list[Path]:
        raise RuntimeError("模板坏了")

    with running(ws, on_accepted=render) as rw:
        drop(register_bytes(tmp_path, ["TS601"]), ws.inbox / "a.xlsx")
        wait_for(lambda: "模板坏了" in log_text(ws), timeout=60)
        drop(register_bytes(tmp_path, ["TS602"]), ws.inbox / "b.xlsx")
        wait_for(lambda: rw.done() == 2, timeout=60)
    assert "生成" in log_text(ws) and "的文档失败" in log_text(ws)


# --- a file whose processing fails -----------------------------------------------------------

@BOTH_LEDGERS
def test_a_failure_is_retried_and_then_the_file_is_set_aside(ws: Workspace,
                                                             tmp_path: Path) -> None:
    tries: list[str] = []

    def fail_when_claimed(step: str) -> None:
        if step == "claimed":
            tries.append(step)
            raise OSError("磁盘出错")

    timings = Timings(settle=0.2, rescan=0.2, debounce=0.2)
    with running(ws, timings=timings, checkpoint=fail_when_claimed) as rw:
        drop(register_bytes(tmp_path, ["TS701"]), ws.inbox / "坏运气.xlsx")
        wait_for(lambda: rw.done() == 1, timeout=60)
        # the loop goes on
    assert len(tries) == MAX_ATTEMPTS
    [outcome] = rw.watcher.summary.outcomes
    assert outcome.status == "failed" and "磁盘出错" in (outcome.error or "")
    assert archived(ws, "failed") == ["坏运气.xlsx"]
    [row] = rows(ws)
    assert row["state"] == "failed" and row["attempts"] == MAX_ATTEMPTS
    assert row["destination"] == str(outcome.destination) and "磁盘出错" in row["message"]
    with Ledger.open(ws.database_url) as ledger:
        [stuck] = stuck_files(ledger)
    assert stuck["why"] == "failed" and stuck["name"] == "坏运气.xlsx"
    text = log_text(ws)
    assert "（第 1 次，稍后重试）" in text and "已试 3 次" in text
    assert "Traceback" in text  # for the administrator, in the log file only
    assert audit_workspace(ws).ok


def test_a_passing_failure_is_retried_to_success(ws: Workspace, tmp_path: Path) -> None:
    tries: list[str] = []

    def fail_once_after_storing(step: str) -> None:
        if step == "stored" and not tries:
            tries.append(step)
            raise OSError("网络共享暂时断开")

    outcomes: list[Outcome] = []
    timings = Timings(settle=0.2, rescan=0.2, debounce=0.2)
    with running(ws, timings=timings, checkpoint=fail_once_after_storing,
                 on_file=outcomes.append) as rw:
        drop(register_bytes(tmp_path, ["TS801"]), ws.inbox / "登记.xlsx")
        wait_for(lambda: rw.done() == 1, timeout=60)
    assert [o.status for o in outcomes] == ["accepted"]
    [row] = rows(ws)
    assert row["state"] == "accepted" and Path(row["destination"]).is_file()
    assert audit_workspace(ws).ok


@BOTH_LEDGERS
def test_stuck_lists_claims_held_for_long(ws: Workspace) -> None:
    with Ledger.open(ws.database_url) as ledger:
        assert ledger.claim("a" * 64, "x.xlsx", "/inbox/.processing/w/1/x.xlsx", "w")
        assert stuck_files(ledger) == []
        later = datetime.now() + timedelta(minutes=11)
        [row] = stuck_files(ledger, now=later)
    assert (row["why"], row["name"], row["owner"]) == ("claimed", "x.xlsx", "w")


# --- large and many ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 20 MB workbook: a small register plus a large photo sheet (made once)."""
    path = tmp_path_factory.mktemp("big") / "大文件.xlsx"
    write_register(path, ["TSBIG1", "TSBIG2"], extra_sheet_bytes=20 << 20)
    assert path.stat().st_size >= 20 << 20
    return path


@pytest.mark.slow
def test_a_slow_copy_is_taken_only_when_complete(tmp_path: Path, big_workbook: Path) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.3)
    data = big_workbook.read_bytes()
    dest = ws.inbox / big_workbook.name
    chunk = 1 << 20
    with running(ws) as rw:
        with dest.open("wb") as out:
            for i in range(0, len(data), chunk):
                out.write(data[i:i + chunk])
                out.flush()
                # mostly quick chunks, twice a stall longer than the settle time
                time.sleep(0.6 if i // chunk in (5, 12) else 0.05)
        written = datetime.now()
        wait_for(lambda: rw.done() == 1, timeout=60)
    [outcome] = rw.watcher.summary.outcomes
    assert outcome.status == "accepted"
    [row] = rows(ws)
    assert row["first_seen"] >= written - timedelta(seconds=0.05)
    assert row["size"] == len(data)
    assert outcome.destination is not None and sha256_of(outcome.destination) == sha256_of(
        big_workbook)


@pytest.fixture(scope="session")
def burst(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """200 small, different registers (made once)."""
    folder = tmp_path_factory.mktemp("burst")
    return [write_register(folder / f"登记_{i:03d}.xlsx", [f"TB{i:03d}A", f"TB{i:03d}B"])
            for i in range(200)]


@pytest.mark.slow
def test_a_burst_of_200_files_is_each_processed_once(tmp_path: Path, burst: list[Path]) -> None:
    ws = make_ws(tmp_path / "ws", settle=0.3)
    stage = tmp_path / "stage"
    stage.mkdir()
    for src in burst:
        (stage / src.name).write_bytes(src.read_bytes())
    with running(ws) as rw:
        for src in burst:
            os.replace(stage / src.name, ws.inbox / src.name)
        wait_for(lambda: rw.done() >= 200, timeout=120)
        time.sleep(0.5)
    assert len(rw.watcher.summary.outcomes) == 200
    assert rw.watcher.summary.counts()["accepted"] == 200
    assert sorted(archived(ws, "accepted")) == sorted(p.name for p in burst)
    with Ledger.open(ws.database_url) as ledger:
        assert len(ledger.complaints_all()) == 400
    audit = audit_workspace(ws)
    assert audit.ok, audit.problems
    assert len(audit.rows) == 200


@pytest.mark.slow
def test_the_sample_month_gets_its_documents(tmp_path: Path) -> None:
    """With the real renderer: the reports of the sample month are in outbox afterwards."""
    ws = make_ws(tmp_path / "ws", settle=0.2)
    write_samples(ws.inbox, flawed=False)
    summary = Watcher(ws, quiet=True, on_accepted=reports_renderer(ws, pdf=False)).run(once=True)
    assert summary.counts()["accepted"] == 6
    docs = summary.documents
    assert docs and all(d.is_file() and d.is_relative_to(ws.outbox) for d in docs)
    assert any("2026-10" in d.as_posix() and d.suffix == ".docx" for d in docs)
    assert "已更新文档" in log_text(ws)
