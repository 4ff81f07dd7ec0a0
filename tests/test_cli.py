"""The officekit command end to end: exit codes, JSON shapes (SPEC §10), what lands where."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from officekit.cli import cli

TODAY = "2026-11-23"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    res = run("sample", folder)
    assert res.exit_code == 0, res.output
    return folder


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, samples: Path) -> Path:
    """A workspace with the sample month ingested (good files only)."""
    ws = tmp_path_factory.mktemp("ws")
    assert run("init", ws).exit_code == 0
    res = run("ingest", "-w", ws, "-q", "--today", TODAY, "--format", "json", samples)
    assert res.exit_code == 0, res.output
    return ws


def good_files(samples: Path) -> list[Path]:
    return sorted(p for p in samples.iterdir() if p.is_file() and p.suffix != ".txt")


def test_init_makes_a_workspace(tmp_path: Path) -> None:
    res = run("init", tmp_path / "office")
    assert res.exit_code == 0
    root = tmp_path / "office"
    for name in ("inbox", "outbox", "archive", "templates", ".officekit"):
        assert (root / name).is_dir(), name
    assert (root / "officekit.toml").read_text(encoding="utf-8").startswith("# officekit")
    assert (root / "templates" / "evaluation.docx").exists()
    # running it again keeps what is there
    (root / "officekit.toml").write_text('language = "en"\n', encoding="utf-8")
    assert run("init", root).exit_code == 0
    assert (root / "officekit.toml").read_text(encoding="utf-8") == 'language = "en"\n'


def test_validate_json_shape_and_exit_zero(samples: Path, tmp_path: Path) -> None:
    res = run("validate", "-w", tmp_path, "--format", "json", "--today", TODAY,
              *good_files(samples))
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"files"}
    for f in data["files"]:
        assert set(f) == {"path", "sha256", "status", "sheets", "issues"}
        assert f["status"] == "accepted"
        assert len(f["sha256"]) == 64
        for s in f["sheets"]:
            assert set(s) == {"name", "kind", "rows", "header_row"}
        for i in f["issues"]:
            assert set(i) == {"severity", "code", "sheet", "cell", "row", "column", "field",
                              "value", "message"}
    kinds = {s["kind"] for f in data["files"] for s in f["sheets"]}
    assert {"staff", "schedule", "complaints", "visits", "duties"} <= kinds
    # validate stores nothing
    assert not (tmp_path / ".officekit" / "ledger.sqlite3").exists()


def test_validate_rejects_with_exit_one_and_cell(samples: Path, tmp_path: Path) -> None:
    bad = samples / "有问题的样例" / "投诉登记表_已办结缺办结时间.xlsx"
    res = run("validate", "-w", tmp_path, "--format", "json", "--today", TODAY, bad)
    assert res.exit_code == 1
    f = json.loads(res.stdout)["files"][0]
    assert f["status"] == "rejected"
    codes = {(i["code"], i["cell"]) for i in f["issues"] if i["severity"] == "error"}
    assert ("status-fields", "M9") in codes


def test_validate_in_english(samples: Path, tmp_path: Path) -> None:
    bad = samples / "有问题的样例" / "投诉登记表_工单号重复.xlsx"
    res = run("validate", "-w", tmp_path, "--lang", "en", "--today", TODAY, bad)
    assert res.exit_code == 1
    assert "duplicate-key" in res.output
    assert "rejected" in res.output.lower()
    assert "已拒收" not in res.output


@pytest.mark.parametrize("small_bytes", [None, 0])
def test_validate_against_a_ledger_that_cannot_be_opened_says_so_whatever_the_file(
        samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        small_bytes: int | None) -> None:
    """The ledger is opened at once for a small file, else when the reading child first asks
    it something (``small_bytes`` 0: every file counts as large); a file that asks nothing
    (not a workbook) still meets the same ledger error, not a clean result."""
    from officekit.cli import intake

    if small_bytes is not None:
        monkeypatch.setattr(intake, "SMALL_BYTES", small_bytes)
    assert run("init", tmp_path / "ws").exit_code == 0
    with (tmp_path / "ws" / "officekit.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[database]\nurl = "postgresql+psycopg://nobody:x@127.0.0.1:1/none"\n')
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    roster = next(samples.glob("*花名册*"))
    for path in (roster, text):
        res = run("validate", "-w", tmp_path / "ws", "--lang", "en", "--format", "json", path)
        assert res.exit_code == 2, (path.name, res.output)
        assert "127.0.0.1" in res.stderr and not res.stdout, path.name


def test_validate_against_the_ledger_whenever_it_is_opened(
        samples: Path, loaded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opened at once (a small file) or at the child's first question (a large one, here
    every file): the same answer against a ledger holding the month's staff and complaints."""
    from officekit.cli import intake

    visits = next(samples.glob("*回访记录*"))
    register = next(samples.glob("*投诉登记*"))
    args = ("validate", "-w", loaded, "--format", "json", "--today", TODAY, visits, register)
    at_once = [run(*args[:-1]).stdout, run(*args[:-2], register).stdout]
    monkeypatch.setattr(intake, "SMALL_BYTES", 0)
    when_asked = [run(*args[:-1]).stdout, run(*args[:-2], register).stdout]
    assert at_once == when_asked
    assert all(json.loads(out)["files"] for out in at_once)


