"""The trend tests' input packed one row per sample (:data:`gwlib.store.schema.sample_values`).

A sample's graded measurements that have a value, in measurement order: indicator codes joined
by ``;``, values as little-endian float64, non-detect flags as uint8. :func:`pack_values` makes
the rows from measurement rows as they are written; :func:`unpack_values` turns rows read back
into one long frame, one row per measurement, with no Python object per measurement (categorical
point, indicator and 水期 columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from gwlib.errors import StoreError

VALUE_DTYPE, CENSORED_DTYPE, CODE_SEP = np.dtype("<f8"), np.dtype("u1"), ";"
PACKED_COLUMNS = ["sample_id", "indicator_codes", "value_bytes", "censored_bytes"]
TREND_INPUT_COLUMNS = ["point", "indicator_code", "date", "period", "value", "censored"]


def pack_values(measurements: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``sample_values`` from measurement rows (columns ``sample_id``,
    ``indicator_code``, ``value``, ``censored``)."""
    f = measurements[(measurements["indicator_code"] != "") & measurements["value"].notna()]
    if f.empty:
        return pd.DataFrame(columns=PACKED_COLUMNS)
    sid = f["sample_id"].to_numpy(dtype=np.int64)
    order = np.argsort(sid, kind="stable")
    sid = sid[order]
    codes = f["indicator_code"].to_numpy(dtype=object)[order]
    bad = sorted(c for c in set(codes) if CODE_SEP in c)
    if bad:
        raise StoreError(f"指标编码 {bad[0]} 中不能含有“{CODE_SEP}”")
    values = f["value"].to_numpy(dtype=VALUE_DTYPE)[order]
    censored = f["censored"].to_numpy(dtype=bool)[order].astype(CENSORED_DTYPE)
    cuts = np.flatnonzero(np.diff(sid)) + 1
    bounds = zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(sid)].tolist(), strict=True)
    return pd.DataFrame(
        [
            (int(sid[a]), CODE_SEP.join(codes[a:b]), values[a:b].tobytes(),
             censored[a:b].tobytes())
            for a, b in bounds
        ],
        columns=PACKED_COLUMNS,
    )  # fmt: skip


def _categorical(labels: Sequence[str], per_row: np.ndarray[Any, Any]) -> pd.Series:
    """``per_row`` (indices into ``labels``) as a categorical whose categories are sorted, so
    that sorting by it sorts by the text."""
    cats, inverse = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    codes = np.asarray(inverse, dtype=np.int64)[per_row]
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(cats.tolist())))


def unpack_values(rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """One long frame (:data:`TREND_INPUT_COLUMNS`) from rows of (point, date text, 水期,
    indicator_codes, value_bytes, censored_bytes); measurements in row order."""
    if not rows:
        return pd.DataFrame(
            {"point": pd.Series(dtype=str), "indicator_code": pd.Series(dtype=str),
             "date": pd.Series(dtype="datetime64[ns]"), "period": pd.Series(dtype=str),
             "value": pd.Series(dtype=float), "censored": pd.Series(dtype=bool)}
        )  # fmt: skip
    point, day, period, codes, values, censored = zip(*rows, strict=True)
    value = np.frombuffer(b"".join(values), dtype=VALUE_DTYPE).astype(np.float64)
    flags = np.frombuffer(b"".join(censored), dtype=CENSORED_DTYPE).astype(bool)
    counts = np.fromiter((len(c) for c in censored), dtype=np.int64, count=len(rows))
    if counts.sum() != len(value) or len(flags) != len(value):
        raise StoreError("sample_values 中的打包数据损坏：值与标记的个数不一致")
    vocab: dict[str, int] = {}
    parsed: dict[str, np.ndarray[Any, Any]] = {}
    parts = []
    for text in codes:
        got = parsed.get(text)
        if got is None:
            got = np.array(
                [vocab.setdefault(c, len(vocab)) for c in text.split(CODE_SEP)], dtype=np.int64
            )
            parsed[text] = got
        parts.append(got)
    indicator = np.concatenate(parts)
    if len(indicator) != len(value):
        raise StoreError("sample_values 中的打包数据损坏：指标编码与值的个数不一致")
    rows_of = np.repeat(np.arange(len(rows)), counts)
    dates = pd.to_datetime(pd.Series(day, dtype=str).str.slice(0, 10)).to_numpy()
    return pd.DataFrame(
        {
            "point": _categorical(point, rows_of),
            "indicator_code": _categorical(list(vocab), indicator),
            "date": dates[rows_of],
            "period": _categorical(period, rows_of),
            "value": value,
            "censored": flags,
        }
    )
