"""docs/developer.md's module tree and the pipeline picture are what the code says now.

The tree is written from each module's docstring (`helpers.runtime.module_tree`), the
picture from dvc.yaml and the stages' imports (`helpers.runtime.pipeline_picture`);
both checks fail when a module is missing, a line is stale or the picture is old.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from support import REPO

from helpers.runtime import module_tree, pipeline_picture

DOC = REPO / module_tree.DOC
PACKAGE = REPO / "src" / "helpers"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    root = tmp_path / "src" / "helpers"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_the_doc_names_every_module_with_its_docstring():
    assert module_tree.problems(DOC.read_text(encoding="utf-8"), PACKAGE) == [], (
        "run `make docs-tree` and commit docs/developer.md"
    )


def test_every_module_and_package_has_a_line():
    lines = module_tree.tree(PACKAGE)
    modules = [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(lines) >= len(modules)
    for path in modules:
        name = path.parent.name + "/" if path.name == "__init__.py" else path.name
        name = "src/helpers/" if path.parent == PACKAGE and name == "helpers/" else name
        assert any(line.strip().startswith(name) for line in lines), path


def test_a_module_missing_from_the_doc_is_reported(package_copy):
    doc = DOC.read_text(encoding="utf-8")
    (package_copy / "runtime" / "newcomer.py").write_text(
        '"""A module nobody wrote into the doc yet."""\n', encoding="utf-8"
    )
    found = module_tree.problems(doc, package_copy)
    assert len(found) == 1, found
    assert found[0].startswith("docs/developer.md: missing or stale line: newcomer.py")
    assert found[0].endswith(" A module nobody wrote into the doc yet")


def test_a_stale_docstring_line_is_reported(package_copy):
    doc = DOC.read_text(encoding="utf-8")
    path = package_copy / "indicators" / "frames.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("stay fast at country size", "are quick"), encoding="utf-8")
    found = module_tree.problems(doc, package_copy)
    assert any("frames.py" in line and "are quick" in line for line in found), found
    assert any("not from the docstrings" in line and "country size" in line for line in found)


def test_a_doc_without_markers_is_reported():
    assert module_tree.problems("# no tree here\n", PACKAGE) == [
        f"docs/developer.md: no module tree between {module_tree.START!r} and {module_tree.END!r}"
    ]


def test_write_puts_the_tree_between_the_markers(tmp_path, package_copy):
    doc = tmp_path / "developer.md"
    doc.write_text(f"before\n{module_tree.START}\nold\n{module_tree.END}\nafter\n")
    assert module_tree.write(doc, package_copy)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("before\n") and text.endswith("after\n")
    assert module_tree.problems(text, package_copy) == []
    assert not module_tree.write(doc, package_copy)


def test_the_summary_is_the_docstrings_first_sentence(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('"""First part: e.g. this one.\n\nMore. Detail."""\n', encoding="utf-8")
    assert module_tree.summary(path) == "First part: e.g"
    path.write_text('"""Runs the stage: one\nline on two. Then more."""\n', encoding="utf-8")
    assert module_tree.summary(path) == "Runs the stage: one line on two"


@pytest.fixture(scope="module")
def picture() -> str:
    """The picture of this checkout (computing the closures takes a few seconds)."""
    return pipeline_picture.svg(REPO)


def test_the_committed_picture_is_current(picture):
    committed = (REPO / pipeline_picture.PICTURE).read_text(encoding="utf-8")
    assert committed == picture, "run `make docs-tree` and commit it"


def test_the_picture_shows_every_stage_with_its_module_and_inputs(picture):
    for stage in ("revisions", "fetch", "validate", "indicators", "analyse", "report"):
        assert f">stages/{stage}.py<" in picture
    assert ">analyse, joint, indicators, profiles, validate<" in picture


def test_a_new_stage_makes_the_picture_stale(tmp_path, picture):
    root = tmp_path / "project"
    for folder in ("src", "notebooks", "params"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    revisions = Path("pipeline", "revisions", "dvc.yaml")
    (root / revisions.parent).mkdir(parents=True)
    shutil.copy(REPO / revisions, root / revisions)
    dvc = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))
    dvc["stages"]["extra"] = {"cmd": "sh bin/wijkmonitor report", "deps": ["data/processed/joint"]}
    (root / "dvc.yaml").write_text(yaml.safe_dump(dvc), encoding="utf-8")
    changed = pipeline_picture.svg(root)
    assert changed != picture
    assert ">extra<" in changed and ">stages/report.py<" in changed and ">joint<" in changed
