"""The committed .streamlit/config.toml: the settings the security review asked for, each one an
option Streamlit knows (a misspelt key is ignored by Streamlit without a word)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from streamlit import config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"


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
    pages' export buttons (gwlib.io.export) are the way out."""
    assert _settings()["client.disableDataExport"] is True


def _effective(*flags: str) -> str:
    """`streamlit config show` in the repository: the settings a `streamlit run` would use."""
    run = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show", *flags],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return run.stdout


def test_plain_streamlit_run_listens_on_this_machine_only() -> None:
    assert _settings()["server.address"] == "127.0.0.1"
    assert '\naddress = "127.0.0.1"\n' in _effective()
    # ./dev.sh run and the bundle's run.sh (both through scripts/serve.sh) pass GWLIB_ADDRESS on
    # the command line, and the command line wins.
    serve = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert "address=${GWLIB_ADDRESS:-127.0.0.1}" in serve
    assert '--server.address "$address"' in serve
    assert '\naddress = "0.0.0.0"\n' in _effective("--server.address", "0.0.0.0")


def test_deploy_doc_shows_proxy_headers_and_keeps_upload_urls_out_of_logs() -> None:
    """docs/deploy.md: the headers a reverse proxy adds, and an access-log format that drops
    the session id from Streamlit's upload URL (checked against Streamlit's own route)."""
    from streamlit.web.server.server import UPLOAD_FILE_ENDPOINT

    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for header in ('X-Frame-Options "SAMEORIGIN"', "frame-ancestors 'self'",
                   "Strict-Transport-Security", "X-Content-Type-Options"):  # fmt: skip
        assert header in doc, header
    assert f"{UPLOAD_FILE_ENDPOINT}/)" in doc  # the map's pattern
    assert "log_format gw" in doc and "$gw_logged_uri" in doc and "access_log" in doc


def test_error_boxes_have_no_outside_links() -> None:
    """Streamlit's error box offers "Ask Google / Ask ChatGPT" links ("auto": shown on
    localhost, so on a county PC running ./dev.sh run): never, in an intranet app."""
    assert _settings()["client.showErrorLinks"] is False
    assert "\nshowErrorLinks = false\n" in _effective()
