"""What makes two identical runs write identical bytes: no clock, no random ids.

DVC records a hash of every output in `dvc.lock`; a researcher who reruns a cycle on
another machine must get the same hashes. Besides the numbers (`helpers.indicators.precision`)
three things in our outputs changed with every run: papermill's and Jupyter's
execution times in executed notebooks, the random ids nbformat gives new cells, and
the save time openpyxl writes into an Excel file (and its zip entries). They say
nothing about the results, so they are left out.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import nbformat

# papermill's timing fields, in the notebook's and in each cell's metadata
_PAPERMILL_TIMES = ("start_time", "end_time", "duration")
# the tag papermill gives the cell of injected parameters
_INJECTED = "injected-parameters"
# A zip entry's time: the earliest a zip file can hold.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def without_run_metadata(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook without execution times, with stable ids for papermill's cells.

    Kept: the parameters, each cell's status and exception flag, all outputs.
    """
    papermill = notebook.metadata.get("papermill", {})
    for field in _PAPERMILL_TIMES:
        papermill.pop(field, None)
    for index, cell in enumerate(notebook.cells):
        cell.metadata.pop("execution", None)
        for field in _PAPERMILL_TIMES:
            cell.metadata.get("papermill", {}).pop(field, None)
        tags = cell.metadata.get("tags", [])
        if _INJECTED in tags:
            cell["id"] = _INJECTED
        elif any(tag.startswith("papermill-error") for tag in tags):
            cell["id"] = f"papermill-error-{index}"
    return notebook


def strip_run_metadata(path: Path) -> None:
    """Rewrite an executed notebook file by `without_run_metadata`."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.write(without_run_metadata(notebook), path)


def numbered_cell_ids(notebook: nbformat.NotebookNode, prefix: str = "cell") -> None:
    """Give every cell the id `<prefix>-<position>`: a notebook assembled from cells of
    several notebooks (and new cells, whose ids nbformat draws at random) gets unique
    ids that are the same in every run."""
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{prefix}-{index}"


def stable_zip(path: Path) -> None:
    """Rewrite an Office file (a zip) with fixed entry times and no save time in its
    properties (`docProps/core.xml`); the content is unchanged."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    tmp = path.with_name(f".{path.name}.stable")
    with zipfile.ZipFile(tmp, "w") as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(b"", data)
            stable = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            stable.compress_type = zipfile.ZIP_DEFLATED
            stable.external_attr = 0o644 << 16
            target.writestr(stable, data)
    tmp.replace(path)
