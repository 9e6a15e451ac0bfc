"""CBS tables (KWB per year, health per wijk en buurt): fetched with cbsodata, kept as snapshots.

`fetch_cbs` stores each table as `cbsodata` delivers it under `data/raw/cbs/<TableId>/`,
so a later run never depends on CBS being up: a table is downloaded into a temporary
folder and swapped in only when complete, and after the last failed retry the previous
snapshot is still there, byte for byte. `read_kwb_long` turns the KWB snapshots into
one long frame whose `column` is the concept of params/cbs_columns.yaml, matched per
year on base name and DataProperties Title (see `helpers.sources.cbs_columns`), because
the `_<position>` suffixes of OData keys shift from year to year.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers.config import CbsSettings, Project
from helpers.runtime.io import swap_dir
from helpers.sources.cbs_columns import (
    NUMERIC_TYPES,
    base_name,
    match_columns,
    numeric_values,
)
from helpers.sources.cbs_revisions import REVISIONS_FILE, record_revision, snapshot_of

__all__ = [
    "GEO_MISSING",
    "HARMONISED_COLUMNS",
    "KWB_LONG_COLUMNS",
    "NUMERIC_TYPES",
    "CbsUnavailable",
    "base_name",
    "fetch_cbs",
    "fetch_kwb",
    "fetch_table",
    "read_kwb_long",
    "read_kwb_table",
]

# CBS's geo files mark secret or missing values with -99997, -99995, -99991; text
# markers ('.', 'x') are read as missing too. Validation reports both.
GEO_MISSING = -99990

# The long KWB frame: one row per year, area and column (concept, or base name).
KWB_LONG_COLUMNS = [
    "year",
    "area_code",
    "column",
    "value",
    "table_id",
    "table_modified",
    "boundary_flag",
    "synthetic",
]
# What the harmonised table (data/processed/cbs/cbs_long.csv) holds for both tables.
HARMONISED_COLUMNS = [
    "source",
    "table_id",
    "table_modified",
    "year",
    "area_code",
    "area_level",
    "area_name",
    "gemeente",
    "column",
    "kind",
    "unit",
    "definition_version",
    "published_name",
    "key",
    "population",
    "value",
    "boundary_flag",
    "synthetic",
]
AREA_LEVELS = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}


class CbsUnavailable(RuntimeError):
    """CBS could not be reached after all retries; the previous snapshot is kept."""


def region_filter(project: Project, gemeenten: list[str] | None = None) -> str | None:
    """OData filter for Nederland and every fetched gemeente with its wijken and buurten;
    None (no filter: every region) when `gemeenten` is empty, for the whole country.

    `substringof` is coarse (a gemeente number can occur inside another code), so the
    rows are narrowed again after the download (`_narrow`).
    """
    codes = project.cycle.gemeenten if gemeenten is None else gemeenten
    if not codes:
        return None
    parts = ["WijkenEnBuurten eq 'NL00      '", "WijkenEnBuurten eq 'NL01      '"]
    parts += [f"substringof('{code[2:]}',WijkenEnBuurten)" for code in codes]
    return " or ".join(parts)


def _wanted(code: str, numbers: set[str] | None) -> bool:
    code = code.strip()
    return numbers is None or code in ("NL00", "NL01") or code[2:6] in numbers


def table_url(settings: CbsSettings, table_id: str, catalog_url: str | None = None) -> str:
    """The OData v3 feed of one table, as cbsodata 1.3.5 builds it."""
    scheme = "https" if settings.use_https else "http"
    return f"{scheme}://{catalog_url or settings.catalog_url}/ODataFeed/odata/{table_id}/"


def _download_table(
    table_id: str,
    folder: Path,
    project: Project,
    catalog_url: str | None = None,
    gemeenten: list[str] | None = None,
) -> None:
    """Download one table with the real cbsodata client into `folder`, as it stores it.

    cbsodata 1.3.5 inverts `typed` in `download_data` (typed=False keeps the
    TypedDataSet), so the result is checked rather than trusted. The client's
    timeout goes to every request (`requests` keyword).
    """
    import cbsodata

    settings = project.cycle.cbs
    old = (cbsodata.options.catalog_url, cbsodata.options.use_https)
    cbsodata.options.catalog_url = catalog_url or settings.catalog_url
    cbsodata.options.use_https = settings.use_https
    try:
        cbsodata.download_data(
            table_id,
            dir=str(folder),
            typed=False,
            filters=region_filter(project, gemeenten),
            timeout=settings.timeout_seconds,
        )
    finally:
        cbsodata.options.catalog_url, cbsodata.options.use_https = old
    codes = project.cycle.gemeenten if gemeenten is None else gemeenten
    _narrow(folder, table_id, {g[2:] for g in codes} if codes else None)


def _narrow(folder: Path, table_id: str, numbers: set[str] | None) -> None:
    data = folder / "TypedDataSet.json"
    if not data.is_file():
        raise RuntimeError(f"cbsodata wrote no TypedDataSet.json for {table_id}")
    (folder / "UntypedDataSet.json").unlink(missing_ok=True)
    rows = json.loads(data.read_text(encoding="utf-8"))
    kept = [row for row in rows if _wanted(str(row.get("WijkenEnBuurten", "")), numbers)]
    data.write_text(json.dumps(kept, indent=2), encoding="utf-8")


def _client_error(error: BaseException) -> int | None:
    """The HTTP status of a 4xx answer (not worth retrying), else None."""
    for candidate in (error, error.__cause__):
        response = getattr(candidate, "response", None)
        status = getattr(response, "status_code", None)
        if status is not None and 400 <= status < 500 and status not in (408, 429):
            return int(status)
    return None


def fetch_table(
    project: Project,
    table_id: str,
    out_dir: Path,
    label: str,
    log: Callable[[str], None] = print,
    backoff: float | None = None,
    catalog_url: str | None = None,
    gemeenten: list[str] | None = None,
) -> Path:
    """Fetch one table into `out_dir/<table_id>/` with retries; the old snapshot stays on failure.

    Waits `backoff * 2**(attempt-1)` seconds between attempts (cbs.backoff_seconds
    unless given). A 4xx answer (no such table) is not retried. In a frozen cycle
    (`cbs.check_revisions: false`) a kept CBS snapshot is never downloaded again, so
    rerunning the stage (`dvc repro --force`) cannot take in a newer revision. `catalog_url` names
    another catalog than `cbs.catalog_url` (the RIVM tables on dataderden.cbs.nl).
    `gemeenten` widens the regions (default: the comparison gemeenten; empty: all).
    """
    settings = project.cycle.cbs
    wait = settings.backoff_seconds if backoff is None else backoff
    target = out_dir / table_id
    frozen = snapshot_of(target)
    if not settings.check_revisions and frozen.exists and not frozen.synthetic:
        log(
            f"CBS {table_id} ({label}): frozen cycle (cbs.check_revisions is false): keeping "
            f"{frozen.described()}, nothing downloaded"
        )
        return target
    url = table_url(settings, table_id, catalog_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    attempts = settings.retries + 1
    for attempt in range(1, attempts + 1):
        tmp = Path(tempfile.mkdtemp(prefix=f".{table_id}.", suffix=".tmp", dir=out_dir))
        try:
            log(f"CBS {table_id} ({label}): downloading {url} (attempt {attempt}/{attempts})")
            _download_table(table_id, tmp, project, catalog_url, gemeenten)
        except Exception as error:  # network, HTTP and JSON errors alike
            shutil.rmtree(tmp, ignore_errors=True)
            status = _client_error(error)
            if attempt == attempts or status is not None:
                kept = "is kept" if target.exists() else "does not exist (first fetch)"
                if snapshot_of(target).synthetic:
                    kept += (
                        " - it is a SYNTHETIC demo table left by an earlier run with "
                        "`source: demo`, not CBS data"
                    )
                raise CbsUnavailable(
                    f"CBS table {table_id} ({label}) from {url} failed after {attempt} "
                    f"attempt(s): {type(error).__name__}: {error}. The previous snapshot in "
                    f"{target} {kept}; the pipeline can run on it (set `source` or retry "
                    "later)."
                ) from error
            pause = wait * 2 ** (attempt - 1)
            log(f"CBS {table_id}: {type(error).__name__}: {error}; retrying in {pause:g} s")
            time.sleep(pause)
            continue
        before = snapshot_of(target)
        swap_dir(tmp, target)
        after = snapshot_of(target)
        if record_revision(out_dir, table_id, label, before, after):
            log(
                f"CBS {table_id} ({label}): new revision {after.modified or '?'} replaces "
                f"{before.modified or '?'} (logged in {out_dir.name}/{REVISIONS_FILE})"
            )
        return target
    raise AssertionError("unreachable")  # pragma: no cover


def fetch_kwb(
    project: Project,
    out_dir: Path,
    log: Callable[[str], None] = print,
    backoff: float | None = None,
    gemeenten: list[str] | None = None,
) -> list[Path]:
    """Fetch every cycle year's KWB table into `out_dir/<TableId>/`, each replaced whole."""
    return [
        fetch_table(
            project,
            project.cycle.kwb_table(year),
            out_dir,
            f"KWB {year}",
            log,
            backoff,
            gemeenten=gemeenten,
        )
        for year in project.cycle.cycle.years
    ]


