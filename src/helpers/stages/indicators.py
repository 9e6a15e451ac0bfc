"""The indicators stage: validated raw sources -> one tidy indicator table per programme,
its statistics, the DVC metrics and the plot series."""

from __future__ import annotations

import argparse

import pandas as pd

from helpers.config import Paths, Project
from helpers.indicators.areas import area_changes, measured_years
from helpers.indicators.engine import programme_table, write_tables
from helpers.indicators.harmonise import read_harmonised_health, read_harmonised_kwb
from helpers.indicators.status import warn_target_baselines, warn_target_problems
from helpers.runtime.console import log
from helpers.runtime.io import atomic_dirs
from helpers.sources.local import is_synthetic, read_registrations, read_survey


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    warn_target_problems(paths, project)
    source = paths.local_data(project)
    kwb = read_harmonised_kwb(paths)
    health = read_harmonised_health(paths)
    survey = read_survey(source)
    synthetic = is_synthetic(source)
    tables = {}
    for key in project.cycle.programmes:
        registrations = read_registrations(source, key)
        tables[key] = programme_table(
            project, key, kwb, survey, registrations, local_synthetic=synthetic, health=health
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
