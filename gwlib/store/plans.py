"""Which plan of a year is current, replacing a plan by a re-import, deleting one.

- A year may hold several plans (a county's 行动计划 and a 工作要点, say). The *current* plan of
  a year is the one an editor chose (meta ``current_plan.<year>``), else the one saved last.
  The checklist, the brief, 调度 and 评估考核 all read the current plan
  (:func:`current_plan_tasks`), so they never disagree about which plan they judge.
- Importing a plan of a year and region that already has one asks first (the page): replacing
  it keeps every manual status (task_status) by task section and number under the new title,
  and makes the new plan current; saving beside it keeps both.
- Deleting a plan removes it and its tasks; manual statuses stay (history) but no longer show.
- A plan's targets on points are records (``plan_target``): parsed from its 工作目标 when it is
  saved, then reviewed and corrected by an editor (:func:`save_targets`); every page, the
  checklist and the brief evaluate exactly those (:func:`goal_status`).

Every write checks the writer's role in its transaction and is audit-logged (entity ``plan``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import StoreError
from gwlib.plans.goals import PlanGoal, evaluate_goals
from gwlib.plans.model import ActionPlan
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, write_audit
from gwlib.store.schema_tasks import task_status


def _key(year: int) -> str:
    return f"current_plan.{year}"


def plans_of(store: Store, year: int) -> pd.DataFrame:
    """The plans of ``year``: id, region, title, tasks, current (bool), newest first."""
    t, pt = schema.action_plan, schema.plan_task
    q = (
        sa.select(t.c.id, t.c.region, t.c.title, sa.func.count(pt.c.id).label("tasks"))
        .select_from(t.outerjoin(pt, pt.c.plan_id == t.c.id))
        .where(t.c.year == year)
        .group_by(t.c.id, t.c.region, t.c.title)
        .order_by(t.c.id.desc())
    )
    frame = store._frame(q)
    chosen = store.get_meta(_key(year))
    current = chosen if chosen in set(frame["title"]) else (
        str(frame["title"].iloc[0]) if len(frame) else None)  # fmt: skip
    return frame.assign(current=frame["title"] == current)


def current_title(store: Store, year: int) -> str | None:
    p = plans_of(store, year)
    return str(p.loc[p["current"], "title"].iloc[0]) if len(p) else None


def current_plan_tasks(store: Store, year: int) -> pd.DataFrame:
    """Tasks of the current plan of ``year`` (Store.plan_tasks columns; empty when none)."""
    tasks = store.plan_tasks(year)
    title = current_title(store, year)
    return tasks[tasks["plan_title"] == title].reset_index(drop=True) if title else tasks


def _set_current(conn: sa.Connection, actor: Actor, year: int, title: str) -> None:
    m = schema.meta
    conn.execute(sa.delete(m).where(m.c.key == _key(year)))
    conn.execute(sa.insert(m).values(key=_key(year), value=title))
    write_audit(conn, actor, "update", "plan", f"{year}年 当前计划", [("当前计划", "", title)])


def set_current(store: Store, actor: Actor, year: int, title: str) -> None:
    if title not in set(plans_of(store, year)["title"]):
        raise StoreError(f"{year} 年没有名为「{title}」的计划")
    with store.transaction() as conn:
        actor.require_write(conn)
        _set_current(conn, actor, year, title)


def replace_plan(store: Store, actor: Actor, plan: ActionPlan, old_title: str) -> int:
    """Save ``plan`` in place of the plan ``old_title`` of the same year and region, in one
    transaction: manual statuses move to the new title by section and number; the new plan
    becomes current."""
    t, ts = schema.action_plan, task_status
    with store.transaction() as conn:
        actor.require_write(conn)
        if old_title != plan.title:
            conn.execute(
                sa.update(ts)
                .where((ts.c.year == plan.year) & (ts.c.region == plan.region)
                       & (ts.c.plan_title == old_title))
                .values(plan_title=plan.title)
            )  # fmt: skip
            conn.execute(sa.delete(t).where((t.c.year == plan.year) & (t.c.title == old_title)
                                            & (t.c.region == plan.region)))  # fmt: skip
            write_audit(conn, actor, "delete", "plan", f"{plan.year}年 {old_title}"[:64],
                   [("替换为", old_title, plan.title)],
                   "导入新版本，人工填报状态按任务序号保留")  # fmt: skip
        plan_id = store.save_plan_in(conn, plan, actor)
        _set_current(conn, actor, plan.year, plan.title)
    return plan_id


def delete_plan(store: Store, actor: Actor, year: int, title: str) -> None:
    t = schema.action_plan
    with store.transaction() as conn:
        actor.require_write(conn)
        n = conn.execute(sa.delete(t).where((t.c.year == year) & (t.c.title == title))).rowcount
        if not n:
            raise StoreError(f"{year} 年没有名为「{title}」的计划")
        write_audit(conn, actor, "delete", "plan", f"{year}年 {title}"[:64], [("计划", title, "")])


def write_targets(conn: sa.Connection, plan_id: int, goals: Sequence[PlanGoal]) -> None:
    """Replace the targets of plan ``plan_id`` (inside the caller's transaction)."""
    t = schema.plan_target
    conn.execute(sa.delete(t).where(t.c.plan_id == plan_id))
    if goals:
        conn.execute(sa.insert(t), [
            {"plan_id": plan_id, "position": i, "kind": g.kind, "level": g.level or "",
             "purpose": g.purpose or "", "cls": g.cls, "value": g.value, "due": g.due,
             "text": g.text}
            for i, g in enumerate(goals)
        ])  # fmt: skip


def _plan_id(conn: sa.Connection, year: int, title: str) -> int:
    t = schema.action_plan
    pid = conn.execute(
        sa.select(t.c.id).where((t.c.year == year) & (t.c.title == title))
    ).scalar_one_or_none()
    if pid is None:
        raise StoreError(f"{year} 年没有名为「{title}」的计划")
    return int(pid)


def plan_targets(store: Store, year: int) -> list[PlanGoal]:
    """The current plan of ``year``'s targets, in the order the plan writes them."""
    title = current_title(store, year)
    if title is None:
        return []
    t = schema.plan_target
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t).where(t.c.plan_id == _plan_id(conn, year, title)).order_by(t.c.position)
        ).mappings().all()
    return [PlanGoal(r["level"] or None, r["purpose"] or None, int(r["cls"]), r["text"],
                     r["kind"], r["value"], r["due"]) for r in rows]  # fmt: skip


def save_targets(store: Store, actor: Actor, year: int, goals: Sequence[PlanGoal]) -> None:
    """Replace the current plan of ``year``'s targets with the reviewed ones (audited: the
    targets before and after, as their labels)."""
    title = current_title(store, year)
    if title is None:
        raise StoreError(f"{year} 年还没有计划，无法保存工作目标")
    before = "；".join(g.label for g in plan_targets(store, year))
    after = "；".join(g.label for g in goals)
    with store.transaction() as conn:
        actor.require_write(conn)
        write_targets(conn, _plan_id(conn, year, title), goals)
        if before != after:
            write_audit(conn, actor, "update", "plan", f"{year}年 {title}"[:64],
                        [("工作目标", before, after)])  # fmt: skip


def goal_status(store: Store, year: int, as_of: dt.date) -> pd.DataFrame:
    """The current plan of ``year``'s targets (records, :func:`plan_targets`) evaluated on
    their points at ``as_of`` (:func:`gwlib.plans.goals.evaluate_goals`); empty when the year
    has no plan or no targets."""
    from gwlib.store.ledger import events

    return evaluate_goals(plan_targets(store, year), store.points(), store.samples(), year, as_of,
                          store.wells(), events(store))  # fmt: skip
