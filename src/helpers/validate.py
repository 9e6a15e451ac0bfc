"""Expectation suites over every raw source, before anything is computed from them.

great-expectations checks the CBS tables (codes, ranges, completeness), the survey
export and the registrations. Each expectation carries a severity in its `meta`: a
`critical` failure stops the pipeline, a `warning` is reported. Failures are told
in terms a researcher can act on: file, row, column, value and rule. The summary
is a DVC metric; the HTML report is self-contained and readable offline.
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import privacy
from helpers.areas import RegionList, diagnose, kwb_region_list
from helpers.config import Project
from helpers.io import write_text_atomic
from helpers.paths import Paths
from helpers.sources.cbs import NUMERIC_TYPES, base_name
from helpers.sources.cbs_columns import match_columns
from helpers.sources.cbs_health import used_waves
from helpers.sources.local import (
    MISSING_MARKERS,
    REGISTRATION_COLUMNS,
    SURVEY_COLUMNS,
    SURVEY_COUNTS,
    SURVEY_STEM,
    THOUSANDS,
    SourceError,
    is_synthetic,
    note_files,
    note_lines,
    read_note_items,
    read_raw_table,
    registrations_path,
    survey_path,
    to_number,
)

CRITICAL = "critical"
WARNING = "warning"
CODE_PATTERN = r"^(?:NL00|GM\d{4}|WK\d{6}|BU\d{8})\s*$"
MAX_EXAMPLES = 5


@dataclass
class Outcome:
    """The result of one expectation, with examples a researcher can find in the file."""

    rule: str
    kind: str
    severity: str
    column: str
    success: bool
    unexpected: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class SuiteResult:
    name: str
    file: str
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]


@dataclass
class ValidationSummary:
    suites: list[SuiteResult]
    synthetic: bool = False

    def failures(self, severity: str) -> list[tuple[SuiteResult, Outcome]]:
        return [(s, o) for s in self.suites for o in s.failed if o.severity == severity]

    @property
    def passed(self) -> bool:
        return not self.failures(CRITICAL)


@dataclass(frozen=True)
class Source:
    """A frame to validate, with a `where` column naming each row as a person finds it."""

    name: str
    file: str
    frame: pd.DataFrame

    def row_label(self, index: int) -> str:
        return str(self.frame.loc[index, "where"])


DERIVED = ("raw:", "numeric:", "marker:", "whole:", "thousands:", "fraction:")


def _base_column(column: str) -> str:
    for prefix in DERIVED:
        column = column.removeprefix(prefix)
    return column


# ------------------------------------------------------------------ great-expectations


def _import_gx() -> Any:
    """Import great-expectations quietly (slow and chatty): once per run."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    return gx


class Validator:
    """One ephemeral great-expectations context (no gx/ folder) for a whole run."""

    def __init__(self) -> None:
        self.gx = _import_gx()
        self.e = self.gx.expectations
        self.context = self.gx.get_context(mode="ephemeral")
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        self.datasource = self.context.data_sources.add_pandas("wijkmonitor")

    def expect(
        self,
        kind: str,
        severity: str,
        rule: str,
        *,
        hide: bool = False,
        rows: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """An expectation of class `kind` whose meta carries severity and rule in words.

        `hide` keeps the offending values out of messages (personal data); `rows` is a
        pandas query limiting the expectation to some rows.
        """
        meta = {"severity": severity, "rule": rule, "hide_values": hide, "rows": rows}
        if rows:
            kwargs.update(row_condition=rows, condition_parser="pandas")
        return getattr(self.e, kind)(meta=meta, **kwargs)

    def validate(self, source: Source, expectations: list[Any]) -> SuiteResult:
        asset = self.datasource.add_dataframe_asset(name=source.name)
        batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
            batch_parameters={"dataframe": source.frame}
        )
        # Not added to the context: a stored suite is serialised again on every added
        # expectation, work an ephemeral run never reads back.
        suite = self.gx.ExpectationSuite(name=source.name, expectations=expectations)
        result = batch.validate(suite, result_format="COMPLETE")
        outcomes = [_outcome(item, source) for item in result.results]
        return SuiteResult(source.name, source.file, outcomes)


