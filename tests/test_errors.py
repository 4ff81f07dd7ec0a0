"""Exceptions carry a catalogue key and params; the text is made in the language asked for.

The command line prints an error in ``--lang`` (Chinese by default); the same exception gives
either language, and its hint comes from the entry ``<key>.hint``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import officekit
from officekit.cli import cli
from officekit.errors import (
    LedgerError,
    OfficekitError,
    UsageError,
    WorkbookError,
    WorkspaceError,
)
from officekit.i18n import UI, t
from officekit.kpis.periods import Period
from officekit.ledger.store import Ledger
from officekit.read.workbook import detect_format
from officekit.workspace import Workspace


def test_an_error_gives_its_text_in_either_language() -> None:
    with pytest.raises(UsageError) as err:
        Period.parse("2026-13")
    assert err.value.catalogue_key == "error.period.unrecognised"
    assert err.value.params["text"] == "2026-13"
    zh, en = err.value.text("zh"), err.value.text("en")
    assert zh.startswith("无法识别的期间：“2026-13”。可用的写法：2026-10、2026年10月、")
    assert en == ('Unrecognised period "2026-13"; use a month (2026-10), a quarter (2026-Q4) '
                  "or a year (2026).")
    assert str(err.value) == f"{zh} / {en}"  # logs and tracebacks: both languages


def test_the_hint_comes_from_the_catalogue_in_the_same_language(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as err:
        Workspace.open(tmp_path / "nowhere")
    zh, en = err.value.text("zh").splitlines(), err.value.text("en").splitlines()
    assert zh == [f"工作区文件夹不存在：{tmp_path / 'nowhere'}",
                  "用 `officekit init 文件夹` 新建一个工作区，或用 -w 指定已有的工作区。"]
    assert en == [f"The workspace folder does not exist: {tmp_path / 'nowhere'}",
                  "Make one with `officekit init FOLDER`, or name an existing one with -w."]


def test_a_ledger_error_names_the_ledger_in_both_languages(tmp_path: Path) -> None:
    with Ledger.for_path(tmp_path / "ledger.db") as ledger, \
            pytest.raises(LedgerError) as err:
        ledger.set_state(999, "failed")
    assert err.value.text("zh") == "账本中没有文件 999"
    assert err.value.text("en") == "No file 999 in the ledger"


@pytest.mark.parametrize(("lang", "expected"), [
    (None, "错误：无法识别的期间：“someday”。可用的写法："),
    ("zh", "错误：无法识别的期间：“someday”。可用的写法："),
    ("en", 'error: Unrecognised period "someday"; use a month (2026-10)'),
])
def test_the_cli_prints_an_error_in_the_language_asked(
        tmp_path: Path, lang: str | None, expected: str) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    args = ["kpis", "-w", str(ws), "--period", "someday"] + (["--lang", lang] if lang else [])
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(expected), result.stderr
    other = "Unrecognised" if lang != "en" else "无法识别"
    assert other not in result.stderr  # one language, not both


def test_cli_usage_errors_in_english(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "nope.xlsx"
    result = runner.invoke(cli, ["validate", "--lang", "en", str(missing)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no such file: {missing}"
    result = runner.invoke(cli, ["validate", str(missing)])
    assert result.stderr.strip() == f"错误：文件不存在：{missing}"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli, ["validate", "--lang", "en", str(empty)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {empty}: a folder with no workbook files in it", "no workbook files given"]


_KEY = re.compile(r"\bkey=\"([a-z][\w.-]+)\"")


def test_every_key_an_exception_is_raised_with_is_in_the_catalogue() -> None:
    src = Path(officekit.__file__).parent
    used = {(p.name, k) for p in src.rglob("*.py")
            for k in _KEY.findall(p.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert [(name, k) for name, k in sorted(used) if k not in UI] == []


def test_an_unknown_key_shows_the_key_rather_than_nothing() -> None:
    assert OfficekitError(key="error.no-such-entry").text("en") == "error.no-such-entry"


def test_a_file_level_error_names_what_the_file_is_in_the_language_asked(
        tmp_path: Path) -> None:
    path = tmp_path / "报表.xlsx"
    with zipfile.ZipFile(path, "w") as zf:  # a Word document renamed to .xlsx
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(WorkbookError) as err:
        detect_format(path)
    assert err.value.code == "not-a-workbook"
    assert "（看起来是 Word 文档）" in err.value.text("zh")
    assert "(it looks like a Word document)" in err.value.text("en")
    assert "报表.xlsx" in err.value.text("en")


def test_every_options_help_is_in_the_catalogue() -> None:
    src = Path(officekit.__file__).parent / "cli"
    used = {k for p in src.glob("*.py")
            for k in re.findall(r'option_help\("([^"]+)"\)', p.read_text(encoding="utf-8"))}
    assert len(used) > 30
    assert sorted(k for k in used if f"help.{k}" not in UI) == []


def test_an_error_inside_a_message_is_worded_in_the_messages_language(tmp_path: Path) -> None:
    """The watcher's log lines take the error as a param: it follows the line's language."""
    with pytest.raises(WorkspaceError) as err:
        Workspace.open(tmp_path / "nowhere")
    line = t("watch.due.failed", "en", error=err.value)
    assert line.startswith("Writing the due list failed: The workspace folder does not exist")
    assert "工作区" not in line
    assert "工作区文件夹不存在" in t("watch.due.failed", "zh", error=err.value)
