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
    reason from the source (CBS's own suppression), which is kept.
    """
    reasons = table.get("suppression_reason", pd.Series("", index=table.index)).fillna("")
    reasons = reasons.astype(str)
    is_count = table["unit"].eq("aantal") & table["numerator"].isna()
    small_count = is_count & table["value"].gt(0) & table["value"].lt(rules.min_count)
    small_numerator = table["numerator"].gt(0) & table["numerator"].lt(rules.min_count)
    small_denominator = table["denominator"].notna() & table["denominator"].lt(
        rules.min_denominator
    )
    small_n = table["n"].notna() & table["n"].lt(rules.min_survey_n)
    for mask, reason in (
        (small_n, "small_n"),
        (small_denominator, "small_denominator"),
        (small_count | small_numerator, "small_count"),
    ):
        reasons = reasons.mask(mask & reasons.eq(""), reason)
    return reasons


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
    partition is safe, its smallest published non-zero cell is withheld too.
    """
    reasons = reasons.copy()
    in_partition = partition.notna()
    if not in_partition.any():
        return reasons
    part = partition[in_partition]
    size = magnitude[in_partition].fillna(0.0)
    # Zero cells last: withholding a zero protects nothing the sum would not.
    order_key = size.where(size.gt(0), np.inf)
    while True:
        withheld = reasons[in_partition].ne("")
        per_part = pd.DataFrame({"p": part, "w": withheld, "s": size.where(withheld, 0.0)})
        stats = per_part.groupby("p", sort=False).agg(count=("w", "sum"), total=("s", "sum"))
        unsafe = stats.index[_unsafe(stats["count"], stats["total"], rules)]
        candidates = order_key[~withheld & part.isin(unsafe) & magnitude[in_partition].notna()]
        if candidates.empty:
            return reasons
        chosen = (
            pd.DataFrame({"p": part[candidates.index], "k": candidates})
            .sort_values(["k"], kind="stable")
            .drop_duplicates("p")
            .index
        )
        reasons.loc[chosen] = "secondary"


def apply_suppression(
    table: pd.DataFrame, rules: Suppression, partition: pd.Series | None = None
) -> pd.DataFrame:
    """Return a copy with `suppressed`/`suppression_reason` set and revealing columns blanked.

    `partition` (optional, aligned with `table`) labels cells that add up to a published
    total, for secondary suppression (see `secondary_reasons`).
    """
    result = table.copy()
    reasons = primary_reasons(result, rules)
    if partition is not None:
        reasons = secondary_reasons(reasons, cell_magnitude(result), partition, rules)
    result["suppression_reason"] = reasons
    result["suppressed"] = reasons.ne("")
    result.loc[result["suppressed"], _REVEALING] = np.nan
    return result


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


def _unsafe(count: pd.Series, total: pd.Series, rules: Suppression) -> pd.Series:
    """Partitions whose withheld cells the total reveals: one non-zero cell, or a small sum.

    Withheld zeros reveal nothing a published zero would not (zero counts are published).
    """
    revealed = total.gt(0)
    return revealed & (count.eq(1) | total.lt(rules.min_count))
