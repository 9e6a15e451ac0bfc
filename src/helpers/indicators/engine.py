"""From validated raw sources to one tidy indicator table per programme.

Every indicator is computed the same way for the programme area, its gemeente and
Nederland, from the catalogue's definition. A programme area made of several
buurten is aggregated from its members: counts summed, rates recomputed from summed
numerators and denominators, survey percentages weighted by respondents. A member
without a published value makes the aggregate unpublished: nothing is imputed.

`indicator_values` does the CBS and survey part for any membership frame, the
whole country included, without a loop per area or a string join: source rows are
counted per (year, member) integer key and summed over each area's members by one
sparse product; labels stay categorical until a programme's own table is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
from scipy import sparse

from helpers.config import CycleYears, Indicator, Paths, Project
from helpers.indicators.areas import GeometryChange, code_change_breaks, geometry_breaks
from helpers.indicators.disclosure import apply_suppression
from helpers.indicators.frames import (
    Labels,
    first_positions,
    group_numbers,
    joined_labels,
    positions_in,
)
from helpers.indicators.precision import (
    DECIMALS_BY_UNIT,
    plain_number,
    round_half_up,
    stored_indicator_table,
    unit_decimals,
)
from helpers.indicators.stats import indicator_summary, wilson_intervals
from helpers.runtime.io import write_text_atomic
from helpers.sources.cbs_health import ADULTS, used_waves

COLUMNS = [
    "programme",
    "area_role",
    "area_code",
    "area_name",
    "area_level",
    "year",
    "indicator_id",
    "level",
    "group",
    "unit",
    "value",
    "numerator",
    "denominator",
    "lower",
    "upper",
    "n",
    "suppressed",
    "suppression_reason",
    "source",
    "source_modified",
    "estimate",
    "definition_version",
    "series_break",
    "synthetic",
]
MEMBER_COLUMNS = ["area_role", "area_code", "area_name", "year", "member_code"]
AREA_KEYS = ["area_role", "area_code", "area_name", "year"]
ROLE_ORDER = {"programma": 0, "gemeente": 1, "nederland": 2}
CBS_LEVELS = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
LEVEL_NAMES = [*CBS_LEVELS.values(), "onbekend", "gemengd"]
TABLE_META = ["table_id", "table_modified", "synthetic"]
# The source's own reasons for a missing value; small-number rules come later.
SOURCE_REASONS = ("", "not_aggregable", "cbs_not_published", "source_not_published")
_SURVEY_VALUES = ["percentage", "n", "ondergrens", "bovengrens"]
ENGINE_COLUMNS = [
    "area_role",
    "area_code",
    "area_name",
    "year",
    "area_level",
    "source",
    "source_modified",
    "synthetic",
    "cbs_boundary_changed",
    "lower",
    "upper",
    "n",
    "numerator",
    "denominator",
    "value",
    "suppression_reason",
    "indicator_id",
    "level",
    "group",
    "unit",
    "definition_version",
]


def membership(project: Project, key: str, years: Iterable[int]) -> pd.DataFrame:
    """Which CBS areas make up each compared area in each year.

    One row per (area_role, area_code, area_name, year, member_code).
    """
    programme = project.programmes[key]
    gemeente_name = project.cycle.comparison.gemeenten[programme.gemeente]
    rows: list[tuple[str, str, str, int, str]] = []
    for year in years:
        for code in programme.area_codes(year):
            rows.append(("programma", key, programme.name, year, code))
        rows.append(("gemeente", programme.gemeente, gemeente_name, year, programme.gemeente))
        rows.append(("nederland", "NL00", "Nederland", year, "NL00"))
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS)


def _areas(members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Number each compared area; return (members with `_area`, one row per area).

    The area frame has the member count and the CBS level of the members
    (`land`/`gemeente`/`wijk`/`buurt`, `gemengd` when they differ).
    """
    members = members[MEMBER_COLUMNS]
    rows = group_numbers(members, MEMBER_COLUMNS)
    members = members.iloc[first_positions(rows, int(rows.max(initial=-1)) + 1)]
    members = members.reset_index(drop=True)
    area = group_numbers(members, AREA_KEYS)
    count = int(area.max(initial=-1)) + 1
    found = positions_in(members["member_code"].astype("str").str[:2], list(CBS_LEVELS))
    level = np.where(found < 0, len(CBS_LEVELS), found)
    lowest = np.full(count, len(LEVEL_NAMES))
    highest = np.full(count, -1)
    np.minimum.at(lowest, area, level)
    np.maximum.at(highest, area, level)
    areas = members.iloc[first_positions(area, count)][AREA_KEYS].reset_index(drop=True)
    for column in ("area_role", "area_code", "area_name"):
        areas[column] = areas[column].astype("str")
    areas["members"] = np.bincount(area, minlength=count)
    mixed = LEVEL_NAMES.index("gemengd")
    areas["area_level"] = pd.Series(LEVEL_NAMES, dtype="str").to_numpy()[
        np.where(lowest == highest, lowest, mixed)
    ]
    return members.assign(_area=area), areas


