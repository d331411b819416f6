"""Cross-layer findings: rules that look at several map layers at once ("一张图" checks).

Each rule is registered in :data:`RULES` and returns :class:`Finding` records of one shape:
rule, severity, entities, explanation, basis (the regulation or standard it rests on), plus the
bounding box of the entities so a map can zoom to them. Rules take ``as_of`` (the date the
check is made for) and never read the clock.

Spatial tests use :func:`gwlib.geo.overlay.points_in_areas`: a point on a zone's outline counts
as inside the zone; a point in a hole does not.

Rules:

- ``unsealed_well_in_zone``: 报废井 not yet sealed (状态 before 已封井待验收, or 暂缓) inside a
  一级/二级/准保护区 or 补给区;
- ``pollution_source_in_zone``: any pollution source inside a 一级保护区; a discharging one
  (every category except 其他) inside a 二级保护区;
- ``protection_zone_without_point``: a drinking source whose 一级/二级/准保护区 hold no
  monitoring point in use;
- ``recharge_not_delineated``: a 城镇级 or 千吨万人 source whose 补给区 is 未划定;
- ``point_worse_than_target_protect``: a monitoring point whose latest class is worse than its
  target, inside a 保护类 zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
import shapely

from gwlib.geo.overlay import bbox_of, geometries, points_in_areas
from gwlib.quality.classes import QualityClass
from gwlib.sources.maplayers import latest_classes
from gwlib.sources.model import LARGE_SCALES, PollutionCategory, ZoneKind
from gwlib.wells.ledger import sealed_mask


class Severity(StrEnum):
    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"

    @property
    def rank(self) -> int:
        return {"高": 0, "中": 1, "低": 2}[self.value]


class EntityKind(StrEnum):
    WELL = "报废井"
    ZONE = "区域"
    POLLUTION_SOURCE = "污染源"
    DRINKING_SOURCE = "饮用水水源"
    POINT = "监测点位"


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    code: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.kind.value} {self.code}" + (f"（{self.name}）" if self.name else "")


Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Finding:
    """One finding; every rule returns this shape."""

    rule: str
    severity: Severity
    entities: tuple[Entity, ...]
    explanation: str
    basis: str
    bbox: Bbox | None = None  # lon/lat around the entities


@dataclass(frozen=True)
class Layers:
    """The map's layers as the store returns them (one DataFrame each)."""

    zones: pd.DataFrame
    wells: pd.DataFrame
    drinking_sources: pd.DataFrame
    pollution_sources: pd.DataFrame
    points: pd.DataFrame
    samples: pd.DataFrame  # graded samples: point, date, quality_class
    _shapes: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def zone_geoms(self) -> np.ndarray:
        """Shapely geometries of :attr:`zones`, parsed once."""
        if "zones" not in self._shapes:
            self._shapes["zones"] = geometries(self.zones["geometry"])
        geoms: np.ndarray = self._shapes["zones"]  # type: ignore[assignment]
        return geoms


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    basis: str
    check: Callable[[Layers, dt.date], list[Finding]]


RULES: dict[str, Rule] = {}

SOURCE_ZONES = (ZoneKind.FIRST, ZoneKind.SECOND, ZoneKind.QUASI)
#: Categories taken as 排放污染物的建设项目 for the 二级保护区 rule; 其他 is not classified.
DISCHARGING = tuple(c.value for c in PollutionCategory if c is not PollutionCategory.OTHER)


def rule(
    code: str, title: str, basis: str
) -> Callable[
    [Callable[[Layers, dt.date], list[Finding]]], Callable[[Layers, dt.date], list[Finding]]
]:
    """Register a rule function under ``code``."""

    def register(
        func: Callable[[Layers, dt.date], list[Finding]],
    ) -> Callable[[Layers, dt.date], list[Finding]]:
        RULES[code] = Rule(code, title, basis, func)
        return func

    return register


def _point_bbox(lon: float, lat: float, *areas: shapely.Geometry) -> Bbox | None:
    return bbox_of([shapely.Point(lon, lat), *areas])


