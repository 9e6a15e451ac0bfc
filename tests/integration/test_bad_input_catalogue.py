"""The bad-input catalogue: each broken input gets its severity and a message a person can act on.

Every case starts from the demo data, breaks one thing, runs the real
great-expectations suites it breaks through `main_validate`, and checks the exit
code, the severity, the named file, column and rule, and that no raw file and no
earlier output was touched. A case runs only the kinds of suite its source feeds
(`Case.kinds`: its name's first word, or `suites` where a break reaches further,
as a KWB population feeds the survey's and registrations' plausibility rules), not
all 21 suites 46 times; the untouched demo data are validated whole, once.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from support import digests

from helpers.config import Paths
from helpers.sources import demo
from helpers.stages.validate import SUITES, main_validate

SURVEY = "data/raw/demo/survey/gezondheidsmonitor.csv"
KWB = "data/raw/cbs/85984NED"
REG = "data/raw/demo/registrations/vollenhove.csv"
NOTES = "data/raw/demo/notes/overvecht/2024.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Callable[[Path], None]
    severity: str | None  # None: the input is fine (read kindly), no failure at all
    fragments: tuple[str, ...] = ()
    suites: tuple[str, ...] = ()  # the kinds of suite it breaks, where not its name's

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of suite (`helpers.stages.validate.SUITES`) this case is run with."""
        return self.suites or (KIND[self.name.split()[0]],)


KIND = {
    "kwb": "kwb",
    "survey": "survey",
    "registration": "registrations",
    "registrations": "registrations",
    "note": "notes",
    "notes": "notes",
}


# ------------------------------------------------------------------------- mutations


