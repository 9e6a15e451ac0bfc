"""A finished cycle is an archive: closed with one command (freeze, check, commit, tag,
`dvc push`), the next year opened with another, and the first tag restored years later
in a fresh clone from the DVC remote, with byte-identical reports. All of it on the real
git and DVC, with a local folder as the remote."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import REVISIONS, VENV_BIN, digests, run, stages_run

from helpers.runtime.provenance import FREEZE_SUBJECT, inputs_commit

pytestmark = pytest.mark.pipeline

DVC = str(VENV_BIN / "dvc")
WIJKMONITOR = str(VENV_BIN / "wijkmonitor")


def test_close_tag_push_open_next_year_and_restore_the_first_tag(
    built_copy: Path, tmp_path: Path
) -> None:
    root = built_copy  # a fresh clone after its first `dvc repro` (conftest)
    remote = tmp_path / "archief"
    run(["git", "add", "-A"], root)
    # a fresh clone builds what its dvc.lock says: then there is nothing new to commit
    run(["git", "commit", "-qm", "cycle 2024 run", "--allow-empty"], root)
    # a tag made the old way, before the project had a remote
    run(["git", "tag", "monitor-2024-draft"], root)

    refused = run([WIJKMONITOR, "cycle", "close", "monitor-2024"], root, check=False)
    assert refused.returncode == 1
    assert "no default DVC remote in .dvc/config" in refused.stderr

    run([DVC, "remote", "add", "-d", "archief", str(remote)], root)
    (root / "params" / "programmes" / "overvecht.yaml").open("a").write("\n")
    refused = run([WIJKMONITOR, "cycle", "close", "monitor-2024"], root, check=False)
    assert refused.returncode == 1
    assert "changes that are not committed" in refused.stderr
    assert ".dvc/config" in refused.stderr and "params/programmes/overvecht.yaml" in refused.stderr
    run(["git", "checkout", "params/programmes/overvecht.yaml"], root)
    run(["git", "add", ".dvc/config"], root)
    run(["git", "commit", "-qm", "DVC remote for frozen cycles"], root)

    made_from = inputs_commit(root)
    closed = run([WIJKMONITOR, "cycle", "close", "monitor-2024"], root, timeout=900)
    assert "freezing the CBS snapshots (nothing is fetched)" in closed.stdout
    assert run([DVC, "status"], root).stdout.strip() == "Data and pipelines are up to date."
    frozen = (root / "params" / "cycle.yaml").read_text(encoding="utf-8")
    assert "  check_revisions: false" in frozen
    stamp = inputs_commit(root)
    assert stamp is not None and stamp == made_from, "the freeze changes no report input"
    subject = run(["git", "log", "-1", "--format=%s", "monitor-2024"], root).stdout
    assert subject.startswith(FREEZE_SUBJECT)
    report = root / "data" / "processed" / "programmes" / "overvecht" / "jaarrapportage.ipynb"
    assert stamp[0] in report.read_text(encoding="utf-8")
    site = digests(root / "reports" / "_site")
    assert site and any(remote.rglob("*")), "the data are in the remote"

    opened = run([WIJKMONITOR, "cycle", "open", "2025"], root)
    assert "demo Nederland 2025" in opened.stdout
    cycle = (root / "params" / "cycle.yaml").read_text(encoding="utf-8")
    assert "  year: 2025" in cycle and "2024, 2025]" in cycle
    assert "  check_revisions: true" in cycle and "    2025: 18074593" in cycle
    programme = root / "params" / "programmes" / "overvecht.yaml"
    text = programme.read_text(encoding="utf-8")
    target, changed = target_and_changed(text)
    assert target in text
    programme.write_text(text.replace(target, changed), encoding="utf-8")
    run(["git", "commit", "-qam", "cycle 2025: opened, a target changed"], root)
    status = run([DVC, "status"], root).stdout
    assert f"{REVISIONS}:" in status and "always changed" in status, "checks are on again"
    assert "fetch:" in status and "indicators:" in status

    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(root), str(clone)], tmp_path)
    run(["git", "checkout", "-q", "monitor-2024"], clone)
    run([DVC, "pull"], clone, timeout=900)
    assert digests(clone / "reports" / "_site") == site, "byte-identical reports"
    assert run([DVC, "status"], clone).stdout.strip() == "Data and pipelines are up to date."

    # the tag made before the remote existed: the remote is given on this machine only
    old = tmp_path / "old"
    run(["git", "clone", "-q", str(root), str(old)], tmp_path)
    run(["git", "checkout", "-q", "monitor-2024-draft"], old)
    missing = run([DVC, "pull"], old, check=False)
    assert missing.returncode != 0
    run([DVC, "remote", "add", "--local", "-d", "archief", str(remote)], old)
    run([DVC, "pull"], old, timeout=900)
    assert digests(old / "reports" / "_site") == site
    assert stages_run(run([DVC, "repro"], old, timeout=900).stdout) == {REVISIONS}


def target_and_changed(programme_yaml: str) -> tuple[str, str]:
    """The programme file's first target as it is written, and the same target two
    points higher: read from the params, so the test follows whatever the demo targets."""
    first = yaml.safe_load(programme_yaml)["targets"][0]
    block = "  - indicator: {indicator}\n    year: {year}\n    value: {value}\n"
    return block.format(**first), block.format(**{**first, "value": first["value"] + 2})
