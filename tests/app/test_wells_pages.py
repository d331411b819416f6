"""The ledger pages under AppTest on their own demo database: an editor signs in and moves a
well to the next stage (the step shows in its history); a viewer sees no edit forms."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gwlib.store import Store, audit
from gwlib.store import documents as documents_store
from gwlib.store import ledger as L
from gwlib.store.users import create_user
from gwui import keys, labels
from tests.accounts import LOCAL
from tests.app.conftest import APP, ROOT, sign_in
from tests.demo_db import copy_demo

TIMEOUT_S = 60
CODE = "JX-FJ-0001"  # planted demo well, status 已排查登记


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> str:
    url = copy_demo(demo_db, tmp_path_factory.mktemp("ledgerdb") / "demo.sqlite")
    store = Store.open(url)
    create_user(store, "zhang", "editor", "Editor-password-1", "张工", by=LOCAL)
    create_user(store, "boss", "viewer", "Viewer-password-1", "局领导", by=LOCAL)
    store.close()
    return url


@pytest.fixture
def env(ledger_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("GWLIB_DB_URL", ledger_db)
    monkeypatch.setenv("GWLIB_ATTACHMENTS_DIR", str(tmp_path / "att"))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(
        "streamlit.runtime.state.session_state.SessionState._check_serializable",
        lambda self: None,
    )
    st.cache_data.clear()
    st.cache_resource.clear()
    yield ledger_db
    st.cache_data.clear()
    st.cache_resource.clear()


def _login(at: AppTest, monkeypatch: pytest.MonkeyPatch, url: str, user: str) -> None:
    """Signed in as gwui.auth leaves it (the sign-in form itself is driven in the browser test,
    tests/e2e/test_wells_ledger.py)."""
    sign_in(monkeypatch, url, user, "viewer")
    at.run()


def _detail(at: AppTest) -> AppTest:
    at.switch_page("views/well_record.py").run()
    at.selectbox(key=keys.WELL_CODE).set_value(CODE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_editor_moves_well_to_next_stage(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    _login(at, monkeypatch, env, "zhang")
    _detail(at)
    assert at.selectbox(key=keys.WELL_TO).value == "已核查评估"
    version = L.well(Store.open(env), CODE)["version"]
    at.text_area(key=keys.well_note(CODE, version)).input("现场核查完成")
    at.button(key=keys.WELL_TRANSITION_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = Store.open(env)
    assert L.well(store, CODE)["status"] == "已核查评估"
    hist = audit.history(store, CODE)
    assert hist.loc[0, "user_name"] == "zhang" and hist.loc[0, "new_value"] == "已核查评估"
    assert L.events(store, CODE).iloc[-1]["note"] == "现场核查完成"
    shown = [d.value for d in at.dataframe if "new_value" in d.value.columns]
    assert shown and "已核查评估" in set(shown[0]["new_value"])  # the history tab


def test_viewer_cannot_edit(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    _login(at, monkeypatch, env, "boss")
    _detail(at)
    assert any("只读" in i.value for i in at.info)
    with pytest.raises(KeyError):
        at.button(key=keys.WELL_TRANSITION_SUBMIT)
    with pytest.raises(KeyError):
        at.button(key="well.edit.submit")
    at.switch_page("views/wells_io.py").run()
    assert any("只读" in i.value for i in at.info)


@pytest.mark.parametrize(("user", "role"), [("zhang", "editor"), ("boss", "viewer")])
def test_hidden_columns_never_reach_the_browser(
    env: str, user: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attachment's file name on disk (stored_name) and internal keys are dropped from the
    frames the ledger pages send, not merely hidden on screen: AppTest sees what the browser
    receives."""
    store = Store.open(env)
    code = next(c for c in store.wells()["code"] if c != CODE)
    documents_store.add_document(store, audit.Actor("zhang"), code, "现场照片.jpg", b"\xff\xd8photo",
                   "照片", Path(os.environ["GWLIB_ATTACHMENTS_DIR"]))  # fmt: skip
    store.close()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    _login(at, monkeypatch, env, user)
    at.switch_page("views/well_record.py").run()
    at.selectbox(key=keys.WELL_CODE).set_value(code).run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value for d in at.dataframe]
    at.switch_page("views/wells.py").run()
    assert not at.exception, [e.value for e in at.exception]
    frames += [d.value for d in at.dataframe]
    for tab in labels.WELLS_TABS[1:]:  # only the open tab runs: open each
        at.session_state[keys.WELLS_TABS] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        frames += [d.value for d in at.dataframe]
    assert len(frames) >= 1 + len(labels.WELLS_TABS)  # the docs table and one per tab
    assert any("现场照片.jpg" in set(f.get("filename", [])) for f in frames)  # the docs table
    sent = {str(c) for f in frames for c in f.columns}
    assert not sent & {"stored_name", "id", "version", "deleted"}, sent


