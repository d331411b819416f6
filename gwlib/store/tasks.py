"""Manual status and evidence of plan tasks that no metric measures, with an append-only log.

Every change writes the new status row, one log row (who, when, old → new, note) and its
``audit_log`` rows in one transaction, after the writer's account is read again in that
transaction (:meth:`~gwlib.store.audit.Actor.require_write`: editor or admin, active).
Writers say which version they edited; if someone saved in between, nothing is written and
:class:`~gwlib.errors.ConflictError` says so. The caller passes the time: nothing in gwlib reads
the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import ConflictError, ValidationError
from gwlib.store import Store
from gwlib.store.audit import MAX_USER_CHARS, Actor, write_audit
from gwlib.store.schema_tasks import task_status, task_status_log


class ManualStatus(StrEnum):
    NOT_STARTED = "未开展"
    IN_PROGRESS = "推进中"
    DONE = "已完成"


@dataclass(frozen=True)
class TaskKey:
    year: int
    region: str
    plan_title: str
    section: str
    number: int

    def where(self, table: sa.Table) -> sa.ColumnElement[bool]:
        return sa.and_(
            table.c.year == self.year,
            table.c.region == self.region,
            table.c.plan_title == self.plan_title,
            table.c.section == self.section,
            table.c.number == self.number,
        )

    def label(self) -> str:
        """The task as the audit log names it (at most 64 characters)."""
        tail = f"第{self.number}项"
        head = f"{self.year}年 {self.section}".strip()
        return f"{head[: MAX_USER_CHARS - len(tail) - 1]} {tail}"

    def values(self) -> dict[str, object]:
        return {
            "year": self.year,
            "region": self.region,
            "plan_title": self.plan_title,
            "section": self.section,
            "number": self.number,
        }


def task_statuses(
    store: Store, year: int | None = None, plan_title: str | None = None
) -> pd.DataFrame:
    """Manual statuses (of one year, and of one plan of it when ``plan_title`` is given)."""
    q = sa.select(task_status)
    if year is not None:
        q = q.where(task_status.c.year == year)
    if plan_title is not None:
        q = q.where(task_status.c.plan_title == plan_title)
    return store._frame(q.order_by(task_status.c.section, task_status.c.number))


def task_log(store: Store, year: int | None = None) -> pd.DataFrame:
    """The change log, newest first."""
    q = sa.select(task_status_log)
    if year is not None:
        q = q.where(task_status_log.c.year == year)
    return store._frame(q.order_by(task_status_log.c.id.desc()))


def set_task_status(
    store: Store,
    key: TaskKey,
    status: ManualStatus | str,
    evidence: str,
    *,
    by: Actor,
    at: dt.datetime,
    expected_version: int = 0,
    note: str = "",
) -> int:
    """Save a task's status and evidence; returns the new version.

    ``expected_version`` is the version the user saw (0 = no status saved yet).
    """
    try:
        new = ManualStatus(status)
    except ValueError:
        raise ValidationError(
            "任务状态", status, "、".join(s.value for s in ManualStatus)
        ) from None
    with store.transaction() as conn:
        by.require_write(conn)
        row = conn.execute(sa.select(task_status).where(key.where(task_status))).mappings().first()
        found = int(row["version"]) if row else 0
        if found != expected_version:
            who = f"（{row['updated_by']} 于 {row['updated_at']:%Y-%m-%d %H:%M}）" if row else ""
            raise ConflictError(f"第 {key.number} 项任务的状态已被他人修改{who}，请刷新后再保存。")
        old_status = str(row["status"]) if row else ""
        old_evidence = str(row["evidence"]) if row else ""
        if row and old_status == new.value and old_evidence == evidence and not note:
            return found
        values = {
            "status": new.value,
            "evidence": evidence,
            "updated_by": by.user,
            "updated_at": at,
        }
        if row:
            conn.execute(
                sa.update(task_status)
                .where(key.where(task_status))
                .values(**values, version=found + 1)
            )
        else:
            conn.execute(sa.insert(task_status).values(**key.values(), **values, version=1))
        conn.execute(
            sa.insert(task_status_log).values(
                **key.values(),
                changed_by=by.user,
                changed_at=at,
                old_status=old_status,
                new_status=new.value,
                old_evidence=old_evidence,
                new_evidence=evidence,
                note=note,
            )
        )
        changes = [
            (name, old, value)
            for name, old, value in (
                ("status", old_status, new.value),
                ("evidence", old_evidence, evidence),
            )
            if old != value
        ]
        write_audit(conn, by, "update", "task", key.label(), changes, note)
    return found + 1
