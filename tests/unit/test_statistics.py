"""Statistics against reference values: textbook, statsmodels and scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as scipy_stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.proportion import proportion_confint

from helpers.config import Indicator, Target
from helpers.indicators.precision import P_VALUE_DECIMALS, round_half_up
from helpers.indicators.stats import (
    DID_CAVEAT,
    TWO_PROPORTION_TEST,
    indicator_summary,
    linear_trend,
    proportion_change_pvalue,
    wilson_interval,
    wilson_intervals,
)
from helpers.indicators.status import TARGET_RULE


def test_wilson_interval_matches_the_textbook_value_for_81_of_263():
    # Wilson (1927) score interval; 81/263 is the worked example of Newcombe (1998)
    # and the binomial-interval literature: 0.2553 to 0.3662.
    low, high = wilson_interval(81, 263)
    assert low == pytest.approx(25.53, abs=0.005)
    assert high == pytest.approx(36.62, abs=0.005)
    z = scipy_stats.norm.ppf(0.975)
    p, n = 81 / 263, 263
    centre = p + z * z / (2 * n)
    radius = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert low == pytest.approx((centre - radius) / (1 + z * z / n) * 100, rel=1e-12)


def test_vectorised_wilson_equals_statsmodels_cell_by_cell():
    counts = np.array([0, 1, 37, 81, 250, np.nan, 5])
    nobs = np.array([10, 40, 120, 263, 250, 100, 0])
    low, high = wilson_intervals(counts, nobs)
    for i, (count, n) in enumerate(zip(counts, nobs, strict=True)):
        if np.isnan(count) or n == 0:
            assert np.isnan(low[i]) and np.isnan(high[i])
            continue
        ref_low, ref_high = proportion_confint(count, n, method="wilson")
        assert low[i] == pytest.approx(ref_low * 100)
        assert high[i] == pytest.approx(ref_high * 100)
        assert wilson_interval(count, n) == pytest.approx((low[i], high[i]))


@pytest.mark.parametrize(
    ("a", "na", "b", "nb"), [(120, 400, 150, 410), (30, 100, 31, 100), (400, 3000, 520, 3100)]
)
def test_two_wave_test_is_the_statsmodels_score_test(a, na, b, nb):
    p = proportion_change_pvalue(a, na, b, nb)
    reference = sm_proportion.test_proportions_2indep(b, nb, a, na, method="score").pvalue
    assert p == round_half_up(reference, P_VALUE_DECIMALS)
    assert abs(p - reference) <= 0.5 * 10**-P_VALUE_DECIMALS
    # Without the small-sample correction the score test is Pearson's chi-square test.
    table = np.array([[a, na - a], [b, nb - b]])
    chi2 = scipy_stats.chi2_contingency(table, correction=False).pvalue
    assert p == pytest.approx(chi2, rel=0.05, abs=10**-P_VALUE_DECIMALS)
    assert "score-toets" in TWO_PROPORTION_TEST


def test_two_wave_test_without_observations_is_nan():
    assert math.isnan(proportion_change_pvalue(10, 0, 12, 50))
    assert math.isnan(proportion_change_pvalue(math.nan, 40, 12, 50))


def test_linear_trend_agrees_with_scipy_linregress():
    years = [2019, 2020, 2021, 2022, 2023, 2024]
    values = [100.0, 104.0, 103.0, 109.0, 112.0, 111.0]
    trend = linear_trend(years, values)
    reference = scipy_stats.linregress(years, values)
    half = scipy_stats.t.ppf(0.975, len(years) - 2) * reference.stderr
    assert trend.slope == pytest.approx(reference.slope)
    assert (trend.lower, trend.upper) == pytest.approx(
        (reference.slope - half, reference.slope + half)
    )
    assert trend.points == 6
    assert math.isnan(linear_trend([2020, 2021], [1.0, 2.0]).slope)


@pytest.mark.parametrize(
    "values",
    [
        [100.0, 104.0, 103.0, 109.0, 112.0, 111.0],
        [17.4, 17.4, 17.5, 17.4, 17.4, 17.4],
        [31369.0, 31577.0, math.nan, 31601.0, 31793.0],
        [8.0, 8.0, 8.0],
    ],
)
def test_closed_form_trend_equals_the_statsmodels_ols_fit(values):
    """Same line as statsmodels OLS (which goes through BLAS), to rounding noise."""
    years = [2019, 2020, 2021, 2022, 2023, 2024][: len(values)]
    trend = linear_trend(years, values)
    keep = [i for i, v in enumerate(values) if not math.isnan(v)]
    x = np.array([years[i] for i in keep], dtype=float)
    fit = sm.OLS(np.array([values[i] for i in keep]), sm.add_constant(x - x.min())).fit()
    low, high = fit.conf_int(alpha=0.05)[1]
    scale = max(abs(v) for v in values if not math.isnan(v))
    assert trend.slope == pytest.approx(fit.params[1], rel=1e-9, abs=1e-12 * scale)
    assert (trend.lower, trend.upper) == pytest.approx((low, high), rel=1e-9, abs=1e-12 * scale)


def test_a_flat_series_has_a_slope_of_exactly_zero():
    """`1.6e-08` for a flat series was floating-point noise of the BLAS fit."""
    trend = linear_trend([2019, 2020, 2021, 2022], [17.4, 17.4, 17.4, 17.4])
    assert trend.slope == 0.0 and trend.lower == 0.0 and trend.upper == 0.0


def _indicator(**fields) -> Indicator:
    base = {"label": "x", "level": "outcome", "direction": "lower_is_better"}
    return Indicator(**{**base, **fields})


def _rows(indicator_id, role, values, *, n=None, breaks=(), suppressed=()) -> list[dict]:
    rows = []
    for year, value in values.items():
        rows.append(
            {
                "indicator_id": indicator_id,
                "area_role": role,
                "area_code": role,
                "year": year,
                "value": np.nan if year in suppressed else value,
                "n": n,
                "suppressed": year in suppressed,
                "series_break": year in breaks,
            }
        )
    return rows


def test_summary_never_computes_across_a_break_and_says_why():
    survey = _indicator(id="eenzaam", unit="procent", source="survey", column="Eenzaam")
    count = _indicator(id="inw", unit="aantal", source="cbs_kwb", column="A", level="context")
    years = {2019: 100.0, 2020: 110.0, 2021: 120.0, 2022: 500.0, 2023: 510.0, 2024: 530.0}
    table = pd.DataFrame(
        _rows("eenzaam", "programma", {2020: 50.0, 2022: 48.0, 2024: 44.0}, n=400)
        + _rows("eenzaam", "gemeente", {2020: 40.0, 2022: 40.0, 2024: 39.0}, n=4000)
        + _rows("inw", "programma", years, breaks=(2022,))
        + _rows("inw", "gemeente", {**years, 2022: 130.0, 2023: 140.0, 2024: 150.0})
    )
    target = Target(indicator="eenzaam", year=2026, value=40.0)
    summary = indicator_summary(table, [survey, count], [target], base_year=2020)
    row = summary.set_index(["indicator_id", "area_role"])

    own = row.loc[("eenzaam", "programma")]
    assert own["change_since_base"] == pytest.approx(-6.0)
    assert own["change_since_previous"] == pytest.approx(-4.0)
    assert own["index_latest"] == pytest.approx(88.0)
    assert own["test_name"] == TWO_PROPORTION_TEST
    assert own["p_value"] == pytest.approx(proportion_change_pvalue(200, 400, 176, 400))
    assert own["significant"] == (own["p_value"] < 0.05)
    assert own["did_vs_gemeente"] == pytest.approx(-6.0 - (-1.0))
    assert DID_CAVEAT in own["did_note"] and "geen causaal effect" in own["did_note"]
    # line 50 -> 40 over 2020-2026 gives 43.3 in 2024; 44 is not that far
    assert (own["target_status"], own["target_movement"]) == ("not_on_track", "toward")
    assert own["target_reason"] == "behind_line"
    assert own["target_rule"] == TARGET_RULE

    broken = row.loc[("inw", "programma")]
    assert bool(broken["break_since_base"])
    assert math.isnan(broken["change_since_base"]) and math.isnan(broken["index_latest"])
    assert math.isnan(broken["did_vs_gemeente"])
    assert "breuk" in broken["note"]
    assert broken["change_since_previous"] == pytest.approx(20.0)
    assert broken["trend_from_year"] == 2022  # the trend starts at the break
    assert broken["trend_slope"] == pytest.approx(15.0)

    gemeente = row.loc[("inw", "gemeente")]
    assert gemeente["change_since_base"] == pytest.approx(40.0)
    assert gemeente["target_status"] == ""


def test_summary_uses_only_published_values():
    count = _indicator(id="inw", unit="aantal", source="registration", column="a")
    table = pd.DataFrame(
        _rows("inw", "programma", {2020: 10.0, 2021: 12.0, 2022: 3.0}, suppressed=(2022,))
    )
    row = indicator_summary(table, [count], [], base_year=2020).iloc[0]
    assert row["latest_year"] == 2021
    assert row["latest_value"] == 12.0
    assert row["change_since_base"] == pytest.approx(2.0)
    assert math.isnan(row["trend_slope"])  # two published points: no interval, no trend


# ------------------------------------------------------------ issue 15: targets, trends, breaks


def _survey_with_target(values: dict, target: Target, *, interval: float = 2.0) -> pd.Series:
    survey = _indicator(
        id="gezond", unit="procent", source="survey", column="G", direction="higher_is_better"
    )
    rows = _rows("gezond", "programma", values, n=400)
    for row in rows:
        row["lower"], row["upper"] = row["value"] - interval, row["value"] + interval
    return indicator_summary(pd.DataFrame(rows), [survey], [target], base_year=2020).iloc[0]


def test_summary_says_not_yet_decidable_and_why_with_the_expected_value_and_interval():
    target = Target(indicator="gezond", year=2026, value=62.0)
    row = _survey_with_target({2020: 55.0, 2024: 58.0}, target)
    assert (row["target_status"], row["target_reason"]) == ("undecided", "within_margin")
    assert (
        "de lijn naar de streefwaarde geeft 59,7%, binnen het 95%-interval van de laatste "
        "waarde (56,0% – 60,0%)" in row["target_note"]
    )
    assert "nog niet te zeggen" in row["target_rule"]


def test_a_target_below_the_baseline_where_higher_is_better_is_not_silently_on_track():
    """The issue's case: 70,2% in 2020, target 62,0% in 2026, higher is better."""
    target = Target(indicator="gezond", year=2026, value=62.0)
    row = _survey_with_target({2020: 70.2, 2024: 70.0}, target, interval=0.5)
    assert (row["target_status"], row["target_movement"]) == ("on_track", "away")
    assert (
        "let op: de streefwaarde vraagt geen verbetering op de nulmeting (70,2% in 2020)"
        in row["target_note"]
    )
    met = _survey_with_target({2020: 62.0, 2024: 64.0}, target, interval=0.5)
    assert "vraagt geen verbetering op de nulmeting (62,0% in 2020)" in met["target_note"]


