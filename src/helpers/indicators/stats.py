"""Statistics behind the monitor's statements: intervals, tests, change, trend, index, target.

Thin wrappers around statsmodels where a method needs one, so the report can name the
method and a test can compare our figures with the library's reference results. The
yearly trend is the closed-form least-squares line in plain Python floats: statsmodels'
OLS goes through BLAS, whose kernel (chosen by the CPU) changes the last digits.
Every result is stored at `helpers.indicators.precision`'s precision. `indicator_summary` turns
one programme's indicator table into the summary the reports read: one row per
indicator and area role, published values only, never across a series break.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

from helpers.config import Indicator, Target
from helpers.indicators.precision import (
    P_VALUE_DECIMALS,
    round_scalar,
    stored_summary,
    unit_decimals,
)
from helpers.indicators.status import TARGET_RULE, target_notes, target_status

WILSON = "Wilson-interval (95%)"
TWO_PROPORTION_TEST = "toets op verschil tussen twee onafhankelijke proporties (score-toets)"
TREND_METHOD = "lineaire trend (kleinste kwadraten), 95%-interval van de helling (t-verdeling)"
DID_CAVEAT = "beschrijvend verschil met de gemeente, geen causaal effect"
ALPHA = 0.05
REGISTER_SOURCES = ("cbs_kwb", "registration")
MIN_COUNT_TREND_POINTS = 5
"""A complete count (register source) has no sampling error: an interval around a line
through fewer years only measures how far the years lie off a straight line, and on
three or four points it is wider than any change a programme could make."""

SUMMARY_COLUMNS = [
    "indicator_id",
    "group",
    "level",
    "unit",
    "area_role",
    "area_code",
    "latest_year",
    "latest_value",
    "base_year",
    "base_value",
    "change_since_base",
    "previous_year",
    "change_since_previous",
    "comparison_from_year",
    "change_since_comparison",
    "test_name",
    "p_value",
    "significant",
    "trend_slope",
    "trend_lower",
    "trend_upper",
    "trend_from_year",
    "index_latest",
    "did_vs_gemeente",
    "did_note",
    "target_year",
    "target_value",
    "target_status",
    "target_movement",
    "target_reason",
    "target_rule",
    "target_note",
    "break_since_base",
    "note",
]


def wilson_interval(count: float, nobs: float, alpha: float = ALPHA) -> tuple[float, float]:
    """95% Wilson interval of a proportion, in percent; (nan, nan) without observations."""
    if not nobs or nobs <= 0 or math.isnan(count) or math.isnan(nobs):
        return (math.nan, math.nan)
    low, high = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    return (float(low) * 100, float(high) * 100)


def wilson_intervals(
    count: np.ndarray, nobs: np.ndarray, alpha: float = ALPHA
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised `wilson_interval`: arrays of lower and upper bounds in percent."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    ok = np.isfinite(count) & np.isfinite(nobs) & (nobs > 0)
    low = np.full(count.shape, np.nan)
    high = np.full(count.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(count[ok], nobs[ok], alpha=alpha, method="wilson")
        low[ok] = np.asarray(lo) * 100
        high[ok] = np.asarray(hi) * 100
    return low, high


def proportion_change_pvalue(count_a: float, nobs_a: float, count_b: float, nobs_b: float) -> float:
    """p-value for a difference between two survey waves (score test, independent samples).

    Stored precision already here, so that "significant" is decided on the p-value
    the report prints.
    """
    values = (count_a, nobs_a, count_b, nobs_b)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return math.nan
    if nobs_a <= 0 or nobs_b <= 0:
        return math.nan
    result = test_proportions_2indep(count_b, nobs_b, count_a, nobs_a, method="score")
    return round_scalar(float(result.pvalue), P_VALUE_DECIMALS)


def change_since(series: pd.Series, base_year: int) -> float:
    """Latest value minus the base-year value of a series indexed by year (nan if either lacks)."""
    clean = series.dropna()
    if base_year not in clean.index or clean.empty:
        return math.nan
    latest_year = int(clean.index.max())
    if latest_year == base_year:
        return math.nan
    return float(clean.loc[latest_year] - clean.loc[base_year])


def index_to_base(series: pd.Series, base_year: int) -> pd.Series:
    """The series as an index with the base year = 100 (all nan without a base value)."""
    base = series.get(base_year, np.nan)
    if base is None or pd.isna(base) or base == 0:
        return pd.Series(np.nan, index=series.index, dtype=float)
    return series.astype(float) / float(base) * 100


@dataclass(frozen=True)
class Trend:
    """Slope per year of a straight line through a series, with its confidence interval."""

    slope: float
    lower: float
    upper: float
    points: int


def linear_trend(years: Iterable[float], values: Iterable[float], alpha: float = ALPHA) -> Trend:
    """Least-squares slope of value on year with its t-interval; nan below three points.

    The closed form (slope = Sxy / Sxx, standard error from the residuals) in Python
    floats with exactly rounded sums (`math.fsum`): the same bits on every CPU, where
    a BLAS-based fit is not. A line through two points has no interval.
    """
    pairs = [
        (float(x), float(y))
        for x, y in zip(years, values, strict=True)
        if math.isfinite(float(x)) and math.isfinite(float(y))
    ]
    points = len(pairs)
    if points < 3:
        return Trend(math.nan, math.nan, math.nan, points)
    x_mean = math.fsum(x for x, _ in pairs) / points
    y_mean = math.fsum(y for _, y in pairs) / points
    sxx = math.fsum((x - x_mean) ** 2 for x, _ in pairs)
    sxy = math.fsum((x - x_mean) * (y - y_mean) for x, y in pairs)
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    residuals = math.fsum((y - intercept - slope * x) ** 2 for x, y in pairs)
    standard_error = math.sqrt(residuals / (points - 2) / sxx)
    margin = float(scipy_stats.t.ppf(1 - alpha / 2, points - 2)) * standard_error
    return Trend(slope, slope - margin, slope + margin, points)


def difference_in_differences(
    area_base: float, area_latest: float, gemeente_base: float, gemeente_latest: float
) -> float:
    """The area's change minus its gemeente's change over the same years (descriptive only)."""
    return (area_latest - area_base) - (gemeente_latest - gemeente_base)


# ------------------------------------------------------------------------ summary


def _published(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["suppressed"].astype(bool) & table["value"].notna()]


def _broken_between(breaks: pd.Series, after: int, upto: int) -> bool:
    """True when a break falls in (after, upto]: the two years are on different lines."""
    years = breaks.index
    return bool(breaks[(years > after) & (years <= upto)].any())


def _segment_start(breaks: pd.Series, year: int) -> int:
    """First year of the line `year` is on (the latest break at or before it)."""
    starts = breaks.index[breaks.to_numpy() & (breaks.index <= year)]
    return int(starts.max()) if len(starts) else int(breaks.index.min())


def _interval(row: pd.Series) -> tuple[float, float]:
    """The 95% interval of one published cell ((nan, nan) where the source has none)."""
    lower, upper = row.get("lower", math.nan), row.get("upper", math.nan)
    return (
        float(lower) if lower is not None and pd.notna(lower) else math.nan,
        float(upper) if upper is not None and pd.notna(upper) else math.nan,
    )


def _year_row(shown: pd.DataFrame, year: int) -> pd.Series:
    """The row of `year` in one area's series (indexed by year, each year once)."""
    return cast(pd.Series, shown.loc[year])


