"""Stored precision: how many decimals every statistic keeps when the pipeline writes it.

Two reasons, one rule. The sources publish percentages with one decimal and counts
as whole numbers, so more digits would claim a precision nobody measured. And the
last digits of a floating-point result depend on the machine: the BLAS kernel the
CPU selects (a least-squares fit differs from the ninth significant digit between
OpenBLAS's SkylakeX, Haswell and generic kernels), numpy's SIMD paths and the thread
count. Rounded here, in one place and with one rule for halves, every table,
summary, metric, export and sentence carries the same digits on every x86-64
machine.

Halves are rounded away from zero (17.45 -> 17.5, -0.25 -> -0.3), as CBS and the
GGD publish them. A value within `HALF_TOLERANCE` of a half (in units of the last
kept decimal) counts as that half, so that summation-order noise (about 1e-13 of
such a unit) cannot push a published half either way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

DECIMALS_BY_UNIT: Mapping[str, int] = {
    "procent": 1,
    "aantal": 0,
    "euro": -2,
    "duizend_euro": 1,
    "per_km2": 0,
    "per_1000": 1,
}
"""Decimals of a value in a catalogue unit (`config.Unit`, exactly these): its level,
interval, change and yearly trend.

Negative decimals round to tens, hundreds: euros (programme budgets) to the hundred
euro, as registrations book them, so a budget, its change and its trend all read
`€ 61.900`, never `€ 61.937`. Values in thousands of euros (`duizend_euro`) keep the
one decimal CBS publishes income per inhabitant with (30,8 and 30,9 thousand must not
both read € 31.000, nor their index 100,0); WOZ values, whole thousands at CBS, lose
nothing by it."""

INDEX_DECIMALS = 1
"""An index with the base year = 100, and a change against the gemeente in index points."""

DERIVED_DECIMALS: Mapping[str, int] = {"index": INDEX_DECIMALS}
"""Units no indicator is defined in but a report draws in: the joint report shows a CBS
count as an index, its first year = 100 (`report.joint.joint_unit`)."""

P_VALUE_DECIMALS = 3
"""p-values as the report prints them ("p = 0,012"; "p < 0,001" below that): significance
is decided on this stored value, so the printed p and the verdict never disagree."""

COUNT_DECIMALS = 0
"""Numerators, denominators and respondents: whole people, households, dwellings."""

HALF_TOLERANCE = 1e-9

# Columns of the tidy indicator table (`indicators.COLUMNS`) and of the summary
# (`stats.SUMMARY_COLUMNS`) that hold a quantity in the indicator's own unit.
TABLE_UNIT_COLUMNS = ("value", "lower", "upper")
TABLE_COUNT_COLUMNS = ("numerator", "denominator", "n")
SUMMARY_UNIT_COLUMNS = (
    "latest_value",
    "base_value",
    "change_since_base",
    "change_since_previous",
    "change_since_comparison",
    "trend_slope",
    "trend_lower",
    "trend_upper",
    "target_value",
)


def unit_decimals(unit: str) -> int:
    """The stored decimals of a unit (catalogue or derived); an unknown unit is an error,
    not a guess."""
    known = {**DECIMALS_BY_UNIT, **DERIVED_DECIMALS}
    try:
        return known[unit]
    except KeyError:
        raise ValueError(
            f"no stored precision for unit {unit!r}; known units: {', '.join(known)}"
        ) from None


def round_half_up(values: np.ndarray | float, decimals: int) -> np.ndarray | float:
    """`values` rounded to `decimals` (negative: to tens, hundreds), halves away from
    zero; nan stays nan.

    Only IEEE-exact operations (multiply, add, floor, divide) are used, which give
    the same bits on every CPU, so the result is machine-independent whenever the
    input agrees to well within `HALF_TOLERANCE`.
    """
    array = np.asarray(values, dtype=float)
    if decimals >= 0:
        scale = 10.0**decimals
        magnitude = np.floor(np.abs(array) * scale + (0.5 + HALF_TOLERANCE))
        rounded = np.copysign(magnitude, array) / scale
    else:  # to tens, hundreds: divide and multiply by an exact power of ten
        step = 10.0**-decimals
        magnitude = np.floor(np.abs(array) / step + (0.5 + HALF_TOLERANCE))
        rounded = np.copysign(magnitude, array) * step
    rounded = np.where(rounded == 0, 0.0, rounded)  # no "-0.0" in a published file
    if np.ndim(values) == 0:
        return float(rounded)
    return rounded


def shown_decimals(unit: str) -> int:
    """The decimals a unit's values are written with (a value rounded to hundreds is
    written whole: 61900)."""
    return max(unit_decimals(unit), 0)


def round_scalar(value: float | None, decimals: int) -> float:
    """`round_half_up` of one value (None and nan give nan)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return float(round_half_up(float(value), decimals))


def plain_number(value: float) -> str:
    """A stored value as CSV text: no exponent, no trailing zeros, whole numbers bare.

    Values are already at their stored precision (at most a few decimals), so ten
    decimals show every digit they hold: 31369.0 -> '31369', 17.5 -> '17.5'.
    """
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _round_by_unit(frame: pd.DataFrame, columns: tuple[str, ...], units: pd.Series) -> None:
    for unit in units.unique():
        rows = units.eq(unit).to_numpy()
        decimals = unit_decimals(unit)
        for column in columns:
            if column in frame.columns:
                frame.loc[rows, column] = round_half_up(
                    frame.loc[rows, column].to_numpy(dtype=float), decimals
                )


def stored_indicator_table(table: pd.DataFrame) -> pd.DataFrame:
    """An indicator table at its stored precision: values by unit, counts whole."""
    table = table.copy()
    _round_by_unit(table, TABLE_UNIT_COLUMNS, table["unit"].astype(str))
    for column in TABLE_COUNT_COLUMNS:
        if column in table.columns:
            table[column] = round_half_up(table[column].to_numpy(dtype=float), COUNT_DECIMALS)
    return table


def stored_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """A summary (`stats.SUMMARY_COLUMNS`) at its stored precision.

    A change against the gemeente is in the unit's points for percentages (one
    decimal, as the percentages) and in index points otherwise.
    """
    summary = summary.copy()
    if summary.empty:
        return summary
    _round_by_unit(summary, SUMMARY_UNIT_COLUMNS, summary["unit"].astype(str))
    summary["index_latest"] = round_half_up(
        summary["index_latest"].to_numpy(dtype=float), INDEX_DECIMALS
    )
    did = summary["did_vs_gemeente"].to_numpy(dtype=float)
    summary["did_vs_gemeente"] = np.where(
        summary["unit"].eq("procent"),
        round_half_up(did, DECIMALS_BY_UNIT["procent"]),
        round_half_up(did, INDEX_DECIMALS),
    )
    summary["p_value"] = round_half_up(summary["p_value"].to_numpy(dtype=float), P_VALUE_DECIMALS)
    return summary
