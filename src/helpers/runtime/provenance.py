"""Where a report comes from, and whether it may be published as final.

A report is a draft (*concept*, watermarked on every page) when any of these holds:

1. the data are synthetic (the demo);
2. the project is not a git work tree, or `params/`, `dvc.yaml` or `notebooks/` have
   changes that are not committed: nobody could rebuild the figures later;
3. the pipeline is not up to date: `dvc.lock` is missing, lacks a stage of
   `dvc.yaml`, or records a file hash or parameter value that differs from the
   file or parameter now on disk.

`dvc.lock` itself is left out of check 2: `dvc repro` rewrites it stage by stage, so
it is always "modified" while the report stage runs. Check 3 compares the stages
upstream of `report`; folder outputs (`.dir` hashes) are covered by the file deps
of the stages that read them (e.g. each programme's indicator table).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import Paths, Project
from helpers.report.dutch import format_date
from helpers.runtime.yaml_io import plain_yaml, read_yaml_file

COMMITTED_PATHS = ("params", "dvc.yaml", "notebooks")
# What the pipeline is made from, as git holds it (DVC's pointer files under data/raw),
# with the revisions stage's pipeline file (Paths.revisions_dvc_yaml) but not its lock
# file: a lock records outputs, so committing it after a run must not change what the
# reports name.
INPUT_PATHS = (*COMMITTED_PATHS, "pipeline/revisions/dvc.yaml", "src", "data/raw")
OWN_STAGE = "report"
# Stages that read the built reports (the statement audit): downstream of the report,
# so their state in dvc.lock says nothing about whether the report is final.
READS_THE_REPORTS = ("audit",)
# Stages that run notebooks. Their outputs are not upstream of a report notebook: what
# dvc.lock holds for them while a notebook runs is the previous run's (or, for the
# profiles, a branch that may finish before or after), so a notebook never prints them.
NOTEBOOK_STAGES = ("analyse", "joint", "profiles", OWN_STAGE)


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


# The subject of the commit `wijkmonitor cycle close` makes: it switches the revision
# check off (params/cycle.yaml, dvc.yaml) and changes no input of a report, so it is not
# the commit a report names (runtime/cycle.py).
FREEZE_SUBJECT = "wijkmonitor cycle close:"


def inputs_commit(root: Path) -> tuple[str, dt.datetime] | None:
    """The last commit that changed the pipeline's inputs (`INPUT_PATHS`), and its time.

    Not HEAD: a report records what it was made from, and committing `dvc.lock` or the
    README afterwards must not change the report (and so the hashes in `dvc.lock`), nor
    does the freeze of `wijkmonitor cycle close`. None outside git or before the first
    commit.
    """
    line = (
        _git(
            root,
            "log",
            "-1",
            "--format=%H %ct",
            "--invert-grep",
            "--fixed-strings",
            f"--grep={FREEZE_SUBJECT}",
            "--",
            *INPUT_PATHS,
        )
        or ""
    ).strip()
    if not line:
        return None
    commit, seconds = line.split()
    return commit, dt.datetime.fromtimestamp(int(seconds), dt.UTC)


def build_time(root: Path) -> dt.datetime:
    """The time a report states: `SOURCE_DATE_EPOCH` when set (the reproducible-builds
    convention), else the time of `inputs_commit`, else now (outside git)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    found = inputs_commit(root)
    return found[1] if found else dt.datetime.now(dt.UTC)


def uncommitted(root: Path, pathspecs: tuple[str, ...] = COMMITTED_PATHS) -> list[str] | None:
    """Files under `pathspecs` with changes not committed (None outside a git work tree)."""
    if (_git(root, "rev-parse", "--is-inside-work-tree") or "").strip() != "true":
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *pathspecs)
    if status is None:
        return None
    return [line[3:] for line in status.splitlines() if line.strip()]


def file_md5(path: Path) -> str:
    """md5 of the file's bytes, as DVC 3 records it for `hash: md5`."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_lock(root: Path) -> dict[str, Any] | None:
    """The stages of dvc.lock (None when there is no dvc.lock)."""
    path = root / "dvc.lock"
    if not path.is_file():
        return None
    return (plain_yaml(path.read_text(encoding="utf-8")) or {}).get("stages", {})


def pipeline_stages(root: Path, project: Project) -> list[str]:
    """The stage names of dvc.yaml, `foreach` stages expanded over the cycle's programmes."""
    spec = plain_yaml((root / "dvc.yaml").read_text(encoding="utf-8")) or {}
    names = []
    for name, stage in (spec.get("stages") or {}).items():
        if isinstance(stage, dict) and "foreach" in stage:
            names += [f"{name}@{key}" for key in project.cycle.programmes]
        else:
            names.append(name)
    return names


