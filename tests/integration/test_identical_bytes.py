"""Same inputs and pinned packages give the same bytes on any x86-64 CPU.

Two floating-point settings stand for the machines we do not have: this machine's
own (the OpenBLAS kernel its CPU selects, numpy's SIMD paths for it, two BLAS
threads) and the generic one (`OPENBLAS_CORETYPE=Prescott`, the kernel every
x86-64 CPU runs, numpy limited to its baseline instructions, one BLAS thread).
Before statistics were stored at a declared precision (helpers/indicators/precision.py) the
summaries differed between them from the ninth significant digit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from support import REPO, digests, generic_cpu_env, pipeline_env

from helpers.runtime.provenance import build_time, data_hashes, inputs_commit
from helpers.runtime.reproducible import stable_zip, strip_run_metadata

TESTS = Path(__file__).parents[1]


def own_cpu_env() -> dict[str, str]:
    """This machine's setting: the environment as it is, two BLAS threads."""
    return {"OPENBLAS_NUM_THREADS": "2"}


SETTINGS = {"own": own_cpu_env, "generic": generic_cpu_env}


def env_for(setting: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    env.update(SETTINGS[setting]())
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(REPO / "src")])
    return env


def summaries_under(setting: str, out_dir: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(TESTS / "kernel_run.py"), str(out_dir)],
        env=env_for(setting),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_summaries_are_byte_identical_under_two_blas_kernels(tmp_path):
    own = summaries_under("own", tmp_path / "own")
    generic = summaries_under("generic", tmp_path / "generic")
    assert (own["blas"], own["simd"]) != (generic["blas"], generic["simd"]), (
        "both runs used the same kernel and SIMD paths: nothing was compared",
        own,
    )
    assert set(generic["blas"]) == {"Katmai"}, generic  # Prescott, as OpenBLAS names it
    assert generic["simd"] == [], generic
    # The raw arithmetic really differs between the two settings ...
    assert own["probe"] != generic["probe"], (own["probe"], generic["probe"])
    # ... and none of it reaches a stored table or summary.
    files = digests(tmp_path / "own")
    assert len(files) == 8
    assert digests(tmp_path / "generic") == files
    expected = digests(TESTS / "expected" / "indicators")
    assert files == expected, "the reviewed back-test tables differ from a fresh build"


def _executed_twice(tmp_path: Path) -> tuple[bytes, bytes]:
    """A small notebook run by the real papermill twice, a second apart, each stripped."""
    import nbformat
    import papermill

    template = tmp_path / "small.ipynb"
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "p"}}
    )
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import time; time.sleep(0.2); print(x * 2)"),
    ]
    nbformat.write(notebook, template)
    runs = []
    out = tmp_path / "executed.ipynb"
    for _ in range(2):
        out.unlink(missing_ok=True)
        papermill.execute_notebook(
            str(template),
            str(out),
            parameters={"x": 21},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )
        strip_run_metadata(out)
        runs.append(out.read_bytes())
        time.sleep(1)
    return runs[0], runs[1]


def test_executed_notebooks_of_two_identical_runs_are_byte_identical(tmp_path):
    first, second = _executed_twice(tmp_path)
    assert first == second
    text = first.decode()
    assert '"42\\n"' in text  # the output stays
    assert "start_time" not in text and "iopub.execute_input" not in text
    assert '"id": "injected-parameters"' in text


def test_excel_files_written_a_second_apart_are_byte_identical(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"jaar": [2023, 2024], "waarde": [17.4, 17.5]})
    written = []
    for name in ("a.xlsx", "b.xlsx"):
        frame.to_excel(tmp_path / name, index=False)
        stable_zip(tmp_path / name)
        written.append((tmp_path / name).read_bytes())
        time.sleep(1.1)
    assert written[0] == written[1]
    assert pd.read_excel(tmp_path / "a.xlsx").equals(frame)


def test_reports_state_the_inputs_commit_not_head(tmp_path, monkeypatch):
    """Committing dvc.lock (or the README) after a run must not change the report."""
    env = {**os.environ, **pipeline_env()}
    for path in ("params/cycle.yaml", "dvc.lock", "README.md"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("a\n", encoding="utf-8")

    def commit(*files: str) -> None:
        subprocess.run(["git", "add", *files], cwd=tmp_path, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", "x"], cwd=tmp_path, check=True, env=env)

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, env=env)
    commit("params/cycle.yaml")
    made_from = inputs_commit(tmp_path)
    commit("dvc.lock", "README.md")
    assert inputs_commit(tmp_path) == made_from
    assert made_from[1] == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the commit's own time
    assert build_time(tmp_path) == made_from[1]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert build_time(tmp_path) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_notebooks_list_the_hashes_of_their_inputs_not_of_their_own_outputs(tmp_path):
    """A notebook that printed its own stage's hash from dvc.lock would print the previous
    run's, change its output every run, and no dvc.lock could ever be reproduced."""
    lock = {
        "schema": "2.0",
        "stages": {
            "indicators": {"outs": [{"path": "data/processed/indicators", "md5": "a.dir"}]},
            "analyse": {"outs": [{"path": "data/processed/programmes", "md5": "b.dir"}]},
            "joint": {"outs": [{"path": "data/processed/joint", "md5": "c.dir"}]},
            # beside the reports, not upstream: it may finish before or after them
            "profiles": {"outs": [{"path": "data/processed/profiles", "md5": "d.dir"}]},
        },
    }
    (tmp_path / "dvc.lock").write_text(json.dumps(lock), encoding="utf-8")
    listed = data_hashes(tmp_path)
    assert listed["gegevens"].tolist() == ["data/processed/indicators"]