def _outcome(item: Any, source: Source) -> Outcome:
    config = item.expectation_config
    meta = config.meta or {}
    columns = config.kwargs.get("column_list")
    column = str(config.kwargs.get("column") or config.kwargs.get("column_A") or "")
    pair = [column, config.kwargs["column_B"]] if "column_B" in config.kwargs else []
    outcome = Outcome(
        rule=str(meta.get("rule", config.type)),
        kind=str(config.type),
        severity=str(meta.get("severity", CRITICAL)),
        column=", ".join(columns or pair) if columns or pair else _base_column(column),
        success=bool(item.success),
    )
    if not outcome.success:
        outcome.unexpected, outcome.examples = _examples(item, source, column)
        outcome.examples = _pair_examples(item, source, pair) if pair else outcome.examples
    return outcome


def _raw_cell(frame: pd.DataFrame, index: int, column: str) -> str:
    """The cell as it was in the file (the text before numeric coercion, if any)."""
    shown = _base_column(column)
    shown = f"raw:{shown}" if f"raw:{shown}" in frame.columns else shown
    value: object = frame.loc[index, shown]
    return repr(privacy.mask(value.item() if hasattr(value, "item") else value))


def _pair_examples(item: Any, source: Source, pair: list[str]) -> list[str]:
    """Both values of a failing row: a comparison is only readable with its two sides."""
    indices = (item.result or {}).get("unexpected_index_list") or []
    return [
        f"{source.row_label(int(i))}: "
        + ", ".join(f"{c} {_raw_cell(source.frame, i, c)}" for c in pair)
        for i in indices[:MAX_EXAMPLES]
    ]


