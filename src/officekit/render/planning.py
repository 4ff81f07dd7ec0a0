"""One job builder per document kind: a request → contexts and output paths.

The builders read the ledger through :class:`ReportData` (each piece once per run), skip a
document whose period has none of the data it is about (SPEC §6: no data is not zero) and
note why, and name each file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from officekit.errors import UsageError
from officekit.i18n import t
from officekit.kpis.calendar import WorkCalendar
from officekit.kpis.complaint_figures import complaint_figures
from officekit.kpis.compute import KpiResult, StaffKpi, kpis_for_period
from officekit.kpis.coverage import KIND_LABELS, Coverage, coverage_for
from officekit.kpis.periods import Period
from officekit.kpis.schemes import Scheme
from officekit.kpis.visit_figures import visit_figures
from officekit.ledger.store import FileSpan, Ledger
from officekit.model import Record
from officekit.render import contexts
from officekit.render.batch import ContextSource
from officekit.render.contexts import Attachment
from officekit.render.documents import (
    REPORT_KINDS,
    SCHEME_TEMPLATES,
    Document,
    Note,
    ReportRequest,
    dept_dir,
    safe_name,
)
from officekit.workspace import Workspace


@dataclass(slots=True)
class Job:
    context: ContextSource
    doc: Document
    template: str = ""  # the template file, when not the kind's default
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(slots=True)
class ReportData:
    """What one report run reads from the ledger, each piece once."""

    ledger: Ledger
    ws: Workspace
    as_of: date
    calendar: WorkCalendar
    _kpis: dict[str, KpiResult] = field(default_factory=dict)
    _spans: list[FileSpan] | None = None
    _staff: list[Record] | None = None
    _files: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def coverage(self, period: Period) -> dict[str, Coverage]:
        """Which registers cover ``period`` (SPEC §5), from the ledger's file spans."""
        return coverage_for(self.spans(), period)

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
                _Reads(self), period, self.ws.settings, self.as_of, calendar=self.calendar
            )
        return self._kpis[key]

    def staff(self) -> list[Record]:
        """The whole staff list (read once per run)."""
        if self._staff is None:
            self._staff = self.ledger.staff()
        return self._staff

    def spans(self) -> list[FileSpan]:
        """What each accepted file covers (read once per run)."""
        if self._spans is None:
            self._spans = self.ledger.file_spans()
        return self._spans


class _Reads:
    """The ledger as :func:`kpis_for_period` reads it within one run: the staff list and the
    file spans, the same for every period of a trend, come from :class:`ReportData`."""

    def __init__(self, data: ReportData) -> None:
        self._data = data
        ledger = data.ledger
        self.complaints = ledger.complaints
        self.complaints_by_id = ledger.complaints_by_id
        self.visits = ledger.visits
        self.visits_for_complaints_received = ledger.visits_for_complaints_received
        self.schedule = ledger.schedule

    def staff(self) -> list[Record]:
        return self._data.staff()

    def file_spans(self) -> list[FileSpan]:
        return self._data.spans()


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


