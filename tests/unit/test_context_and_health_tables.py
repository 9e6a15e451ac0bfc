"""Context section, RIVM/GGD health estimates and provenance per figure, on constructed data.

The whole chain on the real recordings is tests/pipeline/test_real_data_cycle.py; these
pin the rules:
only published values, source lines with CBS's revision date, the latest health wave
with its own year, an inhabitants-weighted estimate labelled as such (no interval),
and a real figure never called synthetic.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from support import REPO, kwb_long

from helpers import report
from helpers.config import CycleYears, Indicator, Paths, load_project
from helpers.indicators.engine import health_values, membership, programme_table
from helpers.report import dutch, factsheet
from helpers.report.exports import notes_sheet
from helpers.sources.cbs_health import used_waves
from helpers.sources.local import REGISTRATION_COLUMNS, SURVEY_COLUMNS

HEALTH = Indicator(
    id="gezondheid_rivm",
    label="Ervaren gezondheid (RIVM)",
    level="outcome",
    unit="procent",
    source="cbs_health",
    column="ErvarenGezondheidGoedZeerGoed",
    direction="higher_is_better",
)


@pytest.fixture(scope="module")
def project():
    return load_project(Paths.from_root(REPO))


def health_rows(values: dict[tuple[str, int], float], table_id: str = "50090NED") -> pd.DataFrame:
    """Harmonised health rows (18+) of {(area, wave): estimate}."""
    return pd.DataFrame(
        [
            {
                "year": year,
                "area_code": code,
                "column": "ErvarenGezondheidGoedZeerGoed",
                "population": "18 jaar of ouder",
                "value": value,
                "table_id": table_id,
                "table_modified": "",
                "synthetic": False,
            }
            for (code, year), value in values.items()
        ]
    )


def members_of(areas: dict[str, list[str]], year: int) -> pd.DataFrame:
    rows = [
        ("programma", name, name, year, code) for name, codes in areas.items() for code in codes
    ]
    columns = ["area_role", "area_code", "area_name", "year", "member_code"]
    return pd.DataFrame(rows, columns=columns)


def test_latest_wave_is_kept_with_its_own_year():
    cycle = CycleYears(year=2024, years=[2024], base_year=2024)
    assert used_waves([2012, 2016, 2020], cycle) == [2020]
    cycle = CycleYears(year=2024, years=[2019, 2020, 2021, 2022, 2023, 2024], base_year=2020)
    assert used_waves([2012, 2016, 2020, 2022, 2024], cycle) == [2020, 2022, 2024]
    cycle = CycleYears(year=2021, years=[2019, 2020, 2021], base_year=2019)
    assert used_waves([2016, 2020, 2024], cycle) == [2020], "no wave after the cycle's year"
    assert used_waves([], cycle) == []


def test_one_member_keeps_the_published_estimate_several_are_weighted_by_inhabitants():
    health = health_rows({("BU1", 2020): 70.0, ("BU2", 2020): 80.0, ("BU3", 2020): 60.0})
    # no KWB of 2020: the nearest year in which every member's inhabitants are published
    kwb = pd.concat(
        [
            kwb_long({"BU1": {"AantalInwoners": 1000}, "BU2": {"AantalInwoners": 3000}}, 2024),
            kwb_long({"BU1": {"AantalInwoners": 900}}, 2019),
        ]
    )
    members = members_of({"een": ["BU1"], "twee": ["BU1", "BU2"], "drie": ["BU1", "BU3"]}, 2020)
    values = health_values([HEALTH], members, health, kwb).set_index("area_code")
    assert values.loc["een", "value"] == 70.0 and values.loc["een", "estimate"] == ""
    # (1000 * 70 + 3000 * 80) / 4000 = 77.5, weights from KWB 2024, labelled
    assert values.loc["twee", "value"] == 77.5
    assert values.loc["twee", "estimate"] == "inwoners_gewogen:2024"
    assert values.loc["twee", "area_level"] == "buurt"
    assert np.isnan(values.loc["twee", ["lower", "upper", "n"]].astype(float)).all()
    # BU3 has no published inhabitants in any year: no weights, no value
    assert math.isnan(values.loc["drie", "value"])
    assert values.loc["drie", "suppression_reason"] == "not_aggregable"
    assert set(values["source"]) == {"cbs_health:50090NED"}
    assert not values["synthetic"].any()


def test_a_member_without_a_published_estimate_leaves_the_area_without_one():
    health = health_rows({("BU1", 2020): 70.0, ("BU2", 2020): float("nan")})
    kwb = kwb_long({"BU1": {"AantalInwoners": 1000}, "BU2": {"AantalInwoners": 3000}}, 2020)
    values = health_values([HEALTH], members_of({"p": ["BU1", "BU2"]}, 2020), health, kwb)
    assert math.isnan(values["value"].iloc[0])
    assert values["suppression_reason"].iloc[0] == "cbs_not_published"


def demo_like_table(project, key: str) -> pd.DataFrame:
    """A programme table from constructed KWB rows, real (not synthetic), with health."""
    programme = project.programmes[key]
    codes = programme.area_codes(2024)
    cells = {
        code: {"AantalInwoners": 35255, "Woningvoorraad": 15000, "Bevolkingsdichtheid": 9000}
        for code in codes
    }
    cells[programme.gemeente] = {
        "AantalInwoners": 374238,
        "Woningvoorraad": 167124,
        "Bevolkingsdichtheid": 3900,
    }
    kwb = kwb_long(cells, 2024)
    health = health_rows({**{(c, 2020): 69.9 for c in codes}, (programme.gemeente, 2020): 76.0})
    one_year = project.cycle.cycle.model_copy(update={"year": 2024, "years": [2024]})
    one_year = one_year.model_copy(update={"base_year": 2024})
    cycle = project.cycle.model_copy(update={"cycle": one_year})
    project = project.model_copy(update={"cycle": cycle})
    table = programme_table(
        project,
        key,
        kwb,
        pd.DataFrame(columns=SURVEY_COLUMNS),
        pd.DataFrame(columns=REGISTRATION_COLUMNS),
        local_synthetic=True,
        health=health,
    )
    return project, table


def context_of(project, key, table) -> report.ProgrammeContext:
    paths = Paths.from_root(REPO)
    return report.ProgrammeContext(paths, project, project.programmes[key], table, pd.DataFrame())


def test_context_table_shows_published_kwb_values_with_their_source_lines(project):
    project, table = demo_like_table(project, "overvecht")
    ctx = context_of(project, "overvecht", table)
    context = report.context_table(ctx)
    assert list(context.columns) == ["indicator", "gebied", "2024", "breuk in de reeks"]
    inhabitants = context[context["indicator"].eq("Aantal inwoners")].set_index("gebied")["2024"]
    assert inhabitants["Samen voor Overvecht"] == "35.255"
    assert inhabitants["Utrecht"] == "374.238"
    assert inhabitants["Nederland"] == dutch.MISSING, "no NL row: not invented"
    density = context[context["indicator"].str.startswith("Bevolkingsdichtheid")]
    assert "9.000" in set(density["2024"])
    assert "Gemiddelde WOZ-waarde van woningen" in report.context_missing(ctx)
    sources = report.context_sources(ctx)
    assert sources.to_dict("records") == [
        {
            "jaar": 2024,
            "bron": "CBS Kerncijfers wijken en buurten",
            "tabel": "85984NED",
            "versie (CBS)": "27 maart 2025",
            "cijfers": "echt",
        }
    ]


def test_health_table_shows_the_latest_wave_with_its_year_and_the_gap(project):
    project, table = demo_like_table(project, "overvecht")
    ctx = context_of(project, "overvecht", table)
    health = report.health_table(ctx)
    row = health[health["indicator"].str.startswith("Ervaren gezondheid")].iloc[0]
    assert row["meting"] == 2020, "the 2020 wave in a 2024 cycle, with its own year"
    assert row["Samen voor Overvecht"] == "69,9%" and row["Utrecht"] == "76,0%"
    assert row["Nederland"] == dutch.MISSING
    assert row["verschil met Utrecht"] == "\u22126,1 procentpunt"
    assert row["schatting"] == "gepubliceerde schatting"
    assert set(report.health_sources(ctx)["tabel"]) == {"50090NED"}


def test_weighted_estimate_is_named_in_the_health_table(project):
    project, table = demo_like_table(project, "betere_buurten")
    ctx = context_of(project, "betere_buurten", table)
    row = report.health_table(ctx).iloc[0]
    assert "gewogen gemiddelde van de schattingen van de deelgebieden" in row["schatting"]
    assert "CBS Kerncijfers 2024" in row["schatting"]
    assert "geen eigen schatting" in row["schatting"]


def test_a_page_names_real_and_synthetic_sources_and_never_calls_real_synthetic(project):
    project, table = demo_like_table(project, "overvecht")
    table = table[table["source"].str.startswith("cbs_")].reset_index(drop=True)
    registrations = table.iloc[:1].assign(
        source="registration", synthetic=True, indicator_id="budget"
    )
    mixed = pd.concat([table, registrations], ignore_index=True)
    banner = report.provenance_callout(mixed)
    assert "Alle cijfers op deze pagina zijn synthetisch" not in banner
    real, fake = banner.split("**Synthetisch**")
    assert "CBS Kerncijfers wijken en buurten (85984NED)" in real
    assert "(50090NED)" in real
    assert "registratie van het programma" in fake and "85984NED" not in fake
    only_real = report.provenance_callout(table)
    assert "Alle cijfers op deze pagina zijn echt" in only_real and "ynthetisch" not in only_real
    only_fake = report.provenance_callout(registrations)
    assert "Alle cijfers op deze pagina zijn synthetisch" in only_fake
    ctx = context_of(project, "overvecht", mixed)
    assert not ctx.synthetic_for(["inwoners"]) and ctx.synthetic_for(["budget"])
    notes = " ".join(notes_sheet(project, "overvecht", mixed)["toelichting"])
    assert "Echte cijfers (gepubliceerd door de bron): " in notes
    assert "CBS Kerncijfers wijken en buurten (85984NED)" in notes
    assert "SYNTHETISCHE GEGEVENS (demo" in notes and "registratie van het programma" in notes
    real_notes = " ".join(notes_sheet(project, "overvecht", table)["toelichting"])
    assert "SYNTHETISCHE GEGEVENS" not in real_notes


def test_membership_for_a_wave_uses_the_area_of_that_year(project):
    members = membership(project, "betere_buurten", [2020])
    own = members[members["area_role"].eq("programma")]
    assert set(own["member_code"]) == set(project.programmes["betere_buurten"].area_codes(2020))


def test_factsheet_warns_residents_about_made_up_figures_only_where_they_are(project):
    project, table = demo_like_table(project, "overvecht")
    real = table[table["source"].str.startswith("cbs_")].reset_index(drop=True)
    fake = real.iloc[:1].assign(source="survey", synthetic=True, indicator_id="eenzaamheid")
    ctx = context_of(project, "overvecht", pd.concat([real, fake], ignore_index=True))
    assert report.factsheet_banner(ctx, [{"id": "inwoners"}]) == ""
    assert "verzonnen" in report.factsheet_banner(ctx, [{"id": "eenzaamheid"}])
    mixed = report.factsheet_banner(ctx, [{"id": "inwoners"}, {"id": "eenzaamheid"}])
    assert "een deel van de cijfers is niet echt" in mixed
    assert "**Echt** zijn de cijfers van het CBS." in mixed


def test_health_registry_knows_the_three_editions_and_rejects_an_unknown_one(project):
    from pydantic import ValidationError

    cbs = project.cycle.cbs
    assert set(cbs.health_editions) == {"50090NED", "50120NED", "50150NED"}
    assert cbs.health_catalog_url("50090NED") == cbs.catalog_url
    assert cbs.health_catalog_url("50150NED") == "dataderden.cbs.nl"
    assert cbs.health_editions["50150NED"].waves[-1] == 2024
    with pytest.raises(ValidationError, match="not among health_editions"):
        cbs.model_validate({**cbs.model_dump(), "health_table": "50999NED"})
    with pytest.raises(ValidationError, match="cbs_health indicator"):
        Indicator.model_validate({**HEALTH.model_dump(), "unit": "aantal"})


def test_the_context_table_says_where_a_series_breaks(project):
    """The annual report's context table showed WOZ value as continuous across the 2024
    CBS redefinition that the joint report's chart drew as a break."""
    project, table = demo_like_table(project, "overvecht")
    two_years = project.cycle.cycle.model_copy(update={"years": [2023, 2024], "base_year": 2023})
    project = project.model_copy(
        update={"cycle": project.cycle.model_copy(update={"cycle": two_years})}
    )
    table = table.copy()
    table["series_break"] = table["indicator_id"].eq("inwoners") & table["year"].eq(2024)
    context = report.context_table(context_of(project, "overvecht", table))
    shown = context.set_index(["indicator", "gebied"])["breuk in de reeks"]
    assert shown[("Aantal inwoners", "Samen voor Overvecht")] == "vanaf 2024"
    assert shown[("Woningvoorraad", "Samen voor Overvecht")] == dutch.MISSING


