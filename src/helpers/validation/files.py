"""The suite over the local data folder itself: every file is read or named as ignored.

A file the monitor does not read (`notities.txt`, `survey_2024.xlsx~`, `.DS_Store`, a
misspelt `registrations/overvech.csv`) is a warning naming the file, in the console
and on the validation page: nothing in `local_data` is left out without a word.
"""

from __future__ import annotations

from pathlib import Path

from helpers.config import Paths, Project
from helpers.sources.local import ignored_inputs
from helpers.validation.inputs import relative
from helpers.validation.results import WARNING, Outcome, SuiteResult

RULE = (
    "every file in the local data folder is an input the monitor reads (others are "
    "named here and not read)",
    "elk bestand in de map met lokale gegevens is een invoer die de monitor leest "
    "(andere staan hier en worden niet gelezen)",
)


def files_suite(project: Project, paths: Paths, local: Path) -> SuiteResult:
    """One outcome: the files under `local` the monitor ignores, each with why."""
    ignored = ignored_inputs(local, list(project.cycle.programmes))
    examples = [f"{relative(path, paths)}: {reason}" for path, reason in ignored]
    outcome = Outcome(
        RULE[0], "input_discovery", WARNING, "", not ignored, len(ignored), examples, RULE[1]
    )
    return SuiteResult("files", relative(local, paths), [outcome])
