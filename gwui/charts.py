"""Plotly figures for the quality pages, all on the one class colour scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from gwlib.quality.classes import QualityClass
from gwlib.quality.report import TREND_ARROWS
from gwui.render import CLASS_COLOUR_BY_LABEL, CLASS_COLOURS, plot_text

ROMAN = {c.value: c.roman for c in QualityClass}
FONT = {"family": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"}


def _discrete_scale() -> list[list[object]]:
    scale: list[list[object]] = []
    for k in range(1, 6):
        scale += [[(k - 1) / 5, CLASS_COLOURS[k]], [k / 5, CLASS_COLOURS[k]]]
    return scale


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height, margin={"t": 30, "b": 10, "l": 10, "r": 10}, font=FONT, plot_bgcolor="white"
    )
    return fig


def class_bar(distribution: pd.DataFrame) -> go.Figure:
    """Points per class (Ⅰ..Ⅴ)."""
    fig = go.Figure(
        go.Bar(
            x=distribution["label"],
            y=distribution["points"],
            text=distribution["points"],
            marker_color=[CLASS_COLOURS[k] for k in distribution["quality_class"]],
            hovertemplate="%{x}：%{y} 个点位<extra></extra>",
        )
    )
    fig.update_yaxes(title="点位数（个）", gridcolor="#eee")
    return _layout(fig, 320)


def class_share_by_year(shares: pd.DataFrame) -> go.Figure:
    """Stacked share of points per class per year (%)."""
    fig = go.Figure()
    for k in range(1, 6):
        d = shares[shares["quality_class"] == k]
        fig.add_bar(
            x=d["year"].astype(str),
            y=d["share"],
            name=QualityClass(k).label,
            marker_color=CLASS_COLOURS[k],
            customdata=d["points"],
            hovertemplate="%{x} 年 "
            + QualityClass(k).label
            + "：%{y:.1f}%（%{customdata} 个）<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.15})
    fig.update_yaxes(title="点位占比（%）", range=[0, 100], gridcolor="#eee")
    return _layout(fig, 360)


#: Point rows drawn in a heatmap at most: beyond this a browser spends minutes on the cells.
CHART_POINTS = 80


def worst_points(frame: pd.DataFrame, limit: int = CHART_POINTS) -> tuple[pd.DataFrame, str]:
    """The rows of the ``limit`` points with the worst ``quality_class`` (then by code), and a
    note saying what was left out ("" when nothing was)."""
    worst = frame.groupby("point")["quality_class"].max()
    if len(worst) <= limit:
        return frame, ""
    keep = (
        worst.reset_index().sort_values(["quality_class", "point"], ascending=[False, True])
    )["point"].head(limit)
    note = (
        f"所选范围共 {len(worst)} 个点位，图中只画类别最差的 {limit} 个；"
        "用侧栏（乡镇、点位类别等）缩小范围可看其余点位，全部数据见下方表格。"
    )
    return frame[frame["point"].isin(set(keep))], note


def class_heatmap(annual: pd.DataFrame) -> go.Figure:
    """Point × year annual class."""
    grid = annual.pivot_table(
        index="point", columns="year", values="quality_class", aggfunc="max"
    ).sort_index(ascending=False)
    text = grid.map(lambda v: ROMAN.get(int(v), "") if pd.notna(v) else "")
    fig = _class_grid(grid, text, "%{y}　%{x} 年：%{text}类<extra></extra>")
    return _layout(fig, max(300, 18 * len(grid) + 60))


def _class_grid(z: pd.DataFrame, text: pd.DataFrame, hover: str) -> go.Figure:
    """A heatmap of classes on the app's colour scale, with text in every cell."""
    return go.Figure(
        go.Heatmap(
            z=z.to_numpy(dtype=float),
            x=[str(c) for c in z.columns],
            y=list(z.index),
            text=text.fillna("").to_numpy(),
            texttemplate="%{text}",
            colorscale=_discrete_scale(),
            zmin=0.5,
            zmax=5.5,
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate=hover,
        )
    )


def indicator_matrix(matrix: pd.DataFrame) -> go.Figure:
    """Point × indicator: class colour at the latest sampling, trend arrow as text."""
    m = matrix.assign(
        cell=[
            f"{ROMAN.get(int(c), '')}{TREND_ARROWS.get(t, '') if isinstance(t, str) else ''}"
            for c, t in zip(matrix["quality_class"], matrix["category"], strict=True)
        ]
    )
    z = m.pivot_table(index="point", columns="indicator", values="quality_class", aggfunc="max")
    text = m.pivot_table(index="point", columns="indicator", values="cell", aggfunc="first")
    order = m.drop_duplicates("indicator").sort_values("indicator_code")["indicator"]
    cols = [c for c in order if c in z.columns]
    z, text = (
        z[cols].sort_index(ascending=False),
        text.reindex(columns=cols).reindex(z.index).sort_index(ascending=False),
    )
    fig = _class_grid(z, text, "%{y}　%{x}：%{text}<extra></extra>")
    fig.update_xaxes(tickangle=-45)
    return _layout(fig, max(320, 18 * len(z) + 140))


