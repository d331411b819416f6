"""GB/T 14848-2017 quality classes Ⅰ–Ⅴ (地下水质量分类).

``QualityClass`` is an IntEnum so that the worst class of several is simply ``max``.
"""

from __future__ import annotations

import unicodedata
from enum import IntEnum

import pandas as pd


class QualityClass(IntEnum):
    """地下水质量类别. The value is the class number; worse water has a larger number."""

    I = 1  # noqa: E741  (the standard's own name)
    II = 2
    III = 3
    IV = 4
    V = 5

    @property
    def roman(self) -> str:
        """The class as the standard prints it: Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ."""
        return "ⅠⅡⅢⅣⅤ"[self.value - 1]

    @property
    def label(self) -> str:
        """Chinese label, e.g. ``Ⅲ类``."""
        return f"{self.roman}类"

    @property
    def code(self) -> str:
        """ASCII code used in files: I, II, III, IV, V."""
        return self.name

    @classmethod
    def parse(cls, text: object) -> QualityClass:
        """Read a class written as 3, 'III', 'Ⅲ', 'Ⅲ类' or 'iii'."""
        if isinstance(text, QualityClass):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text)
        s = unicodedata.normalize("NFKC", str(text)).strip().upper()
        s = s.removesuffix("类").strip()
        if s.isdigit():
            return cls(int(s))
        try:
            return cls[s]
        except KeyError:
            raise ValueError(f"无法识别的水质类别：{text!r}（应为 Ⅰ–Ⅴ 或 I–V）") from None


#: Meaning of each class (GB/T 14848-2017 §4, 2017 wording).
CLASS_MEANING: dict[QualityClass, str] = {
    QualityClass.I: "地下水化学组分含量低，适用于各种用途",
    QualityClass.II: "地下水化学组分含量较低，适用于各种用途",
    QualityClass.III: "地下水化学组分含量中等，主要适用于集中式生活饮用水水源及工农业用水",
    QualityClass.IV: "地下水化学组分含量较高，适用于农业和部分工业用水，适当处理后可作生活饮用水",
    QualityClass.V: "地下水化学组分含量高，不宜作为生活饮用水水源",
}


def graded(classes: pd.Series) -> pd.Series:
    """Where a class Ⅰ–Ⅴ was assigned. Stored classes are 1–5; 0 (or empty) means not graded
    (every value unreadable, not graded by the standard, or excluded as a non-detect), and such
    a sample or measurement counts in no class and no share."""
    return pd.to_numeric(classes, errors="coerce").fillna(0) > 0
