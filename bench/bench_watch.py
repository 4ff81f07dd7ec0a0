"""Benchmark of the inbox watcher: drop-to-documents latency, and a burst of 200 files.

Run: ``.venv/bin/python bench/bench_watch.py [--settle 2] [--debounce 0.5] [--files 200]``.

1. Latency: the sample month (``officekit sample``, good files only) is dropped into the inbox
   of a running watcher whose ``on_accepted`` renders every report of the touched periods
   (no PDF). Measured from the moment the files land (their last write) to the documents
   being in ``outbox/``; target (issue 13): settle time + at most 2 s. Then one more
   complaint of the same month is dropped: only the documents it changes are written again
   (incremental rendering), and the latency of that is shown too.
2. Burst: N small registers dropped at once; time to the last one archived, and files per
   minute. Baseline in the same run: the same files through ``ingest_files`` (what
   ``officekit ingest`` does), i.e. the pipeline without the watcher.

Prints a table. Works in a temporary folder; nothing in the repository is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from officekit.intake import ingest_files
from officekit.samples.generate import write_samples
from officekit.watch import Outcome, Timings, Watcher
from officekit.watch.renders import Renderer, reports_renderer
from watch_support import make_ws, wait_for, write_register


def timed(render: Renderer, renders: list[tuple[float, float, int]]) -> Renderer:
    """``render``, noting (start, end, documents written) of every rendering."""

    def wrapper(periods: set[str]) -> list[Path]:
        start = time.monotonic()
        docs = render(periods)
        renders.append((start, time.monotonic(), len(docs)))
        return docs

    return wrapper


def one_complaint(path: Path) -> Path:
    """A register of one more October complaint, handled by 王静 (0108) of the sample."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("投诉登记")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["投诉编号", "受理时间", "受理渠道", "客户姓名", "联系电话", "投诉类别",
                           "严重程度", "投诉内容", "责任部门", "处理人", "处理状态", "办结时间",
                           "处理结果"])
    sheet.write_row(1, 0, ["TS2026109990", None, "电话", "赵先生", "13700001111", "收费问题",
                           "一般", "电费多收", "客服一部", "王静(0108)", "已办结", None, "已退费"])
    sheet.write_datetime(1, 1, datetime(2026, 10, 20, 9, 30), when)
    sheet.write_datetime(1, 11, datetime(2026, 10, 21, 15, 0), when)
    book.close()
    return path


def latency(root: Path, settle: float, debounce: float) -> list[tuple[str, str]]:
    ws = make_ws(root / "latency", settle=settle, rescan=5.0, debounce=debounce)
    stage = root / "latency-stage"
    files = write_samples(stage, flawed=False)
    renders: list[tuple[float, float, int]] = []
    render = timed(reports_renderer(ws, pdf=False), renders)
    how = "officekit.watch.renders.reports_renderer (all kinds, no PDF)"
    outcomes: list[tuple[float, Outcome]] = []
    watcher = Watcher(ws, quiet=True, on_accepted=render,
                      on_file=lambda o: outcomes.append((time.monotonic(), o)),
                      timings=Timings(settle, 5.0, debounce))
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    time.sleep(0.5)
    dropped = time.monotonic()
    for f in files:
        os.replace(f, ws.inbox / f.name)
    wait_for(lambda: bool(renders), timeout=300, interval=0.01)
    docs = watcher.summary.documents
    total = renders[0][1] - dropped
    last_file = max(t for t, _ in outcomes) - dropped
    render_time = renders[0][1] - renders[0][0]
    # one more complaint for the same month: only the documents it changes are written again
    extra = one_complaint(root / "latency-extra" / "补登投诉.xlsx")
    again = time.monotonic()
    os.replace(extra, ws.inbox / extra.name)
    wait_for(lambda: len(renders) > 1, timeout=300, interval=0.01)
    watcher.stop()
    thread.join()
    second = renders[1][1] - again
    statuses = ", ".join(f"{o.name}: {o.status}" for _, o in outcomes if o.status != "accepted")
    return [
        ("renderer", how),
        ("files dropped", f"{len(files)} ({statuses or 'all accepted'})"),
        ("documents written", str(len(docs))),
        ("settle time", f"{settle:.1f} s"),
        ("last write → last file archived", f"{last_file:.2f} s"),
        ("debounce time", f"{debounce:.1f} s"),
        ("rendering", f"{render_time:.2f} s"),
        ("last write → documents in outbox", f"{total:.2f} s"),
        ("… minus the settle time", f"{total - settle:.2f} s (target ≤ 2 s)"),
        ("one more complaint for the month: documents rewritten",
         f"{renders[1][2]} of {renders[0][2]} (the rest unchanged, not written)"),
        ("… last write → documents, minus the settle time",
         f"{second - settle:.2f} s (rendering {renders[1][1] - renders[1][0]:.2f} s)"),
    ]


def burst(root: Path, n: int, settle: float) -> list[tuple[str, str]]:
    src = root / "burst-src"
    made = [write_register(src / f"登记_{i:03d}.xlsx", [f"TB{i:03d}A", f"TB{i:03d}B"])
            for i in range(n)]
    # the watcher
    ws = make_ws(root / "burst", settle=settle, rescan=1.0, debounce=1.0)
    stage = root / "burst-stage"
    shutil.copytree(src, stage)
    done: list[float] = []
    watcher = Watcher(ws, quiet=True, on_file=lambda o: done.append(time.monotonic()),
                      timings=Timings(settle, 1.0, 1.0))
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    time.sleep(0.5)
    dropped = time.monotonic()
    for f in made:
        os.replace(stage / f.name, ws.inbox / f.name)
    wait_for(lambda: len(done) >= n, timeout=600, interval=0.02)
    watcher.stop()
    thread.join()
    total = done[-1] - dropped
    working = done[-1] - done[0]
    # the baseline: the same files straight through the pipeline
    base_ws = make_ws(root / "baseline")
    start = time.monotonic()
    ingest_files(base_ws, made)
    base = time.monotonic() - start
    return [
        ("files", str(n)),
        ("drop → last archived", f"{total:.2f} s ({n / total * 60:.0f} files/min)"),
        ("first → last archived", f"{working:.2f} s ({n / max(working, 1e-9) * 60:.0f} "
                                  "files/min)"),
        ("baseline: ingest_files, same files", f"{base:.2f} s ({n / base * 60:.0f} files/min)"),
    ]


def table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}")
    print("-" * (width + 40))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--debounce", type=float, default=0.5)
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="officekit-bench-watch-"))
    try:
        table("Sample month: last write → documents in outbox (no PDF)",
              latency(root, args.settle, args.debounce))
        table(f"Burst of {args.files} small workbooks", burst(root, args.files, args.settle))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
