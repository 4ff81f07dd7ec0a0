"""Filters an office needs in its own templates: Chinese dates, 大写金额, percentages, masking.

Registered in every template's environment (:func:`officekit.render.jinjaenv.make_environment`)
and documented in docs/templates.md (generated from :data:`FILTER_DOCS`). Each takes what a
context or a workbook gives (``date``/``datetime``/ISO text, numbers or numeric text, ``None``)
and prints ``—`` for a missing value, like the rest of the documents.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

DASH = "—"
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_DIGITS = "〇一二三四五六七八九"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿", "万亿")
_WEEKDAYS = "一二三四五六日"


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def cn_date(value: Any, style: str = "arabic") -> str:
    """``2026-10-05`` → ``2026年10月5日``; ``style="upper"`` → ``二〇二六年十月五日`` (公文落款)."""
    day = _as_date(value)
    if day is None:
        return DASH if value in (None, "") else str(value)
    if style == "upper":
        year = "".join(_SMALL_DIGITS[int(d)] for d in str(day.year))
        return f"{year}年{_small_number(day.month)}月{_small_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(value: Any) -> str:
    """``2026-10-05`` (or ``2026-10``) → ``2026年10月``."""
    text = str(value or "").strip()
    if len(text) == 7 and text[4] == "-":
        text += "-01"
    day = _as_date(value if isinstance(value, date) else text)
    if day is None:
        return text or DASH
    return f"{day.year}年{day.month}月"


def cn_weekday(value: Any) -> str:
    """``2026-10-05`` → ``星期一``."""
    day = _as_date(value)
    return DASH if day is None else f"星期{_WEEKDAYS[day.weekday()]}"


def _small_number(n: int) -> str:
    """1–99 in everyday characters: 五, 十, 十二, 二十一."""
    if n < 10:
        return _SMALL_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _SMALL_DIGITS[tens]
    return f"{head}十{_SMALL_DIGITS[ones] if ones else ''}"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None


def _section(number: int) -> str:
    """0–9999 in 大写 with 零 where digits are skipped (``1005`` → ``壹仟零伍``)."""
    out = ""
    zero = False
    for position in range(3, -1, -1):
        digit = number // 10 ** position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _UNITS[position]
    return out


def rmb_upper(value: Any) -> str:
    """人民币大写金额: ``1234.56`` → ``壹仟贰佰叁拾肆元伍角陆分``; ``100`` → ``壹佰元整``.

    Rounded to the fen (half up); negative amounts start with 负; up to 万亿.
    """
    amount = _decimal(value)
    if amount is None:
        return DASH if value in (None, "") else str(value)
    sign = "负" if amount < 0 else ""
    fen_total = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, fen_part = divmod(fen_total, 100)
    jiao, fen = divmod(fen_part, 10)
    if yuan >= 10 ** 16:
        return str(value)
    parts: list[str] = []
    groups: list[int] = []
    rest = yuan
    while rest:
        rest, group = divmod(rest, 10000)
        groups.append(group)
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(parts)
            continue
        if parts and (need_zero or group < 1000):
            parts.append("零")
        parts.append(_section(group) + _SECTIONS[index])
        need_zero = False
    integer = "".join(parts)
    if not integer and not fen_part:
        return "零元整"
    text = f"{integer}元" if integer else ""
    if fen_part == 0:
        return f"{sign}{text}整"
    if jiao:
        text += f"{_DIGITS[jiao]}角"
    elif integer:
        text += "零"
    if fen:
        text += f"{_DIGITS[fen]}分"
    else:
        text += "整"
    return sign + text


def percent(value: Any, digits: int = 1, *, fraction: bool = True) -> str:
    """``0.953`` → ``95.3%`` (``fraction=False`` when the value is already in percent)."""
    number = _decimal(value)
    if number is None:
        return DASH if value in (None, "") else str(value)
    scaled = number * 100 if fraction else number
    step = Decimal(1).scaleb(-int(digits))
    return f"{scaled.quantize(step, rounding=ROUND_HALF_UP)}%"


def mask(value: Any, head: int = 3, tail: int = 4, char: str = "*") -> str:
    """Hide the middle of a phone or ID number: ``13812345678`` → ``138****5678``.

    ``head``/``tail`` characters stay; at least one character is hidden, a value too short
    to hide anything stays as it is. Names: ``mask(name, 1, 0)`` → ``王**``.
    """
    if value in (None, ""):
        return DASH
    text = str(value)
    if len(text) <= head + tail:
        if len(text) > 1 and tail == 0:
            return text[:head] + char * (len(text) - head)
        return text
    return text[:head] + char * (len(text) - head - tail) + (text[-tail:] if tail else "")


def mask_name(value: Any) -> str:
    """``王晓梅`` → ``王*梅``; ``李明`` → ``李*``."""
    if value in (None, ""):
        return DASH
    text = str(value)
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


FILTERS: dict[str, Callable[..., str]] = {
    "cn_date": cn_date,
    "cn_month": cn_month,
    "cn_weekday": cn_weekday,
    "rmb_upper": rmb_upper,
    "percent": percent,
    "mask": mask,
    "mask_name": mask_name,
}

# name → (how it is written, what it prints) for docs/templates.md
FILTER_DOCS: dict[str, tuple[str, str, str]] = {
    "cn_date": ("{{ d | cn_date }}", "中文日期；`cn_date('upper')` 为公文落款用的汉字日期",
                "2026年10月5日 / 二〇二六年十月五日"),
    "cn_month": ("{{ d | cn_month }}", "年月", "2026年10月"),
    "cn_weekday": ("{{ d | cn_weekday }}", "星期", "星期一"),
    "rmb_upper": ("{{ amount | rmb_upper }}", "人民币大写金额（四舍五入到分）",
                  "壹仟贰佰叁拾肆元伍角陆分"),
    "percent": ("{{ rate | percent(1) }}", "比率转百分数（`fraction=False` 表示已是百分数）",
                "95.3%"),
    "mask": ("{{ phone | mask }}", "打码：保留前 3 位、后 4 位（`mask(1, 0)` 等可调）",
             "138****5678"),
    "mask_name": ("{{ name | mask_name }}", "姓名打码", "王*梅"),
}


def filter_reference() -> list[str]:
    """Markdown lines for docs/templates.md: the tags beyond ``{{ x }}`` and the filters."""
    lines = [
        "## 标签与过滤器 / Tags and filters",
        "",
        "除上文的 `{{ }}`、`{%tr %}`、`{%p %}` 外，还可使用 docxtpl 的全部模板写法：",
        "",
        "| 写法 | 作用 |",
        "|---|---|",
        "| `{{r 变量 }}` | 富文本（RichText）或图片占一个文字块，同一文字块的其余文字保留 |",
        "| `{%r if … %}` … `{%r endif %}` | 按条件保留一个文字块 |",
        "| `{{p 变量 }}` | 以 RichTextParagraph 等替换整段 |",
        "| `{%tc for … %}` … `{%tc endfor %}` | 按列重复表格单元格 |",
        "| `{% vm %}` | 行循环中纵向合并本单元格（只保留第一行的文字） |",
        "| `{% hm %}` | 列循环中横向合并本单元格 |",
        "| `{% colspan n %}` | 本单元格跨 n 列 |",
        "| `{% cellbg 颜色 %}` | 本单元格底色（RRGGBB） |",
        "| `{%- … %}` / `{% … -%}` | 与上一段 / 下一段连成一段 |",
        "| `{_{ x }_}`、`{_% x %_}` | 原样显示 `{{ x }}`、`{% x %}` |",
        "| `{# 注释 #}`、`{#p …#}`、`{#tr …#}`、`{#tc …#}` "
        "| 注释（连同所在段落、行、单元格删除） |",
        "",
        "值中的 `\\n` 为换行，`\\t` 为制表符，`\\a` 为另起一段，`\\f` 为分页。"
        "文档属性（标题、主题、作者、备注等）中的标签同样会被替换。"
        "未定义的变量、没有的过滤器和标签都是错误，"
        "`officekit templates check` 会指出所在段落或单元格。",
        "",
        "| 过滤器 | 写法 | 作用 | 示例 |",
        "|---|---|---|---|",
    ]
    for name, (usage, purpose, example) in FILTER_DOCS.items():
        usage = usage.replace("|", "\\|")
        lines.append(f"| `{name}` | `{usage}` | {purpose} | `{example}` |")
    lines.append("")
    lines.append("另有 Jinja 自带的过滤器（如 `default`、`round`、`join`、`length`）。")
    return lines
