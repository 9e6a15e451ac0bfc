"""Benchmark of the monitoring cycle: `make bench` (or `python benchmarks/bench.py`).

Measures on this machine, in one run, each step in fresh processes on fresh copies
of the project (what a clone gives), as medians of several runs:

1. cold `dvc repro` of the demo cycle (four programmes);
2. no-op `dvc repro` against `dvc status` alone;
3. an incremental `dvc repro` after changing one programme's params;
4. the cost per notebook inside the pipeline (the analyse stage through DVC, one
   worker) against bare `papermill` CLI runs of the same notebooks and parameters;
5. the indicator engine on a country-sized generated data set against one
   notebook kernel's start-up plus the imports of its first cell;
6. validation of one country-sized KWB year (and of the demo data);
7. the analyse fan-out of generated programme areas on N workers against one, and
   (step `queue`) the alternative: one `dvc exp run --queue` experiment per demo
   programme on N queue workers;
8. (step `profiles`) the profiles stage for N generated wijken at two sizes (100
   and 400 by default): the marginal cost per area between them, and peak memory;
9. the peak memory of every step: the largest total resident set size of the
   step's whole process tree, sampled every 50 ms.

Prints a table and writes reports/benchmark.json (ratios and GiB are medians).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support import ALWAYS_CHANGED, copy_project, pipeline_env, stages_run  # noqa: E402

BIN = Path(sys.executable).parent
DVC = str(BIN / "dvc")
COUNTRY_AREAS = 18_000
COUNTRY_COLUMNS = 120
COUNTRY_YEARS = 12
GIB = 2**30
RESULT = "timed seconds: "


# --------------------------------------------------------------- measuring a command


class PeakMemory:
    """Largest summed RSS of a process and all its descendants while it runs."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in tree:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak GiB of its process tree, its output)."""
    environment = pipeline_env()
    environment.update(env or {})
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    with PeakMemory(process.pid) as memory:
        output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}\n{output[-4000:]}")
    return elapsed, memory.peak / GIB, output


def summary(times: list[float], peaks: list[float]) -> dict:
    return {
        "seconds_median": round(statistics.median(times), 3),
        "seconds_runs": [round(t, 3) for t in times],
        "peak_memory_gib": round(max(peaks), 3),
    }


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------- the pipeline


def cold_repro(work: Path, repeats: int) -> tuple[dict, Path]:
    """Steps 1: cold `dvc repro` on fresh copies; returns the figures and the last build."""
    times, peaks = [], []
    for i in range(repeats):
        project = copy_project(work / f"cold{i}")
        elapsed, peak, _ = timed([DVC, "repro"], project)
        log(f"cold dvc repro {i + 1}/{repeats}: {elapsed:.1f} s")
        times.append(elapsed)
        peaks.append(peak)
    return summary(times, peaks), project


def noop_against_status(project: Path, repeats: int) -> dict:
    """Step 2: `dvc repro` with nothing to do against `dvc status`, interleaved."""
    repro, status, peaks = [], [], []
    for _ in range(repeats):
        elapsed, peak, output = timed([DVC, "repro"], project)
        if stages_run(output) - ALWAYS_CHANGED:
            raise SystemExit(f"no-op dvc repro ran a stage:\n{output[-2000:]}")
        repro.append(elapsed)
        peaks.append(peak)
        elapsed, peak, _ = timed([DVC, "status"], project)
        status.append(elapsed)
        peaks.append(peak)
    return {
        "noop_repro": summary(repro, peaks),
        "status": summary(status, peaks),
        "ratio": round(statistics.median(repro) / statistics.median(status), 3),
    }


def incremental(project: Path, repeats: int) -> dict:
    """Step 3: change one programme's target, `dvc repro`; only its notebooks may run."""
    params = project / "params" / "programmes" / "soesterkwartier.yaml"
    original = params.read_text(encoding="utf-8")
    times, peaks = [], []
    for i in range(repeats):
        params.write_text(original.replace("value: 45", f"value: {41 + i}"), encoding="utf-8")
        elapsed, peak, output = timed([DVC, "repro"], project)
        if "analyse soesterkwartier: executing" not in output or output.count("up to date") < 3:
            raise SystemExit(f"incremental run did not rerun one programme only:\n{output[-3000:]}")
        times.append(elapsed)
        peaks.append(peak)
    params.write_text(original, encoding="utf-8")
    timed([DVC, "repro"], project)
    return summary(times, peaks)