def series_chart(
    series: pd.DataFrame, bands: list[tuple[int, float, float]], title: str
) -> go.Figure:
    """One indicator over time with class bands behind it; non-detects drawn hollow at their
    detection limit."""
    fig = go.Figure()
    values = series["value"].to_numpy(dtype=float)
    top = float(np.nanmax(values)) if len(values) and np.isfinite(np.nanmax(values)) else 1.0
    for k, lo, hi in bands:
        upper = min(hi, max(top * 1.2, lo * 1.05)) if np.isinf(hi) else hi
        if lo > top * 1.2:
            break
        fig.add_hrect(
            y0=lo,
            y1=upper,
            fillcolor=CLASS_COLOURS[k],
            opacity=0.12,
            line_width=0,
            annotation_text=QualityClass(k).label,
            annotation_position="right",
        )
    det = series[~series["censored"].astype(bool)]
    nd = series[series["censored"].astype(bool)]
    unit = series["unit"].iloc[0] if len(series) else ""
    fig.add_scatter(
        x=det["date"],
        y=det["value"],
        mode="lines+markers",
        name="检出值",
        line={"color": "#333"},
        marker={"size": 7},
        hovertemplate="%{x|%Y-%m-%d}：%{y:.4g} " + unit + "<extra></extra>",
    )
    if len(nd):
        fig.add_scatter(
            x=nd["date"],
            y=nd["value"],
            mode="markers",
            name="未检出（检出限）",
            marker={"symbol": "circle-open", "size": 10, "color": "#777"},
            hovertemplate="%{x|%Y-%m-%d}：<%{y:.4g} " + unit + "<extra></extra>",
        )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}}, legend={"orientation": "h", "y": -0.2}
    )
    fig.update_yaxes(title=unit, gridcolor="#eee", rangemode="tozero")
    fig.update_xaxes(tickformat="%Y-%m")
    return _layout(fig, 300)


def water_level_chart(samples: pd.DataFrame) -> go.Figure:
    """水质与水位同步: each sample's class (markers, Ⅴ at the top) and its 水位埋深 (line, right
    axis, deeper lower) on one time axis."""
    s = samples.sort_values("date")
    graded_s = s[s["quality_class"].between(1, 5)]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=graded_s["date"], y=graded_s["quality_class"], mode="markers", name="水质类别",
        marker={"size": 10, "color": [CLASS_COLOURS[int(c)] for c in graded_s["quality_class"]]},
        hovertemplate="%{x|%Y-%m-%d}：%{text}<extra></extra>",
        text=[QualityClass(int(c)).label for c in graded_s["quality_class"]],
    ))  # fmt: skip
    level = s[s["water_level_m"].notna()]
    fig.add_trace(go.Scatter(
        x=level["date"], y=level["water_level_m"], mode="lines+markers", name="水位埋深（m）",
        yaxis="y2", line={"color": "#555555"},
        hovertemplate="%{x|%Y-%m-%d}：%{y:.2f} m<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(
        title={"text": "水质与水位同步（左：水质类别；右：水位埋深）", "font": {"size": 14}},
        yaxis={"title": "水质类别", "tickvals": [1, 2, 3, 4, 5],
               "ticktext": ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"], "range": [0.5, 5.5]},
        yaxis2={"title": "水位埋深（m）", "overlaying": "y", "side": "right",
                "autorange": "reversed", "showgrid": False},
        legend={"orientation": "h", "y": -0.25},
    )  # fmt: skip
    fig.update_xaxes(tickformat="%Y-%m")
    return _layout(fig, 300)


def source_class_chart(yearly: pd.DataFrame) -> go.Figure:
    """Drinking-source points' annual class (worst of the year) against Ⅲ, one symbol per
    source."""
    fig = px.scatter(
        yearly.assign(point_name=plot_text(yearly["point_name"])),
        x="year",
        y="quality_class",
        color="label",
        symbol="source_code",
        hover_data=["point", "point_name"],
        color_discrete_map=CLASS_COLOUR_BY_LABEL,
        labels={
            "year": "年度", "quality_class": "水质类别", "label": "类别", "source_code": "水源"
        },
    )
    fig.add_hline(y=3, line_dash="dash", annotation_text="Ⅲ类")
    fig.update_yaxes(tickvals=[1, 2, 3, 4, 5], ticktext=["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"], range=[0.5, 5.5])
    fig.update_traces(marker={"size": 11})
    fig.update_layout(height=340, margin={"t": 10, "b": 10})
    return fig


def stage_chart(counts: pd.DataFrame) -> go.Figure:
    """Wells per lifecycle stage (horizontal bars, in lifecycle order)."""
    fig = px.bar(counts, x="wells", y="status", orientation="h", text="wells",
                 labels={"status": "状态", "wells": "井数（眼）"})  # fmt: skip
    fig.update_layout(height=320, margin={"t": 10, "b": 10}, yaxis={"autorange": "reversed"})
    return fig


def township_chart(progress: pd.DataFrame) -> go.Figure:
    """Sealed wells against the list, per township."""
    fig = px.bar(
        progress.assign(township=plot_text(progress["township"])),
        x="township",
        y=["sealed", "wells"],
        barmode="overlay",
        labels={"township": "乡镇", "value": "井数（眼）", "variable": ""},
    )
    fig.for_each_trace(lambda t: t.update(name={"sealed": "已封井", "wells": "清单内"}[t.name]))
    fig.update_layout(height=320, margin={"t": 10, "b": 10})
    return fig


def ledger_timeline_chart(tl: pd.DataFrame) -> go.Figure:
    """Cumulative registered, sealed and accepted wells by month."""
    long = tl.melt("month", var_name="series", value_name="wells")
    long["series"] = long["series"].map(
        {"registered": "累计登记", "sealed": "累计封井", "accepted": "累计验收销号"}
    )
    fig = px.line(long, x="month", y="wells", color="series",
                  labels={"month": "月份", "wells": "井数（眼）", "series": ""})  # fmt: skip
    fig.update_layout(height=300, margin={"t": 10, "b": 10}, xaxis={"tickformat": "%Y-%m"})
    return fig
