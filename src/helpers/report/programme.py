"""One programme's tables and params, loaded once per notebook: what every report part reads."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.config import (
    ParamsWarning,
    Paths,
    Programme,
    Project,
    load_project,
)
from helpers.indicators.engine import read_indicator_table
from helpers.sources.local import read_notes


@dataclass(frozen=True)
class ProgrammeContext:
    """Everything one programme's report needs, loaded once: what a notebook passes to
    the other helpers (`key_figures(ctx)`, `target_for(ctx, indicator_id)`, ...).

    Made by `programme_context` (a programme's notebooks) or `joint_programme_context`
    (the joint report). Fields:

    - `paths`: the project's folders and files (`helpers.config.Paths`)
    - `project`: every params file, checked (`helpers.config.Project`): the cycle,
      the indicator catalogue, the programmes, the logbook
    - `programme`: this programme's params file (`helpers.config.Programme`): `key`,
      `name`, `gemeente`, `areas`, `goals`, `targets`, `deep_dives`
    - `table`: its tidy indicator table, one row per area role, year and indicator
      (columns in docs/data_formats.md; `helpers.indicators.engine.read_indicator_table`)
    - `notes`: its qualitative notes (empty in the joint report)

    and the shortcuts `key`, `year` (peiljaar), `base_year` (nulmeting),
    `gemeente_name`, `synthetic` and `synthetic_for(indicator_ids)`.

    ```python
    ctx = report.programme_context(root, "overvecht")
    ctx.programme.name                  # 'Samen voor Overvecht'
    latest = ctx.table[ctx.table["year"].eq(ctx.year)]
    ```
    """

    paths: Paths
    project: Project
    programme: Programme
    table: pd.DataFrame
    notes: pd.DataFrame

    @property
    def key(self) -> str:
        return self.programme.key

    @property
    def year(self) -> int:
        return self.project.cycle.cycle.year

    @property
    def base_year(self) -> int:
        return self.project.cycle.cycle.base_year

    @property
    def synthetic(self) -> bool:
        """True when any figure of the report is synthetic (see `synthetic_for` per figure)."""
        return bool(self.table["synthetic"].astype(bool).any())

    def synthetic_for(self, indicator_ids: list[str]) -> bool:
        """True when any row of these indicators is synthetic: the mark of one figure or
        table, so that a real CBS figure beside synthetic local ones is not called synthetic."""
        rows = self.table[self.table["indicator_id"].isin(indicator_ids)]
        return bool(rows["synthetic"].astype(bool).any())

    @property
    def gemeente_name(self) -> str:
        return self.project.cycle.comparison.gemeenten[self.programme.gemeente]


def programme_context(root: str | Path, key: str) -> ProgrammeContext:
    """Load params, the processed indicator table and the notes of one programme.

    `root` is the notebook's parameter of that name ("" finds the project above the
    notebook). Raises KeyError for a key not in the cycle and FileNotFoundError when
    the indicator table is not built yet (`dvc repro indicators`).

    ```python
    ctx = report.programme_context(root, programme)   # in the notebook's first cell
    display(Markdown(report.markdown_table(report.key_figures(ctx))))
    ```
    """
    paths = Paths.from_root(root)
    project = _quiet_project(paths)
    if key not in project.programmes:
        raise KeyError(f"{key!r} is not a programme in {paths.cycle_file}")
    table_path = paths.indicator_table(key)
    if not table_path.exists():
        raise FileNotFoundError(f"{table_path} is missing: run `dvc repro indicators` first")
    local = paths.root / project.cycle.local_data
    return ProgrammeContext(
        paths,
        project,
        project.programmes[key],
        read_indicator_table(table_path),
        read_notes(local, key),
    )


def _quiet_project(paths: Paths) -> Project:
    """The params without their ParamsWarnings: the pipeline's stages print those for the
    researcher; on a report page they would be English stderr text for every reader."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParamsWarning)
        return load_project(paths)


def load_joint(root: str | Path) -> tuple[Project, pd.DataFrame]:
    """Params and all programmes' indicator tables stacked (joint report).

    ```python
    project, table = report.load_joint(root)
    table.groupby("programme")["indicator_id"].nunique()
    ```
    """
    paths = Paths.from_root(root)
    project = _quiet_project(paths)
    tables = []
    for key in project.cycle.programmes:
        path = paths.indicator_table(key)
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `dvc repro indicators` first")
        tables.append(read_indicator_table(path))
    return project, pd.concat(tables, ignore_index=True)


def joint_programme_context(
    root: str | Path, project: Project, table: pd.DataFrame, key: str
) -> ProgrammeContext:
    """One programme's context within the joint report, from the joint table: no notes
    (the joint report reads only the indicator tables and params)."""
    paths = Paths.from_root(root)
    own = table[table["programme"].eq(key)].reset_index(drop=True)
    return ProgrammeContext(paths, project, project.programmes[key], own, pd.DataFrame())
