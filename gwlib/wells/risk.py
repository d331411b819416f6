"""Risk priority of unsealed abandoned wells: an explainable additive score.

Each factor adds points and a reason in words; the score is their sum and the level follows
fixed cut-offs. After Alberta OWA's low/medium/high grouping and Jilin DB22/T 3648-2024
(signs of contamination, distance to pollution sources; [OWA], [DB22/T 3648] in docs/sources.md).

=====================================================  ======
Factor                                                 Points
=====================================================  ======
inside a 一级/二级保护区 of a groundwater drinking source   30
inside a 准保护区                                          20
inside a 补给区                                            20
a pollution source within 500 m (within 1 000 m)        20 (10)
depth ≥ 150 m: likely crosses several aquifers             10
串层污染 suspected (written in 废弃原因 or 备注)             20
owner unknown (无主井: the government must act)            10
a monitoring point within 1 000 m now Ⅳ类 (Ⅴ类)         15 (20)
=====================================================  ======

Level: 高 ≥ 40, 中 ≥ 20, else 低. Sealed and accepted wells are not scored.

Every distance, weight and cut-off above is a field of :class:`RiskRules` (data, not code): a
county that weighs factors differently passes its own rules, and each reason names the points.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from gwlib.geo.crs import geometry_to_metric, to_metric
from gwlib.quality.classes import QualityClass, graded
from gwlib.sources.model import ZoneKind
from gwlib.wells.ledger import CROSS_LAYER, OWNER_UNKNOWN_DUTY, sealed_mask

LEVELS = ("高", "中", "低")


@dataclass(frozen=True)
class RiskRules:
    """Distances (m), weights (points) and level cut-offs of the score (the table above)."""

    core_zone: int = 30  # inside a 一级/二级保护区
    quasi_zone: int = 20  # inside a 准保护区 (and not a core zone)
    recharge_zone: int = 20  # inside a 补给区
    source_near_m: float = 500.0
    source_near: int = 20  # a pollution source within source_near_m
    source_far_m: float = 1000.0
    source_far: int = 10  # … else within source_far_m
    deep_m: float = 150.0
    deep: int = 10  # depth ≥ deep_m: likely crosses several aquifers
    cross_layer_words: tuple[str, ...] = ("串层", "串通", "混层")
    cross_layer: int = 20  # 串层污染 written in 废弃原因 or 备注
    owner_unknown: int = 10
    quality_radius_m: float = 1000.0
    class_v_near: int = 20  # a monitoring point within quality_radius_m now Ⅴ类
    class_iv_near: int = 15  # … now Ⅳ类 (when none is Ⅴ类)
    high: int = 40
    medium: int = 20

    def explain(self) -> str:
        """The rules in the words a person reads on the ledger page (from these values)."""
        return (
            f"位于水源一级/二级保护区 {self.core_zone} 分，准保护区 {self.quasi_zone} 分，"
            f"补给区 {self.recharge_zone} 分；{self.source_near_m:g} m 内有污染源 "
            f"{self.source_near} 分（{self.source_far_m:g} m 内 {self.source_far} 分）；"
            f"井深 ≥ {self.deep_m:g} m {self.deep} 分；废弃原因或备注写明"
            f"{'/'.join(self.cross_layer_words)} {self.cross_layer} 分；所有权人不明 "
            f"{self.owner_unknown} 分；{self.quality_radius_m:g} m 内监测点位最新为Ⅴ类 "
            f"{self.class_v_near} 分（Ⅳ类 {self.class_iv_near} 分）。合计 ≥ {self.high} 分为高，"
            f"≥ {self.medium} 分为中，其余为低。"
        )


def latest_point_classes(samples: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Each monitoring point's latest graded class with its location (point, lon, lat,
    quality_class, date)."""
    s = samples[graded(samples["quality_class"])].sort_values(["point", "date"])
    last = s.groupby("point", sort=True).tail(1)[["point", "date", "quality_class"]]
    loc = points[["code", "lon", "lat"]].rename(columns={"code": "point"})
    return last.merge(loc, on="point", how="inner").reset_index(drop=True)


