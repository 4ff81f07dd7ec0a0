"""Re-rendering the documents of the periods that accepted files touched, debounced (SPEC §9).

A burst of files for one month should give one rendering of that month's documents, not one
per file: periods are collected and rendered once no file has been accepted for the debounce
time. The periods waiting are kept in ``.officekit/watch/<owner>.pending.json`` as well, so a
watcher killed before it rendered leaves them to the next one (which adopts the note with the
rest of the dead watcher's work).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from officekit.ledger.store import Ledger
from officekit.workspace import Workspace

# periods (``2026-10``) → documents written
Renderer = Callable[[set[str]], list[Path]]

PENDING_SUFFIX = ".pending.json"


def reports_renderer(ws: Workspace, *, pdf: bool | None = None) -> Renderer:
    """The watcher's default renderer: every report kind of each period, as of the day the
    period's data last changed (:func:`officekit.render.reports.data_as_of`).

    Uses :func:`officekit.publish.publish_reports` with ``ALL_KINDS`` (what ``report
    all`` renders); PDFs too when ``pdf`` (default: the ``[pdf]`` setting) is on. The
    renderer is warmed here, when the watcher starts (:func:`warm_renderer`), so that the
    first drop does not wait for imports and template compilation.
    """
    warm_renderer(ws)

    def render(periods: set[str]) -> list[Path]:
        from officekit.kpis.periods import Period
        from officekit.publish import publish_reports
        from officekit.render.reports import ALL_KINDS, ReportRequest, data_as_of

        want_pdf = ws.settings.pdf if pdf is None else pdf
        written: list[Path] = []
        with Ledger.open(ws.database_url) as ledger:
            for text in sorted(periods):
                period = Period.parse(text)
                as_of = data_as_of(ledger, period, date.today())
                requests = [ReportRequest(kind, period, as_of=as_of, pdf=want_pdf)
                            for kind in ALL_KINDS]
                # documents whose data did not change are left as they are: only the rewritten
                written += [doc.path for doc in publish_reports(ws, ledger, requests)
                            if doc.rendered]
        return written

    return render


def warm_renderer(ws: Workspace) -> None:
    """Import the renderer, compile the workspace's templates and write one chart part.

    About a second on a loaded machine that would otherwise come between the first accepted
    file and its documents. A template that does not compile is left for the rendering
    itself to report.
    """
    from officekit.errors import OfficekitError
    from officekit.render.engine import compile_template
    from officekit.render.nativechart import Chart
    from officekit.render.reports import REPORT_KINDS

    for template, _ in REPORT_KINDS.values():
        try:
            compile_template(ws.template_path(template))
        except OfficekitError:
            continue
    Chart.of("bar", [("一", 1.0)], width_mm=10.0, height_mm=10.0).chart_part(
        ("Times New Roman", "宋体"))


class RenderQueue:
    """Periods waiting to be rendered by ``renderer`` (None: nothing is rendered or kept)."""

    def __init__(self, folder: Path, owner: str, renderer: Renderer | None, *,
                 debounce: float, clock: Callable[[], float]) -> None:
        self.folder = folder
        self.owner = owner
        self.renderer = renderer
        self.debounce = debounce
        self._clock = clock
        self._periods: set[str] = set()
        self._last_add: float | None = None

    @property
    def periods(self) -> frozenset[str]:
        return frozenset(self._periods)

    def _path(self, owner: str) -> Path:
        return self.folder / f"{owner}{PENDING_SUFFIX}"

    def _save(self) -> None:
        path = self._path(self.owner)
        if not self._periods:
            path.unlink(missing_ok=True)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"periods": sorted(self._periods)}), encoding="utf-8")
        os.replace(tmp, path)

    def add(self, periods: set[str]) -> None:
        """Queue ``periods`` (from one accepted file) and restart the debounce clock."""
        if self.renderer is None or not periods:
            return
        self._last_add = self._clock()
        if not periods <= self._periods:
            self._periods |= periods
            self._save()

    def noted_owners(self) -> set[str]:
        """Owners that left a pending-render note here (ourselves excluded)."""
        if self.renderer is None or not self.folder.is_dir():
            return set()
        return {p.name[: -len(PENDING_SUFFIX)] for p in self.folder.iterdir()
                if p.name.endswith(PENDING_SUFFIX)} - {self.owner}

    def adopt(self, owner: str) -> None:
        """Take over the periods a gone watcher ``owner`` had not rendered yet."""
        if self.renderer is None:
            return
        path = self._path(owner)
        try:
            periods = set(json.loads(path.read_text(encoding="utf-8")).get("periods", []))
        except FileNotFoundError:
            return
        except (ValueError, AttributeError):
            periods = set()  # a note cut short by a crash: nothing readable to take over
        if periods - self._periods:
            self._periods |= periods
            self._last_add = self._last_add or self._clock() - self.debounce
            self._save()  # ours first, then theirs removed: a crash between renders twice
        path.unlink(missing_ok=True)

    def due_at(self) -> float | None:
        """When the waiting periods are to be rendered (monotonic), or None."""
        if not self._periods or self._last_add is None:
            return None
        return self._last_add + self.debounce

    def take(self) -> set[str]:
        """The waiting periods; they are forgotten (note removed) once :meth:`done` is called."""
        return set(self._periods)

    def done(self, periods: set[str]) -> None:
        """Forget ``periods`` after rendering them (or after a failed try, which is logged)."""
        self._periods -= periods
        if not self._periods:
            self._last_add = None
        self._save()
