"""Demo monitoring points and ten years of lab results, written the way labs write them.

Every point gets a *design class* for the latest year and, if that class is above the local
background, the indicator group that causes it: ``氟`` (geogenic fluoride, common in the 运城
basin), ``盐`` (总硬度/溶解性总固体/硫酸盐), ``氮`` (agricultural nitrate, with rising or falling
trends), ``污`` (leachate-type 氨氮/耗氧量/锰 at pollution sources) or ``菌`` (coliforms in shallow
wells). Each indicator is then drawn inside the class band of GB/T 14848-2017 that the design
asks for (band limits read from the standard set itself), with small per-sample noise that
cannot carry a value across a limit. About a fifth of the points are Ⅴ in the latest year.

The results are written as a long lab table of text — non-detects as ``0.0003L``, ``<0.00004``,
``ND``, ``未检出``; an older lab (2016–2019) using synonyms (硝酸盐氮, 高锰酸盐指数, 六价铬,
挥发酚, TDS) and μg/L for trace metals — and the demo imports it through the real reader
(:func:`gwlib.io.lab.parse_lab_table`).

Size: about 460 lines in one module, because one seeded generator; split, the design rules of one
simulated network would be scattered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from gwlib.demo.places import County, offset_m, random_points
from gwlib.demo.sites import SourceLayer
from gwlib.geo import to_metric
from gwlib.io.tables import RawTable
from gwlib.quality.classes import QualityClass
from gwlib.quality.model import (
    AquiferMedium,
    Burial,
    FrequencyRule,
    MonitoringPoint,
    Period,
    PointCategory,
    PointPurpose,
    PointStatus,
)
from gwlib.quality.standards import StandardSet
from gwlib.sources.model import DrinkingSource, PollutionCategory, PollutionSource, SourceType

FIRST_YEAR, LAST_YEAR = 2016, 2025
OLD_LAB_UNTIL = 2019  # the older lab's writing style (synonyms, μg/L, "L" non-detects)
MISSING_SHARE = 0.05
TABLE_NAME = "模拟数据"
COLUMNS = ("点位编码", "采样日期", "水期", "指标", "监测值", "单位", "水位埋深(m)")
BUREAU = "运城市生态环境局绛县分局"

#: Official indicator names as GB/T 14848-2017 prints them → (old lab's name, detection limit
#: in mg/L or the standard's unit, old lab writes μg/L). The 29 国考 indicators of 表1.
INDICATORS: dict[str, tuple[str, float, bool]] = {
    "pH": ("pH", 0.0, False),
    "总硬度（以CaCO3计）": ("总硬度", 5.0, False),
    "溶解性总固体": ("TDS", 4.0, False),
    "硫酸盐": ("硫酸盐", 0.018, False),
    "氯化物": ("氯化物", 0.007, False),
    "铁": ("铁", 0.03, False),
    "锰": ("锰", 0.01, False),
    "铜": ("铜", 0.001, False),
    "锌": ("锌", 0.05, False),
    "铝": ("铝", 0.008, False),
    "挥发性酚类（以苯酚计）": ("挥发酚", 0.0003, False),
    "阴离子表面活性剂": ("阴离子表面活性剂", 0.05, False),
    "耗氧量（CODMn法，以O2计）": ("高锰酸盐指数", 0.5, False),
    "氨氮（以N计）": ("氨氮", 0.02, False),
    "硫化物": ("硫化物", 0.003, False),
    "钠": ("钠", 0.01, False),
    "总大肠菌群": ("总大肠菌群", 2.0, False),
    "菌落总数": ("菌落总数", 1.0, False),
    "亚硝酸盐（以N计）": ("亚硝酸盐氮", 0.003, False),
    "硝酸盐（以N计）": ("硝酸盐氮", 0.08, False),
    "氰化物": ("氰化物", 0.001, False),
    "氟化物": ("氟化物", 0.05, False),
    "碘化物": ("碘化物", 0.025, False),
    "汞": ("汞", 0.00004, True),
    "砷": ("砷", 0.0003, True),
    "硒": ("硒", 0.0004, True),
    "镉": ("镉", 0.0001, True),
    "铬（六价）": ("六价铬", 0.004, False),
    "铅": ("铅", 0.0025, True),
}
VOCS = ("苯", "甲苯", "三氯甲烷", "四氯化碳")  # μg/L, at pollution-source wells
VOC_DL = 0.4
UNITS = {"pH": "无量纲", "总大肠菌群": "MPN/100mL", "菌落总数": "CFU/mL"}
FLUORIDE_BASIN = (0.55, 0.9)  # mg/L: basin background just under the Ⅰ–Ⅲ limit of 1.0
NOT_GRADED = {"钾": (1.5, 6.0), "钙": (50.0, 160.0), "镁": (15.0, 70.0), "重碳酸根": (220.0, 480.0)}

#: Background class of each non-driver indicator (basin, mountain); 0 = usually not detected.
BACKGROUND: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "总硬度（以CaCO3计）": ((3,), (1, 2)), "溶解性总固体": ((3,), (1, 2)),
    "硫酸盐": ((2, 3), (1,)), "氯化物": ((2,), (1,)), "钠": ((1, 2), (1,)),
    "耗氧量（CODMn法，以O2计）": ((1, 2), (1,)), "氨氮（以N计）": ((0, 2), (0,)),
    "菌落总数": ((1,), (1,)), "亚硝酸盐（以N计）": ((0, 1), (0,)),
    "硝酸盐（以N计）": ((2, 3), (1, 2)), "氟化物": ((1,), (1,)), "铁": ((0, 1), (0,)),
    "砷": ((0, 0, 3), (0,)), "铝": ((0, 1), (0,)), "锌": ((0, 1), (0,)),
}
DRIVERS = {
    "氟": ("氟化物",),
    "盐": ("总硬度（以CaCO3计）", "溶解性总固体", "硫酸盐"),
    "氮": ("硝酸盐（以N计）",),
    "污": ("氨氮（以N计）", "耗氧量（CODMn法，以O2计）"),
    "菌": ("总大肠菌群", "菌落总数"),
}
#: Companions raised one class below the driver (salty water is also rich in Cl, Na; leachate
#: brings Mn and Fe).
COMPANIONS = {"盐": ("氯化物", "钠"), "污": ("锰", "铁")}

CATEGORY_PLAN = (  # category, code part, how many, target class
    (PointCategory.NATIONAL, "GK", 6, QualityClass.V),
    (PointCategory.PROVINCIAL, "SK", 8, QualityClass.IV),
    (PointCategory.COUNTY, "XK", 10, QualityClass.IV),
    (PointCategory.COUNTY, "SY", 8, QualityClass.III),  # 监测用途 饮用水源
    (PointCategory.SELF_MONITORING, "WR", 5, QualityClass.V),  # 污染风险监控
    (PointCategory.SURVEY_NEW, "DC", 3, QualityClass.IV),  # 污染风险监控
)
WATCHED = (PollutionCategory.LANDFILL, PollutionCategory.HAZARDOUS_WASTE,
           PollutionCategory.INDUSTRIAL_CLUSTER, PollutionCategory.CHEMICAL_PLANT,
           PollutionCategory.TAILINGS_POND)
SURVEYED = (PollutionCategory.INDUSTRIAL_CLUSTER, PollutionCategory.MINING_AREA)  # + a chem plant
#: Design (class, driver) of the wells watching each source category.
POLLUTION_DESIGN = {
    PollutionCategory.LANDFILL: (5, "污"), PollutionCategory.HAZARDOUS_WASTE: (4, "污"),
    PollutionCategory.INDUSTRIAL_CLUSTER: (5, "污"), PollutionCategory.CHEMICAL_PLANT: (4, "污"),
    PollutionCategory.TAILINGS_POND: (5, "盐"), PollutionCategory.MINING_AREA: (3, "盐"),
}
SOURCE_DESIGN = {"JX-SYD-01": (3, ""), "JX-SYD-02": (4, "氟"), "JX-SYD-03": (2, ""),
                 "JX-SYD-04": (3, "")}
#: Points of the other 监测用途 (回灌, 地热尾水, 农田灌溉), 模拟, sampled from OTHER_USES_FROM:
#: code, name, purpose, owner, design (class, driver) and 最近报备日期. They are drawn from a
#: random stream of their own, so the other points' data do not change with them.
OTHER_USES = (
    ("JX-HG-01", "县城地热供暖站1号回灌井（模拟）", PointPurpose.GEOTHERMAL_TAIL,
     "绛县地热供暖公司（模拟）", 3, "", dt.date(2025, 9, 20)),
    ("JX-HG-02", "县城地热供暖站2号回灌井（模拟）", PointPurpose.GEOTHERMAL_TAIL,
     "绛县地热供暖公司（模拟）", 4, "氟", dt.date(2024, 10, 8)),
    ("JX-HG-03", "污水处理厂再生水回灌试验井（模拟）", PointPurpose.RECHARGE,
     "绛县污水处理厂（模拟）", 3, "", None),
    ("JX-NG-01", "灌区农田灌溉机井（模拟）", PointPurpose.IRRIGATION,
     "绛县灌区管理站（模拟）", 3, "盐", None),
)
OTHER_USES_FROM = 2021
GEOTHERMAL_DEPTH_M = (1200.0, 1800.0)


STEP_SHARE = 0.6


@dataclass(frozen=True)
class Design:
    """What a point's water looks like in the latest year."""

    cls: int
    driver: str = ""
    trend: float = 0.0  # relative change of the driver per year (nitrate trends)
    mountain: bool = False
    start: int = FIRST_YEAR
    end: int = LAST_YEAR


