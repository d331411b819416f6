"""Field validation shared by the domain types of every work area: enumerations by their official
value, optional numbers and dates, required text, and lon/lat within China's extent.

Each helper raises :class:`gwlib.errors.ValidationError` naming the field as the user's form or
sheet names it, the value, and what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import Any

from gwlib.errors import ValidationError

# China's extent, for a first sanity check of coordinates (lon/lat, CGCS2000 ≈ WGS 84).
LON_RANGE = (73.0, 135.5)
LAT_RANGE = (3.0, 54.0)
COORD_CRS = "EPSG:4490"  # CGCS2000 geographic; equal to WGS 84 within centimetres for mapping


def enum_field(cls: type[StrEnum], name: str, value: object) -> Any:
    if isinstance(value, cls):
        return value
    try:
        return cls(str(value).strip())
    except ValueError:
        raise ValidationError(name, value, "、".join(m.value for m in cls)) from None


def opt_float(
    name: str, value: object, lo: float = -math.inf, hi: float = math.inf
) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(name, value, "数值") from None
    if math.isnan(x):
        return None
    if not lo <= x <= hi:
        raise ValidationError(name, value, f"{lo} 到 {hi} 之间的数值")
    return x


def opt_date(name: str, value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(name, value, "日期 YYYY-MM-DD") from None


def stored_date(value: object) -> dt.date | None:
    """A date as a table holds it (date, Timestamp, ISO text, or None / NaN / NaT / blank) as a
    date or None."""
    if value is None or value != value:  # NaN and NaT are not equal to themselves
        return None
    text = str(value).strip()
    return dt.date.fromisoformat(text[:10]) if text else None


def text_field(name: str, value: object, required: bool = False) -> str:
    s = "" if value is None else str(value).strip()
    if required and not s:
        raise ValidationError(name, value, "非空文本")
    return s


def check_lonlat(lon: float | None, lat: float | None) -> None:
    if lon is None or lat is None:
        return
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise ValidationError("经度", lon, f"{LON_RANGE[0]}–{LON_RANGE[1]} 之间的十进制度")
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        raise ValidationError("纬度", lat, f"{LAT_RANGE[0]}–{LAT_RANGE[1]} 之间的十进制度")