@pytest.mark.parametrize(
    ("year", "status", "words"),
    [
        (2019, "unknown", "het streefjaar ligt niet na de nulmeting"),
        (2020, "unknown", "het streefjaar ligt niet na de nulmeting"),
        (2023, "not_met", ""),
    ],
)
def test_a_target_year_before_the_base_year_or_past_is_said_in_words(year, status, words):
    target = Target(indicator="gezond", year=year, value=70.0)
    row = _survey_with_target({2020: 55.0, 2024: 58.0}, target, interval=0.5)
    assert row["target_status"] == status
    assert words in row["target_note"]


def test_a_count_trend_on_fewer_than_five_years_has_no_interval():
    """'+€ 61.900 per jaar (95%-interval −€ 903.508 tot +€ 1.027.308)' on three years."""
    budget = _indicator(id="budget", unit="euro", source="registration", column="b")
    short = pd.DataFrame(
        _rows("budget", "programma", {2022: 100_000.0, 2023: 300_000.0, 2024: 223_800.0})
    )
    row = indicator_summary(short, [budget], [], base_year=2020).iloc[0]
    assert row["trend_slope"] == pytest.approx(61_900.0)
    assert math.isnan(row["trend_lower"]) and math.isnan(row["trend_upper"])
    assert "trend over 3 jaren van een volledige telling: geen interval" in row["note"]
    years = {y: 100_000.0 + 10_000 * (y - 2020) + (y % 2) * 500 for y in range(2020, 2025)}
    row = indicator_summary(
        pd.DataFrame(_rows("budget", "programma", years)), [budget], [], base_year=2020
    ).iloc[0]
    assert row["trend_lower"] < row["trend_slope"] < row["trend_upper"], "five years: interval"
    assert "interval" not in row["note"]