def _plain(value: object) -> str:
    """2021.0 -> '2021': values as a person wrote them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _examples(item: Any, source: Source, column: str) -> tuple[int, list[str]]:
    """Where the failure is: rows with their raw text, or what is missing."""
    result = item.result or {}
    kwargs = item.expectation_config.kwargs
    kind = item.expectation_config.type
    indices = list(result.get("unexpected_index_list") or [])
    count = int(result.get("unexpected_count") or len(indices) or 1)
    frame = source.frame
    if indices and (item.expectation_config.meta or {}).get("hide_values"):
        return count, [source.row_label(int(i)) for i in indices[:MAX_EXAMPLES]]
    if indices:
        known = _base_column(column) in frame.columns
        return count, [
            f"{source.row_label(int(i))}: {_raw_cell(frame, i, column)}"
            if known
            else source.row_label(int(i))
            for i in indices[:MAX_EXAMPLES]
        ]
    if kind.endswith("distinct_values_to_contain_set"):
        query = (item.expectation_config.meta or {}).get("rows")
        rows = frame.query(query) if query else frame
        missing = sorted(set(kwargs["value_set"]) - set(rows[column]))
        return len(missing), [f"missing: {', '.join(_plain(m) for m in missing)}"]
    if kind.endswith("table_columns_to_match_set"):
        missing = [c for c in kwargs["column_set"] if c not in frame.columns]
        return len(missing), [f"missing column(s): {', '.join(missing)}"]
    if kind.endswith("table_row_count_to_be_between"):
        return 1, [f"{result.get('observed_value', 0)} data rows"]
    if result.get("observed_value") is not None:
        return count, [f"observed: {privacy.mask(result['observed_value'])!r}"]
    return count, []


# --------------------------------------------------------------------------- sources

NOTE_TYPES = ["citaat", "observatie", "werksessie"]


def _relative(path: Path, paths: Paths) -> str:
    try:
        return str(path.relative_to(paths.root))
    except ValueError:
        return str(path)


def _typed(
    frame: pd.DataFrame, numbers: list[str], whole: Sequence[str] = ()
) -> pd.DataFrame:
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


def _with_where(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    return frame.assign(where=labels).reset_index(drop=True)


def _csv_where(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return _with_where(frame, [f"sheet row {i + 2}" for i in range(len(frame))])
    return _with_where(frame, [f"line {i + 2} (row {i + 1})" for i in range(len(frame))])


def _failed(name: str, file: str, severity: str, rule: str, example: str) -> SuiteResult:
    """A suite that could not run because its input is missing or unreadable."""
    return SuiteResult(
        name, file, [Outcome(rule, "read_source", severity, "", False, 1, [example])]
    )


def _number_checks(
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
                column=f"numeric:{column}",
                value_set=[True],
            ),
            v.expect(
                "ExpectColumnValuesToBeInSet",
                marker_severity,
                f"{column}: a missing-value marker ('.', 'x') is read as missing",
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
                    column=f"thousands:{column}",
                    value_set=[True],
                )
            )
    return checks


def privacy_outcomes(cells: list[tuple[str, str, object]], mode: str, what: str) -> list[Outcome]:
    """One outcome per kind of personal data over (where, column, text) cells.

    Findings are told by place and kind only: the value never reaches the console,
    findings.json or the validation page. With `privacy: redact` a finding is a
    warning and the readers replace it by a visible mark; otherwise it stops the run.
    """
    found: dict[str, list[tuple[str, str]]] = {kind: [] for kind in privacy.KINDS}
    for where, column, text in cells:
        for kind in privacy.kinds(text):
            found[kind].append((where, column))
    severity = WARNING if mode == "redact" else CRITICAL
    outcomes = []
    for kind, places in found.items():
        label, mark = privacy.KINDS[kind]
        action = f"redacted as [verwijderd: {mark}]" if mode == "redact" else "stops the run"
        columns = list(dict.fromkeys(column for _, column in places))
        outcomes.append(
            Outcome(
                rule=f"no personal data in {what}: {label} ({action}; the value is not shown)",
                kind="privacy_screen",
                severity=severity,
                column=", ".join(columns),
                success=not places,
                unexpected=len(places),
                examples=[where for where, _ in places[:MAX_EXAMPLES]],
            )
        )
    return outcomes


def _table_privacy(frame: pd.DataFrame, columns: list[str], mode: str, what: str) -> list[Outcome]:
    """Privacy outcomes over the free-text `columns` of a table with a `where` column."""
    cells = [
        (str(frame.loc[i, "where"]), column, frame.loc[i, column])
        for column in columns
        if column in frame.columns
        for i in frame.index
    ]
    return privacy_outcomes(cells, mode, what)


def _with_outcomes(result: SuiteResult, extra: list[Outcome]) -> SuiteResult:
    return SuiteResult(result.name, result.file, [*result.outcomes, *extra])


def _kwb_frame(folder: Path) -> tuple[dict, pd.DataFrame, set[str], set[str]]:
    """TableInfos, data rows, the year's region list and its numeric topic base names."""
    load = lambda name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))  # noqa: E731
    info = load("TableInfos")[0]
    frame = pd.DataFrame(load("TypedDataSet"))
    regions = {str(r["Key"]).strip() for r in load("WijkenEnBuurten")}
    topics = {
        base_name(p["Key"])
        for p in load("DataProperties")
        if p.get("Type") == "Topic" and p.get("Datatype") in NUMERIC_TYPES
    }
    return info, frame, regions, topics


