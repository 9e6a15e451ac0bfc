"""Statistical disclosure control for everything that may be published.

Follows CBS/GGD practice. Primary suppression withholds a value from a tiny
population (a count below `min_count`, a rate whose numerator is such a count or
whose denominator is below `min_denominator`, a survey figure on fewer than
`min_survey_n` respondents), with its reason, and blanks everything from which it
could be recomputed (numerator, denominator, interval, n). A value CBS itself did
not publish stays unpublished: it is never reconstructed from other cells.

Secondary suppression closes disclosure by difference: where cells add up to a
published total (the age groups of an area add up to its inhabitants), one
withheld cell could be recovered as the total minus the others. In every such
partition the withheld cells are none, all zero, or at least two that together
hold at least `min_count`.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

from helpers.config import Suppression

REASONS: dict[str, str] = {
    "cbs_not_published": "niet gepubliceerd door CBS (geheim of nog niet beschikbaar)",
    "source_not_published": "niet gepubliceerd door de bron",
    "small_count": "kleine aantallen",
    "small_denominator": "te kleine populatie",
    "small_n": "te weinig respondenten",
    "not_aggregable": "niet op te tellen over meerdere buurten",
    "secondary": "secundair onderdrukt: anders terug te rekenen uit het totaal",
}

_REVEALING = ["value", "numerator", "denominator", "lower", "upper", "n"]


def primary_reasons(table: pd.DataFrame, rules: Suppression) -> pd.Series:
    """The reason each row must be withheld on its own, or '' where it may be published.

    Expects the indicator-table columns; `suppression_reason` may already hold a
    reason from the source (CBS's own suppression), which is kept. Returns a
    categorical: at country size, millions of reason strings cost more than the rules.
    """
    given = table.get("suppression_reason")
    if given is None:
        given = pd.Series("", index=table.index, dtype="str")
    given = given.astype("category")
    labels = list(dict.fromkeys(["", *given.cat.categories.astype(str), *REASONS]))
    code = labels.index
    reasons = pd.Categorical(given, categories=labels).codes.astype(np.int64)
    reasons[reasons < 0] = code("")
    value = table["value"].to_numpy(dtype=float)
    numerator = table["numerator"].to_numpy(dtype=float)
    denominator = table["denominator"].to_numpy(dtype=float)
    n = table["n"].to_numpy(dtype=float)
    is_count = table["unit"].eq("aantal").to_numpy() & np.isnan(numerator)
    small_count = is_count & (value > 0) & (value < rules.min_count)
    small_numerator = (numerator > 0) & (numerator < rules.min_count)
    for mask, reason in (
        (n < rules.min_survey_n, "small_n"),
        (denominator < rules.min_denominator, "small_denominator"),
        (small_count | small_numerator, "small_count"),
    ):
        reasons[mask & (reasons == code(""))] = code(reason)
    return pd.Series(pd.Categorical.from_codes(reasons, pd.Index(labels)), index=table.index)


def cell_magnitude(table: pd.DataFrame) -> pd.Series:
    """The count a cell stands for: its numerator for a share, else its value."""
    return table["numerator"].where(table["numerator"].notna(), table["value"]).astype(float)


def secondary_reasons(
    reasons: pd.Series, magnitude: pd.Series, partition: pd.Series, rules: Suppression
) -> pd.Series:
    """Add 'secondary' where a withheld cell could be recovered from its partition's total.

    `partition` labels the cells that add up to one published total (NaN: in none). A
    partition is safe when the total reveals nothing small: its withheld cells are all
    zero, or at least two that together hold at least `min_count`. Until every
    partition is safe, its smallest published non-zero cell is withheld too (ties: the
    first in table order).
    """
    cells = np.flatnonzero(partition.notna().to_numpy())
    if not len(cells):
        return reasons.copy()
    part = _partition_numbers(partition.to_numpy()[cells])
    counted = magnitude.to_numpy(dtype=float)[cells]
    size = np.nan_to_num(counted)
    # Zero cells last: withholding a zero protects nothing the sum would not.
    order_key = np.where(size > 0, size, np.inf)
    can_withhold = ~np.isnan(counted)
    withheld = reasons.ne("").to_numpy()[cells]
    added = np.zeros(len(cells), dtype=bool)
    while True:
        count = np.bincount(part, withheld.astype(float))
        total = np.bincount(part, np.where(withheld, size, 0.0))
        candidates = np.flatnonzero(~withheld & _unsafe(count, total, rules)[part] & can_withhold)
        if not len(candidates):
            break
        ranked = candidates[np.argsort(order_key[candidates], kind="stable")]
        chosen = ranked[np.unique(part[ranked], return_index=True)[1]]
        withheld[chosen] = added[chosen] = True
    result = reasons.copy()
    if isinstance(result.dtype, pd.CategoricalDtype) and "secondary" not in result.cat.categories:
        result = result.cat.add_categories(["secondary"])
    result.iloc[cells[added]] = "secondary"
    return result


def apply_suppression(
    table: pd.DataFrame, rules: Suppression, partition: pd.Series | None = None
) -> pd.DataFrame:
    """Return a copy with `suppressed`/`suppression_reason` set and revealing columns blanked.

    `partition` (optional, aligned with `table`) labels cells that add up to a published
    total, for secondary suppression (see `secondary_reasons`).
    """
    result = table.copy(deep=False)
    reasons = primary_reasons(result, rules)
    if partition is not None:
        reasons = secondary_reasons(reasons, cell_magnitude(result), partition, rules)
    suppressed = reasons.ne("").to_numpy()
    result["suppression_reason"] = reasons
    result["suppressed"] = suppressed
    _blank_revealing(result, suppressed)
    return result


def _blank_revealing(table: pd.DataFrame, withheld: np.ndarray) -> None:
    """Blank, in place, the columns a withheld value could be recomputed from.

    Float columns get new arrays, set without another copy: at country size,
    `.loc[mask, columns] = nan` costs more than all the suppression rules (it writes
    through pandas' block manager column by column). Any other column (or one not
    there yet) keeps that assignment.
    """
    floats = [c for c in _REVEALING if c in table and table[c].dtype == np.float64]
    for column in floats:
        blanked = np.where(withheld, np.nan, table[column].to_numpy())
        table[column] = pd.Series(blanked, index=table.index, copy=False)
    rest = [c for c in _REVEALING if c not in floats]
    if rest:
        table.loc[withheld, rest] = np.nan


def _partition_numbers(labels: np.ndarray) -> np.ndarray:
    """Labels as small non-negative integers (`group_partitions` gives them already)."""
    if labels.dtype.kind in "iuf":
        numbers = labels.astype(np.int64)
        if (numbers == labels).all() and numbers.min() >= 0 and numbers.max() < 4 * len(labels):
            return numbers
    return pd.factorize(labels)[0]


def published_cells_respect_threshold(table: pd.DataFrame, rules: Suppression) -> bool:
    """True when no published row breaks a small-number rule (a check for tests and reports)."""
    published = table[~table["suppressed"].astype(bool)]
    return bool(primary_reasons(published.assign(suppression_reason=""), rules).eq("").all())


def partitions_are_safe(
    suppressed: pd.Series, magnitude: pd.Series, partition: pd.Series, rules: Suppression
) -> bool:
    """True when no withheld cell can be recovered by difference within its partition.

    `magnitude` must hold the original (unsuppressed) counts: this is the attacker's
    view plus the truth, for tests.
    """
    frame = pd.DataFrame(
        {"p": partition, "w": suppressed.astype(bool), "s": magnitude.fillna(0.0)}
    ).dropna(subset=["p"])
    frame["s"] = frame["s"].where(frame["w"], 0.0)
    stats = frame.groupby("p").agg(count=("w", "sum"), total=("s", "sum"))
    return not bool(_unsafe(stats["count"], stats["total"], rules).any())


# per partition: NumPy arrays in `secondary_reasons`, Series in `partitions_are_safe`
_PerPartition = TypeVar("_PerPartition", np.ndarray, pd.Series)


def _unsafe(count: _PerPartition, total: _PerPartition, rules: Suppression) -> _PerPartition:
    """Partitions whose withheld cells the total reveals: one non-zero cell, or a small sum.

    Withheld zeros reveal nothing a published zero would not (zero counts are published).
    """
    return (total > 0) & ((count == 1) | (total < rules.min_count))
