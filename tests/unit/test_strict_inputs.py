"""Issue 16: inputs that used to be silently dropped or crash without a file name.

A key given twice in a YAML file, an impossible unquoted date, a notes file whose
programme or year contradicts its path, a programme listed twice, a logbook entry
naming an unknown indicator and a source present as both .csv and .xlsx: each stops
with the file and key (or both files) named. Real files, real loaders, no mocks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import REPO

from helpers.config import ParamsError, Paths, load_project
from helpers.runtime.yaml_io import YamlError, load_yaml_text, read_yaml_file
from helpers.sources.local import (
    SourceError,
    read_note_items,
    read_registrations,
    read_survey,
    registrations_path,
)


@pytest.fixture
def params_copy(tmp_path: Path) -> Paths:
    for folder in ("params", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Paths.from_root(tmp_path)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


NOTE = """programme: overvecht
year: 2024
items:
  - goal: gezond
    type: citaat
    text: Eerste verhaal.
    source: bewoner
    date: 2024-05-14
"""


def write_note(root: Path, text: str, key: str = "overvecht", name: str = "2024.yaml") -> Path:
    path = root / "notes" / key / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------- the loader


def test_loader_reads_plain_yaml_dates_and_merge_keys():
    text = "d: 2024-02-29\nbase: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n"
    data = load_yaml_text(text, "f.yaml")
    assert str(data["d"]) == "2024-02-29"
    assert data["other"] == {"x": 1, "y": 3}, "a merge key overridden is no duplicate"


def test_duplicate_key_names_file_line_and_key(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nitems:\n  - b: 1\nitems:\n  - c: 2\n", encoding="utf-8")
    with pytest.raises(YamlError) as error:
        read_yaml_file(path)
    message = str(error.value)
    assert f"{path}, line 4: key 'items' appears twice" in message
    assert "first on line 2" in message


def test_duplicate_key_inside_a_list_item_is_found(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("items:\n  - text: a\n    text: b\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"line 3: key 'text' appears twice"):
        read_yaml_file(path)


def test_syntax_error_names_line_without_quoting_the_text(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: [geheim 0612345678\n", encoding="utf-8")
    with pytest.raises(YamlError) as error:
        read_yaml_file(path)
    assert str(path) in str(error.value) and "line" in str(error.value)
    assert "0612345678" not in str(error.value)


# --------------------------------------------------------------------------- params


def test_second_targets_key_in_a_programme_names_file_and_key(params_copy):
    path = params_copy.programme_file("soesterkwartier")
    append(path, "targets: []\n")
    with pytest.raises(ParamsError) as error:
        load_project(params_copy)
    message = str(error.value)
    assert str(path) in message and "key 'targets' appears twice" in message
    assert "line" in message


def test_impossible_logbook_date_names_file_and_key(params_copy):
    path = params_copy.logbook_file
    path.write_text(
        path.read_text(encoding="utf-8").replace("date: 2022-03-01", "date: 2024-02-30", 1),
        encoding="utf-8",
    )
    with pytest.raises(ParamsError) as error:
        load_project(params_copy)
    message = str(error.value)
    assert str(path) in message and "key 'date'" in message and "line 5" in message
    assert "not an existing date" in message


def test_programme_listed_twice_names_file_and_key(params_copy):
    path = params_copy.cycle_file
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  - overvecht\n", "  - overvecht\n  - overvecht\n", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(ParamsError) as error:
        load_project(params_copy)
    message = str(error.value)
    assert str(path) in message and "key programmes" in message
    assert "['overvecht'] listed more than once" in message


def test_logbook_entry_for_a_misspelt_indicator_names_file_entry_and_id(params_copy):
    append(
        params_copy.logbook_file,
        "  - date: 2024-01-10\n    programme: overvecht\n    change: indicator_redefined\n"
        "    indicator: eenzaamhied\n    from_year: 2022\n    reason: nieuwe vraag\n",
    )
    with pytest.raises(ParamsError) as error:
        load_project(params_copy)
    message = str(error.value)
    assert str(params_copy.logbook_file) in message
    assert "entries[" in message and ".indicator: unknown indicator 'eenzaamhied'" in message
    assert "indicator_redefined" in message


def test_logbook_may_record_a_dropped_indicator(params_copy):
    append(
        params_copy.logbook_file,
        "  - date: 2024-01-10\n    change: indicator_dropped\n"
        "    indicator: oude_indicator\n    from_year: 2022\n    reason: vervallen\n",
    )
    assert load_project(params_copy).logbook.entries[-1].indicator == "oude_indicator"


def test_privacy_setting_accepts_only_stop_or_redact(params_copy):
    path = params_copy.cycle_file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("privacy: stop", "privacy: verbergen", 1), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"cycle.yaml: invalid parameters\n  key privacy"):
        load_project(params_copy)


# ---------------------------------------------------------------------------- notes


def test_note_file_read_as_before(tmp_path):
    items = read_note_items(write_note(tmp_path, NOTE))
    assert items == [
        {
            "year": "2024",
            "goal": "gezond",
            "type": "citaat",
            "text": "Eerste verhaal.",
            "source": "bewoner",
            "date": "2024-05-14",
        }
    ]


def test_second_items_key_in_notes_is_an_error_not_a_loss(tmp_path):
    path = write_note(tmp_path, NOTE + "items:\n  - goal: gezond\n    text: Tweede.\n")
    with pytest.raises(SourceError) as error:
        read_note_items(path)
    assert f"{path}, line 9: key 'items' appears twice" in str(error.value)


def test_impossible_note_date_names_file_and_key(tmp_path):
    path = write_note(tmp_path, NOTE.replace("2024-05-14", "2024-02-30"))
    with pytest.raises(SourceError) as error:
        read_note_items(path)
    message = str(error.value)
    assert f"{path}, line 8: key 'date'" in message and "not an existing date" in message


def test_note_year_contradicting_the_file_name(tmp_path):
    path = write_note(tmp_path, NOTE, name="2023.yaml")
    with pytest.raises(SourceError) as error:
        read_note_items(path)
    assert f"{path}: key year: 2024 contradicts the file name 2023.yaml" in str(error.value)


def test_note_programme_contradicting_the_folder(tmp_path):
    path = write_note(tmp_path, NOTE, key="vollenhove")
    with pytest.raises(SourceError) as error:
        read_note_items(path)
    assert f"{path}: key programme: 'overvecht' contradicts the folder" in str(error.value)


# --------------------------------------------------------------------- local tables


def test_csv_and_xlsx_of_one_source_is_an_error_naming_both(tmp_path):
    folder = tmp_path / "registrations"
    folder.mkdir()
    frame = pd.DataFrame(
        {
            "jaar": [2024],
            "project": ["p"],
            "activiteiten": [1],
            "deelnemers": [2],
            "vrijwilligers": [1],
            "budget_eur": [10],
        }
    )
    frame.to_csv(folder / "overvecht.csv", index=False)
    frame.to_excel(folder / "overvecht.xlsx", index=False)
    for call in (lambda: registrations_path(tmp_path, "overvecht"),
                 lambda: read_registrations(tmp_path, "overvecht")):  # fmt: skip
        with pytest.raises(SourceError) as error:
            call()
        assert str(folder / "overvecht.csv") in str(error.value)
        assert str(folder / "overvecht.xlsx") in str(error.value)
        assert "both exist" in str(error.value)


def test_thousands_separator_stops_the_registration_reader(tmp_path):
    path = tmp_path / "registrations" / "overvecht.csv"
    path.parent.mkdir()
    path.write_text(
        "jaar,project,activiteiten,deelnemers,vrijwilligers,budget_eur\n"
        "2023,p,1,20,1,25000\n2024,p,1,20,1,238.000\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as error:
        read_registrations(tmp_path, "overvecht")
    message = str(error.value)
    assert str(path) in message and "line 3 (row 2), column budget_eur" in message
    assert "'238.000'" in message and "238.0" in message and "thousands separator" in message


def test_thousands_separator_in_survey_n_stops_the_survey_reader(tmp_path):
    path = tmp_path / "survey" / "gezondheidsmonitor.csv"
    path.parent.mkdir()
    path.write_text(
        "jaar,gebiedcode,gebiednaam,indicator,percentage,ondergrens,bovengrens,n\n"
        "2024,WK034403,Overvecht,Eenzaam,52.900,50.1,55.7,2.000\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as error:
        read_survey(tmp_path)
    message = str(error.value)
    assert "line 2 (row 1), column n" in message and "'2.000'" in message
    assert "percentage" not in message, "a percentage with three decimals is no count"
