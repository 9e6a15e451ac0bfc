"""The analyse stage: every programme's notebooks, in parallel, rerun only where needed.

DVC decides whether the stage runs; a fingerprint of each programme's own inputs
decides which programmes' notebooks run again. So a change to one programme's params
re-executes that programme's notebooks only, while the notebooks of all stale
programmes share the machine's cores (`helpers.fanout`). Each programme's folder is
replaced whole when its notebooks succeed; a failure leaves the previous one intact.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from helpers.config import Project, load_project
from helpers.fanout import Job, run_jobs, scheduler_address, worker_count
from helpers.io import atomic_dir, read_yaml_file, write_text_atomic
from helpers.paths import Paths
from helpers.reproducible import without_run_metadata

# The layout of one programme's output folder, which the report stage reads.
PROGRAMME_NOTEBOOK = "jaarrapportage.ipynb"
FACTSHEET_TEMPLATE = "factsheet.ipynb"
FACTSHEET_DIR = "factsheet"
FACTSHEET_NOTEBOOK = "factsheet.ipynb"
# Where the Quarto project holds the factsheet charts its Markdown links (helpers.render).
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
    (`helpers.reproducible`) and with `recorded` (input and output path) in papermill's
    metadata, from memory: no second read of the file.

    The kernel runs in `cwd`, by default the executed notebook's own folder: the stages
    pass `out_dir="."` and no root (the notebook finds the project above its folder),
    so the parameters recorded in the executed notebook name no temporary folder and
    are the same in every run.

    Kernels started at the same moment by parallel workers can race for the same free
    TCP port, and the loser dies before it answers; that start, and only that (no
    cell has run), is tried again.
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
# notebooks' own default, "", means an interactive run (`helpers.paths.figures_dir`).
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


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# What .dvcignore leaves out of the deps too: JupyterLab's autosaves of an opened notebook
IGNORED_DIRS = {".ipynb_checkpoints", "__pycache__"}


def _files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    found = {p for pattern in patterns for p in folder.rglob(pattern) if p.is_file()}
    return sorted(p for p in found if not IGNORED_DIRS & set(p.relative_to(folder).parts))


def notebook_templates(project: Project, paths: Paths, key: str) -> list[Path]:
    """The notebooks one programme runs: its deep dives only, not every programme's."""
    return [run.template for run in programme_notebooks(project, paths, key, paths.notebooks)]


def fingerprint_files(project: Project, paths: Paths, key: str) -> list[Path]:
    """Every file a programme's notebooks read (or whose code they run), in a stable order.

    Kept in step with the analyse stage's deps in dvc.yaml by a test: DVC watches
    the union for all programmes, this narrows it to one programme.
    """
    from helpers.report_data import REPORT_SETTINGS, boundary_files

    local = paths.root / project.cycle.local_data
    files = [
        paths.params / REPORT_SETTINGS,
        *boundary_files(paths),
        *notebook_templates(project, paths, key),
        *_files(paths.root / "src" / "helpers", ["*.py", "*.csv"]),
        paths.catalogue_file,
        paths.logbook_file,
        paths.programme_file(key),
        paths.validation_dir / "findings.json",
        paths.processed / "cbs" / "revisions.csv",
        paths.indicator_table(key),
        paths.summary_table(key),
        *_files(local / "notes" / key, ["*"]),
    ]
    return [p for p in files if p.is_file()]


def _shown_path(path: Path, paths: Paths) -> str:
    """Relative to the project root; absolute for an input kept elsewhere (a boundary file)."""
    return str(path.relative_to(paths.root)) if path.is_relative_to(paths.root) else str(path)


def input_fingerprint(project: Project, paths: Paths, key: str) -> dict[str, str]:
    """sha256 of each input of one programme, by path relative to the project root."""
    prints = {_shown_path(p, paths): _digest(p) for p in fingerprint_files(project, paths, key)}
    cycle = read_yaml_file(paths.cycle_file) or {}
    read = {k: _dotted(cycle, k) for k in CYCLE_KEYS_READ}
    canonical = json.dumps(read, sort_keys=True, default=str).encode()
    prints[f"{paths.cycle_file.relative_to(paths.root)} (read keys)"] = hashlib.sha256(
        canonical
    ).hexdigest()
    return prints


def _dotted(data: Any, key: str) -> Any:
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def stored_fingerprint(paths: Paths, key: str) -> dict[str, str] | None:
    path = paths.programme_out(key) / FINGERPRINT
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def why_stale(project: Project, paths: Paths, key: str) -> str | None:
    """Why a programme's notebooks must run again, or None when its outputs are current."""
    old = stored_fingerprint(paths, key)
    if old is None:
        return "no previous output"
    edited = outputs_changed(paths, key, old)
    if edited:
        return edited
    old = {name: digest for name, digest in old.items() if not name.startswith(OUTPUT_PREFIX)}
    new = input_fingerprint(project, paths, key)
    changed = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    if not changed:
        return None
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return f"changed: {shown}"


