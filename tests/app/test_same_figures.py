"""A figure a leader may quote reads the same on every page that shows it, and in the brief, for
the same selection (the demo database, default filters, the newest year, its as-of date):
the Ⅴ share, points failing their target, overdue wells and the sealing completion rate."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

TIMEOUT_S = 120


def _run(path: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    if path != "views/overview.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


@pytest.fixture(scope="module")
def pages(app_env_module: str) -> dict[str, dict[str, str]]:
    out = {}
    for name, path in (("overview", "views/overview.py"), ("wells", "views/wells.py"),
                       ("brief", "views/brief.py")):  # fmt: skip
        at = _run(path)
        out[name] = _metrics(at)
        if name == "overview":
            [failing] = [s.value for s in at.subheader if s.value.startswith("未达到目标的点位")]
            out[name]["未达目标类别点位"] = re.search(r"（(\d+) 个", failing).group(1) + " 个"
    return out


def test_v_share(pages: dict[str, dict[str, str]]) -> None:
    assert pages["overview"]["Ⅴ类占比"] == pages["brief"]["Ⅴ类点位占比"]


def test_points_failing_their_target(pages: dict[str, dict[str, str]]) -> None:
    assert pages["overview"]["未达目标类别点位"] == pages["brief"]["未达目标类别点位"]


@pytest.mark.parametrize("label", ["封井完成率", "逾期未封井"])
def test_ledger_figures(pages: dict[str, dict[str, str]], label: str) -> None:
    assert pages["overview"][label] == pages["wells"][label] == pages["brief"][label]


def test_plan_goals_read_the_same_on_overview_checklist_and_brief(app_env_module: str) -> None:
    """Issue 13 item 1: the plan's water-quality targets, evaluated on their points, are the
    same table on 总览, 年度目标任务清单 and in the brief (表9)."""
    from gwlib.brief.data import GOAL_HEADERS, brief_data
    from gwlib.store import Store
    from gwui import keys

    overview = _run("views/overview.py")
    tasks = _run("views/tasks.py")
    o = next(d.value for d in overview.dataframe if "goal" in d.value.columns)
    t = next(d.value for d in tasks.dataframe if "goal" in d.value.columns)
    cols = list(GOAL_HEADERS)
    assert o[cols].astype(str).equals(t[cols].astype(str))
    assert len(o) == 3 and set(o["goal"]) == {"国考区域点位水质达到或优于Ⅴ类",
                                              "国考饮用水源点位水质达到或优于Ⅲ类",
                                              "国考污染风险监控点位水质达到或优于Ⅴ类"}  # fmt: skip
    assert keys.OVERVIEW_GOALS and keys.TASKS_GOALS
    with Store.open(app_env_module) as store:
        years = sorted({int(str(d)[:4]) for d in store.samples()["date"]})
        brief = brief_data(store, years[-1], "", None)
    table9 = next(tb for s in brief.sections for tb in s[1] if "水质目标" in tb.title)
    assert list(table9.frame["目标"]) == list(o["goal"])
    assert list(table9.frame["结果"]) == list(o["result"])
