"""水源地登记 and 污染源登记 pages: viewers can download but not upload; an editor previews a
file (counts, rejected rows by row and reason, changed fields old → new) and commits it."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gwlib.sources.register_spec import SOURCES, register_frame
from gwlib.store import Store
from gwlib.store.results import batches
from gwui import keys, labels
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 90
PAGES = {
    "sources": ("views/sources_import.py", keys.SOURCES_IMPORT),
    "pollution": ("views/pollution_import.py", keys.POLLUTION_IMPORT),
}


def _page(kind: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page(PAGES[kind][0]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("kind", ["sources", "pollution"])
def test_viewer_is_read_only(app_env: str, kind: str) -> None:
    at = _page(kind)
    assert not at.get("file_uploader")
    assert any(i.value == labels.READ_ONLY for i in at.info)
    assert any("还没有导入过" in c.value for c in at.caption)  # the batch history, empty
    assert not at.get("button") or not any(
        b.key == PAGES[kind][1].commit for b in at.get("button")
    )


def _demo_register(url: str, kind: str) -> pd.DataFrame:
    with Store.open(url) as s:
        return s.drinking_sources() if kind == "sources" else s.pollution_sources()


def test_editor_commits_a_sources_file(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    demo = _demo_register(app_env_writable, "sources")
    sheet = register_frame(SOURCES, demo)
    first, population = sheet.loc[0, "水源编码"], int(sheet.loc[0, "服务人口(人)"])
    sheet.loc[0, "服务人口(人)"] = population + 100
    extra = pd.DataFrame(
        [["NEW-01", "新水源（模拟）", "乡镇级", "孔隙", "古绛镇", 111.55, 35.48],
         ["BAD-01", "坏行", "不知道", "孔隙", "古绛镇", 111.55, 35.48]],
        columns=["水源编码", "水源名称", "水源规模", "水源类型", "乡镇", "经度", "纬度"],
    )  # fmt: skip
    sheet = pd.concat([sheet.iloc[:1], extra], ignore_index=True)
    csv = sheet.to_csv(index=False).encode()
    at = _page("sources")
    k = PAGES["sources"][1]
    at.file_uploader(key=k.upload).set_value(("水源地.csv", csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"新增": "1 条", "修改": "1 条", "未变": "0 条", "拒收": "1 行"}
    issues = _frame(at, "reason")
    assert issues["row"].tolist() == [4] and issues["column"].tolist() == ["水源规模"]
    diff = _frame(at, "old")
    assert diff[["code", "field", "old", "new"]].values.tolist() == [
        [first, "服务人口(人)", str(population), str(population + 100)]
    ]
    at.button(key=k.commit).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("imported 1, updated 1, unchanged 0, rejected 1" in s.value for s in at.success)
    after = _demo_register(app_env_writable, "sources").set_index("code")
    assert after.loc[first, "population"] == population + 100
    assert "NEW-01" in after.index and "BAD-01" not in after.index
    with Store.open(app_env_writable) as s:
        assert batches(s, "sources")["user_name"].tolist() == ["zhao"]
    history = _frame(at, "file_name")
    assert history[["file_name", "user_name", "n_new", "n_updated"]].values.tolist() == [
        ["水源地.csv", "zhao", 1, 1]
    ]


def test_editor_commits_a_pollution_file(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    csv = (
        "污染源编码,污染源名称,污染源类别,乡镇,X坐标,Y坐标,坐标系,重点排污单位,排污许可证编号,自行监测\n"
        "WR-NEW,新化工（模拟）,化学品生产企业,古绛镇,3930123.4,37512345.6,EPSG:4525,是,91140826XX,是\n"
    ).encode()
    at = _page("pollution")
    k = PAGES["pollution"][1]
    at.file_uploader(key=k.upload).set_value(("污染源.csv", csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["新增"] == "1 条"
    at.button(key=k.commit).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("imported 1, updated 0, unchanged 0, rejected 0" in s.value for s in at.success)
    got = _demo_register(app_env_writable, "pollution").set_index("code").loc["WR-NEW"]
    assert got["permit_no"] == "91140826XX" and bool(got["self_monitoring"])
    assert 111 < got["lon"] < 112 and 35 < got["lat"] < 36
