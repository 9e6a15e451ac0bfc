"""Run by tests/integration/test_identical_bytes.py in a subprocess, under one
floating-point setting.

Writes every programme's demo indicator table and summary into OUT_DIR (as the
indicators stage does) and prints, as JSON, which OpenBLAS kernel and numpy SIMD
paths this process used, with a probe of raw (unrounded) results: a statsmodels OLS
fit (BLAS) and a numpy power sum (SIMD). The probe shows that the two settings really
compute different low bits; the tables show that none of them reaches a stored file.

Usage: python tests/kernel_run.py OUT_DIR
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import statsmodels.api as sm
import threadpoolctl
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from support import REPO, build_demo_tables

from helpers.config import Paths, load_project

# The unrounded Nederland share of 65-plussers of the old demo: a nearly flat series,
# the case whose least-squares slope differed between CPUs (issue 12).
PROBE_SERIES = [17.19901069, 17.19901318, 17.19900971, 17.19901412, 17.19901007, 17.19901318]


def raw_probe() -> dict[str, list[str]]:
    """Bit patterns of results that depend on the BLAS kernel and the SIMD path."""
    x = np.arange(len(PROBE_SERIES), dtype=float)
    fit = sm.OLS(np.array(PROBE_SERIES), sm.add_constant(x)).fit()
    powers = np.power(np.abs(np.linspace(-20, 20, 10001)), 0.37).sum()
    return {
        "ols": [float(v).hex() for v in [*fit.params, *fit.conf_int().ravel()]],
        "simd": [float(powers).hex()],
    }


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    project = load_project(Paths.from_root(REPO))
    with tempfile.TemporaryDirectory() as scratch:
        built = build_demo_tables(project, Path(scratch))
    for key, (table, summary) in built.items():
        (out_dir / f"{key}.csv").write_text(table, encoding="utf-8")
        (out_dir / f"{key}_summary.csv").write_text(summary, encoding="utf-8")
    blas = [i.get("architecture", "?") for i in threadpoolctl.threadpool_info()]
    simd = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    print(json.dumps({"blas": blas, "simd": simd, "probe": raw_probe()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
