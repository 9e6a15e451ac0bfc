"""Readers of the local sources: survey export, registrations and qualitative notes.

They run after validation, so they convert types without second-guessing values;
a missing file or column still gets an error that names the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

SURVEY_FILE = "survey/gezondheidsmonitor.csv"
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


def is_synthetic(local_dir: Path) -> bool:
    """Demo folders carry SYNTHETIC.txt; their figures must be marked in every report."""
    return (local_dir / "SYNTHETIC.txt").is_file()


def _read_csv(path: Path, required: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def read_survey(local_dir: Path) -> pd.DataFrame:
    """The health-monitor export with numeric columns typed."""
    frame = _read_csv(local_dir / SURVEY_FILE, SURVEY_COLUMNS)
    frame["jaar"] = frame["jaar"].astype(int)
    for column in ("percentage", "ondergrens", "bovengrens", "n"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(float)
    return frame


def read_registrations(local_dir: Path, key: str) -> pd.DataFrame:
    """One programme's registrations; an empty table when it registered nothing."""
    path = local_dir / "registrations" / f"{key}.csv"
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype=float) for c in REGISTRATION_COLUMNS})
    frame = _read_csv(path, REGISTRATION_COLUMNS)
    frame["jaar"] = frame["jaar"].astype(int)
    for column in frame.columns.drop(["jaar", "project"]):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(float)
    return frame


def read_notes(local_dir: Path, key: str) -> pd.DataFrame:
    """All notes of one programme, one row per item, oldest year first."""
    rows = []
    folder = local_dir / "notes" / key
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        try:
            year = int(document["year"])
            items = document.get("items") or []
            rows += [
                {"year": year, **{c: str(item[c]) for c in NOTE_COLUMNS[1:]}} for item in items
            ]
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: note without {error} (see docs/data_formats.md)") from error
    return pd.DataFrame(rows, columns=NOTE_COLUMNS)
