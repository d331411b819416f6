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


@pytest.fixture(params=["sqlite", "postgresql"])
def results_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A database with points P1 and P2 (县控, target Ⅲ), editor zhang and viewer li, on SQLite
    and PostgreSQL: where the results import tests load their files."""
    from gwlib.quality.model import MonitoringPoint
    from tests.accounts import add_accounts

    url = (f"sqlite:///{tmp_path}/r.sqlite" if request.param == "sqlite"
           else request.getfixturevalue("fresh_pg_url"))  # fmt: skip
    s = Store.open(url)
    s.upsert_points(
        MonitoringPoint.from_row(
            {"code": c, "name": c, "category": "县控", "township": "古绛镇", "lon": 111.5,
             "lat": 35.5, "aquifer": "孔隙", "burial": "潜水", "target_class": 3}
        )
        for c in ("P1", "P2")
    )  # fmt: skip
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    yield s
    s.close()