def notebook_jobs(project: Path) -> list[tuple[Path, Path, dict]]:
    """The analyse stage's notebooks: template, executed notebook, papermill parameters."""
    from helpers.config import Paths, load_project
    from helpers.runtime.notebooks import programme_notebooks

    paths = Paths.from_root(project)
    loaded = load_project(paths)
    out = project / "bench-bare"
    return [
        (run.template, run.output, run.parameters)
        for key in loaded.cycle.programmes
        for run in programme_notebooks(loaded, paths, key, out / key)
    ]


def notebook_cost(project: Path, repeats: int) -> dict:
    """Step 4: analyse through DVC on one worker, per notebook, against bare papermill."""
    jobs = notebook_jobs(project)
    stage, bare, peaks = [], [], []
    for _ in range(repeats):
        for fingerprint in (project / "data" / "processed" / "programmes").glob("*/inputs.json"):
            fingerprint.unlink()
        elapsed, peak, _ = timed(
            [DVC, "repro", "--force", "--single-item", "analyse"],
            project,
            {"WIJKMONITOR_WORKERS": "1"},
        )
        stage.append(elapsed / len(jobs))
        peaks.append(peak)
        total = 0.0
        for template, output, parameters in jobs:
            # as the stage runs it: in the executed notebook's folder (out_dir ".")
            output.parent.mkdir(parents=True, exist_ok=True)
            cmd = [str(BIN / "papermill"), str(template), str(output), "--no-progress-bar"]
            cmd += ["--log-level", "WARNING", "--cwd", str(output.parent)]
            for name, value in parameters.items():
                cmd += ["-p", name, str(value)]
            elapsed, peak, _ = timed(cmd, project)
            total += elapsed
            peaks.append(peak)
        bare.append(total / len(jobs))
    shutil.rmtree(project / "bench-bare", ignore_errors=True)
    return {
        "notebooks": len(jobs),
        "pipeline_per_notebook": summary(stage, peaks),
        "papermill_per_notebook": summary(bare, peaks),
        "ratio": round(statistics.median(stage) / statistics.median(bare), 3),
    }


# ---------------------------------------------------- steps in a fresh child process


