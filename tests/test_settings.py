"""officekit.toml: defaults built in, every bad key or value named (SPEC §8)."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner

from officekit.errors import SettingsError
from officekit.settings import (
    DEFAULT_ENUMS,
    DOCUMENT_STYLES,
    KEYS,
    SECTIONS,
    Key,
    Settings,
    load_settings,
    parse_settings,
    section_toml,
    settings_reference,
    settings_toml,
)
from officekit.settings.keys import TOP_NAMES
from officekit.workspace import DEFAULT_TOML


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "officekit.toml")
    assert s == Settings()
    assert s.deadlines == {"一般": 7, "较重": 3, "重大": 1}
    assert s.followup_days == 7
    assert s.weights == {"closure_rate": 0.25, "on_time_rate": 0.25, "followup_rate": 0.20,
                         "satisfaction": 0.30}
    assert s.shifts["夜"].start == time(0, 0) and s.shifts["夜"].end == time(8, 0)
    assert s.shifts["晚"].ends_next_day  # 16:00–24:00
    assert not s.shifts["休"].worked
    assert s.mask_phones and s.language == "zh"


def test_the_commented_file_init_writes_is_valid(tmp_path: Path) -> None:
    (tmp_path / "officekit.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    assert load_settings(tmp_path / "officekit.toml").grades[0] == ("优秀", 90.0)


def test_the_commented_file_states_the_built_in_defaults(tmp_path: Path) -> None:
    """What ``init`` writes out (deadlines, weights, …) is what applies when it is left out."""
    (tmp_path / "officekit.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    assert load_settings(tmp_path / "officekit.toml") == Settings()


def test_overrides_apply() -> None:
    s = parse_settings({
        "aliases": {"complaints": {"category": ["问题分类"]}},
        "enums": {"channel": {"synonyms": {"抖音": "其他"}}},
        "shifts": {"早": {"start": "07:30"}, "长": {"name": "长白班", "start": "08:00",
                                                   "end": "20:00"}},
        "coverage": {"required": ["早", "夜"]},
        "deadlines": {"重大": 2},
        "kpi": {"followup_days": 3, "weights": {"satisfaction": 0.5},
                "grades": {"A": 85, "B": 70}},
        "calendar": {"holidays": ["2026-12-31"], "workdays": ["2026-12-26"]},
        "watch": {"settle_seconds": 0.5, "poll": True},
        "pdf": {"enabled": True, "timeout": 30},
        "departments": {"客服一部": {"head": "0101"}},
    })
    assert s.aliases_for("complaints", "category") == ("问题分类",)
    assert s.enums["channel"].synonyms["抖音"] == "其他"
    assert s.enums["channel"].synonyms["热线"] == "电话"  # built-in synonyms kept
    assert s.shifts["早"].start == time(7, 30) and s.shifts["早"].end == time(16, 0)
    assert s.shifts["长"].name == "长白班"
    assert s.required_shifts == ("早", "夜")
    assert s.deadlines == {"一般": 7, "较重": 3, "重大": 2}
    assert s.followup_days == 3 and s.weights["satisfaction"] == 0.5
    assert s.grades == (("A", 85.0), ("B", 70.0), ("不合格", 0.0))
    assert s.extra_holidays == {date(2026, 12, 31)}
    assert s.extra_workdays == {date(2026, 12, 26)}
    assert s.settle_seconds == 0.5 and s.poll
    assert s.pdf and s.pdf_timeout == 30
    assert s.department_heads == {"客服一部": "0101"}


@pytest.mark.parametrize(("data", "key"), [
    ({"colour": "red"}, "colour"),
    ({"language": "fr"}, "language"),
    ({"mask_phones": "yes"}, "mask_phones"),
    ({"paths": {"outbx": "x"}}, "paths.outbx"),
    ({"aliases": {"roster": {}}}, "aliases.roster"),
    ({"aliases": {"staff": {"nickname": ["昵称"]}}}, "aliases.staff.nickname"),
    ({"enums": {"channel": {"synonyms": {"抖音": "短视频"}}}}, "enums.channel.synonyms.抖音"),
    ({"shifts": {"早": {"start": "8点"}}}, "shifts.早.start"),
    ({"shifts": {"长": {"name": "长班"}}}, "shifts.长"),
    ({"coverage": {"required": ["午"]}}, "coverage.required"),
    ({"deadlines": {"特急": 1}}, "deadlines.特急"),
    ({"deadlines": {"一般": -1}}, "deadlines.一般"),
    ({"kpi": {"weights": {"speed": 1}}}, "kpi.weights.speed"),
    ({"kpi": {"weights": {"closure_rate": 0, "on_time_rate": 0, "followup_rate": 0,
                          "satisfaction": 0}}}, "kpi.weights"),
    ({"kpi": {"followup_days": "7"}}, "kpi.followup_days"),
    ({"calendar": {"holidays": ["2026-02-30"]}}, "calendar.holidays[0]"),
    ({"watch": {"settle_seconds": -1}}, "watch.settle_seconds"),
    ({"smtp": {"password": "secret"}}, "smtp.password"),  # never in the file
    ({"smtp": {"security": "tls"}}, "smtp.security"),
])
def test_bad_setting_names_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(data)
    assert info.value.key == key
    assert key in str(info.value)


def test_invalid_toml_is_a_settings_error(tmp_path: Path) -> None:
    path = tmp_path / "officekit.toml"
    path.write_text("[kpi\nfollowup_days = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert "officekit.toml" in str(info.value)


@pytest.mark.parametrize("data", [
    {"kpi": {"weights": {"speed": 1}}},
    {"kpi": {"followup_days": "7"}},
    {"calendar": {"holidays": ["2026-02-30"]}},
    {"watch": {"settle_seconds": -1}},
    {"smtp": {"password": "secret"}},
    {"language": "fr"},
    {"shifts": {"早": {"start": "7h"}}},
    {"output": {"file_mode": "rw-r--r--"}},
    {"wecom": {"webhook": "qyapi.weixin.qq.com"}},
    {"dingtalk": {"secret": "SEC123"}},
    {"nonsense": 1},
])
def test_bad_setting_message_in_both_languages(data: dict[str, object]) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(data)
    zh, en = info.value.text("zh"), info.value.text("en")
    assert zh.startswith(f"officekit.toml: {info.value.key}: ") and en.startswith(
        f"officekit.toml: {info.value.key}: ")
    assert re.search(r"[\u4e00-\u9fff]", zh)
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("早", "")), en  # the key may be Chinese
    assert "{" not in zh + en


def test_output_mode_and_robots() -> None:
    s = parse_settings({"output": {"file_mode": "0664"},
                        "wecom": {"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
                        "dingtalk": {"webhook": "https://oapi.dingtalk.com/robot/send?access_token=t",
                                     "retries": 1}})
    assert s.file_mode == 0o664
    assert s.wecom.webhook.endswith("key=k") and s.wecom.retries == 3
    assert s.dingtalk.retries == 1 and s.dingtalk.secret_env == "OFFICEKIT_DINGTALK_SECRET"
    assert Settings().file_mode == 0o644


# --------------------------------------------------------------------------------------------
# the key table: one row per key, read back, written out for init and for the docs

ROOT = Path(__file__).resolve().parents[1]


def test_the_settings_reference_is_current() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert text == settings_reference() + "\n", "run scripts/build_settings_doc.py"
    for key in KEYS:  # every key of the table is in the docs, with its help in both languages
        assert f"| `{key.name}` |" in text and key.zh in text and key.en in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_writes_comments_in_the_language_asked(tmp_path: Path, lang: str) -> None:
    from officekit.cli import cli

    res = CliRunner().invoke(cli, ["init", str(tmp_path / "ws"), "--lang", lang])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "ws" / "officekit.toml").read_text(encoding="utf-8")
    assert text == settings_toml(lang)
    # an office that set up in English gets its messages in English
    assert load_settings(tmp_path / "ws" / "officekit.toml") == Settings(language=lang)
    comment = "# folders (relative to the workspace" if lang == "en" else "# 文件夹（相对于工作区"
    assert comment in text
    # every key init mentions is a key of the table (commented-out ones too)
    mentioned = set(re.findall(r"^(?:# )?([a-z_]+) = ", text, re.M))
    assert mentioned <= {k.leaf for k in KEYS} | {"visit_success_rate", "visit_timeliness",
                                                  "visit_target_rate", "visit_scored_rate",
                                                  "roles", "targets", "min_cases", "head",
                                                  "category", "synonyms", "name", "start",
                                                  "end"}


@pytest.mark.parametrize("key", [k for k in KEYS if k.kind.show(k.default) is not None],
                         ids=lambda k: k.name)
def test_each_key_written_with_its_default_reads_back_as_the_default(key: Key) -> None:
    """The table's spelling of a default (what init writes) is what applies when left out."""
    import tomllib

    value = key.kind.show(key.default)
    text = (f"[{key.section}]\n{key.leaf} = {value}\n" if key.section
            else f"{key.name} = {value}\n")
    assert parse_settings(tomllib.loads(text)) == Settings(), text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_with_its_examples_is_valid(lang: str) -> None:
    """What an error offers to paste in (``section_toml``) and the commented-out examples of
    init's file are valid settings when un-commented."""
    import tomllib

    for name in TOP_NAMES:
        parse_settings(tomllib.loads(section_toml(name, lang)))
    s = parse_settings(tomllib.loads(section_toml("smtp", lang)))
    assert (s.smtp.host, s.smtp.sender) == ("smtp.example.com", "客服中心 <kefu@example.com>")


