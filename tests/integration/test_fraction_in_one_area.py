"""Issue 29: a fraction in one area of a wave, or one value beside its series, is stopped.

The whole-wave rule missed a wave whose other areas were right; the jump rule skips
values under `jump_min_value`. Through the real validation suites, from the sources
written by hand after docs/data_formats.md (tests/validate_fixtures.py).
"""

from __future__ import annotations

import csv
import io

from validate_fixtures import validation_run

SURVEY = "data/raw/local/survey/gezondheidsmonitor.csv"


def _edit(path, change) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _as_fraction(row: dict) -> None:
    for column in ("percentage", "ondergrens", "bovengrens"):
        row[column] = str(round(float(row[column]) / 100, 3))


def test_one_area_of_a_wave_written_as_fractions_stops(project, written, capsys):
    def one_area(rows: list[dict]) -> None:
        area = next(r["gebiedcode"] for r in rows if r["jaar"] == "2024")
        for row in rows:
            if row["jaar"] == "2024" and row["gebiedcode"] == area:
                _as_fraction(row)

    _edit(written / SURVEY, one_area)
    run = validation_run(project, written, capsys)
    assert run.code == 1
    assert f"{SURVEY}, column percentage" in run.critical and "not a fraction" in run.critical


def test_one_value_written_as_a_fraction_beside_its_series_stops(project, written, capsys):
    def one_value(rows: list[dict]) -> None:
        row = next(r for r in rows if r["jaar"] == "2024" and float(r["percentage"]) >= 10)
        _as_fraction(row)

    _edit(written / SURVEY, one_value)
    run = validation_run(project, written, capsys)
    assert run.code == 1
    assert "not a fraction" in run.critical and "(1 row)" in run.critical
