"""``officekit report KIND``'s documents: gather the data, build contexts, render.

One function per document kind turns a :class:`ReportRequest` into render jobs (context +
output path); :func:`render_documents` runs them through one compiled template per kind and
converts to PDF when asked (one LibreOffice for the whole batch). Re-running replaces each
document atomically. Listing them in ``outbox/manifest.csv`` and ``outbox/index.html`` is
:mod:`officekit.publish`'s part.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from officekit import winpath
from officekit.console import expect, note
from officekit.errors import PdfError, UsageError
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.complaint_figures import complaint_figures
from officekit.kpis.compute import KpiResult, StaffKpi, kpis_for_period
from officekit.kpis.coverage import KIND_LABELS, Coverage, coverage_for
from officekit.kpis.periods import Period
from officekit.kpis.schemes import Scheme
from officekit.kpis.visit_figures import visit_figures
from officekit.ledger.store import FileSpan, Ledger
from officekit.render import contexts
from officekit.render.contexts import Attachment
from officekit.render.engine import ContextSource, DocumentProperties, render_many
from officekit.render.incremental import comment_for, fingerprint, is_current
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
    # why its PDF could not be made (the document itself is fine and listed; the rest go on)
    pdf_error: str | None = None


@dataclass(slots=True)
class _Job:
    context: ContextSource
    doc: Document
    template: str = ""  # the template file, when not the kind's default
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(slots=True)
class _Data:
    """What one report run reads from the ledger, each piece once."""

    ledger: Ledger
    ws: Workspace
    as_of: date
    calendar: WorkCalendar
    _kpis: dict[str, KpiResult] = field(default_factory=dict)
    _spans: list[FileSpan] | None = None
    _files: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def coverage(self, period: Period) -> dict[str, Coverage]:
        """Which registers cover ``period`` (SPEC §5), from the ledger's file spans."""
        if self._spans is None:
            self._spans = self.ledger.file_spans()
        return coverage_for(self._spans, period)

    def sources(self, period: Period, kinds: Sequence[str]) -> dict[str, Any]:
        """The 数据来源 box of a document of ``period`` made of ``kinds``."""
        for kind in ("staff", "duties"):
            if kind in kinds and kind not in self._files:
                self._files[kind] = self.ledger.files_of_kind(kind)
        return contexts.sources_box(self.coverage(period), kinds, self._files)

    def skip(self, period: Period, kind: str, what_zh: str, what_en: str) -> None:
        """Note a document not rendered because ``period`` has no register of ``kind``
        (a catalogue key and its parameters: the CLI words it in the language asked for)."""
        label = KIND_LABELS[kind]
        self.notes.append(("report.skipped", {
            "period_zh": period.label_zh, "period": str(period), "register_zh": label[0],
            "register_en": label[1], "what_zh": what_zh, "what_en": what_en}))

    def kpis(self, period: Period) -> KpiResult:
        key = str(period)
        if key not in self._kpis:
            self._kpis[key] = kpis_for_period(
                self.ledger, period, self.ws.settings, self.as_of, calendar=self.calendar
            )
        return self._kpis[key]


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


def _dept_dir(ws: Workspace, period: Period, department: str | None) -> Path:
    base = ws.outbox / safe_name(str(period))
    return base / safe_name(department) if department else base


# ------------------------------------------------------------------------------------------
# one job builder per kind


def _evaluation_template(scheme: Scheme | None, ws: Workspace) -> str:
    if scheme is None:
        return REPORT_KINDS["evaluation"][0]
    own = f"evaluation-{scheme.name}.docx"
    if scheme.name in SCHEME_TEMPLATES or ws.template_path(own).exists():
        return SCHEME_TEMPLATES.get(scheme.name, own)
    if scheme.needs == "visits":
        return SCHEME_TEMPLATES["visitor"]
    return REPORT_KINDS["evaluation"][0]


def _needs(result: KpiResult, row: StaffKpi) -> list[str]:
    """The registers a person's evaluation is about: their scheme's (complaints for handler
    and lead, visits for visitor); a person not assessed, either."""
    scheme = result.scheme(row.scheme)
    return [scheme.needs] if scheme and scheme.needs else ["complaints", "visits"]


def _evaluated(result: KpiResult, row: StaffKpi) -> bool:
    return any(result.has(kind) for kind in _needs(result, row))


