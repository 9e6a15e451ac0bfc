"""The switch `wijkmonitor cycle close/open` flips on the `revisions` stage: watching CBS
(always changed, its output not cached: DVC rewrites it at every `dvc repro`) or frozen
(not always changed, its output cached so that the cycle's archive holds it). Read back
with PyYAML from the project's own pipeline/revisions/dvc.yaml, as DVC reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import REPO

from helpers.config import Paths
from helpers.runtime.cycle import CycleError, set_revisions_watch


def stage_of(dvc_yaml: Path) -> dict:
    return yaml.safe_load(dvc_yaml.read_text(encoding="utf-8"))["stages"]["revisions"]


def output_of(stage: dict) -> dict:
    (out,) = stage["outs"]
    return out["data/raw/cbs_published.json"]


@pytest.fixture
def dvc_yaml(tmp_path: Path) -> Path:
    target = tmp_path / "dvc.yaml"
    target.write_text(Paths(REPO).revisions_dvc_yaml.read_text(encoding="utf-8"), "utf-8")
    return target


def test_the_committed_stage_watches_with_an_uncached_persisted_output(dvc_yaml):
    stage = stage_of(dvc_yaml)
    assert stage["always_changed"] is True
    assert output_of(stage) == {"persist": True, "cache": False}


def test_freezing_caches_the_output_and_opening_stops_caching_it(dvc_yaml):
    original = dvc_yaml.read_text(encoding="utf-8")
    set_revisions_watch(dvc_yaml, on=False)
    frozen = stage_of(dvc_yaml)
    assert frozen["always_changed"] is False
    assert output_of(frozen) == {"persist": True, "cache": True}
    assert frozen["cmd"] == stage_of(dvc_yaml)["cmd"]
    set_revisions_watch(dvc_yaml, on=True)
    assert dvc_yaml.read_text(encoding="utf-8") == original, "comments and order kept"


def test_a_stage_without_the_cache_line_is_named_not_half_switched(dvc_yaml):
    text = dvc_yaml.read_text(encoding="utf-8").replace("          cache: false\n", "")
    dvc_yaml.write_text(text, encoding="utf-8")
    with pytest.raises(CycleError, match="stage revisions, key cache of its output"):
        set_revisions_watch(dvc_yaml, on=False)
    assert dvc_yaml.read_text(encoding="utf-8") == text, "nothing written"
