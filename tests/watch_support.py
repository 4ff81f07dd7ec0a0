"""Helpers for the watcher tests: workspaces with short timings, workbooks, running watchers.

Also used by ``bench/bench_watch.py`` and ``scripts/kill_trials.py``.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from officekit.watch import Watcher, WatchSummary
from officekit.watch.watcher import Timings
from officekit.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WATCH_MAIN = Path(__file__).with_name("watch_main.py")  # the watcher with the tests' hooks

HEADERS = ["投诉编号", "受理时间", "受理渠道", "客户姓名", "投诉类别", "投诉内容", "处理人",
           "处理状态"]


def make_ws(root: Path, *, settle: float = 0.3, rescan: float = 1.0, debounce: float = 0.3,
            poll: bool = False, database_url: str = "", queue: bool = False) -> Workspace:
    """A new workspace whose officekit.toml sets short watcher timings (and ``[database] url``
    when ``database_url`` is given; a SQLite URL of the workspace's own file is left out). On
    PostgreSQL the watcher works in-process unless ``queue`` (then it hands files to jobs)."""
    init_workspace(root)
    toml = (root / "officekit.toml").read_text(encoding="utf-8")
    start = toml.index("[watch]")
    end = toml.index("\n\n", start)
    toml = toml[:start] + (
        f"[watch]\nsettle_seconds = {settle}\nrescan_seconds = {rescan}\n"
        f"debounce_seconds = {debounce}\npoll = {'true' if poll else 'false'}") + toml[end:]
    if database_url and not database_url.startswith("sqlite"):
        toml += f'\n[database]\nurl = "{database_url}"\n'
        toml += f"\n[queue]\nenabled = {'true' if queue else 'false'}\n"
    (root / "officekit.toml").write_text(toml, encoding="utf-8")
    return Workspace.open(root)


def month_ago() -> date:
    """A day in the past month (so no future-date error, whatever today is)."""
    return date.today().replace(day=1) - timedelta(days=20)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def write_register(path: Path, ids: list[str], *, day: date | None = None,
                   channel: str = "电话", extra_sheet_bytes: int = 0) -> Path:
    """A small 投诉登记表 (xlsxwriter, like Excel) with one row per complaint id; valid unless
    ``channel`` is not a channel (then rejected with an ``enum`` error)."""
    day = day or month_ago()
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("投诉登记")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, HEADERS)
    for r, cid in enumerate(ids, start=1):
        sheet.write(r, 0, cid)
        sheet.write_datetime(r, 1, datetime.combine(day, datetime.min.time()) +
                             timedelta(hours=9, minutes=r), stamp)
        sheet.write_row(r, 2, [channel, f"客户{r}", "服务态度", f"{cid} 反映等待时间过长", "张敏",
                               "处理中"])
    if extra_sheet_bytes:
        png = _noise_png(extra_sheet_bytes)
        pics = book.add_worksheet("现场照片")
        pics.insert_image("A1", "photo.png", {"image_data": io.BytesIO(png)})
    book.close()
    return path


def _noise_png(size: int) -> bytes:
    """A valid RGB PNG of about ``size`` bytes of noise (it does not compress)."""
    width = 1024
    height = max(1, size // (width * 3))
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


def drop(data: bytes, dest: Path) -> Path:
    """Put ``data`` at ``dest`` in one rename, as a finished copy lands (staged beside it)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = dest.parent.parent / f".stage-{dest.name}"
    stage.write_bytes(data)
    os.replace(stage, dest)
    return dest


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something true; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(interval)


class RunningWatcher:
    """A :class:`Watcher` running in a thread; stopped and joined on exit."""

    def __init__(self, ws: Workspace, **kwargs: Any) -> None:
        kwargs.setdefault("quiet", True)
        kwargs.setdefault("timings", Timings.from_settings(ws.settings))
        self.watcher = Watcher(ws, **kwargs)
        self.summary: WatchSummary | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.summary = self.watcher.run()
        except BaseException as exc:  # reported by __exit__ in the test's thread
            self.error = exc
            raise

    def __enter__(self) -> RunningWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.watcher.stop()
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "watcher did not stop"
        if self.error is not None:
            raise self.error

    def done(self) -> int:
        """How many files it has finished so far."""
        return len(self.watcher.summary.outcomes)


@contextmanager
def running(ws: Workspace, **kwargs: Any) -> Iterator[RunningWatcher]:
    with RunningWatcher(ws, **kwargs) as rw:
        yield rw


def watch_process(ws: Workspace, *args: str, env: dict[str, str] | None = None,
                  log: Path | None = None) -> subprocess.Popen[bytes]:
    """``python tests/watch_main.py -w WS ARGS`` as a real process (output to ``log``); it
    renders no documents unless ``env`` sets OFFICEKIT_WATCH_RENDER."""
    full_env = {**os.environ, "OFFICEKIT_WATCH_RENDER": "none", **(env or {})}
    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen([PYTHON, str(WATCH_MAIN), "-w", str(ws.root), *args],
                                stdout=out, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


def rows(ws: Workspace) -> list[dict[str, Any]]:
    """Every file row of the ledger."""
    from officekit.ledger.store import Ledger

    with Ledger.open(ws.database_url) as ledger:
        return ledger.recent_files(1 << 30)


def finished(ws: Workspace) -> int:
    """How many file rows are in a terminal state."""
    return sum(1 for r in rows(ws) if r["state"] in ("accepted", "rejected", "duplicate"))


# --- a batch for crash tests ------------------------------------------------------------------

CRASH_GOOD = 5
CRASH_EXPECTED = {"accepted": CRASH_GOOD, "duplicate": 1, "rejected": 2}
CRASH_COMPLAINTS = sorted(f"TK{i}{j}" for i in range(CRASH_GOOD) for j in range(3))


def crash_batch(folder: Path) -> dict[str, bytes]:
    """The files of one drop: distinct good registers, a second copy of one under another
    name, a register with a bad value, a text file. Name → bytes."""
    files = {f"登记{i}.xlsx": write_register(folder / f"g{i}.xlsx",
                                            [f"TK{i}{j}" for j in range(3)]).read_bytes()
             for i in range(CRASH_GOOD)}
    files["登记0-副本.xlsx"] = files["登记0.xlsx"]
    files["渠道写错.xlsx"] = write_register(folder / "bad.xlsx", ["TKBAD"],
                                            channel="抖音").read_bytes()
    files["说明.txt"] = "这不是表格\r\n".encode()
    return files


def archived_count(ws: Workspace) -> int:
    """How many files are in the archive (any status)."""
    return sum(1 for p in ws.archive.rglob("*") if p.is_file()) if ws.archive.exists() else 0


def check_batch(ws: Workspace, exit_code: int) -> list[str]:
    """Everything wrong with a workspace after :func:`crash_batch` was dropped, watchers were
    killed and ``watch --once`` ran last (exiting ``exit_code``)."""
    from officekit.ledger.store import Ledger
    from officekit.watch.audit import audit_workspace
    from officekit.watch.settle import inbox_files

    problems = [] if exit_code == 0 else [f"watch --once exited {exit_code}"]
    audit = audit_workspace(ws)
    problems += audit.problems
    left = [p.name for p, _ in inbox_files(ws.inbox)]
    if left:
        problems.append(f"left in the inbox: {left}")
    states: dict[str, int] = {}
    for row in audit.rows:
        states[row["state"]] = states.get(row["state"], 0) + 1
    if states != CRASH_EXPECTED:
        problems.append(f"file states {states}, expected {CRASH_EXPECTED}")
    if len(audit.archived) != sum(CRASH_EXPECTED.values()):
        problems.append(f"{len(audit.archived)} files archived, expected "
                        f"{sum(CRASH_EXPECTED.values())}")
    with Ledger.open(ws.database_url) as ledger:
        stored = sorted(c["complaint_id"] for c in ledger.complaints_all())
    if stored != CRASH_COMPLAINTS:
        problems.append(f"complaints stored {stored}")
    return problems
