"""The reviewed tables in tests/expected/ against the audit's independent reference.

tests/backtests/test_indicator_tables.py checks that the engine still builds these
tables byte for byte; that catches change, not error. Here every value of the expected
indicator tables, and every target status of the expected summaries, is recomputed
from the seeded demo's raw files by helpers.audit.reference (plain pandas/scipy, none
of the pipeline's computation) and must agree at the precision the source publishes.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import REPO

from helpers.audit.reference import PUBLISHED_DECIMALS, Reference, half_up
from helpers.config import Paths, load_project
from helpers.sources.demo import write_demo_cbs, write_demo_local

EXPECTED = Path(__file__).parents[1] / "expected" / "indicators"
KEYS = ["overvecht", "soesterkwartier", "vollenhove", "betere_buurten"]
STATUS = {"on_track": "on_track", "not_on_track": "not_on_track", "unknown": "unknown"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Reference:
    """The demo raw data generated from the shipped params into a fresh project root."""
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(REPO / "params", root / "params")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    project = load_project(Paths.from_root(root))
    write_demo_cbs(project, root / "data" / "raw" / "cbs")
    write_demo_local(project, root / "data" / "raw" / "demo")
    return Reference(project, Paths.from_root(root))


def expected_table(key: str) -> pd.DataFrame:
    return pd.read_csv(EXPECTED / f"{key}.csv", keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("key", KEYS)
def test_expected_values_agree_with_the_reference(reference, key):
    table = expected_table(key)
    disagree = []
    for row in table.itertuples():
        indicator = reference.project.indicator(key, row.indicator_id)
        found = reference.figure(key, row.area_role, indicator, int(row.year))
        decimals = PUBLISHED_DECIMALS[indicator.unit]
        expected = half_up(found.value, decimals)
        stored = float(row.value)
        if math.isnan(stored):
            ok = math.isnan(expected) or reference.partners_withheld(
                key, row.area_role, indicator, int(row.year)
            )
        else:
            ok = math.isfinite(expected) and math.isclose(stored, expected, abs_tol=1e-9)
        if not ok:
            disagree.append(
                f"{row.area_role} {row.year} {row.indicator_id}: {stored} vs {expected}"
            )
    assert len(table) > 400
    assert not disagree, f"{len(disagree)} of {len(table)} disagree:\n" + "\n".join(disagree[:30])


@pytest.mark.parametrize("key", KEYS)
def test_expected_target_statuses_follow_the_decision_table(reference, key):
    summary = pd.read_csv(EXPECTED / f"{key}_summary.csv", keep_default_na=False)
    rows = summary[summary["area_role"].eq("programma") & summary["target_year"].ne("")]
    disagree = []
    for row in rows.itertuples():
        indicator = reference.project.indicator(key, row.indicator_id)
        status = reference.status(key, indicator)
        if row.target_status != status.key:
            disagree.append(f"{row.indicator_id}: {row.target_status!r} vs {status.key!r}")
    assert not disagree, "\n".join(disagree)
