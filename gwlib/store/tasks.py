"""Manual status and evidence of plan tasks that no metric measures, with an append-only log.

Every change writes the new status row and one log row (who, when, old → new, note) in one
transaction. Writers say which version they edited; if someone saved in between, nothing is
written and :class:`~gwlib.errors.ConflictError` says so. The caller passes the time: nothing
in gwlib reads the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import ConflictError, PermissionDenied, ValidationError
from gwlib.store import Store
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

    def values(self) -> dict[str, object]:
        return {
            "year": self.year,
            "region": self.region,
            "plan_title": self.plan_title,
            "section": self.section,
            "number": self.number,
        }


def task_statuses(store: Store, year: int | None = None) -> pd.DataFrame:
    q = sa.select(task_status)
    if year is not None:
        q = q.where(task_status.c.year == year)
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
    user: str,
    at: dt.datetime,
    expected_version: int = 0,
    note: str = "",
) -> int:
    """Save a task's status and evidence; returns the new version.

    ``expected_version`` is the version the user saw (0 = no status saved yet).
    """
    if not user:
        raise PermissionDenied("请先登录后再修改任务状态。")
    try:
        new = ManualStatus(status)
    except ValueError:
        raise ValidationError(
            "任务状态", status, "、".join(s.value for s in ManualStatus)
        ) from None
    with store.transaction() as conn:
        row = conn.execute(sa.select(task_status).where(key.where(task_status))).mappings().first()
        found = int(row["version"]) if row else 0
        if found != expected_version:
            by = f"（{row['updated_by']} 于 {row['updated_at']:%Y-%m-%d %H:%M}）" if row else ""
            raise ConflictError(f"第 {key.number} 项任务的状态已被他人修改{by}，请刷新后再保存。")
        old_status = str(row["status"]) if row else ""
        old_evidence = str(row["evidence"]) if row else ""
        if row and old_status == new.value and old_evidence == evidence and not note:
            return found
        values = {"status": new.value, "evidence": evidence, "updated_by": user, "updated_at": at}
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
                changed_by=user,
                changed_at=at,
                old_status=old_status,
                new_status=new.value,
                old_evidence=old_evidence,
                new_evidence=evidence,
                note=note,
            )
        )
    return found + 1
