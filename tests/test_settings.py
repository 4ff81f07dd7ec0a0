"""officekit.toml: defaults built in, every bad key or value named (SPEC §8)."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest

from officekit.errors import SettingsError
from officekit.settings import Settings, load_settings, parse_settings
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
