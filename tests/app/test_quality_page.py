"""水质类别与趋势 page behaviour, driven by widget keys."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from gwlib.quality.annual import exceedance_table
from gwlib.quality.standards import get_standard
from gwlib.store import Store
from gwui import keys, labels
from tests.app.conftest import APP


def _quality_page(tab: str = labels.QUALITY_TABS[0]) -> AppTest:
    """The page with ``tab`` open (only the open tab runs)."""
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/quality.py")
    at.session_state[keys.QUALITY_TABS] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tab(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(t for t in at.tabs if t.label == label)


def test_only_the_open_tab_runs(app_env: str) -> None:
    """A province's first visit draws one tab's charts, not five's; each tab runs when opened."""
    at = _quality_page()
    assert len(at.tabs) == len(labels.QUALITY_TABS)
    assert len(_tab(at, "类别变化").children) > 0
    assert all(len(_tab(at, t).children) == 0 for t in labels.QUALITY_TABS[1:])
    for label in labels.QUALITY_TABS[1:]:
        at.session_state[keys.QUALITY_TABS] = label
        at.run()
        assert not at.exception
        assert len(_tab(at, label).children) > 0, label
        assert len(_tab(at, "类别变化").children) == 0


def test_exceedance_table_follows_year_filter(app_env: str) -> None:
    at = _quality_page("超标明细")
    year = 2021
    at.session_state[keys.FILTER_YEAR] = year  # sidebar filter, set by key
    at.run()
    with Store.open(app_env) as store:
        ex = exceedance_table(store.measurements(), store.points(), get_standard())
    expected = ex[ex["date"].astype(str).str.startswith(str(year))]
    assert len(_tab(at, "超标明细").dataframe[0].value) == len(expected)
    assert len(expected) > 0


def test_point_report_shows_trend_statistics(app_env: str) -> None:
    at = _quality_page("单点报告")
    box = at.selectbox(key=keys.QUALITY_POINT)
    point = box.options[-1].split("\u3000")[0]  # options are shown as "code　name"
    box.select(point).run()
    assert not at.exception
    assert at.selectbox(key=keys.QUALITY_POINT).value == point
    picked = at.multiselect(key=f"{keys.QUALITY_POINT_INDICATORS}.{point}").value
    assert picked, "the limiting indicators are preselected"
    texts = " ".join(m.value for m in at.markdown)
    assert "Kendall τ" in texts and "Sen 斜率" in texts and "趋势：" in texts
    assert point


def test_township_filter_narrows_the_matrix(app_env: str) -> None:
    at = _quality_page("指标矩阵")
    full = len(_tab(at, "指标矩阵").dataframe[0].value)
    with Store.open(app_env) as store:
        pts = store.points()
    township = sorted(pts["township"])[0]
    at.session_state[keys.FILTER_TOWNSHIP] = [township]  # sidebar filter, set by key
    at.run()
    narrowed = _tab(at, "指标矩阵").dataframe[0].value
    assert 0 < len(narrowed) < full
    allowed = set(pts[pts["township"] == township]["code"])
    assert set(narrowed["point"]) <= allowed


def test_another_point_opens_on_its_own_limiting_indicators(app_env: str) -> None:
    """Issue 17 item 7: the selection of one point is not carried to the next."""
    from gwlib.quality.report import point_report

    at = _quality_page("单点报告")
    box = at.selectbox(key=keys.QUALITY_POINT)
    codes = [o.split("\u3000")[0] for o in box.options]
    with Store.open(app_env) as store:
        samples, meas, pts = store.samples(), store.measurements(), store.points()
    reports = {c: point_report(meas, samples, pd.DataFrame(columns=["point", "indicator_code"]),
                               get_standard(), c) for c in codes}  # fmt: skip
    a, b = next((x, y) for x in codes for y in codes
                if reports[x].limiting and reports[y].limiting
                and set(reports[x].limiting) != set(reports[y].limiting))  # fmt: skip
    box.select(a).run()
    first = at.multiselect(key=f"{keys.QUALITY_POINT_INDICATORS}.{a}")
    first.set_value([*first.value, *[c for c in reports[a].indicators
                                     if c not in first.value][:1]]).run()  # the user adds one
    at.selectbox(key=keys.QUALITY_POINT).select(b).run()
    assert not at.exception
    assert at.multiselect(key=f"{keys.QUALITY_POINT_INDICATORS}.{b}").value == reports[b].limiting
    target = int(pts.set_index("code").loc[b, "target_class"])
    head = next(m.value for m in at.markdown if m.value.startswith("最新采样"))
    assert f"目标 {'ⅠⅡⅢⅣⅤ'[target - 1]}类" in head and "定类指标：" in head