def first_cell_imports(notebook: Path = ROOT / "notebooks" / "programme.ipynb") -> str:
    """The import lines of the annual report's first code cell after its parameters.

    Read from the notebook, so the yardstick follows the notebook when its imports move.
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    after = next(i for i, c in enumerate(code) if "parameters" in c["metadata"].get("tags", []))
    lines = "".join(code[after + 1]["source"]).splitlines()
    return "\n".join(line for line in lines if line.startswith(("import ", "from ")))


KERNEL_IMPORTS = first_cell_imports()


def child_kernel_start() -> float:
    """Start the project's kernel and run the first cell's imports, as papermill does."""
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(KERNEL_IMPORTS, timeout=120)
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"kernel could not import: {reply['content']}")
        return time.perf_counter() - started
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def child_validation(case: str) -> float:
    """Validation of the demo data or of one country-sized KWB year (GX start-up untimed)."""
    from helpers.config import Paths, load_project
    from helpers.sources import demo
    from helpers.stages.validate import validate_sources
    from helpers.validation.kwb import kwb_suite
    from helpers.validation.runner import Validator

    project = load_project(Paths.from_root(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp))
        Validator()  # great-expectations import and context: paid once per run, not timed
        if case == "validation_demo":
            demo.write_demo_cbs(project, paths.raw_cbs)
            demo.write_demo_local(project, paths.raw_demo)
            started = time.perf_counter()
            passed = validate_sources(project, paths, paths.raw_demo).passed
        else:
            year = project.cycle.cycle.year
            folder = paths.raw_cbs / project.cycle.kwb_table(year)
            folder.mkdir(parents=True)
            table = country_table(project, year, COUNTRY_AREAS, COUNTRY_COLUMNS)
            for name, records in table.items():
                (folder / f"{name}.json").write_text(json.dumps(records), encoding="utf-8")
            started = time.perf_counter()
            passed = not kwb_suite(Validator(), project, paths, year).failed
        elapsed = time.perf_counter() - started
    if not passed:
        raise SystemExit(f"benchmark input did not validate ({case})")
    return elapsed


def country_frames(
    project, years: int = COUNTRY_YEARS, wijken: int = 3_500, buurten_per_wijk: int = 4
) -> tuple:
    """Generated country: KWB long frame, survey export and membership, every wijk and buurt.

    Buurten are compared areas of their own; each wijk is the aggregate of its
    buurten (counts summed, rates recomputed, survey pooled), so both code paths of
    the engine run at full size. About 1% of CBS values are secret (missing).
    """
    import numpy as np
    import pandas as pd

    from helpers.indicators.engine import MEMBER_COLUMNS

    rng = np.random.default_rng(2024)
    catalogue = project.catalogue.indicators
    columns = sorted(
        {
            c
            for i in catalogue
            if i.source == "cbs_kwb"
            for c in (i.column, i.numerator, i.denominator)
        }
        - {None}
    )
    survey_columns = sorted({i.column for i in catalogue if i.source == "survey"})
    last = project.cycle.cycle.year
    all_years = list(range(last - years + 1, last + 1))
    wijk = np.array([f"WK{w // 10:04d}{w % 10:02d}" for w in range(wijken)])
    buurt = np.array([f"BU{c[2:]}{b:02d}" for c in wijk for b in range(buurten_per_wijk)])
    parent = np.repeat(wijk, buurten_per_wijk)
    population = rng.integers(0, 6_000, size=(len(all_years), len(buurt)))
    frames = []
    for column in columns:
        share = 1.0 if column == "AantalInwoners" else rng.uniform(0.05, 0.6)
        values = np.round(population * share).astype(float)
        values[rng.random(values.shape) < 0.01] = np.nan
        frames.append(
            pd.DataFrame(
                {
                    "year": np.repeat(all_years, len(buurt)),
                    "area_code": np.tile(buurt, len(all_years)),
                    "column": column,
                    "value": values.ravel(),
                }
            )
        )
    kwb = pd.concat(frames, ignore_index=True).assign(
        table_id="GENERATED", table_modified="", boundary_flag=1.0, synthetic=True
    )
    waves = all_years[-12::4] or all_years
    survey = pd.DataFrame(
        {
            "jaar": np.repeat(waves, len(buurt) * len(survey_columns)),
            "gebiedcode": np.tile(np.repeat(buurt, len(survey_columns)), len(waves)),
            "indicator": np.tile(survey_columns, len(buurt) * len(waves)),
        }
    )
    survey["gebiednaam"] = survey["gebiedcode"]
    survey["percentage"] = np.round(rng.uniform(5, 80, len(survey)), 1)
    survey["n"] = rng.integers(10, 200, len(survey)).astype(float)
    half = 1.96 * np.sqrt(survey["percentage"] * (100 - survey["percentage"]) / survey["n"])
    survey["ondergrens"] = (survey["percentage"] - half).clip(lower=0).round(1)
    survey["bovengrens"] = (survey["percentage"] + half).clip(upper=100).round(1)
    own = pd.DataFrame(
        {"area_role": "programma", "area_code": buurt, "area_name": buurt, "member_code": buurt}
    )
    pooled = pd.DataFrame(
        {"area_role": "programma", "area_code": parent, "area_name": parent, "member_code": buurt}
    )
    members = pd.concat(
        [pd.concat([own, pooled]).assign(year=year) for year in all_years], ignore_index=True
    )[MEMBER_COLUMNS]
    return kwb, survey, members


def child_engine() -> float:
    """The indicator engine and disclosure control over the generated country."""
    from helpers.config import Paths, load_project
    from helpers.indicators.disclosure import apply_suppression
    from helpers.indicators.engine import group_partitions, indicator_values

    project = load_project(Paths.from_root(ROOT))
    kwb, survey, members = country_frames(project)
    indicators = [i for i in project.catalogue.indicators if i.source in ("cbs_kwb", "survey")]
    started = time.perf_counter()
    values = indicator_values(indicators, members, kwb, survey, survey_synthetic=True)
    values["programme"] = "land"
    table = apply_suppression(values, project.cycle.suppression, group_partitions(values))
    elapsed = time.perf_counter() - started
    areas = table["area_code"].nunique()
    if areas != members["area_code"].nunique() or table["value"].notna().sum() == 0:
        raise SystemExit(f"engine gave {areas} areas, expected {members['area_code'].nunique()}")
    log(f"engine: {len(table):,} rows for {areas:,} areas x {COUNTRY_YEARS} years")
    return elapsed


CHILD_CASES: dict[str, Callable[[], float]] = {
    "engine_country": child_engine,
    "kernel_start": child_kernel_start,
    "validation_demo": lambda: child_validation("validation_demo"),
    "validation_country": lambda: child_validation("validation_country"),
}


def in_child(case: str, repeats: int) -> dict:
    """Each run in a fresh Python process: (timed part, peak of the whole process tree)."""
    times, peaks = [], []
    for _ in range(repeats):
        _, peak, output = timed([sys.executable, __file__, "--child", case], ROOT)
        timed_part = [line for line in output.splitlines() if line.startswith(RESULT)]
        times.append(float(timed_part[-1].removeprefix(RESULT)))
        peaks.append(peak)
    return summary(times, peaks)


# ------------------------------------------------------------- generated data sets


def country_table(project, year: int, areas: int, columns: int) -> dict[str, list]:
    """The demo KWB table of `year`, padded with generated areas and topics to country size."""
    from helpers.sources import demo

    table = demo.kwb_table(project, year)
    rows, properties = table["TypedDataSet"], table["DataProperties"]
    position = max(p["Position"] for p in properties if p["Type"] == "Topic")
    last_id = max(p["ID"] for p in properties)  # IDs count TopicGroups too
    extra = [f"ExtraKenmerk{i}_{position + i}" for i in range(1, columns - position + 1)]
    properties += [
        {
            "ID": last_id + i,
            "Position": position + i,
            "ParentID": None,
            "Type": "Topic",
            "Key": key,
            "Title": key,
            "Description": "",
            "Datatype": "Long",
            "Unit": "aantal",
            "Decimals": 0,
            "Default": "Missing",
            "PresentationType": "Absolute",
        }
        for i, key in enumerate(extra, start=1)
    ]
    template = rows[-1]
    for i in range(areas - len(rows)):
        code = f"BU{9000 + i // 10_000:04d}{i % 10_000:04d}"
        rows.append(
            {
                **template,
                "ID": len(rows),
                "WijkenEnBuurten": code.ljust(10),
                "Codering_3": code.ljust(10),
            }
        )
    for n, row in enumerate(rows):
        row.update({key: (n * 7 + k) % 5000 for k, key in enumerate(extra)})
    table["WijkenEnBuurten"] += [
        {
            "Key": r["WijkenEnBuurten"],
            "Title": "",
            "Description": "",
            "Municipality": None,
            "DetailRegionCode": r["WijkenEnBuurten"].strip(),
        }
        for r in rows[len(table["WijkenEnBuurten"]) :]
    ]
    return table


GENERATED_PROGRAMME = """\
key: {key}
name: Gegenereerd gebied {code}
gemeente: {gemeente}
description: Gegenereerd programma voor de benchmark ({code}).
areas:
  - from_year: {first_year}
    codes: [{code}]
