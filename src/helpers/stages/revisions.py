"""The revisions stage: which revision of each table CBS publishes now, for the fetch stage.

A revised table is fetched again by the fetch stage; offline the stage says so and
succeeds, keeping the last revision it saw.
"""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.runtime.console import log
from helpers.sources.cbs_revisions import check_stage, cycle_tables, write_published


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    if project.cycle.source != "cbs":
        log(f"revisions: source is {project.cycle.source}, no CBS tables to check")
        # the cycle's table ids all the same: the fetch stage reruns when one changes
        tables = {table_id: "" for table_id, _, _ in cycle_tables(project)}
        write_published(paths.cbs_published, project.cycle.source, dict(sorted(tables.items())))
        return 0
    checks = check_stage(project, paths.raw_cbs, paths.cbs_published, log=log)
    unchecked = sum(check.published is None for check in checks)
    revised = sum(check.outdated for check in checks)
    log(
        f"revisions: {len(checks)} table(s) checked, {revised} to fetch again, "
        f"{unchecked} not checked"
    )
    return 0