@dataclass(frozen=True)
class Monitoring:
    points: tuple[MonitoringPoint, ...]
    designs: dict[str, Design]
    table: RawTable


# ---------------------------------------------------------------------------------------------
# Points


def _regional_designs(rng: np.random.Generator, mountain: list[bool]) -> list[tuple[int, str,
                                                                                  float]]:
    """(class, driver, trend) for the regional points: mountains Ⅰ–Ⅲ, basin Ⅲ–Ⅴ."""
    basin = [i for i, m in enumerate(mountain) if not m]
    order = [basin[i] for i in rng.permutation(len(basin))]
    n5 = int(rng.integers(4, 7))
    n4 = int(rng.integers(6, 9))
    out: list[tuple[int, str, float]] = [
        (int(rng.choice([1, 2, 2, 3])), "", 0.0) if m else (3, "", 0.0) for m in mountain]
    v_drivers = ("氟", "盐", "氮", "氟", "盐", "氮")
    iv_drivers = ("氮", "氟", "盐", "菌", "氮", "氟", "盐", "氮")
    for k, i in enumerate(order):
        if k < n5:
            d = v_drivers[k]
            out[i] = (5, d, 0.07 if d == "氮" else 0.0)  # nitrate Ⅴ points: rising
        elif k < n5 + n4:
            d = iv_drivers[k - n5]
            out[i] = (4, d, -0.05 if d == "氮" else 0.0)  # nitrate Ⅳ points: falling from Ⅴ
        elif k < n5 + n4 + 2:
            out[i] = (3, "氮", 0.06)  # rising, still Ⅲ
    return out