@dataclass(frozen=True)
class _Keys:
    """Dense integer keys for (year, member code), and the areas each key belongs to.

    Source rows are summed per key with `np.bincount` and over each area's members by
    one sparse product: no string join, no group-by, the whole country in a second.
    """

    codes: pd.Index
    years: np.ndarray
    member_key: np.ndarray
    member_area: np.ndarray
    areas: int

    @classmethod
    def of_members(cls, members: pd.DataFrame, areas: int) -> _Keys:
        keys = cls(
            codes=pd.Index(members["member_code"].unique()),
            years=np.unique(members["year"].to_numpy(dtype=np.int64)),
            member_key=np.empty(0, dtype=np.int64),
            member_area=members["_area"].to_numpy(dtype=np.int64),
            areas=areas,
        )
        return replace(keys, member_key=keys.of(members["year"], members["member_code"]))

    @property
    def size(self) -> int:
        return len(self.years) * len(self.codes)

    def of(self, year: pd.Series, code: pd.Series) -> np.ndarray:
        """The key of each row; -1 where its year or code belongs to no member."""
        member = positions_in(code, self.codes)
        years = year.to_numpy(dtype=np.int64)
        slot = np.searchsorted(self.years, years).clip(max=len(self.years) - 1)
        matched = (member >= 0) & (self.years[slot] == years)
        return np.where(matched, slot * len(self.codes) + member, -1)

    def per_key(
        self, cell: np.ndarray, columns: int, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum `weights` (or count rows) per key and column: a keys x columns array.

        `cell` is each row's `key * columns + column`."""
        cells = np.bincount(cell, weights, minlength=self.size * columns)
        return cells.reshape(self.size, columns)

    @cached_property
    def _matrix(self) -> sparse.csr_array:
        ones = np.ones(len(self.member_key))
        return sparse.csr_array(
            (ones, (self.member_area, self.member_key)), shape=(self.areas, self.size)
        )

    def per_area(self, per_key: np.ndarray) -> np.ndarray:
        """Sum a per-key array over each area's members."""
        return self._matrix @ per_key

    def single_member(self) -> np.ndarray:
        """The key of each area's member (the one that counts where it has only one)."""
        key = np.zeros(self.areas, dtype=np.int64)
        key[self.member_area] = self.member_key
        return key

    def first_member(self, wanted: np.ndarray) -> np.ndarray:
        """Each area's first member row (in membership order) whose key is `wanted`;
        `len(member_key)` where none is."""
        rows = np.flatnonzero(wanted[self.member_key])
        first = np.full(self.areas, len(self.member_key), dtype=np.int64)
        np.minimum.at(first, self.member_area[rows], rows)
        return first


def _cbs_values(
    indicators: Sequence[Indicator],
    keys: _Keys,
    areas: pd.DataFrame,
    kwb: pd.DataFrame,
    label: str = "cbs_kwb",
) -> _Block:
    """Every CBS indicator for every area: sums over members, all-or-nothing.

    `label` is the source kind the rows' table ids are named with (`politie` for the
    police's counts over the KWB's inhabitants)."""
    columns = sorted({c for i in indicators for c in (i.column, i.numerator, i.denominator) if c})
    column = positions_in(kwb["column"], columns)
    key = keys.of(kwb["year"], kwb["area_code"])
    kept = np.flatnonzero((column >= 0) & (key >= 0))
    key, column = key[kept], column[kept]
    value = kwb["value"].to_numpy(dtype=float)[kept]
    known = ~np.isnan(value)
    width = len(columns)
    cell = key * width + column
    present = keys.per_area(keys.per_key(cell, width, known.astype(float)))
    complete = present == areas["members"].to_numpy()[:, None]
    summed = keys.per_area(keys.per_key(cell, width, np.where(known, value, 0.0)))
    total = pd.DataFrame(np.where(complete, summed, np.nan), columns=columns)
    rows = keys.per_area(keys.per_key(cell, width))
    secret = pd.DataFrame(rows > present, columns=columns)
    flag = pd.to_numeric(kwb["boundary_flag"], errors="coerce").to_numpy(dtype=float)[kept]
    changed = keys.per_area(np.bincount(key[flag >= 3], minlength=keys.size)) > 0
    shared = {**_cbs_sources(keys, kwb, kept, key, label), "cbs_boundary_changed": changed}
    shared.update(lower=np.full(len(areas), np.nan), upper=np.full(len(areas), np.nan))
    shared["n"] = np.full(len(areas), np.nan)
    own = [_cbs_indicator(indicator, areas, total, secret) for indicator in indicators]
    return _Block(np.arange(len(areas)), indicators, shared, own)


def _cbs_sources(
    keys: _Keys, kwb: pd.DataFrame, kept: np.ndarray, key: np.ndarray, label: str
) -> dict:
    """Source table, its modification date and synthetic flag of each area: those of
    the first row of its first member with data (named `<label>:<table id>`)."""
    first_row = first_positions(key, keys.size)
    member = keys.first_member(first_row < len(key))
    found = np.flatnonzero(member < len(keys.member_key))
    meta = kwb[TABLE_META].iloc[kept[first_row[keys.member_key[member[found]]]]].astype(str)
    source = pd.Series(f"{label}:?", index=range(keys.areas), dtype="str")
    modified = pd.Series("", index=range(keys.areas), dtype="str")
    synthetic = np.zeros(keys.areas, dtype=bool)
    source.iloc[found] = (f"{label}:" + meta["table_id"].fillna("?")).to_numpy()
    modified.iloc[found] = meta["table_modified"].fillna("").to_numpy()
    synthetic[found] = meta["synthetic"].eq("True").to_numpy()
    return {
        "source": pd.Categorical(source),
        "source_modified": pd.Categorical(modified),
        "synthetic": synthetic,
    }


def _cbs_indicator(
    indicator: Indicator, areas: pd.DataFrame, total: pd.DataFrame, secret: pd.DataFrame
) -> dict[str, np.ndarray]:
    reason = np.zeros(len(areas), dtype=np.int8)
    needed = [c for c in (indicator.column, indicator.numerator, indicator.denominator) if c]
    if indicator.is_ratio:
        numerator = total[indicator.numerator].to_numpy()
        denominator = total[indicator.denominator].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denominator > 0, numerator / denominator * indicator.scale, np.nan)
    else:
        value = total[indicator.column].to_numpy().astype(float)
        numerator = denominator = np.full(len(areas), np.nan)
        if indicator.unit != "aantal":
            several = areas["members"].gt(1).to_numpy()
            value = np.where(several, np.nan, value)
            reason[several] = SOURCE_REASONS.index("not_aggregable")
    withheld = secret[needed].any(axis=1).to_numpy() & np.isnan(value) & (reason == 0)
    reason[withheld] = SOURCE_REASONS.index("cbs_not_published")
    return {"value": value, "numerator": numerator, "denominator": denominator, "reason": reason}