def _evaluation_jobs(data: _Data, req: ReportRequest) -> list[_Job]:
    result = data.kpis(req.period)
    trend_results = [data.kpis(p) for p in req.period.trend(contexts.TREND_PERIODS)]
    rows = [
        r
        for r in result.staff
        if (req.department is None or r.department == req.department)
        and (req.staff_id is None or req.staff_id in (r.staff_id, r.name))
    ]
    if req.staff_id is not None and not rows:
        raise UsageError(
            f"{req.period} 没有工号或姓名为“{req.staff_id}”的人员 / "
            f"no staff member {req.staff_id!r} in {req.period}"
        )
    sources = data.sources(req.period, contexts.EVALUATION_KINDS)
    jobs = []
    skipped: dict[str, int] = {}
    for row in rows:
        needs = _needs(result, row)
        if not any(result.has(kind) for kind in needs):
            skipped[needs[0]] = skipped.get(needs[0], 0) + 1
            continue  # no data of what this person is judged on: no evaluation
        scheme = result.scheme(row.scheme)
        who = row.staff_id or row.name or "?"
        trend = contexts.score_trend(trend_results, who)
        stem = safe_name(f"{row.name or who}_{req.period}_考核报告")
        attachment = contexts.late_attachment(row)
        context = contexts.evaluation_context(
            row, result, data.ws.settings, trend=trend, sources=sources,
            late_file=attachment.file_name(stem) if attachment else "")
        path = _dept_dir(data.ws, req.period, row.department or "未分部门") / f"{stem}.docx"
        jobs.append(
            _Job(
                context,
                Document(
                    path,
                    req.kind,
                    str(req.period),
                    row.department or "",
                    row.staff_id or "",
                    row.email or "",
                ),
                _evaluation_template(scheme, data.ws),
                [attachment] if attachment else [],
            )
        )
    for kind, count in skipped.items():
        data.skip(req.period, kind, f"{count} 份个人考核报告", f"{count} evaluation(s)")
    return jobs


def _departments(result: KpiResult, req: ReportRequest) -> list[str]:
    names = [d.department for d in result.departments]
    if req.department is not None:
        if req.department not in names:
            raise UsageError(
                f"{req.period} 没有部门“{req.department}”的数据；已有："
                f"{'、'.join(names) or '—'} / unknown department"
            )
        return [req.department]
    return names


def _summary_jobs(data: _Data, req: ReportRequest) -> list[_Job]:
    result = data.kpis(req.period)
    previous = data.kpis(req.period.previous())
    last_year = data.kpis(req.period.same_last_year())
    sources = data.sources(req.period, contexts.SUMMARY_KINDS)
    jobs = []
    for dept in _departments(result, req):
        if not any(_evaluated(result, s) for s in result.staff if s.department == dept):
            data.skip(req.period, "complaints", f"{dept}考核汇总", f"the summary of {dept}")
            continue  # nobody of the department has the data they are judged on
        ctx = contexts.summary_context(
            result, dept, data.ws.settings, previous=previous, last_year=last_year,
            sources=sources,
        )
        path = _dept_dir(data.ws, req.period, dept) / safe_name(
            f"{dept}_{req.period}_考核汇总.docx"
        )
        jobs.append(_Job(ctx, Document(path, req.kind, str(req.period), dept)))
    return jobs


def _complaints_jobs(data: _Data, req: ReportRequest) -> list[_Job]:
    if data.coverage(req.period)["complaints"].missing:
        data.skip(req.period, "complaints", "投诉分析报告", "the complaint report")
        return []
    first = req.period.trend(contexts.TREND_PERIODS)[0]
    complaints = data.ledger.complaints(first.start_at, req.period.end_at)
    staff = data.ledger.staff()
    figures = complaint_figures(
        req.period, complaints, data.ws.settings, as_of=data.as_of, staff=staff,
        department=req.department, calendar=data.calendar, trend_periods=contexts.TREND_PERIODS,
        registered=lambda p: not data.coverage(p)["complaints"].missing,
    )
    label = f"{req.department}_" if req.department else ""
    stem = safe_name(f"{label}{req.period}_投诉分析报告")
    attachment = contexts.overdue_attachment(figures)
    ctx = contexts.complaints_context(
        req.period, complaints, data.ws.settings, as_of=data.as_of, staff=staff,
        department=req.department, calendar=data.calendar, figures=figures,
        sources=data.sources(req.period, contexts.COMPLAINT_KINDS),
        overdue_file=attachment.file_name(stem) if attachment else "",
    )
    path = _dept_dir(data.ws, req.period, req.department) / f"{stem}.docx"
    return [_Job(ctx, Document(path, req.kind, str(req.period), req.department or ""),
                 attachments=[attachment] if attachment else [])]


