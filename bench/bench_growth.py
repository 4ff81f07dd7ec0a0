"""How cost grows: a year of a large centre at three sizes — ingest, a year's KPIs, a quarter.

Run: ``.venv/bin/python bench/bench_growth.py [--scales 0.25,0.5,1]``

At scale 1 the centre has 1,000 staff, ~100,000 complaints, ~80,000 follow-up visits and
365,000 schedule entries over 2026 (bench/make_year.py: 37 workbooks, a 花名册 and a
排班表, 投诉登记表 and 回访记录表 a month). For each scale, each step runs in a fresh process
(its wall time and peak RSS are its own):

1. ``officekit ingest`` of the year's 37 workbooks into a new SQLite workspace;
2. ``officekit kpis --period 2026 --format json`` (a year's KPIs of every person);
3. rendering the fourth quarter: evaluation (one per person), evaluation-summary (one per
   department), complaints and visits reports — ``publish_reports`` in one process.

The table shows seconds, microseconds per input row (ingest) or per document (render), and
peak memory; the growth rows divide each step's time by the previous size's: a step that
grows linearly doubles when the data doubles, a quadratic one quadruples.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "growth"
TODAY = "2026-12-31"
OFFICEKIT = [sys.executable, "-m", "officekit"]
RENDER = """
import sys
from datetime import date
from officekit.kpis.periods import Period
from officekit.ledger.store import Ledger
from officekit.publish import publish_reports
from officekit.render.reports import ReportRequest
from officekit.workspace import Workspace
ws = Workspace.open(sys.argv[1])
q = Period.parse("2026-Q4")
kinds = ("evaluation", "evaluation-summary", "complaints", "visits")
with Ledger.open(ws.database_url) as ledger:
    docs = publish_reports(ws, ledger, [ReportRequest(k, q, date(2026, 12, 31)) for k in kinds])
print(len(docs))
"""

sys.path.insert(0, str(HERE))


def run_peak(argv: list[str]) -> tuple[float, float, float, str]:
    """One fresh process: (seconds, CPU seconds, its peak RSS in MB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text, problems = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv[:4]} failed:\n{problems[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def measure(scale: float) -> dict[str, float]:
    from make_year import write_year

    data = OUT / f"data-{scale:g}"
    stamp = data / ".complete"
    if not stamp.exists():
        shutil.rmtree(data, ignore_errors=True)
        t0 = time.perf_counter()
        files = write_year(data, scale)
        stamp.write_text("\n".join(f.name for f in files), encoding="utf-8")
        print(f"scale {scale:g}: {len(files)} workbooks written in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    files = [data / name for name in stamp.read_text(encoding="utf-8").splitlines()]
    ws = OUT / f"ws-{scale:g}"
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run([*OFFICEKIT, "init", str(ws)], check=True, capture_output=True)
    report = OUT / f"ingest-{scale:g}.json"
    ingest = [*OFFICEKIT, "ingest", "-w", str(ws), "-q", "--today", TODAY, "--format", "json",
              *map(str, files)]
    with report.open("w") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(ingest, stdout=fh, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        ingest_s, ingest_mb = time.perf_counter() - t0, usage.ru_maxrss / 1024
        ingest_cpu = usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit("ingest failed / 导入失败")

    files_json = json.loads(report.read_text())["files"]
    rows = sum(s["rows"] for f in files_json for s in f["sheets"])
    accepted = sum(f["status"] == "accepted" for f in files_json)
    kpi_s, kpi_cpu, kpi_mb, _ = run_peak([*OFFICEKIT, "kpis", "-w", str(ws), "--period",
                                          "2026", "--as-of", TODAY, "--format", "json"])
    render_s, render_cpu, render_mb, out = run_peak([sys.executable, "-c", RENDER, str(ws)])
    return {"scale": scale, "rows": rows, "files": len(files), "accepted": accepted,
            "ingest_s": ingest_s, "ingest_cpu": ingest_cpu, "ingest_mb": ingest_mb,
            "kpi_s": kpi_s, "kpi_cpu": kpi_cpu, "kpi_mb": kpi_mb, "render_s": render_s,
            "render_cpu": render_cpu, "render_mb": render_mb, "docs": int(out.split()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.25,0.5,1",
                        help="sizes as fractions of 1,000 staff / ~100,000 complaints a year")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    load = Path("/proc/loadavg").read_text().split()[0]
    results = [measure(float(s)) for s in args.scales.split(",")]
    print(f"\nA year of a centre at {len(results)} sizes; {os.cpu_count()} CPUs "
          f"(load average {load} at start); each step a fresh process")
    print("seconds are wall (CPU) — on a shared machine the CPU seconds are the steadier measure")
    print(f"{'scale':>6}{'input rows':>12}{'files ok':>10}{'ingest s':>14}{'µs/row':>8}"
          f"{'MB':>6}{'year KPIs s':>14}{'MB':>6}{'Q4 docs':>9}{'render s':>14}{'ms/doc':>8}"
          f"{'MB':>6}")
    for r in results:
        print(f"{r['scale']:>6g}{r['rows']:>12,}{r['accepted']:>5.0f}/{r['files']:<4.0f}"
              f"{r['ingest_s']:>7.1f} ({r['ingest_cpu']:>4.1f})"
              f"{r['ingest_cpu'] / r['rows'] * 1e6:>8.1f}{r['ingest_mb']:>6.0f}"
              f"{r['kpi_s']:>7.1f} ({r['kpi_cpu']:>4.1f}){r['kpi_mb']:>6.0f}{r['docs']:>9}"
              f"{r['render_s']:>7.1f} ({r['render_cpu']:>4.1f})"
              f"{r['render_cpu'] / r['docs'] * 1e3:>8.1f}{r['render_mb']:>6.0f}")
    print("\ngrowth of CPU seconds against the previous size (linear: like the data, ×2 for "
          "twice the data; quadratic: ×4)")
    print(f"{'sizes':>12}{'data ×':>8}{'ingest ×':>10}{'KPIs ×':>8}{'render ×':>10}"
          f"{'peak MB ×':>11}")
    for a, b in itertools.pairwise(results):
        peak = max(b["ingest_mb"], b["kpi_mb"], b["render_mb"]) / max(
            a["ingest_mb"], a["kpi_mb"], a["render_mb"])
        print(f"{a['scale']:>5g} → {b['scale']:<5g}{b['rows'] / a['rows']:>8.2f}"
              f"{b['ingest_cpu'] / a['ingest_cpu']:>10.2f}{b['kpi_cpu'] / a['kpi_cpu']:>8.2f}"
              f"{b['render_cpu'] / a['render_cpu']:>10.2f}{peak:>11.2f}")


if __name__ == "__main__":
    main()
