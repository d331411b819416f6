"""The joint-meeting brief as a leader holds it (issue 17, item 11): A4, tables that do not
split across pages and headings that stay with what follows, PPTX tables that never run off a
slide with text of at least 12 pt, "前 20 眼" that lists 20, totals rows, and 表3 with values
and 超标倍数 as on screen."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from pptx import Presentation

from gwlib.brief.data import OVERDUE_LISTED, TOTAL, BriefData, brief_data
from gwlib.brief.pack import pack_bytes
from gwlib.store import Store
from gwlib.wells.ledger import ledger_figures, overdue_list


@pytest.fixture(scope="module")
def data(demo_url: str) -> BriefData:
    with Store.open(demo_url) as store:
        return brief_data(store, 2025)


def _table(data: BriefData, prefix: str):  # type: ignore[no-untyped-def]
    return next(t for t in data.tables() if t.title.startswith(prefix))


def test_docx_is_a4_and_tables_keep_together(data: BriefData) -> None:
    doc = Document(io.BytesIO(pack_bytes(data, {}, "docx")))
    for s in doc.sections:
        assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    assert doc.tables
    for t in doc.tables:
        rows = t.rows
        for i, row in enumerate(rows):
            trpr = row._tr.trPr
            assert trpr is not None and trpr.find(qn("w:cantSplit")) is not None
            assert (trpr.find(qn("w:tblHeader")) is not None) == (i == 0)
            keep = [p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs]
            assert all(keep) if i < len(rows) - 1 else not any(keep)
        # the table's title stays with the table
        title = t._tbl.getprevious()
        assert title.tag == qn("w:p") and title.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
    headings = [p for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)


def test_pptx_tables_fit_their_slides_at_12_pt_or_more(data: BriefData) -> None:
    prs = Presentation(io.BytesIO(pack_bytes(data, {}, "pptx")))
    rows_by_title: dict[str, int] = {}
    for slide in prs.slides:
        title = slide.shapes[0].text_frame.text.removesuffix("（续）")
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            assert shape.top + shape.height <= prs.slide_height
            assert sum(r.height for r in shape.table.rows) <= shape.height
            for row in shape.table.rows:
                for cell in row.cells:
                    for para in cell.text_frame.paragraphs:
                        assert all(r.font.size is not None and r.font.size >= Pt(12)
                                   for r in para.runs)  # fmt: skip
            rows_by_title[title] = rows_by_title.get(title, 0) + len(shape.table.rows) - 1
    for table in data.tables():  # every row is on some slide: nothing cut off
        assert rows_by_title[table.title] == max(len(table.frame), 1)


def test_overdue_table_lists_what_its_title_says(data: BriefData, demo_url: str) -> None:
    with Store.open(demo_url) as store:
        n = len(overdue_list(store.wells(), data.as_of))
    t = _table(data, "表5")
    assert len(t.frame) == min(n, OVERDUE_LISTED)
    assert f"共 {n} 眼" in t.title
    assert (f"前 {OVERDUE_LISTED} 眼" in t.title) == (n > OVERDUE_LISTED)


def test_totals_rows_are_sums_and_rates_of_sums(data: BriefData, demo_url: str) -> None:
    t4 = _table(data, "表4").frame
    total, towns = t4.iloc[-1], t4.iloc[:-1]
    assert total["乡镇"] == TOTAL
    for col in ("清单井数（眼）", "已封井（眼）", "逾期未封（眼）"):
        assert int(total[col]) == towns[col].astype(int).sum()
    with Store.open(demo_url) as store:
        fig = ledger_figures(store.wells(), data.as_of)
    assert total["封井完成率（%）"] == f"{fig.completion_rate:.1f}%"  # the headline's rate
    t1 = _table(data, "表1").frame
    assert t1.iloc[-1]["水质类别"] == TOTAL
    assert int(t1.iloc[-1]["点位数（个）"]) == t1.iloc[:-1]["点位数（个）"].astype(int).sum()


def test_table_3_gives_values_and_multiples(data: BriefData) -> None:
    t3 = _table(data, "表3").frame
    assert len(t3)
    detail = t3["定类指标（监测值，超标倍数）"]
    assert detail.str.contains("倍").any() and detail.str.contains(r"\d", regex=True).all()


def test_red_marks_only_rows_that_differ(data: BriefData) -> None:
    """Issue 13 item 7: highlight only what fails — never every row of a table."""
    for t in data.tables():
        if len(t.frame) > 1:
            assert len(t.highlight) < len(t.frame), t.title


def test_township_chart_of_many_townships_draws_the_most_open_and_says_what_it_leaves_out() -> None:
    """A city's or province's hundreds of townships: 图2 draws CHART_TOWNSHIPS bars, those with
    the most wells still open, and its note says how many townships and open wells are left out."""
    import pandas as pd

    from gwlib.brief.charts import render
    from gwlib.brief.data import CHART_TOWNSHIPS, _chart_townships

    n = 60
    chart = pd.DataFrame({
        "township": [f"镇{i:02d}" for i in range(n)],
        "accepted": [1] * n, "sealed": [2] * n, "open": list(range(n)), "deferred": [1] * n,
    })  # fmt: skip
    drawn = _chart_townships(chart)
    assert len(drawn) == CHART_TOWNSHIPS
    assert list(drawn["township"][:3]) == ["镇59", "镇58", "镇57"]
    left_out = sum(range(n - CHART_TOWNSHIPS))
    assert drawn.attrs["note"] == (f"未封井最多的 {CHART_TOWNSHIPS} 个乡镇；其余 "
                                   f"{n - CHART_TOWNSHIPS} 个乡镇（未封井 {left_out} 眼）见表4")  # fmt: skip
    assert render("wells", drawn)[:8] == b"\x89PNG\r\n\x1a\n"
    few = chart.head(CHART_TOWNSHIPS)
    assert _chart_townships(few).equals(few) and not _chart_townships(few).attrs