def _visits_jobs(data: _Data, req: ReportRequest) -> list[_Job]:
    period = req.period
    if data.coverage(period)["visits"].missing:
        data.skip(period, "visits", "回访总结报告", "the visit report")
        return []
    resolved = [
        c
        for c in data.ledger.complaints_all()
        if isinstance(c.get("resolved_at"), datetime) and period.contains(c["resolved_at"])
    ]
    visits = data.ledger.visits(period.start_at, period.end_at)
    visits += data.ledger.visits_for_complaints([c["complaint_id"] for c in resolved])
    staff = data.ledger.staff()
    figures = visit_figures(period, visits, resolved, data.ws.settings, staff=staff,
                            department=req.department)
    label = f"{req.department}_" if req.department else ""
    stem = safe_name(f"{label}{period}_回访总结报告")
    attachment = contexts.missed_attachment(figures, data.ws.settings)
    ctx = contexts.visits_context(
        period, visits, resolved, data.ws.settings, as_of=data.as_of, staff=staff,
        department=req.department, figures=figures,
        sources=data.sources(period, contexts.VISIT_KINDS),
        missed_file=attachment.file_name(stem) if attachment else "",
    )
    path = _dept_dir(data.ws, period, req.department) / f"{stem}.docx"
    return [_Job(ctx, Document(path, req.kind, str(period), req.department or ""),
                 attachments=[attachment] if attachment else [])]


def _handbook_jobs(data: _Data, req: ReportRequest) -> list[_Job]:
    if req.period.kind != "month":
        raise UsageError(
            "岗位职责手册按月生成（含当月排班），请用 --period 2026-10 这样的月份 / "
            "the handbook needs a month period"
        )
    duties = data.ledger.duties()
    depts = sorted({str(d["department"]) for d in duties})
    if req.department is not None:
        if req.department not in depts:
            raise UsageError(
                f"岗位职责表里没有部门“{req.department}”；已有："
                f"{'、'.join(depts) or '—（请先导入岗位职责表）'} / unknown department"
            )
        depts = [req.department]
    staff = data.ledger.staff()
    schedule = data.ledger.schedule(req.period.start, req.period.end)
    jobs = []
    for dept in depts:
        ctx = contexts.handbook_context(
            dept,
            [d for d in duties if d["department"] == dept],
            staff,
            schedule,
            data.ws.settings,
            month=req.period,
            edition=req.period.start,  # the edition is the month asked for, like its roster
            printed=data.as_of,
            sources=data.sources(req.period, contexts.HANDBOOK_KINDS),
        )
        path = _dept_dir(data.ws, req.period, dept) / safe_name(f"{dept}_岗位职责手册.docx")
        jobs.append(_Job(ctx, Document(path, req.kind, str(req.period), dept)))
    return jobs


_BUILDERS: dict[str, Callable[[_Data, ReportRequest], list[_Job]]] = {
    "evaluation": _evaluation_jobs,
    "evaluation-summary": _summary_jobs,
    "complaints": _complaints_jobs,
    "visits": _visits_jobs,
    "handbook": _handbook_jobs,
}


# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Rendering:
    """What :func:`render_documents` made: every document asked for (``rendered`` False for
    one left as it was), and per request its documents (what :mod:`officekit.publish` needs to
    tell stale documents)."""

    documents: list[Document]
    handled: list[tuple[ReportRequest, list[Document]]]


