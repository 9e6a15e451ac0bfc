"""Readers of the local sources: survey export, registrations and qualitative notes.

Municipal exports arrive as CSV (comma or semicolon, UTF-8 or Windows-1252) or
Excel. `read_raw_table` is strict and kind: it detects encoding and delimiter,
reads every cell as text so validation can point at the exact bad cell, and
stops with a clear error on what cannot be a table (an empty file, merged Excel
header cells). The typed readers run after validation.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path

import pandas as pd
import yaml

from helpers.runtime.yaml_io import YamlError, read_yaml_file
from helpers.validation import privacy

SURVEY_STEM = "survey/gezondheidsmonitor"
SURVEY_COLUMNS = [
    "jaar",
    "gebiedcode",
    "gebiednaam",
    "indicator",
    "percentage",
    "ondergrens",
    "bovengrens",
    "n",
]
REGISTRATION_COLUMNS = [
    "jaar",
    "project",
    "activiteiten",
    "deelnemers",
    "vrijwilligers",
    "budget_eur",
]
NOTE_COLUMNS = ["year", "goal", "type", "text", "source", "date"]
# Survey columns that are counts (a thousands separator there is never a decimal).
SURVEY_COUNTS = ["n"]
EXTENSIONS = (".csv", ".xlsx")
ENCODINGS = ("utf-8-sig", "cp1252")
# How CBS and GGD exports mark a value that is missing or secret.
MISSING_MARKERS = {".", "x", "-", "?"}


class SourceError(ValueError):
    """A local file that cannot be read as a table; the message names the file."""


def is_synthetic(local_dir: Path) -> bool:
    """Demo folders carry SYNTHETIC.txt; their figures must be marked in every report."""
    return (local_dir / "SYNTHETIC.txt").is_file()


def find_table(local_dir: Path, stem: str) -> Path | None:
    """`<stem>.csv` or `<stem>.xlsx`, whichever exists; both is an error, never a silent pick.

    Two exports of one source may differ (an old CSV next to a corrected workbook):
    only the person who put them there knows which one counts.
    """
    found = [local_dir / f"{stem}{e}" for e in EXTENSIONS if (local_dir / f"{stem}{e}").is_file()]
    if len(found) > 1:
        raise SourceError(
            f"{found[0]} and {found[1]} both exist: keep one export of this source "
            "(remove or move the other)"
        )
    return found[0] if found else None


def survey_path(local_dir: Path) -> Path | None:
    return find_table(local_dir, SURVEY_STEM)


def registrations_path(local_dir: Path, key: str) -> Path | None:
    return find_table(local_dir, f"registrations/{key}")


def _decode(path: Path, data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{path}: not readable as UTF-8 or Windows-1252 text")


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_csv_text(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{path}: the file is empty (expected a header row and data rows)")
    text = _decode(path, data)
    return pd.read_csv(io.StringIO(text), sep=_delimiter(text), dtype=str, keep_default_na=False)


def _read_excel_text(path: Path) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=False).worksheets[0]
    except Exception as error:  # openpyxl raises many types for a broken file
        raise SourceError(f"{path}: not a readable Excel workbook ({error})") from error
    merged = [str(r) for r in sheet.merged_cells.ranges if r.min_row == 1]
    if merged:
        raise SourceError(
            f"{path}: merged header cells {', '.join(merged)}; unmerge them so every column "
            "has its own name in row 1"
        )
    if sheet.max_row < 1 or sheet.max_column < 1 or sheet.cell(1, 1).value is None:
        raise SourceError(f"{path}: the first sheet is empty (expected a header row)")
    return pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)


def read_raw_table(path: Path) -> pd.DataFrame:
    """Every cell as text, header names stripped; a SourceError names what is wrong."""
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    frame = _read_excel_text(path) if path.suffix == ".xlsx" else _read_csv_text(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda column: column.str.strip())


# A count or amount written with a Dutch thousands separator: pandas reads 238.000 as 238.
THOUSANDS = r"^\d{1,3}(?:\.\d{3})+$"


def thousands_cells(frame: pd.DataFrame, columns: list[str]) -> list[tuple[int, str]]:
    """(row index, column) of every text cell in `columns` that looks like 238.000."""
    return [
        (int(index), column)
        for column in columns
        if column in frame.columns
        for index in frame.index[
            frame[column].astype("string").str.fullmatch(THOUSANDS).fillna(False)
        ]
    ]


def refuse_thousands(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    """Stop before numeric parsing when a count or amount has a thousands separator."""
    cells = thousands_cells(frame, columns)
    if cells:
        index, column = cells[0]
        raise SourceError(
            f"{path}: {row_label(path, index)}, column {column}: {frame.loc[index, column]!r} "
            f"is written with a thousands separator and would be read as "
            f"{float(str(frame.loc[index, column]))!r}; write whole numbers without separators "
            f"({len(cells)} cell(s))"
        )


def row_label(path: Path, index: int) -> str:
    """Where data row `index` (0-based) is in the file, as a person finds it."""
    return (
        f"sheet row {index + 2}"
        if path.suffix == ".xlsx"
        else f"line {index + 2} (row {index + 1})"
    )


def to_number(column: pd.Series) -> pd.Series:
    """Text to float; missing-value markers and empty cells become NaN."""
    text = column.astype("string").str.strip()
    text = text.mask(text.isin(MISSING_MARKERS) | text.eq(""))
    return pd.to_numeric(text, errors="coerce").astype(float)


def _require(path: Path, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def read_survey(local_dir: Path) -> pd.DataFrame:
    """The health-monitor export with numeric columns typed."""
    path = survey_path(local_dir) or local_dir / f"{SURVEY_STEM}.csv"
    frame = _require(path, read_raw_table(path), SURVEY_COLUMNS)
    refuse_thousands(path, frame, SURVEY_COUNTS)
    frame["jaar"] = to_number(frame["jaar"]).astype(int)
    for column in ("percentage", "ondergrens", "bovengrens", "n"):
        frame[column] = to_number(frame[column])
    return frame


def read_registrations(local_dir: Path, key: str) -> pd.DataFrame:
    """One programme's registrations; an empty table when it registered nothing."""
    path = registrations_path(local_dir, key)
    if path is None:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in REGISTRATION_COLUMNS})
    frame = _require(path, read_raw_table(path), REGISTRATION_COLUMNS)
    counts = list(frame.columns.drop(["jaar", "project"]))
    refuse_thousands(path, frame, counts)
    frame["jaar"] = to_number(frame["jaar"]).astype(int)
    for column in counts:
        frame[column] = to_number(frame[column])
    frame["project"] = frame["project"].map(privacy.redact)
    return frame


