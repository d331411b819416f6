"""Demo drinking-water sources with their zones, pollution sources, and prevention zoning.

Sources follow HJ 338-2018's vocabulary (一级/二级/准保护区, 补给区) with radii in the ranges of
its empirical table for 孔隙潜水 ([HJ 338] in docs/sources.md); zoning follows the 重点区 guideline
(保护类 / 管控类 / 一般区, [重点区指南]). All names, numbers and documents are fictional
(模拟). Two cases are planted on purpose so cross-layer checks have something real to find:
a 加油站 inside the county-town source's 二级保护区, and (in :mod:`gwlib.demo.wells`) unsealed
abandoned wells inside its 补给区.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from gwlib.demo.places import County, offset_m, polygons_only, random_points, to_geojson
from gwlib.geo import buffer_m, geometry_from_metric, geometry_to_metric, to_metric
from gwlib.sources.model import (
    DrinkingSource,
    LegalStatus,
    PollutionCategory,
    PollutionSource,
    SourceScale,
    SourceType,
    WorkStatus,
    Zone,
    ZoneKind,
)


@dataclass(frozen=True)
class SourceSpec:
    code: str
    name: str
    scale: SourceScale
    source_type: SourceType
    township: str
    population: int
    capacity_t_d: float
    zones_status: LegalStatus
    recharge_status: LegalStatus
    r1: float  # 一级保护区 radius (m)
    r2: float  # 二级保护区 radius (m)
    quasi: float = 0.0  # 准保护区 radius (m); 0 = none
    recharge_km: float = 0.0  # typical 补给区 radius (km); 0 = not delineated
    exceedance_cause: str = ""
    remediation: str = ""


#: 规范化建设 (标志设置, 隔离防护, 环境问题整治) of each demo source.
STANDARDISATION = {
    "JX-SYD-01": (WorkStatus.DONE, WorkStatus.DONE, WorkStatus.DONE),
    "JX-SYD-02": (WorkStatus.DONE, WorkStatus.IN_PROGRESS, WorkStatus.DONE),
    "JX-SYD-03": (WorkStatus.IN_PROGRESS, WorkStatus.NOT_STARTED, WorkStatus.NOT_STARTED),
    "JX-SYD-04": (WorkStatus.DONE, WorkStatus.NOT_STARTED, WorkStatus.IN_PROGRESS),
}

SOURCES = (
    SourceSpec("JX-SYD-01", "绛县县城地下水水源地（模拟）", SourceScale.TOWN, SourceType.POROUS,
               "古绛镇", 86000, 12000, LegalStatus.APPROVED, LegalStatus.PRELIMINARY,
               50, 500, quasi=1500, recharge_km=4.5),
    SourceSpec("JX-SYD-02", "横水镇千吨万人水源地（模拟）", SourceScale.THOUSAND_TONNE,
               SourceType.POROUS, "横水镇", 13500, 1600, LegalStatus.APPROVED,
               LegalStatus.PRELIMINARY, 30, 300, recharge_km=2.5, exceedance_cause="地质背景",
               remediation="氟化物超过Ⅲ类限值；成因分析认定为地质背景（原生高氟），已提交地质背景"
                           "判定材料；实施降氟改水，计划2026年并入县城供水管网（模拟）"),
    SourceSpec("JX-SYD-03", "冷口乡千吨万人水源地（模拟）", SourceScale.THOUSAND_TONNE,
               SourceType.KARST, "冷口乡", 10800, 1200, LegalStatus.PRELIMINARY,
               LegalStatus.NOT_DELINEATED, 100, 1000),
    SourceSpec("JX-SYD-04", "安峪镇集中式水源地（模拟）", SourceScale.TOWNSHIP,
               SourceType.SUBSURFACE_DAM, "安峪镇", 5200, 700, LegalStatus.PRELIMINARY,
               LegalStatus.PRELIMINARY, 60, 600, recharge_km=2.0),
)

ZONE_RULES = {
    ZoneKind.FIRST: "禁止新建、改建、扩建与供水设施和保护水源无关的建设项目；"
                    "禁止一切可能污染水源的活动",
    ZoneKind.SECOND: "禁止新建、改建、扩建排放污染物的建设项目；"
                     "已建成的排放污染物的建设项目责令拆除或关闭；"
                     "加油站等须采取双层罐或防渗池并开展渗漏监测",
    ZoneKind.QUASI: "禁止新建、扩建对水体污染严重的建设项目；改建项目不得增加排污量",
    ZoneKind.RECHARGE: "加强补给区地下水环境管理：排查污染源和报废井，限制高风险项目，"
                       "开展补给区环境状况调查评估",
}
PREVENTION_RULES = {
    ZoneKind.PROTECT: "保护类区域（水源保护区、准保护区、补给区）：严格环境准入，"
                      "禁止新建可能污染地下水的项目；现有污染源开展隐患排查与防渗改造，"
                      "必要时搬迁；报废井优先封井回填；加密监测",
    ZoneKind.CONTROL: "管控类区域（工业集聚区、矿山开采区等周边）：新建项目落实防渗和"
                      "地下水监测要求；重点排污单位建设长期监测井、自动监测联网；"
                      "开展渗漏排查，对已污染区域实施风险管控",
    ZoneKind.GENERAL: "一般区：执行一般性地下水环境保护要求；加强农业面源污染防治，"
                      "合理使用化肥农药；报废井按要求封井回填",
}
ZONING_BASIS = "模拟：参照《地下水污染防治重点区划定技术指南（试行）》（2023）的分类示意划定"

#: (category, count, where it goes); names are fictional.
POLLUTION_PLAN = (
    (PollutionCategory.INDUSTRIAL_CLUSTER, 2, "basin"),
    (PollutionCategory.CHEMICAL_PLANT, 5, "cluster"),
    (PollutionCategory.TAILINGS_POND, 3, "mountain"),
    (PollutionCategory.MINING_AREA, 4, "mountain"),
    (PollutionCategory.LANDFILL, 1, "basin"),
    (PollutionCategory.HAZARDOUS_WASTE, 1, "cluster"),
    (PollutionCategory.FUEL_STATION, 12, "any"),
    (PollutionCategory.OTHER, 2, "basin"),
)
CLUSTER_NAMES = ("{}工业集聚区（模拟）", "{}精细化工产业集聚区（模拟）")
FIRM_STEMS = ("恒泰", "华晟", "鑫源", "丰瑞", "博远", "正阳", "宏达", "瑞祥", "金川", "泰和",
              "远通", "东昇", "润德", "永盛", "嘉禾", "兴晋", "安澜", "鼎业", "汇川", "凯瑞")
NAMES = {
    PollutionCategory.CHEMICAL_PLANT: "{}化工有限公司（模拟）",
    PollutionCategory.TAILINGS_POND: "{}矿业尾矿库（模拟）",
    PollutionCategory.MINING_AREA: "{}铜矿开采区（模拟）",
    PollutionCategory.LANDFILL: "绛县生活垃圾填埋场（模拟）",
    PollutionCategory.HAZARDOUS_WASTE: "{}危险废物处置中心（模拟）",
    PollutionCategory.FUEL_STATION: "{}加油站（模拟）",
    PollutionCategory.OTHER: "{}规模化养殖场（模拟）",
}
WELLS_RANGE = {
    PollutionCategory.INDUSTRIAL_CLUSTER: (2, 5), PollutionCategory.CHEMICAL_PLANT: (1, 3),
    PollutionCategory.TAILINGS_POND: (1, 3), PollutionCategory.MINING_AREA: (0, 2),
    PollutionCategory.LANDFILL: (3, 4), PollutionCategory.HAZARDOUS_WASTE: (3, 4),
    PollutionCategory.FUEL_STATION: (0, 2), PollutionCategory.OTHER: (0, 1),
}


@dataclass(frozen=True)
class SourceLayer:
    sources: tuple[DrinkingSource, ...]
    zones: tuple[Zone, ...]
    areas: dict[str, shapely.Geometry]  # zone code → lon/lat geometry


def _place_source(rng: np.random.Generator, county: County, spec: SourceSpec,
                  taken: list[tuple[float, float]]) -> tuple[float, float]:
    if spec.township == "古绛镇":  # the county-town source: 1.5–3 km south-east of the seat
        seat = county.township(spec.township).polygon.centroid
        while True:
            p = offset_m(seat.x, seat.y, rng.uniform(1500, 3000), rng.uniform(90, 200))
            if county.inner.contains(shapely.Point(p)):
                return p
    town = geometry_to_metric(county.township(spec.township).polygon.intersection(county.inner))
    for margin in (max(spec.r2, 1200.0), 500.0, 0.0):  # keep the 二级保护区 inside if we can
        area = geometry_from_metric(town.buffer(-margin))
        if not area.is_empty:
            break
    for _ in range(200):
        p = random_points(rng, area, 1)[0]
        if all(np.hypot(*np.subtract(to_metric(*p), to_metric(*q))) > 5000 for q in taken):
            return p
    return p


def _blob(rng: np.random.Generator, lon: float, lat: float, radius_m: float,
          bearing: float) -> shapely.Geometry:
    """An irregular area of about ``radius_m`` around a point offset towards ``bearing``."""
    cx, cy = to_metric(*offset_m(lon, lat, 0.45 * radius_m, bearing))
    angles = np.linspace(0, 2 * np.pi, 14, endpoint=False) + rng.uniform(0, 0.3)
    radii = radius_m * rng.uniform(0.65, 1.3, size=angles.size)
    ring = np.column_stack([cx + radii * np.sin(angles), cy + radii * np.cos(angles)])
    shape = shapely.Polygon(ring).buffer(0.15 * radius_m).buffer(-0.1 * radius_m)
    return geometry_from_metric(shape)


def drinking_sources(rng: np.random.Generator, county: County) -> SourceLayer:
    sources: list[DrinkingSource] = []
    zones: list[Zone] = []
    areas: dict[str, shapely.Geometry] = {}
    taken: list[tuple[float, float]] = []

    def add(code: str, name: str, kind: ZoneKind, geom: shapely.Geometry, status: LegalStatus,
            source: str, basis: str) -> None:
        geom = polygons_only(geom.intersection(county.polygon))
        areas[code] = geom
        zones.append(Zone(code=code, name=name, kind=kind, geometry=to_geojson(geom),
                          legal_status=status, source_code=source, basis=basis,
                          requirements=ZONE_RULES[kind]))

    for spec in SOURCES:
        lon, lat = _place_source(rng, county, spec, taken)
        taken.append((lon, lat))
        sources.append(DrinkingSource(
            code=spec.code, name=spec.name, scale=spec.scale, source_type=spec.source_type,
            township=county.township_of(lon, lat), lon=lon, lat=lat,
            population=spec.population, capacity_t_d=spec.capacity_t_d,
            zones_status=spec.zones_status, recharge_status=spec.recharge_status,
            exceedance_cause=spec.exceedance_cause, remediation_status=spec.remediation,
            signage=STANDARDISATION[spec.code][0], fencing=STANDARDISATION[spec.code][1],
            rectification=STANDARDISATION[spec.code][2]))
        approved = spec.zones_status is LegalStatus.APPROVED
        basis = ("模拟：县人民政府批复（示意）；按 HJ 338-2018 经验值法划定" if approved
                 else "模拟：按 HJ 338-2018 经验值法初步划定，待批复")
        c1 = buffer_m(lon, lat, spec.r1)
        c2 = buffer_m(lon, lat, spec.r2)
        add(f"{spec.code}-YJ", spec.name.replace("（模拟）", "一级保护区"), ZoneKind.FIRST, c1,
            spec.zones_status, spec.code, basis)
        add(f"{spec.code}-EJ", spec.name.replace("（模拟）", "二级保护区"), ZoneKind.SECOND,
            c2.difference(c1), spec.zones_status, spec.code, basis)
        if spec.quasi:
            add(f"{spec.code}-ZB", spec.name.replace("（模拟）", "准保护区"), ZoneKind.QUASI,
                buffer_m(lon, lat, spec.quasi).difference(c2), spec.zones_status, spec.code,
                basis)
        if spec.recharge_km and spec.recharge_status is not LegalStatus.NOT_DELINEATED:
            blob = _blob(rng, lon, lat, spec.recharge_km * 1000, rng.uniform(100, 170))
            add(f"{spec.code}-BJ", spec.name.replace("（模拟）", "补给区"), ZoneKind.RECHARGE,
                blob.union(c2), spec.recharge_status, spec.code,
                "模拟：按水文地质条件初步划定的补给区（示意）")
    return SourceLayer(tuple(sources), tuple(zones), areas)


def pollution_sources(rng: np.random.Generator, county: County,
                      layer: SourceLayer) -> tuple[PollutionSource, ...]:
    """About 30 sources; one 加油站 deliberately inside the county-town source's 二级保护区."""
    protected = shapely.union_all([buffer_m(s.lon, s.lat, 1500) for s in layer.sources])
    basin, mountain = county.basin_area(), county.mountain_area()
    stems = list(rng.permutation(FIRM_STEMS))
    clusters: list[tuple[float, float]] = []
    out: list[PollutionSource] = []
    n = 0
    for category, count, where in POLLUTION_PLAN:
        for i in range(count):
            n += 1
            if where == "cluster":
                base = clusters[i % len(clusters)]
                lon, lat = offset_m(*base, rng.uniform(300, 1500), rng.uniform(0, 360))
            elif category is PollutionCategory.FUEL_STATION and i == 0:
                town = layer.sources[0]  # planted case: inside the 二级保护区 ring
                lon, lat = offset_m(town.lon, town.lat, 0.6 * SOURCES[0].r2, rng.uniform(0, 360))
            else:
                area = {"basin": basin, "mountain": mountain}.get(where, county.inner)
                avoid = protected
                if category is PollutionCategory.INDUSTRIAL_CLUSTER:  # its firms sit ≤ 1.5 km away
                    avoid = shapely.union_all([buffer_m(s.lon, s.lat, 4000) for s in layer.sources]
                                              + [buffer_m(*c, 6000) for c in clusters])
                lon, lat = random_points(rng, area, 1, avoid=avoid)[0]
            if category is PollutionCategory.INDUSTRIAL_CLUSTER:
                clusters.append((lon, lat))
                name = CLUSTER_NAMES[i].format(county.township_of(lon, lat))
            else:
                stem = county.township_of(lon, lat).removesuffix("镇").removesuffix("乡")
                if category is not PollutionCategory.FUEL_STATION:
                    stem = stems.pop()
                elif i > 0:
                    stem += f"{i + 1}号"
                name = NAMES[category].format(stem)
            listed = category.group in ("一企一库", "两场两区") and category is not \
                PollutionCategory.INDUSTRIAL_CLUSTER
            key = listed and rng.random() < 0.6
            lo, hi = WELLS_RANGE[category]
            seepage, survey = rng.choice(list(WorkStatus), size=2, p=[0.3, 0.35, 0.35])
            networked = bool(key and rng.random() < 0.75)  # draws in the order they always had
            wells = int(rng.integers(lo, hi + 1))
            out.append(PollutionSource(
                code=f"JX-WRY-{n:02d}", name=name, category=category,
                township=county.township_of(lon, lat), lon=lon, lat=lat,
                key_discharger=bool(key), networked=networked,
                seepage_status=WorkStatus(seepage), survey_status=WorkStatus(survey),
                risk_control=_risk_text(category, WorkStatus(seepage)),
                monitoring_wells=wells,
                permit_no=f"JXPW{n:04d}（模拟）" if listed else "",
                self_monitoring=wells > 0))
    return tuple(out)


