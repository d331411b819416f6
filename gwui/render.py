"""Render helpers shared by pages: the class colour scale, its legend, the demo-data notice."""

from __future__ import annotations

import datetime as dt
import html
import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from gwlib.errors import GwlibError
from gwlib.quality.classes import QualityClass
from gwui import labels

#: One colour per class, used by every chart, table and map in the app.
CLASS_COLOURS: dict[int, str] = {
    QualityClass.I: "#2b7bba",
    QualityClass.II: "#3fa34d",
    QualityClass.III: "#d9b500",
    QualityClass.IV: "#ef8a17",
    QualityClass.V: "#d7263d",
}
CLASS_COLOUR_BY_LABEL = {QualityClass(k).label: v for k, v in CLASS_COLOURS.items()}


def class_legend() -> None:
    """A one-line legend of the class colours (static text only, no user data)."""
    chips = " ".join(
        f'<span style="display:inline-block;padding:0 .5em;margin-right:.3em;border-radius:3px;'
        f'background:{colour};color:#fff">{html.escape(QualityClass(k).label)}</span>'
        for k, colour in CLASS_COLOURS.items()
    )
    st.markdown(f"水质类别图例：{chips}", unsafe_allow_html=True)


def demo_notice(meta: dict[str, str]) -> None:
    """Label demo data wherever it is shown."""
    if meta.get("dataset") == labels.DEMO_NOTICE:
        note = (meta.get("dataset_note") or labels.DEMO_HELP).removeprefix(labels.DEMO_NOTICE)
        st.warning(f"**{labels.DEMO_NOTICE}**：{note.lstrip('：:')}", icon=":material/science:")


_ROMAN = {int(c): c.roman for c in QualityClass}


def roman(cls: object) -> str:
    """Ⅰ..Ⅴ for a class number; '' for 0 / missing."""
    try:
        return _ROMAN.get(int(cls), "")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""


def trend_summary(stats: object, unit: str = "") -> str:
    """Markdown block with a series' Mann-Kendall statistics (or why there are none)."""
    if stats is None:
        return "暂无趋势统计（尚未计算）。"
    s = stats  # a row of the stored trend table
    slope = getattr(s, "slope", None)
    per_year = f"{unit}/年" if unit else "/年"
    missing = slope is None or slope != slope
    slope_txt = "—（未检出过多，不计算）" if missing else f"{slope:.4g} {per_year}"
    return (
        f"**趋势：{s.category}**\n\n"  # type: ignore[attr-defined]
        f"- 样本数 n = {int(s.n)}（未检出 {int(s.n_nd)}）\n"  # type: ignore[attr-defined]
        f"- S = {s.s:.0f}，Var(S) = {s.var_s:.1f}\n"  # type: ignore[attr-defined]
        f"- Z = {s.z:.3f}，p = {s.p:.3f}\n"  # type: ignore[attr-defined]
        f"- Kendall τ = {s.tau:.3f}\n"  # type: ignore[attr-defined]
        f"- Sen 斜率 = {slope_txt}"
    )


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$"})


def md(text: object) -> str:
    """User data made safe for st.markdown / st.caption: markdown and HTML characters escaped,
    so ``![x](http://…)`` cannot make the browser fetch anything and nothing renders as markup."""
    return str(text).translate(_MD_SPECIAL)


def plot_text(values: pd.Series) -> pd.Series:
    """User text for plotly ticks, labels and hovers. Plotly reads its own tags (<b>, <br>,
    <a href>…) in any label, so ``<``, ``>`` and ``&`` are escaped; it shows the entities as the
    characters, so a name reads as written."""
    return values.astype(str).map(lambda s: html.escape(s, quote=False))


def shown(value: object) -> str:
    """A stored value as a person reads it: 是/否 for flags, blank for nothing."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def value_texts(frame: pd.DataFrame) -> list[str]:
    """Measured values as a lab report writes them: ``0.35``, ``<0.004`` for a non-detect,
    ``未检出`` for a non-detect without a stated limit, ``>1600`` above the method's range."""
    out = []
    for value, qualifier in zip(frame["value"], frame["qualifier"], strict=True):
        if value is None or value != value:
            out.append("未检出" if qualifier == "<" else "")
        else:
            out.append(f"{qualifier or ''}{value:.4g}")
    return out


#: Rows a table sends to the browser at most; a province's full tables go through the exports.
TABLE_ROWS = 5_000


