"""Registered crime (Politie): table 47018NED per wijk and buurt, 47013NED per gemeente.

The police publish these through CBS's open data for third parties
(dataderden.cbs.nl), so they are fetched with the real cbsodata client pointed at
that catalog (`fetch_crime`; the fetch stage with `cbs.crime_table` set), into the
same snapshots as the KWB. Only the total
(`SoortMisdrijf` Title "Totaal misdrijven", key `0.0.0`) is read: the safety
pillar's figure is all registered crime per 1,000 inhabitants, the KWB's population
of the same area and year as denominator, with the small-number rules of
`params/cycle.yaml: suppression`.

47013NED has gemeenten only (dimension `RegioS`), in the same catalog: fetched whole
with the same client (`fetch_crime_gemeenten`; the fetch stage with
`cbs.crime_gemeente_table` set) and read by `read_crime_gemeenten`. An export of
data.politie.nl (a `;`-separated CSV with a six-line header, names without codes) can
still be read with `read_politie_gemeenten`, its names matched to codes by the
caller's name list. A gemeente's
figure from 47013NED includes crime the police could not assign to a buurt, so it
is higher than the sum of its buurten in 47018NED (Utrecht 2023: 25,614 against
25,395): the two are never mixed in one series.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from helpers.config import Project, Suppression
from helpers.sources.cbs import fetch_table, load_json

CRIME_TABLE = "47018NED"
CRIME_GEMEENTE_TABLE = "47013NED"
CRIME_CATALOG = "dataderden.cbs.nl"
TOTAL_TITLE = "Totaal misdrijven"
COUNT_TOPIC = "GeregistreerdeMisdrijven"
CRIME_ATTRIBUTION = (
    "Bron: Politie, Geregistreerde misdrijven (CBS open data voor derden, tabel 47018NED; "
    "gemeenten 47013NED). © Politie."
)
CRIME_COLUMNS = ["year", "area_code", "area_level", "gemeente", "crimes", "table_id", "modified"]
RATE_COLUMNS = ["area", "year", "crimes", "population", "rate", "suppressed", "reason"]


def fetch_crime(
    project: Project,
    out_dir: Path,
    log: Callable[[str], None] = print,
    backoff: float | None = None,
    catalog_url: str = CRIME_CATALOG,
) -> Path:
    """Fetch 47018NED for the cycle's gemeenten from the third-party catalog into
    `out_dir/47018NED/` (retries, atomic swap and revision log as for every table)."""
    return fetch_table(
        project, CRIME_TABLE, out_dir, "politie", log, backoff, catalog_url=catalog_url
    )


def fetch_crime_gemeenten(
    project: Project,
    out_dir: Path,
    log: Callable[[str], None] = print,
    backoff: float | None = None,
    catalog_url: str = CRIME_CATALOG,
) -> Path:
    """Fetch 47013NED (registered crime per gemeente) into `out_dir/47013NED/`.

    Fetched without a region filter (its regions are `RegioS`, not `WijkenEnBuurten`,
    and it has gemeenten only); `read_crime_gemeenten` keeps the cycle's gemeenten.
    """
    return fetch_table(
        project,
        CRIME_GEMEENTE_TABLE,
        out_dir,
        "politie gemeenten",
        log,
        backoff,
        catalog_url=catalog_url,
        gemeenten=[],
    )


def _total_key(folder: Path) -> str:
    for record in load_json(folder, "SoortMisdrijf"):
        if str(record.get("Title") or "").strip() == TOTAL_TITLE:
            return str(record["Key"])
    raise ValueError(f"{folder / 'SoortMisdrijf.json'}: no category titled {TOTAL_TITLE!r}")


def _count_key(folder: Path) -> str:
    for record in load_json(folder, "DataProperties"):
        key = str(record.get("Key") or "")
        if record.get("Type") == "Topic" and key.rsplit("_", 1)[0] == COUNT_TOPIC:
            return key
    raise ValueError(f"{folder / 'DataProperties.json'}: no topic {COUNT_TOPIC}_<n>")


def read_crime(folder: Path) -> pd.DataFrame:
    """The snapshot's total registered crime per area and year (`CRIME_COLUMNS`).

    Region and period keys are stripped (CBS pads them); a count CBS left empty stays
    missing, never zero. The crime type and the count column are found by Title and
    topic name, not by position, as for the KWB.
    """
    return _read_counts(folder, "WijkenEnBuurten", CRIME_TABLE)


def read_crime_gemeenten(folder: Path, gemeenten: Sequence[str] | None = None) -> pd.DataFrame:
    """47013NED's total registered crime per gemeente and year (`CRIME_COLUMNS`), for
    `gemeenten` only where given (the snapshot holds every gemeente)."""
    frame = _read_counts(folder, "RegioS", CRIME_GEMEENTE_TABLE)
    frame = frame[frame["area_level"].eq("gemeente")]
    if gemeenten is not None:
        frame = frame[frame["area_code"].isin(list(gemeenten))]
    return frame.reset_index(drop=True)


def gemeente_totals(crime: pd.DataFrame) -> pd.DataFrame:
    """`read_crime_gemeenten`'s frame as the year, gemeente, crimes rows the safety
    pillar takes a gemeente's own figure from (`report.safety.programme_crime`)."""
    return pd.DataFrame(
        {"year": crime["year"], "gemeente": crime["area_code"], "crimes": crime["crimes"]}
    ).reset_index(drop=True)