goals:
  - id: gezond
    label: Bewoners voelen zich gezond
    indicators: [ervaren_gezondheid, eenzaamheid]
    efforts:
      - id: buurtteam
        label: Buurtteam
        project: buurtteam
        indicators: [activiteiten, deelnemers, vrijwilligers, budget]
local_indicators: []
targets:
  - indicator: eenzaamheid
    year: 2026
    value: 40
deep_dives: []
"""


def generated_programmes(project: Path, count: int) -> list[str]:
    """Replace the project's programmes with `count` generated ones, one demo area each."""
    import yaml

    from helpers.sources.demo import demo_regions

    areas = [r for r in demo_regions() if r.level in ("wijk", "buurt")]
    if count > len(areas):
        raise SystemExit(f"the demo regions hold {len(areas)} wijken and buurten, not {count}")
    folder = project / "params" / "programmes"
    shutil.rmtree(folder)
    folder.mkdir()
    cycle_file = project / "params" / "cycle.yaml"
    cycle = yaml.safe_load(cycle_file.read_text(encoding="utf-8"))
    keys = []
    for i, region in enumerate(areas[:count]):
        key = f"gebied_{i:03d}"
        (folder / f"{key}.yaml").write_text(
            GENERATED_PROGRAMME.format(
                key=key,
                gemeente=region.gemeente,
                code=region.code,
                first_year=cycle["cycle"]["years"][0],
            ),
            encoding="utf-8",
        )
        keys.append(key)
    text = cycle_file.read_text(encoding="utf-8")
    listed = "\n".join(f"  - {k}" for k in keys)
    start = text.index("programmes:\n")
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    cycle_file.write_text(text[:start] + f"programmes:\n{listed}" + text[end:], encoding="utf-8")
    (project / "params" / "logbook.yaml").write_text("entries: []\n", encoding="utf-8")
    return keys


