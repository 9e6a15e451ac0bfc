"""CBS revisions: noticing that CBS changed a table after it was fetched, and logging it.

CBS revises published tables (KWB 2024: first release August 2024, revised December
2024 and March 2025, with most column keys renumbered in between). Each table's
`TableInfos.Modified` says which revision it is. `check_revisions` asks CBS for the
`Modified` of every table of the cycle and compares it with the kept snapshot's; a
table whose revision differs is fetched again, and `fetch_table` logs every change of
revision in `data/raw/cbs/revisions.csv` (table, label, previous and new `Modified`,
the day it was fetched). Offline the check says it could not check and the snapshot is
used as it is; a kept snapshot that is a synthetic demo table is named as such.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import Project
from helpers.io import write_text_atomic

REVISIONS_FILE = "revisions.csv"
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
                ", a SYNTHETIC demo table left by an earlier run with `source: demo` "
                "(not CBS data)"
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

    @property
    def outdated(self) -> bool:
        """CBS has another revision than the snapshot (or there is no real snapshot)."""
        if self.published is None:
            return False
        return self.snapshot.synthetic or self.snapshot.modified != self.published

    def message(self) -> str:
        where = f"CBS {self.table_id} ({self.label})"
        if self.published is None:
            return (
                f"{where}: could not check for a newer revision on {self.catalog_url} "
                f"({self.problem}); going on with {self.snapshot.described()}"
            )
        if not self.outdated:
            return f"{where}: the snapshot is the current revision ({self.published or '?'})"
        if not self.snapshot.exists or self.snapshot.synthetic:
            return f"{where}: CBS revision {self.published}; {self.snapshot.described()}: fetching"
        return (
            f"{where}: CBS published a newer revision: snapshot {self.snapshot.modified or '?'}"
            f" -> {self.published}: fetching it"
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


def refresh_revised(
    project: Project, raw_dir: Path, log: Callable[[str], None] = print
) -> list[TableCheck]:
    """Check every table and fetch the ones CBS has revised; return the checks.

    The fetch logs the revision (`record_revision`); a failed fetch keeps the snapshot
    (`fetch_table`) and is reported, not raised: the cycle goes on with what it has.
    """
    from helpers.sources.cbs import CbsUnavailable, fetch_table

    checks = check_revisions(project, raw_dir)
    for check in checks:
        log(check.message())
        if not check.outdated:
            continue
        catalog = None if check.catalog_url == project.cycle.cbs.catalog_url else check.catalog_url
        try:
            fetch_table(project, check.table_id, raw_dir, check.label, log, catalog_url=catalog)
        except CbsUnavailable as error:
            log(f"warning: {error}")
    return checks


def record_revision(
    raw_dir: Path, table_id: str, label: str, before: Snapshot, after: Snapshot
) -> bool:
    """Append a line to the revision log when a fetch replaced one CBS revision by another.

    A first fetch, or one replacing a synthetic demo table, is no revision of CBS's.
    """
    if not before.exists or before.synthetic or before.modified == after.modified:
        return False
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
    if not path.is_file():
        return pd.DataFrame(columns=REVISION_COLUMNS)
    text = path.read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in REVISION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: columns {missing} missing (expected {REVISION_COLUMNS})")
    return frame[REVISION_COLUMNS]
