"""Tables (SQLAlchemy Core). Portable: the same schema on SQLite and PostgreSQL.

Geometries are GeoJSON text in lon/lat (CRS recorded per row), so no spatial extension is
needed. Changes to this file go with an Alembic migration in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

boundary = Table(
    "boundary",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("level", String(16), nullable=False),  # 县 / 乡镇
    Column("geometry", Text, nullable=False),
    Column("crs", String(32), nullable=False),
    Column("source", Text, nullable=False, server_default=""),
)

monitoring_point = Table(
    "monitoring_point",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False, server_default=""),
    Column("category", String(32), nullable=False),
    Column("township", String(64), nullable=False, server_default=""),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("crs", String(32), nullable=False),
    Column("aquifer", String(16), nullable=False),
    Column("burial", String(16), nullable=False),
    Column("depth_m", Float),
    Column("screen_top_m", Float),
    Column("screen_bottom_m", Float),
    Column("owner", String(128), nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("target_class", Integer, nullable=False),
    Column("frequency", String(16), nullable=False),
    Column("source_code", String(64), nullable=False, server_default=""),
    Column("pollution_source_code", String(64), nullable=False, server_default=""),
    # 点位登记表 (migration 0011): 监测用途, 备注, 建井日期, the coordinates as given
    Column("purpose", String(16), nullable=False, server_default="区域"),
    Column("note", Text, nullable=False, server_default=""),
    Column("established", Date),
    Column("input_x", Float),
    Column("input_y", Float),
    Column("input_crs", String(64), nullable=False, server_default=""),
    Column("filed_on", Date),  # 最近报备日期 (migration filing_0001)
)

#: One imported file (导入批次): who loaded what, when, with what effect. An editor may withdraw
#: it (撤回): its samples leave the live tables and the versions it replaced come back.
import_batch = Table(
    "import_batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # results / points / zones / sources / pollution
    Column("file_name", String(256), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("n_new", Integer, nullable=False),
    Column("n_updated", Integer, nullable=False),
    Column("n_unchanged", Integer, nullable=False),
    Column("status", String(8), nullable=False, server_default="有效"),  # 有效 / 已撤回
    Column("withdrawn_by", String(64), nullable=False, server_default=""),
    Column("withdrawn_at", DateTime),
    Column("withdraw_reason", Text, nullable=False, server_default=""),
)
Index("ix_import_batch_sha256", import_batch.c.sha256)

sample = Table(
    "sample",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "point_id", Integer, ForeignKey("monitoring_point.id", ondelete="CASCADE"), nullable=False
    ),
    Column("sample_date", Date, nullable=False),
    Column("period", String(16), nullable=False, server_default=""),
    Column("lab", String(128), nullable=False, server_default=""),
    Column("water_level_m", Float),
    Column("quality_class", Integer, nullable=False),  # 0 = nothing graded
    Column("limiting", Text, nullable=False, server_default=""),  # indicator codes joined by ';'
    Column("n_graded", Integer, nullable=False),
    Column("standard", String(32), nullable=False),
    Column("source_file", String(256), nullable=False, server_default=""),
    Column("graded_at", DateTime, nullable=False),
    Column("batch_id", Integer),  # import_batch.id; NULL for samples stored before batches
    UniqueConstraint("point_id", "sample_date"),
)
Index("ix_sample_date", sample.c.sample_date)
Index("ix_sample_batch_id", sample.c.batch_id)

measurement = Table(
    "measurement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sample_id", Integer, ForeignKey("sample.id", ondelete="CASCADE"), nullable=False),
    Column("indicator_code", String(16), nullable=False),  # code in the standard; '' = not graded
    Column("reported_name", String(128), nullable=False, server_default=""),
    Column("value", Float),  # standard's unit; a non-detect holds its detection limit
    Column("unit", String(32), nullable=False, server_default=""),
    Column("qualifier", String(2), nullable=False, server_default=""),
    Column("censored", Boolean, nullable=False),
    Column("quality_class", Integer, nullable=False),
    Column("exceedance", Float),  # 超标倍数 vs Ⅲ
    Column("raw_value", String(64), nullable=False, server_default=""),
    Column("raw_unit", String(32), nullable=False, server_default=""),
)
Index("ix_measurement_sample_id", measurement.c.sample_id)
Index("ix_measurement_indicator_code", measurement.c.indicator_code)

#: What the trend tests read (:meth:`gwlib.store.Store.trend_input`), one row per sample: the
#: indicator codes, values and non-detect flags of its graded measurements that have a value, in
#: measurement order, packed (codes joined by ``;``, float64 and uint8 arrays, little-endian).
#: Written with the measurements in the same transaction
#: (:func:`gwlib.store.bulk.insert_measurements`), removed with the sample (cascade). A trend
#: refresh at province scale reads 80,000 of these rows instead of 7 million measurements.
sample_values = Table(
    "sample_values",
    metadata,
    Column("sample_id", Integer, ForeignKey("sample.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_codes", Text, nullable=False),
    Column("value_bytes", LargeBinary, nullable=False),
    Column("censored_bytes", LargeBinary, nullable=False),
)

#: Quality-control samples (平行样, 现场空白, 运输空白: gwlib.quality.qc), one row per measurement,
#: apart from ``sample`` so they never count as the point's sample. Each row belongs to the import
#: batch that wrote it; a later batch that changes a QC sample marks the old rows ``replaced_by``
#: (its id) and a withdrawal of that batch brings them back.
qc_result = Table(
    "qc_result",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, nullable=False),
    Column(
        "point_id", Integer, ForeignKey("monitoring_point.id", ondelete="CASCADE"), nullable=False
    ),
    Column("sample_date", Date, nullable=False),
    Column("sample_code", String(64), nullable=False, server_default=""),
    Column("qc_type", String(16), nullable=False),
    Column("indicator_code", String(16), nullable=False),  # '' = not graded
    Column("reported_name", String(128), nullable=False, server_default=""),
    Column("value", Float),  # standard's unit; a non-detect holds its detection limit
    Column("unit", String(32), nullable=False, server_default=""),
    Column("censored", Boolean, nullable=False),
    Column("raw_value", String(64), nullable=False, server_default=""),
    Column("raw_unit", String(32), nullable=False, server_default=""),
    Column("replaced_by", Integer),
)
Index("ix_qc_result_point_date", qc_result.c.point_id, qc_result.c.sample_date)
Index("ix_qc_result_batch_id", qc_result.c.batch_id)

abandoned_well = Table(
    "abandoned_well",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("category", String(16), nullable=False),
    Column("subtype", String(32), nullable=False, server_default=""),
    Column("township", String(64), nullable=False, server_default=""),
    Column("village", String(64), nullable=False, server_default=""),
    Column("lon", Float),
    Column("lat", Float),
    Column("status", String(16), nullable=False),
    Column("owner", String(128), nullable=False, server_default=""),
    Column("owner_known", Boolean, nullable=False),
    Column("phone", String(32), nullable=False, server_default=""),
    Column("depth_m", Float),
    Column("abandon_reason", Text, nullable=False, server_default=""),
    Column("abandon_date", Date),
    Column("survey_date", Date),
    Column("plan_type", String(16), nullable=False, server_default=""),
    Column("responsible_party", String(128), nullable=False, server_default=""),
    Column("lead_department", String(128), nullable=False, server_default=""),
    Column("planned_completion", Date),
    Column("actual_completion", Date),
    Column("deferral_reason", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("deleted", Boolean, nullable=False, server_default="0"),
)
Index("ix_abandoned_well_status", abandoned_well.c.status)

drinking_source = Table(
    "drinking_source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("scale", String(16), nullable=False),
    Column("source_type", String(16), nullable=False),
    Column("township", String(64), nullable=False, server_default=""),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("population", Integer, nullable=False),
    Column("capacity_t_d", Float, nullable=False),
    Column("zones_status", String(16), nullable=False),
    Column("recharge_status", String(16), nullable=False),
    Column("exceedance_cause", String(32), nullable=False, server_default=""),
    Column("remediation_status", Text, nullable=False, server_default=""),
    # 规范化建设 (migration 0007)
    Column("signage", String(16), nullable=False, server_default="未开展"),
    Column("fencing", String(16), nullable=False, server_default="未开展"),
    Column("rectification", String(16), nullable=False, server_default="未开展"),
)

zone = Table(
    "zone",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source_code", String(64), nullable=False, server_default=""),
    Column("legal_status", String(16), nullable=False),
    Column("basis", Text, nullable=False, server_default=""),
    Column("requirements", Text, nullable=False, server_default=""),
    Column("geometry", Text, nullable=False),
    Column("crs", String(32), nullable=False),
    Column("approval_no", String(128), nullable=False, server_default=""),  # 批复文号 (zones_0001)
    Column("approval_date", Date),  # 批复日期
)

pollution_source = Table(
    "pollution_source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("category", String(16), nullable=False),
    Column("township", String(64), nullable=False, server_default=""),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("key_discharger", Boolean, nullable=False),
    Column("networked", Boolean, nullable=False),
    Column("seepage_status", String(16), nullable=False),
    Column("survey_status", String(16), nullable=False),
    Column("risk_control", Text, nullable=False, server_default=""),
    Column("monitoring_wells", Integer, nullable=False, server_default="0"),
    # 污染源登记表 (migration registers_0001): 排污许可证编号, 开展地下水自行监测
    Column("permit_no", String(64), nullable=False, server_default=""),
    Column("self_monitoring", Boolean, nullable=False, server_default="0"),
    Column("inspections", Integer, nullable=False, server_default="0"),
    Column("violations", Text, nullable=False, server_default=""),
)

action_plan = Table(
    "action_plan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("region", String(64), nullable=False),
    Column("title", String(256), nullable=False),
    Column("goals", Text, nullable=False, server_default=""),
    UniqueConstraint("year", "region", "title"),
)

plan_task = Table(
    "plan_task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("action_plan.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("section", String(128), nullable=False, server_default=""),
    Column("title", String(256), nullable=False),
    Column("text", Text, nullable=False),
    Column("lead", Text, nullable=False, server_default="[]"),  # JSON list
    Column("cooperating", Text, nullable=False, server_default="[]"),  # JSON list
    Column("deadlines", Text, nullable=False, server_default="[]"),  # JSON list
)

#: The plan's targets on points as records (parsed from its 工作目标 when the plan is saved,
#: then reviewed and corrected by the user): :class:`gwlib.plans.goals.PlanGoal`.
plan_target = Table(
    "plan_target",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("action_plan.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("level", String(32), nullable=False, server_default=""),
    Column("purpose", String(32), nullable=False, server_default=""),
    Column("cls", Integer, nullable=False),
    Column("value", Float),
    Column("due", Date),
    Column("text", Text, nullable=False, server_default=""),
)

#: Versions of samples that an import replaced (a corrected value) — kept so that withdrawing
#: that import restores them exactly. ``replaced_by`` is the batch that replaced the version.
sample_version = Table(
    "sample_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sample_id", Integer, nullable=False),  # the live row's id when it was replaced
    Column("point_id", Integer, nullable=False),
    Column("sample_date", Date, nullable=False),
    Column("period", String(16), nullable=False, server_default=""),
    Column("lab", String(128), nullable=False, server_default=""),
    Column("water_level_m", Float),
    Column("quality_class", Integer, nullable=False),
    Column("limiting", Text, nullable=False, server_default=""),
    Column("n_graded", Integer, nullable=False),
    Column("standard", String(32), nullable=False),
    Column("source_file", String(256), nullable=False, server_default=""),
    Column("graded_at", DateTime, nullable=False),
    Column("batch_id", Integer),
    Column("replaced_by", Integer, nullable=False),
    Column("replaced_at", DateTime, nullable=False),
    Column("measurements", Text, nullable=False),  # JSON: the version's measurement rows
)
Index("ix_sample_version_replaced_by", sample_version.c.replaced_by)
Index("ix_sample_version_batch_id", sample_version.c.batch_id)

# Tables of feature modules register on the same metadata (imported last: they import it).
from gwlib.store import (  # noqa: E402, F401
    schema_auth,
    schema_dispatch,
    schema_ledger,
    schema_projects,
    schema_tasks,
    schema_trends,
)

#: Derived tables (:mod:`gwlib.store.summaries`): the summaries, rebuilt from the other tables
#: when read, and the change counters the database's triggers keep. Backups leave them out; a
#: restore's inserts raise the counters, so no summary from before it is read.
DERIVED_TABLES = ("summary", "change_counter", "change_tx")


def data_tables() -> list[Table]:
    """Every table but the derived ones, in dependency order: what backups hold and counts
    report."""
    return [t for t in metadata.sorted_tables if t.name not in DERIVED_TABLES]

#: Append-only history, table -> its name in messages: database triggers refuse UPDATE, DELETE
#: and (PostgreSQL) TRUNCATE (migration ``history_0001``), and the application's role may only
#: SELECT and INSERT them (:mod:`gwlib.store.roles`). A new history table goes here and into a
#: migration's triggers.
HISTORY_TABLES = {
    "audit_log": "审计日志",
    "well_event": "封井流程记录",
    "task_status_log": "任务状态变更记录",
}
