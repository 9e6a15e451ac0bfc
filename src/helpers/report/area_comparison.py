"""The area beside its gemeente, and the programme on its five levels.

Two views of the annual report that comparable Dutch monitors have and a reader asks
for: a profile of the area against its own gemeente (gemeente = 100) grouped by theme,
each value with its measurement year and never a ranking of wijken; and the
indicators ordered input → activiteiten → prestaties → effecten → maatschappelijke
effecten, with the context of the area beside them. Only published values are used.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from helpers.config import Indicator
from helpers.indicators.precision import INDEX_DECIMALS, round_half_up
from helpers.report import dutch
from helpers.report.dutch import MISSING, format_change, format_number, format_value

# Shares, rates and averages can be set against the gemeente; counts and totals
# (inwoners, budget) cannot: a wijk always has fewer inhabitants than its gemeente.
COMPARABLE_UNITS = ("procent", "per_1000", "per_km2", "duizend_euro")
CHAIN = ("input", "activity", "output", "outcome", "impact")
CHAIN_LABELS = {
    "input": "input",
    "activity": "activiteiten",
    "output": "prestaties",
    "outcome": "effecten",
    "impact": "maatschappelijke effecten",
    "context": "context",
}


def theme_of(indicator: Indicator) -> str:
    """The indicator's theme in words; before themes exist in the params, its level."""
    theme = getattr(indicator, "theme", None)
    if theme:
        labels: dict[str, str] = getattr(dutch, "THEME_LABELS", {})
        return labels.get(theme, str(theme).replace("_", " "))
    return CHAIN_LABELS[indicator.level]


