"""Benchmark of the inbox watcher: drop-to-documents latency, and a burst of 200 files.

Run: ``.venv/bin/python bench/bench_watch.py [--settle 2] [--debounce 0.5] [--files 200]``.

1. Latency: the sample month (``officekit sample``, good files only) is dropped into the inbox
   of a running watcher whose ``on_accepted`` renders every report of the touched periods
   (no PDF). Measured from the moment the files land (their last write) to the documents
   being in ``outbox/``; target: settle time + under 5 s.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from officekit.intake import ingest_files
from officekit.samples.generate import write_samples
from officekit.watch import Outcome, Timings, Watcher
from officekit.watch.renders import Renderer, reports_renderer
from watch_support import make_ws, wait_for, write_register


def timed(render: Renderer, timing: dict[str, float]) -> Renderer:
    """``render``, noting when the (first) rendering started and when the last one ended."""

    def wrapper(periods: set[str]) -> list[Path]:
        timing.setdefault("render_start", time.monotonic())
        docs = render(periods)
        timing["rendered"] = time.monotonic()
        return docs

    return wrapper


def latency(root: Path, settle: float, debounce: float) -> list[tuple[str, str]]:
    ws = make_ws(root / "latency", settle=settle, rescan=5.0, debounce=debounce)
    stage = root / "latency-stage"
    files = write_samples(stage, flawed=False)
    timing: dict[str, float] = {}
    render = timed(reports_renderer(ws, pdf=False), timing)
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
    wait_for(lambda: "rendered" in timing, timeout=300, interval=0.01)
    watcher.stop()
    thread.join()
    docs = watcher.summary.documents
    total = timing["rendered"] - dropped
    last_file = max(t for t, _ in outcomes) - dropped
    render_time = timing["rendered"] - timing.get("render_start", timing["rendered"])
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
        ("… minus the settle time", f"{total - settle:.2f} s (target < 5 s)"),
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