def capped(frame: pd.DataFrame, where_rest: str, limit: int = TABLE_ROWS) -> pd.DataFrame:
    """The first ``limit`` rows, with a caption saying how many there are and where the rest
    is (``where_rest``, e.g. "完整数据请用下方导出"); the whole frame when it is small."""
    if len(frame) <= limit:
        return frame
    st.caption(f"共 {len(frame):,} 行，表中显示前 {limit:,} 行；{where_rest}。")
    return frame.head(limit)


LOG = logging.getLogger("gwui")


@contextmanager
def page_errors() -> Iterator[None]:
    """No page ever shows Streamlit's English error box (with its outside links): a
    :class:`GwlibError` is shown as its Chinese message; anything else is logged with its
    traceback under a short reference and shown as a Chinese notice naming that reference.
    Streamlit's own stop/rerun signals are BaseExceptions and pass through."""
    try:
        yield
    except GwlibError as exc:
        st.error(md(str(exc)), icon=":material/error:")
    except Exception:
        ref = uuid.uuid4().hex[:8]
        LOG.exception("page error %s", ref)
        st.error(labels.PAGE_ERROR.format(ref=ref), icon=":material/error:")


#: How a missing value shows in a table.
MISSING = "—"
#: Number formats by column name (everything else as Streamlit shows it).
NUMBER_FORMATS = {
    "lon": "%.5f", "lat": "%.5f", "share": "%.1f", "sealed_share": "%.1f", "year": "%d",
    "p": "%.3f", "tau": "%.2f", "slope": "%.4g", "population": "%d", "capacity_t_d": "%.0f",
    "first_km2": "%.3f", "second_km2": "%.2f", "quasi_km2": "%.2f", "recharge_km2": "%.1f",
    "area_km2": "%.2f", "Ⅰ–Ⅲ类": "%.1f", "Ⅳ类": "%.1f", "Ⅴ类": "%.1f", "monitoring_wells": "%d",
}  # fmt: skip
#: Columns holding a percentage of completion, shown as a bar.
PROGRESS_COLUMNS = ("progress",)


def _is_date_only(values: pd.Series) -> bool:
    stamps = pd.to_datetime(values.dropna(), errors="coerce")
    return bool(stamps.notna().all() and (stamps == stamps.dt.normalize()).all())


def column_config(
    frame: pd.DataFrame, headers: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The one place a table's columns get their look: the Chinese header (with its unit) from
    ``headers`` (default :data:`gwui.labels.COLUMNS`), dates as YYYY-MM-DD, times as
    YYYY-MM-DD HH:mm, progress as a 0–100 % bar, flags as check boxes. A column without a
    header keeps its name (the browser test then reports it)."""
    table = labels.COLUMNS if headers is None else headers
    cfg: dict[str, object] = {}
    for c in frame.columns:
        name = str(c)
        label = table.get(name, name)
        col = frame[c]
        first = col.dropna().iloc[0] if col.notna().any() else None
        if name in PROGRESS_COLUMNS:
            cfg[name] = st.column_config.ProgressColumn(
                label, min_value=0, max_value=100, format="%.0f%%"
            )
        elif name in NUMBER_FORMATS:
            cfg[name] = st.column_config.NumberColumn(label, format=NUMBER_FORMATS[name])
        elif pd.api.types.is_datetime64_any_dtype(col) or isinstance(first, dt.datetime):
            cfg[name] = (
                st.column_config.DateColumn(label, format="YYYY-MM-DD")
                if _is_date_only(col)
                else st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
            )
        elif isinstance(first, dt.date):
            cfg[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif pd.api.types.is_bool_dtype(col) or isinstance(first, bool):
            cfg[name] = st.column_config.CheckboxColumn(label)
        else:
            cfg[name] = label
    return cfg


def labelled_table(
    frame: pd.DataFrame, headers: Mapping[str, str] | None = None, key: str | None = None,
    **kwargs: object,
) -> object:
    """``st.dataframe`` through :func:`column_config`; only the frame's columns are sent to
    the browser (select the ones to show before calling). Missing values show as ``—`` (not
    "None"); an empty frame as the words :data:`gwui.labels.NO_ROWS` (the grid would say
    "empty")."""
    if frame.empty:
        return st.caption(labels.NO_ROWS)
    kwargs.setdefault("placeholder", MISSING)
    return st.dataframe(
        frame, hide_index=True, column_config=column_config(frame, headers), key=key,
        **kwargs,  # type: ignore[arg-type]
    )
