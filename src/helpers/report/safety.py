"""Registered crime in the safety pillar: the programme area against its gemeente.

The figure is all crime the police registered in the area in a year per 1,000
inhabitants (`sources.cbs_crime`): the programme's buurten or the buurten of its
wijken from 47018NED, the gemeente from 47013NED where given (it includes crime not
assignable to a buurt, so it is not the sum of the buurten) and otherwise from the
sum of its buurten, said per row. The KWB population of the same areas and year is
the denominator, and a rate on fewer inhabitants than `suppression.min_denominator`
is withheld. Registered crime depends on reporting and police priorities as much as
on crime: the text says so, and the figure is context, never a measure of the
programme's success.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from helpers.config import Suppression
from helpers.report.dutch import format_value
from helpers.report.escaping import markdown_table
from helpers.report.plots import comparison_bars
from helpers.sources.cbs_crime import CRIME_ATTRIBUTION, crime_rates

if TYPE_CHECKING:
    from helpers.config import Paths
    from helpers.report.plots import FigureOutput
    from helpers.report.programme import ProgrammeContext

CRIME_CAVEAT = (
    "Geregistreerde misdrijven zijn wat bij de politie bekend is: ze hangen ook af van "
    "de aangiftebereidheid en van waar de politie op let. Het cijfer is context bij de "
    "veiligheid in de wijk, geen maat voor het succes van het programma."
)
COLUMNS = ["area_role", "area_name", "year", "crimes", "population", "rate", "reason", "source"]


def members(codes: Sequence[str], crime_codes: Sequence[str]) -> list[str]:
    """The areas whose counts make up the programme's codes: a code the table has (a
    buurt, or a wijk where the police publish wijken), else a wijk's buurten."""
    present = set(crime_codes)
    found = []
    for code in codes:
        if code in present or not code.startswith("WK"):
            found.append(code)
        else:
            found += sorted(c for c in present if c.startswith("BU" + code[2:8]))
    return found