NOTE_KEYS = ("programme", "year", "items")
# Keys written in Dutch, for the "did you mean" of an unknown key.
DUTCH_KEYS = {
    "programma": "programme",
    "jaar": "year",
    "notities": "items",
    "doel": "goal",
    "soort": "type",
    "tekst": "text",
    "bron": "source",
    "datum": "date",
}
NOTE_FILE = re.compile(r"^(?:19|20)\d\d\.yaml$")


def note_files(local_dir: Path, key: str) -> list[Path]:
    """The notes files of one programme: `notes/<programme>/<year>.yaml`, nothing else.

    Any other file there is an error, never skipped: a `2024.yml` would be a year's
    notes silently left out, a `2024 (kopie).yaml` beside `2024.yaml` each note twice.
    Hidden files (`.gitignore`, an editor's swap file) are left alone.
    """
    folder = local_dir / "notes" / key
    if not folder.is_dir():
        return []
    files: list[Path] = []
    strays: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        (files if NOTE_FILE.match(path.name) and path.is_file() else strays).append(path)
    if strays:
        raise SourceError(
            f"{folder}: not a notes file (<year>.yaml, one per year): "
            + ", ".join(_stray_reason(path) for path in strays)
        )
    return files


def _stray_reason(path: Path) -> str:
    """Why a file in a notes folder is not read, and what to do."""
    if path.suffix.lower() in (".yml", ".yaml") and NOTE_FILE.match(path.stem + ".yaml"):
        return f"{path.name} (rename it to {path.stem}.yaml)"
    year = re.match(r"^((?:19|20)\d\d)\D", path.name)
    if year:
        return (
            f"{path.name} (a copy of {year[1]}.yaml? its notes would count twice: merge "
            "it into that file and remove it)"
        )
    return f"{path.name} (move it out of the notes folder)"


def _unknown_keys(path: Path, given: object, known: tuple[str, ...], where: str) -> None:
    """A key outside `known` is an error with the nearest known key (`Items:` for `items:`)."""
    if not isinstance(given, dict):
        return
    for name in given:
        if str(name) in known:
            continue
        near = difflib.get_close_matches(str(name).lower(), known, n=1, cutoff=0.6)
        near += [k for k in known if str(name).lower() == k]
        near += [k for k in known if DUTCH_KEYS.get(str(name).lower()) == k]
        hint = f"; did you mean {near[-1]!r}?" if near else f" (known: {', '.join(known)})"
        raise SourceError(f"{path}: {where}unknown key {str(name)!r}{hint}")


def read_note_items(path: Path) -> list[dict]:
    """The items of one notes file, each with its year; a SourceError names the file.

    The file lives at notes/<programme>/<year>.yaml: a `programme` or `year` inside
    that says otherwise is an error, not a note filed under the wrong year or programme.
    """
    try:
        document = read_yaml_file(path) or {}
    except YamlError as error:
        raise SourceError(str(error).replace("\n", " ")) from None
    if not isinstance(document, dict) or "year" not in document:
        raise SourceError(f"{path}: expected keys programme, year, items")
    _unknown_keys(path, document, NOTE_KEYS, "")
    _check_against_path(path, document)
    items = document.get("items") or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SourceError(f"{path}: `items` must be a list of notes")
    for number, item in enumerate(items, start=1):
        _unknown_keys(path, item, tuple(NOTE_COLUMNS[1:]), f"item {number}: ")
    return [
        {"year": str(document["year"]), **{c: str(i.get(c, "")) for c in NOTE_COLUMNS[1:]}}
        for i in items
    ]


