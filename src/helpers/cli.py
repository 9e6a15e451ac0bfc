"""One command per pipeline stage: what dvc.yaml calls.

`wijkmonitor <stage>` loads and checks all params first, so a broken params file
stops every stage with the file and key named, before anything is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from helpers.config import ParamsError, Project, load_project
from helpers.io import atomic_dir
from helpers.paths import Paths

PROGRAMME_NOTEBOOK = "jaarrapportage.ipynb"
JOINT_NOTEBOOK = "gezamenlijk.ipynb"


def log(message: str) -> None:
    print(f"[wijkmonitor] {message}", flush=True)


def local_dir(project: Project, paths: Paths) -> Path:
    return paths.root / project.cycle.local_data


def cmd_fetch(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    if project.cycle.source == "demo":
        from helpers.sources.demo import write_demo_cbs

        log("source: demo - writing synthetic CBS tables (SYNTHETISCH) to data/raw/cbs")
        written = write_demo_cbs(project, paths.raw_cbs)
    else:
        from helpers.sources.cbs import fetch_kwb

        log(f"source: cbs - fetching KWB tables from {project.cycle.cbs.catalog_url}")
        written = fetch_kwb(project, paths.raw_cbs, log=log)
    log(f"fetch done: {len(written)} table(s) in {paths.raw_cbs.relative_to(paths.root)}")
    return 0


def cmd_demo(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.sources.demo import write_demo_local

    written = write_demo_local(project, paths.raw_demo)
    log(f"demo local sources (synthetic): {len(written)} file(s) in data/raw/demo")
    return 0


def cmd_validate(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.validate import main_validate

    return main_validate(
        project,
        paths,
        local_dir(project, paths),
        html_path=paths.validation_report_dir / "index.html",
        json_path=paths.validation_dir / "summary.json",
    )


def cmd_indicators(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.indicators import programme_table, write_tables
    from helpers.sources.cbs import read_kwb_long
    from helpers.sources.local import is_synthetic, read_registrations, read_survey

    source = local_dir(project, paths)
    kwb = read_kwb_long(paths.raw_cbs, project)
    survey = read_survey(source)
    synthetic = is_synthetic(source)
    tables = {}
    for key in project.cycle.programmes:
        registrations = read_registrations(source, key)
        tables[key] = programme_table(
            project, key, kwb, survey, registrations, local_synthetic=synthetic
        )
        suppressed = int(tables[key]["suppressed"].sum())
        log(f"indicators {key}: {len(tables[key])} rows, {suppressed} suppressed")
    write_tables(tables, paths.indicators_dir, paths.metrics_file, project)
    return 0


def execute_notebook(template: Path, output: Path, parameters: dict, cwd: Path) -> None:
    """Run one notebook with papermill in the project's own kernel."""
    import papermill

    papermill.execute_notebook(
        str(template),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(cwd),
    )


def cmd_analyse(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    key = args.programme
    if key not in project.programmes:
        raise ParamsError(
            f"{paths.cycle_file}: key programmes: {key!r} is not a programme of this cycle"
        )
    target = paths.programme_out(key)
    with atomic_dir(target) as tmp:
        started = time.perf_counter()
        log(f"analyse {key}: executing notebooks/programme.ipynb")
        execute_notebook(
            paths.programme_template,
            tmp / PROGRAMME_NOTEBOOK,
            {"programme": key, "root": str(paths.root), "out_dir": str(tmp)},
            paths.root,
        )
        for dive in project.programmes[key].deep_dives:
            log(f"analyse {key}: deep dive {dive}")
            dive_out = tmp / "deep_dives" / dive
            dive_out.mkdir(parents=True)
            execute_notebook(
                paths.deep_dives / f"{dive}.ipynb",
                dive_out / f"{dive}.ipynb",
                {"programme": key, "root": str(paths.root), "out_dir": str(dive_out)},
                paths.root,
            )
        log(f"analyse {key}: done in {time.perf_counter() - started:.1f} s")
        from helpers.report_jobs import write_programme_extras

        write_programme_extras(project, paths, key, tmp)
    return 0


def cmd_joint(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    with atomic_dir(paths.joint_out) as tmp:
        log("joint: executing notebooks/joint.ipynb")
        execute_notebook(
            paths.joint_template,
            tmp / JOINT_NOTEBOOK,
            {"root": str(paths.root), "out_dir": str(tmp)},
            paths.root,
        )
    return 0


def cmd_report(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    from helpers.render import render_site

    result = render_site(project, paths, log=log)
    log(f"reports ready: {result}")
    return 0


COMMANDS: dict[str, Callable[[Project, Paths, argparse.Namespace], int]] = {
    "fetch": cmd_fetch,
    "demo": cmd_demo,
    "validate": cmd_validate,
    "indicators": cmd_indicators,
    "analyse": cmd_analyse,
    "joint": cmd_joint,
    "report": cmd_report,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wijkmonitor", description="Stages of the wijkmonitor pipeline (see dvc.yaml)."
    )
    parser.add_argument("--root", type=Path, default=None, help="project root (default: find it)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="CBS KWB tables (or synthetic ones) to data/raw/cbs")
    sub.add_parser("demo", help="synthetic local sources to data/raw/demo")
    sub.add_parser("validate", help="expectation suites over every raw source")
    sub.add_parser("indicators", help="raw data to one indicator table per programme")
    analyse = sub.add_parser("analyse", help="execute the programme notebook (papermill)")
    analyse.add_argument("programme")
    sub.add_parser("joint", help="execute the cross-programme notebook")
    sub.add_parser("report", help="render the reports (Quarto, or nbconvert without it)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        paths = Paths.from_root(args.root)
        project = load_project(paths)
        return COMMANDS[args.command](project, paths, args)
    except ParamsError as error:
        print(f"wijkmonitor {args.command}: error in parameters\n{error}", file=sys.stderr)
        return 2
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        if os.environ.get("WIJKMONITOR_DEBUG"):
            traceback.print_exc()
        print(f"wijkmonitor {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
