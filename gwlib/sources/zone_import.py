"""Importing polygons (一级/二级/准保护区, 补给区, 保护类/管控类/一般区, 乡镇 boundaries): the plan
of an import against what the store holds (nothing written; :mod:`gwlib.store.zones` writes).

- The file is read by :func:`gwlib.geo.io.read_zones`: a zipped Shapefile (with or without
  ``.prj``; without one, a 坐标系 must be given), GeoJSON, KML/KMZ, or the 拐点坐标表 sheets of a
  划定方案. Every repaired or rejected feature is an Issue naming file, feature and reason.
- Every polygon of one file is of one kind (the import's ``kind``). Protection zones
  (一级/二级/准保护区) belong to a drinking source: ``source`` must name one the store holds.
- A zone's key is its 编码: the feature's own code attribute (编码 / 代码 / code / id) when it has
  one, else ``{source}-{kind}-{name}`` (``{kind}-{name}`` without a source), so the same file
  imported again finds the same zones. Two features with one key reject the later one.
- 划定状态 (default 初步划定), 批复文号 and 批复日期 come from the attributes.
- Each zone is 新增, 修改 (name, geometry beyond 1e-7°, status, 批复, source differ) or 未变.
- 乡镇 boundaries go to the boundary table (level 乡镇), keyed by the township's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from shapely.geometry import shape

from gwlib.errors import InputError
from gwlib.geo.crs import area_km2
from gwlib.geo.io import ImportedZone, read_zones
from gwlib.io.tables import Issue
from gwlib.sources.model import LegalStatus, ZoneKind

NEW, CHANGED, SAME = "新增", "修改", "未变"
TOWNSHIP = "乡镇"
#: Kinds the CLI and the page accept: ZoneKind values and 乡镇 (township boundaries).
KINDS = (*[k.value for k in ZoneKind], TOWNSHIP)
NEEDS_SOURCE = (ZoneKind.FIRST.value, ZoneKind.SECOND.value, ZoneKind.QUASI.value)
CODE_FIELDS = ("编码", "代码", "分区编码", "code", "CODE", "id", "ID")
ROUND_DIGITS = 7


@dataclass(frozen=True)
class PlannedZone:
    code: str
    name: str
    row: int
    geometry: dict[str, Any]
    legal_status: str
    approval_no: str
    approval_date: dt.date | None
    area_km2: float
    status: str  # 新增 / 修改 / 未变


@dataclass(frozen=True)
class ZonesPlan:
    file_name: str
    sha256: str
    kind: str
    source_code: str
    features_total: int
    zones: tuple[PlannedZone, ...]
    changes: pd.DataFrame  # code, field, old, new
    issues: tuple[Issue, ...]
    rejected: int

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for z in self.zones if z.status == k) for k in (NEW, CHANGED, SAME)}

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def frame(self) -> pd.DataFrame:
        """The planned zones as the store holds them (for a preview map), with their status."""
        return pd.DataFrame(
            [{"code": z.code, "name": z.name, "kind": self.kind, "source_code": self.source_code,
              "legal_status": z.legal_status, "approval_no": z.approval_no,
              "approval_date": z.approval_date, "area_km2": round(z.area_km2, 3),
              "status": z.status, "geometry": json.dumps(z.geometry), "basis": "",
              "requirements": ""} for z in self.zones],
            columns=["code", "name", "kind", "source_code", "legal_status", "approval_no",
                     "approval_date", "area_km2", "status", "geometry", "basis", "requirements"],
        )  # fmt: skip


def check_kind(kind: str, source: str, sources: Sequence[str]) -> None:
    """InputError unless ``kind`` is known and a protection zone names a stored source."""
    if kind not in KINDS:
        raise InputError("分区类型应为 " + "、".join(KINDS), value=kind)
    if kind in NEEDS_SOURCE and not source:
        raise InputError(f"{kind}属于某个饮用水水源地：请指定水源编码（--source 或页面上选择）")
    if source and source not in sources:
        known = "、".join(sorted(sources)[:20]) or "（尚未登记水源地）"
        raise InputError(f"水源编码不在水源地登记表中（已登记：{known}）", value=source)


def _rounded(geometry: Any) -> Any:
    if isinstance(geometry, list | tuple):
        return [_rounded(g) for g in geometry]
    if isinstance(geometry, float):
        return round(geometry, ROUND_DIGITS)
    if isinstance(geometry, dict):
        return {k: _rounded(v) for k, v in geometry.items()}
    return geometry


def _same_geometry(a: str | dict[str, Any], b: dict[str, Any]) -> bool:
    old = json.loads(a) if isinstance(a, str) else a
    return bool(_rounded(old) == _rounded(b))


def _text(value: Any, date: bool = False) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)[:10] if date else str(value)


def _area(geometry: str | dict[str, Any]) -> float:
    return area_km2(shape(json.loads(geometry) if isinstance(geometry, str) else geometry))


def _diff(old: dict[str, Any], new: dict[str, Any], geometry: dict[str, Any],
          kind: str) -> list[tuple[str, str, str]]:  # fmt: skip
    """(field, old, new) of what differs; the boundary shown by its area."""
    out = []
    if not _same_geometry(old["geometry"], geometry):
        out.append(("边界（面积 km²）", f"{_area(old['geometry']):.3f}", f"{_area(geometry):.3f}"))
    fields = (("name", "名称"),) if kind == TOWNSHIP else (
        ("name", "名称"), ("legal_status", "划定状态"), ("approval_no", "批复文号"),
        ("approval_date", "批复日期"), ("source_code", "水源编码"))  # fmt: skip
    for f, label in fields:
        o, n = _text(old.get(f), f == "approval_date"), _text(new[f], f == "approval_date")
        if o != n:
            out.append((label, o, n))
    return out


def _code(z: ImportedZone, kind: str, source: str) -> str:
    for f in CODE_FIELDS:
        v = z.properties.get(f)
        if v is not None and str(v).strip():
            return str(v).strip()[:64]
    name = z.name or f"第{z.row}个"
    return ("-".join(p for p in (source, kind, name) if p))[:64]


def plan_zones(
    data: bytes,
    filename: str,
    kind: str,
    stored: pd.DataFrame,
    *,
    source: str = "",
    sources: Sequence[str] = (),
    crs: str | None = None,
    lon_hint: float | None = None,
) -> ZonesPlan:
    """Plan the import of ``data`` as zones of ``kind`` against ``stored`` (Store.zones(), or
    the 乡镇 rows of Store.boundaries() for kind 乡镇, with their name as code)."""
    check_kind(kind, source, sources)
    read = read_zones(data, filename, crs=crs, lon_hint=lon_hint)
    issues = list(read.issues)
    by_code: dict[str, dict[str, Any]] = (
        {str(r["code"]): {str(k): v for k, v in r.items()} for r in stored.to_dict("records")}
        if len(stored) else {}
    )  # fmt: skip
    seen: dict[str, int] = {}
    planned: list[PlannedZone] = []
    changes: list[dict[str, str]] = []
    for z in read.zones:
        code = z.name[:32] if kind == TOWNSHIP else _code(z, kind, source)
        if kind == TOWNSHIP and not z.name:
            issues.append(Issue(filename, z.row, "名称", "", "乡镇界须有乡镇名称"))
            continue
        if code in seen:
            issues.append(Issue(filename, z.row, "编码", code,
                                f"与第 {seen[code]} 个要素重复：同一编码只能出现一次"))  # fmt: skip
            continue
        seen[code] = z.row
        status = z.status or LegalStatus.PRELIMINARY.value
        new = {"name": z.name or code, "legal_status": status, "approval_no": z.approval_no,
               "approval_date": z.approval_date, "source_code": source}  # fmt: skip
        old = by_code.get(code)
        if old is None:
            state = NEW
        else:
            diff = _diff(old, new, z.geometry, kind)
            state = CHANGED if diff else SAME
            changes += [{"code": code, "field": f, "old": o, "new": n} for f, o, n in diff]
        planned.append(PlannedZone(code, str(new["name"]), z.row, z.geometry, status,
                                   z.approval_no, z.approval_date,
                                   area_km2(shape(z.geometry)), state))  # fmt: skip
    bad_rows = {i.row for i in issues if i.severity == "error" and i.row is not None}
    rejected = len(bad_rows)
    file_errors = [i for i in issues if i.severity == "error" and i.row is None]
    total = len({z.row for z in read.zones} | bad_rows)
    return ZonesPlan(
        file_name=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        source_code=source,
        features_total=total,
        zones=tuple(planned) if not file_errors else (),
        changes=pd.DataFrame(changes, columns=["code", "field", "old", "new"]),
        issues=tuple(issues),
        rejected=rejected + (len(planned) if file_errors else 0),
    )


CORNER_NOTES = (
    "拐点坐标表：每个面一个工作表，工作表名写区域名称（如「一级保护区」）；或在同一工作表中"
    "每个面前写一行名称。",
    "表头：点号、X坐标(m)、Y坐标(m)（X 为北坐标、Y 为东坐标，东坐标可带带号）；"
    "也可用 经度、纬度（十进制度或度分秒）。",
    "坐标系可写在表头上方一行（如「坐标系：CGCS2000 3度带 37带」），或导入时选择。",
    "首末点可重复（闭合），也可不重复；一个面有多个环时，每个环以回到起点结束。",
    "示例工作表中的坐标仅为格式示意，请替换为划定方案中的拐点坐标。",
)


def corner_template_bytes() -> bytes:
    """A 拐点坐标表 template: one example sheet (format only) and its 填表说明."""
    from gwlib.io.export import excel_bytes

    example = pd.DataFrame(
        {"点号": ["J1", "J2", "J3", "J4", "J1"],
         "X坐标(m)": [3928600.0, 3928600.0, 3929700.0, 3929700.0, 3928600.0],
         "Y坐标(m)": [37551000.0, 37551900.0, 37551900.0, 37551000.0, 37551000.0]}
    )  # fmt: skip
    notes = pd.DataFrame({"填表说明": CORNER_NOTES})
    return excel_bytes({"一级保护区（示例）": example, "填表说明": notes})
