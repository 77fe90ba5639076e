"""Fixtures for the task reader tests: small files written in the real public formats."""

from __future__ import annotations

from pathlib import Path

import pytest

TASK_FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def task_fixtures() -> Path:
    return TASK_FIXTURES
