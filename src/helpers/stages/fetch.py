"""The fetch stage: the cycle's CBS tables (or the synthetic demo tables) to data/raw/cbs."""

from __future__ import annotations

import argparse

from helpers.config import Paths, Project
from helpers.config.profiles import needs_gebieden, profile_settings
from helpers.runtime.console import log


def run(project: Project, paths: Paths, args: argparse.Namespace) -> int:
    settings = profile_settings(paths)
    gebieden = needs_gebieden(settings)  # a provincie or GGD-regio: CBS's gemeenten of it
    if project.cycle.source == "demo":
        from helpers.sources.demo import write_demo

        log("source: demo - writing synthetic CBS tables (SYNTHETISCH) to data/raw/cbs")
        written = write_demo(project, paths, "cbs", gebieden)
    else:
        from helpers.sources.cbs import fetch_cbs
        from helpers.sources.cbs_gebieden import fetch_gebieden, fetch_gemeenten, load_gebieden

        log(f"source: cbs - fetching CBS tables from {project.cycle.cbs.catalog_url}")
        first = [fetch_gebieden(project, gebieden, paths.raw_cbs, log)] if gebieden else []
        gemeenten = fetch_gemeenten(settings, project, load_gebieden(paths, settings))
        if gemeenten == []:
            log("profiles of the whole country (params/profiles.yaml): every region is fetched")
        written = first + fetch_cbs(project, paths.raw_cbs, log=log, gemeenten=gemeenten)
    log(f"fetch done: {len(written)} table(s) in {paths.raw_cbs.relative_to(paths.root)}")
    return 0
