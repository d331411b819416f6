"""Quality-control samples (质控样): 平行样 and blanks, kept apart from the routine samples.

A lab sheet may carry, beside a point's routine sample (常规样), a parallel sample (平行样) taken at
the same point and day, and blanks (现场空白, 运输空白). A 样品类型 column tells them apart (what
people write there: ``data/standards/qc_types.csv``) and a 样品编号 names each one. They check the
sampling and the laboratory, not the groundwater: they never enter a sample's class, the annual
classes, trends or 到报率. The import keeps them in a table of their own (``qc_result``,
:mod:`gwlib.store.qc`), and this module reports on them:

* each parallel pair, indicator by indicator: the routine value, the parallel value and their
  relative difference (相对偏差) ``|a − b| / (a + b) × 100 %``; a pair with a non-detect is shown
  as such, without a difference;
* each blank: the indicators detected in it (a blank should hold none).

No acceptance limit for the difference is built in (the limits differ by indicator and
concentration and are the laboratory's method's); :func:`parallel_pairs` flags pairs above a limit
the caller gives.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from gwlib.quality.standards import STANDARDS_DIR, StandardSet
from gwlib.quality.values import ValueToken, same_values

QC_TYPES_FILE = STANDARDS_DIR / "qc_types.csv"
PARALLEL = "平行样"
BLANKS = ("现场空白", "运输空白")
ROUTINE = ""  # 常规样: the sample the figures are made of


def _load() -> dict[str, str]:
    with QC_TYPES_FILE.open(encoding="utf-8", newline="") as f:
        return {row["written"].strip().lower(): row["qc_type"].strip() for row in csv.DictReader(f)}


WRITTEN = _load()
#: The 样品类型 a sheet may give, in the words of the report (常规样 first).
QC_TYPES = ("常规样", PARALLEL, *BLANKS)


def qc_type(text: str) -> str | None:
    """The 样品类型 written in a cell → ``""`` (routine: also an empty cell), 平行样, 现场空白 or
    运输空白; ``None`` when it is none of these."""
    t = text.strip().lower()
    if not t:
        return ROUTINE
    return WRITTEN.get(t)


def relative_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b| / (a + b) × 100 (%); NaN where a + b is not positive."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, np.abs(a - b) / total * 100.0, np.nan)


PAIR_COLUMNS = ["point", "date", "sample_code", "indicator", "unit", "routine", "parallel",
                "rd_pct", "note"]  # fmt: skip


def parallel_pairs(
    routine: pd.DataFrame, parallel: pd.DataFrame, limit_pct: float | None = None
) -> pd.DataFrame:
    """Each parallel measurement beside the routine one of the same point, day and indicator.

    Both frames have ``point``, ``date``, ``indicator_code``, ``value``, ``censored``;
    ``parallel`` also ``sample_code``, ``reported_name`` and ``unit``. Columns of the result:
    :data:`PAIR_COLUMNS` (``rd_pct`` NaN when either value is a non-detect or no routine value
    exists; ``note`` says why, or that the difference is above ``limit_pct``)."""
    if parallel.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    r = routine[["point", "date", "indicator_code", "value", "censored"]].rename(
        columns={"value": "routine", "censored": "routine_nd"}
    )
    p = parallel.rename(columns={"value": "parallel", "censored": "parallel_nd"})
    m = p.merge(r, on=["point", "date", "indicator_code"], how="left")
    nd = m["routine_nd"].fillna(False).astype(bool) | m["parallel_nd"].astype(bool)
    missing = m["routine"].isna()
    rd = relative_difference(m["routine"].to_numpy(float), m["parallel"].to_numpy(float))
    rd = np.round(np.where(nd | missing, np.nan, rd), 1)  # as shown: the flag agrees with it
    both_nd = m["routine_nd"].fillna(False).astype(bool) & m["parallel_nd"].astype(bool)
    note = np.select(
        [missing.to_numpy(), both_nd.to_numpy(), nd.to_numpy()],
        ["无对应的常规样品测定值", "均未检出", "一个未检出，不计算相对偏差"],
        default="",
    ).astype(object)
    if limit_pct is not None:
        over = np.nan_to_num(rd, nan=-1.0) > limit_pct
        note = np.where(over, f"相对偏差超过 {limit_pct:g}%", note)
    out = m.assign(indicator=m["reported_name"], rd_pct=rd, note=note)
    order = ["point", "date", "sample_code", "indicator_code"]
    return out.sort_values(order, ignore_index=True)[PAIR_COLUMNS]


BLANK_COLUMNS = ["point", "date", "sample_code", "qc_type", "indicator", "value", "unit"]


def blank_detections(blanks: pd.DataFrame) -> pd.DataFrame:
    """The measurements of blanks that are not non-detects (a blank should hold none)."""
    if blanks.empty:
        return pd.DataFrame(columns=BLANK_COLUMNS)
    hit = blanks[~blanks["censored"].astype(bool) & (blanks["value"].fillna(0) > 0)]
    order = ["point", "date", "sample_code", "indicator_code"]
    return hit.sort_values(order, ignore_index=True).assign(
        indicator=lambda f: f["reported_name"]
    )[BLANK_COLUMNS]


# -- Planning an import's QC samples (gwlib.quality.results.plan_results) ----------------------

NEW, CHANGED, UNCHANGED = "新增", "修改", "未变"
#: What names one QC sample.
QC_SAMPLE = ["point", "date", "sample_code", "qc_type"]
#: A QC measurement as stored (``qc_result``, with the point's code and the day).
QC_COLUMNS = [*QC_SAMPLE, "indicator_code", "reported_name", "value", "unit", "censored",
              "raw_value", "raw_unit"]  # fmt: skip


def empty_qc() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in QC_COLUMNS})


def empty_qc_samples() -> pd.DataFrame:
    return pd.DataFrame(columns=[*QC_SAMPLE, "status", "measurements"])


def qc_kinds_text(samples: pd.DataFrame) -> str:
    """A plan's QC samples by type, as the preview and the command line say it: 平行样 6 个、…"""
    return "、".join(f"{k} {n} 个" for k, n in samples["qc_type"].value_counts().items())


