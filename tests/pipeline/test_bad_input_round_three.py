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

import html
import json
import random
import re
import shutil
from pathlib import Path

import deduce
import pytest
import yaml
from support import VENV_BIN, copy_built, digests, run
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
def built(cold_build, tmp_path_factory) -> Path:
    root = copy_built(cold_build[0], tmp_path_factory.mktemp("round-three") / "project")
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
        others = re.findall(r"Running stage '(?!pipeline/revisions/dvc.yaml:revisions')", console)
        assert not others, "the first stage stops"
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


# ------------------------------------------------------------ input discovery, areas


def _kwb_folder(root: Path) -> Path:
    project = load_project(Paths.from_root(root))
    return root / "data" / "raw" / "cbs" / project.cycle.kwb_table(project.cycle.cycle.year)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            # a transposed wijk code and a buurt code one digit off, in two programmes
            {"overvecht": ["WK034430"], "vollenhove": ["BU03550250"]},
            [
                "params/programmes/overvecht.yaml: key areas[0].codes[0]: area code WK034430",
                "did you mean WK034403 (Wijk 03 Overvecht)",
                "params/programmes/vollenhove.yaml: key areas[0].codes[0]: area code BU03550250",
                "did you mean BU03550205",
            ],
        ),
        (
            # a wijk the gemeente does not have, beside a right code
            {"soesterkwartier": ["WK030703", "WK030799"]},
            ["params/programmes/soesterkwartier.yaml: key areas[0].codes[1]: area code WK030799"],
        ),
    ],
)
def test_the_demo_source_refuses_an_area_code_not_in_the_region_list(built, edits, expected):
    """On the demo CBS source a misspelt code got invented figures and a full report."""
    root = built
    params = root / "params" / "programmes"
    originals = {key: (params / f"{key}.yaml").read_text(encoding="utf-8") for key in edits}
    before = _state(root)
    try:
        for key, codes in edits.items():
            document = yaml.safe_load(originals[key])
            document["areas"][0]["codes"] = codes
            (params / f"{key}.yaml").write_text(
                yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        result = run([DVC, "repro", "validate"], root, check=False)
        console = result.stdout + result.stderr
        assert result.returncode != 0, console
        assert "wijkmonitor fetch: error: the demo CBS source knows no such area" in console
        for text in expected:
            assert text in console, (text, console)
        assert "Traceback" not in console
        assert _state(root) == before, "raw inputs, earlier outputs and dvc.lock untouched"
    finally:
        for key, text in originals.items():
            (params / f"{key}.yaml").write_text(text, encoding="utf-8")


def test_a_region_listed_twice_stops_harmonise(built):
    """A second record of a region key in the region list, under another title (and one
    padded differently, under the same title): named by file, record and rule."""
    root = built
    regions = _kwb_folder(root) / "WijkenEnBuurten.json"
    original = regions.read_text(encoding="utf-8")
    records = json.loads(original)
    first = next(i for i, r in enumerate(records, 1) if r["Key"].strip() == "WK034403")
    other = next(i for i, r in enumerate(records, 1) if r["Key"].strip() == "WK030703")
    title = records[first - 1]["Title"].strip()
    records.append({**records[first - 1], "Title": "Overvecht-Noord"})
    records.append({**records[other - 1], "Key": records[other - 1]["Key"].strip()})
    try:
        regions.write_text(json.dumps(records, indent=1), encoding="utf-8")
        run([DVC, "commit", "--force", "fetch"], root)
        raw = digests(root / "data" / "raw")
        result = run([DVC, "repro", "harmonise"], root, check=False)
        console = result.stdout + result.stderr
        assert result.returncode != 0, console
        where = f"data/raw/cbs/{regions.parent.name}/WijkenEnBuurten.json"
        assert (
            f"{where}: record {len(records) - 1} (WK034403): the region of record {first} again, "
            f"under another title ('Overvecht-Noord', record {first}: {title!r}) "
            "(rule: each region appears once in the region list)"
        ) in console, console
        assert (
            f"{where}: record {len(records)} (WK030703): the region of record {other} again, "
            "with the same title"
        ) in console
        assert "Traceback" not in console
        assert digests(root / "data" / "raw") == raw, "raw files unchanged"
    finally:
        regions.write_text(original, encoding="utf-8")
        run([DVC, "commit", "--force", "fetch"], root)


def test_symlinked_inputs_are_refused_before_dvc_replaces_them(built, tmp_path):
    """A file and a folder under data/raw/local replaced by links after `dvc add`:
    `dvc repro` stops in its first stage naming both, and both are still links."""
    root = built
    year = load_project(Paths.from_root(root)).cycle.cycle.year
    local = root / LOCAL
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    table = local / "registrations" / "overvecht.csv"
    notes = local / "notes" / "vollenhove"
    shutil.copy(table, outside / "overvecht.csv")
    shutil.copytree(notes, outside / "notes-vollenhove")
    saved = tmp_path / "saved"
    shutil.copytree(local, saved)
    lock = (root / "data" / "raw" / "local.dvc").read_text(encoding="utf-8")
    try:
        table.unlink()
        table.symlink_to(outside / "overvecht.csv")
        shutil.rmtree(notes)
        notes.symlink_to(outside / "notes-vollenhove", target_is_directory=True)
        linked = digests(outside)
        outputs = _earlier_outputs(root)
        for target in (["validate"], []):
            result = run([DVC, "repro", *target], root, check=False)
            console = result.stdout + result.stderr
            assert result.returncode != 0, console
            assert "wijkmonitor revisions: error: 2 symbolic link(s)" in console, console
            assert f"{LOCAL}/registrations/overvecht.csv is a symbolic link to" in console
            assert f"{LOCAL}/notes/vollenhove is a symbolic link to" in console
            assert "Verifying data sources" not in console, "DVC never recorded the folder"
            assert table.is_symlink() and notes.is_symlink(), "the links are never replaced"
            assert (notes / f"{year}.yaml").is_file()
        assert digests(outside) == linked, "the linked files untouched"
        assert (root / "data" / "raw" / "local.dvc").read_text(encoding="utf-8") == lock
        assert _earlier_outputs(root) == outputs
    finally:
        table.unlink()
        notes.unlink()
        shutil.rmtree(local)
        shutil.copytree(saved, local)


def test_every_file_in_local_data_is_read_or_named_as_ignored(built):
    root = built
    local = root / LOCAL
    strays = {
        "notes.txt": "not an input of the monitor",
        "survey_2024.xlsx~": "an editor's backup or lock file",
        ".DS_Store": "an editor's backup or lock file, or a system file",
        "survey/oud.csv": "not an input of the monitor",
        "registrations/overvech.csv": "did you mean registrations/overvecht.csv?",
        "notes/overvecht/.DS_Store": "a system file",
        "notes/oud_programma/2023.yaml": "not an input of the monitor",
    }
    try:
        for name in strays:
            (local / name).parent.mkdir(parents=True, exist_ok=True)
            (local / name).write_text("jaar\n2024\n", encoding="utf-8")
        run([DVC, "add", LOCAL], root)
        result = run([DVC, "repro", "validate"], root, check=False)
        console = result.stdout + result.stderr
        assert result.returncode == 0, console
        page = (root / "reports" / "validation" / "index.html").read_text(encoding="utf-8")
        for name, reason in strays.items():
            line = f"{LOCAL}/{name}: "
            assert re.search(rf"warning: .*{re.escape(line)}[^;]*{re.escape(reason)}", console), (
                name,
                console,
            )
            assert html.escape(line) in page, name
        assert "Bestanden in de map met lokale gegevens" in page
        for read in ("survey/gezondheidsmonitor.csv", "registrations/overvecht.csv", "SYNTHETIC"):
            assert f"{LOCAL}/{read}: " not in console, f"{read} is read, not ignored"
    finally:
        for name in strays:
            (local / name).unlink()
        (local / "notes" / "oud_programma").rmdir()
        run([DVC, "add", LOCAL], root)