def _nearest_m(
    wells: np.ndarray, lon: pd.Series, lat: pd.Series, within_m: float
) -> np.ndarray:
    """Distance (m) from each of ``wells`` (metric shapely points) to the nearest of the
    lon/lat points when it is at most ``within_m``; inf otherwise or when there are none."""
    out = np.full(len(wells), np.inf)
    if len(lon) == 0 or len(wells) == 0:
        return out
    px, py = to_metric(lon.to_numpy(float), lat.to_numpy(float))
    tree = shapely.STRtree(shapely.points(px, py))
    idx, dist = tree.query_nearest(
        wells, max_distance=within_m, return_distance=True, all_matches=False
    )
    out[idx[0]] = dist
    return out


def risk_scores(
    wells: pd.DataFrame,
    zones: pd.DataFrame,
    pollution: pd.DataFrame,
    latest_classes: pd.DataFrame,
    rules: RiskRules = RiskRules(),
) -> pd.DataFrame:
    """One row per unsealed well: code, score, level, reasons (each reason with its points).

    ``latest_classes`` has each monitoring point's lon, lat and latest ``quality_class``.
    """
    w = wells[~sealed_mask(wells)].reset_index(drop=True)
    n = len(w)
    located = w["lon"].notna() & w["lat"].notna()
    x, y = to_metric(w["lon"].fillna(0).to_numpy(float), w["lat"].fillna(0).to_numpy(float))
    pts = shapely.points(np.asarray(x), np.asarray(y))
    metric_zones = zones.copy()
    if not zones.empty:
        metric_zones["geometry"] = [
            geometry_to_metric(shapely.geometry.shape(json.loads(g))) for g in zones["geometry"]
        ]
    score = np.zeros(n, dtype=int)
    # Each well's reasons, "；"-joined in the order the rules apply (kept as arrays: a list per
    # well costs a province's ledger page a garbage collection over its whole heap).
    reasons = np.full(n, "", dtype=object)
    loc = located.to_numpy()

    def add(mask: np.ndarray, points: int, why: str | np.ndarray, anywhere: bool = False) -> None:
        hit = mask if anywhere else mask & loc
        score[hit] += points
        text = why[hit] if isinstance(why, np.ndarray) else why
        reasons[hit] = reasons[hit] + "；" + text + f"（+{points}）"

    def inside(kinds: tuple[str, ...]) -> np.ndarray:
        """Wells strictly inside any zone of these kinds (one spatial-index query)."""
        hit = np.zeros(n, dtype=bool)
        shapes = metric_zones.loc[metric_zones["kind"].isin(kinds), "geometry"].to_numpy()
        if len(shapes):
            found, _ = shapely.STRtree(shapes).query(pts, predicate="within")
            hit[found] = True
        return hit

    if not zones.empty and n:
        core = inside((ZoneKind.FIRST.value, ZoneKind.SECOND.value))
        add(core, rules.core_zone, "位于饮用水水源一级/二级保护区")
        add(inside((ZoneKind.QUASI.value,)) & ~core, rules.quasi_zone, "位于水源准保护区")
        add(inside((ZoneKind.RECHARGE.value,)), rules.recharge_zone, "位于水源补给区")
    none = pd.Series(dtype=float)
    d_src = _nearest_m(pts, pollution.get("lon", none), pollution.get("lat", none),
                       rules.source_far_m)  # fmt: skip
    add(d_src <= rules.source_near_m, rules.source_near,
        f"{rules.source_near_m:.0f} m 内有污染源")  # fmt: skip
    add((d_src > rules.source_near_m) & (d_src <= rules.source_far_m), rules.source_far,
        f"{rules.source_far_m:.0f} m 内有污染源")  # fmt: skip
    depth = w["depth_m"].fillna(0).to_numpy(float)
    depth_text = np.array([f"井深 {d:.0f} m，可能穿越多个含水层" for d in depth], dtype=object)
    add(depth >= rules.deep_m, rules.deep, depth_text, anywhere=True)
    text = w["abandon_reason"].fillna("") + " " + w["note"].fillna("")
    words = "|".join(re.escape(word) for word in rules.cross_layer_words)
    crossed = text.str.contains(words, regex=True).to_numpy(bool) if words else np.zeros(n, bool)
    add(crossed, rules.cross_layer, f"{CROSS_LAYER}（见废弃原因或备注）", anywhere=True)
    add(~w["owner_known"].astype(bool).to_numpy(), rules.owner_unknown,
        OWNER_UNKNOWN_DUTY, anywhere=True)  # fmt: skip
    if not latest_classes.empty:
        near_v = np.zeros(n, dtype=bool)
        for cls, pts_ in ((5, rules.class_v_near), (4, rules.class_iv_near)):
            poor = latest_classes[latest_classes["quality_class"] == cls]
            d = _nearest_m(pts, poor["lon"], poor["lat"], rules.quality_radius_m)
            near = d <= rules.quality_radius_m
            if cls == 5:
                near_v = near & loc
            else:
                near &= ~near_v
            add(
                near,
                pts_,
                f"{rules.quality_radius_m:.0f} m 内监测点位现为{QualityClass(cls).label}",
            )
    level = np.where(score >= rules.high, "高", np.where(score >= rules.medium, "中", "低"))
    out = pd.DataFrame(
        {
            "code": w["code"],
            "township": w["township"],
            "status": w["status"],
            "score": score,
            "level": level,
            "reasons": [r[1:] if r else "无加分因素" for r in reasons],
        }
    )
    return out.sort_values(["score", "code"], ascending=[False, True]).reset_index(drop=True)