def with_summary(project, key: str, table: pd.DataFrame, root) -> report.ProgrammeContext:
    """A context over `table` under `root`, with the summary the indicators stage writes."""
    from helpers.indicators.engine import effective_indicators
    from helpers.indicators.stats import indicator_summary

    paths = Paths(root)
    programme = project.programmes[key]
    summary = indicator_summary(
        table, effective_indicators(project, key), programme.targets, project.cycle.cycle.base_year
    )
    paths.summaries_dir.mkdir(parents=True, exist_ok=True)
    summary.to_csv(paths.summary_table(key), index=False)
    return report.ProgrammeContext(paths, project, programme, table, pd.DataFrame())


def test_on_real_data_the_factsheet_shows_the_real_figures_first_and_says_so_once(
    project, tmp_path
):
    """Real CBS and health rows beside a synthetic survey outcome: the real figures take
    the first slots, and the closing line names the same real and made-up sources as the
    notice at the top (it never says 'all made up' beside 'from the CBS')."""
    project, table = demo_like_table(project, "overvecht")
    real_ids = set(table.loc[~table["synthetic"].astype(bool), "indicator_id"])
    fake = table[table["indicator_id"].eq("gezondheid_rivm")].assign(
        source="survey", synthetic=True, indicator_id="ervaren_gezondheid"
    )
    ctx = with_summary(project, "overvecht", pd.concat([table, fake], ignore_index=True), tmp_path)
    items = factsheet.figure_items(ctx)
    shown = [item["id"] for item in items]
    assert shown and "ervaren_gezondheid" in [i.id for i in factsheet._candidates(ctx)]
    assert shown[0] in real_ids, shown
    real_first = [i in real_ids for i in shown]
    assert real_first == sorted(real_first, reverse=True), "no made-up figure before a real one"
    closing = factsheet.sources_sentence(ctx, items)
    banner = report.factsheet_banner(ctx, items)
    if "ervaren_gezondheid" in shown:
        assert "**Verzonnen** zijn de cijfers van de GGD-enquête" in banner
        assert closing.startswith("Echt zijn de cijfers van ") and "verzonnen" in closing
    else:
        assert banner == "" and closing.startswith("De cijfers komen van ")
    assert "verzonnen" not in factsheet.sources_sentence(ctx, items[:1])
    everything_fake = ctx.table.assign(synthetic=True)
    made_up = with_summary(project, "overvecht", everything_fake, tmp_path)
    assert factsheet.sources_sentence(made_up, items).startswith("Alle cijfers")