def qc_measurements(rows: pd.DataFrame, standard: StandardSet) -> pd.DataFrame:
    """The QC rows of a read file (:class:`gwlib.io.lab.MeasurementBatch` frame rows with a
    ``qc_type``) as they will be stored: the standard's code, name and unit where the indicator
    is one of the standard's, else the name and unit the sheet gives."""
    if rows.empty:
        return empty_qc()
    idx = rows["indicator"].to_numpy()
    known = idx >= 0
    pick = np.where(known, idx, 0)
    codes = np.array([i.code for i in standard.indicators], dtype=object)[pick]
    names = np.array([i.name for i in standard.indicators], dtype=object)[pick]
    units = np.array([i.unit for i in standard.indicators], dtype=object)[pick]
    return pd.DataFrame(
        {
            "point": rows["point"].astype(str).to_numpy(),
            "date": pd.to_datetime(rows["date"]).dt.date.to_numpy(),
            "sample_code": rows["sample_code"].astype(str).to_numpy(),
            "qc_type": rows["qc_type"].astype(str).to_numpy(),
            "indicator_code": np.where(known, codes, ""),
            "reported_name": np.where(known, names, rows["indicator_raw"].astype(str).to_numpy()),
            "value": rows["value"].to_numpy(dtype=float),
            "unit": np.where(known, units, rows["raw_unit"].astype(str).to_numpy()),
            "censored": (rows["token"] == ValueToken.NON_DETECT).to_numpy(),
            "raw_value": rows["raw_value"].astype(str).to_numpy(),
            "raw_unit": rows["raw_unit"].astype(str).to_numpy(),
        }
    )


def _key(frame: pd.DataFrame) -> pd.Series:
    """Indicator key of a QC measurement: the standard's code, else the reported name."""
    code = frame["indicator_code"].astype(str)
    return code.where(code != "", "~" + frame["reported_name"].astype(str))


def plan_qc(
    new: pd.DataFrame, stored: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Each QC sample of the file against the stored one (same point, day, 样品编号 and type):
    新增, 未变 (every value the file gives is stored) or 修改. Returns the samples with their
    status, the measurements the new and changed ones will hold (a changed one keeps the stored
    indicators the file does not give) and each changed value old → new."""
    change_cols = [*QC_SAMPLE, "indicator", "old", "new"]
    if new.empty:
        return empty_qc_samples(), empty_qc(), pd.DataFrame(columns=change_cols)
    new = new.assign(key=_key(new))
    old = stored.assign(key=_key(stored)) if len(stored) else stored.assign(key="")
    old_by = {k: g for k, g in old.groupby(QC_SAMPLE, sort=False)} if len(old) else {}
    samples, details, changes = [], [], []
    for k, g in new.groupby(QC_SAMPLE, sort=True):
        prev = old_by.get(k)
        status = NEW
        if prev is not None:
            m = g.merge(prev[["key", "value", "censored", "raw_value"]], on="key", how="left",
                        suffixes=("", "_old"), indicator="_m")  # fmt: skip
            differs = (m["_m"] == "left_only") | ~same_values(m["value"], m["value_old"]) | (
                m["censored"].astype(bool) != m["censored_old"].fillna(m["censored"]).astype(bool)
            )
            status = CHANGED if differs.any() else UNCHANGED
            for r in m[differs].to_dict("records"):
                old_text = "" if r["_m"] == "left_only" else str(r["raw_value_old"])
                changes.append(dict(zip(QC_SAMPLE, k, strict=True))
                               | {"indicator": r["reported_name"], "old": old_text,
                                  "new": str(r["raw_value"])})  # fmt: skip
            if status == CHANGED:  # keep the stored indicators the file does not give
                g = pd.concat([g, prev[~prev["key"].isin(g["key"])]], ignore_index=True)
        samples.append(dict(zip(QC_SAMPLE, k, strict=True))
                       | {"status": status, "measurements": len(g)})  # fmt: skip
        if status != UNCHANGED:
            details.append(g.drop(columns="key")[QC_COLUMNS])
    detail = pd.concat(details, ignore_index=True) if details else empty_qc()
    return pd.DataFrame(samples), detail, pd.DataFrame(changes, columns=change_cols)
