"""封井回填记录 as the domain sees it: depth intervals, the record itself, and the kinds and review
states of a well's documents. Stored by :mod:`gwlib.store.sealing` and :mod:`gwlib.store.documents`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum

from gwlib.errors import ValidationError


class ReviewStatus(StrEnum):
    """Review state of an attachment (OGRRE: unreviewed/incomplete/reviewed/defective)."""

    UNREVIEWED = "未审"
    INCOMPLETE = "需补充"
    REVIEWED = "已审"
    DEFECTIVE = "有缺陷"


class DocumentKind(StrEnum):
    PHOTO = "照片"
    SEALING_RECORD = "封井记录"
    ACCEPTANCE_REPORT = "验收报告"
    OTHER = "其他"


class IntervalRole(StrEnum):
    SEAL = "封闭"
    BACKFILL = "回填"
    AQUITARD = "止水"


@dataclass(frozen=True)
class SealInterval:
    """A depth interval of the sealing: material placed from ``top_m`` to ``bottom_m``."""

    top_m: float
    bottom_m: float
    role: IntervalRole
    material: str
    note: str = ""

    def __post_init__(self) -> None:
        if not (0 <= self.top_m < self.bottom_m <= 10_000):
            raise ValidationError(
                "深度区间(m)", f"{self.top_m}–{self.bottom_m}", "0 ≤ 顶深 < 底深 ≤ 10000"
            )
        if not self.material.strip():
            raise ValidationError("材料", self.material, "非空文本（如 粘土球、水泥浆、膨润土）")


@dataclass(frozen=True)
class SealingRecord:
    """封井回填记录 of one well (after BC GWELLS's decommission fields)."""

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    method: str = ""
    wellhead: str = ""
    aquitard_seals: str = ""
    contractor: str = ""
    cost_wan: float | None = None
    funding_source: str = ""
    acceptance_date: dt.date | None = None
    acceptance_conclusion: str = ""
    intervals: tuple[SealInterval, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError("封井完成日期", self.end_date, "不早于封井开始日期")
        if self.acceptance_date and self.end_date and self.acceptance_date < self.end_date:
            raise ValidationError("验收日期", self.acceptance_date, "不早于封井完成日期")
        if self.cost_wan is not None and (math.isnan(self.cost_wan) or self.cost_wan < 0):
            raise ValidationError("费用（万元）", self.cost_wan, "非负数")
