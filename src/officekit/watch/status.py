"""Is anything stuck? For ``officekit status``: files claimed for long, and failed files.

A file stays ``claimed`` only while a watcher works on it (seconds); one claimed for longer
than ``claimed_for`` means a watcher died and none has taken its work over yet (no watcher
running on this inbox, or the inbox of another machine). A ``failed`` file is one the program
could not process: it is retried by the watcher, and after the last try it lies in
``archive/failed/`` (its ledger row says where and why).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from officekit.ledger.store import Ledger

STUCK_AFTER = timedelta(minutes=10)


def stuck_files(ledger: Ledger, *, claimed_for: timedelta = STUCK_AFTER,
                now: datetime | None = None) -> list[dict[str, Any]]:
    """File rows needing a person's attention, oldest first, each with ``why``.

    ``why`` is ``claimed`` (claimed longer than ``claimed_for``, the watcher is probably gone)
    or ``failed`` (``message`` says why; ``destination`` is set once the watcher gave up).
    """
    now = now or datetime.now()
    out = [{**row, "why": "claimed"} for row in ledger.unfinished()
           if row.get("claimed_at") is None or now - row["claimed_at"] >= claimed_for]
    failed = ledger.files_in_state("failed")
    out += [{**row, "why": "failed"} for row in failed]
    return sorted(out, key=lambda r: (r.get("updated") or now, r["id"]))
