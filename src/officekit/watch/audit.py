"""Check the promise of SPEC §2 on a workspace: every file dropped is in exactly one terminal
place, and the ledger records where.

Used by the crash tests after killing watchers, and useful to anyone who wants to know that
nothing was lost (a ``status --check`` could call it). Read-only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from officekit.ledger.schema import TERMINAL_STATES
from officekit.ledger.store import Ledger, sha256_of
from officekit.watch.claims import PROCESSING
from officekit.watch.settle import hidden_name, inbox_files
from officekit.workspace import Workspace

ALL_ROWS = 1 << 30


@dataclass(slots=True)
class Audit:
    """What was found: ledger file rows, archived files, and every inconsistency."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    archived: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)  # files in the inbox, not yet taken
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _archived(ws: Workspace) -> list[Path]:
    if not ws.archive.is_dir():
        return []
    return sorted(p for p in ws.archive.rglob("*") if p.is_file()
                  and not hidden_name(p.name))


def audit_workspace(ws: Workspace, *, idle: bool = True) -> Audit:
    """Compare the ledger with the folders. ``idle``: no watcher is at work, so nothing may
    be claimed or in the processing folder (with a watcher running, those are normal).
    Rows ``seen``, ``settled`` or ``failed`` without a destination are files waiting to be
    taken (again): not a problem."""
    audit = Audit(archived=_archived(ws))
    if ws.inbox.is_dir():
        audit.waiting = [p for p, _ in inbox_files(ws.inbox)]
    with Ledger.open(ws.database_url) as ledger:
        audit.rows = ledger.recent_files(ALL_ROWS)
    problems = audit.problems
    processing = ws.inbox / PROCESSING
    if idle and processing.is_dir():
        left = [p for p in processing.rglob("*") if p.is_file() and p.suffix != ".lock"]
        problems += [f"still in the processing folder: {p}" for p in left]
    where = Counter(r["destination"] for r in audit.rows if r["destination"])
    problems += [f"two ledger rows name one archived file: {d}" for d, n in where.items()
                 if n > 1]
    for row in audit.rows:
        name = f"file {row['id']} {row['name']!r} ({row['state']})"
        # a retracted file stays in the archive like an accepted one
        terminal = row["state"] in TERMINAL_STATES or (row["state"] in ("failed", "retracted")
                                                       and row["destination"])
        if not terminal:
            # seen / settled / failed-to-retry: waiting to be taken, its file in the inbox
            if idle and row["state"] == "claimed":
                problems.append(f"{name} is claimed, but no watcher is at work")
            continue
        dest = Path(row["destination"] or "")
        if not row["destination"] or not dest.is_file():
            problems.append(f"{name}: its archived file is missing ({row['destination']})")
        elif sha256_of(dest) != row["sha256"]:
            problems.append(f"{name}: the archived file {dest} has other content")
        if row["state"] == "rejected" and not (row["annotated"]
                                               and Path(row["annotated"]).is_file()):
            problems.append(f"{name}: its annotated copy is missing ({row['annotated']})")
    recorded = {str(Path(d)) for d in where}
    problems += [f"archived file not in the ledger: {p}" for p in audit.archived
                 if str(p) not in recorded]
    return audit