def kwb_suite(v: Validator, project: Project, paths: Paths, year: int) -> SuiteResult:
    """Codes, region list, types, ranges and completeness of one year's KWB table."""
    table_id = project.cycle.kwb_table(year)
    folder = paths.raw_cbs / table_id
    data_file = folder / "TypedDataSet.json"
    name = f"kwb_{year}_{table_id}"
    file = _relative(data_file, paths)
    try:
        info, frame, regions, _ = _kwb_frame(folder)
    except FileNotFoundError as error:
        return _failed(
            name,
            file,
            CRITICAL,
            "the CBS table is there (run `dvc repro fetch`)",
            f"missing: {_relative(Path(error.filename), paths)}",
        )
    except (json.JSONDecodeError, KeyError, IndexError, TypeError) as error:
        return _failed(name, file, CRITICAL, "the CBS table is valid cbsodata JSON", str(error))
    keys = {base_name(c): c for c in frame.columns}
    inhabitants, over_65 = keys.get("AantalInwoners", ""), keys.get("k_65JaarOfOuder", "")
    frame = frame.assign(
        code=frame["WijkenEnBuurten"].astype(str).str.strip(),
        soort=frame[keys.get("SoortRegio", "WijkenEnBuurten")].astype(str).str.strip(),
        period=str(info.get("Period", "")).strip(),
    )
    frame = _with_where(
        _typed(frame, [c for c in (inhabitants, over_65) if c]),
        [f"record {i + 1} ({c})" for i, c in enumerate(frame["code"])],
    )
    members = sorted(
        {c for k in project.cycle.programmes for c in project.programmes[k].area_codes(year)}
    )
    checks = [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            f"TableInfos.Period is {year}: the table of this year",
            column="period",
            value_set=[str(year)],
        ),
        v.expect(
            "ExpectColumnValuesToNotBeNull",
            CRITICAL,
            "every row has a region key",
            column="WijkenEnBuurten",
        ),
        v.expect(
            "ExpectColumnValuesToMatchRegex",
            CRITICAL,
            "region key is NL00, GMnnnn, WKnnnnnn or BUnnnnnnnn (padded)",
            column="WijkenEnBuurten",
            regex=CODE_PATTERN,
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            f"region key is in the {year} region list (WijkenEnBuurten.json)",
            column="code",
            value_set=sorted(regions),
        ),
        v.expect(
            "ExpectColumnValuesToBeUnique", CRITICAL, "each region appears once", column="code"
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "SoortRegio is Land, Gemeente, Wijk or Buurt",
            column="soort",
            value_set=["Land", "Gemeente", "Wijk", "Buurt"],
        ),
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            CRITICAL,
            "the table holds Nederland, every comparison gemeente and every programme area",
            column="code",
            value_set=sorted({"NL00", *project.cycle.gemeenten, *members}),
        ),
    ]
    if not inhabitants:
        checks.append(
            v.expect(
                "ExpectColumnToExist",
                CRITICAL,
                "AantalInwoners is in the table",
                column="AantalInwoners",
            )
        )
        return v.validate(Source(name, file, frame), checks)
    checks += _number_checks(v, frame, [inhabitants], "CBS", WARNING)
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            "AantalInwoners between 0 and 20 000 000",
            column=inhabitants,
            min_value=0,
            max_value=20_000_000,
        ),
        v.expect(
            "ExpectColumnValuesToNotBeNull",
            WARNING,
            "programme areas have a published AantalInwoners",
            column=inhabitants,
            rows=f"code in {members!r}",
        ),
    ]
    if over_65:
        checks.append(
            v.expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                "inhabitants 65+ do not exceed all inhabitants",
                column_A=inhabitants,
                column_B=over_65,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    return v.validate(Source(name, file, frame), checks)


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
            _, _, regions, _ = _kwb_frame(folder)
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
            column="area_known",
            value_set=[True],
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            WARNING,
            "each CBS column of the catalogue exists in that year's table, from the year "
            "the logbook adds the indicator (else no value)",
            column="column_known",
            value_set=[True],
        ),
    ]
    return v.validate(Source("params", "params/", frame), checks)


def _read_local(path: Path | None, expected: Path, paths: Paths) -> pd.DataFrame | str:
    """The raw table, or the reason it cannot be read (a missing file is named as such)."""
    if path is None:
        return f"missing: {_relative(expected, paths)} (or .xlsx)"
    try:
        return read_raw_table(path)
    except SourceError as error:
        return str(error).replace(str(paths.root) + "/", "")
    except (pd.errors.ParserError, ValueError) as error:
        return f"{_relative(path, paths)}: not a readable table ({error})"