def test_every_setting_has_exactly_one_key() -> None:
    """Each field of Settings (and of its parts: smtp, limits, due, wecom, dingtalk) is set
    by one row of the key table: a field added without its key fails here."""
    from dataclasses import fields, is_dataclass

    paths = []
    for f in fields(Settings):
        value = getattr(Settings(), f.name)
        if is_dataclass(value):
            paths += [f"{f.name}.{g.name}" for g in fields(value)]
        else:
            paths.append(f.name)
    targets = [k.target for k in KEYS]
    assert sorted(targets) == sorted(paths)


def test_each_key_sets_its_target() -> None:
    """A key's row names the Settings attribute it sets: a changed value lands there."""
    s = parse_settings({"smtp": {"port": 465}, "limits": {"attempts": 5},
                        "due": {"daily_at": "07:00"}, "paths": {"inbox": "收件"},
                        "database": {"url": "postgresql://x"}, "queue": {"enabled": False},
                        "document": {"style": "公文", "author": " 张三 "}, "pdf": True,
                        "dingtalk": {"retries": 0}, "output": {"file_mode": 0o600}})
    assert (s.smtp.port, s.smtp.security, s.limits.attempts, s.limits.memory_mb) == (
        465, "starttls", 5, 4096)
    assert (s.due.daily_at, s.due.warn_days, s.inbox, s.outbox) == (time(7), 1, "收件", "outbox")
    assert (s.database_url, s.queue_enabled, s.document_style, s.author) == (
        "postgresql://x", False, "gongwen", "张三")
    assert s.pdf and s.dingtalk.retries == 0 and s.file_mode == 0o600
    assert s.dingtalk.secret_env == "OFFICEKIT_DINGTALK_SECRET" and s.wecom.secret_env == ""


