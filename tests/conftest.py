"""Shared fixtures: the project root and the real CBS data in ../shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import REPO, SHARED_CBS
from validate_fixtures import write_sources

from helpers.config import Project, load_project
from helpers.paths import Paths


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


@pytest.fixture(scope="module")
def project() -> Project:
    """The project's own params, loaded once per test module."""
    return load_project(Paths.from_root(REPO))


@pytest.fixture(scope="module")
def written_root(project, tmp_path_factory) -> Path:
    """The hand-written sources of docs/data_formats.md, as a user brings them."""
    root = tmp_path_factory.mktemp("written")
    write_sources(project, root)
    return root


@pytest.fixture
def written(written_root, tmp_path) -> Path:
    """A private copy of `written_root`, free to corrupt."""
    copy = tmp_path / "written"
    shutil.copytree(written_root, copy)
    return copy
