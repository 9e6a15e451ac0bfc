"""Helpers for tests that run the pipeline on temporary copies of the project."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

from helpers.config import Indicator, Project
from helpers.indicators.engine import programme_summary, programme_table, table_to_csv
from helpers.sources.cbs import read_kwb_long
from helpers.sources.demo import write_demo_cbs, write_demo_local
from helpers.sources.local import read_registrations, read_survey

REPO = Path(__file__).resolve().parents[1]
SHARED_CBS = REPO.parent / "shared" / "data" / "cbs"
VENV_BIN = Path(sys.executable).parent


# Stages DVC runs at every `dvc repro` (`always_changed` in dvc.yaml): the revision check
# asks CBS, which is outside the project, and changes nothing when CBS did not revise.
# DVC names a stage of another dvc.yaml by its file: the revision check is in data/raw/
REVISIONS = "pipeline/revisions/dvc.yaml:revisions"
ALWAYS_CHANGED = frozenset({REVISIONS})


def stages_run(output: str) -> set[str]:
    """The stages a `dvc repro` ran, from its output."""
    return set(re.findall(r"Running stage '([^']+)'", output))


def nothing_to_do(status: str) -> bool:
    """`dvc status` output of a built pipeline: only the always-changed stages are listed."""
    lines = [line.strip() for line in status.splitlines() if line.strip()]
    listed = [(f"{stage}:", "always changed") for stage in sorted(ALWAYS_CHANGED)]
    return lines == [part for pair in listed for part in pair]


def pipeline_env() -> dict[str, str]:
    """Environment for stage commands: the venv first on PATH, deterministic hashing."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "Agg"
    env.pop("WIJKMONITOR_ROOT", None)
    for key, value in {
        "GIT_AUTHOR_NAME": "wijkmonitor tests",
        "GIT_AUTHOR_EMAIL": "tests@localhost",
        "GIT_COMMITTER_NAME": "wijkmonitor tests",
        "GIT_COMMITTER_EMAIL": "tests@localhost",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    }.items():
        env.setdefault(key, value)
    return env


def clean_checkout() -> bool:
    """True when the work tree holds exactly its HEAD commit (a fresh clone, as in CI)."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return not status.strip()


def beside_shared(target: Path) -> None:
    """Lay a copy of the project beside ../shared, as a clone lies in CI: the demo's
    boundary files are named relative to the project (`../shared/...` in
    params/report.yaml), so a copy elsewhere would draw no map and differ."""
    link = target.parent / "shared"
    if SHARED_CBS.parent.parent.is_dir() and not link.exists() and not link.is_symlink():
        target.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(SHARED_CBS.parent.parent, target_is_directory=True)


def copy_project(target: Path) -> Path:
    """What a fresh clone would give, as a git repo.

    A clean work tree is cloned, so the copy has the same commits (and the reports
    the same provenance) as the project; otherwise tracked and unignored files are
    copied and committed once, at a fixed time (`pipeline_env`), so two copies of the
    same tree have the same commit.
    """
    env = pipeline_env()
    beside_shared(target)
    if clean_checkout():
        subprocess.run(["git", "clone", "-q", str(REPO), str(target)], check=True, env=env)
        return target
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if not source.is_file():
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "copy"], cwd=target, check=True, env=env)
    return target


def copy_built(built: Path, target: Path) -> Path:
    """A private copy of a built project (DVC cache and git history included) beside
    ../shared: a test that changes it pays only for the stages its change reruns."""
    beside_shared(target)
    shutil.copytree(built, target, symlinks=True)
    return target


def generic_cpu_env() -> dict[str, str]:
    """Overrides that make a process compute like the plainest x86-64 CPU.

    OpenBLAS's generic kernel (`Prescott`, which every x86-64 CPU runs; OpenBLAS
    reports it as `Katmai`), numpy without its SIMD paths beyond the baseline, one
    BLAS thread: it stands for the machines the tests do not run on.
    """
    dispatched = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return {
        "OPENBLAS_CORETYPE": "Prescott",
        "OPENBLAS_NUM_THREADS": "1",
        "NPY_DISABLE_CPU_FEATURES": " ".join(dispatched),
    }


def run(
    cmd: list[str],
    cwd: Path,
    check: bool = True,
    timeout: int = 900,
    env: dict[str, str] | None = None,
):
    """Run a command in a project copy with the pipeline environment (plus `env`)."""
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env={**pipeline_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"
        )
    return result


def digests(folder: Path, pattern: str = "*") -> dict[str, str]:
    """sha256 of every file under `folder` (matching `pattern`), keyed by relative path."""
    files = sorted(p for p in folder.rglob(pattern) if p.is_file())
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def build_demo_tables(project: Project, folder: Path) -> dict[str, tuple[str, str]]:
    """Generate the demo data into `folder`; CSV text of each programme's table and summary."""
    write_demo_cbs(project, folder / "cbs")
    write_demo_local(project, folder / "demo")
    kwb = read_kwb_long(folder / "cbs", project)
    survey = read_survey(folder / "demo")
    result = {}
    for key in project.cycle.programmes:
        registrations = read_registrations(folder / "demo", key)
        table = programme_table(project, key, kwb, survey, registrations, local_synthetic=True)
        summary = programme_summary(project, key, table)
        result[key] = (table_to_csv(table), table_to_csv(summary))
    return result


def kwb_long(cells: dict[str, dict[str, float]], year: int = 2024) -> pd.DataFrame:
    """A KWB long frame (`sources.cbs.KWB_LONG_COLUMNS`) of {area: {column: value}}."""
    rows = [
        {
            "year": year,
            "area_code": code,
            "column": column,
            "value": float(value),
            "table_id": "85984NED",
            "table_modified": "2025-03-27T02:00:00",
            "boundary_flag": 1,
            "synthetic": False,
        }
        for code, columns in cells.items()
        for column, value in columns.items()
    ]
    return pd.DataFrame(rows)


# Two CBS indicators the engine and disclosure tests build their cases on.
INHABITANTS = Indicator(
    id="inwoners",
    label="inwoners",
    level="context",
    unit="aantal",
    source="cbs_kwb",
    column="AantalInwoners",
    direction="neutral",
)
ELDERLY_SHARE = Indicator(
    id="aandeel_65plus",
    label="65-plussers",
    level="context",
    unit="procent",
    source="cbs_kwb",
    numerator="k_65JaarOfOuder",
    denominator="AantalInwoners",
    direction="neutral",
)
