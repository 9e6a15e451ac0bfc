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

from helpers.config import Project, load_project
from helpers.fanout import Job, run_jobs, scheduler_address, worker_count
from helpers.io import atomic_dir, read_yaml_file, write_text_atomic
from helpers.paths import Paths
from helpers.reproducible import strip_run_metadata

# The layout of one programme's output folder, which the report stage reads.
PROGRAMME_NOTEBOOK = "jaarrapportage.ipynb"
FACTSHEET_TEMPLATE = "factsheet.ipynb"
FACTSHEET_DIR = "factsheet"
FACTSHEET_NOTEBOOK = "factsheet.ipynb"
FINGERPRINT = "inputs.json"
# The keys of params/cycle.yaml the analyse stage declares in dvc.yaml, less the list
# of programmes: no programme's report reads that list. Everything else in the file
# reaches the notebooks through the indicator tables.
CYCLE_KEYS_READ = ("cycle", "comparison")


@dataclass(frozen=True)
class NotebookRun:
    template: Path
    output: Path
    parameters: dict


KERNEL_START_FAILED = "Kernel died before replying to kernel_info"
KERNEL_START_ATTEMPTS = 3


def execute_notebook(template: Path, output: Path, parameters: dict, cwd: Path) -> None:
    """Run one notebook with papermill in the project's own kernel.

    Kernels started at the same moment by parallel workers can race for the same free
    TCP port, and the loser dies before it answers; that start, and only that (no
    cell has run), is tried again.
    """
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                str(template),
                str(output),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(cwd),
            )
            strip_run_metadata(output)
            return
        except RuntimeError as error:
            if KERNEL_START_FAILED not in str(error) or attempt == KERNEL_START_ATTEMPTS:
                raise
            print(f"[wijkmonitor] {template.name}: kernel did not start, retrying", flush=True)


def programme_notebooks(
    project: Project, paths: Paths, key: str, out_dir: Path
) -> list[NotebookRun]:
    """The notebooks of one programme: the annual report, the factsheet, the deep dives."""
    factsheet = out_dir / FACTSHEET_DIR
    runs = [
        NotebookRun(
            paths.programme_template,
            out_dir / PROGRAMME_NOTEBOOK,
            {"programme": key, "root": str(paths.root), "out_dir": str(out_dir)},
        ),
        NotebookRun(
            paths.notebooks / FACTSHEET_TEMPLATE,
            factsheet / FACTSHEET_NOTEBOOK,
            {"programme": key, "root": str(paths.root), "out_dir": str(factsheet)},
        ),
    ]
    for dive in project.programmes[key].deep_dives:
        dive_out = out_dir / "deep_dives" / dive
        runs.append(
            NotebookRun(
                paths.deep_dives / f"{dive}.ipynb",
                dive_out / f"{dive}.ipynb",
                {"programme": key, "root": str(paths.root), "out_dir": str(dive_out)},
            )
        )
    return runs


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted({p for pattern in patterns for p in folder.rglob(pattern) if p.is_file()})


def fingerprint_files(project: Project, paths: Paths, key: str) -> list[Path]:
    """Every file a programme's notebooks read (or whose code they run), in a stable order.

    Kept in step with the analyse stage's deps in dvc.yaml by a test: DVC watches
    the union for all programmes, this narrows it to one programme.
    """
    from helpers.report_data import REPORT_SETTINGS, boundaries_file

    local = paths.root / project.cycle.local_data
    boundaries = boundaries_file(paths)
    files = [
        paths.params / REPORT_SETTINGS,
        *([boundaries] if boundaries else []),
        *_files(paths.notebooks, ["*.ipynb"]),
        *_files(paths.root / "src" / "helpers", ["*.py", "*.csv"]),
        paths.catalogue_file,
        paths.logbook_file,
        paths.programme_file(key),
        paths.validation_dir / "findings.json",
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
    read = {k: cycle.get(k) for k in CYCLE_KEYS_READ}
    canonical = json.dumps(read, sort_keys=True, default=str).encode()
    prints[f"{paths.cycle_file.relative_to(paths.root)} (read keys)"] = hashlib.sha256(
        canonical
    ).hexdigest()
    return prints


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
    current. Hidden files (Jupyter's checkpoints) and the fingerprint itself are left out.
    """
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    return {
        f"{OUTPUT_PREFIX}{p.relative_to(out_dir).as_posix()}": _digest(p)
        for p in files
        if p.name != FINGERPRINT
        and not any(part.startswith(".") for part in p.relative_to(out_dir).parts)
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
            execute_notebook(run.template, run.output, run.parameters, paths.root)
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
