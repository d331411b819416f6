"""Issue 13 item 1: a plan's targets are records bound to the plan — parsed from its 工作目标
when it is saved, reviewed and corrected by an editor (audited) — and what the checklist, the
overview and the brief evaluate. Ⅴ-share targets count only the points the target names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from gwlib.errors import PermissionDenied, ValidationError
from gwlib.plans.goals import (
    CLASS_GOAL,
    MET,
    NOT_MET,
    V_SHARE_GOAL,
    PlanGoal,
    evaluate_goals,
    goal_rows,
    goals_from_rows,
    plan_goals,
)
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.store import Store, schema
from gwlib.store.engine import alembic_config
from gwlib.store.plans import goal_status, plan_targets, save_targets
from gwlib.store.schema_ledger import audit_log
from tests.accounts import LOCAL, add_accounts
from tests.gwlib.test_goals import POINTS, _samples

TEXT = ("地下水国考区域点位水质不低于V类，地下水国考饮用水源点位水质达到或优于Ⅲ类；"
        "国考点位Ⅴ类水比例不高于25%。")  # fmt: skip


def test_v_share_targets_are_read_beside_class_targets() -> None:
    goals = plan_goals(TEXT)
    assert [(g.kind, g.level, g.purpose, g.cls, g.value) for g in goals] == [
        (CLASS_GOAL, "国考", "区域", 5, None),
        (CLASS_GOAL, "国考", "饮用水源", 3, None),
        (V_SHARE_GOAL, "国考", None, 5, 25.0),
    ]
    assert goals[2].label == "国考点位中Ⅴ类比例不高于 25%"


def test_v_share_is_judged_on_the_named_points_only() -> None:
    # 国考: A Ⅴ, B Ⅲ, D Ⅳ -> 1 of 3 = 33.3 % > 25 %; C (县控) Ⅴ does not count.
    s = _samples([("A", "2023-05-01", 5), ("B", "2023-05-01", 3), ("D", "2023-05-01", 4),
                  ("C", "2023-05-01", 5)])  # fmt: skip
    got = evaluate_goals([PlanGoal("国考", None, 5, "", V_SHARE_GOAL, 25.0),
                          PlanGoal("国考", None, 5, "", V_SHARE_GOAL, 40.0)],
                         POINTS, s, 2023, dt.date(2023, 12, 31))  # fmt: skip
    assert list(got["result"]) == [NOT_MET, MET]
    assert list(got["points"]) == [3, 3] and got["failing_points"].iloc[0].startswith("A ")


def test_review_rows_round_trip_and_name_the_bad_row() -> None:
    goals = plan_goals(TEXT)
    assert goals_from_rows(goal_rows(goals)) == goals
    rows = goal_rows(goals)
    rows[1]["cls"] = "Ⅶ类"
    with pytest.raises(ValidationError, match="第 2 行 目标类别"):
        goals_from_rows(rows)
    rows = goal_rows(goals)
    rows[2]["value"] = "120"
    with pytest.raises(ValidationError, match="第 3 行"):
        goals_from_rows(rows)
    with pytest.raises(ValidationError, match="点位类别"):
        goals_from_rows([{"kind": CLASS_GOAL, "level": "甲级", "cls": "Ⅲ类"}])


def _plan(store: Store) -> None:
    store.save_plan(ActionPlan(2023, "绛县", "绛县地下水污染防治2023年行动计划", TEXT,
                               (PlanTask(1, "", "任务", "任务", ("县生态环境局",)),)), by=LOCAL)  # fmt: skip


def test_saved_plan_holds_its_targets_and_an_editor_corrects_them(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'gw.sqlite'}")
    add_accounts(store, {"zhang": "editor", "leader": "viewer"})
    _plan(store)
    assert plan_targets(store, 2023) == plan_goals(TEXT)
    corrected = [*plan_goals(TEXT)[:2], PlanGoal("国考", None, 5, "会议纪要修订", V_SHARE_GOAL, 20.0)]
    from gwlib.store.audit import Actor

    with pytest.raises(PermissionDenied):
        save_targets(store, Actor("leader"), 2023, corrected)
    save_targets(store, Actor("zhang"), 2023, corrected)
    assert plan_targets(store, 2023) == corrected
    status = goal_status(store, 2023, dt.date(2023, 12, 31))
    assert list(status["goal"]) == [g.label for g in corrected]
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(audit_log.c.old_value, audit_log.c.new_value)
                           .where(audit_log.c.field == "工作目标")).one()  # fmt: skip
    assert "不高于 25%" in row.old_value and "不高于 20%" in row.new_value


def test_migration_fills_targets_of_plans_already_stored(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'gw.sqlite'}")
    _plan(store)
    with store.transaction() as conn:
        command.downgrade(alembic_config(conn), "projects_0001")
    with store.transaction() as conn:
        command.upgrade(alembic_config(conn), "heads")
    with store.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(schema.plan_target)).scalar_one()
    assert n == len(plan_goals(TEXT)) == 3
    assert plan_targets(store, 2023) == plan_goals(TEXT)


def test_completion_targets_by_a_date_are_read_and_judged_on_that_date() -> None:
    from gwlib.plans.goals import COMPLETION_GOAL

    text = "全县地下水质量总体稳定；2024年6月底前报废矿井、钻井、取水井封井回填完成率达到60%。"
    [goal] = plan_goals(text, 2024)
    assert (goal.kind, goal.value, goal.due) == (COMPLETION_GOAL, 60.0, dt.date(2024, 6, 30))
    [undated] = plan_goals("封井回填完成率不低于80%。", 2024)
    assert undated.due == dt.date(2024, 12, 31)
    wells = pd.DataFrame({"code": list("ABCDE"), "status": ["已封井待验收"] * 4 + ["施工中"],
                          "actual_completion": [dt.date(2024, 3, 1)] * 2
                          + [dt.date(2024, 9, 1)] * 2 + [None]})  # fmt: skip
    got = evaluate_goals([goal], POINTS, _samples([("A", "2024-05-01", 3)]), 2024, dt.date(2025, 12, 31), wells)
    # On 2024-06-30 two of five were sealed: 40 % < 60 %, whatever happened after.
    assert got["result"].tolist() == [NOT_MET] and "40.0%" in got["failing_points"].iloc[0]
    later = PlanGoal(None, None, 5, "", COMPLETION_GOAL, 60.0, dt.date(2024, 12, 31))
    assert evaluate_goals([later], POINTS, _samples([("A", "2024-05-01", 3)]), 2024, dt.date(2025, 12, 31),
                          wells)["result"].tolist() == [MET]  # fmt: skip
