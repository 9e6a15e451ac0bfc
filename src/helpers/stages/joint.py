"""The joint stage: the cross-programme notebook."""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.runtime.console import log
from helpers.runtime.io import atomic_dir
from helpers.runtime.notebooks import STAGE_PARAMETERS, NotebookRun, run_notebook


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    with atomic_dir(paths.joint_out) as tmp:
        log("joint: executing notebooks/joint.ipynb")
        run = NotebookRun(paths.joint_template, paths.joint_notebook(tmp), dict(STAGE_PARAMETERS))
        run_notebook(run, paths, "joint", tmp, paths.joint_out)
    return 0
