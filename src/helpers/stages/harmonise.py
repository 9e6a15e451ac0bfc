"""The harmonise stage: the area check, then the CBS snapshots as one long table."""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.indicators.harmonise import harmonise
from helpers.runtime.console import log


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    long = harmonise(project, paths, log=log)
    log(f"harmonised CBS data: {len(long)} values in data/processed/cbs/cbs_long.csv")
    return 0
