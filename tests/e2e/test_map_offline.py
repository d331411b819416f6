"""The map page with the machine cut off from the internet: the app and Chromium run in a new
network namespace that has only loopback. Leaflet must load from the app itself, polygons and
points must be drawn, and no request may go to any other host."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

PROBE = Path(__file__).with_name("offline_probe.py")
SCREENSHOT = Path(__file__).parent / "screenshots" / "map-offline.png"


def test_map_works_without_internet(tmp_path: Path, demo_url: str) -> None:
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to cut the test off from the network"
    url = demo_url  # the app only reads it
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "streamlit.log"
    run = subprocess.run(
        [unshare, "--net", sys.executable, str(PROBE), "--db", url, "--shot", str(SCREENSHOT),
         "--log", str(log)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    server_log = log.read_text(errors="replace")[-5000:] if log.exists() else ""
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}\n--- server ---\n{server_log}"
    result = json.loads(run.stdout.strip().splitlines()[-1])

    assert result["internet_reachable"] is False  # the namespace really is cut off
    assert result["leaflet"] == "1.9.4"  # window.L in the map iframe, from static/vendor
    assert result["markercluster"] == "function"
    assert result["leaflet_css"] == "hidden"  # leaflet.css applied (.leaflet-container)
    assert result["map"] is True
    assert result["polygons"] >= 10  # county, townships, protection zones, 补给区
    assert result["circles"] >= 40  # monitoring points, sources, pollution sources
    assert result["clusters"] >= 1  # abandoned wells
    assert result["exceptions"] == []
    hosts = {urlsplit(u).hostname for u in result["requests"]}
    assert hosts == {"127.0.0.1"}, hosts
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in result["requests"])
    assert result["failed"] == []
