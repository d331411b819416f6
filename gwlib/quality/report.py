"""The single-point report (单点报告) and the indicator matrix: each point's latest class per
indicator with its trend, the class bands of an indicator for a series chart, and one point's
samples, series, limiting indicators and exceedances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gwlib.quality.classes import QualityClass, graded
from gwlib.quality.standards import StandardSet


def indicator_matrix(
    samples: pd.DataFrame, measurements: pd.DataFrame, trends: pd.DataFrame, standard: StandardSet
) -> pd.DataFrame:
    """Point × indicator at each point's latest sampling: class, value and trend category.

    One row per (point, indicator) with ``quality_class``, ``value``, ``unit``, ``censored``,
    ``date`` and the stored trend statistics (``category``, ``s``, ``p``, ``tau``, ``slope``,
    ``n``); GWSDAT's traffic-light matrix with trend arrows.
    """
    s = samples[graded(samples["quality_class"])]
    if s.empty:
        return pd.DataFrame()
    latest = s.sort_values("date").groupby("point").tail(1)[["point", "date"]]
    m = measurements[measurements["indicator_code"] != ""].merge(latest, on=["point", "date"])
    m = m.assign(indicator=m["indicator_code"].map(standard.names))
    t = trends[["point", "indicator_code", "category", "n", "s", "p", "tau", "slope"]]
    return m.merge(t, on=["point", "indicator_code"], how="left")[
        [
            "point",
            "indicator_code",
            "indicator",
            "date",
            "value",
            "unit",
            "qualifier",
            "censored",
            "quality_class",
            "category",
            "n",
            "s",
            "p",
            "tau",
            "slope",
        ]
    ]


def notable_indicators(matrix: pd.DataFrame, worse_than: int = QualityClass.II) -> pd.DataFrame:
    """Rows of indicators that are worse than ``worse_than`` at one point at least."""
    keep = matrix.groupby("indicator_code")["quality_class"].transform("max") > worse_than
    return matrix[keep]


TREND_ARROWS = {
    "上升": "↑",
    "可能上升": "↗",
    "稳定": "→",
    "无趋势": "·",
    "可能下降": "↘",
    "下降": "↓",
    "数据不足": "?",
}


def class_limits(standard: StandardSet, code: str) -> list[tuple[int, float, float]]:
    """(class, lower, upper) value bands of an upper-bound indicator, for chart backgrounds.

    Empty for pH and qualitative indicators; bands of tied classes are merged into the better one.
    """
    ind = next(i for i in standard.indicators if i.code == code)
    if ind.kind != "upper":
        return []
    bands, lower = [], 0.0
    for k, hi in enumerate(ind.hi, start=1):
        if hi > lower:
            bands.append((k, lower, hi))
            lower = hi
    if np.isfinite(lower):
        bands.append((5, lower, np.inf))
    return bands


@dataclass(frozen=True)
class PointReport:
    """One point's report: its series, stored trend statistics, samples and water levels."""

    point: str
    standard: StandardSet
    measurements: pd.DataFrame
    samples: pd.DataFrame
    trends: pd.DataFrame

    @property
    def indicators(self) -> list[str]:
        """Indicator codes with data, in the standard's order."""
        present = set(self.measurements["indicator_code"])
        return [i.code for i in self.standard.indicators if i.code in present]

    @property
    def limiting(self) -> list[str]:
        """Codes limiting the latest graded sample."""
        s = self.samples[graded(self.samples["quality_class"])]
        if s.empty:
            return []
        return [c for c in str(s.sort_values("date")["limiting"].iloc[-1]).split(";") if c]

    def headline(self, target_class: int | None) -> str:
        """The report's first line: the latest graded sample's date and class against the
        point's target, and each limiting indicator's value with its multiple over Ⅲ."""
        s = self.samples[graded(self.samples["quality_class"])]
        if s.empty:
            return "尚无评价结果"
        last = s.sort_values("date").iloc[-1]
        cls = QualityClass(int(last["quality_class"]))
        text = f"最新采样 {str(last['date'])[:10]}：**{cls.label}**"
        if target_class:
            target = QualityClass(int(target_class))
            verdict = "达标" if cls <= target else "未达标"
            text += f"（目标 {target.label}，{verdict}）"
        m = self.measurements
        m = m[(m["date"].astype(str).str[:10] == str(last["date"])[:10])
              & m["indicator_code"].isin(self.limiting)]  # fmt: skip
        parts = []
        for r in m.to_dict("records"):
            value = f"{r['value']:g} {self.unit_of(r['indicator_code'])}".strip()
            ex = r.get("exceedance")
            over = f"，超Ⅲ类 {ex:.2f} 倍" if ex is not None and ex == ex and ex > 0 else ""
            parts.append(f"{self.name_of(r['indicator_code'])} {value}{over}")
        if parts:
            text += "；定类指标：" + "、".join(parts)
        return text

    @property
    def has_water_level(self) -> bool:
        return bool(self.samples["water_level_m"].notna().any())

    def class_and_level(self) -> pd.DataFrame:
        """水质与水位同步评价: per year and 水期, the worst class and the mean, shallowest and
        deepest 水位埋深 (m) of the samples that carry one — the two side by side."""
        period = self.samples["period"].fillna("").replace("", "未注明")
        s = self.samples.assign(year=pd.to_datetime(self.samples["date"]).dt.year, period=period)
        s = s[graded(s["quality_class"])]
        if s.empty:
            return pd.DataFrame(columns=["year", "period", "samples", "quality_class",
                                         "level_mean", "level_min", "level_max"])  # fmt: skip
        level = pd.to_numeric(s["water_level_m"], errors="coerce")
        g = s.assign(level=level).groupby(["year", "period"], sort=True)
        out = g.agg(samples=("quality_class", "size"), quality_class=("quality_class", "max"),
                    level_mean=("level", "mean"), level_min=("level", "min"),
                    level_max=("level", "max")).reset_index()  # fmt: skip
        return out.round({"level_mean": 2, "level_min": 2, "level_max": 2})

    def name_of(self, code: str) -> str:
        return self.standard.names.get(code, code)

    def unit_of(self, code: str) -> str:
        return next((i.unit for i in self.standard.indicators if i.code == code), "")

    def series_of(self, code: str) -> tuple[pd.DataFrame, pd.Series | None]:
        series = self.measurements[self.measurements["indicator_code"] == code]
        t = self.trends[self.trends["indicator_code"] == code]
        return series.sort_values("date"), (t.iloc[0] if len(t) else None)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Tables for export, as the page shows them: Chinese headers with units, classes as
        Ⅰ–Ⅴ, dates as dates, statistics rounded, and the point's name and target first."""
        names = self.standard.names
        m, s, t = self.measurements, self.samples, self.trends
        first = s.iloc[-1] if len(s) else None
        point = pd.DataFrame(
            {
                "点位编码": [self.point],
                "点位名称": [first["point_name"] if first is not None else ""],
                "点位类别": [first["category"] if first is not None else ""],
                "监测用途": [first.get("purpose", "") if first is not None else ""],
                "乡镇": [first["township"] if first is not None else ""],
                "目标类别": [_roman(first["target_class"]) if first is not None else ""],
                "最近一次采样": [_date(first["date"]) if first is not None else None],
                "最近水质类别": [_roman(first["quality_class"]) if first is not None else ""],
                "定类指标": [self.standard.limiting_names(first["limiting"])
                             if first is not None else ""],
            }
        )  # fmt: skip
        data = pd.DataFrame(
            {
                "采样日期": m["date"].map(_date),
                "水期": m["period"],
                "指标": m["indicator_code"].map(names),
                "监测值": m["value"],
                "限定符": m["qualifier"],
                "单位": m["unit"],
                "水质类别": m["quality_class"].map(_roman),
                "超Ⅲ类倍数（倍）": _num(m["exceedance"]).round(2),
                "原始记录值": m["raw_value"],
            }
        )
        trend = pd.DataFrame(
            {
                "指标": t["indicator_code"].map(names),
                "样本数（个）": t["n"],
                "未检出数（个）": t["n_nd"],
                "S": t["s"],
                "Var(S)": _num(t["var_s"]).round(1),
                "Z": _num(t["z"]).round(3),
                "p": _num(t["p"]).round(4),
                "Kendall τ": _num(t["tau"]).round(3),
                "Sen 斜率（单位/年）": t["slope"].map(_sig4),
                "变异系数": _num(t["cov"]).round(3),
                "趋势": t["category"],
            }
        )
        samples = pd.DataFrame(
            {
                "采样日期": s["date"].map(_date),
                "水期": s["period"],
                "水质类别": s["quality_class"].map(_roman),
                "定类指标": s["limiting"].map(self.standard.limiting_names),
                "水位埋深（m）": _num(s["water_level_m"]).round(2),
            }
        )
        out = {"点位": point, "样品": samples, "监测值": data, "趋势统计": trend}
        if self.has_water_level:
            sync = self.class_and_level()
            out["水质与水位"] = pd.DataFrame({
                "年度": sync["year"], "水期": sync["period"], "采样（次）": sync["samples"],
                "水质类别（最差）": sync["quality_class"].map(_roman),
                "平均水位埋深（m）": sync["level_mean"], "最浅（m）": sync["level_min"],
                "最深（m）": sync["level_max"],
            })  # fmt: skip
        return out


def _num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _roman(value: object) -> str:
    """A stored class 1–5 as Ⅰ–Ⅴ (0 or empty: not graded → "")."""
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    return QualityClass(n).roman if 1 <= n <= 5 else ""


def _date(value: object) -> object:
    d = pd.to_datetime(str(value), errors="coerce") if value is not None else pd.NaT
    return None if pd.isna(d) else d.date()


def _sig4(value: object) -> float:
    x = float(value)  # type: ignore[arg-type]
    return float(f"{x:.4g}") if np.isfinite(x) else np.nan


def point_report(
    measurements: pd.DataFrame,
    samples: pd.DataFrame,
    trends: pd.DataFrame,
    standard: StandardSet,
    point: str,
) -> PointReport:
    m = measurements[(measurements["point"] == point) & (measurements["indicator_code"] != "")]
    return PointReport(
        point=point,
        standard=standard,
        measurements=m.sort_values(["indicator_code", "date"]),
        samples=samples[samples["point"] == point].sort_values("date"),
        trends=trends[trends["point"] == point],
    )
