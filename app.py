"""The frame: page config, navigation from the page registry, then the chosen page."""

import streamlit as st

from gwui import labels
from gwui.pages import PAGES

st.set_page_config(page_title=labels.APP_TITLE, page_icon=":material/water_drop:", layout="wide")

sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(
            spec.path,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path or None,
            default=spec.default,
        )
    )
pg = st.navigation(sections)
st.sidebar.caption(labels.APP_TITLE)
pg.run()