def survey_suite(v: Validator, project: Project, paths: Paths, local: Path) -> SuiteResult:
    """Columns, types, ranges, intervals, codes, duplicates and coverage of the survey export."""
    try:
        path = survey_path(local)
    except SourceError as error:
        return _failed(
            "survey",
            _relative(local / f"{SURVEY_STEM}.csv", paths),
            CRITICAL,
            "one export per source (not both .csv and .xlsx)",
            str(error).replace(str(paths.root) + "/", ""),
        )
    file = _relative(path or local / f"{SURVEY_STEM}.csv", paths)
    raw = _read_local(path, local / f"{SURVEY_STEM}.csv", paths)
    if isinstance(raw, str):
        return _failed("survey", file, CRITICAL, "the survey export is a readable table", raw)
    assert path is not None  # without a file, _read_local gives the 'missing' message
    frame = _csv_where(
        path,
        _typed(
            raw,
            ["jaar", "percentage", "ondergrens", "bovengrens", "n"],
            whole=["jaar", *SURVEY_COUNTS],
        ),
    )
    screened = _table_privacy(
        frame, ["gebiednaam", "indicator"], project.cycle.privacy, "the survey's text columns"
    )
    checks = [
        v.expect(
            "ExpectTableColumnsToMatchSet",
            CRITICAL,
            "the export has the documented columns",
            column_set=SURVEY_COLUMNS,
            exact_match=False,
        ),
        v.expect(
            "ExpectTableRowCountToBeBetween", CRITICAL, "the export has data rows", min_value=1
        ),
    ]
    if not set(SURVEY_COLUMNS) <= set(raw.columns) or raw.empty:
        return _with_outcomes(v.validate(Source("survey", file, frame), checks), screened)
    frame["fraction:percentage"] = ~_fraction_waves(frame)
    known = sorted(
        {i.column for i in project.catalogue.indicators if i.source == "survey" and i.column}
    )
    cycle = project.cycle.cycle
    checks += _number_checks(
        v, frame, ["jaar", "percentage", "ondergrens", "bovengrens", "n"], "survey", WARNING
    )
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            f"{c} is between 0 and 100",
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
            "percentage is in percent, not a fraction (plausibility: every value of this "
            "wave is at most 1, as if 0.529 were written for 52.9%)",
            column="fraction:percentage",
            value_set=[True],
        ),
        v.expect(
            "ExpectColumnValuesToBeBetween", CRITICAL, "n is not negative", column="n", min_value=0
        ),
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            f"jaar is not after the cycle year {cycle.year}",
            column="jaar",
            max_value=cycle.year,
        ),
        v.expect(
            "ExpectColumnValuesToBeBetween",
            WARNING,
            f"jaar lies within the cycle ({cycle.years[0]}–{cycle.year}) or is the latest wave "
            "before it (shown with its own year); other older waves are not used",
            column="jaar",
            min_value=min([cycle.years[0], *used_waves(_known_years(frame), cycle)]),
        ),
        v.expect(
            "ExpectColumnValuesToMatchRegex",
            CRITICAL,
            "gebiedcode is NL00, GMnnnn, WKnnnnnn or BUnnnnnnnn",
            column="gebiedcode",
            regex=CODE_PATTERN,
        ),
        v.expect(
            "ExpectCompoundColumnsToBeUnique",
            CRITICAL,
            "one row per year, area and indicator",
            column_list=["jaar", "gebiedcode", "indicator"],
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            WARNING,
            "indicator is one the catalogue knows",
            column="indicator",
            value_set=known,
        ),
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            WARNING,
            "the estimate is not below the lower bound",
            column_A="percentage",
            column_B="ondergrens",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            WARNING,
            "the upper bound is not below the estimate",
            column_A="bovengrens",
            column_B="percentage",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            WARNING,
            "every programme area is in the latest wave",
            column="gebiedcode",
            value_set=_survey_areas(project, frame),
            rows=f"jaar == {int(frame['jaar'].max())}",
        )
        if frame["jaar"].notna().any()
        else None,
        *_survey_wave_checks(v, project),
    ]
    result = v.validate(Source("survey", file, frame), [c for c in checks if c is not None])
    return _with_outcomes(result, screened)


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
            column="jaar",
            value_set=[float(year)],
        )
        for what, year, why in (
            ("base", cycle.base_year, "nulmeting: without it no change from the base year"),
            ("latest", cycle.year, "the cycle year: without it the reports show older figures"),
        )
    ]


def _known_years(frame: pd.DataFrame) -> list[int]:
    """The survey's wave years that are whole numbers (a bad cell is checked elsewhere)."""
    years = pd.to_numeric(frame["jaar"], errors="coerce").dropna()
    return sorted({int(y) for y in years if float(y).is_integer()})


