"""The audit's own recomputation of every figure from the raw inputs.

Written for the statement audit, apart from the pipeline: plain pandas and scipy over
the raw CBS snapshots (`data/raw/cbs/<table>/*.json`), the survey export and the
registrations of the cycle's local data, with the params read through the config
models. It imports nothing of `helpers.indicators`, `helpers.report` or
`helpers.sources` (a unit test checks that), so a wrong rule there cannot be copied
here: the rules below are written from the catalogue's definitions, the suppression
thresholds in params/cycle.yaml and the decision table in docs/status.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd
import yaml
from scipy.stats import linregress, norm

from helpers.config import Indicator, Paths, Project

ROLES = ("programma", "gemeente", "nederland")
PUBLISHED_DECIMALS = {
    "procent": 1,
    "aantal": 0,
    "euro": 0,
    "duizend_euro": 1,
    "per_km2": 0,
    "per_1000": 1,
}
"""The decimals the sources publish in: the precision a status compares at."""

STATUS_ORDER = ("not_met", "not_on_track", "uncertain", "undecided", "unknown", "on_track", "met")


def half_up(value: float, decimals: int) -> float:
    """Round halves away from zero, as CBS and the GGD publish (decimal arithmetic)."""
    if not math.isfinite(value):
        return value
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Figure:
    """One recomputed figure: NaN value with a reason where it may not be published."""

    value: float
    lower: float = math.nan
    upper: float = math.nan
    n: float = math.nan
    withheld: str = ""


@dataclass(frozen=True)
class Status:
    key: str
    movement: str
    reason: str


class Reference:
    """Every indicator of every programme, for its area, gemeente and Nederland."""

    def __init__(self, project: Project, paths: Paths) -> None:
        self.project = project
        self.paths = paths
        self.years = list(project.cycle.cycle.years)
        self.base_year = project.cycle.cycle.base_year
        self.suppression = project.cycle.suppression
        self._kwb = {year: self._kwb_year(year) for year in self.years}
        local = paths.root / project.cycle.local_data
        survey_file = local / "survey" / "gezondheidsmonitor.csv"
        self._survey = pd.read_csv(survey_file) if survey_file.is_file() else None
        self._local = local
        self._cache: dict[tuple[str, str, str, int], Figure] = {}
        self._moved: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ raw sources
    def _kwb_year(self, year: int) -> dict[str, dict[str, float | None]] | None:
        """area code -> concept -> value, the concepts matched by name, Title and group
        as params/cbs_columns.yaml lists them (never by column position)."""
        table = self.paths.raw_cbs / self.project.cycle.kwb_table(year)
        if not (table / "TypedDataSet.json").is_file():
            return None
        properties = json.loads((table / "DataProperties.json").read_text(encoding="utf-8"))
        titles = {p.get("ID"): str(p.get("Title", "")).strip() for p in properties}
        columns_file = self.paths.cbs_columns_file
        concepts = yaml.safe_load(columns_file.read_text(encoding="utf-8"))["kwb"]
        keys: dict[str, str] = {}
        for concept in concepts:
            found = []
            for name in concept.get("names", []):
                for p in properties:
                    if p.get("Type") != "Topic" or p["Key"].rsplit("_", 1)[0] != name["name"]:
                        continue
                    if str(p.get("Title", "")).strip() != str(name.get("title", "")).strip():
                        continue
                    if "group" in name and titles.get(p.get("ParentID")) != name["group"]:
                        continue
                    found.append(p["Key"])
            if len(found) == 1:
                keys[concept["id"]] = found[0]
        rows = json.loads((table / "TypedDataSet.json").read_text(encoding="utf-8"))
        return {
            str(row["WijkenEnBuurten"]).strip(): {c: row.get(k) for c, k in keys.items()}
            for row in rows
        }

    def members(self, key: str, role: str, year: int) -> list[str]:
        programme = self.project.programmes[key]
        if role == "programma":
            return programme.area_codes(year)
        if role == "gemeente":
            return [programme.gemeente]
        return [self.project.cycle.comparison.nederland]

    def area_name(self, key: str, role: str) -> str:
        programme = self.project.programmes[key]
        if role == "programma":
            return programme.name
        if role == "gemeente":
            return self.project.cycle.comparison.gemeenten[programme.gemeente]
        return "Nederland"

    # ------------------------------------------------------------------ figures
    def figure(self, key: str, role: str, indicator: Indicator, year: int) -> Figure:
        """The published figure, or NaN with the reason it is not published."""
        cache = (key, role, indicator.id, year)
        if cache not in self._cache:
            if indicator.source == "cbs_kwb":
                found = self._cbs(key, role, indicator, year)
            elif indicator.source == "survey":
                found = self._survey_figure(key, role, indicator, year)
            elif indicator.source == "registration":
                found = self._registration(key, role, indicator, year)
            elif indicator.source == "cbs_health":
                found = self._health(key, role, indicator, year)
            elif indicator.source == "politie":
                found = self._crime(key, role, indicator, year)
            else:
                found = Figure(math.nan, withheld="not_in_reference")
            self._cache[cache] = found
        return self._cache[cache]

    def _cbs(self, key: str, role: str, indicator: Indicator, year: int) -> Figure:
        kwb = self._kwb.get(year)
        codes = self.members(key, role, year)
        if kwb is None or not codes:
            return Figure(math.nan, withheld="no_data")
        needed = [c for c in (indicator.column, indicator.numerator, indicator.denominator) if c]
        sums: dict[str, float] = {}
        for concept in needed:
            values = [kwb.get(code, {}).get(concept) for code in codes]
            if any(v is None for v in values):
                return Figure(math.nan, withheld="cbs_not_published")
            sums[concept] = float(sum(values))  # type: ignore[arg-type]
        if indicator.is_ratio:
            numerator = sums[indicator.numerator or ""]
            denominator = sums[indicator.denominator or ""]
            if 0 < numerator < self.suppression.min_count:
                return Figure(math.nan, withheld="small_count")
            if denominator < self.suppression.min_denominator:
                return Figure(math.nan, withheld="small_denominator")
            return Figure(numerator / denominator * indicator.scale)
        value = sums[indicator.column or ""]
        if indicator.unit != "aantal" and len(codes) > 1:
            return Figure(math.nan, withheld="not_aggregable")
        if indicator.unit == "aantal" and 0 < value < self.suppression.min_count:
            return Figure(math.nan, withheld="small_count")
        return Figure(value)

    def _survey_figure(self, key: str, role: str, indicator: Indicator, year: int) -> Figure:
        if self._survey is None:
            return Figure(math.nan, withheld="no_data")
        codes = self.members(key, role, year)
        rows = self._survey[
            self._survey["jaar"].eq(year)
            & self._survey["gebiedcode"].isin(codes)
            & self._survey["indicator"].eq(indicator.column or "")
        ]
        if rows.empty or rows["gebiedcode"].nunique() < len(codes):
            return Figure(math.nan, withheld="no_data")
        if rows["percentage"].isna().any() or rows["n"].isna().any():
            return Figure(math.nan, withheld="source_not_published")
        n = float(rows["n"].sum())
        if n < self.suppression.min_survey_n:
            return Figure(math.nan, withheld="small_n")
        if len(codes) == 1:
            row = rows.iloc[0]
            return Figure(
                float(row["percentage"]), float(row["ondergrens"]), float(row["bovengrens"]), n
            )
        share = float((rows["percentage"] / 100 * rows["n"]).sum()) / n
        z = float(norm.ppf(0.975))
        centre = (share + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
        return Figure(share * 100, (centre - half) * 100, (centre + half) * 100, n)

    def _registration(self, key: str, role: str, indicator: Indicator, year: int) -> Figure:
        path = self._local / "registrations" / f"{key}.csv"
        if role != "programma" or not path.is_file():
            return Figure(math.nan, withheld="no_data")
        rows = pd.read_csv(path)
        values = pd.to_numeric(rows.loc[rows["jaar"].eq(year), indicator.column], errors="coerce")
        if values.notna().sum() == 0:
            return Figure(math.nan, withheld="no_data")
        total = float(values.sum())
        if indicator.unit == "aantal" and 0 < total < self.suppression.min_count:
            return Figure(math.nan, withheld="small_count")
        return Figure(total)

    def _health_rows(self) -> pd.DataFrame | None:
        """The cycle's RIVM/GGD health table as rows of point estimates (Marges MW00000),
        with each row's age group as its Title; None without the snapshot."""
        if not hasattr(self, "_health_cache"):
            table = self.project.cycle.cbs.health_table
            folder = self.paths.raw_cbs / (table or "-")
            rows = None
            if table and (folder / "TypedDataSet.json").is_file():
                rows = pd.DataFrame(json.loads((folder / "TypedDataSet.json").read_text("utf-8")))
                rows = rows[rows["Marges"].astype(str).str.strip().eq("MW00000")].copy()
                ages_file = folder / "Leeftijd.json"
                ages = {}
                if ages_file.is_file():
                    ages = {
                        str(a["Key"]).strip(): str(a["Title"]).strip()
                        for a in json.loads(ages_file.read_text("utf-8"))
                    }
                age = rows["Leeftijd"].astype(str).str.strip()
                rows["age"] = age.map(ages).fillna(age)
                # CBS codes Nederland NL01 in this table and NL00 in the KWB tables
                code = rows["WijkenEnBuurten"].astype(str).str.strip()
                rows["code"] = code.replace({"NL01": "NL00"})
                rows["year"] = rows["Perioden"].astype(str).str[:4].astype(int)
            self._health_cache = rows
        return self._health_cache

    def _health(self, key: str, role: str, indicator: Indicator, year: int) -> Figure:
        """One area's published estimate; several areas' estimates weighted by their
        inhabitants (KWB of the wave's year, else the nearest year with all of them)."""
        rows = self._health_rows()
        if rows is None:
            return Figure(math.nan, withheld="no_data")
        columns_file = self.paths.cbs_columns_file
        concepts = yaml.safe_load(columns_file.read_text(encoding="utf-8"))["health"]
        names = next(
            ([n["name"] for n in c["names"]] for c in concepts if c["id"] == indicator.column), []
        )
        column = next((c for c in rows.columns if c.rsplit("_", 1)[0] in names), None)
        population = indicator.population or "18 jaar of ouder"
        codes = self.members(key, role, year)
        if column is None or not codes:
            return Figure(math.nan, withheld="no_data")
        hit = rows[rows["year"].eq(year) & rows["code"].isin(codes)]
        hit = hit[hit["age"].isin([population, "20300"])].drop_duplicates("code")
        if hit.empty:
            return Figure(math.nan, withheld="no_data")
        values = pd.to_numeric(hit[column], errors="coerce")
        if len(hit) < len(codes) or values.isna().any():
            return Figure(math.nan, withheld="cbs_not_published")
        if len(codes) == 1:
            return Figure(float(values.iloc[0]))
        by_code = dict(zip(hit["code"], values, strict=True))
        known = [y for y, kwb in self._kwb.items() if kwb is not None]
        for weight_year in sorted(known, key=lambda y: (abs(y - year), -y)):
            kwb = self._kwb[weight_year] or {}
            found = [kwb.get(code, {}).get("AantalInwoners") for code in codes]
            weights = [float(w) for w in found if w is not None]
            if len(weights) < len(codes) or sum(weights) <= 0:
                continue
            total = sum(w * by_code[c] for w, c in zip(weights, codes, strict=True))
            return Figure(total / sum(weights))
        return Figure(math.nan, withheld="not_aggregable")

    # ---------------------------------------------------------- registered crime
    # Added for the politie indicator (issue 27): the police's counts (raw 47018NED
    # snapshot, rows of Title "Totaal misdrijven") over the KWB's inhabitants.
    def _crime_counts(self) -> dict[tuple[int, str], float | None]:
        """(year, area code) -> registered crimes, read from the raw snapshot."""
        if not hasattr(self, "_crime_cache"):
            self._crime_tables: dict[tuple[int, str], str] = {}
            folder = self.paths.crime_snapshot
            counts: dict[tuple[int, str], float | None] = {}
            if (folder / "TypedDataSet.json").is_file():
                kinds = json.loads((folder / "SoortMisdrijf.json").read_text("utf-8"))
                total = next(
                    str(k["Key"]).strip()
                    for k in kinds
                    if str(k.get("Title", "")).strip() == "Totaal misdrijven"
                )
                topics = json.loads((folder / "DataProperties.json").read_text("utf-8"))
                count = next(
                    t["Key"]
                    for t in topics
                    if t.get("Type") == "Topic"
                    and str(t["Key"]).rsplit("_", 1)[0] == "GeregistreerdeMisdrijven"
                )
                rows = json.loads((folder / "TypedDataSet.json").read_text("utf-8"))
                tables = [folder.name] * len(rows)
                # a gemeente without its own row: its count from 47013NED, if fetched
                gemeenten = self.paths.crime_gemeente_snapshot
                if (gemeenten / "TypedDataSet.json").is_file():
                    more = json.loads((gemeenten / "TypedDataSet.json").read_text("utf-8"))
                    rows, tables = rows + more, tables + [gemeenten.name] * len(more)
                for row, table in zip(rows, tables, strict=True):
                    if str(row["SoortMisdrijf"]).strip() != total:
                        continue
                    year = int(str(row["Perioden"]).strip()[:4])
                    value = row.get(count)
                    code = str(row.get("WijkenEnBuurten") or row.get("RegioS")).strip()
                    if code.startswith(("GM", "WK", "BU")) and (year, code) not in counts:
                        counts[(year, code)] = None if value is None else float(value)
                        self._crime_tables[(year, code)] = table
            self._crime_cache = counts
        return self._crime_cache

    def _crime(self, key: str, role: str, indicator: Indicator, year: int) -> Figure:
        """Crimes per 1,000 inhabitants: counts and inhabitants summed over the members;
        a wijk or gemeente without its own row counts as its buurten in the table."""
        counts, kwb = self._crime_counts(), self._kwb.get(year)
        if kwb is None or not counts:
            return Figure(math.nan, withheld="no_data")
        codes = self._crime_codes(key, role, year)
        crimes = [counts.get((year, code)) for code in codes]
        if all((year, code) not in counts for code in codes):
            return Figure(math.nan, withheld="no_data")
        people = [kwb.get(code, {}).get("AantalInwoners") for code in codes]
        if any(v is None for v in [*crimes, *people]):
            return Figure(math.nan, withheld="cbs_not_published")
        numerator = float(sum(crimes))  # type: ignore[arg-type]
        denominator = float(sum(people))  # type: ignore[arg-type]
        if denominator < self.suppression.min_denominator:
            return Figure(math.nan, withheld="small_denominator")
        if 0 < numerator < self.suppression.min_count:
            return Figure(math.nan, withheld="small_count")
        return Figure(numerator / denominator * indicator.scale)

    def _crime_codes(self, key: str, role: str, year: int) -> list[str]:
        """The codes whose counts make up an area's: its own, else its buurten's."""
        counts, codes = self._crime_counts(), []
        for code in self.members(key, role, year):
            head = {"WK": "BU" + code[2:8], "GM": "BU" + code[2:6]}.get(code[:2], "")
            parts = sorted(c for y, c in counts if y == year and head and c.startswith(head))
            codes += [code] if (year, code) in counts or not parts else parts
        return codes

    def crime_tables(self, key: str, role: str, year: int) -> list[str]:
        """The police tables (47018NED, 47013NED) an area's count of `year` is read from."""
        self._crime_counts()
        found = {self._crime_tables.get((year, c)) for c in self._crime_codes(key, role, year)}
        return sorted(t for t in found if t)

    def partners_withheld(self, key: str, role: str, indicator: Indicator, year: int) -> bool:
        """Whether another indicator of the same population group is withheld for this
        area and year: then this one may be withheld too (disclosure by difference)."""
        if indicator.group is None:
            return False
        for other in self.project.indicators_for(key):
            if other.group == indicator.group and other.id != indicator.id:
                found = self.figure(key, role, other, year)
                if found.withheld not in ("", "no_data", "cbs_not_published"):
                    return True
        return False

    # ------------------------------------------------------------------ series
    def stored(self, key: str, role: str, indicator: Indicator, year: int) -> float:
        """The figure at the precision the source publishes (what statuses compare)."""
        value = self.figure(key, role, indicator, year).value
        return half_up(value, PUBLISHED_DECIMALS[indicator.unit])

    def published_years(self, key: str, role: str, indicator: Indicator) -> list[int]:
        return [y for y in self.years if math.isfinite(self.figure(key, role, indicator, y).value)]

    def latest_year(self, key: str, role: str, indicator: Indicator) -> int | None:
        years = self.published_years(key, role, indicator)
        return years[-1] if years else None

    def previous_year(self, key: str, role: str, indicator: Indicator) -> int | None:
        years = self.published_years(key, role, indicator)
        return years[-2] if len(years) > 1 else None

    def break_years(self, key: str, indicator: Indicator, role: str = "programma") -> list[int]:
        """Years from which a series is not comparable with the years before it: a
        definition change (catalogue, logbook) in every area; a logbook entry that breaks
        the series; and for the programme area a change of its codes, or a member code
        CBS marks as moved or that stands for a different area (`moved_codes`)."""
        years = {change.from_year for change in indicator.changes}
        for entry in self.project.logbook.for_programme(key):
            redefined = entry.change == "indicator_redefined" and entry.indicator == indicator.id
            declared = entry.breaks_series and entry.indicator in (None, indicator.id)
            if redefined or (declared and (role == "programma" or entry.change != "area_changed")):
                years.add(entry.from_year)
        if role == "programma":
            programme = self.project.programmes[key]
            years.update(period.from_year for period in programme.areas[1:])
            if indicator.source in ("cbs_kwb", "politie"):
                years.update(self.moved_codes(key))
        return sorted(years)

    def moved_codes(self, key: str) -> list[int]:
        """Years in which a member code of the programme area is not the area it was:
        CBS's boundary flag 3 (`Indelingswijziging…`), or a code kept for a different area,
        its name (similarity below NAME_SIMILARITY) or land area (beyond
        LAND_AREA_TOLERANCE) changed since the previous year it exists in."""
        if key in self._moved:
            return self._moved[key]
        found = set()
        if not hasattr(self, "_region_cache"):
            self._region_cache = {y: self._regions(y) for y in self.years}
        regions = self._region_cache
        for year in self.years:
            for code in self.members(key, "programma", year):
                now = regions[year].get(code)
                if now is None:
                    continue
                if now[2] >= 3:
                    found.add(year)
                before = [y for y in self.years if y < year and code in regions[y]]
                if before and differs(regions[before[-1]][code], now):
                    found.add(year)
        self._moved[key] = sorted(found)
        return self._moved[key]

    def _regions(self, year: int) -> dict[str, tuple[str, float, float]]:
        """Code -> (name, land area, boundary flag) from one raw KWB snapshot."""
        folder = self.paths.raw_cbs / self.project.cycle.kwb_table(year)
        if not (folder / "TypedDataSet.json").is_file():
            return {}
        names = {}
        if (folder / "WijkenEnBuurten.json").is_file():
            records = json.loads((folder / "WijkenEnBuurten.json").read_text(encoding="utf-8"))
            names = {str(r["Key"]).strip(): str(r.get("Title", "")).strip() for r in records}
        rows = json.loads((folder / "TypedDataSet.json").read_text(encoding="utf-8"))
        found = {}
        for row in rows:
            code = str(row["WijkenEnBuurten"]).strip()
            land = next((row[k] for k in row if k.startswith("OppervlakteLand")), None)
            if land is None:
                land = next((row[k] for k in row if k.startswith("OppervlakteTotaal")), None)
            flag = next((row[k] for k in row if k.startswith("Indelingswijziging")), None)
            found[code] = (
                names.get(code, ""),
                float(land) if land is not None else math.nan,
                float(str(flag).strip()) if str(flag).strip().isdigit() else math.nan,
            )
        return found

    def broken(self, key: str, indicator: Indicator, start: int, end: int) -> bool:
        return any(start < year <= end for year in self.break_years(key, indicator))

    def change(self, key: str, role: str, indicator: Indicator, since: int, year: int) -> float:
        """The change between two years, of the values as published (NaN across a break)."""
        if self.broken(key, indicator, since, year):
            return math.nan
        return self.stored(key, role, indicator, year) - self.stored(key, role, indicator, since)

    def trend(self, key: str, indicator: Indicator, year: int) -> tuple[float, int | None]:
        """The least-squares slope per year of the programme's published values, from the
        first published year after the last break up to `year` (scipy.stats.linregress)."""
        breaks = [b for b in self.break_years(key, indicator) if b <= year]
        first = breaks[-1] if breaks else min(self.years)
        years = [y for y in self.published_years(key, "programma", indicator) if first <= y <= year]
        if len(years) < 2:
            return math.nan, None
        values = [self.stored(key, "programma", indicator, y) for y in years]
        return float(linregress(years, values).slope), years[0]

    def comparison_year(self, key: str, indicator: Indicator, year: int) -> int | None:
        """The year a change up to `year` runs from: the base year, or after a break since
        it the first published year of the new series (docs/status.md, "Breaks")."""
        if not self.broken(key, indicator, self.base_year, year):
            return self.base_year
        last = max(b for b in self.break_years(key, indicator) if self.base_year < b <= year)
        after = [y for y in self.published_years(key, "programma", indicator) if last <= y <= year]
        return after[0] if after else None

    def change_index(self, key: str, indicator: Indicator, year: int) -> float:
        """The latest value as an index, the base year = 100 (NaN across a break)."""
        base = self.stored(key, "programma", indicator, self.base_year)
        if self.broken(key, indicator, self.base_year, year) or not base:
            return math.nan
        return self.stored(key, "programma", indicator, year) / base * 100

    def did(self, key: str, indicator: Indicator, year: int) -> float:
        """The change since the base year in the area minus that in its gemeente: in
        percentage points for a percentage, in index points otherwise."""
        if self.broken(key, indicator, self.base_year, year):
            return math.nan
        own = [self.stored(key, "programma", indicator, y) for y in (self.base_year, year)]
        city = [self.stored(key, "gemeente", indicator, y) for y in (self.base_year, year)]
        if indicator.unit == "procent":
            return (own[1] - own[0]) - (city[1] - city[0])
        if not own[0] or not city[0]:
            return math.nan
        return own[1] / own[0] * 100 - city[1] / city[0] * 100

    def p_value(self, key: str, indicator: Indicator, since: int | None, year: int) -> float:
        """Two survey waves of the area compared: the two-sided score test of two
        independent proportions (pooled under equal proportions, variance times
        N/(N-1), Miettinen and Nurminen), on the published percentages and n."""
        if indicator.source != "survey" or since is None or since >= year:
            return math.nan
        first = self.figure(key, "programma", indicator, since)
        last = self.figure(key, "programma", indicator, year)
        n1, n0 = last.n, first.n
        if not all(math.isfinite(v) and v > 0 for v in (n1, n0)):
            return math.nan
        p1 = self.stored(key, "programma", indicator, year) / 100
        p0 = self.stored(key, "programma", indicator, since) / 100
        pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
        variance = pooled * (1 - pooled) * (1 / n1 + 1 / n0) * (n1 + n0) / (n1 + n0 - 1)
        if not variance > 0:
            return math.nan
        return float(2 * norm.sf(abs(p1 - p0) / math.sqrt(variance)))

    # ------------------------------------------------------------------ status
    def status(self, key: str, indicator: Indicator) -> Status:
        """The target status by the decision table of docs/status.md, rule by rule."""
        case = self.case(key, indicator)
        return decide(case) if case is not None else Status("no_target", "", "no_target")

    def case(self, key: str, indicator: Indicator) -> Case | None:
        """The decision table's inputs for the programme's target on `indicator`."""
        targets = [t for t in self.project.programmes[key].targets if t.indicator == indicator.id]
        if not targets:
            return None
        target = targets[0]
        latest = self.latest_year(key, "programma", indicator)
        decimals = PUBLISHED_DECIMALS[indicator.unit]
        found = self.figure(key, "programma", indicator, latest) if latest else Figure(math.nan)
        return Case(
            base_year=self.base_year,
            base=self.stored(key, "programma", indicator, self.base_year),
            latest_year=latest,
            latest=self.stored(key, "programma", indicator, latest) if latest else math.nan,
            lower=half_up(found.lower, decimals),
            upper=half_up(found.upper, decimals),
            target_year=target.year,
            target=target.value,
            direction=indicator.direction,
            broken=latest is not None and self.broken(key, indicator, self.base_year, latest),
            decimals=decimals,
        )

    def goal_status(self, key: str, goal_indicators: list[str]) -> str:
        """A goal's decisive status: the first target in STATUS_ORDER (docs/status.md)."""
        statuses = []
        for indicator_id in goal_indicators:
            indicator = self.project.indicator(key, indicator_id)
            found = self.status(key, indicator)
            if found.key != "no_target":
                statuses.append(found.key)
        if not statuses:
            return "no_target"
        return min(statuses, key=STATUS_ORDER.index)