def programme_crime(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    codes_by_year: dict[int, list[str]],
    name: str,
    gemeente: str,
    gemeente_name: str,
    rules: Suppression,
    gemeente_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Crimes per 1,000 inhabitants of the programme area and its gemeente, per year.

    `crime` is `cbs_crime.read_crime`'s frame, `population` year/area_code/population
    of the same areas (KWB), `codes_by_year` the programme's CBS codes per year,
    `gemeente_totals` the 47013NED rows (year, gemeente, crimes), if read. The
    gemeente is its own row of 47018NED where published, then 47013NED, then the sum
    of its buurten (the recorded extract has buurten only).
    """
    rows = []
    buurten = sorted(set(crime["area_code"]))
    in_gemeente = (
        [gemeente]
        if gemeente in buurten
        else [c for c in buurten if c.startswith("BU") and c[2:6] == gemeente[2:6]]
    )
    for year, codes in sorted(codes_by_year.items()):
        own = crime[crime["year"].eq(year)]
        if own.empty:
            continue
        area = crime_rates(own, population, {name: members(codes, buurten)}, rules)
        rows.append(_row("programma", name, area, "47018NED"))
        town = crime_rates(own, population, {gemeente_name: in_gemeente}, rules)
        source = "47018NED" if in_gemeente == [gemeente] else "47018NED (som van de buurten)"
        if gemeente_totals is not None:
            total = gemeente_totals[
                gemeente_totals["year"].eq(year) & gemeente_totals["gemeente"].eq(gemeente)
            ]
            people = float(town["population"].iloc[0])
            if not total.empty and not math.isnan(people):
                crimes = float(total["crimes"].iloc[0])
                town = town.assign(crimes=crimes, rate=crimes / people * 1000)
                source = "47013NED"
        rows.append(_row("gemeente", gemeente_name, town, source))
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(role: str, name: str, rates: pd.DataFrame, source: str) -> dict:
    first = rates.iloc[0]
    return {
        "area_role": role,
        "area_name": name,
        "year": int(first["year"]),
        "crimes": first["crimes"],
        "population": first["population"],
        "rate": first["rate"],
        "reason": first["reason"],
        "source": source,
    }


def crime_markdown(table: pd.DataFrame, base_year: int | None = None) -> str:
    """The table for the report (Dutch), with the source and © line and the caveat.
    With `base_year` (the annual report) print keeps the base year and the latest
    (`print_layout.printed_years`), with a line saying where the other years are: every
    year for three areas ran the printed report past 16 pages."""
    if table.empty:
        return "*Geen politiecijfers in deze monitor.*"
    shown = pd.DataFrame(
        {
            "gebied": table["area_name"],
            "jaar": table["year"].astype(str),
            "misdrijven per 1.000 inwoners": [
                format_value(v, "per_1000") if not math.isnan(v) else "–" for v in table["rate"]
            ],
            "tabel": table["source"],
        }
    )
    return (
        _printed_crime_table(shown, base_year)
        + f"\n\n*{CRIME_ATTRIBUTION} Een streepje: niet gepubliceerd of te weinig inwoners.*"
        + f"\n\n{CRIME_CAVEAT}"
    )


def _printed_crime_table(shown: pd.DataFrame, base_year: int | None) -> str:
    """Every year on screen; in print only the printed years when `base_year` is given."""
    from helpers.report.print_layout import print_only, printed_years, screen_only, years_note

    years = sorted({int(y) for y in shown["jaar"]})
    if base_year is None or len(years) <= 2:
        return markdown_table(shown)
    kept = printed_years(years, base_year)
    printed = shown[shown["jaar"].astype(int).isin(kept)]
    return (
        screen_only(markdown_table(shown))
        + "\n"
        + print_only(f"{markdown_table(printed)}\n\n{years_note(kept, 'de webversie')}")
    )


def crime_figure(table: pd.DataFrame, year: int, *, synthetic: bool = False) -> Figure | None:
    """Bars of the programme area and its gemeente in `year` (None without both figures)."""
    shown = table[table["year"].eq(year) & table["rate"].notna()]
    if len(shown) < 2:
        return None
    values = list(zip(shown["area_name"].astype(str), shown["rate"].astype(float), strict=True))
    title = f"Geregistreerde misdrijven per 1.000 inwoners, {year}"
    return comparison_bars(values, title, "per_1000", synthetic=synthetic)


def crime_alt_text(table: pd.DataFrame, year: int) -> str:
    shown = table[table["year"].eq(year) & table["rate"].notna()]
    parts = [
        f"{name} {format_value(rate, 'per_1000')}"
        for name, rate in zip(shown["area_name"], shown["rate"].astype(float), strict=True)
    ]
    return (
        f"Staafdiagram: geregistreerde misdrijven per 1.000 inwoners in {year}: "
        + "; ".join(parts)
        + ". Bron: Politie/CBS."
    )


def report_crime(ctx: ProgrammeContext, folder: Path) -> tuple[str, FigureOutput | None]:
    """The safety pillar's registered crime for a programme report: the table's
    Markdown and the chart of the latest year with crime figures (or None)."""
    return crime_section(
        ctx.paths,
        ctx.project.cycle.suppression,
        {y: ctx.programme.area_codes(y) for y in ctx.project.cycle.cycle.years},
        ctx.programme.name,
        ctx.programme.gemeente,
        ctx.gemeente_name,
        folder / "misdrijven.png",
        base_year=ctx.base_year,
    )


def crime_section(
    paths: Paths,
    rules: Suppression,
    codes_by_year: dict[int, list[str]],
    name: str,
    gemeente: str,
    gemeente_name: str,
    chart: Path,
    base_year: int | None = None,
) -> tuple[str, FigureOutput | None]:
    """Registered crime of an area (a programme's, or a profiled wijk) beside its
    gemeente: Markdown and a chart written to `chart` (PNG or SVG).

    Reads the 47018NED snapshot in data/raw/cbs (fetched with `cbs.crime_table`, or
    the demo's synthetic one), the gemeente's own count from 47013NED where fetched
    (`cbs.crime_gemeente_table`) and the KWB's inhabitants from the harmonised table.
    With `base_year` (an annual report) print keeps two years of the table.
    """
    from helpers.indicators.harmonise import read_harmonised_kwb
    from helpers.report.plots import figure_output
    from helpers.sources.cbs_crime import (
        CRIME_GEMEENTE_TABLE,
        CRIME_TABLE,
        gemeente_totals,
        read_crime,
        read_crime_gemeenten,
    )
    from helpers.sources.cbs_revisions import snapshot_of

    snapshot = paths.raw_cbs / CRIME_TABLE
    if not (snapshot / "TypedDataSet.json").is_file():
        return (
            "*Geen politiecijfers in deze monitor (tabel 47018NED niet opgehaald: "
            "`cbs.crime_table` in params/cycle.yaml).*",
            None,
        )
    crime = read_crime(snapshot)
    kwb = read_harmonised_kwb(paths)
    people = kwb[kwb["column"].eq("AantalInwoners")]
    population = pd.DataFrame(
        {
            "year": people["year"].astype(int),
            "area_code": people["area_code"].astype(str),
            "population": people["value"].astype(float),
        }
    ).drop_duplicates(["year", "area_code"])
    years = set(crime["year"])
    per_gemeente = paths.raw_cbs / CRIME_GEMEENTE_TABLE
    totals = None
    if (per_gemeente / "TypedDataSet.json").is_file():
        totals = gemeente_totals(read_crime_gemeenten(per_gemeente, [gemeente]))
    table = programme_crime(
        crime,
        population,
        {y: c for y, c in codes_by_year.items() if y in years and c},
        name,
        gemeente,
        gemeente_name,
        rules,
        totals,
    )
    synthetic = snapshot_of(snapshot).synthetic
    text = crime_markdown(table, base_year)
    if synthetic:
        text += "\n\n*Synthetische politiecijfers van de demo, in het formaat van tabel 47018NED.*"
    shown = table[table["rate"].notna()]
    if shown.empty:
        return text, None
    year = int(shown["year"].max())
    fig = crime_figure(table, year, synthetic=synthetic)
    if fig is None:
        return text, None
    return text, figure_output(fig, chart, crime_alt_text(table, year))


def profile_crime(
    code: str, name: str, gemeente: str, gemeente_name: str, root: str | Path | None, folder: Path
) -> tuple[str, FigureOutput | None]:
    """A wijkprofiel's registered crime: the wijk (or buurt) beside its gemeente over
    the cycle's years, with the reports' rules (`crime_section`)."""
    from helpers.config import Paths, load_cycle

    paths = Paths.from_root(root)
    cycle = load_cycle(paths)
    codes = {year: [code] for year in cycle.cycle.years}
    return crime_section(
        paths, cycle.suppression, codes, name, gemeente, gemeente_name, folder / "misdrijven.svg"
    )
