"""Measurement values as Chinese lab reports write them, parsed column-wise.

=============================  ==================================  ======================
written                         meaning                             token
=============================  ==================================  ======================
``0.35``, ``1,234.5``           a number (full-width digits too)    NUMBER
``0.004L``, ``<0.004``,         below the detection limit 0.004     NON_DETECT (dl = 0.004)
``<0.004L``, ``ND(0.004)``
``ND``, ``N.D.``, ``nd``,       below a limit not written here      NON_DETECT (dl = NaN, or
``未检出``, ``检出限以下``,      (the 检出限 column may give it)     the 检出限 column's)
``<DL``, ``<LOD``
``>1600``                       above the method's range            GREATER
``无``, ``有``                   qualitative (嗅和味, 肉眼可见物)     ABSENT / PRESENT
blank, ``—``, ``/``             not measured: ignored, not graded   BLANK
anything else                   unreadable: reported as an error    ERROR
=============================  ==================================  ======================

Parsing is done with vectorised pandas string operations over the whole column.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

import numpy as np
import pandas as pd


class ValueToken(IntEnum):
    NUMBER = 0
    NON_DETECT = 1
    GREATER = 2
    ABSENT = 3
    PRESENT = 4
    BLANK = 5
    ERROR = 6


_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_BLANK = r"(?:|-+|—+|―+|/|\\|NA|N/A|nan|NaN|None|未测|未检测|未监测|未分析)"
_ND_WORD = (
    r"(?:(?i:n\.?\s?d\.?)|未检出|未检|检出限以下|低于检出限|小于检出限|检出限以内|<\s*检出限"
    r"|(?i:<\s*(?:dl|lod|mdl|lor|rl)))"
)
_ND_PREFIX = "^" + _ND_WORD + r"\s*\(?\s*(?:<|≤|DL=|检出限)?\s*"
#: (token, full-match pattern, patterns to strip before reading the number). Stripping with
#: vectorised regex replacement is much faster than capturing groups with ``str.extract``.
_PATTERNS: tuple[tuple[ValueToken, str, tuple[str, ...]], ...] = (
    (ValueToken.NUMBER, _NUM, ()),
    (ValueToken.NON_DETECT, rf"{_NUM}\s*[Ll]", (r"\s*[Ll]$",)),
    (ValueToken.NON_DETECT, rf"(?:<|≤|<=)\s*{_NUM}\s*[Ll]?", (r"^(?:<|≤|<=)\s*", r"\s*[Ll]$")),
    (
        ValueToken.NON_DETECT,
        rf"{_ND_WORD}\s*\(?\s*(?:<|≤|DL=|检出限)?\s*(?:{_NUM})?\s*[Ll]?\s*\)?",
        (_ND_PREFIX, r"\s*[Ll]?\s*\)?$"),
    ),
    (ValueToken.GREATER, rf"(?:>|≥|>=)\s*{_NUM}", (r"^(?:>|≥|>=)\s*",)),
    (ValueToken.ABSENT, r"(?:无|未见|未发现)\S*", (r".*",)),
    (ValueToken.PRESENT, r"(?:有|检出|可见)\S*", (r".*",)),
)


def normalise_text(raw: pd.Series) -> pd.Series:
    """NFKC, trimmed, thousands separators removed; missing cells become ''."""
    s = raw.astype("object").where(raw.notna(), "").astype("str")
    s = s.str.normalize("NFKC").str.strip()
    thousands = s.str.fullmatch(_THOUSANDS)
    if thousands.any():
        s = s.mask(thousands, s.str.replace(",", "", regex=False))
    return s


def parse_values(raw: Iterable[object] | pd.Series) -> pd.DataFrame:
    """Parse a column of reported values.

    Returns a frame aligned with the input, columns ``token`` (:class:`ValueToken` as int8),
    ``number`` (the value, or the detection limit of a non-detect, or NaN) and ``text`` (the
    normalised text, for error messages).
    """
    series = raw if isinstance(raw, pd.Series) else pd.Series(list(raw), dtype="object")
    # Each distinct text is parsed once (columns of limits, units or blanks repeat a lot).
    codes, uniques = pd.factorize(series.astype("object").where(series.notna(), ""))
    parsed = _parse_distinct(pd.Series(uniques, dtype="object"))
    return pd.DataFrame({
        "token": parsed["token"].to_numpy()[codes],
        "number": parsed["number"].to_numpy()[codes],
        "text": parsed["text"].to_numpy()[codes],
    })


def _parse_distinct(series: pd.Series) -> pd.DataFrame:
    text = normalise_text(series.reset_index(drop=True))
    n = len(text)
    token = np.full(n, ValueToken.ERROR, dtype=np.int8)
    number = np.full(n, np.nan, dtype=np.float64)
    todo = np.ones(n, dtype=bool)
    blank = text.str.fullmatch(_BLANK).to_numpy(dtype=bool)
    token[blank] = ValueToken.BLANK
    todo &= ~blank
    for tok, pattern, strips in _PATTERNS:
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        sub = text.iloc[idx]
        found = sub.str.fullmatch(pattern).to_numpy(dtype=bool)
        if not found.any():
            continue
        hit = idx[found]
        token[hit] = tok
        digits = sub[found]
        for strip in strips:
            digits = digits.str.replace(strip, "", regex=True)
        number[hit] = pd.to_numeric(digits.replace("", np.nan), errors="coerce").to_numpy(
            dtype=np.float64
        )
        todo[hit] = False
    return pd.DataFrame({"token": token, "number": number, "text": text.to_numpy()})


#: Relative tolerance when comparing a stored value with a re-imported one (float round trips).
VALUE_RTOL = 1e-9


def same_values(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise: the stored and the re-imported value are the same (within
    :data:`VALUE_RTOL`; missing equals missing)."""
    av, bv = a.to_numpy(dtype=np.float64), b.to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        same: np.ndarray = (np.isnan(av) & np.isnan(bv)) | np.isclose(
            av, bv, rtol=VALUE_RTOL, atol=0.0
        )
    return same
