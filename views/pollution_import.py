"""污染源登记：一企一库、两场两区、加油站等污染源登记表的模板、导出与导入（预览后一个事务写入，仅编辑）。"""

import streamlit as st

from gwlib.sources.register_spec import POLLUTION
from gwui import keys, labels
from gwui.loaders import load_meta
from gwui.registers_import import history, register_page
from gwui.render import demo_notice

st.title(labels.POLLUTION_IMPORT_TITLE)
demo_notice(load_meta())
st.caption(labels.REGISTER_CAPTION)
register_page(POLLUTION, keys.POLLUTION_IMPORT)
history(POLLUTION, keys.POLLUTION_IMPORT)
