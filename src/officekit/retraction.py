"""``officekit files`` and ``officekit retract`` over a workspace (SPEC §5 lifecycle).

The ledger does the record work (:mod:`officekit.ledger.lifecycle`); this module adds what a
workspace needs around it: the ``--period`` filter and, after a retraction, the documents of
the periods it touched rendered again (those periods still holding data; a period left with
none keeps its documents until the stale-document sweep of ``report`` moves them aside).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from officekit.i18n import display, t
from officekit.kpis.periods import Period
from officekit.ledger.lifecycle import RetractPlan, list_files, retract
from officekit.ledger.store import Ledger
from officekit.workspace import Workspace

Renderer = Callable[[set[str]], list[Path]]


def files_listing(ws: Workspace, *, kind: str | None = None, period: str | None = None,
                  state: str | None = None) -> list[dict[str, Any]]:
    """The ledger's files (SPEC §5), those with records in ``period`` when it is given."""
    wanted = {str(m) for m in Period.parse(period).months()} if period else None
    with Ledger.open(ws.database_url) as ledger:
        rows = list_files(ledger, kind=kind, state=state)
    if wanted is None:
        return rows
    return [r for r in rows if wanted & set(r.get("periods") or ())]


@dataclass(slots=True)
class Retraction:
    plan: RetractPlan
    dry_run: bool
    rendered: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.plan.to_dict(), "dry_run": self.dry_run,
                "rendered": [str(p) for p in self.rendered]}


def _render_periods(ws: Workspace) -> Renderer:
    def render(periods: set[str]) -> list[Path]:
        from officekit.publish import publish_reports
        from officekit.render.reports import ALL_KINDS, ReportRequest

        requests = [ReportRequest(kind, Period.parse(p), as_of=date.today(), pdf=ws.settings.pdf)
                    for p in sorted(periods) for kind in ALL_KINDS]
        with Ledger.open(ws.database_url) as ledger:
            return [doc.path for doc in publish_reports(ws, ledger, requests)]
    return render


def retract_file(ws: Workspace, ref: str, *, dry_run: bool = False, force: bool = False,
                 renderer: Renderer | None = None) -> Retraction:
    """Retract file ``ref`` and render the documents of the periods it touched again.

    ``renderer`` (periods → documents written) defaults to every report kind as of today.
    """
    with Ledger.open(ws.database_url) as ledger:
        plan = retract(ledger, ref, dry_run=dry_run, force=force)
        with_data = set(ledger.periods())
    result = Retraction(plan, dry_run)
    touched = plan.periods & with_data
    if not dry_run and touched:
        result.rendered = (renderer or _render_periods(ws))(touched)
    return result


# --- text ------------------------------------------------------------------------------------

def format_files(rows: list[dict[str, Any]], lang: str) -> str:
    """One line per file: when, state, name, kinds, rows, periods, sha256 prefix."""
    if not rows:
        return t("files.none", lang)
    lines = []
    for r in rows:
        kinds = display([t(f"kind.{k}", lang) for k in r["kinds"]], lang) or "—"
        rows_text = ("" if r["rows_inserted"] is None else
                     t("files.rows", lang, inserted=r["rows_inserted"], updated=r["rows_updated"]))
        periods = display(list(r.get("periods") or ()), lang) or "—"
        code = r["state"]
        state = t(f"cli.state.{code}", lang)
        lines.append(f"{(r['seen_at'] or '')[:16].replace('T', ' ')}  "
                     f"{state:<4}  {r['sha256'][:12]}  {r['name']}  "
                     f"{kinds}  {rows_text}  {periods}".rstrip())
        if r.get("retracted_at"):
            lines.append("    " + t("files.retracted", lang, at=r["retracted_at"][:16].replace(
                "T", " "), by=r["retracted_by"]))
    return "\n".join(lines)


def format_retraction(res: Retraction, lang: str) -> str:
    """What was (or, dry run, would be) removed, restored, kept; the documents rendered."""
    plan = res.plan
    counts = plan.counts()
    head = "files.retract.dry" if res.dry_run else "files.retract.done"
    lines = [t(head, lang, name=plan.file["name"], sha=plan.file["sha256"][:12])]
    for action in ("removed", "restored", "reinserted", "kept"):
        for kind, n in counts[action].items():
            lines.append("  " + t(f"files.retract.{action}", lang, kind=t(f"kind.{kind}", lang),
                                  count=n))
    if plan.periods:
        lines.append("  " + t("files.retract.periods", lang, periods=sorted(plan.periods)))
    if plan.dependants:
        lines.append("  " + t("files.retract.dependants", lang, count=len(plan.dependants)))
    if res.rendered:
        lines.append("  " + t("files.retract.rendered", lang, count=len(res.rendered)))
    return "\n".join(lines)
