"""Area check across years: every programme area code must exist in each year's region list.

CBS redraws wijken and buurten every year. A programme area is a list of CBS codes per
period (`areas:` in params/programmes/<key>.yaml); when a code is missing from a year's
region list the run stops, and the message says what changed — renumbered, split,
merged, boundary moved (the KWB flag `Indelingswijziging…`: 1 unchanged, 2 new code
with the same boundary, 3 boundary moved) — by comparing the region lists of the
years at hand, and what the researcher can do about it. A code that exists but whose
boundary moved (flag 3) is not an error: it is reported as a warning, and the indicator
engine marks the series break.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

import pandas as pd

from helpers.config import Concept, LogEntry, Programme, Project

FLAG_TEXT = {
    1: "unchanged",
    2: "new code, same boundary",
    3: "boundary moved (not comparable with the year before)",
}


class AreaCheckError(ValueError):
    """A programme area code is missing from a year's CBS region list."""


@dataclass(frozen=True)
class RegionList:
    """The areas of one year (one table's region dimension), with their boundary flags."""

    year: int
    source: str
    names: dict[str, str]
    flags: dict[str, int] = field(default_factory=dict)
    land: dict[str, float] = field(default_factory=dict)
    """Land area per code in the table's unit (hectares or km²), where the table has it."""

    def __contains__(self, code: object) -> bool:
        return code in self.names


def region_list(
    year: int, source: str, records: Iterable[dict], flags: dict[str, int] | None = None
) -> RegionList:
    """A RegionList from OData region records (`Key`, `Title`), keys padded as CBS pads them."""
    names = {str(r["Key"]).strip(): str(r.get("Title") or "").strip() for r in records}
    return RegionList(year, source, names, dict(flags or {}))


def parent(code: str) -> str:
    """The prefix shared with the areas a code may have been split into or merged with.

    A buurt belongs to a wijk (`BU03560401` -> `035604`), a wijk to a gemeente
    (`WK034403` -> `0344`).
    """
    return code[2:8] if code.startswith("BU") else code[2:6]


def _level(code: str) -> str:
    return code[:2]


def _siblings(regions: RegionList, code: str) -> set[str]:
    return {c for c in regions.names if _level(c) == _level(code) and parent(c) == parent(code)}


def _described(regions: RegionList, codes: Iterable[str]) -> str:
    parts = []
    for code in sorted(codes):
        name = regions.names.get(code, "")
        flag = regions.flags.get(code)
        text = f"{code}" + (f" '{name}'" if name and name != code else "")
        if flag in FLAG_TEXT and flag != 1:
            text += f" (flag {flag}: {FLAG_TEXT[flag]})"
        parts.append(text)
    return ", ".join(parts)


def diagnose(code: str, year: int, lists: dict[int, RegionList]) -> tuple[str, str, list[str]]:
    """What became of `code`, missing in `year`: (kind, explanation, codes to use in `year`).

    kind is renumbered, boundary moved, split, merged, new, reclassified, removed or
    unknown; the
    comparison is with the nearest year in `lists` whose region list holds `code`.
    """
    here = lists[year]
    others = sorted((y for y in lists if code in lists[y]), key=lambda y: (abs(y - year), y))
    if not others:
        return (
            "unknown",
            f"{code} is in none of the region lists checked "
            f"({', '.join(str(y) for y in sorted(lists))}): a typo, or a code of another year",
            sorted(_siblings(here, code)),
        )
    ref_year = others[0]
    ref = lists[ref_year]
    name = ref.names.get(code, "")
    same_name = [
        c for c, n in here.names.items() if name and n == name and _level(c) == _level(code)
    ]
    early, late = (here, ref) if year < ref_year else (ref, here)
    gone = _siblings(early, code) - set(late.names)
    new = _siblings(late, code) - set(early.names)
    candidates = sorted(_siblings(here, code) - set(ref.names))
    span = f"{early.year} -> {late.year}"
    if len(same_name) == 1:
        kind, use = "renumbered", same_name
        flag = here.flags.get(same_name[0])
        what = f"the same name '{name}' has code {_described(here, same_name)} in {year}"
        if flag == 3:
            kind = "boundary moved"
            what += "; CBS flags its boundary as moved, so the years are not comparable"
    elif len(gone) == 1 and len(new) > 1:
        kind, use = "split", candidates
        what = f"{_described(early, gone)} was split into {_described(late, new)} ({span})"
    elif len(gone) > 1 and len(new) == 1:
        kind, use = "merged", candidates
        what = f"{_described(early, gone)} were merged into {_described(late, new)} ({span})"
    elif not gone:
        kind, use = "new", candidates
        what = (
            f"{code} was created after {year} ({_described(late, new)} in {late.year}); "
            f"no {year} code of {parent(code)} disappeared"
        )
    elif gone and new:
        kind, use = "reclassified", candidates
        what = (
            f"in {early.year} the area had {_described(early, gone) or 'no other code'}, "
            f"in {late.year} {_described(late, new) or 'none of them'} ({span})"
        )
    else:
        kind, use = "removed", []
        what = f"no code replaces it in {year} within {parent(code)}"
    if any(here.flags.get(c) == 3 for c in use) and kind != "boundary moved":
        what += "; CBS flags a moved boundary (3): the years are not comparable"
    return kind, what, use