def fetch_cbs(
    project: Project,
    out_dir: Path,
    log: Callable[[str], None] = print,
    backoff: float | None = None,
    gemeenten: list[str] | None = None,
) -> list[Path]:
    """Every CBS table of the cycle: the KWB tables and, when configured, the health table
    and the police's registered crime (`cbs.crime_table` per wijk and buurt,
    `cbs.crime_gemeente_table` per gemeente, from `cbs.crime_catalog_url`).

    `gemeenten`: the regions to fetch (default the comparison gemeenten; empty: all).
    """
    written = fetch_kwb(project, out_dir, log, backoff, gemeenten)
    settings = project.cycle.cbs
    health = settings.health_table
    if health:
        catalog = settings.health_catalog_url(health)
        written.append(
            fetch_table(project, health, out_dir, "health", log, backoff, catalog, gemeenten)
        )
    if settings.crime_table:
        written.append(
            fetch_table(
                project,
                settings.crime_table,
                out_dir,
                "politie",
                log,
                backoff,
                settings.crime_catalog_url,
                gemeenten,
            )
        )
    if settings.crime_gemeente_table:  # gemeenten only, fetched whole (regions: RegioS)
        written.append(
            fetch_table(
                project,
                settings.crime_gemeente_table,
                out_dir,
                "politie gemeenten",
                log,
                backoff,
                settings.crime_catalog_url,
                [],
            )
        )
    return written


