"""Statistics behind the monitor's statements: intervals, tests, change and index.

Thin wrappers around statsmodels, so the report can name the method and a test can
compare our figures with the library's reference results.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

WILSON = "Wilson-interval (95%)"
TWO_PROPORTION_TEST = "toets op verschil tussen twee onafhankelijke proporties (score-toets)"


def wilson_interval(count: float, nobs: float, alpha: float = 0.05) -> tuple[float, float]:
    """95% Wilson interval of a proportion, in percent; (nan, nan) without observations."""
    if not nobs or nobs <= 0 or math.isnan(count) or math.isnan(nobs):
        return (math.nan, math.nan)
    low, high = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    return (float(low) * 100, float(high) * 100)


def proportion_change_pvalue(count_a: float, nobs_a: float, count_b: float, nobs_b: float) -> float:
    """p-value for a difference between two survey waves (score test, independent samples)."""
    values = (count_a, nobs_a, count_b, nobs_b)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return math.nan
    if nobs_a <= 0 or nobs_b <= 0:
        return math.nan
    result = test_proportions_2indep(count_b, nobs_b, count_a, nobs_a, method="score")
    return float(result.pvalue)


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
