"""The benchmark's generated country table is a valid KWB table of the requested size."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from support import REPO

from helpers.config import Paths, load_project
from helpers.validation.kwb import kwb_suite
from helpers.validation.runner import Validator

sys.path.insert(0, str(REPO / "benchmarks"))
from bench import KERNEL_IMPORTS, country_table


def test_country_table_has_the_size_asked_and_validates(tmp_path):
    project = load_project(Paths.from_root(REPO))
    table = country_table(project, 2024, areas=600, columns=40)
    assert len(table["TypedDataSet"]) == 600
    assert len(table["TypedDataSet"][0]) - 2 == 40  # ID and WijkenEnBuurten are not topics
    paths = Paths(tmp_path)
    folder = paths.raw_cbs / project.cycle.kwb_table(2024)
    folder.mkdir(parents=True)
    for name, records in table.items():
        (folder / f"{name}.json").write_text(json.dumps(records))
    assert not kwb_suite(Validator(), project, paths, 2024).failed


def test_the_kernel_yardstick_imports_what_the_annual_report_imports():
    """The engine is measured against a kernel start plus the report notebook's first
    imports; they are read from the notebook, and they must import."""
    assert "from helpers import report" in KERNEL_IMPORTS
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-c", KERNEL_IMPORTS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_fan_out_step_generates_programmes_the_params_screen_accepts(tmp_path):
    """The fan-out step's generated programmes pass loading and the personal-data screen
    every stage runs first: named after demo buurten, three read as surnames and the
    step stopped at `wijkmonitor fetch`."""
    from bench import generated_programmes

    from helpers.validation import params_text

    root = tmp_path / "project"
    shutil.copytree(REPO / "params", root / "params")
    shutil.copy(REPO / "dvc.yaml", root / "dvc.yaml")
    keys = generated_programmes(root, 20)
    paths = Paths.from_root(root)
    project = load_project(paths)
    assert sorted(project.cycle.programmes) == sorted(keys) and len(keys) == 20
    params_text.screen(project, paths)
