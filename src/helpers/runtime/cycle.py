"""`wijkmonitor cycle close <tag>` and `wijkmonitor cycle open <year>`: a cycle's archive.

Closing a cycle freezes it on its CBS snapshots without fetching anything, checks that
the tree is committed and the pipeline up to date, checks that every report names the
commit that holds its inputs, commits the freeze, tags it and pushes the data to the
DVC remote, so that `git checkout <tag> && dvc pull` gives the reports byte for byte
years later. Opening the next cycle sets its year, turns the revision checks back on and
writes what the demo needs for a year it has no CBS figure of. Both edit
`params/cycle.yaml` and `pipeline/revisions/dvc.yaml` line by line, so their comments stay.

Freezing is two switches: `cbs.check_revisions: false` (the `revisions` stage asks CBS
nothing and the `fetch` stage keeps its snapshots) and `always_changed: false` on the
`revisions` stage, so that `dvc status` of a frozen cycle says it is up to date (with
its output cached again, so that the archive holds it: `set_revisions_watch`). No
stage but `revisions` declares the switch, so flipping it fetches nothing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from helpers.config import Paths, load_project
from helpers.runtime.provenance import FREEZE_SUBJECT, inputs_commit

UP_TO_DATE = "Data and pipelines are up to date."
REVISIONS_STAGE = "revisions"
# how DVC names it: the stage is in pipeline/revisions/dvc.yaml (Paths.revisions_dvc_yaml)
REVISIONS_ADDRESS = f"pipeline/revisions/dvc.yaml:{REVISIONS_STAGE}"


class CycleError(RuntimeError):
    """A cycle cannot be closed or opened; the message says why and what to do."""


def _run(args: list[str], root: Path, what: str) -> str:
    result = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise CycleError(f"{what} failed ({' '.join(args)}):\n{output}")
    return result.stdout


def _dvc(root: Path) -> str:
    """The dvc next to this Python (the project's .venv), else the one on PATH."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / "dvc"
    return str(beside) if beside.is_file() else (shutil.which("dvc") or "dvc")


def uncommitted_files(root: Path) -> list[str]:
    """Every changed or untracked (not ignored) file of the work tree."""
    status = _run(["git", "status", "--porcelain", "--untracked-files=all"], root, "git status")
    return [line[3:] for line in status.splitlines() if line.strip()]


def require_committed(root: Path, step: str) -> None:
    changed = uncommitted_files(root)
    if changed:
        shown = "\n  ".join(changed[:10]) + ("\n  …" if len(changed) > 10 else "")
        raise CycleError(
            f"cannot {step}: the work tree has changes that are not committed:\n  {shown}\n"
            "Commit them (or remove them) first, so that the tag holds what the reports "
            "were made from."
        )


def default_remote(root: Path) -> str:
    """The DVC remote `dvc push` uses, from the project's own config (`.dvc/config`)."""
    result = subprocess.run(
        [_dvc(root), "remote", "default", "--project"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    name = result.stdout.strip() if result.returncode == 0 else ""
    if not name:
        raise CycleError(
            "cannot close the cycle: the project has no default DVC remote in .dvc/config, "
            "so the tag could not be restored elsewhere. Add one and commit it, e.g.\n"
            "  dvc remote add -d archief /mnt/gedeeld/wijkmonitor-dvc\n"
            '  git add .dvc/config && git commit -m "DVC remote for frozen cycles"'
        )
    return name


def set_yaml_line(text: str, pattern: str, replacement: str, what: str) -> str:
    """`text` with the one line matching `pattern` (multiline regex) replaced."""
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise CycleError(f"{what}: line not found (pattern {pattern!r})")
    return new


def set_check_revisions(cycle_file: Path, on: bool) -> None:
    text = cycle_file.read_text(encoding="utf-8")
    text = set_yaml_line(
        text,
        r"^(  check_revisions:) *(true|false)\b",
        rf"\1 {'true' if on else 'false'}",
        f"{cycle_file}: key cbs.check_revisions",
    )
    cycle_file.write_text(text, encoding="utf-8")


def set_revisions_watch(dvc_yaml: Path, on: bool) -> None:
    """Switch the `revisions` stage between watching CBS and frozen.

    Watching (on): `always_changed: true`, CBS asked at every `dvc repro`, and its output
    `cache: false`, as DVC rewrites it at every run (no copy into the cache and no link
    back: part of what a no-op `dvc repro` costs beyond `dvc status`). Frozen (off):
    `always_changed: false` and `cache: true`, so that `dvc push` archives the output
    with the cycle and `dvc pull` of its tag gives it back."""
    text = dvc_yaml.read_text(encoding="utf-8")
    start = text.index(f"\n  {REVISIONS_STAGE}:\n")
    where = f"{dvc_yaml}: stage {REVISIONS_STAGE}"
    block = set_yaml_line(
        text[start:],
        r"^(    always_changed:) *(true|false)\b",
        rf"\1 {'true' if on else 'false'}",
        f"{where}, key always_changed",
    )
    block = set_yaml_line(
        block,
        r"^(          cache:) *(true|false)\b",
        rf"\1 {'false' if on else 'true'}",
        f"{where}, key cache of its output",
    )
    dvc_yaml.write_text(text[:start] + block, encoding="utf-8")


def stale_stamps(paths: Paths, programmes: list[str], commit: str) -> list[str]:
    """The programmes whose annual report does not name `commit` as its inputs' commit."""
    return [
        key
        for key in programmes
        if not (report := paths.programme_out(key) / "jaarrapportage.ipynb").is_file()
        or commit not in report.read_text(encoding="utf-8")
    ]


def close(root: Path, tag: str, log: Callable[[str], None] = print) -> None:
    """Freeze, check, stamp, commit, tag and push one cycle (see the module docstring)."""
    paths = Paths.from_root(root)
    project = load_project(paths)
    dvc = _dvc(root)
    require_committed(root, "close the cycle")
    if _run(["git", "tag", "--list", tag], root, "git tag").strip():
        raise CycleError(f"cannot close the cycle: the tag {tag} exists already")
    remote = default_remote(root)
    status = _run([dvc, "status"], root, "dvc status")
    pending = [line.strip() for line in status.splitlines() if line.strip()]
    if pending not in ([UP_TO_DATE], [f"{REVISIONS_ADDRESS}:", "always changed"]):
        raise CycleError(
            "cannot close the cycle: the pipeline is not up to date (dvc status):\n"
            f"{status.rstrip()}\nRun `dvc repro`, commit dvc.lock, and close again."
        )
    found = inputs_commit(root)
    if found is None:
        raise CycleError("cannot close the cycle: no commit holds the pipeline's inputs")
    stale = stale_stamps(paths, list(project.cycle.programmes), found[0])
    if stale:
        raise CycleError(
            f"cannot close the cycle: the annual report(s) of {', '.join(stale)} do not name "
            f"the commit that holds their inputs ({found[0][:12]}): they were made before "
            "that commit. Run `dvc repro --force --single-item analyse`, then `dvc repro`, "
            "commit dvc.lock and close again."
        )
    log(f"cycle close: freezing the CBS snapshots (nothing is fetched); reports name {found[0]}")
    set_check_revisions(paths.cycle_file, on=False)
    set_revisions_watch(paths.revisions_dvc_yaml, on=False)
    repro = _run([dvc, "repro"], root, "dvc repro of the frozen cycle")
    ran = set(re.findall(r"Running stage '([^']+)'", repro))
    if ran - {REVISIONS_ADDRESS}:
        raise CycleError(f"freezing reran {sorted(ran)}: the switch must change nothing else")
    status = _run([dvc, "status"], root, "dvc status")
    if status.strip() != UP_TO_DATE:
        raise CycleError(f"the frozen cycle is not up to date (dvc status):\n{status}")
    if uncommitted_files(root):  # nothing to commit when the cycle was frozen already
        pipeline = [str(p.relative_to(root)) for p in paths.pipeline_files]
        locks = [str(Path(p).with_suffix(".lock")) for p in pipeline]
        _run(["git", "add", "params/cycle.yaml", *pipeline, *locks], root, "git add")
        _run(["git", "commit", "-q", "-m", f"{FREEZE_SUBJECT} {tag}"], root, "git commit")
    _run(["git", "tag", tag], root, "git tag")
    log(f"cycle close: committed the freeze and tagged it {tag}")
    _run([dvc, "push", "--remote", remote], root, f"dvc push to the remote {remote}")
    log(
        f"cycle close: the data of {tag} are in the DVC remote {remote}; push the commits "
        "and the tag to your git server too (`git push && git push --tags`)"
    )


def open_year(
    root: Path,
    year: int,
    kwb_table: str | None = None,
    log: Callable[[str], None] = print,
) -> None:
    """Make `year` the cycle's peiljaar, with the revision checks on again."""
    paths = Paths.from_root(root)
    project = load_project(paths)
    require_committed(root, "open the next cycle")
    cycle = project.cycle
    if year <= cycle.cycle.year:
        raise CycleError(
            f"{paths.cycle_file}: key cycle.year: {year} is not after the current "
            f"peiljaar {cycle.cycle.year}"
        )
    text = paths.cycle_file.read_text(encoding="utf-8")
    if year not in cycle.cbs.kwb_tables:
        if kwb_table is None:
            raise CycleError(
                f"{paths.cycle_file}: key cbs.kwb_tables has no table for {year}: give "
                f"CBS's Kerncijfers wijken en buurten {year} table with --kwb-table"
            )
        last = max(cycle.cbs.kwb_tables)
        text = set_yaml_line(
            text,
            rf"^(    {last}: *\S+.*)$",
            rf"\1\n    {year}: {kwb_table}",
            f"{paths.cycle_file}: key cbs.kwb_tables.{last}",
        )
    years = [*cycle.cycle.years, year]
    text = set_yaml_line(
        text, r"^(  year:) *\d{4}", rf"\g<1> {year}", f"{paths.cycle_file}: key cycle.year"
    )
    text = set_yaml_line(
        text,
        r"^(  years:) *\[[^\]]*\]",
        rf"\1 [{', '.join(str(y) for y in years)}]",
        f"{paths.cycle_file}: key cycle.years",
    )
    if cycle.source == "demo":
        from helpers.sources.demo import NEDERLAND_INHABITANTS, extrapolated_inhabitants

        known = {**NEDERLAND_INHABITANTS, **cycle.demo.nederland_inhabitants}
        if year not in known:
            figure = extrapolated_inhabitants(project, year)
            entries = {**cycle.demo.nederland_inhabitants, year: figure}
            lines = "".join(f"\n    {y}: {n}" for y, n in sorted(entries.items()))
            block = (
                "\n  # Nederland's inhabitants for demo years without a CBS figure in the\n"
                "  # generator, on the line through the two latest known years\n"
                f"  # (written by `wijkmonitor cycle open`; demo data only)\n"
                f"  nederland_inhabitants:{lines}"
            )
            text = re.sub(
                r"\n  # Nederland's inhabitants for demo years.*?\n  nederland_inhabitants:"
                r"(\n    \d{4}: *\d+)+",
                "",
                text,
                flags=re.DOTALL,
            )
            text = set_yaml_line(
                text, r"^(  seed: *\d+.*)$", rf"\1{block}", f"{paths.cycle_file}: key demo.seed"
            )
            log(f"cycle open: demo Nederland {year}: {figure} inhabitants (extrapolated)")
    paths.cycle_file.write_text(text, encoding="utf-8")
    set_check_revisions(paths.cycle_file, on=True)
    set_revisions_watch(paths.revisions_dvc_yaml, on=True)
    load_project(paths)  # the edited params must still load
    log(
        f"cycle open: peiljaar {year}, years {years}, revision checks on "
        "(params/cycle.yaml, pipeline/revisions/dvc.yaml). Review the programme files "
        "(docs/researcher.md), commit, and run `dvc repro`."
    )
