"""Plain-text renderings of results for the terminal and the log (Chinese first)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from officekit.i18n import display, t
from officekit.model import FileResult, Issue

SEVERITY_KEY = {"error": "cli.severity.error", "warning": "cli.severity.warning",
                "info": "cli.severity.info"}


def kind_label(kind: str | None, lang: str) -> str:
    return t(f"kind.{kind}", lang) if kind else t("kind.none", lang)


def file_line(res: FileResult, lang: str, *, stored: bool = True) -> str:
    """One line per file: which file, which kinds, the outcome and why.

    ``stored`` False (``validate``): a good file "passed the checks", it was not "accepted".
    """
    name = Path(res.path).name
    kinds = display([f"{kind_label(s.kind, lang)} {s.rows}" for s in res.sheets if s.kind],
                    lang) or t("cli.no-sheets", lang)
    counts = Counter(i.severity for i in res.issues)
    status = "valid" if res.status == "accepted" and not stored else res.status
    return t(f"cli.file.{status}", lang, name=name, kinds=kinds,
             errors=counts.get("error", 0), warnings=counts.get("warning", 0))


def issue_line(issue: Issue, lang: str) -> str:
    where = ""
    if issue.sheet and issue.cell:
        where = f"[{issue.sheet}!{issue.cell}] "
    elif issue.sheet:
        where = f"[{issue.sheet}] "
    return f"{t(SEVERITY_KEY[issue.severity], lang)} {issue.code}: {where}{issue.message(lang)}"


def format_results(results: list[FileResult], lang: str, *, max_issues: int = 50,
                   stored: bool = True) -> str:
    lines: list[str] = []
    for res in results:
        lines.append(file_line(res, lang, stored=stored))
        shown = [i for i in res.issues if i.severity != "info" or res.status == "duplicate"]
        for issue in shown[:max_issues]:
            lines.append("    " + issue_line(issue, lang))
        if len(shown) > max_issues:
            lines.append("    " + t("cli.more-issues", lang, count=len(shown) - max_issues))
        if res.annotated:  # written now, or (a rejected file dropped again) written before
            key = "cli.annotated" if res.status == "rejected" else "cli.status.annotated"
            lines.append("    " + t(key, lang, path=res.annotated))
    by = Counter(r.status for r in results)
    lines.append("")
    lines.append(t("cli.summary" if stored else "cli.summary.valid", lang, total=len(results),
                   accepted=by.get("accepted", 0),
                   rejected=by.get("rejected", 0), duplicate=by.get("duplicate", 0)))
    return "\n".join(lines)


def _job_args(args: Any) -> str:
    return " ".join(str(v) for k, v in (args or {}).items() if k != "sha256")


def format_status(summary: dict[str, Any], recent: list[dict[str, Any]], lang: str,
                  stuck: Sequence[dict[str, Any]] = (),
                  processing: Sequence[dict[str, Any]] = (),
                  limited: Sequence[dict[str, Any]] = (), *, width: int = 100,
                  rejected: Sequence[dict[str, Any]] = (),
                  coverage: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """``officekit status`` as text: the summary, the recent files and the files needing
    attention as tables (rich, Chinese counted as two cells, so columns line up)."""
    from rich.table import Table

    from officekit.console import render_text

    sep = ", " if lang == "en" else "，"
    records = summary.get("records", {})
    files = {k: n for k, n in summary.get("files", {}).items() if n}
    facts = Table.grid(padding=(0, 2))
    facts.add_column(no_wrap=True)
    facts.add_column()
    facts.add_row(t("cli.status.records", lang),
                  sep.join(f"{kind_label(k, lang)} {n}" for k, n in records.items()))
    facts.add_row(t("cli.status.files", lang),
                  sep.join(f"{t(f'cli.state.{k}', lang)} {n}" for k, n in files.items()) or "0")
    facts.add_row(t("cli.status.periods", lang),
                  ("、" if lang != "en" else ", ").join(summary.get("periods", [])) or "—")
    facts.add_row(t("cli.status.sends", lang), str(summary.get("sends", 0)))
    facts.add_row(t("cli.status.database", lang), str(summary.get("database", "")))
    parts = [t("cli.status.title", lang), render_text(facts, width)]
    queue = summary.get("queue") or {}
    if queue.get("enabled"):
        parts.append("  " + t("cli.status.queue", lang, waiting=queue["waiting"],
                              running=queue["running"], failed=queue["failed"]))
        for job in queue.get("running_jobs", []):
            parts.append(f"    {job['task']}  {_job_args(job['args'])}  @ {job['machine'] or '?'}")
        for job in queue.get("failed_jobs", []):
            parts.append(f"    ✗ {job['task']}  {_job_args(job['args'])}")
    if recent:
        table = Table(title=t("cli.status.recent", lang), title_justify="left",
                      header_style="bold")
        table.add_column(t("cli.status.col.time", lang), no_wrap=True)
        table.add_column(t("cli.status.col.state", lang), no_wrap=True)
        table.add_column(t("cli.status.col.file", lang))
        for f in recent:
            when = f.get("updated") or f.get("first_seen")
            stamp = when.strftime("%Y-%m-%d %H:%M:%S") if isinstance(when, datetime) else when
            state = f.get("state")
            table.add_row(str(stamp or ""), t(f"cli.state.{state}", lang), str(f.get("name")))
        parts += ["", render_text(table, width)]
    if stuck:
        table = Table(title=t("cli.status.stuck", lang, count=len(stuck)), title_justify="left",
                      header_style="bold")
        table.add_column(t("cli.status.col.why", lang), no_wrap=True)
        table.add_column(t("cli.status.col.file", lang))
        table.add_column(t("cli.status.col.detail", lang))
        for f in stuck:
            why = f.get("why")
            table.add_row(t(f"cli.status.stuck.{why}", lang), str(f.get("name")),
                          str(f.get("message") or f.get("destination") or ""))
        parts += ["", render_text(table, width)]
    lines: list[str] = []
    if processing:
        lines.append("")
        lines.append(t("cli.status.processing", lang, count=len(processing)))
        for f in processing:
            state = f["state"]
            label = (t("cli.status.unrecorded", lang) if state == "unrecorded"
                     else t(f"cli.state.{state}", lang))
            lines.append(f"  {label:<6} {f['name']}  ({f['owner']})")
    if limited:
        lines.append("")
        lines.append(t("cli.status.limited", lang, count=len(limited)))
        for f in limited:
            lines.append(f"  {f['code']}  {f.get('name')}  "
                         f"{f.get('destination') or ''}".rstrip())
    if coverage:
        lines.append("")
        lines.append(t("cli.status.coverage", lang))
        for month, kinds in coverage.items():
            lines.append(f"  {month}  " + "；".join(
                f"{kind_label(k, lang)} {_covered(c, lang)}" for k, c in kinds.items()))
    if rejected:
        lines.append("")
        lines.append(t("cli.status.rejected", lang, count=len(rejected)))
        for f in rejected:
            when = f.get("updated")
            stamp = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else when
            lines.append(f"  {stamp}  {f.get('name')}  "
                         + t("cli.counts", lang, errors=f.get("errors") or 0,
                             warnings=f.get("warnings") or 0))
            if f.get("annotated"):
                lines.append("    " + t("cli.status.annotated", lang, path=f["annotated"]))
    return "\n".join(parts + lines)


def _covered(c: Any, lang: str) -> str:
    """One kind's coverage of a month in a word: complete, partial (with its dates), missing."""
    if c.missing:
        return t("cli.status.coverage.missing", lang)
    if c.complete:
        return t("cli.status.coverage.complete", lang, files=len(c.files))
    return t("cli.status.coverage.partial", lang, start=c.start, end=c.end)