@dataclass(frozen=True)
class AreaProblem:
    programme: str
    code: str
    year: int
    source: str
    kind: str
    explanation: str
    use: list[str]

    def message(self, params_file: str) -> str:
        advice = (
            f"give the programme's CBS codes for {self.year} in {params_file} under `areas:` "
            f"(a period `- from_year: …` whose codes are that year's buurten/wijken"
            + (f", e.g. [{', '.join(self.use)}]" if self.use else "")
            + "), and record the change in params/logbook.yaml (area_changed)"
        )
        return (
            f"area {self.code} of programme {self.programme} is not in the {self.year} region "
            f"list ({self.source}): {self.kind}: {self.explanation}.\n    What you can do: "
            f"{advice}."
        )


def check_areas(
    project: Project, lists: dict[int, RegionList], years: Iterable[int] | None = None
) -> tuple[list[AreaProblem], list[str]]:
    """Problems (missing codes) and warnings (flag 3) for every programme and year checked."""
    problems: list[AreaProblem] = []
    warnings: list[str] = []
    chosen = sorted(years if years is not None else lists)
    for year in chosen:
        regions = lists[year]
        for key in project.cycle.programmes:
            for code in project.programmes[key].area_codes(year):
                if code not in regions:
                    kind, what, use = diagnose(code, year, lists)
                    problems.append(AreaProblem(key, code, year, regions.source, kind, what, use))
                elif regions.flags.get(code) == 3:
                    warnings.append(
                        f"area {code} of programme {key}: CBS flags its boundary as moved in "
                        f"{year} ({regions.source}); the series breaks there"
                    )
    checked = {y: lists[y] for y in chosen if y in lists}
    for key in project.cycle.programmes:
        programme = project.programmes[key]
        codes = [c for y in checked for c in programme.area_codes(y)]
        warnings += [kept.warning(key) for kept in kept_codes(checked, codes)]
    return problems, warnings


def require_areas(
    project: Project,
    lists: dict[int, RegionList],
    params_dir: Path,
    years: Iterable[int] | None = None,
) -> list[str]:
    """Stop with every missing area explained (AreaCheckError); return the warnings."""
    problems, warnings = check_areas(project, lists, years)
    if problems:
        lines = [
            p.message(str(params_dir / "programmes" / f"{p.programme}.yaml")) for p in problems
        ]
        raise AreaCheckError(
            f"area check: {len(problems)} programme area code(s) missing from CBS region "
            "lists\n  " + "\n  ".join(lines)
        )
    return warnings


def kwb_region_list(folder: Path, year: int) -> RegionList:
    """The region list of one KWB snapshot, with each area's boundary flag."""
    from helpers.sources.cbs import boundary_flags

    records = json.loads((folder / "WijkenEnBuurten.json").read_text(encoding="utf-8"))
    rows = pd.DataFrame(json.loads((folder / "TypedDataSet.json").read_text(encoding="utf-8")))
    flags = (
        {str(code): int(flag) for code, flag in boundary_flags(rows).dropna().items()}
        if not rows.empty
        else {}
    )
    regions = region_list(year, f"{folder.name} WijkenEnBuurten", records, flags)
    return replace(regions, land=land_areas(rows))


def land_areas(rows: pd.DataFrame) -> dict[str, float]:
    """Code -> land area from a KWB TypedDataSet (`OppervlakteLand…`, else
    `OppervlakteTotaal…`); empty where the table has neither."""
    if rows.empty:
        return {}
    column = next((k for k in rows.columns if str(k).startswith("OppervlakteLand")), None)
    column = column or next(
        (k for k in rows.columns if str(k).startswith("OppervlakteTotaal")), None
    )
    if column is None:
        return {}
    values = pd.to_numeric(rows[column], errors="coerce")
    codes = rows["WijkenEnBuurten"].astype(str).str.strip()
    return {c: float(v) for c, v in zip(codes, values, strict=True) if pd.notna(v)}


