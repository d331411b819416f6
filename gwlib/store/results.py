"""Monitoring results in and out of the store by 导入批次 (import batch).

* :func:`stored_results` — what is stored for the samples of a file (for the plan's diff).
* :func:`commit_results` — writes a :class:`~gwlib.quality.results.ResultsPlan` in one
  transaction: the batch row; new samples; for each changed sample, its stored version kept in
  ``sample_version`` (so a withdrawal can restore it exactly), the new version written, and one
  ``audit_log`` row per changed value, old → new. Unchanged samples are not touched.
* :func:`withdraw_batch` — 撤回: the batch's samples leave the live tables, the versions it
  replaced come back, the batch is marked 已撤回 with who, when and why. A batch whose samples a
  later batch has changed again cannot be withdrawn before that later batch.
* :func:`batches` — the batch history.

Every write checks the writer's account inside its transaction (:meth:`Actor.require_write`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import StoreError, ValidationError
from gwlib.io.lab import read_lab_file
from gwlib.quality.qc import QC_SAMPLE
from gwlib.quality.results import CHANGED, NEW, ResultsPlan, plan_results
from gwlib.quality.standards import StandardSet, get_standard
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, write_audit
from gwlib.store.bulk import CHUNK, insert_graded, insert_measurements, point_ids
from gwlib.store.imports import ACTIVE, ImportResult, open_batch
from gwlib.store.qc import stored_qc, withdraw_qc, write_qc

WITHDRAWN = "已撤回"
#: Columns of a sample row kept with each replaced version.
_SAMPLE_COLS = (
    "id", "point_id", "sample_date", "period", "lab", "water_level_m", "quality_class",
    "limiting", "n_graded", "standard", "source_file", "graded_at", "batch_id",
)  # fmt: skip
_MEASUREMENT_COLS = (
    "indicator_code", "reported_name", "value", "unit", "qualifier", "censored",
    "quality_class", "exceedance", "raw_value", "raw_unit",
)  # fmt: skip


@dataclass(frozen=True)
class CommitResult(ImportResult):
    """What a results import did: the batch, samples new / updated / unchanged, input rows
    rejected, and the points whose data changed (for recomputing what derives from them)."""

    points: tuple[str, ...]

    def summary(self) -> str:
        """The CLI's last line: the import line with ``(batch B)``."""
        return f"{super().summary()} (batch {self.batch_id})"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def stored_results(store: Store, keys: pd.DataFrame) -> pd.DataFrame:
    """Stored measurements of the samples at ``keys`` (columns ``point``, ``date``), with the
    sample's id, 水期, lab and water level."""
    cols = [
        "point", "date", "sample_id", "period", "lab", "water_level_m", "indicator_code",
        "reported_name", "value", "unit", "qualifier", "censored", "quality_class",
        "exceedance", "raw_value", "raw_unit",
    ]  # fmt: skip
    if keys.empty:
        return pd.DataFrame(columns=cols)
    st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
    k = keys.assign(date=pd.to_datetime(keys["date"]).dt.date).drop_duplicates()
    codes = sorted(set(k["point"]))
    frames = []
    for i in range(0, len(codes), CHUNK):
        q = (
            sa.select(mp.c.code.label("point"), st.c.sample_date.label("date"),
                      st.c.id.label("sample_id"), st.c.period, st.c.lab, st.c.water_level_m,
                      ms.c.indicator_code, ms.c.reported_name, ms.c.value, ms.c.unit,
                      ms.c.qualifier, ms.c.censored, ms.c.quality_class, ms.c.exceedance,
                      ms.c.raw_value, ms.c.raw_unit)
            .join(st, st.c.point_id == mp.c.id)
            .join(ms, ms.c.sample_id == st.c.id)
            .where(mp.c.code.in_(codes[i : i + CHUNK]))
            .where(st.c.sample_date.between(k["date"].min(), k["date"].max()))
        )  # fmt: skip
        frames.append(store._frame(q))
    got = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    if got.empty:
        return pd.DataFrame(columns=cols)
    got["date"] = pd.to_datetime(got["date"]).dt.date
    return got.merge(k[["point", "date"]], on=["point", "date"])[cols]


def prepare_results(
    store: Store,
    source: str | Path | bytes,
    today: dt.date,
    display_name: str | None = None,
    standard: StandardSet | None = None,
) -> ResultsPlan:
    """Read a results file (a path, or an upload's bytes named by ``display_name``) and plan its
    import against what the store holds (nothing written). ``today`` is the caller's date
    (sampling dates after it are listed as suspicious)."""
    std = standard or get_standard()
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = display_name or ("上传的文件" if isinstance(source, bytes) else Path(source).name)
    digest = hashlib.sha256(data).hexdigest()
    batch = read_lab_file(data, std, display_name=name)
    keys = batch.frame[["point", "date"]].drop_duplicates()
    return plan_results(batch, digest, store.points(), stored_results(store, keys), today,
                        stored_qc=stored_qc(store, keys))  # fmt: skip