def _survey_values(
    indicators: Sequence[Indicator],
    keys: _Keys,
    areas: pd.DataFrame,
    survey: pd.DataFrame,
    synthetic: bool,
) -> _Block:
    """Every survey indicator in every wave: one member keeps its published estimate and
    interval; several are weighted by respondents with a Wilson interval."""
    names = sorted({i.column for i in indicators if i.column})
    column = positions_in(survey["indicator"], names)
    key = keys.of(survey["jaar"], survey["gebiedcode"])
    kept = np.flatnonzero((column >= 0) & (key >= 0))
    key, column = key[kept], column[kept]
    data = {c: survey[c].to_numpy(dtype=float)[kept] for c in _SURVEY_VALUES}
    width = len(names)
    cell = key * width + column
    complete = ~np.isnan(data["percentage"]) & ~np.isnan(data["n"])
    count = np.where(complete, data["percentage"] / 100 * data["n"], 0.0)
    stats = {
        "rows": keys.per_key(cell, width),
        "complete": keys.per_key(cell, width, complete.astype(float)),
        "n": keys.per_key(cell, width, np.nan_to_num(data["n"])),
        "count": keys.per_key(cell, width, count),
    }
    stats = {name: keys.per_area(values) for name, values in stats.items()}
    single = keys.single_member()
    for name in ("percentage", "ondergrens", "bovengrens"):
        published = ~np.isnan(data[name])
        first = first_positions(cell[published], keys.size * width)
        values = np.append(data[name][published], np.nan)[first].reshape(keys.size, width)
        stats[name] = values[single]
    rows = np.flatnonzero(areas["year"].isin(set(survey["jaar"].astype(int))).to_numpy())
    stats = {name: values[rows] for name, values in stats.items()}
    members = areas["members"].to_numpy()[rows]
    survey_label, empty = pd.Index(["survey"]), pd.Index([""])
    shared = {
        "source": pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), survey_label),
        "source_modified": pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), empty),
        "synthetic": np.full(len(rows), synthetic),
        "cbs_boundary_changed": np.zeros(len(rows), dtype=bool),
        "numerator": np.full(len(rows), np.nan),
        "denominator": np.full(len(rows), np.nan),
    }
    own = [
        _survey_indicator({n: v[:, names.index(str(i.column))] for n, v in stats.items()}, members)
        for i in indicators  # each with a column: `names` holds them all
    ]
    return _Block(rows, indicators, shared, own)