def test_euro_trend_and_changes_are_rounded_like_the_values_and_signed_with_a_minus():
    """A budget booked to the hundred euro: its change, trend and trend interval are
    stored and written to the hundred too, negative ones with the minus sign."""
    from helpers.report.dutch import MINUS, format_change
    from helpers.report.glance import trend_words

    budget = _indicator(id="budget", unit="euro", source="registration", column="b")
    years = {2020: 250_000.0, 2021: 238_700.0, 2022: 221_900.0, 2023: 216_300.0, 2024: 193_100.0}
    row = indicator_summary(
        pd.DataFrame(_rows("budget", "programma", years)), [budget], [], base_year=2020
    ).iloc[0]
    # least squares on these five years: -136 200 / 10 = -13 620 a year
    assert row["trend_slope"] == -13_600.0
    for column in ("change_since_base", "change_since_previous", "trend_lower", "trend_upper"):
        assert row[column] % 100 == 0, column
    assert row["change_since_base"] == -56_900.0
    words = trend_words(row)
    assert f"gemiddeld {MINUS}€ 13.600 per jaar" in words and "-" not in words
    assert format_change(row["trend_lower"], "euro").startswith(f"{MINUS}€ ")
    assert format_change(row["change_since_previous"], "euro") == f"{MINUS}€ 23.200"