def before_after(
    lon: float,
    lat: float,
    sealed_on: dt.date,
    points: pd.DataFrame,
    samples: pd.DataFrame,
    radius_m: float = 1000.0,
) -> pd.DataFrame:
    """Monitoring points within ``radius_m`` of a sealed well: the last graded sample before
    ``sealed_on`` and the latest after it — class and limiting indicators (定类指标) of each.

    Columns: point, distance_m, date_before, class_before, limiting_before, date_after,
    class_after, limiting_after, change ("改善" / "变差" / "不变" / "" when one side is missing).
    """
    cols = [
        "point", "distance_m", "date_before", "class_before", "limiting_before",
        "date_after", "class_after", "limiting_after", "change",
    ]  # fmt: skip
    if points.empty:
        return pd.DataFrame(columns=cols)
    wx, wy = to_metric(lon, lat)
    px, py = to_metric(points["lon"].to_numpy(float), points["lat"].to_numpy(float))
    dist = np.hypot(np.asarray(px) - wx, np.asarray(py) - wy)
    near = points.assign(distance_m=dist)[dist <= radius_m]
    s = samples[samples["point"].isin(near["code"]) & (graded(samples["quality_class"]))]
    s = s.assign(date=pd.to_datetime(s["date"]))
    cut = pd.Timestamp(sealed_on)
    rows = []
    for _, p in near.sort_values("distance_m").iterrows():
        mine = s[s["point"] == p["code"]].sort_values("date")
        before, after = mine[mine["date"] < cut].tail(1), mine[mine["date"] >= cut].tail(1)
        b = before.iloc[0] if len(before) else None
        a = after.iloc[0] if len(after) else None
        change = ""
        if b is not None and a is not None:
            diff = int(a["quality_class"]) - int(b["quality_class"])
            change = "改善" if diff < 0 else ("变差" if diff > 0 else "不变")
        rows.append(
            {
                "point": p["code"],
                "distance_m": round(float(p["distance_m"])),
                "date_before": b["date"].date() if b is not None else None,
                "class_before": int(b["quality_class"]) if b is not None else None,
                "limiting_before": b.get("limiting", "") if b is not None else "",
                "date_after": a["date"].date() if a is not None else None,
                "class_after": int(a["quality_class"]) if a is not None else None,
                "limiting_after": a.get("limiting", "") if a is not None else "",
                "change": change,
            }
        )
    return pd.DataFrame(rows, columns=cols)