def edit_csv(relative: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        rows[row][column] = value
        write_rows(path, list(rows[0]), rows)

    return apply


def write_rows(path: Path, columns: list[str], rows: list[dict], delimiter: str = ",") -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def transform_csv(relative: str, change: Callable[[pd.DataFrame], pd.DataFrame], **to_csv):
    def apply(root: Path) -> None:
        path = root / relative
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        change(frame).to_csv(path, index=False, lineterminator="\n", **to_csv)

    return apply


def write_text(relative: str, text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).write_bytes(text.encode(encoding))

    return apply


def survey_as_excel(merge_header: bool) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        from openpyxl import load_workbook

        source = root / SURVEY
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
        target = source.with_suffix(".xlsx")
        frame.to_excel(target, index=False)
        if merge_header:
            book = load_workbook(target)
            book.active.merge_cells("E1:F1")
            book.save(target)
        source.unlink()

    return apply


def edit_kwb(change: Callable[[list[dict]], list[dict]], entity: str = "TypedDataSet"):
    def apply(root: Path) -> None:
        path = root / KWB / f"{entity}.json"
        path.write_text(json.dumps(change(json.loads(path.read_text())), indent=2))

    return apply


def kwb_cell(code: str, key: str, value: object):
    def change(rows: list[dict]) -> list[dict]:
        for row in rows:
            if row["WijkenEnBuurten"].strip() == code:
                row[key] = value
        return rows

    return edit_kwb(change)


def edit_notes(change: Callable[[dict], None]) -> Callable[[Path], None]:
    import yaml

    def apply(root: Path) -> None:
        path = root / NOTES
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(document)
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    return apply


def note_field(field: str, value: str):
    return edit_notes(lambda d: d["items"][0].__setitem__(field, value))


def drop_rows(relative: str, keep: Callable[[pd.DataFrame], pd.Series]):
    return transform_csv(relative, lambda f: f[keep(f)])


def remove(relative: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return apply


def cp1252_survey(root: Path) -> None:
    path = root / SURVEY
    text = path.read_text(encoding="utf-8").replace("Vollenhove", "Vollenhové")
    path.write_bytes(text.encode("cp1252"))


CASES = [
    # CBS KWB tables
    Case(
        "kwb malformed region key",
        kwb_cell("WK034403", "WijkenEnBuurten", "WK03440   "),
        "critical",
        (KWB, "WijkenEnBuurten", "WKnnnnnn"),
    ),
    Case(
        "kwb duplicate region",
        edit_kwb(lambda rows: [*rows, rows[5]]),
        "critical",
        (KWB, "column code", "appears once"),
    ),
    Case(
        "kwb programme area missing",
        edit_kwb(lambda rows: [r for r in rows if r["WijkenEnBuurten"] != "BU03550205"]),
        "critical",
        (KWB, "missing: BU03550205"),
    ),
    Case(
        "kwb area code of another year (not in the region list)",
        edit_kwb(lambda rows: [r for r in rows if r["Key"] != "WK034403  "], "WijkenEnBuurten"),
        "critical",
        ("WK034403", "region list", "params/programmes/overvecht.yaml"),
        suites=("kwb", "params"),
    ),
    Case(
        "kwb negative population",
        kwb_cell("WK034403", "AantalInwoners_5", -5),
        "critical",
        (KWB, "column AantalInwoners_5", "between 0 and 20 000 000"),
        suites=("kwb", "survey", "registrations"),
    ),
    Case(
        "kwb text in a numeric column",
        kwb_cell("WK034403", "AantalInwoners_5", "veel"),
        "critical",
        (KWB, "AantalInwoners_5", "'veel'", "is a number"),
    ),
    Case(
        "kwb CBS marker in a numeric column",
        kwb_cell("BU03560101", "AantalInwoners_5", "."),
        "warning",
        (KWB, "AantalInwoners_5", "marker"),
    ),
    Case(
        "kwb unknown region type",
        kwb_cell("WK034403", "SoortRegio_2", "Stadsdeel "),
        "critical",
        (KWB, "column soort", "Land, Gemeente, Wijk or Buurt"),
    ),
    Case(
        "kwb table of the wrong year",
        edit_kwb(lambda info: [{**info[0], "Period": "2023"}], "TableInfos"),
        "critical",
        (KWB, "Period is 2024"),
    ),
    Case(
        "kwb more elderly than inhabitants",
        kwb_cell("WK034403", "k_65JaarOfOuder_12", 10**6),
        "warning",
        (KWB, "65+"),
    ),
    Case(
        "kwb table missing",
        remove("data/raw/cbs/84583NED"),
        "critical",
        ("84583NED", "dvc repro fetch"),
    ),
    Case(
        "kwb truncated json",
        write_text(f"{KWB}/TypedDataSet.json", '[{"ID": 0, '),
        "critical",
        (KWB, "valid cbsodata JSON"),
    ),
    # survey export
    Case(
        "survey percentage above 100",
        edit_csv(SURVEY, 10, "percentage", "140.0"),
        "critical",
        (SURVEY, "line 12 (row 11)", "column percentage", "between 0 and 100"),
    ),
    Case(
        "survey negative n",
        edit_csv(SURVEY, 3, "n", "-4"),
        "critical",
        (SURVEY, "column n", "not negative"),
    ),
    Case(
        "survey Dutch decimal comma",
        edit_csv(SURVEY, 4, "ondergrens", "12,5"),
        "critical",
        (SURVEY, "column ondergrens", "'12,5'", "decimal point"),
    ),
    Case(
        "survey missing column",
        transform_csv(SURVEY, lambda f: f.drop(columns=["n"])),
        "critical",
        (SURVEY, "missing column(s): n"),
    ),
    Case(
        "survey renamed column",
        transform_csv(SURVEY, lambda f: f.rename(columns={"percentage": "perc"})),
        "critical",
        (SURVEY, "missing column(s): percentage"),
    ),
    Case(
        "survey semicolon delimiter is detected", transform_csv(SURVEY, lambda f: f, sep=";"), None
    ),
    Case("survey Windows-1252 encoding is detected", cp1252_survey, None),
    Case(
        "survey unknown delimiter",
        transform_csv(SURVEY, lambda f: f, sep="|"),
        "critical",
        (SURVEY, "missing column(s)"),
    ),
    Case(
        "survey in UTF-16",
        lambda root: (root / SURVEY).write_bytes(
            (root / SURVEY).read_text(encoding="utf-8").encode("utf-16")
        ),
        "critical",
        (SURVEY,),
    ),
    Case("survey empty file", write_text(SURVEY, ""), "critical", (SURVEY, "empty")),
    Case(
        "survey header only",
        transform_csv(SURVEY, lambda f: f.iloc[0:0]),
        "critical",
        (SURVEY, "data rows"),
    ),
    Case(
        "survey duplicate row",
        transform_csv(SURVEY, lambda f: pd.concat([f, f.iloc[[7]]])),
        "critical",
        (SURVEY, "jaar, gebiedcode, indicator", "one row per"),
    ),
    Case(
        "survey estimate below its lower bound",
        edit_csv(SURVEY, 6, "ondergrens", "99.0"),
        "warning",
        (SURVEY, "lower bound"),
    ),
    Case(
        "survey unknown indicator",
        edit_csv(SURVEY, 2, "indicator", "Gelukkig"),
        "warning",
        (SURVEY, "column indicator", "'Gelukkig'"),
    ),
    Case(
        "survey malformed area code",
        edit_csv(SURVEY, 2, "gebiedcode", "Overvecht"),
        "critical",
        (SURVEY, "column gebiedcode", "'Overvecht'"),
    ),
    Case(
        "survey wave in the future",
        edit_csv(SURVEY, 2, "jaar", "2030"),
        "critical",
        (SURVEY, "column jaar", "not after the cycle year"),
    ),
    Case(
        "survey missing-value marker",
        edit_csv(SURVEY, 2, "percentage", "."),
        "warning",
        (SURVEY, "column percentage", "marker"),
    ),
    Case(
        "survey programme area missing from the latest wave",
        drop_rows(SURVEY, lambda f: ~((f["gebiedcode"] == "BU03550205") & (f["jaar"] == "2024"))),
        "warning",
        (SURVEY, "BU03550205", "latest wave"),
    ),
    Case("survey as Excel is read", survey_as_excel(merge_header=False), None),
    Case(
        "survey Excel with merged header cells",
        survey_as_excel(merge_header=True),
        "critical",
        ("gezondheidsmonitor.xlsx", "merged header cells E1:F1"),
    ),
    # registrations
    Case(
        "registration negative count",
        edit_csv(REG, 1, "activiteiten", "-3"),
        "critical",
        (REG, "column activiteiten", "not negative"),
    ),
    Case(
        "registration year outside the cycle",
        edit_csv(REG, 1, "jaar", "2012"),
        "critical",
        (REG, "column jaar", "year of the cycle"),
    ),
    Case(
        "registration unknown project",
        edit_csv(REG, 1, "project", "onbekend"),
        "warning",
        (REG, "column project", "'onbekend'"),
    ),
    Case(
        "registration duplicate year and project",
        transform_csv(REG, lambda f: pd.concat([f, f.iloc[[0]]])),
        "critical",
        (REG, "jaar, project"),
    ),
    Case(
        "registration count with decimals",
        edit_csv(REG, 2, "deelnemers", "3.5"),
        "critical",
        (REG, "column deelnemers", "whole number"),
    ),
    Case(
        "registration year missing",
        drop_rows(REG, lambda f: f["jaar"] != "2021"),
        "warning",
        (REG, "missing: 2021"),
    ),
    Case("registrations missing", remove(REG), "warning", (REG, "or .xlsx")),
    # qualitative notes
    Case(
        "note with an e-mail address",
        note_field("text", "Mail me: jan.jansen@example.nl"),
        "critical",
        (NOTES, "item 1", "personal data"),
    ),
    Case(
        "note with a phone number",
        note_field("text", "Bel 06-12345678 voor info"),
        "critical",
        (NOTES, "personal data"),
    ),
    Case(
        "note with a BSN-like number",
        note_field("source", "bewoner 123456782"),
        "critical",
        (NOTES, "column source", "personal data"),
    ),
    Case(
        "note with an unparseable date",
        note_field("date", "14 mei"),
        "critical",
        (NOTES, "column date", "YYYY-MM-DD"),
    ),
    Case(
        "note for an unknown goal",
        note_field("goal", "wonen"),
        "critical",
        (NOTES, "column goal", "'wonen'"),
    ),
    Case(
        "note of an unknown type",
        note_field("type", "roddel"),
        "critical",
        (NOTES, "column type", "'roddel'"),
    ),
    Case(
        "notes file is not YAML",
        write_text(NOTES, "items: [unclosed\n"),
        "critical",
        ("notes/overvecht/2024.yaml", "not valid YAML"),
    ),
]


# ---------------------------------------------------------------------------- running


@pytest.fixture(scope="module")
def clean(project, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    demo.write_demo_cbs(project, root / "data" / "raw" / "cbs")
    demo.write_demo_local(project, root / "data" / "raw" / "demo")
    earlier = root / "data" / "processed" / "indicators" / "overvecht.csv"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("an earlier good output\n")
    return root


@pytest.fixture(scope="module")
def clean_findings(project, clean, tmp_path_factory) -> list[dict]:
    """What the untouched demo data give: an input read kindly must give the same.

    The demo's registration series swing more than real ones (issue 15), so the
    year-on-year rule warns on them; a kindly read input adds nothing to that.
    """
    root = tmp_path_factory.mktemp("clean-run")
    shutil.copytree(clean, root, dirs_exist_ok=True)
    code = main_validate(
        project,
        Paths(root),
        root / "data" / "raw" / "demo",
        html_path=root / "reports" / "validation" / "index.html",
        json_path=root / "data" / "processed" / "validation" / "summary.json",
    )
    assert code == 0
    findings = json.loads((root / "data/processed/validation/findings.json").read_text())
    assert all(f["severity"] == "warning" for f in findings), findings
    return findings


def test_catalogue_is_broad():
    assert len([c for c in CASES if c.severity]) >= 30
    assert all(set(c.kinds) <= set(SUITES) for c in CASES)


def of_kinds(findings: list[dict], kinds: tuple[str, ...]) -> list[dict]:
    """The findings of the suites of those kinds (suite names start with their kind)."""
    return [f for f in findings if f["suite"].startswith(kinds)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, project, clean, clean_findings, tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(clean, root)
    case.breaks(root)
    raw_before = digests(root / "data" / "raw")
    earlier_before = digests(root / "data" / "processed" / "indicators")
    code = main_validate(
        project,
        Paths(root),
        root / "data" / "raw" / "demo",
        html_path=root / "reports" / "validation" / "index.html",
        json_path=root / "data" / "processed" / "validation" / "summary.json",
        only=case.kinds,
    )
    captured = capsys.readouterr()
    output = captured.out + captured.err
    findings = json.loads((root / "data/processed/validation/findings.json").read_text())
    assert digests(root / "data" / "raw") == raw_before, "validation never modifies raw data"
    assert digests(root / "data" / "processed" / "indicators") == earlier_before
    if case.severity is None:
        assert code == 0 and findings == of_kinds(clean_findings, case.kinds), output
        return
    assert code == (1 if case.severity == "critical" else 0), output
    lines = [
        line
        for line in output.splitlines()
        if line.startswith(case.severity) or line.startswith(f"[wijkmonitor] {case.severity}")
    ]
    assert lines, output
    message = "\n".join(lines)
    for fragment in case.fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "@example.nl" not in output and "06-12345678" not in output, "personal data not echoed"
