"""The 一张图 map page with 100,000 abandoned wells: payload and time to a drawn marker.

    python -m bench.bench_map [--wells 100000] [--seed 4]

Builds two temporary SQLite databases — the seeded demo (300 wells) and the demo plus
``--wells`` seeded random wells inside the county — starts the app on each, opens ``/map`` in
Chromium (/usr/bin/chromium) and prints, per database:

- bytes received over Streamlit's websocket while the page loads (the map arrives this way),
- seconds from navigation to the first drawn well cluster in the map iframe,
- seconds from navigation to the script finishing (server-side run of the page),
- the server's time to run the findings rules once (in process, for reference).

Asserts nothing about time; run it on the target hardware for figures that matter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import shapely

from gwlib.demo import build_demo
from gwlib.demo.places import county_feature
from gwlib.findings import Layers, find_all
from gwlib.model import WELL_SUBTYPES, AbandonedWell, WellCategory, WellStatus
from gwlib.store import Store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 300_000


def add_wells(url: str, n: int, seed: int) -> None:
    """``n`` seeded random wells inside the county, statuses weighted like a real ledger."""
    rng = np.random.default_rng(seed)
    county = shapely.geometry.shape(county_feature()["geometry"])
    minx, miny, maxx, maxy = county.bounds
    xs: list[float] = []
    ys: list[float] = []
    while len(xs) < n:
        x = rng.uniform(minx, maxx, 2 * n)
        y = rng.uniform(miny, maxy, 2 * n)
        ok = shapely.contains_xy(county, x, y)
        xs.extend(x[ok].tolist())
        ys.extend(y[ok].tolist())
    statuses = [s for s in WellStatus if s is not WellStatus.DEFERRED]
    weights = np.array([0.25, 0.2, 0.15, 0.1, 0.1, 0.2])
    picks = rng.choice(len(statuses), size=n, p=weights / weights.sum())
    cats = list(WellCategory)
    wells = [
        AbandonedWell(
            code=f"BM-{i:06d}",
            category=cats[i % 3],
            subtype=WELL_SUBTYPES[cats[i % 3]][0],
            township="古绛镇",
            village=f"基准村{i % 500}",
            lon=round(xs[i], 6),
            lat=round(ys[i], 6),
            status=statuses[picks[i]],
        )
        for i in range(n)
    ]
    with Store.open(url) as store:
        store.upsert_wells(wells)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def measure(url: str, log: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "GWLIB_DB_URL": url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            received = [0]

            def on_ws(ws) -> None:  # type: ignore[no-untyped-def]
                ws.on("framereceived", lambda payload: received.__setitem__(
                    0, received[0] + len(payload)))  # fmt: skip

            page.on("websocket", on_ws)
            t0 = time.perf_counter()
            page.goto(f"{base}/map", timeout=TIMEOUT_MS)
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            frame.locator(".gw-cluster").first.wait_for(timeout=TIMEOUT_MS)
            first_marker = time.perf_counter() - t0
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS
            )
            script_done = time.perf_counter() - t0
            page.wait_for_timeout(1000)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {"payload_mb": received[0] / 1e6, "first_marker_s": first_marker,
            "script_done_s": script_done}  # fmt: skip


def findings_time(url: str) -> tuple[float, int]:
    with Store.open(url) as s:
        layers = Layers(s.zones(), s.wells(), s.drinking_sources(), s.pollution_sources(),
                        s.points(), s.samples())  # fmt: skip
    t0 = time.perf_counter()
    found = find_all(layers, dt.date(2025, 12, 31))
    return time.perf_counter() - t0, len(found)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wells", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
          f"{platform.python_version()}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench_map_") as tmp:
        demo = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        big = f"sqlite:///{Path(tmp) / 'big.sqlite'}"
        build_demo(demo)
        build_demo(big)
        t0 = time.perf_counter()
        add_wells(big, args.wells, args.seed)
        print(f"added {args.wells} wells in {time.perf_counter() - t0:.1f} s")
        for label, url in (("demo (300 wells)", demo), (f"demo + {args.wells} wells", big)):
            secs, n = findings_time(url)
            m = measure(url, Path(tmp) / "streamlit.log")
            print(f"{label:>24}: websocket payload {m['payload_mb']:.2f} MB, first drawn "
                  f"marker {m['first_marker_s']:.2f} s, script done {m['script_done_s']:.2f} s, "
                  f"findings {n} in {secs:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
