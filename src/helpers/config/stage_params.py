"""Which programme files a stage of dvc.yaml declares as DVC params.

Stages that read only some keys of each programme file (the area codes, the goals)
declare those keys per programme, so that a changed target does not rerun them
(docs/cycle.md). DVC cannot derive such a list from `programmes:` in
params/cycle.yaml, so a new programme must be added there by hand; until it is, DVC
would not rerun the stage when that programme's file changes. This module finds
the gap, and `wijkmonitor <stage>` warns about it, naming what to add.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PROGRAMME_DIR = "params/programmes/"


def declared_programme_params(dvc_yaml: Path) -> dict[str, dict[str, list[str]]]:
    """Per stage: the programme files it declares as params, with their keys.

    Stages that declare no programme file (they read the folder whole, or not at all)
    are left out. An empty key list means the whole file.
    """
    try:
        spec = yaml.safe_load(dvc_yaml.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    found: dict[str, dict[str, list[str]]] = {}
    for name, stage in (spec.get("stages") or {}).items():
        files = {
            file: list(keys or [])
            for entry in (stage or {}).get("params") or []
            if isinstance(entry, dict)
            for file, keys in entry.items()
            if str(file).startswith(PROGRAMME_DIR)
        }
        if files:
            found[name] = files
    return found


def missing_programme_params(dvc_yaml: Path, stage: str, programmes: list[str]) -> str | None:
    """A message naming the programme files `stage` should declare and does not, or None.

    The keys to declare are those the stage declares for the other programmes.
    """
    declared = declared_programme_params(dvc_yaml).get(stage)
    if not declared:
        return None
    missing = [key for key in programmes if f"{PROGRAMME_DIR}{key}.yaml" not in declared]
    if not missing:
        return None
    keys: list[Any] = next(iter(declared.values()))
    entry = "".join(
        f"\n      - {PROGRAMME_DIR}{key}.yaml:" + "".join(f"\n          - {k}" for k in keys)
        for key in missing
    )
    return (
        f"dvc.yaml: stage {stage} does not declare the params file of programme(s) "
        f"{', '.join(missing)}; DVC will not rerun it when that file changes. Add under "
        f"the stage's params:{entry}"
    )