class _Points:
    """Collects points and their designs; depth, screen and frequency follow the burial."""

    def __init__(self, rng: np.random.Generator, county: County) -> None:
        self.rng, self.county = rng, county
        self.points: list[MonitoringPoint] = []
        self.designs: dict[str, Design] = {}

    def add(self, code: str, name: str, category: PointCategory, lon: float, lat: float,
            aquifer: AquiferMedium, burial: Burial, target: QualityClass, design: Design,
            owner: str = BUREAU, source_code: str = "", pollution_code: str = "",
            status: PointStatus = PointStatus.ACTIVE,
            purpose: PointPurpose = PointPurpose.REGIONAL) -> None:
        rng = self.rng
        confined = burial is Burial.CONFINED
        depth = float(rng.uniform(150, 320) if confined else rng.uniform(25, 90))
        if purpose is PointPurpose.POLLUTION_RISK:
            depth = float(rng.uniform(15, 40))
        depth = round(depth, 1)
        top = round(depth * float(rng.uniform(0.45, 0.7)), 1)
        self.points.append(MonitoringPoint(
            code=code, name=name, category=category, purpose=purpose,
            township=self.county.township_of(lon, lat),
            lon=lon, lat=lat, aquifer=aquifer, burial=burial, target_class=target,
            frequency=FrequencyRule.ANNUAL_DRY if confined else FrequencyRule.WET_AND_DRY,
            depth_m=depth, screen_top_m=top, screen_bottom_m=round(depth - 2.0, 1),
            owner=owner, status=status, source_code=source_code,
            pollution_source_code=pollution_code))
        self.designs[code] = design

    def regional(self) -> None:
        """国考, 省控, 县控: about 30 % in the mountains, at least 2.5 km apart."""
        rng, county = self.rng, self.county
        total = sum(n for _, _, n, _ in CATEGORY_PLAN[:3])
        mountain = [bool(x) for x in rng.permutation([True] * 7 + [False] * (total - 7))]
        plans = _regional_designs(rng, mountain)
        used: list[tuple[float, float]] = []
        k = 0
        for category, part, n, target in CATEGORY_PLAN[:3]:
            for i in range(1, n + 1):
                area = county.mountain_area() if mountain[k] else county.basin_area()
                while True:
                    p = random_points(rng, area, 1)[0]
                    x, y = to_metric(*p)
                    if all(np.hypot(x - u[0], y - u[1]) > 2500 for u in used):
                        break
                used.append((x, y))
                cls, driver, trend = plans[k]
                start = FIRST_YEAR
                if category is PointCategory.NATIONAL and i > 4:
                    start = 2019
                elif category is PointCategory.COUNTY and i > 6:
                    start = int(rng.integers(2018, 2021))
                suspended = category is PointCategory.COUNTY and i == n  # stopped after 2023
                aquifer = AquiferMedium.POROUS
                if mountain[k]:
                    aquifer = AquiferMedium.KARST if rng.random() < 0.5 else AquiferMedium.FRACTURED
                burial = Burial.CONFINED if rng.random() < 0.35 else Burial.UNCONFINED
                if driver in ("氮", "菌"):
                    burial = Burial.UNCONFINED  # surface-borne contaminants: shallow water
                design = Design(cls, driver, trend, mountain[k], start,
                                2023 if suspended else LAST_YEAR)
                self.add(f"JX-{part}-{i:02d}", f"{county.township_of(*p)}{category.value}点{i}",
                         category, *p, aquifer, burial, target, design,
                         status=PointStatus.SUSPENDED if suspended else PointStatus.ACTIVE)
                k += 1

    def drinking(self, sources: tuple[DrinkingSource, ...]) -> None:
        """Two wells per source, inside its 一级保护区."""
        rng = self.rng
        for n, (ds, j) in enumerate(((ds, j) for ds in sources for j in range(2)), start=1):
            cls, driver = SOURCE_DESIGN[ds.code]
            aquifer = {SourceType.KARST: AquiferMedium.KARST,
                       SourceType.FRACTURED: AquiferMedium.FRACTURED}.get(
                ds.source_type, AquiferMedium.POROUS)
            lon, lat = offset_m(ds.lon, ds.lat, rng.uniform(10, 25), rng.uniform(0, 360))
            deep = j == 0 and ds.source_type is not SourceType.SUBSURFACE_DAM
            self.add(f"JX-SY-{n:02d}", f"{ds.name.removesuffix('（模拟）')}{j + 1}号井",
                     PointCategory.COUNTY, lon, lat, aquifer,
                     Burial.CONFINED if deep else Burial.UNCONFINED, QualityClass.III,
                     Design(cls, driver, 0.0, bool(self.county.is_mountain(ds.lon, ds.lat))),
                     owner="绛县供水公司（模拟）", source_code=ds.code,
                     purpose=PointPurpose.DRINKING)

    def pollution(self, sources: tuple[PollutionSource, ...]) -> None:
        """A downstream well at five kinds of source, and the three wells of the 2023 survey."""
        rng = self.rng

        def first(category: PollutionCategory) -> PollutionSource:
            return next(p for p in sources if p.category is category)

        chem = [p for p in sources if p.category is PollutionCategory.CHEMICAL_PLANT]
        groups = (
            ("WR", PointCategory.SELF_MONITORING, [first(c) for c in WATCHED], (150, 400),
             "下游监测井", QualityClass.V),
            ("DC", PointCategory.SURVEY_NEW, [*(first(c) for c in SURVEYED), chem[-1]],
             (200, 600), "调查评估新建井", QualityClass.IV),
        )
        for part, category, watched, (near, far), label, target in groups:
            for i, ps in enumerate(watched, start=1):
                cls, driver = POLLUTION_DESIGN[ps.category]
                lon, lat = offset_m(ps.lon, ps.lat, rng.uniform(near, far),
                                    rng.uniform(200, 340))
                hills = bool(self.county.is_mountain(lon, lat))
                survey = category is PointCategory.SURVEY_NEW
                start = 2023 if survey else int(rng.integers(2018, 2022))
                self.add(f"JX-{part}-{i:02d}", f"{ps.name.removesuffix('（模拟）')}{label}",
                         category, lon, lat,
                         AquiferMedium.FRACTURED if hills else AquiferMedium.POROUS,
                         Burial.UNCONFINED, target,
                         Design(min(cls, target), driver, 0.0, hills, start),
                         owner=BUREAU if survey else ps.name, pollution_code=ps.code,
                         purpose=PointPurpose.POLLUTION_RISK)

    def other_uses(self) -> None:
        """The points of :data:`OTHER_USES`, in the basin; geothermal wells are deep."""
        rng = self.rng
        for code, name, purpose, owner, cls, driver, filed in OTHER_USES:
            lon, lat = random_points(rng, self.county.basin_area(), 1)[0]
            irrigation = purpose is PointPurpose.IRRIGATION
            self.add(code, name, PointCategory.SELF_MONITORING, lon, lat, AquiferMedium.POROUS,
                     Burial.UNCONFINED if irrigation else Burial.CONFINED,
                     QualityClass.IV if irrigation else QualityClass.III,
                     Design(cls, driver, 0.0, False, OTHER_USES_FROM), owner=owner,
                     purpose=purpose)
            point = self.points[-1]
            if purpose is PointPurpose.GEOTHERMAL_TAIL:
                depth = round(float(rng.uniform(*GEOTHERMAL_DEPTH_M)), 1)
                point = replace(point, depth_m=depth, screen_top_m=round(depth * 0.7, 1),
                                screen_bottom_m=round(depth - 20.0, 1))
            self.points[-1] = replace(point, filed_on=filed)


