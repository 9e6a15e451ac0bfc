"""The indicator engine on small hand-made inputs whose answers are known."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from support import kwb_long

from helpers.config import (
    LogEntry,
    Paths,
    Project,
    Suppression,
    load_catalogue,
    load_cycle,
    load_logbook,
    load_programme,
)
from helpers.indicators.disclosure import apply_suppression, published_cells_respect_threshold
from helpers.indicators.engine import (
    indicator_values,
    membership,
    programme_summary,
    programme_table,
    read_indicator_table,
    table_to_csv,
)
from helpers.indicators.precision import round_half_up
from helpers.indicators.stats import change_since, index_to_base, wilson_interval
from helpers.sources.local import REGISTRATION_COLUMNS, SURVEY_COLUMNS

NIEUWEGEIN_2019 = ["BU03560401", "BU03560402", "BU03560403"]


@pytest.fixture(scope="module")
def project(repo_root) -> Project:
    paths = Paths.from_root(repo_root)
    cycle = load_cycle(paths)
    return Project(
        cycle=cycle,
        catalogue=load_catalogue(paths),
        programmes={key: load_programme(paths, key) for key in cycle.programmes},
        logbook=load_logbook(paths),
    )


def kwb_rows(project: Project, values: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    """A long KWB table with the same values in every cycle year."""
    rows = []
    for year in project.cycle.cycle.years:
        for code, columns in values.items():
            for column, value in columns.items():
                rows.append(
                    {
                        "area_code": code,
                        "area_name": code,
                        "area_level": "buurt",
                        "gemeente_code": "GM0356",
                        "year": year,
                        "column": column,
                        "value": np.nan if value is None else float(value),
                        "table_id": project.cycle.kwb_table(year),
                        "table_modified": "2025-01-01T00:00:00",
                        "boundary_flag": 1,
                        "synthetic": False,
                    }
                )
    return pd.DataFrame(rows)


def base_values(inwoners: float, old: float, hh: float = 100, alone: float = 40) -> dict:
    return {
        "AantalInwoners": inwoners,
        "k_65JaarOfOuder": old,
        "k_0Tot15Jaar": inwoners / 10,
        "HuishoudensTotaal": hh,
        "Eenpersoonshuishoudens": alone,
        "Woningvoorraad": hh,
    }


EMPTY_SURVEY = pd.DataFrame(columns=SURVEY_COLUMNS)
EMPTY_REGISTRATIONS = pd.DataFrame(columns=REGISTRATION_COLUMNS)


def nieuwegein_table(project: Project, values: dict) -> pd.DataFrame:
    kwb = kwb_rows(project, values)
    return programme_table(
        project, "betere_buurten", kwb, EMPTY_SURVEY, EMPTY_REGISTRATIONS, local_synthetic=False
    )


def full_values(**overrides) -> dict:
    codes = [*NIEUWEGEIN_2019, "BU03561001", "BU03561002", "BU03561003"]
    values = {code: base_values(1000 + 100 * i, 100 + 10 * i) for i, code in enumerate(codes)}
    values["GM0356"] = base_values(65000, 12000, 30000, 11000)
    values["NL00"] = base_values(17_900_000, 3_500_000, 8_000_000, 3_100_000)
    values.update(overrides)
    return values


def row(table: pd.DataFrame, role: str, year: int, indicator: str) -> pd.Series:
    hit = table[
        table["area_role"].eq(role) & table["year"].eq(year) & table["indicator_id"].eq(indicator)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


def test_membership_follows_the_area_list_per_year(project):
    members = membership(project, "betere_buurten", [2021, 2022])
    area = members[members["area_role"].eq("programma")]
    assert sorted(area[area["year"].eq(2021)]["member_code"]) == NIEUWEGEIN_2019
    assert len(area[area["year"].eq(2022)]) == 6


def test_buurten_are_summed_and_rates_recomputed(project):
    table = nieuwegein_table(project, full_values())
    inwoners = row(table, "programma", 2019, "inwoners")
    assert inwoners["value"] == 1000 + 1100 + 1200
    share = row(table, "programma", 2019, "aandeel_65plus")
    assert share["numerator"] == 100 + 110 + 120
    assert share["denominator"] == 3300
    assert share["value"] == pytest.approx(330 / 3300 * 100)
    assert row(table, "programma", 2022, "inwoners")["value"] == sum(
        1000 + 100 * i for i in range(6)
    )
    assert row(table, "gemeente", 2019, "inwoners")["value"] == 65000
    assert row(table, "nederland", 2024, "aandeel_65plus")["value"] == round_half_up(
        3_500_000 / 17_900_000 * 100, 1
    )


def test_a_member_without_a_cbs_value_is_never_reconstructed(project):
    values = full_values()
    values["BU03560402"] = {**values["BU03560402"], "k_65JaarOfOuder": None}
    table = nieuwegein_table(project, values)
    share = row(table, "programma", 2019, "aandeel_65plus")
    assert math.isnan(share["value"])
    assert share["suppressed"]
    assert share["suppression_reason"] == "cbs_not_published"
    assert row(table, "programma", 2019, "inwoners")["value"] == 3300


def test_area_change_in_logbook_marks_a_series_break(project):
    table = nieuwegein_table(project, full_values())
    assert row(table, "programma", 2022, "inwoners")["series_break"]
    assert not row(table, "programma", 2021, "inwoners")["series_break"]
    assert not row(table, "gemeente", 2022, "inwoners")["series_break"]


def test_small_population_rates_are_suppressed_with_everything_revealing(project):
    tiny = {code: base_values(15, 3, 8, 4) for code in NIEUWEGEIN_2019}
    table = nieuwegein_table(project, full_values(**tiny))
    share = row(table, "programma", 2019, "aandeel_65plus")
    assert share["suppressed"] and share["suppression_reason"] == "small_denominator"
    assert math.isnan(share["numerator"]) and math.isnan(share["denominator"])
    assert published_cells_respect_threshold(table, project.cycle.suppression)


def test_survey_single_area_keeps_published_estimate_and_several_are_weighted(project):
    survey = pd.DataFrame(
        [
            (2020, "BU03560401", "Burgen", "Eenzaam", 50.0, 40.0, 60.0, 100),
            (2020, "BU03560402", "Binnenweides", "Eenzaam", 30.0, 22.0, 39.0, 300),
            (2020, "BU03560403", "Buitenweides", "Eenzaam", 40.0, 30.0, 50.0, 100),
            (2020, "GM0356", "Nieuwegein", "Eenzaam", 45.0, 44.0, 46.0, 3000),
            (2020, "NL00", "Nederland", "Eenzaam", 47.0, 46.8, 47.2, 300000),
        ],
        columns=EMPTY_SURVEY.columns,
    )
    table = programme_table(
        project,
        "betere_buurten",
        kwb_rows(project, full_values()),
        survey,
        EMPTY_REGISTRATIONS,
        local_synthetic=True,
    )
    area = row(table, "programma", 2020, "eenzaamheid")
    count = 50 + 90 + 40
    assert area["value"] == pytest.approx(round(count / 500 * 100, 1))
    low, high = proportion_confint(count, 500, method="wilson")
    assert area["lower"] == round_half_up(low * 100, 1)  # stored precision of a percentage
    assert area["upper"] == round_half_up(high * 100, 1)
    gemeente = row(table, "gemeente", 2020, "eenzaamheid")
    assert (gemeente["value"], gemeente["lower"], gemeente["n"]) == (45.0, 44.0, 3000)
    assert bool(area["synthetic"])


def test_csv_round_trip_is_deterministic(project, tmp_path):
    table = nieuwegein_table(project, full_values())
    text = table_to_csv(table)
    assert text == table_to_csv(nieuwegein_table(project, full_values()))
    path = tmp_path / "t.csv"
    path.write_text(text)
    back = read_indicator_table(path)
    assert list(back.columns) == list(table.columns)
    assert table_to_csv(back) == text


def test_wilson_interval_matches_statsmodels():
    low, high = proportion_confint(37, 120, method="wilson")
    assert wilson_interval(37, 120) == pytest.approx((low * 100, high * 100))
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_change_and_index_to_base_year():
    series = pd.Series({2019: 50.0, 2020: 40.0, 2022: 44.0, 2024: np.nan})
    assert change_since(series, 2020) == pytest.approx(4.0)
    assert index_to_base(series, 2020).loc[2022] == pytest.approx(110.0)
    assert math.isnan(change_since(series, 2018))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 12)),
        min_size=1,
        max_size=8,
    )
)
def test_suppression_never_publishes_a_cell_under_the_threshold(cells):
    rules = Suppression(min_count=5, min_denominator=50, min_survey_n=30)
    table = pd.DataFrame(
        {
            "unit": ["procent", "aantal", "procent"] * len(cells),
            "value": [v for num, den, c in cells for v in (num / max(den, 1) * 100, c, 50.0)],
            "numerator": [v for num, den, c in cells for v in (num, np.nan, np.nan)],
            "denominator": [v for num, den, c in cells for v in (den, np.nan, np.nan)],
            "lower": np.nan,
            "upper": np.nan,
            "n": [v for num, den, c in cells for v in (np.nan, np.nan, float(c * 5))],
        }
    )
    result = apply_suppression(table, rules)
    published = result[~result["suppressed"]]
    assert published["denominator"].dropna().ge(50).all()
    counts = published[published["unit"].eq("aantal")]["value"]
    assert not (counts.gt(0) & counts.lt(5)).any()
    assert published["n"].dropna().ge(30).all()
    assert result.loc[result["suppressed"], "value"].isna().all()


def _members(areas: dict[str, list[str]], year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame(
        [("gebied", area, area, year, code) for area, codes in areas.items() for code in codes],
        columns=["area_role", "area_code", "area_name", "year", "member_code"],
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 5000)), min_size=1, max_size=10),
    st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 400)), min_size=1, max_size=10),
)
def test_summing_buurten_then_a_rate_equals_the_rate_of_summed_parts(project, buurten, waves):
    """The engine's rate over several buurten equals the rate of one area holding their sums."""
    share = project.catalogue.get("aandeel_65plus")
    cells = {
        f"BU{i:08d}": {"AantalInwoners": inh, "k_65JaarOfOuder": min(old, inh)}
        for i, (inh, old) in enumerate(buurten)
    }
    summed = {
        column: sum(values[column] for values in cells.values())
        for column in ("AantalInwoners", "k_65JaarOfOuder")
    }
    kwb = kwb_long({**cells, "BU99999999": summed})
    members = _members({"samen": list(cells), "opgeteld": ["BU99999999"]})
    values = indicator_values([share], members, kwb).set_index("area_code")
    together, whole = values.loc["samen"], values.loc["opgeteld"]
    assert (together["numerator"], together["denominator"]) == (
        summed["k_65JaarOfOuder"],
        summed["AantalInwoners"],
    )
    assert together["value"] == pytest.approx(whole["value"], rel=1e-12)
    assert together["value"] == pytest.approx(
        summed["k_65JaarOfOuder"] / summed["AantalInwoners"] * 100, rel=1e-12
    )
    assert together["area_level"] == "buurt"
    # Survey: respondent-weighted pooling equals the share of the summed weighted counts.
    codes = [f"BU{i:08d}" for i in range(len(waves))]
    survey = pd.DataFrame(
        [
            (2024, code, code, "Eenzaam", round(min(k, n) / n * 100, 1), 0.0, 100.0, n)
            for code, (k, n) in zip(codes, waves, strict=True)
        ],
        columns=SURVEY_COLUMNS,
    )
    eenzaam = project.catalogue.get("eenzaamheid")
    pooled = indicator_values([eenzaam], _members({"samen": codes}), kwb.iloc[:0], survey)
    count = float((survey["percentage"] / 100 * survey["n"]).sum())
    n = float(survey["n"].sum())
    row = pooled.iloc[0]
    assert row["n"] == n
    if len(codes) > 1:
        assert row["value"] == exact_pooled_percentage(survey)
        low, high = proportion_confint(count, n, method="wilson")
        assert (row["lower"], row["upper"]) == pytest.approx((low * 100, high * 100))
    else:
        assert row["value"] == survey["percentage"].iloc[0]


