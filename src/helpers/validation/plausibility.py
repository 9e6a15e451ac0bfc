"""Plausibility: values that are valid numbers but cannot be right.

A survey wave written as fractions, counts above the population they are part of,
a value that jumps between consecutive years beyond a configurable factor.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.config import Paths, Plausibility, Project
from helpers.sources.cbs import base_name
from helpers.sources.local import to_number
from helpers.validation import privacy
from helpers.validation.kwb import kwb_frame
from helpers.validation.results import CRITICAL, MAX_EXAMPLES, WARNING, Outcome


def fraction_waves(frame: pd.DataFrame, min_value: float = 10) -> pd.Series:
    """True for the percentages that look written as fractions.

    One small percentage is plausible; but not when all of an area's percentages in a
    wave are at most 1 (at least two values; one area of a wave may come from another
    export), nor a value of at most 1 whose series (area and indicator) is at least
    `min_value` in another wave (0.7 beside 70: the jump rule skips values that small).
    """
    values = frame["percentage"]
    per_area = values.groupby([frame["jaar"], frame["gebiedcode"]]).transform(
        lambda s: bool(s.notna().sum() >= 2 and (s.dropna() <= 1).all())
    )
    series_max = values.groupby([frame["gebiedcode"], frame["indicator"]]).transform("max")
    alone = (values <= 1) & (series_max >= min_value)
    return (per_area.fillna(False).astype(bool) | alone.fillna(False)) & values.notna()


def _kwb_counts(project: Project, paths: Paths, year: int, topic: str) -> dict[str, float]:
    """Code -> published count of `topic` in the year's raw KWB table ({} when unreadable)."""
    try:
        _, frame, _, _ = kwb_frame(paths.raw_cbs / project.cycle.kwb_table(year))
        column = next(c for c in frame.columns if base_name(c) == topic)
        values = to_number(frame[column].astype("string"))
        keys = frame["WijkenEnBuurten"].astype(str).str.strip()
    except (OSError, ValueError, KeyError, IndexError, TypeError, StopIteration):
        return {}
    return {k: float(v) for k, v in zip(keys, values, strict=True) if pd.notna(v)}


def area_population(project: Project, paths: Paths, key: str) -> dict[float, float]:
    """Inhabitants of the programme area per year from the raw KWB tables, where known.

    A year whose table is unreadable or lacks a published count for any of the area's
    codes is left out: the rule then does not apply (the table's own suite reports it).
    """
    population: dict[float, float] = {}
    for year in project.cycle.cycle.years:
        codes = project.programmes[key].area_codes(year)
        by_code = _kwb_counts(project, paths, year, "AantalInwoners")
        counts = [by_code.get(code, math.nan) for code in codes]
        if codes and all(pd.notna(c) for c in counts):
            population[float(year)] = float(sum(counts))
    return population


def adult_population(project: Project, paths: Paths) -> dict[tuple[float, str], float]:
    """(year, area code) -> inhabitants aged 15 or older, from the raw KWB tables.

    The survey asks adults (18+); KWB counts 15+ (AantalInwoners - k_0Tot15Jaar), an
    upper bound: a wave with more respondents than that cannot be right.
    """
    population: dict[tuple[float, str], float] = {}
    for year in project.cycle.cycle.years:
        everyone = _kwb_counts(project, paths, year, "AantalInwoners")
        children = _kwb_counts(project, paths, year, "k_0Tot15Jaar")
        for code, count in everyone.items():
            if code in children:
                population[(float(year), code)] = count - children[code]
    return population


def _shown(frame: pd.DataFrame, index: int, column: str) -> str:
    """The cell as written in the file (the text before numeric coercion)."""
    raw = f"raw:{column}"
    value = frame.loc[index, raw if raw in frame.columns else column]
    return str(privacy.mask(value))


def year_on_year_jumps(
    frame: pd.DataFrame,
    columns: list[str],
    series: list[str],
    settings: Plausibility,
    file: str,
) -> list[Outcome]:
    """A warning and a critical outcome per column for values that jump between years.

    Each series (rows sharing the `series` columns, e.g. one project) is compared year
    by year with its previous year in the file; a missing value, or a pair whose smaller
    value is below `jump_min_value`, is not compared (a start or a small count is no
    jump). The factor is the larger value over the smaller: a drop weighs as a rise.
    """
    outcomes = []
    for column in columns:
        if column not in frame.columns or "jaar" not in frame.columns:
            continue
        jumps = _jumps(frame, column, series, settings.jump_min_value)
        for severity, low, high, key in (
            (WARNING, settings.jump_warn, settings.jump_stop, "jump_warn"),
            (CRITICAL, settings.jump_stop, math.inf, "jump_stop"),
        ):
            hits = [j for j in jumps if low < j[2] <= high]
            outcomes.append(
                Outcome(
                    rule=f"{column} changes by at most a factor {low:g} between consecutive "
                    f"years (plausibility: {file_key(key)})",
                    regel=f"{column} verandert tussen opeenvolgende jaren met hoogstens een "
                    f"factor {low:g} (aannemelijkheid: {file_key(key)})",
                    kind="year_on_year_jump",
                    severity=severity,
                    column=column,
                    success=not hits,
                    unexpected=len(hits),
                    examples=[_jump_example(frame, column, series, j) for j in hits][:MAX_EXAMPLES],
                )
            )
    return outcomes


def file_key(key: str) -> str:
    """Where a plausibility setting lives, as a message names it."""
    return f"params/cycle.yaml plausibility.{key}"


def _jumps(
    frame: pd.DataFrame, column: str, series: list[str], smallest: float
) -> list[tuple[int, int, float]]:
    """(row, previous row, factor) for each comparable pair of consecutive years."""
    rows = frame[frame["jaar"].notna() & frame[column].notna()]
    found = []
    for _, group in rows.groupby(series, dropna=False, sort=False):
        ordered = group.sort_values("jaar", kind="stable")
        indices = [int(i) for i in ordered.index]
        years = ordered["jaar"].astype(float).tolist()
        values = ordered[column].astype(float).tolist()
        for at in range(1, len(indices)):
            before, value = values[at - 1], values[at]
            if years[at] != years[at - 1] and min(before, value) >= smallest:
                found.append((indices[at], indices[at - 1], max(value / before, before / value)))
    return found


def _jump_example(
    frame: pd.DataFrame, column: str, series: list[str], jump: tuple[int, int, float]
) -> str:
    index, previous, factor = jump
    named = ", ".join(f"{c} {privacy.mask(frame.loc[index, c])}" for c in series)
    year, before = _plain_year(frame, index), _plain_year(frame, previous)
    where, earlier = str(frame.loc[index, "where"]), str(frame.loc[previous, "where"])
    return (
        f"{where} ({named}): {before} {_shown(frame, previous, column)} "
        f"→ {year} {_shown(frame, index, column)} (factor {factor:.1f}; previous year at "
        f"{earlier})"
    )


def _plain_year(frame: pd.DataFrame, index: int) -> str:
    return str(int(float(str(frame.loc[index, "jaar"]))))
