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


_FILE_RULE = (
    "each notes file is <year>.yaml, valid YAML with only the keys programme, year, items "
    "(and per note goal, type, text, source, date), without a key given twice, with "
    "existing dates, and with the programme and year of its folder and file name",
    "elk notitiebestand is <jaar>.yaml, geldige YAML met alleen de sleutels programme, "
    "year, items (en per notitie goal, type, text, source, date), zonder dubbele sleutel, "
    "met bestaande datums, en met het programma en jaar van zijn map en bestandsnaam",
)


def _shown(error: SourceError, paths: Paths) -> str:
    return str(error).replace(str(paths.root) + "/", "")


def notes_suite(v: Validator, project: Project, paths: Paths, local: Path, key: str) -> SuiteResult:
    """Goals, types, dates and personal data of one programme's qualitative notes."""
    name = f"notes_{key}"
    folder = relative(local / "notes" / key, paths)
    rows, labels, cells = [], [], []
    try:
        files = note_files(local, key)
    except SourceError as error:
        return failed(name, folder, CRITICAL, *_FILE_RULE, _shown(error, paths))
    for path in files:
        try:
            items = read_note_items(path)
        except SourceError as error:
            return failed(name, folder, CRITICAL, *_FILE_RULE, _shown(error, paths))
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
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    frame["date_ok"] = dates.notna()
    # A note dated in another year than its file's would be told in the wrong year's report.
    frame["date_in_year"] = dates.isna() | (
        dates.dt.year.astype("Int64").astype(str) == frame["year"]
    )
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
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "date lies in the year of the notes file",
            nl="date ligt in het jaar van het notitiebestand",
            column="date_in_year",
            value_set=[True],
        ),
    ]
    screened = privacy_outcomes(cells, project.cycle.privacy, "the notes", "de notities")
    return with_outcomes(v.validate(Source(name, folder, frame), checks), screened)
