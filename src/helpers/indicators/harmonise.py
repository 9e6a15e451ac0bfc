"""CBS snapshots -> one harmonised long table, after the area check.

The `harmonise` stage reads every cycle year's KWB snapshot and the health table
(50090NED) from data/raw/cbs, names each column by the concept of
params/cbs_columns.yaml, checks that every programme area exists in each year's
region list (or stops, saying what changed and what to do), and writes
data/processed/cbs/:

- `cbs_long.csv`: one row per source table, year, area, concept (and age group for
  health) — see `HARMONISED_COLUMNS`;
- `columns.csv`: per table, every numeric column and what became of it (mapped,
  unmapped, title_changed, ambiguous) and every concept absent from a year;
- `breaks.csv`: concepts whose definition changed between the cycle's years;
- `revisions.csv`: the revision log of the fetched tables (`cbs_revisions`), for the
  report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers.config import Paths, Project
from helpers.indicators.areas import (
    KEPT_CODE_FLAG,
    RegionList,
    kept_codes,
    kwb_region_list,
    region_list,
    require_areas,
)
from helpers.runtime.io import atomic_dir
from helpers.sources.cbs import load_json, read_kwb_long
from helpers.sources.cbs_check import require_valid_snapshots
from helpers.sources.cbs_columns import match_columns, series_breaks
from helpers.sources.cbs_health import health_match, read_health_table, used_waves
from helpers.sources.cbs_revisions import REVISIONS_FILE, read_revisions


def kwb_column_report(paths: Paths, project: Project) -> pd.DataFrame:
    """What became of every numeric column of every cycle year's KWB table."""
    concepts = project.cbs_columns.kwb if project.cbs_columns else None
    frames = []
    for year in project.cycle.cycle.years:
        table_id = project.cycle.kwb_table(year)
        properties = load_json(paths.raw_cbs / table_id, "DataProperties")
        frames.append(match_columns(properties, concepts, year, table_id).report())
    return pd.concat(frames, ignore_index=True)


def health_folder(paths: Paths, project: Project) -> Path | None:
    """The health snapshot folder, or None when not configured or (demo) not fetched."""
    table = project.cycle.cbs.health_table
    if not table:
        return None
    folder = paths.raw_cbs / table
    if folder.is_dir():
        return folder
    if project.cycle.source == "cbs":
        raise FileNotFoundError(f"{folder}: no health table {table}; run `dvc repro fetch`")
    return None


def region_lists(paths: Paths, project: Project) -> dict[int, RegionList]:
    """Each cycle year's KWB region list."""
    return {
        year: kwb_region_list(paths.raw_cbs / project.cycle.kwb_table(year), year)
        for year in project.cycle.cycle.years
    }


