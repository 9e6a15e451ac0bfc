"""One command per pipeline stage: what dvc.yaml calls.

`wijkmonitor <stage>` loads and checks all params first, so a broken params file
stops every stage with the file and key named, before anything is written.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from helpers.config import (
    ParamsError,
    ParamsWarning,
    Project,
    load_project,
    warn_target_baselines,
)
from helpers.io import atomic_dir, atomic_dirs, remove_temporaries
from helpers.paths import Paths

if TYPE_CHECKING:
    import pandas as pd

JOINT_NOTEBOOK = "gezamenlijk.ipynb"


def log(message: str) -> None:
    print(f"[wijkmonitor] {message}", flush=True)


def local_dir(project: Project, paths: Paths) -> Path:
    return paths.root / project.cycle.local_data


def cmd_fetch(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.profiles import fetch_gemeenten, load_gebieden, needs_gebieden, profile_settings

    settings = profile_settings(paths)
    gebieden = needs_gebieden(settings)  # a provincie or GGD-regio: CBS's gemeenten of it
    if project.cycle.source == "demo":
        from helpers.sources.demo import write_demo_cbs

        log("source: demo - writing synthetic CBS tables (SYNTHETISCH) to data/raw/cbs")
        written = write_demo_cbs(project, paths.raw_cbs, gebieden)
    else:
        from helpers.sources.cbs import fetch_cbs
        from helpers.sources.cbs_gebieden import fetch_gebieden

        log(f"source: cbs - fetching CBS tables from {project.cycle.cbs.catalog_url}")
        first = [fetch_gebieden(project, gebieden, paths.raw_cbs, log)] if gebieden else []
        gemeenten = fetch_gemeenten(settings, project, load_gebieden(paths, settings))
        if gemeenten == []:
            log("profiles of the whole country (params/profiles.yaml): every region is fetched")
        written = first + fetch_cbs(project, paths.raw_cbs, log=log, gemeenten=gemeenten)
    log(f"fetch done: {len(written)} table(s) in {paths.raw_cbs.relative_to(paths.root)}")
    return 0


def cmd_revisions(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    """The `revisions` stage: record CBS's revision of every table for the fetch stage
    (which fetches a revised table again). Offline it says so and succeeds."""
    from helpers.sources.cbs_revisions import check_stage, write_published

    if project.cycle.source != "cbs":
        log(f"revisions: source is {project.cycle.source}, no CBS tables to check")
        write_published(paths.cbs_published, project.cycle.source, {})
        return 0
    checks = check_stage(project, paths.raw_cbs, paths.cbs_published, log=log)
    unchecked = sum(check.published is None for check in checks)
    revised = sum(check.outdated for check in checks)
    log(
        f"revisions: {len(checks)} table(s) checked, {revised} to fetch again, "
        f"{unchecked} not checked"
    )
    return 0


def cmd_harmonise(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.harmonise import harmonise

    long = harmonise(project, paths, log=log)
    log(f"harmonised CBS data: {len(long)} values in data/processed/cbs/cbs_long.csv")
    return 0


def cmd_demo(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.sources.demo import write_demo_local

    written = write_demo_local(project, paths.raw_demo)
    log(f"demo local sources (synthetic): {len(written)} file(s) in data/raw/demo")
    return 0


def cmd_validate(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.validation import main_validate

    return main_validate(
        project,
        paths,
        local_dir(project, paths),
        html_path=paths.validation_report_dir / "index.html",
        json_path=paths.validation_dir / "summary.json",
    )


def cmd_indicators(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.areas import area_changes, measured_years
    from helpers.harmonise import read_harmonised_health, read_harmonised_kwb
    from helpers.indicators import programme_table, write_tables
    from helpers.sources.local import is_synthetic, read_registrations, read_survey

    source = local_dir(project, paths)
    kwb = read_harmonised_kwb(paths)
    health = read_harmonised_health(paths)
    survey = read_survey(source)
    synthetic = is_synthetic(source)
    tables = {}
    for key in project.cycle.programmes:
        registrations = read_registrations(source, key)
        tables[key] = programme_table(
            project, key, kwb, survey, registrations, local_synthetic=synthetic, health=health
        )
        reasons = tables[key]["suppression_reason"]
        counts = reasons[reasons.ne("")].value_counts().sort_index()
        withheld = ", ".join(f"{reason} {count}" for reason, count in counts.items()) or "none"
        log(f"indicators {key}: {len(tables[key])} rows; withheld: {withheld}")
        for change in area_changes(project, key, measured_years(tables[key])):
            log(f"warning: {change.warning(str(paths.logbook_file.relative_to(paths.root)))}")
        warn_target_baselines(paths, project, key, base_values(tables[key], project))
    summaries = paths.summaries_dir
    folders = [paths.indicators_dir, summaries, paths.metrics_dir, paths.plots_root]
    with atomic_dirs(folders) as (tables_tmp, summaries_tmp, metrics_tmp, plots_tmp):
        written = write_tables(
            tables, tables_tmp, summaries_tmp, paths, project, metrics_tmp, plots_tmp
        )
    log(
        f"indicators done: {len(written)} file(s): tables in "
        f"{paths.indicators_dir.relative_to(paths.root)}, statistics in "
        f"{summaries.relative_to(paths.root)}, metrics and plot series in "
        f"{paths.metrics_dir.relative_to(paths.root)}"
    )
    return 0


def base_values(table: pd.DataFrame, project: Project) -> dict[str, float]:
    """The programme area's published base-year value per indicator (for the target checks)."""
    base = table[
        table["area_role"].eq("programma")
        & table["year"].eq(project.cycle.cycle.base_year)
        & ~table["suppressed"].astype(bool)
        & table["value"].notna()
    ]
    return {str(i): float(v) for i, v in zip(base["indicator_id"], base["value"], strict=True)}


