"""Params against the CBS tables: areas in each year's region list, catalogue columns."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.config import Paths, Project
from helpers.indicators.areas import RegionList, diagnose, kwb_region_list
from helpers.sources.cbs_columns import match_columns
from helpers.validation.kwb import kwb_frame
from helpers.validation.results import CRITICAL, WARNING, Source, SuiteResult
from helpers.validation.runner import Validator


def _region_lists(project: Project, paths: Paths) -> dict[int, RegionList]:
    """Each readable year's region list, to say what became of a missing area."""
    lists = {}
    for year in project.cycle.cycle.years:
        try:
            lists[year] = kwb_region_list(paths.raw_cbs / project.cycle.kwb_table(year), year)
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            continue
    return lists


def _kwb_columns(folder: Path, project: Project, year: int) -> set[str]:
    """The names the year's numeric columns get in the long KWB table (concepts, else names)."""
    properties = json.loads((folder / "DataProperties.json").read_text(encoding="utf-8"))
    concepts = project.cbs_columns.kwb if project.cbs_columns else None
    matched = match_columns(properties, concepts, year, folder.name)
    return {m.column for m in matched.columns}


def params_suite(v: Validator, project: Project, paths: Paths) -> SuiteResult:
    """Params against the CBS tables: areas in each year's region list, indicators per year."""
    areas, columns = [], []
    lists = _region_lists(project, paths)
    for year in project.cycle.cycle.years:
        folder = paths.raw_cbs / project.cycle.kwb_table(year)
        try:
            _, _, regions, _ = kwb_frame(folder)
            topics = _kwb_columns(folder, project, year)
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            continue  # the table's own suite reports it
        for key in project.cycle.programmes:
            for code in project.programmes[key].area_codes(year):
                where = f"params/programmes/{key}.yaml: {code} in {year}"
                if code not in regions and year in lists:
                    kind, what, _ = diagnose(code, year, lists)
                    where += f" ({kind}: {what})"
                areas.append((where, code in regions))
        for indicator in project.catalogue.indicators:
            if indicator.source != "cbs_kwb":
                continue
            start = project.logbook.added_from(indicator.id)
            if start is not None and year < start:
                continue  # not followed yet: the logbook adds it from `start`
            for column in filter(
                None, (indicator.column, indicator.numerator, indicator.denominator)
            ):
                columns.append(
                    (
                        f"params/indicators.yaml: {indicator.id} ({column}) in {year}",
                        column in topics,
                    )
                )
    frame = pd.DataFrame(
        [(w, known, True) for w, known in areas] + [(w, True, ok) for w, ok in columns],
        columns=["where", "area_known", "column_known"],
    )
    checks = [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "each programme area code exists in that year's CBS region list (renamed, "
            "split or merged? list the areas per year under `areas`)",
            nl=(
                "elke gebiedscode van een programma bestaat in de CBS-gebiedsindeling van dat jaar "
                "(hernoemd, gesplitst of samengevoegd? geef de gebieden per jaar onder `areas`)"
            ),
            column="area_known",
            value_set=[True],
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            WARNING,
            "each CBS column of the catalogue exists in that year's table, from the year "
            "the logbook adds the indicator (else no value)",
            nl=(
                "elke CBS-kolom uit de catalogus bestaat in de tabel van dat jaar, vanaf het jaar "
                "waarin het logboek de indicator toevoegt (anders geen waarde)"
            ),
            column="column_known",
            value_set=[True],
        ),
    ]
    return v.validate(Source("params", "params/", frame), checks)
