"""The joint report: every programme's joint indicators, by pillar, with targets and sources."""

from __future__ import annotations

import pandas as pd

from helpers.config import (
    Indicator,
    Paths,
    Project,
)
from helpers.indicators.engine import read_summary
from helpers.indicators.precision import INDEX_DECIMALS, round_half_up
from helpers.indicators.status import words
from helpers.report.context import WEIGHTED_PREFIX, _source_rows
from helpers.report.dutch import (
    MISSING,
    SOURCE_KINDS,
    THEME_LABELS,
    format_value,
)
from helpers.report.escaping import plain_text
from helpers.report.series import _cell, _latest, indicator_series, published


def joint_overview(
    project: Project, table: pd.DataFrame, sources: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Per programme (params order, never sorted) and joint indicator: own area vs own gemeente.

    Each cell reads 'programme area (gemeente) year', so a reader compares a programme
    with its own gemeente, not programmes with each other. `sources` keeps the
    indicators of those source kinds only (one table per provenance).
    """
    rows = []
    for key in project.cycle.programmes:
        programme = project.programmes[key]
        own_table = table[table["programme"].eq(key)]
        row = {"programma": programme.name}
        for indicator in project.catalogue.indicators:
            if indicator.level not in ("outcome", "impact"):
                continue
            if sources is not None and indicator.source not in sources:
                continue
            own = indicator_series(own_table, indicator.id)
            value, year = _latest(own[own["area_role"].eq("programma")])
            if year is None:
                row[indicator.label] = MISSING
                continue
            cell = _cell(published(own_table), indicator.id, "gemeente", year)
            gemeente = (
                format_value(float(cell["value"]), indicator.unit) if cell is not None else MISSING
            )
            row[indicator.label] = (
                f"{format_value(value, indicator.unit)} (gemeente {gemeente}) {year}"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def own_trend_series(
    project: Project,
    table: pd.DataFrame,
    indicator_id: str,
    *,
    keep_gaps: bool = False,
    roles: tuple[str, ...] = ("programma", "gemeente"),
) -> pd.DataFrame:
    """Published rows of one indicator for every programme area and its own gemeente
    (with `keep_gaps`, withheld or missing years stay as blank rows, see `indicator_series`;
    `roles` adds Nederland for the joint report)."""
    parts = []
    own = table[table["indicator_id"].eq(indicator_id)]  # once, not per programme
    for key in project.cycle.programmes:
        rows = indicator_series(own[own["programme"].eq(key)], indicator_id, keep_gaps=keep_gaps)
        rows = rows[rows["area_role"].isin(list(roles))]
        parts.append(rows.assign(programme_name=project.programmes[key].name))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return frame


def joint_health_sources(project: Project, table: pd.DataFrame) -> pd.DataFrame:
    """The source lines of the health indicators over all programmes (joint report)."""
    ids = [i.id for i in project.catalogue.indicators if i.source == "cbs_health"]
    return _source_rows(table[table["indicator_id"].isin(ids)])


JOINT_PARTS = (
    ("Gezamenlijke indicatoren (enquête en registraties)", ("survey", "registration", "cbs_kwb")),
    ("Gezondheid volgens de RIVM-schattingen", ("cbs_health",)),
)


def joint_parts(project: Project, table: pd.DataFrame) -> list[tuple[str, bool, pd.DataFrame]]:
    """The joint overview in one table per provenance: (caption, synthetic, table), so
    that a real RIVM column never sits under a 'synthetic' caption."""
    parts = []
    for title, kinds in JOINT_PARTS:
        ids = [
            i.id
            for i in project.catalogue.indicators
            if i.level in ("outcome", "impact") and i.source in kinds
        ]
        rows = published(table[table["indicator_id"].isin(ids)])
        if rows.empty:
            continue
        synthetic = bool(rows["synthetic"].astype(bool).any())
        parts.append((title, synthetic, joint_overview(project, table, kinds)))
    return parts


def joint_estimates_note(project: Project, table: pd.DataFrame) -> str:
    """Which programme areas' health values are inhabitants-weighted estimates ('' if none)."""
    rows = published(table)
    rows = rows[rows["area_role"].eq("programma") & rows["estimate"].astype(str).ne("")]
    rows = rows[rows["estimate"].astype(str).str.startswith(WEIGHTED_PREFIX)]
    if rows.empty:
        return ""
    names = [project.programmes[k].name for k in dict.fromkeys(rows["programme"])]
    years = sorted({e.removeprefix(WEIGHTED_PREFIX) for e in rows["estimate"].astype(str)})
    return (
        f"*{', '.join(names)}: de RIVM-cijfers van het programmagebied zijn een gewogen "
        "gemiddelde van de schattingen van de deelgebieden, naar aantal inwoners (CBS Kerncijfers "
        f"{', '.join(years)}); geen eigen schatting van het RIVM en geen interval.*"
    )


JOINT_ROLES = ("programma", "gemeente", "nederland")


NO_THEME_LABEL = "Overige gezamenlijke indicatoren"


def joint_themes(project: Project) -> list[tuple[str, list[Indicator]]]:
    """The joint indicators per pillar of the joint monitor, in THEME_LABELS order (a pillar
    without indicators too, so the gap shows), then those without a pillar (inputs)."""
    indicators = project.catalogue.indicators
    groups = [
        (label, [i for i in indicators if i.theme == theme])
        for theme, label in THEME_LABELS.items()
    ]
    rest = [i for i in indicators if i.theme is None]
    return groups + ([(NO_THEME_LABEL, rest)] if rest else [])


INDEX_UNIT = "index"


def joint_unit(indicator: Indicator) -> str:
    """The unit the joint report draws an indicator in: a CBS count (inhabitants,
    households, dwellings) as an index with each area's first year = 100. A wijk, its
    gemeente and Nederland differ by orders of magnitude: on one linear axis the
    programme and gemeente lines lie flat on zero under Nederland's 18 million."""
    if indicator.unit == "aantal" and indicator.source == "cbs_kwb":
        return INDEX_UNIT
    return indicator.unit


def joint_series(project: Project, table: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """One indicator for every programme: its own area, its own gemeente and Nederland,
    with intervals; withheld or missing years as blank rows (gaps in the chart). In
    `joint_unit`: a CBS count as an index to each area's first published year."""
    series = own_trend_series(project, table, indicator_id, keep_gaps=True, roles=JOINT_ROLES)
    indicator = next((i for i in project.catalogue.indicators if i.id == indicator_id), None)
    if series.empty or indicator is None or joint_unit(indicator) != INDEX_UNIT:
        return series
    return index_to_first_year(series)


def index_to_first_year(series: pd.DataFrame) -> pd.DataFrame:
    """Each (programme, area) line as an index, its first published year = 100, at the
    index's stored precision; withheld years stay blank. A series break starts a new
    line at 100: an index across the break (Betere Buurten's area grew in 2022) would
    draw the new area's size as growth."""
    series = series.copy()
    columns = [c for c in ("value", "lower", "upper") if c in series.columns]
    breaks = (
        series["series_break"].fillna(False).astype(bool)
        if "series_break" in series.columns
        else pd.Series(False, index=series.index)
    )
    for _, rows in series.groupby(["programme_name", "area_role"], sort=False):
        ordered = rows.sort_values("year")
        segment = breaks.loc[ordered.index].cumsum()
        for _, part in ordered.groupby(segment, sort=False):
            shown = part.dropna(subset=["value"])
            if shown.empty or not float(shown["value"].iloc[0]):
                series.loc[part.index, columns] = float("nan")
                continue
            first = float(shown["value"].iloc[0])
            for column in columns:
                values = part[column].astype(float) / first * 100
                series.loc[part.index, column] = round_half_up(values.to_numpy(), INDEX_DECIMALS)
    return series


def joint_targets(project: Project, indicator_id: str) -> pd.DataFrame:
    """The programmes' targets for one indicator (programme_name, year, value), params order."""
    rows = [
        {"programme_name": project.programmes[key].name, "year": t.year, "value": t.value}
        for key in project.cycle.programmes
        for t in project.programmes[key].targets
        if t.indicator == indicator_id
    ]
    return pd.DataFrame(rows, columns=["programme_name", "year", "value"])


def joint_limits(
    series: pd.DataFrame, targets: pd.DataFrame, unit: str
) -> tuple[float, float] | None:
    """One y-range for an indicator across all programmes' panels: every published value,
    interval bound and target fits, with a little room; percentages stay within 0-100,
    and every unit but the index starts at 0 (the site's one axis policy,
    `plots.FROM_ZERO_UNITS`, so an indicator is drawn here as in the annual reports;
    `plots.apply_axis_policy` marks an index axis that does not). None without any value."""
    columns = [c for c in ("value", "lower", "upper") if c in series.columns]
    parts = [series[c] for c in columns] + [targets["value"]]
    values = pd.concat(parts, ignore_index=True).astype(float).dropna()
    if values.empty:
        return None
    low, high = float(values.min()), float(values.max())
    room = (high - low) * 0.08 or max(abs(high) * 0.1, 1.0)
    low, high = low - room, high + room
    if float(values.min()) >= 0 and unit != INDEX_UNIT:
        low = 0.0  # the site's axis policy (plots.FROM_ZERO_UNITS); an index is marked
    if unit == "procent":
        high = min(high, 100.0)
    return low, high


def joint_targets_sentence(
    project: Project, indicator: Indicator, paths: Paths | None = None
) -> str:
    """The programmes' targets for an indicator in one Dutch sentence ('' without any);
    with `paths`, each with the status its annual report gives it (the indicators
    stage's summary, read as the first screen and Table 1 read it)."""
    targets = joint_targets(project, indicator.id)
    if targets.empty:
        return ""
    statuses = _target_statuses(project, paths, indicator.id) if paths is not None else {}
    parts = []
    for name, year, value in zip(
        targets["programme_name"], targets["year"], targets["value"], strict=True
    ):
        part = f"{plain_text(name)} {format_value(float(value), indicator.unit)} in {year}"
        if name in statuses:
            part += f": {statuses[name]}"
        parts.append(part)
    return "Streefwaarde: " + "; ".join(parts) + "."


def _target_statuses(project: Project, paths: Paths, indicator_id: str) -> dict[str, str]:
    """Programme name -> the status words of its target on `indicator_id`."""
    found = {}
    for key in project.cycle.programmes:
        path = paths.summary_table(key)
        if not path.is_file():
            continue
        summary = read_summary(path)
        row = summary[
            summary["indicator_id"].eq(indicator_id) & summary["area_role"].eq("programma")
        ]
        if row.empty or not row["target_status"].iloc[0]:
            continue
        status, movement = str(row["target_status"].iloc[0]), str(row["target_movement"].iloc[0])
        found[project.programmes[key].name] = words(status, movement)
    return found


def joint_sources_line(table: pd.DataFrame, indicator: Indicator) -> str:
    """Where an indicator's figures come from, with the years shown: a source whose latest
    wave lies before the cycle's year keeps its own year (RIVM 2020 in a 2024 cycle)."""
    rows = published(table[table["indicator_id"].eq(indicator.id)])
    if rows.empty:
        return ""
    years = sorted({int(y) for y in rows["year"]})
    label = SOURCE_KINDS.get(indicator.source, indicator.source)
    found = {s.split(":", 1)[1] for s in rows["source"].astype(str) if ":" in s}
    tables = sorted(found - {"?"})
    named = f"{label} ({', '.join(tables)})" if tables else label
    shown = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"Bron: {named}; jaren met cijfers: {shown}."
