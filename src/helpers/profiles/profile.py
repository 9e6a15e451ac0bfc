"""Wijkprofielen: a light profile of every wijk (or buurt) of an area set.

The programmes' reports answer "does the programme work"; a profile answers "what is
this wijk like": the CBS key figures and the RIVM/GGD health estimates of the area
against its gemeente and Nederland, each with the year it was measured, small numbers
suppressed as everywhere, no goals, no notes and no ranking. The area set comes from
params/profiles.yaml (absent: no profiles) and is resolved from the cycle year's CBS
region list, so it follows CBS's classification of that year.

The stage computes every profile's figures at once with the indicator engine and
writes one small table per area; the profile notebook reads only its own.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

from helpers.config import (
    Catalogue,
    Indicator,
    Paths,
    Project,
    load_catalogue,
)
from helpers.config.profiles import SETTINGS_FILE, ProfileSettings
from helpers.indicators.disclosure import REASONS, apply_suppression
from helpers.indicators.engine import (
    MEMBER_COLUMNS,
    group_partitions,
    health_values,
    indicator_values,
)
from helpers.indicators.precision import INDEX_DECIMALS, round_scalar, stored_indicator_table
from helpers.report.dutch import MISSING, format_date, format_number, format_value
from helpers.report.escaping import markdown_table
from helpers.sources.cbs_gebieden import (
    wanted_gemeenten,
)
from helpers.sources.cbs_health import used_waves

ROLES = ("gebied", "gemeente", "nederland")


ROLE_OF_ENGINE = {"programma": "gebied", "gemeente": "gemeente", "nederland": "nederland"}


# Units whose ratio to the gemeente means something; a count of a wijk against the
# count of its whole gemeente does not.
INDEX_UNITS = {"procent", "per_1000", "euro", "duizend_euro", "per_km2"}


def profile_areas(
    settings: ProfileSettings,
    project: Project,
    kwb: pd.DataFrame,
    gebieden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per profiled area (code, name, gemeente), from the cycle year's region list.

    Raises ValueError naming the year, level and gemeenten when the list holds none of
    them: the fetch (or demo) stage did not bring those regions.
    """
    year = project.cycle.cycle.year
    rows = kwb[kwb["year"].eq(year) & kwb["area_level"].eq(settings.level)]
    wanted = wanted_gemeenten(settings, project, gebieden)
    if wanted is not None:
        rows = rows[rows["gemeente"].isin(wanted)]
    areas = rows.drop_duplicates("area_code")[["area_code", "area_name", "gemeente"]]
    if areas.empty:
        where = "the country" if wanted is None else ", ".join(wanted)
        if settings.grouping_codes():
            where = f"{settings.areas} {', '.join(settings.grouping_codes())} ({where})"
        raise ValueError(
            f"params/{SETTINGS_FILE}: no {settings.level} of {where} in the CBS region list "
            f"of {year}; the fetch stage downloads the comparison gemeenten of "
            "params/cycle.yaml (every region with `areas: land`)"
        )
    names = _gemeente_names(kwb, year)
    areas = areas.assign(gemeente_name=areas["gemeente"].map(names).fillna(areas["gemeente"]))
    return areas.sort_values("area_code", kind="stable").reset_index(drop=True)


def _gemeente_names(kwb: pd.DataFrame, year: int) -> dict[str, str]:
    rows = kwb[kwb["area_level"].eq("gemeente")].sort_values("year", kind="stable")
    rows = rows[rows["year"].le(year)].drop_duplicates("area_code", keep="last")
    return dict(zip(rows["area_code"], rows["area_name"], strict=True))


