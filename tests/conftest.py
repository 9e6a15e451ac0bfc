"""Shared fixtures: the project root and the real CBS data in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import REPO, SHARED_CBS


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_cbs() -> Path:
    """The real CBS data in ../shared: required in CI, a skip elsewhere."""
    if not SHARED_CBS.is_dir():
        message = f"real CBS test data not found at {SHARED_CBS}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return SHARED_CBS
