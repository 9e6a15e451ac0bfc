"""The area check: hand-made region lists for each kind of change, and the real lists.

The real ones: the complete KWB 2022 region dimension (85318NED, recorded) and the
2020-classification region list of 50090NED (the codes of the recorded health
exports for the four gemeenten).
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from cbs_server import health_csv_rows
from support import REPO

from helpers.config import Paths, load_cbs_columns, load_project
from helpers.indicators.areas import (
    AreaCheckError,
    aggregate,
    check_areas,
    diagnose,
    region_list,
    require_areas,
)

PROJECT = load_project(Paths.from_root(REPO))


def regions(year, names, flags=None):
    return region_list(
        year, f"test {year}", [{"Key": k.ljust(10), "Title": v} for k, v in names.items()], flags
    )


def test_split_buurt_is_diagnosed_from_both_years():
    lists = {
        2020: regions(2020, {"BU00010100": "Dorp", "BU00010200": "Veld"}),
        2022: regions(
            2022, {"BU00010101": "Dorp-Noord", "BU00010102": "Dorp-Zuid", "BU00010200": "Veld"}
        ),
    }
    kind, what, use = diagnose("BU00010101", 2020, lists)
    assert kind == "split"
    assert (
        "BU00010100 'Dorp' was split into BU00010101 'Dorp-Noord', BU00010102 'Dorp-Zuid'" in what
    )
    assert "(2020 -> 2022)" in what
    assert use == ["BU00010100"]


def test_merged_buurten():
    lists = {
        2020: regions(2020, {"BU00010101": "Noord", "BU00010102": "Zuid"}),
        2022: regions(2022, {"BU00010103": "Dorp"}, {"BU00010103": 3}),
    }
    kind, what, use = diagnose("BU00010101", 2022, lists)
    assert kind == "merged"
    assert "were merged into BU00010103 'Dorp' (flag 3: boundary moved" in what
    assert use == ["BU00010103"]


def test_renumbered_wijk_with_the_same_boundary_or_a_moved_one():
    before = regions(2021, {"WK000101": "Centrum", "WK000102": "Oost"})
    same = regions(2022, {"WK000105": "Centrum", "WK000102": "Oost"}, {"WK000105": 2})
    kind, what, use = diagnose("WK000101", 2022, {2021: before, 2022: same})
    assert (kind, use) == ("renumbered", ["WK000105"])
    assert "flag 2: new code, same boundary" in what
    moved = regions(2022, {"WK000105": "Centrum", "WK000102": "Oost"}, {"WK000105": 3})
    kind, what, _ = diagnose("WK000101", 2022, {2021: before, 2022: moved})
    assert kind == "boundary moved"
    assert "not comparable" in what


def test_unknown_new_and_removed_codes():
    lists = {
        2022: regions(2022, {"BU00010101": "Noord"}),
        2023: regions(2023, {"BU00010101": "Noord"}),
    }
    kind, what, use = diagnose("BU00010199", 2022, lists)
    assert kind == "unknown" and "typo" in what and use == ["BU00010101"]
    lists[2023] = regions(2023, {"BU00010101": "Noord", "BU00010102": "Zuid"})
    kind, what, use = diagnose("BU00010102", 2022, lists)
    assert (kind, use) == ("new", [])
    assert "BU00010102 was created after 2022" in what
    kind, what, use = diagnose(
        "BU00010102", 2024, {**lists, 2024: regions(2024, {"BU00010101": "Noord"})}
    )
    assert (kind, use) == ("removed", [])
    assert "no code replaces it in 2024" in what


def test_existing_code_with_a_moved_boundary_is_a_warning_not_a_stop():
    codes = {c: c for k in PROJECT.cycle.programmes for c in PROJECT.programmes[k].area_codes(2024)}
    lists = {2024: regions(2024, codes, {"WK034403": 3})}
    problems, warnings = check_areas(PROJECT, lists)
    assert problems == []
    assert warnings == [
        "area WK034403 of programme overvecht: CBS flags its boundary as moved in 2024 "
        "(test 2024); the series breaks there"
    ]


@pytest.fixture(scope="module")
def region_list_2022(shared_cbs):
    path = shared_cbs / "VNG-Realisatie_Burgerpeiling" / "85318NED" / "WijkenEnBuurten.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == 18_003
    return region_list(2022, "85318NED WijkenEnBuurten", records)


@pytest.fixture(scope="module")
def region_list_2020(shared_cbs):
    """The 2020 classification of 50090NED: every code of the recorded exports."""
    codes = {
        row["WijkenEnBuurten"]: row["WijkenEnBuurten"].strip()
        for row in health_csv_rows(shared_cbs)
    }
    return region_list(
        2020, "50090NED WijkenEnBuurten", [{"Key": k, "Title": t} for k, t in codes.items()]
    )


def test_real_2022_region_list_holds_every_programme_code(region_list_2022):
    for key in PROJECT.cycle.programmes:
        programme = PROJECT.programmes[key]
        for code in programme.area_codes(2022):
            assert code in region_list_2022, (key, code)
    assert region_list_2022.names["WK034403"] == "Wijk 03 Overvecht"
    assert region_list_2022.names["WK030703"] == "Soesterkwartier"
    assert region_list_2022.names["BU03550205"] == "Vollenhove"
    assert region_list_2022.names["BU03560401"] == "Burgen"
    assert check_areas(PROJECT, {2022: region_list_2022}) == ([], [])


def test_real_2020_classification_shows_the_nieuwegein_buurten_were_split(
    region_list_2020, region_list_2022
):
    """The shipped Betere Buurten codes for 2019-2021 are 2022 codes: the check says so."""
    lists = {2020: region_list_2020, 2022: region_list_2022}
    kind, what, use = diagnose("BU03560401", 2020, lists)
    assert kind == "split"
    assert (
        "BU03560400 was split into BU03560401 'Burgen', BU03560402 'Binnenweides', "
        "BU03560403 'Buitenweides'" in what
    )
    assert use == ["BU03560400"]
    kind, what, use = diagnose("BU03561001", 2020, lists)
    assert kind == "split" and use == ["BU03561000"]
    assert "BU03561000 was split into BU03561001 'Vesten'" in what
    with pytest.raises(AreaCheckError) as caught:
        require_areas(PROJECT, lists, REPO / "params")
    message = str(caught.value)
    assert "area BU03560401 of programme betere_buurten is not in the 2020 region list" in message
    assert message.startswith("area check: 3 programme area code(s) missing")
    assert "BU03560402" in message and "BU03560403" in message
    assert "params/programmes/betere_buurten.yaml under `areas:`" in message
    assert "e.g. [BU03560400]" in message
    for code in ("WK034403", "WK030703", "BU03550205"):
        assert code not in message, "the other programme areas exist in 2020"


def member_rows(values: dict[str, dict[str, float]], year: int = 2022) -> pd.DataFrame:
    rows = [
        {"year": year, "area_code": code, "column": column, "value": value}
        for code, columns in values.items()
        for column, value in columns.items()
    ]
    return pd.DataFrame(rows)


def test_aggregation_follows_the_kind_of_each_concept():
    concepts = load_cbs_columns(Paths.from_root(REPO)).kwb
    frame = member_rows(
        {
            "BU03560401": {"AantalInwoners": 2000, "WmoClienten": 100, "WmoClientenRelatief": 50,
                           "Koopwoningen": 60, "GemiddeldeHuishoudensgrootte": 2.1},
            "BU03560402": {"AantalInwoners": 3000, "WmoClienten": 90, "WmoClientenRelatief": 30,
                           "Koopwoningen": 40, "GemiddeldeHuishoudensgrootte": 2.5},
        }
    )  # fmt: skip
    result = aggregate(frame, concepts).set_index("column")
    assert result.loc["AantalInwoners", "value"] == 5000
    assert result.loc["WmoClientenRelatief", "value"] == pytest.approx(190 / 5000 * 1000)
    assert result.loc["WmoClientenRelatief", "numerator"] == 190
    assert math.isnan(result.loc["Koopwoningen", "value"]), "a mean of percentages is not one"
    assert result.loc["Koopwoningen", "reason"] == "not_aggregable"
    assert result.loc["GemiddeldeHuishoudensgrootte", "reason"] == "not_aggregable"
    assert set(result["members"]) == {2}


def test_aggregation_never_imputes_a_missing_member():
    concepts = load_cbs_columns(Paths.from_root(REPO)).kwb
    frame = member_rows(
        {
            "BU03560401": {"AantalInwoners": 2000, "WmoClienten": float("nan")},
            "BU03560402": {"AantalInwoners": float("nan"), "WmoClienten": 90},
        }
    )
    frame = pd.concat([frame, member_rows({"BU03560401": {"WmoClientenRelatief": 40}})])
    result = aggregate(frame, concepts).set_index("column")
    assert math.isnan(result.loc["AantalInwoners", "value"])
    assert result.loc["AantalInwoners", "reason"] == "member_missing"
    # one member's rate is published, the other's not, and WmoClienten lacks one too:
    # recomputed from the parts, which are incomplete, so not published
    assert math.isnan(result.loc["WmoClientenRelatief", "value"])
    assert result.loc["WmoClientenRelatief", "reason"] == "member_missing"
    assert set(result["members"]) == {2}
    single = aggregate(member_rows({"BU03550205": {"Koopwoningen": 38}}), concepts)
    assert single[["value", "members", "reason"]].values.tolist() == [[38, 1, ""]]