def fanout(work: Path, areas: int, workers: int, repeats: int) -> dict:
    """Step 7: the analyse stage's fan-out of `areas` generated programmes, N workers vs 1."""
    project = copy_project(work / "fanout")
    generated_programmes(project, areas)
    for stage in ("fetch", "harmonise", "demo", "validate", "indicators"):
        timed([str(BIN / "wijkmonitor"), stage], project)
    wijkmonitor = [str(BIN / "wijkmonitor"), "analyse", "--force"]
    one, many, peaks = [], [], []
    for i in range(repeats):
        for count, times in ((1, one), (workers, many)):
            elapsed, peak, _ = timed(wijkmonitor, project, {"WIJKMONITOR_WORKERS": str(count)})
            log(f"fan-out {areas} areas, {count} worker(s), run {i + 1}: {elapsed:.1f} s")
            times.append(elapsed)
            peaks.append(peak)
    return {
        "areas": areas,
        "workers": workers,
        "one_worker": summary(one, peaks),
        "n_workers": summary(many, peaks),
        "speedup": round(statistics.median(one) / statistics.median(many), 3),
    }


PROFILE_LEVEL = "wijk"


def generated_region(project: Path, wijken: int) -> int:
    """Replace the harmonised CBS table by `wijken` generated wijken (ten per generated
    gemeente), each a copy of a demo wijk's series under a new code, plus the gemeenten
    and Nederland; profiles for the whole (generated) country. Returns the wijken."""
    import pandas as pd

    path = project / "data" / "processed" / "cbs" / "cbs_long.csv"
    long = pd.read_csv(path, dtype=str, keep_default_na=False)
    demo = long[long["area_level"].eq(PROFILE_LEVEL)]
    sources = sorted(demo["area_code"].unique())
    town = long[long["area_code"].eq(demo["gemeente"].iloc[0])]
    frames = [long[long["area_level"].eq("land")]]
    for i in range(wijken):
        gemeente = f"GM{9000 + i // 10:04d}"
        code = f"WK{gemeente[2:]}{i % 10:02d}"
        rows = demo[demo["area_code"].eq(sources[i % len(sources)])]
        frames.append(rows.assign(area_code=code, area_name=f"Wijk {i:04d}", gemeente=gemeente))
        if i % 10 == 0:
            name = f"Gemeente {gemeente}"
            frames.append(town.assign(area_code=gemeente, area_name=name, gemeente=gemeente))
    pd.concat(frames).to_csv(path, index=False, lineterminator="\n")
    (project / "params" / "profiles.yaml").write_text(
        f"profiles:\n  level: {PROFILE_LEVEL}\n  areas: land\n", encoding="utf-8"
    )
    return wijken


