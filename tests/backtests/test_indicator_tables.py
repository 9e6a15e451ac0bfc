"""Back-tests of the indicator engine.

1. Demo data: the tables rebuilt from the seeded demo generator equal the reviewed
   tables in tests/expected/; a few of those expected values are checked here by hand
   against the raw demo files (read with json/csv, not with the engine's readers).
   After a deliberate change, regenerate with
   `.venv/bin/python tests/backtests/test_indicator_tables.py`,
   review the diff (`git diff tests/expected`) and commit it.
2. Real data: from the real recorded KWB 2024 in ../shared, fetched by the real
   cbsodata client from a loopback server, the values for the programme areas equal
   CBS's published values.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import pandas as pd
import pytest
from cbs_server import ReplayServer, kwb_2024_tables
from support import REPO, build_demo_tables

from helpers.config import Paths, Project, load_project
from helpers.indicators.engine import (
    indicator_values,
    programme_table,
    read_indicator_table,
    read_summary,
)
from helpers.indicators.precision import round_half_up
from helpers.indicators.status import STATUSES
from helpers.report.first_screen import goal_statuses
from helpers.sources.cbs import fetch_kwb, read_kwb_long

EXPECTED = Path(__file__).parents[1] / "expected" / "indicators"


@pytest.fixture(scope="module")
def demo(project, tmp_path_factory) -> tuple[Path, dict[str, tuple[str, str]]]:
    folder = tmp_path_factory.mktemp("demo")
    return folder, build_demo_tables(project, folder)


@pytest.fixture(scope="module")
def expected() -> dict[str, pd.DataFrame]:
    tables = sorted(p for p in EXPECTED.glob("*.csv") if not p.stem.endswith("_summary"))
    return {path.stem: read_indicator_table(path) for path in tables}


def test_the_demo_goals_show_every_target_status(project):
    """docs/status.md's statuses all appear on the four programmes' first screens, from
    the reviewed expected summaries (the demo's targets are set for it)."""
    shown = {}
    for key in project.cycle.programmes:
        summary = read_summary(EXPECTED / f"{key}_summary.csv")
        summary = summary[summary["area_role"].eq("programma")].set_index("indicator_id")
        programme = project.programmes[key]
        indicators = {i: project.indicator(key, i) for i in programme.indicator_ids()}
        for status in goal_statuses(programme.goals, indicators, summary, 2020):
            shown.setdefault(status.status, f"{key}: {status.goal}")
    assert set(shown) == set(STATUSES), shown


@pytest.mark.parametrize("key", ["overvecht", "soesterkwartier", "vollenhove", "betere_buurten"])
def test_demo_tables_equal_the_reviewed_expected_tables(demo, key):
    _, built = demo
    table, summary = built[key]
    assert table == (EXPECTED / f"{key}.csv").read_text(encoding="utf-8")
    assert summary == (EXPECTED / f"{key}_summary.csv").read_text(encoding="utf-8")


def raw_kwb(folder: Path, table_id: str) -> dict[str, dict[str, float | None]]:
    """The raw demo KWB rows by padded-stripped region code and column base name."""
    rows = json.loads((folder / "cbs" / table_id / "TypedDataSet.json").read_text())
    return {
        row["WijkenEnBuurten"].strip(): {k.rsplit("_", 1)[0]: v for k, v in row.items()}
        for row in rows
    }


def raw_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cell(expected: dict, key: str, role: str, year: int, indicator: str) -> pd.Series:
    table = expected[key]
    hit = table[
        table["area_role"].eq(role) & table["year"].eq(year) & table["indicator_id"].eq(indicator)
    ]
    assert len(hit) == 1, (key, role, year, indicator)
    return hit.iloc[0]


def test_expected_cbs_values_match_the_raw_demo_tables_by_hand(demo, expected, project):
    folder, _ = demo
    raw_2024 = raw_kwb(folder, project.cycle.kwb_table(2024))
    assert (
        cell(expected, "overvecht", "programma", 2024, "inwoners")["value"]
        == (raw_2024["WK034403"]["AantalInwoners"])
    )
    assert (
        cell(expected, "overvecht", "gemeente", 2024, "woningvoorraad")["value"]
        == (raw_2024["GM0344"]["Woningvoorraad"])
    )
    # Betere Buurten in 2022: six buurten, the share recomputed from the summed counts.
    raw_2022 = raw_kwb(folder, project.cycle.kwb_table(2022))
    buurten = project.programmes["betere_buurten"].area_codes(2022)
    old = sum(raw_2022[b]["k_65JaarOfOuder"] for b in buurten)
    everyone = sum(raw_2022[b]["AantalInwoners"] for b in buurten)
    share = cell(expected, "betere_buurten", "programma", 2022, "aandeel_65plus")
    assert (share["numerator"], share["denominator"]) == (old, everyone)
    assert share["value"] == round_half_up(old / everyone * 100, 1)  # stored: one decimal
    # A buurt whose household figures CBS keeps secret: the area's share is withheld.
    secret = [b for b in buurten if raw_2022[b]["Eenpersoonshuishoudens"] is None]
    assert secret, "the demo keeps household figures of small buurten secret"
    alone = cell(expected, "betere_buurten", "programma", 2022, "eenpersoonshuishoudens")
    assert alone["suppressed"] and alone["suppression_reason"] == "cbs_not_published"
    assert math.isnan(alone["value"])


def raw_topic(folder: Path, table_id: str, base: str, group: str) -> dict[str, float | None]:
    """One column of a raw demo table by base name AND TopicGroup Title, area -> value.

    CBS uses `BuitenEuropa` under three groups in 2024: only the group says which.
    """
    table = folder / "cbs" / table_id
    properties = json.loads((table / "DataProperties.json").read_text())
    titles = {p["ID"]: p["Title"] for p in properties}
    [key] = [
        p["Key"]
        for p in properties
        if p["Type"] == "Topic"
        and p["Key"].rsplit("_", 1)[0] == base
        and titles.get(p["ParentID"]) == group
    ]
    rows = json.loads((table / "TypedDataSet.json").read_text())
    return {row["WijkenEnBuurten"].strip(): row[key] for row in rows}


def test_expected_origin_shares_match_the_raw_demo_tables_by_hand(demo, expected, project):
    """Herkomstland: Betere Buurten's share is the six buurten's summed count over their
    summed inhabitants; the three groups add up to 100; years before 2024 are empty."""
    folder, _ = demo
    table_id = project.cycle.kwb_table(2024)
    outside = raw_topic(folder, table_id, "BuitenEuropa", "Herkomstland")
    born_here = raw_topic(folder, table_id, "BuitenEuropa", "Geboren in Nederland")
    raw_2024 = raw_kwb(folder, table_id)
    buurten = project.programmes["betere_buurten"].area_codes(2024)
    count = sum(outside[b] for b in buurten)
    everyone = sum(raw_2024[b]["AantalInwoners"] for b in buurten)
    share = cell(expected, "betere_buurten", "programma", 2024, "aandeel_herkomst_buiten_europa")
    assert (share["numerator"], share["denominator"]) == (count, everyone)
    assert share["value"] == round_half_up(count / everyone * 100, 1)
    assert share["group"] == "herkomst" and share["level"] == "context"
    assert count != sum(born_here[b] for b in buurten), "not the born-in-NL twin"
    gemeente = cell(expected, "betere_buurten", "gemeente", 2024, "aandeel_herkomst_buiten_europa")
    assert gemeente["numerator"] == outside["GM0356"]
    origin_ids = [f"aandeel_herkomst_{x}" for x in ("nederland", "europa", "buiten_europa")]
    parts = [cell(expected, "overvecht", "programma", 2024, i)["value"] for i in origin_ids]
    assert sum(parts) == pytest.approx(100.0, abs=0.15)  # three shares, each rounded
    small = [code for code, value in outside.items() if value is None]
    assert small and all(c.startswith("BU") for c in small), "CBS keeps small buurten secret"
    for year in (2019, 2023):
        early = cell(expected, "overvecht", "programma", year, "aandeel_herkomst_nederland")
        assert math.isnan(early["value"]) and not early["suppressed"]


def test_expected_survey_and_registration_values_match_the_raw_files_by_hand(demo, expected):
    folder, _ = demo
    survey = raw_csv(folder / "demo" / "survey" / "gezondheidsmonitor.csv")
    wave = {(r["jaar"], r["gebiedcode"], r["indicator"]): r for r in survey}
    own = wave[("2024", "WK034403", "Eenzaam")]
    shown = cell(expected, "overvecht", "programma", 2024, "eenzaamheid")
    assert (shown["value"], shown["lower"], shown["upper"], shown["n"]) == (
        float(own["percentage"]),
        float(own["ondergrens"]),
        float(own["bovengrens"]),
        float(own["n"]),
    )
    # Several buurten: weighted by respondents, rounded as published (one decimal).
    codes = ["BU03560401", "BU03560402", "BU03560403", "BU03561001", "BU03561002", "BU03561003"]
    rows = [wave[("2022", code, "Vrijwilligerswerk")] for code in codes]
    n = sum(int(r["n"]) for r in rows)
    count = sum(float(r["percentage"]) / 100 * int(r["n"]) for r in rows)
    pooled = cell(expected, "betere_buurten", "programma", 2022, "vrijwilligerswerk")
    assert pooled["n"] == n
    assert pooled["value"] == pytest.approx(round(count / n * 100, 1))
    assert pooled["lower"] < pooled["value"] < pooled["upper"]
    # Registrations: summed over the programme's projects.
    registrations = raw_csv(folder / "demo" / "registrations" / "overvecht.csv")
    total = sum(int(r["activiteiten"]) for r in registrations if r["jaar"] == "2023")
    assert cell(expected, "overvecht", "programma", 2023, "activiteiten")["value"] == total


def test_expected_small_registration_counts_are_withheld(demo, expected, project):
    folder, _ = demo
    withheld = []
    for key in project.cycle.programmes:
        rows = raw_csv(folder / "demo" / "registrations" / f"{key}.csv")
        for indicator in project.indicators_for(key):
            if indicator.source != "registration":
                continue
            for year in project.cycle.cycle.years:
                values = [r.get(indicator.column or "", "") for r in rows if r["jaar"] == str(year)]
                total = sum(float(v) for v in values if v != "")
                if 0 < total < project.cycle.suppression.min_count:
                    shown = cell(expected, key, "programma", year, indicator.id)
                    assert shown["suppressed"] and shown["suppression_reason"] == "small_count"
                    withheld.append((key, year, indicator.id))
    assert withheld, "the demo has at least one small registration count to withhold"


def test_expected_summary_never_changes_across_the_area_break(expected):
    summary = read_summary(EXPECTED / "betere_buurten_summary.csv")
    area = summary[summary["area_role"].eq("programma") & summary["indicator_id"].eq("inwoners")]
    row = area.iloc[0]
    assert bool(row["break_since_base"]) and math.isnan(row["change_since_base"])
    assert "breuk" in row["note"]
    assert row["trend_from_year"] == 2022


# ----------------------------------------------------------------------- real data


def one_year_project(address: str) -> Project:
    """The shipped params, narrowed to 2024 and pointed at the loopback server."""
    project = load_project(Paths.from_root(REPO))
    cycle = project.cycle
    years = cycle.cycle.model_copy(update={"year": 2024, "years": [2024], "base_year": 2024})
    cbs = cycle.cbs.model_copy(update={"catalog_url": address, "use_https": False, "retries": 1})
    return project.model_copy(
        update={"cycle": cycle.model_copy(update={"cycle": years, "cbs": cbs, "source": "cbs"})}
    )


@pytest.fixture(scope="module")
def real_2024(shared_cbs, tmp_path_factory) -> tuple[Project, pd.DataFrame, dict]:
    folder = tmp_path_factory.mktemp("real") / "cbs"
    with ReplayServer(kwb_2024_tables(shared_cbs)) as server:
        project = one_year_project(server.address)
        fetch_kwb(project, folder, log=lambda _: None, backoff=0)
    published = json.loads(
        (
            shared_cbs / "niquedegraaff_kwb2024_85984NED" / "stripped_filtered_data_2024.json"
        ).read_text(encoding="utf-8")
    )
    return project, read_kwb_long(folder, project), published


EMPTY_SURVEY = pd.DataFrame(columns=["jaar", "gebiedcode", "indicator", "percentage", "n"])


@pytest.mark.parametrize(
    ("key", "area", "gemeente"),
    [("overvecht", "WK034403", "GM0344"), ("soesterkwartier", "WK030703", "GM0307")],
)
def test_real_programme_areas_equal_cbs_published_values(real_2024, key, area, gemeente):
    project, kwb, published = real_2024
    table = programme_table(
        project, key, kwb, EMPTY_SURVEY, pd.DataFrame(columns=["jaar"]), local_synthetic=False
    )
    pairs = (("inwoners", "AantalInwoners_5"), ("woningvoorraad", "Woningvoorraad_35"))
    for indicator, column in pairs:
        rows = table[table["indicator_id"].eq(indicator) & table["year"].eq(2024)]
        by_role = rows.set_index("area_role")
        assert by_role.loc["programma", "value"] == published[area][column]
        assert by_role.loc["gemeente", "value"] == published[gemeente][column]
        assert by_role.loc["programma", "area_level"] == "wijk"
        assert by_role.loc["programma", "source"] == "cbs_kwb:85984NED"
        assert by_role.loc["programma", "source_modified"] == "2025-03-27T02:00:00"
        assert not by_role["synthetic"].any()
    if key == "overvecht":
        own = table[table["indicator_id"].eq("inwoners") & table["area_role"].eq("programma")]
        assert own["value"].iloc[0] == 35255  # Overvecht, KWB 2024


def test_real_wijken_add_up_to_the_published_gemeente_total(real_2024):
    """Woningvoorraad: Utrecht's ten wijken summed equal CBS's gemeente figure; Amersfoort
    has a secret wijk, so its sum is withheld and never reconstructed."""
    project, kwb, published = real_2024
    woningen = [i for i in project.catalogue.indicators if i.id == "woningvoorraad"]
    rows = []
    for gemeente in ("GM0344", "GM0307"):
        wijken = sorted(k for k in published if k.startswith("WK" + gemeente[2:]))
        rows += [("som", gemeente, gemeente, 2024, wijk) for wijk in wijken]
    members = pd.DataFrame(
        rows, columns=["area_role", "area_code", "area_name", "year", "member_code"]
    )
    values = indicator_values(woningen, members, kwb).set_index("area_code")
    assert values.loc["GM0344", "value"] == published["GM0344"]["Woningvoorraad_35"] == 167124
    assert math.isnan(values.loc["GM0307", "value"])
    assert values.loc["GM0307", "suppression_reason"] == "cbs_not_published"


if __name__ == "__main__":
    EXPECTED.mkdir(parents=True, exist_ok=True)
    import tempfile

    built = build_demo_tables(load_project(Paths.from_root(REPO)), Path(tempfile.mkdtemp()))
    for name, (table_text, summary_text) in built.items():
        (EXPECTED / f"{name}.csv").write_text(table_text, encoding="utf-8")
        (EXPECTED / f"{name}_summary.csv").write_text(summary_text, encoding="utf-8")
        print(f"wrote {EXPECTED / name}.csv and _summary.csv", file=sys.stderr)
