"""``python -m gwlib grade`` end to end, as a scheduled job would run it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from gwlib.cli import main

LONG = """点位编码,采样日期,指标,监测值,单位
JX-01,2023/6/15,砷,0.0003L,mg/L
JX-01,2023/6/15,铅,0.01L,mg/L
JX-01,2023/6/15,硝酸盐氮,25,mg/L
JX-01,2023/6/15,氟化物,1.0,mg/L
JX-02,2023年6月16日,pH,7.2,无量纲
JX-02,2023年6月16日,六价铬,4,μg/L
JX-02,2023年6月16日,高锰酸盐指数,ND,mg/L
JX-02,2023年6月16日,总硬度,"1,234",mg/L
JX-02,2023年6月16日,TDS,2100,mg/L
JX-03,2023-06-17,砷,0.0003L,mg/L
JX-03,2023-06-17,挥发酚,0.001,mg/L
"""


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_grade_long_chinese_headers(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(LONG, encoding="gbk")
    out, detail = tmp_path / "out.csv", tmp_path / "detail.csv"
    assert main(["grade", str(src), "-o", str(out), "--detail", str(detail)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = read(out)
    assert list(rows[0]) == ["point", "date", "class", "limiting"]
    got = {r["point"]: (r["date"], r["class"], r["limiting"]) for r in rows}
    assert got == {
        "JX-01": ("2023-06-15", "IV", "硝酸盐（以N计）"),
        "JX-02": ("2023-06-16", "V", "总硬度（以CaCO3计）;溶解性总固体"),
        "JX-03": ("2023-06-17", "I", ""),
    }
    d = read(detail)
    assert len(d) == 11
    lead = next(r for r in d if r["indicator"] == "铅")
    assert (lead["class"], lead["censored"], lead["unit"]) == ("III", "True", "mg/L")
    cr = next(r for r in d if r["indicator"] == "铬（六价）")
    assert float(cr["value"]) == pytest.approx(0.004)


def test_unreadable_rows_exit_2_with_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(LONG + "JX-04,2023-06-18,砷,坏,mg/L\n", encoding="utf-8")
    out, report = tmp_path / "out.csv", tmp_path / "report.csv"
    assert main(["grade", str(src), "-o", str(out), "--report", str(report)]) == 2
    (bad,) = read(report)
    assert (bad["file"], bad["row"], bad["column"], bad["value"]) == (
        "bad.csv",
        "13",
        "监测值",
        "坏",
    )
    assert "第 13 行" in capsys.readouterr().err
    assert len(read(out)) == 3  # the good samples are still graded


def test_module_entry_point(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(LONG, encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [sys.executable, "-m", "gwlib", "grade", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(read(out)) == 3