# --------------------------------------------------------------------------------------------
# a broken officekit.toml stops the command (exit 2) with a message naming the key, in the
# language asked for: one case per family of errors

CJK = re.compile(r"[\u4e00-\u9fff]+")
# the office's own values an English message may list: shift codes, severities, enum values…
DATA_WORDS = set(CJK.findall(" ".join([
    *Settings().shifts, *Settings().deadlines, *DOCUMENT_STYLES, "话务员",
    *(v for spec in DEFAULT_ENUMS.values() for v in spec.values)])))

FAMILIES = [
    ('colour = "red"\n', "colour", "unknown setting; the known ones are: aliases, calendar"),
    ('[paths]\noutbx = "x"\n', "paths.outbx", "unknown setting; the known ones are: archive"),
    ('[kpi]\nfollowup_days = "7"\n', "kpi.followup_days",
     "expected a number of days (whole) (got '7')"),
    ("[due]\nwarn_days = -1\n", "due.warn_days", "must be at least 0 (got -1)"),
    ("[due]\nescalate_days = 0\n", "due.escalate_days", "must be at least 1 (got 0)"),
    ('[due]\ndaily_at = "25:00"\n', "due.daily_at", "time out of range: 25:00"),
    ('[due]\ndaily_at = "8h30"\n', "due.daily_at", 'expected a time as HH:MM, e.g. "08:00"'),
    ("[due]\nescalate_to = 1.5\n", "due.escalate_to",
     "expected a staff number or an e-mail address (got 1.5)"),
    ("[watch]\nsettle_seconds = -1\n", "watch.settle_seconds", "cannot be negative (got -1.0)"),
    ("[limits]\nmemory_mb = 0\n", "limits.memory_mb", "must be positive (got 0)"),
    ('language = "fr"\n', "language", "must be one of zh, en (got 'fr')"),
    ('[smtp]\nsecurity = "tls"\n', "smtp.security", "must be one of starttls, ssl, none"),
    ('[calendar]\nholidays = ["2026-02-30"]\n', "calendar.holidays[0]",
     "not a valid date (YYYY-MM-DD): '2026-02-30'"),
    ("[kpi.schemes.visitor.weights]\nspeed = 1\n", "kpi.schemes.visitor.weights.speed",
     "unknown metric; known: closure_rate, on_time_rate"),
    ('[kpi.schemes.visitor]\nmin_cases = "3"\n', "kpi.schemes.visitor.min_cases",
     "expected a whole number (got '3')"),
    ("[kpi.schemes.visitor]\ncolour = 1\n", "kpi.schemes.visitor.colour", "unknown setting"),
    ('[kpi.schemes.hotline]\nroles = ["phone"]\n', "kpi.schemes.hotline.weights",
     "a new scheme needs weights"),
    ("[kpi.schemes.hotline]\nweights = { closure_rate = 1 }\n", "kpi.schemes.hotline.roles",
     "a new scheme needs roles"),
    ('[kpi.schemes.lead]\nroles = [""]\n', "kpi.schemes.lead.roles[0]",
     "expected a non-empty text (got '')"),
    ("[kpi.schemes.lead.targets]\nnope = 1\n", "kpi.schemes.lead.targets.nope",
     "unknown metric"),
    ("[kpi.schemes.visitor.weights]\nvisit_success_rate = 0\n", "kpi.schemes.visitor.weights",
     "the weights must add up to more than 0"),
    ("[kpi.weights]\nspeed = 1\n", "kpi.weights.speed", "unknown metric"),
    ("[kpi.weights]\nclosure_rate = -1\n", "kpi.weights.closure_rate", "cannot be negative"),
    ('[aliases.roster]\nname = ["x"]\n', "aliases.roster", "unknown sheet kind"),
    ('[aliases.staff]\nnickname = ["x"]\n', "aliases.staff.nickname", "unknown field"),
    ('[enums.channel.synonyms]\nTikTok = "video"\n', "enums.channel.synonyms.TikTok",
     "'video' is not one of the values"),
    ('[enums.colour]\nvalues = ["red"]\n', "enums.colour", "unknown enum"),
    ('[shifts.L]\nname = "long"\n', "shifts.L", "a worked shift needs a start and an end time"),
    ('[coverage]\nrequired = ["X"]\n', "coverage.required", "unknown shift code 'X'"),
    ("[deadlines]\nurgent = 1\n", "deadlines.urgent", "unknown setting"),
    ("[departments.A]\nhead = 1.5\n", "departments.A.head",
     "expected a staff number (got 1.5)"),
    ("[database]\nurl = 5\n", "database.url", "expected an address (string) (got 5)"),
    ('[queue]\nenabled = "yes"\n', "queue.enabled", "expected true or false (got 'yes')"),
    ('[smtp]\npassword = "secret"\n', "smtp.password",
     "the password cannot be written in the settings file"),
    ('[dingtalk]\nsecret = "SEC1"\n', "dingtalk.secret",
     "the signing secret cannot be written in the settings file"),
    ('[wecom]\nwebhook = "qyapi.weixin.qq.com"\n', "wecom.webhook",
     "expected the robot's webhook address"),
    ('[output]\nfile_mode = "rw-r--r--"\n', "output.file_mode",
     'expected file permissions in octal, e.g. "0644"'),
    ('[document]\nstyle = "fancy"\n', "document.style", "must be one of \"report\""),
    ("[kpi\nfollowup_days = 3\n", "", "not valid TOML"),  # the file as a whole
    ('pdf = "yes"\n', "pdf", "expected a table ([section]) (got 'yes')"),
]


