"""gwlib tests turn every warning into an error (STYLE.md: `filterwarnings = error`).

Scoped here rather than in pyproject so third-party noise in app and e2e tests does not fail them.
The mark is prepended, so a test's own `@pytest.mark.filterwarnings("ignore:...")` still wins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not just this directory's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.filterwarnings("error"), append=False)
