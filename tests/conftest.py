"""Test-session ordering: the longest integration modules start first.

``make test`` runs pytest on two workers, one module at a time each (``--dist loadfile``), in
collection order. A five-minute module collected last leaves one worker idle for most of that time,
so modules marked ``long(seconds=...)`` are moved to the front, longest first (longest processing
time first). Everything else keeps its order. Nothing here changes what a test asserts.
"""

from __future__ import annotations

import pytest


def _expected_seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("long")
    return float(marker.kwargs.get("seconds", 60)) if marker is not None else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_expected_seconds, reverse=True)  # stable: ties keep collection order
