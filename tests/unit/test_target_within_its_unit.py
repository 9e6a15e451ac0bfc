"""Issue 29: a target outside its unit's range (150% for a percentage) stops on loading."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers.config import ParamsError, Paths, load_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def params_copy(tmp_path):
    for folder in ("params", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Paths.from_root(tmp_path)


def _set_target(paths: Paths, value: float) -> None:
    path = paths.programme_file("overvecht")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["targets"] = [{"indicator": "ervaren_gezondheid", "year": 2026, "value": value}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("value", [150, 100.5, -3])
def test_a_percentage_target_outside_0_to_100_stops(params_copy, value):
    _set_target(params_copy, value)
    with pytest.raises(ParamsError, match=r"overvecht.yaml: key targets\[0\].value: .* outside"):
        load_project(params_copy)


@pytest.mark.parametrize("value", [0, 74, 100])
def test_a_percentage_target_inside_the_range_loads(params_copy, value):
    _set_target(params_copy, value)
    assert load_project(params_copy).programmes["overvecht"].targets[0].value == value
