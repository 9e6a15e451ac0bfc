"""The demo data: seeded, in the real formats, internally consistent, marked synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from support import REPO, digests

from helpers.indicators.engine import programme_table
from helpers.sources import demo
from helpers.sources.cbs import read_kwb_long
from helpers.sources.local import is_synthetic, read_notes, read_registrations, read_survey


@pytest.fixture(scope="module")
def raw(project, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    demo.write_demo_cbs(project, root / "cbs")
    demo.write_demo_local(project, root / "demo")
    return root


def rows(raw: Path, table_id: str) -> pd.DataFrame:
    return pd.DataFrame(json.loads((raw / "cbs" / table_id / "TypedDataSet.json").read_text()))


def test_two_runs_write_identical_bytes(project, raw, tmp_path):
    demo.write_demo_cbs(project, tmp_path / "cbs")
    demo.write_demo_local(project, tmp_path / "demo")
    assert digests(tmp_path) == digests(raw)


def test_tables_have_the_cbsodata_shape(project, raw):
    for year in project.cycle.cycle.years:
        folder = raw / "cbs" / project.cycle.kwb_table(year)
        assert {p.name for p in folder.iterdir()} == {
            "TableInfos.json",
            "DataProperties.json",
            "CategoryGroups.json",
            "TypedDataSet.json",
            "WijkenEnBuurten.json",
        }
        info = json.loads((folder / "TableInfos.json").read_text())[0]
        assert info["Synthetic"] is True and info["Title"].startswith("SYNTHETISCH")
        assert info["Period"] == str(year)
    frame = rows(raw, "85984NED")
    assert (frame["WijkenEnBuurten"].str.len() == 10).all()
    assert set(frame["SoortRegio_2"]) == {"Land      ", "Gemeente  ", "Wijk      ", "Buurt     "}
    assert "IndelingswijzigingGemeenteWijkBuurt_4" in frame.columns


def test_column_positions_shift_between_years(raw):
    key_2022 = [c for c in rows(raw, "85318NED").columns if c.startswith("HuishoudensTotaal_")]
    key_2024 = [c for c in rows(raw, "85984NED").columns if c.startswith("HuishoudensTotaal_")]
    assert key_2022 != key_2024


def test_counts_add_up_across_levels(raw):
    frame = rows(raw, "85984NED").assign(code=lambda f: f["WijkenEnBuurten"].str.strip())
    inhabitants = frame.set_index("code")["AantalInwoners_5"]
    ages = [c for c in frame.columns if c.startswith("k_") and "Jaar" in c]
    assert (frame[ages].sum(axis=1) == frame["AantalInwoners_5"]).all()
    assert (frame["Mannen_6"] + frame["Vrouwen_7"] == frame["AantalInwoners_5"]).all()
    wijken = inhabitants[inhabitants.index.str.startswith("WK0344")]
    assert wijken.sum() == inhabitants["GM0344"]
    buurten = inhabitants[inhabitants.index.str.startswith("BU035502")]
    assert buurten.sum() == inhabitants["WK035502"]


def test_origin_counts_add_up_and_sum_across_levels(project, raw):
    """Herkomstland (2024): three groups add up to the inhabitants, wijken to the gemeente;
    the born-in/outside twins split the same counts; small buurten are secret."""
    kwb = read_kwb_long(raw / "cbs", project)
    kwb = kwb[kwb["year"].eq(2024)].pivot(index="area_code", columns="column", values="value")
    origin = kwb[["herkomst_nederland", "herkomst_europa", "herkomst_buiten_europa"]]
    published = origin.notna().all(axis=1)
    assert (origin[published].sum(axis=1) == kwb.loc[published, "AantalInwoners"]).all()
    secret = origin.index[~published]
    assert len(secret) and secret.str.startswith("BU").all()
    assert not kwb.loc[secret, "AantalInwoners"].isna().any()
    wijken = origin[origin.index.str.startswith("WK0344")].sum()
    assert (wijken == origin.loc["GM0344"]).all()
    here = kwb[published]
    assert (here["geboren_in_nl_herkomst_nederland"] == here["herkomst_nederland"]).all()
    for part in ("europa", "buiten_europa"):
        born = here[f"geboren_in_nl_herkomst_{part}"] + here[f"geboren_buiten_nl_herkomst_{part}"]
        assert (born == here[f"herkomst_{part}"]).all()
    early = read_kwb_long(raw / "cbs", project)
    assert not early[early["year"].lt(2024)]["column"].str.contains("herkomst").any()


def test_long_reader_matches_by_base_name(project, raw):
    kwb = read_kwb_long(raw / "cbs", project)
    assert set(kwb["year"]) == set(project.cycle.cycle.years)
    households = kwb[kwb["column"].eq("HuishoudensTotaal")]
    assert set(households["year"]) == set(project.cycle.cycle.years)
    assert kwb["synthetic"].all()


def kwb_series(project, raw: Path, code: str) -> pd.DataFrame:
    """One area's raw demo KWB values by year (columns by base name)."""
    by_year = {}
    for year in project.cycle.cycle.years:
        frame = rows(raw, project.cycle.kwb_table(year))
        row = frame[frame["WijkenEnBuurten"].str.strip().eq(code)].iloc[0]
        by_year[year] = {key.rsplit("_", 1)[0]: value for key, value in row.items()}
    return pd.DataFrame.from_dict(by_year, orient="index")


