"""Raw tables as frames a suite can expect on: typed copies, row labels, read errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import Paths
from helpers.sources.local import MISSING_MARKERS, THOUSANDS, SourceError, read_raw_table, to_number
from helpers.validation.results import CRITICAL, Outcome, SuiteResult
from helpers.validation.runner import Validator


def relative(path: Path, paths: Paths) -> str:
    try:
        return str(path.relative_to(paths.root))
    except ValueError:
        return str(path)


def typed(frame: pd.DataFrame, numbers: list[str], whole: Sequence[str] = ()) -> pd.DataFrame:
    """Numeric copies of text columns, with flags a suite can expect on.

    `numeric:<c>` is False for text that is not a number (a decimal comma, a word),
    `marker:<c>` is True for a missing-value marker read as missing, `whole:<c>`
    is False for a count with decimals, `thousands:<c>` (counts) is False for a
    thousands separator that reads as a decimal point (238.000 as 238). The text
    stays in `raw:<c>` for messages.
    """
    out = frame.copy()
    for column in numbers:
        if column not in out.columns:
            continue
        text = out[column].astype("string").str.strip().fillna("")
        out[f"raw:{column}"] = out[column]
        out[column] = to_number(text)
        markers = text.isin(MISSING_MARKERS)
        out[f"marker:{column}"] = markers
        out[f"numeric:{column}"] = text.eq("") | markers | out[column].notna()
        if column in whole:
            out[f"whole:{column}"] = out[column].isna() | out[column].eq(out[column].round())
            if column != "jaar":
                out[f"thousands:{column}"] = ~text.str.fullmatch(THOUSANDS).fillna(False)
    return out


def with_where(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    return frame.assign(where=labels).reset_index(drop=True)


def csv_where(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return with_where(frame, [f"sheet row {i + 2}" for i in range(len(frame))])
    return with_where(frame, [f"line {i + 2} (row {i + 1})" for i in range(len(frame))])


def failed(name: str, file: str, severity: str, rule: str, regel: str, example: str) -> SuiteResult:
    """A suite that could not run because its input is missing or unreadable."""
    outcome = Outcome(rule, "read_source", severity, "", False, 1, [example], regel)
    return SuiteResult(name, file, [outcome])


def shape_checks(
    v: Validator, columns: list[str], columns_rule: tuple[str, str], rows_rule: tuple[str, str]
) -> list[Any]:
    """The two checks every local file gets first: its documented columns and some data
    rows. Each rule is (English, Dutch) wording, as the file's readers know it."""
    return [
        v.expect(
            "ExpectTableColumnsToMatchSet",
            CRITICAL,
            columns_rule[0],
            nl=columns_rule[1],
            column_set=columns,
            exact_match=False,
        ),
        v.expect(
            "ExpectTableRowCountToBeBetween",
            CRITICAL,
            rows_rule[0],
            nl=rows_rule[1],
            min_value=1,
        ),
    ]


def number_checks(
    v: Validator, frame: pd.DataFrame, columns: list[str], what: str, marker_severity: str
) -> list[Any]:
    checks = []
    for column in columns:
        if f"numeric:{column}" not in frame.columns:
            continue
        checks += [
            v.expect(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                f"{column} is a number written with a decimal point ({what})",
                nl=f"{column} is een getal met een decimale punt ({what})",
                column=f"numeric:{column}",
                value_set=[True],
            ),
            v.expect(
                "ExpectColumnValuesToBeInSet",
                marker_severity,
                f"{column}: a missing-value marker ('.', 'x') is read as missing",
                nl=(
                    f"{column}: een teken voor een ontbrekende waarde ('.', 'x') wordt "
                    "als ontbrekend gelezen"
                ),
                column=f"marker:{column}",
                value_set=[False],
            ),
        ]
        if f"whole:{column}" in frame.columns:
            checks.append(
                v.expect(
                    "ExpectColumnValuesToBeInSet",
                    CRITICAL,
                    f"{column} is a whole number",
                    nl=f"{column} is een geheel getal",
                    column=f"whole:{column}",
                    value_set=[True],
                )
            )
        if f"thousands:{column}" in frame.columns:
            checks.append(
                v.expect(
                    "ExpectColumnValuesToBeInSet",
                    CRITICAL,
                    f"{column} is written without a thousands separator (plausibility: "
                    "238.000 would be read as 238; write 238000)",
                    nl=(
                        f"{column} staat er zonder scheidingsteken voor duizendtallen "
                        "(aannemelijkheid: 238.000 zou als 238 gelezen worden; schrijf 238000)"
                    ),
                    column=f"thousands:{column}",
                    value_set=[True],
                )
            )
    return checks


def with_outcomes(result: SuiteResult, extra: list[Outcome]) -> SuiteResult:
    return SuiteResult(result.name, result.file, [*result.outcomes, *extra])


def read_local(path: Path | None, expected: Path, paths: Paths) -> pd.DataFrame | str:
    """The raw table, or the reason it cannot be read (a missing file is named as such)."""
    if path is None:
        return f"missing: {relative(expected, paths)} (or .xlsx)"
    try:
        return read_raw_table(path)
    except SourceError as error:
        return str(error).replace(str(paths.root) + "/", "")
    except (pd.errors.ParserError, ValueError) as error:
        return f"{relative(path, paths)}: not a readable table ({error})"