def test_a_map_link_opens_the_point_it_names(app_env: str) -> None:
    """Issue 17 item 3: 查看详情 of a point's popup (/quality?point=CODE) opens that point, and a
    well's popup links to 单井档案."""
    from gwui.mapfeatures import record_url

    assert record_url("well", "JX-FJ-0001") == "/well-record?code=JX-FJ-0001"
    assert record_url("point", "JX-GK-01") == "/quality?point=JX-GK-01"
    with Store.open(app_env) as store:
        last = sorted(store.points()["code"])[-1]
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["point"] = last
    at.run()
    at.switch_page("views/quality.py").run()
    assert not at.exception
    assert at.selectbox(key=keys.QUALITY_POINT).value == last


def test_point_report_shows_class_and_water_level_together(app_env_writable: str) -> None:
    """Issue 14 item 3: a point whose samples carry 水位埋深 gets the synchronous chart and the
    per-period table of class and level; one without does not."""
    import sqlalchemy as sa

    with Store.open(app_env_writable) as store, store.transaction() as conn:
        conn.execute(sa.text(
            "UPDATE sample SET water_level_m = 10.5 WHERE point_id = "
            "(SELECT id FROM monitoring_point WHERE code = 'JX-SY-03')"))  # fmt: skip
    at = _quality_page("单点报告")
    at.selectbox(key=keys.QUALITY_POINT).select("JX-SY-03").run()
    assert not at.exception
    sync = next(d.value for d in at.dataframe if "level_mean" in d.value.columns)
    assert set(sync["level_mean"]) == {10.5} and set(sync["quality_class"]) <= set("ⅠⅡⅢⅣⅤ")
    at.selectbox(key=keys.QUALITY_POINT).select("JX-SY-01").run()
    assert not [d for d in at.dataframe if "level_mean" in d.value.columns]


def test_recharge_tab_lists_each_points_result_and_filing(app_env: str) -> None:
    """回灌 and 地热尾水 points: the latest 结论 against the county's requirement and the 报备
    status, as gwlib computes them; 农田灌溉 points are named as not yet judged (no GB 5084)."""
    from gwlib.quality.point_checks import point_checks
    from gwlib.quality.requirements import requirement_for

    at = _quality_page("回灌与地热尾水")
    shown = _tab(at, "回灌与地热尾水").dataframe[0].value
    with Store.open(app_env) as store:
        points = store.points()
        judged = points[[requirement_for(p) is not None for p in points["purpose"]]]
        as_of = pd.Timestamp(store.get_meta("as_of")).date()
        expected, _ = point_checks(judged, store.measurements(points=list(judged["code"])), as_of)
    assert len(expected) == 3
    assert shown["point"].tolist() == expected["point"].tolist()
    assert shown["result"].tolist() == expected["result"].tolist()
    assert shown["filing"].tolist() == expected["filing"].tolist()
    metrics = {m.label: m.value for m in _tab(at, "回灌与地热尾水").metric}
    assert metrics["报备逾期（个）"] == str((expected["filing"] == "报备逾期").sum())
    assert any("GB 5084-2021" in i.value for i in at.info)


def test_point_report_of_a_tail_water_point_says_its_result_and_filing(app_env: str) -> None:
    at = _quality_page("单点报告")
    at.selectbox(key=keys.QUALITY_POINT).select("JX-HG-02").run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown)
    assert "回灌水质要求：最近一次采样" in texts and "报备逾期（最近 2024-10-08" in texts
