"""What belongs in print: parts of a report shown on screen only, or in print only.

A table or text that works on a screen (scrolled, zoomed, searched) can be too wide or
too long for an A4 page, where its text would shrink below 8 pt or the report run past
16 pages. The notebooks mark such a part with Quarto's conditional content, which
Quarto honours in every format (HTML keeps the screen part; Typst and Word the print
part) and the nbconvert fallback turns into classes its print CSS hides or shows
(`render.conditional_to_html`). The values in a print part are the screen part's
values, never other figures: fewer columns, not other numbers.
"""

from __future__ import annotations

import pandas as pd

from helpers.report.escaping import markdown_table

# The joint report's pillars shown on screen only: the population is context (the first
# pillar), its twelve small multiples six printed pages, and its figures are in every
# annual report's "De wijk in cijfers", the web version and the Excel tables.
SCREEN_ONLY_PILLARS = ("Bevolking",)
PILLARS_NOTE = (
    "*Gedrukt staan de grafieken van de pijler Bevolking (de context) niet: ze staan in de "
    "webversie van dit rapport, de cijfers ook in de jaarrapportage van elk programma "
    "(De wijk in cijfers) en in de Excel-tabellen.*"
)

SCREEN_FENCE = '::: {.content-visible when-format="html"}'
PRINT_FENCE = '::: {.content-hidden when-format="html"}'


def screen_only(markdown: str) -> str:
    """`markdown` shown on the site only: left out of print, PDF and Word."""
    return f"{SCREEN_FENCE}\n{markdown.strip()}\n:::\n"


def print_only(markdown: str) -> str:
    """`markdown` shown in print, PDF and Word only: hidden on the site."""
    return f"{PRINT_FENCE}\n{markdown.strip()}\n:::\n"


def screen_only_pillar(pillar: str) -> bool:
    """Whether a pillar of the joint report stays out of print (SCREEN_ONLY_PILLARS): the
    notebook shows it in a cell tagged `screen-only`, before the printed pillars."""
    return pillar in SCREEN_ONLY_PILLARS


def printed_years(years: list[int], base_year: int) -> list[int]:
    """The years a year-by-year table keeps in print: the base year (nulmeting, the
    report's point of comparison; else the first year) and the latest year."""
    first = base_year if base_year in years else years[0]
    return sorted({first, years[-1]})


def fewer_years(frame: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """A table with one column per year (named by the year) with only `years` of them
    kept: the other columns (indicator, area, break) stay, in their order."""
    year_columns = [c for c in frame.columns if str(c).isdigit()]
    dropped = [c for c in year_columns if int(c) not in years]
    return frame.drop(columns=dropped)


def years_note(years: list[int], where: str = "de webversie en de Excel-tabellen") -> str:
    """The line under a print table that keeps only some years: where the others are."""
    shown = " en ".join(str(y) for y in years)
    return f"*Gedrukt staan de jaren {shown}; alle jaren staan in {where}.*"


def year_table(frame: pd.DataFrame, base_year: int, empty: str) -> str:
    """A year-by-year table as markdown: every year on screen; in print the base year
    and the latest (`printed_years`), with a line saying where the others are. Eight
    columns of 8-digit numbers (Nederland's inhabitants) do not fit an A4 text block at
    8 pt; three rows per indicator over two years do."""
    if frame.empty:
        return empty
    years = sorted(int(c) for c in frame.columns if str(c).isdigit())
    kept = printed_years(years, base_year)
    if kept == years:
        return markdown_table(frame)
    printed = markdown_table(fewer_years(frame, kept))
    return (
        screen_only(markdown_table(frame)) + "\n" + print_only(f"{printed}\n\n{years_note(kept)}")
    )