def _archive(conn: Connection, sample_ids: Sequence[int], batch_id: int, now: dt.datetime) -> None:
    """Keep the stored versions of these samples (row and measurements) before replacing them."""
    st, ms, sv = schema.sample, schema.measurement, schema.sample_version
    for i in range(0, len(sample_ids), CHUNK):
        chunk = list(sample_ids[i : i + CHUNK])
        rows = conn.execute(sa.select(*[st.c[c] for c in _SAMPLE_COLS]).where(st.c.id.in_(chunk)))
        samples = {int(r.id): dict(r._mapping) for r in rows}
        meas: dict[int, list[dict[str, Any]]] = {sid: [] for sid in samples}
        for r in conn.execute(
            sa.select(ms.c.sample_id, *[ms.c[c] for c in _MEASUREMENT_COLS])
            .where(ms.c.sample_id.in_(chunk))
            .order_by(ms.c.id)
        ):
            m = dict(r._mapping)
            meas[int(m.pop("sample_id"))].append(m)
        versions = []
        for sid, s in samples.items():
            v = {k: s[k] for k in _SAMPLE_COLS if k != "id"}
            v.update(sample_id=sid, replaced_by=batch_id, replaced_at=now,
                     measurements=json.dumps(meas[sid], ensure_ascii=False))  # fmt: skip
            versions.append(v)
        if versions:
            conn.execute(sa.insert(sv), versions)
        conn.execute(sa.delete(st).where(st.c.id.in_(chunk)))  # measurements cascade


def commit_results(store: Store, plan: ResultsPlan, actor: Actor) -> CommitResult:
    """Write ``plan`` in one transaction (see the module docstring). Unknown points must have
    been registered (or their rows rejected) when the plan was made."""
    counts = plan.counts
    live = plan.samples[plan.samples["status"].isin([NEW, CHANGED])]
    now = _now()
    with store.transaction() as conn:
        actor.require_write(conn)
        batch_id = open_batch(conn, "results", plan.file_name, plan.sha256, actor, now,
                              plan.rows_total, plan.rejected_rows,
                              (counts[NEW], counts[CHANGED], counts["未变"]))  # fmt: skip
        if len(live):
            ids = point_ids(conn, live["point"])
            replaced = [
                plan.stored_ids[(str(p), d)]
                for p, d in zip(live["point"], live["date"], strict=True)
                if (str(p), d) in plan.stored_ids
            ]
            _archive(conn, replaced, batch_id, now)
            insert_graded(conn, live, plan.detail, plan.standard, ids, plan.file_name[:256],
                          batch_id)  # fmt: skip
        qc_live = plan.qc_samples[plan.qc_samples["status"].isin([NEW, CHANGED])]
        if len(qc_live):  # 平行样 and blanks: their own table, never the point's sample
            write_qc(conn, plan.qc_samples, plan.qc_detail, point_ids(conn, qc_live["point"]),
                     batch_id)  # fmt: skip
        note = f"导入批次 {batch_id}（{plan.file_name}）"
        for key, g in plan.qc_changes.groupby(QC_SAMPLE, sort=True):
            point, day, code, kind = key
            write_audit(conn, actor, "update", "qc_result", f"{point} {day} {code}"[:64],
                        [(f"{kind} {r['indicator']}", r["old"], r["new"])
                         for r in g.to_dict("records")], note, now)  # fmt: skip
        for (point, day), g in plan.changes.groupby(["point", "date"], sort=True):
            changes = [
                (f"{r['indicator']} {r['field']}".strip(), r["old"], r["new"])
                for r in g.to_dict("records")
            ]
            write_audit(conn, actor, "update", "result", f"{point} {day}"[:64], changes, note, now)
        write_audit(conn, actor, "import", "batch", str(batch_id),
               [("新增样品", "", counts[NEW]), ("修改样品", "", counts[CHANGED]),
                ("未变样品", "", counts["未变"]), ("拒收行", "", plan.rejected_rows)],
               f"{plan.file_name}（SHA-256 {plan.sha256[:12]}…）", now)  # fmt: skip
    return CommitResult(
        batch_id=batch_id,
        imported=counts[NEW],
        updated=counts[CHANGED],
        unchanged=counts["未变"],
        rejected=plan.rejected_rows,
        points=tuple(sorted({str(p) for p in live["point"]})),
    )