def _fraction_waves(frame: pd.DataFrame) -> pd.Series:
    """True for the rows of a wave whose percentages are all at most 1 (at least two values).

    One small percentage is plausible; a whole wave below 1% is a wave written as fractions.
    """
    values = frame["percentage"]
    per_wave = values.groupby(frame["jaar"]).transform(
        lambda s: bool(s.notna().sum() >= 2 and (s.dropna() <= 1).all())
    )
    return per_wave.fillna(False).astype(bool) & values.notna()


def _survey_areas(project: Project, frame: pd.DataFrame) -> list[str]:
    latest = int(frame["jaar"].max())
    return sorted(
        {c for k in project.cycle.programmes for c in project.programmes[k].area_codes(latest)}
    )


def registrations_suite(
    v: Validator, project: Project, paths: Paths, local: Path, key: str
) -> SuiteResult:
    """Years, counts, duplicates and project keys of one programme's registrations."""
    name = f"registrations_{key}"
    expected = local / "registrations" / f"{key}.csv"
    try:
        path = registrations_path(local, key)
    except SourceError as error:
        return _failed(
            name,
            _relative(expected, paths),
            CRITICAL,
            "one export per source (not both .csv and .xlsx)",
            str(error).replace(str(paths.root) + "/", ""),
        )
    file = _relative(path or expected, paths)
    if path is None:
        return _failed(
            name, file, WARNING, "the programme has registrations", f"missing: {file} (or .xlsx)"
        )
    raw = _read_local(path, expected, paths)
    if isinstance(raw, str):
        return _failed(name, file, CRITICAL, "the registrations are a readable table", raw)
    counts = [c for c in raw.columns if c not in ("jaar", "project")]
    frame = _csv_where(path, _typed(raw, ["jaar", *counts], whole=["jaar", *counts]))
    screened = _table_privacy(
        frame, ["project"], project.cycle.privacy, "the registrations' text columns"
    )
    checks = [
        v.expect(
            "ExpectTableColumnsToMatchSet",
            CRITICAL,
            "the registrations have the documented columns",
            column_set=REGISTRATION_COLUMNS,
            exact_match=False,
        ),
        v.expect("ExpectTableRowCountToBeBetween", CRITICAL, "the file has data rows", min_value=1),
        *_indicator_column_checks(v, project, key),
    ]
    if not set(REGISTRATION_COLUMNS) <= set(raw.columns) or raw.empty:
        return _with_outcomes(v.validate(Source(name, file, frame), checks), screened)
    programme = project.programmes[key]
    frame["inwoners"] = frame["jaar"].map(_area_population(project, paths, key))
    projects = sorted({e.project for g in programme.goals for e in g.efforts})
    years = [float(y) for y in project.cycle.cycle.years]
    checks += _number_checks(v, frame, ["jaar", *counts], "registration", CRITICAL)
    checks += [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "jaar is a year of the cycle",
            column="jaar",
            value_set=years,
        ),
        v.expect(
            "ExpectCompoundColumnsToBeUnique",
            CRITICAL,
            "one row per year and project",
            column_list=["jaar", "project"],
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            WARNING,
            "project is one of the programme's efforts",
            column="project",
            value_set=projects,
        ),
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            WARNING,
            "every year of the programme is registered",
            column="jaar",
            value_set=[y for y in years if programme.area_codes(int(y))],
        ),
    ]
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween", CRITICAL, f"{c} is not negative", column=c, min_value=0
        )
        for c in counts
    ]
    checks.append(
        v.expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            CRITICAL,
            "deelnemers does not exceed the inhabitants of the programme area that year "
            "(plausibility; CBS AantalInwoners, where known)",
            column_A="inwoners",
            column_B="deelnemers",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    )
    return _with_outcomes(v.validate(Source(name, file, frame), checks), screened)


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
            column_set=extra,
            exact_match=False,
        )
    ]


