"""Charts (render/charts.py): PNG pictures with a CJK font, sized as asked, cached by content."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from matplotlib import font_manager

from officekit.render import charts
from officekit.render.charts import (
    DPI,
    ChartError,
    bar_chart,
    cjk_font_name,
    pareto_chart,
    pie_chart,
    png_size,
    trend_chart,
)

MONTHS = ["5月", "6月", "7月", "8月", "9月", "10月"]


def pixels(cm: float) -> int:
    return int(cm / 2.54 * DPI)


def test_a_cjk_font_is_found_and_has_chinese_glyphs() -> None:
    name = cjk_font_name()
    path = font_manager.findfont(font_manager.FontProperties(family=name),
                                 fallback_to_default=False)
    assert any(mark in name for mark in ("CJK", "WenQuanYi", "Hei", "Han Sans"))
    font = font_manager.get_font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "投诉类别件数满意度")


@pytest.fixture
def no_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine without any CJK font: the font list holds Latin fonts only."""
    latin = [f for f in font_manager.fontManager.ttflist
             if not any(m.lower() in f.name.lower() for m in charts._CJK_NAME_MARKS)]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    cjk_font_name.cache_clear()
    yield
    cjk_font_name.cache_clear()


def test_missing_cjk_font_is_a_clear_error(no_fonts: None) -> None:
    with pytest.raises(ChartError, match="fonts-noto-cjk"):
        cjk_font_name()
    with pytest.raises(ChartError, match="找不到中文字体"):
        bar_chart([("甲", 1)], title="没有字体时")


def test_pareto_size_and_order() -> None:
    data = pareto_chart([("服务态度", 3), ("收费问题", 9), ("其他", 1)], title="帕累托图",
                        width_cm=15, height_cm=7)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_size(data) == (pixels(15), pixels(7))
    # order is decided by the chart: the same counts in another order give the same picture
    again = pareto_chart([("其他", 1), ("服务态度", 3), ("收费问题", 9)], title="帕累托图",
                         width_cm=15, height_cm=7)
    assert again == data


def test_trend_with_gaps_and_cache() -> None:
    scores = [None, 82.5, None, 88.0, 91.2, 79.0]
    first = trend_chart(MONTHS, [("综合得分", scores)], title="近6期综合得分", y_max=100)
    assert png_size(first) == (pixels(15), pixels(5.5))
    assert trend_chart(MONTHS, [("综合得分", scores)], title="近6期综合得分", y_max=100) is first
    other = trend_chart(MONTHS, [("综合得分", [None, 60.0, None, 88.0, 91.2, 79.0])],
                        title="近6期综合得分", y_max=100)
    assert other != first  # the reused figure really redraws the new values
    empty = trend_chart(MONTHS, [("综合得分", [None] * 6)], title="近6期综合得分", y_max=100)
    assert png_size(empty) == png_size(first) and empty != first


def test_trend_rates_two_series() -> None:
    data = trend_chart(MONTHS, [("办结率", [0.9, 0.95, None, 1, 0.8, 0.97]),
                                ("及时率", [0.7, 0.85, None, 0.9, 0.8, 0.9])],
                       percent=True, width_cm=12, height_cm=5)
    assert png_size(data) == (pixels(12), pixels(5))


def test_trend_length_mismatch_is_an_error() -> None:
    with pytest.raises(ChartError, match="长度不符"):
        trend_chart(MONTHS, [("综合得分", [1.0, 2.0])])


def test_bars_and_pie() -> None:
    buckets = [("当日", 5), ("1天", 10), ("2–3天", 7), ("4–7天", 0), ("7天以上", 1)]
    assert png_size(bar_chart(buckets, title="办理时长分布", width_cm=11, height_cm=5.5)) == (
        pixels(11), pixels(5.5))
    assert png_size(bar_chart(buckets, horizontal=True)) == (pixels(12), pixels(5.5))
    assert png_size(bar_chart([], title="无数据")) == (pixels(12), pixels(5.5))
    pie = pie_chart([("优秀", 3), ("良好", 5), ("合格", 0)], title="等级分布")
    assert png_size(pie) == (pixels(9), pixels(6))


def test_png_size_rejects_other_data() -> None:
    with pytest.raises(ChartError):
        png_size(b"GIF89a....")
