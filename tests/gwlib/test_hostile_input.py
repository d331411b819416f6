"""Hostile input: malformed files given to every importer are rejected with a clear error —
never a crash or a traceback. Short runs here; HOSTILE_EXAMPLES=2000 for a long fuzz run."""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwlib.errors import GwlibError
from gwlib.geo.io import read_zones
from gwlib.io.lab import read_lab_file
from gwlib.io.wells import read_ledger
from gwlib.plans.parse import parse_plan_file
from gwlib.quality.standards import get_standard

STD = get_standard()
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["点位编码", "采样日期", "指标", "监测值", "单位", "砷", "0.004L", "ND",
                     "2023-13-45", "=1+1", "<script>alert(1)</script>", "1e309", "-0", "１２",
                     "\x00", "\ufeff", "井编码", "经度", "111°99\u203299\u2033", "不详"]),
)
rows = st.lists(st.lists(cells, min_size=1, max_size=7), min_size=0, max_size=12)


def _csv(table: list[list[str]]) -> str:
    return "\n".join(",".join(c.replace(",", "，").replace("\n", " ").replace("\r", " ") for c in r) for r in table)


@FUZZ
@given(rows, st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_lab_reader_never_crashes(tmp_path: Path, table: list[list[str]], enc: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_csv([["点位编码", "采样日期", "指标", "监测值", "单位"], *table]).encode(
        enc, errors="replace"))
    try:
        batch = read_lab_file(path, STD)
    except GwlibError:
        return
    last_row = len(table) + 1  # the header is row 1
    for issue in batch.issues:  # every problem names a real row and says why
        assert issue.reason and (issue.row is None or 1 <= issue.row <= last_row)
    assert set(batch.frame["row"]) <= set(range(2, last_row + 1))


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_are_rejected_cleanly(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for reader in (lambda p: read_lab_file(p, STD), read_ledger):
        with contextlib.suppress(GwlibError):
            reader(path)


@FUZZ
@given(st.text(max_size=400))
def test_plan_parser_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(GwlibError):
        parse_plan_file(path)


@FUZZ
@given(st.binary(max_size=1024), st.sampled_from(["z.geojson", "z.kml", "z.zip"]))
def test_zone_import_rejects_garbage(data: bytes, name: str) -> None:
    with contextlib.suppress(GwlibError):
        read_zones(data, name)


def test_zip_bomb_xlsx_is_rejected(tmp_path: Path) -> None:
    """A workbook whose sheet inflates to hundreds of MB is refused before it is read."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 300_000_000 + "</a>")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 2_000_000
    with pytest.raises(GwlibError, match="解压后过大"):
        read_lab_file(path, STD)