def _area_population(project: Project, paths: Paths, key: str) -> dict[float, float]:
    """Inhabitants of the programme area per year from the raw KWB tables, where known.

    A year whose table is unreadable or lacks a published count for any of the area's
    codes is left out: the rule then does not apply (the table's own suite reports it).
    """
    population: dict[float, float] = {}
    for year in project.cycle.cycle.years:
        codes = project.programmes[key].area_codes(year)
        try:
            _, frame, _, _ = _kwb_frame(paths.raw_cbs / project.cycle.kwb_table(year))
            column = next(c for c in frame.columns if base_name(c) == "AantalInwoners")
            values = to_number(frame[column].astype("string"))
            keys = frame["WijkenEnBuurten"].astype(str).str.strip()
            by_code = dict(zip(keys, values, strict=True))
        except (OSError, ValueError, KeyError, IndexError, TypeError, StopIteration):
            continue
        counts = [by_code.get(code, math.nan) for code in codes]
        if codes and all(pd.notna(c) for c in counts):
            population[float(year)] = float(sum(counts))
    return population


def notes_suite(v: Validator, project: Project, paths: Paths, local: Path, key: str) -> SuiteResult:
    """Goals, types, dates and personal data of one programme's qualitative notes."""
    name = f"notes_{key}"
    folder = _relative(local / "notes" / key, paths)
    rows, labels, cells = [], [], []
    for path in note_files(local, key):
        try:
            items = read_note_items(path)
        except SourceError as error:
            return _failed(
                name,
                folder,
                CRITICAL,
                "each notes file is valid YAML, without a key given twice, with existing "
                "dates, and with the programme and year of its folder and file name",
                str(error).replace(str(paths.root) + "/", ""),
            )
        shown = _relative(path, paths)
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
        return _failed(
            name, folder, WARNING, "the programme has qualitative notes", f"no notes in {folder}"
        )
    frame = _with_where(pd.DataFrame(rows), labels)
    frame["date_ok"] = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce").notna()
    goals = sorted(g.id for g in project.programmes[key].goals)
    checks = [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "goal is a goal id of the programme",
            column="goal",
            value_set=goals,
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "type is citaat, observatie or werksessie",
            column="type",
            value_set=NOTE_TYPES,
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "date is a date (YYYY-MM-DD)",
            column="date_ok",
            value_set=[True],
        ),
    ]
    screened = privacy_outcomes(cells, project.cycle.privacy, "the notes")
    return _with_outcomes(v.validate(Source(name, folder, frame), checks), screened)


def validate_sources(project: Project, paths: Paths, local: Path) -> ValidationSummary:
    """Run every suite; never raises on bad data, reports it."""
    v = Validator()
    suites = [kwb_suite(v, project, paths, y) for y in project.cycle.cycle.years]
    suites.append(params_suite(v, project, paths))
    suites.append(survey_suite(v, project, paths, local))
    for key in project.cycle.programmes:
        suites.append(registrations_suite(v, project, paths, local, key))
        suites.append(notes_suite(v, project, paths, local, key))
    return ValidationSummary(suites, synthetic=_any_synthetic(project, paths, local))


def _any_synthetic(project: Project, paths: Paths, local: Path) -> bool:
    """Demo data say so in TableInfos (CBS) or with SYNTHETIC.txt (local sources)."""
    if is_synthetic(local):
        return True
    for year in project.cycle.cycle.years:
        info = paths.raw_cbs / project.cycle.kwb_table(year) / "TableInfos.json"
        if info.is_file() and json.loads(info.read_text(encoding="utf-8"))[0].get("Synthetic"):
            return True
    return False


# --------------------------------------------------------------------------- reports


def failure_line(suite: SuiteResult, outcome: Outcome) -> str:
    """`file, column c (n rows): examples - rule [kind, severity]`."""
    where = f"{suite.file}, column {outcome.column}" if outcome.column else suite.file
    where += f" ({outcome.unexpected} row{'s' if outcome.unexpected != 1 else ''})"
    examples = "; ".join(outcome.examples) or "see the validation report"
    return f"{where}: {examples} — violates: {outcome.rule} [{outcome.kind}, {outcome.severity}]"


