"""The CBS path with the real cbsodata client against real recorded CBS data on loopback."""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest
from cbs_server import (
    HEALTH_AGE_TITLES,
    ReplayServer,
    health_50090_tables,
    health_csv_rows,
    kwb_2024_tables,
    one_year_project,
    recorded_params,
)
from support import REPO, digests

from helpers.cli import main
from helpers.config import Paths, Project
from helpers.indicators.areas import AreaCheckError
from helpers.indicators.harmonise import harmonise
from helpers.sources.cbs import (
    HARMONISED_COLUMNS,
    CbsUnavailable,
    base_name,
    fetch_cbs,
    fetch_kwb,
    read_kwb_long,
)
from helpers.sources.cbs_health import read_health_table


def test_base_name_drops_the_shifting_position():
    assert base_name("AantalInwoners_5") == "AantalInwoners"
    assert base_name("k_65JaarOfOuder_12") == "k_65JaarOfOuder"
    assert base_name("WijkenEnBuurten") == "WijkenEnBuurten"


def test_fetch_real_2024_table_through_cbsodata(shared_cbs, tmp_path):
    with ReplayServer(kwb_2024_tables(shared_cbs), page_size=25) as server:
        project = one_year_project(server.address)
        written = fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
    assert [p.name for p in written] == ["85984NED"]
    assert any("skip=25" in r for r in server.requests), "paging through odata.nextLink"
    kwb = read_kwb_long(tmp_path / "cbs", project)
    inwoners = kwb[kwb["column"].eq("AantalInwoners")].set_index("area_code")["value"]
    assert inwoners["WK034403"] == 35255  # Overvecht, KWB 2024
    assert inwoners["GM0344"] == 374238  # Utrecht
    assert set(kwb["area_code"].str[2:6]) <= {"0307", "0344", "0355", "0356"}
    assert kwb["table_modified"].iloc[0] == "2025-03-27T02:00:00"
    assert not kwb["synthetic"].any()


def test_fetch_retries_after_a_server_error(shared_cbs, tmp_path):
    with ReplayServer(kwb_2024_tables(shared_cbs)) as server:
        server.fail_next = 1
        project = one_year_project(server.address, retries=2)
        messages: list[str] = []
        fetch_kwb(project, tmp_path / "cbs", log=messages.append, backoff=0)
    assert any("retrying" in m for m in messages)
    assert (tmp_path / "cbs" / "85984NED" / "TypedDataSet.json").is_file()


def test_unreachable_cbs_keeps_the_previous_snapshot(shared_cbs, tmp_path):
    with ReplayServer(kwb_2024_tables(shared_cbs)) as server:
        project = one_year_project(server.address)
        fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
        before = digests(tmp_path / "cbs")
        server.fail_next = 10
        with pytest.raises(CbsUnavailable, match=r"85984NED.*previous snapshot"):
            fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
    assert digests(tmp_path / "cbs") == before


# ----------------------------------------------------------- real values, exactly


KWB_2024 = "niquedegraaff_kwb2024_85984NED/stripped_filtered_data_2024.json"
# Programme areas and the CBS areas around them that KWB 2024 (recorded extract:
# gemeenten and wijken only) holds: Overvecht and Soesterkwartier are wijken;
# Vollenhove is a buurt of Zeist-Noord (WK035502), Betere Buurten a list of buurten of
# Nieuwegein wijken Batau Noord (WK035604) and Fokkesteeg (WK035610).
KWB_AREAS = ["WK034403", "WK030703", "GM0355", "WK035502", "GM0356", "WK035604", "WK035610"]


@pytest.fixture(scope="module")
def fetched(shared_cbs, tmp_path_factory):
    """KWB 2024 and 50090NED fetched once through cbsodata from the loopback server."""
    out = tmp_path_factory.mktemp("raw") / "cbs"
    tables = {**kwb_2024_tables(shared_cbs), **health_50090_tables(shared_cbs)}
    with ReplayServer(tables, page_size=2_000) as server:
        project = with_health(one_year_project(server.address))
        written = fetch_cbs(project, out, log=lambda _: None, backoff=0)
        paged = any("skip=2000" in r for r in server.requests)
    assert [p.name for p in written] == ["85984NED", "50090NED"]
    assert paged, "the health table came in pages through odata.nextLink"
    return project, out


def with_health(project: Project) -> Project:
    cbs = project.cycle.cbs.model_copy(update={"health_table": "50090NED"})
    return project.model_copy(update={"cycle": project.cycle.model_copy(update={"cbs": cbs})})


def test_2024_population_and_dwellings_exactly_as_published(shared_cbs, fetched):
    project, out = fetched
    published = json.loads((shared_cbs / KWB_2024).read_text(encoding="utf-8"))
    kwb = read_kwb_long(out, project).set_index(["area_code", "column"])["value"]
    for code in KWB_AREAS:
        assert kwb[(code, "AantalInwoners")] == published[code]["AantalInwoners_5"], code
        assert kwb[(code, "Woningvoorraad")] == published[code]["Woningvoorraad_35"], code
    # independently confirmed in the CBS download workbook kwb-2024.xlsx (SOURCES.md item 4)
    assert kwb[("WK034403", "AantalInwoners")] == 35255


