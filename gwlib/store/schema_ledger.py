"""Tables of the 封井回填 ledger around ``abandoned_well``: status history, sealing record and its
depth intervals, attached documents, the append-only audit log, and the app's users.

Rows refer to a well by its code (not its id): the code is what people write on forms, and it
stays the same when the well row is rewritten. Migration ``ledger_0001``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from gwlib.store.schema import metadata

well_event = Table(
    "well_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("well_code", String(64), nullable=False),
    Column("from_status", String(16), nullable=False, server_default=""),
    Column("to_status", String(16), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime, nullable=False),
)
Index("ix_well_event_well_code", well_event.c.well_code)

well_sealing = Table(
    "well_sealing",
    metadata,
    Column("well_code", String(64), primary_key=True),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("method", String(64), nullable=False, server_default=""),
    Column("wellhead", Text, nullable=False, server_default=""),  # 井口处理
    Column("aquitard_seals", Text, nullable=False, server_default=""),  # 隔水层止水
    Column("contractor", String(128), nullable=False, server_default=""),
    Column("cost_wan", Float),  # 费用（万元）
    Column("funding_source", String(128), nullable=False, server_default=""),
    Column("acceptance_date", Date),
    Column("acceptance_conclusion", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
)

well_seal_interval = Table(
    "well_seal_interval",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("well_code", String(64), nullable=False),
    Column("top_m", Float, nullable=False),
    Column("bottom_m", Float, nullable=False),
    Column("role", String(16), nullable=False),  # 封闭 / 回填 / 止水
    Column("material", String(128), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
)
Index("ix_well_seal_interval_well_code", well_seal_interval.c.well_code)

well_document = Table(
    "well_document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("well_code", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # 照片 / 封井记录 / 验收报告 / 其他
    Column("filename", String(256), nullable=False),
    Column("stored_name", String(128), nullable=False),  # relative to the attachments dir
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("review_status", String(16), nullable=False),  # 未审 / 需补充 / 已审 / 有缺陷
    Column("review_note", Text, nullable=False, server_default=""),
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default="0"),
)
Index("ix_well_document_well_code", well_document.c.well_code)

#: Append-only: database triggers (created by the migration) refuse UPDATE and DELETE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ts_utc", DateTime, nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("action", String(16), nullable=False),  # create / update / transition / delete / …
    Column("entity", String(16), nullable=False),  # well / sealing / interval / document / user
    Column("entity_key", String(64), nullable=False),
    Column("field", String(64), nullable=False, server_default=""),
    Column("old_value", Text, nullable=False, server_default=""),
    Column("new_value", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
)
Index("ix_audit_log_entity_key", audit_log.c.entity_key)

app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("role", String(16), nullable=False),  # viewer / editor / admin
    Column("password_hash", String(256), nullable=False, server_default=""),  # "" = SSO only
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime, nullable=False),
    Column("last_login", DateTime),
)