def _risk_text(category: PollutionCategory, seepage: WorkStatus) -> str:
    if category is PollutionCategory.FUEL_STATION:
        return {WorkStatus.DONE: "埋地油罐已完成双层罐改造并安装渗漏监测",
                WorkStatus.IN_PROGRESS: "双层罐改造施工中",
                WorkStatus.NOT_STARTED: "单层罐，尚未改造"}[seepage]
    if category in (PollutionCategory.LANDFILL, PollutionCategory.HAZARDOUS_WASTE):
        return "渗滤液收集导排系统运行；防渗层完整性检测" + ("已完成" if seepage is WorkStatus.DONE
                                                        else "待开展")
    return {WorkStatus.DONE: "已完成防渗改造", WorkStatus.IN_PROGRESS: "防渗改造进行中",
            WorkStatus.NOT_STARTED: "未开展防渗改造"}[seepage]


def prevention_zones(county: County, layer: SourceLayer,
                     pollution: tuple[PollutionSource, ...]) -> tuple[Zone, ...]:
    """保护类 = all source zones and 补给区; 管控类 = around clusters, disposal sites and mines
    (minus 保护类); 一般区 = the rest of the county."""
    protect = polygons_only(shapely.union_all(list(layer.areas.values())))
    radius = {PollutionCategory.INDUSTRIAL_CLUSTER: 2500, PollutionCategory.CHEMICAL_PLANT: 1000,
              PollutionCategory.LANDFILL: 1500, PollutionCategory.HAZARDOUS_WASTE: 1500,
              PollutionCategory.MINING_AREA: 2000, PollutionCategory.TAILINGS_POND: 2000}
    rings = [buffer_m(p.lon, p.lat, radius[p.category]) for p in pollution
             if p.category in radius]
    control = polygons_only(shapely.union_all(rings).intersection(county.polygon)
                            .difference(protect))
    general = polygons_only(county.polygon.difference(protect).difference(control))
    return tuple(
        Zone(code=code, name=name, kind=kind, geometry=to_geojson(geom),
             legal_status=LegalStatus.PRELIMINARY, basis=ZONING_BASIS,
             requirements=PREVENTION_RULES[kind])
        for code, name, kind, geom in (
            ("JX-FQ-01", "绛县地下水污染防治保护类区域（模拟）", ZoneKind.PROTECT, protect),
            ("JX-FQ-02", "绛县地下水污染防治管控类区域（模拟）", ZoneKind.CONTROL, control),
            ("JX-FQ-03", "绛县地下水污染防治一般区（模拟）", ZoneKind.GENERAL, general),
        ))