def profile_members(areas: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The engine's membership frame: each area on its own, its gemeente, Nederland."""
    own = pd.DataFrame(
        {
            "area_role": "programma",
            "area_code": areas["area_code"],
            "area_name": areas["area_name"],
            "member_code": areas["area_code"],
        }
    )
    gemeenten = areas.drop_duplicates("gemeente")
    towns = pd.DataFrame(
        {
            "area_role": "gemeente",
            "area_code": gemeenten["gemeente"],
            "area_name": gemeenten["gemeente_name"],
            "member_code": gemeenten["gemeente"],
        }
    )
    land = pd.DataFrame(
        [
            {
                "area_role": "nederland",
                "area_code": "NL00",
                "area_name": "Nederland",
                "member_code": "NL00",
            }
        ]
    )
    one_year = pd.concat([own, towns, land], ignore_index=True)
    frames = [one_year.assign(year=year) for year in years]
    return pd.concat(frames, ignore_index=True)[MEMBER_COLUMNS]


def profile_indicators(catalogue: Catalogue) -> list[Indicator]:
    """The catalogue's CBS and RIVM indicators: a profile has no survey, goals or targets."""
    return [i for i in catalogue.indicators if i.source in ("cbs_kwb", "cbs_health")]


def profile_values(
    project: Project, areas: pd.DataFrame, kwb: pd.DataFrame, health: pd.DataFrame
) -> pd.DataFrame:
    """Every profiled area's indicator values with its gemeente and Nederland, suppressed."""
    indicators = profile_indicators(project.catalogue)
    years = list(project.cycle.cycle.years)
    members = profile_members(areas, years)
    parts = [indicator_values([i for i in indicators if i.source == "cbs_kwb"], members, kwb)]
    in_health = [i for i in indicators if i.source == "cbs_health"]
    if in_health and health is not None and not health.empty:
        waves = used_waves(health["year"], project.cycle.cycle)
        parts.append(health_values(in_health, profile_members(areas, waves), health, kwb))
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    table["estimate"] = table["estimate"].fillna("") if "estimate" in table else ""
    table = apply_suppression(table, project.cycle.suppression, group_partitions(table))
    table["year"] = table["year"].astype(int)
    text = table.select_dtypes(include=["category", "object"]).columns
    return table.astype(dict.fromkeys(text, "str"))


PROFILE_COLUMNS = [
    "role",
    "area_code",
    "area_name",
    "indicator_id",
    "year",
    "value",
    "suppression_reason",
    "unit",
    "source",
    "source_modified",
    "estimate",
    "synthetic",
]


def area_tables(values: pd.DataFrame, areas: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per profiled area: its own rows, its gemeente's and Nederland's, in one small table."""
    values = stored_indicator_table(values.assign(role=values["area_role"].map(ROLE_OF_ENGINE)))
    values = values.sort_values(["indicator_id", "year"], kind="stable")
    own = values[values["role"].eq("gebied")]
    towns = dict(list(values[values["role"].eq("gemeente")].groupby("area_code")))
    land = values[values["role"].eq("nederland")]
    empty = values.iloc[0:0][PROFILE_COLUMNS]
    towns = {code: rows[PROFILE_COLUMNS] for code, rows in towns.items()}
    land = land[PROFILE_COLUMNS]
    gemeente_of = dict(zip(areas["area_code"], areas["gemeente"], strict=True))
    out = {}
    for area, rows in own[[*PROFILE_COLUMNS]].groupby(own["area_code"], sort=True):
        frame = pd.concat([rows, towns.get(gemeente_of[area], empty), land], ignore_index=True)
        out[str(area)] = frame
    return out


def write_area_table(table: pd.DataFrame, path: Path) -> Path:
    """One area's figures as deterministic CSV at `path` (same figures, same bytes)."""
    from helpers.indicators.precision import plain_number

    path.parent.mkdir(parents=True, exist_ok=True)
    text = table.to_csv(index=False, float_format=plain_number, lineterminator="\n")  # type: ignore[arg-type]
    path.write_text(text, encoding="utf-8")
    return path


def areas_index(areas: pd.DataFrame) -> list[dict[str, str]]:
    """What the index page lists: code, name, gemeente; sorted by name, then code."""
    rows = areas.sort_values(["area_name", "area_code"], kind="stable")
    return [
        {"code": str(r.area_code), "naam": str(r.area_name), "gemeente": str(r.gemeente_name)}
        for r in rows.itertuples()
    ]


def write_areas_index(areas: pd.DataFrame, path: Path, settings: ProfileSettings) -> Path:
    data = {"niveau": settings.level, "gebieden": areas_index(areas)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


Kind = Literal["kerncijfers", "groepen", "gezondheid"]


@dataclass(frozen=True)
class FigureRow:
    """One subject of the profile: the area's latest figure, its gemeente and Nederland
    in that same year, and the index to the gemeente where a ratio means something."""

    kind: Kind
    label: str
    unit: str
    year: int
    area: dict
    gemeente: dict | None
    nederland: dict | None
    index: float | None


@dataclass(frozen=True)
class Profile:
    """One area's profile figures, as the notebook reads them."""

    code: str
    name: str
    gemeente: str
    gemeente_name: str
    table: pd.DataFrame
    rows: list[FigureRow]
    has_health: bool

    @property
    def level(self) -> str:
        return "buurt" if self.code.startswith("BU") else "wijk"

    @property
    def synthetic(self) -> bool:
        return bool(self.table["synthetic"].astype(str).eq("True").any())


def read_area_table(path: Path) -> pd.DataFrame:
    table = pd.read_csv(
        path,
        dtype={"suppression_reason": str, "source_modified": str, "estimate": str},
        keep_default_na=True,
    )
    for column in ("suppression_reason", "source_modified", "estimate"):
        table[column] = table[column].fillna("")
    return table


def load_profile(area: str, root: str | Path | None = None, out_dir: str = "") -> Profile:
    """The profile of `area` (a CBS wijk or buurt code).

    A stage passes `out_dir`, the area's folder it is writing (its figures are there);
    run by hand, the figures come from the last run of the profiles stage.
    """
    paths = Paths.from_root(root)
    stored = paths.profile_table(area)
    table = read_area_table(Path(out_dir) / stored.name if out_dir else stored)
    own = table[table["role"].eq("gebied")]
    town = table[table["role"].eq("gemeente")]
    indicators = _catalogue_indicators(paths, paths.catalogue_file.read_bytes())
    name = str(own["area_name"].iloc[0]) if len(own) else area
    return Profile(
        code=area,
        name=name,
        gemeente=str(town["area_code"].iloc[0]) if len(town) else "",
        gemeente_name=str(town["area_name"].iloc[0]) if len(town) else "",
        table=table,
        rows=figure_rows(table, indicators),
        has_health=any(i.source == "cbs_health" for i in indicators),
    )


@lru_cache(maxsize=4)
def _catalogue_indicators(paths: Paths, content: bytes) -> list[Indicator]:
    """The profile indicators of the catalogue whose bytes are `content`.

    Parsing the catalogue's YAML is a tenth of a second, paid by every profile in a warm
    kernel; keyed by the file's content, a kept result is exactly what a fresh parse gives.
    """
    return profile_indicators(load_catalogue(paths))


def _latest(records: list[dict]) -> dict | None:
    """The latest record with a value, else the latest record (withheld), else None."""
    known = [r for r in records if not _missing(r["value"])]
    pool = known or records
    return max(pool, key=lambda r: r["year"]) if pool else None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _in_year(records: list[dict], year: int) -> dict | None:
    return next((r for r in records if r["year"] == year), None)


def _index(area: dict, town: dict | None, unit: str) -> float | None:
    if unit not in INDEX_UNITS or town is None:
        return None
    a, g = area["value"], town["value"]
    if _missing(a) or _missing(g) or g == 0:
        return None
    return round_scalar(100.0 * float(a) / float(g), INDEX_DECIMALS)


def figure_rows(table: pd.DataFrame, indicators: list[Indicator]) -> list[FigureRow]:
    """Every subject with a figure for the area, in catalogue order (plain Python: a
    profile has a few hundred records, and thousands of profiles are made at once)."""
    by_indicator: dict[str, dict[str, list[dict]]] = {}
    for record in table.to_dict("records"):
        roles = by_indicator.setdefault(str(record["indicator_id"]), {})
        roles.setdefault(str(record["role"]), []).append(record)
    rows = []
    for indicator in indicators:
        roles = by_indicator.get(indicator.id, {})
        area = _latest(roles.get("gebied", []))
        if area is None:
            continue
        year = int(area["year"])
        town = _in_year(roles.get("gemeente", []), year)
        kind: Kind = (
            "gezondheid"
            if indicator.source == "cbs_health"
            else "groepen"
            if indicator.group
            else "kerncijfers"
        )
        rows.append(
            FigureRow(
                kind,
                indicator.label,
                indicator.unit,
                year,
                area,
                town,
                _in_year(roles.get("nederland", []), year),
                _index(area, town, indicator.unit),
            )
        )
    return rows


def _shown(record: dict | None, unit: str) -> str:
    if record is None:
        return MISSING
    if _missing(record["value"]):
        reason = str(record["suppression_reason"])
        return f"{MISSING} ({REASONS[reason]})" if reason in REASONS else MISSING
    return format_value(float(record["value"]), unit)


def figures_table(profile: Profile, kind: Kind) -> pd.DataFrame:
    """The figures of one part of the profile, with the year of each, as a Dutch table.

    kerncijfers: CBS key figures; groepen: population groups (shares that add up);
    gezondheid: RIVM/GGD estimates. The index compares with the gemeente (= 100) in
    the same year, only for rates and averages.
    """
    return pd.DataFrame(
        [
            {
                "Onderwerp": row.label,
                "Jaar": str(row.year),
                profile.name: _shown(row.area, row.unit),
                profile.gemeente_name or "Gemeente": _shown(row.gemeente, row.unit),
                "Nederland": _shown(row.nederland, row.unit),
                "Index (gemeente = 100)": MISSING
                if row.index is None
                else format_number(row.index, INDEX_DECIMALS),
            }
            for row in profile.rows
            if row.kind == kind
        ]
    )


def table_markdown(frame: pd.DataFrame, empty: str = "*Geen gegevens.*") -> str:
    """A table as Markdown (rendered alike by Quarto and nbconvert, same bytes every run)."""
    return markdown_table(frame) if not frame.empty else empty


def title_markdown(profile: Profile) -> str:
    return f"# Wijkprofiel {profile.name}"


def intro_markdown(profile: Profile) -> str:
    """Who the profile is about and how to read it, in plain Dutch."""
    kind = "De wijk" if profile.level == "wijk" else "De buurt"
    health = any(row.kind == "gezondheid" for row in profile.rows)
    sources = "de Kerncijfers wijken en buurten van het CBS"
    if health:
        sources += " en de gezondheidscijfers per wijk en buurt van RIVM, GGD'en en CBS"
    text = (
        f"{kind} {profile.name} (CBS-code {profile.code}) ligt in de gemeente "
        f"{profile.gemeente_name}. Dit profiel zet de cijfers uit {sources} naast die van "
        f"de gemeente en van Nederland. Bij elk cijfer staat het jaar waarin het is "
        "gemeten. Het profiel vergelijkt, maar rangschikt geen wijken."
    )
    if profile.synthetic:
        text += (
            "\n\n**Let op: de cijfers in dit profiel zijn synthetisch** (demogegevens); "
            "ze beschrijven geen echte wijk."
        )
    return text


def index_rows(profile: Profile) -> list[tuple[str, float]]:
    """(label, index to the gemeente) for the chart: rates and averages with both values."""
    return [(row.label, row.index) for row in profile.rows if row.index is not None]


def index_alt_text(profile: Profile, rows: list[tuple[str, float]]) -> str:
    if not rows:
        return f"Geen cijfers van {profile.name} om met de gemeente te vergelijken."
    parts = [f"{label} {format_number(value, INDEX_DECIMALS)}" for label, value in rows]
    return (
        f"Index van {profile.name} ten opzichte van de gemeente {profile.gemeente_name} "
        f"(gemeente = 100): " + "; ".join(parts) + "."
    )


def index_figure(profile: Profile, rows: list[tuple[str, float]]):
    """Dots of the area's index against the gemeente (= 100), one line per subject.

    Its margins are set from the widest label's width, measured from the font without
    drawing, so that the chart is drawn once, when it is saved (`plots.save_figure`
    with `tight=False`): a layout pass or a tight bounding box each cost a full extra
    draw, and thousands of profiles draw this chart.
    """
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from helpers.report.plots import ROLE_COLOURS, _watermark, house_style

    house_style()
    width, height = 8.0, 0.6 + 0.32 * max(len(rows), 1) + 0.25
    fig, ax = plt.subplots(figsize=(width, height))
    labels = [label for label, _ in rows]
    values = [value for _, value in rows]
    ax.axvline(100, color="#555555", linewidth=1)
    ax.hlines(labels, 100, values, color="#bbbbbb", linewidth=1.5)
    ax.scatter(values, labels, color=ROLE_COLOURS["programma"], zorder=3)
    ax.invert_yaxis()
    reach = max([abs(v - 100) for v in values] + [10.0]) * 1.15
    ax.set_xlim(100 - reach, 100 + reach)
    ax.set_xlabel(f"index, gemeente {profile.gemeente_name} = 100")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: format_number(x, 0)))
    ax.tick_params(axis="y", labelsize=9)
    ax.grid(axis="y", visible=False)
    font = FontProperties(family=plt.rcParams["font.family"], size=9)
    measure = TextToPath()
    widest = max(measure.get_text_width_height_descent(t, font, ismath=False)[0] for t in labels)
    left = min(0.6, (widest / 72 + 0.2) / width)  # points to inches, and the ticks' pad
    fig.subplots_adjust(left=left, right=0.97, bottom=0.65 / height, top=1 - 0.2 / height)
    if profile.synthetic:
        _watermark(fig)
    return fig


def sources_markdown(profile: Profile) -> str:
    """The source line of every table a shown figure comes from, with its CBS revision
    date, and the suppression rule."""
    used: dict[str, tuple[set[int], set[str]]] = {}
    for row in profile.rows:
        for record in (row.area, row.gemeente, row.nederland):
            if record is None or _missing(record["value"]):
                continue
            years, modified = used.setdefault(str(record["source"]), (set(), set()))
            years.add(int(record["year"]))
            if record["source_modified"]:
                modified.add(str(record["source_modified"]))
    lines = []
    for source, (years, modified) in sorted(used.items()):
        table_id = source.split(":", 1)[-1]
        health = source.startswith("cbs_health")
        who = "RIVM, GGD'en en CBS" if health else "CBS"
        when = f", gewijzigd {format_date(max(modified))}" if modified else ""
        shown = ", ".join(str(y) for y in sorted(years))
        lines.append(f"- {who}, tabel {table_id} ({shown}{when}); Bron: CBS, CC BY 4.0")
    lines.append(
        "- Cijfers over te weinig inwoners of woningen worden niet getoond "
        "(kleine aantallen, zoals in alle rapporten van deze monitor)."
    )
    return "\n".join(lines)
