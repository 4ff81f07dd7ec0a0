"""No data is not zero (SPEC §6, §7), end to end on the sample month through the CLI.

The sample holds October's registers and one supplementary visit log named
``2026年11月上旬回访补充记录.ods``: visits of 1–10 November and no November complaint register.
So November must get no complaint report and no evaluation of a handler or lead, a visitor's
November evaluation says its visits cover 1–10 November only, and the index says which
register is missing. Also here: stale documents leave for ``outbox/_superseded/``, and a long
list is capped in the document with the whole list beside it as .xlsx.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from officekit.cli import cli
from test_documents import docx_text

AS_OF = "2026-11-23"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def report(ws: Path, kind: str, period: str, *args: str) -> Result:
    res = run("report", kind, "-w", ws, "-q", "--period", period, "--as-of", AS_OF, *args)
    assert res.exit_code == 0, res.output
    return res


def paths(res: Result) -> list[Path]:
    return [Path(line) for line in res.stdout.splitlines() if line.strip()]


def manifest(ws: Path) -> dict[str, dict[str, str]]:
    with (ws / "outbox" / "manifest.csv").open(encoding="utf-8-sig") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    assert run("sample", "--no-flawed", out).exit_code == 0
    return out


@pytest.fixture(scope="module")
def workspace(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    assert run("init", ws).exit_code == 0
    res = run("ingest", "-w", ws, "-q", "--today", AS_OF, samples)
    assert res.exit_code == 0, res.output
    return ws


def test_november_kpis_say_which_registers_cover_it(workspace: Path) -> None:
    res = run("kpis", "-w", workspace, "--period", "2026-11", "--as-of", AS_OF, "--format",
              "json")
    data = json.loads(res.stdout)
    assert data["coverage"] == {
        "complaints": {"files": [], "from": None, "to": None, "complete": False},
        # the file name declares 11月上旬: the first ten days, not the month
        "visits": {"files": ["2026年11月上旬回访补充记录.ods"], "from": "2026-11-01",
                   "to": "2026-11-10", "complete": False},
        "schedule": {"files": [], "from": None, "to": None, "complete": False},
    }
    handlers = [s for s in data["staff"] if s["scheme"] == "handler"]
    assert handlers and all(s["closure_rate"] is None and s["score"] is None for s in handlers)
    visitors = [s for s in data["staff"] if s["scheme"] == "visitor" and s["visits_made"]]
    assert visitors and all(s["score"] is not None for s in visitors)


def test_november_renders_only_what_has_data(workspace: Path) -> None:
    res = report(workspace, "all", "2026-11")
    names = [p.name for p in paths(res)]
    assert "2026-11_投诉分析报告.docx" not in names
    assert "2026-11_回访总结报告.docx" in names
    evaluations = [p for p in paths(res) if p.name.endswith("_考核报告.docx")]
    # the visitors and the 质检 (not assessed) only: no handler's, no lead's
    assert sorted(p.name.split("_")[0] for p in evaluations) == ["杜明远", "潘晓琳", "王静",
                                                                "袁博文"]
    assert "没有投诉登记表，未生成投诉分析报告" in res.stderr
    assert "份个人考核报告" in res.stderr
    visitor = docx_text(workspace / "outbox" / "2026-11" / "综合服务部" /
                        "袁博文_2026-11_考核报告.docx")
    assert "提示：本期回访记录表仅覆盖2026年11月1日–10日，相关数据只反映该时段。" in visitor
    assert ("| 回访记录表 | 2026年11月上旬回访补充记录.ods | 2026年11月1日–10日 | "
            "部分：缺2026年11月11日–30日 |") in visitor
    assert "| 投诉登记表 | — | — | 缺失：本期未提交 |" in visitor
    index = (workspace / "outbox" / "index.html").read_text(encoding="utf-8")
    november = index[index.index('id="p-2026-11"'):]
    november = november[:november.index("</section>")]
    assert "缺少投诉登记表" in november and "回访记录表仅覆盖 11-01 至 11-10" in november
    october = index[index.index('id="p-2026-10"'):] if 'id="p-2026-10"' in index else ""
    assert "缺少投诉登记表" not in october[:october.find("</section>")]


def test_long_list_capped_with_the_whole_list_beside(workspace: Path) -> None:
    report(workspace, "complaints", "2026-10")
    doc = workspace / "outbox" / "2026-10" / "2026-10_投诉分析报告.docx"
    text = docx_text(doc)
    overdue = [line for line in text.splitlines()
               if line.startswith("| TS2026") and line.count("|") == 10]
    assert len(overdue) == 20
    beside = doc.with_name("2026-10_投诉分析报告_超期投诉清单.xlsx")
    assert beside.exists() and f"“{beside.name}”" in text
    sheet = openpyxl.load_workbook(beside).active
    assert sheet["A2"].value == "投诉编号" and sheet.max_row == 2 + 76  # title, head, 76 rows
    index = (workspace / "outbox" / "index.html").read_text(encoding="utf-8")
    assert "附表：超期投诉清单" in index  # linked beside its document, not under 其他文件


def test_stale_documents_move_to_superseded(samples: Path, tmp_path: Path) -> None:
    """Registers accepted before the staff list give the visitors' reports under 未分部门;
    once the staff list is in, those leave the outbox, the manifest and the index."""
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    for name in ("2026年10月回访记录表.xlsx", "2026年10月投诉登记表.xlsx"):
        res = run("ingest", "-w", ws, "-q", "--today", AS_OF, samples / name)
        assert res.exit_code == 0, res.output
    early = paths(report(ws, "evaluation", "2026-10"))
    unplaced = [p for p in early if p.parent.name == "未分部门"]
    assert unplaced
    res = run("ingest", "-w", ws, "-q", "--today", AS_OF, samples / "2026年10月花名册.xlsx")
    assert res.exit_code == 0, res.output
    later = paths(report(ws, "evaluation", "2026-10"))
    assert not any(p.parent.name == "未分部门" for p in later)
    rows = manifest(ws)
    index = (ws / "outbox" / "index.html").read_text(encoding="utf-8")
    for path in unplaced:
        rel = path.relative_to(ws / "outbox")
        assert not path.exists()
        assert (ws / "outbox" / "_superseded" / rel).exists()
        assert rel.as_posix() not in rows
        assert path.name not in index or "未分部门" not in index
    assert all((ws / "outbox" / rel).exists() for rel in rows)
    # a report for one person supersedes nothing
    one = paths(report(ws, "evaluation", "2026-10", "--staff", "0306"))
    assert len(one) == 1 and set(manifest(ws)) == set(rows)


def test_a_person_moved_to_another_department_is_superseded(workspace: Path,
                                                           tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(workspace, ws, symlinks=True)
    before = paths(report(ws, "evaluation", "2026-10"))
    gone = next(p for p in before if p.name.startswith("杜明远_"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["工号", "姓名", "部门", "岗位", "状态"])
    sheet.append(["0308", "杜明远", "质检部", "质检专员", "在职"])
    book.save(tmp_path / "人员变动.xlsx")
    res = run("ingest", "-w", ws, "-q", "--today", AS_OF, tmp_path / "人员变动.xlsx")
    assert res.exit_code == 0, res.output
    after = paths(report(ws, "evaluation", "2026-10"))
    assert gone not in after and not gone.exists()
    assert any(p.parent.name == "质检部" and p.name.startswith("杜明远_") for p in after)
    assert (ws / "outbox" / "_superseded" / gone.relative_to(ws / "outbox")).exists()
    assert gone.relative_to(ws / "outbox").as_posix() not in manifest(ws)


def test_watcher_renders_as_of_the_day_the_data_last_changed(workspace: Path) -> None:
    """Re-rendering a period without new data keeps its 统计截止 and its days late."""
    from datetime import date, timedelta

    from officekit.kpis.periods import Period
    from officekit.ledger.store import Ledger
    from officekit.render.reports import data_as_of
    from officekit.workspace import Workspace

    ws = Workspace.open(workspace)
    accepted = date.today()  # the sample files were ingested by this test run
    with Ledger.open(ws.database_url) as ledger:
        later = accepted + timedelta(days=40)
        assert data_as_of(ledger, Period.parse("2026-10"), later) == accepted
        assert data_as_of(ledger, Period.parse("2026-10"), date(2026, 11, 5)) == date(2026, 11, 5)
        assert data_as_of(ledger, Period.parse("2025-03"), later) == later  # nothing covers it
