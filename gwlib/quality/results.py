"""检测结果导入, planned before anything is written: what a file would add, change and leave alone.

The EQuIS way (validate the whole file, show every problem, then load in one go), cell by cell:

1. The file is read by :func:`gwlib.io.lab.read_lab_file` (long or wide sheet); every
   unreadable cell is an issue naming file, row, column and value.
2. A spreadsheet row with any error is rejected whole (a wide row is one sample: it is never
   half-written). Rows of points not in the register are rejected (or the caller registers the
   points first). Two cells for the same point, date and indicator with different values reject
   that sample; the same value twice is one measurement (a warning names the copy).
3. Suspicious values are listed for confirmation, not rejected: pH outside 0–14, a negative
   concentration, a value above 1,000 × the Ⅳ upper limit (the Ⅴ threshold), a sampling date
   after ``today`` or before the point was established.
4. Each sample of the file is compared with the stored one (same point and date): **new**,
   **unchanged** (every value the file gives equals the stored value; indicators the file does
   not give are kept), or **changed** (some value differs or is added; each such measurement is
   listed old → new). A blank cell is "not measured in this file" and never deletes a value.
5. Rows whose 样品类型 names a quality-control sample (平行样, 现场空白, 运输空白) are planned
   apart (:mod:`gwlib.quality.qc`): new / unchanged / changed against the stored QC sample of the
   same point, day, 样品编号 and type. They are never a point's sample (no class, no 到报率), so
   a routine and a parallel sample of one day are not duplicates.

The store writes the plan in one transaction (:mod:`gwlib.store.results`).

Size: about 430 lines, because the steps above share the file's frame and its issue list; the QC
samples' own planning is in :mod:`gwlib.quality.qc`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gwlib.io.lab import MeasurementBatch
from gwlib.io.tables import Issue
from gwlib.quality.assess import SAMPLE_KEYS, Assessment, assess
from gwlib.quality.grading import NonDetectPolicy, comprehensive
from gwlib.quality.qc import QC_SAMPLE, empty_qc, empty_qc_samples, plan_qc, qc_measurements
from gwlib.quality.standards import StandardSet
from gwlib.quality.values import ValueToken, same_values

#: A value this many times the Ⅳ upper limit (the Ⅴ threshold) is listed as suspicious.
SUSPICIOUS_FACTOR = 1000.0
PH_RANGE = (0.0, 14.0)

NEW, CHANGED, UNCHANGED = "新增", "修改", "未变"


@dataclass
class ResultsPlan:
    """What importing one results file would do. Nothing is written until the store commits it.

    ``samples``: one row per sample of the file with ``status`` (新增/修改/未变), ``class`` and
    ``limiting_codes`` after the import. ``detail``: every measurement the new or changed
    samples will hold (for changed samples, the stored measurements the file does not touch are
    included). ``changes``: one row per changed measurement (point, date, indicator, old, new).
    """

    file_name: str
    sha256: str
    standard: StandardSet
    rows_total: int
    rejected_rows: int
    issues: list[Issue]
    suspicious: list[Issue]
    unknown_points: list[str]
    samples: pd.DataFrame
    detail: pd.DataFrame
    changes: pd.DataFrame
    stored_ids: dict[tuple[str, dt.date], int] = field(default_factory=dict)
    #: QC samples of the file (point, date, sample_code, qc_type, status, measurements), the QC
    #: measurements new or changed ones will hold, and each changed QC value old → new.
    qc_samples: pd.DataFrame = field(default_factory=lambda: empty_qc_samples())
    qc_detail: pd.DataFrame = field(default_factory=lambda: empty_qc())
    qc_changes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[*QC_SAMPLE, "indicator", "old", "new"])
    )

    @property
    def counts(self) -> dict[str, int]:
        """Samples new / changed / unchanged."""
        c = self.samples["status"].value_counts() if len(self.samples) else pd.Series(dtype=int)
        return {s: int(c.get(s, 0)) for s in (NEW, CHANGED, UNCHANGED)}

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def class_distribution(self) -> pd.DataFrame:
        """Classes Ⅰ–Ⅴ (and 0 = nothing graded) of the new and changed samples."""
        s = self.samples[self.samples["status"] != UNCHANGED]
        counts = s["class"].value_counts().reindex(range(6), fill_value=0)
        return pd.DataFrame({"quality_class": counts.index, "samples": counts.to_numpy()})


def _key_frame(frame: pd.DataFrame) -> pd.Series:
    """Indicator key of each measurement: the standard's index, else the reported name."""
    return pd.Series(
        np.where(
            frame["indicator"].to_numpy() >= 0,
            frame["indicator"].astype("str").to_numpy(),
            "~" + frame["indicator_raw"].astype("str").to_numpy(),
        ),
        index=frame.index,
    )


