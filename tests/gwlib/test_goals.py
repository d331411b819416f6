"""Issue 13 item 1: the plan's 工作目标 are read per network level and purpose and evaluated on
exactly those points; a 2023 plan is judged on 2023's classes at 2023-12-31 though the data
reaches 2025. Small hand-built frames with answers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gwlib.plans.goals import MET, NO_POINTS, NOT_MET, PlanGoal, evaluate_goals, plan_goals

GOALS_2023 = ("全县地下水环境质量总体保持稳定，地下水国考区域点位水质不低于V类，地下水国考饮用水源"
              "点位水质达到或优于Ⅲ类，地下水国考污染风险监控点位水质不低于V类；省控水源点位达到或"
              "优于Ⅱ类。")  # fmt: skip

POINTS = pd.DataFrame(
    [  # code, name, category, purpose
        ("A", "国考区域井", "国考", "区域"),
        ("B", "国考水源井", "国考", "饮用水源"),
        ("C", "县控水源井", "县控", "饮用水源"),  # a 水源 point, but not 国考
        ("D", "国考风险监控井", "国考", "污染风险监控"),
        ("E", "省控水源井", "省控", "饮用水源"),
    ],
    columns=["code", "name", "category", "purpose"],
)


def _samples(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    p = POINTS.set_index("code")
    return pd.DataFrame(
        [{"point": c, "point_name": p.loc[c, "name"], "category": p.loc[c, "category"],
          "purpose": p.loc[c, "purpose"], "township": "甲镇", "aquifer": "孔隙",
          "target_class": 3, "frequency": "丰枯各1次", "date": dt.date.fromisoformat(d),
          "period": "", "quality_class": k, "limiting": "T1-06", "n_graded": 29}
         for c, d, k in rows]
    )  # fmt: skip


def test_goals_are_read_with_level_and_purpose() -> None:
    got = plan_goals(GOALS_2023)
    assert [(g.level, g.purpose, g.cls) for g in got] == [
        ("国考", "区域", 5), ("国考", "饮用水源", 3), ("国考", "污染风险监控", 5),
        ("省控", "饮用水源", 2),
    ]  # fmt: skip


def test_each_goal_on_its_own_points_at_the_plans_year_end() -> None:
    s = _samples([
        ("A", "2023-05-01", 4), ("B", "2023-05-01", 2), ("B", "2023-09-01", 4),  # B worst Ⅳ
        ("C", "2023-05-01", 5),  # not 国考: does not fail the 国考 水源 goal
        ("D", "2023-05-01", 5), ("B", "2024-05-01", 2), ("B", "2025-05-01", 2),
        ("E", "2023-06-01", 3),
    ])  # fmt: skip
    got = evaluate_goals(plan_goals(GOALS_2023), POINTS, s, 2023, dt.date(2023, 12, 31))
    assert list(got["result"]) == [MET, NOT_MET, MET, NOT_MET]
    assert list(got["points"]) == [1, 1, 1, 1]
    assert got.loc[1, "failing_points"] == "B 国考水源井（Ⅳ类）"
    assert got.loc[3, "failing_points"] == "E 省控水源井（Ⅲ类）"
    # judged at 2023-06-30: B's Ⅳ of September is not yet in
    mid = evaluate_goals(plan_goals(GOALS_2023), POINTS, s, 2023, dt.date(2023, 6, 30))
    assert mid.loc[1, "result"] == MET


def test_a_goal_without_points_is_not_met_silently() -> None:
    got = evaluate_goals([PlanGoal("国家地下水监测工程", "回灌", 3, "…")], POINTS,
                         _samples([("A", "2023-05-01", 1)]), 2023, dt.date(2023, 12, 31))  # fmt: skip
    assert list(got["result"]) == [NO_POINTS]