def children_cpu() -> float:
    """CPU seconds (user + system) of every ended child process and the children they
    waited for: a stage's workers and their kernels, whatever the machine's load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def profile_cost(work: Path, sizes: list[int], workers: int, repeats: int) -> dict:
    """Step 8: the profiles stage for each size of generated region; marginal cost per area,
    in wall seconds and in CPU seconds (the machine may be shared: CPU time is the steadier
    figure), with the load average when each size ran."""
    project = copy_project(work / "profiles")
    for stage in ("fetch", "harmonise"):
        timed([str(BIN / "wijkmonitor"), stage], project)
    original = (project / "data" / "processed" / "cbs" / "cbs_long.csv").read_bytes()
    runs: dict[int, dict] = {}
    env = {"WIJKMONITOR_WORKERS": str(workers)}
    for size in sizes:
        (project / "data" / "processed" / "cbs" / "cbs_long.csv").write_bytes(original)
        generated_region(project, size)
        times, peaks, cpus = [], [], []
        load = os.getloadavg()[0]
        for i in range(repeats):
            before = children_cpu()
            elapsed, peak, _ = timed([str(BIN / "wijkmonitor"), "profiles"], project, env)
            cpus.append(children_cpu() - before)
            log(
                f"profiles of {size} wijken on {workers} worker(s), run {i + 1}: "
                f"{elapsed:.1f} s, {cpus[-1]:.1f} CPU s"
            )
            times.append(elapsed)
            peaks.append(peak)
        runs[size] = {
            **summary(times, peaks),
            "cpu_seconds_median": round(statistics.median(cpus), 3),
            "load_average_1min": round(load, 2),
        }
    small, large = min(sizes), max(sizes)
    marginal = (runs[large]["seconds_median"] - runs[small]["seconds_median"]) / (large - small)
    cpu = (runs[large]["cpu_seconds_median"] - runs[small]["cpu_seconds_median"]) / (large - small)
    return {
        "profiles": {
            "workers": workers,
            "cores": os.cpu_count(),
            "sizes": {str(size): runs[size] for size in sizes},
            "seconds_per_area_at_largest": round(runs[large]["seconds_median"] / large, 3),
        },
        "profile_seconds_per_area": round(marginal, 3),
        "profile_cpu_seconds_per_area": round(cpu, 3),
        "profile_peak_memory_gib": round(max(r["peak_memory_gib"] for r in runs.values()), 3),
    }


class ProjectMemory(PeakMemory):
    """Largest summed RSS of every process working in a project folder: DVC's queue
    workers run detached, outside the tree of the command that starts them. Sampled
    every 0.25 s: walking all processes costs more than walking one tree."""

    def __init__(self, project: Path, interval: float = 0.25) -> None:
        super().__init__(os.getpid(), interval)
        self.project = str(project)

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            for process in psutil.process_iter():
                try:
                    if process.cwd().startswith(self.project):
                        total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


def queued_experiments(work: Path, workers: int, repeats: int) -> dict:
    """Step 7b: the alternative to the pool, `dvc exp run --queue` with workers.

    One queued experiment per programme (the whole cycle with `programmes` set to that
    one, each in its own copy of the workspace, as DVC runs queued experiments), on
    `workers` queue workers; timed from `dvc queue start` until every experiment has
    its ref, on a fresh copy each time. Compare with step 1: the same four programmes
    in one `dvc repro`, their notebooks on a pool.
    """
    times, peaks = [], []
    for i in range(repeats):
        project = copy_project(work / f"queue{i}")
        keys = yaml.safe_load((project / "params" / "cycle.yaml").read_text())["programmes"]
        for key in keys:
            only = f"params/cycle.yaml:programmes=[{key}]"
            timed([DVC, "exp", "run", "--queue", "-n", f"alleen-{key}", "-S", only], project)
        with ProjectMemory(project) as memory:
            started = time.perf_counter()
            # Not `timed`: the detached workers would inherit its pipe, and it would wait
            # for them to exit (idle 10 s after the queue is empty) instead of the refs.
            subprocess.run(
                [DVC, "queue", "start", "-j", str(workers)],
                cwd=project,
                env=pipeline_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )
            next_check = started + 10
            names = {f"alleen-{key}" for key in keys}
            while not names <= _experiment_names(project):
                if time.perf_counter() > next_check:
                    _raise_on_failed_experiment(project, time.perf_counter() - started)
                    next_check = time.perf_counter() + 10
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
        log(f"{len(keys)} queued experiments on {workers} workers, run {i + 1}: {elapsed:.1f} s")
        times.append(elapsed)
        peaks.append(memory.peak / GIB)
        subprocess.run([DVC, "queue", "stop"], cwd=project, env=pipeline_env(), capture_output=True)
    return {"experiments": len(keys), "workers": workers, **summary(times, peaks)}


def _experiment_names(project: Path) -> set[str]:
    """Names of the finished experiments: DVC writes a ref for each when it is done."""
    listed = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname)", "refs/exps/"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return {ref.rsplit("/", 1)[-1] for ref in listed.stdout.split()}


def _raise_on_failed_experiment(project: Path, waited: float) -> None:
    """Stop when an experiment failed (its ref would never come) or after 30 minutes."""
    status = timed([DVC, "queue", "status"], project)[2]
    if "Failed" in status or waited > 1800:
        raise SystemExit(f"queued experiments failed or did not finish:\n{status}")


# --------------------------------------------------------------------------- main


STEPS = ("pipeline", "engine", "validation", "fanout", "queue", "profiles")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per step (median)")
    parser.add_argument("--fanout-areas", type=int, default=100)
    parser.add_argument("--fanout-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--fanout-repeats", type=int, default=2)
    parser.add_argument(
        "--profile-sizes", default="100,400", help="generated wijken per profiles run"
    )
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"comma-separated subset of {','.join(STEPS)}; the others keep their last figures",
    )
    parser.add_argument("--child", choices=sorted(CHILD_CASES))
    args = parser.parse_args()
    if args.child:
        print(f"{RESULT}{CHILD_CASES[args.child]()}")
        return
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {unknown}; choose from {','.join(STEPS)}")
    out = ROOT / "reports" / "benchmark.json"
    results: dict = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    results["machine"] = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-") as tmp:
        work = Path(tmp)
        for step in steps:
            results.update(STEP_FUNCTIONS[step](work, args))
            save(results, out)
    results.update(headline(results))
    save(results, out)
    print_table(results)
    print(f"written to {out.relative_to(ROOT)}")


def save(results: dict, out: Path) -> None:
    """Written after every step, so a failure later keeps what was measured."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def pipeline_steps(work: Path, args: argparse.Namespace) -> dict:
    """Steps 1-4 on fresh copies of the project."""
    log("1. cold dvc repro")
    cold, built = cold_repro(work, args.repeats)
    log("2. no-op dvc repro against dvc status")
    noop = noop_against_status(built, max(5, args.repeats))
    log("3. incremental dvc repro after one programme's params changed")
    incremental_run = incremental(built, args.repeats)
    log("4. cost per notebook: pipeline against bare papermill")
    cost = notebook_cost(built, args.repeats)
    return {
        "cold_repro": cold,
        "noop": noop,
        "incremental_repro": incremental_run,
        "notebook_cost": cost,
    }


