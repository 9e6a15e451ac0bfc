"""Shared fixtures: the project root and the real CBS data in ../shared; the tiers.

tests/unit/ (no subprocess, kernel or network: guarded in its conftest),
tests/integration/ (real libraries, kernels, loopback servers, Chromium),
tests/pipeline/ (real `dvc repro` on copies of the project, marked `pipeline`) and
tests/backtests/ (indicator tables against an independent reference)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import REPO, SHARED_CBS
from validate_fixtures import write_sources

from helpers.config import Paths, Project, load_project


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


TIERS = ("unit", "integration", "pipeline", "backtests")


def builds_in_its_module(item: pytest.Item) -> bool:
    """Whether the test uses a module-scoped fixture its own module defines (a project
    built or a server started once for the module's tests)."""
    fixtures = getattr(item, "_fixtureinfo", None)
    if fixtures is None:
        return False
    return any(
        definition.scope in ("module", "class") and definition.baseid == item.nodeid.split("::")[0]
        for definitions in fixtures.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier (its folder), so `-m unit` or `-m "not pipeline"` select.

    `make test` runs the tiers on both cores (`pytest -n 2 --dist loadgroup`): the tests
    of a module that builds something once for all of them stay on one worker, so it is
    built once; every other test goes to whichever worker is free."""
    for item in items:
        tier = next((part for part in item.path.parts if part in TIERS), None)
        if tier:
            item.add_marker(getattr(pytest.mark, tier))
        if builds_in_its_module(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
