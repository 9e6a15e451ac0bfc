"""Target checks (the indicators stage, `status.warn_target_problems` and
`warn_target_baselines`): a warning naming file and key for a target a reader would
misread (met at the baseline, wrong direction, dated before the base year or in the
past, on an indicator without a direction)."""

from __future__ import annotations

import math
import shutil
import warnings

import pandas as pd
import pytest
import yaml
from support import REPO

from helpers import cli
from helpers.config import ParamsWarning, Paths, load_project
from helpers.indicators.status import (
    baseline_target_problems,
    warn_target_baselines,
    warn_target_problems,
)
from helpers.stages import indicators as indicators_stage


@pytest.fixture
def params_copy(tmp_path):
    for folder in ("params", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Paths.from_root(tmp_path)


def _set_target(paths: Paths, key: str, **target) -> None:
    path = paths.programme_file(key)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["targets"] = [target]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _messages(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, ParamsWarning)]


def test_the_project_params_load_without_target_warnings():
    paths = Paths.from_root(REPO)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParamsWarning)
        assert warn_target_problems(paths, load_project(paths)) == []


def test_a_target_dated_before_the_base_year_names_file_and_key(params_copy):
    _set_target(params_copy, "overvecht", indicator="ervaren_gezondheid", year=2019, value=75)
    with pytest.warns(ParamsWarning) as record:
        warn_target_problems(params_copy, load_project(params_copy))
    (message,) = _messages(record)
    assert "programmes/overvecht.yaml: key targets[0] (ervaren_gezondheid)" in message
    assert "before the base year 2020" in message


def test_a_target_dated_in_the_past_is_named(params_copy):
    _set_target(params_copy, "vollenhove", indicator="moeite_rondkomen", year=2023, value=20)
    with pytest.warns(ParamsWarning) as record:
        warn_target_problems(params_copy, load_project(params_copy))
    (message,) = _messages(record)
    assert "vollenhove.yaml: key targets[0] (moeite_rondkomen)" in message
    assert "lies in the past (this cycle reports on 2024)" in message


def test_a_target_on_an_indicator_without_direction_is_named(params_copy):
    _set_target(params_copy, "overvecht", indicator="inwoners", year=2026, value=30000)
    with pytest.warns(ParamsWarning) as record:
        warn_target_problems(params_copy, load_project(params_copy))
    assert any("direction neutral" in m for m in _messages(record))


def test_a_target_below_a_baseline_where_higher_is_better_is_the_wrong_direction(params_copy):
    """The issue's case: 70,2% in 2020, target 62,0% in 2026, higher is better."""
    paths = params_copy
    _set_target(paths, "overvecht", indicator="ervaren_gezondheid", year=2026, value=62)
    project = load_project(paths)
    problems = baseline_target_problems(paths, project, "overvecht", {"ervaren_gezondheid": 70.2})
    (message,) = problems
    assert "overvecht.yaml: key targets[0] (ervaren_gezondheid)" in message
    assert "wrong direction" in message and "met at the baseline" in message
    with pytest.warns(ParamsWarning, match="wrong direction"):
        warn_target_baselines(paths, project, "overvecht", {"ervaren_gezondheid": 70.2})


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (23.3, None),  # lower is better, target 20 below it: a real goal
        (20.0, "already met at the baseline"),
        (18.0, "wrong direction"),
        (math.nan, None),  # no published baseline: nothing to say
    ],
)
def test_lower_is_better_targets_against_their_baseline(base, expected):
    paths = Paths.from_root(REPO)
    project = load_project(paths)
    problems = baseline_target_problems(paths, project, "overvecht", {"moeite_rondkomen": base})
    if expected is None:
        assert problems == []
    else:
        (message,) = problems
        assert "key targets[1] (moeite_rondkomen)" in message and expected in message


def test_the_indicators_stage_takes_published_base_values_of_the_programme_area():
    project = load_project(Paths.from_root(REPO))
    table = pd.DataFrame(
        {
            "area_role": ["programma", "programma", "gemeente", "programma"],
            "year": [2020, 2020, 2020, 2022],
            "indicator_id": ["ervaren_gezondheid", "moeite_rondkomen", "eenzaamheid", "x"],
            "value": [70.2, 23.3, 40.0, 1.0],
            "suppressed": [False, True, False, False],
        }
    )
    assert indicators_stage.base_values(table, project) == {"ervaren_gezondheid": 70.2}


def test_the_cli_prints_a_params_warning_as_one_line(capsys):
    cli._show_warning(ParamsWarning("a.yaml: key targets[0] (x): past"), ParamsWarning, "f", 1)
    assert capsys.readouterr().err == "[wijkmonitor] warning: a.yaml: key targets[0] (x): past\n"
