"""检测结果导入 page: viewers see no upload; an editor previews a file (new samples, rejected rows
named by row and reason, suspicious values to confirm), commits it, sees which annual classes
changed, then withdraws the batch with a reason."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwlib.store.results import batches
from gwui import keys, labels
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 90
CSV = (
    "点位编码,采样日期,水期,指标,监测值,单位\n"
    "JX-GK-01,2025-11-20,枯水期,氟化物,3.5,mg/L\n"
    "JX-GK-01,2025-11-20,枯水期,pH,15,无量纲\n"
    "JX-XX-99,2025-11-20,枯水期,氟化物,0.5,mg/L\n"
).encode()


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/results_import.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_sees_history_but_no_upload(app_env: str) -> None:
    at = _page()
    assert not at.get("file_uploader")
    assert any(i.value == labels.READ_ONLY for i in at.info)
    # the batch history: the demo's one batch, its QC samples (平行样, 现场空白)
    assert _frame(at, "file_name")["file_name"].tolist() == ["质控样（模拟数据）.csv"]
    pairs = _frame(at, "rd_pct")
    assert len(pairs) >= 10 and set(pairs.columns) >= {"routine", "parallel", "sample_code"}
    assert _frame(at, "qc_type")["qc_type"].tolist() == ["现场空白"]  # a blank's detection


def test_editor_previews_commits_and_withdraws(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    at = _page()
    at.file_uploader(key=keys.RESULTS_UPLOAD).set_value(("枯水期.csv", CSV, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["新增样品"] == "1 个" and metrics["拒收"] == "1 行"
    issues = _frame(at, "reason")
    assert issues["row"].tolist() == [4] and "不在点位登记表中" in issues["reason"].iloc[0]
    assert any("JX-XX-99" in w.value.replace("\\", "") for w in at.warning)
    commit = at.button(key=keys.RESULTS_COMMIT)
    assert commit.disabled  # the suspicious pH has to be confirmed first
    at.checkbox(key=keys.RESULTS_CONFIRM).check().run()
    at.button(key=keys.RESULTS_COMMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("imported 1, updated 0, unchanged 0, rejected 1" in s.value for s in at.success)
    changed = _frame(at, "new_class")
    assert changed.loc[changed["point"] == "JX-GK-01", "new_class"].tolist() == ["Ⅴ类"]
    with Store.open(app_env_writable) as store:
        [batch] = batches(store)["id"].tolist()[:1]
        assert (store.samples(points=["JX-GK-01"])["date"].astype(str) == "2025-11-20").sum() == 1

    at = _page()
    at.selectbox(key=keys.RESULTS_WITHDRAW_BATCH).select(batch)
    at.text_input(key=keys.RESULTS_WITHDRAW_REASON).input("单位写错")
    at.button(key=keys.RESULTS_WITHDRAW).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"已撤回批次 {batch}" in s.value for s in at.success)
    with Store.open(app_env_writable) as store:
        assert (store.samples(points=["JX-GK-01"])["date"].astype(str) == "2025-11-20").sum() == 0
        assert batches(store).set_index("id").loc[batch, "withdraw_reason"] == "单位写错"


def test_a_file_of_qc_samples_only_is_previewed_and_committed(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 平行样 of a stored sample: no new sample, one QC sample to add; the commit is allowed and
    the QC section then lists its relative differences."""
    with Store.open(app_env_writable) as store:
        s = store.samples(points=["JX-GK-01"]).sort_values("date").iloc[-1]
    day = pd.Timestamp(s["date"]).date()
    csv = ("点位编码,采样日期,样品编号,样品类型,指标,监测值,单位\n"
           f"JX-GK-01,{day},PX-T1,平行样,氟化物,0.5,mg/L\n").encode()  # fmt: skip
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    at = _page()
    at.file_uploader(key=keys.RESULTS_UPLOAD).set_value(("平行样.csv", csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["新增样品"] == "0 个"
    qc = _frame(at, "measurements")
    assert qc[["sample_code", "qc_type", "status"]].values.tolist() == [["PX-T1", "平行样", "新增"]]
    commit = at.button(key=keys.RESULTS_COMMIT)
    assert not commit.disabled
    commit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    pairs = _frame(at, "rd_pct")
    assert "PX-T1" in set(pairs["sample_code"])