NAME_SIMILARITY = 0.6
"""Names less alike than this (difflib ratio, lower case) are two areas' names."""
LAND_AREA_TOLERANCE = 0.10
"""A land area that changes by more than 10% is another area under the same code."""


def differs(before: tuple[str, float, float], after: tuple[str, float, float]) -> bool:
    """Whether a code stands for a different area than before: by name or land area
    (docs/validation.md, "A code kept for a different area")."""
    (old, land_a, _), (new, land_b, _) = before, after
    renamed = (
        bool(old and new)
        and SequenceMatcher(None, old.lower(), new.lower()).ratio() < NAME_SIMILARITY
    )
    resized = (
        land_a > 0 and math.isfinite(land_b) and abs(land_b - land_a) / land_a > LAND_AREA_TOLERANCE
    )
    return renamed or resized


def raw_inputs(project: Project, paths: Paths) -> list[Path]:
    """The files the reference reads (for the audit's report)."""
    files = [paths.raw_cbs / project.cycle.kwb_table(y) for y in project.cycle.cycle.years]
    crime = [paths.crime_snapshot] if paths.crime_snapshot.is_dir() else []
    return [*files, *crime, paths.root / project.cycle.local_data]


@dataclass(frozen=True)
class Case:
    """The inputs of one target status (docs/status.md, "Inputs"), values as published."""

    base_year: int
    base: float
    latest_year: int | None
    latest: float
    lower: float
    upper: float
    target_year: int
    target: float
    direction: str
    broken: bool = False
    decimals: int = 1


