"""The joint catalogue across the pillars of the joint monitor, the latest wave of a source
with its own year, and the joint report's pillar sections (constructed data)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import get_args

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support import kwb_long

from helpers import report
from helpers.config import CycleYears, ParamsError, Paths, Project, Theme, load_project
from helpers.indicators.engine import programme_table, survey_waves
from helpers.report import plots
from helpers.report.dutch import THEME_LABELS
from helpers.sources.cbs import read_kwb_long
from helpers.sources.demo import write_demo_cbs
from helpers.sources.local import REGISTRATION_COLUMNS, SURVEY_COLUMNS

PILLARS = [
    "gezondheid",
    "veiligheid",
    "participatie_en_armoede",
    "onderwijs",
    "wonen_leefomgeving_groen",
]
NEW_KWB = [
    "koopwoningen",
    "corporatiewoningen",
    "inkomen_per_inwoner",
    "laag_inkomen",
    "sociaal_minimum",
    "bijstand",
    "arbeidsparticipatie",
    "wmo_clienten",
    "laag_opgeleiden",
]


# ------------------------------------------------------------------ the catalogue


def test_theme_labels_cover_exactly_the_allowed_themes():
    assert list(THEME_LABELS) == ["bevolking", *PILLARS]
    assert set(get_args(Theme)) == set(THEME_LABELS)


def test_every_pillar_holds_a_joint_indicator_and_only_inputs_have_none(project):
    themes = {i.theme for i in project.catalogue.indicators}
    assert set(PILLARS) | {"bevolking"} <= themes
    without = [i for i in project.catalogue.indicators if i.theme is None]
    assert without and all(i.level == "input" for i in without)
    published = {i.theme for i in project.catalogue.indicators if i.source.startswith("cbs_")}
    assert published == {"bevolking", *PILLARS} - {"veiligheid"}, (
        "CBS or RIVM figures in every pillar where CBS publishes them per wijk and buurt"
    )
    demographics = [i for i in project.catalogue.indicators if i.theme == "bevolking"]
    assert all(i.level == "context" for i in demographics)


def copied_params(tmp_path: Path, repo_root: Path) -> Path:
    shutil.copytree(repo_root / "params", tmp_path / "params")
    return tmp_path


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        (
            "indicators.yaml",
            "    theme: onderwijs\n",
            "    theme: klimaat\n",
            "indicators[",
        ),
        (
            "programmes/overvecht.yaml",
            "    theme: participatie_en_armoede\n",
            "    theme: armoede\n",
            "local_indicators[0].theme",
        ),
    ],
)
def test_an_unknown_theme_stops_the_load_naming_file_and_key(
    tmp_path, repo_root, file, old, new, key
):
    root = copied_params(tmp_path, repo_root)
    path = root / "params" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        load_project(Paths.from_root(root))
    message = str(error.value)
    assert str(path) in message and key in message and ".theme" in message
    assert "'participatie_en_armoede'" in message  # the allowed values are named


def test_the_demo_publishes_every_new_kwb_indicator_for_the_programme_area(project, tmp_path):
    write_demo_cbs(project, tmp_path / "cbs")
    kwb = read_kwb_long(tmp_path / "cbs", project)
    empty_survey = pd.DataFrame(columns=SURVEY_COLUMNS)
    registrations = pd.DataFrame(columns=REGISTRATION_COLUMNS)
    table = programme_table(
        project, "overvecht", kwb, empty_survey, registrations, local_synthetic=True
    )
    latest = table[table["year"].eq(project.cycle.cycle.year)]
    for indicator_id in NEW_KWB:
        rows = latest[latest["indicator_id"].eq(indicator_id)].set_index("area_role")
        assert rows.loc[["programma", "gemeente", "nederland"], "value"].notna().all(), indicator_id
    own = latest[latest["area_role"].eq("programma")].set_index("indicator_id")["value"]
    assert 0 < own["koopwoningen"] + own["corporatiewoningen"] <= 100
    assert 0 < own["arbeidsparticipatie"] < 100 and own["inkomen_per_inwoner"] > 10


def test_population_groups_are_the_bevolking_pillar_only(project):
    ctx = constructed_context(project)
    groups = report.population_context(ctx)
    labels = set(groups["bevolkingsgroep"])
    assert "Aandeel inwoners van 65 jaar en ouder" in labels
    assert "Aandeel koopwoningen" not in labels


def constructed_context(project: Project) -> report.ProgrammeContext:
    cells = {
        code: {"AantalInwoners": 1000.0, "k_65JaarOfOuder": 150.0, "Koopwoningen": 30.0}
        for code in ("WK034403", "GM0344", "NL00")
    }
    table = programme_table(
        project,
        "overvecht",
        kwb_long(cells),
        pd.DataFrame(columns=SURVEY_COLUMNS),
        pd.DataFrame(columns=REGISTRATION_COLUMNS),
        local_synthetic=False,
    )
    paths = Paths.from_root(Path("."))
    return report.ProgrammeContext(
        paths, project, project.programmes["overvecht"], table, pd.DataFrame()
    )


# ------------------------------------------------------- the latest wave, own year


def later_cycle(project: Project) -> Project:
    years = CycleYears(year=2024, years=[2023, 2024], base_year=2023)
    cycle = project.cycle.model_copy(update={"cycle": years})
    return project.model_copy(update={"cycle": cycle})


def survey_frame(waves: list[int]) -> pd.DataFrame:
    rows = [
        (year, code, code, "Eenzaam", value + year - 2018, value - 3, value + 3, n)
        for year in waves
        for code, value, n in (
            ("WK034403", 55.0, 400),
            ("GM0344", 45.0, 3000),
            ("NL00", 47.0, 9000),
        )
    ]
    return pd.DataFrame(rows, columns=SURVEY_COLUMNS)


def test_the_latest_survey_wave_before_the_cycle_is_kept_with_its_own_year(project):
    later = later_cycle(project)
    survey = survey_frame([2018, 2020])
    assert survey_waves(survey, later.cycle.cycle) == [2020, 2023, 2024]
    table = programme_table(
        later,
        "overvecht",
        kwb_long({"WK034403": {"AantalInwoners": 35000.0}}),
        survey,
        pd.DataFrame(columns=REGISTRATION_COLUMNS),
        local_synthetic=True,
    )
    lonely = table[table["indicator_id"].eq("eenzaamheid") & table["value"].notna()]
    assert sorted(set(lonely["year"])) == [2020], "the 2020 wave, not dropped, not 2018"
    own = lonely[lonely["area_role"].eq("programma")].iloc[0]
    assert (own["value"], own["lower"], own["n"]) == (57.0, 52.0, 400)
    kwb_years = table.loc[table["indicator_id"].eq("inwoners"), "year"]
    assert set(kwb_years) == {2023, 2024}, "only the survey reaches back to its own wave"


def test_waves_within_the_cycle_are_kept_as_before(project):
    cycle = project.cycle.cycle
    assert survey_waves(survey_frame([2020, 2022, 2024]), cycle) == list(cycle.years)
    assert survey_waves(None, cycle) == list(cycle.years)
    later = CycleYears(year=2022, years=[2021, 2022], base_year=2021)
    assert survey_waves(survey_frame([2020, 2024]), later) == [2020, 2021, 2022], (
        "a wave after the cycle's year is not used"
    )


# ---------------------------------------------------------- the joint report


def joint_table(project: Project) -> pd.DataFrame:
    """Two programmes' rows of one survey indicator, with intervals, and of one KWB one."""
    rows = []
    for key, own, gemeente in (("overvecht", 50.0, 40.0), ("vollenhove", 70.0, 35.0)):
        for year, step in ((2022, 0.0), (2024, 2.0)):
            for role, code, value in (
                ("programma", key, own + step),
                ("gemeente", "GM", gemeente + step),
                ("nederland", "NL00", 47.0),
            ):
                rows.append(
                    {
                        "programme": key,
                        "indicator_id": "eenzaamheid",
                        "area_role": role,
                        "area_code": code,
                        "area_name": f"{role} {key}",
                        "year": year,
                        "value": value,
                        "lower": value - 4,
                        "upper": value + 4,
                        "suppressed": False,
                        "series_break": False,
                        "synthetic": True,
                        "source": "survey",
                    }
                )
    frame = pd.DataFrame(rows)
    withheld = frame["programme"].eq("vollenhove") & frame["year"].eq(2022)
    frame.loc[withheld & frame["area_role"].eq("programma"), "suppressed"] = True
    return frame


