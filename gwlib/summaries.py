"""Ledger summaries the pages show (water-quality summaries live in gwlib.quality.annual)."""

from __future__ import annotations

import pandas as pd

from gwlib.wells.model import WellStatus


def well_status_counts(wells: pd.DataFrame) -> pd.DataFrame:
    """Abandoned wells per lifecycle status, in lifecycle order, zero counts included."""
    order = [s.value for s in WellStatus]
    counts = (
        wells["status"].value_counts().reindex(order, fill_value=0)
        if len(wells)
        else pd.Series(0, index=order)
    )
    return pd.DataFrame({"status": order, "wells": counts.to_numpy(dtype="int64")})
