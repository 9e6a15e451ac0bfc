"""One cold build of the demo cycle, shared by every pipeline test.

A cold `dvc repro` is the costliest thing the suite does (1-2 minutes on 2 cores), so
it is made once per session, the way a researcher types it in a fresh shell
(`.venv/bin/dvc repro`, PATH=/usr/bin:/bin, umask 027): it also serves the umask and
launcher checks. It computes like the plainest x86-64 CPU (`support.generic_cpu_env`),
while the committed `dvc.lock` is made on the maintainer's own, optimised kernels: so
every test that compares it with the committed lock, or with a rerun in the default
environment, compares two BLAS kernels too. Tests read it (`cold_build`) or change a
private copy (`built_copy`, `support.copy_built`); none writes into it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from filelock import FileLock
from support import VENV_BIN, beside_shared, copy_built, copy_project, generic_cpu_env
from test_stage_commands import plain_env

UMASK = 0o027


def build_cold(folder: Path) -> tuple[Path, str]:
    """A fresh copy of the project in `folder` after one cold `dvc repro`, and its output."""
    root = copy_project(folder / "project")
    (root / ".venv").symlink_to(VENV_BIN.parent, target_is_directory=True)
    result = subprocess.run(
        [".venv/bin/dvc", "repro"],
        cwd=root,
        env={**plain_env(), **generic_cpu_env()},
        capture_output=True,
        text=True,
        timeout=1800,
        umask=UMASK,
    )
    if result.returncode != 0:
        raise AssertionError(f"cold dvc repro exited {result.returncode}\n{result.stderr[-5000:]}")
    return root, result.stdout + result.stderr


@pytest.fixture(scope="session")
def cold_build(tmp_path_factory, worker_id: str) -> tuple[Path, str]:
    """A fresh copy of the project after one cold `dvc repro`, and that run's output.

    Under `pytest -n 2` (make test) each worker is a session of its own: the first to
    need the build makes it, under a lock in the workers' common temporary folder; the
    other waits, then reads it. So the suite pays for one cold build. A failed build is
    recorded, and the other worker reports it instead of building again."""
    if worker_id == "master":
        return build_cold(tmp_path_factory.mktemp("cold-build"))
    folder = tmp_path_factory.getbasetemp().parent / "cold-build"
    output = folder / "dvc-repro-output.txt"
    failure = folder / "dvc-repro-failure.txt"
    with FileLock(f"{folder}.lock"):
        if failure.is_file():
            raise AssertionError(failure.read_text(encoding="utf-8"))
        if not output.is_file():
            folder.mkdir(exist_ok=True)
            try:
                built = build_cold(folder)
            except AssertionError as error:
                failure.write_text(str(error), encoding="utf-8")
                raise
            output.write_text(built[1], encoding="utf-8")
    return folder / "project", output.read_text(encoding="utf-8")


@pytest.fixture
def built_copy(cold_build, tmp_path) -> Path:
    """A private copy of the cold build, DVC cache and git history included, to change."""
    return copy_built(cold_build[0], tmp_path / "project")


@pytest.fixture(autouse=True)
def project_copies_lie_beside_shared(tmp_path: Path) -> None:
    """A test's own copies (`tmp_path / "project"`) see ../shared as the build did."""
    beside_shared(tmp_path / "project")