def _survey_indicator(own: dict[str, np.ndarray], members: np.ndarray) -> dict[str, np.ndarray]:
    complete = own["complete"] == members
    single = complete & (members == 1)
    several = complete & (members > 1)
    n, count = own["n"], own["count"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = round_half_up(count / n * 100, DECIMALS_BY_UNIT["procent"])
    low, high = wilson_intervals(np.where(several, count, np.nan), np.where(several, n, np.nan))
    not_published = ~complete & (own["rows"] > 0)
    return {
        "value": np.where(single, own["percentage"], np.where(several, pooled, np.nan)),
        "lower": np.where(single, own["ondergrens"], low),
        "upper": np.where(single, own["bovengrens"], high),
        "n": np.where(complete, n, np.nan),
        "reason": np.where(not_published, SOURCE_REASONS.index("source_not_published"), 0).astype(
            np.int8
        ),
    }


@dataclass(frozen=True)
class _Block:
    """Indicator values for some areas, before they become rows: `shared` holds one
    value per area (the same for every indicator), `own` one array per indicator."""

    rows: np.ndarray
    indicators: Sequence[Indicator]
    shared: dict
    own: list[dict[str, np.ndarray]]


def _rows_of(areas: pd.DataFrame, blocks: Sequence[_Block]) -> pd.DataFrame:
    """One row per block, indicator and area (`ENGINE_COLUMNS`), each column built once.

    Labels are categoricals: at country size, two million repeated strings cost more
    than all the arithmetic. Each column is written once, from one piece per block and
    indicator: a block's column built at full length and then concatenated with the
    others would be copied twice.
    """
    data: dict[str, np.ndarray | pd.Categorical] = {}
    for name in ENGINE_COLUMNS:
        parts = [_block_part(areas, block, name) for block in blocks]
        if isinstance(parts[0], Labels):
            data[name] = joined_labels(cast(list[Labels], parts))
        else:
            data[name] = np.concatenate([p for part in cast(list[list], parts) for p in part])
    return pd.DataFrame(data, copy=False)


def _block_part(areas: pd.DataFrame, block: _Block, name: str) -> list[np.ndarray] | Labels:
    """A block's rows of one column: an array per indicator (one array repeated for a
    value all indicators share), or, for text, the labels (`frames.Labels`)."""
    count = len(block.indicators)
    if name in ("area_role", "area_code", "area_name", "area_level", "year"):
        return _each_indicator(areas[name].iloc[block.rows], count)
    if name in block.shared:
        return _each_indicator(block.shared[name], count)
    if name == "suppression_reason":
        reasons = np.concatenate([own["reason"] for own in block.own])
        return Labels(reasons, pd.Index(SOURCE_REASONS))
    if name in block.own[0]:
        return [own[name] for own in block.own]
    if name == "definition_version":
        years = areas["year"].to_numpy(dtype=np.int64)[block.rows]
        return [_definition_version(i, years) for i in block.indicators]
    attribute = "id" if name == "indicator_id" else name
    labels = [getattr(indicator, attribute) or "" for indicator in block.indicators]
    per_indicator = Labels.of(pd.Series(labels, dtype="str"))
    return Labels(np.repeat(per_indicator.codes, len(block.rows)), per_indicator.labels)


def _each_indicator(
    values: pd.Series | np.ndarray | pd.Categorical, count: int
) -> list[np.ndarray] | Labels:
    """One area value for each of `count` indicators: numbers as the same array `count`
    times, text as its labels (as `frames.tiled` would build them)."""
    if isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values):
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype != object:
        return [values] * count
    return Labels.of(pd.Series(values) if isinstance(values, np.ndarray) else values, count)


def indicator_values(
    indicators: Sequence[Indicator],
    members: pd.DataFrame,
    kwb: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    *,
    survey_synthetic: bool = False,
) -> pd.DataFrame:
    """CBS and survey indicator values for every area in any membership frame.

    `members` has columns area_role, area_code, area_name, year, member_code (one row
    per CBS area that belongs to a compared area in a year); `kwb` is the long KWB
    frame of `sources.cbs.read_kwb_long`; `survey` the health-monitor export of
    `sources.local.read_survey`. Returns one row per area, year and indicator with
    value, numerator, denominator, lower, upper, n, the source's own suppression in
    `suppression_reason`, area_level, source, definition_version and
    `cbs_boundary_changed`; small-number suppression is applied later
    (`disclosure.apply_suppression`). Vectorised: the whole country in about a second.
    """
    members, areas = _areas(members)
    cbs = [i for i in indicators if i.source == "cbs_kwb"]
    own_survey = [i for i in indicators if i.source == "survey"]
    if survey is None or survey.empty:
        own_survey = []
    if areas.empty or not (cbs or own_survey):
        return pd.DataFrame(columns=[*COLUMNS, "cbs_boundary_changed"])
    keys = _Keys.of_members(members, len(areas))
    parts = []
    if cbs:
        parts.append(_cbs_values(cbs, keys, areas, kwb))
    if own_survey and survey is not None:  # own_survey is empty without a survey
        parts.append(_survey_values(own_survey, keys, areas, survey, survey_synthetic))
    return _rows_of(areas, parts)


# The `estimate` of a programme area of several buurten in the health monitor: a mean of
# the members' published estimates weighted by their inhabitants (KWB AantalInwoners) in
# the year named after the colon. Not a survey result: it has no n and no interval.
WEIGHTED = "inwoners_gewogen"
WEIGHT_COLUMN = "AantalInwoners"
HEALTH_AGES = {ADULTS: (ADULTS, "20300")}  # Title, or the key where no Title was fetched