def test_joint_themes_follow_the_pillars_and_keep_an_empty_one(project):
    groups = report.joint_themes(project)
    labels = [label for label, _ in groups]
    assert labels[: len(THEME_LABELS)] == list(THEME_LABELS.values())
    assert labels[-1] == report.NO_THEME_LABEL
    listed = [i.id for _, indicators in groups for i in indicators]
    assert sorted(listed) == sorted(i.id for i in project.catalogue.indicators)
    bare = project.model_copy(
        update={
            "catalogue": project.catalogue.model_copy(
                update={
                    "indicators": [
                        i for i in project.catalogue.indicators if i.theme != "onderwijs"
                    ]
                }
            )
        }
    )
    assert dict(report.joint_themes(bare))["Onderwijs"] == []


def test_joint_series_has_own_gemeente_nederland_and_blank_withheld_years(project):
    table = joint_table(project)
    series = report.joint_series(project, table, "eenzaamheid")
    assert set(series["area_role"]) == {"programma", "gemeente", "nederland"}
    assert {"lower", "upper"} <= set(series.columns)
    vollenhove = series[series["programme_name"].eq(project.programmes["vollenhove"].name)]
    hidden = vollenhove[vollenhove["area_role"].eq("programma") & vollenhove["year"].eq(2022)]
    assert hidden[["value", "lower", "upper"]].isna().all(axis=None), "withheld: a gap"
    names = list(dict.fromkeys(series["programme_name"]))
    expected = [project.programmes[k].name for k in project.cycle.programmes]
    assert names == [n for n in expected if n in names], "params order, never sorted"