# --------------------------------------------------------------------------- reading


def load_json(folder: Path, name: str) -> list[dict]:
    """One entity set of a snapshot, as cbsodata wrote it."""
    path = folder / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing; run `dvc repro fetch`")
    return json.loads(path.read_text(encoding="utf-8"))


def area_level(code: str) -> str:
    """land, gemeente, wijk or buurt, from the code's prefix."""
    return AREA_LEVELS.get(code[:2], "")


def gemeente_of(code: str) -> str:
    """The gemeente code of a gemeente, wijk or buurt code; '' for Nederland."""
    return f"GM{code[2:6]}" if code[:2] in ("GM", "WK", "BU") else ""


def region_names(folder: Path) -> dict[str, str]:
    """Region code -> name from the snapshot's region dimension (WijkenEnBuurten.json)."""
    path = folder / "WijkenEnBuurten.json"
    if not path.is_file():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    return {str(r["Key"]).strip(): str(r.get("Title") or "").strip() for r in records}


def boundary_flags(rows: pd.DataFrame) -> pd.Series:
    """Area code -> the KWB `Indelingswijziging…` flag (1 unchanged, 2 new code, 3 moved)."""
    codes = rows["WijkenEnBuurten"].astype(str).str.strip()
    flag = next((k for k in rows.columns if str(k).startswith("Indelingswijziging")), None)
    if flag is None:
        return pd.Series(float("nan"), index=codes.to_numpy())
    values = pd.to_numeric(rows[flag].astype(str).str.strip(), errors="coerce")
    return pd.Series(values.to_numpy(), index=codes.to_numpy())


def read_kwb_table(folder: Path, year: int, project: Project | None = None) -> pd.DataFrame:
    """One KWB snapshot as long rows (HARMONISED_COLUMNS), columns named by concept.

    Without a mapping (no params/cbs_columns.yaml) every numeric column is named by
    its base name, or by its full key where the base name is not unique.
    """
    info = load_json(folder, "TableInfos")[0]
    properties = load_json(folder, "DataProperties")
    rows = pd.DataFrame(load_json(folder, "TypedDataSet"))
    concepts = project.cbs_columns.kwb if project and project.cbs_columns else None
    matched = match_columns(properties, concepts, year, info.get("Identifier", folder.name))
    keys = [m.key for m in matched.columns if m.key in rows.columns]
    long = rows.melt(id_vars=["WijkenEnBuurten"], value_vars=keys, var_name="key")
    long["area_code"] = long["WijkenEnBuurten"].astype(str).str.strip()
    long["value"] = numeric_values(long["value"], GEO_MISSING)
    by_key = {m.key: m for m in matched.columns}
    for field in ("column", "kind", "unit", "definition_version", "published_name"):
        long[field] = long["key"].map({k: getattr(m, field) for k, m in by_key.items()})
    names = region_names(folder)
    long["area_name"] = long["area_code"].map(names).fillna("")
    long["boundary_flag"] = long["area_code"].map(boundary_flags(rows))
    long["year"] = year
    long["table_id"] = info.get("Identifier", folder.name)
    long["table_modified"] = info.get("Modified", "")
    long["synthetic"] = bool(info.get("Synthetic", False))
    long["source"] = "cbs_kwb"
    long["population"] = ""
    return finish_long(long)


def finish_long(long: pd.DataFrame) -> pd.DataFrame:
    """Area level and gemeente from the code; the columns in HARMONISED_COLUMNS order."""
    long["area_level"] = long["area_code"].map(area_level)
    long["gemeente"] = long["area_code"].map(gemeente_of)
    long["definition_version"] = long["definition_version"].astype(int)
    return long[HARMONISED_COLUMNS].reset_index(drop=True)


def read_kwb_long(raw_dir: Path, project: Project) -> pd.DataFrame:
    """All cycle years' KWB snapshots as one long frame (see `read_kwb_table`).

    Holds at least KWB_LONG_COLUMNS, the contract with the indicator engine.
    """
    frames = []
    for year in project.cycle.cycle.years:
        folder = raw_dir / project.cycle.kwb_table(year)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{folder}: no CBS table for {year}; run `dvc repro fetch` (source: "
                f"{project.cycle.source})"
            )
        frames.append(read_kwb_table(folder, year, project))
    return pd.concat(frames, ignore_index=True)