def batches(store: Store, kind: str = "results") -> pd.DataFrame:
    """The import batches of ``kind``, newest first; results batches also carry ``n_qc``, the
    QC samples (平行样, blanks) each one wrote (its n_new, n_updated and n_unchanged count
    routine samples)."""
    b = schema.import_batch
    frame = store._frame(sa.select(b).where(b.c.kind == kind).order_by(b.c.id.desc()))
    if kind == "results":
        q = schema.qc_result
        one = sa.select(q.c.batch_id, q.c.point_id, q.c.sample_date, q.c.sample_code,
                        q.c.qc_type).distinct().subquery()  # fmt: skip
        with store.engine.connect() as conn:
            counted = conn.execute(
                sa.select(one.c.batch_id, sa.func.count()).group_by(one.c.batch_id)
            ).all()
        n_qc = {int(batch): int(n) for batch, n in counted}
        frame["n_qc"] = [int(n_qc.get(int(i), 0)) for i in frame["id"]]
    return frame


def batch_points(store: Store, batch_id: int) -> tuple[str, ...]:
    """Points whose samples a batch wrote or replaced."""
    st, sv, mp = schema.sample, schema.sample_version, schema.monitoring_point
    with store.engine.connect() as conn:
        own = conn.execute(
            sa.select(mp.c.code).join(st, st.c.point_id == mp.c.id)
            .where(st.c.batch_id == batch_id).distinct()
        ).scalars().all()  # fmt: skip
        replaced = conn.execute(
            sa.select(mp.c.code).join(sv, sv.c.point_id == mp.c.id)
            .where(sv.c.replaced_by == batch_id).distinct()
        ).scalars().all()  # fmt: skip
    return tuple(sorted({str(c) for c in (*own, *replaced)}))


def withdraw_batch(store: Store, batch_id: int, actor: Actor, reason: str) -> tuple[str, ...]:
    """撤回 a results batch (see the module docstring). Returns the points whose data changed."""
    if not reason.strip():
        raise ValidationError("撤回原因", reason, "撤回时必须说明原因")
    b, st, sv = schema.import_batch, schema.sample, schema.sample_version
    mp = schema.monitoring_point
    now = _now()
    with store.transaction() as conn:
        actor.require_write(conn)
        row = conn.execute(sa.select(b).where(b.c.id == batch_id)).mappings().one_or_none()
        if row is None:
            raise StoreError(f"没有编号为 {batch_id} 的导入批次")
        if row["kind"] != "results":
            raise StoreError(
                f"导入批次 {batch_id}（{row['file_name']}）不是检测结果批次："
                "只有检测结果批次可以撤回"
            )
        if row["status"] == WITHDRAWN:
            raise StoreError(f"导入批次 {batch_id} 已于 {row['withdrawn_at']:%Y-%m-%d %H:%M} 撤回")
        later = conn.execute(
            sa.select(sv.c.replaced_by, sa.func.count())
            .join(b, b.c.id == sv.c.replaced_by)
            .where((sv.c.batch_id == batch_id) & (b.c.status == ACTIVE))
            .group_by(sv.c.replaced_by)
        ).all()
        if later:
            which = "、".join(f"批次 {r[0]}（{r[1]} 个样品）" for r in later)
            raise StoreError(
                f"导入批次 {batch_id} 的样品已被后来的{which}修改：请先撤回后来的批次"
            )
        qc_removed = withdraw_qc(conn, batch_id)
        own = [int(i) for (i,) in conn.execute(sa.select(st.c.id).where(st.c.batch_id == batch_id))]
        points = {
            str(c)
            for (c,) in conn.execute(
                sa.select(mp.c.code).join(st, st.c.point_id == mp.c.id).where(
                    st.c.batch_id == batch_id
                ).distinct()
            )
        }
        for i in range(0, len(own), CHUNK):
            conn.execute(sa.delete(st).where(st.c.id.in_(own[i : i + CHUNK])))
        restored = conn.execute(
            sa.select(sv).where(sv.c.replaced_by == batch_id).order_by(sv.c.id)
        ).mappings().all()
        for v in restored:
            sample_row = {k: v[k] for k in _SAMPLE_COLS if k != "id"}
            new_id = conn.execute(
                sa.insert(st).values(**sample_row).returning(st.c.id)
            ).scalar_one()
            meas = json.loads(v["measurements"])
            if meas:
                insert_measurements(conn, pd.DataFrame(meas).assign(sample_id=new_id))
            points.add(
                str(conn.execute(sa.select(mp.c.code).where(mp.c.id == v["point_id"])).scalar())
            )
        conn.execute(
            sa.update(b).where(b.c.id == batch_id)
            .values(status=WITHDRAWN, withdrawn_by=actor.user, withdrawn_at=now,
                    withdraw_reason=reason.strip())
        )  # fmt: skip
        write_audit(conn, actor, "withdraw", "batch", str(batch_id),
               [("状态", ACTIVE, WITHDRAWN), ("移出样品", "", len(own)),
                ("恢复原样品", "", len(restored)), ("移出质控样测定值", "", qc_removed)],
               reason.strip(), now)  # fmt: skip
    return tuple(sorted(points))