def warn_undeclared_programmes(paths: Paths, stage: str, programmes: list[str]) -> None:
    """Warn when dvc.yaml lists programme files for `stage` but not every programme's."""
    from helpers.stage_params import missing_programme_params

    message = missing_programme_params(paths.root / "dvc.yaml", stage, programmes)
    if message:
        warnings.warn(message, ParamsWarning, stacklevel=2)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """A ParamsWarning as one readable line (file and key are in the message), no source."""
    if issubclass(category, ParamsWarning):
        print(f"[wijkmonitor] warning: {message}", file=sys.stderr, flush=True)
    else:
        _DEFAULT_SHOW_WARNING(message, category, filename, lineno, file, line)


_DEFAULT_SHOW_WARNING = warnings.showwarning


def cmd_analyse(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.analyse import analyse, tidy_outputs

    keys = args.programmes or list(project.cycle.programmes)
    unknown = [key for key in keys if key not in project.programmes]
    if unknown:
        raise ParamsError(
            f"{paths.cycle_file}: key programmes: {unknown} not programme(s) of this cycle"
        )
    if not args.programmes:
        tidy_outputs(project, paths, log)
    started = time.perf_counter()
    timings = analyse(project, paths, keys, force=args.force, log=log)
    for key, seconds in timings.items():
        log(f"analyse {key}: done in {seconds:.1f} s")
    log(
        f"analyse: {len(timings)} executed, {len(keys) - len(timings)} up to date, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


def cmd_joint(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    with atomic_dir(paths.joint_out) as tmp:
        log("joint: executing notebooks/joint.ipynb")
        from helpers.analyse import STAGE_PARAMETERS, NotebookRun, run_notebook

        run = NotebookRun(paths.joint_template, tmp / JOINT_NOTEBOOK, dict(STAGE_PARAMETERS))
        run_notebook(run, paths, "joint", tmp, paths.joint_out)
    return 0


def cmd_profiles(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.profile_stage import run_profiles

    return run_profiles(project, paths, log)


def cmd_report(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.render import render_site

    result = render_site(project, paths, log=log)
    log(f"reports ready: {result}")
    return 0


COMMANDS: dict[str, Callable[[Project, Paths, argparse.Namespace], int]] = {
    "fetch": cmd_fetch,
    "revisions": cmd_revisions,
    "harmonise": cmd_harmonise,
    "demo": cmd_demo,
    "validate": cmd_validate,
    "indicators": cmd_indicators,
    "analyse": cmd_analyse,
    "joint": cmd_joint,
    "profiles": cmd_profiles,
    "report": cmd_report,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wijkmonitor", description="Stages of the wijkmonitor pipeline (see dvc.yaml)."
    )
    parser.add_argument("--root", type=Path, default=None, help="project root (default: find it)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="CBS KWB tables (or synthetic ones) to data/raw/cbs")
    sub.add_parser(
        "revisions", help="ask CBS which revision of each table it publishes (for the fetch stage)"
    )
    sub.add_parser("harmonise", help="area check; CBS snapshots to data/processed/cbs")
    sub.add_parser("demo", help="synthetic local sources to data/raw/demo")
    sub.add_parser("validate", help="expectation suites over every raw source")
    sub.add_parser("indicators", help="raw data to one indicator table per programme")
    analyse = sub.add_parser(
        "analyse", help="execute the programmes' notebooks (papermill), in parallel"
    )
    analyse.add_argument("programmes", nargs="*", help="programme keys (default: all)")
    analyse.add_argument(
        "--force", action="store_true", help="execute even where the inputs did not change"
    )
    sub.add_parser("joint", help="execute the cross-programme notebook")
    sub.add_parser("profiles", help="a profile of every wijk of params/profiles.yaml's area set")
    sub.add_parser("report", help="render the reports (Quarto, or nbconvert without it)")
    return parser


def stage_outputs(paths: Paths, stage: str) -> list[Path]:
    """The outputs dvc.yaml declares for `stage` (outs, metrics, plots), as paths.

    Read from dvc.yaml itself, so the clean-up below never drifts from the stages.
    """
    import yaml

    try:
        stages = yaml.safe_load((paths.root / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
        entry = stages[stage]
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return []
    outputs = []
    for kind in ("outs", "metrics", "plots"):
        for out in entry.get(kind) or []:
            name = next(iter(out)) if isinstance(out, dict) else out
            if isinstance(name, str) and "${" not in name:
                outputs.append(paths.root / name)
    return outputs


def tidy_temporaries(paths: Paths, stage: str, args: argparse.Namespace) -> None:
    """Remove what an interrupted earlier run of this stage left next to its outputs.

    The outputs persist (dvc.yaml) and are replaced atomically, so after Ctrl-C or
    `kill -9` the previous outputs are intact and only temporary folders remain.
    `analyse` with named programmes leaves the folder alone (it tidies only as a whole).
    """
    if stage == "analyse" and getattr(args, "programmes", None):
        return
    for target in stage_outputs(paths, stage):
        for path in remove_temporaries(target):
            log(f"{stage}: removed {_shown(path, paths)} (left by an interrupted run)")


def _shown(path: Path | str, paths: Paths) -> str:
    path = Path(path)
    return str(path.relative_to(paths.root)) if path.is_relative_to(paths.root) else str(path)


# errno values that mean "the disk or the file system refuses the write": reported as one
# line naming stage and path, never as a traceback.
DISK_ERRORS = {
    errno.ENOSPC: "No space left on device",
    errno.EDQUOT: "Disk quota exceeded",
    errno.EACCES: "Permission denied",
    errno.EPERM: "Operation not permitted",
    errno.EROFS: "Read-only file system",
}


KERNEL_OS_ERROR = re.compile(r"\[Errno (?P<errno>\d+)\] (?P<reason>[^:]+)(?:: '(?P<path>[^']*)')?")


def disk_error(error: BaseException | None, depth: int = 0) -> OSError | None:
    """The disk-full or permission OSError behind `error` (its causes, failed jobs), if any."""
    if error is None or depth > 5:
        return None
    if isinstance(error, OSError) and error.errno in DISK_ERRORS:
        return error
    # a notebook cell's OSError comes back from the kernel as text (papermill's
    # PapermillExecutionError: ename, evalue)
    evalue = getattr(error, "evalue", None)
    match = KERNEL_OS_ERROR.match(evalue) if isinstance(evalue, str) else None
    if match and int(match["errno"]) in DISK_ERRORS:
        return OSError(int(match["errno"]), match["reason"], match["path"])
    from helpers.fanout import JobsFailed

    if isinstance(error, JobsFailed):
        for failure in error.failures:
            found = disk_error(failure.error, depth + 1)
            if found is not None:
                return found
    return disk_error(error.__cause__ or error.__context__, depth + 1)


TEMPORARY_PART = re.compile(r"^\.(?P<name>.+)\.[^.]+\.tmp$")


def disk_error_message(stage: str, error: OSError, paths: Paths | None) -> str:
    """`wijkmonitor <stage>: cannot write <path>: <reason>` (the target of a rename).

    A path inside a stage's temporary folder is shown as the output it was going to be.
    """
    name = error.filename2 or error.filename
    where = _shown(name, paths) if name and paths else str(name or "(unknown path)")
    parts = [(m["name"] if (m := TEMPORARY_PART.match(p)) else p) for p in Path(where).parts]
    where = str(Path(*parts)) if parts else where
    reason = DISK_ERRORS.get(error.errno or 0) or error.strerror or str(error)
    return f"wijkmonitor {stage}: cannot write {where}: {reason}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    paths: Paths | None = None
    try:
        paths = Paths.from_root(args.root)
        tidy_temporaries(paths, args.command, args)
        project = load_project(paths)
        warn_undeclared_programmes(paths, args.command, list(project.cycle.programmes))
        return COMMANDS[args.command](project, paths, args)
    except ParamsError as error:
        print(f"wijkmonitor {args.command}: error in parameters\n{error}", file=sys.stderr)
        return 2
    except Exception as error:
        found = disk_error(error)
        if found is None and not isinstance(error, (ValueError, FileNotFoundError, RuntimeError)):
            raise
        if os.environ.get("WIJKMONITOR_DEBUG"):
            traceback.print_exc()
        if found is not None:
            print(disk_error_message(args.command, found, paths), file=sys.stderr)
        else:
            print(f"wijkmonitor {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
