"""A programme's fingerprint counts the logbook by its own entries and those for all
programmes: an entry for one programme makes only that programme's notebooks stale."""

from __future__ import annotations

import datetime as dt

from support import REPO

from helpers.config import LogEntry, Paths, load_project
from helpers.stages.analyse import input_fingerprint


def _with(project, entry: LogEntry):
    logbook = project.logbook.model_copy(update={"entries": [*project.logbook.entries, entry]})
    return project.model_copy(update={"logbook": logbook})


def test_an_entry_for_one_programme_changes_only_its_fingerprint():
    paths = Paths.from_root(REPO)
    project = load_project(paths)
    entry = LogEntry(
        date=dt.date(2026, 12, 2),
        programme="soesterkwartier",
        change="target_changed",
        indicator="eenzaamheid",
        from_year=2024,
        reason="Streefwaarde besproken (test).",
    )
    later = _with(project, entry)
    for key in ("overvecht", "vollenhove", "betere_buurten"):
        assert input_fingerprint(later, paths, key) == input_fingerprint(project, paths, key)
    assert input_fingerprint(later, paths, "soesterkwartier") != input_fingerprint(
        project, paths, "soesterkwartier"
    )
    for_all = _with(
        project, entry.model_copy(update={"programme": "all", "change": "indicator_redefined"})
    )
    assert all(
        input_fingerprint(for_all, paths, key) != input_fingerprint(project, paths, key)
        for key in project.cycle.programmes
    ), "an entry for all programmes reaches every one"
