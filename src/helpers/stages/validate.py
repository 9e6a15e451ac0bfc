"""The validate stage: every suite, both reports, a summary in the console."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Collection
from pathlib import Path

from helpers.config import Paths, Project
from helpers.runtime.io import write_text_atomic
from helpers.sources.local import is_synthetic
from helpers.validation.files import files_suite
from helpers.validation.inputs import relative
from helpers.validation.kwb import kwb_suite
from helpers.validation.notes import notes_suite
from helpers.validation.params import params_suite
from helpers.validation.registrations import registrations_suite
from helpers.validation.report import (
    failure_line,
    summary_to_findings,
    summary_to_html,
    summary_to_json,
)
from helpers.validation.results import CRITICAL, WARNING, SuiteResult, ValidationSummary
from helpers.validation.runner import Validator
from helpers.validation.survey import survey_suite

SUITES = ("files", "kwb", "params", "survey", "registrations", "notes")
"""The kinds of suite a run has: one over the local folder's files, one kwb suite per
cycle year, one registrations and one notes suite per programme, one params and one
survey suite."""


def validate_sources(
    project: Project, paths: Paths, local: Path, only: Collection[str] = SUITES
) -> ValidationSummary:
    """Run every suite (or `only` those kinds of suite); never raises on bad data, reports it.

    `only` lets a test of one broken input run the one kind of suite that input
    breaks, instead of all 21 suites for each of the catalogue's 46 cases.
    """
    unknown = sorted(set(only) - set(SUITES))
    if unknown:
        raise ValueError(f"unknown suite(s) {unknown}; the suites are {list(SUITES)}")
    v = Validator()
    suites: list[SuiteResult] = []
    if "files" in only:
        suites.append(files_suite(project, paths, local))
    if "kwb" in only:
        suites.extend(kwb_suite(v, project, paths, y) for y in project.cycle.cycle.years)
    if "params" in only:
        suites.append(params_suite(v, project, paths))
    if "survey" in only:
        suites.append(survey_suite(v, project, paths, local))
    for key in project.cycle.programmes:
        if "registrations" in only:
            suites.append(registrations_suite(v, project, paths, local, key))
        if "notes" in only:
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


def main_validate(
    project: Project,
    paths: Paths,
    local_dir: Path,
    html_path: Path,
    json_path: Path,
    only: Collection[str] = SUITES,
) -> int:
    """Validate, write both reports (also on failure), print a summary; 1 on critical failure."""
    print("[wijkmonitor] validating raw sources (great-expectations)", flush=True)
    summary = validate_sources(project, paths, local_dir, only)
    write_text_atomic(html_path, summary_to_html(summary))
    write_text_atomic(json_path, summary_to_json(summary))
    findings = json_path.with_name(paths.validation_findings.name)
    write_text_atomic(findings, summary_to_findings(summary))
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
    report = relative(html_path, paths)
    print(
        f"validation stopped the pipeline: {len(critical)} critical failure(s); see {report}",
        file=sys.stderr,
    )
    return 1


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    return main_validate(
        project,
        paths,
        paths.local_data(project),
        html_path=paths.validation_report_dir / "index.html",
        json_path=paths.validation_summary,
    )
