"""The only place that talks to the database.

SQLite by default (a file outside the source tree, WAL mode, created on first start); PostgreSQL
by giving a ``postgresql+psycopg://`` URL. Same code, same Alembic migrations.

Grading is materialised on write: :meth:`Store.write_assessment` stores each sample's class and
limiting indicators and each measurement's class, so pages read summaries and never re-grade.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from gwlib.errors import DatabaseUnavailable, StoreError
from gwlib.plans.model import ActionPlan
from gwlib.quality.assess import Assessment
from gwlib.quality.model import MonitoringPoint
from gwlib.sources.model import DrinkingSource, PollutionSource, Zone
from gwlib.store import schema
from gwlib.wells.model import AbandonedWell

if TYPE_CHECKING:
    from gwlib.store.audit import Actor

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE_OPTION = "gwlib_write"
#: How long a writer waits for another writer to finish on SQLite before giving up.
BUSY_TIMEOUT_S = 10.0
CHUNK = 5_000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python 3.11's sqlite3 opens transactions itself; take control so BEGIN is explicit.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front (no busy-snapshot failure on read-then-write);
    # readers begin deferred so that they never wait for each other.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite, the file's directory is created and WAL switched on."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_driver_name() == "psycopg":
        # psycopg prepares a statement after 5 runs; PostgreSQL may then keep a generic plan,
        # which for "code IN (5,000 values)" compared every row with every code (59 s against
        # 17 ms unprepared, seen importing 100,000 wells). Our statements are few and large.
        connect_args["prepare_threshold"] = None
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _alembic_config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


#: PostgreSQL's SQLSTATE for "permission denied" / "must be owner of table".
INSUFFICIENT_PRIVILEGE = "42501"


@contextmanager
def owner_only(what: str) -> Iterator[None]:
    """Turn PostgreSQL's "permission denied" during ``what`` into a StoreError that says who may
    do it: schema changes and emptying history belong to the role that owns the tables, and the
    application's role does not (docs/deploy.md, 数据库角色)."""
    try:
        yield
    except sa.exc.ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        raise StoreError(
            f"{what}需要数据库所有者角色，当前连接的角色无权修改表结构或历史记录"
            f"（数据库报告：{str(exc.orig).strip().splitlines()[0]}）。"
            "请用所有者角色的连接执行，例如 python -m gwlib migrate --db 所有者的URL"
        ) from exc


def recreate_schema(conn: Connection) -> None:
    """Undo every migration and redo them on ``conn``: an empty database of the newest schema,
    history tables and their triggers included. Inside the caller's transaction."""
    cfg = _alembic_config(conn)
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "heads")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts with NaN/NaT as None and numpy scalars as Python values
    (column by column: a value-by-value conversion took half the import time)."""
    names = [str(c) for c in frame.columns]
    columns = []
    for c in frame.columns:
        values = frame[c].tolist()  # Python scalars
        missing = frame[c].isna().to_numpy()
        if missing.any():
            values = [None if m else v for v, m in zip(values, missing, strict=True)]
        columns.append(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


_PLAIN_TYPES = (sa.Integer, sa.Float, sa.String, sa.Boolean)  # Text is a String
# SQLAlchemy's storage format for dates and times on SQLite (its defaults), so rows written
# straight to the driver read back exactly as rows written through SQLAlchemy.
_SQLITE_FORMATS = {sa.DateTime: "%Y-%m-%d %H:%M:%S.%f", sa.Date: "%Y-%m-%d"}


def _sqlite_text(values: pd.Series, fmt: str) -> pd.Series:
    stamps = pd.to_datetime(values)
    return stamps.dt.strftime(fmt).where(stamps.notna(), None)


def _insert_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """Insert a frame in chunks, converting one chunk at a time (memory stays flat).

    Plain columns (numbers, text, flags, dates, times) skip SQLAlchemy's per-value parameter
    processing, which was half the cost of a results import and most of a trend refresh: on
    SQLite the rows go to the driver's ``executemany`` as tuples, dates and times written in
    SQLAlchemy's own text format; on PostgreSQL they go through ``COPY … FROM STDIN`` in the
    same transaction (row triggers fire as for INSERT). Columns of any other type keep the
    SQLAlchemy path."""
    names = [str(c) for c in frame.columns]
    types = [table.c[n].type for n in names]
    simple = all(isinstance(t, _PLAIN_TYPES + tuple(_SQLITE_FORMATS)) for t in types)
    if simple and conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_frame(conn, table, frame, names)
        return
    plain = simple and conn.dialect.name == "sqlite"
    sql = (
        f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
        f"VALUES ({', '.join('?' * len(names))})"
    )
    for i in range(0, len(frame), CHUNK):
        chunk = frame.iloc[i : i + CHUNK]
        if not plain:
            conn.execute(sa.insert(table), _records(chunk))
            continue
        chunk = chunk.copy()
        for n, t in zip(names, types, strict=True):
            fmt = next((f for k, f in _SQLITE_FORMATS.items() if isinstance(t, k)), None)
            if fmt:
                chunk[n] = _sqlite_text(chunk[n], fmt)
        conn.exec_driver_sql(sql, [tuple(r.values()) for r in _records(chunk)])


def _copy_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame, names: list[str]) -> None:
    """``COPY`` the frame's rows into ``table`` on this connection's transaction (psycopg 3)."""
    cols = ", ".join(f'"{n}"' for n in names)
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        for i in range(0, len(frame), CHUNK):
            for rec in _records(frame.iloc[i : i + CHUNK]):
                copy.write_row(
                    tuple(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v
                          for v in rec.values())
                )  # fmt: skip


def _row_of(obj: Any) -> dict[str, Any]:
    """A domain object as a table row: enums to their values, geometry to GeoJSON text."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, Enum):
            v = v.value
        elif isinstance(v, Mapping):
            v = json.dumps(v, ensure_ascii=False)
        elif v is None and f.name == "plan_type":
            v = ""
        out[f.name] = v
    return out


