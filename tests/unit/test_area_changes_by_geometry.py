"""A code whose area moved between two years' boundary files is a series break, found
from the geometry itself (real CBS kaarten of 2016 and 2019 in ../shared)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.config.report import BoundarySource
from helpers.indicators.areas import (
    GEOMETRY_TOLERANCE,
    geometry_breaks,
    geometry_changes,
    programme_geometry_changes,
)
from helpers.sources.boundaries import read_boundaries

BUURTEN_2019 = "emielsanders_PowerBI/buurt_2019_gegeneraliseerd_4gemeenten.geojson"
WIJKEN_2016 = "elan-dcc_wijkprofielen/wijk_2016_4gemeenten.geojson"


@pytest.fixture(scope="module")
def wijken(shared_cbs):
    """The wijken of the four gemeenten in 2016 (wijkkaart) and 2019 (merged buurten)."""
    return (
        read_boundaries(shared_cbs / WIJKEN_2016),
        read_boundaries(shared_cbs / BUURTEN_2019, from_buurten=True),
    )


def test_a_redrawn_wijk_is_found_and_the_others_are_not(wijken):
    before, after = wijken
    changes = geometry_changes(before, after, 2016, 2019)
    # Nieuwegein split WK035625 off Plettenburg; every other wijk differs by the
    # generalisation of the two kaarten only.
    assert [c.code for c in changes] == ["WK035621"]
    moved = changes[0]
    assert moved.overlap == pytest.approx(0.63, abs=0.01)
    assert round(moved.hectares_before) == 258 and round(moved.hectares_after) == 164
    assert moved.message().startswith("WK035621: its boundary moved between 2016 and 2019")
    assert geometry_changes(before, after, 2016, 2019, codes=["WK034403", "WK030703"]) == []
    # The tolerance decides: a stricter one flags Overvecht's generalisation (0.98) too.
    strict = geometry_changes(before, after, 2016, 2019, codes=["WK034403"], tolerance=0.99)
    assert [c.code for c in strict] == ["WK034403"] and GEOMETRY_TOLERANCE < 0.98


def test_a_programme_area_that_moved_breaks_its_series(project, shared_cbs, wijken, tmp_path):
    _, after = wijken
    shifted = after.copy()
    overvecht = shifted["code"].eq("WK034403")
    shifted.loc[overvecht, "geometry"] = shifted.loc[overvecht].geometry.translate(xoff=900)
    moved_file = tmp_path / "wijken_2021.gpkg"
    shifted.to_file(moved_file, driver="GPKG")
    sources = [
        BoundarySource(shared_cbs / BUURTEN_2019, {}, year=2019, level="wijk", from_buurten=True),
        BoundarySource(moved_file, {}, year=2021, level="wijk"),
        BoundarySource(tmp_path / "wijken_2023.gpkg", {}, year=2023, level="wijk"),
    ]
    changes, notes = programme_geometry_changes(project, "overvecht", sources)
    assert [(c.code, c.previous_year, c.year) for c in changes] == [("WK034403", 2019, 2021)]
    assert notes == [
        f"wijken_2023.gpkg (2023, wijk): not found ({tmp_path / 'wijken_2023.gpkg'}), not compared"
    ]
    unmoved, _ = programme_geometry_changes(project, "overvecht", sources[:1] + sources[2:])
    assert unmoved == []

    rows = [
        {"indicator_id": i, "year": y, "area_role": role, "source": source}
        for i, source in (("inwoners", "cbs_kwb"), ("budget", "registration"))
        for role in ("programma", "gemeente")
        for y in (2019, 2020, 2021, 2022)
    ]
    table = pd.DataFrame(rows)
    breaks = geometry_breaks(table, changes)
    broken = table[breaks]
    # The first programme-area figure on the new boundary; not the gemeente, not the
    # programme's own registrations.
    assert broken[["indicator_id", "year", "area_role"]].values.tolist() == [
        ["inwoners", 2021, "programma"]
    ]
    assert not geometry_breaks(table, []).any()
