"""Validation with real great-expectations suites over demo data and corrupted copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import digests
from validate_fixtures import topic_keys, validation_run

from helpers.config import Paths
from helpers.sources import demo
from helpers.stages.validate import main_validate, validate_sources
from helpers.validation.report import summary_to_html, summary_to_json
from helpers.validation.results import CRITICAL, WARNING


@pytest.fixture(scope="module")
def clean_root(project, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    demo.write_demo_cbs(project, root / "data" / "raw" / "cbs")
    demo.write_demo_local(project, root / "data" / "raw" / "demo")
    return root


@pytest.fixture
def root(clean_root, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(clean_root, copy)
    return copy


def replace_in(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def run(project, root: Path, capsys) -> tuple[int, str, dict, str]:
    paths = Paths(root)
    code = main_validate(
        project,
        paths,
        root / "data" / "raw" / "demo",
        html_path=root / "reports" / "validation" / "index.html",
        json_path=root / "data" / "processed" / "validation" / "summary.json",
    )
    out = capsys.readouterr()
    summary = json.loads((root / "data/processed/validation/summary.json").read_text())
    page = (root / "reports/validation/index.html").read_text(encoding="utf-8")
    return code, out.out + out.err, summary, page


def test_demo_data_pass(project, root, capsys):
    code, output, summary, page = run(project, root, capsys)
    assert code == 0, output
    assert summary["passed"] is True and summary["critical_failures"] == 0
    assert "Validatie geslaagd" in page and "SYNTHETISCHE GEGEVENS" in page
    assert "https://" not in page, "the report works offline"


def test_out_of_range_percentage_names_file_line_column_and_value(project, root, capsys):
    survey = root / "data/raw/demo/survey/gezondheidsmonitor.csv"
    fields = survey.read_text().split("\n")[17].split(",")
    replace_in(survey, 18, f",{fields[4]},", ",140.0,")
    before = digests(root / "data" / "raw")
    code, output, summary, page = run(project, root, capsys)
    assert code == 1
    assert "data/raw/demo/survey/gezondheidsmonitor.csv" in output
    assert "line 18 (row 17)" in output and "column percentage" in output and "140.0" in output
    assert "between 0 and 100" in output
    assert summary["suites"]["survey"]["failed_critical"] >= 1
    assert "Pijplijn gestopt" in page and "140.0" in page
    assert digests(root / "data" / "raw") == before, "raw data are never modified"


def test_decimal_comma_is_not_a_number(project, root, capsys):
    survey = root / "data/raw/demo/survey/gezondheidsmonitor.csv"
    fields = survey.read_text().split("\n")[4].split(",")
    replace_in(survey, 5, f",{fields[5]},", ',"12,5",')
    code, output, _, _ = run(project, root, capsys)
    assert code == 1
    assert "column ondergrens" in output and "'12,5'" in output


def test_missing_programme_area_in_cbs_table(project, root, capsys):
    table = root / "data/raw/cbs/85984NED/TypedDataSet.json"
    rows = json.loads(table.read_text())
    table.write_text(json.dumps([r for r in rows if r["WijkenEnBuurten"] != "WK034403  "]))
    code, output, _, _ = run(project, root, capsys)
    assert code == 1
    assert "85984NED/TypedDataSet.json" in output and "WK034403" in output


def test_negative_registration_is_critical(project, root, capsys):
    path = root / "data/raw/demo/registrations/vollenhove.csv"
    fields = path.read_text().split("\n")[1].split(",")
    replace_in(path, 2, f",{fields[2]},{fields[3]},", f",-{fields[2]},{fields[3]},")
    code, output, _, _ = run(project, root, capsys)
    assert code == 1
    assert "registrations/vollenhove.csv" in output and "column activiteiten" in output


def test_unknown_project_is_only_a_warning(project, root, capsys):
    path = root / "data/raw/demo/registrations/overvecht.csv"
    project_key = path.read_text().split("\n")[1].split(",")[1]
    replace_in(path, 2, f",{project_key},", ",onbekend_project,")
    code, output, summary, _ = run(project, root, capsys)
    assert code == 0
    assert "warning:" in output and "onbekend_project" in output
    assert summary["warnings"] >= 1


def test_missing_table_is_a_critical_failure_not_a_traceback(project, root, capsys):
    shutil.rmtree(root / "data/raw/cbs/84583NED")
    code, output, _, _ = run(project, root, capsys)
    assert code == 1 and "84583NED/TypedDataSet.json" in output


def run_written(project, root: Path, capsys) -> tuple[int, str, dict, str]:
    run = validation_run(project, root, capsys)
    return run.code, run.output, run.summary, run.page


def test_documented_formats_pass_without_findings(project, written_root):
    summary = validate_sources(project, Paths(written_root), written_root / "data/raw/local")
    findings = [(s.name, o.rule, o.examples) for s in summary.suites for o in s.failed]
    assert findings == [], "the formats of docs/data_formats.md are valid as written"
    assert {o.severity for s in summary.suites for o in s.outcomes} == {CRITICAL, WARNING}
    assert not summary.synthetic
    text = summary_to_json(summary)
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert data["critical_failures"] == 0 and data["warnings"] == 0
    assert str(written_root) not in text, "the metric holds relative paths only"
    page = summary_to_html(summary)
    assert "Validatie geslaagd" in page and "SYNTHETISCHE" not in page


def test_inhabitants_found_by_base_name_whatever_the_position(project, written, capsys):
    column = topic_keys(2020)["AantalInwoners"]
    assert column != topic_keys(2021)["AantalInwoners"], "the fixture shifts positions"
    table = written / "data/raw/cbs/84799NED/TypedDataSet.json"
    rows = json.loads(table.read_text())
    rows[1][column] = 25_000_000
    table.write_text(json.dumps(rows))
    code, output, summary, _ = run_written(project, written, capsys)
    assert code == 1
    assert "84799NED/TypedDataSet.json" in output and "25000000" in output
    assert f"record 2 ({rows[1]['WijkenEnBuurten'].strip()})" in output
    assert summary["suites"]["kwb_2020_84799NED"]["failed_critical"] == 1


def test_catalogue_columns_are_expected_from_the_year_the_logbook_adds_them(
    project, written, capsys
):
    """Herkomstland is followed from 2024 (logbook), so its absence before 2024 is no
    finding (the test above); a 2024 table whose origin columns do not match is a warning
    (no value that year), never a stop."""
    folder = written / "data/raw/cbs" / project.cycle.kwb_table(2024)
    properties = json.loads((folder / "DataProperties.json").read_text())
    for record in properties:
        if record.get("Title") == "Herkomstland":
            record["Title"] = "Herkomst"
    (folder / "DataProperties.json").write_text(json.dumps(properties))
    code, output, summary, _ = run_written(project, written, capsys)
    assert code == 0, output
    assert summary["critical_failures"] == 0 and summary["warnings"] == 1
    assert "aandeel_herkomst_nederland (herkomst_nederland) in 2024" in output
    assert "from the year the logbook adds the indicator" in output
    assert " in 2023" not in output


def test_implausible_cbs_values_are_warnings_only(project, written, capsys):
    keys = topic_keys(2022)
    table = written / "data/raw/cbs/85318NED/TypedDataSet.json"
    rows = json.loads(table.read_text())
    area = next(r for r in rows if r["WijkenEnBuurten"].startswith(("WK", "BU")))
    rows[0][keys["k_65JaarOfOuder"]] = rows[0][keys["AantalInwoners"]] + 1
    area[keys["AantalInwoners"]] = None
    table.write_text(json.dumps(rows))
    code, output, summary, page = run_written(project, written, capsys)
    assert code == 0, output
    assert summary["critical_failures"] == 0
    assert summary["suites"]["kwb_2022_85318NED"]["failed_warning"] == 2
    assert output.count("warning: data/raw/cbs/85318NED/TypedDataSet.json") == 2
    over_65 = keys["k_65JaarOfOuder"]
    assert "65+" in output and f"{over_65} {rows[0][over_65]}" in output, "both sides shown"
    assert area["WijkenEnBuurten"].strip() in output
    assert "Validatie geslaagd" in page and "Waarschuwingen: 2" in page
