"""The area in context: CBS key figures and RIVM/GGD health estimates beside its gemeente
and Nederland."""

from __future__ import annotations

import math

import pandas as pd

from helpers.config import (
    Indicator,
    Project,
)
from helpers.indicators.precision import round_half_up, unit_decimals
from helpers.report.dutch import (
    MISSING,
    SOURCE_KINDS,
    format_date,
    format_value,
)
from helpers.report.glance import _format_change
from helpers.report.programme import ProgrammeContext
from helpers.report.series import _cell, _latest, published

# politie (issue 27): registered crime per 1,000 inhabitants is context too, in the
# same grid, so the statement audit checks its figures with the KWB's.
CONTEXT_SOURCES = ("cbs_kwb", "politie")


WEIGHTED_PREFIX = "inwoners_gewogen:"


def context_indicators(ctx: ProgrammeContext) -> list[Indicator]:
    """The KWB indicators that describe the area (level context), in catalogue order."""
    return [
        i
        for i in ctx.project.indicators_for(ctx.key)
        if i.level == "context" and i.source in CONTEXT_SOURCES
    ]


def _area_names(ctx: ProgrammeContext) -> list[tuple[str, str]]:
    return [
        ("programma", ctx.programme.name),
        ("gemeente", ctx.gemeente_name),
        ("nederland", "Nederland"),
    ]


def context_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """The area described by CBS's key figures: per indicator the programme area, its
    gemeente and Nederland over the cycle's years.

    Only published values are shown (a withheld or missing cell is '–'); an indicator
    with no published value anywhere is left out (`context_missing` names it). The
    source of every value is in `context_sources`. A redefined indicator (a logbook
    entry, a CBS definition change or an area change that breaks its series) says so
    in the column 'breuk in de reeks': 'vanaf 2022' on each area's row.
    """
    years = list(ctx.project.cycle.cycle.years)
    indicators = context_indicators(ctx)
    own = ctx.table[ctx.table["indicator_id"].isin([i.id for i in indicators])]
    values = _first_values(published(own))
    breaks = _break_years(own, years)
    with_values = {key[0] for key in values}
    rows = []
    for indicator in indicators:
        if indicator.id not in with_values:
            continue
        for role, name in _area_names(ctx):
            row = {"indicator": indicator.label, "gebied": name}
            for year in years:
                value = values.get((indicator.id, role, year))
                row[str(year)] = (
                    format_value(value, indicator.unit) if value is not None else MISSING
                )
            found = breaks.get((indicator.id, role), [])
            row[BREAK_COLUMN] = ", ".join(f"vanaf {y}" for y in found) if found else MISSING
            rows.append(row)
    return pd.DataFrame(rows, columns=["indicator", "gebied", *map(str, years), BREAK_COLUMN])


def _first_values(rows: pd.DataFrame) -> dict[tuple[str, str, int], float]:
    """The value of every (indicator, area role, year), the first row's where several are
    (as `series._cell` picks it): looked up per cell, filtering the table per cell cost
    seconds for a joint report."""
    first = rows.drop_duplicates(["indicator_id", "area_role", "year"])
    return {
        (str(i), str(role), int(year)): float(value)
        for i, role, year, value in zip(
            first["indicator_id"], first["area_role"], first["year"], first["value"], strict=True
        )
    }


BREAK_COLUMN = "breuk in de reeks"
"""The context table says where a series breaks, as the charts and the logbook do: a
WOZ value or education level redefined by CBS in 2024 is not continuous in any table."""


def _break_years(table: pd.DataFrame, years: list[int]) -> dict[tuple[str, str], list[int]]:
    """Per (indicator, area role) the years after the cycle's first in which its series
    breaks ('vanaf 2024' in the context table)."""
    rows = table[table["series_break"].astype(bool) & table["year"].isin(years[1:])]
    found: dict[tuple[str, str], set[int]] = {}
    for i, role, year in zip(rows["indicator_id"], rows["area_role"], rows["year"], strict=True):
        found.setdefault((str(i), str(role)), set()).add(int(year))
    return {key: sorted(found_years) for key, found_years in found.items()}


def context_missing(ctx: ProgrammeContext) -> list[str]:
    """Labels of context indicators without any published value in this cycle."""
    shown = published(ctx.table)
    return [i.label for i in context_indicators(ctx) if not shown["indicator_id"].eq(i.id).any()]


