"""The source registers (饮用水水源地, 污染源) in and out of the store by import batch.

* :func:`prepare_register` — read a register file and plan it against what is stored (nothing
  written).
* :func:`commit_register` — write a plan in one transaction: the writer's account checked
  (:meth:`Actor.require_write`), one ``import_batch`` row (kind ``sources`` / ``pollution``),
  new records inserted, changed records updated field by field with one ``audit_log`` row per
  changed field (old → new), and an audit row for the batch. Unchanged records are not touched.
  A record planned as new that someone else stored in the meantime, or a field someone else
  changed after the preview, stops the whole commit (:class:`~gwlib.errors.ConflictError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import ConflictError, StoreError
from gwlib.geo.overlay import geometry_of
from gwlib.sources.register_io import read_register
from gwlib.sources.register_plan import (
    CHANGED,
    NEW,
    UNCHANGED,
    RegisterPlan,
    plan_register,
    record_row,
)
from gwlib.sources.register_spec import RegisterSpec, shown
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, write_audit
from gwlib.store.bulk import CHUNK
from gwlib.store.county import TOWNSHIP_LEVEL, county_boundary
from gwlib.store.imports import ImportResult, open_batch

Progress = Callable[[int, int], None]


def _table(spec: RegisterSpec) -> sa.Table:
    return {"sources": schema.drinking_source, "pollution": schema.pollution_source}[spec.kind]


def stored_register(store: Store, spec: RegisterSpec) -> pd.DataFrame:
    """The register's stored records (the table's rows, ordered by code)."""
    return store.drinking_sources() if spec.kind == "sources" else store.pollution_sources()


def county_townships(store: Store) -> list[str]:
    """The county's 乡镇 from imported township boundaries (empty when none are stored)."""
    b = store.boundaries()
    if not len(b):
        return []
    return sorted({str(n) for n in b.loc[b["level"] == TOWNSHIP_LEVEL, "name"]})


def prepare_register(
    store: Store,
    spec: RegisterSpec,
    source: str | Path | bytes,
    display_name: str | None = None,
    default_crs: str | None = None,
) -> RegisterPlan:
    """Read a register file (a path, or an upload's bytes named by ``display_name``) and plan
    its import against the store."""
    bounds = county_boundary(store)
    county = geometry_of(bounds["geometry"].iloc[0]) if len(bounds) else None
    rows = read_register(
        spec, source, display_name, county_townships(store), default_crs, county=county
    )
    return plan_register(rows, stored_register(store, spec))


def commit_register(
    store: Store, plan: RegisterPlan, actor: Actor, progress: Progress | None = None
) -> ImportResult:
    """Write ``plan`` in one transaction (see the module docstring)."""
    spec, table = plan.spec, _table(plan.spec)
    counts = plan.counts
    kinds = {c.field: c.kind for c in spec.all_columns}
    new = [record_row(rec) for _, rec, status in plan.records if status == NEW]
    changed = {rec.code: rec for _, rec, status in plan.records if status == CHANGED}
    total = len(new) + len(changed)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    name = plan.rows.file[:256]
    note = f"{spec.title}导入（{name}）"
    with store.transaction() as conn:
        actor.require_write(conn)
        existing = dict(conn.execute(sa.select(table.c.code, table.c.id)).all())
        taken = [r["code"] for r in new if r["code"] in existing]
        if taken:
            raise StoreError(
                f"{spec.label('code')}「{'、'.join(taken[:5])}」已由他人在预览之后写入："
                "未写入任何内容，请重新上传预览"
            )
        batch_id = open_batch(conn, spec.kind, name, plan.rows.sha256, actor, now,
                              plan.rows.total, plan.rejected_rows,
                              (counts[NEW], counts[CHANGED], counts[UNCHANGED]))  # fmt: skip
        done = 0
        for i in range(0, len(new), CHUNK):
            chunk = new[i : i + CHUNK]
            conn.execute(sa.insert(table), chunk)
            for r in chunk:
                write_audit(
                    conn,
                    actor,
                    "create",
                    spec.entity,
                    str(r["code"])[:64],
                    [],
                    f"{note}，批次 {batch_id}",
                    now,
                )
            done += len(chunk)
            if progress:
                progress(done, total)
        batch_note = f"{note}，批次 {batch_id}"
        for code, g in plan.changes.groupby("code", sort=True):
            if code not in existing:
                raise StoreError(f"{spec.label('code')}「{code}」已被他人删除：未写入任何内容")
            now_stored = conn.execute(sa.select(table).where(table.c.id == existing[code]))
            current = dict(now_stored.mappings().one())
            moved = [
                f for f, c, old in zip(g["field"], g["column"], g["old"], strict=True)
                if shown(kinds[c], current[c]) != old
            ]  # fmt: skip
            if moved:
                raise ConflictError(
                    f"{spec.label('code')}「{code}」的{'、'.join(moved)}在预览之后已被他人修改："
                    "未写入任何内容，请重新上传预览"
                )
            row = record_row(changed[str(code)])
            values = {c: row[c] for c in g["column"]}
            conn.execute(sa.update(table).where(table.c.id == existing[code]).values(**values))
            write_audit(
                conn,
                actor,
                "update",
                spec.entity,
                str(code)[:64],
                list(zip(g["field"], g["old"], g["new"], strict=True)),
                batch_note,
                now,
            )
            done += 1
            if progress and (done % 50 == 0 or done == total):
                progress(done, total)
        write_audit(
            conn,
            actor,
            "import",
            "batch",
            str(batch_id),
            [
                ("新增", "", counts[NEW]),
                ("修改", "", counts[CHANGED]),
                ("未变", "", counts[UNCHANGED]),
                ("拒收行", "", plan.rejected_rows),
            ],
            f"{note}（SHA-256 {plan.rows.sha256[:12]}…）",
            now,
        )
    return ImportResult(
        batch_id, counts[NEW], counts[CHANGED], counts[UNCHANGED], plan.rejected_rows
    )