def plan_results(
    batch: MeasurementBatch,
    sha256: str,
    points: pd.DataFrame,
    stored: pd.DataFrame,
    today: dt.date,
    policy: NonDetectPolicy = NonDetectPolicy.DETECTION_LIMIT,
    stored_qc: pd.DataFrame | None = None,
) -> ResultsPlan:
    """Plan the import of ``batch``.

    ``points``: the register (``code``, optional ``established``). ``stored``: the stored
    samples' measurements for the points and dates of the file, as
    :func:`gwlib.store.results.stored_results` returns them; ``stored_qc``: the stored QC
    measurements of those points and dates (:func:`gwlib.store.qc.stored_qc`).
    """
    std = batch.standard
    name = batch.source
    issues = list(batch.issues)
    f = batch.frame
    f = f[f["token"] != ValueToken.BLANK].copy()  # a blank cell is not a measurement
    all_rows = set(f["row"]) | {i.row for i in issues if i.row}
    bad_rows = {i.row for i in issues if i.severity == "error" and i.row}

    # Points not in the register.
    known_points = set(points["code"]) if len(points) else set()
    unknown_mask = ~f["point"].isin(known_points)
    unknown_points = sorted(set(f.loc[unknown_mask, "point"]))
    for row, point in f.loc[unknown_mask, ["row", "point"]].drop_duplicates("row").itertuples(
        index=False
    ):
        issues.append(
            Issue(name, int(row), "点位编码", str(point),
                  "点位编码不在点位登记表中：先导入或登记该点位（点位登记表）")
        )  # fmt: skip
        bad_rows.add(int(row))

    # Quality-control samples (平行样, blanks: gwlib.quality.qc) are planned apart: they are
    # never the point's sample, so a routine and a parallel sample of one day are no duplicate.
    f["key"] = _key_frame(f)
    qc_rows = f[f["qc_type"] != ""]
    f = f[f["qc_type"] == ""]
    f = _without_duplicates(f, ["point", "date"], name, issues, bad_rows)
    qc_rows = _without_duplicates(qc_rows, QC_SAMPLE, name, issues, bad_rows)
    qc_ok = qc_rows[~qc_rows["row"].isin(bad_rows)]
    qc_samples, qc_detail, qc_changes = plan_qc(
        qc_measurements(qc_ok, std), stored_qc if stored_qc is not None else empty_qc()
    )

    ok = f[~f["row"].isin(bad_rows)].reset_index(drop=True)
    result = assess(ok.drop(columns="key"), std, policy)
    suspicious = _suspicious(ok, result, points, today, name)

    samples, detail, changes, ids = _diff(result, stored, std)
    return ResultsPlan(
        file_name=name,
        sha256=sha256,
        standard=std,
        rows_total=len(all_rows),
        rejected_rows=len(bad_rows & all_rows),
        issues=issues,
        suspicious=suspicious,
        unknown_points=unknown_points,
        samples=samples,
        detail=detail,
        changes=changes,
        stored_ids=ids,
        qc_samples=qc_samples,
        qc_detail=qc_detail,
        qc_changes=qc_changes,
    )