def _evaluation_jobs(data: ReportData, req: ReportRequest) -> list[Job]:
    result = data.kpis(req.period)
    trend_results = [data.kpis(p) for p in req.period.trend(contexts.TREND_PERIODS)]
    rows = [
        r
        for r in result.staff
        if (req.department is None or r.department == req.department)
        and (req.staff_id is None or req.staff_id in (r.staff_id, r.name))
    ]
    if req.staff_id is not None and not rows:
        raise UsageError(key="error.report.unknown-staff", period=str(req.period),
                         staff=req.staff_id)
    sources = data.sources(req.period, contexts.EVALUATION_KINDS)
    # each period's scores by 工号, as contexts.score_trend reads them (its first row of an
    # id), looked up once per period instead of once per person and period
    scores: list[dict[str | None, float | None]] = []
    for past in trend_results:
        by_id: dict[str | None, float | None] = {}
        for r in past.staff:
            by_id.setdefault(r.staff_id, r.score)
        scores.append(by_id)
    templates: dict[str, str] = {}  # scheme → its template file (a file check per scheme)
    jobs = []
    skipped: dict[str, int] = {}
    for row in rows:
        needs = _needs(result, row)
        if not any(result.has(kind) for kind in needs):
            skipped[needs[0]] = skipped.get(needs[0], 0) + 1
            continue  # no data of what this person is judged on: no evaluation
        scheme = result.scheme(row.scheme)
        who = row.staff_id or row.name or "?"
        trend = [(past.period, by_id.get(who))
                 for past, by_id in zip(trend_results, scores, strict=True)]
        stem = safe_name(f"{row.name or who}_{req.period}_考核报告")
        attachment = contexts.late_attachment(row)
        context = contexts.evaluation_context(
            row, result, data.ws.settings, trend=trend, sources=sources,
            late_file=attachment.file_name(stem) if attachment else "")
        path = dept_dir(data.ws, req.period, row.department or "未分部门") / f"{stem}.docx"
        jobs.append(
            Job(
                context,
                Document(
                    path,
                    req.kind,
                    str(req.period),
                    row.department or "",
                    row.staff_id or "",
                    row.email or "",
                ),
                templates[row.scheme] if row.scheme in templates else templates.setdefault(
                    row.scheme, _evaluation_template(scheme, data.ws)),
                [attachment] if attachment else [],
            )
        )
    for kind, count in skipped.items():
        data.skip(req.period, kind, t("report.skipped.evaluations", "zh", count=count),
                  t("report.skipped.evaluations", "en", count=count))
    return jobs


def _departments(result: KpiResult, req: ReportRequest) -> list[str]:
    names = [d.department for d in result.departments]
    if req.department is not None:
        if req.department not in names:
            raise UsageError(key="error.report.unknown-department", period=str(req.period),
                             department=req.department, known=names or "—")
        return [req.department]
    return names


def _summary_jobs(data: ReportData, req: ReportRequest) -> list[Job]:
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
        path = dept_dir(data.ws, req.period, dept) / safe_name(
            f"{dept}_{req.period}_考核汇总.docx"
        )
        jobs.append(Job(ctx, Document(path, req.kind, str(req.period), dept)))
    return jobs


def _complaints_jobs(data: ReportData, req: ReportRequest) -> list[Job]:
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
    path = dept_dir(data.ws, req.period, req.department) / f"{stem}.docx"
    return [Job(ctx, Document(path, req.kind, str(req.period), req.department or ""),
                 attachments=[attachment] if attachment else [])]


def _visits_jobs(data: ReportData, req: ReportRequest) -> list[Job]:
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
    path = dept_dir(data.ws, period, req.department) / f"{stem}.docx"
    return [Job(ctx, Document(path, req.kind, str(period), req.department or ""),
                 attachments=[attachment] if attachment else [])]


def _handbook_jobs(data: ReportData, req: ReportRequest) -> list[Job]:
    if req.period.kind != "month":
        raise UsageError(key="error.report.handbook-month")
    duties = data.ledger.duties()
    depts = sorted({str(d["department"]) for d in duties})
    if req.department is not None:
        if req.department not in depts:
            raise UsageError(key="error.report.handbook-department", department=req.department,
                             known_zh=depts or t("error.report.no-duties", "zh"),
                             known_en=depts or t("error.report.no-duties", "en"))
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
        path = dept_dir(data.ws, req.period, dept) / safe_name(f"{dept}_岗位职责手册.docx")
        jobs.append(Job(ctx, Document(path, req.kind, str(req.period), dept)))
    return jobs


BUILDERS: dict[str, Callable[[ReportData, ReportRequest], list[Job]]] = {
    "evaluation": _evaluation_jobs,
    "evaluation-summary": _summary_jobs,
    "complaints": _complaints_jobs,
    "visits": _visits_jobs,
    "handbook": _handbook_jobs,
}
