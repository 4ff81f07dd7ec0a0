"""Numbered text inside one cell (岗位职责, 任职要求) → a tree of items (SPEC §3).

Offices number duties as ``1、`` ``1.`` ``1-`` ``1)`` ``(1)`` ``（1）`` ``①`` ``一、`` ``（一）``.
The first numbering style met is the top level; a different style inside it is a sub-level
(``一、`` over ``1.``, or ``1.`` over ``(1)``/``①``); returning to a style seen above closes the
levels below it. A line without a number continues the item above. Items written on one line
(``1、接听来电；2、登记工单；``) are split at the separator before each number.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict


class Item(TypedDict):
    text: str
    children: list[Item]


_D = "[0-9０-９]{1,2}"
_CN = "[一二三四五六七八九十]{1,3}"
# (style, pattern): a marker is only a marker at the start of a line. Styles written
# differently but read the same way (1、 1. 1．) share a style so sloppy typing stays flat.
_STYLES: tuple[tuple[str, str], ...] = (
    ("cn_paren", rf"[(（]\s*{_CN}\s*[)）]"),
    ("arabic_paren", rf"[(（]\s*{_D}\s*[)）]|{_D}\s*[)）]|[⑴-⒇]"),
    ("cn", rf"{_CN}\s*[、.．]"),
    # "1-负责…" too (a hyphen before Chinese text; "2-3天" is a range, not a number)
    ("arabic", rf"{_D}\s*、|{_D}\s*[.．](?![0-9０-９])|{_D}\s*[-－](?=[\u4e00-\u9fff])|[⒈-⒛]"),
    ("circled", "[①-⑳]"),
    ("bullet", r"[•●▪◆■◇○·]|-(?=\s)"),
)
_MARKER = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in _STYLES))
_LEADING = re.compile(r"\s*(?:" + _MARKER.pattern + r")\s*")
_ANY = "|".join(f"(?:{pat})" for _, pat in _STYLES)
_AFTER_SEPARATOR = re.compile(rf"(?<=[；;。])\s*(?={_ANY})")
_AFTER_SPACE = re.compile(rf"\s+(?={_ANY})")
_TRAILING = "；;，,。 \t"


def _marker(line: str) -> tuple[str, str] | None:
    """(style, text after the marker) when ``line`` starts with a marker."""
    m = _LEADING.match(line)
    if m is None:
        return None
    style = m.lastgroup
    assert style is not None
    return style, line[m.end():]


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        parts = _AFTER_SEPARATOR.split(line)
        if _marker(line) is not None:
            parts = [p for part in parts for p in _AFTER_SPACE.split(part)]
        out.extend(p.strip() for p in parts if p and p.strip())
    return out


def _join(head: str, tail: str) -> str:
    if not head:
        return tail
    # Chinese wraps without spaces; Latin words need one
    sep = " " if head[-1].isascii() and head[-1].isalnum() and tail[0].isascii() else ""
    return head + sep + tail


def _clean(text: str) -> str:
    return text.strip().rstrip(_TRAILING)


def _finish(items: list[Item]) -> list[Item]:
    """Trailing separators (；，。) are dropped once an item's lines are all joined."""
    for item in items:
        item["text"] = _clean(item["text"])
        _finish(item["children"])
    return items


def parse_numbered(text: str | None) -> list[Item]:
    """Items and sub-items of numbered text; text with no numbering gives one item per line."""
    if not text:
        return []
    lines = _lines(text)
    marked = [_marker(line) for line in lines]
    if not any(marked):
        return [{"text": _clean(line), "children": []} for line in lines if _clean(line)]

    root: list[Item] = []
    stack: list[tuple[str, list[Item]]] = []  # (style, the list that style's items go to)
    last: Item | None = None
    for line, found in zip(lines, marked, strict=True):
        if found is None:
            if last is None:  # a heading before the first number is kept as an item
                last = {"text": line, "children": []}
                root.append(last)
            else:
                last["text"] = _join(last["text"], line)
            continue
        style, rest = found
        node: Item = {"text": rest.strip(), "children": []}
        level = next((i for i, (s, _) in enumerate(stack) if s == style), None)
        if level is not None:
            del stack[level + 1:]
            stack[level][1].append(node)
        elif not stack:
            stack.append((style, root))
            root.append(node)
        else:
            parent = stack[-1][1][-1]
            stack.append((style, parent["children"]))
            parent["children"].append(node)
        last = node
    return _finish(root)


def parse_duty_item(text: str | None) -> Item | None:
    """One duty item written in one cell (the 序号 layout): its text and numbered sub-items.

    A leading number the office repeated in the cell (``3、``) is dropped; lines up to the first
    numbered line are the item's text, numbered lines below it are its children.
    """
    if not text:
        return None
    lines = _lines(text)
    if not lines:
        return None
    first = _marker(lines[0])
    head = first[1] if first else lines[0]
    rest = lines[1:]
    while rest and _marker(rest[0]) is None:
        head = _join(head, rest.pop(0))
    return {"text": _clean(head), "children": parse_numbered("\n".join(rest))}


def item_texts(items: list[Item]) -> list[Any]:
    """Items as nested lists of text, for compact assertions and plain-text output."""
    return [[i["text"], item_texts(i["children"])] if i["children"] else i["text"]
            for i in items]
