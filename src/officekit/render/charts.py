"""Charts for the documents: small PNG pictures with Chinese labels (SPEC §7).

Every chart is drawn with matplotlib's object API on the Agg canvas (no pyplot, no GUI), at
150 dpi, with a CJK font found once through :mod:`matplotlib.font_manager` — a chart whose
labels come out as boxes is worse than no chart, so a machine without a CJK font gets a clear
error naming the package to install. Results are cached by content: a department summary and
300 evaluations ask for many identical pictures (the same empty trend, the same distribution).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter
from PIL import Image

from officekit.errors import OfficekitError

DPI = 150
CM = 1 / 2.54  # inches per centimetre

# Preferred CJK families, simplified Chinese first; any other family whose name marks it as
# CJK is taken after these.
PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)
_CJK_NAME_MARKS = ("CJK", "Han Sans", "Han Serif", "WenQuanYi", "YaHei", "Hei", "Song", "Kai",
                   "Ming", "Fang")

# Office colours: one dark blue for bars, an orange for lines drawn over them.
BLUE = "#2F5597"
ORANGE = "#C55A11"
GREY = "#7F7F7F"
PALETTE = ("#2F5597", "#C55A11", "#548235", "#BF9000", "#7030A0", "#2E75B6", "#A5A5A5",
           "#843C0C")

_lock = threading.Lock()  # matplotlib's rc state is global; draw one chart at a time


class ChartError(OfficekitError):
    """A chart cannot be drawn (no CJK font installed, or bad input)."""


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """The family name of the CJK font charts use; raises :class:`ChartError` when none.

    Looked up once per process: the font list does not change while we run.
    """
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    for name in sorted(names):
        if any(mark.lower() in name.lower() for mark in _CJK_NAME_MARKS):
            return name
    raise ChartError(key="error.chart.no-cjk-font")


def _rc() -> dict[Any, Any]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_font_name(), "DejaVu Sans"],
        "font.size": 8,
        "axes.unicode_minus": False,  # CJK fonts may lack U+2212
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 9,
        "axes.titleweight": "bold",
        "axes.edgecolor": GREY,
        "xtick.color": "#404040",
        "ytick.color": "#404040",
        "svg.fonttype": "none",
    }


def _new_figure(width_cm: float, height_cm: float, title: str = "", left: float = 0.09,
                right: float = 0.98, bottom: float = 0.15) -> tuple[Figure, Any]:
    """A figure with one axes placed by fixed margins (no tight layout pass: it costs a draw)."""
    fig = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI)
    FigureCanvasAgg(fig)
    top = 0.86 if title else 0.95
    ax = fig.add_axes((left, bottom, right - left, top - bottom))
    if title:
        fig.text(0.5, 0.975, title, ha="center", va="top", fontsize=9, fontweight="bold")
    return fig, ax


def _png(fig: Figure) -> bytes:
    # Drawing once and encoding the RGB buffer with Pillow is about twice as fast as
    # ``savefig`` (which draws again and keeps the alpha channel Word does not need).
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    return _encode(canvas)


def _encode(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as it stands (no new draw) as RGB PNG bytes."""
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", canvas.get_width_height(), rgba)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG", dpi=(DPI, DPI))
    return buf.getvalue()


