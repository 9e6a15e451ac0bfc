"""Published values per indicator and area: series, breaks, targets, quality findings."""

from __future__ import annotations

import json
import math
from typing import cast

import pandas as pd

from helpers.indicators.disclosure import REASONS
from helpers.report.dutch import (
    BREAK_LABEL,
    MISSING,
    break_words,
)
from helpers.report.programme import ProgrammeContext


def published(table: pd.DataFrame) -> pd.DataFrame:
    """Rows that may be shown: not suppressed and with a value."""
    return table[~table["suppressed"].astype(bool) & table["value"].notna()]


def indicator_series(
    table: pd.DataFrame, indicator_id: str, *, keep_gaps: bool = False
) -> pd.DataFrame:
    """Published rows of one indicator, ordered by area role and year.

    With `keep_gaps` the rows of withheld or missing years stay, with value and
    interval blanked (NaN): a chart then shows them as gaps instead of drawing a line
    through them, and still no withheld value leaves this module.
    """
    rows = table[table["indicator_id"].eq(indicator_id)]
    if keep_gaps:
        hidden = ~rows.index.isin(published(rows).index)
        blank = [
            c
            for c in ("value", "lower", "upper", "numerator", "denominator", "n")
            if c in rows.columns
        ]
        rows = rows.copy()
        rows.loc[hidden, blank] = math.nan
    else:
        rows = published(rows)
    return rows.sort_values(["area_role", "year"], key=_role_then_year).reset_index(drop=True)


def break_year(table: pd.DataFrame, indicator_id: str, after: int, until: int) -> int | None:
    """First year of the newest series of the programme area in (after, until], if broken."""
    own = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq("programma")
        & table["year"].gt(after)
        & table["year"].le(until)
    ]
    years = [int(y) for y in own.loc[own["series_break"].astype(bool), "year"]]
    return max(years) if years else None


def _break_text(ctx: ProgrammeContext, indicator_id: str, latest: int | None) -> str:
    """'breuk in de reeks vanaf 2022' for a break since the base year ('breuk in de reeks'
    when the year cannot be found)."""
    year = break_year(ctx.table, indicator_id, ctx.base_year, latest or ctx.year)
    return break_words(year) if year is not None else BREAK_LABEL


def _role_then_year(column: pd.Series) -> pd.Series:
    if column.name == "area_role":
        return column.map({"programma": 0, "gemeente": 1, "nederland": 2})
    return column


def _latest(rows: pd.DataFrame) -> tuple[float, int | None]:
    if rows.empty:
        return math.nan, None
    row = rows.iloc[rows["year"].argmax()]  # the position of idxmax's label
    return float(row["value"]), int(row["year"])


def _cell(table: pd.DataFrame, indicator_id: str, role: str, year: int) -> pd.Series | None:
    hit = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq(role)
        & table["year"].eq(year)
    ]
    return None if hit.empty else hit.iloc[0]


def _indicator_row(summary: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    """One indicator's row of a summary indexed by indicator_id (one row each); None
    where the indicator has none."""
    if indicator_id not in summary.index:
        return None
    return cast(pd.Series, summary.loc[indicator_id])


def target_for(ctx: ProgrammeContext, indicator_id: str) -> tuple[int, float] | None:
    """The (year, value) target of an indicator, if the programme set one."""
    for target in ctx.programme.targets:
        if target.indicator == indicator_id:
            return (target.year, target.value)
    return None


def quality_findings(ctx: ProgrammeContext) -> pd.DataFrame:
    """Validation warnings that concern this programme's sources (its data-quality section)."""
    path = ctx.paths.validation_findings
    findings = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    own = {f"registrations_{ctx.key}", f"notes_{ctx.key}", "survey", "params"}
    rows = [
        {
            "bron": f["file"],
            "kolom": f["column"] or MISSING,
            "regel": f.get("regel") or f["rule"],
            "rijen": f["rows"],
            "ernst": "waarschuwing" if f["severity"] == "warning" else "kritiek",
        }
        for f in findings
        if f["suite"] in own or f["suite"].startswith("kwb_")
    ]
    return pd.DataFrame(rows, columns=["bron", "kolom", "regel", "rijen", "ernst"])


def suppression_summary(table: pd.DataFrame) -> pd.DataFrame:
    """How many cells were withheld, by reason (for the accountability section)."""
    withheld = table[table["suppressed"].astype(bool)]
    counts = withheld["suppression_reason"].value_counts().sort_index()
    return pd.DataFrame(
        {"reden": [REASONS.get(r, r) for r in counts.index], "aantal cellen": counts.to_numpy()}
    )
