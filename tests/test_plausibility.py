"""Issue 16: plausibility rules over local data, through the real validation suites.

A survey wave written as fractions, a count with a thousands separator, more
participants than inhabitants, and a source present as both .csv and .xlsx: each
is a critical failure naming file, row, column and rule. Starts from the sources
written by hand after docs/data_formats.md (tests/validate_fixtures.py).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from validate_fixtures import validation_run

SURVEY = "data/raw/local/survey/gezondheidsmonitor.csv"
REGISTRATIONS = "data/raw/local/registrations/overvecht.csv"


@pytest.fixture
def root(written) -> Path:
    return written


def edit(path: Path, change) -> None:
    """Apply `change(rows)` to a CSV's rows (dicts of text), keeping the header order."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def validate(project, root: Path, capsys) -> tuple[int, str, list[dict]]:
    run = validation_run(project, root, capsys)
    return run.code, run.critical, run.findings


def test_survey_wave_written_as_fractions(project, root, capsys):
    def to_fractions(rows: list[dict]) -> None:
        for row in rows:
            if row["jaar"] == "2024":
                for column in ("percentage", "ondergrens", "bovengrens"):
                    row[column] = str(round(float(row[column]) / 100, 3))

    edit(root / SURVEY, to_fractions)
    code, critical, findings = validate(project, root, capsys)
    assert code == 1
    assert f"{SURVEY}, column percentage" in critical
    assert "not a fraction" in critical and "line " in critical and "'0.4'" in critical
    rule = next(f for f in findings if "not a fraction" in f["rule"])
    waves = pd.read_csv(root / SURVEY)
    assert rule["rows"] == int((waves["jaar"] == 2024).sum()), "only the 2024 wave"


def test_one_small_percentage_is_not_a_fraction_wave(project, root, capsys):
    edit(root / SURVEY, lambda rows: rows[0].update(percentage="0.8", ondergrens="0.5"))
    code, critical, findings = validate(project, root, capsys)
    assert code == 0, critical
    assert not [f for f in findings if "fraction" in f["rule"]]


@pytest.mark.parametrize(
    ("relative", "column", "value"),
    [(REGISTRATIONS, "budget_eur", "238.000"), (SURVEY, "n", "2.000")],
    ids=["budget_eur", "survey n"],
)
def test_thousands_separator_is_named_by_file_row_and_column(
    project, root, capsys, relative, column, value
):
    edit(root / relative, lambda rows: rows[1].update({column: value}))
    code, critical, _ = validate(project, root, capsys)
    assert code == 1
    assert f"{relative}, column {column} (1 row): line 3 (row 2): '{value}'" in critical
    assert "without a thousands separator" in critical


def test_more_participants_than_inhabitants(project, root, capsys):
    edit(root / REGISTRATIONS, lambda rows: rows[1].update(deelnemers="5000000"))
    code, critical, _ = validate(project, root, capsys)
    assert code == 1
    assert f"{REGISTRATIONS}, column inwoners, deelnemers (1 row)" in critical
    assert "line 3 (row 2): inwoners 12000.0, deelnemers '5000000'" in critical
    assert "does not exceed the inhabitants of the programme area" in critical


def test_csv_and_xlsx_of_one_source_is_critical_naming_both(project, root, capsys):
    path = root / REGISTRATIONS
    pd.read_csv(path, dtype=str).to_excel(path.with_suffix(".xlsx"), index=False)
    code, critical, _ = validate(project, root, capsys)
    assert code == 1
    assert "registrations/overvecht.csv and " in critical
    assert "registrations/overvecht.xlsx both exist" in critical
    assert "one export per source" in critical
