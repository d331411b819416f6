"""Reading and writing 调度 rounds, 填报 and 督办 (tables in :mod:`gwlib.store.schema_dispatch`;
rules in :mod:`gwlib.plans.rounds`). Every write checks the writer's role in its transaction and
leaves an audit row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import InputError, StoreError
from gwlib.plans.rounds import ACTION_KINDS, REPORT_STATUSES, SNAPSHOT_COLUMNS, RoundCode
from gwlib.store import Store
from gwlib.store.audit import Actor, write_audit
from gwlib.store.documents import check_file, save_file
from gwlib.store.schema_dispatch import (
    dispatch_action,
    dispatch_evidence,
    dispatch_report,
    dispatch_round,
)
from gwlib.wells.sealing import ReviewStatus


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date | pd.Timestamp):
        return v.isoformat()[:10]
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def open_round(
    store: Store, actor: Actor, code: RoundCode, plan_year: int, due: dt.date,
    tasks: pd.DataFrame,
) -> int:  # fmt: skip
    """Open round ``code`` of ``plan_year`` with the checklist ``tasks`` as its snapshot; its
    期号 is the next of the year. Returns its id; StoreError when it is open already."""
    rows = [{c: _plain(r.get(c)) for c in SNAPSHOT_COLUMNS} for r in tasks.to_dict("records")]
    with store.transaction() as conn:
        actor.require_write(conn)
        exists = conn.execute(
            sa.select(dispatch_round.c.id).where(
                (dispatch_round.c.plan_year == plan_year) & (dispatch_round.c.code == code.code)
            )
        ).scalar_one_or_none()
        if exists is not None:
            raise StoreError(f"{plan_year} 年度计划的 {code.code} 调度已开启（第 {exists} 号）")
        issue = int(conn.execute(
            sa.select(sa.func.count()).where(dispatch_round.c.plan_year == plan_year)
        ).scalar_one()) + 1  # fmt: skip
        now = _now()
        rid = int(
            conn.execute(
                sa.insert(dispatch_round).values(
                    code=code.code, plan_year=plan_year, issue_no=issue, period_end=code.end,
                    due=due, opened_by=actor.user, opened_at=now,
                    snapshot=json.dumps(rows, ensure_ascii=False),
                ).returning(dispatch_round.c.id)
            ).scalar_one()
        )  # fmt: skip
        write_audit(conn, actor, "open", "dispatch_round", f"{plan_year} {code.code}",
               [("期号", "", issue), ("填报截止", "", due.isoformat()), ("任务数", "", len(rows))],
               "开启调度", now)  # fmt: skip
    return rid


def rounds(store: Store, plan_year: int | None = None) -> pd.DataFrame:
    q = sa.select(*[c for c in dispatch_round.c if c.name != "snapshot"])
    if plan_year is not None:
        q = q.where(dispatch_round.c.plan_year == plan_year)
    return store._frame(q.order_by(dispatch_round.c.plan_year, dispatch_round.c.period_end))


def find_round(store: Store, code: str, plan_year: int | None = None) -> dict[str, Any]:
    """The round with this code (of ``plan_year``, else the latest plan year that has it)."""
    q = sa.select(dispatch_round).where(dispatch_round.c.code == code)
    if plan_year is not None:
        q = q.where(dispatch_round.c.plan_year == plan_year)
    with store.engine.connect() as conn:
        row = conn.execute(q.order_by(dispatch_round.c.plan_year.desc())).mappings().first()
    if row is None:
        raise InputError("没有这一轮调度：先开启（python -m gwlib rounds open 或"
                         "「调度与通报」页面）", value=code)  # fmt: skip
    return dict(row)


def snapshot(round_row: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(json.loads(round_row["snapshot"]), columns=list(SNAPSHOT_COLUMNS))


def reports(store: Store, round_id: int) -> pd.DataFrame:
    return store._frame(
        sa.select(dispatch_report).where(dispatch_report.c.round_id == round_id)
        .order_by(dispatch_report.c.id)
    )  # fmt: skip


def actions(store: Store, round_id: int) -> pd.DataFrame:
    return store._frame(
        sa.select(dispatch_action).where(dispatch_action.c.round_id == round_id)
        .order_by(dispatch_action.c.id)
    )  # fmt: skip


def _open_round(conn: sa.Connection, round_id: int) -> dict[str, Any]:
    row = conn.execute(
        sa.select(dispatch_round).where(dispatch_round.c.id == round_id)
    ).mappings().one_or_none()  # fmt: skip
    if row is None:
        raise StoreError(f"没有编号为 {round_id} 的调度轮次")
    return dict(row)


def add_report(
    store: Store, actor: Actor, round_id: int, unit: str, task_number: int, status: str,
    done_text: str = "", evidence: str = "",
) -> int:  # fmt: skip
    """A unit's 填报 for a task of the round (a later one supersedes, both are kept)."""
    if status not in REPORT_STATUSES:
        raise InputError("填报状态应为 " + "、".join(REPORT_STATUSES), value=status)
    if not unit.strip():
        raise InputError("填报单位不能为空")
    with store.transaction() as conn:
        actor.require_write(conn)
        r = _open_round(conn, round_id)
        numbers = {int(t["number"]) for t in json.loads(r["snapshot"])}
        if int(task_number) not in numbers:
            raise InputError(f"{r['code']} 调度中没有第 {task_number} 项任务", value=task_number)
        now = _now()
        rid = int(
            conn.execute(
                sa.insert(dispatch_report).values(
                    round_id=round_id, unit=unit.strip()[:64], task_number=int(task_number),
                    status=status, done_text=done_text, evidence=evidence,
                    reported_by=actor.user, reported_at=now,
                ).returning(dispatch_report.c.id)
            ).scalar_one()
        )  # fmt: skip
        key = f"{r['code']} 第{task_number}项 {unit}"[:64]
        write_audit(conn, actor, "report", "dispatch_report", key,
               [("状态", "", status), ("完成情况", "", done_text), ("佐证材料", "", evidence)],
               "调度填报", now)  # fmt: skip
    return rid


