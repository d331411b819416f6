"""The committed .streamlit/config.toml: the settings the security review asked for, each one an
option Streamlit knows (a misspelt key is ignored by Streamlit without a word)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def _settings() -> dict[str, object]:
    doc = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    return {
        f"{section}.{key}": value for section, items in doc.items() for key, value in items.items()
    }


def test_every_key_is_a_streamlit_option() -> None:
    known = config.get_config_options()
    unknown = sorted(k for k in _settings() if k not in known)
    assert not unknown, f"not Streamlit options: {unknown}"


def test_tables_have_no_built_in_download() -> None:
    """st.dataframe's own CSV download writes "=HYPERLINK(…)" as a live formula: off. The
    pages' export buttons (gwlib.export) are the way out."""
    assert _settings()["client.disableDataExport"] is True
