"""Publishing documents: render → manifest → stale documents out → index (SPEC §7).

What ``officekit report``, the watcher's re-render and a retraction run. :mod:`officekit.render`
makes the documents; :mod:`officekit.deliver` lists them in the outbox manifest and the index
page that ``send`` and people read. This step sits above both, so neither imports the other.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from officekit import winpath
from officekit.deliver.index import write_index
from officekit.deliver.manifest import (
    ManifestRow,
    OutboxPaths,
    read_manifest,
    remove_manifest_rows,
    write_manifest_rows,
)
from officekit.ledger.store import Ledger
from officekit.render.reports import Document, Note, Progress, ReportRequest, render_documents
from officekit.workspace import Workspace

SUPERSEDED = "_superseded"  # outbox/_superseded/: documents the ledger no longer supports


def publish_reports(ws: Workspace, ledger: Ledger, requests: Iterable[ReportRequest], *,
                    progress: Progress | None = None,
                    notes: list[Note] | None = None) -> list[Document]:
    """Render the documents the requests ask for and hand them out in the outbox.

    Rendering is :func:`officekit.render.reports.render_documents` (``notes`` gets a catalogue
    message for each document left out for want of data). Then every document written is
    listed in the manifest with its sha256 — an unchanged one keeps its row, and one the
    manifest lost is listed again; documents of the kinds and periods asked for that the
    ledger no longer supports (a person who left, a department renamed, a 未分部门 report
    before the staff list came) move to ``outbox/_superseded/`` and leave the manifest; last
    the index page is written again. Returns every document asked for, as
    :func:`~officekit.render.reports.render_documents` does.
    """
    rendering = render_documents(ws, ledger, requests, progress=progress, notes=notes)
    if not rendering.handled:
        return []
    list_in_manifest(ws, rendering.documents)
    supersede_stale(ws, rendering.handled)
    write_index(ws, ledger)
    return rendering.documents


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def list_in_manifest(ws: Workspace, documents: Sequence[Document]) -> None:
    """Manifest rows for the documents written now, and for unchanged ones the manifest lost."""
    listed = {row.path for row in read_manifest(ws.outbox)}
    paths = OutboxPaths(ws.outbox)
    written = [d for d in documents if d.rendered]
    written += [d for d in documents
                if not d.rendered and paths.relative(d.path) not in listed]
    for doc in written:  # the renderer gives the digest of what it wrote; else read it
        doc.sha256 = doc.sha256 or _sha256(doc.path)
    if not written:
        return
    now = datetime.now().replace(microsecond=0)
    write_manifest_rows(ws.outbox, [
        ManifestRow.for_file(paths, d.path, kind=d.kind, period=d.period,
                             department=d.department, staff_id=d.staff_id,
                             recipient=d.recipient, pdf=d.pdf, when=now, sha256=d.sha256)
        for d in written
    ])


def supersede_stale(ws: Workspace,
                    handled: Sequence[tuple[ReportRequest, Sequence[Document]]]) -> list[Path]:
    """Move out of the outbox the documents the ledger no longer supports (SPEC §7).

    For each request rendered for a whole kind and period (or a whole department of it), a
    manifest row of that kind, period (and department) whose document was not produced this
    time is stale: the document, its PDF and its attachments move to ``outbox/_superseded/``
    under the same relative path, and the row leaves the manifest (and so the index and the
    send list). A request for one person supersedes nothing.
    """
    paths = OutboxPaths(ws.outbox)
    produced = {paths.relative(d.path) for _, docs in handled for d in docs}
    scopes = {(r.kind, str(r.period), r.department) for r, _ in handled if r.staff_id is None}
    if not scopes:
        return []
    stale = [row for row in read_manifest(ws.outbox)
             if row.path not in produced and ((row.kind, row.period, None) in scopes
                                              or (row.kind, row.period, row.department)
                                              in scopes)]
    moved: list[Path] = []
    for row in stale:
        doc = row.file(ws.outbox)
        related = [doc, doc.with_suffix(".pdf"), *doc.parent.glob(f"{doc.stem}_*.xlsx")]
        for path in related:
            if not path.exists():
                continue
            # one level deeper than the document was: kept within Windows' 260 characters
            dest = winpath.place(ws.outbox / SUPERSEDED / path.parent.relative_to(ws.outbox),
                                 path.name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), str(dest))
            moved.append(dest)
    if stale:
        remove_manifest_rows(ws.outbox, [row.path for row in stale])
    return moved