# ------------------------------------------- a code kept for a different area

NAME_SIMILARITY = 0.6
"""Below this similarity (difflib ratio of the lower-cased names) a code's new name is
another area's name: 'Wijk 03 Overvecht' -> 'Overvecht-Noord' is, a renumbering
'Wijk 03 Overvecht' -> 'Wijk 04 Overvecht' is not."""
LAND_AREA_TOLERANCE = 0.10
"""A change of land area beyond 10% between two years: a different area under the same
code (CBS's own boundary flag catches moved boundaries only where it is set)."""
KEPT_CODE_FLAG = 4
"""The boundary flag harmonise gives a (code, year) found here, beside CBS's 1-3: the
engine breaks every series at a flag of 3 or more."""


@dataclass(frozen=True)
class KeptCode:
    """A code CBS (or a municipality's re-division) kept for a different area."""

    code: str
    previous_year: int
    year: int
    before: str
    after: str
    why: str

    def warning(self, programme: str) -> str:
        return (
            f"area {self.code} of programme {programme}: the code stands for a different area "
            f"in {self.year} than in {self.previous_year} ({self.why}); the series breaks there"
        )


def kept_codes(lists: Mapping[int, RegionList], codes: Iterable[str]) -> list[KeptCode]:
    """Codes whose name or land area changes beyond the tolerances between consecutive
    years of `lists` in which they exist: a code kept for a different area."""
    found = []
    years = sorted(lists)
    for code in dict.fromkeys(codes):
        present = [y for y in years if code in lists[y]]
        for before, after in pairwise(present):
            old, new = lists[before], lists[after]
            reasons = []
            a, b = old.names.get(code, ""), new.names.get(code, "")
            similarity = difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()
            if a and b and similarity < NAME_SIMILARITY:
                reasons.append(f"name {a!r} -> {b!r}")
            land_a, land_b = old.land.get(code), new.land.get(code)
            if land_a and land_b and abs(land_b - land_a) / land_a > LAND_AREA_TOLERANCE:
                reasons.append(
                    f"land area {land_a:g} -> {land_b:g} "
                    f"({(land_b - land_a) / land_a:+.0%}, tolerance {LAND_AREA_TOLERANCE:.0%})"
                )
            if reasons:
                found.append(KeptCode(code, before, after, a, b, "; ".join(reasons)))
    return found


# ---------------------------------------------------------- area changes as breaks


@dataclass(frozen=True)
class AreaChange:
    """The programme area's CBS codes differ between two years it is measured in.

    A figure of other buurten is not the same series, whatever the reason (a buurt
    added, the area redrawn, a buurt replaced by its wijk): the series breaks at `year`.
    `entry` is the logbook's area_changed entry that gives the reason, if there is one.
    """

    programme: str
    previous_year: int
    year: int
    before: tuple[str, ...]
    after: tuple[str, ...]
    entry: LogEntry | None = None

    def codes(self) -> str:
        """'2021: BU1, BU2 -> 2022: WK1 (added WK1; left BU1, BU2)': what a reader checks."""
        added = [c for c in self.after if c not in self.before]
        left = [c for c in self.before if c not in self.after]
        parts = ([f"added {', '.join(added)}"] if added else []) + (
            [f"left {', '.join(left)}"] if left else []
        )
        return (
            f"{self.previous_year}: {', '.join(self.before)} -> {self.year}: "
            f"{', '.join(self.after)} ({'; '.join(parts)})"
        )

    def warning(self, logbook_file: str) -> str:
        """The stage's warning: years and codes, and the logbook's reason or where to add it."""
        text = (
            f"area of programme {self.programme} changes between {self.previous_year} and "
            f"{self.year}: {self.codes()}; its CBS and survey series break in {self.year}"
        )
        if self.entry is not None:
            return f"{text}. Logbook ({self.entry.date}): {' '.join(self.entry.reason.split())}"
        return (
            f"{text}. No logbook entry gives the reason: add one to {logbook_file} "
            f"(change: area_changed, programme: {self.programme}, from_year: {self.year}, "
            "reason: ...)"
        )


