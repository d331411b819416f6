"""污染源与防治分区 (first version: the register; more follows)."""

import streamlit as st

from gwui import labels
from gwui.loaders import load_meta
from gwui.mapdata import load_pollution_sources
from gwui.render import demo_notice

st.title(labels.POLLUTION_TITLE)
st.caption(labels.POLLUTION_CAPTION)
demo_notice(load_meta())
st.dataframe(load_pollution_sources(), hide_index=True)
