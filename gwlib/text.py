"""Text normalisation shared by every reader: full-width forms, brackets, stray spaces."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Bracketed qualifiers that do not change which indicator is meant:
# （以N计）, （总量）, （CODMn法，以O2计）.
_BASIS = re.compile(r"\((?:[^()]*以[^()]*计[^()]*|总量)\)")


def nfkc(text: object) -> str:
    """Unicode NFKC: full-width digits, letters, brackets and ＜ become their ASCII forms; µ→μ."""
    return unicodedata.normalize("NFKC", str(text))


def name_key(text: object) -> str:
    """Key for matching indicator names and column headers.

    Full- and half-width brackets, spaces and letter case do not matter:
    ``总硬度（以CaCO3计）`` and ``总硬度(以caco3计)`` have the same key.
    """
    s = nfkc(text)
    s = s.replace("[", "(").replace("]", ")").replace("〔", "(").replace("〕", ")")
    s = s.replace("【", "(").replace("】", ")")
    s = _SPACE.sub("", s)
    return s.casefold()


def strip_basis(key: str) -> str:
    """Drop a basis qualifier from a name key.

    ``氨氮(以n计)`` → ``氨氮``; ``三氯苯(总量)`` → ``三氯苯``.
    """
    return _BASIS.sub("", key)


def unit_key(text: object) -> str:
    """Key for matching units: NFKC, no spaces, case-folded.

    ``μg/L``, ``ug/l`` and ``µg/L`` agree.
    """
    s = name_key(text).replace("μ", "u").replace("升", "l")
    return s
