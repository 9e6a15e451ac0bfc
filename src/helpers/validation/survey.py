"""The suite over the survey export (gezondheidsmonitor)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import Paths, Project
from helpers.sources.cbs_health import used_waves
from helpers.sources.local import (
    SURVEY_COLUMNS,
    SURVEY_COUNTS,
    SURVEY_STEM,
    SourceError,
    survey_path,
)
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
from helpers.validation.plausibility import adult_population, fraction_waves, year_on_year_jumps
from helpers.validation.results import CODE_PATTERN, CRITICAL, WARNING, Source, SuiteResult
from helpers.validation.runner import Validator
from helpers.validation.screening import table_privacy


def survey_suite(v: Validator, project: Project, paths: Paths, local: Path) -> SuiteResult:
    """Columns, types, ranges, intervals, codes, duplicates and coverage of the survey export."""
    try:
        path = survey_path(local)
    except SourceError as error:
        return failed(
            "survey",
            relative(local / f"{SURVEY_STEM}.csv", paths),
            CRITICAL,
            "one export per source (not both .csv and .xlsx)",
            "één export per bron (niet zowel .csv als .xlsx)",
            str(error).replace(str(paths.root) + "/", ""),
        )
    file = relative(path or local / f"{SURVEY_STEM}.csv", paths)
    raw = read_local(path, local / f"{SURVEY_STEM}.csv", paths)
    if isinstance(raw, str):
        return failed(
            "survey",
            file,
            CRITICAL,
            "the survey export is a readable table",
            "de enquête-export is een leesbare tabel",
            raw,
        )
    assert path is not None  # without a file, read_local gives the 'missing' message
    frame = csv_where(
        path,
        typed(
            raw,
            ["jaar", "percentage", "ondergrens", "bovengrens", "n"],
            whole=["jaar", *SURVEY_COUNTS],
        ),
    )
    screened = table_privacy(
        frame,
        ["gebiednaam", "indicator"],
        project.cycle.privacy,
        "the survey's text columns",
        "de tekstkolommen van de enquête",
    )
    checks = shape_checks(
        v,
        SURVEY_COLUMNS,
        ("the export has the documented columns", "de export heeft de beschreven kolommen"),
        ("the export has data rows", "de export heeft gegevensrijen"),
    )
    if not set(SURVEY_COLUMNS) <= set(raw.columns) or raw.empty:
        return with_outcomes(v.validate(Source("survey", file, frame), checks), screened)
    frame["fraction:percentage"] = ~fraction_waves(frame, project.cycle.plausibility.jump_min_value)
    adults = adult_population(project, paths)
    frame["inwoners_15_plus"] = [
        adults.get((year, str(code).strip()), math.nan)
        for year, code in zip(frame["jaar"], frame["gebiedcode"], strict=True)
    ]
    screened += year_on_year_jumps(
        frame, ["percentage"], ["gebiedcode", "indicator"], project.cycle.plausibility, "survey"
    )
    known = sorted(
        {i.column for i in project.catalogue.indicators if i.source == "survey" and i.column}
    )
    cycle = project.cycle.cycle
    checks += number_checks(
        v, frame, ["jaar", "percentage", "ondergrens", "bovengrens", "n"], "survey", WARNING
    )
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            f"{c} is between 0 and 100",
            nl=f"{c} ligt tussen 0 en 100",
            column=c,
            min_value=0,
            max_value=100,
        )
        for c in ("percentage", "ondergrens", "bovengrens")
    ]
    checks += [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "percentage is in percent, not a fraction (plausibility: every value of the "
            "area in this wave is at most 1, or the value is at most 1 where its series "
            "reaches plausibility.jump_min_value, as if 0.529 were written for 52.9%)",
            nl=(
                "percentage staat in procenten, niet als fractie (aannemelijkheid: elke waarde "
                "van het gebied in deze meting is ten hoogste 1, of de waarde is ten hoogste 1 "
                "waar de reeks plausibility.jump_min_value haalt, alsof 0.529 geschreven is "
                "voor 52,9%)"
            ),
            column="fraction:percentage",
            value_set=[True],
        ),
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            "n is not negative",
            nl="n is niet negatief",
            column="n",
            min_value=0,
        ),
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            CRITICAL,
            "n does not exceed the inhabitants aged 15 or older of the area that year "
            "(plausibility; the survey asks adults; CBS AantalInwoners - k_0Tot15Jaar)",
            nl=(
                "n is niet groter dan het aantal inwoners van 15 jaar of ouder van het gebied "
                "in dat jaar (aannemelijkheid; de enquête vraagt volwassenen; CBS AantalInwoners - "
                "k_0Tot15Jaar)"
            ),
            column_A="inwoners_15_plus",
            column_B="n",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            f"jaar is not after the cycle year {cycle.year}",
            nl=f"jaar ligt niet na het cyclusjaar {cycle.year}",
            column="jaar",
            max_value=cycle.year,
        ),
        v.expect(
            "ExpectColumnValuesToBeBetween",
            WARNING,
            f"jaar lies within the cycle ({cycle.years[0]}–{cycle.year}) or is the latest wave "
            "before it (shown with its own year); other older waves are not used",
            nl=f"jaar ligt binnen de cyclus ({cycle.years[0]}–{cycle.year}) of is de laatste "
            "meting daarvoor (getoond met haar eigen jaar); andere oudere metingen worden niet "
            "gebruikt",
            column="jaar",
            min_value=min([cycle.years[0], *used_waves(_known_years(frame), cycle)]),
        ),
        v.expect(
            "ExpectColumnValuesToMatchRegex",
            CRITICAL,
            "gebiedcode is NL00, GMnnnn, WKnnnnnn or BUnnnnnnnn",
            nl="gebiedcode is NL00, GMnnnn, WKnnnnnn of BUnnnnnnnn",
            column="gebiedcode",
            regex=CODE_PATTERN,
        ),
        v.expect(
            "ExpectCompoundColumnsToBeUnique",
            CRITICAL,
            "one row per year, area and indicator",
            nl="één rij per jaar, gebied en indicator",
            column_list=["jaar", "gebiedcode", "indicator"],
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            WARNING,
            "indicator is one the catalogue knows",
            nl="indicator is er een die de catalogus kent",
            column="indicator",
            value_set=known,
        ),
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            WARNING,
            "the estimate is not below the lower bound",
            nl="de schatting ligt niet onder de ondergrens",
            column_A="percentage",
            column_B="ondergrens",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            WARNING,
            "the upper bound is not below the estimate",
            nl="de bovengrens ligt niet onder de schatting",
            column_A="bovengrens",
            column_B="percentage",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            WARNING,
            "every programme area is in the latest wave",
            nl="elk programmagebied staat in de laatste meting",
            column="gebiedcode",
            value_set=_survey_areas(project, frame),
            rows=("jaar", [int(frame["jaar"].max())]),
        )
        if frame["jaar"].notna().any()
        else None,
        *_survey_wave_checks(v, project),
    ]
    result = v.validate(Source("survey", file, frame), [c for c in checks if c is not None])
    return with_outcomes(result, screened)


def _survey_wave_checks(v: Validator, project: Project) -> list[Any]:
    """Warnings naming a missing base or latest wave.

    Without them a survey export that lacks the nulmeting or the cycle year passes, and
    the reports silently show no change from the base year, or older figures.
    """
    cycle = project.cycle.cycle
    return [
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            WARNING,
            f"the {what} wave {year} is in the export ({why})",
            nl=f"de {wat} meting {year} staat in de export ({waarom})",
            column="jaar",
            value_set=[float(year)],
        )
        for what, year, why, wat, waarom in (
            (
                "base",
                cycle.base_year,
                "nulmeting: without it no change from the base year",
                "basis",
                "nulmeting: zonder deze geen verandering sinds het basisjaar",
            ),
            (
                "latest",
                cycle.year,
                "the cycle year: without it the reports show older figures",
                "laatste",
                "het cyclusjaar: zonder deze tonen de rapporten oudere cijfers",
            ),
        )
    ]


def _survey_areas(project: Project, frame: pd.DataFrame) -> list[str]:
    latest = int(frame["jaar"].max())
    return sorted(
        {c for k in project.cycle.programmes for c in project.programmes[k].area_codes(latest)}
    )


def _known_years(frame: pd.DataFrame) -> list[int]:
    """The survey's wave years that are whole numbers (a bad cell is checked elsewhere)."""
    years = pd.to_numeric(frame["jaar"], errors="coerce").dropna()
    return sorted({int(y) for y in years if float(y).is_integer()})
