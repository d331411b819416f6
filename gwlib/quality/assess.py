"""Assessment of a batch of lab results: every measurement graded, every sample classed.

This is what ``python -m gwlib grade`` and the store's materialisation both call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gwlib.quality.classes import QualityClass
from gwlib.quality.grading import NonDetectPolicy, comprehensive, exceedance, grade_values
from gwlib.quality.standards import StandardSet
from gwlib.quality.values import ValueToken

SAMPLE_KEYS = ["point", "date"]


@dataclass(frozen=True)
class Assessment:
    """``samples``: one row per (point, date) with ``class`` (0 = nothing graded), ``limiting``
    (official names joined by ';'), ``limiting_codes``, ``n_graded``, ``period``, ``lab``,
    ``water_level``. ``detail``: one row per measurement with ``class``, ``censored``,
    ``exceedance`` (超标倍数 vs Ⅲ) and the parsed value in the standard's unit."""

    standard: StandardSet
    policy: NonDetectPolicy
    samples: pd.DataFrame
    detail: pd.DataFrame


def assess(
    measurements: pd.DataFrame,
    standard: StandardSet,
    policy: NonDetectPolicy = NonDetectPolicy.DETECTION_LIMIT,
) -> Assessment:
    """Grade a measurement frame as produced by :func:`gwlib.io.lab.read_lab_file` (or the
    demo generator): columns ``point``, ``date``, ``indicator``, ``token``, ``value`` and
    optionally ``period``, ``lab``, ``water_level``."""
    m = measurements.reset_index(drop=True)
    idx = m["indicator"].to_numpy(dtype=np.int64)
    token = m["token"].to_numpy(dtype=np.int8)
    value = m["value"].to_numpy(dtype=np.float64)
    cls, censored = grade_values(standard, idx, value, token, policy)
    detail = m.assign(
        **{
            "class": cls.astype(np.int64),
            "censored": censored,
            "exceedance": exceedance(standard, idx, value, censored, QualityClass.III),
            "qualifier": np.select(
                [token == ValueToken.NON_DETECT, token == ValueToken.GREATER], ["<", ">"], ""
            ),
        }
    )
    samples = comprehensive(detail, SAMPLE_KEYS, standard)
    extra = [c for c in ("period", "lab", "water_level") if c in m.columns]
    if extra:
        firsts = (
            m[SAMPLE_KEYS + extra]
            .replace({"": np.nan})
            .groupby(SAMPLE_KEYS, sort=True, dropna=False)
            .first()
        )
        samples = samples.join(firsts, on=SAMPLE_KEYS)
        for c in ("period", "lab"):
            if c in samples:
                samples[c] = samples[c].fillna("").astype("str")
    return Assessment(standard, policy, samples, detail)


def class_code(cls: pd.Series) -> pd.Series:
    """0..5 → '', 'I'..'V' for files."""
    names = np.array(["", "I", "II", "III", "IV", "V"], dtype=object)
    return pd.Series(names[cls.to_numpy(dtype=np.int64)], index=cls.index, dtype="str")