def issue_action(
    store: Store, actor: Actor, round_id: int, kind: str, unit: str,
    task_number: int | None = None, requirement: str = "", deadline: dt.date | None = None,
) -> int:  # fmt: skip
    """Record a 预警 / 督办 / 约谈 / 通报批评 of the round."""
    if kind not in ACTION_KINDS:
        raise InputError("应为 " + "、".join(ACTION_KINDS), value=kind)
    if kind == "督办" and (deadline is None or not requirement.strip()):
        raise InputError("督办须写明办理要求和办结期限")
    with store.transaction() as conn:
        actor.require_write(conn)
        r = _open_round(conn, round_id)
        now = _now()
        aid = int(
            conn.execute(
                sa.insert(dispatch_action).values(
                    round_id=round_id, kind=kind, unit=unit.strip()[:64], task_number=task_number,
                    requirement=requirement, deadline=deadline, issued_by=actor.user,
                    issued_at=now,
                ).returning(dispatch_action.c.id)
            ).scalar_one()
        )  # fmt: skip
        write_audit(conn, actor, "issue", "dispatch_action", f"{r['code']} {kind} {unit}"[:64],
               [("任务", "", task_number or ""), ("要求", "", requirement),
                ("期限", "", deadline.isoformat() if deadline else "")], kind, now)  # fmt: skip
    return aid


