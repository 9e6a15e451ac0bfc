"""The audit stage: the built pages against an independent recomputation.

Runs after `report`. Writes reports/audit.json (per document `checked`, `disagree`,
`unattributed`, and every finding) and a page for people, then stops the cycle, as a
critical validation failure does, when any statement disagrees or cannot be placed,
and names those statements on the site's validation page (`validation/index.html`),
where a reader of the site looks for why a cycle stopped. That page is the report
stage's output: marking it makes the next `dvc repro` build the site again.
"""

from __future__ import annotations

import argparse
import json
import sys

from helpers.audit.compare import Auditor, iter_lines
from helpers.audit.page import result_to_html
from helpers.audit.pages import read_site
from helpers.audit.reference import Reference
from helpers.config import Paths, Project
from helpers.runtime.console import log
from helpers.runtime.io import write_text_atomic
from helpers.validation.report import with_audit_section

SITE_VALIDATION_PAGE = "validation/index.html"
"""Where the report stage places the validate stage's page in the site."""


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    pages = read_site(paths.site, list(project.cycle.programmes))
    if not pages:
        print(f"audit: no built pages in {paths.site}; run the report stage first", file=sys.stderr)
        return 1
    result = Auditor(Reference(project, paths)).audit(pages)
    data = result.as_json()
    write_text_atomic(paths.audit_json, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(paths.audit_page, result_to_html(result))
    mark_validation_page(paths, data)
    for name, counts in sorted(data["documents"].items()):
        log(
            f"audit {name}: {counts['checked']} checked, {counts['disagree']} disagree, "
            f"{counts['unattributed']} unattributed"
        )
    if data["passed"]:
        return 0
    for line in iter_lines(result):
        print(f"disagree: {line}", file=sys.stderr)
    page = paths.audit_page.relative_to(paths.root)
    site_page = (paths.site / SITE_VALIDATION_PAGE).relative_to(paths.root)
    print(
        f"the statement audit stopped the pipeline: {data['disagree']} statement(s) disagree "
        f"and {data['unattributed']} cannot be attributed; see {page} and {site_page}",
        file=sys.stderr,
    )
    return 1


def mark_validation_page(paths: Paths, data: dict) -> None:
    """The audit's findings on the site's validation page (removed once none are left);
    the file is rewritten only when that changes it."""
    page = paths.site / SITE_VALIDATION_PAGE
    if not page.is_file():
        return
    before = page.read_text(encoding="utf-8")
    after = with_audit_section(before, data["findings"], data["checked"])
    if after != before:
        write_text_atomic(page, after)