def test_2024_columns_are_matched_by_name_and_title(fetched):
    project, out = fetched
    kwb = read_kwb_long(out, project)
    mapped = kwb.drop_duplicates("key").set_index("key")
    assert mapped.loc["AantalInwoners_5", "column"] == "AantalInwoners"
    assert mapped.loc["Woningvoorraad_35", "column"] == "Woningvoorraad"
    assert mapped.loc["Woningvoorraad_35", "kind"] == "count"
    assert mapped.loc["Bevolkingsdichtheid_34", "kind"] == "average"
    # columns the extract does not carry are absent, not invented
    assert set(kwb["key"]) == {
        "AantalInwoners_5", "Mannen_6", "Vrouwen_7", "Bevolkingsdichtheid_34",
        "Woningvoorraad_35", "OppervlakteTotaal_122", "OppervlakteLand_123",
        "OppervlakteWater_124",
    }  # fmt: skip


HEALTH_AREAS = {
    "WK034403": "Overvecht",
    "WK030703": "Soesterkwartier",
    "BU03550205": "Vollenhove",
    # Betere Buurten in the 2020 classification of 50090NED: the buurten that CBS
    # later split into BU03560401-03 and BU03561001-03 (see tests/integration/test_area_check.py)
    "BU03560400": "Batau Noord",
    "BU03561000": "Fokkesteeg",
}
HEALTH_COLUMNS = [
    "ErvarenGezondheidGoedZeerGoed_4",
    "VoldoetAanBeweegrichtlijn_5",
    "Eenzaam_28",
    "Vrijwilligerswerk_33",
    "MoeiteMetRondkomen_38",
]


def test_health_2012_2016_2020_exactly_as_published(shared_cbs, fetched):
    project, out = fetched
    health = read_health_table(out / "50090NED", project)
    got = health.set_index(["area_code", "year", "population", "key"])["value"]
    checked = missing = 0
    for row in health_csv_rows(shared_cbs):
        code = row["WijkenEnBuurten"].strip()
        if code not in HEALTH_AREAS:
            continue
        year = int(row["Perioden"][:4])
        population = HEALTH_AGE_TITLES[row["Leeftijd"]]
        for key in HEALTH_COLUMNS:
            text = row[key].strip()
            value = got[(code, year, population, key)]
            if text in ("", "."):
                assert math.isnan(value), (code, year, key)
                missing += 1
            else:
                assert value == float(text), (code, year, population, key)
                checked += 1
    # 5 areas x (3 waves x 3 ages - 2020 18-65, not recorded) x 5 columns
    assert checked + missing == 5 * 8 * 5
    assert missing > 0, "2012 has no VoldoetAanBeweegrichtlijn: read as missing"
    assert checked > 150


def test_health_nederland_and_concepts(fetched):
    project, out = fetched
    health = read_health_table(out / "50090NED", project)
    nl = health[health["area_code"].eq("NL00")]
    assert set(nl["year"]) == {2012, 2016, 2020}
    overvecht = health[
        health["area_code"].eq("WK034403")
        & health["column"].eq("ErvarenGezondheidGoedZeerGoed")
        & health["population"].eq("18 jaar of ouder")
    ].set_index("year")
    assert overvecht.loc[2020, "value"] == 69.9
    assert overvecht.loc[2020, "kind"] == "percentage"
    assert overvecht.loc[2020, "gemeente"] == "GM0344"
    assert (health["source"] == "cbs_health").all()


def test_harmonise_writes_one_long_table_for_both_tables(fetched, tmp_path):
    project, out = fetched
    paths = Paths.from_root(tmp_path)
    shutil.copytree(out, paths.raw_cbs)
    wijken = project.model_copy(
        update={
            "cycle": project.cycle.model_copy(
                update={"programmes": ["overvecht", "soesterkwartier"]}
            )
        }
    )
    messages: list[str] = []
    harmonise(wijken, paths, log=messages.append)
    long = pd.read_csv(paths.processed / "cbs" / "cbs_long.csv", keep_default_na=False)
    assert set(long["source"]) == {"cbs_kwb", "cbs_health"}
    assert list(long.columns) == HARMONISED_COLUMNS
    assert set(long["table_modified"][long["source"].eq("cbs_kwb")]) == {"2025-03-27T02:00:00"}
    columns = pd.read_csv(paths.processed / "cbs" / "columns.csv", keep_default_na=False)
    kwb = columns[columns["year"].eq(2024)].set_index("key")
    # from the real 2024 DataProperties: migration background gone, herkomst by topic group
    absent = kwb[kwb["status"].eq("absent")]
    assert set(absent["column"]) == {"WestersTotaal", "NietWestersTotaal"}
    assert kwb.loc["GemiddeldeWOZWaardeVanWoningen_39", "status"] == "mapped"
    assert kwb.loc["GemiddeldeWOZWaardeVanWoningen_39", "definition_version"] == 2
    assert kwb.loc["EuropaExclusiefNederland_18", "column"] == "herkomst_europa"
    assert kwb.loc["EuropaExclusiefNederland_18", "group"] == "Herkomstland"
    assert kwb.loc["EuropaExclusiefNederland_23", "column"] == "geboren_buiten_nl_herkomst_europa"
    assert any("absent: WestersTotaal, NietWestersTotaal" in m for m in messages)
    health = columns[columns["table_id"].eq("50090NED")]
    assert set(health["year"]) == {2020}, "the year of the area classification (MapYear)"
    assert set(health["status"]) == {"mapped", "unmapped"}
    assert (health["status"].eq("mapped")).sum() == 12  # every health concept of the mapping


