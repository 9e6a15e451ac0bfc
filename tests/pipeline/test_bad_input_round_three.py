"""Issue 29: bad input by class, not by named form, through the real `dvc repro`.

One project copy, set up as a user brings their own data (data/raw/local, `dvc
add`), is built once up to validation; each case then breaks it, runs `dvc repro`
and restores it. Classes:

- personal data in the params' free text (goal and effort labels, a description, a
  local indicator's label, the logbook's reasons), in several forms at once: names
  from deduce's lists, Dutch and Belgian phone numbers, a BSN in groups, an IBAN, a
  postcode with a house number, a date of birth, "familie …". The first stage must
  stop: DVC writes a stage's params into dvc.lock once it succeeds.
- notes files that would be skipped, emptied or counted twice: `2024.yml`,
  `2024 (kopie).yaml`, `Items:`, `tekst:`, a note dated in another year.

Each case asserts that no value appears in the console or anywhere in the project
tree but the file it was written in, and that the raw inputs, the earlier outputs and
dvc.lock are untouched.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import deduce
import pytest
import yaml
from support import VENV_BIN, copy_project, digests, run
from validate_fixtures import write_local_sources

from helpers.config import Paths, load_project

DVC = str(VENV_BIN / "dvc")
LOCAL = "data/raw/local"
NAMES = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names"


def _names(kind: str, count: int, seed: int) -> list[str]:
    items = (NAMES / kind / "items.txt").read_text(encoding="utf-8").split("\n")
    plain = [n for n in items if re.fullmatch(r"[A-Z][a-z]{3,}", n)]
    return random.Random(seed).sample(plain, count)


FIRST = _names("lst_first_name", 3, 29)
LAST = _names("lst_surname", 3, 29)
# (params file, key path, personal value): each run writes one set at once.
ROUNDS = {
    "names-and-phones": [
        ("programmes/overvecht.yaml", ("goals", 0, "label"), f"{FIRST[0]} {LAST[0]}"),
        ("programmes/overvecht.yaml", ("goals", 0, "efforts", 0, "label"), "bel 0470 12 34 56"),
        ("programmes/soesterkwartier.yaml", ("description",), "info: 06-12 34 56 78"),
        ("programmes/vollenhove.yaml", ("goals", 0, "label"), f"familie {LAST[1]}"),
        ("logbook.yaml", ("entries", 0, "reason"), f"Besproken met {FIRST[2]} {LAST[2]}"),
    ],
    "numbers-and-addresses": [
        ("programmes/overvecht.yaml", ("description",), "BSN 1234 56 782"),
        ("programmes/soesterkwartier.yaml", ("goals", 0, "label"), "NL39RABO0300065264"),
        ("programmes/vollenhove.yaml", ("description",), "woont 3563 AB 12"),
        ("programmes/betere_buurten.yaml", ("goals", 0, "label"), "geboren op 12-03-1985"),
        ("logbook.yaml", ("entries", 0, "reason"), "+32 2 123 45 67"),
    ],
}


def _set(data, path: tuple, value: str) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _key(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _tree_text(root: Path, skip: set[Path]) -> str:
    """Every file of the project (but .git, the tests, which hold the values, and
    `skip`), as text, for value searches."""
    texts = []
    for path in root.rglob("*"):
        inside = path.relative_to(root).parts
        if path.is_file() and ".git" not in inside and inside[0] != "tests" and path not in skip:
            texts.append(path.read_bytes().decode("utf-8", errors="ignore"))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("round-three"))
    project = load_project(Paths.from_root(root))
    write_local_sources(project, root / LOCAL)
    cycle = root / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    cycle.write_text(
        text.replace("local_data: data/raw/demo", f"local_data: {LOCAL}"), encoding="utf-8"
    )
    run([DVC, "add", LOCAL], root)
    result = run([DVC, "repro", "validate"], root, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _state(root: Path) -> dict[str, str]:
    """Digests of the raw inputs, the outputs so far and dvc.lock."""
    return {
        **digests(root / "data"),
        **{f"reports/{k}": v for k, v in digests(root / "reports").items()},
        "dvc.lock": digests(root, "dvc.lock").get("dvc.lock", ""),
    }


@pytest.mark.parametrize("round_name", list(ROUNDS))
def test_personal_data_in_params_stops_the_first_stage(built, round_name):
    root = built
    params = root / "params"
    edits = ROUNDS[round_name]
    originals = {name: (params / name).read_text(encoding="utf-8") for name, _, _ in edits}
    before = _state(root)
    try:
        documents = {name: yaml.safe_load(text) for name, text in originals.items()}
        for name, path, value in edits:
            _set(documents[name], path, value)
        for name, document in documents.items():
            (params / name).write_text(
                yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        result = run([DVC, "repro", "validate"], root, check=False)
        console = result.stdout + result.stderr
        assert result.returncode != 0, console
        assert "personal data in the parameters" in console
        for name, path, _ in edits:
            assert f"params/{name}: key {_key(path)}:" in console, (name, path, console)
        assert not re.findall(r"Running stage '(?!revisions)", console), "the first stage stops"
        tree = _tree_text(root, {params / name for name, _, _ in edits})
        for _, _, value in edits:
            assert value not in console, value
            assert value not in tree, f"{value!r} written somewhere in the project"
        assert _state(root) == before, "raw inputs, earlier outputs and dvc.lock untouched"
    finally:
        for name, text in originals.items():
            (params / name).write_text(text, encoding="utf-8")


def _earlier_outputs(root: Path) -> dict[str, str]:
    """The processed data but validation's own report, which a stopped run rewrites to
    say why it stopped."""
    return {
        k: v
        for k, v in digests(root / "data" / "processed").items()
        if not k.startswith("validation/")
    }


def _notes(root: Path, key: str) -> Path:
    return root / LOCAL / "notes" / key


def test_notes_files_skipped_emptied_or_counted_twice_stop_validation(built):
    """One fault per programme, one run: each is named by file, none is silently read."""
    root = built
    year = load_project(Paths.from_root(root)).cycle.cycle.year
    saved = root.parent / "notes-saved"
    shutil.copytree(root / LOCAL / "notes", saved)
    try:
        overvecht = _notes(root, "overvecht") / f"{year}.yaml"
        overvecht.rename(overvecht.with_suffix(".yml"))
        copy = _notes(root, "soesterkwartier")
        shutil.copy(copy / f"{year}.yaml", copy / f"{year} (kopie).yaml")
        for key, old, new in (
            ("vollenhove", "items:", "Items:"),
            ("betere_buurten", "text:", "tekst:"),
        ):
            path = _notes(root, key) / f"{year}.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        run([DVC, "add", LOCAL], root)
        before = digests(root / LOCAL)
        outputs = _earlier_outputs(root)
        result = run([DVC, "repro", "validate"], root, check=False)
        console = result.stdout + result.stderr
        assert result.returncode != 0, console
        assert f"{year}.yml (rename it to {year}.yaml)" in console
        assert f"{year} (kopie).yaml (a copy of {year}.yaml?" in console
        assert "unknown key 'Items'; did you mean 'items'?" in console
        assert "item 1: unknown key 'tekst'; did you mean 'text'?" in console
        assert digests(root / LOCAL) == before, "raw inputs untouched"
        assert _earlier_outputs(root) == outputs, "earlier outputs kept"
    finally:
        shutil.rmtree(root / LOCAL / "notes")
        shutil.copytree(saved, root / LOCAL / "notes")
        run([DVC, "add", LOCAL], root)


def test_a_note_dated_in_another_year_stops_validation(built):
    root = built
    year = load_project(Paths.from_root(root)).cycle.cycle.year
    path = _notes(root, "overvecht") / f"{year}.yaml"
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace(f"{year}-05-14", f"{year + 1}-05-14"), encoding="utf-8")
        run([DVC, "add", LOCAL], root)
        result = run([DVC, "repro", "validate"], root, check=False)
        console = result.stdout + result.stderr
        assert result.returncode != 0, console
        assert "date lies in the year of the notes file" in console
        assert f"notes/overvecht/{year}.yaml" in console
    finally:
        path.write_text(original, encoding="utf-8")
        run([DVC, "add", LOCAL], root)
