"""Helpers for tests that run the pipeline on temporary copies of the project."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from helpers.config import Indicator

REPO = Path(__file__).resolve().parents[1]
SHARED_CBS = REPO.parent / "shared" / "data" / "cbs"
VENV_BIN = Path(sys.executable).parent


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
    }.items():
        env.setdefault(key, value)
    return env


def copy_project(target: Path) -> Path:
    """Copy what git would give a fresh clone (tracked + unignored files) and make it a repo."""
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
    env = pipeline_env()
    subprocess.run(["git", "init", "-q"], cwd=target, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "copy"], cwd=target, check=True, env=env)
    return target


def run(cmd: list[str], cwd: Path, check: bool = True, timeout: int = 900):
    """Run a command in a project copy with the pipeline environment; return the result."""
    result = subprocess.run(
        cmd, cwd=cwd, env=pipeline_env(), capture_output=True, text=True, timeout=timeout
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