def render_documents(
    ws: Workspace,
    ledger: Ledger,
    requests: Iterable[ReportRequest],
    *,
    progress: Progress | None = None,
    notes: list[Note] | None = None,
) -> Rendering:
    """Render every document the requests ask for (and their PDFs and attachments).

    A document is not rendered for a period without the data it is about (SPEC §6: no data
    is not zero); ``notes`` receives a catalogue message for each such case.

    Each kind's template is compiled once and rendered for all its documents; documents are
    written atomically, so a re-run replaces them and never leaves a half-written file.
    A document whose template and context are the same as when the file on disk was made
    (:mod:`officekit.render.incremental`) is not rendered again: the file and its PDF are left
    as they are (``Document.rendered`` is False). Listing them in the outbox is
    :func:`officekit.publish.publish_reports`'s part.
    """
    reqs = list(requests)
    if not reqs:
        return Rendering([], [])
    data = _Data(ledger, ws, reqs[0].as_of, WorkCalendar.from_settings(ws.settings))
    # The document's time is the day it is computed as of (today unless --as-of): a render
    # clock would make the same data give different bytes, which the incremental renderer and
    # the manifest's sha256 rely on not happening.
    properties = DocumentProperties(ws.settings.author, ws.settings.organisation,
                                    datetime.combine(reqs[0].as_of, datetime.min.time()))
    documents: list[Document] = []
    handled: list[tuple[ReportRequest, list[Document]]] = []
    want_pdf = False
    for req in reqs:
        if req.kind not in _BUILDERS:
            raise UsageError(
                f"未知的报告类型“{req.kind}”；可用：{', '.join(REPORT_KINDS)} / unknown report kind"
            )
        note(progress, f"{req.kind} {req.period}")
        jobs = _BUILDERS[req.kind](data, req)
        for job in jobs:  # within Windows' 260 characters, however deep the workspace
            job.doc.path = winpath.fit_path(job.doc.path)
        handled.append((req, [j.doc for j in jobs]))
        by_template: dict[str, list[_Job]] = {}
        for job in jobs:
            by_template.setdefault(job.template or REPORT_KINDS[req.kind][0], []).append(job)
        for name, batch in by_template.items():
            template = template_for(ws, req.kind, name)
            stale: list[tuple[ContextSource, Path]] = []
            comments: dict[str, bytes] = {}
            for job in batch:
                context = job.context() if callable(job.context) else job.context
                digest = fingerprint(template, context)
                if is_current(job.doc.path, digest) and (not req.pdf or _pdf_current(job.doc)):
                    job.doc.rendered = False
                    job.doc.pdf = job.doc.path.with_suffix(".pdf") if req.pdf else None
                else:
                    stale.append((context, job.doc.path))
                    comments[str(job.doc.path)] = comment_for(digest)
            if stale:
                expect(progress, len(stale))
                render_many(template, stale, comments=comments, properties=properties,
                            on_done=(lambda p: progress(p.name)) if progress else None)
        for job in jobs:
            for attachment in job.attachments:
                write_attachment(attachment,
                                 job.doc.path.with_name(attachment.file_name(job.doc.path.stem)))
        documents.extend(j.doc for j in jobs)
        want_pdf = want_pdf or req.pdf
    written = [d for d in documents if d.rendered]
    if want_pdf and written:
        _convert_pdfs(ws, written, progress)
    for doc in documents:  # POSIX modes (0644 by default), kept even when unchanged
        for path in (doc.path, doc.pdf):
            if path is not None and path.exists() and hasattr(os, "fchmod"):
                os.chmod(path, ws.settings.file_mode)
    if notes is not None:
        notes.extend(data.notes)
    return Rendering(documents, handled)


def data_as_of(ledger: Ledger, period: Period, today: date) -> date:
    """The day ``period``'s data last changed: when the latest register covering it was
    taken (never after ``today``); ``today`` when none covers it.

    The watcher renders as of this day, so a re-render without new data gives the same
    document — "超期 N 个工作日" and 统计截止 do not grow by themselves every day.
    """
    days = [s.accepted_at.date() for s in ledger.file_spans()
            if s.accepted_at is not None and s.start <= period.end and s.end >= period.start]
    return min(max(days), today) if days else today


def write_attachment(attachment: Attachment, path: Path) -> Path:
    """A long list's whole table as .xlsx beside its document (header frozen, filters on)."""
    import xlsxwriter

    tmp = path.with_name(path.name + ".tmp")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False})
    sheet = book.add_worksheet(attachment.suffix[:31])
    bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    sheet.write_string(0, 0, attachment.title, book.add_format({"bold": True, "font_size": 13}))
    for c, (_, head) in enumerate(attachment.columns):
        sheet.write_string(1, c, head, bold)
        sheet.set_column(c, c, 16)
    for r, row in enumerate(attachment.rows, start=2):
        for c, (key, _) in enumerate(attachment.columns):
            sheet.write_string(r, c, str(row.get(key, "")))
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(1, len(attachment.rows) + 1), len(attachment.columns) - 1)
    book.close()
    os.replace(tmp, path)
    return path


def _pdf_current(doc: Document) -> bool:
    """The document's PDF exists and is not older than the document."""
    pdf = doc.path.with_suffix(".pdf")
    try:
        return pdf.stat().st_mtime_ns >= doc.path.stat().st_mtime_ns
    except OSError:
        return False


def _convert_pdfs(ws: Workspace, docs: list[Document], progress: Progress | None) -> None:
    from officekit.render.wordpdf import open_converter

    note(progress, f"PDF × {len(docs)}")
    expect(progress, len(docs))
    with open_converter(timeout=ws.settings.pdf_timeout) as conv:
        for doc in docs:
            # one document LibreOffice cannot convert (or times out on) does not cost the
            # others their PDFs: it is reported with its reason and the batch goes on
            try:
                doc.pdf = conv.convert(doc.path)
            except PdfError as exc:
                doc.pdf, doc.pdf_error = None, exc.text()
            if progress:
                progress(f"PDF {doc.path.name}")


def periods_with_data(ledger: Ledger) -> list[str]:
    """Months that hold complaints, visits or schedule entries, oldest first."""
    return sorted(ledger.periods())
