"""Benchmark: `officekit validate` on a 100,000-row complaint register vs the bare readers.

    .venv/bin/python bench/bench_validate.py [--rows 100000] [--repeat 3]

The register is written once (bench/make_data.py: xlsxwriter, shared strings, like Excel) into
bench/out/ and reused. A workspace there holds the sample staff list, so validation checks every
handler against a real ledger. Each contender runs in its own fresh process, `--repeat` times;
the table shows the best time and the ratio to the bare calamine read.

Peak memory is measured in one more, untimed run of each contender: every few milliseconds the
memory of the process *and all its descendants* (officekit reads in a guarded child) is summed
from /proc — proportional set size, so that pages a forked child shares with its parent count
once — and the largest sum is the peak. (The timed runs' rusage gives only the largest single
process's own maximum, not the processes together; what a contender leaves to end by itself is
adopted and reaped, so that figure includes it.) Without /proc (not Linux) the peak is that
rusage figure of the timed runs. ``--no-openpyxl`` leaves out the
slow openpyxl contender (~8 s a round) when only the ratio is wanted. Targets (issue 13):
officekit ≤ 1.5× calamine, < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(len(wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)
print(n)
"""

OPENPYXL = """
import sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1], read_only=True, data_only=True)
n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
print(n)
"""


def adopt_orphans() -> None:
    """Linux: become a child subreaper, so that a process a contender leaves to end by itself
    (officekit's reading child) is reparented here and reaped by :func:`run` — its peak in
    the rusage figure, and gone before the next contender starts."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def run(argv: list[str]) -> tuple[float, float, int]:
    """Run one process; return (seconds, peak RSS in MB, exit code). The time is until the
    process ends (what a user waits for); the peak is the largest of it and of every process
    it left behind, which are waited for after the clock stops."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss
    while True:  # what it left to end by itself (adopt_orphans)
        try:
            _, _, left = os.wait4(-1, 0)
        except ChildProcessError:
            break
        peak = max(peak, left.ru_maxrss)
    if proc.stderr is not None:
        err = proc.stderr.read().decode()
        proc.stderr.close()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{argv[:3]} failed ({proc.returncode}):\n{err}")
    return elapsed, peak / 1024, proc.returncode


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (by parent pid, from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_peak(argv: list[str], every: float = 0.005) -> float:
    """Run ``argv`` once, untimed; the largest summed PSS (MB) of it and its descendants,
    sampled every ``every`` seconds until the process and all it started are gone."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    seen: set[int] = set()
    while True:
        tree = _descendants(proc.pid) if proc.poll() is None else [p for p in seen
                                                                   if os.path.exists(f"/proc/{p}")]
        seen.update(tree)
        total = sum(_pss_kb(pid) for pid in tree)
        peak = max(peak, total)
        if proc.poll() is not None and not any(_pss_kb(p) for p in seen):
            break  # the process and everything it started have let go of their memory
        time.sleep(every)
    while True:  # reap what it left to end by itself (adopt_orphans)
        try:
            os.wait4(-1, 0)
        except ChildProcessError:
            break
    return peak / 1024


def compile_officekit() -> None:
    """Compile officekit's modules to bytecode now, as installing a package does. Where
    PYTHONDONTWRITEBYTECODE is set (this machine's shells set it) a module edited since it was
    last compiled would otherwise be compiled again in every run, charged to officekit's time:
    not what a user of an installed officekit waits for."""
    import compileall

    import officekit

    compileall.compile_dir(Path(officekit.__file__).parent, quiet=1)


def prepare(rows: int) -> tuple[Path, Path]:
    """The register and a workspace whose ledger holds the sample staff list."""
    OUT.mkdir(exist_ok=True)
    data = OUT / f"complaints_{rows}.xlsx"
    if not data.exists():
        print(f"writing {data.name} (once) …", flush=True)
        subprocess.run([sys.executable, str(HERE / "make_data.py"), str(data), str(rows)],
                       check=True)
    ws = OUT / "workspace"
    if not (ws / ".officekit" / "ledger.sqlite3").exists():
        officekit = [sys.executable, "-m", "officekit"]
        subprocess.run([*officekit, "init", str(ws)], check=True, stdout=subprocess.DEVNULL)
        samples = OUT / "samples"
        subprocess.run([*officekit, "sample", str(samples), "--no-flawed"], check=True,
                       stdout=subprocess.DEVNULL)
        roster = next(samples.glob("*花名册*.xlsx"))
        subprocess.run([*officekit, "ingest", "-w", str(ws), "-q", str(roster)], check=True,
                       stdout=subprocess.DEVNULL)
    return data, ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-openpyxl", action="store_true",
                        help="leave out openpyxl (slow; it is not in the target)")
    args = parser.parse_args()
    data, ws = prepare(args.rows)
    compile_officekit()
    adopt_orphans()
    py = sys.executable
    contenders = {
        "python-calamine (bare read)": [py, "-c", CALAMINE, str(data)],
        "openpyxl read_only": [py, "-c", OPENPYXL, str(data)],
        "officekit validate": [py, "-m", "officekit", "validate", "-w", str(ws), "-q",
                               "--format", "json", "--today", "2026-11-23", str(data)],
    }
    if args.no_openpyxl:
        del contenders["openpyxl read_only"]
    # Contenders alternate within each round: this machine's speed drifts from minute to
    # minute, and running all of one contender first would charge the drift to one side.
    times: dict[str, list[float]] = {name: [] for name in contenders}
    peaks: dict[str, float] = dict.fromkeys(contenders, 0.0)
    for round_no in range(args.repeat):
        for name, argv in contenders.items():
            t, m, _code = run(argv)
            times[name].append(t)
            peaks[name] = max(peaks[name], m)
        print(f"  round {round_no + 1}: " + ", ".join(
            f"{name.split()[0]} {times[name][-1]:.2f} s" for name in contenders), flush=True)
    if os.path.exists("/proc/self/smaps_rollup"):
        for name, argv in contenders.items():
            peaks[name] = tree_peak(argv)
        memory = "peak memory: summed PSS of the process and its children, one untimed run"
    else:
        memory = "peak memory: the largest process's maximum RSS (rusage)"
    results = {name: (min(ts), peaks[name]) for name, ts in times.items()}
    calamine = times["python-calamine (bare read)"]
    per_round = sorted(o / c for o, c in zip(times["officekit validate"], calamine, strict=True))
    median_ratio = per_round[len(per_round) // 2]
    base = results["python-calamine (bare read)"][0]
    cells = args.rows * 14
    print()
    print(f"{args.rows:,} rows × 14 columns ({data.stat().st_size / 1e6:.1f} MB), "
          f"best of {args.repeat}, each in a fresh process")
    print(f"{'contender':<30}{'seconds':>9}{'× calamine':>12}{'µs/cell':>9}{'peak MB':>9}")
    for name, (t, m) in results.items():
        print(f"{name:<30}{t:>9.2f}{t / base:>12.2f}{t / cells * 1e6:>9.2f}{m:>9.0f}")
    print(f"({memory})")
    print(f"\nofficekit / calamine, per round: "
          f"{', '.join(f'{r:.2f}' for r in per_round)} (median {median_ratio:.2f})")
    ok_t = median_ratio <= 1.5
    ok_m = results["officekit validate"][1] < 300
    print(f"\ntarget ≤ 1.5× calamine (median round): {'met' if ok_t else 'NOT met'}; "
          f"target < 300 MB: {'met' if ok_m else 'NOT met'}")


if __name__ == "__main__":
    main()