def _no_data(ax: Any) -> None:
    ax.text(0.5, 0.5, "无数据", ha="center", va="center", color=GREY, fontsize=10,
            transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


def _unit(ax: Any, text: str, *, right: bool = False) -> None:
    """The axis unit written level above the axis (Chinese reads badly rotated 90°)."""
    ax.annotate(text, xy=(1 if right else 0, 1), xycoords="axes fraction",
                xytext=(4 if right else -4, 5), textcoords="offset points",
                ha="left" if right else "right", va="bottom", fontsize=7, color="#404040")


def _clean(value: float | None) -> float:
    return math.nan if value is None else float(value)


# --------------------------------------------------------------------------------------------
# Pareto: bars sorted descending, cumulative percentage line on a second axis


def pareto_chart(items: Sequence[tuple[str, int]], *, title: str = "",
                 width_cm: float = 15.0, height_cm: float = 7.0) -> bytes:
    """A Pareto chart of ``(label, count)`` pairs: bars by count descending, cumulative % line.

    The order is decided here (count descending, then label) so the caller cannot get it wrong.
    """
    ordered = tuple(sorted(((str(k), int(v)) for k, v in items), key=lambda kv: (-kv[1], kv[0])))
    return _pareto(ordered, title, width_cm, height_cm)


@lru_cache(maxsize=64)
def _pareto(items: tuple[tuple[str, int], ...], title: str, width_cm: float,
            height_cm: float) -> bytes:
    with _lock, rc_context(_rc()):
        fig, ax = _new_figure(width_cm, height_cm, title, left=0.09, right=0.90, bottom=0.14)
        total = sum(v for _, v in items)
        if not items or total == 0:
            _no_data(ax)
        else:
            labels = [k for k, _ in items]
            counts = [v for _, v in items]
            xs = range(len(items))
            bars = ax.bar(xs, counts, color=BLUE, width=0.6)
            ax.bar_label(bars, fontsize=7, padding=1)
            ax.set_xticks(list(xs), labels)
            _unit(ax, "件数")
            ax.set_ylim(0, max(counts) * 1.18)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            cumulative = []
            running = 0
            for v in counts:
                running += v
                cumulative.append(running / total * 100)
            ax2 = ax.twinx()
            ax2.plot(list(xs), cumulative, color=ORANGE, marker="o", markersize=3, linewidth=1.2)
            for x, y in zip(xs, cumulative, strict=True):
                ax2.annotate(f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 5),
                             ha="center", fontsize=6.5, color=ORANGE,
                             bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
            ax2.set_ylim(0, 112)
            ax2.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
            ax2.spines["right"].set_visible(True)
            ax2.spines["top"].set_visible(False)
            _unit(ax2, "累计占比", right=True)
            ax2.axhline(80, color=GREY, linewidth=0.6, linestyle="--")
        return _png(fig)


# --------------------------------------------------------------------------------------------
# Trend: one or two lines over periods; a missing value is a gap, not a zero


def trend_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
                title: str = "", y_label: str = "", y_min: float | None = 0.0,
                y_max: float | None = None, percent: bool = False,
                width_cm: float = 15.0, height_cm: float = 5.5) -> bytes:
    """A line chart over ``labels`` (periods, oldest first) of named series.

    ``None`` values are drawn as gaps. With ``percent`` the values are fractions 0–1 shown as %.
    """
    key = tuple((str(name), tuple(None if v is None else float(v) for v in values))
                for name, values in series)
    for name, values in key:
        if len(values) != len(labels):
            raise ChartError(key="error.chart.trend-length", name=name, values=len(values),
                             periods=len(labels))
    return _trend(tuple(labels), key, title, y_label, y_min, y_max, percent, width_cm, height_cm)


class _TrendFigure:
    """A trend figure drawn once per layout and reused: only the lines and labels change.

    The evaluation batch draws one trend per person with the same periods and title; keeping
    the axes, ticks and title halves the cost of each picture.
    """

    def __init__(self, labels: tuple[str, ...], names: tuple[str, ...], title: str,
                 y_label: str, percent: bool, width_cm: float, height_cm: float) -> None:
        self.percent = percent
        self.fig, self.ax = _new_figure(width_cm, height_cm, title)
        ax = self.ax
        xs = list(range(len(labels)))
        self.lines = [
            ax.plot(xs, [math.nan] * len(xs), color=PALETTE[i % len(PALETTE)], marker="o",
                    markersize=3.5, linewidth=1.4, label=name)[0]
            for i, name in enumerate(names)
        ]
        ax.set_xticks(xs, list(labels))
        ax.set_xlim(-0.4, len(labels) - 0.6)
        if percent:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))
        ax.grid(axis="y", color="#D9D9D9", linewidth=0.5)
        if y_label:
            _unit(ax, y_label)
        if len(names) > 1:
            ax.legend(loc="lower left", fontsize=7, frameon=False, ncols=len(names))
        self.empty = ax.text(0.5, 0.5, "无数据", ha="center", va="center", color=GREY,
                             fontsize=10, transform=ax.transAxes)
        self._limits: tuple[float, float] | None = None
        self._background: Any = None

    def draw(self, series: tuple[tuple[str, tuple[float | None, ...]], ...],
             y_min: float | None, y_max: float | None) -> bytes:
        ax = self.ax
        canvas = self.fig.canvas
        assert isinstance(canvas, FigureCanvasAgg)
        scale = 100.0 if self.percent else 1.0
        values = [[_clean(v) * scale for v in vs] for _, vs in series]
        finite = [y for ys in values for y in ys if not math.isnan(y)]
        if self.percent:
            fmt = "{:.0f}%"
        else:
            fmt = "{:.0f}" if all(float(y).is_integer() for y in finite) else "{:.1f}"
        low = y_min * scale if y_min is not None else min(finite, default=0.0) * 0.9
        if y_max is not None:
            high = y_max * scale
        elif self.percent:
            high = 100.0
        else:
            high = max(finite, default=1.0)
        limits = (low, high * 1.1 if high > low else low + 1)
        if limits != self._limits:
            # The axes, ticks, grid and title depend only on the y range: draw them once and
            # keep the pixels; each picture then only paints its lines and labels over a copy
            # (the evaluation batch's trends all share 0–100: ~3× cheaper per picture).
            for line in self.lines:
                line.set_visible(False)
            self.empty.set_visible(False)
            ax.set_ylim(*limits)
            canvas.draw()  # type: ignore[no-untyped-call]
            self._background = canvas.copy_from_bbox(self.fig.bbox)  # type: ignore[no-untyped-call]
            self._limits = limits
        canvas.restore_region(self._background)  # type: ignore[no-untyped-call]
        if not finite:
            self._paint(self.empty)
        for i, (line, ys) in enumerate(zip(self.lines, values, strict=True)):
            line.set_ydata(ys)
            self._paint(line)
            # first series labelled above its points, the second below, so they do not collide
            offset = 4 if i == 0 else -9
            for x, y in enumerate(ys):
                if not math.isnan(y):
                    note = ax.annotate(
                        fmt.format(y), (x, y), textcoords="offset points", xytext=(0, offset),
                        ha="center", fontsize=6.5, color=line.get_color())
                    ax.draw_artist(note)
                    note.remove()
        return _encode(canvas)

    def _paint(self, artist: Any) -> None:
        artist.set_visible(True)
        self.ax.draw_artist(artist)
        artist.set_visible(False)  # kept out of the background when it is drawn again