def _lookup(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


_MISSING = object()


def lock_mismatches(root: Path, project: Project) -> list[str]:
    """What on disk differs from dvc.lock, for every stage upstream of the report."""
    lock = read_lock(root)
    if lock is None:
        return ["dvc.lock ontbreekt: de pijplijn is nooit volledig gedraaid"]
    stages = pipeline_stages(root, project)
    problems = [
        f"stage {name} staat niet in dvc.lock"
        for name in stages
        if name not in (OWN_STAGE, *READS_THE_REPORTS) and name not in lock
    ]
    for name, stage in lock.items():
        if name in (OWN_STAGE, *READS_THE_REPORTS) or name not in stages:
            continue  # DVC keeps entries of stages since removed from dvc.yaml
        for entry in [*stage.get("deps", []), *stage.get("outs", [])]:
            recorded = str(entry.get("md5", ""))
            if not recorded or recorded.endswith(".dir"):
                continue
            path = root / entry["path"]
            if not path.is_file():
                problems.append(f"{entry['path']} ontbreekt (stage {name})")
            elif file_md5(path) != recorded:
                problems.append(f"{entry['path']} wijkt af van dvc.lock (stage {name})")
        for file, values in (stage.get("params") or {}).items():
            current = read_yaml_file(root / file) or {}
            for key, value in values.items():
                if _lookup(current, key) != value:
                    problems.append(f"parameter {key} in {file} wijkt af van dvc.lock")
    return sorted(set(problems))


def draft_reasons(project: Project, paths: Paths, synthetic: bool) -> list[str]:
    """Why the reports are a draft (empty list: they may be published as final)."""
    reasons = []
    if synthetic:
        reasons.append("er zijn synthetische cijfers (demogegevens) in gebruikt")
    changed = uncommitted(paths.root)
    if changed is None:
        reasons.append("het project staat niet in git: de parameters zijn niet vastgelegd")
    elif changed:
        shown = ", ".join(changed[:5]) + (" …" if len(changed) > 5 else "")
        reasons.append(f"niet-vastgelegde wijzigingen in git: {shown}")
    mismatches = lock_mismatches(paths.root, project)
    if mismatches:
        shown = "; ".join(mismatches[:5]) + (" …" if len(mismatches) > 5 else "")
        reasons.append(f"de pijplijn is niet bijgewerkt (dvc repro): {shown}")
    return reasons


def data_hashes(root: Path) -> pd.DataFrame:
    """The data the notebooks are made from, as recorded in dvc.lock: stage, path, hash.

    Not the outputs of the notebook stages (`NOTEBOOK_STAGES`): a notebook cannot know
    the hash of what it is writing, nor of a stage that runs beside it, and would print
    the previous run's, so that no `dvc.lock` could be reproduced from a fresh clone.
    """
    lock = read_lock(root) or {}
    rows = [
        {"stage": name, "gegevens": out["path"], "DVC-hash (md5)": out.get("md5", "")}
        for name, stage in lock.items()
        if name not in NOTEBOOK_STAGES
        for out in stage.get("outs", [])
        if str(out.get("path", "")).startswith("data/")
    ]
    return pd.DataFrame(rows, columns=["stage", "gegevens", "DVC-hash (md5)"])


def commit_stamp(root: Path) -> str:
    """The commit a report names: the one that holds its inputs, or plainly none.

    A tree with changes to the inputs (params, notebooks, code, `dvc.yaml`, DVC pointer
    files) that are not committed names no commit: no commit holds what the report was
    made from. Commit, then rerun (`wijkmonitor cycle close` checks it).
    """
    found = inputs_commit(root)
    if found is None:
        return "geen: het project staat niet in git"
    changed = uncommitted(root, INPUT_PATHS)
    if changed:
        shown = ", ".join(changed[:3]) + (" …" if len(changed) > 3 else "")
        return f"geen: gemaakt met niet-vastgelegde wijzigingen ({shown})"
    return found[0]


def reproducibility(project: Project, paths: Paths, key: str, versions: str) -> pd.DataFrame:
    """The facts needed to rebuild one programme's report, as a two-column table."""
    cycle = project.cycle
    table = paths.indicator_table(key)
    rules = cycle.suppression
    made = build_time(paths.root)
    rows = [
        ("datum (laatste vastgelegde wijziging)", f"{format_date(made)}, {made:%H:%M} UTC"),
        ("git-commit van code, parameters en gegevens", commit_stamp(paths.root)),
        ("peiljaar / nulmeting", f"{cycle.cycle.year} / {cycle.cycle.base_year}"),
        ("jaren", ", ".join(str(y) for y in cycle.cycle.years)),
        ("bron CBS-tabellen", cycle.source),
        ("lokale gegevens", str(cycle.local_data)),
        (
            "onderdrukking",
            f"aantal < {rules.min_count}, noemer < {rules.min_denominator}, "
            f"respondenten < {rules.min_survey_n}",
        ),
        (f"params/programmes/{key}.yaml (md5)", file_md5(paths.programme_file(key))),
        (f"indicatortabel {key}.csv (md5)", file_md5(table) if table.is_file() else "ontbreekt"),
        ("software", versions),
    ]
    return pd.DataFrame(rows, columns=["onderdeel", "waarde"])
