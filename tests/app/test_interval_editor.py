"""单井档案 > 封井记录 (issue 17 item 4): the 封填材料 editor types its columns from a table, so a
well with no intervals yet still takes text (黏土球) as 材料, and new rows start blank."""

from __future__ import annotations

import pandas as pd

from gwui.well_forms import INTERVAL_COLUMNS, interval_frame


def test_an_empty_editor_still_takes_text_as_material() -> None:
    empty = interval_frame(pd.DataFrame(columns=["top_m", "bottom_m", "role", "material"]))
    assert list(empty.columns) == ["top_m", "bottom_m", "role", "material"]
    assert empty["material"].dtype == object and empty["role"].dtype == object
    # what the editor returns after a user types the first row
    typed = pd.concat([empty, pd.DataFrame([{"top_m": 0.0, "bottom_m": 5.0, "role": "封闭",
                                              "material": "黏土球"}])], ignore_index=True)
    assert typed.loc[0, "material"] == "黏土球"
    cfg = INTERVAL_COLUMNS["material"]
    assert cfg["type_config"]["type"] == "text" and cfg["default"] == ""


def test_stored_intervals_keep_their_values() -> None:
    stored = pd.DataFrame([{"id": 1, "well_code": "W1", "top_m": 10, "bottom_m": 20,
                            "role": "回填", "material": "水泥砂浆", "note": ""}])  # fmt: skip
    got = interval_frame(stored)
    assert got.to_dict("records") == [{"top_m": 10.0, "bottom_m": 20.0, "role": "回填",
                                       "material": "水泥砂浆"}]  # fmt: skip
