"""``officekit report KIND``'s documents: gather the data, build contexts, render.

One function per document kind turns a :class:`ReportRequest` into render jobs (context +
output path); :func:`render_documents` runs them through one compiled template per kind and
converts to PDF when asked (one LibreOffice for the whole batch). Re-running replaces each
document atomically. Listing them in ``outbox/manifest.csv`` and ``outbox/index.html`` is
:mod:`officekit.publish`'s part.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from officekit import winpath
from officekit.console import expect, note
from officekit.errors import PdfError, UsageError
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.periods import Period
from officekit.ledger.store import Ledger
from officekit.render.batch import Batch, ContextSource, render_batches
from officekit.render.contexts import Attachment
from officekit.render.contexts.handbook import toc_with_pages
from officekit.render.docprops import DocumentProperties
from officekit.render.documents import (
    ALL_KINDS,
    GONGWEN_FOLDER,
    MONTHLY_KINDS,
    REPORT_KINDS,
    SCHEME_TEMPLATES,
    Document,
    Note,
    Progress,
    ReportRequest,
    kinds_for,
    safe_name,
    template_files,
    template_for,
)
from officekit.render.engine import compile_template
from officekit.render.incremental import comment_for, fingerprint, is_current
from officekit.render.planning import BUILDERS, Job, ReportData
from officekit.render.tocpages import heading_pages, page_texts
from officekit.render.wordpdf import Converter
from officekit.workspace import Workspace

__all__ = ["ALL_KINDS", "GONGWEN_FOLDER", "MONTHLY_KINDS", "REPORT_KINDS", "SCHEME_TEMPLATES",
           "Document", "Note", "Progress", "Rendering", "ReportRequest", "data_as_of",
           "kinds_for", "periods_with_data", "render_documents", "safe_name", "template_files",
           "template_for", "write_attachment"]


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
    data = ReportData(ledger, ws, reqs[0].as_of, WorkCalendar.from_settings(ws.settings))
    # The document's time is the day it is computed as of (today unless --as-of): a render
    # clock would make the same data give different bytes, which the incremental renderer and
    # the manifest's sha256 rely on not happening.
    properties = DocumentProperties(ws.settings.author, ws.settings.organisation,
                                    datetime.combine(reqs[0].as_of, datetime.min.time()))
    documents: list[Document] = []
    handled: list[tuple[ReportRequest, list[Document]]] = []
    want_pdf = False
    numbered: list[_TocJob] = []  # handbooks whose TOC gets page numbers from their PDF
    batches: list[Batch] = []  # (template, stale jobs, their zip comments)
    attached: list[Job] = []  # whose long lists are written beside them once rendered
    for req in reqs:
        if req.kind not in BUILDERS:
            raise UsageError(key="error.report.unknown-kind", kind=req.kind, kinds=REPORT_KINDS)
        note(progress, f"{req.kind} {req.period}")
        jobs = BUILDERS[req.kind](data, req)
        for job in jobs:  # within Windows' 260 characters, however deep the workspace
            job.doc.path = winpath.fit_path(job.doc.path)
        handled.append((req, [j.doc for j in jobs]))
        by_template: dict[str, list[Job]] = {}
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
                    if req.pdf and "toc" in context:
                        numbered.append(_TocJob(job.doc, template, context,
                                                comments[str(job.doc.path)]))
            if stale:
                expect(progress, len(stale))
                batches.append((template, stale, comments))
        attached.extend(jobs)
        documents.extend(j.doc for j in jobs)
        want_pdf = want_pdf or req.pdf
    # every stale document of every request and template at once: one set of helper
    # processes for the whole report (render/batch.py)
    digests: dict[str, str] = {}
    render_batches(batches, properties=properties, digests=digests,
                   on_done=(lambda p: progress(p.name)) if progress else None)
    for doc in documents:  # the manifest lists each with the digest of the bytes written
        if doc.rendered:
            doc.sha256 = digests.get(str(doc.path), "")
    for job in attached:
        for attachment in job.attachments:
            write_attachment(attachment, winpath.place(
                job.doc.path.parent, attachment.file_name(job.doc.path.stem)))
    written = [d for d in documents if d.rendered]
    if want_pdf and written:
        _convert_pdfs(ws, written, progress, numbered, properties)
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

    tmp = winpath.temp_beside(path)
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


@dataclass(frozen=True, slots=True)
class _TocJob:
    doc: Document
    template: Path
    context: Mapping[str, Any]
    comment: bytes


def _number_tocs(conv: Converter, jobs: list[_TocJob],
                 properties: DocumentProperties) -> None:
    """Lay each handbook out once, read on which page every heading landed, and render it
    again with those page numbers in its TOC (its fingerprint stays the one of its data)."""
    for job in jobs:
        try:
            pages = page_texts(conv.convert(job.doc.path))
        except PdfError:
            continue  # reported by the conversion that follows
        if pages is None:
            return  # no pdftotext here: TOCs without numbers
        found = heading_pages(pages, [entry["title"] for entry in job.context["toc"]])
        if any(found):
            compile_template(job.template).render(
                toc_with_pages(job.context, found), job.doc.path, comment=job.comment,
                properties=properties)
            job.doc.sha256 = ""  # other bytes now: hashed when listed


def _convert_pdfs(ws: Workspace, docs: list[Document], progress: Progress | None,
                  numbered: list[_TocJob] | None = None,
                  properties: DocumentProperties | None = None) -> None:
    from officekit.render.wordpdf import open_converter

    note(progress, f"PDF × {len(docs)}")
    expect(progress, len(docs))
    with open_converter(timeout=ws.settings.pdf_timeout) as conv:
        if numbered:
            _number_tocs(conv, numbered, properties or DocumentProperties())
        for doc in docs:
            # one document LibreOffice cannot convert (or times out on) does not cost the
            # others their PDFs: it is reported with its reason and the batch goes on
            try:
                doc.pdf = conv.convert(doc.path)
            except PdfError as exc:
                doc.pdf, doc.pdf_error = None, exc.as_message()
            if progress:
                progress(f"PDF {doc.path.name}")


def periods_with_data(ledger: Ledger) -> list[str]:
    """Months that hold complaints, visits or schedule entries, oldest first."""
    return sorted(ledger.periods())