def _zone_subset(layers: Layers, kinds: Iterable[ZoneKind]) -> tuple[pd.DataFrame, np.ndarray]:
    mask = layers.zones["kind"].isin([k.value for k in kinds]).to_numpy()
    return layers.zones[mask].reset_index(drop=True), layers.zone_geoms()[mask]


def _zone_entity(z: pd.Series) -> Entity:
    return Entity(EntityKind.ZONE, str(z["code"]), str(z["name"]))


# ---------------------------------------------------------------------------------------------
# Rules


@rule(
    "unsealed_well_in_zone",
    "保护区、补给区内的未封井",
    "《地下水管理条例》（国务院令第748号）：报废的矿井、钻井、地下水取水工程应当封井或者回填"
    "（第五十八条罚则）；《地下水污染防治重点区划定技术指南（试行）》（2023）：饮用水水源保护区、"
    "准保护区、补给区属保护类区域，报废井应优先封井回填",
)
def unsealed_wells_in_zones(layers: Layers, as_of: dt.date) -> list[Finding]:
    zones, geoms = _zone_subset(layers, (*SOURCE_ZONES, ZoneKind.RECHARGE))
    wells = layers.wells[~sealed_mask(layers.wells)].reset_index(drop=True)
    wi, zi = points_in_areas(wells["lon"], wells["lat"], geoms)
    # Plain lists, not DataFrame rows: a county can have thousands of such wells.
    zone_entities = [_zone_entity(z) for _, z in zones.iterrows()]
    zone_names = zones["name"].astype(str).tolist()
    core = zones["kind"].isin([ZoneKind.FIRST.value, ZoneKind.SECOND.value]).to_numpy()
    cols = {c: wells[c].tolist() for c in ("code", "category", "township", "status", "lon", "lat")}
    villages = wells["village"].fillna("").astype(str).tolist() if "village" in wells else None
    basis, day = RULES["unsealed_well_in_zone"].basis, as_of.isoformat()
    out: list[Finding] = []
    if not len(wi):
        return out
    starts = np.flatnonzero(np.r_[True, wi[1:] != wi[:-1]])
    for start, stop in zip(starts, [*starts[1:], len(wi)], strict=True):
        w, hit = int(wi[start]), zi[start:stop]
        village = villages[w] if villages else ""
        out.append(
            Finding(
                rule="unsealed_well_in_zone",
                severity=Severity.HIGH if core[hit].any() else Severity.MEDIUM,
                entities=(
                    Entity(EntityKind.WELL, str(cols["code"][w]), village),
                    *(zone_entities[z] for z in hit),
                ),
                explanation=(
                    f"报废{cols['category'][w]} {cols['code'][w]}（{cols['township'][w]}{village}，"
                    f"状态：{cols['status'][w]}）位于{'、'.join(zone_names[z] for z in hit)}内，"
                    f"截至 {day} 尚未封井回填。"
                ),
                basis=basis,
                bbox=(cols["lon"][w], cols["lat"][w], cols["lon"][w], cols["lat"][w]),
            )
        )
    return out


