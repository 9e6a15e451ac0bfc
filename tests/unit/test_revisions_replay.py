"""A no-op `revisions` run replays its last full run, and only when nothing it reads
changed: the params, the pipeline files, the code, the root, and no link in the local
data folder (runtime/stage_memo.py). That it imports no pydantic is
tests/integration/test_revisions_replay_imports.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import REPO

from helpers.cli import main
from helpers.config import Paths, load_project
from helpers.runtime import stage_memo


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with params and pipeline files, revisions run once in full from its root."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "params", root / "params")
    shutil.copytree(REPO / "notebooks" / "deep_dives", root / "notebooks" / "deep_dives")
    for path in Paths(REPO).pipeline_files:
        target = root / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    monkeypatch.chdir(root)
    monkeypatch.delenv("WIJKMONITOR_ROOT", raising=False)
    assert main(["revisions"]) == 0
    assert stage_memo.memo_file(root, "revisions").is_file()
    return root


def published(root: Path) -> Path:
    return Paths(root).cbs_published


def test_an_unchanged_project_replays_the_same_bytes_and_lines(project, capsys):
    expected = published(project).read_bytes()
    published(project).unlink()
    capsys.readouterr()
    assert stage_memo.replay(project, "revisions")
    assert published(project).read_bytes() == expected
    assert "revisions: source is demo, no CBS tables to check" in capsys.readouterr().out


def test_a_changed_params_file_runs_in_full(project):
    cycle = project / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    cycle.write_text(text.replace("2024: 85984NED", "2024: 85985NED"), encoding="utf-8")
    assert not stage_memo.replay(project, "revisions")
    assert main(["revisions"]) == 0, "the full run, which remembers anew"
    tables = json.loads(published(project).read_text(encoding="utf-8"))["tables"]
    assert "85985NED" in tables and "85984NED" not in tables
    assert stage_memo.replay(project, "revisions")


def test_a_changed_pipeline_file_or_another_root_runs_in_full(project, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(project, moved)
    assert not stage_memo.replay(moved, "revisions"), "the memo names its own root"
    revisions = Paths(project).revisions_dvc_yaml
    revisions.write_text(revisions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not stage_memo.replay(project, "revisions")


def test_a_link_in_the_local_data_folder_runs_in_full(project, tmp_path):
    paths = Paths(project)
    local = paths.local_data(load_project(paths))
    local.mkdir(parents=True, exist_ok=True)
    (tmp_path / "elsewhere.csv").write_text("a\n", encoding="utf-8")
    assert stage_memo.replay(project, "revisions")
    (local / "linked.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert not stage_memo.replay(project, "revisions"), "the full run refuses the link"
    assert main(["revisions"]) == 1


def test_an_unreadable_memo_runs_in_full(project):
    stage_memo.memo_file(project, "revisions").write_text("{not json", encoding="utf-8")
    assert not stage_memo.replay(project, "revisions")
