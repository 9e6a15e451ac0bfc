"""Stored precision: one rounding rule, halves away from zero, no floating-point noise."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.indicators.precision import (
    DECIMALS_BY_UNIT,
    INDEX_DECIMALS,
    plain_number,
    round_half_up,
    round_scalar,
    shown_decimals,
    stored_indicator_table,
    stored_summary,
    unit_decimals,
)
from helpers.indicators.stats import SUMMARY_COLUMNS


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (17.45, 1, 17.5),  # binary 17.449999…: still the published half, rounded up
        (17.44999, 1, 17.4),
        (0.15, 1, 0.2),
        (2.675, 2, 2.68),
        (-0.25, 1, -0.3),  # away from zero, as CBS publishes negative changes
        (31368.5, 0, 31369.0),
        (72.65, 1, 72.7),
        (0.04996, 3, 0.05),
        (1.604283417e-08, 1, 0.0),
        (-1.604283417e-08, 1, 0.0),
    ],
)
def test_round_half_up(value, decimals, expected):
    result = round_half_up(value, decimals)
    assert result == expected
    assert math.copysign(1, result) == math.copysign(1, expected)  # no "-0.0"


def test_round_half_up_keeps_missing_and_works_on_arrays():
    values = np.array([1.25, np.nan, -1.25, 2.0])
    rounded = round_half_up(values, 1)
    assert np.isnan(rounded[1])
    assert rounded[[0, 2, 3]].tolist() == [1.3, -1.3, 2.0]
    assert math.isnan(round_scalar(None, 1)) and math.isnan(round_scalar(math.nan, 1))


@given(
    st.integers(min_value=-(10**7), max_value=10**7),
    st.integers(min_value=0, max_value=3),
)
def test_exact_decimal_halves_go_away_from_zero(whole, decimals):
    """Every value that is exactly half a unit of the last kept decimal, in decimal."""
    value = Fraction(2 * whole + 1, 2 * 10**decimals)  # e.g. 17.45 for whole=174, decimals=1
    expected = Fraction(whole + (1 if whole >= 0 else 0), 10**decimals)
    assert round_half_up(float(value), decimals) == float(expected)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 3))
def test_rounding_is_idempotent_and_close(value, decimals):
    once = round_half_up(value, decimals)
    assert round_half_up(once, decimals) == once
    assert abs(once - value) <= 0.5 * 10**-decimals + 1e-9


def test_noise_below_the_tolerance_does_not_move_a_rounded_value():
    """The same statistic from two kernels differs in the last bits: same stored value."""
    for value in (17.449999999999999, 17.45000000000001, 1.604283417e-08, 190.71428571428572):
        noisy = value * (1 + 4e-15)
        for decimals in (0, 1, 2, 3):
            assert round_half_up(value, decimals) == round_half_up(noisy, decimals)


def test_every_catalogue_unit_has_a_stored_precision():
    """Exactly the catalogue's units, and the index the joint report draws counts in."""
    from typing import get_args

    from helpers.config import Unit
    from helpers.report.joint import INDEX_UNIT

    assert set(get_args(Unit)) == set(DECIMALS_BY_UNIT)
    assert unit_decimals(INDEX_UNIT) == INDEX_DECIMALS == 1
    with pytest.raises(ValueError, match="no stored precision for unit 'furlong'"):
        unit_decimals("furlong")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (61_937.4, 61_900.0),
        (61_950.0, 62_000.0),
        (-903_508.2, -903_500.0),
        (-903_550.0, -903_600.0),  # halves away from zero
        (49.9, 0.0),
        (-49.9, 0.0),
        (1_027_308.0, 1_027_300.0),
    ],
)
def test_rounding_to_hundreds_is_exact_and_halves_go_away_from_zero(value, expected):
    result = round_half_up(value, -2)
    assert result == expected
    assert math.copysign(1, result) == math.copysign(1, expected)  # no "-0.0"


def test_euros_are_stored_to_the_hundred_and_written_whole():
    assert unit_decimals("euro") == -2
    assert shown_decimals("euro") == 0 and shown_decimals("procent") == 1
    assert round_half_up(np.array([61_937.4, np.nan, -150.0]), -2).tolist()[::2] == [
        61_900.0,
        -200.0,
    ]


def test_plain_number_writes_stored_values_without_noise_or_exponent():
    assert plain_number(31369.0) == "31369"
    assert plain_number(17.5) == "17.5"
    assert plain_number(17835000.0) == "17835000"
    assert plain_number(0.047) == "0.047"
    assert plain_number(-0.0) == "0"


def test_indicator_table_is_stored_by_unit_and_counts_whole():
    table = pd.DataFrame(
        {
            "unit": ["procent", "aantal", "euro", "per_1000"],
            "value": [17.45034907, 31369.4, 61900.49, 3.14159],
            "lower": [16.04, np.nan, np.nan, np.nan],
            "upper": [18.96, np.nan, np.nan, np.nan],
            "numerator": [5474.0000001, np.nan, np.nan, np.nan],
            "denominator": [31369.0, np.nan, np.nan, np.nan],
            "n": [np.nan] * 4,
        }
    )
    stored = stored_indicator_table(table)
    assert stored["value"].tolist() == [17.5, 31369.0, 61900.0, 3.1]
    assert stored[["lower", "upper"]].iloc[0].tolist() == [16.0, 19.0]
    assert stored["numerator"].iloc[0] == 5474.0
    assert table["value"].iloc[0] == 17.45034907  # the input is left alone


def test_summary_is_stored_per_statistic():
    row = dict.fromkeys(SUMMARY_COLUMNS, np.nan)
    row.update(
        unit="procent",
        latest_value=17.4,
        change_since_base=0.00042,
        trend_slope=1.96578762e-05,
        trend_lower=-0.000571944641,
        trend_upper=0.0006112603934,
        index_latest=100.0024073,
        did_vs_gemeente=-0.02923836931,
        p_value=0.0469733877,
    )
    euro = {
        **row,
        "unit": "euro",
        "trend_slope": 61937.4,
        "trend_lower": -903508.2,
        "trend_upper": 1027308.4,
        "change_since_base": 12_349.0,
        "did_vs_gemeente": 2.46,
        "p_value": 1,
    }
    stored = stored_summary(pd.DataFrame([row, euro]))
    first = stored.iloc[0]
    assert (first["change_since_base"], first["trend_slope"], first["trend_lower"]) == (0, 0, 0)
    assert first["index_latest"] == 100.0 and first["did_vs_gemeente"] == 0.0
    assert first["p_value"] == 0.047
    assert stored.iloc[1]["trend_slope"] == 61900.0 and stored.iloc[1]["did_vs_gemeente"] == 2.5
    money = stored.iloc[1][["trend_lower", "trend_upper", "change_since_base"]].tolist()
    assert money == [-903500.0, 1027300.0, 12300.0], "euros: to the hundred, like the values"