def test_nederland_follows_cbs_published_figures(project, raw):
    """Nederland's inhabitants are CBS's; households, 65+ and density move slowly."""
    nl = kwb_series(project, raw, "NL00")
    assert nl["AantalInwoners"].to_dict() == {
        2019: 17_282_163, 2020: 17_407_585, 2021: 17_475_415,
        2022: 17_590_672, 2023: 17_811_291, 2024: 17_942_942,
    }  # fmt: skip
    assert nl.loc[2023, "HuishoudensTotaal"] == 8_270_244  # KWB 2023
    assert nl["HuishoudensTotaal"].between(7_900_000, 8_400_000).all()
    assert nl["HuishoudensTotaal"].is_monotonic_increasing
    old = nl["k_65JaarOfOuder"] / nl["AantalInwoners"] * 100
    assert round(old[2019], 2) == 19.18 and round(old[2023], 1) == 20.2
    assert (old.diff().dropna().between(0.1, 0.5)).all(), "65+ rises slowly every year"
    assert nl["Bevolkingsdichtheid"].between(510, 540).all()
    assert nl["Bevolkingsdichtheid"].is_monotonic_increasing


def test_a_cycle_year_without_nederland_figures_says_how_to_open_it(project, tmp_path):
    """The error names the command (and the param) that give the year its figure; the
    tables of the earlier years are not left behind half-written. With the param that
    `wijkmonitor cycle open` writes, the same year is generated, no code edited."""
    cycle = project.cycle.cycle.model_copy(update={"years": [*project.cycle.cycle.years, 2025]})
    cbs = project.cycle.cbs.model_copy(
        update={"kwb_tables": {**project.cycle.cbs.kwb_tables, 2025: "86165NED"}}
    )
    later = project.model_copy(
        update={"cycle": project.cycle.model_copy(update={"cycle": cycle, "cbs": cbs})}
    )
    message = "no Nederland figures for 2025: open the year with `wijkmonitor cycle open 2025`"
    with pytest.raises(ValueError, match=message):
        demo.write_demo_cbs(later, tmp_path / "cbs")
    assert not (tmp_path / "cbs").exists()
    figure = demo.extrapolated_inhabitants(later, 2025)
    assert figure == 17_942_942 + (17_942_942 - 17_811_291), "the line through 2023 and 2024"
    settings = later.cycle.demo.model_copy(update={"nederland_inhabitants": {2025: figure}})
    opened = later.model_copy(update={"cycle": later.cycle.model_copy(update={"demo": settings})})
    demo.write_demo_cbs(opened, tmp_path / "cbs")
    assert kwb_series(opened, tmp_path, "NL00").loc[2025, "AantalInwoners"] == figure


@pytest.mark.parametrize("code", ["GM0344", "WK034403", "WK030703", "BU03550205", "GM0356"])
def test_areas_move_smoothly_from_year_to_year(project, raw, code):
    series = kwb_series(project, raw, code)
    for column in ("AantalInwoners", "HuishoudensTotaal", "Woningvoorraad", "Bevolkingsdichtheid"):
        change = series[column].pct_change().dropna().abs()
        assert (change < 0.03).all(), (code, column, series[column].tolist())
    share = series["k_65JaarOfOuder"] / series["AantalInwoners"]
    assert share.nunique() > 1, "the share of 65+ moves"
    assert (share.diff().dropna().abs() < 0.01).all()
    size = series["GemiddeldeHuishoudensgrootte"]
    assert size.between(1.5, 2.6).all() and size.diff().dropna().abs().max() <= 0.1
    dwellings, working = series["Woningvoorraad"], series["Nettoarbeidsparticipatie"]
    for column, bound in {
        "Koopwoningen": 3,  # percentage points a year
        "InBezitWoningcorporatie": 3,
        "Nettoarbeidsparticipatie": 2,
        "HuishoudensMetEenLaagInkomen": 1,
        "HuishOnderOfRondSociaalMinimum": 1,
    }.items():
        steps = series[column].diff().dropna().abs()
        assert (steps <= bound).all(), (code, column, series[column].tolist())
    per_inhabitant = {
        "bijstand": series["PersonenPerSoortUitkeringBijstand"] / series["AantalInwoners"],
        "Wmo": series["WmoClienten"] / series["AantalInwoners"],
        "income": series["GemiddeldInkomenPerInwoner"],
    }
    for name, rate in per_inhabitant.items():
        change = rate.pct_change().dropna().abs()
        assert (change < 0.1).all(), (code, name, rate.tolist())
    assert dwellings.gt(0).all() and working.between(40, 90).all()


