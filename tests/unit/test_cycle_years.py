"""What each stage declares to DVC, and what a programme's fingerprint covers.

The rerun scope itself is tested on the real `dvc repro` in tests/pipeline/test_pipeline.py;
these are the fast checks of the declarations it rests on.
"""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pandas as pd
import yaml
from support import REPO

from helpers.config import Paths, Programme
from helpers.config.stage_params import (
    declared_programme_params,
    generated_programme_params,
    missing_programme_params,
    rewrite_programme_params,
)
from helpers.report import data_years
from helpers.report.data_years import edition_line, latest_published_year
from helpers.stages.analyse import fingerprint_files

PER_PROGRAMME_STAGES = {"fetch", "harmonise", "demo", "validate", "indicators", "joint"}
# What only the notebooks and reports show: a new deep dive or a reworded description
# reruns `analyse` and `report`, never the indicator tables.
REPORT_ONLY_KEYS = {"deep_dives", "description", "place", "contact"}


def test_stages_reading_some_keys_declare_every_programme_of_the_cycle(project):
    declared = declared_programme_params(REPO / "dvc.yaml")
    assert set(declared) == PER_PROGRAMME_STAGES
    for stage, files in declared.items():
        assert set(files) == {f"params/programmes/{k}.yaml" for k in project.cycle.programmes}
        keys = list(files.values())
        assert all(k == keys[0] and k for k in keys), stage  # the same keys, never whole
        # the target status (indicators) and the joint report's charts read the targets
        assert ("targets" in keys[0]) == (stage in {"indicators", "joint"}), stage
        assert "deep_dives" not in keys[0], stage  # a new deep dive reruns `analyse` only
        assert missing_programme_params(REPO / "dvc.yaml", stage, project.cycle.programmes) is None


def test_the_indicators_stage_declares_every_programme_key_but_the_report_only_ones():
    """A programme key the model gains is read by the indicator engine unless it is one
    of the report-only keys: declared, or DVC would not rerun `indicators` for it."""
    declared = declared_programme_params(REPO / "dvc.yaml")["indicators"]
    keys = set(declared["params/programmes/overvecht.yaml"])
    assert keys == set(Programme.model_fields) - REPORT_ONLY_KEYS


def test_a_new_programme_missing_from_a_stage_is_named_with_what_to_add(tmp_path: Path):
    dvc_yaml = tmp_path / "dvc.yaml"
    shutil.copyfile(REPO / "dvc.yaml", dvc_yaml)
    message = missing_programme_params(dvc_yaml, "harmonise", ["overvecht", "rotterdam_zuid"])
    assert message is not None
    assert message.startswith("dvc.yaml: stage harmonise does not declare")
    assert "rotterdam_zuid" in message
    assert "      - params/programmes/rotterdam_zuid.yaml:\n          - areas" in message
    assert missing_programme_params(dvc_yaml, "analyse", ["rotterdam_zuid"]) is None


def test_the_programme_blocks_are_generated_from_the_first_for_every_programme(
    project, tmp_path: Path
):
    """`make deps` writes each stage's per-programme params from its first programme's
    keys; the shipped dvc.yaml is what it writes, and a new programme gets its blocks
    in every stage that reads some keys, so none is copied by hand."""
    shipped = (REPO / "dvc.yaml").read_text(encoding="utf-8")
    keys = list(project.cycle.programmes)
    assert generated_programme_params(shipped, keys) == shipped
    dvc_yaml = tmp_path / "dvc.yaml"
    dvc_yaml.write_text(shipped, encoding="utf-8")
    assert rewrite_programme_params(dvc_yaml, [*keys, "rotterdam_zuid"])
    for stage in PER_PROGRAMME_STAGES:
        assert missing_programme_params(dvc_yaml, stage, [*keys, "rotterdam_zuid"]) is None
    declared = declared_programme_params(dvc_yaml)
    assert (
        declared["joint"]["params/programmes/rotterdam_zuid.yaml"]
        == (declared["joint"]["params/programmes/overvecht.yaml"])
    )
    stages = yaml.safe_load(dvc_yaml.read_text(encoding="utf-8"))["stages"]
    assert set(stages) == set(yaml.safe_load(shipped)["stages"]), "nothing else changed"
    drifted = shipped.replace(
        "      - params/programmes/vollenhove.yaml:\n          - areas\n      - params/pro",
        "      - params/programmes/vollenhove.yaml:\n          - goals\n      - params/pro",
    )
    assert drifted != shipped
    assert generated_programme_params(drifted, keys) == shipped, "a drifted copy is rewritten"


def test_no_params_file_is_both_a_dep_and_a_param_and_cycle_years_is_declared_once():
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    for name, stage in stages.items():
        params = {f: k for e in stage.get("params", []) for f, k in e.items()}
        assert not set(params) & set(stage.get("deps", [])), name
        cycle_keys = params.get("params/cycle.yaml") or []
        assert "cycle" not in cycle_keys, name  # `cycle` beside `cycle.years`: shown twice


def test_a_deep_dive_is_fingerprinted_only_for_the_programmes_that_list_it(project):
    paths = Paths.from_root(REPO)
    dive = "notebooks/deep_dives/eenzaamheid.ipynb"
    listed = {
        key: {str(p.relative_to(REPO)) for p in fingerprint_files(project, paths, key)}
        for key in project.cycle.programmes
    }
    for key, files in listed.items():
        has = "eenzaamheid" in project.programmes[key].deep_dives
        assert (dive in files) == has, key
        assert "notebooks/programme.ipynb" in files and "notebooks/joint.ipynb" not in files
    assert any(dive in files for files in listed.values())


def test_the_edition_line_names_the_year_of_the_newest_shown_figure():
    """Peiljaar 2025 with figures up to 2024 (a survey every other year): the line
    above the figures says 2024; a withheld or missing 2025 value does not count."""
    table = pd.DataFrame(
        {
            "area_role": ["programma", "programma", "programma", "gemeente"],
            "year": [2024, 2025, 2025, 2025],
            "value": [47.5, 12.0, None, 50.1],
            "suppressed": [False, True, False, False],
        }
    )
    assert latest_published_year(table) == 2024
    line = edition_line(2025, 2020, latest_published_year(table))
    assert line.startswith("peiljaar 2025, nulmeting 2020; ")
    assert "de nieuwste cijfers zijn van 2024" in line and "cijfers van 2025" not in line
    assert edition_line(2024, 2020, 2024) == "peiljaar 2024, nulmeting 2020"
    failed, tried = doctest.testmod(data_years)
    assert tried >= 3 and failed == 0
