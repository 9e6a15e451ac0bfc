"""CBS revisions: noticing that CBS changed a table after it was fetched, and logging it.

CBS revises published tables (KWB 2024: first release August 2024, revised December
2024 and March 2025, with most column keys renumbered in between). Each table's
`TableInfos.Modified` says which revision it is. The `revisions` stage (`check_stage`,
run by every `dvc repro`: `always_changed`) asks CBS for the `Modified` of every table of
the cycle and writes them to `data/raw/cbs_published.json`, a dependency of the fetch
stage: when CBS has published another revision, the file changes and the fetch stage
fetches the tables again; otherwise it changes nothing and nothing reruns. `fetch_table`
logs every change of revision in `data/raw/cbs/revisions.csv` (table, label, previous
and new `Modified`, the day it was fetched). Offline the check says it could not check
and the snapshot is used as it is; a kept snapshot that is a synthetic demo table is
named as such.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.config import Paths, Project
from helpers.runtime.io import write_text_atomic

if TYPE_CHECKING:  # pandas is imported where a log is read: the revisions stage runs at
    import pandas as pd  # every `dvc repro` and must start fast

REVISIONS_FILE = Paths(Path()).raw_cbs_revisions.name
"""The log's name in a snapshot folder (the fetch stage's, or a temporary one)."""
REVISION_COLUMNS = ["table_id", "label", "previous_modified", "modified", "fetched_on"]


@dataclass(frozen=True)
class Snapshot:
    """What the kept snapshot of one table is: its revision, and whether it is demo data."""

    exists: bool
    modified: str = ""
    synthetic: bool = False

    def described(self) -> str:
        if not self.exists:
            return "no snapshot"
        what = f"the snapshot of {self.modified or 'an unknown revision (no Modified)'}"
        if self.synthetic:
            what += (
                ", a SYNTHETIC demo table left by an earlier run with `source: demo` (not CBS data)"
            )
        return what


def snapshot_of(folder: Path) -> Snapshot:
    """The kept snapshot in `folder` (`data/raw/cbs/<TableId>/`), read from its TableInfos."""
    path = folder / "TableInfos.json"
    if not path.is_file():
        return Snapshot(exists=folder.is_dir())
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        info = records[0] if isinstance(records, list) and records else {}
    except (ValueError, OSError):
        info = {}
    if not isinstance(info, dict):
        info = {}
    return Snapshot(True, str(info.get("Modified") or ""), bool(info.get("Synthetic", False)))


@dataclass(frozen=True)
class TableCheck:
    """One table of the cycle: the kept snapshot against what CBS publishes now."""

    table_id: str
    label: str
    catalog_url: str
    snapshot: Snapshot
    published: str | None  # CBS's Modified now; None when it could not be asked
    problem: str = ""
    frozen: bool = False  # not asked: `cbs.check_revisions: false`

    @property
    def outdated(self) -> bool:
        """CBS has another revision than the snapshot (or there is no real snapshot)."""
        if self.published is None:
            return False
        return self.snapshot.synthetic or self.snapshot.modified != self.published

    def message(self) -> str:
        where = f"CBS {self.table_id} ({self.label})"
        if self.frozen:
            return (
                f"{where}: not checked for revisions (cbs.check_revisions is false in "
                f"params/cycle.yaml); going on with {self.snapshot.described()}"
            )
        if self.published is None:
            return (
                f"{where}: could not check for a newer revision on {self.catalog_url} "
                f"({self.problem}); going on with {self.snapshot.described()}"
            )
        if not self.outdated:
            return f"{where}: the snapshot is the current revision ({self.published or '?'})"
        if not self.snapshot.exists or self.snapshot.synthetic:
            return (
                f"{where}: CBS revision {self.published}; {self.snapshot.described()}: "
                "the fetch stage fetches it"
            )
        return (
            f"{where}: CBS published a newer revision: snapshot {self.snapshot.modified or '?'}"
            f" -> {self.published}: the fetch stage fetches it"
        )


@contextmanager
def _client(project: Project, catalog_url: str) -> Iterator[Any]:
    """The cbsodata module pointed at `catalog_url` with the cycle's scheme, restored after."""
    import cbsodata

    old = (cbsodata.options.catalog_url, cbsodata.options.use_https)
    cbsodata.options.catalog_url = catalog_url
    cbsodata.options.use_https = project.cycle.cbs.use_https
    try:
        yield cbsodata
    finally:
        cbsodata.options.catalog_url, cbsodata.options.use_https = old


def published_modified(project: Project, table_id: str, catalog_url: str) -> str:
    """The `Modified` of the table's TableInfos on CBS now ('' when CBS gives none)."""
    with _client(project, catalog_url) as cbsodata:
        info = cbsodata.get_info(
            table_id, catalog_url=catalog_url, timeout=project.cycle.cbs.timeout_seconds
        )
    return str((info or {}).get("Modified") or "")