def exact_pooled_percentage(survey: pd.DataFrame) -> float:
    """Respondent-weighted percentage in exact decimals, one decimal, halves rounded up."""
    pairs = zip(survey["percentage"], survey["n"], strict=True)
    weighted = sum(Fraction(str(p)) * int(n) for p, n in pairs)
    tenths = weighted / int(survey["n"].sum()) * 10
    return math.floor(tenths + Fraction(1, 2)) / 10


@pytest.mark.parametrize(
    ("rows", "published"),
    [
        ([(76.5, 90), (70.9, 198)], 72.7),
        ([(77.6, 56), (40.8, 35), (58.0, 36), (67.1, 195)], 65.1),
    ],
)
def test_a_pooled_percentage_at_an_exact_half_rounds_up(project, rows, published):
    """76.5% of 90 and 70.9% of 198 is exactly 72.65%: in floating point it falls a hair
    either side of the half, depending on summation order. Published: halves up."""
    codes = [f"BU{i:08d}" for i in range(len(rows))]
    survey = pd.DataFrame(
        [
            (2024, code, code, "Eenzaam", p, 0.0, 100.0, float(n))
            for code, (p, n) in zip(codes, rows, strict=True)
        ],
        columns=SURVEY_COLUMNS,
    )
    eenzaam = project.catalogue.get("eenzaamheid")
    members = _members({"samen": codes, "omgekeerd": codes[::-1]})
    no_kwb = kwb_long({"BU0": {"AantalInwoners": 1}})[:0]
    pooled = indicator_values([eenzaam], members, no_kwb, survey)
    assert exact_pooled_percentage(survey) == published
    values = pooled.set_index("area_code")["value"].to_dict()
    assert values == {"samen": published, "omgekeerd": published}


