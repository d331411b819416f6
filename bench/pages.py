"""Every page's script under AppTest, in a process of its own (as an app process would be).

    python -m bench.pages DB_URL

Prints one JSON object: per page, the cold run (all caches cleared first), the median of two
warm runs, and the time the cold run spent in store reads (gwlib's ``Store._frame`` including
the fetch, plus any other SQL it executed); and the process's peak memory. Used by bench.run.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gwlib.store import Store

ROOT = Path(__file__).resolve().parents[1]


class StoreClock:
    """Seconds spent in store reads, counted once even when calls nest."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = threading.local()
        self._sql_start = threading.local()

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(self._depth, "n", 0)
            self._depth.n = depth + 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth.n = depth
                if depth == 0:
                    self.seconds += time.perf_counter() - t0

        return timed

    def install(self) -> None:
        Store._frame = self.wrap(Store._frame)  # type: ignore[method-assign]

        @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
        def before(*_: Any) -> None:
            self._sql_start.t = time.perf_counter()

        @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
        def after(*_: Any) -> None:
            if getattr(self._depth, "n", 0) == 0:  # not already counted by Store._frame
                self.seconds += time.perf_counter() - self._sql_start.t


def main() -> None:
    import streamlit as st
    import streamlit.runtime.state.session_state as session_state
    from streamlit.testing.v1 import AppTest

    from gwui.pages import PAGES

    session_state.SessionState._check_serializable = lambda self: None  # AppTest bookkeeping
    os.environ["GWLIB_DB_URL"] = sys.argv[1]
    clock = StoreClock()
    clock.install()
    out: dict[str, Any] = {"pages": {}}
    for spec in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        if not spec.default:  # a switch takes effect from a running app (as in the tests)
            at.run()
            at.switch_page(spec.path)
        st.cache_data.clear()  # each page's cold run reads everything it needs itself
        st.cache_resource.clear()
        runs, store_s = [], 0.0
        for n in range(3):
            before = clock.seconds
            t0 = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t0)
            if n == 0:
                store_s = clock.seconds - before
        error = " | ".join(at.exception[0].stack_trace[-3:])[-300:] if at.exception else ""
        if not error and not any(spec.title in t.value for t in at.title):
            error = f"page not shown (titles {[t.value for t in at.title]})"
        out["pages"][spec.title] = {
            "cold": runs[0], "warm": statistics.median(runs[1:]), "store": store_s,
            "error": error,
        }  # fmt: skip
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
