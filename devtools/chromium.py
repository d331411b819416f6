"""Debian's Chromium for browser tests and benchmarks, and the flags it needs on a machine with
no internet. Never run `playwright install`: it downloads a browser."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI containers
    "--disable-gpu",
    # Without these Chromium phones home, and a closed network refuses the connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
