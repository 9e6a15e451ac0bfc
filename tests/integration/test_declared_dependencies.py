"""Declared dependencies match the imports (deptry, as `make lint` runs it): an import of a
package pyproject.toml does not declare fails, and so does a declared one never used."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import REPO, VENV_BIN

DEPTRY = str(VENV_BIN / "deptry")


def deptry(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DEPTRY, "src", "tests", "benchmarks", "--no-ansi"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    ignore = shutil.ignore_patterns("__pycache__", "node_modules")
    for folder in ("src", "tests", "benchmarks"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    return root


def test_the_project_declares_exactly_what_it_imports():
    result = deptry(REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_undeclared_import_fails(project_copy):
    pyproject = project_copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('    "pyarrow>=20",\n', ""), encoding="utf-8")
    result = deptry(project_copy)
    assert result.returncode == 1
    assert (
        "DEP003 'pyarrow' imported but it is a transitive dependency"
        in result.stdout + result.stderr
    )


def test_a_declared_dependency_never_imported_fails(project_copy):
    pyproject = project_copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('    "pyarrow>=20",\n', '    "pyarrow>=20",\n    "rich",\n'))
    result = deptry(project_copy)
    assert result.returncode == 1
    assert "DEP002 'rich' defined as a dependency but not used" in result.stdout + result.stderr
