"""Issue 13 item 2: each task is measured by what its text demands, and a plan is judged as of
its own deadlines (a 2023 plan's figures are 2023's, whatever year the data reaches)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gwlib.plans.checklist import build_checklist
from gwlib.plans.metrics import MetricData, bind, evaluate, stated_rate
from gwlib.store import Store
from gwlib.store.tasks import task_statuses

EMPTY = pd.DataFrame()


def _data(**frames: pd.DataFrame) -> MetricData:
    base = {"samples": EMPTY, "wells": EMPTY, "sources": EMPTY, "zones": EMPTY,
            "pollution": EMPTY}  # fmt: skip
    return MetricData(**{**base, **frames})


def test_a_sealing_rate_binds_only_where_the_text_states_one_and_is_the_goal() -> None:
    title = "推进报废矿井、钻井、取水井封井回填"
    assert bind(title, "于2023年6月底前建立报废矿井、钻井、取水井清单，督促开展封井回填。") == [
        "wells_registered"]
    text = "建立清单；年底前封井回填完成率达到90%，验收销号率不低于60％。"
    assert stated_rate(text) == 90.0
    assert bind(title, text) == ["wells_registered", "wells_sealed", "wells_accepted"]
    wells = pd.DataFrame({"code": list("ABCDEFGHIJ"), "status": ["已封井待验收"] * 9 + ["施工中"],
                          "actual_completion": [dt.date(2023, 5, 1)] * 9 + [None],
                          "survey_date": [dt.date(2023, 1, 1)] * 10})  # fmt: skip
    r = evaluate("wells_sealed", _data(wells=wells), 2023, dt.date(2023, 12, 31), rate=90.0)
    assert (r.value, r.goal, r.pct) == (9.0, 9.0, 100.0)  # 9 of 10 = the 90 % demanded


def test_key_dischargers_are_judged_by_permit_and_self_monitoring() -> None:
    p = pd.DataFrame({"key_discharger": [True, True, True, False],
                      "permit_no": ["91140826MA0001", "", "91140826MA0003", ""],
                      "self_monitoring": [True, True, False, False],
                      "networked": [False, True, True, False]})  # fmt: skip
    r = evaluate("key_dischargers_listed", _data(pollution=p), 2023, dt.date(2023, 12, 31))
    assert (r.value, r.goal) == (1.0, 3.0)  # only the first has both; 联网 does not count
    assert "排污许可 2 家" in r.note and "自行监测 2 家" in r.note


def test_drinking_monitoring_done_needs_a_normal_period_sample_at_national_points() -> None:
    s = pd.DataFrame({
        "point": ["G1", "G1", "G2", "C1", "C2"],
        "category": ["国考", "国考", "国考", "县控", "县控"],
        "purpose": ["饮用水源"] * 5,
        "date": pd.to_datetime(["2023-04-01", "2023-08-01", "2023-04-01", "2023-05-01",
                                "2024-05-01"]),
        "period": ["枯水期", "平水期", "枯水期", "枯水期", "枯水期"],
    })  # fmt: skip
    r = evaluate("drinking_monitored", _data(samples=s), 2023, dt.date(2023, 12, 31))
    assert (r.value, r.goal) == (2.0, 4.0)  # G1 (平水期) and C1; not G2 (枯水期 only), not C2
    early = evaluate("drinking_monitored", _data(samples=s), 2023, dt.date(2023, 6, 30))
    assert early.value == 1.0  # by 2023-06-30 only C1 is done


def test_a_2023_plan_is_judged_at_2023_12_31_on_data_reaching_2025(demo_url: str) -> None:
    store = Store.open(demo_url)
    tasks = store.plan_tasks(2023)
    data = MetricData.from_store(store)
    at_2025 = build_checklist(tasks, task_statuses(store, 2023), data, dt.date(2025, 12, 31))
    assert at_2025.as_of == dt.date(2023, 12, 31)
    at_2023 = build_checklist(tasks, task_statuses(store, 2023), data, dt.date(2023, 12, 31))
    assert at_2025.tasks.equals(at_2023.tasks)  # the later data changes nothing
    task8 = at_2025.tasks.set_index("number").loc[8]
    w = store.wells()
    on_time = int((pd.to_datetime(w["survey_date"]) <= pd.Timestamp(2023, 6, 30)).sum())
    assert task8["progress"] == pytest.approx(on_time / len(w) * 100)
