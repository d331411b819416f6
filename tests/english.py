"""The rule the "no English in the UI" tests apply: an ASCII-only text a user reads is allowed
when it is a number, a code (JX-SY-03, 2025Q4, EPSG:4546), a unit (mg/L, MPN/100mL, km²) or a
name the section uses as is (Excel, Word, GeoJSON, Kendall τ); anything else — an identifier
(well_code), a word (transition, update, Choose an option), or a missing value written out
(None, nan) — is English showing through."""

from __future__ import annotations

import re

#: Names a Chinese UI keeps in Latin letters (file formats, products, statisticians, CRS).
KEPT = {
    "excel", "word", "geojson", "shapefile", "json", "zip", "csv", "xlsx", "xls", "docx", "doc",
    "pptx", "pdf", "txt", "kml", "kmz", "shp", "prj", "dbf", "shx", "tif", "jpg", "jpeg", "png",
    "kendall", "mann", "sen", "epsg", "cgcs", "wgs", "utm", "gcj", "libreoffice", "argon",
}  # fmt: skip
MISSING = {"None", "none", "nan", "NaN", "NaT", "null", "True", "False", "undefined"}


def english(text: object) -> str | None:
    """Why ``text`` would be English showing through, or None when it is fine."""
    t = str(text).strip()
    if not t or not t.isascii():
        return None  # Chinese (or empty): fine; mixed texts name their Latin parts on purpose
    if t in MISSING:
        return f"missing value written out: {t!r}"
    if re.search(r"[A-Za-z]\w*_\w+", t):
        return f"identifier: {t!r}"
    for token in re.findall(r"[A-Za-z]+", t):
        if re.search(r"[a-z]{3,}", token) and token.lower() not in KEPT:
            return f"English word {token!r} in {t!r}"
    return None
