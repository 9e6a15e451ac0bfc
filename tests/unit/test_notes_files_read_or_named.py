"""Issue 29: every file in a notes folder is read or named; unknown keys say what was meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.sources.local import SourceError, note_files, read_note_items

NOTE = """programme: overvecht
year: 2024
items:
  - goal: gezond
    type: citaat
    text: Er is meer te doen.
    source: bewoner
    date: 2024-05-14
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "notes" / "overvecht"
    folder.mkdir(parents=True)
    (folder / "2024.yaml").write_text(NOTE, encoding="utf-8")
    return folder


def test_year_files_are_read_and_hidden_files_left_alone(tmp_path):
    folder = _folder(tmp_path)
    (folder / ".2024.yaml.swp").write_text("", encoding="utf-8")
    assert note_files(tmp_path, "overvecht") == [folder / "2024.yaml"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("2023.yml", "2023.yml (rename it to 2023.yaml)"),
        ("2024 (kopie).yaml", "2024 (kopie).yaml (a copy of 2024.yaml?"),
        ("2024-copy.yaml", "2024-copy.yaml (a copy of 2024.yaml?"),
        ("notities.txt", "notities.txt (move it out of the notes folder)"),
    ],
)
def test_any_other_file_is_named_not_skipped(tmp_path, name, said):
    (_folder(tmp_path) / name).write_text(NOTE, encoding="utf-8")
    with pytest.raises(SourceError, match="not a notes file") as caught:
        note_files(tmp_path, "overvecht")
    assert said in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("items:", "Items:", "unknown key 'Items'; did you mean 'items'?"),
        ("year: 2024\n", "year: 2024\njaar: 2024\n", "unknown key 'jaar'; did you mean 'year'?"),
        ("    text:", "    tekst:", "item 1: unknown key 'tekst'; did you mean 'text'?"),
        ("    source:", "    bron:", "item 1: unknown key 'bron'; did you mean 'source'?"),
    ],
)
def test_unknown_keys_are_errors_with_the_nearest_key(tmp_path, old, new, said):
    path = _folder(tmp_path) / "2024.yaml"
    path.write_text(NOTE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_note_items(path)
    assert said in str(caught.value)
