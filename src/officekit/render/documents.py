"""The documents ``officekit report`` makes: kinds, templates, requests, where files go.

What a document kind is called, which template file renders it (per scheme for evaluations;
in the report style or the 公文 style the settings choose), what a request asks for and what a
rendered document is, as the manifest records it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from officekit import winpath
from officekit.i18n import Message
from officekit.kpis.periods import Period
from officekit.workspace import Workspace

REPORT_KINDS: dict[str, tuple[str, str]] = {
    # kind → (template file, Chinese document name used in file names)
    "evaluation": ("evaluation.docx", "考核报告"),
    "evaluation-summary": ("evaluation-summary.docx", "考核汇总"),
    "complaints": ("complaints.docx", "投诉分析报告"),
    "visits": ("visits.docx", "回访总结报告"),
    "handbook": ("handbook.docx", "岗位职责手册"),
}
# what the watcher and `report all` render for a period, in this order
ALL_KINDS = ("evaluation", "evaluation-summary", "complaints", "visits", "handbook")
# kinds made for months only (the handbook carries the month's duty calendar)
MONTHLY_KINDS = frozenset({"handbook"})


def kinds_for(kinds: Iterable[str], period: Period) -> tuple[list[str], list[str]]:
    """(the kinds that apply to ``period``, those that do not): a quarter or a year has no
    handbook, so ``report all --period 2026-Q4`` renders the rest and says so."""
    wanted = list(kinds)
    if period.kind == "month":
        return wanted, []
    return ([k for k in wanted if k not in MONTHLY_KINDS],
            [k for k in wanted if k in MONTHLY_KINDS])

# Evaluations: a template per scheme (same context); a scheme without its own file uses
# evaluation.docx, or evaluation-visitor.docx when it scores visits.
SCHEME_TEMPLATES = {"visitor": "evaluation-visitor.docx", "lead": "evaluation-lead.docx",
                    "none": "evaluation-none.docx"}


def template_files() -> dict[str, str]:
    """Every template file the report command uses → its document kind (templates check)."""
    files = {tpl: kind for kind, (tpl, _) in REPORT_KINDS.items()}
    files.update({tpl: "evaluation" for tpl in SCHEME_TEMPLATES.values()})
    return files

Progress = Callable[[str], None]
Note = tuple[str, dict[str, Any]]  # a message catalogue key (officekit.i18n.UI) and its params


@dataclass(frozen=True, slots=True)
class ReportRequest:
    kind: str
    period: Period
    as_of: date
    department: str | None = None
    staff_id: str | None = None
    pdf: bool = False


@dataclass(slots=True)
class Document:
    """One rendered document, as the manifest records it."""

    path: Path
    kind: str
    period: str
    department: str = ""
    staff_id: str = ""
    recipient: str = ""
    pdf: Path | None = None
    sha256: str = ""
    # False when the document on disk was already made from the same template and context
    # (its fingerprint matched): it was left untouched, and so was its manifest row
    rendered: bool = True
    # why its PDF could not be made (the document itself is fine and listed; the rest go on),
    # worded in the language the output asks for
    pdf_error: Message | None = None


GONGWEN_FOLDER = "公文"  # the GB/T 9704 template set, beside the report-style one


def template_for(ws: Workspace, kind: str, name: str | None = None) -> Path:
    """The template of ``kind`` (or the file ``name``, e.g. a scheme's evaluation template) in
    the style the settings choose (``[document] style``)."""
    name = name or REPORT_KINDS[kind][0]
    if ws.settings.document_style == "gongwen":
        return ws.template_path(f"{GONGWEN_FOLDER}/{name}")
    return ws.template_path(name)


def safe_name(text: str) -> str:
    """A file or folder name Windows and a network share both accept (no reserved device
    names either: :func:`officekit.winpath.safe_name`)."""
    return winpath.safe_name(text)


def dept_dir(ws: Workspace, period: Period, department: str | None) -> Path:
    base = ws.outbox / safe_name(str(period))
    return base / safe_name(department) if department else base
