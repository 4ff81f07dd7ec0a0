"""``outbox/index.html``: one page an office opens from the shared folder to find its documents.

It lists every document of ``outbox/manifest.csv`` by period (newest first), department and
person, each linked; the files the intake rejected, with the reasons and a link to each
annotated copy (``outbox/rejected/*.校验结果.xlsx`` and the ledger's rejected files); and any
other file in the outbox (a KPI workbook, say). The page is self-contained — inline CSS, no
script, no web font, nothing fetched — and every link is relative and percent-encoded, so it
works from ``file://`` on a share as well as from a web server. The report command and the
watcher call :func:`write_index` after rendering.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from officekit.deliver.manifest import (
    DOCUMENT_KINDS,
    MANIFEST,
    ManifestError,
    ManifestRow,
    OutboxPaths,
    read_manifest,
)
from officekit.errors import UsageError
from officekit.kpis.coverage import KIND_LABELS as COVERAGE_LABELS
from officekit.kpis.coverage import coverage_for
from officekit.kpis.periods import Period
from officekit.ledger.store import Ledger
from officekit.model import ANNOTATED_SUFFIX, stored_message
from officekit.workspace import Workspace

INDEX = "index.html"
REJECTED_SCAN = 2000  # most recent ledger file rows looked at for rejected files
REASONS_SHOWN = 3  # reasons shown inline; the rest fold into a <details>

KIND_LABELS: dict[str, tuple[str, str]] = {
    "evaluation": ("个人考核报告", "Evaluation"),
    "evaluation-summary": ("部门考核汇总", "Department summary"),
    "complaints": ("投诉分析报告", "Complaint analysis"),
    "visits": ("回访总结报告", "Visit summary"),
    "handbook": ("岗位职责手册", "Duty handbook"),
}

_SKIP_NAMES = {INDEX, MANIFEST, "Thumbs.db", "desktop.ini"}

CSS = """
:root{--ink:#1f2933;--muted:#667085;--line:#e4e7ec;--soft:#f8f9fb;--accent:#175cd3;
--bad:#b42318;--badbg:#fef3f2;--warn:#b54708}
*{box-sizing:border-box}
body{margin:0;background:#f2f4f7;color:var(--ink);font-size:14px;line-height:1.6;
font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","Noto Sans SC",
"Source Han Sans SC","Hiragino Sans GB",sans-serif}
.wrap{max-width:1200px;margin:0 auto;padding:0 28px}
header{background:#fff;border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0;padding-top:22px;letter-spacing:.5px}
h1 small,h2 small,th small{font-weight:400;color:var(--muted);font-size:13px;margin-left:8px}
.meta{color:var(--muted);margin:2px 0 0}
.stats{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0 0;padding-bottom:18px}
.stat{border:1px solid var(--line);border-radius:8px;padding:8px 18px;min-width:128px;
background:var(--soft)}
.stat b{display:block;font-size:22px;line-height:1.3}
.stat span{color:var(--muted);font-size:13px}
.stat.bad b{color:var(--bad)}
nav{margin:18px 0 4px;display:flex;gap:8px;flex-wrap:wrap}
nav a{background:#fff;border:1px solid var(--line);border-radius:16px;padding:2px 12px;
font-size:13px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;margin:14px 0 18px;
overflow:hidden}
section h2{font-size:17px;margin:0;padding:12px 18px;border-bottom:1px solid var(--line)}
table{width:100%;border-collapse:collapse;table-layout:fixed}
td{overflow-wrap:anywhere}
th,td{text-align:left;padding:7px 18px;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:last-child td{border-bottom:0}
thead th{background:var(--soft);color:var(--muted);font-weight:600;font-size:13px;
white-space:nowrap}
tr.group th{background:#f0f5ff;color:#1d2939;font-size:14px;padding:6px 18px}
tr.group th small{margin-left:6px}
td.kind,td.time,td.pdf,td.person{white-space:nowrap;overflow-wrap:normal}
td.time{color:var(--muted);font-variant-numeric:tabular-nums}
.id{color:var(--muted);font-size:12px;margin-left:6px}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
.tag{display:inline-block;border-radius:10px;padding:0 9px;font-size:12px;line-height:20px}
.k-evaluation{background:#eff8ff;color:#175cd3}
.k-evaluation-summary{background:#f4f3ff;color:#5925dc}
.k-complaints{background:#fff6ed;color:#c4320a}
.k-visits{background:#ecfdf3;color:#067647}
.k-handbook{background:#fdf2fa;color:#c11574}
.missing{color:var(--bad)}
.gaps{border-left:4px solid var(--bad);background:#fff4f2;padding:8px 12px;margin:8px 0 12px}
.gaps ul{margin:4px 0;padding-left:20px}.gaps p{margin:4px 0;font-size:13px}
.muted{color:var(--muted)}
.reasons{margin:0;padding-left:18px}
.reasons li{margin:1px 0}
.cell{font-family:Consolas,"Courier New",monospace;font-size:12px;color:var(--muted);
margin-right:6px}
.count-bad{color:var(--bad);font-weight:600}
.count-warn{color:var(--warn)}
details summary{cursor:pointer;color:var(--accent);font-size:13px}
.empty{padding:16px 18px;color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:8px 0 28px}
@media print{body{background:#fff}section{border:0}nav{display:none}}
@media (max-width:760px){
.wrap{padding:0 12px}
h1{font-size:19px;padding-top:14px}
.stats{gap:8px}
.stat{min-width:0;flex:1 1 40%;padding:6px 12px}
.stat b{font-size:19px}
section{border-radius:8px;margin:10px 0 14px}
section h2{padding:10px 14px}
table,tbody,tr,td{display:block;width:100%}
colgroup,thead{display:none}
tbody tr{border-bottom:1px solid var(--line);padding:8px 14px}
tbody tr:last-child{border-bottom:0}
tr.group{padding:0}
tr.group th{display:block;padding:6px 14px}
td{border:0;padding:1px 0}
td.kind,td.person,td.pdf,td.time{display:inline-block;width:auto;margin-right:12px}
}
"""


@dataclass(slots=True)
class Rejected:
    """A rejected file as the page shows it."""

    name: str
    when: datetime | None
    errors: int = 0
    warnings: int = 0
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (where, message)
    annotated: str | None = None  # relative to the outbox


def _href(rel: str) -> str:
    return escape(quote(rel, safe="/"), quote=True)


def _rel(outbox: Path | OutboxPaths, path: str | Path | None) -> str | None:
    if not path:
        return None
    paths = outbox if isinstance(outbox, OutboxPaths) else OutboxPaths(outbox)
    try:
        return paths.relative(Path(path).absolute())
    except ManifestError:
        return None


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _period_order(text: str) -> tuple[int, int, str]:
    """Newest first; in one year, months before their quarter before the year."""
    try:
        p = Period.parse(text)
    except UsageError:
        return (0, 0, text)
    return (p.end.toordinal(), -len(p.months()), text)


def _period_label(text: str) -> str:
    try:
        return Period.parse(text).label_zh
    except UsageError:
        return text


def _issue_reasons(issues: Any) -> list[tuple[str, str]]:
    if not isinstance(issues, list):
        return []
    ranked = sorted((i for i in issues if isinstance(i, dict)),
                    key=lambda i: {"error": 0, "warning": 1}.get(str(i.get("severity")), 2))
    out: list[tuple[str, str]] = []
    for issue in ranked:
        if issue.get("severity") != "error":
            continue
        cell = issue.get("cell")
        sheet = issue.get("sheet")
        where = f"{sheet}!{cell}" if sheet and cell else str(cell or sheet or "")
        out.append((where, stored_message(issue, "zh")))  # the page is in Chinese
    return out


def collect_rejected(ws: Workspace, ledger: Ledger | None) -> list[Rejected]:
    """Rejected files still to be fixed: the ledger's (with reasons) and annotated copies it
    does not know of. One that a later accepted file of the same name settled is left out."""
    from officekit.ledger.lifecycle import settled_rejections

    found: list[Rejected] = []
    known: set[str] = set()
    paths = OutboxPaths(ws.outbox)
    if ledger is not None:
        rows = ledger.recent_files(REJECTED_SCAN)
        settled = settled_rejections(rows)
        for row in rows:
            if row.get("state") != "rejected":
                continue
            rel = _rel(paths, row.get("annotated"))
            if rel:
                known.add(rel)
            if row["id"] in settled or row.get("duplicate_of") is not None:
                continue
            found.append(Rejected(
                name=str(row.get("name") or ""), when=row.get("updated"),
                errors=int(row.get("errors") or 0), warnings=int(row.get("warnings") or 0),
                reasons=_issue_reasons(row.get("issues")), annotated=rel))
    if ws.rejected.is_dir():
        for path in sorted(ws.rejected.glob(f"*{ANNOTATED_SUFFIX}")):
            rel = _rel(paths, path)
            if rel and rel not in known and not path.name.startswith(("~$", ".")):
                found.append(Rejected(name=path.name.removesuffix(ANNOTATED_SUFFIX),
                                      when=datetime.fromtimestamp(path.stat().st_mtime),
                                      annotated=rel))
    found.sort(key=lambda r: r.when or datetime.min, reverse=True)
    return found


def other_files(ws: Workspace, rows: Iterable[ManifestRow]) -> list[str]:
    """Files in the outbox that the manifest does not list (outside ``rejected/``)."""
    listed = set()
    stems = set()
    for r in rows:
        listed.add(r.path)
        stems.add(r.path.rsplit(".", 1)[0] + "_")  # its long lists' .xlsx sit beside it
        if r.pdf:
            listed.add(r.pdf)
    out: list[str] = []
    if not ws.outbox.is_dir():
        return out
    paths = OutboxPaths(ws.outbox)
    for dirpath, dirnames, filenames in os.walk(ws.outbox):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name in _SKIP_NAMES or name.startswith((".", "~$")) or name.endswith(".tmp"):
                continue
            rel = _rel(paths, Path(dirpath) / name)
            if (rel and rel not in listed and not rel.startswith(("rejected/", "_superseded/"))
                    and not (rel.endswith(".xlsx") and rel.startswith(tuple(stems)))):
                out.append(rel)
    return out


# --------------------------------------------------------------------------------------------
# HTML


def _kind_tag(kind: str) -> str:
    zh, _en = KIND_LABELS.get(kind, (kind, kind))
    return f'<span class="tag k-{escape(kind)}">{escape(zh)}</span>'


def _link(outbox: Path, rel: str, text: str | None = None) -> str:
    label = escape(text or rel.rsplit("/", 1)[-1])
    if not (outbox / rel).is_file():
        return f'<span class="missing">{label}（文件不存在 / missing）</span>'
    return f'<a href="{_href(rel)}">{label}</a>'


def _doc_order(row: ManifestRow) -> tuple[int, str, str]:
    rank = DOCUMENT_KINDS.index(row.kind) if row.kind in DOCUMENT_KINDS else 99
    return (1 if row.kind == "evaluation" else 0, row.staff_id if row.kind == "evaluation"
            else str(rank), row.path)


def _attachments(outbox: Path, rel: str, folders: dict[Path, list[str]]) -> str:
    """Links to the .xlsx lists written beside a document (its long lists in full).

    ``folders`` keeps each folder's names, listed once for the whole page (a folder holds
    dozens of documents)."""
    doc = outbox / rel
    folder = doc.parent
    if folder not in folders:
        try:
            folders[folder] = os.listdir(folder) if folder.is_dir() else []
        except OSError:
            folders[folder] = []
    # ``{stem}_*.xlsx`` taken literally (a glob pattern per document would be compiled for
    # each of hundreds of documents), compared as the file system compares names
    prefix, suffix = os.path.normcase(f"{doc.stem}_"), os.path.normcase(".xlsx")
    found = sorted(folder / name for name in folders[folder]
                   if (folded := os.path.normcase(name)).startswith(prefix)
                   and folded.endswith(suffix) and len(folded) >= len(prefix) + len(suffix))
    links = []
    for f in found:
        label = escape(f.stem[len(doc.stem) + 1:])
        links.append(f' · <a href="{_href(_rel(outbox, f) or "")}">附表：{label}</a>')
    return "".join(links)


def _gaps_html(gaps: Sequence[str]) -> str:
    if not gaps:
        return ""
    items = "".join(f"<li>{escape(g)}</li>" for g in gaps)
    return (f'<div class="gaps"><b>本期登记表不全 / registers missing</b><ul>{items}</ul>'
            "<p>缺少的登记表按“无数据”处理：相应文档不生成，指标不按零计。</p></div>")


def _documents_section(outbox: Path, period: str, rows: list[ManifestRow],
                       names: dict[str, str], gaps: Sequence[str] = ()) -> str:
    by_dept: dict[str, list[ManifestRow]] = defaultdict(list)
    for row in rows:
        by_dept[row.department].append(row)
    folders: dict[Path, list[str]] = {}
    out = [f'<section id="{escape(_anchor(period))}"><h2>{escape(_period_label(period))}'
           f"<small>{escape(period)} · {len(rows)} 份 / documents</small></h2>",
           _gaps_html(gaps),
           '<table><colgroup><col style="width:150px"><col style="width:150px"><col>'
           '<col style="width:80px"><col style="width:160px"></colgroup>'
           "<thead><tr><th>类型 <small>Kind</small></th><th>人员 <small>Person</small>"
           "</th><th>文档 <small>Document</small></th><th>PDF</th><th>生成时间 <small>Generated"
           "</small></th></tr></thead><tbody>"]
    for dept in sorted(by_dept, key=lambda d: (d != "", d)):
        items = sorted(by_dept[dept], key=_doc_order)
        title = escape(dept) if dept else "全单位 <small>whole organisation</small>"
        out.append(f'<tr class="group"><th colspan="5">{title}'
                   f"<small>{len(items)} 份</small></th></tr>")
        for row in items:
            person = ""
            if row.staff_id:
                name = names.get(row.staff_id, "")
                person = (f"{escape(name)}<span class=\"id\">{escape(row.staff_id)}</span>"
                          if name else f'<span class="id">{escape(row.staff_id)}</span>')
            pdf = _link(outbox, row.pdf, "PDF") if row.pdf else '<span class="muted">—</span>'
            out.append(f'<tr><td class="kind">{_kind_tag(row.kind)}</td>'
                       f'<td class="person">{person}</td><td>{_link(outbox, row.path)}'
                       f"{_attachments(outbox, row.path, folders)}</td>"
                       f'<td class="pdf">{pdf}</td><td class="time">{_when(row.time)}</td></tr>')
    out.append("</tbody></table></section>")
    return "".join(out)


def _reasons_html(reasons: list[tuple[str, str]]) -> str:
    def li(where: str, message: str) -> str:
        cell = f'<span class="cell">{escape(where)}</span>' if where else ""
        return f"<li>{cell}{escape(message)}</li>"

    if not reasons:
        return '<span class="muted">原因见批注副本 / see the annotated copy</span>'
    head = "".join(li(*r) for r in reasons[:REASONS_SHOWN])
    html = f'<ul class="reasons">{head}</ul>'
    rest = reasons[REASONS_SHOWN:]
    if rest:
        html += (f"<details><summary>另有 {len(rest)} 条 / {len(rest)} more</summary>"
                 f'<ul class="reasons">{"".join(li(*r) for r in rest)}</ul></details>')
    return html


def _rejected_section(outbox: Path, rejected: list[Rejected]) -> str:
    out = ['<section id="rejected"><h2>退回的文件<small>Rejected files · '
           f"{len(rejected)} 个</small></h2>"]
    if not rejected:
        out.append('<p class="empty">没有被退回的文件。/ No rejected files.</p></section>')
        return "".join(out)
    out.append('<table><colgroup><col style="width:200px"><col style="width:140px">'
               '<col style="width:110px"><col><col style="width:120px"></colgroup>'
               "<thead><tr><th>文件 <small>File</small></th><th>退回时间 <small>When"
               "</small></th><th>问题 <small>Issues</small></th><th>原因 <small>Reasons</small>"
               "</th><th>批注副本 <small>Copy</small></th></tr></thead><tbody>")
    for r in rejected:
        counts = (f'<span class="count-bad">错误 {r.errors}</span>'
                  + (f' · <span class="count-warn">警告 {r.warnings}</span>' if r.warnings
                     else "")) if r.errors or r.warnings else '<span class="muted">—</span>'
        copy = _link(outbox, r.annotated, "打开 / open") if r.annotated else \
            '<span class="muted">—</span>'
        out.append(f"<tr><td>{escape(r.name)}</td><td class=\"time\">{_when(r.when)}</td>"
                   f'<td class="kind">{counts}</td><td>{_reasons_html(r.reasons)}</td>'
                   f'<td class="pdf">{copy}</td></tr>')
    out.append("</tbody></table></section>")
    return "".join(out)


def _others_section(outbox: Path, others: list[str]) -> str:
    items = "".join(f'<tr><td>{_link(outbox, rel, rel)}</td></tr>' for rel in others)
    return ('<section id="other"><h2>其他文件<small>Other files · '
            f'{len(others)} 个</small></h2><table><tbody>{items}</tbody></table></section>')


def _anchor(period: str) -> str:
    return f"p-{period}"


def render_index(ws: Workspace, rows: list[ManifestRow], rejected: list[Rejected],
                 others: list[str], names: dict[str, str], now: datetime,
                 gaps: Mapping[str, Sequence[str]] | None = None) -> str:
    """The page as text (see the module docstring); ``gaps``: period → what registers it
    lacks or has only in part (:func:`register_gaps`)."""
    outbox = ws.outbox
    by_period: dict[str, list[ManifestRow]] = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    periods = sorted(by_period, key=_period_order, reverse=True)
    departments = {r.department for r in rows if r.department}
    stats = [(len(rows), "份文档", "documents", ""), (len(periods), "个期间", "periods", ""),
             (len(departments), "个部门", "departments", ""),
             (len(rejected), "个退回文件", "rejected files", " bad" if rejected else "")]
    nav = [f'<a href="#{escape(_anchor(p))}">{escape(_period_label(p))}</a>' for p in periods]
    nav.append('<a href="#rejected">退回的文件 / Rejected</a>')
    if others:
        nav.append('<a href="#other">其他文件 / Other</a>')
    body = [_documents_section(outbox, p, by_period[p], names, (gaps or {}).get(p, ()))
            for p in periods]
    if not periods:
        body.append('<section><h2>文档<small>Documents</small></h2><p class="empty">发件箱中还'
                    "没有生成的文档。运行 <code>officekit report</code> 生成后，这里会列出。"
                    " / No documents yet: run <code>officekit report</code>.</p></section>")
    body.append(_rejected_section(outbox, rejected))
    if others:
        body.append(_others_section(outbox, others))
    stat_html = "".join(f'<div class="stat{cls}"><b>{n}</b><span>{zh} / {en}</span></div>'
                        for n, zh, en, cls in stats)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>发件箱文档索引 · {escape(ws.root.name)}</title><style>{CSS}</style></head>"
        f'<body><header><div class="wrap"><h1>发件箱文档索引<small>Outbox index</small></h1>'
        f'<p class="meta">{escape(ws.root.name)} · 生成时间 / generated {_when(now)}</p>'
        f'<div class="stats">{stat_html}</div></div></header>'
        f'<main class="wrap"><nav>{"".join(nav)}</nav>{"".join(body)}</main>'
        '<footer class="wrap">由 officekit 生成；请勿手工修改，每次生成文档后会自动更新。'
        " / Made by officekit; rewritten after each rendering.</footer></body></html>\n"
    )


def register_gaps(ledger: Ledger, periods: Iterable[str]) -> dict[str, list[str]]:
    """Per period, a line for each register it lacks or has for part of it only."""
    spans = ledger.file_spans()
    out: dict[str, list[str]] = {}
    for text in periods:
        try:
            period = Period.parse(text)
        except UsageError:
            continue
        lines = []
        for kind, c in coverage_for(spans, period).items():
            label = COVERAGE_LABELS[kind][0]
            if c.missing:
                lines.append(f"缺少{label}")
            elif c.partial and c.start and c.end:
                lines.append(f"{label}仅覆盖 {c.start:%m-%d} 至 {c.end:%m-%d}")
        if lines:
            out[text] = lines
    return out


def write_index(ws: Workspace, ledger: Ledger | None = None, *,
                now: datetime | None = None) -> Path:
    """Write ``outbox/index.html`` (atomically) and return its path.

    Without a ledger the page still lists the manifest's documents and the annotated copies
    in ``outbox/rejected/``; with one it adds people's names and each rejected file's reasons.
    """
    rows = read_manifest(ws.outbox)
    names = ({str(s["staff_id"]): str(s.get("name") or "") for s in ledger.staff()}
             if ledger is not None else {})
    gaps = register_gaps(ledger, {r.period for r in rows}) if ledger is not None else {}
    html = render_index(ws, rows, collect_rejected(ws, ledger), other_files(ws, rows), names,
                        now or datetime.now(), gaps)
    ws.outbox.mkdir(parents=True, exist_ok=True)
    dest = ws.outbox / INDEX
    tmp = ws.outbox / f".{INDEX}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(html)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return dest
