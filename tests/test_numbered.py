"""Numbered text in one cell → items and sub-items (SPEC §3, duties kind)."""

from __future__ import annotations

from typing import Any

import pytest

from officekit.understand.numbered import item_texts, parse_duty_item, parse_numbered


@pytest.mark.parametrize("marker", ["1、", "1.", "1．", "1)", "1）", "(1)", "（1）", "①", "一、",
                                    "（一）", "(一)", "1 、", "⑴", "⒈"])
def test_every_marker_style_starts_items(marker: str) -> None:
    second = (marker.replace("1", "2").replace("一", "二").replace("①", "②")
              .replace("⑴", "⑵").replace("⒈", "⒉"))
    text = f"{marker}接听客户来电\n{second}登记投诉工单"
    assert item_texts(parse_numbered(text)) == ["接听客户来电", "登记投诉工单"]


CASES: list[tuple[str, list[Any]]] = [
    # 一、 on top, 1. under it
    ("一、日常工作\n1. 接听来电\n2. 登记工单\n二、投诉处理\n1. 受理投诉\n2. 跟踪办结",
     [["日常工作", ["接听来电", "登记工单"]], ["投诉处理", ["受理投诉", "跟踪办结"]]]),
    # 1. on top, (1) under it, back to 2.
    ("1. 受理投诉\n(1) 核实客户信息\n(2) 录入系统\n2. 按时回访",
     [["受理投诉", ["核实客户信息", "录入系统"]], "按时回访"]),
    # 1、 on top, ① under it
    ("1、处理投诉\n①当日受理\n②三日内答复\n2、统计报表",
     [["处理投诉", ["当日受理", "三日内答复"]], "统计报表"]),
    # three levels: 一、 / 1. / (1), then back to the top
    ("一、服务\n1. 接待\n(1) 微笑\n(2) 问候\n2. 解答\n二、管理",
     [["服务", [["接待", ["微笑", "问候"]], "解答"]], "管理"]),
    # a line without a number continues the item above
    ("1、负责受理客户的投诉和建议，\n并在规定时限内答复；\n2、完成领导交办的其他工作。",
     ["负责受理客户的投诉和建议，并在规定时限内答复", "完成领导交办的其他工作"]),
    ("1. Answer calls\npolitely\n2. Log tickets", ["Answer calls politely", "Log tickets"]),
    # no numbering at all: one item per non-empty line
    ("接听来电\n\n登记工单\n  按时回访  ", ["接听来电", "登记工单", "按时回访"]),
    # items in one line, separated by ；/; before each number
    ("1、接听来电；2、登记工单；3、按时回访；", ["接听来电", "登记工单", "按时回访"]),
    ("1.接听来电;2.登记工单", ["接听来电", "登记工单"]),
    ("1、接听来电。2、登记工单。", ["接听来电", "登记工单"]),
    ("1. 接听来电 2. 登记工单", ["接听来电", "登记工单"]),
    # numbers inside text are no markers
    ("1、加班按1.5倍计算\n2、2026.10起执行", ["加班按1.5倍计算", "2026.10起执行"]),
    ("1.5倍工资\n2026.10起执行", ["1.5倍工资", "2026.10起执行"]),
    # a heading before the first number is kept as an item of its own
    ("主要职责：\n1、接听来电\n2、登记工单", ["主要职责：", "接听来电", "登记工单"]),
    # full-width digits and Windows line ends
    ("１、接听来电\r\n２、登记工单", ["接听来电", "登记工单"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_numbered(text: str, expected: list[Any]) -> None:
    assert item_texts(parse_numbered(text)) == expected


def test_items_are_plain_dicts_with_text_and_children() -> None:
    items = parse_numbered("1. 受理\n(1) 登记")
    assert items == [{"text": "受理", "children": [{"text": "登记", "children": []}]}]


@pytest.mark.parametrize(("text", "expected"), [
    ("接听来电", {"text": "接听来电", "children": []}),
    ("3、处理投诉", {"text": "处理投诉", "children": []}),
    ("处理投诉\n(1) 当日受理\n(2) 按时回访",
     {"text": "处理投诉", "children": [{"text": "当日受理", "children": []},
                                   {"text": "按时回访", "children": []}]}),
    ("处理投诉，\n及时答复\n① 记录", {"text": "处理投诉，及时答复",
                              "children": [{"text": "记录", "children": []}]}),
    ("", None),
    (None, None),
])
def test_parse_duty_item(text: str | None, expected: Any) -> None:
    assert parse_duty_item(text) == expected


def test_hyphen_numbers_are_markers_but_ranges_are_not() -> None:
    """Typed "1-负责…" is item 1 (printed "1. 负责…", not "1. 1-负责…"); "2-3天" is text."""
    items = parse_numbered("1-负责受理来电；2-负责登记工单\n3－负责回访")
    assert [i["text"] for i in items] == ["负责受理来电", "负责登记工单", "负责回访"]
    assert [i["text"] for i in parse_numbered("2-3天内回复客户")] == ["2-3天内回复客户"]
