"""Demo QA/QC samples (模拟数据): in the last year, a 平行样 beside some drinking-source samples
and a 现场空白 on two sampling days, written as a lab sheet with 样品编号 and 样品类型 and loaded
through the results import every county uses (so they sit in ``qc_result``, apart from the
samples).

A parallel value is the routine one within a few per cent (one pair of each kind drawn wider, so
the report has something to show); a blank is a non-detect for every indicator except one trace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gwlib.quality.standards import StandardSet
from gwlib.quality.values import ValueToken

QC_FILE = "质控样（模拟数据）.csv"
N_PARALLEL = 6
N_BLANK = 2
INDICATORS = ("氟化物", "硝酸盐（以N计）", "总硬度（以CaCO3计）", "溶解性总固体", "氨氮（以N计）")
HEADER = ["点位编码", "采样日期", "水期", "样品编号", "样品类型", "指标", "监测值", "单位"]


def qc_sheet(
    rng: np.random.Generator, detail: pd.DataFrame, drinking: set[str], standard: StandardSet
) -> pd.DataFrame:
    """The QC lab sheet for the graded demo measurements ``detail`` (point, date, indicator,
    value, token): parallel samples at drinking-source points of the last year, and blanks."""
    names = {i.name: k for k, i in enumerate(standard.indicators)}
    wanted = {names[n] for n in INDICATORS if n in names}
    d = detail[detail["indicator"].isin(wanted) & detail["point"].isin(drinking)
               & (detail["token"] == ValueToken.NUMBER)].copy()  # fmt: skip
    d["day"] = pd.to_datetime(d["date"]).dt.date
    last = max(day.year for day in d["day"])
    days = d.loc[[day.year == last for day in d["day"]], ["point", "day", "period"]]
    days = days.drop_duplicates(["point", "day"]).sort_values(["point", "day"])
    pick = days.iloc[np.sort(rng.choice(len(days), min(N_PARALLEL, len(days)), replace=False))]
    rows: list[list[object]] = []
    chosen = [(str(p), str(day), str(period)) for p, day, period in pick.itertuples(index=False)]
    for n, (point, day, period) in enumerate(chosen, 1):
        spread = 0.25 if n == 1 else 0.04  # one pair drawn wide
        same = d[(d["point"] == point) & (d["day"].astype(str) == day)]
        for code, v in zip(same["indicator"].astype(int), same["value"].astype(float),
                           strict=True):  # fmt: skip
            ind = standard.indicators[code]
            value = v * (1 + rng.normal(0, spread))
            rows.append([point, day, period, f"PX-{last}-{n:02d}", "平行样", ind.name,
                         f"{max(value, 0.0):.4g}", ind.unit])  # fmt: skip
    for n, (point, day, period) in enumerate(chosen[:N_BLANK], 1):
        for k, code in enumerate(sorted(wanted)):
            ind = standard.indicators[code]
            text = "0.02" if (n, k) == (1, 0) else "ND"  # one trace in one blank
            rows.append([point, day, period, f"KB-{last}-{n:02d}", "现场空白", ind.name, text,
                         ind.unit])  # fmt: skip
    return pd.DataFrame(rows, columns=HEADER)
