"""Loading params: a subset of programmes is a valid cycle; a typo names file and key."""

from __future__ import annotations

import shutil

import pytest
import yaml
from support import REPO

from helpers.config import ParamsError, Paths, load_project


@pytest.fixture
def params_copy(tmp_path):
    for folder in ("params", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Paths.from_root(tmp_path)


def _edit(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_cycle_of_one_programme_keeps_the_logbook_of_the_others(params_copy):
    """What `dvc exp run -S params/cycle.yaml:programmes=[overvecht]` gives each experiment."""
    entries = yaml.safe_load(params_copy.logbook_file.read_text(encoding="utf-8"))["entries"]
    logged = {entry["programme"] for entry in entries}
    assert logged - {"all", "overvecht"}, "the logbook should name other programmes too"
    _edit(params_copy.cycle_file, lambda data: data.update(programmes=["overvecht"]))
    assert list(load_project(params_copy).programmes) == ["overvecht"]


def test_a_logbook_entry_for_an_unknown_programme_names_file_and_key(params_copy):
    _edit(params_copy.logbook_file, lambda data: data["entries"][0].update(programme="overvect"))
    with pytest.raises(ParamsError, match=r"logbook.yaml: key entries\[0\].programme: .*overvect"):
        load_project(params_copy)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"change": "target_changed", "programme": "overvecht"}, "names its `indicator`"),
        (
            {"change": "target_changed", "programme": "all", "indicator": "eenzaamheid"},
            "names its `programme`",
        ),
        (
            {"change": "programme_added", "programme": "overvecht", "indicator": "eenzaamheid"},
            "has no `indicator`",
        ),
    ],
    ids=["target-without-indicator", "target-for-all", "programme-with-indicator"],
)
def test_logbook_entries_carry_the_fields_of_their_change(params_copy, entry, message):
    base = {"date": "2026-11-30", "from_year": 2024, "reason": "stuurgroep"}
    _edit(params_copy.logbook_file, lambda data: data["entries"].append({**base, **entry}))
    with pytest.raises(ParamsError, match=rf"(?s)logbook.yaml: .*entries\[\d+\].*{message}"):
        load_project(params_copy)


def test_target_and_programme_changes_are_logbook_types(params_copy):
    base = {"date": "2026-11-30", "from_year": 2024, "reason": "besluit stuurgroep"}
    added = [
        {**base, "change": "target_changed", "programme": "overvecht", "indicator": "eenzaamheid"},
        {**base, "change": "programme_added", "programme": "vollenhove"},
        {**base, "change": "programme_ended", "programme": "soesterkwartier"},
    ]
    _edit(params_copy.logbook_file, lambda data: data["entries"].extend(added))
    changes = {entry.change for entry in load_project(params_copy).logbook.entries}
    assert {"target_changed", "programme_added", "programme_ended"} <= changes
