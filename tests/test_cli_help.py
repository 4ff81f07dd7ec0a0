"""Each command's ``--help`` comes from the catalogue in the language asked: ``command.<name>``
for the command, ``help.*`` for its options; Chinese by default, English with ``--lang en`` (or
a workspace whose officekit.toml says ``language = "en"``), never both at once."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from officekit.cli import cli
from officekit.i18n import UI

CJK = re.compile(r"[\u3400-\u9fff]")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append((*path, name))
        if isinstance(command, click.Group):
            out += _commands(command, (*path, name))
    return out


COMMANDS = _commands(cli)


def test_every_command_has_its_help_in_the_catalogue() -> None:
    assert ("report",) in COMMANDS and ("templates", "check") in COMMANDS
    missing = [p for p in [("officekit",), *COMMANDS] if f"command.{' '.join(p)}" not in UI]
    assert missing == []


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "officekit")
def test_help_in_the_language_asked(path: tuple[str, ...]) -> None:
    zh, en = UI[f"command.{' '.join(path) or 'officekit'}"]
    english = run("--lang", "en", *path, "--help")
    assert english.exit_code == 0, english.output
    assert not CJK.search(english.output), english.output  # English only, options too
    assert en.split("\n")[0] in " ".join(english.output.split())
    chinese = run(*path, "--help")
    assert chinese.exit_code == 0, chinese.output
    # click wraps Chinese anywhere: compared without the white space
    assert zh.split("\n")[0].replace(" ", "") in "".join(chinese.output.split())
    assert en.split("\n")[0] not in " ".join(chinese.output.split())


def test_option_help_in_one_language() -> None:
    english = run("--lang", "en", "report", "--help").output
    assert "period (default: last month)" in english and " / " not in english
    chinese = run("report", "--help").output
    assert "只生成这个部门的" in chinese and "one department only" not in chinese
    assert "KIND：evaluation 个人考核报告" in chinese
    top = run("--help").output  # click's own options too
    assert "显示版本并退出" in top and "显示本帮助并退出" in top and "Show" not in top


def test_help_follows_the_workspace_language(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run("init", "--lang", "en", ws).exit_code == 0
    res = run("-w", ws, "send", "--help")
    assert "Send the period's documents to the people they are for." in res.output
    assert not CJK.search(res.output)
    assert "把生成的文档发给相关的人" in run("-w", ws, "--lang", "zh", "send", "--help").output
