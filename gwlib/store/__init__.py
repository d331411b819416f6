"""The only place that talks to the database.

SQLite by default (a file outside the source tree, WAL mode, created on first start); PostgreSQL
by giving a ``postgresql+psycopg://`` URL. Same code, same Alembic migrations.

Grading is materialised on write: :meth:`Store.write_assessment` stores each sample's class and
limiting indicators and each measurement's class, so pages read summaries and never re-grade.

Size: about 520 lines in one module, because this is the :class:`Store` class itself (opening,
transactions, the upserts and the reads every page uses); connections and migrations are in
:mod:`gwlib.store.engine`, bulk writing in :mod:`gwlib.store.bulk` and each work area's writes in
its own module.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from gwlib.errors import DatabaseUnavailable, StoreError
from gwlib.plans.model import ActionPlan
from gwlib.quality.assess import Assessment
from gwlib.quality.model import MonitoringPoint
from gwlib.sources.model import DrinkingSource, PollutionSource, Zone
from gwlib.store import schema
from gwlib.store.bulk import CHUNK, insert_frame, insert_graded, point_ids, row_of
from gwlib.store.engine import (
    BUSY_TIMEOUT_S,
    WRITE_OPTION,
    alembic_config,
    create_engine,
    owner_only,
    recreate_schema,
)
from gwlib.store.packed import unpack_values
from gwlib.wells.model import AbandonedWell

if TYPE_CHECKING:
    from gwlib.store.audit import Actor


class Store:
    """A migrated database and the operations on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> Store:
        """Open ``url`` and bring its schema to the newest migration."""
        try:
            store = cls(create_engine(url))
            if migrate:
                try:
                    store.migrate()
                except BaseException:
                    store.close()  # a store that cannot be used keeps no connection open
                    raise
        except sa.exc.SQLAlchemyError as exc:
            raise DatabaseUnavailable(
                f"无法打开数据库 {sa.engine.make_url(url).render_as_string()}：{exc}"
            ) from exc
        if migrate:
            store.use_county_metric_crs()
        return store

    def use_county_metric_crs(self) -> None:
        """Compute distances and overlays in the UTM zone of the county this database is set up
        for (meta ``metric_crs``, written by ``python -m gwlib init``; UTM 49N without one)."""
        from gwlib.geo.crs import METRIC_CRS, set_metric_crs

        set_metric_crs(self.get_meta("metric_crs") or METRIC_CRS)

    def close(self) -> None:
        """Close pooled connections (the store can still be used; it reconnects)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error. On SQLite it
        takes the write lock at BEGIN (``BEGIN IMMEDIATE``)."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except sa.exc.OperationalError as exc:
            if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
                raise DatabaseUnavailable(
                    f"数据库正被另一项写入占用，已等待 {BUSY_TIMEOUT_S:g} 秒仍未释放；"
                    "未写入任何内容，请稍后重试"
                ) from exc
            text = str(exc.orig).lower()
            if "disk is full" in text or "no space" in text or "disk full" in text:
                raise StoreError(
                    "磁盘空间不足，数据库无法写入；本次操作未写入任何内容（已回滚）。"
                    "请清理数据库所在磁盘或联系管理员后重试"
                ) from exc
            raise

    def migrate(self) -> None:
        with owner_only("升级数据库结构"), self.transaction() as conn:
            command.upgrade(alembic_config(conn), "heads")

    def revision(self) -> str | None:
        """The current migration revision (several heads joined by ',')."""
        with self.engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
        return ",".join(sorted(heads)) or None

    # -- meta ---------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(sa.delete(schema.meta).where(schema.meta.c.key == key))
            conn.execute(sa.insert(schema.meta).values(key=key, value=value))

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            got = conn.execute(
                sa.select(schema.meta.c.value).where(schema.meta.c.key == key)
            ).scalar_one_or_none()
        return default if got is None else str(got)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(schema.monitoring_point))
            return int(n.scalar_one()) == 0

    def clear(self) -> None:
        """Replace the whole database with an empty one of the newest schema (demo rebuilds).

        History tables refuse DELETE (:data:`schema.HISTORY_TABLES`), so nothing is deleted row
        by row: every migration is undone and redone in one transaction, which drops the tables.
        On PostgreSQL only the role that owns the tables may do that, never the application's.
        """
        with owner_only("清空数据库"), self.transaction() as conn:
            recreate_schema(conn)

    # -- writes -------------------------------------------------------------------------------

    def _upsert(self, table: sa.Table, rows: Sequence[dict[str, Any]], key: str = "code") -> int:
        """Insert or replace rows by ``key`` in one transaction."""
        if not rows:
            return 0
        with self.transaction() as conn:
            keys = [r[key] for r in rows]
            for i in range(0, len(keys), CHUNK):
                conn.execute(sa.delete(table).where(table.c[key].in_(keys[i : i + CHUNK])))
            for i in range(0, len(rows), CHUNK):
                conn.execute(sa.insert(table), list(rows[i : i + CHUNK]))
        return len(rows)

    def upsert_points(self, points: Iterable[MonitoringPoint]) -> int:
        """Insert or update points by code (their samples are kept)."""
        rows = [row_of(p) for p in points]
        with self.transaction() as conn:
            existing = dict(
                conn.execute(
                    sa.select(schema.monitoring_point.c.code, schema.monitoring_point.c.id)
                ).all()
            )
            new = [r for r in rows if r["code"] not in existing]
            for r in rows:
                if r["code"] in existing:
                    conn.execute(
                        sa.update(schema.monitoring_point)
                        .where(schema.monitoring_point.c.id == existing[r["code"]])
                        .values(**r)
                    )
            if new:
                conn.execute(sa.insert(schema.monitoring_point), new)
        return len(rows)

    def upsert_wells(self, wells: Iterable[AbandonedWell]) -> int:
        from gwlib.store.summaries import WELL_SUMMARIES, refresh

        n = self._upsert(schema.abandoned_well, [row_of(w) for w in wells])
        refresh(self, WELL_SUMMARIES)
        return n

    def upsert_sources(self, sources: Iterable[DrinkingSource]) -> int:
        return self._upsert(schema.drinking_source, [row_of(s) for s in sources])

    def upsert_zones(self, zones: Iterable[Zone]) -> int:
        return self._upsert(schema.zone, [row_of(z) for z in zones])

    def upsert_pollution_sources(self, sources: Iterable[PollutionSource]) -> int:
        return self._upsert(schema.pollution_source, [row_of(s) for s in sources])

    def upsert_boundary(
        self, code: str, name: str, level: str, geometry: dict[str, Any], crs: str, source: str
    ) -> None:
        self._upsert(
            schema.boundary,
            [
                {
                    "code": code,
                    "name": name,
                    "level": level,
                    "geometry": json.dumps(geometry),
                    "crs": crs,
                    "source": source,
                }
            ],
        )

    def save_plan(self, plan: ActionPlan, *, by: Actor) -> int:
        """Store a plan with its tasks, replacing a plan of the same year, region and title.

        ``by`` must be an active editor or admin at the time of the write (read again in the
        transaction); the save is recorded in ``audit_log`` (entity ``plan``)."""
        with self.transaction() as conn:
            return self.save_plan_in(conn, plan, by)

    def save_plan_in(self, conn: Connection, plan: ActionPlan, by: Actor) -> int:
        """:meth:`save_plan` on a transaction the caller holds (a replacement's)."""
        from gwlib.plans.goals import plan_goals
        from gwlib.store.audit import write_audit
        from gwlib.store.plans import write_targets

        t, pt = schema.action_plan, schema.plan_task
        same = (t.c.year == plan.year) & (t.c.region == plan.region) & (t.c.title == plan.title)
        by.require_write(conn)
        old = conn.execute(
            sa.select(sa.func.count(pt.c.id)).select_from(t.join(pt)).where(same)
        ).scalar_one()
        replaced = conn.execute(sa.delete(t).where(same)).rowcount
        plan_id = conn.execute(
            sa.insert(t)
            .values(year=plan.year, region=plan.region, title=plan.title, goals=plan.goals)
            .returning(t.c.id)
        ).scalar_one()
        if plan.tasks:
            conn.execute(
                sa.insert(pt),
                [
                    {
                        "plan_id": plan_id,
                        "number": k.number,
                        "section": k.section,
                        "title": k.title,
                        "text": k.text,
                        "lead": json.dumps(list(k.lead), ensure_ascii=False),
                        "cooperating": json.dumps(list(k.cooperating), ensure_ascii=False),
                        "deadlines": json.dumps(list(k.deadlines), ensure_ascii=False),
                    }
                    for k in plan.tasks
                ],
            )
        write_targets(conn, plan_id, plan_goals(plan.goals, plan.year))
        write_audit(
            conn,
            by,
            "update" if replaced else "create",
            "plan",
            f"{plan.year}年 {plan.title}"[:64],
            [("tasks", old if replaced else None, len(plan.tasks))],
            f"{plan.region} {plan.title}".strip(),
        )
        return int(plan_id)

    def write_assessment(self, result: Assessment, source_file: str = "") -> int:
        """Store graded samples and measurements in one transaction (materialised grading).

        A sample already stored for the same point and date is replaced, so re-importing a
        file is idempotent. Every point must exist; otherwise nothing is written. (Files a user
        imports go through :mod:`gwlib.store.results`, which keeps a batch and a trail.)
        """
        if result.samples.empty:
            return 0
        with self.transaction() as conn:
            ids = point_ids(conn, result.samples["point"])
            s = result.samples
            pairs = list(
                zip(s["point"].map(ids), pd.to_datetime(s["date"]).dt.date, strict=True)
            )
            st = schema.sample
            for i in range(0, len(pairs), 500):
                chunk = pairs[i : i + 500]
                conn.execute(
                    sa.delete(st).where(sa.tuple_(st.c.point_id, st.c.sample_date).in_(chunk))
                )
            insert_graded(conn, result.samples, result.detail, result.standard, ids, source_file)
        return len(result.samples)

    # -- reads --------------------------------------------------------------------------------

    def _frame(self, query: sa.Select[Any]) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            # Plain tuples: pandas probes each Row object for attributes, about 3× slower.
            rows = [tuple(r) for r in result.all()]
            return pd.DataFrame.from_records(rows, columns=list(result.keys()))

    def points(self) -> pd.DataFrame:
        return self._frame(
            sa.select(schema.monitoring_point).order_by(schema.monitoring_point.c.code)
        )

    def wells(self, live: bool = False) -> pd.DataFrame:
        """The ledger's wells (not deleted), from the stored summary
        (:mod:`gwlib.store.summaries`) unless ``live``."""
        if not live:
            from gwlib.store.summaries import cached

            return cached(self, "wells")
        w = schema.abandoned_well
        return self._frame(sa.select(w).where(w.c.deleted == sa.false()).order_by(w.c.code))

    def drinking_sources(self) -> pd.DataFrame:
        return self._frame(
            sa.select(schema.drinking_source).order_by(schema.drinking_source.c.code)
        )

    def zones(self) -> pd.DataFrame:
        return self._frame(sa.select(schema.zone).order_by(schema.zone.c.code))

    def pollution_sources(self) -> pd.DataFrame:
        return self._frame(
            sa.select(schema.pollution_source).order_by(schema.pollution_source.c.code)
        )

    def boundaries(self) -> pd.DataFrame:
        return self._frame(sa.select(schema.boundary).order_by(schema.boundary.c.code))

    def plan_tasks(self, year: int | None = None) -> pd.DataFrame:
        t, pt = schema.action_plan, schema.plan_task
        q = (
            sa.select(
                t.c.year,
                t.c.region,
                t.c.title.label("plan_title"),
                pt.c.number,
                pt.c.section,
                pt.c.title,
                pt.c.text,
                pt.c.lead,
                pt.c.cooperating,
                pt.c.deadlines,
            )
            .join(pt, pt.c.plan_id == t.c.id)
            .order_by(t.c.year, pt.c.number)
        )
        if year is not None:
            q = q.where(t.c.year == year)
        return self._frame(q)

    def samples(
        self,
        year_from: int | None = None,
        year_to: int | None = None,
        points: Sequence[str] | None = None,
        live: bool = False,
    ) -> pd.DataFrame:
        """Graded samples joined with their point's attributes (one row per sample), of
        ``points`` only when given. All of them come from the stored summary
        (:mod:`gwlib.store.summaries`) unless ``live``."""
        if not live and year_from is None and year_to is None and points is None:
            from gwlib.store.summaries import cached

            return cached(self, "samples")
        st, mp = schema.sample, schema.monitoring_point
        q = (
            sa.select(
                mp.c.code.label("point"),
                mp.c.name.label("point_name"),
                mp.c.category,
                mp.c.purpose,
                mp.c.township,
                mp.c.aquifer,
                mp.c.target_class,
                mp.c.frequency,
                st.c.sample_date.label("date"),
                st.c.period,
                st.c.quality_class,
                st.c.limiting,
                st.c.n_graded,
                st.c.water_level_m,
            )
            .join(mp, mp.c.id == st.c.point_id)
            .order_by(mp.c.code, st.c.sample_date)
        )
        if year_from is not None:
            q = q.where(st.c.sample_date >= dt.date(year_from, 1, 1))
        if year_to is not None:
            q = q.where(st.c.sample_date <= dt.date(year_to, 12, 31))
        if points is not None:
            return self._of_points(q, points)
        return self._frame(q)

    def _of_points(self, q: sa.Select[Any], points: Sequence[str]) -> pd.DataFrame:
        """``q`` (which selects from ``monitoring_point``) for ``points`` only, in chunks."""
        mp = schema.monitoring_point
        codes = sorted(set(points))
        return pd.concat(
            [self._frame(q.where(mp.c.code.in_(codes[i : i + CHUNK])))
             for i in range(0, len(codes), CHUNK)] or [self._frame(q.where(sa.false()))],
            ignore_index=True,
        )  # fmt: skip

    def measurements(self, point: str | None = None, year: int | None = None,
                     points: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored measurements with their sample's point and date (of one point, of ``points``,
        of one year)."""
        st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
        q = self._measurement_query().order_by(mp.c.code, st.c.sample_date, ms.c.id)
        if point is not None:
            q = q.where(mp.c.code == point)
        if year is not None:
            q = q.where(st.c.sample_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        if points is not None:
            return self._of_points(q, points)
        return self._frame(q)

    # -- trends (batch step) --------------------------------------------------------------------

    def trend_input(self, points: Sequence[str] | None = None) -> pd.DataFrame:
        """The values the trend tests read, one row per measurement: point, indicator_code,
        date (datetime64), period (水期), value, censored; point, indicator and 水期 are
        categorical. Read from the samples' packed values (:mod:`gwlib.store.packed`)."""
        st, mp, sv = schema.sample, schema.monitoring_point, schema.sample_values
        q = (
            sa.select(mp.c.code, sa.cast(st.c.sample_date, sa.String), st.c.period,
                      sv.c.indicator_codes, sv.c.value_bytes, sv.c.censored_bytes)
            .join(st, st.c.id == sv.c.sample_id)
            .join(mp, mp.c.id == st.c.point_id)
            .order_by(mp.c.code, st.c.sample_date)
        )  # fmt: skip
        with self.engine.connect() as conn:
            if points is None:
                rows = [tuple(r) for r in conn.execute(q)]
            else:
                codes = sorted(set(points))
                rows = [
                    tuple(r)
                    for i in range(0, len(codes), CHUNK)
                    for r in conn.execute(q.where(mp.c.code.in_(codes[i : i + CHUNK])))
                ]
        return unpack_values(rows)

    def replace_trends(self, results: pd.DataFrame, points: Sequence[str] | None = None) -> int:
        """Store trend results (columns of ``trend_result``), replacing those of ``points`` (all
        when None) in one transaction. Returns the number of rows stored."""
        from gwlib.store.schema_trends import trend_result

        cols = [c.name for c in trend_result.columns if c.name != "id"]
        res = results.reindex(columns=cols)
        res["computed_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with self.transaction() as conn:
            old = sa.delete(trend_result)
            if points is not None:
                old = old.where(trend_result.c.point.in_(sorted(set(points))))
            conn.execute(old)
            insert_frame(conn, trend_result, res[cols])
        return len(res)

    def trends(self, method: str = "mk", live: bool = False) -> pd.DataFrame:
        """Stored trend results of ``method`` (from the stored summary unless ``live``)."""
        from gwlib.store.schema_trends import trend_result

        if not live:
            from gwlib.store.summaries import BUILDERS, cached

            if f"trends:{method}" in BUILDERS:
                return cached(self, f"trends:{method}")

        return self._frame(
            sa.select(trend_result)
            .where(trend_result.c.method == method)
            .order_by(trend_result.c.point, trend_result.c.indicator_code)
        )

    def _measurement_query(self) -> sa.Select[Any]:
        st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
        return (
            sa.select(mp.c.code.label("point"), st.c.sample_date.label("date"), st.c.period,
                      ms.c.indicator_code, ms.c.reported_name, ms.c.value, ms.c.unit,
                      ms.c.qualifier, ms.c.censored, ms.c.quality_class, ms.c.exceedance,
                      ms.c.raw_value, ms.c.raw_unit)
            .join(st, st.c.id == ms.c.sample_id)
            .join(mp, mp.c.id == st.c.point_id)
        )  # fmt: skip

    def latest_measurements(self, period: str = "", live: bool = False) -> pd.DataFrame:
        """Measurements of each point's latest graded sample (of one 水期 when given): one
        query whatever the size of the network (from the stored summary unless ``live``)."""
        if not live:
            from gwlib.store.summaries import BUILDERS, cached

            name = f"latest:{period}" if period else "latest"
            if name in BUILDERS:
                return cached(self, name)
        st, ms = schema.sample, schema.measurement
        graded = st.c.quality_class > 0
        if period:
            graded = graded & (st.c.period == period)
        latest = (
            sa.select(st.c.point_id, sa.func.max(st.c.sample_date).label("last"))
            .where(graded)
            .group_by(st.c.point_id)
            .subquery()
        )
        q = self._measurement_query().join(
            latest, (latest.c.point_id == st.c.point_id) & (latest.c.last == st.c.sample_date)
        )
        return self._frame(q.order_by(ms.c.id))

    def exceedances(self, year: int | None = None, live: bool = False) -> pd.DataFrame:
        """Measurements worse than Ⅲ or than their point's target class (of one year; a year's
        come from the stored summary unless ``live``)."""
        if year is not None and not live:
            from gwlib.store.summaries import EXCEEDANCES, cached

            return cached(self, f"{EXCEEDANCES}{year}")
        st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
        q = self._measurement_query().where(
            (ms.c.indicator_code != "")
            & ((ms.c.quality_class > 3) | (ms.c.quality_class > mp.c.target_class))
        )
        if year is not None:
            q = q.where(st.c.sample_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        return self._frame(q.order_by(ms.c.id))

    def counts(self) -> dict[str, int]:
        """Row count of every table but the derived ones (:data:`schema.DERIVED_TABLES`)."""
        with self.engine.connect() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in schema.data_tables()
            }
