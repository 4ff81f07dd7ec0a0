"""The daily due list the watcher writes (SPEC §11): ``outbox/督办/<date>_督办清单.xlsx``.

Written after complaints or visits are accepted (they change it) and once a day at
``[due] daily_at``. The clock is injected (a callable returning the local wall-clock time) so a
test moves time instead of sleeping. The day the scheduled list was last written is kept in
``.officekit/due-daily.json``, so a restarted watcher does not write it again that day and one
started after ``daily_at`` writes it at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from pathlib import Path

from officekit import winpath
from officekit.ledger.store import Ledger
from officekit.loop.due import due_list
from officekit.loop.export import write_due_xlsx
from officekit.workspace import Workspace

Clock = Callable[[], datetime]
DUE_FOLDER = "督办"
# the sheet kinds whose acceptance changes the due list
DUE_KINDS = frozenset({"complaints", "visits", "staff"})


def daily_list_path(ws: Workspace, day: date) -> Path:
    """``outbox/督办/<YYYY-MM-DD>_督办清单.xlsx``."""
    return winpath.place(ws.outbox / DUE_FOLDER, f"{day.isoformat()}_督办清单.xlsx")


def write_daily_list(ws: Workspace, day: date, lang: str | None = None) -> Path:
    """Compute the due list as of ``day`` from the ledger and write the day's workbook."""
    with Ledger.open(ws.database_url) as ledger:
        result = due_list(ledger, ws.settings, day)
    return write_due_xlsx(result, daily_list_path(ws, day), lang or ws.settings.language)


class DailyDue:
    """When the watcher writes the day's list: :meth:`changed` after an accepted file, then
    :meth:`tick` in its loop writes what is due; :meth:`seconds_to_next` bounds its sleep."""

    def __init__(self, ws: Workspace, *, clock: Clock | None = None,
                 lang: str | None = None) -> None:
        self.ws = ws
        self.clock = clock or datetime.now
        self.lang = lang
        self._dirty = False
        self._state = ws.data / "due-daily.json"

    def changed(self, kinds: Collection[str]) -> None:
        """A file with these sheet kinds was accepted: the list is written at the next tick."""
        if DUE_KINDS & set(kinds):
            self._dirty = True

    def _last_scheduled(self) -> date | None:
        try:
            return date.fromisoformat(json.loads(self._state.read_text("utf-8"))["day"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _mark_scheduled(self, day: date) -> None:
        self._state.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._state.with_name(self._state.name + ".tmp")
        tmp.write_text(json.dumps({"day": day.isoformat()}), encoding="utf-8")
        os.replace(tmp, self._state)

    def _scheduled_due(self, now: datetime) -> bool:
        at = self.ws.settings.due.daily_at
        return now.time() >= at and self._last_scheduled() != now.date()

    def tick(self) -> Path | None:
        """Write the list when files changed it or the daily time has come; the path, or None."""
        now = self.clock()
        scheduled = self._scheduled_due(now)
        if not (self._dirty or scheduled):
            return None
        path = write_daily_list(self.ws, now.date(), self.lang)
        self._dirty = False
        if scheduled:
            self._mark_scheduled(now.date())
        return path

    def failed(self) -> None:
        """After a failed write: not retried at once in a loop, but with the next change or day."""
        self._dirty = False
        now = self.clock()
        if self._scheduled_due(now):
            self._mark_scheduled(now.date())

    def seconds_to_next(self) -> float:
        """Seconds until the next scheduled list (0 when one is due now)."""
        now = self.clock()
        if self._dirty or self._scheduled_due(now):
            return 0.0
        at = datetime.combine(now.date(), self.ws.settings.due.daily_at)
        if at <= now:
            at += timedelta(days=1)
        return (at - now).total_seconds()
