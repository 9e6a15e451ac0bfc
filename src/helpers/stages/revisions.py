"""The revisions stage: which revision of each table CBS publishes now, for the fetch stage.

A revised table is fetched again by the fetch stage; offline the stage says so and
succeeds, keeping the last revision it saw. Without CBS to ask its output follows from
the params alone, so the run is remembered and replayed while they stay the same
(runtime/stage_memo.py): every `dvc repro` runs this stage.
"""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.runtime import stage_memo
from helpers.runtime.console import log
from helpers.sources.cbs_revisions import check_stage, cycle_tables, write_published


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    if project.cycle.source != "cbs":
        line = f"revisions: source is {project.cycle.source}, no CBS tables to check"
        log(line)
        # the cycle's table ids all the same: the fetch stage reruns when one changes
        tables = {table_id: "" for table_id, _, _ in cycle_tables(project)}
        write_published(paths.cbs_published, project.cycle.source, dict(sorted(tables.items())))
        remember(project, paths, args, line)
        return 0
    checks = check_stage(project, paths.raw_cbs, paths.cbs_published, log=log)
    unchecked = sum(check.published is None for check in checks)
    revised = sum(check.outdated for check in checks)
    log(
        f"revisions: {len(checks)} table(s) checked, {revised} to fetch again, "
        f"{unchecked} not checked"
    )
    return 0


def remember(project: Project, paths: Paths, args: argparse.Namespace, line: str) -> None:
    """Keep this run for replay (cli.py) under the inputs' digest cli took before loading."""
    digest = getattr(args, "memo_digest", None)
    if not digest:
        return
    stage_memo.remember(
        paths.root,
        "revisions",
        inputs=stage_memo.memo_inputs(paths),
        digest=digest,
        outputs=[paths.cbs_published],
        lines=[line],
        link_free=[paths.local_data(project)],
    )
