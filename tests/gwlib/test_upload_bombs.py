"""Decompression bombs through every upload path: a few hundred KB that inflate to 120 MB or
more are refused with an InputError (or, for zones, an Issue) naming the file, in well under
a second and without inflating anything (Python allocations traced)."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from gwlib.errors import InputError
from gwlib.geo.io import read_zones
from gwlib.io.archives import check_zip
from gwlib.io.lab import read_lab_file
from gwlib.io.tables import read_table
from gwlib.io.wells import read_ledger
from gwlib.plans import plan_text_from_bytes, read_plan_text
from gwlib.quality.standards import get_standard
from gwlib.sources.register_io import read_register
from gwlib.sources.register_spec import SOURCES
from tests import zipbombs

ROOT = Path(__file__).resolve().parents[2]
STD = get_standard()
MAX_SECONDS = 5.0  # the probe's docx took 115 s
MAX_TRACED_MB = 20  # the bombs inflate to 120 MB and more


def bounded(call: Callable[[], object]) -> object:
    """Run ``call``; assert it was quick and allocated little. Returns what it returned or the
    exception it raised."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        got: object = call()
    except Exception as exc:
        got = exc
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
    assert peak < MAX_TRACED_MB * 2**20, f"allocated {peak / 2**20:.0f} MB"
    return got


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bombs")
    files = {
        "bomb.docx": zipbombs.docx_bomb(),
        "bomb.xlsx": zipbombs.xlsx_bomb(),
        "zones.zip": zipbombs.shapefile_bomb(),
    }
    files["lying.docx"] = zipbombs.lying(files["bomb.docx"], "word/document.xml")
    files["lying.zip"] = zipbombs.lying(files["zones.zip"], "zones.shp")
    out = {}
    for name, data in files.items():
        assert len(data) < 1_000_000, (name, len(data))  # small on the wire
        (d / name).write_bytes(data)
        out[name] = d / name
    return out


def test_docx_bomb_is_refused_before_python_docx_opens_it(bombs: dict[str, Path]) -> None:
    got = bounded(lambda: read_plan_text(bombs["bomb.docx"]))
    assert isinstance(got, InputError), got
    assert got.where.file == "bomb.docx"
    assert "word/document.xml" in got.reason and "解压后过大" in got.reason


def test_docx_bomb_uploaded_as_bytes(bombs: dict[str, Path]) -> None:
    """The tasks page's path: the upload's bytes, not a file of ours."""
    got = bounded(lambda: plan_text_from_bytes("计划.docx", bombs["bomb.docx"].read_bytes()))
    assert isinstance(got, InputError) and got.where.file == "计划.docx", got


def test_docx_that_lies_about_its_size_is_refused(bombs: dict[str, Path]) -> None:
    """The directory says 1000 bytes; zipfile would inflate all 120 MB in one call before
    cutting it to that size."""
    got = bounded(lambda: read_plan_text(bombs["lying.docx"]))
    assert isinstance(got, InputError), got
    assert "「word/document.xml」解压后比声明的 1000 字节更大" in got.reason


@pytest.mark.parametrize(
    "reader",
    [
        pytest.param(read_table, id="read_table"),
        pytest.param(read_ledger, id="ledger"),
        pytest.param(lambda p: read_lab_file(p, STD), id="lab_results"),
        pytest.param(lambda p: read_register(SOURCES, p), id="source_register"),
    ],
)
def test_xlsx_bomb_is_refused_by_every_xlsx_reader(
    bombs: dict[str, Path], reader: Callable[[Path], object]
) -> None:
    got = bounded(lambda: reader(bombs["bomb.xlsx"]))
    assert isinstance(got, InputError) and "解压后过大" in got.reason, got
    assert got.where.file == "bomb.xlsx"


@pytest.mark.parametrize("name", ["zones.zip", "lying.zip"])
def test_shapefile_zip_bomb_is_an_issue(bombs: dict[str, Path], name: str) -> None:
    data = bombs[name].read_bytes()
    got = bounded(lambda: read_zones(data, name))
    assert not isinstance(got, Exception), got
    assert not got.zones  # type: ignore[attr-defined]
    [issue] = got.issues  # type: ignore[attr-defined]
    assert issue.file == name and issue.severity == "error"
    assert ("解压后过大" if name == "zones.zip" else "比声明的 1000 字节更大") in issue.reason


def test_kmz_bomb_is_an_issue() -> None:
    """A .kmz (zipped KML) goes through the same zip check as every other upload."""
    got = bounded(lambda: read_zones(zipbombs.shapefile_bomb(), "zones.kmz"))
    assert not isinstance(got, Exception), got
    [issue] = got.issues  # type: ignore[attr-defined]
    assert issue.file == "zones.kmz" and "解压后过大" in issue.reason


def test_kml_entity_expansion_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&b;</name></Placemark></kml>'
    )
    got = bounded(lambda: read_zones(laughs, "z.kml"))
    assert [i.value for i in got.issues] == ["DOCTYPE"]  # type: ignore[attr-defined]


def test_check_zip_counts_members_and_names_the_file() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"{i}.xml", b"")
    with pytest.raises(InputError, match="文件过多") as err:
        check_zip(buf.getvalue(), "many.docx", what="Word 文件（.docx）", max_total=2**20)
    assert err.value.where.file == "many.docx"
    with pytest.raises(InputError, match="不是有效的 Word 文件"):
        check_zip(b"not a zip", "x.docx", what="Word 文件（.docx）", max_total=2**20)


def test_cli_plan_parse_bomb_exits_with_a_chinese_message(bombs: dict[str, Path]) -> None:
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "gwlib", "plan", "parse", str(bombs["bomb.docx"]),
         "-o", str(bombs["bomb.docx"].with_suffix(".json"))],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert time.perf_counter() - start < 30
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(
        "错误：文件 bomb.docx：Word 文件（.docx）中的「word/document.xml」"
    )
    assert "解压后过大" in run.stderr and "上限 5 MB" in run.stderr
