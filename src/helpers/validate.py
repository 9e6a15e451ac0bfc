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
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import Project
from helpers.io import write_text_atomic
from helpers.paths import Paths
from helpers.sources.cbs import base_name
from helpers.sources.local import (
    REGISTRATION_COLUMNS,
    SURVEY_COLUMNS,
    SURVEY_FILE,
    is_synthetic,
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
    """A frame to validate: where it came from and how its rows are named."""

    name: str
    file: str
    frame: pd.DataFrame
    csv: bool

    def row_label(self, index: int) -> str:
        return f"line {index + 2} (row {index + 1})" if self.csv else f"record {index + 1}"


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

    def expect(self, kind: str, severity: str, rule: str, **kwargs: Any) -> Any:
        """An expectation of class `kind` whose meta carries severity and rule in words."""
        return getattr(self.e, kind)(meta={"severity": severity, "rule": rule}, **kwargs)

    def validate(self, source: Source, expectations: list[Any]) -> SuiteResult:
        asset = self.datasource.add_dataframe_asset(name=source.name)
        batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
            batch_parameters={"dataframe": source.frame}
        )
        suite = self.context.suites.add(self.gx.ExpectationSuite(name=source.name))
        for expectation in expectations:
            suite.add_expectation(expectation)
        result = batch.validate(suite, result_format="COMPLETE")
        outcomes = [_outcome(item, source) for item in result.results]
        return SuiteResult(source.name, source.file, outcomes)


def _outcome(item: Any, source: Source) -> Outcome:
    config = item.expectation_config
    meta = config.meta or {}
    column = str(config.kwargs.get("column") or config.kwargs.get("column_A") or "")
    outcome = Outcome(
        rule=str(meta.get("rule", config.type)),
        kind=str(config.type),
        severity=str(meta.get("severity", CRITICAL)),
        column=column.removeprefix("numeric:"),
        success=bool(item.success),
    )
    if not outcome.success:
        outcome.unexpected, outcome.examples = _examples(item, source, column)
    return outcome


def _examples(item: Any, source: Source, column: str) -> tuple[int, list[str]]:
    """Where the failure is: rows with their raw text, or the values that are missing."""
    result = item.result or {}
    indices = list(result.get("unexpected_index_list") or [])
    count = int(result.get("unexpected_count") or len(indices) or 1)
    raw = "raw:" + column.removeprefix("numeric:")
    if indices and column in source.frame.columns:
        shown = source.frame[raw] if raw in source.frame.columns else source.frame[column]
        return count, [
            f"{source.row_label(int(i))}: {shown.loc[i]!r}" for i in indices[:MAX_EXAMPLES]
        ]
    wanted = item.expectation_config.kwargs.get("value_set")
    if item.expectation_config.type.endswith("distinct_values_to_contain_set") and wanted:
        missing = sorted(set(wanted) - set(source.frame[column]))
        return len(missing), [f"missing: {', '.join(missing)}"]
    if result.get("observed_value") is not None:
        return count, [f"observed: {result['observed_value']!r}"]
    return count, []


# --------------------------------------------------------------------------- sources


def _relative(path: Path, paths: Paths) -> str:
    try:
        return str(path.relative_to(paths.root))
    except ValueError:
        return str(path)


def _numeric(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Numeric copies of text columns; the text stays beside them for messages."""
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            out[f"raw:{column}"] = out[column]
            text = out[column].astype("string").str.strip().replace("", pd.NA)
            out[column] = pd.to_numeric(text, errors="coerce").astype(float)
            out[f"numeric:{column}"] = text.isna() | out[column].notna()
    return out


def _missing_file(name: str, file: str, severity: str) -> SuiteResult:
    return SuiteResult(
        name,
        file,
        [Outcome(f"the file {file} exists", "file_exists", severity, "", False, 1, [file])],
    )


def kwb_suite(v: Validator, project: Project, paths: Paths, year: int) -> SuiteResult:
    """Codes, types, ranges and completeness of one year's CBS KWB table."""
    table_id = project.cycle.kwb_table(year)
    folder = paths.raw_cbs / table_id
    data_file = folder / "TypedDataSet.json"
    name = f"kwb_{year}_{table_id}"
    if not data_file.is_file() or not (folder / "TableInfos.json").is_file():
        return _missing_file(name, _relative(data_file, paths), CRITICAL)
    info = json.loads((folder / "TableInfos.json").read_text(encoding="utf-8"))[0]
    frame = pd.DataFrame(json.loads(data_file.read_text(encoding="utf-8")))
    keys = {base_name(c): c for c in frame.columns}
    inhabitants, over_65 = keys.get("AantalInwoners", ""), keys.get("k_65JaarOfOuder", "")
    frame = frame.assign(
        code=frame["WijkenEnBuurten"].astype(str).str.strip(),
        soort=frame[keys.get("SoortRegio", "WijkenEnBuurten")].astype(str).str.strip(),
        period=str(info.get("Period", "")).strip(),
    )
    frame = _numeric(frame, [c for c in (inhabitants, over_65) if c])
    needed = sorted(
        {"NL00", *project.cycle.gemeenten}
        | {c for k in project.cycle.programmes for c in project.programmes[k].area_codes(year)}
    )
    members = sorted(
        {c for k in project.cycle.programmes for c in project.programmes[k].area_codes(year)}
    )
    checks = [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            f"TableInfos.Period is {year} (the table of this year)",
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
            value_set=needed,
        ),
    ]
    if inhabitants:
        checks += [
            v.expect(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                "AantalInwoners is a number",
                column=f"numeric:{inhabitants}",
                value_set=[True],
            ),
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
                row_condition=f"code in {members!r}",
                condition_parser="pandas",
            ),
        ]
    else:
        checks.append(
            v.expect(
                "ExpectColumnToExist",
                CRITICAL,
                "AantalInwoners column exists",
                column="AantalInwoners",
            )
        )
    if inhabitants and over_65:
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
    source = Source(name, _relative(data_file, paths), frame, csv=False)
    return v.validate(source, checks)