def _survey_test(first: pd.Series, last: pd.Series) -> float:
    """p-value of the change between two survey cells (value in percent, n respondents)."""
    return proportion_change_pvalue(
        first["value"] / 100 * first["n"], first["n"], last["value"] / 100 * last["n"], last["n"]
    )


def _series_row(
    indicator: Indicator,
    rows: pd.DataFrame,
    base_year: int,
    target: Target | None,
) -> dict:
    """The summary of one indicator in one area (published rows of all years)."""
    breaks = rows.set_index("year")["series_break"].astype(bool).sort_index()
    shown = _published(rows).set_index("year").sort_index()
    out: dict = {"base_year": base_year, "note": ""}
    notes: list[str] = []
    if shown.empty:
        out.update(latest_year=None, latest_value=math.nan, break_since_base=False)
        notes.append("geen gepubliceerde waarde")
        out["note"] = "; ".join(notes)
        return out
    latest_year = int(shown.index.max())
    latest = _year_row(shown, latest_year)
    out.update(latest_year=latest_year, latest_value=float(latest["value"]))
    base = _year_row(shown, base_year) if base_year in shown.index else None
    out["base_value"] = float(base["value"]) if base is not None else math.nan
    broken = _broken_between(breaks, base_year, latest_year) if latest_year > base_year else False
    out["break_since_base"] = broken
    comparable = base is not None and latest_year > base_year and not broken
    first_after: int | None = None
    if broken:
        notes.append(f"breuk in de reeks na {base_year}: geen verandering sinds het basisjaar")
        # The comparison a reader can make instead: from the first published year of the
        # latest series (the first year after the break) to the latest year.
        start = _segment_start(breaks, latest_year)
        after = shown.index[(shown.index >= start) & (shown.index < latest_year)]
        if len(after):
            first_after = int(after.min())
            out["comparison_from_year"] = first_after
            out["change_since_comparison"] = out["latest_value"] - float(
                _year_row(shown, first_after)["value"]
            )
            what = "verandering en toets" if indicator.source == "survey" else "verandering"
            notes.append(f"{what} vanaf {first_after}, het eerste jaar na de breuk")
    elif base is None:
        notes.append(f"geen gepubliceerde waarde in het basisjaar {base_year}")
    if comparable:
        values = shown["value"].astype(float)
        out["change_since_base"] = change_since(values, base_year)
        index = float(index_to_base(values, base_year).loc[latest_year])
        if not math.isnan(index):
            out["index_latest"] = index
    earlier = shown.index[shown.index < latest_year]
    if len(earlier):
        previous_year = int(earlier.max())
        out["previous_year"] = previous_year
        if _broken_between(breaks, previous_year, latest_year):
            notes.append(f"breuk in de reeks tussen {previous_year} en {latest_year}")
        else:
            out["change_since_previous"] = out["latest_value"] - float(
                _year_row(shown, previous_year)["value"]
            )
    tested = (
        base if comparable else _year_row(shown, first_after) if first_after is not None else None
    )
    if indicator.source == "survey" and tested is not None:
        p = _survey_test(tested, latest)
        if not math.isnan(p):
            out.update(test_name=TWO_PROPORTION_TEST, p_value=p, significant=bool(p < ALPHA))
    if indicator.source in REGISTER_SOURCES:
        start = _segment_start(breaks, latest_year)
        segment = shown[shown.index >= start]
        trend = linear_trend(segment.index, segment["value"])
        if not math.isnan(trend.slope):
            out.update(trend_slope=trend.slope, trend_from_year=int(segment.index.min()))
            if trend.points >= MIN_COUNT_TREND_POINTS:
                out.update(trend_lower=trend.lower, trend_upper=trend.upper)
            else:
                notes.append(
                    f"trend over {trend.points} jaren van een volledige telling: geen interval "
                    f"(pas vanaf {MIN_COUNT_TREND_POINTS} jaren)"
                )
    if target is not None:
        lower, upper = _interval(latest)
        verdict = target_status(
            base_year,
            out["base_value"],
            latest_year,
            out["latest_value"],
            target,
            indicator.direction,
            lower,
            upper,
            unit_decimals(indicator.unit),
            broken=broken,
        )
        out.update(
            target_year=target.year,
            target_value=target.value,
            target_rule=TARGET_RULE,
            target_status=verdict.status,
            target_movement=verdict.movement,
            target_reason=verdict.reason,
            target_note="; ".join(
                target_notes(
                    base_year,
                    out["base_value"],
                    target,
                    indicator,
                    verdict,
                    lower=lower,
                    upper=upper,
                )
            ),
        )
    out["note"] = "; ".join(notes)
    return out


