"""The analyst's side of the notebooks, through a real `dvc repro` and real papermill.

One cold build of a project copy, started the way a researcher types it in a fresh
shell (`.venv/bin/dvc repro`, PATH=/usr/bin:/bin, umask 027), serves every test here:

- the outputs follow the umask (0750/0640 under 027), the published site included;
- executed notebooks record the same parameters and paths in every run (no
  temporary folder), so re-executing with unchanged inputs gives the same cells;
- a deep dive whose cell raises stops the stage with the notebook file, the cell and
  the path of the executed notebook, which is kept there;
- a notebook run interactively writes its figures into the ignored data/scratch/.
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import nbformat
import pytest
from support import VENV_BIN, copy_built, digests, nothing_to_do
from test_stage_commands import plain_env

pytestmark = pytest.mark.pipeline

UMASK = 0o027


def sh(root: Path, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        list(cmd),
        cwd=root,
        env=plain_env(),
        capture_output=True,
        text=True,
        timeout=900,
        umask=UMASK,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} exited {result.returncode}\n{result.stderr[-5000:]}")
    return result


@pytest.fixture
def built(cold_build) -> Path:
    """The session's cold build (tests/pipeline/conftest.py), made as described above."""
    return cold_build[0]


def executed_notebooks(root: Path) -> list[Path]:
    found = sorted((root / "data" / "processed").glob("*/**/*.ipynb"))
    assert len(found) >= 4 * 2 + 2  # report and factsheet per programme, a deep dive, joint
    return found


def recorded(path: Path) -> dict:
    """What an executed notebook records about its run, less the clock."""
    notebook = nbformat.read(path, as_version=4)
    injected = [c.source for c in notebook.cells if "injected-parameters" in c.metadata.tags]
    papermill = notebook.metadata.papermill
    return {
        "injected": injected,
        "parameters": dict(papermill.parameters),
        "input_path": papermill.input_path,
        "output_path": papermill.output_path,
    }


def test_outputs_follow_the_umask(built):
    for folder in [
        built / "reports" / "_site",
        built / "data" / "raw" / "cbs",
        built / "data" / "processed" / "programmes",
        built / "data" / "processed" / "indicators",
    ]:
        paths = [folder, *folder.rglob("*")]
        modes = {p: stat.S_IMODE(p.stat().st_mode) for p in paths}
        wrong = {str(p): oct(m) for p, m in modes.items() if m != (0o750 if p.is_dir() else 0o640)}
        assert not wrong, wrong


def test_executed_notebooks_record_stable_parameters(built, tmp_path):
    root = copy_built(built, tmp_path / "project")
    before = {}
    for path in executed_notebooks(root):
        found = recorded(path)
        text = json.dumps(found)
        assert ".tmp" not in text and str(built) not in text, (path, found)
        assert found["injected"] and 'out_dir = "."' in found["injected"][0]
        assert found["output_path"] == str(path.relative_to(root))
        before[path] = found
    programme = root / "data" / "processed" / "programmes" / "overvecht"
    cells_before = {p: cells(p) for p in programme.rglob("*.ipynb")}
    sh(root, "sh", "bin/wijkmonitor", "analyse", "--force", "overvecht")
    for path in programme.rglob("*.ipynb"):
        assert recorded(path) == before[path], path
        assert cells(path) == cells_before[path], path


def cells(path: Path) -> list[tuple[str, list | None]]:
    """Sources and outputs, less the provenance table: it shows git's and dvc.lock's state,
    which the first run itself changed (dvc.lock written)."""
    notebook = nbformat.read(path, as_version=4)
    return [(c.source, c.get("outputs")) for c in notebook.cells if "provenance." not in c.source]


def test_interactive_run_writes_figures_to_the_ignored_scratch_folder(built, tmp_path):
    """As JupyterLab runs it: in the notebook's folder, with its own default parameters
    (on a copy: the session's build is shared and stays as the build left it)."""
    root = copy_built(built, tmp_path / "project")
    deep_dives = root / "notebooks" / "deep_dives"
    sh(
        root,
        str(VENV_BIN / "papermill"),
        "--cwd",
        str(deep_dives),
        str(deep_dives / "eenzaamheid.ipynb"),
        str(tmp_path / "interactive.ipynb"),
    )
    assert (root / "data/scratch/overvecht/verdiepingen/figures/eenzaamheid.png").is_file()
    assert not (deep_dives / "figures").exists()
    git = sh(
        root, "git", "status", "--porcelain", "--untracked-files=all", "--", "notebooks", "data"
    )
    assert git.stdout.strip() == "", git.stdout
    status = sh(root, ".venv/bin/dvc", "status").stdout  # bytecode written by later stages
    assert nothing_to_do(status), status  # in src/helpers included (.dvcignore)


FAILING_CELL = """\
#| echo: false
raise ValueError("kapot: kolom ontbreekt")
"""


def test_failing_deep_dive_names_notebook_and_cell_and_keeps_it(built, tmp_path):
    root = copy_built(built, tmp_path / "project")
    template = nbformat.read(root / "notebooks/deep_dives/_template.ipynb", as_version=4)
    template.cells.insert(4, nbformat.v4.new_code_cell(FAILING_CELL))
    for number, cell in enumerate(template.cells):
        cell.id = f"k{number:02d}"
    nbformat.write(template, root / "notebooks/deep_dives/kapot.ipynb")
    params = root / "params/programmes/overvecht.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(
        text.replace("deep_dives: [eenzaamheid]", "deep_dives: [eenzaamheid, kapot]"),
        encoding="utf-8",
    )
    programme = root / "data/processed/programmes/overvecht"
    before = digests(programme)

    result = sh(root, ".venv/bin/dvc", "repro", check=False)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    kept = "data/processed/failed/overvecht/kapot.ipynb"
    expected = (
        "notebooks/deep_dives/kapot.ipynb (overvecht) failed in cell 4 (counted from 0; In [4]): "
        'raise ValueError("kapot: kolom ontbreekt")'
    )
    assert expected in message, message[-3000:]
    assert "ValueError: kapot: kolom ontbreekt" in message
    assert f"kept at {kept}" in message
    failed = nbformat.read(root / kept, as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.evalue for e in errors] == ["kapot: kolom ontbreekt"]
    assert digests(programme) == before  # the previous output stays whole
    git = sh(root, "git", "status", "--porcelain", "--untracked-files=all", "--", "data")
    assert git.stdout.strip() == "", git.stdout  # the kept notebook is ignored
