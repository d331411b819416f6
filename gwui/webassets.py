"""Browser libraries the app serves itself, so the map works on an intranet with no internet.

The files come from npm packages pinned in ``package.json`` + ``package-lock.json`` (installed by
``./dev.sh`` with ``npm ci`` into the git-ignored ``node_modules/``). ``python -m gwui.webassets``
copies the few files the map needs into the git-ignored ``static/vendor/``; Streamlit serves
``./static`` at ``/app/static/`` (``server.enableStaticServing`` in ``.streamlit/config.toml``).

This module does not import streamlit, so dev.sh can run it before the app starts.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
STAMP = VENDOR / ".stamp"

#: destination under static/vendor → source under node_modules
FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css": (
        "leaflet.markercluster/dist/MarkerCluster.Default.css"
    ),
}

#: Streamlit serves ROOT/static/<path> at <base>/app/static/<path>.
URL_PREFIX = "app/static/vendor"


def stamp_text() -> str:
    """What the installed files were made from: the lock file and this file list."""
    lock = (ROOT / "package-lock.json").read_bytes()
    listing = "\n".join(f"{k}={v}" for k, v in sorted(FILES.items())).encode()
    return hashlib.sha256(lock + b"\0" + listing).hexdigest()


def missing() -> list[str]:
    """Vendor files that are not installed (empty when the map can be drawn offline)."""
    return [name for name in FILES if not (VENDOR / name).is_file()]


def up_to_date() -> bool:
    return not missing() and STAMP.is_file() and STAMP.read_text().strip() == stamp_text()


def install() -> None:
    """Copy the pinned files from node_modules/ into static/vendor/ (after ``npm ci``)."""
    absent = [src for src in FILES.values() if not (NODE_MODULES / src).is_file()]
    if absent:
        raise SystemExit(
            "node_modules 中缺少文件（请先在仓库根目录运行 npm ci）：" + "、".join(absent)
        )
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for dest, src in FILES.items():
        target = VENDOR / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE_MODULES / src, target)
    STAMP.write_text(stamp_text() + "\n")


def url(name: str, base_path: str = "") -> str:
    """Absolute URL path of a vendor file, e.g. ``/app/static/vendor/leaflet/leaflet.js``."""
    if name not in FILES:
        raise KeyError(name)
    base = base_path.strip("/")
    return "/" + "/".join(p for p in (base, URL_PREFIX, name) if p)


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if up_to_date() else 1)
    install()
    print(f"web assets installed in {VENDOR.relative_to(ROOT)} ({len(FILES)} files)")
