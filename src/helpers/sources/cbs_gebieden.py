"""CBS "Gebieden in Nederland": which provincie and GGD-regio each gemeente belongs to.

A profile's area set can be every wijk of a provincie or a GGD-regio. Which gemeenten
those are is CBS's own classification of a year, published as the table "Gebieden in
Nederland <year>" (85067NED for 2022): one row per gemeente with the code and name of
every regional grouping. The table is fetched with the real `cbsodata` client into
`data/raw/cbs/<TableId>/` like every CBS table, so the profiles stage reads a kept
snapshot, never the network.

The topic keys carry position suffixes (`Code_26`) that move between editions, so a
grouping's code and name columns are found by the title of their topic group in
DataProperties ("Provincies", "GGD-regio's"), as `cbs_columns` does for the KWB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from helpers.config import (
    Paths,
    Project,
)
from helpers.config.profiles import GROUPING_KEYS, SETTINGS_FILE, ProfileSettings, needs_gebieden
from helpers.sources.cbs import fetch_table, load_json

# The topic group titles of each grouping in DataProperties, and the kind's name in
# params/profiles.yaml.
GROUPINGS = {"provincie": "Provincies", "ggd_regio": "GGD-regio's"}
GEBIEDEN_COLUMNS = ["gemeente", "gemeente_name", "grouping", "code", "name"]


class GebiedenError(ValueError):
    """The gebieden table lacks a grouping or a requested code."""


def fetch_gebieden(
    project: Project, table_id: str, out_dir: Path, log: Callable[[str], None] = print
) -> Path:
    """Fetch the gebieden table whole (every gemeente: no region filter) with retries."""
    return fetch_table(project, table_id, out_dir, "Gebieden in Nederland", log, gemeenten=[])


def _grouping_keys(properties: list[dict], title: str, table: str) -> tuple[str, str]:
    """(code key, name key) of the topics under the topic group titled `title`."""
    groups = [p for p in properties if p.get("Type") == "TopicGroup" and p.get("Title") == title]
    if not groups:
        raise GebiedenError(f"{table}: no topic group {title!r} in DataProperties")
    children = [p for p in properties if p.get("ParentID") == groups[0].get("ID")]
    code = next((p["Key"] for p in children if p.get("Title") == "Code"), None)
    name = next((p["Key"] for p in children if p.get("Title") == "Naam"), None)
    if not code or not name:
        raise GebiedenError(f"{table}: topic group {title!r} has no Code and Naam topics")
    return str(code), str(name)


def read_gebieden(folder: Path) -> pd.DataFrame:
    """Long table: one row per gemeente and grouping (provincie, ggd_regio), codes stripped."""
    properties = load_json(folder, "DataProperties")
    rows = load_json(folder, "TypedDataSet")
    dimension = next((p["Key"] for p in properties if p.get("Type") == "Dimension"), "RegioS")
    names = next((p["Key"] for p in properties if p.get("Title") == "Naam"), None)
    out = []
    for grouping, title in GROUPINGS.items():
        code_key, name_key = _grouping_keys(properties, title, folder.name)
        for row in rows:
            out.append(
                {
                    "gemeente": str(row[dimension]).strip(),
                    "gemeente_name": str(row.get(names) or "").strip() if names else "",
                    "grouping": grouping,
                    "code": str(row.get(code_key) or "").strip(),
                    "name": str(row.get(name_key) or "").strip(),
                }
            )
    return pd.DataFrame(out, columns=GEBIEDEN_COLUMNS)


def gemeenten_in(
    gebieden: pd.DataFrame, grouping: str, codes: Iterable[str], table: str
) -> list[str]:
    """The gemeenten of the groupings `codes` (sorted); GebiedenError naming unknown codes."""
    rows = gebieden[gebieden["grouping"].eq(grouping)]
    wanted = list(codes)
    unknown = [c for c in wanted if c not in set(rows["code"])]
    if unknown:
        known = ", ".join(sorted(set(rows["code"])))
        raise GebiedenError(
            f"{grouping} {', '.join(unknown)} not in the gebieden table {table} (it has: {known})"
        )
    return sorted(set(rows.loc[rows["code"].isin(wanted), "gemeente"]))


def load_gebieden(paths: Paths, settings: ProfileSettings | None) -> pd.DataFrame | None:
    """The fetched gebieden table where the area set needs it (a provincie, a GGD-regio)."""
    table = needs_gebieden(settings)
    return read_gebieden(paths.raw_cbs / table) if table else None


def wanted_gemeenten(
    settings: ProfileSettings, project: Project, gebieden: pd.DataFrame | None = None
) -> list[str] | None:
    """The gemeenten whose areas get a profile; None for the whole country.

    A provincie or GGD-regio is resolved through `gebieden` (`load_gebieden`): CBS's
    classification of its gemeenten. Raises ValueError naming params/profiles.yaml,
    the key and the table for a code the table does not hold.
    """
    if settings.areas == "land":
        return None
    if settings.areas in GROUPING_KEYS:
        key = f"profiles.{GROUPING_KEYS[settings.areas]}"
        if gebieden is None:
            raise ValueError(
                f"params/{SETTINGS_FILE}: {key} needs the gebieden table "
                f"{settings.gebieden_table}; run the fetch stage"
            )
        try:
            return gemeenten_in(
                gebieden, settings.areas, settings.grouping_codes(), settings.gebieden_table
            )
        except GebiedenError as error:
            raise ValueError(f"params/{SETTINGS_FILE}: key {key}: {error}") from None
    return list(settings.gemeenten) or project.cycle.gemeenten


def fetch_gemeenten(
    settings: ProfileSettings | None, project: Project, gebieden: pd.DataFrame | None = None
) -> list[str] | None:
    """The gemeenten the fetch stage must download for the profiles too: None for just
    the comparison gemeenten, an empty list for every region of the country."""
    if settings is None:
        return None
    wanted = wanted_gemeenten(settings, project, gebieden)
    if wanted is None:
        return []
    extra = [g for g in wanted if g not in project.cycle.gemeenten]
    return [*project.cycle.gemeenten, *extra] if extra else None