def area_profile(table: pd.DataFrame, indicators: list[Indicator]) -> pd.DataFrame:
    """Per comparable indicator the area as an index to its gemeente (gemeente = 100) in
    the latest year both were published; grouped by theme in the params' order.

    Columns: thema, indicator, jaar, programmagebied, gemeente, index (a float; the
    table for readers is `profile_table`).
    """
    shown = table[~table["suppressed"].astype(bool) & table["value"].notna()]
    rows, themes = [], list(dict.fromkeys(theme_of(i) for i in indicators))
    for indicator in indicators:
        if indicator.unit not in COMPARABLE_UNITS or indicator.group is not None:
            continue
        own = shown[shown["indicator_id"].eq(indicator.id)]
        area = own[own["area_role"].eq("programma")].set_index("year")["value"]
        city = own[own["area_role"].eq("gemeente")].set_index("year")["value"]
        years = sorted(set(area.index) & set(city.index))
        years = [y for y in years if float(city[y]) != 0]
        if not years:
            continue
        year = years[-1]
        rows.append(
            {
                "thema": theme_of(indicator),
                "indicator": indicator.label,
                "unit": indicator.unit,
                "jaar": int(year),
                "programmagebied": float(area[year]),
                "gemeente": float(city[year]),
                "index": round_half_up(float(area[year]) / float(city[year]) * 100, INDEX_DECIMALS),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["thema", "indicator", "unit", "jaar", "programmagebied", "gemeente", "index"]
    )
    order = {theme: k for k, theme in enumerate(themes)}
    return frame.sort_values("thema", key=lambda c: c.map(order), kind="stable").reset_index(
        drop=True
    )


def profile_table(profile: pd.DataFrame, gemeente: str) -> pd.DataFrame:
    """The profile for readers: values in Dutch format, the index with one decimal."""
    return pd.DataFrame(
        {
            "thema": profile["thema"],
            "indicator": profile["indicator"],
            "jaar": profile["jaar"].astype(str),
            "programmagebied": [
                format_value(v, u)
                for v, u in zip(profile["programmagebied"], profile["unit"], strict=True)
            ],
            gemeente: [
                format_value(v, u)
                for v, u in zip(profile["gemeente"], profile["unit"], strict=True)
            ],
            f"index ({gemeente} = 100)": [
                format_number(v, INDEX_DECIMALS) for v in profile["index"]
            ],
        }
    )


def five_levels(summary: pd.DataFrame, indicators: list[Indicator], base_year: int) -> pd.DataFrame:
    """The programme's indicators in the order of the chain input → maatschappelijke
    effecten, each with its latest published value and the value in the base year."""
    rows = []
    for level in CHAIN:
        for indicator in (i for i in indicators if i.level == level):
            rows.append({"niveau": CHAIN_LABELS[level], **_values(summary, indicator, base_year)})
    return pd.DataFrame(rows, columns=["niveau", "indicator", "laatste waarde", "nulmeting"])


def context_beside(summary: pd.DataFrame, indicators: list[Indicator]) -> pd.DataFrame:
    """The context indicators of the area (no population breakdowns: those have their own
    section), with the latest published value."""
    rows = [
        {"context": i.label, "waarde": _values(summary, i, 0)["laatste waarde"]}
        for i in indicators
        if i.level == "context" and i.group is None and i.id in summary.index
    ]
    return pd.DataFrame(rows, columns=["context", "waarde"])


def chain_with_context(chain: pd.DataFrame, context: pd.DataFrame) -> pd.DataFrame:
    """The chain and the context side by side in one table, as printed pages allow."""
    size = max(len(chain), len(context))
    left = chain.reindex(range(size)).fillna("")
    right = context.reindex(range(size)).fillna("")
    right.columns = ["context van de wijk", "waarde (context)"]
    return pd.concat([left, right], axis=1)


def _values(summary: pd.DataFrame, indicator: Indicator, base_year: int) -> dict[str, str]:
    if indicator.id not in summary.index:
        return {"indicator": indicator.label, "laatste waarde": MISSING, "nulmeting": MISSING}
    row = cast(pd.Series, summary.loc[indicator.id])
    latest, base = MISSING, MISSING
    if pd.notna(row["latest_value"]):
        value = format_value(float(cast(float, row["latest_value"])), indicator.unit)
        latest = f"{value} ({int(cast(float, row['latest_year']))})"
    if pd.notna(row["base_value"]) and str(row.get("break_since_base")).lower() != "true":
        base = (
            f"{format_value(float(cast(float, row['base_value'])), indicator.unit)} ({base_year})"
        )
    return {"indicator": indicator.label, "laatste waarde": latest, "nulmeting": base}


def gap_by_year(table: pd.DataFrame, indicator: Indicator, gemeente: str) -> pd.DataFrame:
    """Year by year the area (with its 95% interval where known), its gemeente and
    Nederland, and the area's gap to the gemeente: what a deep dive adds to the trend
    chart of the report. Withheld or missing values stay a dash."""
    shown = table[
        table["indicator_id"].eq(indicator.id)
        & ~table["suppressed"].astype(bool)
        & table["value"].notna()
    ]
    by_role = {
        role: shown[shown["area_role"].eq(role)].set_index("year")
        for role in ("programma", "gemeente", "nederland")
    }
    unit = indicator.unit
    rows = []
    for year in sorted(set(table.loc[table["indicator_id"].eq(indicator.id), "year"])):
        area, city, land = (by_role[r]["value"].get(year) for r in by_role)
        own = format_value(area, unit) if area is not None else MISSING
        low, high = (by_role["programma"][c].get(year) for c in ("lower", "upper"))
        if area is not None and pd.notna(low) and pd.notna(high):
            own += f" ({format_value(float(low), unit)} – {format_value(float(high), unit)})"
        gap = MISSING
        if area is not None and city is not None:
            gap = format_change(float(area) - float(city), unit)
        rows.append(
            {
                "jaar": str(int(year)),
                "programmagebied (95%-interval)": own,
                gemeente: format_value(city, unit) if city is not None else MISSING,
                "Nederland": format_value(land, unit) if land is not None else MISSING,
                f"verschil met {gemeente}": gap,
            }
        )
    return pd.DataFrame(rows)


def gap_series(table: pd.DataFrame, indicator: Indicator) -> list[tuple[int, float]]:
    """(year, area minus gemeente) for each year both were published."""
    shown = table[
        table["indicator_id"].eq(indicator.id)
        & ~table["suppressed"].astype(bool)
        & table["value"].notna()
    ]
    area = shown[shown["area_role"].eq("programma")].set_index("year")["value"]
    city = shown[shown["area_role"].eq("gemeente")].set_index("year")["value"]
    return [
        (int(y), float(area[y]) - float(city[y])) for y in sorted(set(area.index) & set(city.index))
    ]
