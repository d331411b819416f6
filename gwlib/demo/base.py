"""Shared constants of the demo: its fixed "today", default seed and random streams.

Each part of the demo draws from its own generator, ``numpy.random.default_rng([stream, seed])``,
so changing how one part is generated does not reshuffle the others. Nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

AS_OF = dt.date(2025, 12, 31)  # the demo's "today"
DEFAULT_SEED = 140826  # 绛县's adcode
DATASET_NAME = "模拟数据"

STREAMS = {"townships": 1, "sources": 2, "pollution": 3, "monitoring": 4, "wells": 5,
           "normal_period": 6, "projects": 7, "qc": 8, "other_uses": 9}


def rng_for(seed: int, part: str) -> np.random.Generator:
    """The random generator of one part of the demo."""
    return np.random.default_rng([STREAMS[part], seed])