def health_values(
    indicators: Sequence[Indicator],
    members: pd.DataFrame,
    health: pd.DataFrame,
    kwb: pd.DataFrame,
) -> pd.DataFrame:
    """RIVM/GGD small-area health estimates for every area of a membership frame.

    One member keeps CBS's published estimate. Several members (a programme area of
    buurten) get the mean of their estimates weighted by their inhabitants, from the
    KWB of the wave's year or else the nearest year in which every member's number of
    inhabitants is published; `estimate` names the method and that year. Without such
    weights, or when a member's estimate is not published, there is no value: nothing
    is imputed. Returns `ENGINE_COLUMNS` + `estimate`; empty without health rows.
    """
    columns = [*ENGINE_COLUMNS, "estimate"]
    if not indicators or members.empty or health is None or health.empty:
        return pd.DataFrame(columns=columns)
    members, areas = _areas(members)
    weights = _inhabitants(kwb)
    kept = ["year", "area_code", "value", "table_id", "table_modified", "synthetic"]
    frames = []
    for indicator in indicators:
        assert indicator.column is not None, "a cbs_health indicator names its column (config)"
        ages = HEALTH_AGES.get(indicator.population or ADULTS, (indicator.population,))
        rows = health[health["column"].eq(indicator.column) & health["population"].isin(ages)]
        rows = rows[kept].rename(columns={"area_code": "member_code"})
        rows = rows.drop_duplicates(["year", "member_code"])
        hit = members.merge(rows, on=["year", "member_code"], how="left", sort=False)
        out = areas.copy()
        out["_found"] = hit.groupby("_area")["table_id"].count().reindex(out.index, fill_value=0)
        known = hit["value"].notna()
        out["_known"] = known.groupby(hit["_area"]).sum().reindex(out.index, fill_value=0)
        known_count = out["_known"].astype(int)
        found_count = out["_found"].astype(int)
        first = hit[hit["table_id"].notna()].groupby("_area").first()
        out["source"] = ("cbs_health:" + first["table_id"].astype(str)).reindex(out.index)
        out["source"] = out["source"].fillna("cbs_health:?")
        out["source_modified"] = first["table_modified"].reindex(out.index).fillna("")
        synthetic = first["synthetic"].reindex(out.index)
        out["synthetic"] = synthetic.where(synthetic.notna(), False).astype(bool)
        value, estimate, reason = [], [], []
        decimals = unit_decimals(indicator.unit)
        for area, own in hit.groupby("_area", sort=True):
            complete = known_count[area] == len(own)
            if not complete:
                value.append(np.nan)
                estimate.append("")
                found = found_count[area] > 0
                reason.append("cbs_not_published" if found else "")
            elif len(own) == 1:
                value.append(float(own["value"].iloc[0]))
                estimate.append("")
                reason.append("")
            else:
                mean, year = _weighted(own, weights, decimals)
                value.append(mean)
                estimate.append(f"{WEIGHTED}:{year}" if year is not None else "")
                reason.append("" if year is not None else "not_aggregable")
        out["value"] = value
        out["estimate"] = estimate
        out["suppression_reason"] = reason
        for name in ("lower", "upper", "n", "numerator", "denominator"):
            out[name] = np.nan
        out["cbs_boundary_changed"] = False
        frames.append(_with_definition(out, indicator))
    return pd.concat(frames, ignore_index=True)[columns]


# The police's registered crime (`source: politie`): counts of 47018NED per wijk and
# buurt (47013NED per gemeente where fetched), over the KWB's inhabitants.
CRIME_COLUMN = "GeregistreerdeMisdrijven"


def crime_long(crime: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """`sources.cbs_crime.read_crime`'s frame as source rows of the engine's long
    format (column `GeregistreerdeMisdrijven`; no boundary flag: the police table has
    none)."""
    return pd.DataFrame(
        {
            "year": crime["year"].astype(int),
            "area_code": crime["area_code"].astype(str),
            "column": CRIME_COLUMN,
            "value": pd.to_numeric(crime["crimes"], errors="coerce"),
            "table_id": crime["table_id"].astype(str),
            "table_modified": crime["modified"].astype(str),
            "synthetic": synthetic,
            "boundary_flag": np.nan,
        }
    )


def crime_members(members: pd.DataFrame, counted: Iterable[str]) -> pd.DataFrame:
    """Members the police table counts: a wijk or gemeente it has no row for stands
    for its buurten that it has (the buurt extract of 47018NED), never the reverse."""
    present = set(counted)
    buurten = sorted(c for c in present if c.startswith("BU"))
    rows = []
    for row in members[MEMBER_COLUMNS].itertuples(index=False):
        code = str(row.member_code)
        prefix = {"WK": "BU" + code[2:8], "GM": "BU" + code[2:6]}.get(code[:2])
        parts = [b for b in buurten if b.startswith(prefix)] if prefix else []
        for member in [code] if code in present or not parts else parts:
            rows.append((*row[:4], member))
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS)


def crime_values(
    indicators: Sequence[Indicator],
    members: pd.DataFrame,
    crime: pd.DataFrame,
    kwb: pd.DataFrame,
) -> pd.DataFrame:
    """Registered crime per 1,000 inhabitants for every area of a membership frame.

    `crime` is `crime_long`'s frame. Counts and inhabitants are summed over the
    members, all-or-nothing as for the KWB (`crime_members` says which areas count);
    the source is `politie:<table id>`. The area's level stays that of its own codes.
    An area none of whose members the police table has (Nederland: 47018NED has no
    country row) gets no row. Small-number rules come later, as for every indicator."""
    if not indicators or members.empty or crime.empty:
        return pd.DataFrame(columns=ENGINE_COLUMNS)
    _, own_areas = _areas(members)
    counted, areas = _areas(crime_members(members, crime["area_code"]))
    keys = _Keys.of_members(counted, len(areas))
    people = kwb[kwb["column"].eq(WEIGHT_COLUMN)]
    rows = pd.concat([crime, people[crime.columns]], ignore_index=True)
    block = _cbs_values(indicators, keys, areas, rows, label="politie")
    out = _rows_of(areas, [block])
    levels = own_areas.set_index(AREA_KEYS)["area_level"]
    out["area_level"] = levels.reindex(pd.MultiIndex.from_frame(out[AREA_KEYS])).to_numpy()
    policed = pd.MultiIndex.from_frame(crime[["year", "area_code"]])
    member = pd.MultiIndex.from_arrays([counted["year"], counted["member_code"]])
    covered = np.zeros(len(areas), dtype=bool)
    covered[counted["_area"].to_numpy()[member.isin(policed)]] = True
    return out[np.tile(covered, len(indicators))].reset_index(drop=True)