def summary_to_json(summary: ValidationSummary) -> str:
    """Deterministic totals per suite and severity (a DVC metric)."""
    data = {
        "passed": summary.passed,
        "critical_failures": len(summary.failures(CRITICAL)),
        "warnings": len(summary.failures(WARNING)),
        "suites": {
            s.name: {
                "file": s.file,
                "expectations": len(s.outcomes),
                "failed_critical": sum(o.severity == CRITICAL for o in s.failed),
                "failed_warning": sum(o.severity == WARNING for o in s.failed),
            }
            for s in summary.suites
        },
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


FINDINGS_FILE = "findings.json"


def summary_to_findings(summary: ValidationSummary) -> str:
    """Every failed expectation in words, for the reports' data-quality section."""
    findings = [
        {
            "suite": suite.name,
            "file": suite.file,
            "column": outcome.column,
            "severity": outcome.severity,
            "rule": outcome.rule,
            "rows": outcome.unexpected,
            "examples": outcome.examples,
        }
        for suite in summary.suites
        for outcome in suite.failed
    ]
    return json.dumps(findings, indent=2, ensure_ascii=False) + "\n"


STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
.banner{padding:1rem;border-radius:.3rem;font-weight:bold}
.ok{background:#e6f4ea}.stop{background:#fde7e9}.warning{background:#fff4ce}
.critical{background:#fde7e9}"""


def _outcome_row(o: Outcome) -> str:
    css = "" if o.success else o.severity
    result = "geslaagd" if o.success else f"{o.unexpected} fout"
    examples = "<br>".join(html.escape(e) for e in o.examples)
    return (
        f"<tr class='{css}'><td>{html.escape(o.rule)}<br><small>{html.escape(o.kind)}</small>"
        f"</td><td>{html.escape(o.column)}</td><td>{o.severity}</td><td>{result}</td>"
        f"<td>{examples}</td></tr>"
    )


def summary_to_html(summary: ValidationSummary) -> str:
    """A self-contained page: banner, then per suite every expectation and its result."""
    state = (
        ("ok", "Validatie geslaagd: geen kritieke fouten.")
        if summary.passed
        else ("stop", f"Pijplijn gestopt: {len(summary.failures(CRITICAL))} kritieke fout(en).")
    )
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>Validatie ruwe gegevens</title><style>{STYLE}</style></head><body>",
        "<h1>Validatie van de ruwe gegevens</h1>",
        (
            "<p class='banner warning'>SYNTHETISCHE GEGEVENS: deze validatie gaat over de "
            "demogegevens van wijkmonitor, niet over echte bronnen.</p>"
            if summary.synthetic
            else ""
        ),
        f"<p class='banner {state[0]}'>{html.escape(state[1])} "
        f"Waarschuwingen: {len(summary.failures(WARNING))}.</p>",
    ]
    for suite in summary.suites:
        parts.append(
            f"<h2>{html.escape(suite.name)}</h2><p><code>{html.escape(suite.file)}</code></p>"
        )
        parts.append(
            "<table><tr><th>regel</th><th>kolom</th><th>ernst</th><th>resultaat</th>"
            "<th>voorbeelden</th></tr>"
        )
        parts += [_outcome_row(o) for o in suite.outcomes]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def main_validate(
    project: Project, paths: Paths, local_dir: Path, html_path: Path, json_path: Path
) -> int:
    """Validate, write both reports (also on failure), print a summary; 1 on critical failure."""
    print("[wijkmonitor] validating raw sources (great-expectations)", flush=True)
    summary = validate_sources(project, paths, local_dir)
    write_text_atomic(html_path, summary_to_html(summary))
    write_text_atomic(json_path, summary_to_json(summary))
    write_text_atomic(json_path.with_name(FINDINGS_FILE), summary_to_findings(summary))
    for suite in summary.suites:
        print(
            f"[wijkmonitor]   {suite.name}: {len(suite.outcomes) - len(suite.failed)}"
            f"/{len(suite.outcomes)} passed",
            flush=True,
        )
    for suite, outcome in summary.failures(WARNING):
        print(f"[wijkmonitor] warning: {failure_line(suite, outcome)}", flush=True)
    critical = summary.failures(CRITICAL)
    if not critical:
        return 0
    for suite, outcome in critical:
        print(f"critical: {failure_line(suite, outcome)}", file=sys.stderr)
    report = _relative(html_path, paths)
    print(
        f"validation stopped the pipeline: {len(critical)} critical failure(s); see {report}",
        file=sys.stderr,
    )
    return 1