@rule(
    "pollution_source_in_zone",
    "保护区内的污染源",
    "《中华人民共和国水污染防治法》第六十五条：饮用水水源一级保护区内禁止新建、改建、扩建与供水"
    "设施和保护水源无关的建设项目；第六十六条：二级保护区内禁止新建、改建、扩建排放污染物的"
    "建设项目，已建成的责令拆除或者关闭",
)
def pollution_sources_in_zones(layers: Layers, as_of: dt.date) -> list[Finding]:
    zones, geoms = _zone_subset(layers, (ZoneKind.FIRST, ZoneKind.SECOND))
    src = layers.pollution_sources.reset_index(drop=True)
    si, zi = points_in_areas(src["lon"], src["lat"], geoms)
    out: list[Finding] = []
    for s_idx, z_idx in zip(si, zi, strict=True):
        s, z = src.iloc[s_idx], zones.iloc[z_idx]
        first = z["kind"] == ZoneKind.FIRST.value
        if not first and s["category"] not in DISCHARGING:
            continue
        what = (
            "一级保护区内不得有与供水设施和保护水源无关的建设项目"
            if first
            else ("二级保护区内不得有排放污染物的建设项目")
        )
        out.append(
            Finding(
                rule="pollution_source_in_zone",
                severity=Severity.HIGH,
                entities=(
                    Entity(EntityKind.POLLUTION_SOURCE, str(s["code"]), str(s["name"])),
                    _zone_entity(z),
                ),
                explanation=(
                    f"{s['category']}「{s['name']}」位于{z['name']}内；{what}。"
                    f"防渗改造：{s['seepage_status']}。"
                ),
                basis=RULES["pollution_source_in_zone"].basis,
                bbox=_point_bbox(float(s["lon"]), float(s["lat"]), geoms[z_idx]),
            )
        )
    return out


@rule(
    "protection_zone_without_point",
    "无监测点位的水源保护区",
    "HJ 164-2020《地下水环境监测技术规范》：地下水型饮用水水源应布设监测井开展水质监测；"
    "《地下水污染防治实施方案》（环土壤〔2019〕25号）：“双源”监测",
)
def zones_without_points(layers: Layers, as_of: dt.date) -> list[Finding]:
    zones, geoms = _zone_subset(layers, SOURCE_ZONES)
    pts = layers.points
    if "status" in pts:
        pts = pts[pts["status"] == "在用"]
    _, zi = points_in_areas(pts["lon"], pts["lat"], geoms)
    watched = set(zones.iloc[np.unique(zi)]["source_code"]) if len(zi) else set()
    names = dict(zip(layers.drinking_sources["code"], layers.drinking_sources["name"], strict=True))
    out: list[Finding] = []
    for code, group in zones.groupby("source_code", sort=True):
        if not code or code in watched:
            continue
        area = shapely.union_all(geoms[group.index.to_numpy()])
        kinds = "、".join(group["kind"])
        out.append(
            Finding(
                rule="protection_zone_without_point",
                severity=Severity.MEDIUM,
                entities=(
                    Entity(EntityKind.DRINKING_SOURCE, str(code), names.get(code, "")),
                    *(_zone_entity(z) for _, z in group.iterrows()),
                ),
                explanation=(
                    f"水源「{names.get(code, code)}」的{kinds}内没有在用的监测点位，"
                    "无法掌握保护区内地下水水质。"
                ),
                basis=RULES["protection_zone_without_point"].basis,
                bbox=bbox_of([area]),
            )
        )
    return out


@rule(
    "recharge_not_delineated",
    "补给区未划定的千吨万人及以上水源",
    "《地下水污染防治实施方案》（环土壤〔2019〕25号）：开展地下水型饮用水水源补给区划定；"
    "《地下水污染防治重点区划定技术指南（试行）》（2023）：补给区属保护类区域",
)
def recharge_not_delineated(layers: Layers, as_of: dt.date) -> list[Finding]:
    src = layers.drinking_sources
    src = src[src["scale"].isin(LARGE_SCALES) & (src["recharge_status"] == "未划定")]
    return [
        Finding(
            rule="recharge_not_delineated",
            severity=Severity.MEDIUM,
            entities=(Entity(EntityKind.DRINKING_SOURCE, str(s["code"]), str(s["name"])),),
            explanation=(
                f"{s['scale']}水源「{s['name']}」（服务 {int(s['population'])} 人，"
                f"{float(s['capacity_t_d']):g} t/d）截至 {as_of.isoformat()} 补给区仍为未划定。"
            ),
            basis=RULES["recharge_not_delineated"].basis,
            bbox=_point_bbox(float(s["lon"]), float(s["lat"])),
        )
        for _, s in src.iterrows()
    ]


