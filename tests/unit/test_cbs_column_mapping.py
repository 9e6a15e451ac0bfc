"""The column mapping on the real 2022 (85318NED) and 2024 (85984NED) DataProperties.

Between these two years CBS renamed, renumbered and redefined columns; every numeric
column of either year must come out mapped to a concept or reported, and a concept
whose name changed must be mapped or reported as a break — never silently dropped.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from support import REPO

from helpers.config import CbsColumns, Concept, Paths, load_cbs_columns
from helpers.sources.cbs_columns import match_columns, numeric_topics, series_breaks

MAPPING = load_cbs_columns(Paths.from_root(REPO))


@pytest.fixture(scope="module")
def properties(shared_cbs) -> dict[int, list[dict]]:
    path_2022 = shared_cbs / "VNG-Realisatie_Burgerpeiling" / "85318NED" / "DataProperties.csv"
    frame = pd.read_csv(path_2022, dtype=str, keep_default_na=False)
    records_2022 = [
        {k: (v if v != "" else None) for k, v in row.items()} for row in frame.to_dict("records")
    ]
    path_2024 = shared_cbs / "niquedegraaff_kwb2024_85984NED" / "DataProperties.json"
    return {2022: records_2022, 2024: json.loads(path_2024.read_text(encoding="utf-8"))}


def reports(properties, concepts) -> pd.DataFrame:
    tables = {2022: "85318NED", 2024: "85984NED"}
    return pd.concat(
        [match_columns(properties[y], concepts, y, tables[y]).report() for y in (2022, 2024)],
        ignore_index=True,
    )


def test_every_numeric_column_of_both_years_is_accounted_for(properties):
    report = reports(properties, MAPPING.kwb)
    for year in (2022, 2024):
        keys = {p["Key"] for p in numeric_topics(properties[year])}
        listed = report[report["year"].eq(year) & report["key"].ne("")]
        assert set(listed["key"]) == keys
        assert len(listed) == len(keys)
    assert set(report["status"]) <= {"mapped", "unmapped", "absent", "ambiguous"}


def test_renamed_column_is_mapped_and_its_break_reported(properties):
    report = reports(properties, MAPPING.kwb)
    woz = report[report["column"].eq("GemiddeldeWOZWaardeVanWoningen")].set_index("year")
    assert woz.loc[2022, "key"] == "GemiddeldeWoningwaarde_35"
    assert woz.loc[2024, "key"] == "GemiddeldeWOZWaardeVanWoningen_39"
    assert set(woz["status"]) == {"mapped"}
    breaks = series_breaks(report).set_index("column")
    assert breaks.loc["GemiddeldeWOZWaardeVanWoningen", "year"] == 2024
    assert breaks.loc["GemiddeldeWOZWaardeVanWoningen", "from_name"] == "GemiddeldeWoningwaarde"
    assert breaks.loc["OpleidingsniveauLaag", "to_name"] == "BasisonderwijsVmboMbo1"
    # same name, same Title, different position: mapped, no break
    inwoners = report[report["column"].eq("HuishoudensTotaal")].set_index("year")["key"]
    assert (inwoners[2022], inwoners[2024]) == ("HuishoudensTotaal_28", "HuishoudensTotaal_29")
    assert "HuishoudensTotaal" not in breaks.index


def test_renamed_column_without_a_mapping_is_reported_not_dropped(properties):
    """A mapping that knows only the 2022 name: the 2024 column is listed, the gap too."""
    old_only = Concept(
        id="woz", kind="average", unit="x 1 000 euro",
        names=[{"name": "GemiddeldeWoningwaarde", "title": "Gemiddelde woningwaarde"}],
    )  # fmt: skip
    report = reports(properties, [old_only])
    rows = report.set_index(["year", "status", "column"])
    assert rows.loc[(2022, "mapped", "woz"), "key"] == "GemiddeldeWoningwaarde_35"
    assert (2024, "absent", "woz") in rows.index, "the concept's gap in 2024 is reported"
    new = report[report["key"].eq("GemiddeldeWOZWaardeVanWoningen_39")]
    assert new["status"].tolist() == ["unmapped"]
    assert new["column"].tolist() == ["GemiddeldeWOZWaardeVanWoningen"], "kept under its name"


def test_a_changed_title_is_not_matched_silently(properties):
    wrong = Concept(
        id="AantalInwoners", kind="count", unit="aantal",
        names=[{"name": "AantalInwoners", "title": "Aantal inwoners op 1 januari"}],
    )  # fmt: skip
    report = reports(properties, [wrong])
    changed = report[report["status"].eq("title_changed")]
    assert changed["key"].tolist() == ["AantalInwoners_5", "AantalInwoners_5"]
    assert changed["column"].tolist() == ["AantalInwoners_5"] * 2, "not under the concept"
    assert "review the mapping" in changed["note"].iloc[0]
    assert report[report["status"].eq("absent")]["column"].tolist() == ["AantalInwoners"] * 2


def test_a_name_used_twice_needs_its_unit(properties):
    """`Appartement` is electricity (kWh) and gas (m³) in both years."""
    loose = Concept(id="Appartement", kind="average", unit="kWh", names=[{"name": "Appartement"}])
    report = reports(properties, [loose])
    assert set(report[report["published_name"].eq("Appartement")]["status"]) == {"ambiguous"}
    strict = Concept(
        id="Appartement", kind="average", unit="kWh",
        names=[{"name": "Appartement", "unit": "kWh"}],
    )  # fmt: skip
    report = reports(properties, [strict])
    rows = report[report["published_name"].eq("Appartement")]
    counts = rows.groupby(["year", "status"]).size().to_dict()
    assert counts == {(2022, "mapped"): 1, (2022, "unmapped"): 1, (2024, "mapped"): 1,
                      (2024, "unmapped"): 1}  # fmt: skip
    gas = rows[rows["status"].eq("unmapped")]
    assert gas["column"].str.startswith("Appartement_").all(), "kept under its full key"
    assert "Unit 'm³'" in gas["note"].iloc[0]


def test_mapping_file_rules():
    assert MAPPING is not None
    kinds = {c.id: c.kind for c in MAPPING.kwb}
    for column in ("AantalInwoners", "k_65JaarOfOuder", "k_0Tot15Jaar", "Eenpersoonshuishoudens",
                   "HuishoudensTotaal", "Woningvoorraad"):  # fmt: skip
        assert kinds[column] == "count", "the catalogue's numerators/denominators are counts"
    wmo = next(c for c in MAPPING.kwb if c.id == "WmoClientenRelatief")
    assert wmo.aggregable and (wmo.numerator, wmo.denominator, wmo.scale) == (
        "WmoClienten", "AantalInwoners", 1000,
    )  # fmt: skip
    assert not next(c for c in MAPPING.kwb if c.id == "Koopwoningen").aggregable
    with pytest.raises(ValueError, match="mapped to both"):
        CbsColumns(kwb=[
            Concept(id="a", kind="count", unit="x", names=[{"name": "X"}]),
            Concept(id="b", kind="count", unit="x", names=[{"name": "X"}]),
        ])  # fmt: skip
    assert math.isclose(wmo.scale, 1000)


# ------------------------------------------------------------ country of origin (group)

HERKOMST = {
    "Nederland_17": "herkomst_nederland",
    "EuropaExclusiefNederland_18": "herkomst_europa",
    "BuitenEuropa_19": "herkomst_buiten_europa",
}
TWINS = {
    "Nederland_20": "geboren_in_nl_herkomst_nederland",
    "EuropaExclusiefNederland_21": "geboren_in_nl_herkomst_europa",
    "BuitenEuropa_22": "geboren_in_nl_herkomst_buiten_europa",
    "EuropaExclusiefNederland_23": "geboren_buiten_nl_herkomst_europa",
    "BuitenEuropa_24": "geboren_buiten_nl_herkomst_buiten_europa",
}


def test_real_2024_origin_columns_are_told_apart_by_their_topic_group(properties):
    """Same base name and Title under three TopicGroups: only "Herkomstland" is herkomst."""
    report = reports(properties, MAPPING.kwb)
    kwb_2024 = report[report["year"].eq(2024)].set_index("key")
    for key, concept in HERKOMST.items():
        assert kwb_2024.loc[key, ["status", "column"]].tolist() == ["mapped", concept]
        assert kwb_2024.loc[key, "group"] == "Herkomstland"
    for key, concept in TWINS.items():
        assert kwb_2024.loc[key, ["status", "column"]].tolist() == ["mapped", concept]
        assert kwb_2024.loc[key, "group"].startswith("Geboren ")
    herkomst = kwb_2024[kwb_2024["column"].isin(HERKOMST.values())]
    assert sorted(herkomst.index) == sorted(HERKOMST), "each concept from exactly one column"


def test_real_2022_has_no_origin_columns_and_migration_background_is_not_origin(properties):
    report = reports(properties, MAPPING.kwb)
    kwb_2022 = report[report["year"].eq(2022)]
    absent = set(kwb_2022.loc[kwb_2022["status"].eq("absent"), "column"])
    assert {*HERKOMST.values(), *TWINS.values()} <= absent
    westers = kwb_2022.set_index("key").loc["WestersTotaal_17"]
    assert (westers["status"], westers["column"]) == ("mapped", "WestersTotaal")
    present = kwb_2022[kwb_2022["status"].ne("absent")]
    assert not present["column"].isin(HERKOMST.values()).any(), "no column is herkomst"


def test_without_a_group_the_origin_names_stay_ambiguous(properties):
    """Name and Title alone fit two or three columns: none of them is used."""
    loose = Concept(
        id="herkomst_nederland", kind="count", unit="aantal",
        names=[{"name": "Nederland", "title": "Nederland"}],
    )  # fmt: skip
    report = reports(properties, [loose])
    rows = report[report["published_name"].eq("Nederland")]
    assert rows["key"].tolist() == ["Nederland_17", "Nederland_20"]
    assert set(rows["status"]) == {"ambiguous"}
    assert set(rows["column"]) == {"Nederland_17", "Nederland_20"}, "kept under full keys"
    assert "give `unit` or `group`" in rows["note"].iloc[0]


def test_a_twin_under_another_group_is_reported_not_mapped(properties):
    """Only the herkomstland concepts: the "geboren in/buiten" columns stay unmapped, named."""
    only = [c for c in MAPPING.kwb if c.id in HERKOMST.values()]
    report = reports(properties, only).set_index("key")
    for key in TWINS:
        assert report.loc[key, "status"] == "unmapped"
        assert report.loc[key, "column"] == key
    assert "group 'Geboren in Nederland', not 'Herkomstland'" in report.loc["Nederland_20", "note"]


def test_the_group_is_the_direct_parent_only(properties):
    """ "Bevolking naar herkomst" is the grandparent of Nederland_17: it does not match."""
    grandparent = Concept(
        id="herkomst_nederland", kind="count", unit="aantal",
        names=[{"name": "Nederland", "title": "Nederland", "group": "Bevolking naar herkomst"}],
    )  # fmt: skip
    report = reports(properties, [grandparent])
    rows = report[report["published_name"].eq("Nederland")]
    assert set(rows["status"]) == {"unmapped"}
    assert (2024, "absent") in set(zip(report["year"], report["status"], strict=True))


def test_names_shared_by_concepts_must_differ_in_title_unit_or_group():
    def concept(cid: str, **name) -> Concept:
        return Concept(id=cid, kind="count", unit="aantal", names=[{"name": "Nederland", **name}])

    CbsColumns(kwb=[concept("a", group="Herkomstland"), concept("b", group="Geboren in NL")])
    CbsColumns(kwb=[concept("a", unit="aantal"), concept("b", title="Nederland", unit="%")])
    # a Unit only one of them gives tells nothing apart
    with pytest.raises(ValueError, match="give each a different"):
        CbsColumns(kwb=[concept("a", title="Nederland"), concept("b", title="Nederland", unit="%")])
    with pytest.raises(ValueError, match="give each a different"):
        CbsColumns(kwb=[concept("a", group="Herkomstland"), concept("b")])
    with pytest.raises(ValueError, match="mapped to both"):
        CbsColumns(kwb=[concept("a", group=" Herkomstland"), concept("b", group="Herkomstland")])