def point_ids(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    """Ids of the points with these codes; :class:`StoreError` naming the unregistered ones."""
    mp = schema.monitoring_point
    ids = {str(c): int(i) for c, i in conn.execute(sa.select(mp.c.code, mp.c.id)).all()}
    missing = sorted(set(codes) - set(ids))
    if missing:
        raise StoreError("以下点位编码不在点位表中，请先登记点位：" + "、".join(missing[:20]))
    return ids


def insert_graded(
    conn: Connection,
    samples: pd.DataFrame,
    detail: pd.DataFrame,
    std: Any,
    ids: Mapping[str, int],
    source_file: str = "",
    batch_id: int | None = None,
) -> None:
    """Insert graded samples (one row per point and date) and their measurements.

    ``samples`` and ``detail`` have the columns :func:`gwlib.quality.assess.assess` gives;
    ``std`` is the :class:`~gwlib.quality.standards.StandardSet` they were graded with.
    """
    st, ms = schema.sample, schema.measurement
    codes = [i.code for i in std.indicators]
    units = [i.unit for i in std.indicators]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    s = samples.assign(
        point_id=samples["point"].map(ids), sample_date=pd.to_datetime(samples["date"]).dt.date
    )
    rows = pd.DataFrame(
        {
            "point_id": s["point_id"],
            "sample_date": s["sample_date"],
            "period": s.get("period", pd.Series("", index=s.index)).fillna(""),
            "lab": s.get("lab", pd.Series("", index=s.index)).fillna(""),
            "water_level_m": s.get("water_level", pd.Series(float("nan"), index=s.index)),
            "quality_class": s["class"],
            "limiting": s["limiting_codes"],
            "n_graded": s["n_graded"],
            "standard": std.code,
            "source_file": source_file,
            "graded_at": now,
            "batch_id": batch_id,
        }
    )
    _insert_frame(conn, st, rows)
    point_list = sorted({int(p) for p in s["point_id"]})
    sid = pd.DataFrame(
        [
            tuple(r)
            for i in range(0, len(point_list), CHUNK)
            for r in conn.execute(
                sa.select(st.c.id, st.c.point_id, st.c.sample_date).where(
                    st.c.point_id.in_(point_list[i : i + CHUNK])
                )
            ).all()
        ],
        columns=["sample_id", "point_id", "sample_date"],
    )
    d = detail.assign(
        point_id=detail["point"].map(ids), sample_date=pd.to_datetime(detail["date"]).dt.date
    )
    d = d.merge(sid, on=["point_id", "sample_date"], how="left")
    known = d["indicator"] >= 0
    code_arr = pd.Series([*codes, ""]).iloc[d["indicator"].where(known, len(codes))]
    unit_arr = pd.Series([*units, ""]).iloc[d["indicator"].where(known, len(codes))]
    mrows = pd.DataFrame(
        {
            "sample_id": d["sample_id"].to_numpy(),
            "indicator_code": code_arr.to_numpy(),
            "reported_name": d["indicator_raw"].to_numpy(),
            "value": d["value"].to_numpy(),
            "unit": unit_arr.to_numpy(),
            "qualifier": d["qualifier"].to_numpy(),
            "censored": d["censored"].to_numpy(),
            "quality_class": d["class"].to_numpy(),
            "exceedance": d["exceedance"].to_numpy(),
            "raw_value": d["raw_value"].astype("str").str.slice(0, 64).to_numpy(),
            "raw_unit": d["raw_unit"].astype("str").str.slice(0, 32).to_numpy(),
        }
    )
    _insert_frame(conn, ms, mrows)


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
            command.upgrade(_alembic_config(conn), "heads")

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
        rows = [_row_of(p) for p in points]
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
        return self._upsert(schema.abandoned_well, [_row_of(w) for w in wells])

    def upsert_sources(self, sources: Iterable[DrinkingSource]) -> int:
        return self._upsert(schema.drinking_source, [_row_of(s) for s in sources])

    def upsert_zones(self, zones: Iterable[Zone]) -> int:
        return self._upsert(schema.zone, [_row_of(z) for z in zones])

    def upsert_pollution_sources(self, sources: Iterable[PollutionSource]) -> int:
        return self._upsert(schema.pollution_source, [_row_of(s) for s in sources])

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
        from gwlib.store.audit import write_audit

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

    def wells(self) -> pd.DataFrame:
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
    ) -> pd.DataFrame:
        """Graded samples joined with their point's attributes (one row per sample), of
        ``points`` only when given."""
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
            codes = sorted(set(points))
            return pd.concat(
                [self._frame(q.where(mp.c.code.in_(codes[i : i + CHUNK])))
                 for i in range(0, len(codes), CHUNK)] or [self._frame(q.where(sa.false()))],
                ignore_index=True,
            )  # fmt: skip
        return self._frame(q)

    def measurements(self, point: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Stored measurements with their sample's point and date (of one point / year)."""
        st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
        q = self._measurement_query().order_by(mp.c.code, st.c.sample_date, ms.c.id)
        if point is not None:
            q = q.where(mp.c.code == point)
        if year is not None:
            q = q.where(st.c.sample_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        return self._frame(q)

    # -- trends (batch step) --------------------------------------------------------------------

    def trend_input(self, points: Sequence[str] | None = None) -> pd.DataFrame:
        """The values the trend tests read: point, indicator, date (datetime64), 水期, value,
        censored. The date is read as text and parsed once per column (a Python date per row
        was a third of a trend refresh)."""
        st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
        day = sa.cast(st.c.sample_date, sa.String).label("date")
        q = (
            sa.select(mp.c.code.label("point"), ms.c.indicator_code,
                      day, st.c.period, ms.c.value, ms.c.censored)
            .join(st, st.c.id == ms.c.sample_id)
            .join(mp, mp.c.id == st.c.point_id)
            .where((ms.c.indicator_code != "") & ms.c.value.is_not(None))
        )  # fmt: skip
        if points is not None:
            q = q.where(mp.c.code.in_(list(points)))
        with self.engine.connect() as conn:
            # Straight from the driver: the columns need no conversion per value but the two
            # done per column below (SQLAlchemy's row processing was half of this read).
            compiled = q.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
            params = compiled.params
            args: Any = (
                [params[k] for k in compiled.positiontup or ()] if compiled.positional else params
            )
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(str(compiled), args)
                rows = cursor.fetchall()
            finally:
                cursor.close()
        frame = pd.DataFrame.from_records(
            rows, columns=["point", "indicator_code", "date", "period", "value", "censored"]
        )
        frame["date"] = pd.to_datetime(frame["date"].astype("str").str.slice(0, 10))
        frame["value"] = frame["value"].astype("float64")
        frame["censored"] = frame["censored"].astype("bool")
        return frame

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
            _insert_frame(conn, trend_result, res[cols])
        return len(res)

    def trends(self, method: str = "mk") -> pd.DataFrame:
        from gwlib.store.schema_trends import trend_result

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

    def latest_measurements(self, period: str = "") -> pd.DataFrame:
        """Measurements of each point's latest graded sample (of one 水期 when given): one
        query whatever the size of the network."""
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

    def exceedances(self, year: int | None = None) -> pd.DataFrame:
        """Measurements worse than Ⅲ or than their point's target class (of one year)."""
        st, mp, ms = schema.sample, schema.monitoring_point, schema.measurement
        q = self._measurement_query().where(
            (ms.c.indicator_code != "")
            & ((ms.c.quality_class > 3) | (ms.c.quality_class > mp.c.target_class))
        )
        if year is not None:
            q = q.where(st.c.sample_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        return self._frame(q.order_by(ms.c.id))

    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        with self.engine.connect() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in schema.metadata.sorted_tables
            }
