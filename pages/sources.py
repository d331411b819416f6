"""饮用水源与补给区 (first version: the register; more follows)."""

import streamlit as st

from gwui import labels
from gwui.loaders import load_meta
from gwui.mapdata import load_drinking_sources
from gwui.render import demo_notice

st.title(labels.SOURCES_TITLE)
st.caption(labels.SOURCES_CAPTION)
demo_notice(load_meta())
st.dataframe(load_drinking_sources(), hide_index=True)
