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


PLAN_AGAIN = """绛县地下水污染防治2023年度行动计划
一、主要任务
（一）推进报废矿井、钻井、取水井封井回填。2023年6月30日前建立清单。（牵头单位：县水务局）
（二）开展地下水环境监测。（牵头单位：运城市生态环境局绛县分局）
"""


def test_importing_the_years_plan_again_asks_and_replaces(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 item 9: a second plan for 2023 of the same region is not saved silently beside
    the first; replacing it leaves one plan, current, that the checklist uses."""
    from gwlib.store import Store
    from gwlib.store.plans import current_title, plans_of

    sign_in(monkeypatch, app_env_writable, "wang", "editor")
    at = _tasks_page()
    at.file_uploader(key=keys.TASKS_UPLOAD).set_value(
        ("行动计划.txt", PLAN_AGAIN.encode(), "text/plain")).run()  # fmt: skip
    assert not at.exception, [e.value for e in at.exception]
    radio = at.radio(key=keys.TASKS_REPLACE)
    assert radio.options[0].startswith("替换「绛县地下水污染防治2023年行动计划」")
    radio.set_value(radio.options[0])
    next(b for b in at.button if b.label == "保存计划").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("设为 2023 年的当前计划" in s.value for s in at.success)
    with Store.open(app_env_writable) as store:
        assert list(plans_of(store, 2023)["title"]) == ["绛县地下水污染防治2023年度行动计划"]
        assert current_title(store, 2023) == "绛县地下水污染防治2023年度行动计划"
