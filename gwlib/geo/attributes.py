"""Zone attributes that the importer stores: 划定状态, 批复文号 and 批复日期, read from a feature's
attribute table (Shapefile .dbf, GeoJSON properties, KML ExtendedData) or a 拐点坐标表's columns,
with Chinese or English field names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from gwlib.io.cells import parse_dates
from gwlib.sources.model import LegalStatus
from gwlib.text import name_key

#: Attribute names read into ImportedZone (compared after :func:`gwlib.text.name_key`).
ATTRIBUTE_FIELDS: dict[str, tuple[str, ...]] = {
    "status": ("划定状态", "法定状态", "批复状态", "划定情况", "legal_status", "hdzt"),
    "approval_no": ("批复文号", "批准文号", "文号", "批复文件", "approval_no", "approval", "pfwh"),
    "approval_date": ("批复日期", "批复时间", "批准日期", "批准时间", "approval_date", "pfrq"),
}
#: Words people write for each 划定状态.
STATUS_WORDS: dict[str, LegalStatus] = {
    **{s.value: s for s in LegalStatus},
    "已批准": LegalStatus.APPROVED, "批复": LegalStatus.APPROVED, "已审批": LegalStatus.APPROVED,
    "approved": LegalStatus.APPROVED, "已划定": LegalStatus.PRELIMINARY,
    "初步": LegalStatus.PRELIMINARY, "preliminary": LegalStatus.PRELIMINARY,
    "未划": LegalStatus.NOT_DELINEATED, "not_delineated": LegalStatus.NOT_DELINEATED,
}  # fmt: skip


def zone_attributes(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """划定状态, 批复文号 and 批复日期 from a feature's attributes (field names in
    :data:`ATTRIBUTE_FIELDS`, any case or width), and a (field, value, reason) per bad value."""
    keys = {name_key(k): k for k in props}
    out: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for attr, aliases in ATTRIBUTE_FIELDS.items():
        field_name = next((keys[name_key(a)] for a in aliases if name_key(a) in keys), None)
        if field_name is None:
            continue
        value = props[field_name]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if attr == "status":
            status = STATUS_WORDS.get(str(value).strip().casefold())
            if status is None:
                problems.append((field_name, str(value), "划定状态应为 未划定、初步划定 或 已批复"))
            else:
                out[attr] = status.value
        elif attr == "approval_no":
            out[attr] = str(value).strip()
        else:
            date = _date_of(value)
            if date is None:
                problems.append((field_name, str(value), "批复日期无法识别：应为 2019-05-20、"
                                 "2019.5.20、2019/5/20 或 2019年5月20日"))  # fmt: skip
            else:
                out[attr] = date
    return out, problems


def _date_of(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_dates(pd.Series([str(value).strip()]))[0]
    return None if pd.isna(parsed) else parsed.date()