def wanted(case: Case) -> int:
    """The wanted direction g: the indicator's, else from the base value to the target."""
    t = half_up(case.target, case.decimals)
    direction = {"higher_is_better": 1, "lower_is_better": -1}.get(case.direction, 0)
    return direction if direction else (t > case.base) - (t < case.base)


def expected_value(case: Case) -> float:
    """The value expected in the latest year: the line from the base value to the target,
    or the target itself when it asks for no improvement (docs/status.md)."""
    b, t, base = case.base, half_up(case.target, case.decimals), case.base_year
    if case.latest_year is None:
        return math.nan
    line = b + (t - b) * (case.latest_year - base) / (case.target_year - base)
    return half_up(t if (t - b) * wanted(case) <= 0 else line, case.decimals)


def decide(case: Case) -> Status:
    """The decision table of docs/status.md, its rules tried in order."""
    b, x, lo, hi, base = case.base, case.latest, case.lower, case.upper, case.base_year
    if case.broken:
        return Status("unknown", "", "break")
    if case.target_year <= base:
        return Status("unknown", "", "no_line")
    if not math.isfinite(b):
        return Status("unknown", "", "no_base")
    if case.latest_year is None or case.latest_year <= base or not math.isfinite(x):
        return Status("unknown", "", "no_measurement")
    t = half_up(case.target, case.decimals)
    g = wanted(case)
    if g == 0:
        return Status("unknown", "", "no_direction")
    interval = math.isfinite(lo) and math.isfinite(hi)
    movement = "toward" if (x - b) * g > 0 else "away" if (x - b) * g < 0 else "unchanged"
    if case.latest_year < case.target_year:
        e = expected_value(case)
        if interval and lo <= e <= hi:
            return Status("undecided", movement, "within_margin")
        if (x - e) * g >= 0:
            return Status("on_track", movement, "reached" if (x - t) * g >= 0 else "on_line")
        return Status("not_on_track", movement, "behind_line")
    if interval and lo <= t <= hi:
        return Status("uncertain", movement, "target_within_margin")
    if (x - t) * g >= 0:
        return Status("met", movement, "reached")
    return Status("not_met", movement, "missed")