def _without_duplicates(
    f: pd.DataFrame, sample: list[str], name: str, issues: list[Issue], bad_rows: set[int]
) -> pd.DataFrame:
    """One row per ``sample`` columns and indicator: the same value twice is one measurement (a
    warning names the copy); different values reject that sample (every row of it)."""
    keys = [*sample, "key"]
    dup = f.duplicated(keys, keep=False)
    if not dup.any():
        return f
    for key, g in f[dup].groupby(keys, sort=False):
        point, date = key[0], key[1]
        vals = set(zip(g["token"], g["value"].round(12).fillna(-1.0), strict=True))
        rows = g["row"].tolist()
        what = str(g["indicator_raw"].iloc[0])
        day = pd.Timestamp(str(date)).date()
        if len(vals) == 1:
            for r in rows[1:]:
                issues.append(Issue(name, int(r), str(g["column"].iloc[0]), what,
                                    f"与第 {rows[0]} 行重复（{point} {day} {what}，"
                                    "值相同）：只计一次", severity="warning"))  # fmt: skip
            continue
        values = "、".join(f"第{r}行={v}" for r, v in zip(rows, g["raw_value"], strict=True))
        codes = sorted({c for c in g["sample_code"] if c})
        hint = (f"；样品编号 {'、'.join(codes)} 不同：其中的平行样或空白请在「样品类型」列注明"
                if len(codes) > 1 and not g["qc_type"].iloc[0] else "")  # fmt: skip
        same = np.ones(len(f), dtype=bool)
        for col, v in zip(sample, key[: len(sample)], strict=True):
            same &= (f[col] == v).to_numpy()
        for r in sorted(set(f.loc[same, "row"])):
            issues.append(Issue(name, int(r), str(g["column"].iloc[0]), what,
                                f"{point} {day} 的{what}在文件中出现多次且数值不同"
                                f"（{values}）：该样品不导入，"
                                f"请核对后保留一个值{hint}"))  # fmt: skip
            bad_rows.add(int(r))
    return f.drop_duplicates(keys, keep="first")


def _suspicious(
    ok: pd.DataFrame, result: Assessment, points: pd.DataFrame, today: dt.date, name: str
) -> list[Issue]:
    std = result.standard
    out: list[Issue] = []
    idx = ok["indicator"].to_numpy()
    value = ok["value"].to_numpy(dtype=np.float64)
    numeric = (ok["token"] == ValueToken.NUMBER).to_numpy()
    ph = np.array([i >= 0 and std.indicators[i].name == "pH" for i in idx], dtype=bool)
    with np.errstate(invalid="ignore"):
        bad_ph = ph & numeric & ((value < PH_RANGE[0]) | (value > PH_RANGE[1]))
        negative = ~ph & numeric & (value < 0)
        safe = np.where(idx >= 0, idx, 0)
        v_limit = std.hi[safe, 3]
        huge = (idx >= 0) & numeric & ~ph & np.isfinite(v_limit) & (v_limit > 0) & (
            value > SUSPICIOUS_FACTOR * v_limit
        )
    checks = (
        (bad_ph, "pH 超出 0–14"),
        (negative, "浓度为负值"),
        (huge, f"超过Ⅴ类界限（Ⅳ类上限）的 {SUSPICIOUS_FACTOR:,.0f} 倍，请核对单位和小数点"),
    )
    for mask, why in checks:
        for r in ok[mask].to_dict("records"):
            day = pd.Timestamp(r["date"]).date()
            out.append(Issue(name, int(r["row"]), str(r["column"]), str(r["raw_value"]),
                             f"{r['point']} {day} {r['indicator_raw']}：{why}",
                             severity="warning"))  # fmt: skip
    dates = pd.to_datetime(ok["date"]).dt.date
    firsts = ok.assign(day=dates).drop_duplicates(["point", "day"])
    for r in firsts[firsts["day"] > today].to_dict("records"):
        out.append(Issue(name, int(r["row"]), "采样日期", str(r["day"]),
                         f"采样日期晚于今天（{today}）", severity="warning"))  # fmt: skip
    if "established" in points.columns:
        est = points.set_index("code")["established"].dropna()
        if len(est):
            since = pd.to_datetime(firsts["point"].map(est), errors="coerce").dt.date
            early = firsts[since.notna() & (firsts["day"] < since)]
            for r in early.to_dict("records"):
                out.append(Issue(name, int(r["row"]), "采样日期", str(r["day"]),
                                 f"采样日期早于点位 {r['point']} 的建井日期 {est[r['point']]}",
                                 severity="warning"))  # fmt: skip
    return sorted(out, key=lambda i: (i.row, i.column))