def make_points(rng: np.random.Generator, county: County, layer: SourceLayer,
                pollution: tuple[PollutionSource, ...]) -> tuple[list[MonitoringPoint],
                                                                 dict[str, Design]]:
    """40 points in every category (see :data:`CATEGORY_PLAN`)."""
    builder = _Points(rng, county)
    builder.regional()
    builder.drinking(layer.sources)
    builder.pollution(pollution)
    return builder.points, builder.designs


# ---------------------------------------------------------------------------------------------
# Lab results


def _band(std: StandardSet, idx: int, cls: int) -> tuple[float, float]:
    """Value range of class ``cls`` (1..5) for an upper-limit indicator; an unreachable class
    (tied limits, 从优不从劣) falls back to the next better one."""
    hi = std.hi[idx]
    while 1 < cls <= 4 and hi[cls - 2] >= hi[cls - 1]:
        cls -= 1
    if cls >= 5:
        return 1.2 * hi[3], 1.7 * hi[3]
    lo = hi[cls - 2] if cls >= 2 else 0.25 * hi[0]
    return float(lo), float(hi[cls - 1])


def _fmt(v: float) -> str:
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return np.format_float_positional(v, precision=3, unique=False, fractional=False, trim="-")


def _nd(dl: float, micro: bool, old: bool, rng: np.random.Generator) -> tuple[str, str]:
    """A non-detect as the lab writes it, with its unit."""
    unit = "μg/L" if micro and old else "mg/L"
    x = _fmt(dl * 1000 if unit == "μg/L" else dl)
    if old:
        return f"{x}L", unit
    return (f"<{x}" if rng.random() < 0.85 else "ND"), unit


