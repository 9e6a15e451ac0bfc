"""The demo stage: the synthetic local sources (survey, registrations, notes)."""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.runtime.console import log
from helpers.sources.demo import write_demo


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    written = write_demo(project, paths, "local")
    log(f"demo local sources (synthetic): {len(written)} file(s) in data/raw/demo")
    return 0
