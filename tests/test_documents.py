"""The five documents rendered from the sample month, end to end through ``officekit report``.

Each document's text (paragraphs and table cells in document order, then headers and footers)
is compared with a golden file under ``tests/golden/`` (``pytest --update-golden`` rewrites
them); every rendered package is checked part by part (well-formed XML, no leftover tags,
pictures present, no unmasked mobile number); values that look like markup or template tags
render as written; and one ``report all --pdf`` batch goes through the real LibreOffice.

Everything runs against one ingested sample workspace per module, with a fixed ``--as-of``, so
the text is the same on every run.
"""

from __future__ import annotations

import csv
import hashlib
import posixpath
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner, Result
from lxml import etree

from officekit.cli import cli
from officekit.render.pdf import libreoffice_available

PERIOD = "2026-10"
AS_OF = "2026-11-23"
GOLDEN = Path(__file__).parent / "golden"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
C_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"
# an 11-digit mainland mobile number not embedded in a longer run of digits
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LEFTOVER_TAGS = ("{{", "}}", "{%", "%}", "{#", "#}")

# golden file → document under outbox/ (one of each kind, plus a person with late complaints)
GOLDEN_DOCS = {
    # one evaluation per scheme: lead (a 部门经理), handler (with late complaints), visitor,
    # none (质检), and the late joiner whose two complaints are too few to be scored
    "evaluation_0101": "2026-10/客服一部/陈立群_2026-10_考核报告.docx",
    "evaluation_0108": "2026-10/客服一部/王静_2026-10_考核报告.docx",
    "evaluation_0306": "2026-10/综合服务部/袁博文_2026-10_考核报告.docx",
    "evaluation_0308": "2026-10/综合服务部/杜明远_2026-10_考核报告.docx",
    "evaluation_0113": "2026-10/客服一部/卢思琪_2026-10_考核报告.docx",
    "evaluation-summary_客服一部": "2026-10/客服一部/客服一部_2026-10_考核汇总.docx",
    "complaints": "2026-10/2026-10_投诉分析报告.docx",
    "visits": "2026-10/2026-10_回访总结报告.docx",
    "handbook_客服一部": "2026-10/客服一部/客服一部_岗位职责手册.docx",
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def report(ws: Path, *args: str) -> list[Path]:
    """Run ``officekit report`` on ``ws``; the paths it printed (docx and pdf)."""
    res = run("report", *args, "-w", ws, "-q", "--period", PERIOD, "--as-of", AS_OF)
    assert res.exit_code == 0, res.output
    return [Path(line) for line in res.stdout.splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------
# a .docx as text


def _paragraph(p: etree._Element) -> str:
    out: list[str] = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", WP_DOCPR):
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag == W + "tab":
            out.append("\t")
        elif el.tag == WP_DOCPR:
            out.append(f"[图片：{el.get('descr') or el.get('name')}]")
        else:
            out.append("\n")
    return "".join(out)


def _block(parent: etree._Element, lines: list[str]) -> None:
    """Append the text of ``parent``'s paragraphs and tables, in order: a paragraph per line
    (empty ones left out), a table row as ``| cell | cell |`` with a cell's own paragraphs
    joined by `` ¶ ``."""
    for child in parent:
        if child.tag == W + "p":
            text = _paragraph(child)
            if text.strip():
                lines.append(text)
        elif child.tag == W + "tbl":
            for tr in child.iterfind(W + "tr"):
                cells = []
                for tc in tr.iterfind(W + "tc"):
                    inner: list[str] = []
                    _block(tc, inner)
                    cells.append(" ¶ ".join(inner).replace("\n", " ¶ "))
                lines.append("| " + " | ".join(cells) + " |")
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
            _block(child, lines)


def _story_parts(names: list[str]) -> list[str]:
    headers = sorted(n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
    return ["word/document.xml", *headers]


def docx_text(path: Path) -> str:
    """The document's whole text: the body, then each header and footer under its part name."""
    lines: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in _story_parts(z.namelist()):
            root = etree.fromstring(z.read(name))
            if name != "word/document.xml":
                lines.append(f"===== {name} =====")
            _block(root.find(W + "body") if root.find(W + "body") is not None else root, lines)
    return "\n".join(lines) + "\n"


def xml_members(path: Path) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                yield name, z.read(name)


# ------------------------------------------------------------------------------------------
# the sample workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the good sample files of October 2026 ingested."""
    samples = tmp_path_factory.mktemp("samples")
    assert run("sample", "--no-flawed", samples).exit_code == 0
    ws = tmp_path_factory.mktemp("ws")
    assert run("init", ws).exit_code == 0
    res = run("ingest", "-w", ws, "-q", "--today", AS_OF, samples)
    assert res.exit_code == 0, res.output
    return ws


@pytest.fixture(scope="module")
def documents(workspace: Path) -> list[Path]:
    """Every document of ``report all`` for the period (docx only)."""
    return report(workspace, "all")


def test_report_all_for_a_quarter_renders_what_applies_and_says_what_not(
        workspace: Path) -> None:
    res = run("report", "all", "-w", workspace, "--period", "2026-Q4", "--as-of", AS_OF,
              "--department", "综合服务部")
    assert res.exit_code == 0, res.output
    written = [Path(line) for line in res.stdout.splitlines() if line.strip()]
    assert {p.parent.parent.name for p in written} == {"2026-Q4"}
    assert not any("岗位职责手册" in p.name for p in written)
    assert any(p.name.endswith("_投诉分析报告.docx") for p in written)
    assert any(p.name.endswith("_考核汇总.docx") for p in written)
    assert "岗位职责手册按月生成" in res.stderr and "2026-Q4" in res.stderr
    with (workspace / "outbox" / "manifest.csv").open(encoding="utf-8-sig") as fh:
        listed = {row["path"] for row in csv.DictReader(fh)}
    assert {p.relative_to(workspace / "outbox").as_posix() for p in written} <= listed


def test_report_all_renders_every_kind(workspace: Path, documents: list[Path]) -> None:
    names = [p.name for p in documents]
    assert len(documents) == 39
    assert sum(n.endswith("_考核报告.docx") for n in names) == 31
    assert sum(n.endswith("_考核汇总.docx") for n in names) == 3
    assert sum(n.endswith("_岗位职责手册.docx") for n in names) == 3
    assert "2026-10_投诉分析报告.docx" in names and "2026-10_回访总结报告.docx" in names
    # 王静 works in two departments: two reports, one per folder
    assert sum(n == "王静_2026-10_考核报告.docx" for n in names) == 2
    with (workspace / "outbox" / "manifest.csv").open(encoding="utf-8-sig") as fh:
        manifest = {row["path"]: row for row in csv.DictReader(fh)}
    for path in documents:
        row = manifest[path.relative_to(workspace / "outbox").as_posix()]
        assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert row["period"] == PERIOD
    assert (workspace / "outbox" / "index.html").exists()


@pytest.mark.parametrize("golden", sorted(GOLDEN_DOCS))
def test_text_matches_golden(workspace: Path, documents: list[Path], golden: str,
                             update_golden: bool) -> None:
    path = workspace / "outbox" / GOLDEN_DOCS[golden]
    assert path in documents
    text = docx_text(path)
    target = GOLDEN / f"{golden}.txt"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assert target.exists(), f"no golden file {target.name}: run pytest --update-golden"
    assert text == target.read_text(encoding="utf-8"), (
        f"{path.name} differs from {target.name}; if the change is meant, run "
        "pytest tests/test_documents.py --update-golden and review the diff")


def test_golden_text_has_the_facts() -> None:
    """The golden files themselves hold what SPEC §7 asks of each document (so a golden
    rewritten from a broken render does not pass unnoticed)."""
    def golden(name: str) -> str:
        return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")

    late = golden("evaluation_0108")
    assert "| 姓　　名 | 王静 | 工　　号 | 0108 |" in late
    assert "| 76.0 | 合格 | 第6名/共7人 |" in late  # among the 7 投诉处理 people ranked
    # late in working days after the deadline, as of 23 Nov (not growing with re-rendering)
    assert ("| TS2026100219 | 2026-10-23 | 服务态度 | 一般 | 2026-11-03 | 未办结 | 14个工作日 |"
            in late)
    assert "[图片：近期综合得分趋势图]" in late
    assert "考核意见" in late and "被考核人签字" in late
    # every scheme's report shows what that person is judged on, and where the data came from
    lead = golden("evaluation_0101")  # 陈立群, 部门经理: the department's figures, the team
    assert "| 考核方案 | 管理 |" in lead and "二、部门考核指标" in lead
    assert "| 办结率 | ≥ 95.0% | 88.1% | 193件 | 未达标 | 25% | 25.0% | 22.0 |" in lead
    assert "三、团队考核排名" in lead
    assert "| 1 | 林可欣 | 客服专员 | 投诉处理 | 88.3 | 良好 |" in lead
    visitor = golden("evaluation_0306")  # 袁博文, 回访专员: the visit metrics
    assert "| 考核方案 | 回访 |" in visitor and "二、考核指标（回访工作）" in visitor
    assert "| 回访成功率 | ≥ 90.0% | 96.2% | 80次 | 达标 | 30% | 30.0% | 28.9 |" in visitor
    assert "办结率" not in visitor
    none = golden("evaluation_0308")  # 杜明远, 质检专员
    assert "本岗位不参与考核" in none and "综合得分" not in none
    joiner = golden("evaluation_0113")  # 卢思琪: two complaints, below min_cases
    assert "| — | 未评定 | 样本不足，不参与排名 |" in joiner
    assert "| 办结率 | ≥ 95.0% | 100.0% | 2件 | 样本不足 | 25% | — | — |" in joiner
    for text in (late, lead, visitor, none, joiner):
        assert "数据来源" in text
        assert "| 投诉登记表 | 2026年10月投诉登记表.xlsx | 2026年10月1日–31日 | 完整 |" in text
    summary = golden("evaluation-summary_客服一部")
    assert "管理岗位（参与排名5人）" in summary and "投诉处理岗位（参与排名7人）" in summary
    assert "| 1 | 0110 | 林可欣 | 客服专员 |" in summary
    assert "| — | 0113 | 卢思琪 | 客服专员 |" in summary
    assert "无可比数据" in summary
    complaints = golden("complaints")
    assert "| 315 | 278 | 88.3% | 75.9% | 2.7 | 76 |" in complaints
    assert "[图片：投诉类别帕累托图]" in complaints
    # the overdue list is capped at 20 with the whole list beside the document
    assert "另有56件超期投诉未列出" in complaints and "_超期投诉清单.xlsx" in complaints
    visits = golden("visits")
    assert "| 226 | 214 | 94.7% | 4.12（77.9分） | 76.2% |" in visits
    handbook = golden("handbook_客服一部")
    for step in ("| 受理 |", "| 处理 |", "| 回访 |", "| 归档 |", "| 一般 | 7个工作日 |"):
        assert step in handbook
    assert "2026年11月23日" in handbook  # the edition date is the as-of date, not today


def test_every_part_is_well_formed_and_pictures_resolve(documents: list[Path]) -> None:
    for path in documents:
        members = dict(xml_members(path))
        for name, data in members.items():
            try:
                etree.fromstring(data)
            except etree.XMLSyntaxError as exc:
                pytest.fail(f"{path.name}:{name} is not well-formed XML: {exc}")
        with zipfile.ZipFile(path) as z:
            present = set(z.namelist())
        root = etree.fromstring(members["word/document.xml"])
        rels = etree.fromstring(members["word/_rels/document.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(REL)}
        embeds = [b.get(R_EMBED) for b in root.iter(A_BLIP)]
        charts = [c.get(R_ID) for c in root.iter(C_CHART)]
        # every report but the handbook and a 不考核 person's (no score to chart) carries
        # charts: native ones, or pictures
        chartless = path.name.endswith("_岗位职责手册.docx") or \
            "个人工作情况报告".encode() in members["word/document.xml"]
        assert bool(embeds or charts) != chartless, path.name
        for rid in embeds + charts:
            target = posixpath.normpath(posixpath.join("word", targets[rid]))
            assert target in present, f"{path.name}: drawing {rid} → missing {target}"


def test_no_template_tags_left(documents: list[Path]) -> None:
    for path in documents:
        for name, data in xml_members(path):
            if name.startswith("word/"):
                text = data.decode("utf-8")
                left = [tag for tag in LEFTOVER_TAGS if tag in text]
                assert not left, f"{path.name}:{name} still holds {left}"


def test_phone_numbers_are_masked(workspace: Path, documents: list[Path]) -> None:
    for path in documents:
        assert not MOBILE.search(docx_text(path)), path.name
        for name, data in xml_members(path):
            assert not MOBILE.search(data.decode("utf-8")), f"{path.name}:{name}"
    handbook = docx_text(workspace / "outbox" / GOLDEN_DOCS["handbook_客服一部"])
    directory = [line for line in handbook.splitlines() if re.search(r"\| 01\d\d \|", line)]
    assert len(directory) == 12  # with the late joiner 卢思琪
    assert all(re.search(r"\| 1[3-9]\d\*{4}\d{4} \|", line) for line in directory)


# ------------------------------------------------------------------------------------------
# incremental rendering: a document is written again only when what it is made of changed


def _stats(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


def write_one_complaint(path: Path) -> None:
    """One more October complaint, handled by 王静 (0108) of 客服一部."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("投诉登记")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, COMPLAINT_HEADERS)
    row = ["TS2026109950", datetime(2026, 10, 20, 9, 30), "电话", "赵先生", "13700001111",
           "收费问题", "一般", "电费多收", "客服一部", "王静(0108)", "已办结",
           datetime(2026, 10, 21, 15, 0), "已核实退费"]
    for c, value in enumerate(row):
        if isinstance(value, datetime):
            sheet.write_datetime(1, c, value, when)
        else:
            sheet.write_string(1, c, value)
    book.close()


def test_unchanged_documents_are_not_rewritten(workspace: Path, documents: list[Path],
                                               tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(workspace, ws, symlinks=True)
    first = report(ws, "evaluation")
    before = _stats(first)
    manifest = (ws / "outbox" / "manifest.csv").read_bytes()

    again = report(ws, "evaluation")
    assert sorted(again) == sorted(first)  # every document is still listed …
    assert _stats(again) == before  # … and none was touched: same inode, same mtime
    assert (ws / "outbox" / "manifest.csv").read_bytes() == manifest

    # the register sent again under its own name with one more complaint: the 数据来源 box of
    # the other departments' documents (file names and dates) stays as it was
    book = tmp_path / "resent" / "2026年10月投诉登记表.xlsx"
    book.parent.mkdir()
    write_one_complaint(book)
    res = run("ingest", "-w", ws, "-q", "--today", AS_OF, book)
    assert res.exit_code == 0, res.output
    changed = ws / "outbox" / "2026-10" / "客服一部" / "王静_2026-10_考核报告.docx"
    old_text = docx_text(changed)
    third = _stats(report(ws, "evaluation"))
    assert third[changed] != before[changed]
    assert docx_text(changed) != old_text
    other = ws / "outbox" / "2026-10" / "综合服务部"
    untouched = [p for p in third if p.parent == other]
    assert untouched and all(third[p] == before[p] for p in untouched)
    rows = {r["path"]: r for r in csv.DictReader(
        (ws / "outbox" / "manifest.csv").read_text(encoding="utf-8-sig").splitlines())}
    assert rows["2026-10/客服一部/王静_2026-10_考核报告.docx"]["sha256"] == hashlib.sha256(
        changed.read_bytes()).hexdigest()


def test_a_document_edited_or_deleted_is_rendered_again(workspace: Path,
                                                        documents: list[Path],
                                                        tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(workspace, ws, symlinks=True)
    (summary,) = report(ws, "evaluation-summary", "--department", "客服一部")
    good = summary.read_bytes()
    with zipfile.ZipFile(summary, "a") as z:  # edited and saved again: a new zip
        z.comment = b""
    edited = _stats([summary])
    assert report(ws, "evaluation-summary", "--department", "客服一部") == [summary]
    assert _stats([summary]) != edited
    assert summary.read_bytes() == good  # the same context gives the same bytes
    summary.unlink()
    assert report(ws, "evaluation-summary", "--department", "客服一部") == [summary]
    assert summary.read_bytes() == good


# ------------------------------------------------------------------------------------------
# values that look like markup or template tags

COMPLAINT_HEADERS = ["投诉编号", "受理时间", "受理渠道", "客户姓名", "联系电话", "投诉类别",
                     "严重程度", "投诉内容", "责任部门", "处理人", "处理状态", "办结时间",
                     "处理结果"]
VISIT_HEADERS = ["回访编号", "回访时间", "客户姓名", "联系电话", "回访人", "回访方式",
                 "关联投诉编号", "是否联系成功", "满意度", "客户意见"]
TRICKY_FEEDBACK = "{{ 7*7 }} 与 {% if %} 照原样保存"


def write_tricky_workbook(path: Path) -> None:
    """One complaint register and one visit log whose values look like markup and tags."""
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True, "border": 1})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    rows = {
        ("投诉登记", tuple(COMPLAINT_HEADERS)): [
            ["TS2026109901", datetime(2026, 10, 9, 10, 15), "电话", "A&B <C>", "13812345678",
             "收费问题", "一般", "{{ 7*7 }}", "A&B <C>", "王静(0108)", "已办结",
             datetime(2026, 10, 28, 16, 0), "已退还多收的电费"],
            ["TS2026109902", datetime(2026, 10, 10, 9, 0), "微信", "{% if %}", "13987654321",
             "服务态度", "一般", "{% if %}", "客服一部", "王静(0108)", "已办结",
             datetime(2026, 10, 12, 11, 0), "已向客户致歉"],
        ],
        ("回访记录", tuple(VISIT_HEADERS)): [
            ["HF2026109901", datetime(2026, 10, 13, 10, 0), "{% if %}", "13987654321", "袁博文",
             "电话", "TS2026109902", "是", "非常不满意", TRICKY_FEEDBACK],
        ],
    }
    for (sheet, headers), data in rows.items():
        ws = book.add_worksheet(sheet)
        ws.write_row(0, 0, headers, bold)
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    ws.write_datetime(r, c, value, when)
                else:
                    ws.write_string(r, c, value)
    book.close()


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample roster plus the tricky workbook, ingested."""
    samples = tmp_path_factory.mktemp("tricky_samples")
    assert run("sample", "--no-flawed", samples).exit_code == 0
    book = samples / "投诉与回访_特殊字符.xlsx"
    write_tricky_workbook(book)
    ws = tmp_path_factory.mktemp("tricky_ws")
    assert run("init", ws).exit_code == 0
    res = run("ingest", "-w", ws, "-q", "--today", AS_OF, "--format", "json",
              samples / "2026年10月花名册.xlsx", book)
    assert res.exit_code == 0, res.output
    assert '"status": "accepted"' in res.stdout
    return ws


def test_values_render_as_written(tricky: Path) -> None:
    (visits,) = report(tricky, "visits")
    text = docx_text(visits)
    missed = [line for line in text.splitlines() if line.startswith("| TS2026109901 |")]
    assert missed == ["| TS2026109901 | A&B <C> | 王静 | 2026-10-28 | 未回访 |"]
    feedback = [line for line in text.splitlines() if TRICKY_FEEDBACK in line]
    assert feedback == [f"| 2026-10-13 | {{% if %}} | 139****4321 | 袁博文 | 非常不满意 | "
                        f"{TRICKY_FEEDBACK} |"]
    document = dict(xml_members(visits))["word/document.xml"].decode("utf-8")
    assert "A&amp;B &lt;C&gt;" in document and "{{ 7*7 }}" in document
    assert "13812345678" not in text and "13987654321" not in text

    (complaints,) = report(tricky, "complaints")
    text = docx_text(complaints)
    assert "| A&B <C> | 1 | 50.0% | 1 | 100.0% |" in text  # 责任部门 as written
    overdue = [line for line in text.splitlines() if line.startswith("| TS2026109901 |")]
    assert len(overdue) == 1 and "| A&B <C> | 王静 |" in overdue[0]

    (evaluation,) = report(tricky, "evaluation", "--staff", "0108")
    text = docx_text(evaluation)
    assert [line for line in text.splitlines() if line.startswith("| TS2026109901 |")]
    assert "49" not in text


# ------------------------------------------------------------------------------------------
# PDF through the real LibreOffice: one batch, one document of each kind


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


HEADINGS = {
    "_考核报告": ("个人绩效考核报告", "考核指标", "考核意见"),
    "_工作情况": ("个人工作情况报告", "本岗位不参与考核", "数据来源"),
    "_考核汇总": ("考核汇总表", "人员考核排名", "等级分布"),
    "_投诉分析报告": ("投诉分析报告", "投诉类别分析", "超期投诉清单"),
    "_回访总结报告": ("回访总结报告", "满意度分布", "客户意见摘录"),
    "_岗位职责手册": ("岗位职责手册", "人员名录", "投诉处理流程"),
}


@pytest.mark.pdf
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_pdf_of_every_kind(workspace: Path) -> None:
    out = report(workspace, "all", "--department", "综合服务部", "--pdf")
    docs = [p for p in out if p.suffix == ".docx"]
    pdfs = {p.with_suffix(".docx"): p for p in out if p.suffix == ".pdf"}
    assert len(docs) == 12 and set(pdfs) == set(docs)
    for doc in docs:
        kind = next(k for k in HEADINGS if doc.stem.endswith(k))
        if "个人工作情况报告" in docx_text(doc):  # a person not assessed (质检)
            kind = "_工作情况"
        pdf = pdfs[doc]
        assert pdf.read_bytes()[:5] == b"%PDF-"
        flat = re.sub(r"\s+", "", pdf_text(pdf))
        for heading in HEADINGS[kind]:
            assert heading in flat, f"{pdf.name}: no {heading}"
        # every short table value of the Word document is in the PDF (figures, names, dates)
        cells = {c.strip() for line in docx_text(doc).splitlines() if line.startswith("|")
                 for cell in line.strip("|").split(" | ") for c in cell.split(" ¶ ")}
        short = {re.sub(r"\s+", "", c) for c in cells if 0 < len(c.strip()) <= 10}
        missing = sorted(c for c in short if c not in flat)
        assert not missing, f"{pdf.name}: {missing[:10]}"
        if kind == "_岗位职责手册":
            _toc_matches_the_pages(doc, pdf)
    # the manifest's digests are of the files as they are (a handbook is written again with
    # its TOC's page numbers after the renderer reported the first version's digest)
    with (workspace / "outbox" / "manifest.csv").open(encoding="utf-8-sig") as fh:
        listed = {row["path"]: row["sha256"] for row in csv.DictReader(fh)}
    for doc in docs:
        assert listed[doc.relative_to(workspace / "outbox").as_posix()] == \
            hashlib.sha256(doc.read_bytes()).hexdigest()


def _toc_matches_the_pages(doc: Path, pdf: Path) -> None:
    """The handbook's TOC, written by officekit (no "update fields?" in Word), lists every
    chapter with the page it is printed on."""
    with zipfile.ZipFile(doc) as z:
        assert b"updateFields" not in z.read("word/settings.xml")
    found = (re.fullmatch(r"(.+)\t(\d+)", line) for line in docx_text(doc).splitlines())
    entries = [(m.group(1).strip(), m.group(2)) for m in found if m]
    titles = [title for title, _ in entries]
    assert {"一、岗位设置与职责", "二、人员名录", "三、投诉处理流程", "五、数据来源"} <= set(titles)
    pages = [re.sub(r"\s+", "", page) for page in pdf_text(pdf).split("\f")]
    contents = next(i for i, page in enumerate(pages) if "目录" in page)
    for title, number in entries:
        squeezed = re.sub(r"\s+", "", title)
        first = next(i for i in range(contents + 1, len(pages)) if squeezed in pages[i])
        assert number == str(first + 1), f"{title}: TOC says {number}, printed on {first + 1}"


def test_points_add_up_to_the_score_in_every_evaluation(documents: list[Path]) -> None:
    """SPEC §6 rounding: the one-decimal points printed for the metrics add up exactly to the
    one-decimal score printed, in every evaluation of the sample month."""
    checked = 0
    for path in documents:
        if not path.name.endswith("_考核报告.docx"):
            continue
        lines = docx_text(path).splitlines()
        head = next((i for i, line in enumerate(lines) if line.startswith("| 综合得分 |")), None)
        if head is None:
            continue  # not assessed
        score = lines[head + 1].split(" | ")[0].strip("| ")
        points = [line.rsplit(" | ", 1)[-1].strip(" |") for line in lines
                  if line.startswith("| ") and line.count(" | ") == 7
                  and not line.startswith("| 考核指标")]
        if score == "—":
            assert all(p == "—" for p in points), path.name
            continue
        tenths = sum(round(float(p) * 10) for p in points if p != "—")
        assert tenths == round(float(score) * 10), (path.name, score, points)
        checked += 1
    assert checked >= 25
