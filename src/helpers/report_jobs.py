"""What the analyse stage produces for the reports besides the annual-report notebook.

Per programme: the residents' factsheet (a thin notebook run by papermill) and the
analysts' tables (CSV and Excel). `notebook_jobs` declares the notebooks as
(template, output, parameters) jobs, so a runner that fans notebooks out in
parallel can run them; `write_programme_extras` runs everything in order.
"""

from __future__ import annotations

from pathlib import Path

from helpers.config import Project
from helpers.exports import TABLES_DIR, write_tables
from helpers.indicators import read_indicator_table
from helpers.paths import Paths

FACTSHEET_TEMPLATE = "factsheet.ipynb"
FACTSHEET_DIR = "factsheet"
FACTSHEET_NOTEBOOK = "factsheet.ipynb"


def notebook_jobs(paths: Paths, key: str, out_dir: Path) -> list[tuple[Path, Path, dict]]:
    """Notebooks of one programme besides the annual report, as (template, output, params)."""
    folder = out_dir / FACTSHEET_DIR
    return [
        (
            paths.notebooks / FACTSHEET_TEMPLATE,
            folder / FACTSHEET_NOTEBOOK,
            {"programme": key, "root": str(paths.root), "out_dir": str(folder)},
        )
    ]


def write_tables_for(project: Project, paths: Paths, key: str, out_dir: Path) -> list[Path]:
    """The analysts' CSV and Excel tables of one programme, into `out_dir/tabellen`."""
    table = read_indicator_table(paths.indicator_table(key))
    return write_tables(project, key, table, out_dir / TABLES_DIR)


def write_programme_extras(project: Project, paths: Paths, key: str, out_dir: Path) -> None:
    """Tables and factsheet of one programme into `out_dir` (the analyse stage's temp folder)."""
    from helpers.cli import execute_notebook, log

    write_tables_for(project, paths, key, out_dir)
    for template, output, parameters in notebook_jobs(paths, key, out_dir):
        output.parent.mkdir(parents=True, exist_ok=True)
        log(f"analyse {key}: executing notebooks/{template.name}")
        execute_notebook(template, output, parameters, paths.root)