def _inhabitants(kwb: pd.DataFrame) -> pd.Series:
    """Published inhabitants per (year, area code), for weighting health estimates."""
    rows = kwb[kwb["column"].eq(WEIGHT_COLUMN) & kwb["value"].notna()]
    return rows.drop_duplicates(["year", "area_code"]).set_index(["year", "area_code"])["value"]


def _weighted(own: pd.DataFrame, weights: pd.Series, decimals: int) -> tuple[float, int | None]:
    """The inhabitants-weighted mean of the members' estimates and the weights' year.

    The wave's own year first, then the nearest year (the later one on a tie) in
    which every member's inhabitants are published; (nan, None) when there is none.
    """
    wave = int(own["year"].iloc[0])
    codes = own["member_code"].tolist()
    years = sorted({int(y) for y in weights.index.get_level_values(0)})
    for year in sorted(years, key=lambda y: (abs(y - wave), -y)):
        found = [weights.get((year, code)) for code in codes]
        if any(w is None or np.isnan(w) for w in found):
            continue
        w = np.asarray(found, dtype=float)
        if w.sum() <= 0:
            continue
        mean = float(np.dot(w, own["value"].to_numpy(dtype=float)) / w.sum())
        return float(round_half_up(mean, decimals)), year
    return np.nan, None


