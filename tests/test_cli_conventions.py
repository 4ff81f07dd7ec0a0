"""The command line as users expect it (SPEC §10, issue 15): common options before or after the
command, usage errors in the chosen language, no stray workspaces, unknown names as errors,
a broken officekit.toml stopping every command, a GBK console, readable output files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from officekit.cli import cli

TODAY = "2026-11-23"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    assert run("sample", folder, "-q").exit_code == 0
    return folder


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, samples: Path) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    assert run("init", ws).exit_code == 0
    res = run("ingest", "-w", ws, "-q", "--today", TODAY, samples)
    assert res.exit_code == 0, res.output
    return ws


# -------------------------------------------------------------------------------------------
# option positions and languages


@pytest.mark.parametrize("args", [
    ["-w", "{ws}", "--lang", "en", "status"],
    ["status", "-w", "{ws}", "--lang", "en"],
    ["-w", "{ws}", "status", "--lang", "en"],
    ["--lang", "en", "status", "-w", "{ws}"],
    ["--lang=en", "-q", "--workspace={ws}", "status"],
])
def test_common_options_before_or_after_the_command(loaded: Path, args: list[str]) -> None:
    res = run(*(a.replace("{ws}", str(loaded)) for a in args))
    assert res.exit_code == 0, res.output
    assert "Workspace status" in res.output


def test_option_after_the_command_wins(loaded: Path) -> None:
    res = run("--lang", "en", "status", "-w", loaded, "--lang", "zh")
    assert res.exit_code == 0 and "工作区状态" in res.output


def test_nested_command_takes_options_before_the_group(loaded: Path) -> None:
    res = run("-w", loaded, "templates", "check", "--format", "json")
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["status", "--nope"], "没有选项 '--nope'", "No such option '--nope'"),
    (["stauts"], "没有命令 'stauts'", "No such command 'stauts'"),
    (["kpis"], "缺少选项 '--period'", "Missing option '--period'"),
    (["kpis", "--period", "2026-10", "--format", "pdf"], "'pdf' 不是可选的值",
     "'pdf' is not one of"),
    (["report", "evaluation", "extra"], "多出了参数", "Got unexpected extra argument"),
])
def test_usage_errors_in_the_chosen_language(loaded: Path, args: list[str], zh: str,
                                             en: str) -> None:
    res = run(*args, "-w", loaded)
    assert res.exit_code == 2
    assert zh in res.output and "用法:" in res.output and "错误：" in res.output
    assert "Error" not in res.output
    for lang_args in (["--lang", "en", *args, "-w", str(loaded)],
                      [*args, "-w", str(loaded), "--lang", "en"]):
        res = run(*lang_args)
        assert res.exit_code == 2
        assert en in res.output and "Usage:" in res.output and "Error:" in res.output


def test_language_of_usage_errors_follows_the_workspace_setting(tmp_path: Path) -> None:
    (tmp_path / "officekit.toml").write_text('language = "en"\n', encoding="utf-8")
    res = run("-w", tmp_path, "status", "--nope")
    assert res.exit_code == 2 and "No such option" in res.output


def test_help_in_chinese() -> None:
    res = run("--help")
    assert res.exit_code == 0
    assert "选项" in res.output and "命令" in res.output


# -------------------------------------------------------------------------------------------
# workspaces


def test_init_says_what_to_do_next(tmp_path: Path) -> None:
    res = run("init", tmp_path / "office")
    assert res.exit_code == 0
    assert "下一步" in res.output
    assert f'officekit ingest -w "{tmp_path / "office"}"' in res.output
    assert "officekit watch" in res.output
    en = run("init", tmp_path / "office2", "--lang", "en")
    assert "Next:" in en.output and "officekit watch" in en.output


@pytest.mark.parametrize("command", [
    ["status"], ["kpis", "--period", "2026-10"], ["report", "complaints"],
    ["send", "--period", "2026-10"], ["watch", "--once"], ["ingest", "{file}"],
])
def test_outside_a_workspace_says_so_and_creates_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, samples: Path,
        command: list[str]) -> None:
    here = tmp_path / "desktop"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.delenv("OFFICEKIT_WORKSPACE", raising=False)
    file = next(samples.glob("*花名册*"))
    res = run(*(str(file) if c == "{file}" else c for c in command))
    assert res.exit_code == 2
    assert "不是 officekit 工作区" in res.output and "officekit init" in res.output
    assert list(here.iterdir()) == []
    en = run(*(str(file) if c == "{file}" else c for c in command), "--lang", "en")
    assert "not an officekit workspace" in en.output
    assert list(here.iterdir()) == []


def test_validate_needs_no_workspace(tmp_path: Path, samples: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OFFICEKIT_WORKSPACE", raising=False)
    res = run("validate", "--today", TODAY, next(samples.glob("*花名册*")))
    assert res.exit_code == 0, res.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["validate", "{file}"], ["status"], ["ingest", "{file}"], ["kpis", "--period", "2026-10"],
    ["report", "complaints"], ["templates", "check"], ["sample", "{tmp}/s"],
    ["send", "--period", "2026-10", "--dry-run"], ["watch", "--once"],
])
def test_broken_settings_stop_every_command(tmp_path: Path, samples: Path,
                                            command: list[str]) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    (ws / "officekit.toml").write_text("[kpi\nfollowup_days = 3\n", encoding="utf-8")
    file = str(next(samples.glob("*花名册*")))
    args = [c.replace("{file}", file).replace("{tmp}", str(tmp_path)) for c in command]
    res = run(*args, "-w", ws)
    assert res.exit_code == 2, res.output
    assert "officekit.toml" in res.output and "不是有效的 TOML" in res.output
    assert "Traceback" not in res.output
    en = run(*args, "-w", ws, "--lang", "en")
    assert en.exit_code == 2 and "not valid TOML" in en.output
    assert not (tmp_path / "s").exists()


def test_bad_setting_in_english(tmp_path: Path) -> None:
    (tmp_path / "officekit.toml").write_text("[kpi]\nweights = { speed = 1 }\n",
                                             encoding="utf-8")
    res = run("status", "-w", tmp_path, "--lang", "en")
    assert res.exit_code == 2
    assert "kpi.weights.speed: unknown metric; known: closure_rate" in res.output
    assert "未知" not in res.output


# -------------------------------------------------------------------------------------------
# names the ledger does not know, periods without data


@pytest.mark.parametrize("args", [
    ["report", "evaluation", "--department", "客服三部"],
    ["report", "complaints", "--department", "客服三部"],
    ["report", "visits", "--department", "客服三部"],
    ["kpis", "--department", "客服三部"],
    ["send", "--department", "客服三部", "--dry-run"],
])
def test_unknown_department_is_an_error_everywhere(loaded: Path, args: list[str]) -> None:
    res = run(*args, "-w", loaded, "--period", "2026-10", "--as-of", TODAY) if "send" not in \
        args else run(*args, "-w", loaded, "--period", "2026-10")
    assert res.exit_code == 2, res.output
    assert "没有部门“客服三部”" in res.output and "客服一部" in res.output
    assert "已生成" not in res.output


def test_unknown_person_is_an_error(loaded: Path) -> None:
    res = run("report", "evaluation", "-w", loaded, "--period", "2026-10", "--staff", "9999",
              "--lang", "en")
    assert res.exit_code == 2
    assert 'Nobody on the staff list has the number or name "9999"' in res.output


def test_lists_in_messages_are_joined_as_the_language_does(loaded: Path) -> None:
    """Names listed in an English message are separated by commas, not by 、."""
    en = run("report", "evaluation", "-w", loaded, "--period", "2026-10", "--department",
             "客服三部", "--lang", "en")
    assert "客服一部, 客服二部" in en.output and "、" not in en.output
    zh = run("report", "evaluation", "-w", loaded, "--period", "2026-10", "--department",
             "客服三部")
    assert "客服一部、客服二部" in zh.output
    files = run("files", "-w", loaded, "--lang", "en")
    assert "、" not in files.output


def test_a_due_list_says_overdue_not_minus_days_left(loaded: Path) -> None:
    for lang, overdue in (("zh", "已超期"), ("en", "overdue")):
        res = run("due", "-w", loaded, "--as-of", TODAY, "--lang", lang)
        assert res.exit_code == 0 and overdue in res.output
        assert "剩余 -" not in res.output and ", -" not in res.output


def test_a_period_without_data_is_a_warning(loaded: Path) -> None:
    res = run("kpis", "-w", loaded, "--period", "2025-03", "--format", "json")
    assert res.exit_code == 0
    assert "2025-03 没有任何数据" in res.stderr and "2026-10" in res.stderr
    full = run("kpis", "-w", loaded, "--period", "2026-10", "--format", "json")
    assert "没有任何数据" not in full.stderr


# -------------------------------------------------------------------------------------------
# files people open


def test_rendered_documents_are_readable_by_the_group(loaded: Path) -> None:
    res = run("report", "evaluation", "-w", loaded, "--period", "2026-10", "--staff", "0101",
              "--as-of", TODAY, "-q")
    assert res.exit_code == 0, res.output
    doc = Path(res.stdout.strip().splitlines()[0])
    assert stat.S_IMODE(doc.stat().st_mode) == 0o644
    toml = loaded / "officekit.toml"
    before = toml.read_text(encoding="utf-8")
    toml.write_text(before + '\n[output]\nfile_mode = "0664"\n', encoding="utf-8")
    try:
        res = run("report", "evaluation", "-w", loaded, "--period", "2026-10", "--staff",
                  "0101", "--as-of", TODAY, "-q")
        assert stat.S_IMODE(doc.stat().st_mode) == 0o664
    finally:
        toml.write_text(before, encoding="utf-8")


# -------------------------------------------------------------------------------------------
# a Chinese Windows console (cp936 / GBK), as Task Scheduler logs it too


def _officekit(*args: str | Path, encoding: str = "gbk") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("OFFICEKIT_WORKSPACE", None)
    return subprocess.run([sys.executable, "-m", "officekit", *map(str, args)],
                          capture_output=True, env=env, timeout=300, check=False)


def test_gbk_console_validate_and_ingest(tmp_path: Path, samples: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    bad = samples / "有问题的样例" / "投诉登记表_工单号重复.xlsx"
    good = next(samples.glob("*花名册*"))
    for command in ("validate", "ingest"):
        proc = _officekit(command, "-w", ws, "--today", TODAY, good, bad)
        out, err = proc.stdout.decode("gbk"), proc.stderr.decode("gbk")
        assert proc.returncode == 1, err  # one rejected file, no crash
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
        assert "√" in out and "×" in out  # ✓ and ✗ as GBK can show them
        assert "花名册" in out and "工单号重复" in out
    assert "--- Logging error ---" not in err


def test_gbk_console_watch_and_a_log_with_bom(tmp_path: Path, samples: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    bad = samples / "有问题的样例" / "投诉登记表_工单号重复.xlsx"
    for p in (next(samples.glob("*花名册*")), bad):
        (ws / "inbox" / p.name).write_bytes(p.read_bytes())
    proc = _officekit("watch", "--once", "-w", ws)
    err = proc.stderr.decode("gbk")
    out = proc.stdout.decode("gbk")
    assert proc.returncode == 0, err
    assert "--- Logging error ---" not in err and "Traceback" not in err
    assert "√" in out and "×" in out
    raw = (ws / ".officekit" / "logs" / "watch.log").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert "✓" in raw.decode("utf-8-sig")  # the log keeps the real characters
    again = _officekit("watch", "--once", "-w", ws)  # appending adds no second BOM
    assert again.returncode == 0
    assert (ws / ".officekit" / "logs" / "watch.log").read_bytes().count(b"\xef\xbb\xbf") == 1


# -------------------------------------------------------------------------------------------
# tables people read in a console


def test_kpis_table_fits_the_width_and_cuts_nothing(loaded: Path) -> None:
    from rich.cells import cell_len

    res = run("kpis", "-w", loaded, "--period", "2026-10", "--as-of", TODAY)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= 120
    assert "…" not in res.stdout  # no header or value cut to "客 …"
    for head in ("工号", "姓名", "按时办结率", "回访成功率", "满意度", "得分", "等级", "排名"):
        assert head in res.stdout, head
    # each part repeats who the row is about: 陈立群 appears once per part of the staff table
    parts = sum(1 for line in lines if line.startswith("┃ 工号"))
    assert parts >= 2 and res.stdout.count("陈立群") == parts


def test_status_columns_line_up_with_chinese_names(loaded: Path) -> None:
    from rich.cells import cell_len

    res = run("status", "-w", loaded)
    assert res.exit_code == 0
    rows = [line for line in res.stdout.splitlines() if line.startswith("│")]
    assert len(rows) >= 5 and "花名册" in res.stdout
    assert len({cell_len(line) for line in rows}) == 1  # every row as wide as the others


# -------------------------------------------------------------------------------------------
# long work: PDFs one by one, progress only where someone watches


@pytest.mark.pdf
@pytest.mark.skipif(not __import__("officekit.render.pdf", fromlist=["x"])
                    .libreoffice_available(), reason="LibreOffice is not installed")
def test_a_pdf_failure_is_reported_per_document_and_the_rest_go_on(
        loaded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from officekit.errors import PdfError
    from officekit.render.pdf import PdfConverter

    real = PdfConverter.convert

    def convert(self: PdfConverter, docx: str | Path, pdf: str | Path | None = None) -> Path:
        if "客服二部" in Path(docx).name:  # as when LibreOffice times out on this one
            raise PdfError("客服二部_2026-10_考核汇总.docx 转换为 PDF 失败：timeout")
        return real(self, docx, pdf)

    monkeypatch.setattr(PdfConverter, "convert", convert)
    res = run("report", "evaluation-summary", "-w", loaded, "--period", "2026-10", "--as-of",
              TODAY, "--pdf", "-q")
    assert res.exit_code == 1, res.output  # some data missing, not a usage error
    pdfs = [Path(line) for line in res.stdout.splitlines() if line.endswith(".pdf")]
    docs = [Path(line) for line in res.stdout.splitlines() if line.endswith(".docx")]
    assert len(docs) == 3 and len(pdfs) == 2  # the documents after the failure got theirs
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in pdfs)
    assert "客服二部" in res.stderr and "PDF 未能生成" in res.stderr
    manifest = (loaded / "outbox" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert all(d.name in manifest for d in docs)


@pytest.mark.pdf
@pytest.mark.skipif(not __import__("officekit.render.pdf", fromlist=["x"])
                    .libreoffice_available(), reason="LibreOffice is not installed")
def test_why_a_pdf_failed_is_said_in_the_language_asked(loaded: Path, tmp_path: Path) -> None:
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(loaded, ws)
    toml = ws / "officekit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("timeout = 120", "timeout = 0.001"),
                    encoding="utf-8")
    res = run("--lang", "en", "report", "evaluation-summary", "-w", ws, "--period", "2026-10",
              "--department", "客服二部", "--as-of", TODAY, "--pdf", "-q")
    assert res.exit_code == 1, res.output
    # a real LibreOffice timeout, worded by the catalogue in English only
    assert "to PDF timed out after 0.001 s" in res.stderr
    assert "超时" not in res.stderr and "PDF 未能生成" not in res.stderr


class _Tty(__import__("io").StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_on_a_terminal_and_is_silent_elsewhere() -> None:
    import io

    from officekit.console import Steps

    screen = _Tty()
    with Steps("生成文档", 3, stream=screen) as steps:
        steps("a.docx")
        steps("b.docx")
        assert "2/3" in screen.getvalue() and "b.docx" in screen.getvalue()
    log = io.StringIO()
    with Steps("生成文档", 3, stream=log) as steps:
        steps("a.docx")
    quiet = _Tty()
    with Steps("生成文档", 3, stream=quiet, quiet=True) as steps:
        steps("a.docx")
    assert log.getvalue() == "" and quiet.getvalue() == ""


def test_no_progress_lines_in_a_log(tmp_path: Path, samples: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", ws).exit_code == 0
    res = run("ingest", "-w", ws, "--today", TODAY, samples)
    assert res.exit_code == 0
    assert "…" not in res.stderr and "\x1b[" not in res.stderr


@pytest.mark.parametrize(("lang", "text"), [("zh", "任务队列需要 PostgreSQL 账本"),
                                            ("en", "The job queue needs a PostgreSQL ledger")])
def test_a_worker_on_a_one_machine_ledger_says_it_needs_postgresql(
        tmp_path: Path, lang: str, text: str) -> None:
    """A worker on SQLite once died on 'no such function: pg_advisory_xact_lock'."""
    assert run("init", tmp_path).exit_code == 0
    res = run("worker", "-w", tmp_path, "--once", "--lang", lang)
    assert res.exit_code == 2, res.output
    assert text in res.output
    assert "pg_advisory" not in res.output
