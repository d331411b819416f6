"""Parsing columns of dates the way county staff and labs type them, vectorised.

Accepted: ``2023-06-30``, ``2023/6/30``, ``2023.6.30``, ``2023年6月30日``, ``20230630``, a time
after the date (``2023-06-30 10:15``), and Excel serial day numbers (``45107``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gwlib.quality.values import normalise_text

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YMD = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + "$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_SERIAL = r"^(\d{5})(?:\.\d+)?$"
EXCEL_EPOCH = np.datetime64("1899-12-30")
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_dates(raw: pd.Series) -> pd.Series:
    """Dates (datetime64[s], time of day dropped); NaT where the text is blank or unreadable.

    Use :func:`date_problems` to tell blank from unreadable. A column repeats the same few dates
    (one per sample), so each distinct text is parsed once.
    """
    codes, uniques = pd.factorize(raw.astype("object").where(raw.notna(), ""))
    parsed = _parse_distinct_dates(pd.Series(uniques, dtype="object"))
    out = pd.Series(parsed.to_numpy()[codes], index=raw.index, dtype="datetime64[s]")
    return out


def _parse_distinct_dates(raw: pd.Series) -> pd.Series:
    text = normalise_text(raw.reset_index(drop=True))
    parts = text.str.extract(_YMD)
    compact = text.str.extract(_COMPACT)
    parts = parts.fillna(compact)
    nums = parts.apply(pd.to_numeric, errors="coerce")
    year, month, day = (nums[i] for i in range(3))
    ok = year.between(MIN_YEAR, MAX_YEAR) & month.between(1, 12) & day.between(1, 31)
    frame = pd.DataFrame({"year": year.where(ok), "month": month.where(ok), "day": day.where(ok)})
    out = pd.to_datetime(frame, errors="coerce")
    serial = pd.to_numeric(text.str.extract(_SERIAL)[0], errors="coerce")
    serial_dates = pd.Series(
        EXCEL_EPOCH + serial.fillna(0).to_numpy(dtype="int64").astype("timedelta64[D]"),
        index=serial.index,
    )
    out = out.where(out.notna(), serial_dates.where(serial.between(2, 73050)))
    out = pd.to_datetime(out).astype("datetime64[s]")
    out.index = raw.index
    return out


def date_problems(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """True where a non-blank cell could not be read as a date."""
    text = normalise_text(raw.reset_index(drop=True))
    bad = (text != "").to_numpy() & parsed.isna().to_numpy()
    return pd.Series(bad, index=raw.index)


_YM = r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?)?\s*(?:年)?$"


def parse_partial_dates(raw: pd.Series) -> pd.Series:
    """Year or year-month dates (``2018年``, ``2018``, ``2015.6``, ``2015年6月``) as the first
    day of that period; NaT where the text is not such a date. For fields like 废弃时间 that
    people often know only approximately."""
    text = normalise_text(raw.reset_index(drop=True))
    parts = text.str.extract(_YM)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce").fillna(1)
    ok = year.between(MIN_YEAR, MAX_YEAR) & month.between(1, 12)
    frame = pd.DataFrame({"year": year.where(ok), "month": month.where(ok), "day": 1})
    out = pd.to_datetime(frame, errors="coerce").astype("datetime64[s]")
    out.index = raw.index
    return out
