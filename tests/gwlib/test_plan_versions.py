"""Plan re-import (issue 17 item 9): replacing a year's plan keeps the manual statuses by task
number and makes it current; the checklist, the brief and 调度 all read the current plan; an
editor can choose the current plan or delete one; viewers cannot."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from gwlib.brief.bulletin import checklist_at
from gwlib.brief.data import plan_for
from gwlib.errors import PermissionDenied, StoreError
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.plans import current_title, delete_plan, plans_of, replace_plan, set_current
from gwlib.store.tasks import TaskKey, set_task_status
from tests.accounts import add_accounts

EDITOR = Actor("zhang")


def _plan(title: str, n: int = 3) -> ActionPlan:
    tasks = tuple(PlanTask(k, "二、重点任务", f"任务{k}", f"任务{k}的内容", ("县水务局",), (),
                           ("2027-06-30",)) for k in range(1, n + 1))  # fmt: skip
    return ActionPlan(2027, "某县", title, "", tasks)


@pytest.fixture
def store(tmp_path) -> Store:  # type: ignore[no-untyped-def]
    s = Store.open(f"sqlite:///{tmp_path}/p.sqlite")
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    return s


def test_replacing_keeps_statuses_by_number_and_becomes_current(store: Store) -> None:
    store.save_plan(_plan("2027年地下水工作方案（征求意见稿）"), by=EDITOR)
    key = TaskKey(2027, "某县", "2027年地下水工作方案（征求意见稿）", "二、重点任务", 2)
    set_task_status(store, key, "推进中", "已排查 12 眼", by=EDITOR, at=dt.datetime(2027, 3, 1))
    replace_plan(store, EDITOR, _plan("2027年地下水工作方案", 4),
                 "2027年地下水工作方案（征求意见稿）")  # fmt: skip
    assert list(plans_of(store, 2027)["title"]) == ["2027年地下水工作方案"]
    check = checklist_at(store, 2027, dt.date(2027, 3, 31))
    row = check.tasks.set_index("number").loc[2]
    assert (row["manual_status"], row["evidence"]) == ("推进中", "已排查 12 眼")
    assert len(check.tasks) == 4


def test_two_plans_one_current_everywhere(store: Store) -> None:
    store.save_plan(_plan("行动计划", 3), by=EDITOR)
    store.save_plan(_plan("工作要点", 5), by=EDITOR)
    assert current_title(store, 2027) == "工作要点"  # the last saved, until one is chosen
    set_current(store, EDITOR, 2027, "行动计划")
    assert set(plan_for(store, 2027)["plan_title"]) == {"行动计划"}
    assert len(checklist_at(store, 2027, dt.date(2027, 12, 31)).tasks) == 3
    with pytest.raises(PermissionDenied):
        delete_plan(store, Actor("li"), 2027, "行动计划")
    delete_plan(store, EDITOR, 2027, "行动计划")
    assert current_title(store, 2027) == "工作要点"
    with pytest.raises(StoreError):
        set_current(store, EDITOR, 2027, "行动计划")
    with store.engine.connect() as conn:
        n = conn.execute(sa.text("select count(*) from audit_log where entity = 'plan' "
                                 "and action = 'delete'")).scalar_one()  # fmt: skip
    assert n == 1  # the deletion, once