def test_a_console_validate_ends_with_its_whole_answer_and_exit_code(samples: Path,
                                                                     tmp_path: Path) -> None:
    """The console process ends at once after validate (exit handlers run, output flushed,
    no interpreter teardown) and lets its reading child end by itself: the answer is whole
    and the exit code the command's, for one file (read in the child) and for several."""
    bad = samples / "有问题的样例" / "投诉登记表_已办结缺办结时间.xlsx"
    good = next(samples.glob("*花名册*"))
    for files, code in (([good], 0), ([bad], 1), ([good, bad], 1)):
        proc = subprocess.run([sys.executable, "-m", "officekit", "validate", "-w", tmp_path,
                               "--format", "json", "--today", TODAY, *files],
                              capture_output=True, timeout=120, check=False)
        assert proc.returncode == code, proc.stderr.decode()
        report = json.loads(proc.stdout)
        assert [Path(f["path"]).name for f in report["files"]] == [f.name for f in files]


_MODULES_AT_EXIT = """
import atexit, sys
from officekit.cli import main
atexit.register(lambda: sys.stderr.write("@@" + " ".join(
    m for m in ("officekit.understand.classify", "officekit.validate.rules") if m in sys.modules)))
sys.argv = ["officekit", *sys.argv[1:]]
main()
"""


