"""The suite over one programme's registrations (activities, participants, budget)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import Paths, Project
from helpers.sources.local import REGISTRATION_COLUMNS, SourceError, registrations_path
from helpers.validation.inputs import (
    csv_where,
    failed,
    number_checks,
    read_local,
    relative,
    shape_checks,
    typed,
    with_outcomes,
)
from helpers.validation.plausibility import area_population, year_on_year_jumps
from helpers.validation.results import CRITICAL, WARNING, Source, SuiteResult
from helpers.validation.runner import Validator
from helpers.validation.screening import table_privacy


def registrations_suite(
    v: Validator, project: Project, paths: Paths, local: Path, key: str
) -> SuiteResult:
    """Years, counts, duplicates and project keys of one programme's registrations."""
    name = f"registrations_{key}"
    expected = local / "registrations" / f"{key}.csv"
    try:
        path = registrations_path(local, key)
    except SourceError as error:
        return failed(
            name,
            relative(expected, paths),
            CRITICAL,
            "one export per source (not both .csv and .xlsx)",
            "één export per bron (niet zowel .csv als .xlsx)",
            str(error).replace(str(paths.root) + "/", ""),
        )
    file = relative(path or expected, paths)
    if path is None:
        return failed(
            name,
            file,
            WARNING,
            "the programme has registrations",
            "het programma heeft registraties",
            f"missing: {file} (or .xlsx)",
        )
    raw = read_local(path, expected, paths)
    if isinstance(raw, str):
        return failed(
            name,
            file,
            CRITICAL,
            "the registrations are a readable table",
            "de registraties zijn een leesbare tabel",
            raw,
        )
    counts = [c for c in raw.columns if c not in ("jaar", "project")]
    frame = csv_where(path, typed(raw, ["jaar", *counts], whole=["jaar", *counts]))
    screened = table_privacy(
        csv_where(path, raw),
        free_text_columns(raw),
        project.cycle.privacy,
        "the registrations' text columns",
        "de tekstkolommen van de registraties",
    )
    checks = [
        *shape_checks(
            v,
            REGISTRATION_COLUMNS,
            (
                "the registrations have the documented columns",
                "de registraties hebben de beschreven kolommen",
            ),
            ("the file has data rows", "het bestand heeft gegevensrijen"),
        ),
        *_indicator_column_checks(v, project, key),
    ]
    if not set(REGISTRATION_COLUMNS) <= set(raw.columns) or raw.empty:
        return with_outcomes(v.validate(Source(name, file, frame), checks), screened)
    programme = project.programmes[key]
    frame["inwoners"] = frame["jaar"].map(area_population(project, paths, key))
    screened += year_on_year_jumps(
        frame, counts, ["project"], project.cycle.plausibility, "registration"
    )
    projects = sorted({e.project for g in programme.goals for e in g.efforts})
    years = [float(y) for y in project.cycle.cycle.years]
    checks += number_checks(v, frame, ["jaar", *counts], "registration", CRITICAL)
    checks += [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "jaar is a year of the cycle",
            nl="jaar is een jaar van de cyclus",
            column="jaar",
            value_set=years,
        ),
        v.expect(
            "ExpectCompoundColumnsToBeUnique",
            CRITICAL,
            "one row per year and project",
            nl="één rij per jaar en project",
            column_list=["jaar", "project"],
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            WARNING,
            "project is one of the programme's efforts",
            nl="project is een van de inspanningen van het programma",
            column="project",
            value_set=projects,
        ),
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            WARNING,
            "every year of the programme is registered",
            nl="elk jaar van het programma is geregistreerd",
            column="jaar",
            value_set=[y for y in years if programme.area_codes(int(y))],
        ),
    ]
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            f"{c} is not negative",
            nl=f"{c} is niet negatief",
            column=c,
            min_value=0,
        )
        for c in counts
    ]
    checks.append(
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            CRITICAL,
            "deelnemers does not exceed the inhabitants of the programme area that year "
            "(plausibility; CBS AantalInwoners, where known)",
            nl=(
                "deelnemers is niet groter dan het aantal inwoners van het programmagebied in dat "
                "jaar (aannemelijkheid; CBS AantalInwoners, waar bekend)"
            ),
            column_A="inwoners",
            column_B="deelnemers",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    )
    return with_outcomes(v.validate(Source(name, file, frame), checks), screened)


def free_text_columns(raw: pd.DataFrame) -> list[str]:
    """`project`, and every other column with a letter or an @ in a cell: a remark column,
    or a count where someone typed a note, may hold personal data (a column of numbers
    only is not screened, so a nine-digit amount is never taken for a BSN)."""
    texts = [
        c
        for c in raw.columns
        if c not in ("jaar", "project")
        and raw[c].astype("string").str.contains(r"[A-Za-z@]", regex=True).fillna(False).any()
    ]
    return ["project", *texts]


def _indicator_column_checks(v: Validator, project: Project, key: str) -> list[Any]:
    """A warning naming the column of a registration indicator (a local one) not in the file.

    The documented columns are checked as critical above; a programme's own indicator
    whose column was renamed would otherwise get no value without a word.
    """
    extra = sorted(
        {
            i.column
            for i in project.indicators_for(key)
            if i.source == "registration" and i.column and i.column not in REGISTRATION_COLUMNS
        }
    )
    if not extra:
        return []
    return [
        v.expect(
            "ExpectTableColumnsToMatchSet",
            WARNING,
            "the columns of the programme's own registration indicators are in the file "
            "(a renamed column gives the indicator no values)",
            nl=(
                "de kolommen van de eigen registratie-indicatoren van het programma staan in het "
                "bestand (een hernoemde kolom geeft de indicator geen waarden)"
            ),
            column_set=extra,
            exact_match=False,
        )
    ]
