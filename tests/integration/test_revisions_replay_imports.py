"""The `revisions` command a no-op `dvc repro` runs replays its last run without
importing pydantic, pandas or PyYAML (runtime/stage_memo.py), and imports them again,
in the full run, as soon as a params file changed. Run as DVC runs it: `sh
bin/wijkmonitor revisions` at the project root."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from support import REPO

from helpers.config import Paths

HEAVY = ("pydantic", "pandas", "yaml", "helpers.config.models")


def revisions(root: Path) -> tuple[str, set[str]]:
    """Console output and the modules the command imported (`python -X importtime`)."""
    env = {k: v for k, v in os.environ.items() if k != "WIJKMONITOR_ROOT"}
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    result = subprocess.run(
        ["sh", str(root / "bin" / "wijkmonitor"), "revisions"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return result.stdout, imported


def test_a_replay_imports_nothing_heavy_and_a_params_change_runs_in_full(tmp_path):
    root = tmp_path / "project"
    for folder in ("params", "bin", "src", "notebooks/deep_dives"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for path in Paths(REPO).pipeline_files:
        (root / path.relative_to(REPO)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / path.relative_to(REPO))
    (root / ".venv").symlink_to(REPO / ".venv")
    published = Paths(root).cbs_published

    full, imported = revisions(root)
    assert {"pydantic", "helpers.config.models"} <= imported, "the first run is a full one"
    written = published.read_bytes()
    replay, imported = revisions(root)
    assert replay == full, "the same console lines"
    assert published.read_bytes() == written
    assert not set(HEAVY) & imported, sorted(set(HEAVY) & imported)

    cycle = root / "params" / "cycle.yaml"
    cycle.write_text(cycle.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _, imported = revisions(root)
    assert "pydantic" in imported, "a changed params file: the full run, params checked"
