"""What validation found: one outcome per rule, grouped per source, for the whole run.

Each outcome carries a severity: a `critical` failure stops the pipeline, a `warning`
is reported. Examples name the row as a person finds it in the file (`where`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

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
    regel: str = ""  # the rule in Dutch, for the validation page in the report site


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


def base_column(column: str) -> str:
    for prefix in DERIVED:
        column = column.removeprefix(prefix)
    return column
