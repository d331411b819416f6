"""The frame: page config, navigation from the page registry, then the chosen page."""

from pathlib import Path

import streamlit as st

from gwui import auth, filters, warmup, zh
from gwui.loaders import app_title, database_errors, load_townships, load_years
from gwui.pages import PAGES
from gwui.render import page_errors

# A local file: an icon name or an emoji would make the browser fetch the favicon from the internet.
FAVICON = Path(__file__).parent / "gwui" / "assets" / "favicon.png"
st.set_page_config(page_title="地下水污染防治", page_icon=str(FAVICON), layout="wide")
warmup.start()  # the brief's chart library, in the background

sections: dict[str, list[st.Page]] = {}
uses_filters: set[str] = set()
for spec in PAGES:
    page = st.Page(
        spec.path,
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path or None,
        default=spec.default,
    )
    sections.setdefault(spec.section, []).append(page)
    if spec.quality_filters:
        uses_filters.add(spec.title)
pg = st.navigation(sections, expanded=True)  # every page listed: no "View more" in English
zh.install()  # Streamlit's own widget texts (Upload, Choose an option …) in Chinese
# outermost: any other error becomes a Chinese notice (logged), never Streamlit's error box
with page_errors(), database_errors():  # the database gone away: say so; the next rerun reconnects
    title = app_title()  # the county the database is set up for names the app
    st.set_page_config(page_title=title)
    st.sidebar.caption(title)
    auth.sidebar()  # sign-in box; stops here when GWLIB_REQUIRE_LOGIN is set and nobody is in
    if pg.title in uses_filters:
        filters.render(load_townships(), load_years())
    pg.run()
