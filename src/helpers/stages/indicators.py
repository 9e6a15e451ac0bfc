"""The indicators stage: validated raw sources -> one tidy indicator table per programme,
its statistics, the DVC metrics and the plot series."""

from __future__ import annotations

import argparse

import pandas as pd

from helpers.config import Paths, Project
from helpers.config.report import boundary_sources
from helpers.indicators.areas import area_changes, measured_years, programme_geometry_changes
from helpers.indicators.engine import crime_long, programme_table, write_tables
from helpers.indicators.harmonise import read_harmonised_health, read_harmonised_kwb
from helpers.indicators.status import warn_target_baselines, warn_target_problems
from helpers.runtime.console import log
from helpers.runtime.io import atomic_dirs
from helpers.sources.cbs_crime import (
    CRIME_GEMEENTE_TABLE,
    CRIME_TABLE,
    read_crime,
    read_crime_gemeenten,
)
from helpers.sources.cbs_revisions import snapshot_of
from helpers.sources.local import is_synthetic, read_registrations, read_survey


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    warn_target_problems(paths, project)
    source = paths.local_data(project)
    kwb = read_harmonised_kwb(paths)
    health = read_harmonised_health(paths)
    survey = read_survey(source)
    synthetic = is_synthetic(source)
    crime = read_crime_rows(paths)
    tables = {}
    boundaries = boundary_sources(paths)
    for key in project.cycle.programmes:
        registrations = read_registrations(source, key)
        moved, unread = programme_geometry_changes(project, key, boundaries)
        for text in [*unread, *(m.message() for m in moved)]:
            log(f"warning: area check by geometry, programme {key}: {text}")
        tables[key] = programme_table(
            project,
            key,
            kwb,
            survey,
            registrations,
            local_synthetic=synthetic,
            health=health,
            moved=moved,
            crime=crime,
        )
        log(f"indicators {key}: {len(tables[key])} rows; withheld: {withheld(tables[key])}")
        for change in area_changes(project, key, measured_years(tables[key])):
            log(f"warning: {change.warning(str(paths.logbook_file.relative_to(paths.root)))}")
        warn_target_baselines(paths, project, key, base_values(tables[key], project))
    summaries = paths.summaries_dir
    folders = [paths.indicators_dir, summaries, paths.metrics_dir, paths.plots_root]
    with atomic_dirs(folders) as (tables_tmp, summaries_tmp, metrics_tmp, plots_tmp):
        written = write_tables(
            tables, tables_tmp, summaries_tmp, paths, project, metrics_tmp, plots_tmp
        )
    log(
        f"indicators done: {len(written)} file(s): tables in "
        f"{paths.indicators_dir.relative_to(paths.root)}, statistics in "
        f"{summaries.relative_to(paths.root)}, metrics and plot series in "
        f"{paths.metrics_dir.relative_to(paths.root)}"
    )
    return 0


def read_crime_rows(paths: Paths) -> pd.DataFrame | None:
    """The police's registered crime as the engine's source rows (`engine.crime_long`),
    or None where no 47018NED snapshot was fetched (`cbs.crime_table`) or made (demo).

    A gemeente 47018NED has no row for takes its own count from 47013NED where
    fetched (`cbs.crime_gemeente_table`): it includes crime not assignable to a buurt.
    """
    folder = paths.raw_cbs / CRIME_TABLE
    if not (folder / "TypedDataSet.json").is_file():
        return None
    crime = read_crime(folder)
    per_gemeente = paths.raw_cbs / CRIME_GEMEENTE_TABLE
    if (per_gemeente / "TypedDataSet.json").is_file():
        own = read_crime_gemeenten(per_gemeente)
        have = pd.MultiIndex.from_frame(crime[["year", "area_code"]])
        extra = own[~pd.MultiIndex.from_frame(own[["year", "area_code"]]).isin(have)]
        crime = pd.concat([crime, extra], ignore_index=True)
    return crime_long(crime, snapshot_of(folder).synthetic)


def withheld(table: pd.DataFrame) -> str:
    """The suppression reasons of a table with their counts, for the console."""
    reasons = table["suppression_reason"]
    counts = reasons[reasons.ne("")].value_counts().sort_index()
    return ", ".join(f"{reason} {count}" for reason, count in counts.items()) or "none"


def base_values(table: pd.DataFrame, project: Project) -> dict[str, float]:
    """The programme area's published base-year value per indicator (for the target checks)."""
    base = table[
        table["area_role"].eq("programma")
        & table["year"].eq(project.cycle.cycle.base_year)
        & ~table["suppressed"].astype(bool)
        & table["value"].notna()
    ]
    return {str(i): float(v) for i, v in zip(base["indicator_id"], base["value"], strict=True)}
