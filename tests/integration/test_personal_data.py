"""Issue 16: personal data is found, reported by place and kind, and never echoed.

The patterns are tested one by one (and against what monitoring text is full of:
years, amounts, counts, dates, postcode areas); validation is run through the real
great-expectations suites and once through the real `wijkmonitor validate` command
on a project set up as a user would (own data in data/raw/local).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import REPO, VENV_BIN, digests, run
from validate_fixtures import validation_run

from helpers.config import Paths
from helpers.sources.local import read_notes, read_registrations
from helpers.validation import privacy

FOUND = [
    ("phone", "Bel 06 - 12 34 56 78 gerust"),
    ("phone", "mobiel 0612345678"),
    ("phone", "via +31 (0)30 123 4567"),
    ("phone", "(030) 123 45 67"),
    ("phone", "tel. 030-1234567."),
    ("phone", "+31612345678"),
    ("phone", "0031 6 1234 5678"),
    ("email", "mail jan.jansen@example.nl"),
    ("email", "naam[at]provider.nl"),
    ("email", "naam (at) provider punt nl"),
    ("email", "j.de.vries @ gemeente . utrecht . nl"),
    ("bsn", "bewoner 123456782"),
    ("bsn", "BSN 1234.56.782"),
    ("address", "woont op Vlierstraat 12, 3563 AB Utrecht"),
    ("address", "Einsteindreef 117 3562 XB"),
    ("address", "bij Kastanjelaan 4a"),
    ("name", "dhr. Jansen vertelde"),
    ("name", "mevr. De Vries"),
    ("name", "Meneer Bakker"),
    ("name", "volgens mevrouw van der Berg"),
    ("name", "de heer A. Smit"),
    ("name", "Mw. Yilmaz"),
    ("name", "dhr. Groenveld"),
    # issue 29: a compact IBAN is an account number (its own class since then)
    ("iban", "IBAN NL91ABNA0417164300"),
]

NOT_FOUND = [
    "in 2020, 2021 en 2022",
    "bewoners 3563 AB",
    "inloopochtend, postcodegebied 3563 AB",
    "werksessie 2024, 3563 AB",
    "budget € 238.000",
    "€ 123456782",
    "123.456.789 euro",
    "deelnemers 1.250 en n = 2.000",
    "op 01-02-2024 10:30 bijeenkomst",
    "Mevrouw zei dat het beter ging",
    "Meneer de burgemeester kwam langs",
    "KvK 12345678",
    "52,9% van 1200 respondenten",
    "Wijk 03 Overvecht, WK034403, BU03550205, GM0344",
    "zie www.overvecht.nl",
    "Er is meer te doen in de buurt.",
    "123456789",  # nine digits that fail the eleven-test
    # CBS area names (real ones, region list and KWB): places and roads, not people
    "Dr. Schaepmanbuurt",
    "Dr. Poelsplein e.o.",
    "Wijk 08 Industriegebied ten noorden van Rijksweg 20",
    "BT Vaanpark 1",
    "Tradepark 58 Noord",
]


@pytest.mark.parametrize(("kind", "text"), FOUND, ids=[t for _, t in FOUND])
def test_each_pattern_is_found_and_redacted_with_a_visible_mark(kind, text):
    assert privacy.kinds(text) == [kind]
    redacted = privacy.redact(text)
    assert f"[verwijderd: {privacy.KINDS[kind][1]}]" in redacted
    assert privacy.kinds(redacted) == []


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_monitoring_text_is_not_personal(text):
    # The validate stage allows the year's CBS area names as written (kwb suite).
    privacy.allow(["BT Vaanpark 1", "Tradepark 58 Noord"], whole=True)
    assert privacy.kinds(text) == []
    assert privacy.redact(text) == text


def test_eleven_test():
    assert privacy.passes_eleven_test("123456782")
    assert privacy.passes_eleven_test("111222333")
    assert not privacy.passes_eleven_test("123456789")
    assert not privacy.passes_eleven_test("000000000")


def test_mask_names_the_kind_only():
    masked = privacy.mask("contact jan@example.nl")
    assert "jan" not in str(masked) and "e-mailadres" in str(masked)
    assert privacy.mask("gezond") == "gezond"


# ------------------------------------------------------------------------ validation

PHONE = "06 - 12 34 56 78"
EMAIL = "naam[at]provider.nl"
NAME = "mevrouw Jansen"
ADDRESS = "Vlierstraat 12, 3563 AB"
SECRETS = [PHONE, EMAIL, NAME, ADDRESS, "Jansen", "Vlierstraat", "12 34 56 78", "provider"]
NOTE = f"""programme: overvecht
year: 2024
items:
  - goal: {{goal}}
    type: citaat
    text: "Er is meer te doen in de buurt."
    source: bewoner, inloopochtend
    date: 2024-05-14
  - goal: {{goal}}
    type: observatie
    text: >-
      Bel {PHONE} of mail
      {EMAIL} voor een afspraak.
    source: {NAME}, {ADDRESS}
    date: 2024-06-01
