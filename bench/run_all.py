"""Every benchmark in one run, then the figures issues 13 and 14 ask for against their targets.

Run: ``.venv/bin/python bench/run_all.py [--quick]``

In order, each in its own process (their tables are printed as they come):

1. bench_report.py — ``officekit report evaluation`` for 300 staff vs docxtpl given the same
   contexts and chart pictures (target ≥ 10× docxtpl's documents per second);
2. bench_validate.py — ``officekit validate`` of a 100,000-row register vs a bare
   python-calamine read and openpyxl (target ≤ 1.5× calamine, peak < 300 MB);
3. bench_watch.py — last write → documents for the sample month (target settle + ≤ 2 s),
   then one more file of the month (only the documents it changes are rewritten);
4. bench_growth.py — a year of a large centre at three sizes (linear growth, peak memory);
5. bench_ingest.py — the first load of 100,000 complaints into a new ledger, PostgreSQL vs
   SQLite (target ≤ 1.5×), and the peak memory of that ingest (one register; twelve monthly
   registers in one batch, which streams file by file). Needs a PostgreSQL server
   (``--pg-url``, ``$OFFICEKIT_TEST_PG_URL`` or the one ``scripts/setup.sh --test`` noted).

``--quick`` runs the growth benchmark at 0.05/0.1/0.2 of the full size (seconds, not minutes),
the first load with 20,000 complaints (best of two), and each other contender once. The
machine's load average is printed with the summary: on a shared machine quote the ratios, not
the seconds, and say how loaded it was.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> str:
    """Run one benchmark, echoing its output; return the output."""
    print(f"\n===== {script} {' '.join(args)}", flush=True)
    proc = subprocess.Popen([sys.executable, str(HERE / script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    if proc.wait() != 0:
        print(f"{script} failed ({proc.returncode})", file=sys.stderr)
    return "".join(lines)


def find(pattern: str, text: str, default: str = "?") -> str:
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1) if match else default


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    load_before = Path("/proc/loadavg").read_text().split()[0]
    repeat = "1" if args.quick else "3"
    report = run("bench_report.py", "--repeat", "1" if args.quick else "2")
    validate = run("bench_validate.py", "--repeat", repeat)
    watch = run("bench_watch.py", "--files", "50" if args.quick else "200")
    growth = run("bench_growth.py", *(["--scales", "0.05,0.1,0.2"] if args.quick else []))
    # best of two even when quick: one round of a 20,000-row load is noise on a shared machine
    ingest = run("bench_ingest.py", "--repeat", "2",
                 *(["--rows", "20000"] if args.quick else []))
    rows_loaded = find(r"^first load of (\S+) complaints", ingest)
    load_after = Path("/proc/loadavg").read_text().split()[0]

    rows = [
        ("report evaluation, docs/s vs docxtpl", "≥ 10×",
         find(r"^officekit report evaluation \(whole command\)\s+\S+\s+\S+\s+\S+\s+(\S+)",
              report) + "×"),
        ("… again with nothing changed (skipped)", "—",
         find(r"^officekit again, nothing changed \(skipped\)\s+\S+\s+\S+\s+\S+\s+(\S+)",
              report) + "×"),
        ("validate vs bare calamine (median round)", "≤ 1.5×",
         find(r"\(median (\S+)\)", validate) + "×"),
        ("validate peak memory", "< 300 MB",
         find(r"^officekit validate\s+\S+\s+\S+\s+\S+\s+(\S+)", validate) + " MB"),
        ("watcher: last write → documents − settle", "≤ 2 s",
         find(r"^… minus the settle time\s+(\S+ s)", watch)),
        ("… one more file: documents rewritten", "only changed",
         find(r"documents rewritten\s+(\d+ of \d+)", watch)),
        ("growth: CPU × for twice the data (KPIs)", "≈ 2 (linear)",
         " ".join(re.findall(r"^\s*\S+ → \S+\s+2\.00\s+\S+\s+(\S+)", growth, re.MULTILINE))),
        ("growth: CPU × for twice the data (ingest)", "≈ 2 (linear)",
         " ".join(re.findall(r"^\s*\S+ → \S+\s+2\.00\s+(\S+)", growth, re.MULTILINE))),
        ("growth: CPU × for twice the data (render)", "≈ 2 (linear)",
         " ".join(re.findall(r"^\s*\S+ → \S+\s+2\.00\s+\S+\s+\S+\s+(\S+)", growth,
                             re.MULTILINE))),
        (f"first load PostgreSQL / SQLite, {rows_loaded} complaints", "≤ 1.5×",
         " / ".join(f"{r}×" for r in re.findall(
             r"^(?:one register|12 monthly registers)\s+\S+\s+\S+\s+(\S+)", ingest,
             re.MULTILINE)) + " (one register / 12 monthly)"),
        (f"ingest peak memory, {rows_loaded} complaints", "largest file",
         " / ".join(f"{m} MB" for m in re.findall(
             r"^(?:one register|12 monthly registers)\s+\S+\s+\S+\s+\S+\s+(\S+)", ingest,
             re.MULTILINE)) + " (one register / 12 monthly, SQLite)"),
    ]
    print(f"\n===== summary (load average {load_before} at start, {load_after} at the end; "
          "2-core machine shared with others: ratios, not seconds)")
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure':<{width}}  {'target':<14}measured")
    for name, target, value in rows:
        print(f"{name:<{width}}  {target:<14}{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