@rule(
    "point_worse_than_target_protect",
    "保护类区域内水质劣于目标的监测点位",
    "GB/T 14848-2017 地下水质量分类；《地下水污染防治重点区划定技术指南（试行）》（2023）："
    "保护类区域应实施严格保护",
)
def points_worse_in_protect(layers: Layers, as_of: dt.date) -> list[Finding]:
    zones, geoms = _zone_subset(layers, (ZoneKind.PROTECT,))
    pts = latest_classes(layers.points, layers.samples, as_of)
    pts = pts[pts["misses_target"]].reset_index(drop=True)
    pi, zi = points_in_areas(pts["lon"], pts["lat"], geoms)
    out: list[Finding] = []
    for p_idx in np.unique(pi):
        p = pts.iloc[p_idx]
        z = zones.iloc[zi[pi == p_idx][0]]
        cls, target = QualityClass(int(p["latest_class"])), QualityClass(int(p["target_class"]))
        out.append(
            Finding(
                rule="point_worse_than_target_protect",
                severity=Severity.HIGH if cls is QualityClass.V else Severity.MEDIUM,
                entities=(
                    Entity(EntityKind.POINT, str(p["code"]), str(p["name"])),
                    _zone_entity(z),
                ),
                explanation=(
                    f"监测点位 {p['code']}（{p['name']}）位于{z['name']}内，"
                    f"最近一次采样（{pd.Timestamp(p['latest_date']).date().isoformat()}）为{cls.label}，"
                    f"劣于目标{target.label}。"
                ),
                basis=RULES["point_worse_than_target_protect"].basis,
                bbox=_point_bbox(float(p["lon"]), float(p["lat"])),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------


def find_all(layers: Layers, as_of: dt.date, rules: Sequence[str] | None = None) -> list[Finding]:
    """Run the chosen rules (all by default); findings sorted by severity, then rule order."""
    chosen = list(RULES) if rules is None else list(rules)
    unknown = [c for c in chosen if c not in RULES]
    if unknown:
        raise KeyError(f"未知规则：{'、'.join(unknown)}")
    found = [f for code in chosen for f in RULES[code].check(layers, as_of)]
    order = {code: i for i, code in enumerate(RULES)}
    return sorted(found, key=lambda f: (f.severity.rank, order[f.rule]))


FRAME_COLUMNS = [
    "rule", "title", "severity", "entities", "explanation", "basis",
    "min_lon", "min_lat", "max_lon", "max_lat",
]  # fmt: skip


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table (one row each; entities joined with '；'), for display and export."""
    rows = []
    for f in findings:
        box = f.bbox or (np.nan, np.nan, np.nan, np.nan)
        rows.append(
            [
                f.rule,
                RULES[f.rule].title,
                f.severity.value,
                "；".join(str(e) for e in f.entities),
                f.explanation,
                f.basis,
                *box,
            ]
        )
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


#: The export's columns with their Chinese headers (the rule's id stays internal: its title
#: names it).
EXPORT_HEADERS = {
    "title": "规则", "severity": "严重程度", "entities": "涉及对象", "explanation": "说明",
    "basis": "依据", "min_lon": "范围最小经度", "min_lat": "范围最小纬度",
    "max_lon": "范围最大经度", "max_lat": "范围最大纬度",
}  # fmt: skip


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a :func:`findings_frame` as the CSV export writes them: Chinese headers, no
    internal rule ids."""
    return frame[list(EXPORT_HEADERS)].rename(columns=EXPORT_HEADERS)


def filter_frame(
    frame: pd.DataFrame, rules: Sequence[str] = (), severities: Sequence[str] = ()
) -> pd.DataFrame:
    """Rows of a :func:`findings_frame` with the given rules and severities (empty = all)."""
    keep = np.ones(len(frame), dtype=bool)
    if rules:
        keep &= frame["rule"].isin(list(rules)).to_numpy()
    if severities:
        keep &= frame["severity"].isin(list(severities)).to_numpy()
    return frame[keep].reset_index(drop=True)
