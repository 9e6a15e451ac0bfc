"""Expectation suites over every raw source, before anything is computed from them.

great-expectations (1.x) checks the CBS tables, the params against them, the survey
export, the registrations and the notes; plausibility rules and the personal-data
screen add outcomes of their own. One module per source's suite; `runner` holds the
great-expectations context, `report` the console lines, findings and HTML page, and
`stage` the `wijkmonitor validate` command. See docs/validation.md.
"""

from helpers.validation.report import summary_to_findings, summary_to_html, summary_to_json
from helpers.validation.results import CRITICAL, WARNING, Outcome, SuiteResult, ValidationSummary
from helpers.validation.runner import Validator
from helpers.validation.stage import main_validate, validate_sources

__all__ = [
    "CRITICAL",
    "WARNING",
    "Outcome",
    "SuiteResult",
    "ValidationSummary",
    "Validator",
    "main_validate",
    "summary_to_findings",
    "summary_to_html",
    "summary_to_json",
    "validate_sources",
]
