"""The audit stage: the built pages against an independent recomputation.

Runs after `report`. Writes reports/audit.json (per document `checked`, `disagree`,
`unattributed`, and every finding) and a page for people, then stops the cycle, as a
critical validation failure does, when any statement disagrees or cannot be placed.
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


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    pages = read_site(paths.site, list(project.cycle.programmes))
    if not pages:
        print(f"audit: no built pages in {paths.site}; run the report stage first", file=sys.stderr)
        return 1
    result = Auditor(Reference(project, paths)).audit(pages)
    data = result.as_json()
    write_text_atomic(paths.audit_json, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(paths.audit_page, result_to_html(result))
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
    print(
        f"the statement audit stopped the pipeline: {data['disagree']} statement(s) disagree "
        f"and {data['unattributed']} cannot be attributed; see {page}",
        file=sys.stderr,
    )
    return 1
