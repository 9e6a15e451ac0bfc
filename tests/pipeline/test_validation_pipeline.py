"""Issue 16: the new plausibility and personal-data rules through the real `dvc repro`.

A copy of the project set up as the README tells a user: own sources in
data/raw/local (written after docs/data_formats.md), tracked with `dvc add`, and
`local_data` pointed at them. Three faults: a budget a hundred times the year before,
survey respondents above the area's adult population, a person named in a note's
source. The run must stop at validate naming file, row and rule of each, echo no
personal value in the console or any output, and leave the raw files unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from support import VENV_BIN, copy_built, digests, run
from validate_fixtures import write_local_sources

from helpers.config import Paths, load_project

DVC = str(VENV_BIN / "dvc")
LOCAL = "data/raw/local"
NAME = "Piet de Vries"


def _edit_csv(path: Path, change) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _faults(project, local: Path) -> dict[str, int]:
    """Write the three faults; return the CSV line of the two table faults."""
    lines: dict[str, int] = {}

    def budget(rows: list[dict]) -> None:
        at = max(i for i, r in enumerate(rows) if r["jaar"] == "2024")
        rows[at]["budget_eur"] = "2500000"
        lines["budget"] = at + 2

    def respondents(rows: list[dict]) -> None:
        at = next(i for i, r in enumerate(rows) if r["gebiedcode"].startswith("WK"))
        rows[at]["n"] = "900000"
        lines["n"] = at + 2

    _edit_csv(local / "registrations" / "overvecht.csv", budget)
    _edit_csv(local / "survey" / "gezondheidsmonitor.csv", respondents)
    notes = local / "notes" / "overvecht" / f"{project.cycle.cycle.year}.yaml"
    text = notes.read_text(encoding="utf-8")
    assert "source: bewoner, inloopochtend" in text
    notes.write_text(
        text.replace("source: bewoner, inloopochtend", f"source: {NAME}, bewoner"),
        encoding="utf-8",
    )
    return lines


@pytest.fixture(scope="module")
def stopped(cold_build, tmp_path_factory) -> tuple[Path, object, dict[str, int], dict[str, str]]:
    built = cold_build[0]
    root = copy_built(built, tmp_path_factory.mktemp("validation-pipeline") / "project")
    project = load_project(Paths.from_root(root))
    local = write_local_sources(project, root / LOCAL)
    lines = _faults(project, local)
    cycle = root / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    cycle.write_text(
        text.replace("local_data: data/raw/demo", f"local_data: {LOCAL}"), encoding="utf-8"
    )
    run([DVC, "add", LOCAL], root)
    before = {**digests(local), **downstream_outputs(root)}
    result = run([DVC, "repro", "validate"], root, check=False)
    return root, result, lines, before


def downstream_outputs(root: Path) -> dict[str, str]:
    """What the stages after validate wrote in the build the copy was made from."""
    processed = root / "data" / "processed"
    return {
        f"{folder}/{name}": digest
        for folder in ("indicators", "summaries", "programmes")
        for name, digest in digests(processed / folder).items()
    }


def test_dvc_repro_stops_at_validate_naming_file_row_and_rule(stopped):
    _, result, lines, _ = stopped
    message = result.stdout + result.stderr
    assert result.returncode != 0, message
    assert "Running stage 'validate'" in message
    critical = "\n".join(line for line in message.splitlines() if line.startswith("critical"))
    registrations = f"{LOCAL}/registrations/overvecht.csv, column budget_eur (1 row): "
    assert registrations + f"line {lines['budget']} (row {lines['budget'] - 1})" in critical
    assert "→ 2024 2500000 (factor 100.0" in critical
    assert "plausibility.jump_stop" in critical
    survey = f"{LOCAL}/survey/gezondheidsmonitor.csv, column inwoners_15_plus, n (1 row): "
    assert survey + f"line {lines['n']} (row {lines['n'] - 1})" in critical
    assert "n does not exceed the inhabitants aged 15 or older" in critical
    assert f"{LOCAL}/notes/overvecht/" in critical and "(item 1, source)" in critical
    assert "no personal data in the notes: name" in critical
    assert "validation stopped the pipeline: 3 critical failure(s)" in message


def test_no_personal_value_in_the_console_or_any_output(stopped):
    root, result, _, _ = stopped
    paths = Paths(root)
    outputs = [
        paths.validation_report_dir / "index.html",
        paths.validation_dir / "findings.json",
        paths.validation_dir / "summary.json",
    ]
    texts = [result.stdout, result.stderr, *(p.read_text(encoding="utf-8") for p in outputs)]
    for secret in (NAME, "Vries"):
        assert not [t for t in texts if secret in t], secret
    findings = json.loads(outputs[1].read_text(encoding="utf-8"))
    assert {f["severity"] for f in findings if "name" in f["rule"]} == {"critical"}


def test_raw_files_unchanged_and_nothing_downstream_ran(stopped):
    root, result, _, before = stopped
    assert {**digests(root / LOCAL), **downstream_outputs(root)} == before
    assert "Running stage 'indicators'" not in result.stdout + result.stderr
    assert len(downstream_outputs(root)) > 50, "the built outputs are there, unchanged"