@pytest.mark.parametrize(("toml", "key", "english"), FAMILIES,
                         ids=[f[1] or "file" for f in FAMILIES])
def test_a_broken_settings_file_stops_the_command_in_english(tmp_path: Path, toml: str,
                                                            key: str, english: str) -> None:
    from officekit.cli import cli

    (tmp_path / "officekit.toml").write_text(toml, encoding="utf-8")
    res = CliRunner().invoke(cli, ["status", "-w", str(tmp_path), "--lang", "en"])
    assert res.exit_code == 2, res.output
    where = f"officekit.toml: {key}: " if key else "officekit.toml: "
    assert where in res.stderr and english in res.stderr
    assert set(CJK.findall(res.stderr.replace(key, "") if key else res.stderr)) <= DATA_WORDS
    zh = CliRunner().invoke(cli, ["status", "-w", str(tmp_path)])  # and in Chinese by default
    assert zh.exit_code == 2 and where in zh.stderr
    assert CJK.search(zh.stderr.replace(key, "") if key else zh.stderr), zh.stderr


@pytest.mark.parametrize("command", [["status"], ["validate", "x.xlsx"],
                                     ["kpis", "--period", "2026-11"]])
def test_the_file_language_is_used_even_when_another_key_is_wrong(
        tmp_path: Path, command: list[str]) -> None:
    """``language = "en"`` in a file whose [due] is wrong: the error is in English, exit 2,
    whatever the command (a real process, as a scheduled task would run it)."""
    import subprocess
    import sys

    (tmp_path / "officekit.toml").write_text('language = "en"\n[due]\nwarn_days = "1"\n',
                                             encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "officekit", *command, "-w", str(tmp_path)],
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert ("officekit.toml: due.warn_days: expected a number of working days (whole) "
            "(got '1')") in proc.stderr


def test_every_settings_error_is_in_the_catalogue() -> None:
    """Each ``SettingsError(key, problem)`` and each check names a catalogue entry
    ``settings.<problem>``, so it reads in both languages — no inline text."""
    import ast

    from officekit.i18n import UI

    sites = 0
    for path in (ROOT / "src" / "officekit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                    node.func.id in ("SettingsError", "Check")):
                problem = node.args[1]
                where = f"{path.name}:{node.lineno}"
                if not isinstance(problem, ast.Constant):  # a table's: checked below
                    assert path.name in ("parse.py", "values.py"), where
                    continue
                assert f"settings.{problem.value}" in UI, where
                sites += 1
    assert sites > 30  # the scan found them
    for section in SECTIONS.values():  # the errors of keys that must not be in the file
        assert all(f"settings.{problem}" in UI for problem in section.secrets.values())


def test_every_settings_example_in_the_readme_is_valid() -> None:
    """The README's ```toml blocks are officekit.toml excerpts: each parses with no error."""
    import textwrap
    import tomllib

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^ *```toml\n(.*?)^ *```", text, re.S | re.M)
    assert len(blocks) >= 4
    for block in blocks:
        parse_settings(tomllib.loads(textwrap.dedent(block)))
