"""gwlib tests turn every warning into an error (STYLE.md: `filterwarnings = error`).

Scoped here rather than in pyproject so third-party noise in app and e2e tests does not fail them.
The mark is prepended, so a test's own `@pytest.mark.filterwarnings("ignore:...")` still wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gwlib.store import Store

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not just this directory's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.filterwarnings("error"), append=False)


@pytest.fixture
def close_stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dispose every engine a test opened, so no connection outlives its database (a
    PostgreSQL connection left to the garbage collector fails a later test with a
    ResourceWarning). Use with ``pytestmark = pytest.mark.usefixtures("close_stores")``."""
    opened: list[Store] = []
    real_open = Store.open.__func__  # type: ignore[attr-defined]

    def tracking_open(cls: type[Store], *args: object, **kwargs: object) -> Store:
        store = real_open(cls, *args, **kwargs)
        opened.append(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(tracking_open))
    yield
    for store in opened:
        store.close()