def test_joint_targets_and_their_sentence(project):
    targets = report.joint_targets(project, "moeite_rondkomen")
    assert list(targets["programme_name"]) == [
        project.programmes[k].name
        for k in project.cycle.programmes
        if any(t.indicator == "moeite_rondkomen" for t in project.programmes[k].targets)
    ]
    indicator = project.catalogue.get("moeite_rondkomen")
    sentence = report.joint_targets_sentence(project, indicator)
    assert sentence.startswith("Streefwaarde: Samen voor Overvecht 20,0% in 2026")
    assert report.joint_targets_sentence(project, project.catalogue.get("inwoners")) == ""


def test_one_scale_per_indicator_fits_every_value_interval_and_target(project):
    series = report.joint_series(project, joint_table(project), "eenzaamheid")
    targets = pd.DataFrame([{"programme_name": "Vollenhove Vooruit", "year": 2026, "value": 80.0}])
    low, high = report.joint_limits(series, targets, "procent")
    assert low == 0.0 and 80.0 < high <= 100.0
    assert high >= series["upper"].max()
    ones = series.assign(value=99.0, lower=98.0, upper=99.9)
    assert report.joint_limits(ones, targets.iloc[:0], "procent")[1] == 100.0
    negative = series.assign(value=-5.0, lower=np.nan, upper=np.nan)
    assert report.joint_limits(negative, targets.iloc[:0], "aantal")[0] < -5.0
    empty = series.assign(value=np.nan, lower=np.nan, upper=np.nan)
    assert report.joint_limits(empty, targets.iloc[:0], "procent") is None


def test_the_joint_figure_shares_the_scale_and_shows_nederland_bands_and_targets(project):
    series = report.joint_series(project, joint_table(project), "eenzaamheid")
    name = project.programmes["overvecht"].name
    targets = pd.DataFrame([{"programme_name": name, "year": 2026, "value": 40.0}])
    limits = report.joint_limits(series, targets, "procent")
    fig = plots.own_trends(series, "Eenzaam", "procent", limits=limits, targets=targets, bands=True)
    try:
        panels = [ax for ax in fig.axes if ax.get_title()]
        assert len(panels) == 2
        assert {ax.get_ylim() for ax in panels} == {limits}
        first, second = panels
        assert any(line.get_gid() == "nederland" for line in first.get_lines())
        assert any(c.get_gid() == "programma-band" for c in first.collections)
        assert [line.get_gid() for line in first.get_lines()].count("target") == 1
        assert all(line.get_gid() != "target" for line in second.get_lines())
        assert {ax.get_xlim() for ax in panels} == {(2021.5, 2026.5)}, "one time axis"
        assert [round(t) for t in second.get_xticks()] == [2022, 2024, 2026]
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend == ["Programmagebied", "Gemeente", "Nederland", plots.TARGET_LABEL]
    finally:
        plt.close(fig)
    alt = plots.own_trends_alt_text(series, "Eenzaam", "procent")
    assert "nederland overvecht: gelijk op 47,0%" in alt


def test_the_sources_line_names_the_table_and_the_years_shown(project):
    rows = joint_table(project)
    rows = rows.assign(indicator_id="gezondheid_rivm", source="cbs_health:50090NED", year=2020)
    indicator = project.catalogue.get("gezondheid_rivm")
    line = report.joint_sources_line(rows, indicator)
    assert line == (
        "Bron: RIVM/GGD/CBS Gezondheid per wijk en buurt (modelschatting) (50090NED); "
        "jaren met cijfers: 2020."
    )
    survey = report.joint_sources_line(joint_table(project), project.catalogue.get("eenzaamheid"))
    assert survey.endswith("jaren met cijfers: 2022–2024.")
    assert report.joint_sources_line(rows.iloc[:0], indicator) == ""


def test_validation_warns_only_for_waves_before_the_latest_one_before_the_cycle(project, written):
    from helpers.stages.validate import validate_sources

    survey = written / "data/raw/local/survey/gezondheidsmonitor.csv"
    frame = pd.read_csv(survey, dtype=str, keep_default_na=False)
    assert {"2020", "2022", "2024"} <= set(frame["jaar"])
    frame[frame["jaar"].isin(["2020", "2022"])].to_csv(survey, index=False)
    summary = validate_sources(later_cycle(project), Paths(written), written / "data/raw/local")
    outcome = next(
        o
        for s in summary.suites
        if s.name == "survey"
        for o in s.outcomes
        if "latest wave" in o.rule
    )
    assert not outcome.success
    assert outcome.unexpected == int(frame["jaar"].eq("2020").sum()), "2020 only, not 2022"
