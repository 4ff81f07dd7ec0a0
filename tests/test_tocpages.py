"""render/tocpages.py: on which page of a laid-out document each TOC heading landed."""

from __future__ import annotations

from officekit.render.tocpages import heading_pages

PAGES = [
    "客服一部\n岗位职责手册\n2026年10月版",
    "目　　录\n一、岗位设置与职责\n1. 客服专员\n二、人员名录\n三、投诉处理流程",
    "一、岗位设置与职责\n1. 客 服\n专员\n负责热线",
    "（续）\n二、人员名录\n客服专员 0101",
    "三、投诉处理\n流程",
]


def test_each_heading_is_found_after_the_contents_page_however_wrapped() -> None:
    titles = ["一、岗位设置与职责", "1. 客服专员", "二、人员名录", "三、投诉处理流程"]
    assert heading_pages(PAGES, titles) == [3, 3, 4, 5]


def test_the_search_only_moves_forward_and_a_missing_heading_has_no_page() -> None:
    # 客服专员 also stands in the directory on page 4, after its own heading on page 3
    assert heading_pages(PAGES, ["二、人员名录", "客服专员", "五、数据来源", "三、投诉处理流程"]) \
        == [4, 4, None, 5]
    assert heading_pages(PAGES, ["1. 客服专员"], contents="没有目录") == [2]
