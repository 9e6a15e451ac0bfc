"""Every project path, resolved from the project root.

Stages, notebooks and tests ask this module for a path instead of building one by
hand, so a copy of the project (a test's temporary clone) works from wherever it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpers.config.models import Project


def find_root(start: Path | None = None) -> Path:
    """Return the project root: `WIJKMONITOR_ROOT`, or the nearest parent holding dvc.yaml."""
    env = os.environ.get("WIJKMONITOR_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dvc.yaml").is_file() and (folder / "params").is_dir():
            return folder
    raise FileNotFoundError(
        f"no wijkmonitor project (dvc.yaml + params/) at or above {here}; "
        "run from inside the project or set WIJKMONITOR_ROOT"
    )


@dataclass(frozen=True)
class Paths:
    """The project's folders and files, all under one root."""

    root: Path

    @classmethod
    def from_root(cls, root: str | Path | None = None) -> Paths:
        """The project at `root`; empty or None: the one found from here (`find_root`),
        as a notebook's `root` parameter means."""
        return cls(Path(root).resolve() if root else find_root())

    # configuration
    @property
    def dvc_yaml(self) -> Path:
        """The pipeline: its stages, deps and params."""
        return self.root / "dvc.yaml"

    @property
    def revisions_dvc_yaml(self) -> Path:
        """The `revisions` stage, in a folder of its own with its own small lock file
        (not under data/raw, which holds raw data only)."""
        return self.root / "pipeline" / "revisions" / "dvc.yaml"

    @property
    def pipeline_files(self) -> tuple[Path, ...]:
        """Every dvc.yaml of the project, the stage that runs first first."""
        return (self.revisions_dvc_yaml, self.dvc_yaml)

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def cbs_columns_file(self) -> Path:
        """The reviewed mapping of each year's CBS columns to concepts."""
        return self.params / "cbs_columns.yaml"

    @property
    def cycle_file(self) -> Path:
        return self.params / "cycle.yaml"

    @property
    def catalogue_file(self) -> Path:
        return self.params / "indicators.yaml"

    @property
    def logbook_file(self) -> Path:
        return self.params / "logbook.yaml"

    @property
    def programmes_dir(self) -> Path:
        return self.params / "programmes"

    @property
    def profiles_file(self) -> Path:
        """Which areas get a profile (optional)."""
        return self.params / "profiles.yaml"

    @property
    def report_settings_file(self) -> Path:
        """Optional report settings (the map's boundary file)."""
        return self.params / "report.yaml"

    def programme_file(self, key: str) -> Path:
        return self.programmes_dir / f"{key}.yaml"

    # raw data (input, never modified by the pipeline after fetch)
    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def raw_cbs(self) -> Path:
        return self.raw / "cbs"

    @property
    def cbs_published(self) -> Path:
        """The revision of every CBS table as CBS publishes it (the `revisions` stage)."""
        return self.raw / "cbs_published.json"

    @property
    def raw_cbs_revisions(self) -> Path:
        """The log of CBS revisions the fetch stage noticed, beside the snapshots."""
        return self.raw_cbs / "revisions.csv"

    @property
    def crime_snapshot(self) -> Path:
        """The police's registered crime per wijk and buurt (47018NED), fetched
        (`cbs.crime_table`) or made by the demo: read by the statement audit too."""
        return self.raw_cbs / "47018NED"

    @property
    def crime_gemeente_snapshot(self) -> Path:
        """The police's registered crime per gemeente (47013NED, `cbs.crime_gemeente_table`)."""
        return self.raw_cbs / "47013NED"

    @property
    def raw_demo(self) -> Path:
        return self.raw / "demo"

    # derived data
    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def validation_dir(self) -> Path:
        return self.processed / "validation"

    @property
    def validation_summary(self) -> Path:
        """The validate stage's verdict per suite (the indicators stage waits for it)."""
        return self.validation_dir / "summary.json"

    @property
    def validation_findings(self) -> Path:
        """Every failed expectation in words, for the reports' data-quality section."""
        return self.validation_dir / "findings.json"

    # The harmonise stage's folder: written whole (atomically), so its files are named
    # by these properties and written under the same names in the temporary folder.
    @property
    def harmonised_dir(self) -> Path:
        return self.processed / "cbs"

    @property
    def harmonised_table(self) -> Path:
        """Every CBS value as one long table by concept: what the indicators read."""
        return self.harmonised_dir / "cbs_long.csv"

    @property
    def harmonised_columns(self) -> Path:
        """Which CBS column became which concept, per table and year."""
        return self.harmonised_dir / "columns.csv"

    @property
    def harmonised_breaks(self) -> Path:
        """Series breaks: a concept whose CBS column changed between years."""
        return self.harmonised_dir / "breaks.csv"

    @property
    def harmonised_revisions(self) -> Path:
        """The CBS revisions log as the reports read it (copied from `raw_cbs_revisions`)."""
        return self.harmonised_dir / "revisions.csv"

    @property
    def indicators_dir(self) -> Path:
        return self.processed / "indicators"

    def indicator_table(self, programme: str) -> Path:
        return self.indicators_dir / f"{programme}.csv"

    @property
    def summaries_dir(self) -> Path:
        return self.processed / "summaries"

    def summary_table(self, programme: str) -> Path:
        return self.summaries_dir / f"{programme}_summary.csv"

    @property
    def metrics_dir(self) -> Path:
        """Committed to git (DVC metrics and plots with `cache: false`), so that a
        cycle's tag holds them and `dvc metrics diff <tag>` can compare."""
        return self.root / "metrics"

    def metrics_file(self, programme: str) -> Path:
        return self.metrics_dir / f"{programme}.json"

    @property
    def plots_root(self) -> Path:
        """The indicator series for `dvc plots`, in git like the metrics."""
        return self.root / "plots"

    def plots_dir(self, programme: str) -> Path:
        return self.plots_root / programme

    @property
    def programmes_out(self) -> Path:
        return self.processed / "programmes"

    def programme_out(self, programme: str) -> Path:
        return self.programmes_out / programme

    # The profiles stage's folder: one folder per area, and the index of the areas.
    @property
    def profiles_out(self) -> Path:
        return self.processed / "profiles"

    def profiles_index(self, folder: Path | None = None) -> Path:
        """The areas profiled (level, code, name), in `folder` (the stage's temporary one)."""
        return (folder or self.profiles_out) / "gebieden.json"

    def profile_dir(self, area: str, folder: Path | None = None) -> Path:
        return (folder or self.profiles_out) / area

    def profile_table(self, area: str, folder: Path | None = None) -> Path:
        """An area's figures beside its gemeente's and Nederland's."""
        return self.profile_dir(area, folder) / "gegevens.csv"

    def profile_notebook(self, area: str, folder: Path | None = None) -> Path:
        return self.profile_dir(area, folder) / "profiel.ipynb"

    def profile_page(self, area: str, folder: Path | None = None) -> Path:
        """An area's profile as an HTML page, which the report stage copies into the site."""
        return self.profile_dir(area, folder) / "profiel.html"

    def failed_notebook(self, scope: str, name: str) -> Path:
        """Where a stage keeps an executed notebook whose cell raised (`scope`: programme
        or "joint"); the stage's own folder is temporary and goes with the failure."""
        return self.processed / "failed" / scope / name

    @property
    def scratch(self) -> Path:
        """Interactive runs' output (figures), ignored by git and DVC."""
        return self.root / "data" / "scratch"

    @property
    def joint_out(self) -> Path:
        return self.processed / "joint"

    def joint_notebook(self, folder: Path | None = None) -> Path:
        """The executed joint notebook, in `folder` (a stage's temporary one) or its own."""
        return (folder or self.joint_out) / "gezamenlijk.ipynb"

    def local_data(self, project: Project) -> Path:
        """The folder of the cycle's local sources (params/cycle.yaml: local_data)."""
        return self.root / project.cycle.local_data

    # notebooks and reports
    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def programme_template(self) -> Path:
        return self.notebooks / "programme.ipynb"

    @property
    def joint_template(self) -> Path:
        return self.notebooks / "joint.ipynb"

    @property
    def deep_dives(self) -> Path:
        return self.notebooks / "deep_dives"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def quarto_config(self) -> Path:
        return self.reports / "_quarto.yml"

    @property
    def site(self) -> Path:
        return self.reports / "_site"

    @property
    def site_index(self) -> Path:
        """The published site's landing page."""
        return self.site / "index.html"

    @property
    def validation_report_dir(self) -> Path:
        return self.reports / "validation"

    @property
    def audit_json(self) -> Path:
        """The statement audit's counts and findings (the audit stage, docs/validation.md)."""
        return self.reports / "audit.json"

    @property
    def audit_page(self) -> Path:
        """The statement audit's page for people: what disagrees, and where."""
        return self.reports / "audit" / "index.html"


def figures_dir(out_dir: str | Path, root: str | Path, *scope: str) -> Path:
    """Where a notebook saves its figures: `<out_dir>/figures` when a stage runs it.

    Run interactively (the notebook's default `out_dir = ""`), they go to
    `data/scratch/<scope...>/figures`, which git and DVC ignore: trying a notebook in
    JupyterLab must not leave files that turn `dvc status` stale or appear as
    uncommitted changes in the reports' draft check.

    ```python
    figures = figures_dir(out_dir, root, programme, "verdiepingen")
    fig.savefig(figures / "eenzaamheid.png")
    ```
    """
    if out_dir:
        return Path(out_dir) / "figures"
    return Paths.from_root(root).scratch.joinpath(*scope, "figures")
