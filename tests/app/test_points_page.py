"""监测点位登记 page: viewers download only; an editor previews a register (new, changed and
rejected rows), commits it, and edits one point in the form — all with audit rows."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from gwlib.quality.register import HEADERS
from gwlib.store import Store
from gwui import keys, labels
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 90


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/points_register.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_downloads_but_cannot_import(app_env: str) -> None:
    at = _page()
    assert not at.get("file_uploader")
    assert any(i.value == labels.READ_ONLY for i in at.info)
    assert len(at.get("download_button")) == 3


def test_editor_imports_and_edits(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    with Store.open(app_env_writable) as store:
        old = store.points().iloc[0]
    rows = [
        ",".join(HEADERS),
        f"{old['code']},{old['name']}（改）,{old['category']},{old['purpose']},{old['township']},"
        f"{old['lon']},{old['lat']},,,,,{old['aquifer']},{old['burial']},,{old['frequency']},"
        f"{old['status']},",
        "JX-NEW-01,新建监测井,县控,区域,古绛镇,111.57,35.49,,,,80,孔隙,潜水,Ⅲ,丰枯各1次,在用,",
        "JX-NEW-02,坏行,县级,区域,古绛镇,111.57,35.49,,,,,孔隙,潜水,,,,",
    ]
    data = ("\n".join(rows) + "\n").encode()
    at = _page()
    at.file_uploader(key=keys.POINTS_UPLOAD).set_value(("点位.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["新增点位"], metrics["修改点位"], metrics["拒收"]) == ("1 个", "1 个", "1 行")
    issues = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert 4 in issues["row"].tolist()
    at.button(key=keys.POINTS_COMMIT).click().run()
    assert any("imported 1, updated 1" in s.value for s in at.success)
    at.selectbox(key=keys.POINTS_EDIT_CODE).set_value("JX-NEW-01").run()
    next(t for t in at.text_input if t.label == "点位名称").set_value("新建监测井（复核）")
    next(b for b in at.button if b.label == "保存点位").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存点位 JX-NEW-01" in s.value for s in at.success)
    with Store.open(app_env_writable) as store:
        p = store.points().set_index("code")
        assert p.loc["JX-NEW-01", "name"] == "新建监测井（复核）"
        assert p.loc["JX-NEW-01", "target_class"] == 3
        assert p.loc[old["code"], "name"] == f"{old['name']}（改）"
        with store.engine.connect() as conn:
            audit = pd.read_sql(sa.text("select action, entity_key, field, new_value from "
                                        "audit_log where entity = 'point'"), conn)  # fmt: skip
    assert ("update", "JX-NEW-01", "点位名称", "新建监测井（复核）") in set(
        map(tuple, audit.to_numpy())
    )
