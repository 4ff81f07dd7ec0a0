"""Is anything stuck? For ``officekit status``: files claimed for long, and failed files.

Also what is in the processing folder right now (every file there, accounted for) and which
files the reading limits stopped.

A file stays ``claimed`` only while a watcher works on it (seconds); one claimed for longer
than ``claimed_for`` means a watcher died and none has taken its work over yet (no watcher
running on this inbox, or the inbox of another machine). A ``failed`` file is one the program
could not process: it is retried by the watcher, and after the last try it lies in
``archive/failed/`` (its ledger row says where and why).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from officekit.i18n import shown, stored_key
from officekit.ledger.store import Ledger
from officekit.read.detect import sha256_file
from officekit.watch.claims import PROCESSING
from officekit.workspace import Workspace

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


# Issue codes of a file refused by the reading limits (SPEC §9, [limits]).
LIMIT_CODES = frozenset({"over-limit", "reader-died", "too-large"})


def limited_files(ledger: Ledger) -> list[dict[str, Any]]:
    """Files the reading limits stopped: rejected with a limit code (``code`` says which), or
    set aside in archive/failed after the reading process died on them (``reader-died``)."""
    out = []
    for row in ledger.files_in_state("rejected"):
        codes = [i.get("code") for i in row.get("issues") or [] if i.get("code") in LIMIT_CODES]
        if codes:
            out.append({**row, "code": codes[0]})
    out += [{**row, "code": "reader-died"} for row in ledger.files_in_state("failed")
            if _reader_died(row.get("message"))]
    return out


def _reader_died(stored: str | None) -> bool:
    """Whether a failed file's stored reason is the reading process's death (kept as the
    key ``error.reader-died``, or by an older watcher as text starting "reader-died")."""
    return stored_key(stored) == "error.reader-died" or (stored or "").startswith("reader-died")


def worded(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """File rows with their stored ``message`` (why processing failed) worded in ``lang``."""
    return [{**r, "message": shown(r["message"], lang)} if r.get("message") else r
            for r in rows]


def processing_files(ws: Workspace, ledger: Ledger) -> list[dict[str, Any]]:
    """Every file in ``inbox/.processing``, each with what the ledger says of it (``state``:
    ``claimed`` while a watcher reads it, ``failed`` while it waits for another try, a final
    state while its archive step finishes, ``unrecorded`` when the watcher that moved it there
    died before recording it — the next watcher to start takes it over)."""
    root = ws.inbox / PROCESSING
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.glob("*/*/*")):
        if not path.is_file():
            continue
        try:
            row = ledger.find_file(sha256_file(path))
        except OSError:
            continue  # finished meanwhile
        state = row["state"] if row is not None and row.get("path") == str(path) else "unrecorded"
        out.append({"name": path.name, "path": str(path), "state": state,
                    "owner": path.parent.parent.name})
    return out
