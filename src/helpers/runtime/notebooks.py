"""The notebook engine: papermill runs with kernel retries, failures named by cell."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from helpers.config import Paths, Project
from helpers.runtime.reproducible import without_run_metadata

# The layout of one programme's output folder, which the report stage reads.
PROGRAMME_NOTEBOOK = "jaarrapportage.ipynb"


FACTSHEET_TEMPLATE = "factsheet.ipynb"


FACTSHEET_DIR = "factsheet"


FACTSHEET_NOTEBOOK = "factsheet.ipynb"


# Where the Quarto project holds the factsheet charts its Markdown links (helpers.report.render).
FACTSHEET_FIGURES = "factsheet-figuren"


FINGERPRINT = "inputs.json"


# The keys of params/cycle.yaml the analyse stage declares in dvc.yaml, less the list
# of programmes: no programme's report reads that list. Everything else in the file
# reaches the notebooks through the indicator tables.
CYCLE_KEYS_READ = ("cycle.year", "cycle.years", "cycle.base_year", "comparison")


@dataclass(frozen=True)
class NotebookRun:
    template: Path
    output: Path
    parameters: dict
    engine: str | None = None  # a papermill engine name; None: a fresh kernel per notebook


KERNEL_START_FAILED = "Kernel died before replying to kernel_info"


def _ipc_kernel_manager() -> type:
    """A kernel manager whose kernels talk over Unix sockets with a name of their own.

    Over TCP, kernels started at once by parallel workers raced for a free port (the
    loser printed a zmq "Address already in use" traceback) and every kernel warned
    that it ran over TCP without encryption. IPC sockets need no port and stay on this
    machine; each kernel's socket files (`<tmp>/wijkmonitor-kernel-<uuid>-<n>`) are
    removed by jupyter_client when the kernel shuts down.
    """
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.transport = "ipc"
            name = f"wijkmonitor-kernel-{uuid.uuid4().hex}"
            self.ip = str(Path(tempfile.gettempdir()) / name)

    return IpcKernelManager


_KERNEL_MANAGERS: list[type] = []


def kernel_manager_class() -> type:
    """The one IPC kernel manager class (made on first use: jupyter_client imports late)."""
    if not _KERNEL_MANAGERS:
        _KERNEL_MANAGERS.append(_ipc_kernel_manager())
    return _KERNEL_MANAGERS[0]


KERNEL_START_ATTEMPTS = 3


def execute_notebook(
    template: Path,
    output: Path,
    parameters: dict,
    cwd: Path | None = None,
    engine_name: str | None = None,
    recorded: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """Run one notebook with papermill in the project's own kernel; the executed notebook.

    It is written once more after papermill's own write, without run metadata
    (`helpers.runtime.reproducible`) and with `recorded` (input and output path) in papermill's
    metadata, from memory: no second read of the file.

    The kernel runs in `cwd`, by default the executed notebook's own folder: the stages
    pass `out_dir="."` and no root (the notebook finds the project above its folder),
    so the parameters recorded in the executed notebook name no temporary folder and
    are the same in every run.

    Kernels talk over IPC sockets (`kernel_manager_class`), so parallel workers no
    longer race for a TCP port; a kernel that dies before it answers all the same is
    started again, and only that start (no cell has run).
    """
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    cwd = output.parent if cwd is None else cwd
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            executed = papermill.execute_notebook(
                str(template),
                str(output),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(cwd),
                engine_name=engine_name,
                # a warm kernel runs many short notebooks: write each once, at its end
                request_save_on_cell_execute=engine_name is None,
                kernel_manager_class=kernel_manager_class(),
            )
            notebook = without_run_metadata(executed)
            if recorded and "papermill" in notebook.metadata:
                notebook.metadata["papermill"].update(recorded)
            nbformat.write(notebook, output)
            return notebook
        except RuntimeError as error:
            if KERNEL_START_FAILED not in str(error) or attempt == KERNEL_START_ATTEMPTS:
                raise
            print(f"[wijkmonitor] {template.name}: kernel did not start, retrying", flush=True)
    raise AssertionError("unreachable")  # pragma: no cover


# What a stage passes every notebook besides its programme: its figures go next to the
# executed notebook, in whose folder the kernel runs (see `execute_notebook`). The
# notebooks' own default, "", means an interactive run (`helpers.config.figures_dir`).
STAGE_PARAMETERS: dict[str, Any] = {"out_dir": "."}


def programme_notebooks(
    project: Project, paths: Paths, key: str, out_dir: Path
) -> list[NotebookRun]:
    """The notebooks of one programme: the annual report, the factsheet, the deep dives."""
    parameters = {"programme": key, **STAGE_PARAMETERS}
    runs = [
        NotebookRun(paths.programme_template, out_dir / PROGRAMME_NOTEBOOK, parameters),
        NotebookRun(
            paths.notebooks / FACTSHEET_TEMPLATE,
            out_dir / FACTSHEET_DIR / FACTSHEET_NOTEBOOK,
            parameters,
        ),
    ]
    for dive in project.programmes[key].deep_dives:
        runs.append(
            NotebookRun(
                paths.deep_dives / f"{dive}.ipynb",
                out_dir / "deep_dives" / dive / f"{dive}.ipynb",
                parameters,
            )
        )
    return runs


class NotebookFailed(RuntimeError):
    """A cell raised: the message names the notebook file, the cell and the kept copy."""


# papermill's own cells in an executed notebook, which the template does not have
PAPERMILL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def _failed_cell(executed: Path) -> tuple[int | str, Any, str] | None:
    """(index in the template, execution count, source) of the first cell that raised."""
    import nbformat

    try:
        notebook = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None
    own = [c for c in notebook.cells if not PAPERMILL_TAGS & set(c.metadata.get("tags", []))]
    for index, cell in enumerate(own):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors or cell.metadata.get("papermill", {}).get("exception") is True:
            return index, cell.get("execution_count"), cell.source
    return None


def _first_code_line(source: str) -> str:
    """The first line that is code: a Quarto `#|` option says nothing about the failure."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    code = [line for line in lines if not line.startswith("#|")]
    return (code or lines or [""])[0]


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def failure_message(
    template: Path, executed: Path, kept: Path, scope: str, error: Exception, root: Path
) -> str:
    """Which notebook file, which cell (its index in the file the analyst edits, and its
    first line), what was raised, and where the executed notebook is kept."""
    index, count, source = _failed_cell(executed) or (
        getattr(error, "cell_index", "?"),
        getattr(error, "exec_count", None),
        getattr(error, "source", ""),
    )
    label = f"In [{count}]" if count is not None else "not executed"
    raised = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
    return (
        f"{_shown(template, root)} ({scope}) failed in cell {index} (counted from 0; {label}): "
        f"{_first_code_line(source)}\n"
        f"    {raised}\n"
        f"    the executed notebook, with the traceback, is kept at {_shown(kept, root)}"
    )


def run_notebook(
    run: NotebookRun, paths: Paths, scope: str, tmp: Path, final: Path
) -> nbformat.NotebookNode:
    """Execute one notebook of a stage writing into `tmp`, which the stage swaps to `final`;
    the executed notebook as written.

    On failure the stage removes `tmp`, so the executed notebook is first copied to
    `data/processed/failed/<scope>/<name>` (ignored by git, no DVC output) and the error
    names the notebook, the cell and that copy; a later success removes the copy.
    Papermill's recorded input and output paths are made relative to the project root
    and name `final`, not the temporary folder, so identical runs record the same paths.
    """
    from papermill.exceptions import PapermillExecutionError

    kept = paths.failed_notebook(scope, run.output.name)
    recorded = {
        "input_path": _shown(run.template, paths.root),
        "output_path": _shown(final / run.output.relative_to(tmp), paths.root),
    }
    try:
        notebook = execute_notebook(
            run.template, run.output, run.parameters, engine_name=run.engine, recorded=recorded
        )
    except PapermillExecutionError as error:
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(run.output, kept)
        message = failure_message(run.template, run.output, kept, scope, error, paths.root)
        raise NotebookFailed(message) from error
    kept.unlink(missing_ok=True)
    return notebook