def respond_action(store: Store, actor: Actor, action_id: int, response: str) -> None:
    """Record the unit's response to a 督办 (once; a second response is refused)."""
    if not response.strip():
        raise InputError("办理情况不能为空")
    with store.transaction() as conn:
        actor.require_write(conn)
        row = conn.execute(
            sa.select(dispatch_action).where(dispatch_action.c.id == action_id)
        ).mappings().one_or_none()  # fmt: skip
        if row is None:
            raise StoreError(f"没有编号为 {action_id} 的督办")
        if row["responded_at"] is not None:
            when = f"{row['responded_at']:%Y-%m-%d}"
            raise StoreError(f"第 {action_id} 号{row['kind']}已于 {when} 回复")
        now = _now()
        conn.execute(
            sa.update(dispatch_action).where(dispatch_action.c.id == action_id)
            .values(response=response, responded_by=actor.user, responded_at=now)
        )  # fmt: skip
        write_audit(conn, actor, "respond", "dispatch_action", f"{row['kind']} {action_id}",
               [("办理情况", "", response)], "督办回复", now)  # fmt: skip


def add_evidence(
    store: Store, actor: Actor, report_id: int, filename: str, data: bytes, attachments_dir: Path,
) -> int:  # fmt: skip
    """Attach an evidence file to a 填报 (stored like the ledger's documents, review 未审)."""
    check_file(filename, data)
    with store.engine.connect() as conn:
        actor.require_write(conn)
        _report(conn, report_id)
    f = save_file(attachments_dir, filename, data)
    with store.transaction() as conn:
        actor.require_write(conn)
        rep = _report(conn, report_id)
        eid = int(conn.execute(
            sa.insert(dispatch_evidence).values(
                report_id=report_id, filename=f.name[:256], stored_name=f.stored_name,
                sha256=f.sha256, size_bytes=f.size_bytes,
                review_status=ReviewStatus.UNREVIEWED.value, uploaded_by=actor.user,
                uploaded_at=_now(),
            ).returning(dispatch_evidence.c.id)
        ).scalar_one())  # fmt: skip
        write_audit(conn, actor, "evidence", "dispatch_report", _report_key(conn, rep),
                    [("佐证文件", "", f.name)], "调度填报佐证")  # fmt: skip
    return eid


def review_evidence(
    store: Store, actor: Actor, evidence_id: int, status: ReviewStatus | str, note: str = ""
) -> None:
    """Review an evidence file (未审 / 需补充 / 已审 / 有缺陷), audited."""
    status = ReviewStatus(status)
    e = dispatch_evidence
    with store.transaction() as conn:
        actor.require_write(conn)
        row = conn.execute(sa.select(e).where(e.c.id == evidence_id)).mappings().one_or_none()
        if row is None:
            raise StoreError(f"没有编号为 {evidence_id} 的佐证文件")
        conn.execute(sa.update(e).where(e.c.id == evidence_id)
                     .values(review_status=status.value, review_note=note))  # fmt: skip
        key = _report_key(conn, _report(conn, int(row["report_id"])))
        write_audit(conn, actor, "review", "dispatch_report", key,
                    [(f"佐证「{row['filename']}」审核状态", row["review_status"], status.value)],
                    note)  # fmt: skip


def evidence(store: Store, round_id: int) -> pd.DataFrame:
    """The evidence files of a round's 填报 (unit, task, file, review), newest first."""
    e, r = dispatch_evidence, dispatch_report
    return store._frame(
        sa.select(e.c.id, r.c.unit, r.c.task_number, e.c.filename, e.c.size_bytes,
                  e.c.review_status, e.c.review_note, e.c.uploaded_by, e.c.uploaded_at,
                  e.c.stored_name)
        .select_from(e.join(r, e.c.report_id == r.c.id))
        .where(r.c.round_id == round_id)
        .order_by(e.c.id.desc())
    )  # fmt: skip


def _report(conn: sa.Connection, report_id: int) -> dict[str, Any]:
    row = conn.execute(
        sa.select(dispatch_report).where(dispatch_report.c.id == report_id)
    ).mappings().one_or_none()
    if row is None:
        raise StoreError(f"没有编号为 {report_id} 的填报")
    return dict(row)


def _report_key(conn: sa.Connection, rep: dict[str, Any]) -> str:
    code = conn.execute(sa.select(dispatch_round.c.code)
                        .where(dispatch_round.c.id == rep["round_id"])).scalar_one()  # fmt: skip
    return f"{code} 第{rep['task_number']}项 {rep['unit']}"[:64]
