"""Where the data lives. One URL picks the database; everything else follows.

* ``GWLIB_DB_URL`` — SQLAlchemy URL, e.g. ``postgresql+psycopg://gw@db/gw``. When unset, an
  embedded SQLite file ``gwlib.sqlite`` in the data directory (created on first start).
* ``GWLIB_DATA_DIR`` — data directory outside the source tree (default
  ``~/.local/share/gwlib``); attachments, the embedded database and the backup signing key
  (``backup.key``) live here.
* ``GWLIB_BACKUP_KEY`` — the backup signing key itself, instead of the key file (a secret store
  or a service manager's credential can put it there).

The Streamlit app may also take the URL from ``st.secrets["db"]["url"]`` (see gwui.loaders).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Reference data shipped with the code (standards, units, boundaries, fonts, the demo's inputs).
REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data"

ENV_DB_URL = "GWLIB_DB_URL"
ENV_DATA_DIR = "GWLIB_DATA_DIR"
ENV_BACKUP_KEY = "GWLIB_BACKUP_KEY"


def data_dir() -> Path:
    raw = os.environ.get(ENV_DATA_DIR, "").strip()
    return Path(raw).expanduser() if raw else Path.home() / ".local" / "share" / "gwlib"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'gwlib.sqlite'}"


def resolve_db_url(explicit: str | None = None) -> str:
    """The database URL: ``explicit``, else ``GWLIB_DB_URL``, else the embedded SQLite file."""
    if explicit and explicit.strip():
        return explicit.strip()
    env = os.environ.get(ENV_DB_URL, "").strip()
    return env or default_db_url()


def attachments_dir() -> Path:
    """Where ledger attachments (photos, sealing records, acceptance reports) are kept:
    ``GWLIB_ATTACHMENTS_DIR``, else ``attachments`` in the data directory."""
    raw = os.environ.get("GWLIB_ATTACHMENTS_DIR", "").strip()
    return Path(raw).expanduser() if raw else data_dir() / "attachments"


def backup_key_file() -> Path:
    """The backup signing key of this installation, created by the first backup (mode 0600)."""
    return data_dir() / "backup.key"
