"""年度目标任务清单 / 导入年度计划: the plan uploader is for editors only, and a .docx bomb
uploaded by an editor gets a Chinese error at once, not a busy server."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from gwui import keys, labels
from tests import zipbombs
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 120
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _tasks_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/tasks.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("role", ["", "viewer"], ids=["anon", "viewer"])
def test_viewer_has_no_plan_uploader(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    if role:
        sign_in(monkeypatch, app_env_writable, "li", role)
    at = _tasks_page()
    assert not at.get("file_uploader")
    assert any(i.value == labels.READ_ONLY for i in at.info)


def test_editor_uploading_a_docx_bomb_gets_a_chinese_error(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch, app_env_writable, "wang", "editor")
    at = _tasks_page()
    start = time.perf_counter()
    at.file_uploader(key=keys.TASKS_UPLOAD).set_value(
        ("行动计划.docx", zipbombs.docx_bomb(), DOCX)
    ).run()
    assert time.perf_counter() - start < 30  # the probe's docx kept the server busy 115 s
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("行动计划.docx" in e and "解压后过大" in e for e in errors), errors
