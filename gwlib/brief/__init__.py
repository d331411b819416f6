"""联席会议简报: the brief's figures (:mod:`gwlib.brief.data`), its charts
(:mod:`gwlib.brief.charts`) and the DOCX/PPTX/PDF pack (:mod:`gwlib.brief.pack`).

The parts load when first used: pages that read only the brief's figures (总览's plan goals)
do not pay for matplotlib and the document writers (≈0.7 s of a first visit)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gwlib.brief.charts import CHART_TITLES, render, render_all
    from gwlib.brief.data import BriefData, Table, brief_data
    from gwlib.brief.office import soffice, to_pdf
    from gwlib.brief.pack import build_pack, pack_bytes, write_docx, write_pptx

#: Each public name (``__all__``) -> the submodule that defines it.
_HOME = {
    "CHART_TITLES": "charts",
    "render": "charts",
    "render_all": "charts",
    "BriefData": "data",
    "Table": "data",
    "brief_data": "data",
    "build_pack": "pack",
    "pack_bytes": "pack",
    "soffice": "office",
    "to_pdf": "office",
    "write_docx": "pack",
    "write_pptx": "pack",
}

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


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
