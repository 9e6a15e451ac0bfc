"""RIVM/GGD/CBS *Gezondheid per wijk en buurt* (50090NED): the health snapshot as long rows.

One table holds the waves 2012, 2016 and 2020 in one area classification (2020), per
age group (Leeftijd) and margin (Marges). Only the point estimates (`MW00000`) are
read: the table gives no n and no interval. Values are small-area estimates in
percent; CBS's missing markers stay missing. Nederland is `NL01` in this table and is
written as `NL00`, the code of Nederland in the KWB, so both tables compare alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers.config import CycleYears, Project
from helpers.sources.cbs import (
    GEO_MISSING,
    HARMONISED_COLUMNS,
    finish_long,
    load_json,
    region_names,
)
from helpers.sources.cbs_columns import MatchResult, match_columns, numeric_values

POINT_ESTIMATE = "MW00000"
NEDERLAND = {"NL01": "NL00"}
ADULTS = "18 jaar of ouder"


def used_waves(waves: Iterable[int], cycle: CycleYears) -> list[int]:
    """The health waves a cycle reports: those within its years, and always the latest
    wave up to the cycle's year, with its own year.

    The health monitor comes every two to four years; a cycle whose years all fall after
    the latest wave must still show that wave (as what it is, a measurement of that
    year), not drop it.
    """
    available = sorted({int(w) for w in waves if int(w) <= cycle.year})
    used = [w for w in available if w in cycle.years]
    if available and available[-1] not in used:
        used.append(available[-1])
    return sorted(used)


def _titles(folder: Path, dimension: str) -> dict[str, str]:
    path = folder / f"{dimension}.json"
    if not path.is_file():
        return {}
    return {
        str(r["Key"]).strip(): str(r.get("Title") or "").strip()
        for r in load_json(folder, dimension)
    }


def health_match(folder: Path, project: Project) -> MatchResult:
    """The health table's columns matched to the `health` concepts of the mapping.

    Its `year` is the year of the area classification (MapYear of the region property, 0 if absent):
    the waves themselves are rows of the table.
    """
    properties = load_json(folder, "DataProperties")
    concepts = project.cbs_columns.health if project.cbs_columns else None
    geo = [p for p in properties if p.get("MapYear")]
    year = int(geo[0]["MapYear"]) if geo else 0
    return match_columns(properties, concepts, year, folder.name)


def read_health_table(folder: Path, project: Project) -> pd.DataFrame:
    """One 50090NED snapshot as long rows (HARMONISED_COLUMNS), point estimates only."""
    info = load_json(folder, "TableInfos")[0]
    rows = pd.DataFrame(load_json(folder, "TypedDataSet"))
    rows = rows[rows["Marges"].astype(str).str.strip().eq(POINT_ESTIMATE)]
    matched = health_match(folder, project)
    keys = [m.key for m in matched.columns if m.key in rows.columns]
    ids = ["WijkenEnBuurten", "Perioden", "Leeftijd"]
    long = rows.melt(id_vars=ids, value_vars=keys, var_name="key")
    code = long["WijkenEnBuurten"].astype(str).str.strip()
    long["area_code"] = code.replace(NEDERLAND)
    long["value"] = numeric_values(long["value"], GEO_MISSING)
    by_key = {m.key: m for m in matched.columns}
    for field in ("column", "kind", "unit", "definition_version", "published_name"):
        long[field] = long["key"].map({k: getattr(m, field) for k, m in by_key.items()})
    names = region_names(folder)
    long["area_name"] = code.map(names).fillna("")
    ages = _titles(folder, "Leeftijd")
    age = long["Leeftijd"].astype(str).str.strip()
    long["population"] = age.map(ages).fillna(age)
    long["year"] = long["Perioden"].astype(str).str[:4].astype(int)
    long["boundary_flag"] = float("nan")
    long["table_id"] = info.get("Identifier", folder.name)
    long["table_modified"] = info.get("Modified") or ""
    long["synthetic"] = bool(info.get("Synthetic", False))
    long["source"] = "cbs_health"
    return finish_long(long)[HARMONISED_COLUMNS]