def area_changes(project: Project, key: str, years: Iterable[int]) -> list[AreaChange]:
    """Every change of the programme's area codes between consecutive `years` (sorted),
    each with its logbook entry (area_changed, from_year in the years it spans)."""
    programme = project.programmes[key]
    entries = [e for e in project.logbook.for_programme(key) if e.change == "area_changed"]
    changes = []
    measured = [y for y in sorted(set(years)) if programme.area_codes(y)]
    for previous, year in pairwise(measured):
        before, after = programme.area_codes(previous), programme.area_codes(year)
        if before == after:
            continue
        entry = next((e for e in entries if previous < e.from_year <= year), None)
        changes.append(AreaChange(key, previous, year, tuple(before), tuple(after), entry))
    return changes


def measured_years(table: pd.DataFrame) -> list[int]:
    """The years of an indicator table's programme-area figures of CBS areas (every
    source but registrations): the years between which an area change can break."""
    return sorted({int(y) for y in table.loc[_area_rows(table), "year"]})


def _area_rows(table: pd.DataFrame) -> pd.Series:
    return table["area_role"].eq("programma") & table["source"].astype(str).ne("registration")


def code_change_breaks(table: pd.DataFrame, programme: Programme) -> pd.Series:
    """True on a programme-area row whose CBS codes differ from those of the series'
    previous row (same indicator, earlier year): the first measurement on the new area.

    Comparing each row with the previous one of its own series puts the break on the
    first wave after the change for sources measured every few years (health, survey).
    Registrations are the programme's own counts, not figures of CBS areas: they break
    only where a logbook entry says so (`breaks_series`).
    """
    rows = table.loc[_area_rows(table), ["indicator_id", "year"]].copy()
    codes = {int(y): " ".join(programme.area_codes(int(y))) for y in rows["year"].unique()}
    rows["_codes"] = rows["year"].astype(int).map(codes)
    rows = rows.sort_values(["indicator_id", "year"], kind="stable")
    previous = rows.groupby("indicator_id", sort=False, observed=True)["_codes"].shift()
    changed = previous.notna() & previous.ne(rows["_codes"])
    return changed.reindex(table.index, fill_value=False).astype(bool)


# ------------------------------------------------------------------ aggregation

AGGREGATE_COLUMNS = ["year", "column", "value", "numerator", "denominator", "members", "reason"]


def aggregate(values: pd.DataFrame, concepts: Iterable[Concept]) -> pd.DataFrame:
    """One compound area (several CBS areas) per year and concept, by the concept's `kind`.

    `values` holds the members' rows of the long CBS table (`year`, `area_code`,
    `column`, `value`). A count is summed; a percentage or rate with `numerator` and
    `denominator` concepts is recomputed from their sums; anything else (averages,
    percentages without their parts) is not aggregable over several areas. A member
    (any area with a row that year) without a published value leaves the aggregate
    unpublished (`member_missing`): nothing is imputed. A single member keeps its own
    value.
    """
    by_id = {c.id: c for c in concepts}
    rows = []
    pairs = values[["year", "column"]].drop_duplicates().sort_values(["year", "column"])
    for year, column in pairs.itertuples(index=False):
        concept = by_id.get(str(column))
        in_year = values[values["year"].eq(year)]
        codes = sorted(in_year["area_code"].unique())
        parts = in_year.set_index(["column", "area_code"])["value"]
        own = _part(parts, str(column), codes)
        row = {"year": year, "column": column, "numerator": math.nan, "denominator": math.nan}
        row.update(members=len(codes), value=math.nan, reason="")
        if len(codes) == 1:
            row["value"] = float(own.iloc[0])
        elif concept is not None and concept.kind == "count":
            row["value"], row["reason"] = _sum_or_missing(own)
        elif concept is not None and concept.numerator and concept.denominator:
            numerator, reason_n = _sum_or_missing(_part(parts, concept.numerator, codes))
            denominator, reason_d = _sum_or_missing(_part(parts, concept.denominator, codes))
            row.update(numerator=numerator, denominator=denominator)
            row["reason"] = reason_n or reason_d
            if not row["reason"] and denominator > 0:
                row["value"] = numerator / denominator * concept.scale
        else:
            row["reason"] = "not_aggregable"
        rows.append(row)
    return pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)


def _part(parts: pd.Series, column: str, codes: list[str]) -> pd.Series:
    """The values of `column` for every member; nan where a member has none."""
    return parts.reindex([(column, code) for code in codes])


def _sum_or_missing(values: pd.Series) -> tuple[float, str]:
    if values.isna().any():
        return math.nan, "member_missing"
    return float(values.sum()), ""