def survey_suite(v: Validator, project: Project, paths: Paths, local: Path) -> SuiteResult:
    """Types, ranges and codes of the health-survey export."""
    path = local / SURVEY_FILE
    if not path.is_file():
        return _missing_file("survey", _relative(path, paths), CRITICAL)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    numbers = ["jaar", "percentage", "ondergrens", "bovengrens", "n"]
    frame = _numeric(frame, numbers)
    known = sorted({i.column for i in project.catalogue.indicators if i.source == "survey"})
    checks = [
        v.expect(
            "ExpectTableColumnsToMatchSet",
            CRITICAL,
            "the export has the documented columns",
            column_set=SURVEY_COLUMNS + [c for c in frame.columns if ":" in c],
            exact_match=False,
        ),
    ]
    for column in numbers:
        if column in frame.columns:
            checks.append(
                v.expect(
                    "ExpectColumnValuesToBeInSet",
                    CRITICAL,
                    f"{column} is a number (decimal point)",
                    column=f"numeric:{column}",
                    value_set=[True],
                )
            )
    for column in ("percentage", "ondergrens", "bovengrens"):
        checks.append(
            v.expect(
                "ExpectColumnValuesToBeBetween",
                CRITICAL,
                f"{column} is between 0 and 100",
                column=column,
                min_value=0,
                max_value=100,
            )
        )
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween", CRITICAL, "n is not negative", column="n", min_value=0
        ),
        v.expect(
            "ExpectColumnValuesToMatchRegex",
            CRITICAL,
            "gebiedcode is NL00, GMnnnn, WKnnnnnn or BUnnnnnnnn",
            column="gebiedcode",
            regex=CODE_PATTERN,
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
            "the upper bound is not below the estimate",
            column_A="bovengrens",
            column_B="percentage",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]
    if not set(SURVEY_COLUMNS) <= set(frame.columns):
        checks = checks[:1]
    return v.validate(Source("survey", _relative(path, paths), frame, csv=True), checks)


def registrations_suite(
    v: Validator, project: Project, paths: Paths, local: Path, key: str
) -> SuiteResult:
    """Years, counts and project keys of one programme's registrations."""
    path = local / "registrations" / f"{key}.csv"
    name = f"registrations_{key}"
    if not path.is_file():
        return _missing_file(name, _relative(path, paths), WARNING)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    counts = [c for c in frame.columns if c not in ("jaar", "project")]
    frame = _numeric(frame, ["jaar", *counts])
    projects = sorted({e.project for g in project.programmes[key].goals for e in g.efforts})
    checks = [
        v.expect(
            "ExpectTableColumnsToMatchSet",
            CRITICAL,
            "the registrations have the documented columns",
            column_set=REGISTRATION_COLUMNS,
            exact_match=False,
        ),
    ]
    if set(REGISTRATION_COLUMNS) <= set(frame.columns):
        checks += [
            v.expect(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                "jaar is a year of the cycle",
                column="jaar",
                value_set=[float(y) for y in project.cycle.cycle.years],
            ),
            v.expect(
                "ExpectColumnValuesToBeInSet",
                WARNING,
                "project is one of the programme's efforts",
                column="project",
                value_set=projects,
            ),
        ]
        for column in counts:
            checks += [
                v.expect(
                    "ExpectColumnValuesToBeInSet",
                    CRITICAL,
                    f"{column} is a whole number",
                    column=f"numeric:{column}",
                    value_set=[True],
                ),
                v.expect(
                    "ExpectColumnValuesToBeBetween",
                    CRITICAL,
                    f"{column} is not negative",
                    column=column,
                    min_value=0,
                ),
            ]
    return v.validate(Source(name, _relative(path, paths), frame, csv=True), checks)


def validate_sources(project: Project, paths: Paths, local: Path) -> ValidationSummary:
    """Run every suite; never raises on bad data, reports it."""
    v = Validator()
    suites = [kwb_suite(v, project, paths, y) for y in project.cycle.cycle.years]
    suites.append(survey_suite(v, project, paths, local))
    suites += [registrations_suite(v, project, paths, local, k) for k in project.cycle.programmes]
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
    """`file, column c: examples - rule [kind, severity]`."""
    where = f"{suite.file}, column {outcome.column}" if outcome.column else suite.file
    examples = "; ".join(outcome.examples) or f"{outcome.unexpected} value(s)"
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
