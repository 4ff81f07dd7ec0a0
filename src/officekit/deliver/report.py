"""What ``officekit send`` did with a period's documents, by e-mail
(:class:`~officekit.deliver.mail.SendReport`) or to a group chat
(:class:`~officekit.deliver.chat.GroupReport`): the parts both have, in one place.

A report holds one delivery per (document, destination) with its status (the statuses of
:data:`~officekit.deliver.outgoing.STATUSES`), and the manifest rows whose file is missing.
Its counts, its exit code (1 when anything failed, was not attempted or is missing), the
skeleton of its JSON and the line it prints for each delivery are the same whichever way the
documents went.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from officekit.deliver.manifest import DOCUMENT_KINDS, ManifestRow, read_manifest
from officekit.deliver.outgoing import STATUSES, tally, undelivered
from officekit.errors import UsageError
from officekit.i18n import Message, display, t
from officekit.kpis.periods import Period
from officekit.ledger.store import sha256_of


class Sent(Protocol):
    """A document on its way to one destination (an address, a group robot)."""

    @property
    def row(self) -> ManifestRow: ...
    @property
    def status(self) -> str: ...
    @property
    def error(self) -> Message | str | None: ...
    def to_dict(self, lang: str = "zh") -> dict[str, Any]: ...


D = TypeVar("D", bound=Sent)

KIND_TITLES: dict[str, tuple[str, str]] = {
    "evaluation": ("个人考核报告", "evaluation report"),
    "evaluation-summary": ("部门考核汇总", "department evaluation summary"),
    "complaints": ("投诉分析报告", "complaint analysis report"),
    "visits": ("回访总结报告", "follow-up visit report"),
    "handbook": ("岗位职责手册", "duty handbook"),
}

# The delivery states, each named (zh, en) by the catalogue's ``delivery.status.<state>``
STATUS_LABELS: dict[str, tuple[str, str]] = {
    state: (t(f"delivery.status.{state}", "zh"), t(f"delivery.status.{state}", "en"))
    for state in STATUSES
}


def period_key(text: str) -> str:
    """A period as the manifest and the ledger write it (``2026-10``), or the text as given."""
    try:
        return str(Period.parse(text))
    except UsageError:
        return text.strip()


def document_order(row: ManifestRow) -> tuple[int, str, str]:
    """The order documents are sent in: by kind as the manifest lists kinds, department, path."""
    return (DOCUMENT_KINDS.index(row.kind) if row.kind in DOCUMENT_KINDS else 99,
            row.department, row.path)


@dataclass(slots=True, kw_only=True)
class DocumentsReport(Generic[D]):
    """A period's documents and what became of each (or, dry, what would)."""

    period: str
    dry_run: bool
    deliveries: list[D] = field(default_factory=list)
    missing_files: list[ManifestRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return tally(self.deliveries)[status]

    def trouble(self) -> int:
        """Deliveries that failed or were not attempted, and documents whose file is gone."""
        return undelivered(self.deliveries) + len(self.missing_files)

    @property
    def exit_code(self) -> int:
        """0 all sent, queued or nothing to send; 1 some failed, not attempted, or missing."""
        return 1 if self.trouble() else 0

    def base_dict(self, lang: str = "zh", **counts: int) -> dict[str, Any]:
        """The JSON both kinds of report start with (``counts`` adds to the counts; errors
        worded in ``lang``)."""
        return {"period": self.period, "dry_run": self.dry_run,
                "counts": tally(self.deliveries) | counts
                | {"missing_files": len(self.missing_files)},
                "deliveries": [d.to_dict(lang) for d in self.deliveries],
                "missing_files": [r.path for r in self.missing_files]}

    def documents(self, outbox: Path, kinds: Collection[str] = (),
                  department: str | None = None) -> Iterator[tuple[ManifestRow, tuple[Path, ...],
                                                                     str]]:
        """The manifest's documents of this period (of ``kinds``, all when empty; of
        ``department`` and those of no department), in sending order, each with its files
        (the document, and its PDF when there is one) and its SHA-256; a row whose file is
        gone goes to :attr:`missing_files` instead."""
        rows = [r for r in read_manifest(outbox)
                if period_key(r.period) == self.period and (not kinds or r.kind in kinds)
                and (not department or not r.department or r.department == department)]
        for row in sorted(rows, key=document_order):
            path = row.file(outbox)
            if not path.is_file():
                self.missing_files.append(row)
                continue
            pdf = row.pdf_file(outbox)
            yield row, (path, pdf) if pdf is not None and pdf.is_file() else (path,), \
                sha256_of(path)

    def delivery_lines(self, *, status_text: Callable[[D], str], title: Callable[[D], str],
                       files: Callable[[D], int], to: Callable[[D], str],
                       details: Callable[[D], list[str]] | None = None,
                       lang: str = "zh") -> list[str]:
        """``[status] title path (+PDF) → destination`` for each delivery; under it its
        ``details`` and its error (in ``lang``)."""
        lines: list[str] = []
        for d in self.deliveries:
            extra = " +PDF" if files(d) > 1 else ""
            lines.append(f"[{status_text(d)}] {title(d)} {d.row.path}{extra} → {to(d)}")
            if details is not None:
                lines += details(d)
            if d.error:
                lines.append(f"    {display(d.error, lang)}")
        return lines