def _diff(
    result: Assessment, stored: pd.DataFrame, std: StandardSet
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[tuple[str, dt.date], int]]:
    """Samples with their status, the measurements new/changed samples will hold, and the
    changed measurements old → new."""
    new_detail = result.detail.assign(
        date=pd.to_datetime(result.detail["date"]).dt.date, origin="file"
    )
    new_detail["key"] = _key_frame(new_detail)
    samples = result.samples.assign(date=pd.to_datetime(result.samples["date"]).dt.date)
    samples["status"] = NEW
    change_cols = ["point", "date", "indicator", "field", "old", "new"]
    if stored.empty or samples.empty:
        return samples, new_detail, pd.DataFrame(columns=change_cols), {}

    old = stored.assign(date=pd.to_datetime(stored["date"]).dt.date)
    code_index = {i.code: n for n, i in enumerate(std.indicators)}
    old["indicator"] = old["indicator_code"].map(code_index).fillna(-1).astype("int64")
    old["indicator_raw"] = old["reported_name"]
    old["key"] = _key_frame(old)
    ids = {
        (str(p), d): int(i)
        for p, d, i in old[["point", "date", "sample_id"]].drop_duplicates().itertuples(False)
    }
    in_db = pd.Series(
        [(p, d) in ids for p, d in zip(samples["point"], samples["date"], strict=True)],
        index=samples.index,
    )
    m = new_detail.merge(
        old[["point", "date", "key", "value", "qualifier"]].rename(
            columns={"value": "old_value", "qualifier": "old_qualifier"}
        ),
        on=["point", "date", "key"],
        how="left",
        indicator="_m",
    )
    stored_sample = pd.Series(
        [(p, d) in ids for p, d in zip(m["point"], m["date"], strict=True)], index=m.index
    )
    added = stored_sample & (m["_m"] == "left_only")
    differs = (m["_m"] == "both") & (
        ~same_values(m["value"], m["old_value"]) | (m["qualifier"] != m["old_qualifier"])
    )
    changed_rows = m[added | differs]
    names = std.names

    def label(r: pd.Series) -> str:
        return names.get(std.indicators[r["indicator"]].code, "") if r["indicator"] >= 0 else str(
            r["indicator_raw"]
        )

    def shown(value: object, qualifier: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        q = "" if qualifier is None or qualifier != qualifier else str(qualifier)
        return f"{q}{float(value):.10g}"  # type: ignore[arg-type]

    changes = pd.DataFrame(
        [
            {
                "point": r["point"],
                "date": r["date"],
                "indicator": label(r),
                "field": "监测值",
                "old": shown(r["old_value"], r["old_qualifier"]),
                "new": shown(r["value"], r["qualifier"]),
            }
            for _, r in changed_rows.iterrows()
        ],
        columns=change_cols,
    )
    # Sample attributes given by the file (水期, 检测单位, 水位) that differ.
    attr_changes = []
    sold = old.drop_duplicates(["point", "date"]).set_index(["point", "date"])
    for rec in samples[in_db].to_dict("records"):
        prev = sold.loc[(rec["point"], rec["date"])]
        for col, stored_col, label_ in (
            ("period", "period", "水期"),
            ("lab", "lab", "检测单位"),
            ("water_level", "water_level_m", "水位埋深(m)"),
        ):
            new_v = rec.get(col)
            if new_v is None or new_v == "" or (isinstance(new_v, float) and np.isnan(new_v)):
                continue  # the file does not give it: keep the stored one
            old_v = prev[stored_col]
            same = (
                np.isclose(float(new_v), float(old_v))
                if col == "water_level" and old_v == old_v and old_v is not None
                else str(new_v) == str(old_v or "")
            )
            if not same:
                attr_changes.append({"point": rec["point"], "date": rec["date"], "indicator": "",
                                     "field": label_, "old": "" if old_v is None else str(old_v),
                                     "new": str(new_v)})  # fmt: skip
    if attr_changes:
        changes = pd.concat([changes, pd.DataFrame(attr_changes)], ignore_index=True)

    touched = set(zip(changes["point"], changes["date"], strict=True))
    samples.loc[in_db, "status"] = [
        CHANGED if (p, d) in touched else UNCHANGED
        for p, d in zip(samples.loc[in_db, "point"], samples.loc[in_db, "date"], strict=True)
    ]
    # Changed samples hold the stored measurements the file does not give, plus the file's.
    changed = samples[samples["status"] == CHANGED][["point", "date"]]
    keep_old = old.merge(changed, on=["point", "date"]).merge(
        new_detail[["point", "date", "key"]], on=["point", "date", "key"], how="left",
        indicator="_n",
    )  # fmt: skip
    keep_old = keep_old[keep_old["_n"] == "left_only"].drop(columns="_n")
    carried = pd.DataFrame(
        {
            "point": keep_old["point"],
            "date": keep_old["date"],
            "indicator": keep_old["indicator"],
            "indicator_raw": keep_old["reported_name"],
            "value": keep_old["value"],
            "class": keep_old["quality_class"].astype("int64"),
            "censored": keep_old["censored"].astype(bool),
            "exceedance": keep_old["exceedance"],
            "qualifier": keep_old["qualifier"],
            "raw_value": keep_old["raw_value"],
            "raw_unit": keep_old["raw_unit"],
            "origin": "stored",
        }
    )
    live = samples["status"] != UNCHANGED
    keys_live = samples.loc[live, ["point", "date"]]
    detail = pd.concat(
        [new_detail.merge(keys_live, on=["point", "date"]), carried], ignore_index=True
    )
    # Class of each changed sample over all it will hold.
    if len(changed):
        whole = detail.merge(changed, on=["point", "date"])
        regraded = comprehensive(whole, SAMPLE_KEYS, std).reset_index()
        cols = ["class", "limiting", "limiting_codes", "n_graded"]
        s = samples.set_index(SAMPLE_KEYS)
        rg = regraded.set_index(SAMPLE_KEYS)
        s.loc[rg.index, cols] = rg[cols]
        for c, prev_col in (("period", "period"), ("lab", "lab"), ("water_level", "water_level_m")):
            if c not in s.columns:
                continue  # the file has no such column: keep the stored values
            cur = s.loc[rg.index, c].astype(object)
            fill = sold[prev_col].reindex(rg.index).astype(object)
            blank = cur.isna() | (cur.astype("str") == "")
            s[c] = s[c].astype(object)
            s.loc[rg.index, c] = cur.where(~blank, fill).to_numpy()
            if c == "water_level":
                s[c] = pd.to_numeric(s[c], errors="coerce")
            else:
                s[c] = s[c].fillna("").astype("str")
        samples = s.reset_index()
    return samples, detail.drop(columns=["key"], errors="ignore"), changes, ids
