"""The analyse stage: every programme's notebooks, in parallel, rerun only where needed."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.config import ParamsError, Paths, Project, load_project
from helpers.runtime.console import log
from helpers.runtime.fanout import Job, run_jobs, scheduler_address, worker_count
from helpers.runtime.io import atomic_dir, files_under, write_text_atomic
from helpers.runtime.notebooks import (
    CYCLE_KEYS_READ,
    FINGERPRINT,
    NotebookRun,
    programme_notebooks,
    run_notebook,
)
from helpers.runtime.warm_kernel import ENGINE
from helpers.runtime.yaml_io import read_yaml_file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notebook_templates(project: Project, paths: Paths, key: str) -> list[Path]:
    """The notebooks one programme runs: its deep dives only, not every programme's."""
    return [run.template for run in programme_notebooks(project, paths, key, paths.notebooks)]


def fingerprint_files(project: Project, paths: Paths, key: str) -> list[Path]:
    """Every file a programme's notebooks read (or whose code they run), in a stable order.

    Kept in step with the analyse stage's deps in dvc.yaml by a test: DVC watches
    the union for all programmes, this narrows it to one programme.
    """
    from helpers.config.report import REPORT_SETTINGS, boundary_files
    from helpers.sources.cbs_crime import CRIME_TABLE

    local = paths.root / project.cycle.local_data
    files = [
        paths.params / REPORT_SETTINGS,
        *boundary_files(paths),
        *notebook_templates(project, paths, key),
        *files_under(paths.root / "src" / "helpers", ["*.py", "*.csv"]),
        paths.catalogue_file,
        paths.logbook_file,
        paths.programme_file(key),
        paths.validation_dir / "findings.json",
        paths.processed / "cbs" / "revisions.csv",
        paths.processed / "cbs" / "cbs_long.csv",  # every wijk's figures, for the maps
        *files_under(paths.raw_cbs / CRIME_TABLE, ["*.json"]),  # registered crime
        paths.indicator_table(key),
        paths.summary_table(key),
        *files_under(local / "notes" / key, ["*"]),
    ]
    return [p for p in files if p.is_file()]


def _shown_path(path: Path, paths: Paths) -> str:
    """Relative to the project root; absolute for an input kept elsewhere (a boundary file)."""
    return str(path.relative_to(paths.root)) if path.is_relative_to(paths.root) else str(path)


def input_fingerprint(project: Project, paths: Paths, key: str) -> dict[str, str]:
    """sha256 of each input of one programme, by path relative to the project root.

    The logbook counts by the entries of this programme and of all programmes only, so
    an entry for one programme re-executes that programme's notebooks, not every one.
    """
    prints = {_shown_path(p, paths): _digest(p) for p in fingerprint_files(project, paths, key)}
    logbook = _shown_path(paths.logbook_file, paths)
    if logbook in prints:
        entries = [e.model_dump(mode="json") for e in project.logbook.for_programme(key)]
        text = json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()
        prints[logbook] = hashlib.sha256(text).hexdigest()
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
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(out_dir).parts
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
    from helpers.indicators.engine import read_indicator_table
    from helpers.report.exports import TABLES_DIR, write_tables

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
            # one warm kernel per worker (runtime/warm_kernel.py), as for the profiles
            warm = NotebookRun(run.template, run.output, run.parameters, ENGINE)
            run_notebook(warm, paths, key, tmp, paths.programme_out(key))
        fingerprint.update(output_fingerprint(tmp))
        write_text_atomic(tmp / FINGERPRINT, json.dumps(fingerprint, indent=1, sort_keys=True))
    return time.perf_counter() - started


def tidy_outputs(project: Project, paths: Paths, log: Callable[[str], None]) -> bool:
    """Drop what is not a current programme's output: folders of programmes no longer in
    the cycle, and temporary folders left by an interrupted run (the outs persist).
    True when something was dropped (a change DVC saw)."""
    folder = paths.processed / "programmes"
    if not folder.is_dir():
        return False
    dropped = False
    for child in sorted(folder.iterdir()):
        if child.name.startswith("."):
            log(f"analyse: removing {child.name} (left by an interrupted run)")
        elif child.name not in project.programmes:
            log(f"analyse: removing output of {child.name} (not a programme of this cycle)")
        else:
            continue
        dropped = True
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    return dropped


def analyse(
    project: Project,
    paths: Paths,
    keys: list[str],
    *,
    force: bool = False,
    run_by_dvc: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Bring the given programmes' outputs up to date; seconds per programme executed.

    `run_by_dvc`: DVC started the stage. DVC runs a stage only when a dep, param or out
    of it changed, or when forced (`dvc repro --force`); the fingerprints narrow the
    first case to the programmes it reaches. When none of them is stale, DVC was forced
    (or changed a dep no programme reads, e.g. an unused deep dive), and every
    programme is executed, as `--force` promises.
    """
    reasons = {key: "forced" if force else why_stale(project, paths, key) for key in keys}
    if run_by_dvc and not any(reasons.values()):
        log(
            "analyse: DVC ran the stage although no programme's inputs changed "
            "(dvc repro --force): executing every programme"
        )
        reasons = dict.fromkeys(keys, "forced by dvc repro")
    stale = {}
    for key, reason in reasons.items():
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


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    keys = args.programmes or list(project.cycle.programmes)
    unknown = [key for key in keys if key not in project.programmes]
    if unknown:
        raise ParamsError(
            f"{paths.cycle_file}: key programmes: {unknown} not programme(s) of this cycle"
        )
    tidied = not args.programmes and tidy_outputs(project, paths, log)
    started = time.perf_counter()
    run_by_dvc = os.environ.get("DVC_STAGE") == "analyse" and not args.programmes and not tidied
    timings = analyse(project, paths, keys, force=args.force, run_by_dvc=run_by_dvc, log=log)
    for key, seconds in timings.items():
        log(f"analyse {key}: done in {seconds:.1f} s")
    log(
        f"analyse: {len(timings)} executed, {len(keys) - len(timings)} up to date, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0