def test_a_redefined_context_indicator_is_marked_in_the_context_table(project):
    """A break in a context indicator's series (a logbook redefinition) is named in the
    table's break column, on that indicator's rows only; the others read '–'."""
    project, table = demo_like_table(project, "overvecht")
    earlier = table.assign(year=2023, series_break=False)
    both = pd.concat([earlier, table.assign(series_break=False)], ignore_index=True)
    years = project.cycle.cycle.model_copy(update={"years": [2023, 2024], "base_year": 2023})
    project = project.model_copy(
        update={"cycle": project.cycle.model_copy(update={"cycle": years})}
    )
    plain = report.context_table(context_of(project, "overvecht", both))
    assert set(plain["breuk in de reeks"]) == {dutch.MISSING}
    redefined = both["indicator_id"].eq("inwoners") & both["year"].eq(2024)
    both.loc[redefined, "series_break"] = True
    marked = report.context_table(context_of(project, "overvecht", both))
    assert list(marked["indicator"]) == list(plain["indicator"]), "labels stay as they are"
    flagged = marked[marked["breuk in de reeks"].ne(dutch.MISSING)]
    assert set(flagged["indicator"]) == {"Aantal inwoners"}
    assert set(flagged["breuk in de reeks"]) == {"vanaf 2024"}
