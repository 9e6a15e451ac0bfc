"""`helpers.stages.analyse.run_notebook` with real papermill on tiny notebooks (no pipeline).

The stage's error must let an analyst find the cell in the file they edit: its index
there (papermill's injected-parameters cell not counted), its first line of code (not
a Quarto `#|` option), and where the executed notebook is kept; a later success
removes the kept copy. Recorded parameters and paths name no temporary folder.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers.config import Paths
from helpers.runtime.io import atomic_dir
from helpers.runtime.notebooks import NotebookFailed, NotebookRun, run_notebook


def notebook(*sources: str) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# Verdieping")]
    cells.append(nbformat.v4.new_code_cell('programme = "overvecht"\nout_dir = ""'))
    cells[-1].metadata["tags"] = ["parameters"]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    for number, cell in enumerate(cells):
        cell.id = f"c{number}"
    return nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )


def run_in_stage(paths: Paths, name: str) -> None:
    """As the analyse stage does: into a temporary folder swapped in on success."""
    final = paths.programme_out("overvecht")
    with atomic_dir(final) as tmp:
        output = tmp / "deep_dives" / name / f"{name}.ipynb"
        run = NotebookRun(
            paths.deep_dives / f"{name}.ipynb", output, {"programme": "overvecht", "out_dir": "."}
        )
        run_notebook(run, paths, "overvecht", tmp, final)


def test_failure_names_file_cell_and_kept_notebook_then_success_removes_it(tmp_path):
    paths = Paths(tmp_path)
    paths.deep_dives.mkdir(parents=True)
    template = paths.deep_dives / "kapot.ipynb"
    failing = "#| echo: false\n\nsnelheid = 1 / 0\n"
    nbformat.write(notebook("x = 1", failing, "print('niet bereikt')"), template)

    with pytest.raises(NotebookFailed) as caught:
        run_in_stage(paths, "kapot")
    message = str(caught.value)
    kept = tmp_path / "data/processed/failed/overvecht/kapot.ipynb"
    assert message.splitlines() == [
        "notebooks/deep_dives/kapot.ipynb (overvecht) failed in cell 3 (counted from 0; In [4]): "
        "snelheid = 1 / 0",
        "    ZeroDivisionError: division by zero",
        f"    the executed notebook, with the traceback, is kept at {kept.relative_to(tmp_path)}",
    ]
    assert nbformat.read(template, as_version=4).cells[3].source == failing
    executed = nbformat.read(kept, as_version=4)
    assert any(o.output_type == "error" for c in executed.cells for o in c.get("outputs", []))
    assert not paths.programme_out("overvecht").exists()  # the stage's folder went with it

    nbformat.write(notebook("x = 1", "print(x)"), template)
    run_in_stage(paths, "kapot")
    assert not kept.exists()
    executed = nbformat.read(
        paths.programme_out("overvecht") / "deep_dives/kapot/kapot.ipynb", as_version=4
    )
    recorded = executed.metadata.papermill
    assert recorded.input_path == "notebooks/deep_dives/kapot.ipynb"
    assert (
        recorded.output_path == "data/processed/programmes/overvecht/deep_dives/kapot/kapot.ipynb"
    )
    assert dict(recorded.parameters) == {"programme": "overvecht", "out_dir": "."}
    injected = [
        c.source for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
    ]
    assert len(injected) == 1 and not re.search(
        r"\.tmp|/tmp|" + re.escape(str(tmp_path)), injected[0]
    )
