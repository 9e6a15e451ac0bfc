"""`wijkmonitor <stage>`: what dvc.yaml calls; dispatches to `helpers.stages.<stage>.run`.

`wijkmonitor <stage>` loads and checks all params first, so a broken params file
stops every stage with the file and key named, before anything is written. The one
exception is a `revisions` run whose params and code did not change since its last full
run: it replays that run's output (runtime/stage_memo.py) before `helpers.config` (and
so pydantic) is imported at all, because every `dvc repro` runs it.
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from helpers.runtime import stage_memo
from helpers.runtime.console import log
from helpers.runtime.io import remove_temporaries
from helpers.runtime.optional_imports import skip_unused_optional_imports

if TYPE_CHECKING:
    import argparse

    from helpers.config import Paths, Project

STAGES = (
    "revisions",
    "fetch",
    "harmonise",
    "demo",
    "validate",
    "indicators",
    "analyse",
    "joint",
    "profiles",
    "report",
    "audit",
)


def stage_runner(stage: str) -> Callable[[Project, Paths, argparse.Namespace], int]:
    """`helpers.stages.<stage>.run`, imported only for the stage that runs (start-up cost)."""
    return importlib.import_module(f"helpers.stages.{stage}").run


def warn_undeclared_programmes(paths: Paths, stage: str, programmes: list[str]) -> None:
    """Warn when dvc.yaml lists programme files for `stage` but not every programme's."""
    from helpers.config import ParamsWarning
    from helpers.config.stage_params import missing_programme_params

    message = missing_programme_params(paths.dvc_yaml, stage, programmes)
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
    from helpers.config import ParamsWarning

    if issubclass(category, ParamsWarning):
        print(f"[wijkmonitor] warning: {message}", file=sys.stderr, flush=True)
    else:
        _DEFAULT_SHOW_WARNING(message, category, filename, lineno, file, line)


_DEFAULT_SHOW_WARNING = warnings.showwarning


def build_parser() -> argparse.ArgumentParser:
    import argparse

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
    sub.add_parser("audit", help="check every statement on the built pages against the raw data")
    cycle = sub.add_parser("cycle", help="close a cycle (freeze, tag, push) or open the next")
    steps = cycle.add_subparsers(dest="step", required=True)
    close = steps.add_parser(
        "close", help="freeze the CBS snapshots, check, commit, tag and push the data"
    )
    close.add_argument("tag", help="the git tag of the cycle, e.g. monitor-2024")
    opened = steps.add_parser("open", help="the next peiljaar, with the revision checks on")
    opened.add_argument("year", type=int, help="the new peiljaar")
    opened.add_argument("--kwb-table", help="CBS's KWB table id of that year, if not listed")
    diff = sub.add_parser(
        "diff", help="what changed in targets, definitions, areas and logbook since a tag"
    )
    diff.add_argument("tag", help="a cycle's git tag (or any commit), e.g. monitor-2024")
    return parser


def run_diff(args: argparse.Namespace) -> int:
    """`wijkmonitor diff <tag>`: one Dutch line per changed value (runtime/params_diff.py)."""
    from helpers.config import Paths

    params_diff = importlib.import_module("helpers.runtime.params_diff")
    try:
        return int(params_diff.run(Paths.from_root(args.root).root, args.tag))
    except params_diff.DiffError as error:
        print(f"wijkmonitor diff: {error}", file=sys.stderr)
        return 1


def run_cycle(args: argparse.Namespace) -> int:
    """`wijkmonitor cycle close|open`: not a stage, it runs git and DVC. Imported by name,
    as the stages are, so that it is no code dep of every stage (runtime/code_deps.py)."""
    from helpers.config import Paths

    cycle = importlib.import_module("helpers.runtime.cycle")
    paths = Paths.from_root(args.root)
    try:
        if args.step == "close":
            cycle.close(paths.root, args.tag, log=log)
        else:
            cycle.open_year(paths.root, args.year, args.kwb_table, log=log)
    except cycle.CycleError as error:
        print(f"wijkmonitor cycle {args.step}: {error}", file=sys.stderr)
        return 1
    return 0


def stage_outputs(paths: Paths, stage: str) -> list[Path]:
    """The outputs the dvc.yaml files declare for `stage` (outs, metrics, plots), as paths.

    Read from dvc.yaml itself, so the clean-up below never drifts from the stages.
    """
    import yaml

    from helpers.runtime.yaml_io import plain_yaml

    entry = None
    for file in paths.pipeline_files:
        try:
            entry = plain_yaml(file.read_text(encoding="utf-8"))["stages"][stage]
            break
        except (OSError, KeyError, TypeError, yaml.YAMLError):
            continue
    if not isinstance(entry, dict):
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
    from helpers.runtime.fanout import JobsFailed

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


def replayed(argv: list[str]) -> bool:
    """True when `argv` is a bare replayable stage (`revisions`, as dvc.yaml calls it) and
    it was replayed from its memo: nothing it reads changed (runtime/stage_memo.py).

    Only where DVC runs it, at the project root found from the working folder; decided
    before argparse and helpers.config are imported, since every `dvc repro` runs it."""
    if len(argv) != 1 or argv[0] not in stage_memo.REPLAYABLE:
        return False
    if os.environ.get("WIJKMONITOR_ROOT"):
        return False
    return stage_memo.replay(Path.cwd(), argv[0])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if replayed(argv):
        return 0
    skip_unused_optional_imports()
    args = build_parser().parse_args(argv)
    from helpers.config import ParamsError, Paths, load_project

    warnings.showwarning = _show_warning
    paths: Paths | None = None
    if args.command == "diff":
        return run_diff(args)
    if args.command == "cycle":
        try:
            return run_cycle(args)
        except ParamsError as error:
            print(f"wijkmonitor cycle {args.step}: error in parameters\n{error}", file=sys.stderr)
            return 2
    try:
        paths = Paths.from_root(args.root)
        tidy_temporaries(paths, args.command, args)
        if args.command in stage_memo.REPLAYABLE:  # what it reads, before it reads it
            args.memo_digest = stage_memo.inputs_digest(stage_memo.memo_inputs(paths))
        project = load_project(paths)
        warn_undeclared_programmes(paths, args.command, list(project.cycle.programmes))
        from helpers.validation import params_text

        params_text.screen(project, paths)
        from helpers.validation import links

        links.refuse_links(paths.local_data(project), paths.root)
        try:
            return stage_runner(args.command)(project, paths, args)
        finally:
            from helpers.validation import deidentify

            deidentify.save_cache()
    except ParamsError as error:
        print(f"wijkmonitor {args.command}: error in parameters\n{error}", file=sys.stderr)
        return 2
    except Exception as error:
        found = disk_error(error)
        if found is None and not isinstance(error, (ValueError, FileNotFoundError, RuntimeError)):
            raise
        if os.environ.get("WIJKMONITOR_DEBUG"):
            import traceback

            traceback.print_exc()
        if found is not None:
            print(disk_error_message(args.command, found, paths), file=sys.stderr)
        else:
            print(f"wijkmonitor {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