def _levels(rng: np.random.Generator, std: StandardSet, design: Design,
            pollution_well: bool) -> dict[str, float]:
    """Latest-year level of every indicator at a point (NaN = not detected)."""
    levels: dict[str, float] = {}
    for name in INDICATORS:
        if name == "pH":
            lo, hi = (7.2, 8.0) if design.mountain else (7.3, 8.2)
            levels[name] = float(rng.uniform(lo, hi))
            continue
        basin, mountain = BACKGROUND.get(name, ((0,), (0,)))
        cls = int(rng.choice(mountain if design.mountain else basin))
        if name in COMPANIONS.get(design.driver, ()):
            cls = max(cls, design.cls - 1)
        if name in DRIVERS.get(design.driver, ()):
            cls = design.cls
        cls = min(cls, design.cls)
        if cls == 0:
            levels[name] = np.nan
            continue
        if name == "氟化物" and cls == 1 and not design.mountain:
            levels[name] = float(rng.uniform(*FLUORIDE_BASIN))
            continue
        lo, hi = _band(std, std.index(name), cls)
        levels[name] = lo + float(rng.uniform(0.2, 0.6)) * (hi - lo)
    if pollution_well:
        for name in VOCS:
            cls = int(rng.choice([0, 2, 3], p=[0.4, 0.4, 0.2])) if design.driver == "污" else 0
            cls = min(cls, design.cls)
            if cls:
                lo, hi = _band(std, std.index(name), cls)
                levels[name] = lo + float(rng.uniform(0.2, 0.6)) * (hi - lo)
            else:
                levels[name] = np.nan
    return levels


