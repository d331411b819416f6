"""水源地登记：饮用水水源地登记表的模板、导出与导入（预览后一个事务写入，仅编辑）。"""

import streamlit as st

from gwlib.sources.register_spec import SOURCES
from gwui import keys, labels
from gwui.loaders import load_meta
from gwui.registers_import import history, register_page
from gwui.render import demo_notice

st.title(labels.SOURCES_IMPORT_TITLE)
demo_notice(load_meta())
st.caption(labels.REGISTER_CAPTION)
register_page(SOURCES, keys.SOURCES_IMPORT)
history(SOURCES, keys.SOURCES_IMPORT)
