"""The report stage: executed notebooks -> the published site (Quarto, or nbconvert)."""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.report.render import render_site
from helpers.runtime.console import log


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    result = render_site(project, paths, log=log)
    log(f"reports ready: {result}")
    return 0