#: Month a demo sample's 水期 starts in (枯水期 Mar–May, 丰水期 Jul–Sep, 平水期 Oct–Dec).
PERIOD_MONTH = {Period.DRY: 3, Period.WET: 7, Period.NORMAL: 10}
#: From this year the demo's drinking-source points also have a 平水期 sample (the 2023 plan's
#: task 12 asks for 平水期 monitoring of drinking sources).
NORMAL_FROM = 2023


def _schedule(rng: np.random.Generator, point: MonitoringPoint, design: Design,
              periods: tuple[Period, ...] = ()) -> list[tuple[dt.date, Period]]:
    if not periods:
        periods = (Period.DRY, Period.WET) if point.frequency is FrequencyRule.WET_AND_DRY \
            else (Period.DRY,)
    out = []
    first = design.start if Period.NORMAL not in periods else max(design.start, NORMAL_FROM)
    for year in range(first, design.end + 1):
        for period in periods:
            day = int(rng.integers(0, 92))
            month = PERIOD_MONTH[period]
            if rng.random() >= MISSING_SHARE:
                out.append((dt.date(year, month, 1) + dt.timedelta(days=day), period))
    return out


def _date_text(d: dt.date, old: bool, rng: np.random.Generator) -> str:
    if not old:
        return d.isoformat()
    return f"{d.year}/{d.month}/{d.day}" if rng.random() < 0.7 else \
        f"{d.year}年{d.month}月{d.day}日"


