"""Each stage's code deps in dvc.yaml are exactly the import closure of its stage module
and its notebooks (`helpers.runtime.code_deps`), and the check fails on any drift."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from support import REPO

from helpers.runtime.code_deps import differences, rewrite, stage_deps


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """dvc.yaml, src/ and notebooks/ of the project: what the closures are computed from."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "dvc.yaml", root / "dvc.yaml")
    revisions = Path("pipeline", "revisions", "dvc.yaml")
    (root / revisions.parent).mkdir(parents=True)
    shutil.copy(REPO / revisions, root / revisions)
    shutil.copytree(REPO / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    return root


def declared(root: Path, stage: str) -> list[str]:
    dvc = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))
    return [d for d in dvc["stages"][stage]["deps"] if str(d).startswith("src/")]


def test_every_stage_declares_exactly_its_import_closure():
    assert differences(REPO) == {}, "run `make deps` and commit dvc.yaml"


def test_a_removed_dep_is_reported_missing(project_copy):
    text = (project_copy / "dvc.yaml").read_text(encoding="utf-8")
    line = "      - src/helpers/indicators/precision.py\n"
    start = text.index("  indicators:\n")
    at = text.index(line, start)
    (project_copy / "dvc.yaml").write_text(text[:at] + text[at + len(line) :], encoding="utf-8")
    found = differences(project_copy)
    assert found == {
        "indicators": {"missing": ["src/helpers/indicators/precision.py"], "extra": []}
    }
    assert rewrite(project_copy) and differences(project_copy) == {}
    assert "src/helpers/indicators/precision.py" in declared(project_copy, "indicators")


def test_a_new_import_is_reported_and_a_dropped_one_is_extra(project_copy):
    stage = project_copy / "src" / "helpers" / "stages" / "demo.py"
    text = stage.read_text(encoding="utf-8")
    stage.write_text(
        text.replace(
            "from helpers.runtime.console import log\n",
            "from helpers.indicators.frames import tiled  # noqa: F401\n"
            "from helpers.runtime.console import log\n",
        ),
        encoding="utf-8",
    )
    found = differences(project_copy)
    assert found["demo"]["missing"] == [
        "src/helpers/indicators/__init__.py",
        "src/helpers/indicators/frames.py",
    ]
    stage.write_text(text, encoding="utf-8")
    extra = project_copy / "dvc.yaml"
    dvc = extra.read_text(encoding="utf-8")
    extra.write_text(
        dvc.replace(
            "      - src/helpers/stages/demo.py\n",
            "      - src/helpers/stages/demo.py\n      - src/helpers/report/plots.py\n",
            1,
        ),
        encoding="utf-8",
    )
    assert differences(project_copy)["demo"] == {
        "missing": [],
        "extra": ["src/helpers/report/plots.py"],
    }


def test_notebook_stages_follow_their_notebooks_and_others_do_not():
    deps = stage_deps(REPO, yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8")))
    for stage in ("analyse", "joint", "profiles"):
        assert "src/helpers/report/plots.py" in deps[stage], stage
    assert "src/helpers/report/plots.py" not in deps["indicators"]
    assert "src/helpers/indicators/precision.py" in deps["indicators"]
    assert "src/helpers/sources/demo_regions.csv" in deps["fetch"], "package data it reads"
    # a lazy facade's modules count only where the facade itself is imported
    assert "src/helpers/report/glance.py" not in deps["indicators"]
    assert "src/helpers/report/glance.py" in deps["analyse"]
    for stage, files in deps.items():
        assert f"src/helpers/stages/{stage}.py" in files and "src/helpers/cli.py" in files


def test_type_checking_imports_are_not_deps(project_copy):
    module = project_copy / "src" / "helpers" / "stages" / "demo.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(
        text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from helpers.report import plots  # noqa: F401\n",
        ),
        encoding="utf-8",
    )
    assert "demo" not in differences(project_copy)


def test_the_revisions_stage_in_its_own_file_is_checked_too(project_copy):
    """The stage in pipeline/revisions/dvc.yaml (its own lock file) is held to its closure too."""
    path = project_copy / "pipeline" / "revisions" / "dvc.yaml"
    text = path.read_text(encoding="utf-8")
    line = "      - src/helpers/sources/cbs_revisions.py\n"
    assert line in text
    path.write_text(text.replace(line, "", 1), encoding="utf-8")
    assert differences(project_copy) == {
        "revisions": {"missing": ["src/helpers/sources/cbs_revisions.py"], "extra": []}
    }
    assert rewrite(project_copy) and differences(project_copy) == {}
    assert path.read_text(encoding="utf-8") == text
