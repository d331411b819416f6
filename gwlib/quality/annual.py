"""Water-quality summaries: annual classes, shares, changes, targets, completeness, exceedances.

All inputs are frames the store returns (already graded), so nothing here re-grades.

Annual class (年度类别) of a point: the worst class among the year's graded samples (of one 水期
when a period is chosen). A point with no graded sample in the year has no annual class and is
listed as 未监测, never counted as good.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gwlib.quality.classes import QualityClass, graded
from gwlib.quality.grading import exceedance
from gwlib.quality.model import NOT_AMBIENT, FrequencyRule, PointPurpose
from gwlib.quality.standards import StandardSet

CHANGE_BETTER, CHANGE_SAME, CHANGE_WORSE, CHANGE_NEW = "变好", "稳定", "变差", "无上年数据"
#: Year-over-year change categories in display order.
CHANGES = (CHANGE_BETTER, CHANGE_SAME, CHANGE_WORSE, CHANGE_NEW)
GROUPS = {"Ⅰ–Ⅲ类": (1, 2, 3), "Ⅳ类": (4,), "Ⅴ类": (5,)}


@dataclass(frozen=True)
class QualityFilter:
    """Filters shared by the quality pages. Empty tuples mean "all"."""

    categories: tuple[str, ...] = ()
    townships: tuple[str, ...] = ()
    aquifers: tuple[str, ...] = ()
    period: str = ""  # "" = every 水期
    purposes: tuple[str, ...] = ()  # 监测用途

    def points(self, points: pd.DataFrame) -> pd.DataFrame:
        p = points
        if self.categories:
            p = p[p["category"].isin(self.categories)]
        if self.purposes:
            p = p[p["purpose"].isin(self.purposes)]
        if self.townships:
            p = p[p["township"].isin(self.townships)]
        if self.aquifers:
            p = p[p["aquifer"].isin(self.aquifers)]
        return p

    def samples(self, samples: pd.DataFrame) -> pd.DataFrame:
        s = self.points(samples)
        if self.period:
            s = s[s["period"] == self.period]
        return s

    def annual(self, annual: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``annual`` (:func:`annual_classes` of every point's samples of this
        filter's 水期) for the points this filter selects: equal to ``annual_classes`` of
        :meth:`samples`, since a point's annual class depends on its own samples only."""
        return self.points(annual).reset_index(drop=True)


def _joined_codes(point: pd.Series, year: pd.Series, codes: pd.Series) -> pd.Series:
    """Per (point, year): the ``;``-joined codes of its rows, each once, in order of first
    appearance (one plain loop: a pandas aggregation per group took a second at province
    scale)."""
    acc: dict[tuple[Any, int], dict[str, None]] = {}
    for key, text in zip(zip(point.tolist(), year.tolist(), strict=True), codes.tolist(),
                         strict=True):  # fmt: skip
        seen = acc.setdefault(key, {})
        for c in text.split(";"):
            if c:
                seen[c] = None
    index = pd.MultiIndex.from_tuples(list(acc), names=["point", "year"])
    return pd.Series([";".join(v) for v in acc.values()], index=index, name="limiting")


def annual_classes(samples: pd.DataFrame) -> pd.DataFrame:
    """One row per point × year, ordered by point and year: ``quality_class`` (worst of the
    year), ``limiting`` (codes at that class, from the samples at it), ``n_samples``, plus the
    point's attributes. Points whose samples are not the aquifer's water (回灌, 地热尾水:
    :data:`gwlib.quality.model.NOT_AMBIENT`) have none: every groundwater figure leaves them out."""
    keep = graded(samples["quality_class"])
    if "purpose" in samples.columns:
        keep &= ~samples["purpose"].isin(NOT_AMBIENT)
    s = samples[keep].copy()
    cols = [
        "point",
        "year",
        "quality_class",
        "limiting",
        "n_samples",
        "date",
        "point_name",
        "category",
        "purpose",
        "township",
        "aquifer",
        "target_class",
        "frequency",
    ]
    if s.empty:
        return pd.DataFrame(columns=cols)
    s["year"] = pd.to_datetime(s["date"]).dt.year
    worst = s.groupby(["point", "year"])["quality_class"].transform("max")
    top = s[s["quality_class"] == worst]
    limiting = _joined_codes(top["point"], top["year"], top["limiting"])
    last = top.sort_values("date").groupby(["point", "year"]).tail(1).set_index(["point", "year"])
    out = last.drop(columns=["limiting"]).join(limiting)
    out["n_samples"] = s.groupby(["point", "year"]).size()
    return out.sort_index().reset_index()[cols]  # by point and year, whatever the input order