def _did(summary: pd.DataFrame, table: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """The programme area's change against its gemeente's, over the same years."""
    summary = summary.copy()
    summary["did_vs_gemeente"] = np.nan
    summary["did_note"] = ""
    shown = _published(table).set_index(["indicator_id", "area_role", "year"])["value"]
    for index, row in summary[summary["area_role"].eq("programma")].iterrows():
        gemeente = summary[
            summary["indicator_id"].eq(row["indicator_id"]) & summary["area_role"].eq("gemeente")
        ]
        if gemeente.empty or pd.isna(row["change_since_base"]):
            continue
        if bool(gemeente["break_since_base"].iloc[0]):
            continue
        base_key = (row["indicator_id"], "gemeente", int(row["base_year"]))
        latest_key = (row["indicator_id"], "gemeente", int(row["latest_year"]))
        if base_key not in shown.index or latest_key not in shown.index:
            continue
        g_base, g_latest = float(shown[base_key]), float(shown[latest_key])
        if units[row["indicator_id"]] == "procent":
            did = difference_in_differences(
                row["base_value"], row["latest_value"], g_base, g_latest
            )
            unit = "procentpunt"
        elif row["base_value"] and g_base:
            did = difference_in_differences(
                100.0,
                row["latest_value"] / row["base_value"] * 100,
                100.0,
                g_latest / g_base * 100,
            )
            unit = "indexpunten (basisjaar = 100)"
        else:
            continue
        summary.loc[index, "did_vs_gemeente"] = did
        summary.loc[index, "did_note"] = f"{unit}; {DID_CAVEAT}"
    return summary


def indicator_summary(
    table: pd.DataFrame,
    indicators: Sequence[Indicator],
    targets: Sequence[Target],
    base_year: int,
) -> pd.DataFrame:
    """One row per (indicator, area role) of a programme's indicator table: `SUMMARY_COLUMNS`.

    Only published values are used. Nothing is computed across a series break: the
    change since the base year, the index and the target status stay empty and `note`
    says why; instead the change (and a survey's test) runs from the first published
    year after the break (`comparison_from_year`, `change_since_comparison`), and the
    trend uses the years since the last break. A complete count's trend on fewer than
    `MIN_COUNT_TREND_POINTS` years has no interval.
    """
    by_id = {indicator.id: indicator for indicator in indicators}
    target_of = {target.indicator: target for target in targets}
    records = []
    for (indicator_id, role), rows in table.groupby(["indicator_id", "area_role"], sort=False):
        indicator = by_id[str(indicator_id)]
        target = target_of.get(str(indicator_id)) if role == "programma" else None
        record = {
            "indicator_id": indicator_id,
            "group": indicator.group or "",
            "level": indicator.level,
            "unit": indicator.unit,
            "area_role": role,
            "area_code": rows["area_code"].iloc[0],
        }
        record.update(_series_row(indicator, rows, base_year, target))
        records.append(record)
    summary = pd.DataFrame.from_records(records).reindex(columns=SUMMARY_COLUMNS)
    summary = _did(summary, table, {i.id: i.unit for i in indicators})
    text = (
        "test_name",
        "target_status",
        "target_movement",
        "target_reason",
        "target_rule",
        "target_note",
        "note",
        "did_note",
        "group",
    )
    for column in text:
        summary[column] = summary[column].fillna("")
    years = ["latest_year", "previous_year", "comparison_from_year", "trend_from_year"]
    for column in [*years, "target_year"]:
        summary[column] = summary[column].astype("Int64")
    summary["break_since_base"] = summary["break_since_base"].fillna(False).astype(bool)
    return stored_summary(summary[SUMMARY_COLUMNS])
