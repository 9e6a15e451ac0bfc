"""The great-expectations runner: one ephemeral context for a whole run.

Suites are defined in code (no gx/ folder, no stored state). Each expectation's
`meta` carries its severity and its rule in words; results are turned into outcomes
whose examples give the row and the raw text, masked when it is personal data.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import pandas as pd

from helpers.validation import privacy
from helpers.validation.results import (
    CRITICAL,
    MAX_EXAMPLES,
    Outcome,
    Source,
    SuiteResult,
    base_column,
)


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
        nl: str,
        hide: bool = False,
        rows: tuple[str, list[Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        """An expectation of class `kind` whose meta carries severity and rule in words.

        `rule` is told in the console and findings.json, `nl` (the same rule in Dutch)
        on the validation page of the report site.
        `hide` keeps the offending values out of messages (personal data); `rows`, a
        column and its values, limits the expectation to the rows holding one of them:
        a GX condition object (a pandas query string is deprecated since GX 1.9 and
        printed a warning at every run), kept in the meta as the query that `_examples`
        runs to name what is missing.
        """
        query = None
        if rows:
            from great_expectations.expectations.row_conditions import Column

            column, values = rows
            kwargs["row_condition"] = Column(column).is_in(values)
            query = f"{column} in {values!r}"
        meta = {"severity": severity, "rule": rule, "regel": nl, "hide_values": hide, "rows": query}
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
        column=", ".join(columns or pair) if columns or pair else base_column(column),
        success=bool(item.success),
        regel=str(meta.get("regel", "")),
    )
    if not outcome.success:
        outcome.unexpected, outcome.examples = _examples(item, source, column)
        outcome.examples = _pair_examples(item, source, pair) if pair else outcome.examples
    return outcome


def _raw_cell(frame: pd.DataFrame, index: int, column: str) -> str:
    """The cell as it was in the file (the text before numeric coercion, if any)."""
    shown = base_column(column)
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
        known = base_column(column) in frame.columns
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