def test_harmonise_stops_when_a_programme_area_is_not_in_the_region_list(fetched, tmp_path):
    """The recorded 2024 region list (rebuilt from the extract) has no buurten."""
    project, out = fetched
    paths = Paths.from_root(tmp_path)
    shutil.copytree(out, paths.raw_cbs)
    with pytest.raises(AreaCheckError, match=r"BU03550205 of programme vollenhove.*2024"):
        harmonise(project, paths, log=lambda _: None)
    assert not (paths.processed / "cbs").exists()


def test_cli_fetch_and_harmonise_with_source_cbs(shared_cbs, tmp_path, capsys):
    """`wijkmonitor fetch` and `harmonise` as dvc.yaml calls them, on a params copy."""
    shutil.copytree(REPO / "params", tmp_path / "params")
    shutil.copytree(REPO / "notebooks" / "deep_dives", tmp_path / "notebooks" / "deep_dives")
    tables = {**kwb_2024_tables(shared_cbs), **health_50090_tables(shared_cbs)}
    with ReplayServer(tables, page_size=2_000) as server:
        recorded_params(tmp_path, server.address)
        assert main(["--root", str(tmp_path), "fetch"]) == 0
    assert main(["--root", str(tmp_path), "harmonise"]) == 0
    long = pd.read_csv(tmp_path / "data/processed/cbs/cbs_long.csv", keep_default_na=False)
    overvecht = long[long["area_code"].eq("WK034403") & long["column"].eq("AantalInwoners")]
    assert pd.to_numeric(overvecht["value"]).tolist() == [35255.0]
    # CBS down: the fetch stage fails naming table and URL, the snapshot stays
    before = digests(tmp_path / "data" / "raw" / "cbs")
    capsys.readouterr()
    assert main(["--root", str(tmp_path), "fetch"]) == 1
    error = capsys.readouterr().err
    assert f"CBS table 85984NED (KWB 2024) from http://{server.address}/ODataFeed/odata/" in error
    assert digests(tmp_path / "data" / "raw" / "cbs") == before


def test_2024_utrecht_wijken_agree_with_the_cbs_download_workbook(shared_cbs, fetched):
    """A second, independent recording: CBS's kwb-2024.xlsx rows for Utrecht (early release)."""
    project, out = fetched
    workbook = shared_cbs / "wardeiling_Society-in-the-Loop" / "CBS-Utrecht-kwb-2024.xlsx"
    sheet = pd.read_excel(workbook, dtype=str)
    wijken = sheet[sheet["gwb_code_10"].str.startswith("WK")].set_index("gwb_code_10")["a_inw"]
    kwb = read_kwb_long(out, project)
    served = kwb[kwb["column"].eq("AantalInwoners")].set_index("area_code")["value"]
    assert len(wijken) == 10 and "WK034403" in wijken.index
    for code, inhabitants in wijken.items():
        assert served[code] == float(inhabitants), code


def test_a_rivm_edition_is_fetched_from_the_rivm_catalog(shared_cbs, tmp_path):
    """50120NED/50150NED live in CBS's third-party catalog (dataderden.cbs.nl): the health
    table of an edition registered with `catalog: rivm` comes from `cbs.rivm_catalog_url`,
    the KWB tables from `cbs.catalog_url`. Two loopback servers stand for the two catalogs
    (the 50090NED recordings stand in for a RIVM edition: none of those was recorded)."""
    from helpers.config import HealthEdition

    with (
        ReplayServer(kwb_2024_tables(shared_cbs)) as opendata,
        ReplayServer(health_50090_tables(shared_cbs)) as rivm,
    ):
        project = with_health(one_year_project(opendata.address))
        edition = HealthEdition(catalog="rivm", waves=[2012, 2016, 2020], area_classification=2020)
        cbs = project.cycle.cbs.model_copy(
            update={"rivm_catalog_url": rivm.address, "health_editions": {"50090NED": edition}}
        )
        project = project.model_copy(
            update={"cycle": project.cycle.model_copy(update={"cbs": cbs})}
        )
        written = fetch_cbs(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
    assert [p.name for p in written] == ["85984NED", "50090NED"]
    assert all("50090NED" not in r for r in opendata.requests)
    assert any("/50090NED/TypedDataSet" in r for r in rivm.requests)
    assert project.cycle.cbs.health_catalog_url("50090NED") == rivm.address
