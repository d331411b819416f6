"""Small file helpers shared by tests."""

from __future__ import annotations

from pathlib import Path


def text_file(folder: Path, name: str, text: str) -> Path:
    """``text`` written to ``folder/name`` (UTF-8)."""
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p