def engine_step(work: Path, args: argparse.Namespace) -> dict:
    log("5. indicator engine over the generated country, against kernel start-up")
    return {
        "engine_country": {
            **in_child("engine_country", args.repeats),
            "areas": 3_500 * 5,
            "years": COUNTRY_YEARS,
        },
        "kernel_start": in_child("kernel_start", args.repeats),
    }


def validation_step(work: Path, args: argparse.Namespace) -> dict:
    log("6. validation")
    return {
        "validation_demo": in_child("validation_demo", args.repeats),
        "validation_country_year": {
            **in_child("validation_country", args.repeats),
            "areas": COUNTRY_AREAS,
            "columns": COUNTRY_COLUMNS,
        },
    }


def fanout_step(work: Path, args: argparse.Namespace) -> dict:
    log(f"7. fan-out over {args.fanout_areas} generated programme areas")
    return {"fanout": fanout(work, args.fanout_areas, args.fanout_workers, args.fanout_repeats)}


def queue_step(work: Path, args: argparse.Namespace) -> dict:
    log("7b. the same fan-out as DVC queued experiments, one per programme")
    return {"queued_experiments": queued_experiments(work, args.fanout_workers, args.repeats)}


def profiles_step(work: Path, args: argparse.Namespace) -> dict:
    sizes = sorted({int(s) for s in args.profile_sizes.split(",") if s.strip()})
    if len(sizes) < 2:
        raise SystemExit("--profile-sizes needs two sizes for a marginal cost")
    log(f"8. profiles of {sizes} generated wijken on {args.fanout_workers} worker(s)")
    return profile_cost(work, sizes, args.fanout_workers, args.repeats)