def harmonise(project: Project, paths: Paths, log: Callable[[str], None] = print) -> pd.DataFrame:
    """Check the snapshots and the areas, build the long table and its reports, write them
    atomically. The snapshots are checked first: harmonise runs before validate."""
    kwb_folders = [paths.raw_cbs / project.cycle.kwb_table(y) for y in project.cycle.cycle.years]
    folder = health_folder(paths, project)
    require_valid_snapshots([*kwb_folders, *([folder] if folder else [])], paths.root)
    lists = region_lists(paths, project)
    for warning in require_areas(project, lists, paths.params):
        log(f"warning: {warning}")
    frames = [mark_kept_codes(read_kwb_long(paths.raw_cbs, project), project, lists)]
    reports = [kwb_column_report(paths, project)]
    if folder is not None:
        health = read_health_table(folder, project)
        waves = used_waves(health["year"], project.cycle.cycle)
        classification = health_match(folder, project).year or max(waves, default=0)
        records = load_json(folder, "WijkenEnBuurten")
        health_lists = {
            w: region_list(w, f"{folder.name} WijkenEnBuurten ({classification} areas)", records)
            for w in waves
        }
        # the waves' own region list decides; the KWB years around help the diagnosis
        require_areas(project, {**lists, **health_lists}, paths.params, waves)
        frames.append(health)
        reports.append(health_match(folder, project).report())
        log(f"health {folder.name}: waves {sorted(set(health['year']))}, {len(health)} values")
    else:
        log("health table: none (not configured, or source: demo)")
    long = pd.concat(frames, ignore_index=True)
    report = pd.concat(reports, ignore_index=True)
    breaks = series_breaks(report[report["table_id"].isin(project.cycle.cbs.kwb_tables.values())])
    notable = report[~report["status"].isin(["mapped", "no_mapping"])]
    for (table_id, year, status), rows in notable.groupby(["table_id", "year", "status"]):
        names = ", ".join(rows["key"].where(rows["key"].ne(""), rows["column"]))
        log(f"columns {table_id} ({year}) {status}: {names}")
    for row in breaks.itertuples():
        log(f"series break {row.column} in {row.year}: {row.from_name} -> {row.to_name}")
    with atomic_dir(paths.processed / "cbs") as tmp:
        long.to_csv(tmp / "cbs_long.csv", index=False, float_format="%.10g", lineterminator="\n")
        report.to_csv(tmp / "columns.csv", index=False, lineterminator="\n")
        breaks.to_csv(tmp / "breaks.csv", index=False, lineterminator="\n")
        revisions = read_revisions(paths.raw_cbs / REVISIONS_FILE)
        revisions.to_csv(tmp / REVISIONS_FILE, index=False, lineterminator="\n")
    return long


def mark_kept_codes(
    long: pd.DataFrame, project: Project, lists: dict[int, RegionList]
) -> pd.DataFrame:
    """Flag (`KEPT_CODE_FLAG`) each programme code and year where the code stands for a
    different area than the year before (`areas.kept_codes`), so the engine breaks the
    series there as it does at CBS's own flag 3."""
    codes = [
        c
        for key in project.cycle.programmes
        for y in lists
        for c in project.programmes[key].area_codes(y)
    ]
    long = long.copy()
    for kept in kept_codes(lists, codes):
        hit = long["area_code"].eq(kept.code) & long["year"].eq(kept.year)
        flags = pd.to_numeric(long.loc[hit, "boundary_flag"], errors="coerce").fillna(0)
        long.loc[hit, "boundary_flag"] = flags.clip(lower=KEPT_CODE_FLAG).to_numpy()
    return long


def read_harmonised_kwb(paths: Paths) -> pd.DataFrame:
    """The KWB rows of the harmonised table, typed: what the indicator engine reads.

    Reading the stage's output rather than the raw snapshots keeps the data flowing
    one way and makes the indicators wait for the area check.
    """
    return read_harmonised(paths, "cbs_kwb")


def read_harmonised_health(paths: Paths) -> pd.DataFrame:
    """The health rows (RIVM/GGD small-area estimates) of the harmonised table, typed;
    empty where the cycle has no health table (demo data)."""
    return read_harmonised(paths, "cbs_health")


def read_harmonised(paths: Paths, source: str) -> pd.DataFrame:
    """The rows of one source of data/processed/cbs/cbs_long.csv, typed."""
    path = paths.processed / "cbs" / "cbs_long.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing; run `dvc repro harmonise`")
    long = pd.read_csv(
        path,
        dtype={
            "table_id": str,
            "table_modified": str,
            "area_code": str,
            "column": str,
            "population": str,
        },
        keep_default_na=False,
        na_values=[""],
    )
    rows = long[long["source"].eq(source)].reset_index(drop=True)
    rows["table_modified"] = rows["table_modified"].fillna("")
    rows["population"] = rows["population"].fillna("")
    rows["synthetic"] = rows["synthetic"].astype(str).eq("True")
    rows["value"] = rows["value"].astype(float)
    rows["boundary_flag"] = pd.to_numeric(rows["boundary_flag"], errors="coerce")
    return rows