def test_after_a_break_the_comparison_runs_from_the_first_year_after_it():
    survey = _indicator(id="eenzaam", unit="procent", source="survey", column="Eenzaam")
    count = _indicator(id="act", unit="aantal", source="registration", column="a")
    table = pd.DataFrame(
        _rows("eenzaam", "programma", {2020: 50.0, 2022: 48.0, 2024: 40.0}, n=800, breaks=(2022,))
        + _rows(
            "act",
            "programma",
            {2020: 5.0, 2021: 6.0, 2022: 9.0, 2023: 12.0, 2024: 20.0},
            breaks=(2022,),
            suppressed=(2022,),
        )
    )
    summary = indicator_summary(table, [survey, count], [], base_year=2020).set_index(
        "indicator_id"
    )
    lonely = summary.loc["eenzaam"]
    assert math.isnan(lonely["change_since_base"])
    assert lonely["comparison_from_year"] == 2022
    assert lonely["change_since_comparison"] == pytest.approx(-8.0)
    assert lonely["p_value"] == pytest.approx(proportion_change_pvalue(384, 800, 320, 800))
    assert "verandering en toets vanaf 2022, het eerste jaar na de breuk" in lonely["note"]
    counts = summary.loc["act"]
    assert counts["comparison_from_year"] == 2023, "2022 is withheld: first published after"
    assert counts["change_since_comparison"] == pytest.approx(8.0)
    whole = indicator_summary(
        pd.DataFrame(_rows("act", "programma", {2020: 5.0, 2024: 20.0})), [count], [], 2020
    ).iloc[0]
    assert pd.isna(whole["comparison_from_year"]), "no break: the base-year change says it"
