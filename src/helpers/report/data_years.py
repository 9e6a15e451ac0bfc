"""The years a reader is told, tied to the values' own years.

The peiljaar (`cycle.year`) names the monitor's edition; the figures in it can be
older (the health monitor surveys every other year, CBS publishes a year late). So a
sentence above the figures says which year the newest of them is from, instead of
letting "peiljaar 2025" stand above values of 2024.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from helpers.report.programme import ProgrammeContext


def latest_published_year(table: pd.DataFrame, role: str = "programma") -> int | None:
    """The newest year with a published value for `role` in an indicator table, or None.

    Withheld (suppressed) and missing values do not count: they are not shown.

    >>> frame = pd.DataFrame({"area_role": ["programma", "programma"],
    ...     "year": [2023, 2024], "value": [1.0, None], "suppressed": [False, False]})
    >>> latest_published_year(frame)
    2023
    """
    shown = table[
        table["area_role"].eq(role) & table["value"].notna() & ~table["suppressed"].astype(bool)
    ]
    return int(shown["year"].max()) if not shown.empty else None


def edition_line(year: int, base_year: int, latest: int | None) -> str:
    """'peiljaar 2025, nulmeting 2020' plus, when the figures are older, their year.

    >>> edition_line(2024, 2020, 2024)
    'peiljaar 2024, nulmeting 2020'
    >>> edition_line(2025, 2020, 2024)[29:]
    '; de nieuwste cijfers zijn van 2024 (bij elk cijfer staat het jaar)'
    """
    line = f"peiljaar {year}, nulmeting {base_year}"
    if latest is None:
        return line + "; er zijn nog geen cijfers gepubliceerd"
    if latest != year:
        return line + f"; de nieuwste cijfers zijn van {latest} (bij elk cijfer staat het jaar)"
    return line


def programme_edition_line(ctx: ProgrammeContext) -> str:
    """`edition_line` of one programme's report, from its own indicator table."""
    return edition_line(ctx.year, ctx.base_year, latest_published_year(ctx.table))
