"""CBS Kerncijfers wijken en buurten: fetched with cbsodata, kept as raw snapshots.

`fetch_kwb` stores each year's table as `cbsodata` delivers it, so a later run
never depends on CBS being up; `read_kwb_long` turns the snapshots into one long
frame keyed by column *base name*, because the `_<position>` suffixes of OData
keys shift from year to year.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers.config import Project

NUMERIC_TYPES = {"Long", "Double", "Integer", "Decimal", "Float", "Short", "Byte"}
# CBS's geo files mark secret or missing values with -99997, -99995, -99991; text
# markers ('.', 'x') are read as missing too. Validation reports both.
GEO_MISSING = -99990
_SUFFIX = re.compile(r"_\d+$")


# The long KWB frame: one row per year, area and column (by base name).
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


class CbsUnavailable(RuntimeError):
    """CBS could not be reached after all retries; the previous snapshot is kept."""


def base_name(key: str) -> str:
    """`AantalInwoners_5` -> `AantalInwoners`: the part of a key that is stable across years."""
    return _SUFFIX.sub("", key)


def region_filter(project: Project) -> str:
    """OData filter for Nederland and every comparison gemeente with its wijken and buurten."""
    parts = ["WijkenEnBuurten eq 'NL00      '"]
    parts += [f"substringof('{code[2:]}',WijkenEnBuurten)" for code in project.cycle.gemeenten]
    return " or ".join(parts)


def _wanted(code: str, project: Project) -> bool:
    code = code.strip()
    numbers = {g[2:] for g in project.cycle.gemeenten}
    return code == "NL00" or code[2:6] in numbers


def _download_table(table_id: str, folder: Path, project: Project) -> None:
    """Download one table with the real cbsodata client into `folder`, as it stores it.

    cbsodata 1.3.5 inverts `typed` in `download_data` (typed=False keeps the
    TypedDataSet), so the result is checked rather than trusted. The server-side
    filter is coarse (`substringof`), the rows are narrowed to our areas here.
    """
    import cbsodata

    settings = project.cycle.cbs
    old = (cbsodata.options.catalog_url, cbsodata.options.use_https)
    cbsodata.options.catalog_url = settings.catalog_url
    cbsodata.options.use_https = settings.use_https
    try:
        cbsodata.download_data(
            table_id, dir=str(folder), typed=False, filters=region_filter(project)
        )
    finally:
        cbsodata.options.catalog_url, cbsodata.options.use_https = old
    data = folder / "TypedDataSet.json"
    if not data.is_file():
        raise RuntimeError(f"cbsodata wrote no TypedDataSet.json for {table_id}")
    (folder / "UntypedDataSet.json").unlink(missing_ok=True)
    rows = json.loads(data.read_text(encoding="utf-8"))
    kept = [row for row in rows if _wanted(str(row.get("WijkenEnBuurten", "")), project)]
    data.write_text(json.dumps(kept, indent=2), encoding="utf-8")


def fetch_kwb(
    project: Project, out_dir: Path, log: Callable[[str], None] = print, backoff: float = 2.0
) -> list[Path]:
    """Fetch every cycle year's KWB table into `out_dir/<TableId>/`, each replaced whole."""
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = project.cycle.cbs
    for year in project.cycle.cycle.years:
        table_id = project.cycle.kwb_table(year)
        target = out_dir / table_id
        for attempt in range(1, settings.retries + 2):
            tmp = Path(tempfile.mkdtemp(prefix=f".{table_id}.", dir=out_dir))
            try:
                log(f"CBS {table_id} ({year}): downloading (attempt {attempt})")
                _download_table(table_id, tmp, project)
            except Exception as error:  # network, HTTP and JSON errors alike
                shutil.rmtree(tmp, ignore_errors=True)
                if attempt > settings.retries:
                    raise CbsUnavailable(
                        f"CBS table {table_id} ({year}) from {settings.catalog_url} failed after "
                        f"{attempt} attempt(s): {error}. The previous snapshot in {target} "
                        "is kept."
                    ) from error
                log(f"CBS {table_id}: {error}; retrying")
                time.sleep(backoff * attempt)
                continue
            if target.exists():
                shutil.rmtree(target)
            tmp.rename(target)
            written.append(target)
            break
    return written


def _load(folder: Path, name: str) -> list[dict]:
    path = folder / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing; run `dvc repro fetch`")
    return json.loads(path.read_text(encoding="utf-8"))


def read_kwb_table(folder: Path, year: int) -> pd.DataFrame:
    """One snapshot as long rows: numeric topics by base name, ambiguous names by full key."""
    info = _load(folder, "TableInfos")[0]
    properties = _load(folder, "DataProperties")
    rows = pd.DataFrame(_load(folder, "TypedDataSet"))
    topics = [p for p in properties if p.get("Type") == "Topic"]
    numeric = [
        p["Key"] for p in topics if p.get("Datatype") in NUMERIC_TYPES and p["Key"] in rows.columns
    ]
    bases = pd.Series([base_name(k) for k in numeric])
    names = {
        key: base if (bases == base).sum() == 1 else key
        for key, base in zip(numeric, bases, strict=True)
    }
    flag = next((k for k in rows.columns if str(k).startswith("Indelingswijziging")), None)
    long = rows.melt(id_vars=["WijkenEnBuurten"], value_vars=numeric, var_name="key")
    long["area_code"] = long["WijkenEnBuurten"].str.strip()
    long["column"] = long["key"].map(names)
    values = pd.to_numeric(long["value"], errors="coerce").astype(float)
    long["value"] = values.mask(values.le(GEO_MISSING))
    flags = (
        pd.to_numeric(rows[flag].astype(str).str.strip(), errors="coerce")
        if flag
        else pd.Series(float("nan"), index=rows.index)
    )
    long["boundary_flag"] = long["area_code"].map(
        dict(zip(rows["WijkenEnBuurten"].str.strip(), flags, strict=True))
    )
    long["year"] = year
    long["table_id"] = info.get("Identifier", folder.name)
    long["table_modified"] = info.get("Modified", "")
    long["synthetic"] = bool(info.get("Synthetic", False))
    return long[KWB_LONG_COLUMNS]


def read_kwb_long(raw_dir: Path, project: Project) -> pd.DataFrame:
    """All cycle years' snapshots as one long frame (see `read_kwb_table`)."""
    frames = []
    for year in project.cycle.cycle.years:
        folder = raw_dir / project.cycle.kwb_table(year)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{folder}: no CBS table for {year}; run `dvc repro fetch` (source: "
                f"{project.cycle.source})"
            )
        frames.append(read_kwb_table(folder, year))
    return pd.concat(frames, ignore_index=True)