def _check_against_path(path: Path, document: dict) -> None:
    """`programme` and `year` in a notes file must agree with its folder and file name."""
    programme = document.get("programme")
    if programme is not None and str(programme) != path.parent.name:
        raise SourceError(
            f"{path}: key programme: {programme!r} contradicts the folder "
            f"notes/{path.parent.name}/; move the file or correct the key"
        )
    if path.stem.isdigit() and str(document["year"]).strip() != path.stem:
        raise SourceError(
            f"{path}: key year: {document['year']!r} contradicts the file name "
            f"{path.name}; rename the file or correct the key"
        )


def read_notes(local_dir: Path, key: str) -> pd.DataFrame:
    """All notes of one programme, one row per item, oldest year first.

    Text and source are screened for personal data and any finding is replaced by a
    visible mark: validation stops the run on a finding unless the project chose
    `privacy: redact`, and a notebook opened by hand never shows what was found.
    """
    rows = [item for path in note_files(local_dir, key) for item in read_note_items(path)]
    for row in rows:
        row["text"] = privacy.redact(row["text"])
        row["source"] = privacy.redact(row["source"], source=True)
    frame = pd.DataFrame(rows, columns=NOTE_COLUMNS)
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame


def note_lines(path: Path) -> list[dict[str, int]]:
    """For each item of a notes file, the line (1-based) of the item and of each field.

    Messages about a note name the line instead of quoting the text, which may hold
    personal data. Call after `read_note_items` accepted the file.
    """
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return []
    items = next((v for k, v in node.value if k.value == "items"), None)
    if not isinstance(items, yaml.SequenceNode):
        return []
    lines = []
    for item in items.value:
        fields = {"item": item.start_mark.line + 1}
        if isinstance(item, yaml.MappingNode):
            fields |= {str(k.value): v.start_mark.line + 1 for k, v in item.value}
        lines.append(fields)
    return lines


# Files an editor or operating system leaves beside the inputs; named, never read.
LITTER = re.compile(
    r"^(?:\.DS_Store|Thumbs\.db|desktop\.ini|\._.*|~\$.*|\.~lock\..*#|.*~|.*\.sw[po]|.*\.bak|.*\.tmp)$"
)
INPUT_FORMS = (
    "SYNTHETIC.txt, survey/gezondheidsmonitor.csv|xlsx, registrations/<programme>.csv|xlsx, "
    "notes/<programme>/<year>.yaml"
)


def expected_inputs(local_dir: Path, programmes: list[str]) -> list[Path]:
    """Every path the monitor would read in `local_dir` for these programmes."""
    tables = [SURVEY_STEM, *(f"registrations/{key}" for key in programmes)]
    return [
        local_dir / "SYNTHETIC.txt",
        *(local_dir / f"{stem}{extension}" for stem in tables for extension in EXTENSIONS),
    ]


def ignored_inputs(local_dir: Path, programmes: list[str]) -> list[tuple[Path, str]]:
    """Each file under `local_dir` the monitor does not read, with why and what to do.

    Nothing there is skipped without a word: an editor's backup, a `.DS_Store`, a
    `notities.txt` or a misspelt `registrations/overvech.csv` is named, the last with
    the input it may have been meant as. Stray files in a programme's notes folder are
    left to the notes suite, which refuses them.
    """
    if not local_dir.is_dir():
        return []
    expected = expected_inputs(local_dir, programmes)
    notes = {local_dir / "notes" / key for key in programmes}
    found = []
    for path in sorted(p for p in local_dir.rglob("*") if p.is_file() or p.is_symlink()):
        if path in expected or _note_input(path, notes):
            continue
        found.append((path, _ignored_reason(path, local_dir, expected)))
    return found


def _note_input(path: Path, notes: set[Path]) -> bool:
    """A file of a programme's notes folder the notes suite reads or refuses itself."""
    return path.parent in notes and not path.name.startswith(".")


def _ignored_reason(path: Path, local_dir: Path, expected: list[Path]) -> str:
    if LITTER.match(path.name):
        return "an editor's backup or lock file, or a system file: not read"
    beside = {p.name: p for p in expected if p.parent == path.parent}
    near = difflib.get_close_matches(path.name, list(beside), n=1, cutoff=0.8)
    if near:
        meant = beside[near[0]].relative_to(local_dir)
        return f"not read, did you mean {meant}? (inputs: {INPUT_FORMS})"
    return f"not an input of the monitor, not read (inputs: {INPUT_FORMS})"
