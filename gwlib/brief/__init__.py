"""联席会议简报: the brief's figures (:mod:`gwlib.brief.data`), its charts
(:mod:`gwlib.brief.charts`) and the DOCX/PPTX/PDF pack (:mod:`gwlib.brief.pack`)."""

from gwlib.brief.charts import CHART_TITLES, render, render_all
from gwlib.brief.data import BriefData, Table, brief_data
from gwlib.brief.pack import (
    build_pack,
    pack_bytes,
    soffice,
    to_pdf,
    write_docx,
    write_pptx,
)

__all__ = [
    "CHART_TITLES",
    "BriefData",
    "Table",
    "brief_data",
    "build_pack",
    "pack_bytes",
    "render",
    "render_all",
    "soffice",
    "to_pdf",
    "write_docx",
    "write_pptx",
]
