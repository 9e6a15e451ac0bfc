"""Benchmark of the validation stage: `make bench` (or `python benchmarks/bench.py`).

Measures, on this machine, medians of several runs of:
- validation of the demo data (every suite, one great-expectations context);
- validation of one country-sized KWB year (all wijken and buurten of the
  Netherlands, ~18,000 areas × ~120 columns, generated in the cbsodata format);
and the peak memory of each (maximum resident set size of a fresh process).
Prints a table and merges the figures into reports/benchmark.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNTRY_AREAS = 18_000
COUNTRY_COLUMNS = 120


def country_table(project, year: int, areas: int, columns: int) -> dict[str, list]:
    """The demo KWB table of `year`, padded with generated areas and topics to country size."""
    from helpers.sources import demo

    table = demo.kwb_table(project, year)
    rows, properties = table["TypedDataSet"], table["DataProperties"]
    position = max(p["Position"] for p in properties)
    extra = [f"ExtraKenmerk{i}_{position + i}" for i in range(1, columns - position + 1)]
    properties += [
        {
            "ID": position + i,
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


def run_case(case: str) -> float:
    """One timed run in this process (called in a fresh subprocess per run)."""
    from helpers.config import load_project
    from helpers.paths import Paths
    from helpers.sources import demo
    from helpers.validate import Validator, kwb_suite, validate_sources

    project = load_project(Paths.from_root(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp))
        Validator()  # great-expectations import and context: paid once per run, not timed
        if case == "demo":
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


def measure(case: str, repeats: int) -> dict[str, float]:
    times, peaks = [], []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, __file__, "--child", case],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        elapsed, peak_kib = (float(x) for x in result.stdout.split())
        times.append(elapsed)
        peaks.append(peak_kib / 2**20)
    return {
        "seconds_median": round(statistics.median(times), 3),
        "seconds_runs": [round(t, 3) for t in times],
        "peak_memory_gib": round(max(peaks), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=["demo", "country"])
    args = parser.parse_args()
    if args.child:
        elapsed = run_case(args.child)
        print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        return
    results = {
        "validation_demo": measure("demo", args.repeats),
        "validation_country_year": {
            **measure("country", args.repeats),
            "areas": COUNTRY_AREAS,
            "columns": COUNTRY_COLUMNS,
        },
    }
    print(f"{'step':<28}{'median s':>10}{'peak GiB':>10}   runs")
    for name, figures in results.items():
        runs = ", ".join(f"{t:.2f}" for t in figures["seconds_runs"])
        print(
            f"{name:<28}{figures['seconds_median']:>10.2f}{figures['peak_memory_gib']:>10.3f}"
            f"   {runs}"
        )
    out = ROOT / "reports" / "benchmark.json"
    existing = json.loads(out.read_text()) if out.is_file() else {}
    out.write_text(json.dumps({**existing, **results}, indent=2, sort_keys=True) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
