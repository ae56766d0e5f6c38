"""Fixtures for the sandbox tests."""

from __future__ import annotations

import pytest
from sandbox_documents import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
