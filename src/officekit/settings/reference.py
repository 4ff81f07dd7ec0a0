"""What the key table says to people: the commented ``officekit.toml`` that ``init`` writes and
the settings reference ``docs/settings.md`` (written by ``scripts/build_settings_doc.py``)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from officekit.i18n import t
from officekit.settings.keys import KEY_BY_NAME, KEYS, SECTIONS, TOP_NAMES, Key, Section
from officekit.settings.model import Settings
from officekit.settings.values import toml_key, toml_value

COMMENT_COLUMN = 25

_HEADER = {
    "zh": ("# officekit 设置。每一项都可省略，省略时用内置默认值；以 # 开头的行不起作用，",
           "# 去掉 # 即可启用。全部设置项见 docs/settings.md。"),
    "en": ("# officekit settings. Every key is optional: the built-in default applies when it is",
           "# left out. Lines starting with # do nothing until the # is removed. Every key is",
           "# described in docs/settings.md."),
}


def _help(item: Key | Section, lang: str) -> str:
    return item.en if lang == "en" else item.zh


def _is_table(key: Key) -> bool:
    """A table of the office's own at the top level ([deadlines], [aliases.<kind>]…)."""
    return isinstance(key.example, tuple) or isinstance(key.default, dict)


def _comment(text: str, lang: str) -> list[str]:
    """``text`` as comment lines of about 100 columns (a Chinese character takes two)."""
    return ["# " + line for line in textwrap.wrap(text, 96 if lang == "en" else 48)]


def _line(text: str, comment: str, off: bool) -> list[str]:
    """``key = value  # comment``, the comments lined up where the values are short."""
    text = ("# " if off else "") + text
    return [f"{text:<{COMMENT_COLUMN - 1}} # {comment}"]


def _value(key: Key, values: Settings) -> str:
    if isinstance(key.example, str):
        return key.example
    shown = key.kind.show(key.value_in(values))
    if shown is None:
        raise ValueError(f"{key.name}: init can only comment it out with an example")
    return shown


def _table_lines(key: Key, off: bool, values: Settings) -> Iterator[str]:
    """A table of the office's own (deadlines, aliases…): its example lines or its default."""
    if isinstance(key.example, tuple):
        lines = list(key.example)
    else:
        lines = [f"[{key.name}]"] + [f"{toml_key(k)} = {toml_value(v)}"
                                     for k, v in key.value_in(values).items()]
    yield from (("# " if off else "") + line for line in lines)


def _section(name: str, lang: str, values: Settings, on: bool = False) -> list[str]:
    """The lines of one top-level name with ``values``, starting with a blank line; ``on``:
    none commented out (what to paste in), else as init writes them."""
    section = SECTIONS.get(name)
    if section is None:
        key = KEY_BY_NAME[name]
        off = key.init == "off" and not on
        if key.init == "doc":
            return []
        if _is_table(key):
            return ["", *_comment(_help(key, lang), lang), *_table_lines(key, off, values)]
        return _line(f"{key.leaf} = {_value(key, values)}", _help(key, lang), off)
    keys = [k for k in KEYS if k.section == name and k.init != "doc"]
    section_off = section.init == "off" and not on
    out = ["", *_comment(_help(section, lang), lang), ("# " if section_off else "") + f"[{name}]"]
    for key in keys:
        off = section_off or (key.init == "off" and not on)
        if isinstance(key.example, tuple):  # [kpi.schemes.<name>]: after the other keys
            out += ["", *_comment(_help(key, lang), lang), *_table_lines(key, off, values)]
        else:
            out += _line(f"{key.leaf} = {_value(key, values)}", _help(key, lang), off)
    return out


def settings_toml(lang: str = "zh") -> str:
    """The commented ``officekit.toml`` of ``init``: the usual keys with their defaults, the
    rest commented out with an example; comments and ``language`` in ``lang``. Read back, it
    gives exactly the defaults (``Settings(language=lang)``)."""
    values = Settings(language=lang)
    out = [*_HEADER["en" if lang == "en" else "zh"], ""]
    for name in TOP_NAMES:
        out += _section(name, lang, values)
    return "\n".join(out) + "\n"


def section_toml(name: str, lang: str = "zh") -> str:
    """One section to paste into officekit.toml, e.g. ``[smtp]`` with example values, for an
    error that says a section is missing."""
    return "\n".join(_section(name, lang, Settings(language=lang), on=True)).strip("\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(key: Key, lang: str) -> str:
    what = key.kind.allowed or t(f"settings.what.{key.kind.what}", lang)
    if key.check is not None:
        what += f"，{key.check.zh}" if lang == "zh" else f", {key.check.en}"
    return what


def _default(key: Key) -> str:
    shown = key.kind.show(key.default)
    if shown is None:
        return "内置 / built in"
    return f"`{shown}`" if shown not in ('""', "[]", "{}") else f"`{shown}` (空 / empty)"


def settings_reference() -> str:
    """docs/settings.md: every key of the table, section by section, in both languages."""
    out = [
        "# 设置项 / Settings (`officekit.toml`)",
        "",
        "由 `scripts/build_settings_doc.py` 从设置项表 `src/officekit/settings/keys.py` 生成，"
        "请勿手改。/ Written from the key table `src/officekit/settings/keys.py` by "
        "`scripts/build_settings_doc.py`; do not edit by hand.",
        "",
        "每一项都可省略；写错的键或值让命令以退出码 2 停下，并指出是哪一项。/ Every key is "
        "optional; a wrong key or value stops the command with exit code 2, naming the key.",
    ]
    top = [k for k in KEYS if not k.section and not _is_table(k)]  # language, mask_phones
    groups: list[tuple[str, str, list[Key]]] = [("顶层 / top level", "", top)]
    for name in TOP_NAMES:
        section = SECTIONS.get(name)
        if section is not None:
            groups.append((f"`[{name}]`", f"{section.zh} / {section.en}",
                           [k for k in KEYS if k.section == name]))
        elif _is_table(KEY_BY_NAME[name]):
            groups.append((f"`[{name}]`", "", [KEY_BY_NAME[name]]))
    for title, intro, keys in groups:
        out += ["", f"## {title}", "", *([intro, ""] if intro else []),
                "| 键 / key | 类型 / type | 默认 / default | 说明 | description |",
                "|---|---|---|---|---|"]
        for key in keys:
            zh, en = _type(key, "zh"), _type(key, "en")
            out.append("| " + " | ".join(_cell(c) for c in (
                f"`{key.name}`", zh if zh == en else f"{zh} / {en}", _default(key),
                key.zh, key.en)) + " |")
        if isinstance(keys[-1].example, tuple):
            out += ["", "例 / example:", "", "```toml", *keys[-1].example, "```"]
    return "\n".join(out)
