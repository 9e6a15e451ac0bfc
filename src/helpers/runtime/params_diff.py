"""`wijkmonitor diff <tag>`: what changed in the monitoring design since a cycle, in Dutch.

`dvc params diff` prints a list-valued key (targets, the indicator catalogue, the
logbook entries) as one row holding the whole old and new list, 92 KB for five
changes. This reads the params files of the tag from git and of the work tree from
disk, and says one line per changed value: a target, a field of an indicator
definition, the codes of an area period, a logbook entry, a cycle setting.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

CYCLE_KEYS = (("cycle", "year"), ("cycle", "years"), ("cycle", "base_year"), ("source",))


class DiffError(RuntimeError):
    """The tag or a params file of it cannot be read; the message names which."""


def _at_tag(root: Path, tag: str, path: str) -> Any:
    """The YAML of `path` as the tag holds it (None when the tag has no such file)."""
    ref = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if ref.returncode != 0:
        raise DiffError(f"no commit or tag {tag!r} in {root}")
    shown = subprocess.run(
        ["git", "show", f"{tag}:{path}"], cwd=root, capture_output=True, text=True, check=False
    )
    return yaml.safe_load(shown.stdout) if shown.returncode == 0 else None


def _now(root: Path, path: str) -> Any:
    file = root / path
    return yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else None


def _programmes_at(root: Path, tag: str | None) -> list[str]:
    cycle = (
        _now(root, "params/cycle.yaml") if tag is None else _at_tag(root, tag, "params/cycle.yaml")
    )
    return list((cycle or {}).get("programmes") or [])


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _changed(what: str, old: Any, new: Any) -> list[str]:
    if old == new:
        return []
    if old is None:
        return [f"{what}: nieuw {_shown(new)}"]
    if new is None:
        return [f"{what}: vervallen (was {_shown(old)})"]
    return [f"{what}: {_shown(old)} → {_shown(new)}"]


def _by(items: Iterable[dict], *keys: str) -> dict[tuple, dict]:
    return {
        tuple(item.get(k) for k in keys): item for item in items or [] if isinstance(item, dict)
    }


def _records(name: str, old: dict[tuple, dict], new: dict[tuple, dict]) -> list[str]:
    """One line per added or dropped record, one per changed field of a kept one."""
    lines = []
    for key in sorted(old.keys() | new.keys(), key=str):
        label = f"{name} {' '.join(str(k) for k in key if k is not None)}"
        before, after = old.get(key), new.get(key)
        if before is None or after is None:
            lines += _changed(label, before, after)
            continue
        for field in sorted(before.keys() | after.keys()):
            lines += _changed(f"{label}, {field}", before.get(field), after.get(field))
    return lines


def _areas(key: str, old: list, new: list) -> list[str]:
    """Per area period (its `from_year`): the codes added and dropped."""
    lines = []
    before, after = _by(old, "from_year"), _by(new, "from_year")
    for (year,) in sorted(before.keys() | after.keys(), key=str):
        was = set((before.get((year,)) or {}).get("codes") or [])
        now = set((after.get((year,)) or {}).get("codes") or [])
        what = f"gebied {key} vanaf {year}"
        if (year,) not in before:
            lines.append(f"{what}: nieuwe periode met {_shown(sorted(now))}")
        elif (year,) not in after:
            lines.append(f"{what}: periode vervallen (was {_shown(sorted(was))})")
        else:
            if now - was:
                lines.append(f"{what}: erbij {_shown(sorted(now - was))}")
            if was - now:
                lines.append(f"{what}: eraf {_shown(sorted(was - now))}")
    return lines


def _entry(entry: dict) -> str:
    parts = [str(entry.get("date")), str(entry.get("programme", "all")), str(entry.get("change"))]
    if entry.get("indicator"):
        parts.append(str(entry["indicator"]))
    return f"{' '.join(parts)} vanaf {entry.get('from_year')}: {entry.get('reason', '')}".strip()


def design_diff(root: Path, tag: str) -> list[str]:
    """Every change of the design between `tag` and the work tree, one line each (Dutch)."""
    lines: list[str] = []
    old_cycle = _at_tag(root, tag, "params/cycle.yaml") or {}
    new_cycle = _now(root, "params/cycle.yaml") or {}
    for dotted in CYCLE_KEYS:
        old, new = old_cycle, new_cycle
        for part in dotted:
            old = old.get(part) if isinstance(old, dict) else None
            new = new.get(part) if isinstance(new, dict) else None
        lines += _changed(f"cyclus {'.'.join(dotted)}", old, new)
    old_keys, new_keys = _programmes_at(root, tag), _programmes_at(root, None)
    lines += [f"programma {k}: nieuw" for k in new_keys if k not in old_keys]
    lines += [f"programma {k}: niet meer in de cyclus" for k in old_keys if k not in new_keys]
    for key in [k for k in new_keys if k in old_keys]:
        path = f"params/programmes/{key}.yaml"
        old, new = _at_tag(root, tag, path) or {}, _now(root, path) or {}
        lines += _records(
            f"streefwaarde {key}",
            _by(old.get("targets") or [], "indicator", "year"),
            _by(new.get("targets") or [], "indicator", "year"),
        )
        lines += _areas(key, old.get("areas") or [], new.get("areas") or [])
        for field in ("name", "gemeente", "goals", "local_indicators", "deep_dives"):
            lines += _changed(f"programma {key}, {field}", old.get(field), new.get(field))
    old_catalogue = (_at_tag(root, tag, "params/indicators.yaml") or {}).get("indicators")
    new_catalogue = (_now(root, "params/indicators.yaml") or {}).get("indicators")
    lines += _records("indicator", _by(old_catalogue or [], "id"), _by(new_catalogue or [], "id"))
    old_log = [
        _entry(e) for e in (_at_tag(root, tag, "params/logbook.yaml") or {}).get("entries") or []
    ]
    new_log = [_entry(e) for e in (_now(root, "params/logbook.yaml") or {}).get("entries") or []]
    lines += [f"logboek, nieuw: {e}" for e in new_log if e not in old_log]
    lines += [f"logboek, vervallen: {e}" for e in old_log if e not in new_log]
    return lines


def run(root: Path, tag: str) -> int:
    lines = design_diff(root, tag)
    if not lines:
        print(
            "geen wijzigingen in doelen, streefwaarden, definities, gebieden of logboek "
            f"sinds {tag}"
        )
    for line in lines:
        print(line)
    return 0
