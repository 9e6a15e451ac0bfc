"""A CBS code kept for a different area (a municipality re-divides and reuses a wijk or
buurt code): found by a change of name or land area beyond a tolerance, and a series
break there, as at CBS's own boundary flag."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.indicators.areas import (
    KEPT_CODE_FLAG,
    LAND_AREA_TOLERANCE,
    RegionList,
    kept_codes,
)
from helpers.indicators.harmonise import mark_kept_codes


def _lists(names: dict[int, str], land: dict[int, float] | None = None) -> dict[int, RegionList]:
    land = land or {}
    return {
        year: RegionList(
            year,
            f"KWB {year}",
            {"WK034403": name},
            land={"WK034403": land[year]} if year in land else {},
        )
        for year, name in names.items()
    }


def test_a_renamed_code_is_a_different_area():
    lists = _lists({2021: "Wijk 03 Overvecht", 2022: "Wijk 03 Overvecht", 2023: "Lunetten-Oost"})
    (kept,) = kept_codes(lists, ["WK034403"])
    assert (kept.previous_year, kept.year) == (2022, 2023)
    assert "name 'Wijk 03 Overvecht' -> 'Lunetten-Oost'" in kept.warning("overvecht")
    assert "the series breaks there" in kept.warning("overvecht")


def test_a_renumbered_name_is_the_same_area():
    lists = _lists({2022: "Wijk 03 Overvecht", 2023: "Wijk 04 Overvecht"})
    assert kept_codes(lists, ["WK034403"]) == []


@pytest.mark.parametrize(("after", "kept"), [(112.0, True), (108.0, False), (88.0, True)])
def test_a_land_area_change_beyond_the_tolerance_is_a_different_area(after, kept):
    lists = _lists({2022: "Overvecht", 2023: "Overvecht"}, land={2022: 100.0, 2023: after})
    found = kept_codes(lists, ["WK034403"])
    assert bool(found) == kept, (after, LAND_AREA_TOLERANCE)
    if kept:
        assert "land area 100 ->" in found[0].why


def test_harmonise_flags_the_year_so_the_engine_breaks_the_series(project):
    code = project.programmes["overvecht"].area_codes(2024)[0]
    lists = {
        2023: RegionList(2023, "KWB 2023", {code: "Wijk 03 Overvecht"}),
        2024: RegionList(2024, "KWB 2024", {code: "Lunetten-Oost"}),
    }
    long = pd.DataFrame(
        {
            "area_code": [code, code, "GM0344"],
            "year": [2023, 2024, 2024],
            "boundary_flag": [1, 1, 1],
        }
    )
    marked = mark_kept_codes(long, project, lists)
    assert marked["boundary_flag"].tolist() == [1, KEPT_CODE_FLAG, 1]
    assert long["boundary_flag"].tolist() == [1, 1, 1], "the input is not changed"
