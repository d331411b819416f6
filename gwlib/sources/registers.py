"""The drinking-source and pollution-source registers as the pages show them.

- :func:`source_register`: each 地下水型饮用水水源 with its zones' areas (km²) and the 补给区
  against the plan's deadline (:data:`RECHARGE_DEADLINE`, from the county's 2023 plan:
  “2023年底前完成「千吨万人」及以上规模集中式地下水型饮用水源补给区初步划定”).
- :func:`source_point_classes`: the source monitoring points' class per year against Ⅲ.
- :func:`pollution_register`: each pollution source with its 一企一库/两场两区 group and the
  latest class of its own monitoring wells (points whose ``pollution_source_code`` names it).
- :func:`zone_table`: zones with area (km²) and management requirements.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gwlib.geo.crs import area_km2
from gwlib.geo.overlay import geometry_of
from gwlib.quality.classes import QualityClass, graded
from gwlib.sources.maplayers import latest_classes
from gwlib.sources.model import LARGE_SCALES, PollutionCategory, ZoneKind

RECHARGE_DEADLINE = dt.date(2023, 12, 31)
DONE_STATUSES = ("初步划定", "已批复")
ZONE_AREA_COLUMNS = {
    ZoneKind.FIRST: "first_km2",
    ZoneKind.SECOND: "second_km2",
    ZoneKind.QUASI: "quasi_km2",
    ZoneKind.RECHARGE: "recharge_km2",
}


def zone_table(zones: pd.DataFrame, kinds: tuple[ZoneKind, ...] | None = None) -> pd.DataFrame:
    """Zones (optionally of some kinds) with ``area_km2``; geometry dropped."""
    z = zones if kinds is None else zones[zones["kind"].isin([k.value for k in kinds])]
    z = z.drop(columns=["geometry"]).assign(
        area_km2=[area_km2(geometry_of(g)) for g in z["geometry"]]
    )
    return z.reset_index(drop=True)


def recharge_progress(scale: str, status: str, as_of: dt.date,
                      deadline: dt.date = RECHARGE_DEADLINE) -> str:  # fmt: skip
    """已完成 / 逾期未完成 / 未到期 / 不要求 for one source's 补给区."""
    if scale not in LARGE_SCALES:
        return "已完成" if status in DONE_STATUSES else "不要求"
    if status in DONE_STATUSES:
        return "已完成"
    return "逾期未完成" if as_of > deadline else "未到期"


def source_register(sources: pd.DataFrame, zones: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Sources with zone areas (km², 0 where not delineated) and 补给区 progress."""
    areas = zone_table(zones, tuple(ZONE_AREA_COLUMNS))
    out = sources.drop(columns=["id"], errors="ignore").copy()
    for kind, column in ZONE_AREA_COLUMNS.items():
        per_source = areas[areas["kind"] == kind.value].groupby("source_code")["area_km2"].sum()
        out[column] = out["code"].map(per_source).fillna(0.0)
    out["recharge_deadline"] = [
        RECHARGE_DEADLINE if s in LARGE_SCALES else None for s in out["scale"]
    ]
    out["recharge_progress"] = [
        recharge_progress(s, r, as_of) for s, r in zip(out["scale"], out["recharge_status"],
                                                       strict=True)
    ]  # fmt: skip
    return out


def source_point_classes(points: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Per source monitoring point and year: the worst class of the year and whether it is
    worse than Ⅲ (columns source_code, point, point_name, year, quality_class, label,
    above_iii)."""
    src_points = points[points["source_code"].fillna("") != ""][["code", "name", "source_code"]]
    s = samples[(graded(samples["quality_class"])) & samples["point"].isin(src_points["code"])]
    if s.empty:
        return pd.DataFrame(columns=["source_code", "point", "point_name", "year",
                                     "quality_class", "label", "above_iii"])  # fmt: skip
    s = s.assign(year=pd.to_datetime(s["date"]).dt.year)
    yearly = s.groupby(["point", "year"], as_index=False)["quality_class"].max()
    yearly = yearly.merge(src_points, left_on="point", right_on="code").drop(columns="code")
    yearly = yearly.rename(columns={"name": "point_name"})
    yearly["label"] = [QualityClass(int(c)).label for c in yearly["quality_class"]]
    yearly["above_iii"] = yearly["quality_class"] > int(QualityClass.III)
    result: pd.DataFrame = yearly.sort_values(["source_code", "point", "year"])
    return result.reset_index(drop=True)


def sources_above_iii(register: pd.DataFrame, yearly: pd.DataFrame) -> pd.DataFrame:
    """Sources whose points were worse than Ⅲ in their latest year, with the cause
    (地质背景/人为因素) and the remediation status from the register."""
    if yearly.empty:
        return register.iloc[0:0][["code", "name", "exceedance_cause", "remediation_status"]]
    last = yearly[yearly["year"] == yearly.groupby("source_code")["year"].transform("max")]
    worst = last.groupby("source_code", as_index=False).agg(
        year=("year", "max"), quality_class=("quality_class", "max")
    )
    worst = worst[worst["quality_class"] > int(QualityClass.III)]
    out = worst.merge(register, left_on="source_code", right_on="code")
    out["label"] = [QualityClass(int(c)).label for c in out["quality_class"]]
    columns = ["code", "name", "year", "label", "exceedance_cause", "remediation_status"]
    result: pd.DataFrame = out[columns]
    return result


def pollution_register(pollution: pd.DataFrame, points: pd.DataFrame,
                       samples: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Pollution sources with their group, own monitoring points and those points' worst latest
    class (0 = no point or no graded sample)."""
    latest = latest_classes(points, samples)
    own = latest[latest["pollution_source_code"].fillna("") != ""]
    agg = own.groupby("pollution_source_code").agg(
        points=("code", lambda c: "、".join(sorted(c))),
        worst_class=("latest_class", "max"),
        missing_target=("misses_target", "sum"),
    )
    out = pollution.drop(columns=["id"], errors="ignore").copy()
    out["group"] = [PollutionCategory(c).group for c in out["category"]]
    out = out.join(agg, on="code")
    out["points"] = out["points"].fillna("")
    out["worst_class"] = out["worst_class"].fillna(0).astype(int)
    out["missing_target"] = out["missing_target"].fillna(0).astype(int)
    out["worst_label"] = [QualityClass(c).label if c else "" for c in out["worst_class"]]
    return out


def pollution_summary(register: pd.DataFrame) -> pd.DataFrame:
    """Sources per group: total, 防渗改造 done, survey done, on the 重点排污单位名录."""
    return (
        register.assign(
            seepage_done=register["seepage_status"] == "已完成",
            survey_done=register["survey_status"] == "已完成",
        )
        .groupby("group", as_index=False)
        .agg(
            sources=("code", "count"),
            seepage_done=("seepage_done", "sum"),
            survey_done=("survey_done", "sum"),
            key_dischargers=("key_discharger", "sum"),
        )
    )
