"""Shared fixtures: the project root and the real CBS data in ../shared; the tiers.

tests/unit/ (no subprocess, kernel or network: guarded in its conftest),
tests/integration/ (real libraries, kernels, loopback servers, Chromium),
tests/pipeline/ (real `dvc repro` on copies of the project, marked `pipeline`) and
tests/backtests/ (indicator tables against an independent reference)."""

from __future__ import annotations

import os
import re
import shutil
from functools import cache
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


BUILT_ONCE = re.compile(r"""scope=["'](?:module|class)["']""")


@cache
def builds_once(module: str) -> bool:
    """Whether a test module has a fixture made once for its tests (a project built, a
    server started): module- or class-scoped, defined in the module itself."""
    path = REPO / module
    return path.is_file() and BUILT_ONCE.search(path.read_text(encoding="utf-8")) is not None


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`make test` runs the tiers on both cores (`pytest -n 2 --dist loadscope`): the tests
    of a module that builds something once stay together on one worker, so it is built
    once; every other test goes alone to whichever worker is free. (pytest-xdist's
    `xdist_group` marks do nothing under pytest 9: its loadgroup rewrites a node id
    attribute pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByWhatModulesBuild(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            return module if builds_once(module) else nodeid

    return ByWhatModulesBuild(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier (its folder), so `-m unit` or `-m "not pipeline"` select."""
    for item in items:
        tier = next((part for part in item.path.parts if part in TIERS), None)
        if tier:
            item.add_marker(getattr(pytest.mark, tier))
