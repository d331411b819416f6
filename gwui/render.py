"""Render helpers shared by pages: the class colour scale, its legend, the demo-data notice."""

from __future__ import annotations

import html

import streamlit as st

from gwlib.classes import QualityClass
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
