"""Stage commands that run whether or not an environment is activated (issues 13, 19).

dvc.yaml starts every stage through `sh bin/wijkmonitor <stage>`, which finds the
project's Python itself. Each test runs a real `dvc repro` of the cheap stages on a
copy of the project, started from an environment without the venv on PATH, the way a
researcher types `.venv/bin/dvc repro` in a fresh shell; under umask 027 the outputs
must come out group-readable and closed to others (0750/0640), not 0700/0600.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from support import VENV_BIN, copy_project, pipeline_env

pytestmark = pytest.mark.pipeline

PLAIN_PATH = "/usr/bin:/bin"


def plain_env(path: str = PLAIN_PATH) -> dict[str, str]:
    """A fresh login shell's environment: no venv or conda on PATH, none activated."""
    env = {k: v for k, v in pipeline_env().items() if k.startswith(("GIT_", "HOME", "LANG"))}
    env.update({"PATH": path, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"})
    return env


def repro(root: Path, dvc: str, env: dict[str, str], *targets: str) -> str:
    result = subprocess.run(
        [dvc, "repro", *targets],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        umask=0o027,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert not re.search(r"wijkmonitor: (command )?not found", output)  # bash / dash
    return output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_umask_027(folder: Path) -> None:
    assert mode(folder) == 0o750, folder
    for path in folder.rglob("*"):
        assert mode(path) == (0o750 if path.is_dir() else 0o640), path


def test_dvc_repro_from_a_plain_shell_runs_the_project_venv(tmp_path):
    """`.venv/bin/dvc repro` with PATH=/usr/bin:/bin, as after `make env` in a clone."""
    root = copy_project(tmp_path / "project")
    (root / ".venv").symlink_to(VENV_BIN.parent, target_is_directory=True)
    assert "wijkmonitor" not in os.listdir("/usr/bin")
    output = repro(root, ".venv/bin/dvc", plain_env(), "fetch", "demo")
    assert "Running stage 'fetch'" in output and "Running stage 'demo'" in output
    raw_cbs = root / "data" / "raw" / "cbs"
    assert any(raw_cbs.iterdir())
    assert_umask_027(raw_cbs)
    assert_umask_027(root / "data" / "raw" / "demo")


@pytest.mark.parametrize("kind", ["venv", "conda"])
def test_dvc_repro_with_an_activated_environment_and_no_project_venv(tmp_path, kind):
    """No .venv/ in the project: python3 from PATH, as an activated venv or conda env gives.

    The conda case is an environment folder outside the project whose `python3` is
    first on PATH (what `conda activate` does); its Python has the packages.
    """
    root = copy_project(tmp_path / "project")
    if kind == "venv":
        path = f"{VENV_BIN}:{PLAIN_PATH}"
    else:
        bin_dir = tmp_path / "conda-env" / "bin"
        bin_dir.mkdir(parents=True)
        python = bin_dir / "python3"
        python.write_text(f'#!/bin/sh\nexec "{VENV_BIN / "python"}" "$@"\n', encoding="utf-8")
        python.chmod(0o755)
        path = f"{bin_dir}:{PLAIN_PATH}"
    output = repro(root, str(VENV_BIN / "dvc"), plain_env(path), "demo")
    assert "Running stage 'demo'" in output
    assert_umask_027(root / "data" / "raw" / "demo")
