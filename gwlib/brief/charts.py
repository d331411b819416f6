"""Chart images for the brief: matplotlib (Agg), no browser, no internet, a CJK font.

The font is Noto Sans CJK SC from Debian's ``fonts-noto-cjk`` (``./dev.sh`` installs it);
WenQuanYi or any other installed CJK family is used when it is missing. Matplotlib's global
state is not thread-safe, so every rendering holds :data:`LOCK` and uses the object API.
"""

from __future__ import annotations

import io
import threading

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gwlib.errors import GwlibError

LOCK = threading.Lock()
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
CLASS_COLOURS = ("#2b7bba", "#3fa34d", "#d9b500", "#ef8a17", "#d7263d")  # as gwui.render
OUTLOOK_COLOURS = {"正常": "#3fa34d", "有风险": "#ef8a17", "滞后": "#d7263d"}
DPI = 150

CHART_TITLES = {
    "quality": "图1 监测点位水质类别分布（与上年比较）",
    "wells": "图2 各乡镇报废井封井回填进度",
    "tasks": "图3 各牵头单位任务进展",
}


def cjk_family() -> str:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FAMILIES:
        if name in installed:
            return name
    raise GwlibError(
        "未找到中文字体（需要 Noto Sans CJK SC 或文泉驿）：请安装 Debian 软件包 fonts-noto-cjk"
    )


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)  # type: ignore[no-untyped-call]
    return buf.getvalue()


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(7.2, height), dpi=DPI, layout="constrained")
    fig.set_facecolor("white")
    return fig


def _quality(data: pd.DataFrame, ax: Axes) -> None:
    x = range(len(data))
    a = ax
    a.bar([i - 0.2 for i in x], data["prev"], width=0.4, color="#bbbbbb", label="上年")
    bars = a.bar([i + 0.2 for i in x], data["points"], width=0.4, color=CLASS_COLOURS, label="本年")
    a.bar_label(bars, padding=2)
    a.set_xticks(list(x), list(data["label"]))
    a.set_ylabel("点位数（个）")
    a.legend(frameon=False)


def _wells(data: pd.DataFrame, ax: Axes) -> None:
    a = ax
    left = pd.Series(0, index=data.index, dtype=float)
    parts = (
        ("accepted", "已验收销号", "#2b7bba"),
        ("sealed", "已封井待验收", "#3fa34d"),
        ("open", "未封井", "#ef8a17"),
        ("deferred", "暂缓", "#999999"),
    )
    for col, label, colour in parts:
        a.barh(data["township"], data[col], left=left, color=colour, label=label)
        left = left + data[col]
    a.invert_yaxis()
    a.set_xlabel("井数（眼）")
    a.legend(frameon=False, ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))


def _tasks(data: pd.DataFrame, ax: Axes) -> None:
    a = ax
    left = pd.Series(0, index=data.index, dtype=float)
    for look, colour in OUTLOOK_COLOURS.items():
        a.barh(data["label"], data[look], left=left, color=colour, label=look)
        left = left + data[look]
    a.invert_yaxis()
    a.set_xlabel("任务数（项）")
    a.legend(frameon=False, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))


DRAW = {"quality": _quality, "wells": _wells, "tasks": _tasks}


def render(key: str, data: pd.DataFrame) -> bytes:
    """PNG of chart ``key`` (one of :data:`CHART_TITLES`) for its data frame."""
    with LOCK:
        family = cjk_family()
        rows = max(len(data), 1)
        height = 3.4 if key == "quality" else min(7.5, 1.2 + 0.32 * rows)
        fig = _figure(height)
        with matplotlib.rc_context(
            {"font.family": "sans-serif", "font.sans-serif": [family], "axes.unicode_minus": False}
        ):
            ax = fig.add_subplot()
            if len(data):
                DRAW[key](data, ax)
                if data.attrs.get("note"):  # what the chart leaves out (gwlib.brief.data)
                    fig.supxlabel(str(data.attrs["note"]), fontsize=8, color="#555555")
            else:
                ax.text(0.5, 0.5, "无数据", ha="center", va="center")
                ax.set_axis_off()
            ax.spines[["top", "right"]].set_visible(False)
            return _png(fig)


def render_all(charts: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    return {k: render(k, v) for k, v in charts.items()}