OUTPUT_PREFIX = "output "


def output_fingerprint(out_dir: Path) -> dict[str, str]:
    """sha256 of each output of one programme (`output <path in its folder>`).

    Stored with the inputs' hashes so that an executed notebook edited by hand, or a
    figure deleted, is seen as stale and made again instead of being passed on as
    current. Hidden files (Jupyter's checkpoints), bytecode and the fingerprint itself are
    left out.
    """
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    return {
        f"{OUTPUT_PREFIX}{p.relative_to(out_dir).as_posix()}": _digest(p)
        for p in files
        if p.name != FINGERPRINT
        and not any(
            part.startswith(".") or part == "__pycache__"
            for part in p.relative_to(out_dir).parts
        )
    }


def outputs_changed(paths: Paths, key: str, stored: dict[str, str]) -> str | None:
    """Why a programme's recorded outputs are no longer what it wrote, or None."""
    recorded = {k: v for k, v in stored.items() if k.startswith(OUTPUT_PREFIX)}
    if not recorded:
        return None  # a fingerprint from before outputs were recorded
    current = output_fingerprint(paths.programme_out(key))
    changes = [
        f"{name} {'missing' if name not in current else 'edited'}"
        for name in sorted(recorded)
        if current.get(name) != recorded[name]
    ]
    if not changes:
        return None
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    return "changed: " + ", ".join(changes[:3]) + more


def write_tables_for(project: Project, paths: Paths, key: str, out_dir: Path) -> list[Path]:
    """The analysts' CSV and Excel tables of one programme, into `out_dir/tabellen`."""
    from helpers.exports import TABLES_DIR, write_tables
    from helpers.indicators import read_indicator_table

    table = read_indicator_table(paths.indicator_table(key))
    return write_tables(project, key, table, out_dir / TABLES_DIR)


def analyse_programme(root: str, key: str) -> float:
    """Execute one programme's notebooks into a fresh folder; seconds taken.

    Runs in a worker process (or on a Dask worker), so it takes plain arguments and
    loads the params itself. The fingerprint is written last: a folder without one
    is never taken for current.
    """
    started = time.perf_counter()
    paths = Paths.from_root(Path(root))
    project = load_project(paths)
    fingerprint = input_fingerprint(project, paths, key)
    with atomic_dir(paths.programme_out(key)) as tmp:
        write_tables_for(project, paths, key, tmp)
        for run in programme_notebooks(project, paths, key, tmp):
            run_notebook(run, paths, key, tmp, paths.programme_out(key))
        fingerprint.update(output_fingerprint(tmp))
        write_text_atomic(tmp / FINGERPRINT, json.dumps(fingerprint, indent=1, sort_keys=True))
    return time.perf_counter() - started


def tidy_outputs(project: Project, paths: Paths, log: Callable[[str], None]) -> None:
    """Drop what is not a current programme's output: folders of programmes no longer in
    the cycle, and temporary folders left by an interrupted run (the outs persist)."""
    folder = paths.processed / "programmes"
    if not folder.is_dir():
        return
    for child in sorted(folder.iterdir()):
        if child.name.startswith("."):
            log(f"analyse: removing {child.name} (left by an interrupted run)")
        elif child.name not in project.programmes:
            log(f"analyse: removing output of {child.name} (not a programme of this cycle)")
        else:
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def analyse(
    project: Project,
    paths: Paths,
    keys: list[str],
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Bring the given programmes' outputs up to date; seconds per programme executed."""
    stale = {}
    for key in keys:
        reason = "forced" if force else why_stale(project, paths, key)
        if reason is None:
            log(f"analyse {key}: up to date, not executed")
        else:
            log(f"analyse {key}: executing ({reason})")
            stale[key] = reason
    if not stale:
        return {}
    workers = worker_count(project.cycle.fanout.workers, len(stale))
    scheduler = scheduler_address(project.cycle.fanout.scheduler)
    where = f"Dask scheduler {scheduler}" if scheduler else f"{workers} local worker(s)"
    log(f"analyse: {len(stale)} programme(s) on {where}")
    import papermill  # noqa: F401  (imported once here; forked workers inherit it)

    jobs = [Job(f"analyse {key}", analyse_programme, (str(paths.root), key)) for key in stale]
    outcomes = run_jobs(jobs, workers, scheduler, log=log)
    return {o.name.removeprefix("analyse "): float(o.result) for o in outcomes}
