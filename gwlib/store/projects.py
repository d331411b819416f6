"""Writing and reading the 项目储备库 (:mod:`gwlib.projects.register` plans an import): one
transaction with the editor check, an ``import_batch`` row (kind ``projects``), projects inserted
or updated by 项目编码, one audit row per changed field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from gwlib.projects.register import CHANGED, NEW, SAME, ProjectsPlan, plan_projects
from gwlib.store import Store
from gwlib.store.audit import Actor, write_audit
from gwlib.store.imports import ImportResult, open_batch
from gwlib.store.schema_projects import project


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