def _read_counts(folder: Path, region: str, table_id: str) -> pd.DataFrame:
    from helpers.sources.cbs import area_level, gemeente_of

    rows = pd.DataFrame(load_json(folder, "TypedDataSet"))
    if rows.empty:
        return pd.DataFrame(columns=CRIME_COLUMNS)
    total, count = _total_key(folder), _count_key(folder)
    missing = {"SoortMisdrijf", region, "Perioden"} - set(rows.columns)
    if missing:
        raise ValueError(
            f"{folder / 'TypedDataSet.json'}: no column(s) {', '.join(sorted(missing))}"
        )
    rows = rows[rows["SoortMisdrijf"].astype(str).str.strip().eq(total.strip())]
    info = load_json(folder, "TableInfos")
    code = rows[region].astype(str).str.strip()
    period = rows["Perioden"].astype(str).str.strip()
    if not period.str.fullmatch(r"\d{4}JJ00").all():
        bad = period[~period.str.fullmatch(r"\d{4}JJ00")].iloc[0]
        raise ValueError(f"{folder / 'TypedDataSet.json'}: period {bad!r} is not a year")
    frame = pd.DataFrame(
        {
            "year": period.str[:4].astype(int),
            "area_code": code,
            "area_level": code.map(area_level),
            "gemeente": code.map(gemeente_of),
            "crimes": pd.to_numeric(rows[count], errors="coerce"),
            "table_id": table_id,
            "modified": str(info[0].get("Modified") or "") if info else "",
        }
    )
    return frame.sort_values(["year", "area_code"]).reset_index(drop=True)[CRIME_COLUMNS]


def crime_rates(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    areas: Mapping[str, Sequence[str]],
    rules: Suppression,
) -> pd.DataFrame:
    """Registered crimes per 1,000 inhabitants of each area (`areas`: name -> member
    codes) and year, summed over its members (`RATE_COLUMNS`).

    `population` has year, area_code, population (the KWB's inhabitants). An area
    whose members lack a count or a population that year has no figure
    (`member_missing`); one with fewer inhabitants than `suppression.min_denominator`
    is suppressed (`small_denominator`): a rate on a handful of residents says more
    about one incident than about the area. Nothing is imputed.
    """
    counts = crime.set_index(["year", "area_code"])["crimes"]
    people = population.set_index(["year", "area_code"])["population"]
    rows = []
    for year in sorted(set(crime["year"]) & set(population["year"])):
        for area, members in areas.items():
            keys = [(year, code) for code in members]
            found = counts.reindex(keys)
            inhabitants = people.reindex(keys)
            nan = float("nan")
            crimes, people_sum, rate, reason = nan, nan, nan, ""
            if found.isna().any() or inhabitants.isna().any():
                reason = "member_missing"
            else:
                crimes, people_sum = float(found.sum()), float(inhabitants.sum())
                if people_sum < rules.min_denominator:
                    crimes, reason = nan, "small_denominator"
                else:
                    rate = crimes / people_sum * 1000
            rows.append(
                {
                    "area": area,
                    "year": int(year),
                    "crimes": crimes,
                    "population": people_sum,
                    "rate": rate,
                    "suppressed": reason == "small_denominator",
                    "reason": reason,
                }
            )
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def read_politie_gemeenten(path: Path, codes: Mapping[str, str]) -> pd.DataFrame:
    """Registered crime per gemeente from a data.politie.nl export of 47013NED.

    The export has six header lines (title, filter, topic, period, unit rows), one
    row per region by name, `"Bron: Politie"` last. `codes` maps gemeente names to
    codes; the police write "Utrecht (gemeente)" where a province has the same name,
    and that suffix is dropped before matching. Returns year, gemeente, crimes for the
    gemeenten in `codes`; a name in `codes` that the export lacks is an error naming
    the file.
    """
    text = path.read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    periods = next((line for line in lines if line and line[0] == "Perioden"), None)
    if periods is None:
        raise ValueError(f"{path}: no 'Perioden' header line (a data.politie.nl CSV export?)")
    years = [int(p.strip()[:4]) for p in periods[1:]]
    wanted = {name.strip(): code for name, code in codes.items()}
    rows, seen = [], set()
    for line in lines:
        if len(line) != len(years) + 1:
            continue
        name = line[0].removesuffix(" (gemeente)").strip()
        if name not in wanted:
            continue
        seen.add(name)
        for year, cell in zip(years, line[1:], strict=True):
            value = cell.strip()
            crimes = float(value) if value and value not in (".", "-") else float("nan")
            rows.append({"year": year, "gemeente": wanted[name], "crimes": crimes})
    absent = sorted(set(wanted) - seen)
    if absent:
        raise ValueError(f"{path}: no row for {', '.join(absent)}")
    return pd.DataFrame(rows, columns=["year", "gemeente", "crimes"])
