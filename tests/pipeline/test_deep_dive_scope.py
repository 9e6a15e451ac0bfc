"""A new deep dive reruns only its programme (docs/cycle.md, "What `dvc repro` reruns").

Adding one is a notebook in notebooks/deep_dives/ and its name under `deep_dives:` in
the programme file. The `indicators` and `joint` stages declare only the keys of the
programme files they read, not `deep_dives`, so the real `dvc repro` reruns `analyse`
(that programme's notebooks only), then `report` and the audit of the pages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import ALWAYS_CHANGED, VENV_BIN, copy_built, digests, run, stages_run

pytestmark = pytest.mark.pipeline

DVC = str(VENV_BIN / "dvc")
PROGRAMMES = ["overvecht", "soesterkwartier", "vollenhove", "betere_buurten"]
NEW = "eenzaamheid_buurten"


def stages_listed(status: str) -> set[str]:
    """The stages `dvc status` lists (its unindented `<stage>:` lines)."""
    return {
        line.rstrip(":")
        for line in status.splitlines()
        if line.endswith(":") and not line.startswith((" ", "\t"))
    }


def test_a_new_deep_dive_reruns_only_its_programmes_notebooks(cold_build, tmp_path: Path):
    built, _ = cold_build
    root = copy_built(built, tmp_path / "project")
    processed = root / "data" / "processed"
    before = {name: digests(processed / name) for name in ("indicators", "summaries", "joint")}
    programmes = {key: digests(processed / "programmes" / key) for key in PROGRAMMES}
    dives = root / "notebooks" / "deep_dives"
    shutil.copy(dives / "eenzaamheid.ipynb", dives / f"{NEW}.ipynb")
    params = root / "params" / "programmes" / "overvecht.yaml"
    text = params.read_text(encoding="utf-8")
    assert text.count("deep_dives: [eenzaamheid]") == 1
    params.write_text(
        text.replace("deep_dives: [eenzaamheid]", f"deep_dives: [eenzaamheid, {NEW}]"),
        encoding="utf-8",
    )

    # report and audit read the programme files whole (each report states its file's md5)
    status = run([DVC, "status"], root).stdout
    assert stages_listed(status) - ALWAYS_CHANGED == {"analyse", "report", "audit"}, status
    result = run([DVC, "repro"], root, timeout=1800)
    assert stages_run(result.stdout) - ALWAYS_CHANGED == {"analyse", "report", "audit"}
    executing = [line for line in result.stdout.splitlines() if ": executing (" in line]
    assert len(executing) == 1 and "analyse overvecht: executing" in executing[0], executing
    for other in PROGRAMMES[1:]:
        assert f"analyse {other}: up to date, not executed" in result.stdout
        assert digests(processed / "programmes" / other) == programmes[other]
    assert (processed / "programmes" / "overvecht" / "deep_dives" / NEW / f"{NEW}.ipynb").is_file()
    for name, found in before.items():
        assert digests(processed / name) == found, name

    # the contrast: a target, which the indicators stage does read, does list it
    changed = params.read_text(encoding="utf-8").replace("value: 650", "value: 660", 1)
    params.write_text(changed, encoding="utf-8")
    status = run([DVC, "status"], root).stdout
    assert {"indicators", "analyse", "joint"} <= stages_listed(status), status
