"""Writing and reading the 项目储备库 (:mod:`gwlib.projects.register` plans an import): one
transaction with the editor check, an ``import_batch`` row (kind ``projects``), projects inserted
or updated by 项目编码, one audit row per changed field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from gwlib.config import attachments_dir as default_attachments_dir
from gwlib.errors import InputError, StoreError
from gwlib.plans.rounds import parse_round
from gwlib.projects.register import CHANGED, NEW, SAME, ProjectsPlan, plan_projects
from gwlib.store import Store
from gwlib.store.audit import Actor, write_audit
from gwlib.store.documents import check_file, save_file
from gwlib.store.imports import ImportResult, open_batch
from gwlib.store.schema_projects import project, project_progress


def projects(store: Store) -> pd.DataFrame:
    return store._frame(sa.select(project).order_by(project.c.code))


def prepare_projects(store: Store, source: str | Path | bytes,
                     display_name: str | None = None) -> ProjectsPlan:  # fmt: skip
    wells = store.wells()
    codes = [str(c) for c in wells["code"]] if len(wells) else []
    return plan_projects(source, projects(store), codes, display_name)


def commit_projects(store: Store, plan: ProjectsPlan, actor: Actor) -> ImportResult:
    c = plan.counts
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    changed = plan.changes.groupby("code") if len(plan.changes) else None
    with store.transaction() as conn:
        actor.require_write(conn)
        batch_id = open_batch(conn, "projects", plan.file_name, plan.sha256, actor, now,
                              plan.rows_total, plan.rejected_rows,
                              (c[NEW], c[CHANGED], c[SAME]))  # fmt: skip
        note = f"项目储备库导入批次 {batch_id}（{plan.file_name}）"
        for r in plan.records:
            state = plan.status[r["code"]]
            if state == NEW:
                conn.execute(sa.insert(project).values(**r))
                write_audit(conn, actor, "create", "project", r["code"][:64],
                       [("项目名称", "", r["name"])], note, now)  # fmt: skip
            elif state == CHANGED:
                conn.execute(sa.update(project).where(project.c.code == r["code"]).values(**r))
                assert changed is not None
                rows = changed.get_group(r["code"]).to_dict("records")
                write_audit(conn, actor, "update", "project", r["code"][:64],
                       [(x["field"], x["old"], x["new"]) for x in rows], note, now)  # fmt: skip
        write_audit(conn, actor, "import", "batch", str(batch_id),
               [("新增项目", "", c[NEW]), ("修改项目", "", c[CHANGED]), ("未变项目", "", c[SAME]),
                ("拒收行", "", plan.rejected_rows)], plan.file_name, now)  # fmt: skip
    return ImportResult(batch_id, c[NEW], c[CHANGED], c[SAME], plan.rejected_rows)


def add_progress(
    store: Store, actor: Actor, code: str, quarter: str, progress: str,
    spent_wan: float | None = None, file: tuple[str, bytes] | None = None,
    attachments_dir: Path | None = None, at: dt.datetime | None = None,
) -> int:  # fmt: skip
    """A project's progress for a quarter (``2025Q3``; 2025年第三季度 also read): what was
    done, cumulative 已支出 (万元) at the quarter's end, an optional evidence file. Audited.
    ``at``: when it was recorded (UTC; default now)."""
    q = parse_round(quarter).code
    if not progress.strip():
        raise InputError("季度进展不能为空（写明本季度完成的工作）")
    if spent_wan is not None and not (spent_wan == spent_wan and spent_wan >= 0):
        raise InputError("已支出（万元）应为非负数", value=spent_wan)
    if file is not None:
        check_file(*file)
    with store.engine.connect() as conn:
        actor.require_write(conn)
        _project(conn, code)
    folder = attachments_dir or default_attachments_dir()
    stored = save_file(folder, *file) if file is not None else None
    name, stored_name = (stored.name, stored.stored_name) if stored else ("", "")
    with store.transaction() as conn:
        actor.require_write(conn)
        _project(conn, code)
        pid = int(conn.execute(sa.insert(project_progress).values(
            project_code=code, quarter=q, progress=progress.strip(), spent_wan=spent_wan,
            filename=name, stored_name=stored_name,
            recorded_by=actor.user,
            recorded_at=at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ).returning(project_progress.c.id)).scalar_one())  # fmt: skip
        write_audit(conn, actor, "progress", "project", code,
                    [(f"{q} 进展", "", progress.strip()),
                     ("已支出（万元）", "", "" if spent_wan is None else f"{spent_wan:g}")]
                    + ([("佐证文件", "", name)] if stored else []))  # fmt: skip
    return pid


def progress_entries(store: Store, code: str | None = None) -> pd.DataFrame:
    """Quarterly progress entries (all projects, or one), newest quarter first."""
    t = project_progress
    q = sa.select(t).order_by(t.c.quarter.desc(), t.c.id.desc())
    if code is not None:
        q = q.where(t.c.project_code == code)
    return store._frame(q)


def _project(conn: sa.Connection, code: str) -> None:
    if conn.execute(sa.select(project.c.id).where(project.c.code == code)).first() is None:
        raise StoreError(f"项目储备库中没有编码为「{code}」的项目")