def test_a_console_validate_of_one_file_leaves_understanding_to_its_child(
        samples: Path, tmp_path: Path) -> None:
    """The reading child imports the understanding and the rules while calamine reads; the
    command's own process, which forks it first, never needs them for one file (for several
    it checks them itself)."""
    good = next(samples.glob("*花名册*"))
    register = next(samples.glob("*投诉登记*"))
    for files, imported in (([good], ""), ([good, register], "officekit.understand.classify "
                                                             "officekit.validate.rules")):
        proc = subprocess.run([sys.executable, "-c", _MODULES_AT_EXIT, "validate", "-w",
                               tmp_path, "--format", "json", "--today", TODAY, *files],
                              capture_output=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr.decode()
        assert proc.stderr.decode().rsplit("@@", 1)[1] == imported
        assert all(f["status"] == "accepted" for f in json.loads(proc.stdout)["files"])


def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    res = run("validate", "-w", tmp_path, tmp_path / "nope.xlsx")
    assert res.exit_code == 2
    assert "nope.xlsx" in res.output


def test_bad_setting_is_exit_two_naming_the_key(tmp_path: Path, samples: Path) -> None:
    (tmp_path / "officekit.toml").write_text("[kpi]\nweights = { speed = 1 }\n",
                                             encoding="utf-8")
    res = run("ingest", "-w", tmp_path, *good_files(samples))
    assert res.exit_code == 2
    assert "kpi.weights.speed" in res.output
    assert "Traceback" not in res.output


def test_ingest_stores_archives_and_is_idempotent(samples: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    inbox_copy = ws / "inbox" / "花名册.xlsx"
    inbox_copy.write_bytes(next(samples.glob("*花名册*.xlsx")).read_bytes())
    first = run("ingest", "-w", ws, "--format", "json", "-q", "--today", TODAY, inbox_copy)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["files"][0]["status"] == "accepted"
    # a file inside the inbox is moved to the archive, nothing is deleted
    assert not inbox_copy.exists()
    archived = list((ws / "archive" / "accepted").rglob("花名册.xlsx"))
    assert len(archived) == 1
    # the same content again is a duplicate, archived apart
    inbox_copy.write_bytes(archived[0].read_bytes())
    again = run("ingest", "-w", ws, "--format", "json", "-q", "--today", TODAY, inbox_copy)
    assert again.exit_code == 0
    assert json.loads(again.stdout)["files"][0]["status"] == "duplicate"
    assert len(list((ws / "archive" / "duplicates").rglob("花名册.xlsx"))) == 1
    status = run("status", "-w", ws, "--format", "json")
    summary = json.loads(status.stdout)["summary"]
    assert status.exit_code == 0
    assert "staff" in json.dumps(summary)


def test_ingest_rejected_file_gets_annotated_copy(samples: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run("init", ws)
    bad = samples / "有问题的样例" / "投诉登记表_工单号重复.xlsx"
    res = run("ingest", "-w", ws, "--format", "json", "-q", "--today", TODAY, bad)
    assert res.exit_code == 1
    assert bad.exists()  # a file from outside the inbox is copied, never taken away
    copy = ws / "outbox" / "rejected" / "投诉登记表_工单号重复.校验结果.xlsx"
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == "校验结果"
    cell = wb["投诉登记"]["B12"]
    assert cell.comment is not None and "TS2026100004" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")


def test_kpis_json_matches_spec_shape(loaded: Path) -> None:
    res = run("kpis", "-w", loaded, "--period", "2026-10", "--as-of", TODAY, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert list(data) == ["period", "as_of", "staff", "departments", "coverage"]
    assert data["period"] == "2026-10" and data["as_of"] == TODAY
    assert len(data["departments"]) == 3
    row = data["staff"][0]
    assert list(row) == ["staff_id", "name", "department", "role", "scheme", "received",
                         "resolved", "closure_rate", "on_time_rate", "resolution_days",
                         "followup_rate", "satisfaction", "satisfaction_100", "visits_made",
                         "visit_success_rate", "visit_timeliness", "visit_target_rate",
                         "visit_scored_rate", "shifts_worked", "night_shifts", "score",
                         "grade", "rank", "unscored"]
    assert {s["scheme"] for s in data["staff"]} >= {"handler", "lead"}
    assert all(set(c) == {"files", "from", "to", "complete"}
               for c in data["coverage"].values())
    assert data["coverage"]["complaints"]["complete"] is True
    total = sum(s["received"] for s in data["staff"])
    assert total == sum(d["received"] for d in data["departments"])
    assert 300 <= total <= 320  # the sample register, less withdrawn complaints


def test_kpis_xlsx_and_department_filter(loaded: Path) -> None:
    res = run("kpis", "-w", loaded, "--period", "2026-10", "--as-of", TODAY, "--format",
              "xlsx", "--department", "客服一部")
    assert res.exit_code == 0, res.output
    path = Path(res.stdout.strip().splitlines()[-1])
    wb = load_workbook(path)
    assert "个人指标" in wb.sheetnames
    depts = {r[2] for r in wb["个人指标"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert depts == {"客服一部"}


def test_kpis_bad_period_is_usage_error(loaded: Path) -> None:
    res = run("kpis", "-w", loaded, "--period", "2026-13")
    assert res.exit_code == 2
    assert "2026-Q4" in res.output  # says which forms are accepted


def test_report_evaluation_for_one_person(loaded: Path) -> None:
    res = run("report", "evaluation", "-w", loaded, "--period", "2026-10", "--staff", "0101",
              "--as-of", TODAY, "-q")
    assert res.exit_code == 0, res.output
    path = Path(res.stdout.strip().splitlines()[0])
    assert path.name.endswith("_2026-10_考核报告.docx")
    assert path.parent.parent.name == "2026-10"
    manifest = (loaded / "outbox" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert path.relative_to(loaded / "outbox").as_posix() in manifest


def test_report_unknown_department_is_usage_error(loaded: Path) -> None:
    res = run("report", "evaluation-summary", "-w", loaded, "--period", "2026-10",
              "--department", "不存在的部门", "--as-of", TODAY)
    assert res.exit_code == 2
    assert "客服一部" in res.output  # lists the departments there are


def test_templates_check_default_templates_clean(loaded: Path) -> None:
    res = run("templates", "check", "-w", loaded, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)["templates"]
    assert len(data) == 8  # the five documents and the evaluation's visitor, lead, none
    assert all(t["problems"] == [] for t in data)


PROBE = """
import gc, json, sys
from officekit.cli.app import cli, common, freezes_after_imports, imported, main

@cli.command("probe-plain")
@common
def probe_plain(ctx):
    print(json.dumps({"plain": gc.isenabled(), "frozen": gc.get_freeze_count()}))

@cli.command("probe-one-shot")
@common
@freezes_after_imports
def probe_one_shot(ctx):
    before = gc.isenabled()
    imported()
    print(json.dumps({"before": before, "after": gc.isenabled(),
                      "frozen": gc.get_freeze_count() > 0, "young": gc.get_threshold()[0]}))

main(sys.argv[1:])
"""


def test_console_commands_run_with_the_garbage_collector_on(tmp_path: Path) -> None:
    """The console entry keeps the collector off only for the imports: an ordinary command
    (watch, worker: long-running) starts with it on and nothing frozen; a one-shot command
    turns it on once its imports are done, with them frozen. In-process callers (CliRunner)
    are never touched."""
    import subprocess
    import sys

    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    run = [sys.executable, str(script)]
    plain = subprocess.run([*run, "probe-plain", "-w", str(ws)], capture_output=True, text=True,
                           check=True)
    assert json.loads(plain.stdout) == {"plain": True, "frozen": 0}
    one_shot = subprocess.run([*run, "probe-one-shot", "-w", str(ws)], capture_output=True,
                              text=True, check=True)
    assert json.loads(one_shot.stdout) == {"before": False, "after": True, "frozen": True,
                                           "young": 10_000}
    import gc

    assert gc.isenabled()
    assert CliRunner().invoke(cli, ["kpis", "-w", str(ws), "--period", "2026-10"]).exit_code \
        in (0, 1)
    assert gc.isenabled() and gc.get_threshold()[0] != 10_000