def lab_rows(rng: np.random.Generator, std: StandardSet, point: MonitoringPoint,
             design: Design, periods: tuple[Period, ...] = ()) -> list[tuple[str, ...]]:
    """All lab rows of one point, oldest first (of ``periods`` only, when given; else the 水期
    its frequency asks for)."""
    pollution_well = point.purpose is PointPurpose.POLLUTION_RISK
    levels = _levels(rng, std, design, pollution_well)
    drivers = DRIVERS.get(design.driver, ())
    ions = point.category in (PointCategory.NATIONAL, PointCategory.PROVINCIAL)
    base_level = float(rng.uniform(40, 90) if point.burial is Burial.CONFINED
                       else rng.uniform(12, 45))
    # More than half of the points with a driver had it stepped before some year (a new source,
    # a remediation), so classes change from year to year as they do in real networks.
    step_year, step = 0, 1.0
    if drivers and rng.random() < STEP_SHARE:
        step_year = int(rng.integers(FIRST_YEAR + 2, LAST_YEAR + 1))
        step = float(rng.choice([0.45, 2.2]))
    rows: list[tuple[str, ...]] = []
    for date, period in _schedule(rng, point, design, periods):
        old = date.year <= OLD_LAB_UNTIL
        when = _date_text(date, old, rng)
        season = period.value[0] if old else period.value
        level = ""
        if point.category is PointCategory.NATIONAL:
            level = f"{base_level + 0.25 * (date.year - FIRST_YEAR) + rng.normal(0, 0.3):.2f}"
        noise = np.clip(rng.lognormal(0.0, 0.04, size=len(levels)), 0.92, 1.08)
        for (name, v), f in zip(levels.items(), noise, strict=True):
            alias, dl, micro = INDICATORS.get(name, (name, VOC_DL, False))
            shown = alias if old else name
            unit = UNITS.get(name) or std.indicator(name).unit
            if name == "pH":
                value = f"{v + rng.normal(0, 0.08):.2f}"
            elif np.isnan(v):
                if name in VOCS:
                    value, unit = ("ND" if rng.random() < 0.5 else f"<{VOC_DL}"), "μg/L"
                elif name == "总大肠菌群":
                    value = "未检出" if not old else "<2"
                else:
                    value, unit = _nd(dl, micro, old, rng)
            else:
                x = v * f
                if name in drivers and design.trend:
                    x *= max(0.2, 1.0 + design.trend * (date.year - LAST_YEAR))
                if name in drivers and date.year < step_year:
                    x *= step
                if micro and old:
                    x, unit = x * 1000, "μg/L"
                value = _fmt(x)
            rows.append((point.code, when, season, shown, value, unit, level))
        if ions and not old and rng.random() < 0.4:
            for name, (lo, hi) in NOT_GRADED.items():
                rows.append((point.code, when, season, name, _fmt(float(rng.uniform(lo, hi))),
                             "mg/L", level))
    return rows


def make_monitoring(rng: np.random.Generator, std: StandardSet, county: County,
                    layer: SourceLayer, pollution: tuple[PollutionSource, ...],
                    normal_rng: np.random.Generator | None = None,
                    other_rng: np.random.Generator | None = None) -> Monitoring:
    """Points and their lab rows; with ``normal_rng`` (a stream of its own, so the other
    samples stay as they were) also a 平水期 sample a year at drinking-source points; with
    ``other_rng`` (likewise) the recharge, tail-water and irrigation points of
    :data:`OTHER_USES` and their samples."""
    points, designs = make_points(rng, county, layer, pollution)
    rows: list[tuple[str, ...]] = []
    for p in points:
        rows.extend(lab_rows(rng, std, p, designs[p.code]))
    if other_rng is not None:
        others = _Points(other_rng, county)
        others.other_uses()
        for p in others.points:
            rows.extend(lab_rows(other_rng, std, p, others.designs[p.code]))
        points += others.points
        designs |= others.designs
    if normal_rng is not None:
        for p in points:
            if p.purpose is PointPurpose.DRINKING:
                rows.extend(lab_rows(normal_rng, std, p, designs[p.code], (Period.NORMAL,)))
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype="str")
    return Monitoring(tuple(points), designs, RawTable(name=TABLE_NAME, frame=frame,
                                                       header_row=1))
