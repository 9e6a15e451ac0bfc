"""Which programme files a stage of dvc.yaml declares as DVC params.

Stages that read only some keys of each programme file (the area codes, the goals)
declare those keys per programme, so that a changed target does not rerun them
(docs/cycle.md). DVC cannot derive such a list from `programmes:` in
params/cycle.yaml, so a new programme must be added there by hand; until it is, DVC
would not rerun the stage when that programme's file changes. This module finds
the gap, and `wijkmonitor <stage>` warns about it, naming what to add.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from helpers.runtime.yaml_io import plain_yaml

PROGRAMME_DIR = "params/programmes/"


def declared_programme_params(dvc_yaml: Path) -> dict[str, dict[str, list[str]]]:
    """Per stage: the programme files it declares as params, with their keys.

    Stages that declare no programme file (they read the folder whole, or not at all)
    are left out. An empty key list means the whole file.
    """
    try:
        spec = plain_yaml(dvc_yaml.read_text(encoding="utf-8")) or {}
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
        f"{', '.join(missing)}; DVC will not rerun it when that file changes. Run `make "
        f"deps` to write them, or add under the stage's params:{entry}"
    )


_ENTRY = re.compile(r"^(?P<indent>\s+)- params/programmes/(?P<key>[^/:\s]+)\.yaml:\s*$")
_KEY = re.compile(r"^\s+- (?P<name>\w+)\s*$")


def rewrite_programme_params(dvc_yaml: Path, programmes: list[str]) -> bool:
    """Write each stage's per-programme params blocks for exactly `programmes` (`make
    deps`); True when the file changed."""
    text = dvc_yaml.read_text(encoding="utf-8")
    new = generated_programme_params(text, programmes)
    if new != text:
        dvc_yaml.write_text(new, encoding="utf-8")
    return new != text


def generated_programme_params(text: str, programmes: list[str]) -> str:
    """dvc.yaml's text with each stage's per-programme params blocks for `programmes`.

    The keys a stage reads are declared once, by its first programme entry; the blocks
    of the other programmes are generated from it, so dvc.yaml never holds a
    hand-copied block that drifted, and a new programme needs no hand edit. Comments
    and everything else stay as they are.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        entry = _ENTRY.match(lines[index])
        if not entry:
            out.append(lines[index])
            index += 1
            continue
        indent = entry["indent"]
        keys: list[str] = []
        first = True
        while index < len(lines) and (match := _ENTRY.match(lines[index])):
            if match["indent"] != indent:
                break
            index += 1
            while index < len(lines) and (key := _KEY.match(lines[index])):
                if len(key.string) - len(key.string.lstrip()) <= len(indent):
                    break
                if first:
                    keys.append(key["name"])
                index += 1
            first = False
        key_indent = indent + "    "
        for programme in programmes:
            out.append(f"{indent}- {PROGRAMME_DIR}{programme}.yaml:\n")
            out.extend(f"{key_indent}- {name}\n" for name in keys)
    return "".join(out)
