"""What the notebooks show: published values only, Dutch formats, deterministic figures."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from helpers import report
from helpers.config import LogEntry, Paths, Target
from helpers.indicators.engine import effective_indicators
from helpers.indicators.stats import indicator_summary
from helpers.indicators.status import LABELS, STATUSES
from helpers.report import dutch, factsheet, glance, plots
from helpers.report.escaping import shown_text
from helpers.report.glance import gemeente_comparison_sentence


def indicator_rows(indicator_id: str, unit: str, values: dict[tuple[str, int], float]) -> list:
    rows = []
    for (role, year), value in values.items():
        suppressed = np.isnan(value)
        rows.append(
            {
                "programme": "overvecht",
                "area_role": role,
                "area_code": {"programma": "overvecht", "gemeente": "GM0344"}.get(role, "NL00"),
                "area_name": {"programma": "Overvecht", "gemeente": "Utrecht"}.get(
                    role, "Nederland"
                ),
                "year": year,
                "indicator_id": indicator_id,
                "level": "outcome",
                "unit": unit,
                "value": value,
                "lower": np.nan if suppressed else value - 2,
                "upper": np.nan if suppressed else value + 2,
                "suppressed": suppressed,
                "suppression_reason": "small_n" if suppressed else "",
                "series_break": False,
                "synthetic": True,
                "source": "survey",
                "source_modified": "",
            }
        )
    return rows


@pytest.fixture(scope="module")
def project(project):
    """The project with the health target the cases below are built on: 62% in 2026
    (the demo has no health target in Overvecht)."""
    programme = project.programmes["overvecht"]
    health = Target(indicator="ervaren_gezondheid", year=2026, value=62.0)
    targets = [health, *(t for t in programme.targets if t.indicator != health.indicator)]
    overvecht = programme.model_copy(update={"targets": targets})
    return project.model_copy(update={"programmes": {**project.programmes, "overvecht": overvecht}})


@pytest.fixture
def table() -> pd.DataFrame:
    rows = indicator_rows(
        "ervaren_gezondheid",
        "procent",
        {
            ("programma", 2020): 55.0,
            ("programma", 2022): 57.5,
            ("programma", 2024): np.nan,
            ("gemeente", 2020): 65.0,
            ("gemeente", 2024): 66.0,
            ("nederland", 2024): 70.1,
        },
    )
    return pd.DataFrame(rows)


def test_series_holds_only_published_values_in_role_order(table):
    series = report.indicator_series(table, "ervaren_gezondheid")
    assert series["value"].notna().all()
    assert 2024 not in set(series.loc[series["area_role"] == "programma", "year"])
    assert list(series["area_role"].drop_duplicates()) == ["programma", "gemeente", "nederland"]


def test_dutch_number_formats():
    assert dutch.format_value(57.46, "procent") == "57,5%"
    assert dutch.format_value(35255.0, "aantal") == "35.255"
    assert dutch.format_value(1250000.0, "euro") == "€ 1.250.000"
    assert dutch.format_value(float("nan"), "aantal") == dutch.MISSING


def test_network_lists_every_indicator_of_the_programme(project):
    network = report.network_table(project, "overvecht")
    labels = set(network["indicator"])
    for indicator_id in project.programmes["overvecht"].indicator_ids():
        assert project.indicator("overvecht", indicator_id).label in labels
    assert "maatwerk" in set(network["soort"])


def test_synthetic_banner_only_for_synthetic_data():
    banner = report.synthetic_callout(True)
    assert banner.startswith("::: {.callout-warning}") and "synthetisch" in banner.lower()
    assert report.synthetic_callout(False) == ""
    assert "SYNTHETISCHE" in report.table_caption("Kerncijfers", True)


def test_trend_figure_is_byte_identical_across_saves(table, tmp_path):
    plots.house_style()
    series = report.indicator_series(table, "ervaren_gezondheid")
    digests = []
    for name in ("a.png", "b.png"):
        fig = plots.indicator_trend(
            series, "Ervaren gezondheid", "procent", target=(2026, 62.0), synthetic=True
        )
        path = plots.save_figure(fig, tmp_path / name)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    assert b"Software" not in (tmp_path / "a.png").read_bytes()


def test_alt_text_names_first_and_last_values_and_the_gaps(table):
    series = report.indicator_series(table, "ervaren_gezondheid")
    text = plots.trend_alt_text(series, "Ervaren gezondheid", "procent")
    assert "Overvecht: van 55,0% in 2020 naar 57,5% in 2022." in text
    assert "Utrecht: 65,0% in 2020; geen cijfer in 2022; 66,0% in 2024." in text
    with_gaps = report.indicator_series(table, "ervaren_gezondheid", keep_gaps=True)
    text = plots.trend_alt_text(with_gaps, "Ervaren gezondheid", "procent")
    assert "Overvecht: van 55,0% in 2020 naar 57,5% in 2022; niet gepubliceerd in 2024." in text


def test_series_with_gaps_keeps_the_years_but_never_a_withheld_value(table):
    series = report.indicator_series(table, "ervaren_gezondheid", keep_gaps=True)
    withheld = series[series["area_role"].eq("programma") & series["year"].eq(2024)]
    assert len(withheld) == 1
    assert withheld[["value", "lower", "upper"]].isna().all(axis=None)


def test_suppression_summary_counts_withheld_cells(table):
    summary = report.suppression_summary(table)
    assert summary["aantal cellen"].sum() == 1
    assert "respondenten" in summary["reden"].iloc[0]


# ------------------------------------------------------------ the annual report's tables


def context(project, table: pd.DataFrame, tmp_path) -> report.ProgrammeContext:
    """A programme context over a hand-made indicator table, with the statistics summary
    the indicators stage would write for it (the report's one source of statistics)."""
    notes = pd.DataFrame(columns=["goal", "year", "date", "type", "text", "source"])
    paths = Paths(tmp_path)
    programme = project.programmes["overvecht"]
    summary = indicator_summary(
        table,
        effective_indicators(project, "overvecht"),
        programme.targets,
        project.cycle.cycle.base_year,
    )
    paths.summaries_dir.mkdir(parents=True, exist_ok=True)
    summary.to_csv(paths.summary_table("overvecht"), index=False)
    return report.ProgrammeContext(paths, project, programme, table, notes)


@pytest.fixture
def full_table() -> pd.DataFrame:
    """Overvecht: survey waves with n (one latest cell suppressed), counts with a break."""
    rows = indicator_rows(
        "ervaren_gezondheid",
        "procent",
        {("programma", 2020): 55.0, ("programma", 2024): 60.0, ("gemeente", 2024): 66.0},
    )
    rows += indicator_rows(
        "eenzaamheid",
        "procent",
        {("programma", 2020): 50.0, ("programma", 2022): 48.0, ("programma", 2024): np.nan},
    )
    rows += indicator_rows(
        "activiteiten", "aantal", {("programma", y): 10.0 * (y - 2018) for y in range(2019, 2025)}
    )
    frame = pd.DataFrame(rows)
    frame["n"] = np.where(frame["source"].eq("survey") & frame["value"].notna(), 4000.0, np.nan)
    activities = frame["indicator_id"].eq("activiteiten")
    frame.loc[activities, ["source", "n", "lower", "upper"]] = [
        "registration",
        np.nan,
        np.nan,
        np.nan,
    ]
    frame.loc[activities & frame["year"].eq(2022), "series_break"] = True
    return frame


def test_at_a_glance_says_uncertainty_in_words_and_target_status_in_symbols_and_words(
    project, full_table, tmp_path
):
    ctx = context(project, full_table, tmp_path)
    glance = report.at_a_glance(ctx).set_index("indicator")
    health = glance.loc["Ervaren gezondheid goed of zeer goed (18+)"]
    assert health["doel"] == "Bewoners voelen zich gezonder en minder eenzaam"
    assert health["laatste waarde"] == "60,0% (2024)"
    assert health["verandering sinds 2020"] == "▲ hoger (+5,0 procentpunt), gunstig"
    assert health["echt verschil of toeval?"] == "waarschijnlijk een echte stijging"
    # target 62 in 2026 from 55 in 2020: by 2024 the straight line is at 59.7, inside the
    # latest value's interval 58.0 - 62.0: the gap is within the uncertainty
    assert health["streefwaarde"] == (
        "62,0% in 2026: ≈ nog niet te zeggen (richting de streefwaarde) (de lijn naar de "
        "streefwaarde geeft 59,7%, binnen het 95%-interval van de laatste waarde "
        "(58,0% – 62,0%))"
    )
    for cell in glance.drop(columns="streefwaarde").to_numpy().ravel():
        assert "✔" not in str(cell) and "p =" not in str(cell) and "p <" not in str(cell)
    lonely = glance.loc["Eenzaam (18+)"]
    assert lonely["laatste waarde"] == "48,0% (2022)", "the suppressed 2024 value is never shown"
    assert lonely["verandering sinds 2020"] == "▼ lager (−2,0 procentpunt), gunstig"
    assert lonely["streefwaarde"] == "– geen streefwaarde"
    counts = glance.loc["Aantal georganiseerde activiteiten"]
    assert (
        counts["verandering sinds 2020"]
        == "breuk in de reeks vanaf 2022: geen vergelijking met 2020; sinds 2022, het eerste "
        "jaar na de breuk: ▲ hoger (+20)"
    ), "the one wording of a break, naming the first year of the new series"
    assert counts["echt verschil of toeval?"] == "volledige telling, geen steekproef"
    missing = glance.loc["Moeite met rondkomen (18+)"]
    assert missing["laatste waarde"] == dutch.MISSING


def test_the_report_shows_what_the_summary_file_says(project, full_table, tmp_path):
    ctx = context(project, full_table, tmp_path)
    path = ctx.paths.summary_table("overvecht")
    summary = pd.read_csv(path)
    health = summary["indicator_id"].eq("ervaren_gezondheid")
    summary["target_status"] = summary["target_status"].astype(object)
    summary["target_movement"] = summary["target_movement"].astype(object)
    summary.loc[health, ["target_status", "target_movement", "target_note"]] = [
        "not_on_track",
        "away",
        "",
    ]
    summary.loc[health, ["p_value", "significant"]] = [0.2, False]
    summary.to_csv(path, index=False)
    row = (
        report.at_a_glance(ctx)
        .set_index("indicator")
        .loc["Ervaren gezondheid goed of zeer goed (18+)"]
    )
    assert row["streefwaarde"] == "62,0% in 2026: ✘ niet op koers (van de streefwaarde af)"
    assert row["echt verschil of toeval?"] == "het verschil kan toeval zijn"
    assert set(report.indicator_summary(ctx)["area_role"]) == {"programma"}
    path.unlink()
    with pytest.raises(FileNotFoundError, match="dvc repro indicators"):
        report.at_a_glance(ctx)


def test_the_body_says_statistics_in_plain_words_and_the_appendix_holds_tests(
    project, full_table, tmp_path
):
    ctx = context(project, full_table, tmp_path)
    health = report.statistics_sentence(ctx, "ervaren_gezondheid")
    assert "Toets" not in health and "score" not in health and "p =" not in health
    assert "Index" not in health
    assert "Sinds de vorige meting (2020): +5,0 procentpunt." in health
    counts = report.statistics_sentence(ctx, "activiteiten")
    assert "Verandering sinds 2020" not in counts, "no change across the 2022 break"
    # 2022-2024: three years of a complete count, no interval and said so in words
    assert (
        "Trend sinds 2022: gemiddeld +10 per jaar (te weinig jaren om te zeggen of dit een "
        "vaste richting is)." in counts
    )
    assert "interval" not in counts
    note = report.methods_note(ctx)
    assert "Streefwaarden:" in note and "nog niet te zeggen" in note and "gehaald" in note
    assert "bijlage Statistische toelichting" in note
    appendix = report.statistics_appendix(ctx).set_index("indicator")
    row = appendix.loc["Ervaren gezondheid goed of zeer goed (18+)"]
    assert "score-toets" in row["toets"] and row["p-waarde"] == "p < 0,001"
    assert row["vergelijking"] == "2020–2024" and row["index (2020 = 100)"] == "109,1"
    counted = appendix.loc["Aantal georganiseerde activiteiten"]
    assert counted["lineaire trend"] == (
        "+10 per jaar sinds 2022 (geen interval: volledige telling over minder dan vijf jaren)"
    )
    assert counted["vergelijking"] == "2022–2024 (eerste jaar na de breuk)"
    methods = report.statistics_methods(ctx)
    assert "Toets (5%-niveau)" in methods and "lineaire trend" in methods


def test_the_legend_says_uncertainty_in_words_and_keeps_symbols_for_targets():
    legend = report.GLANCE_LEGEND
    assert "niet aan toeval toe te schrijven" not in legend
    assert "✔ significant" not in legend and "✔ op koers" in legend
    assert "nog niet te zeggen" in legend and "kan toeval zijn" in legend
    assert "niet met zekerheid te zeggen" in legend and "✘ niet gehaald" in legend
    assert set(report.TARGET_WORDS) == set(STATUSES)
    for key, words in report.TARGET_WORDS.items():
        assert words.split(" ", 1)[1] == LABELS[key], "one set of words for the status"
    assert report.significance_words(0.01, True, -2.0) == "waarschijnlijk een echte daling"
    assert report.significance_words(0.2, False, -2.0) == "het verschil kan toeval zijn"
    assert report.significance_words(float("nan"), None, 3.0, "cbs_kwb") == (
        "volledige telling, geen steekproef"
    )


def test_after_a_break_the_report_compares_from_the_first_year_after_it(
    project, full_table, tmp_path
):
    ctx = context(project, full_table, tmp_path)
    glance = report.at_a_glance(ctx).set_index("indicator")
    assert glance.loc["Aantal georganiseerde activiteiten", "verandering sinds 2020"] == (
        "breuk in de reeks vanaf 2022: geen vergelijking met 2020; sinds 2022, het eerste "
        "jaar na de breuk: ▲ hoger (+20)"
    )
    sentence = report.change_sentence(ctx, "activiteiten")
    assert "Geen verandering sinds 2020: breuk in de reeks vanaf 2022." in sentence
    assert (
        "In 2022: 40. Verandering sinds 2022, het eerste jaar na de breuk: ▲ hoger (+20)."
        in sentence
    )
    key = report.key_figures(ctx).set_index("indicator")
    assert key.loc["Aantal georganiseerde activiteiten", "verschil t.o.v. 2020"] == (
        "– (breuk in de reeks vanaf 2022); sinds 2022, het eerste jaar na de breuk: +20 "
        "(volledige telling, geen steekproef)"
    )
    health = key.loc["Ervaren gezondheid goed of zeer goed (18+)", "verschil t.o.v. 2020"]
    assert health == "+5,0 procentpunt (waarschijnlijk een echte stijging)", "no p-value"
    # the break year withheld: the comparison starts at the first published year after it
    table = full_table.copy()
    withheld = table["indicator_id"].eq("activiteiten") & table["year"].eq(2022)
    table.loc[withheld, ["value", "suppressed", "suppression_reason"]] = [np.nan, True, "small"]
    ctx = context(project, table, tmp_path)
    assert "In 2023: 50. Verandering sinds 2023, het eerste gepubliceerde jaar na de breuk: " in (
        report.change_sentence(ctx, "activiteiten")
    )


def test_availability_matrix_marks_measured_missing_suppressed_and_breaks(
    project, full_table, tmp_path
):
    ctx = context(project, full_table, tmp_path)
    matrix = report.availability_matrix(ctx).set_index("indicator")
    assert list(matrix.columns) == [str(y) for y in project.cycle.cycle.years]
    lonely = matrix.loc["Eenzaam (18+)"]
    assert (lonely["2020"], lonely["2021"], lonely["2024"]) == (
        "gemeten",
        "ontbreekt",
        "onderdrukt",
    )
    assert matrix.loc["Aantal georganiseerde activiteiten", "2022"] == "gemeten + breuk"
    assert set(matrix.loc["Moeite met rondkomen (18+)"]) == {"ontbreekt"}


def test_caveats_and_change_sentence_name_breaks_and_gaps(project, full_table, tmp_path):
    ctx = context(project, full_table, tmp_path)
    caveats = report.series_caveats(ctx, "eenzaamheid")
    assert "Niet gepubliceerd in 2024 (te kleine aantallen)." in caveats
    assert "Geen meting in 2019, 2021, 2023." in caveats
    assert any(
        "Breuk in de reeks vanaf 2022" in c for c in report.series_caveats(ctx, "activiteiten")
    )
    assert "::: {.callout-caution}" in report.caveat_callout(caveats)
    sentence = report.change_sentence(ctx, "ervaren_gezondheid")
    assert "60,0% (95%-interval 58,0% – 62,0%) in 2024" in sentence
    assert "Nulmeting 2020: 55,0% (95%-interval 53,0% – 57,0%)." in sentence
    assert (
        "Verandering 2020–2024: ▲ hoger (+5,0 procentpunt), gunstig; waarschijnlijk een echte "
        "stijging." in sentence
    )


def test_definitions_and_sources_carry_cbs_attribution(project, full_table, tmp_path):
    ctx = context(project, full_table, tmp_path)
    definitions = report.definitions_table(ctx).set_index("indicator")
    share = definitions.loc["Doet vrijwilligerswerk (18+)"]
    assert share["bron"] == "enquête (GGD Gezondheidsmonitor)"
    assert share["gewenste richting"] == "hoger is beter"
    assert len(definitions) == len(project.programmes["overvecht"].indicator_ids())
    for indicator_id in project.programmes["overvecht"].indicator_ids():
        indicator = project.indicator("overvecht", indicator_id)
        shown = definitions.loc[indicator.label, "definitie"]
        for name in (indicator.column, indicator.numerator, indicator.denominator):
            if name and name not in indicator.label:  # 'Eenzaam' is also the label's word
                assert name not in shown, f"no variable name in {shown!r}"
    assert "Bron: CBS" in report.CBS_ATTRIBUTION and "CC BY 4.0" in report.CBS_ATTRIBUTION
    # a markdown link: a bare URL followed by ")." inside *…* swallowed the closing marks
    assert "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/deed.nl)." in (
        report.CBS_ATTRIBUTION
    )


def test_sources_and_logbook_speak_dutch(project, full_table):
    table = full_table.copy()
    table.loc[table["source"].eq("survey"), "source_modified"] = "2024-03-27T02:00:00"
    sources = report.sources_table(table)
    assert set(sources["bron"]) == {
        "enquête (GGD Gezondheidsmonitor)",
        "registratie van het programma",
    }
    assert "27 maart 2024" in set(sources.iloc[:, 1])
    assert not any("T02:00" in str(v) for v in sources.to_numpy().ravel())
    logbook = report.logbook_table(project, "betere_buurten")
    assert {"indicator toegevoegd", "gebied gewijzigd"} <= set(logbook["wijziging"])
    assert "15 februari 2023" in set(logbook["datum"])
    assert "Doet vrijwilligerswerk (18+)" in set(logbook["indicator"]), "labels, not raw ids"
    dated = logbook[logbook["datum"].ne(dutch.MISSING)]
    assert dated["datum"].iloc[0] == "1 december 2026", "newest first"
    assert dated["datum"].iloc[-1] == "1 maart 2022"


def test_a_catalogue_definition_change_is_a_break_in_the_logbook(project):
    """WOZ value and education level, redefined by CBS in 2024 (params/indicators.yaml
    `changes`): the joint report drew the break, the annual report's logbook said
    'breuk: nee' (only the entry that added the indicator)."""
    logbook = report.logbook_table(project, "overvecht")
    woz = logbook[
        logbook["indicator"].eq("Gemiddelde WOZ-waarde van woningen")
        & logbook["wijziging"].eq("indicator geherdefinieerd")
    ]
    assert woz[["vanaf jaar", dutch.BREAK_LABEL]].to_dict("records") == [
        {"vanaf jaar": 2024, dutch.BREAK_LABEL: "ja"}
    ]
    assert "niet vergelijkbaar met eerdere jaren" in woz["reden"].iloc[0]
    earlier = report.logbook_table(project, "overvecht", years=[2019, 2020, 2021, 2022, 2023])
    redefined = earlier.loc[earlier["wijziging"].eq("indicator geherdefinieerd"), "indicator"]
    assert "Gemiddelde WOZ-waarde van woningen" not in set(redefined), "2024 is after 2023"


def test_a_logbook_redefinition_is_a_break_in_the_logbook(project):
    """The engine breaks the series of an indicator the logbook redefines, with or
    without `breaks_series`; the logbook printed 'breuk: nee' beside it (found by the
    statement audit on the cycles test)."""
    entry = LogEntry(
        date="2026-12-01",
        programme="all",
        change="indicator_redefined",
        indicator="vrijwilligerswerk",
        from_year=2024,
        reason="Vraag aangepast in de gezondheidsmonitor (test).",
    )
    logbook = project.logbook.model_copy(update={"entries": [*project.logbook.entries, entry]})
    changed = project.model_copy(update={"logbook": logbook})
    table = report.logbook_table(changed, "overvecht")
    row = table[table["reden"].eq(entry.reason)]
    assert row[["wijziging", "vanaf jaar", dutch.BREAK_LABEL]].to_dict("records") == [
        {"wijziging": "indicator geherdefinieerd", "vanaf jaar": 2024, dutch.BREAK_LABEL: "ja"}
    ]


def test_factsheet_sentences_are_plain_and_published_only(project, full_table, tmp_path):
    ctx = context(project, full_table, tmp_path)
    items = factsheet.figure_items(ctx)
    assert [i["id"] for i in items] == ["ervaren_gezondheid", "eenzaamheid"]
    health, lonely = items
    assert health["bars"] == [("Overvecht", 60.0), ("Utrecht", 66.0)], "the place, not the name"
    assert health["title"] == "Hoeveel volwassenen voelen zich gezond?"
    assert health["sentence"].startswith(
        "In 2024 voelen 60 van de 100 volwassenen in Overvecht zich gezond. In heel Utrecht "
        "zijn dat er 66 van de 100. In 2020 waren het er 55 van de 100, dus in 2024 zijn het er "
        "meer."
    )
    assert lonely["year"] == 2022, "the suppressed latest year is skipped"
    assert lonely["sentence"].startswith("In 2022 voelen"), "each figure says its own year"


def test_network_diagram_is_deterministic_and_described(project, full_table, tmp_path):
    ctx = context(project, full_table, tmp_path)
    network = report.network_structure(ctx)
    digests = set()
    for name in ("a.png", "b.png"):
        fig = plots.network_diagram(network, "Netwerk")
        digests.add(
            hashlib.sha256(plots.save_figure(fig, tmp_path / name).read_bytes()).hexdigest()
        )
    assert len(digests) == 1
    alt = plots.network_alt_text(network, "Samen voor Overvecht")
    assert alt.startswith(
        "Schema van het doelen-inspanningen-netwerk van Samen voor Overvecht: 3 doelen"
    )
    for goal in ctx.programme.goals:
        assert goal.label in alt
        for effort in goal.efforts:
            assert effort.label in alt
    for indicator_id in ctx.programme.indicator_ids():
        assert project.indicator("overvecht", indicator_id).label in alt


def test_figure_output_gives_html_with_alt_text_and_the_png(table, tmp_path):
    series = report.indicator_series(table, "ervaren_gezondheid")
    fig = plots.indicator_trend(series, "Ervaren gezondheid", "procent")
    shown = plots.figure_output(fig, tmp_path / "f.png", 'Lijn "a" & b')
    bundle = shown._repr_mimebundle_()
    assert 'alt="Lijn &quot;a&quot; &amp; b"' in bundle["text/html"]
    assert bundle["image/png"] in bundle["text/html"]


def test_joint_overview_compares_each_programme_with_its_own_gemeente(project, table):
    frames = [table]
    other = table.assign(programme="vollenhove", area_name="Vollenhove")
    other.loc[other["area_role"].eq("gemeente"), "area_name"] = "Zeist"
    frames.append(other)
    joint = pd.concat(frames, ignore_index=True)
    overview = report.joint_overview(project, joint)
    assert list(overview["programma"]) == [
        project.programmes[k].name for k in project.cycle.programmes
    ], "params order, never sorted by a value"
    cell = overview.set_index("programma").loc[
        "Samen voor Overvecht", "Ervaren gezondheid goed of zeer goed (18+)"
    ]
    assert cell == "57,5% (gemeente –) 2022"
    series = report.own_trend_series(project, joint, "ervaren_gezondheid")
    assert set(series["area_role"]) == {"programma", "gemeente"}
    alt = plots.own_trends_alt_text(series, "Ervaren gezondheid", "procent")
    assert "Samen voor Overvecht — Overvecht: van 55,0% in 2020 naar 57,5% in 2022. Utrecht:" in alt
    assert "breuk" not in alt
    joint.loc[joint["programme"].eq("vollenhove") & joint["year"].eq(2022), "series_break"] = True
    series = report.own_trend_series(project, joint, "ervaren_gezondheid")
    alt = plots.own_trends_alt_text(series, "Ervaren gezondheid", "procent")
    assert (
        "Vollenhove Vooruit — Vollenhove: 55,0% in 2020; breuk in de reeks vanaf 2022; "
        "57,5% in 2022." in alt
    ), "no phrase joins values across the break"


def test_statistics_use_the_one_break_wording_and_do_not_repeat_it(project, full_table, tmp_path):
    ctx = context(project, full_table, tmp_path)
    text = report.statistics_sentence(ctx, "activiteiten")
    assert "na 2020" not in text and "geen verandering sinds het basisjaar" not in text
    assert "breuk in de reeks vanaf 2022" in report.change_sentence(ctx, "activiteiten")
    assert (
        glance._one_break_wording(ctx, "activiteiten", "breuk in de reeks tussen 2021 en 2022")
        == "breuk in de reeks vanaf 2022"
    )


@pytest.mark.parametrize(
    ("slope", "lower", "upper", "words"),
    [
        (5.0, 2.0, 9.0, "Trend sinds 2019: gemiddeld +5 per jaar; een duidelijke stijgende lijn."),
        (-5.0, -9.0, -2.0, "Trend sinds 2019: gemiddeld −5 per jaar; een duidelijke dalende lijn."),
        (5.0, -1.0, 11.0, "gemiddeld +5 per jaar; de jaren wijken te veel af van een rechte lijn"),
        (5.0, np.nan, np.nan, "(te weinig jaren om te zeggen of dit een vaste richting is)."),
    ],
)
def test_a_trend_is_said_in_words_and_its_interval_left_to_the_appendix(slope, lower, upper, words):
    row = pd.Series(
        {
            "unit": "aantal",
            "trend_slope": slope,
            "trend_lower": lower,
            "trend_upper": upper,
            "trend_from_year": 2019,
        }
    )
    text = report.trend_words(row)
    assert words in text and "interval" not in text


def test_the_sources_section_lists_each_cbs_revision_and_the_version_it_replaced():
    """The sources appendix the annual and the joint report share: every source with its
    CBS version, the attribution, and the revision log when CBS revised a table."""
    table = pd.DataFrame(
        {
            "source": ["cbs_kwb:85984NED", "cbs_kwb:85618NED", "survey", "survey"],
            "source_modified": ["2025-03-27T02:00:00", "2024-03-27T02:00:00", None, None],
            "synthetic": [False, False, True, True],
        }
    )
    log = pd.DataFrame(
        [["85984NED", "KWB 2024", "2024-08-16T02:00:00", "2025-03-27T02:00:00", "2025-04-02"]],
        columns=["table_id", "label", "previous_modified", "modified", "fetched_on"],
    )
    text = shown_text(report.sources_section(table, log))  # as the reader sees the cells
    assert text.count("\n| ") >= 4 and report.CBS_ATTRIBUTION in text
    revised = next(line for line in text.splitlines() if "85984NED" in line)
    assert "27 maart 2025" in revised and "16 augustus 2024" in revised and "echt" in revised
    assert report.REVISIONS_HEADING in text
    assert text.index(report.REVISIONS_HEADING) < text.index("2 april 2025")
    quiet = shown_text(report.sources_section(table, log.iloc[0:0]))
    assert report.REVISIONS_HEADING not in quiet and "16 augustus 2024" not in quiet
    assert "synthetisch (demo)" in quiet and report.CBS_ATTRIBUTION in quiet


def test_the_joint_report_shows_the_revision_log_in_its_sources_section():
    """joint.ipynb's sources section calls the same function as the annual report, on the
    revision log the joint stage declares as a dependency in dvc.yaml."""
    import nbformat
    import yaml
    from support import REPO

    for name in ("joint", "programme"):
        notebook = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert "report.revision_log(" in code and "report.sources_section(" in code
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    for stage in ("joint", "analyse"):
        assert "data/processed/cbs/revisions.csv" in stages[stage]["deps"], stage


def test_the_gemeente_comparison_carries_its_own_period_not_the_previous_measurement():
    """The issue's sentence: 'Sinds de vorige meting (2022): +0,4 procentpunt. Dat is +1,0
    procentpunt ten opzichte van de verandering in Utrecht' put a 2020–2024 difference next
    to 2022. Now the comparison names 2020 and 2024 and the area's own change over them."""
    row = pd.Series(
        {
            "unit": "procent",
            "base_year": 2020,
            "latest_year": 2024,
            "change_since_base": 1.6,
            "did_vs_gemeente": 1.0,
            "previous_year": 2022,
            "change_since_previous": 0.4,
        }
    )
    text = gemeente_comparison_sentence(row, "Utrecht")
    assert text.startswith(
        "Van 2020 tot 2024: +1,6 procentpunt in het programmagebied, +1,0 procentpunt ten "
        "opzichte van de verandering in Utrecht in dezelfde jaren"
    )
    assert "2022" not in text and "0,4" not in text
