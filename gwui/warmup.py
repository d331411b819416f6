"""Once per server process, in the background: load what the first visit to a page would
otherwise wait for. Today that is the brief's charts — matplotlib and the CJK font, about half a
second at the first drawing — so 联席会议简报 opens as fast as the other pages."""

from __future__ import annotations

import logging
import threading

import pandas as pd
import streamlit as st

from gwlib.errors import GwlibError

log = logging.getLogger(__name__)


def _charts() -> None:
    from gwlib.brief.charts import render

    try:
        render("quality", pd.DataFrame())  # draws 无数据: loads the library and the font
    except GwlibError as exc:  # no CJK font: the brief page says so itself
        log.info("warm-up skipped: %s", exc)


@st.cache_resource(show_spinner=False)
def start() -> threading.Thread:
    """Start the warm-up (once per process: a cached resource)."""
    thread = threading.Thread(target=_charts, name="gw-warm-up", daemon=True)
    thread.start()
    return thread
