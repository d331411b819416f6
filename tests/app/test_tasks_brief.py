"""The brief page shows the pack's numbers; the checklist page edits a task with an audit trail."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from streamlit.testing.v1 import AppTest

from gwlib.brief import build_pack
from gwlib.store import Store
from gwlib.store.tasks import task_log
from gwui import keys
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 120


def _page(path: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pack_numbers_equal_screen_numbers(app_env: str, tmp_path: Path) -> None:
    at = _page("views/brief.py")
    at.selectbox(key=keys.BRIEF_YEAR).select(2024)
    at.selectbox(key=keys.BRIEF_PERIOD).select("枯水期")
    at.button[0].click()  # the form's 更新
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    screen = [
        [list(df.value.columns), *df.value.astype(str).values.tolist()] for df in at.dataframe
    ]
    metrics = [(m.label, m.value) for m in at.metric]
    # 13: 表9 holds the plan's water-quality targets, 表3（续） the recharge and tail-water points
    assert len(screen) == 13 and len(metrics) == 8
    # the same pack the button or `python -m gwlib brief` writes, read back with python-docx
    import gwlib.brief.data as bd

    pack = build_pack(Store.open(app_env), 2024, tmp_path / "p.docx", period="枯水期")
    d = docx.Document(str(pack))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    assert tables == screen
    text = "\n".join(p.text for p in d.paragraphs)
    for label, value in metrics:
        assert f"{label} {value}" in text
    assert bd.STANDARD_NOTE in text
    assert len(at.get("image")) == 3 and len(d.inline_shapes) == 3  # every pack chart on screen


def test_brief_page_builds_a_download(app_env: str) -> None:
    at = _page("views/brief.py")
    at.button(key=keys.BRIEF_BUILD).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("download_button")


def test_checklist_edit_is_logged(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = _page("views/tasks.py")
    assert any("滞后" in m.label for m in viewer.metric)
    form_button = [b for b in viewer.button if "保存" in b.label]
    assert form_button and all(b.disabled for b in form_button)  # read-only without a log-in

    sign_in(monkeypatch, app_env_writable, "wang", "editor")
    at = _page("views/tasks.py")
    at.selectbox(key=keys.TASKS_YEAR).select(2023).run()  # 2025's tasks fall due on the demo's today
    at.checkbox(key=keys.TASKS_OVERDUE).check().run()
    tasks = next(d.value for d in at.dataframe if "overdue" in d.value.columns)
    assert all(tasks["overdue"])
    at.selectbox(key=keys.TASKS_STATUS).select("已完成")
    at.text_area(key=keys.TASKS_EVIDENCE).input("县水务局函〔2023〕12号")
    at.text_input(key=keys.TASKS_NOTE).input("收到验收材料")
    [save] = [b for b in at.button if b.label == "保存"]
    save.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存" in s.value for s in at.success)
    log = task_log(Store.open(app_env_writable))
    assert log.iloc[0]["changed_by"] == "wang"
    assert log.iloc[0]["new_status"] == "已完成"
    assert log.iloc[0]["note"] == "收到验收材料"
