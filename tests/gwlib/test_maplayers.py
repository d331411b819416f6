"""Map layer helpers."""

from __future__ import annotations


def test_grid_cells_count_every_point_and_respect_the_cell_budget() -> None:
    import numpy as np

    from gwlib.sources.maplayers import grid_cells

    rng = np.random.default_rng(0)
    lon = rng.uniform(111.3, 111.9, 100_000)
    lat = rng.uniform(35.3, 35.7, 100_000)
    cx, cy, n, cell = grid_cells(lon, lat, max_cells=1500)
    assert n.sum() == 100_000 and len(n) <= 1500
    assert cell >= 0.01
    assert (cx >= 111.3).all() and (cx <= 111.9).all()
    assert (cy >= 35.3).all() and (cy <= 35.7).all()
    one = grid_cells(np.array([111.5, 111.5001]), np.array([35.5, 35.5001]))
    assert one[2].tolist() == [2]
