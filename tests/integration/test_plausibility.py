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
    def small_series(rows: list[dict]) -> None:
        """A series (area, indicator) that is small in every wave: plausible (issue 29)."""
        area, indicator = rows[0]["gebiedcode"], rows[0]["indicator"]
        for row in rows:
            if (row["gebiedcode"], row["indicator"]) == (area, indicator):
                row.update(percentage="0.8", ondergrens="0.5", bovengrens="1.1")

    edit(root / SURVEY, small_series)
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


# ------------------------------------------------------------ year-on-year jumps


def _set(rows: list[dict], match: dict, **values: str) -> None:
    """Set `values` in every row whose fields equal `match` (at least one must)."""
    hits = [row for row in rows if all(row[k] == v for k, v in match.items())]
    assert hits, f"no row {match}"
    for row in hits:
        row.update(values)


def _project_name(project) -> str:
    return sorted({e.project for g in project.programmes["overvecht"].goals for e in g.efforts})[0]


def test_a_jump_beyond_the_warning_factor_is_a_warning_naming_row_column_and_years(
    project, root, capsys
):
    name = _project_name(project)
    edit(
        root / REGISTRATIONS,
        lambda rows: _set(rows, {"jaar": "2022", "project": name}, deelnemers="600"),
    )
    run = validation_run(project, root, capsys)
    assert run.code == 0, run.critical
    warning = next(
        line for line in run.output.splitlines() if "warning" in line and "factor 3" in line
    )
    assert f"{REGISTRATIONS}, column deelnemers (2 rows)" in warning
    assert f"(project {name}): 2021 150 → 2022 600 (factor 4.0; previous year at line " in warning
    assert f"(project {name}): 2022 600 → 2023 150 (factor 4.0" in warning
    assert "changes by at most a factor 3 between consecutive years" in warning
    assert "params/cycle.yaml plausibility.jump_warn" in warning
    rule = next(f for f in run.findings if "plausibility.jump_warn" in f["rule"])
    assert rule["severity"] == "warning" and rule["column"] == "deelnemers"


def test_a_jump_beyond_the_stop_factor_stops_the_run(project, root, capsys):
    name = _project_name(project)
    edit(
        root / REGISTRATIONS,
        lambda rows: _set(rows, {"jaar": "2024", "project": name}, budget_eur="2500000"),
    )
    run = validation_run(project, root, capsys)
    assert run.code == 1
    assert f"{REGISTRATIONS}, column budget_eur (1 row)" in run.critical
    assert "2023 25000 → 2024 2500000 (factor 100.0" in run.critical
    assert "at most a factor 20 between consecutive years" in run.critical
    assert "plausibility.jump_stop" in run.critical


def test_the_factors_come_from_params(project, root, capsys):
    name = _project_name(project)
    edit(
        root / REGISTRATIONS,
        lambda rows: _set(rows, {"jaar": "2022", "project": name}, deelnemers="600"),
    )
    settings = project.cycle.plausibility.model_copy(update={"jump_warn": 5.0})
    cycle = project.cycle.model_copy(update={"plausibility": settings})
    run = validation_run(project.model_copy(update={"cycle": cycle}), root, capsys)
    assert run.code == 0
    assert not [f for f in run.findings if "jump" in f["rule"]], run.findings


def test_small_counts_are_not_compared(project, root, capsys):
    """8 volunteers one year and 40 the next: below jump_min_value, a start is no error."""
    name = _project_name(project)
    edit(
        root / REGISTRATIONS,
        lambda rows: _set(rows, {"jaar": "2022", "project": name}, vrijwilligers="40"),
    )
    run = validation_run(project, root, capsys)
    assert run.code == 0
    assert not [f for f in run.findings if "jump" in f["rule"]], run.findings


def test_a_survey_percentage_jump_is_a_warning(project, root, capsys):
    def lower(rows: list[dict]) -> None:
        row = next(r for r in rows if r["jaar"] == "2022" and r["gebiedcode"].startswith("WK"))
        row.update(percentage="12.0", ondergrens="10.0", bovengrens="14.0")
        lower.area, lower.indicator = row["gebiedcode"], row["indicator"]

    edit(root / SURVEY, lower)
    run = validation_run(project, root, capsys)
    assert run.code == 0, run.critical
    rule = next(f for f in run.findings if "plausibility.jump_warn" in f["rule"])
    assert rule["file"] == SURVEY and rule["column"] == "percentage" and rule["rows"] == 2
    assert f"gebiedcode {lower.area}, indicator {lower.indicator}): 2020 40" in rule["examples"][0]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("  jump_warn: 3\n  jump_stop: 2\n", "key plausibility: jump_stop (2) must not be below"),
        ("  jump_warn: 1\n", "key plausibility.jump_warn: Input should be greater than 1"),
        ("  jump_warn: drie\n", "key plausibility.jump_warn"),
        ("  jump_factor: 3\n", "key plausibility.jump_factor"),
    ],
)
def test_a_wrong_factor_stops_at_load_naming_file_and_key(tmp_path, settings, message):
    from support import REPO

    from helpers.config import Cycle, ParamsError, load_model

    text = (REPO / "params" / "cycle.yaml").read_text(encoding="utf-8")
    start = text.index("plausibility:\n")
    end = text.index("\n\n", start)
    path = tmp_path / "cycle.yaml"
    path.write_text(text[:start] + "plausibility:\n" + settings + text[end:], encoding="utf-8")
    with pytest.raises(ParamsError) as raised:
        load_model(Cycle, path)
    assert str(path) in str(raised.value) and message in str(raised.value)


# ------------------------------------------------------------ survey n and age group


def test_survey_n_above_the_adult_population_of_the_area_is_critical(project, root, capsys):
    def inflate(rows: list[dict]) -> None:
        at = next(i for i, r in enumerate(rows) if r["gebiedcode"].startswith("WK"))
        rows[at]["n"] = "500000"
        inflate.line = at + 2

    edit(root / SURVEY, inflate)
    run = validation_run(project, root, capsys)
    assert run.code == 1
    assert f"{SURVEY}, column inwoners_15_plus, n (1 row)" in run.critical
    assert f"line {inflate.line} (row {inflate.line - 1}): inwoners_15_plus " in run.critical
    assert "n '500000'" in run.critical
    assert "n does not exceed the inhabitants aged 15 or older of the area" in run.critical
