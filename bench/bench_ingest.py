"""Benchmark: the first bulk load of 100,000 complaints into a new ledger, SQLite vs PostgreSQL.

    .venv/bin/python bench/bench_ingest.py [--rows 100000] [--repeat 2] [--pg-url URL]

Two shapes of the same year of complaints (bench/make_data.py, like Excel writes them), each
loaded with `officekit ingest` after the sample staff list into a workspace with a new, empty
ledger: one 100,000-row register, and twelve monthly registers in one batch. Every load runs in
a fresh process (peak RSS is its own); contenders alternate within rounds. The PostgreSQL ledger
is a new database on the server of --pg-url, else $OFFICEKIT_TEST_PG_URL, else the one
`scripts/setup.sh --test` noted (tests/pg_support.py), dropped afterwards.

Targets (issue 14): first load PostgreSQL / SQLite ≤ 1.5; peak memory of the monthly batch
follows its largest file (it is well under the single register's).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent / "tests"))

from pg_support import PgDatabase, configured_url  # noqa: E402


def run(argv: list[str]) -> tuple[float, float]:
    """Run one process; return (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if code != 0:
        raise SystemExit(f"{argv[3:6]} failed ({code}):\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def monthly(rows: int) -> list[Path]:
    """The year split into twelve registers (same generator, one month's span each)."""
    import make_data

    folder = OUT / f"monthly_{rows}"
    if folder.exists() and len(list(folder.glob("*.xlsx"))) == 12:
        return sorted(folder.glob("*.xlsx"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"writing {folder.name}/ (once) …", flush=True)
    months = [datetime(2025, 11 + i, 1) if i < 2 else datetime(2026, i - 1, 1)
              for i in range(12)]
    out = []
    for i, start in enumerate(months):
        end = months[i + 1] if i + 1 < 12 else datetime(2026, 11, 1)
        make_data.START, make_data.END = start, end - timedelta(minutes=1)
        out.append(make_data.make_complaints(folder / f"{start:%Y年%m月}投诉登记表.xlsx",
                                             rows // 12, seed=i))
    return out


def prepare(rows: int) -> tuple[Path, list[Path], Path]:
    """The single register, the monthly ones, and the sample staff list."""
    OUT.mkdir(exist_ok=True)
    data = OUT / f"complaints_{rows}.xlsx"
    if not data.exists():
        print(f"writing {data.name} (once) …", flush=True)
        subprocess.run([sys.executable, str(HERE / "make_data.py"), str(data), str(rows)],
                       check=True)
    # written again each run (a second): a roster kept from an older sample set would name
    # other staff than make_data's registers, and every file would be rejected
    samples = OUT / "samples"
    shutil.rmtree(samples, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "officekit", "sample", str(samples), "--no-flawed"],
                   check=True, stdout=subprocess.DEVNULL)
    roster = next(samples.glob("*花名册*.xlsx"))
    return data, monthly(rows), roster


def new_workspace(root: Path, url: str | None) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "officekit", "init", str(root)], check=True,
                   stdout=subprocess.DEVNULL)
    if url:
        with (root / "officekit.toml").open("a", encoding="utf-8") as fh:
            fh.write(f'\n[database]\nurl = "{url}"\n')
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pg-url", default=configured_url())
    args = parser.parse_args()
    if not args.pg_url:
        raise SystemExit("no PostgreSQL server: pass --pg-url or set OFFICEKIT_TEST_PG_URL")
    single, months, roster = prepare(args.rows)
    shapes = {"one register": [single], "12 monthly registers": months}
    times: dict[tuple[str, str], list[float]] = {}
    peaks: dict[tuple[str, str], float] = {}
    databases: list[PgDatabase] = []
    try:
        for round_no in range(args.repeat):
            for shape, files in shapes.items():
                for backend in ("sqlite", "postgresql"):
                    url = None
                    if backend == "postgresql":
                        databases.append(PgDatabase.create(args.pg_url, "bench"))
                        url = databases[-1].url
                    ws = new_workspace(OUT / f"ingest_{backend}", url)
                    ingest = [sys.executable, "-m", "officekit", "ingest", "-w", str(ws), "-q",
                              "--today", "2026-11-23"]
                    subprocess.run([*ingest, str(roster)], check=True, stdout=subprocess.DEVNULL)
                    t, m = run([*ingest, *map(str, files)])
                    times.setdefault((shape, backend), []).append(t)
                    peaks[shape, backend] = max(peaks.get((shape, backend), 0.0), m)
                    print(f"  round {round_no + 1}: {shape}, {backend}: {t:.1f} s, {m:.0f} MB",
                          flush=True)
    finally:
        for db in databases:
            db.drop()
    print()
    print(f"first load of {args.rows:,} complaints into a new ledger (after the staff list), "
          f"best of {args.repeat}, each in a fresh process")
    print(f"{'shape':<24}{'SQLite s':>10}{'PostgreSQL s':>14}{'PG / SQLite':>13}"
          f"{'SQLite MB':>11}{'PG MB':>8}")
    ratios = []
    for shape in shapes:
        lite, pg = min(times[shape, "sqlite"]), min(times[shape, "postgresql"])
        ratios.append(pg / lite)
        print(f"{shape:<24}{lite:>10.1f}{pg:>14.1f}{pg / lite:>13.2f}"
              f"{peaks[shape, 'sqlite']:>11.0f}{peaks[shape, 'postgresql']:>8.0f}")
    print(f"\ntarget PostgreSQL / SQLite ≤ 1.5: {'met' if max(ratios) <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