def _registration_rows(
    project: Project,
    key: str,
    indicators: Sequence[Indicator],
    registrations: pd.DataFrame,
    synthetic: bool,
) -> pd.DataFrame:
    """Input/activity/output from the programme's own registrations, summed over projects."""
    programme = project.programmes[key]
    years = project.cycle.cycle.years
    frames = []
    for indicator in indicators:
        column = indicator.column or ""
        if column in registrations.columns:
            per_year = registrations.groupby("jaar")[column].sum(min_count=1)
        else:
            per_year = pd.Series(dtype=float)
        out = pd.DataFrame(
            {
                "area_role": "programma",
                "area_code": key,
                "area_name": programme.name,
                "area_level": "programma",
                "year": years,
                "value": per_year.reindex(years).to_numpy(dtype=float),
            }
        )
        for name in ("numerator", "denominator", "lower", "upper", "n"):
            out[name] = np.nan
        out["suppression_reason"] = ""
        out["source"] = "registration"
        out["source_modified"] = ""
        out["synthetic"] = synthetic
        out["cbs_boundary_changed"] = False
        frames.append(_with_definition(out, indicator))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _with_definition(out: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    out["indicator_id"] = indicator.id
    out["level"] = indicator.level
    out["group"] = indicator.group or ""
    out["unit"] = indicator.unit
    out["definition_version"] = _definition_version(indicator, out["year"].to_numpy(dtype=int))
    return out


def _definition_version(indicator: Indicator, years: np.ndarray) -> np.ndarray:
    """1 before the first recorded definition change, then one more per change."""
    changes = np.sort([change.from_year for change in indicator.changes])
    return 1 + np.searchsorted(changes, years, side="right")


def effective_indicators(project: Project, key: str) -> list[Indicator]:
    """The programme's indicators with the logbook's redefinitions added to their changes."""
    result = []
    for indicator in project.indicators_for(key):
        extra = project.logbook.redefinitions(key, indicator.id)
        if extra:
            indicator = indicator.model_copy(update={"changes": [*indicator.changes, *extra]})
        result.append(indicator)
    return result


def _series_breaks(
    table: pd.DataFrame, project: Project, key: str, moved: Sequence[GeometryChange] = ()
) -> pd.Series:
    """True where a series must not be joined to the year before it.

    A break comes from the logbook (entries with `breaks_series`), from a change of
    definition (catalogue or logbook), from CBS flagging a boundary change of a
    member area (flag 3), or from a change of the programme area's codes in its
    params (`areas.code_change_breaks`), with or without a logbook entry, or from its
    boundary moving between two years' boundary files (`moved`).
    """
    breaks = table["cbs_boundary_changed"].astype(bool) & table["area_role"].eq("programma")
    breaks = breaks | code_change_breaks(table, project.programmes[key])
    breaks = breaks | geometry_breaks(table, moved)
    ordered = table.sort_values(["indicator_id", "area_role", "year"])
    version_jump = ordered.groupby(["indicator_id", "area_role"])["definition_version"].diff().gt(0)
    breaks = breaks | version_jump.reindex(table.index, fill_value=False)
    for entry in project.logbook.for_programme(key):
        if not entry.breaks_series:
            continue
        hit = table["year"].eq(entry.from_year)
        if entry.indicator:
            hit &= table["indicator_id"].eq(entry.indicator)
        if entry.change == "area_changed":
            hit &= table["area_role"].eq("programma")
        breaks = breaks | hit
    return breaks


def group_partitions(table: pd.DataFrame) -> pd.Series:
    """Label the cells of one area, year and population group: they add up to a total.

    Used for secondary suppression (the total minus the other groups would reveal a
    withheld group). NaN for cells outside any group. Labels are integers: at
    country size, joining strings per row costs more than the suppression itself.
    """
    grouped = table["group"].fillna("").ne("").to_numpy()
    label = np.full(len(table), np.nan)
    keys = ["area_role", "area_code", "year", "group"]
    label[grouped] = group_numbers(table.loc[grouped, keys], keys)
    return pd.Series(label, index=table.index, copy=False)


def survey_waves(survey: pd.DataFrame | None, cycle: CycleYears) -> list[int]:
    """The survey waves a cycle reports: the cycle's years, and the latest wave up to the
    cycle's year with its own year when it falls before them (a survey every two or four
    years must not vanish from a cycle that starts after its last wave)."""
    if survey is None or survey.empty:
        return list(cycle.years)
    return sorted(set(cycle.years) | set(used_waves(survey["jaar"].astype(int), cycle)))


def programme_table(
    project: Project,
    key: str,
    kwb: pd.DataFrame,
    survey: pd.DataFrame,
    registrations: pd.DataFrame,
    *,
    local_synthetic: bool,
    health: pd.DataFrame | None = None,
    moved: Sequence[GeometryChange] = (),
    crime: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tidy indicator table of one programme, suppressed and sorted.

    `crime` holds the police's counts as source rows (`crime_long`), if fetched.

    `moved` are the programme's areas whose boundary moved by the boundary files
    (`areas.programme_geometry_changes`): each breaks the series in its year.

    `health` holds the harmonised health-monitor rows (`harmonise.read_harmonised_health`);
    its waves, like the survey's (`survey_waves`), come with their own years.
    """
    indicators = effective_indicators(project, key)
    members = membership(project, key, project.cycle.cycle.years)
    values = indicator_values([i for i in indicators if i.source != "survey"], members, kwb)
    asked = [i for i in indicators if i.source == "survey"]
    asked_in = membership(project, key, survey_waves(survey, project.cycle.cycle))
    answers = indicator_values(asked, asked_in, kwb, survey, survey_synthetic=local_synthetic)
    registered = [i for i in indicators if i.source == "registration"]
    parts = [
        values,
        answers,
        _registration_rows(project, key, registered, registrations, local_synthetic),
    ]
    if health is not None and not health.empty:
        waves = used_waves(health["year"], project.cycle.cycle)
        in_health = [i for i in indicators if i.source == "cbs_health"]
        parts.append(health_values(in_health, membership(project, key, waves), health, kwb))
    policed = [i for i in indicators if i.source == "politie"]
    if policed and crime is not None and not crime.empty:
        parts.append(crime_values(policed, members, crime, kwb))
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    table["estimate"] = table["estimate"].fillna("") if "estimate" in table else ""
    table["programme"] = key
    table["series_break"] = _series_breaks(table, project, key, moved)
    table = apply_suppression(table, project.cycle.suppression, group_partitions(table))
    order = {ind.id: i for i, ind in enumerate(indicators)}
    table = table.assign(
        _ind=table["indicator_id"].map(order), _role=table["area_role"].map(ROLE_ORDER)
    ).sort_values(["_ind", "_role", "year"], kind="stable")
    table["year"] = table["year"].astype(int)
    table["definition_version"] = table["definition_version"].astype(int)
    table["synthetic"] = table["synthetic"].astype(bool)
    table["series_break"] = table["series_break"].astype(bool)
    table = stored_indicator_table(table[COLUMNS].reset_index(drop=True))
    text = table.select_dtypes(include=["category", "object"]).columns
    return table.astype(dict.fromkeys(text, "str"))


def programme_summary(project: Project, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """The statistics per indicator and area role of one programme (`stats.SUMMARY_COLUMNS`)."""
    return indicator_summary(
        table,
        effective_indicators(project, key),
        project.programmes[key].targets,
        project.cycle.cycle.base_year,
    )


def table_to_csv(table: pd.DataFrame) -> str:
    """Deterministic CSV text: same table, same bytes."""
    # pandas calls float_format with floats only; pandas-stubs type it Callable[[object], str]
    return table.to_csv(index=False, float_format=plain_number, lineterminator="\n")  # type: ignore[arg-type]


def read_indicator_table(path: Path) -> pd.DataFrame:
    """Read a processed indicator table back with its types."""
    text_columns = ["suppression_reason", "source_modified", "group", "area_level", "estimate"]
    table = pd.read_csv(path, keep_default_na=True, dtype={c: str for c in text_columns})
    for column in text_columns:
        if column in table.columns:
            table[column] = table[column].fillna("")
    return table


def read_summary(path: Path) -> pd.DataFrame:
    """Read a processed summary back with its types (empty text stays '')."""
    text_columns = [
        "group",
        "test_name",
        "target_status",
        "target_movement",
        "target_reason",
        "target_rule",
        "target_note",
        "did_note",
        "note",
    ]
    summary = pd.read_csv(path, dtype={c: str for c in text_columns})
    for column in text_columns:
        summary[column] = summary[column].fillna("")
    return summary


METRIC_FIELDS = ("year", "value", "base_year", "change_since_base", "target_status")
PLOT_ROLES = ("programma", "gemeente", "nederland")


def programme_metrics(summary: pd.DataFrame) -> dict[str, dict]:
    """The programme area's figures per indicator, for `dvc metrics show/diff`.

    Every indicator but the context ones (those are many, and not what a programme is
    judged on), each with the year its value belongs to; a missing value stays
    `null`, so that a figure that disappears shows in `dvc metrics diff`.
    """
    own = summary[summary["area_role"].eq("programma") & summary["level"].ne("context")]
    metrics: dict[str, dict] = {}
    columns = ["latest_year", "latest_value", "base_year", "change_since_base", "target_status"]
    for indicator_id, year, value, base_year, change, status in zip(
        own["indicator_id"], *(own[c] for c in columns), strict=True
    ):
        metrics[indicator_id] = {
            "year": _metric(year),
            "value": _metric(value),
            "base_year": _metric(base_year),
            "change_since_base": _metric(change),
            "target_status": status or None,
        }
    return metrics


def _metric(value: float) -> float | int | None:
    """A summary value (already at its stored precision) as JSON; missing is null."""
    if pd.isna(value):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def plot_series(table: pd.DataFrame) -> dict[str, str]:
    """Per indicator, a CSV of its published values by year and area role, for `dvc plots`.

    Wide (`year, programma, gemeente, nederland`), since DVC's plot templates draw one
    line per column; withheld values are empty.
    """
    shown = table.assign(value=table["value"].where(~table["suppressed"].astype(bool)))
    series = {}
    for indicator_id, rows in shown.groupby("indicator_id", sort=False):
        wide = rows.pivot_table(
            index="year", columns="area_role", values="value", aggfunc="first", dropna=False
        ).reindex(columns=list(PLOT_ROLES))
        wide = wide.reindex(sorted(rows["year"].unique())).rename_axis("year").reset_index()
        series[str(indicator_id)] = wide.to_csv(
            index=False,
            float_format=plain_number,  # type: ignore[arg-type]  # called with floats only (see table_to_csv)
            lineterminator="\n",
        )
    return series


def write_tables(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    summary_dir: Path,
    paths: Paths,
    project: Project,
    metrics_dir: Path | None = None,
    plots_root: Path | None = None,
) -> list[Path]:
    """Write every programme's table, summary, metrics and plot series, each atomically.

    Summaries go to their own folder: they carry the programme's targets, and a changed
    target must not look like changed indicator tables to the stages that read only those.
    The stage passes temporary folders for all four (`io.atomic_dirs`), so an interrupted
    run leaves the previous ones whole.
    """
    metrics_dir = metrics_dir or paths.metrics_dir
    plots_root = plots_root or paths.plots_root
    out_dir.mkdir(parents=True, exist_ok=True)
    summary_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, table in tables.items():
        path = out_dir / f"{key}.csv"
        write_text_atomic(path, table_to_csv(table))
        summary = programme_summary(project, key, table)
        summary_path = summary_dir / f"{key}_summary.csv"
        write_text_atomic(summary_path, table_to_csv(summary))
        metrics_path = metrics_dir / paths.metrics_file(key).name
        metrics = programme_metrics(summary)
        write_text_atomic(metrics_path, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
        written += [path, summary_path, metrics_path]
        for indicator_id, text in plot_series(table).items():
            series_path = plots_root / key / f"{indicator_id}.csv"
            write_text_atomic(series_path, text)
            written.append(series_path)
    return written


def wijk_values(
    project: Project, kwb: pd.DataFrame, indicator_ids: Sequence[str], gemeente: str
) -> pd.DataFrame:
    """Every wijk of `gemeente` on its own, for each indicator and cycle year, with the
    same small-number suppression as the reports (for the indicator maps).

    The wijken are those of each year's CBS region list (`kwb`), so a map follows
    CBS's classification of its year. Columns: area_code, area_name, year,
    indicator_id, value, suppressed, suppression_reason, unit, source_modified.
    """
    known = {i.id: i for i in project.catalogue.indicators}
    unknown = [i for i in indicator_ids if i not in known]
    if unknown:
        raise KeyError(f"indicator(s) not in the catalogue: {', '.join(unknown)}")
    indicators = [known[i] for i in indicator_ids if known[i].source == "cbs_kwb"]
    years = list(project.cycle.cycle.years)
    rows = kwb[kwb["area_level"].eq("wijk") & kwb["gemeente"].eq(gemeente)]
    rows = rows[rows["year"].isin(years)].drop_duplicates(["year", "area_code"])
    columns = ["area_code", "area_name", "year", "indicator_id", "value", "suppressed"]
    columns += ["suppression_reason", "unit", "source_modified"]
    if rows.empty or not indicators:
        return pd.DataFrame(columns=columns)
    members = pd.DataFrame(
        {
            "area_role": "programma",
            "area_code": rows["area_code"].astype(str),
            "area_name": rows["area_name"].astype(str),
            "year": rows["year"].astype(int),
            "member_code": rows["area_code"].astype(str),
        }
    )[MEMBER_COLUMNS]
    table = indicator_values(indicators, members, kwb)
    table["estimate"] = ""
    table = apply_suppression(table, project.cycle.suppression, group_partitions(table))
    table["year"] = table["year"].astype(int)
    return table[columns].sort_values(["indicator_id", "year", "area_code"]).reset_index(drop=True)
