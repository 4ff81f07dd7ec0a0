"""A rejected file comes back: unchanged (its errors again), as its annotated copy (read like
the original), fixed (the rejection settled in ``status`` and the index)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from officekit.cli import cli
from officekit.deliver.index import collect_rejected
from officekit.ledger.store import Ledger
from officekit.model import annotated_name, original_stem
from officekit.workspace import Workspace

TODAY = "2026-11-23"
FLAWED = "投诉登记表_已办结缺办结时间.xlsx"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    assert run("sample", "-q", folder).exit_code == 0
    return folder / "有问题的样例" / FLAWED


def ingest(ws: Path, path: Path) -> tuple[int, dict[str, object]]:
    res = run("ingest", "-w", ws, "-q", "--today", TODAY, "--format", "json", path)
    return res.exit_code, json.loads(res.stdout)["files"][0]


def test_annotated_names_do_not_grow() -> None:
    assert annotated_name("a.xlsx") == "a.校验结果.xlsx"
    assert annotated_name("a.校验结果.xlsx") == "a.校验结果.xlsx"
    assert annotated_name("a.校验结果 (2).xlsx") == "a.校验结果.xlsx"
    assert annotated_name("2026.10 投诉.xls") == "2026.10 投诉.校验结果.xlsx"
    assert original_stem("a.校验结果.校验结果") == "a"


def test_a_rejected_file_again_its_copy_and_the_fix(flawed: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    code, first = ingest(ws, flawed)
    assert (code, first["status"]) == (1, "rejected")
    errors = [(i["code"], i["cell"]) for i in first["issues"] if i["severity"] == "error"]
    assert errors == [("status-fields", "M9")]
    copy = ws / "outbox" / "rejected" / "投诉登记表_已办结缺办结时间.校验结果.xlsx"
    assert copy.is_file()

    # 1. the same file again, unchanged: a duplicate that repeats its errors and names the copy
    code, again = ingest(ws, flawed)
    assert (code, again["status"]) == (1, "duplicate")
    assert [(i["code"], i["cell"]) for i in again["issues"] if i["severity"] == "error"] == errors
    [note] = [i for i in again["issues"] if i["code"] == "duplicate-file"]
    assert "已拒收" in note["message"] and str(copy) in note["message"]
    text = run("ingest", "-w", ws, "-q", "--today", TODAY, flawed).output
    assert "status-fields" in text and f"标注副本：{copy}" in text

    # 2. the annotated copy dropped back unchanged: read like the original, name not growing
    back = tmp_path / copy.name
    shutil.copy(copy, back)
    code, copied = ingest(ws, back)
    assert (code, copied["status"]) == (1, "rejected")
    assert [s["name"] for s in copied["sheets"]] == [s["name"] for s in first["sheets"]]
    assert [(i["code"], i["cell"]) for i in copied["issues"] if i["severity"] == "error"] == \
        errors
    assert sorted(p.name for p in copy.parent.iterdir()) == [
        "投诉登记表_已办结缺办结时间.校验结果 (2).xlsx", copy.name]

    # both rejections are outstanding
    status = json.loads(run("status", "-w", ws, "--format", "json").stdout)
    assert sorted(r["name"] for r in status["rejected"]) == sorted([FLAWED, back.name])
    assert "待修改的拒收文件（2 个" in run("status", "-w", ws).output

    # 3. fixed in the annotated copy (the missing 办结时间 filled in) and dropped back
    book = load_workbook(back)
    book[first["sheets"][0]["name"]]["M9"] = datetime(2026, 10, 31, 18, 0)
    book.save(back)
    code, fixed = ingest(ws, back)
    assert (code, fixed["status"]) == (0, "accepted"), fixed["issues"]
    status = json.loads(run("status", "-w", ws, "--format", "json").stdout)
    assert status["rejected"] == []
    assert "2026-10" in status["coverage"]
    assert status["coverage"]["2026-10"]["complaints"]["files"] == [back.name]
    workspace = Workspace.open(str(ws))
    with Ledger.open(workspace.database_url) as ledger:
        assert collect_rejected(workspace, ledger) == []