def class_share_by_year(annual: pd.DataFrame) -> pd.DataFrame:
    """Points per class per year with share (%): the USGS-style picture of change."""
    if annual.empty:
        return pd.DataFrame(columns=["year", "quality_class", "label", "points", "share"])
    counts = annual.groupby(["year", "quality_class"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(1, 6), fill_value=0)
    share = counts.div(counts.sum(axis=1), axis=0) * 100
    points = counts.stack()
    out = pd.DataFrame({"points": points, "share": share.stack()}).reset_index()
    out["label"] = out["quality_class"].map(lambda c: QualityClass(c).label)
    return out[["year", "quality_class", "label", "points", "share"]]


def share_of(annual_year: pd.DataFrame, classes: tuple[int, ...]) -> float:
    """Share (%) of the points with an annual class whose class is one of ``classes``; 0 when
    no point has one (points not monitored count in no share)."""
    n = len(annual_year)
    return float(annual_year["quality_class"].isin(classes).sum() * 100 / n) if n else 0.0


def v_share(annual_year: pd.DataFrame) -> float:
    """Ⅴ类点位占比 (%): the one definition every page, metric, brief and CLI quotes."""
    return share_of(annual_year, GROUPS["Ⅴ类"])


def group_shares(annual_year: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Shares (%) of Ⅰ–Ⅲ / Ⅳ / Ⅴ, overall or per ``by`` (e.g. ``category``)."""
    a = annual_year.assign(_all="全部") if by is None else annual_year
    key = "_all" if by is None else by
    rows = []
    for name, g in a.groupby(key, sort=True):
        n = len(g)
        row: dict[str, object] = {"group": name, "points": n}
        for label, classes in GROUPS.items():
            row[label] = share_of(g, classes)
        rows.append(row)
    return pd.DataFrame(rows, columns=["group", "points", *GROUPS])


def target_status(
    annual_year: pd.DataFrame, measurements: pd.DataFrame, standard: StandardSet
) -> pd.DataFrame:
    """Each point's annual class against its target, with limiting indicators and 超标倍数.

    ``measurements`` are the stored measurements (any range); only the samples that set each
    point's annual class are used for the exceedance figures.
    """
    a = annual_year.copy()
    a["meets_target"] = a["quality_class"] <= a["target_class"]
    is_drinking = a["purpose"] == PointPurpose.DRINKING.value
    a["meets_iii"] = a["quality_class"] <= QualityClass.III
    a["limiting_names"] = a["limiting"].map(standard.limiting_names)
    ex = limiting_exceedances(a, measurements, standard)
    a = a.merge(ex, on=["point", "year"], how="left")
    a["detail"] = a["detail"].fillna("")
    a["drinking_source"] = is_drinking.to_numpy()
    return a


def limiting_exceedances(
    annual: pd.DataFrame, measurements: pd.DataFrame, standard: StandardSet
) -> pd.DataFrame:
    """For each point-year, the limiting indicators with value and 超标倍数 vs Ⅲ and vs target,
    as one readable string ``detail``."""
    if annual.empty or measurements.empty:
        return pd.DataFrame(columns=["point", "year", "detail"])
    m = measurements.assign(year=pd.to_datetime(measurements["date"]).dt.year)
    m = m.merge(
        annual[["point", "year", "quality_class", "limiting", "target_class"]].rename(
            columns={"quality_class": "annual_class"}
        ),
        on=["point", "year"],
    )
    m = m[(m["quality_class"] == m["annual_class"]) & (m["annual_class"] > 1)]
    m = m[[c in lim.split(";") for c, lim in zip(m["indicator_code"], m["limiting"], strict=True)]]
    if m.empty:
        return pd.DataFrame(columns=["point", "year", "detail"])
    m = m.sort_values("value", ascending=False).drop_duplicates(["point", "year", "indicator_code"])
    idx = indicator_index(standard, m["indicator_code"])
    ex_target = exceedance(
        standard,
        idx,
        m["value"].to_numpy(dtype=float),
        m["censored"].to_numpy(dtype=bool),
        m["target_class"].to_numpy(),
    )
    m = m.assign(ex_target=ex_target, name=[standard.indicators[i].name for i in idx])
    m["text"] = [
        _exceedance_text(n, v, u, e3, et)
        for n, v, u, e3, et in zip(
            m["name"], m["value"], m["unit"], m["exceedance"], m["ex_target"], strict=True
        )
    ]
    out = m.groupby(["point", "year"])["text"].agg("；".join).rename("detail").reset_index()
    return out


def _exceedance_text(name: str, value: float, unit: str, ex_iii: float, ex_target: float) -> str:
    extras = [
        f"{label} {x:.2f} 倍"
        for label, x in (("超Ⅲ类", ex_iii), ("超目标", ex_target))
        if pd.notna(x)
    ]
    return f"{name} {value:.4g} {unit}" + (f"（{'，'.join(extras)}）" if extras else "")


def indicator_index(standard: StandardSet, codes: pd.Series) -> np.ndarray:
    """Indices into ``standard.indicators`` for indicator codes (-1 when not in the standard)."""
    lookup = {i.code: n for n, i in enumerate(standard.indicators)}
    return np.array([lookup.get(c, -1) for c in codes], dtype=np.int64)


def year_over_year(annual: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per point: class in ``year`` vs the previous year, and 变好/稳定/变差."""
    cur = annual[annual["year"] == year][["point", "quality_class"]]
    prev = annual[annual["year"] == year - 1][["point", "quality_class"]]
    m = cur.merge(prev, on="point", how="left", suffixes=("", "_prev"))
    m["change"] = np.select(
        [
            m["quality_class_prev"].isna(),
            m["quality_class"] < m["quality_class_prev"],
            m["quality_class"] > m["quality_class_prev"],
        ],
        [CHANGE_NEW, CHANGE_BETTER, CHANGE_WORSE],
        CHANGE_SAME,
    )
    return m


def annual_class_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Point-years whose annual class differs between two :func:`annual_classes` frames (an
    import or a withdrawal in between): point, point_name, year, ``old_class`` and ``new_class``
    (0 = no annual class on that side), sorted by point and year."""
    cols = ["point", "year", "quality_class"]
    m = before[cols].merge(
        after[cols], on=["point", "year"], how="outer", suffixes=("_old", "_new")
    )
    m = m.fillna({"quality_class_old": 0, "quality_class_new": 0})
    m = m[m["quality_class_old"] != m["quality_class_new"]]
    names = pd.concat([before, after])[["point", "point_name"]].drop_duplicates("point")
    out = m.merge(names, on="point", how="left").rename(
        columns={"quality_class_old": "old_class", "quality_class_new": "new_class"}
    )
    out[["old_class", "new_class"]] = out[["old_class", "new_class"]].astype("int64")
    return out[["point", "point_name", "year", "old_class", "new_class"]].sort_values(
        ["point", "year"], ignore_index=True
    )


def class_change_ledger(annual: pd.DataFrame, standard: StandardSet) -> pd.DataFrame:
    """Per point and year: class vs the previous year and the indicators that moved it.

    Worse: every indicator limiting now (each rose above the old class). Better: every indicator
    that was limiting the year before (each fell below its old class).
    """
    a = annual.sort_values(["point", "year"]).copy()
    g = a.groupby("point")
    a["prev_year"] = g["year"].shift()
    a["prev_class"] = g["quality_class"].shift()
    a["prev_limiting"] = g["limiting"].shift().fillna("")
    a = a[a["prev_class"].notna() & (a["prev_year"] == a["year"] - 1)]
    a = a[a["quality_class"] != a["prev_class"]]
    worse = a["quality_class"] > a["prev_class"]
    codes = np.where(worse, a["limiting"], a["prev_limiting"])
    a["change"] = np.where(worse, CHANGE_WORSE, CHANGE_BETTER)
    a["driver"] = [standard.limiting_names(x) for x in codes]
    a["prev_class"] = a["prev_class"].astype(int)
    return a[
        [
            "point",
            "point_name",
            "township",
            "year",
            "prev_class",
            "quality_class",
            "change",
            "driver",
        ]
    ].sort_values(["year", "point"], ascending=[False, True])


def completeness(
    points: pd.DataFrame, samples: pd.DataFrame, year: int, period: str = ""
) -> pd.DataFrame:
    """到报率 per point for ``year``: samples received vs expected by the point's frequency rule.

    - Points whose 状态 is 停用 or 已废弃 are not expected, and are not listed.
    - A rule's expected samples are slots (:meth:`FrequencyRule.slot`): 丰枯各1次 one in 丰水期
      and one in 枯水期; 每年1次 one in 枯水期; 每季度1次 one per quarter; 逢单月1次 one per odd
      month; 每月1次 one per month. A sample fills at most one slot; a second in the same slot,
      or one in a slot the rule does not have (a 丰水期 sample for 每年1次, an even month for
      逢单月), does not count. A sample with no 水期 recorded fills an open seasonal slot.
    - With a ``period`` chosen, one sample of that 水期 is expected from each point whose rule
      asks for it (a seasonal rule without it is not listed), and from every calendar-rule point.

    Points with no sample are listed with 0 received.
    """
    p = points
    if "status" in p.columns:
        p = p[~p["status"].isin(["停用", "已废弃"])]
    if period:
        asks = [not (r := FrequencyRule(f)).periods or period in r.periods for f in p["frequency"]]
        p = p[asks]
    p = p[["code", "name", "category", "township", "frequency"]].rename(
        columns={"code": "point", "name": "point_name"}
    )
    rules = [FrequencyRule(f) for f in p["frequency"]]
    s = samples[pd.to_datetime(samples["date"]).dt.year == year]
    if period:
        s = s[s["period"] == period]
    rule_of = dict(zip(p["point"], rules, strict=True))
    filled: dict[str, set[str]] = {}
    blank: dict[str, int] = {}
    months = pd.to_datetime(s["date"]).dt.month
    for point, month, per in zip(s["point"], months, s["period"].fillna(""), strict=True):
        rule = rule_of.get(point)
        if rule is None:
            continue
        slot = "any" if period else rule.slot(int(month), str(per))
        if slot == "":
            blank[point] = blank.get(point, 0) + 1
        elif slot is not None:
            filled.setdefault(point, set()).add(slot)
    expected = [1 if period else rule_of[c].per_year for c in p["point"]]
    received = [
        min(len(filled.get(c, ())) + blank.get(c, 0), e)
        for c, e in zip(p["point"], expected, strict=True)
    ]
    p = p.assign(expected=expected, received=received)
    p["rate"] = p["received"] / p["expected"] * 100
    p["status"] = np.where(
        p["received"] == 0, "未监测", np.where(p["received"] < p["expected"], "不完整", "完整")
    )
    return p.reset_index(drop=True)


def exceedance_table(
    measurements: pd.DataFrame, points: pd.DataFrame, standard: StandardSet
) -> pd.DataFrame:
    """Every measurement worse than Ⅲ or than its point's target, with 超标倍数 vs both; the
    groundwater's only (回灌 and 地热尾水 water is judged by its requirement, not here)."""
    if "purpose" in points.columns:
        points = points[~points["purpose"].isin(NOT_AMBIENT)]
    m = measurements[measurements["indicator_code"] != ""].merge(
        points[["code", "name", "target_class", "township"]].rename(
            columns={"code": "point", "name": "point_name"}
        ),
        on="point",
    )
    m = m[(m["quality_class"] > QualityClass.III) | (m["quality_class"] > m["target_class"])]
    idx = indicator_index(standard, m["indicator_code"])
    ex_t = exceedance(
        standard,
        idx,
        m["value"].to_numpy(dtype=float),
        m["censored"].to_numpy(dtype=bool),
        m["target_class"].to_numpy(),
    )
    return (
        pd.DataFrame(
            {
                "point": m["point"].to_numpy(),
                "point_name": m["point_name"].to_numpy(),
                "township": m["township"].to_numpy(),
                "date": m["date"].to_numpy(),
                "indicator": [standard.indicators[i].name for i in idx],
                "value": m["value"].to_numpy(),
                "qualifier": m["qualifier"].to_numpy(),
                "unit": m["unit"].to_numpy(),
                "quality_class": m["quality_class"].to_numpy(),
                "target_class": m["target_class"].to_numpy(),
                "exceedance_iii": m["exceedance"].to_numpy(),
                "exceedance_target": ex_t,
            }
        )
        .sort_values(["date", "point"], ascending=[False, True])
        .reset_index(drop=True)
    )
