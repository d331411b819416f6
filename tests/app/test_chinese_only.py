"""Every page, every tab (each lazy tab opened in turn), as an admin who sees every form:
no label, header, option, metric, tab or table header a user reads is English, and no table
cell says None or nan (issue 17, item 5). Tables are checked here, from what the server sends,
because the browser draws them on a canvas; Streamlit's own widget texts are checked in the
browser (tests/e2e/test_chinese_only.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwui import keys, labels
from gwui.pages import PAGES
from tests.app.conftest import APP, sign_in
from tests.english import english

TIMEOUT_S = 120
WIDGETS = ("selectbox", "multiselect", "radio", "text_input", "text_area", "number_input",
           "date_input", "checkbox", "toggle", "button", "download_button", "file_uploader",
           "select_slider", "color_picker")  # fmt: skip
TEXTS = ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success",
         "error", "tabs", "expander", "form_submit_button", "page_link", "text")  # fmt: skip


def _texts(at: AppTest) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for kind in WIDGETS:
        for w in getattr(at, kind):
            out.append((f"{kind} label", getattr(w, "label", "")))
            for option in getattr(w, "options", []) or []:
                out.append((f"{kind} option of {w.label!r}", option))
            if getattr(w, "placeholder", ""):
                out.append((f"{kind} placeholder of {w.label!r}", w.placeholder))
    for kind in TEXTS:
        for e in getattr(at, kind):
            out.append((kind, getattr(e, "label", None) or getattr(e, "value", "")))
    for m in at.metric:
        out += [("metric label", m.label), ("metric value", m.value)]
    return out


def _table_problems(at: AppTest) -> list[str]:
    problems = []
    for d in [*at.dataframe, *at.data_editor]:
        frame: pd.DataFrame = d.value
        config: dict[str, Any] = json.loads(d.proto.columns or "{}")
        for c in frame.columns:
            conf = config.get(str(c), {})
            if conf.get("hidden"):
                continue
            label = conf.get("label") or str(c)
            why = english(label)
            if why:
                problems.append(f"table header {why}")
            if not pd.api.types.is_numeric_dtype(frame[c]):
                shown = {str(v) for v in frame[c].dropna() if isinstance(v, str)}
                bad = shown & {"None", "nan", "NaN", "NaT", "null"}
                bad |= {v for v in shown if re.fullmatch(r"[a-z]+(_[a-z]+)*", v) and english(v)}
                if bad:
                    problems.append(f"table column {label!r} has cells {sorted(bad)[:5]}")
    return problems


#: Pages whose tabs run only when open (``st.tabs(key=…, on_change="rerun")``): tab key -> labels.
LAZY_TABS = {
    "views/quality.py": {keys.QUALITY_TABS: labels.QUALITY_TABS[1:]},
    "views/wells.py": {keys.WELLS_TABS: labels.WELLS_TABS[1:]},
}


@pytest.mark.parametrize("entry", PAGES, ids=lambda p: p.url_path or "home")
def test_page_shows_no_english(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch, entry: Any
) -> None:
    sign_in(monkeypatch, app_env_writable, "GL-01", "admin")  # a login name of no letters
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page(entry.path).run()
    assert not at.exception, [e.value for e in at.exception]
    problems = [f"{where}: {why}" for where, text in _texts(at) if (why := english(text))]
    problems += _table_problems(at)
    for key, tabs in LAZY_TABS.get(entry.path, {}).items():  # only the open tab runs: open each
        for tab in tabs:
            at.session_state[key] = tab
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            problems += [f"{tab} / {where}: {why}" for where, text in _texts(at)
                         if (why := english(text))]  # fmt: skip
            problems += _table_problems(at)
    assert problems == []


def test_a_viewer_reads_an_accepted_wells_record_in_chinese(app_env: str) -> None:
    """A viewer sees the sealing record, its intervals and the documents as tables (an editor
    sees forms): their headers are Chinese too."""
    with Store.open(app_env) as store:
        wells = store.wells()
    code = str(wells.loc[wells["status"] == "已验收销号", "code"].iloc[0])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["code"] = code
    at.run()
    at.switch_page("views/well_record.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=keys.WELL_CODE).value == code
    headers = {str(c) for d in at.dataframe for c in d.value.columns}
    assert {"start_date", "top_m", "filename"} <= headers  # the three tables are there
    assert _table_problems(at) == []
