"""The sentences and caveats under each indicator's chart."""

from __future__ import annotations

import pandas as pd

from helpers.config import (
    Indicator,
)
from helpers.report.dutch import (
    break_words,
    format_value,
)
from helpers.report.glance import (
    change_words,
    comparison_since,
    indicator_summary,
    is_true,
    significance_words,
)
from helpers.report.programme import ProgrammeContext
from helpers.report.series import _break_text, _cell, _indicator_row, published


def _with_interval(ctx: ProgrammeContext, indicator: Indicator, year: int) -> str:
    """'60,0% (95%-interval 58,0% – 62,0%)' for a published programme cell ('' if none)."""
    cell = _cell(published(ctx.table), indicator.id, "programma", year)
    if cell is None:
        return ""
    text = format_value(float(cell["value"]), indicator.unit)
    if pd.notna(cell["lower"]) and pd.notna(cell["upper"]):
        low = format_value(float(cell["lower"]), indicator.unit)
        high = format_value(float(cell["upper"]), indicator.unit)
        text += f" (95%-interval {low} – {high})"
    return text


def change_sentence(ctx: ProgrammeContext, indicator_id: str) -> str:
    """The latest and base-year values with their intervals, and the change in words.

    Both intervals are shown, so a reader sees how uncertain each measurement is; the
    uncertainty of the change is said in plain words (`significance_words`). After a
    break the change runs from the first year after it, labelled as such.
    """
    indicator = ctx.project.indicator(ctx.key, indicator_id)
    summary = indicator_summary(ctx).set_index("indicator_id")
    row = _indicator_row(summary, indicator_id)
    if row is None or pd.isna(row["latest_year"]):
        return f"*{indicator.label}: geen publiceerbare waarde voor het programmagebied.*"
    year = int(row["latest_year"])
    text = f"**{indicator.label}**: {_with_interval(ctx, indicator, year)} in {year}. "
    if is_true(row["break_since_base"]):
        broken = _break_text(ctx, indicator_id, year)
        text += f"Geen verandering sinds {ctx.base_year}: {broken}."
        compared = comparison_since(ctx, indicator_id, row)
        if not compared:
            return text
        since = int(row["comparison_from_year"])
        change = float(row["change_since_comparison"])
        text += (
            f" In {since}: {_with_interval(ctx, indicator, since)}. Verandering {compared}: "
            f"{change_words(change, indicator.direction, indicator.unit)}"
        )
    else:
        base = _with_interval(ctx, indicator, ctx.base_year) if year != ctx.base_year else ""
        if base:
            text += f"Nulmeting {ctx.base_year}: {base}. "
        change = float(row["change_since_base"])
        text += (
            f"Verandering {ctx.base_year}–{year}: "
            f"{change_words(change, indicator.direction, indicator.unit)}"
        )
    words = significance_words(float(row["p_value"]), row["significant"], change)
    return text + ("." if words == "n.v.t." else f"; {words}.")


def series_caveats(ctx: ProgrammeContext, indicator_id: str) -> list[str]:
    """Short warnings for one indicator: breaks in the series, missing or suppressed years."""
    own = ctx.table[
        ctx.table["indicator_id"].eq(indicator_id) & ctx.table["area_role"].eq("programma")
    ]
    caveats = []
    breaks = sorted(int(y) for y in own.loc[own["series_break"].astype(bool), "year"])
    if breaks:
        words = " en ".join(break_words(y) for y in breaks)
        caveats.append(
            f"{words[0].upper()}{words[1:]} (zie het logboek): "
            "jaren voor en na de breuk zijn niet vergelijkbaar."
        )
    suppressed = sorted(int(y) for y in own.loc[own["suppressed"].astype(bool), "year"])
    if suppressed:
        caveats.append(
            f"Niet gepubliceerd in {', '.join(map(str, suppressed))} (te kleine aantallen)."
        )
    measured = set(own.loc[own["value"].notna() | own["suppressed"].astype(bool), "year"])
    missing = [y for y in ctx.project.cycle.cycle.years if y not in measured]
    if missing and measured:
        caveats.append(f"Geen meting in {', '.join(map(str, missing))}.")
    return caveats
