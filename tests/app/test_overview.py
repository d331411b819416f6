"""Overview page behaviour, driven by the shared filters' widget keys."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from gwlib.quality.annual import QualityFilter
from gwlib.quality.overview import overview_figures
from gwlib.quality.standards import get_standard
from gwlib.store import Store
from gwui import keys
from tests.app.conftest import APP


def _set(at: AppTest, **values: object) -> AppTest:
    """Set shared sidebar filters by key, all in one rerun. (AppTest drops the frame's sidebar
    widgets from its element tree after a rerun, although the browser keeps them.)"""
    for key, value in values.items():
        at.session_state[getattr(keys, key)] = value
    return at.run()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _expected(url: str, flt: QualityFilter, year: int):  # type: ignore[no-untyped-def]
    with Store.open(url) as store:
        return overview_figures(
            store.points(),
            store.samples(),
            store.exceedances(year),
            get_standard(),
            flt,
            year,
            25.0,
        )


def test_year_filter_changes_the_figures(app_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    years = at.selectbox(key=keys.FILTER_YEAR).options
    assert len(years) >= 5
    for label in (years[0], years[-1]):
        year = int(label.split()[0])
        _set(at, FILTER_YEAR=year)
        assert not at.exception
        exp = _expected(app_env, QualityFilter(), year)
        assert _metric(at, "Ⅴ类占比") == f"{exp.v_share:.1f}%"
        assert _metric(at, "已监测点位") == f"{exp.points_sampled} / {exp.points_total} 个"
        assert _metric(at, "到报率") == f"{exp.completeness_rate:.1f}%"


def test_category_and_period_filters(app_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    year = int(at.selectbox(key=keys.FILTER_YEAR).value)
    _set(at, FILTER_YEAR=year, FILTER_PURPOSE=["饮用水源"], FILTER_PERIOD="枯水期")
    assert not at.exception
    exp = _expected(app_env, QualityFilter(purposes=("饮用水源",), period="枯水期"), year)
    assert _metric(at, "已监测点位") == f"{exp.points_sampled} / {exp.points_total} 个"
    assert exp.points_total == 8
    assert _metric(at, "水源点位达到或优于Ⅲ类") == f"{exp.drinking_meets_iii_share:.1f}%"
    failing = next(d.value for d in at.dataframe if "detail" in d.value.columns)
    assert len(failing) == len(exp.failing)


def test_v_goal_sets_the_delta(app_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.number_input(key=keys.OVERVIEW_V_GOAL).set_value(10.0).run()
    metric = next(m for m in at.metric if m.label == "Ⅴ类占比")
    share = float(metric.value.rstrip("%"))
    assert metric.delta == f"{share - 10.0:+.1f} 个百分点"


def test_v_goal_comes_from_the_plans_target(app_env_writable: str) -> None:
    """Without a Ⅴ-share target in the plan the 十四五 figure (25 %) stands; once the plan's
    targets hold one (reviewed on 年度目标任务清单), the overview measures against it."""
    from gwlib.plans.goals import V_SHARE_GOAL, PlanGoal
    from gwlib.store.plans import plan_targets, save_targets
    from tests.accounts import LOCAL

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert at.number_input(key=keys.OVERVIEW_V_GOAL).value == 25.0
    with Store.open(app_env_writable) as store:
        year = max(int(y) for y in store.plan_tasks()["year"])
        goals = [*plan_targets(store, year), PlanGoal("国考", None, 5, "会议确定", V_SHARE_GOAL, 18.0)]
        save_targets(store, LOCAL, year, goals)
    st.cache_data.clear()  # as the page's save does (briefing.clear)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert at.number_input(key=keys.OVERVIEW_V_GOAL).value == 18.0
    metric = next(m for m in at.metric if m.label == "Ⅴ类占比")
    assert metric.delta == f"{float(metric.value.rstrip('%')) - 18.0:+.1f} 个百分点"


def test_failing_points_worst_first_with_an_export(app_env: str) -> None:
    """未达到目标的点位: worst class first, then furthest from the target; every failing point is
    listed (the page caps the table only for a province, with the whole list one export away)."""
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    year = int(at.selectbox(key=keys.FILTER_YEAR).value)
    exp = _expected(app_env, QualityFilter(), year).failing
    assert len(exp) >= 2
    shown = next(d.value for d in at.dataframe if "detail" in d.value.columns)
    assert sorted(shown["point"]) == sorted(exp["point"])
    by_point = exp.set_index("point")
    key = [(-by_point.at[p, "quality_class"],
            by_point.at[p, "target_class"] - by_point.at[p, "quality_class"], p)
           for p in shown["point"]]  # fmt: skip
    assert key == sorted(key)
    labels_ = [b.proto.label for b in at.get("download_button")]
    assert f"导出未达到目标的点位（Excel，{len(exp):,} 个）" in labels_
