"""Small-number suppression for everything that may be published.

Follows CBS/GGD practice: a value from a tiny population is withheld, with its
reason, and so is everything from which it could be recomputed (numerator,
denominator, interval, n). A value CBS itself did not publish stays unpublished:
it is never reconstructed from other cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.config import Suppression

REASONS: dict[str, str] = {
    "cbs_not_published": "niet gepubliceerd door CBS (geheim of nog niet beschikbaar)",
    "small_count": "kleine aantallen",
    "small_denominator": "te kleine populatie",
    "small_n": "te weinig respondenten",
    "not_aggregable": "niet op te tellen over meerdere buurten",
}

_REVEALING = ["value", "numerator", "denominator", "lower", "upper", "n"]


def suppression_reasons(table: pd.DataFrame, rules: Suppression) -> pd.Series:
    """The reason each row must be withheld, or '' where it may be published.

    Expects the indicator-table columns; `suppression_reason` may already hold a
    reason from the source (CBS's own suppression), which is kept.
    """
    reasons = table.get("suppression_reason", pd.Series("", index=table.index)).fillna("")
    reasons = reasons.astype(str)
    is_count = table["unit"].eq("aantal") & table["numerator"].isna()
    small_count = is_count & table["value"].gt(0) & table["value"].lt(rules.min_count)
    small_denominator = table["denominator"].notna() & table["denominator"].lt(
        rules.min_denominator
    )
    small_n = table["n"].notna() & table["n"].lt(rules.min_survey_n)
    for mask, reason in (
        (small_n, "small_n"),
        (small_denominator, "small_denominator"),
        (small_count, "small_count"),
    ):
        reasons = reasons.mask(mask & reasons.eq(""), reason)
    return reasons


def apply_suppression(table: pd.DataFrame, rules: Suppression) -> pd.DataFrame:
    """Return a copy with `suppressed`/`suppression_reason` set and revealing columns blanked."""
    result = table.copy()
    reasons = suppression_reasons(result, rules)
    result["suppression_reason"] = reasons
    result["suppressed"] = reasons.ne("")
    result.loc[result["suppressed"], _REVEALING] = np.nan
    return result


def published_cells_respect_threshold(table: pd.DataFrame, rules: Suppression) -> bool:
    """True when no published row breaks a small-number rule (a check for tests and reports)."""
    published = table[~table["suppressed"].astype(bool)]
    return bool(suppression_reasons(published.assign(suppression_reason=""), rules).eq("").all())