"""


@pytest.fixture
def root(project, written) -> Path:
    """Own data in data/raw/local with personal data in a note and a registration."""
    copy = written
    local = copy / "data/raw/local"
    goal = project.programmes["overvecht"].goals[0].id
    (local / "notes/overvecht/2024.yaml").write_text(NOTE.format(goal=goal), encoding="utf-8")
    registrations = local / "registrations/vollenhove.csv"
    lines = registrations.read_text(encoding="utf-8").split("\n")
    fields = lines[2].split(",")
    fields[1] = "contact jan.jansen@example.nl"
    lines[2] = ",".join(fields)
    registrations.write_text("\n".join(lines), encoding="utf-8")
    return copy


def outputs(root: Path) -> str:
    paths = Paths(root)
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in (
            paths.validation_dir / "summary.json",
            paths.validation_dir / "findings.json",
            paths.validation_report_dir / "index.html",
        )
    )


def validate(project, root: Path, capsys) -> tuple[int, str]:
    run = validation_run(project, root, capsys)
    return run.code, run.output


def assert_not_echoed(text: str) -> None:
    for secret in [*SECRETS, "jan.jansen", "example.nl"]:
        assert secret not in text, f"{secret!r} echoed"


def test_personal_data_stops_validation_by_file_line_and_kind(project, root, capsys):
    raw_before = digests(root / "data/raw")
    code, output = validate(project, root, capsys)
    assert code == 1
    notes = "data/raw/local/notes/overvecht/2024.yaml"
    critical = "\n".join(line for line in output.splitlines() if line.startswith("critical"))
    assert f"{notes} line 11 (item 2, text)" in critical
    assert f"{notes} line 14 (item 2, source)" in critical
    for label in ("phone number", "e-mail address", "name of a person", "address"):
        assert f"no personal data in the notes: {label}" in critical, label
    assert "data/raw/local/registrations/vollenhove.csv, column project" in critical
    assert "line 3 (row 2)" in critical
    assert_not_echoed(output)
    assert_not_echoed(outputs(root))
    findings = json.loads((Paths(root).validation_dir / "findings.json").read_text())
    kinds = {f["rule"] for f in findings if f["suite"] == "notes_overvecht"}
    assert len(kinds) == 4
    assert digests(root / "data/raw") == raw_before, "raw data never modified"


def test_redact_setting_goes_on_with_visible_marks(project, root, capsys):
    cycle = project.cycle.model_copy(update={"privacy": "redact"})
    code, output = validate(project.model_copy(update={"cycle": cycle}), root, capsys)
    assert code == 0, output
    assert "warning: data/raw/local/notes/overvecht" in output
    assert "redacted as [verwijderd: telefoonnummer]" in output
    assert_not_echoed(output)
    assert_not_echoed(outputs(root))
    notes = read_notes(root / "data/raw/local", "overvecht")
    text, source = notes["text"].iloc[1], notes["source"].iloc[1]
    assert text == (
        "Bel [verwijderd: telefoonnummer] of mail [verwijderd: e-mailadres] voor een afspraak."
    )
    assert source == "[verwijderd: naam], [verwijderd: adres]"
    projects = read_registrations(root / "data/raw/local", "vollenhove")["project"]
    assert "contact [verwijderd: e-mailadres]" in set(projects)


def test_wijkmonitor_validate_command_stops_without_echoing(root):
    """The real command on a project a user set up with data/raw/local."""
    for name in ("params", "notebooks"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "dvc.yaml", root / "dvc.yaml")
    cycle = root / "params/cycle.yaml"
    cycle.write_text(
        cycle.read_text(encoding="utf-8").replace(
            "local_data: data/raw/demo", "local_data: data/raw/local"
        ),
        encoding="utf-8",
    )
    raw_before = digests(root / "data/raw")
    result = run([str(VENV_BIN / "wijkmonitor"), "validate"], root, check=False, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    notes = "data/raw/local/notes/overvecht/2024.yaml"
    assert f"{notes} line 11 (item 2, text)" in result.stderr
    assert "phone number" in result.stderr and "e-mail address" in result.stderr
    assert "validation stopped the pipeline" in result.stderr
    assert_not_echoed(result.stdout + result.stderr)
    assert_not_echoed(outputs(root))
    assert digests(root / "data/raw") == raw_before


# ------------------------------------------------- names in a source, free-text columns

# A note's source names where a note came from: a person there is found without a title.
SOURCE_NAMES = [
    "Piet de Vries, bewoner",
    "J. Jansen",
    "A.B. van der Berg, inloopochtend",
    "Jan Jansen, buurtbewoner",
    "mevrouw Jansen, Vlierstraat 12, 3563 AB",
]
SOURCE_PLACES = [
    "bewoner, inloopochtend buurthuis",
    "opbouwwerker",
    "werksessie met uitvoeringspartners",
    "Buurtteam Overvecht",
    "Gemeente Utrecht",
    "Huis van de Wijk Overvecht",
    "Wijkcentrum de Boog",
    "Werksessie Overvecht, 2024",
]


@pytest.mark.parametrize("text", SOURCE_NAMES)
def test_a_name_in_a_source_is_found_without_a_title(text):
    assert "name" in privacy.kinds(text, source=True)
    redacted = str(privacy.redact(text, source=True))
    assert "[verwijderd: naam]" in redacted
    assert privacy.kinds(redacted, source=True) == []


@pytest.mark.parametrize("text", SOURCE_PLACES)
def test_a_source_naming_a_meeting_or_organisation_is_not_personal(text):
    # deduce's surname list holds "Boog" and "Wijk": a project lists its organisations'
    # names, and its places, as allowed words (privacy_allowed in params/cycle.yaml).
    privacy.allow(["Huis van de Wijk", "De Boog", "Overvecht"])
    assert privacy.kinds(text, source=True) == []


@pytest.mark.parametrize(
    "text", ["bewoner Fatima El Amrani vertelde", "deelnemer Piet de Vries zei", "Prof. Jansen"]
)
def test_a_name_after_a_role_or_title_in_note_text(text):
    assert privacy.kinds(text) == ["name"]
    assert "[verwijderd: naam]" in str(privacy.redact(text))


def test_source_names_and_free_text_columns_stop_validation_without_echo(project, written, capsys):
    local = written / "data/raw/local"
    notes = local / "notes/overvecht/2024.yaml"
    notes.write_text(
        notes.read_text(encoding="utf-8").replace(
            "source: bewoner, inloopochtend", "source: Piet de Vries, bewoner"
        ),
        encoding="utf-8",
    )
    registrations = local / "registrations/overvecht.csv"
    lines = registrations.read_text(encoding="utf-8").splitlines()
    lines[0] += ",opmerking"
    lines[1:] = [line + "," for line in lines[1:]]
    lines[3] = lines[3][:-1] + ",bel 06 - 12 34 56 78 of naam[at]provider.nl"
    registrations.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = validation_run(project, written, capsys)
    assert run.code == 1
    assert "data/raw/local/notes/overvecht/2024.yaml line" in run.critical
    assert "(item 1, source)" in run.critical and "name of a person" in run.critical
    assert (
        "data/raw/local/registrations/overvecht.csv, column opmerking (1 row): line 4 (row 3)"
        in run.critical
    )
    for secret in ["Piet", "Vries", "12 34 56 78", "provider"]:
        assert secret not in run.output + run.page + json.dumps(run.findings), secret
