"""The suite over one programme's qualitative notes: goals, types, dates, personal data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.config import Paths, Project
from helpers.sources.local import SourceError, note_files, note_lines, read_note_items
from helpers.validation.inputs import failed, relative, with_outcomes, with_where
from helpers.validation.results import CRITICAL, WARNING, Source, SuiteResult
from helpers.validation.runner import Validator
from helpers.validation.screening import privacy_outcomes

NOTE_TYPES = ["citaat", "observatie", "werksessie"]


def notes_suite(v: Validator, project: Project, paths: Paths, local: Path, key: str) -> SuiteResult:
    """Goals, types, dates and personal data of one programme's qualitative notes."""
    name = f"notes_{key}"
    folder = relative(local / "notes" / key, paths)
    rows, labels, cells = [], [], []
    for path in note_files(local, key):
        try:
            items = read_note_items(path)
        except SourceError as error:
            return failed(
                name,
                folder,
                CRITICAL,
                "each notes file is valid YAML, without a key given twice, with existing "
                "dates, and with the programme and year of its folder and file name",
                "elk notitiebestand is geldige YAML, zonder dubbele sleutel, met bestaande "
                "datums, en met het programma en jaar van zijn map en bestandsnaam",
                str(error).replace(str(paths.root) + "/", ""),
            )
        shown = relative(path, paths)
        lines = note_lines(path)
        rows += items
        for number, item in enumerate(items, start=1):
            line = lines[number - 1] if number <= len(lines) else {}
            labels.append(f"{shown} line {line.get('item', '?')} (item {number})")
            cells += [
                (f"{shown} line {line.get(f, '?')} (item {number}, {f})", f, item[f])
                for f in ("text", "source", "goal", "type", "date")
            ]
    if not rows:
        return failed(
            name,
            folder,
            WARNING,
            "the programme has qualitative notes",
            "het programma heeft kwalitatieve notities",
            f"no notes in {folder}",
        )
    frame = with_where(pd.DataFrame(rows), labels)
    frame["date_ok"] = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce").notna()
    goals = sorted(g.id for g in project.programmes[key].goals)
    checks = [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "goal is a goal id of the programme",
            nl="goal is een doel-id van het programma",
            column="goal",
            value_set=goals,
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "type is citaat, observatie or werksessie",
            nl="type is citaat, observatie of werksessie",
            column="type",
            value_set=NOTE_TYPES,
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "date is a date (YYYY-MM-DD)",
            nl="date is een datum (JJJJ-MM-DD)",
            column="date_ok",
            value_set=[True],
        ),
    ]
    screened = privacy_outcomes(cells, project.cycle.privacy, "the notes", "de notities")
    return with_outcomes(v.validate(Source(name, folder, frame), checks), screened)
