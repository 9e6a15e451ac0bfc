"""The habits that keep the shared codebase healthy: no outputs in committed notebooks,
and the pre-commit hooks (ruff, nbstripout, check-yaml, DVC's git hooks) run for real."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support import REPO, VENV_BIN, copy_project, pipeline_env

PRE_COMMIT = str(VENV_BIN / "pre-commit")


def committed_notebooks() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "notebooks"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return [REPO / name for name in listed if name.endswith(".ipynb")]


def test_committed_notebooks_hold_no_outputs():
    notebooks = committed_notebooks()
    assert len(notebooks) >= 4
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert code, path
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), path


def _pre_commit(root: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**pipeline_env(), "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [PRE_COMMIT, "run", "--all-files", "--color", "never"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.skipif(
    os.environ.get("CI") != "true" and not os.environ.get("WIJKMONITOR_PRECOMMIT"),
    reason="installs the hooks from PyPI (about a minute); runs under CI=true",
)
def test_pre_commit_hooks_strip_outputs_and_pass_on_the_project(tmp_path):
    root = copy_project(tmp_path / "project")
    notebook = root / "notebooks" / "programme.ipynb"
    data = json.loads(notebook.read_text(encoding="utf-8"))
    code = next(c for c in data["cells"] if c["cell_type"] == "code")
    code["execution_count"] = 1
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["52,9%\n"]}]
    notebook.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    first = _pre_commit(root, tmp_path / "cache")
    report = first.stdout + first.stderr
    assert first.returncode == 1, report
    assert "nbstripout" in report and "files were modified by this hook" in report
    assert "52,9%" not in notebook.read_text(encoding="utf-8")
    for hook in ("ruff (lint", "check-yaml", "DVC pre-commit"):
        line = next(line for line in report.splitlines() if line.startswith(hook))
        assert line.rstrip().endswith("Passed"), line
    second = _pre_commit(root, tmp_path / "cache")
    assert second.returncode == 0, second.stdout + second.stderr


def test_the_commit_msg_hook_refuses_a_long_subject_and_a_missing_body(tmp_path):
    """`pre-commit install` sets up the commit-msg hook; `git commit` then refuses a
    message the hook rejects and keeps one it accepts (only that hook is installed here:
    the others install from PyPI)."""
    root = tmp_path / "repo"
    (root / "bin").mkdir(parents=True)
    for name in (".pre-commit-config.yaml", "bin/check_commit_msg.py"):
        (root / name).write_bytes((REPO / name).read_bytes())
    (root / "bin/check_commit_msg.py").chmod(0o755)
    env = {
        **pipeline_env(),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)

    assert run("git", "init", "-q").returncode == 0
    installed = run(PRE_COMMIT, "install", "--hook-type", "commit-msg")
    assert installed.returncode == 0, installed.stderr
    assert run("git", "add", ".").returncode == 0
    long = run("git", "commit", "-q", "-m", "x" * 80, "-m", "why")
    assert long.returncode == 1 and "80 characters (at most 72)" in long.stderr, long.stderr
    bare = run("git", "commit", "-q", "-m", "Add the hook")
    assert bare.returncode == 1 and "add a body" in bare.stderr, bare.stderr
    good = run("git", "commit", "-q", "-m", "Add the hook", "-m", "So subjects stay short.")
    assert good.returncode == 0, good.stderr
    assert run("git", "log", "--format=%s").stdout.strip() == "Add the hook"