def test_ledger_import_warns_of_an_unknown_township_and_refreshes_counts(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 item 6: 幸福镇 is not a township of the county (a warning naming the row, the
    well is imported); after the import the page's counts are read again; the button says what
    a partial import does."""
    from gwlib.io.wells import HEADERS

    store = Store.open(env)
    before = len(store.wells())
    store.close()
    csv = (",".join(HEADERS[:5]) + "\nJX-NEW-0001,取水井,农田灌溉井,幸福镇,南村\n"
           "JX-NEW-0002,火箭井,,古绛镇,北村\n").encode()  # fmt: skip
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    _login(at, monkeypatch, env, "zhang")
    at.switch_page("views/wells_io.py").run()
    at.file_uploader(key=keys.WELLSIO_UPLOAD).set_value(("台账.csv", csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    issues = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    town = issues[issues["column"] == "乡镇"]
    assert list(town["value"]) == ["幸福镇"] and list(town["severity"]) == ["提示"]
    assert "不是本县已登记的乡镇" in town["reason"].iloc[0]
    button = at.button(key=keys.WELLSIO_COMMIT)
    assert "被拒绝的行不写入" in button.label and "全部不写" not in button.label
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("新增 1 眼" in s.value and "拒绝 1 行" in s.value for s in at.success)
    export = next(b for b in at.get("download_button") if "导出全部台账" in b.proto.label)
    assert f"（{before + 1} 眼" in export.proto.label


def test_lifecycle_step_then_the_next_starts_clean(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17 item 8: after a step the page says it was saved, shows where the well stands,
    and the next step's 说明 is empty; attachments can be downloaded; times are local."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    _login(at, monkeypatch, env, "zhang")
    code = next(c for c in Store.open(env).wells().query("status == '已排查登记'")["code"]
                if c != CODE)
    import sqlalchemy as sa

    with Store.open(env).engine.begin() as conn:
        conn.execute(sa.text("update app_user set display_name = '张工' where username = 'zhang'"))
    at.switch_page("views/well_record.py").run()
    at.selectbox(key=keys.WELL_CODE).set_value(code).run()
    assert any("**● 已排查登记**" in m.value for m in at.markdown)
    version = L.well(Store.open(env), code)["version"]
    at.text_area(key=keys.well_note(code, version)).input("现场核查完成")
    at.button(key=keys.WELL_TRANSITION_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("状态变更已保存" in s.value for s in at.success)
    events = next(d.value for d in at.dataframe if "to_status" in d.value.columns)
    assert events["user_name"].iloc[-1] == "张工"  # the person's name, not the login
    assert any("✓ 已排查登记" in m.value and "**● 已核查评估**" in m.value for m in at.markdown)
    nxt = at.text_area(key=keys.well_note(code, L.well(Store.open(env), code)["version"]))
    assert nxt.value == ""
    documents_store.add_document(Store.open(env), audit.Actor("zhang"), code, "验收单.pdf", b"%PDF-1.4 x", "验收报告",
                   Path(os.environ["GWLIB_ATTACHMENTS_DIR"]))  # fmt: skip
    at.run()
    assert any(b.proto.label == "下载所选附件" for b in at.get("download_button"))
    docs = next(d.value for d in at.dataframe if "filename" in d.value.columns)
    assert docs["uploaded_at"].str.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$").all()


def test_a_link_to_a_well_opens_it_even_after_another_was_viewed(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger row ticked (or a map popup's link) opens /well-record?code=…: that well, even
    when the page was last left on another one; the user's own choice then stays."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    _login(at, monkeypatch, env, "boss")
    _detail(at)  # left on CODE
    other = "JX-FJ-0002"
    at.query_params["code"] = other
    at.switch_page("views/well_record.py").run()
    assert at.selectbox(key=keys.WELL_CODE).value == other
    at.selectbox(key=keys.WELL_CODE).set_value(CODE).run()  # the user picks another well
    assert at.selectbox(key=keys.WELL_CODE).value == CODE  # not pulled back to the link's


def test_a_large_ledger_picks_the_township_first(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A city's or province's ledger (more wells than WELL_PICK_MAX): 单井档案 lists the wells of
    one 乡镇 (not every code in one list); a link opens its well with that well's 乡镇; another
    乡镇 lists only its own wells."""
    from gwui import ledger as ledger_ui

    with Store.open(env) as store:
        wells = store.wells()
    monkeypatch.setattr(ledger_ui, "WELL_PICK_MAX", len(wells) // 2)
    town_of = dict(zip(wells["code"], wells["township"], strict=True))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    _login(at, monkeypatch, env, "boss")
    at.query_params["code"] = CODE
    at.switch_page("views/well_record.py").run()
    assert not at.exception, [e.value for e in at.exception]
    town = at.selectbox(key=keys.WELL_TOWN)
    assert town.value == town_of[CODE]
    assert set(town.options) == set(wells["township"])
    picker = at.selectbox(key=keys.WELL_CODE)
    assert picker.value == CODE
    assert set(picker.options) == {c for c, t in town_of.items() if t == town_of[CODE]}
    other = next(t for t in town.options if t != town_of[CODE])
    town.set_value(other).run()
    picker = at.selectbox(key=keys.WELL_CODE)
    assert set(picker.options) == {c for c, t in town_of.items() if t == other}
    assert town_of[picker.value] == other
    assert any(m.label == "状态" for m in at.metric)  # that well's record is shown


def test_a_county_ledger_lists_every_well_in_one_picker(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    _login(at, monkeypatch, env, "boss")
    at.switch_page("views/well_record.py").run()
    with Store.open(env) as store:
        assert len(at.selectbox(key=keys.WELL_CODE).options) == len(store.wells())
    assert not [s for s in at.selectbox if s.key == keys.WELL_TOWN]
