"""The profiles stage: a profile notebook for every area of the area set, and its page.

Every area's figures come from one run of the indicator engine; the notebooks then
run in chunks over the local cores or a Dask cluster (`helpers.runtime.fanout`), each worker
keeping one warm kernel (`helpers.runtime.warm_kernel`), and each executed notebook is turned
into a light HTML page right there, while the worker has it in hand. The whole
folder is swapped in only when every profile succeeded.
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import nbformat

from helpers.config import Paths, Project
from helpers.config.profiles import ProfileSettings, profile_settings
from helpers.profiles.profile import (
    area_tables,
    profile_areas,
    profile_values,
    write_area_table,
    write_areas_index,
)
from helpers.profiles.site import STYLESHEET
from helpers.runtime.console import log
from helpers.runtime.fanout import Job, run_jobs, scheduler_address, worker_count
from helpers.runtime.io import atomic_dir, write_text_atomic
from helpers.runtime.notebooks import NotebookRun, run_notebook
from helpers.runtime.warm_kernel import ENGINE
from helpers.sources.cbs_gebieden import load_gebieden

TEMPLATE = "profile.ipynb"
# Chunks keep the per-job overhead (pickling, scheduling, a progress line) small
# against the work while still spreading evenly over the workers.
MAX_CHUNK = 25
CHUNKS_PER_WORKER = 4


def chunks(codes: list[str], workers: int) -> list[list[str]]:
    """Contiguous chunks of area codes, about CHUNKS_PER_WORKER per worker."""
    if not codes:
        return []
    size = max(1, min(MAX_CHUNK, -(-len(codes) // (workers * CHUNKS_PER_WORKER))))
    return [codes[i : i + size] for i in range(0, len(codes), size)]


# nbformat checks every notebook and output it builds, reads and writes against its JSON
# schema; with the `jsonschema` package that is a tenth of a profile's cost, with
# `fastjsonschema` (an nbformat dependency, the same schema) a twentieth of that.
VALIDATOR_ENV = "NBFORMAT_VALIDATOR"


def run_chunk(root: str, tmp: str, final: str, codes: list[str]) -> float:
    """Execute the profiles of `codes` into `tmp` (one warm kernel per worker process)."""
    os.environ.setdefault(VALIDATOR_ENV, "fastjsonschema")
    paths = Paths.from_root(Path(root))
    template = paths.notebooks / TEMPLATE
    started = time.perf_counter()
    for code in codes:
        out = paths.profile_notebook(code, Path(tmp))
        run = NotebookRun(template, out, {"area": code, "out_dir": "."}, ENGINE)
        notebook = run_notebook(run, paths, f"profielen/{code}", Path(tmp), Path(final))
        write_text_atomic(paths.profile_page(code, Path(tmp)), profile_page(notebook))
    return time.perf_counter() - started


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.DOTALL | re.IGNORECASE)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', flags=re.DOTALL)


def profile_page(notebook: nbformat.NotebookNode) -> str:
    """A light standalone page of an executed profile: outputs only, one shared stylesheet."""
    from helpers.report.render import accessible_tables

    shown = nbformat.from_dict(notebook)
    shown.cells = [c for c in shown.cells if c.cell_type != "raw"]
    body, _ = _exporter().from_notebook_node(shown)
    body = accessible_tables(_ANCHOR.sub("", _SCRIPT.sub("", body)))
    heading = _H1.search(body)
    title = html.unescape(_TAGS.sub("", heading.group(1))).strip() if heading else "Wijkprofiel"
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{STYLESHEET}">\n</head>\n<body>\n'
        '<nav aria-label="Navigatie"><a href="index.html">Alle wijkprofielen</a> · '
        '<a href="../index.html">Wijkmonitor</a></nav>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def prepare_tables(
    project: Project, paths: Paths, settings: ProfileSettings, tmp: Path
) -> tuple[list[str], str]:
    """Every area's figures and table, written into `tmp`; (area codes, a log line).

    Run in a process of its own (`run_profiles`): the frames of a whole country are a
    gigabyte that Python does not give back, and every worker forked after it would
    carry a copy-on-write share of it.
    """
    from helpers.indicators.harmonise import read_harmonised_health, read_harmonised_kwb

    kwb = read_harmonised_kwb(paths)
    areas = profile_areas(settings, project, kwb, load_gebieden(paths, settings))
    values = profile_values(project, areas, kwb, read_harmonised_health(paths))
    tables = area_tables(values, areas)
    codes = sorted(tables)
    for code in codes:
        write_area_table(tables[code], paths.profile_table(code, tmp))
    write_areas_index(areas[areas["area_code"].isin(codes)], paths.profiles_index(tmp), settings)
    return codes, f"profiles: {len(areas)} area(s) at {settings.level} level, figures computed"


def run_profiles(project: Project, paths: Paths, log: Callable[[str], None] = print) -> int:
    """The profiles stage; an empty output folder where params/profiles.yaml sets none."""
    target = paths.profiles_out
    settings = profile_settings(paths)
    if settings is None:
        with atomic_dir(target):
            pass
        log("profiles: none (params/profiles.yaml absent or without `profiles:`)")
        return 0
    fanout = project.cycle.fanout
    with atomic_dir(target) as tmp:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as once:
            codes, line = once.submit(prepare_tables, project, paths, settings, tmp).result()
        log(line)
        workers = worker_count(fanout.workers, max(1, len(codes)))
        jobs = [
            Job(
                f"profielen {part[0]}…{part[-1]} ({len(part)})",
                run_chunk,
                (str(paths.root), str(tmp), str(target), part),
            )
            for part in chunks(codes, workers)
        ]
        log(f"profiles: {len(codes)} notebook(s) in {len(jobs)} chunk(s) on {workers} worker(s)")
        started = time.perf_counter()
        run_jobs(jobs, workers, scheduler_address(fanout.scheduler), log)
        elapsed = time.perf_counter() - started
    log(
        f"profiles done: {len(codes)} profile(s) in {elapsed:.1f} s "
        f"({elapsed / max(1, len(codes)):.2f} s per area) in "
        f"{target.relative_to(paths.root)}"
    )
    return 0


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    return run_profiles(project, paths, log)
