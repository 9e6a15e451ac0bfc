"""Registered crime (Politie 47018NED) fetched with the real cbsodata client from a
stand-in for CBS's third-party catalog serving the recorded 2023 rows, read back, and
turned into crimes per 1,000 inhabitants with the KWB population; 47013NED per gemeente
from the recorded data.politie.nl export."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from cbs_server import ReplayServer, crime_47013_tables, crime_47018_tables, one_year_project

from helpers.report import safety
from helpers.sources.cbs_crime import (
    CRIME_GEMEENTE_TABLE,
    CRIME_TABLE,
    crime_rates,
    fetch_crime,
    fetch_crime_gemeenten,
    gemeente_totals,
    read_crime,
    read_crime_gemeenten,
    read_politie_gemeenten,
)

POPULATION_2023 = (
    "bernasco_misdaad_concentratie_kwb/85618NED_2023/Population85618_2023_4gemeenten.csv"
)
POLITIE_2022_2023 = "Sophie-Thoolen_Group-1-7---Criminaliteit-en-/misdrijven_2022_2023.csv"
POLITIE_2024 = "Sophie-Thoolen_Group-1-7---Criminaliteit-en-/Misdrijven_2024.csv"
GEMEENTEN = {"Amersfoort": "GM0307", "Utrecht": "GM0344", "Zeist": "GM0355", "Nieuwegein": "GM0356"}


@pytest.fixture(scope="module")
def fetched(shared_cbs, tmp_path_factory):
    """47018NED as the fetch stores it, through the real client and the catalog setting."""
    out = tmp_path_factory.mktemp("raw")
    with ReplayServer(crime_47018_tables(shared_cbs)) as server:
        project = one_year_project("opendata.invalid")  # the KWB catalog is not asked
        folder = fetch_crime(
            project, out, log=lambda _: None, backoff=0, catalog_url=server.address
        )
        requests = list(server.requests)
    return folder, requests


@pytest.fixture(scope="module")
def fetched_gemeenten(shared_cbs, tmp_path_factory):
    """47013NED as the fetch stores it: the real client against the recorded exports."""
    out = tmp_path_factory.mktemp("raw_gemeenten")
    with ReplayServer(crime_47013_tables(shared_cbs)) as server:
        project = one_year_project("opendata.invalid")
        folder = fetch_crime_gemeenten(
            project, out, log=lambda _: None, backoff=0, catalog_url=server.address
        )
        requests = list(server.requests)
    return folder, requests


@pytest.fixture(scope="module")
def population(shared_cbs) -> pd.DataFrame:
    rows = pd.read_csv(shared_cbs / POPULATION_2023)
    return pd.DataFrame(
        {"year": 2023, "area_code": rows["nhood_id"].str.strip(), "population": rows["population"]}
    )


def test_the_real_client_fetches_47018ned_from_the_third_party_catalog(fetched):
    folder, requests = fetched
    assert folder.name == CRIME_TABLE
    assert requests[0].startswith(f"/ODataFeed/odata/{CRIME_TABLE}/?")
    data = [r for r in requests if "/TypedDataSet" in r]
    assert data and all("substringof" in r for r in data), "the gemeenten's regions only"
    info = json.loads((folder / "TableInfos.json").read_text(encoding="utf-8"))
    assert info[0]["Catalog"] == "Politie" and info[0]["Modified"] == "2024-08-15T02:00:00"


def test_totals_per_buurt_match_the_published_sums(fetched):
    crime = read_crime(fetched[0])
    assert len(crime) == 330 and set(crime["year"]) == {2023}
    by_code = crime.set_index("area_code")["crimes"]
    assert by_code["BU03550205"] == 187, "Vollenhove"
    assert by_code[by_code.index.str.startswith("BU034403")].sum() == 2112, "Overvecht"
    sums = crime.groupby("gemeente")["crimes"].sum().to_dict()
    assert sums == {"GM0307": 7588, "GM0344": 25395, "GM0355": 2374, "GM0356": 3410}
    assert crime["area_level"].eq("buurt").all()


def test_crime_per_1000_inhabitants_with_small_numbers_suppressed(fetched, population, project):
    crime = read_crime(fetched[0])
    overvecht = [c for c in population["area_code"] if c.startswith("BU034403")]
    areas = {"vollenhove": ["BU03550205"], "overvecht": overvecht, "leeg": ["BU03070100"]}
    small = population.copy()
    small.loc[small["area_code"].eq("BU03070100"), "population"] = 20
    rates = crime_rates(crime, small, areas, project.cycle.suppression).set_index("area")
    assert rates.loc["vollenhove", "rate"] == pytest.approx(187 / 4260 * 1000)
    assert rates.loc["overvecht", "population"] == 34910
    assert rates.loc["overvecht", "rate"] == pytest.approx(2112 / 34910 * 1000)
    assert rates.loc["leeg", "suppressed"] and rates.loc["leeg", "reason"] == "small_denominator"
    assert math.isnan(rates.loc["leeg", "rate"]) and math.isnan(rates.loc["leeg", "crimes"])
    missing = crime_rates(
        crime, population, {"x": ["BU03550205", "BU99999999"]}, project.cycle.suppression
    )
    assert missing.loc[0, "reason"] == "member_missing" and math.isnan(missing.loc[0, "rate"])


def test_gemeente_totals_from_the_politie_export(shared_cbs, tmp_path):
    first = read_politie_gemeenten(shared_cbs / POLITIE_2022_2023, GEMEENTEN)
    later = read_politie_gemeenten(shared_cbs / POLITIE_2024, GEMEENTEN)
    table = pd.concat([first, later]).pivot(index="gemeente", columns="year", values="crimes")
    assert table.loc["GM0344"].tolist() == [24248, 25614, 25271]
    assert table.loc["GM0355"].tolist() == [2430, 2378, 2117]
    with pytest.raises(ValueError, match=r"misdrijven_2022_2023\.csv: no row for Atlantis"):
        read_politie_gemeenten(shared_cbs / POLITIE_2022_2023, {"Atlantis": "GM9999"})
    other = tmp_path / "other.csv"
    other.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"other\.csv: no 'Perioden' header line"):
        read_politie_gemeenten(other, GEMEENTEN)


def test_the_real_client_fetches_47013ned_per_gemeente(fetched_gemeenten):
    folder, requests = fetched_gemeenten
    assert folder.name == CRIME_GEMEENTE_TABLE
    assert requests[0].startswith(f"/ODataFeed/odata/{CRIME_GEMEENTE_TABLE}/?")
    data = [r for r in requests if "/TypedDataSet" in r]
    assert data and not any("filter" in r for r in data), "RegioS: fetched whole"
    rows = json.loads((folder / "TypedDataSet.json").read_text(encoding="utf-8"))
    assert rows and str(rows[0]["RegioS"]).strip().startswith(("GM", "NL"))


def test_gemeente_totals_of_47013ned_match_the_recorded_exports(fetched_gemeenten):
    crime = read_crime_gemeenten(fetched_gemeenten[0], list(GEMEENTEN.values()))
    table = crime.pivot(index="area_code", columns="year", values="crimes")
    assert table.loc["GM0344"].tolist() == [24248, 25614, 25271], "Utrecht"
    assert table.loc["GM0355"].tolist() == [2430, 2378, 2117], "Zeist"
    assert table.loc["GM0307"].tolist() == [7096, 7612, 6911], "Amersfoort"
    assert table.loc["GM0356"].tolist() == [3155, 3427, 3627], "Nieuwegein"
    assert set(crime["table_id"]) == {CRIME_GEMEENTE_TABLE}
    assert crime["area_level"].eq("gemeente").all(), "Nederland (NL01) is not a gemeente"
    everyone = read_crime_gemeenten(fetched_gemeenten[0])
    assert len(set(everyone["area_code"])) > 300, "every gemeente the KWB 2024 list names"


def test_a_47013ned_snapshot_without_the_total_is_an_error(fetched_gemeenten, tmp_path):
    broken = tmp_path / CRIME_GEMEENTE_TABLE
    broken.mkdir()
    for file in fetched_gemeenten[0].glob("*.json"):
        (broken / file.name).write_bytes(file.read_bytes())
    kinds = json.loads((broken / "SoortMisdrijf.json").read_text(encoding="utf-8"))
    kept = [k for k in kinds if k["Title"] != "Totaal misdrijven"]
    (broken / "SoortMisdrijf.json").write_text(json.dumps(kept), encoding="utf-8")
    with pytest.raises(ValueError, match=r"SoortMisdrijf\.json: no category titled"):
        read_crime_gemeenten(broken)


PROGRAMMES_2023 = {
    "Samen voor Overvecht": (["WK034403"], "GM0344", "Utrecht"),
    "Vollenhove Vooruit": (["BU03550205"], "GM0355", "Zeist"),
}


def test_the_programme_area_against_its_gemeente_in_the_safety_pillar(
    fetched, population, project, shared_cbs, tmp_path
):
    crime = read_crime(fetched[0])
    totals = read_politie_gemeenten(shared_cbs / POLITIE_2022_2023, GEMEENTEN)
    rules = project.cycle.suppression
    codes, gemeente, name = PROGRAMMES_2023["Samen voor Overvecht"]
    table = safety.programme_crime(
        crime, population, {2023: codes}, "Samen voor Overvecht", gemeente, name, rules, totals
    ).set_index("area_role")
    assert table.loc["programma", "rate"] == pytest.approx(2112 / 34910 * 1000)
    # the gemeente from 47013NED (crime not assignable to a buurt included)
    assert table.loc["gemeente", "crimes"] == 25614
    assert table.loc["gemeente", "source"] == "47013NED"
    utrecht = population.loc[population["area_code"].str[2:6].eq("0344"), "population"].sum()
    assert table.loc["gemeente", "population"] == utrecht
    assert table.loc["gemeente", "rate"] == pytest.approx(25614 / utrecht * 1000)
    without = safety.programme_crime(
        crime, population, {2023: codes}, "Samen voor Overvecht", gemeente, name, rules
    ).set_index("area_role")
    assert without.loc["gemeente", "crimes"] == 25395
    assert without.loc["gemeente", "source"] == "47018NED (som van de buurten)"
    text = safety.crime_markdown(table.reset_index())
    assert "© Politie" in text and "47018NED" in text and "geen maat voor het succes" in text
    line = next(row for row in text.splitlines() if "Samen voor Overvecht" in row)
    assert "2023" in line and "60,5" in line and "47018NED" in line
    fig = safety.crime_figure(table.reset_index(), 2023)
    assert fig is not None
    alt = safety.crime_alt_text(table.reset_index(), 2023)
    assert alt.startswith("Staafdiagram: geregistreerde misdrijven per 1.000 inwoners in 2023")
    assert safety.crime_figure(table.reset_index(), 2022) is None
    assert safety.crime_markdown(table.iloc[0:0]) == "*Geen politiecijfers in deze monitor.*"


def test_the_gemeente_row_from_the_fetched_47013ned(
    fetched, fetched_gemeenten, population, project
):
    """The safety pillar's gemeente figure from 47013NED as fetched by the client: the
    same count as the recorded export (crime not assignable to a buurt included)."""
    crime = read_crime(fetched[0])
    totals = gemeente_totals(read_crime_gemeenten(fetched_gemeenten[0]))
    codes, gemeente, name = PROGRAMMES_2023["Vollenhove Vooruit"]
    table = safety.programme_crime(
        crime,
        population,
        {2023: codes},
        "Vollenhove Vooruit",
        gemeente,
        name,
        project.cycle.suppression,
        totals,
    ).set_index("area_role")
    assert table.loc["gemeente", "crimes"] == 2378 and table.loc["gemeente", "source"] == "47013NED"
    assert table.loc["programma", "rate"] == pytest.approx(187 / 4260 * 1000)