def _source_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One row per year and source table of published values: the source lines."""
    rows = published(table)
    if rows.empty:
        return pd.DataFrame(columns=["jaar", "bron", "tabel", "versie (CBS)", "cijfers"])
    split = rows["source"].astype(str).str.split(":", n=1, expand=True)
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype(int).to_numpy(),
            "kind": split[0].to_numpy(),
            "table_id": (split[1] if 1 in split else pd.Series("", index=rows.index))
            .fillna("")
            .to_numpy(),
            "modified": rows["source_modified"].fillna("").astype(str).to_numpy(),
            "synthetic": rows["synthetic"].astype(bool).to_numpy(),
        }
    ).drop_duplicates()
    frame = frame.sort_values(["year", "kind", "table_id"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "jaar": frame["year"],
            "bron": [SOURCE_KINDS.get(k, k) for k in frame["kind"]],
            "tabel": frame["table_id"].replace("", MISSING),
            "versie (CBS)": [format_date(m) or "niet vastgelegd" for m in frame["modified"]],
            "cijfers": ["synthetisch (demo)" if f else "echt" for f in frame["synthetic"]],
        }
    )


def context_sources(ctx: ProgrammeContext) -> pd.DataFrame:
    """The source line of every year of the context table: table id, year, the date CBS
    last revised the table, and whether the figures are real or synthetic."""
    ids = [i.id for i in context_indicators(ctx)]
    return _source_rows(ctx.table[ctx.table["indicator_id"].isin(ids)])


def health_indicators(project: Project, key: str) -> list[Indicator]:
    """The indicators from the RIVM/GGD small-area estimates, in catalogue order."""
    return [i for i in project.indicators_for(key) if i.source == "cbs_health"]


def estimate_words(estimate: str) -> str:
    """How a health value was obtained, in words ('' for CBS's own published estimate)."""
    if estimate.startswith(WEIGHTED_PREFIX):
        year = estimate.removeprefix(WEIGHTED_PREFIX)
        return (
            "gewogen gemiddelde van de schattingen van de deelgebieden, naar aantal inwoners "
            f"(CBS Kerncijfers {year}); geen eigen schatting van het RIVM en geen interval"
        )
    return estimate


def health_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """The health outcomes of the RIVM/GGD small-area estimates: per indicator the latest
    wave with a published value for the programme area, with its own year (also when the
    cycle's year is later), the gemeente, Nederland, the gap to the gemeente and how the
    programme area's value was obtained. Estimates without an interval: none is shown."""
    shown = published(ctx.table)
    rows = []
    for indicator in health_indicators(ctx.project, ctx.key):
        own = shown[shown["indicator_id"].eq(indicator.id)]
        _, year = _latest(own[own["area_role"].eq("programma")])
        if year is None:
            _, year = _latest(own)
        if year is None:
            continue
        cells = {role: _cell(own, indicator.id, role, year) for role, _ in _area_names(ctx)}
        values = {
            role: (float(c["value"]) if c is not None else math.nan) for role, c in cells.items()
        }
        gap = values["programma"] - values["gemeente"]
        programme_cell = cells["programma"]
        estimate = programme_cell.get("estimate", "") if programme_cell is not None else ""
        estimate = estimate if isinstance(estimate, str) else ""
        rows.append(
            {
                "indicator": indicator.label,
                "meting": year,
                ctx.programme.name: format_value(values["programma"], indicator.unit),
                ctx.gemeente_name: format_value(values["gemeente"], indicator.unit),
                "Nederland": format_value(values["nederland"], indicator.unit),
                f"verschil met {ctx.gemeente_name}": _format_change(
                    float(round_half_up(gap, unit_decimals(indicator.unit))), indicator.unit
                ),
                "schatting": estimate_words(estimate) or "gepubliceerde schatting",
            }
        )
    return pd.DataFrame(rows)


def health_sources(ctx: ProgrammeContext) -> pd.DataFrame:
    """The source lines of the health table (edition, wave, CBS revision date, real or not)."""
    ids = [i.id for i in health_indicators(ctx.project, ctx.key)]
    return _source_rows(ctx.table[ctx.table["indicator_id"].isin(ids)])