STEP_FUNCTIONS: dict[str, Callable[[Path, argparse.Namespace], dict]] = {
    "pipeline": pipeline_steps,
    "engine": engine_step,
    "validation": validation_step,
    "fanout": fanout_step,
    "queue": queue_step,
    "profiles": profiles_step,
}


def headline(results: dict) -> dict:
    """The ratios the targets are stated in (issues 7 and 18), from the medians above;
    a step never measured (`--steps` with a subset on a fresh checkout) is left out."""
    ratios = {
        "noop_vs_status": lambda r: r["noop"]["ratio"],
        "notebook_vs_papermill": lambda r: r["notebook_cost"]["ratio"],
        "engine_vs_kernel_start": lambda r: round(
            r["engine_country"]["seconds_median"] / r["kernel_start"]["seconds_median"], 3
        ),
        "fanout_speedup": lambda r: r["fanout"]["speedup"],
    }
    out = {}
    for name, ratio in ratios.items():
        try:
            out[name] = ratio(results)
        except KeyError:
            continue
    peaks = [v["peak_memory_gib"] for v in _steps(results).values()]
    if peaks:
        out["peak_memory_gib"] = round(max(peaks), 3)
    return out


STEP_ROWS: dict[str, Callable[[dict], dict]] = {
    "cold dvc repro": lambda r: r["cold_repro"],
    "no-op dvc repro": lambda r: r["noop"]["noop_repro"],
    "dvc status": lambda r: r["noop"]["status"],
    "incremental dvc repro": lambda r: r["incremental_repro"],
    "analyse per notebook": lambda r: r["notebook_cost"]["pipeline_per_notebook"],
    "papermill per notebook": lambda r: r["notebook_cost"]["papermill_per_notebook"],
    "engine, whole country": lambda r: r["engine_country"],
    "kernel start + imports": lambda r: r["kernel_start"],
    "validation, demo": lambda r: r["validation_demo"],
    "validation, country year": lambda r: r["validation_country_year"],
    "fan-out, 1 worker": lambda r: r["fanout"]["one_worker"],
    "fan-out, N workers": lambda r: r["fanout"]["n_workers"],
    "dvc queue, 4 experiments": lambda r: r["queued_experiments"],
}


def _steps(results: dict) -> dict[str, dict]:
    """The measured steps' figures by name (the steps not measured are left out)."""
    rows = {}
    for name, row in STEP_ROWS.items():
        try:
            rows[name] = row(results)
        except KeyError:
            continue
    for size, figures in results.get("profiles", {}).get("sizes", {}).items():
        rows[f"profiles, {size} wijken"] = figures
    return rows


HEADLINE = (
    "profile_seconds_per_area",
    "profile_cpu_seconds_per_area",
    "profile_peak_memory_gib",
    "noop_vs_status",
    "notebook_vs_papermill",
    "engine_vs_kernel_start",
    "fanout_speedup",
    "peak_memory_gib",
)


def print_table(results: dict) -> None:
    print(f"{'step':<30}{'median s':>10}{'peak GiB':>10}   runs (s)")
    for name, figures in _steps(results).items():
        runs = ", ".join(f"{t:.2f}" for t in figures["seconds_runs"])
        print(
            f"{name:<30}{figures['seconds_median']:>10.2f}{figures['peak_memory_gib']:>10.3f}"
            f"   {runs}"
        )
    for key in HEADLINE:
        if key in results:
            print(f"{key:<30}{results[key]:>10}")


if __name__ == "__main__":
    main()