def test_registrations_change_plausibly_and_keep_their_small_count(project, raw):
    """Totals per programme change by at most a third a year; Vollenhove's volunteers in
    2022 are the deliberately small count the reports withhold."""
    for key in project.cycle.programmes:
        totals = read_registrations(raw / "demo", key).groupby("jaar").sum(numeric_only=True)
        for column in ("activiteiten", "deelnemers", "budget_eur"):
            change = totals[column].pct_change().dropna().abs()
            assert (change < 1 / 3).all(), (key, column, totals[column].tolist())
    volunteers = read_registrations(raw / "demo", "vollenhove").groupby("jaar")["vrijwilligers"]
    small = volunteers.sum()
    assert small[2022] == 4 < project.cycle.suppression.min_count
    assert (small.drop(2022) >= project.cycle.suppression.min_count).all()


def test_local_sources_read_back(project, raw):
    local = raw / "demo"
    assert is_synthetic(local)
    survey = read_survey(local)
    assert survey["percentage"].between(0, 100).all()
    assert {"WK034403", "BU03550205", "GM0344", "NL00"} <= set(survey["gebiedcode"])
    assert (survey["n"] < 30).any(), "a small buurt sample exercises suppression"
    registrations = read_registrations(local, "overvecht")
    assert registrations["schuldhulptrajecten"].notna().any()
    notes = read_notes(local, "overvecht")
    goal_ids = {g.id for g in project.programmes["overvecht"].goals}
    assert set(notes["goal"]) <= goal_ids and len(notes) >= 6


def test_missing_registrations_give_an_empty_table(tmp_path):
    assert read_registrations(tmp_path, "nergens").empty


@pytest.mark.parametrize("key", ["overvecht", "soesterkwartier", "vollenhove", "betere_buurten"])
def test_indicator_table_builds_from_demo(project, raw, key):
    local = raw / "demo"
    table = programme_table(
        project,
        key,
        read_kwb_long(raw / "cbs", project),
        read_survey(local),
        read_registrations(local, key),
        local_synthetic=True,
    )
    own = table[table["area_role"].eq("programma") & table["indicator_id"].eq("inwoners")]
    assert own["value"].notna().any()
    assert table["synthetic"].all()


ROTTERDAM = """key: rotterdam_zuid
name: Samen voor Zuid
gemeente: GM0599
areas:
  - from_year: 2019
    codes: [BU05991531, BU05991532]
goals:
  - id: gezond
    label: Bewoners voelen zich gezond
    indicators: [ervaren_gezondheid]
    efforts:
      - id: buurtteam
        label: Buurtteam
        project: buurtteam
        indicators: [activiteiten]
"""


@pytest.mark.pipeline
def test_a_programme_in_a_gemeente_the_demo_did_not_know_gets_demo_data(tmp_path):
    """Rotterdam is not in demo_regions.csv: the demo generates it, `dvc repro` runs
    through the area check and validation, and the programme has figures."""
    from support import VENV_BIN, copy_project, run

    root = copy_project(tmp_path / "project")
    (root / "params" / "programmes" / "rotterdam_zuid.yaml").write_text(ROTTERDAM, "utf-8")
    cycle = root / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    amersfoort = "    GM0307: Amersfoort\n"
    text = text.replace(amersfoort, amersfoort + "    GM0599: Rotterdam\n")
    cycle.write_text(text.replace("programmes:\n", "programmes:\n  - rotterdam_zuid\n"), "utf-8")
    run([str(VENV_BIN / "dvc"), "repro", "indicators"], root)
    table = pd.read_csv(root / "data" / "processed" / "indicators" / "rotterdam_zuid.csv")
    shown = table[table["year"].eq(2024) & table["value"].notna()]
    by_role = shown[shown["indicator_id"].eq("inwoners")].set_index("area_role")["value"]
    assert 0 < by_role["programma"] < by_role["gemeente"] < by_role["nederland"]
    assert set(table["area_name"][table["area_role"].eq("gemeente")]) == {"Rotterdam"}
    health = shown[shown["indicator_id"].eq("ervaren_gezondheid")]
    assert set(health["area_role"]) == {"programma", "gemeente", "nederland"}
    # the four programmes the demo always knew keep their figures: the reviewed
    # back-test table, which holds every source but the police snapshots (the back-tests
    # build without them; the statement audit checks the crime rows on every build)
    built = (root / "data" / "processed" / "indicators" / "overvecht.csv").read_text("utf-8")
    kept = [line for line in built.splitlines(keepends=True) if ",politie:" not in line]
    assert len(kept) < len(built.splitlines()), "the demo build has crime rows"
    expected = REPO / "tests" / "expected" / "indicators" / "overvecht.csv"
    assert "".join(kept) == expected.read_text("utf-8")
