"""Kill watchers with SIGKILL at random points of a batch; check that restarting finishes it.

Each trial makes a new workspace, drops a batch (distinct good registers, a second copy of one
under another name, a register with a bad value, a text file) and starts ``python
tests/watch_main.py`` (``officekit watch`` with the crash hooks) on it. The watcher is then
killed, once or twice in a row, in one of three ways: by itself the n-th time a file passes
a chosen step (``OFFICEKIT_WATCH_KILL_AT``: renamed, claimed, stored, recorded, placed); after
k files were archived and a few milliseconds more (inside the batch); or after a random
delay. Finally a watcher runs once to the end (in this process, to save a start-up) and the
trial checks SPEC §2 and §9: the inbox is empty, every file is in exactly one terminal place
with the ledger saying where (:func:`officekit.watch.audit.audit_workspace`), each file has
the status it should, and no complaint was stored twice or lost.

    python scripts/kill_trials.py --trials 20 [--seed 7] [--keep DIR]

Prints one line per trial and a summary; exits 1 when any trial fails.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from officekit.watch import Watcher
from watch_support import archived_count, check_batch, crash_batch, drop, make_ws, watch_process

STEPS = ("renamed", "claimed", "stored", "recorded", "placed")


@dataclass(slots=True)
class Trial:
    number: int
    how: str
    codes: list[int]
    problems: list[str]
    seconds: float


def run_trial(number: int, rng: random.Random, files: dict[str, bytes], root: Path) -> Trial:
    started = time.monotonic()
    ws = make_ws(root / f"trial{number:02d}", settle=0.2, rescan=0.5, debounce=0.2)
    for name, data in files.items():
        drop(data, ws.inbox / name)
    codes: list[int] = []
    hows: list[str] = []
    log = ws.root / "process.log"
    for _ in range(rng.choice((1, 1, 2))):
        if rng.random() < 0.5:
            step, nth = rng.choice(STEPS), rng.randint(1, 4)
            hows.append(f"{step}:{nth}")
            proc = watch_process(ws, env={"OFFICEKIT_WATCH_KILL_AT": f"{step}:{nth}"}, log=log)
            deadline = time.monotonic() + 15
            while (proc.poll() is None and time.monotonic() < deadline
                   and archived_count(ws) < len(files)):
                time.sleep(0.02)
            time.sleep(0.2)
            if proc.poll() is None:  # the step came fewer than n times: all done; stop it
                proc.send_signal(signal.SIGKILL)
        elif rng.random() < 0.7:
            # after k files were archived, and a few milliseconds more: inside the batch
            k, extra = rng.randint(0, len(files) - 1), rng.uniform(0, 0.05)
            hows.append(f"after {k} files+{extra * 1000:.0f}ms")
            proc = watch_process(ws, log=log)
            deadline = time.monotonic() + 15
            while (proc.poll() is None and time.monotonic() < deadline
                   and archived_count(ws) < k):
                time.sleep(0.005)
            time.sleep(extra)
            proc.send_signal(signal.SIGKILL)
        else:
            delay = rng.uniform(0.2, 1.5)
            hows.append(f"{delay:.2f}s")
            proc = watch_process(ws, log=log)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
        codes.append(proc.wait(timeout=30))
    # the restart runs in this process (its imports are warm): the same Watcher code
    Watcher(ws, quiet=True).run(once=True)
    codes.append(0)
    return Trial(number, " then ".join(hows), codes, check_batch(ws, codes[-1]),
                 time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the trial workspaces in this folder")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    root = args.keep or Path(tempfile.mkdtemp(prefix="officekit-kill-"))
    root.mkdir(parents=True, exist_ok=True)
    files = crash_batch(root / "src")
    failed = 0
    print(f"seed {seed}; workspaces in {root}")
    print(f"{'trial':>5}  {'seconds':>7}  {'exit codes':<16} kills")
    try:
        for n in range(1, args.trials + 1):
            trial = run_trial(n, rng, files, root)
            mark = "ok" if not trial.problems else "FAILED"
            print(f"{n:>5}  {trial.seconds:>7.1f}  {' '.join(map(str, trial.codes)):<16} "
                  f"{trial.how}  {mark}")
            for problem in trial.problems:
                print(f"         - {problem}")
            failed += bool(trial.problems)
    finally:
        if args.keep is None and not failed:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{args.trials - failed}/{args.trials} trials consistent (seed {seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
