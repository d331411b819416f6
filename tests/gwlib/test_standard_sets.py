"""A second standard set is added as data (a TOML + CSV pair), with no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from gwlib.quality.grading import single_class
from gwlib.quality.standards import STANDARDS_DIR, available_standards, get_standard

# Rows of GB/T 14848-93 as printed ([GB/T 14848-93], docs/sources.md): 总硬度 Ⅳ was 550, not 650.
OLD_CSV = """group,code,name_zh,name_en,unit,I,II,III,IV,V,notes
表1,H93-01,总硬度（以CaCO3计）,Total hardness,mg/L,150,300,450,550,>550,
表1,H93-02,铅,Lead,mg/L,0.005,0.01,0.05,0.1,>0.1,
"""
OLD_TOML = """code = "GB/T 14848-93"
title = "地下水质量标准（1993年版，历史数据用）"
edition = "1993"
table = "gb14848_93.csv"
source = "测试用：GB/T 14848-93 部分指标"
"""


def test_second_standard_is_data_only(tmp_path: Path) -> None:
    directory = tmp_path / "standards"
    shutil.copytree(STANDARDS_DIR, directory)
    (directory / "gb14848_93.csv").write_text(OLD_CSV, encoding="utf-8")
    (directory / "gb14848_93.toml").write_text(OLD_TOML, encoding="utf-8")
    sets = available_standards(directory)
    assert set(sets) == {"GB/T 14848-2017", "GB/T 14848-93"}
    old = get_standard("GB/T 14848-93", directory)
    new = get_standard(None, directory)
    assert new.code == "GB/T 14848-2017"  # the default stays the 2017 edition
    # The same synonyms apply to the old edition's names.
    idx_old = np.array([old.index("总硬度"), old.index("铅")])
    idx_new = np.array([new.index("总硬度"), new.index("铅")])
    values = np.array([600.0, 0.03])
    assert single_class(old, idx_old, values).tolist() == [5, 3]
    assert single_class(new, idx_new, values).tolist() == [4, 4]
