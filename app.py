"""The frame: page config, navigation from the page registry, then the chosen page."""

from pathlib import Path

import streamlit as st

from gwui import labels
from gwui.pages import PAGES

# A local file: an icon name or an emoji would make the browser fetch the favicon from the internet.
FAVICON = Path(__file__).parent / "gwui" / "assets" / "favicon.png"
st.set_page_config(page_title=labels.APP_TITLE, page_icon=str(FAVICON), layout="wide")

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