def test_age_groups_are_context_with_a_group_and_add_up(project):
    table = nieuwegein_table(project, full_values())
    ages = table[table["group"].eq("leeftijd")]
    assert set(ages["level"]) == {"context"}
    assert set(ages["indicator_id"]) >= {"aandeel_0_15", "aandeel_65plus", "aandeel_25_45"}
    # The shipped test values: 0-15 and 65+ only; the other groups are missing in the input.
    row_65 = row(table, "gemeente", 2024, "aandeel_65plus")
    assert row_65["group"] == "leeftijd" and not row_65["suppressed"]


def test_a_logbook_redefinition_raises_the_version_and_breaks_the_series(project):
    entry = LogEntry(
        date="2024-01-10",
        change="indicator_redefined",
        indicator="woningvoorraad",
        from_year=2023,
        reason="CBS telt woningen volgens de nieuwe BAG-definitie",
    )
    logbook = project.logbook.model_copy(update={"entries": [*project.logbook.entries, entry]})
    changed = project.model_copy(update={"logbook": logbook})
    table = programme_table(
        changed,
        "betere_buurten",
        kwb_rows(changed, full_values()),
        EMPTY_SURVEY,
        EMPTY_REGISTRATIONS,
        local_synthetic=False,
    )
    for role in ("programma", "gemeente", "nederland"):
        assert row(table, role, 2022, "woningvoorraad")["definition_version"] == 1
        assert row(table, role, 2023, "woningvoorraad")["definition_version"] == 2
        assert row(table, role, 2023, "woningvoorraad")["series_break"]
        assert not row(table, role, 2024, "woningvoorraad")["series_break"]
    summary = programme_summary(changed, "betere_buurten", table)
    gemeente = summary[
        summary["indicator_id"].eq("woningvoorraad") & summary["area_role"].eq("gemeente")
    ].iloc[0]
    assert gemeente["break_since_base"] and math.isnan(gemeente["change_since_base"])