@lru_cache(maxsize=8)
def _trend_figure(labels: tuple[str, ...], names: tuple[str, ...], title: str, y_label: str,
                  percent: bool, width_cm: float, height_cm: float) -> _TrendFigure:
    return _TrendFigure(labels, names, title, y_label, percent, width_cm, height_cm)


@lru_cache(maxsize=256)
def _trend(labels: tuple[str, ...], series: tuple[tuple[str, tuple[float | None, ...]], ...],
           title: str, y_label: str, y_min: float | None, y_max: float | None, percent: bool,
           width_cm: float, height_cm: float) -> bytes:
    with _lock, rc_context(_rc()):
        names = tuple(name for name, _ in series)
        figure = _trend_figure(labels, names, title, y_label, percent, width_cm, height_cm)
        return figure.draw(series, y_min, y_max)


# --------------------------------------------------------------------------------------------
# Distributions: bars (ordered as given) and pies


def bar_chart(items: Sequence[tuple[str, float]], *, title: str = "", y_label: str = "",
              horizontal: bool = False, width_cm: float = 12.0, height_cm: float = 5.5) -> bytes:
    """Bars of ``(label, value)`` in the order given (buckets keep their natural order)."""
    key = tuple((str(k), float(v)) for k, v in items)
    return _bars(key, title, y_label, horizontal, width_cm, height_cm)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


@lru_cache(maxsize=128)
def _bars(items: tuple[tuple[str, float], ...], title: str, y_label: str, horizontal: bool,
          width_cm: float, height_cm: float) -> bytes:
    with _lock, rc_context(_rc()):
        fig, ax = _new_figure(width_cm, height_cm, title, left=0.22 if horizontal else 0.10,
                              right=0.97)
        if not items or not any(v for _, v in items):
            _no_data(ax)
        else:
            labels = [k for k, _ in items]
            values = [v for _, v in items]
            pos = list(range(len(items)))
            if horizontal:
                bars = ax.barh(pos, values, color=BLUE, height=0.6)
                ax.set_yticks(pos, labels)
                ax.invert_yaxis()
                ax.set_xlim(0, max(values) * 1.18)
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                bars = ax.bar(pos, values, color=BLUE, width=0.6)
                ax.set_xticks(pos, labels)
                ax.set_ylim(0, max(values) * 1.2)
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.bar_label(bars, labels=[_fmt(v) for v in values], fontsize=7, padding=1)
            if y_label and horizontal:
                ax.set_xlabel(y_label)
            elif y_label:
                _unit(ax, y_label)
        return _png(fig)


def pie_chart(items: Sequence[tuple[str, float]], *, title: str = "",
              width_cm: float = 9.0, height_cm: float = 6.0) -> bytes:
    """A pie of ``(label, value)``; zero slices are left out, the legend keeps the given order."""
    key = tuple((str(k), float(v)) for k, v in items)
    return _pie(key, title, width_cm, height_cm)


@lru_cache(maxsize=64)
def _pie(items: tuple[tuple[str, float], ...], title: str, width_cm: float,
         height_cm: float) -> bytes:
    with _lock, rc_context(_rc()):
        fig, ax = _new_figure(width_cm, height_cm, title, left=0.02, right=0.55, bottom=0.03)
        shown = [(k, v) for k, v in items if v > 0]
        if not shown:
            _no_data(ax)
        else:
            total = sum(v for _, v in shown)
            ax.pie([v for _, v in shown], colors=[PALETTE[i % len(PALETTE)]
                                                  for i in range(len(shown))],
                   startangle=90, counterclock=False,
                   wedgeprops={"linewidth": 0.8, "edgecolor": "white"},
                   autopct=lambda p: f"{p:.0f}%" if p >= 5 else "",
                   pctdistance=0.72, textprops={"fontsize": 7, "color": "white"})
            ax.legend([f"{k}  {_fmt(v)}（{v / total:.0%}）" for k, v in shown],
                      loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False)
            ax.set_aspect("equal")
        return _png(fig)


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel ``(width, height)`` of PNG bytes, read from the IHDR chunk (for checks and tests)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ChartError(key="error.chart.not-png")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
