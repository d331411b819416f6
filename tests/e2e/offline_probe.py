"""Open the map page in Chromium on a machine cut off from the internet, and report what loaded.

Run inside a new network namespace that has only loopback (``unshare --net``; the test
``test_map_offline.py`` does this): it brings ``lo`` up, proves that an outside address cannot be
reached, starts the app on 127.0.0.1, opens ``/map`` and prints one JSON object:
``{"leaflet": ..., "polygons": n, "circles": n, "clusters": n, "requests": [...], ...}``.

    unshare --net python tests/e2e/offline_probe.py --db sqlite:///demo.sqlite --shot map.png
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
TIMEOUT_MS = 120_000

COUNT_JS = """() => {
    const L = window.L;
    if (!L) { return {leaflet: null}; }
    const map = Object.values(window).find(v => v instanceof L.Map);
    let polygons = 0, circles = 0;
    if (map) {
        map.eachLayer(l => {
            if (l instanceof L.Polygon && l._parts && l._parts.length) { polygons += 1; }
            else if (l instanceof L.CircleMarker && map.getBounds().contains(l.getLatLng())) {
                circles += 1;
            }
        });
    }
    return {
        leaflet: L.version,
        markercluster: typeof L.markerClusterGroup,
        map: Boolean(map),
        polygons: polygons,
        circles: circles,
        clusters: document.querySelectorAll('.gw-cluster').length,
        svg_paths: document.querySelectorAll('path.leaflet-interactive').length,
        leaflet_css: getComputedStyle(document.querySelector('.leaflet-container')).overflow,
    };
}"""


def loopback_up() -> None:
    """``ip link set lo up`` without iproute2 (a fresh namespace starts with lo down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        req = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock, SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def internet_reachable() -> bool:
    try:
        socket.create_connection(("1.1.1.1", 443), timeout=3).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit("streamlit not healthy in time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--shot", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    loopback_up()
    result: dict[str, object] = {"internet_reachable": internet_reachable()}
    port = free_port()
    env = {**os.environ, "GWLIB_DB_URL": args.db}
    with open(args.log, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(f"{base}/_stcore/health", proc)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1400, "height": 1300}, locale="zh-CN")
            requests: list[str] = []
            failed: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(f"{base}/map", timeout=TIMEOUT_MS)
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS
            )
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            frame.locator(".gw-cluster").first.wait_for(timeout=TIMEOUT_MS)
            page.wait_for_timeout(1500)  # let the canvas and SVG layers settle
            result.update(frame.locator("body").evaluate(COUNT_JS))
            result["exceptions"] = page.locator("[data-testid='stException']").all_inner_texts()
            page.screenshot(path=args.shot, full_page=True)
            result["requests"] = sorted(set(requests))
            result["failed"] = sorted(set(failed))
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
