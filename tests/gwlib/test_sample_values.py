"""The trend tests' input packed per sample (gwlib.store.packed, table ``sample_values``): after
every kind of write it reads back exactly what the stored measurements hold, and the migration
fills it from measurements stored before it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwlib.errors import StoreError
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.packed import TREND_INPUT_COLUMNS, pack_values, unpack_values
from gwlib.store.results import commit_results, prepare_results, withdraw_batch
from tests.files import text_file

TODAY = dt.date(2026, 1, 15)
EDITOR = Actor("zhang")
HEADER = "点位编码,采样日期,水期,指标,监测值,单位\n"


def _from_measurements(store: Store) -> pd.DataFrame:
    """The trend input computed independently: every stored measurement with an indicator code
    and a value, in point, date and entry order."""
    m = store.measurements()
    m = m[(m["indicator_code"] != "") & m["value"].notna()]
    out = m.assign(date=pd.to_datetime(m["date"]))[TREND_INPUT_COLUMNS]
    return out.astype({"point": str, "indicator_code": str, "period": str}).reset_index(drop=True)


def _read(store: Store, points: list[str] | None = None) -> pd.DataFrame:
    got = store.trend_input(points)
    assert list(got.columns) == TREND_INPUT_COLUMNS
    return got.astype({"point": str, "indicator_code": str, "period": str})


def _same(store: Store) -> None:
    want = _from_measurements(store)
    pd.testing.assert_frame_equal(_read(store), want, check_dtype=False)
    one = sorted(set(want["point"]))[:1]
    pd.testing.assert_frame_equal(
        _read(store, one), want[want["point"].isin(one)].reset_index(drop=True), check_dtype=False
    )


def test_trend_input_follows_imports_corrections_and_withdrawals(
    results_store: Store, tmp_path: Path
) -> None:
    store = results_store
    first = text_file(tmp_path, "first.csv", HEADER + (
        "P1,2024-05-01,丰水期,氟化物,0.8,mg/L\n"
        "P1,2024-05-01,丰水期,硝酸盐（以N计）,5,mg/L\n"
        "P1,2024-05-01,丰水期,水位埋深,12.5,m\n"
        "P2,2024-05-01,丰水期,氟化物,0.004L,mg/L\n"
        "P2,2024-05-01,丰水期,砷,ND,mg/L\n"
        "P2,2024-10-08,枯水期,氟化物,0.3,mg/L\n"
        "P1,2023-10-08,枯水期,氟化物,0.7,mg/L\n"
    ))  # fmt: skip
    assert store.trend_input().empty
    b1 = commit_results(store, prepare_results(store, first, TODAY), EDITOR)
    _same(store)
    got = _read(store)
    assert len(got) == 5  # 水位埋深 is not graded; 砷 ND with no limit has no value
    assert got["censored"].tolist().count(True) == 1
    fixed = text_file(tmp_path, "fixed.csv", HEADER + (
        "P1,2024-05-01,丰水期,氟化物,1.2,mg/L\n"
        "P2,2024-05-01,丰水期,氟化物,0.004L,mg/L\n"
        "P2,2024-05-01,丰水期,砷,0.02,mg/L\n"
    ))  # fmt: skip
    b2 = commit_results(store, prepare_results(store, fixed, TODAY), EDITOR)
    _same(store)
    assert 1.2 in _read(store)["value"].tolist()
    withdraw_batch(store, b2.batch_id, EDITOR, "更正有误")
    _same(store)
    assert 1.2 not in _read(store)["value"].tolist() and 0.8 in _read(store)["value"].tolist()
    withdraw_batch(store, b1.batch_id, EDITOR, "整批作废")
    assert store.trend_input().empty
    commit_results(store, prepare_results(store, first, TODAY), EDITOR)
    _same(store)


def test_pack_and_unpack_keep_order_values_and_flags() -> None:
    rng = np.random.default_rng(5)
    n = 500
    m = pd.DataFrame({
        "sample_id": rng.integers(1, 40, n),
        "indicator_code": rng.choice(["T1-1", "T1-2", "T2-7", ""], n),
        "value": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(size=n)),
        "censored": rng.random(n) < 0.3,
    })  # fmt: skip
    packed = pack_values(m)
    assert packed["sample_id"].is_unique
    rows = [(f"P{s % 3}", f"2024-0{s % 9 + 1}-15", "丰水期" if s % 2 else "", *r)
            for s, *r in packed.itertuples(index=False)]  # fmt: skip
    got = unpack_values(rows)
    kept = m[(m["indicator_code"] != "") & m["value"].notna()]
    kept = kept.iloc[np.argsort(kept["sample_id"].to_numpy(), kind="stable")]
    assert got["indicator_code"].astype(str).tolist() == kept["indicator_code"].tolist()
    assert got["value"].tolist() == kept["value"].tolist()  # bit for bit
    assert got["censored"].tolist() == kept["censored"].tolist()
    assert got["point"].astype(str).tolist() == [f"P{s % 3}" for s in kept["sample_id"]]
    with pytest.raises(StoreError, match="不能含有"):
        pack_values(m.assign(indicator_code="a;b"))


def test_damaged_packed_rows_are_an_error() -> None:
    row = ("P1", "2024-05-01", "", "T1-1;T1-2", np.array([1.0, 2.0]).tobytes(), b"\x00")
    with pytest.raises(StoreError, match="损坏"):
        unpack_values([row])


def test_migration_fills_packed_values_from_stored_measurements(tmp_path: Path) -> None:
    from alembic import command

    from gwlib.store.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with Store.open(url, migrate=False) as store, store.transaction() as conn:
        command.upgrade(alembic_config(conn), "qc_0001")
    with Store.open(url, migrate=False) as store, store.transaction() as conn:
        conn.exec_driver_sql(
            "INSERT INTO monitoring_point (code, category, purpose, lon, lat, crs, aquifer,"
            " burial, status, target_class, frequency) VALUES ('A', '县控', '区域', 111.5, 35.5,"
            " 'EPSG:4490', '孔隙', '潜水', '在用', 3, '丰枯各1次')"
        )
        for day in ("2024-05-01", "2023-05-01", "2025-05-01"):
            conn.exec_driver_sql(
                "INSERT INTO sample (point_id, sample_date, period, quality_class, n_graded,"
                " standard, graded_at) SELECT id, ?, '丰水期', 3, 1, 'GB/T 14848-2017',"
                " '2024-05-02' FROM monitoring_point",
                (day,),
            )
        for sid, code, value, censored in (
            (1, "T1-26", 0.8, 0), (1, "", 12.0, 0), (1, "T1-24", None, 0), (2, "T1-26", 0.004, 1),
            (3, "T1-26", 1.1, 0), (2, "T2-1", 0.3, 0),
        ):  # fmt: skip
            conn.exec_driver_sql(
                "INSERT INTO measurement (sample_id, indicator_code, value, censored,"
                " quality_class) VALUES (?, ?, ?, ?, 3)",
                (sid, code, value, censored),
            )
    with Store.open(url) as store:
        _same(store)
        assert _read(store)["value"].tolist() == [0.004, 0.3, 0.8, 1.1]
