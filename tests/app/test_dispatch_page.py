"""调度与通报 page: a viewer reads; an editor opens a round, two departments report, a 督办 is
issued and answered, and the 通报 is offered for download — each step in the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwui import keys, labels
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 90


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/dispatch.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_cannot_open_a_round(app_env: str) -> None:
    at = _page()
    assert not [b for b in at.button if b.label.startswith("开启")]
    assert any(labels.READ_ONLY in i.value for i in at.info)


def test_a_full_round(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    at = _page()
    at.text_input(key=keys.DISPATCH_CODE).set_value("2023Q4")
    _submit(at, "开启（快照各任务当前进展）")
    assert any("已开启 2023Q4" in s.value for s in at.success)
    at.selectbox(key=keys.DISPATCH_ROUND).set_value("2023Q4").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["填报截止"] == "2024-01-05"
    for unit in ("县水务局", "县自然资源局"):
        at.selectbox(key=keys.DISPATCH_UNIT).set_value(unit)
        at.selectbox(key=keys.DISPATCH_TASK).set_value(8)
        at.selectbox(key=keys.DISPATCH_STATUS).set_value("推进中")
        at.text_area(key=keys.DISPATCH_TEXT).set_value(f"{unit}已完成排查")
        _submit(at, "提交填报")
        assert any(unit in s.value for s in at.success)
    at.text_input(key=keys.DISPATCH_ACT_UNIT).set_value("县能源局")
    at.text_area(key=keys.DISPATCH_REQUIREMENT).set_value("报送封井计划")
    at.date_input(key=keys.DISPATCH_DEADLINE).set_value("2024-01-20")
    _submit(at, "下达")
    assert any("已下达督办" in s.value for s in at.success)
    at.text_area(key=keys.DISPATCH_RESPONSE).set_value("已报送")
    _submit(at, "记录回复")
    assert any("已记录办理情况" in s.value for s in at.success)
    assert at.get("download_button")
    with Store.open(app_env_writable) as store, store.engine.connect() as conn:
        steps = conn.execute(sa.text(
            "select distinct action from audit_log where entity like 'dispatch%' "
            "and user_name = 'zhao'"
        )).scalars().all()  # fmt: skip
    assert set(steps) == {"open", "report", "issue", "respond"}