def cycle_tables(project: Project) -> list[tuple[str, str, str]]:
    """(table id, label, catalog) of every CBS table the cycle fetches."""
    settings = project.cycle.cbs
    tables = [
        (project.cycle.kwb_table(year), f"KWB {year}", settings.catalog_url)
        for year in project.cycle.cycle.years
    ]
    if settings.health_table:
        health = settings.health_table
        tables.append((health, "health", settings.health_catalog_url(health)))
    return tables


def check_revisions(project: Project, raw_dir: Path) -> list[TableCheck]:
    """Every table of the cycle: its snapshot in `raw_dir` against CBS's revision now.

    One request per table, no retries: a check that cannot reach CBS says so and the
    cycle goes on with the snapshots.
    """
    checks = []
    for table_id, label, catalog in cycle_tables(project):
        snapshot = snapshot_of(raw_dir / table_id)
        try:
            published: str | None = published_modified(project, table_id, catalog)
            problem = ""
        except Exception as error:  # network, HTTP and JSON errors alike
            published, problem = None, f"{type(error).__name__}: {error}"
        checks.append(TableCheck(table_id, label, catalog, snapshot, published, problem))
    return checks


def published_revisions(checks: list[TableCheck], previous: dict[str, str]) -> dict[str, str]:
    """CBS's revision of every table, as the fetch stage depends on it.

    A table that could not be checked keeps its last known revision (else its snapshot's):
    going offline must not make the fetch stage run, and a revision CBS published makes
    it run once. A demo snapshot is no CBS revision.
    """
    revisions = {}
    for check in checks:
        if check.published is not None:
            revisions[check.table_id] = check.published
        elif check.table_id in previous:
            revisions[check.table_id] = previous[check.table_id]
        else:
            snapshot = check.snapshot
            revisions[check.table_id] = "" if snapshot.synthetic else snapshot.modified
    return dict(sorted(revisions.items()))


def read_published(path: Path) -> dict[str, str]:
    """The revisions the last check recorded (`write_published`); empty when none."""
    try:
        tables = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in tables.items()} if isinstance(tables, dict) else {}


def write_published(path: Path, source: str, tables: dict[str, str]) -> None:
    """The `revisions` stage's output: stable bytes, so an unchanged check changes nothing."""
    text = json.dumps({"source": source, "tables": tables}, indent=2, sort_keys=True)
    write_text_atomic(path, text + "\n")


def check_stage(
    project: Project, raw_dir: Path, published: Path, log: Callable[[str], None] = print
) -> list[TableCheck]:
    """The `revisions` stage: ask CBS for every table's revision and record it in
    `published`, which the fetch stage depends on; a revised table is thus fetched
    again (and logged by `fetch_table`) within the same `dvc repro`.

    Offline, or with `cbs.check_revisions: false`, it says so and the cycle goes on with
    its snapshots.
    """
    previous = read_published(published)
    if not project.cycle.cbs.check_revisions:
        checks = [
            TableCheck(table_id, label, catalog, snapshot_of(raw_dir / table_id), None, frozen=True)
            for table_id, label, catalog in cycle_tables(project)
        ]
    else:
        checks = check_revisions(project, raw_dir)
    for check in checks:
        log(check.message())
    write_published(published, "cbs", published_revisions(checks, previous))
    return checks


def record_revision(
    raw_dir: Path, table_id: str, label: str, before: Snapshot, after: Snapshot
) -> bool:
    """Append a line to the revision log when a fetch replaced one CBS revision by another.

    A first fetch, or one replacing a synthetic demo table, is no revision of CBS's.
    """
    if not before.exists or before.synthetic or before.modified == after.modified:
        return False
    import pandas as pd

    log = read_revisions(raw_dir / REVISIONS_FILE)
    row = {
        "table_id": table_id,
        "label": label,
        "previous_modified": before.modified,
        "modified": after.modified,
        "fetched_on": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    log = pd.concat([log, pd.DataFrame([row])], ignore_index=True)
    write_text_atomic(raw_dir / REVISIONS_FILE, log.to_csv(index=False, lineterminator="\n"))
    return True


def read_revisions(path: Path) -> pd.DataFrame:
    """The revision log (REVISION_COLUMNS, all text); empty when there is none."""
    import pandas as pd

    if not path.is_file():
        return pd.DataFrame(columns=REVISION_COLUMNS)
    text = path.read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in REVISION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: columns {missing} missing (expected {REVISION_COLUMNS})")
    return frame[REVISION_COLUMNS]
