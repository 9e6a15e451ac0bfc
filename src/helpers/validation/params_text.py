"""Personal data in the params' free text stops every stage before it writes anything.

Programme names, goal and effort labels, descriptions, indicator labels and notes,
the logbook's reasons: params reach the landing page, the reports, the exports and,
through DVC, `dvc.lock` and so git (DVC writes a stage's params values there once the
stage succeeds). Redacting them is not possible (the file itself is what DVC
records), so a finding always stops the run, whatever `privacy` says, in the first
stage that runs; the message names the file, the key and the kind, never the value.

Every text value of every params file is screened, except the programme's configured
contact (`contact.email`, `contact.phone`, `contact.website`: published on purpose,
and checked to be an organisation's by the params model).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.config import ParamsError, Paths, Project
from helpers.runtime.yaml_io import read_yaml_file
from helpers.validation import deidentify, privacy

# The configured contact is published as given (the params model checks its form).
CONTACT_KEYS = {"email", "phone", "website"}
# CBS's own names of its columns (params/cbs_columns.yaml: names[].name and .title) are
# published by CBS, not written by the project ("Westers totaal" is no person).
CBS_NAME_KEYS = {"name", "title"}


def allowed_words(project: Project) -> list[str]:
    """Place names that a name list may hold: `privacy_allowed` in params/cycle.yaml,
    the comparison gemeenten and each programme's `place`."""
    words = list(project.cycle.privacy_allowed)
    words += list(project.cycle.comparison.gemeenten.values())
    words += [p.place for p in project.programmes.values() if p.place]
    return words


def set_up(project: Project, paths: Paths) -> None:
    """Allowed words and the verdict cache for this process and the kernels it starts."""
    words = allowed_words(project)
    privacy.allow(words)
    deidentify.use_cache(paths.root)
    os.environ[privacy.ALLOWED_ENV] = json.dumps(words)
    if deidentify.cache_file() is not None:
        os.environ[deidentify.CACHE_ENV] = str(deidentify.cache_file())


def _skipped(key: str, name: object) -> bool:
    if key.endswith("contact") and name in CONTACT_KEYS:
        return True
    return key.split(".")[-1].startswith("names[") and name in CBS_NAME_KEYS


def _texts(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) of every string in a parsed YAML document, keys written a.b[0].c."""
    if isinstance(value, dict):
        for name, item in value.items():
            if not _skipped(key, name):
                yield from _texts(item, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _texts(item, f"{key}[{number}]")
    elif isinstance(value, str):
        yield key, value


def params_files(paths: Paths) -> list[Path]:
    """Every params file: params/*.yaml and params/programmes/*.yaml."""
    return sorted(paths.params.glob("*.yaml")) + sorted(paths.params.glob("programmes/*.yaml"))


def findings(paths: Paths) -> list[str]:
    """One line per params text holding personal data: file, key and kinds (no value)."""
    lines = []
    for path in params_files(paths):
        shown = path.relative_to(paths.root)
        for key, text in _texts(read_yaml_file(path)):
            found = privacy.kinds(text)
            if found:
                kinds = ", ".join(privacy.KINDS[kind][0] for kind in found)
                lines.append(f"{shown}: key {key}: {kinds} (the value is not shown)")
    return lines


def screen(project: Project, paths: Paths) -> None:
    """Stop with a ParamsError when any params text holds personal data."""
    set_up(project, paths)
    try:
        found = findings(paths)
    finally:
        deidentify.save_cache()
    if found:
        raise ParamsError(
            "personal data in the parameters (they reach the reports, the exports and "
            "dvc.lock, hence git; whatever `privacy` says, remove it from the file, or add a "
            "place name that is not a person to privacy_allowed in params/cycle.yaml):\n  "
            + "\n  ".join(found)
        )
