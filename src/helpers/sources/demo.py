"""A seeded synthetic data set in the exact formats of the real sources.

Without a route to CBS the whole cycle still runs: `write_demo_cbs` writes KWB
tables as `cbsodata` stores them (padded region keys, OData column keys whose
positions shift from year to year, `null` for what CBS keeps secret), and
`write_demo_local` writes a survey export, registrations and notes. Nothing
downstream can tell them from real data except by the markers that say they are
synthetic (`"Synthetic": true` in TableInfos, `SYNTHETIC.txt`), which every
report shows.

`write_demo(project, paths, part)` is the one entry the pipeline uses: the fetch
stage writes the CBS part (`data/raw/cbs`) with `source: demo`, the demo stage the
local part (`data/raw/demo`). The two writers it calls take any folder, for tests
that build a project elsewhere.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import yaml

from helpers.config import Paths, Programme, Project
from helpers.runtime.io import atomic_dir
from helpers.sources.local import REGISTRATION_COLUMNS, SURVEY_COLUMNS

SURVEY_WAVES = (2020, 2022, 2024)
SURVEY_INDICATORS = {
    # indicator: (Nederland level, spread between areas, sign of disadvantage)
    "ErvarenGezondheidGoedZeerGoed": (76.0, 9.0, -1),
    "Eenzaam": (47.0, 7.0, 1),
    "MoeiteMetRondkomen": (18.0, 8.0, 1),
    "Vrijwilligerswerk": (28.0, 6.0, -1),
    "VeiligInBuurt": (82.0, 7.0, -1),
}
SOORT = {"land": "Land", "gemeente": "Gemeente", "wijk": "Wijk", "buurt": "Buurt"}
AGE_GROUPS = ["k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    gemeente: str


def demo_regions(project: Project | None = None) -> list[Region]:
    """The areas the demo covers: Nederland, four gemeenten, their wijken and some buurten,
    and, with a project, every gemeente and area code its programmes name.

    A programme in a gemeente the list does not hold (say Rotterdam) gets a generated
    gemeente: its programme areas (a buurt with its wijk) and three more wijken, so that
    the gemeente is more than the programme. The listed areas come first and keep
    their values: generated areas only add to the demo.
    """
    text = resources.files("helpers.sources").joinpath("demo_regions.csv").read_text("utf-8")
    regions = [Region(**row) for row in csv.DictReader(io.StringIO(text))]
    if project is not None:
        refuse_unknown_codes(project, regions)
        regions += _generated_regions(project, {r.code for r in regions})
    return regions


class DemoAreaError(ValueError):
    """An area code the demo's region list does not hold, in a gemeente the list holds."""


def typing_distance(a: str, b: str) -> int:
    """Edits (a character changed, added, dropped, or two swapped) from `a` to `b`."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def nearest_codes(code: str, candidates: list[str], most: int = 2) -> list[str]:
    """The candidates one or two typing errors from `code`, nearest first."""
    scored = sorted((typing_distance(code, c), c) for c in candidates)
    return [c for distance, c in scored if distance <= 2][:most]


def refuse_unknown_codes(project: Project, listed: list[Region]) -> None:
    """Stop on a programme area code that is not in the listed gemeente's region list.

    The demo generates areas only for a gemeente `demo_regions.csv` does not hold (a
    programme in Rotterdam). In one it holds, an unknown code is a typo (WK034430 for
    WK034403): generating it would give a misspelt code invented figures and a full
    report. The message names the params file, the key and the nearest listed codes.
    """
    listed_gemeenten = {r.gemeente for r in listed if r.level == "gemeente"}
    names = {r.code: r.name for r in listed}
    problems = []
    for key, programme in project.programmes.items():
        if programme.gemeente not in listed_gemeenten:
            continue
        for number, period in enumerate(programme.areas):
            for index, code in enumerate(period.codes):
                if code in names:
                    continue
                same = sorted(c for c in names if c[:2] == code[:2] and c[2:6] == code[2:6])
                near = nearest_codes(code, same)
                hint = (
                    "did you mean " + " or ".join(f"{c} ({names[c]})" for c in near) + "?"
                    if near
                    else f"the list's codes of this kind in {programme.gemeente}: "
                    + ", ".join(same[:8])
                    + ("…" if len(same) > 8 else "")
                )
                problems.append(
                    f"params/programmes/{key}.yaml: key areas[{number}].codes[{index}]: area "
                    f"code {code} is not in the demo's region list of "
                    f"{programme.gemeente} ({names.get(programme.gemeente, '')}) for "
                    f"{project.cycle.cycle.year}; {hint}"
                )
    if problems:
        raise DemoAreaError(
            "the demo CBS source knows no such area (rule: area codes exist in the year's "
            "region list; the demo invents figures only for a gemeente it does not list):\n  "
            + "\n  ".join(problems)
        )


def _generated_regions(project: Project, known: set[str]) -> list[Region]:
    """Regions for the params' gemeenten and area codes that `demo_regions.csv` lacks."""
    added: list[Region] = []

    def add(code: str, name: str, level: str, gemeente: str) -> None:
        if code not in known:
            known.add(code)
            added.append(Region(code, name, level, gemeente))

    for programme in project.programmes.values():
        gemeente = programme.gemeente
        new_gemeente = gemeente not in known
        name = project.cycle.comparison.gemeenten.get(gemeente, f"Demogemeente {gemeente[2:]}")
        add(gemeente, name, "gemeente", gemeente)
        codes = sorted({code for period in programme.areas for code in period.codes})
        for code in codes:
            wijk = "WK" + code[2:8]
            add(wijk, f"Wijk {wijk[6:8]} ({programme.name})", "wijk", gemeente)
            if code.startswith("BU"):
                add(code, f"Buurt {code[8:10]} ({programme.name})", "buurt", gemeente)
        if new_gemeente:
            free = (f"WK{gemeente[2:]}{n:02d}" for n in range(1, 100))
            for wijk in [c for c in free if c not in known][:3]:
                add(wijk, f"Wijk {wijk[6:8]}", "wijk", gemeente)
    return added


def pad(value: str, width: int = 10) -> str:
    """CBS pads region keys and short strings with spaces to a fixed width."""
    return value.ljust(width)


def _code_seed(code: str) -> int:
    """A stable number per area code (Python's hash() is salted per process)."""
    return zlib.crc32(code.encode())


def _rng(project: Project, *salt: int) -> np.random.Generator:
    return np.random.default_rng([project.cycle.demo.seed, *salt])


def _json_text(data: object) -> str:
    """What cbsodata writes (`json.dump(data, f, indent=2)`)."""
    return json.dumps(data, indent=2)


# ------------------------------------------------------------------------------ CBS


class Topic(NamedTuple):
    """One DataProperties topic of the demo table.

    `groups` are the Titles of its TopicGroups from the top down (the last is its
    ParentID); `value` names the generated count it shows when its base name is not
    unique (CBS publishes `Nederland` under three groups in 2024).
    """

    base: str
    title: str
    datatype: str
    unit: str
    groups: tuple[str, ...] = ()
    value: str = ""


POPULATION = ("Bevolking",)
HOUSEHOLDS = ("Bevolking", "Particuliere huishoudens")
HOUSING = ("Wonen en vastgoed",)
ORIGIN = ("Bevolking", "Bevolking naar herkomst")
# Country of origin (herkomstland), as in KWB 2024: the same base names and Titles
# under three TopicGroups (CBS pads some Titles with a space). The "Herkomstland"
# three add up to the inhabitants; the "geboren in/buiten" ones split them by
# country of birth.
_ORIGIN = [
    # (TopicGroup, base name, Title as CBS gives it, generated count)
    ("Herkomstland", "Nederland", "Nederland", "herkomst_nederland"),
    ("Herkomstland", "EuropaExclusiefNederland", "Europa (exclusief Nederland) ",
     "herkomst_europa"),
    ("Herkomstland", "BuitenEuropa", "Buiten Europa ", "herkomst_buiten_europa"),
    ("Geboren in Nederland", "Nederland", "Nederland", "herkomst_nederland"),
    ("Geboren in Nederland", "EuropaExclusiefNederland", "Europa (exclusief Nederland) ",
     "geboren_in_nl_europa"),
    ("Geboren in Nederland", "BuitenEuropa", "Buiten Europa ", "geboren_in_nl_buiten_europa"),
    ("Geboren buiten Nederland", "EuropaExclusiefNederland", "Europa (exclusief Nederland)",
     "geboren_buiten_nl_europa"),
    ("Geboren buiten Nederland", "BuitenEuropa", "Buiten Europa",
     "geboren_buiten_nl_buiten_europa"),
]  # fmt: skip
ORIGIN_TOPICS = [
    Topic(base, title, "Long", "aantal", (*ORIGIN, group), value)
    for group, base, title, value in _ORIGIN
]
ORIGIN_VALUES = list(dict.fromkeys(t.value for t in ORIGIN_TOPICS))


def topic_keys(year: int) -> list[Topic]:
    """Every topic of the year's table, in the year's column order.

    The order changes between years, as at CBS: from 2022 a marital-status block
    is inserted before the households, from 2024 the country-of-origin block, so the
    `_<position>` suffixes shift and code must match on base names (and, for the
    origin names CBS uses twice, on their TopicGroup).
    """
    indeling = (
        "IndelingswijzigingGemeenteWijkBuurt"
        if year >= 2024
        else "IndelingswijzigingWijkenEnBuurten"
    )
    region = ("Regioaanduiding",)
    ages = (*POPULATION, "Leeftijdsgroepen")
    topics = [
        Topic("Gemeentenaam", "Gemeentenaam", "String", "naam", region),
        Topic("SoortRegio", "Soort regio", "String", "omschrijving", region),
        Topic("Codering", "Codering", "String", "code", region),
        Topic(indeling, "Indelingswijziging", "String", "code", region),
        Topic("AantalInwoners", "Aantal inwoners", "Long", "aantal", POPULATION),
        Topic("Mannen", "Mannen", "Long", "aantal", (*POPULATION, "Geslacht")),
        Topic("Vrouwen", "Vrouwen", "Long", "aantal", (*POPULATION, "Geslacht")),
        Topic("k_0Tot15Jaar", "0 tot 15 jaar", "Long", "aantal", ages),
        Topic("k_15Tot25Jaar", "15 tot 25 jaar", "Long", "aantal", ages),
        Topic("k_25Tot45Jaar", "25 tot 45 jaar", "Long", "aantal", ages),
        Topic("k_45Tot65Jaar", "45 tot 65 jaar", "Long", "aantal", ages),
        Topic("k_65JaarOfOuder", "65 jaar of ouder", "Long", "aantal", ages),
    ]
    if year >= 2022:
        topics.append(
            Topic("Ongehuwd", "Ongehuwd", "Long", "aantal", (*POPULATION, "Burgerlijke staat"))
        )
    if year >= 2024:
        topics += ORIGIN_TOPICS
    topics += [
        Topic("HuishoudensTotaal", "Huishoudens totaal", "Long", "aantal", HOUSEHOLDS),
        Topic("Eenpersoonshuishoudens", "Eenpersoonshuishoudens", "Long", "aantal", HOUSEHOLDS),
        Topic(
            "HuishoudensZonderKinderen", "Huishoudens zonder kinderen", "Long", "aantal", HOUSEHOLDS
        ),
        Topic("HuishoudensMetKinderen", "Huishoudens met kinderen", "Long", "aantal", HOUSEHOLDS),
        Topic(
            "GemiddeldeHuishoudensgrootte",
            "Gemiddelde huishoudensgrootte",
            "Double",
            "aantal",
            HOUSEHOLDS,
        ),
        Topic(
            "Bevolkingsdichtheid",
            "Bevolkingsdichtheid",
            "Long",
            "aantal inwoners per km²",
            POPULATION,
        ),
        Topic("Woningvoorraad", "Woningvoorraad", "Long", "aantal", HOUSING),
    ]
    # renamed with the renewed housing variables of KWB 2024, as at CBS
    if year >= 2024:
        topics.append(
            Topic(
                "GemiddeldeWOZWaardeVanWoningen",
                "Gemiddelde WOZ-waarde van woningen",
                "Long",
                "x 1 000 euro",
                HOUSING,
            )
        )
    else:
        topics.append(
            Topic(
                "GemiddeldeWoningwaarde", "Gemiddelde woningwaarde", "Long", "x 1 000 euro", HOUSING
            )
        )
    return topics + _pillar_topics(year)


SOCIAL = ("Inkomen en sociale zekerheid",)


def _pillar_topics(year: int) -> list[Topic]:
    """Housing tenure, education, labour, income and benefits, after the older topics
    so their positions stay as they were."""
    school = ("Onderwijs",)
    education = (
        Topic("BasisonderwijsVmboMbo1", "Basisonderwijs, vmbo, mbo1", "Long", "aantal", school)
        if year >= 2024
        else Topic("OpleidingsniveauLaag", "Opleidingsniveau laag ", "Long", "aantal", school)
    )
    return [
        Topic("Koopwoningen", "Koopwoningen", "Long", "%", HOUSING),
        Topic("InBezitWoningcorporatie", "In bezit woningcorporatie", "Long", "%", HOUSING),
        education,
        Topic("Nettoarbeidsparticipatie", "Nettoarbeidsparticipatie", "Double", "%", ("Arbeid",)),
        Topic(
            "GemiddeldInkomenPerInwoner", "Gemiddeld inkomen per inwoner ", "Double",
            "x 1 000 euro", SOCIAL,
        ),
        Topic(
            "HuishoudensMetEenLaagInkomen", "Huishoudens met een laag inkomen", "Double", "%",
            SOCIAL,
        ),
        Topic(
            "HuishOnderOfRondSociaalMinimum", "Huish. onder of rond sociaal minimum", "Double",
            "%", SOCIAL,
        ),
        Topic(
            "PersonenPerSoortUitkeringBijstand", "Personen per soort uitkering; Bijstand", "Long",
            "aantal", SOCIAL,
        ),
        Topic("WmoClienten", "Wmo-cliënten", "Long", "aantal", SOCIAL),
    ]  # fmt: skip


def odata_keys(year: int) -> list[str]:
    """The OData column keys of the year's table: `<base>_<position>`."""
    return [f"{topic.base}_{i}" for i, topic in enumerate(topic_keys(year), start=1)]


def _data_properties(year: int) -> list[dict]:
    """DataProperties as CBS gives them: TopicGroups (Key '') before their first topic.

    IDs number groups and topics together; `Position` and the key suffix count topics
    only; a topic's and a group's ParentID is the ID of the group it sits in.
    """
    props: list[dict] = [
        {
            "odata.type": "Cbs.OData.GeoDetail",
            "ID": 0,
            "Position": 0,
            "ParentID": None,
            "Type": "GeoDetail",
            "Key": "WijkenEnBuurten",
            "Title": "Wijken en buurten",
            "Description": "",
            "MapYear": year,
        }
    ]
    group_ids: dict[tuple[str, ...], int] = {}
    for position, topic in enumerate(topic_keys(year), start=1):
        for depth in range(1, len(topic.groups) + 1):
            path = topic.groups[:depth]
            if path not in group_ids:
                group_ids[path] = len(props)
                props.append(
                    {
                        "odata.type": "Cbs.OData.TopicGroup",
                        "ID": len(props),
                        "Position": None,
                        "ParentID": group_ids.get(path[:-1]),
                        "Type": "TopicGroup",
                        "Key": "",
                        "Title": path[-1],
                        "Description": None,
                    }
                )
        props.append(
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": len(props),
                "Position": position,
                "ParentID": group_ids.get(topic.groups),
                "Type": "Topic",
                "Key": f"{topic.base}_{position}",
                "Title": topic.title,
                "Description": "",
                "Datatype": topic.datatype,
                "Unit": topic.unit,
                "Decimals": 1 if topic.datatype == "Double" else 0,
                "Default": "Impossible" if topic.datatype == "String" else "Missing",
                "PresentationType": "Absolute",
            }
        )
    return props


def _table_infos(table_id: str, year: int) -> list[dict]:
    return [
        {
            "odata.type": "Cbs.OData.TableInfo",
            "ID": 0,
            "Title": f"SYNTHETISCH — Kerncijfers wijken en buurten {year}",
            "ShortTitle": f"Kerncijfers wijken en buurten {year}",
            "Identifier": table_id,
            "Summary": "Synthetische gegevens van de wijkmonitor-demo, in het formaat van CBS.",
            "Modified": f"{year + 1}-03-27T02:00:00",
            "Period": str(year),
            "ShortDescription": "Synthetische demo: deze cijfers beschrijven geen echte wijk.",
            "Language": "nl",
            "Catalog": "CBS",
            "Frequency": "Perjaar",
            "Status": "Definitief",
            "Synthetic": True,
        }
    ]


GEMEENTE_SIZE = {"GM0344": 370_000, "GM0307": 160_000, "GM0355": 66_000, "GM0356": 64_000}


def _gemeente_sizes(project: Project, regions: list[Region]) -> dict[str, int]:
    """Inhabitants per gemeente: the listed four as they are, a generated one drawn from
    its code (40,000 to 200,000), in that order, so the listed ones keep their values."""
    sizes = dict(GEMEENTE_SIZE)
    for region in regions:
        if region.level == "gemeente" and region.code not in sizes:
            draw = _rng(project, 5, _code_seed(region.code)).uniform(40_000, 200_000)
            sizes[region.code] = int(draw)
    return sizes


def _base_population(project: Project, regions: list[Region]) -> dict[str, float]:
    """Inhabitants per buurt/wijk in the first year; totals add up level by level."""
    rng = _rng(project, 0)
    sizes: dict[str, float] = {}
    for gemeente, total in _gemeente_sizes(project, regions).items():
        members = [r for r in regions if r.gemeente == gemeente]
        wijken = [r for r in members if r.level == "wijk"]
        buurten = [r for r in members if r.level == "buurt"]
        for wijk in wijken:
            own = [b for b in buurten if b.code[2:8] == wijk.code[2:]]
            if own:
                for buurt in own:
                    sizes[buurt.code] = float(int(total / len(buurten) * rng.uniform(0.15, 1.8)))
                sizes[wijk.code] = sum(sizes[b.code] for b in own)
            else:
                sizes[wijk.code] = float(int(total / len(wijken) * rng.uniform(0.6, 1.4)))
    return sizes


# Nederland as CBS published it, from the real recordings in ../shared/data/cbs
# (SOURCES.md there); the demo's Nederland follows these and every area drifts with them.
NEDERLAND_INHABITANTS = {
    2019: 17_282_163,  # KWB 2019, sum of the 355 gemeenten (ujjwalx_dsa2022/kwb-2019.csv)
    2020: 17_407_585,  # CBS StatLine, bevolking op 1 januari 2020 (no recording)
    2021: 17_475_415,  # CBS StatLine, bevolking op 1 januari 2021 (no recording)
    2022: 17_590_672,  # Gebieden in Nederland 2022, sum of Inwonertal (85067NED)
    2023: 17_811_291,  # KWB 2023, sum of the gemeenten (stdekker gemeenten_2023.geojson)
    2024: 17_942_942,  # KWB 2024, sum of the gemeenten (niquedegraaff 85984NED)
}
NEDERLAND_AGE_SHARES = {
    # shares of AGE_GROUPS in %: KWB 2019 (counts summed over the gemeenten) and KWB 2023
    # (gemeente percentages weighted by inhabitants); other years on the line through them
    2019: (15.85, 12.34, 24.62, 28.01, 19.18),
    2023: (15.33, 12.31, 25.28, 26.82, 20.20),
}
NEDERLAND_MEN = {2019: 49.65, 2023: 49.69}  # % men, KWB 2019 and 2023 (summed counts)
NEDERLAND_UNMARRIED = {2019: 48.46, 2023: 49.71}  # % ongehuwd, KWB 2019 and 2023
NEDERLAND_HOUSEHOLDS_2023 = 8_270_244  # KWB 2023, sum of aantalHuishoudens
NEDERLAND_HOUSEHOLD_MIX_2023 = (39.47, 28.54, 32.01)  # % one person, no children, children
NEDERLAND_ORIGIN_2023 = (72.85, 9.05, 18.03)  # % herkomst Nederland, Europa, buiten Europa
NEDERLAND_DWELLINGS_2024 = 8_204_049  # KWB 2024, sum of Woningvoorraad over the gemeenten
NEDERLAND_LAND_KM2 = 33_647.0  # KWB 2023 and 2024, land area summed over the gemeenten
# Demo assumptions, not CBS figures: the average household shrinks by 0.003 persons a
# year, the share of one-person households grows by 0.25 percentage point, the dwelling
# stock by 0.9% and the average WOZ value by 7% a year.
HOUSEHOLD_SIZE_DRIFT = -0.003
SINGLE_SHARE_DRIFT = 0.25
DWELLING_GROWTH = 0.009
WOZ_GROWTH = 0.07
NEDERLAND_WOZ_2019 = 250.0  # x 1 000 euro, a round demo level


def _on_line(points: dict[int, float], year: int) -> float:
    """A value on the straight line through two anchor years (extrapolated beyond them)."""
    (y0, v0), (y1, v1) = sorted(points.items())
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


def _compound(rate: float, years: int) -> float:
    """(1 + rate) ** years by repeated multiplication: IEEE-exact steps give the same
    bits on every CPU, where libm's pow may differ in the last digit."""
    factor = 1.0
    for _ in range(abs(years)):
        factor *= 1 + rate
    return factor if years >= 0 else 1 / factor


class Profile(NamedTuple):
    """An area's make-up in one year, as shares and ratios; counts follow from it.

    To add a KWB column to the demo, add its share here, in `_nederland_profile` and
    `_area_profile`, and its count in `_counts`.
    """

    ages: np.ndarray  # shares of AGE_GROUPS, summing to 1
    men: float
    unmarried: float
    dutch_origin: float
    europe_origin: float  # share of the non-Dutch-origin inhabitants
    household_size: float
    single: float  # share of households of one person
    with_children: float  # share of the other households that have children
    dwellings_per_household: float
    woz: float  # average WOZ value, x 1 000 euro


def _nederland_inhabitants(project: Project, year: int) -> int:
    """Nederland's inhabitants on 1 January of `year`: CBS's (above), else the cycle's
    `demo.nederland_inhabitants` (`wijkmonitor cycle open` writes it for a new year);
    a cycle year without either is an error that says how to add it, never a guess."""
    known = {**NEDERLAND_INHABITANTS, **project.cycle.demo.nederland_inhabitants}
    if year not in known:
        raise ValueError(
            f"the demo has no Nederland figures for {year}: open the year with "
            f"`wijkmonitor cycle open {year}` (it writes demo.nederland_inhabitants in "
            "params/cycle.yaml), or set demo.nederland_inhabitants there (CBS StatLine, "
            "1 januari)"
        )
    return known[year]


def extrapolated_inhabitants(project: Project, year: int) -> int:
    """Nederland's inhabitants in `year` on the line through the two latest known years:
    what `wijkmonitor cycle open` writes for a demo year CBS has no figure of yet."""
    known = {**NEDERLAND_INHABITANTS, **project.cycle.demo.nederland_inhabitants}
    if year in known:
        return known[year]
    last = sorted(known)[-2:]
    return round(_on_line({y: float(known[y]) for y in last}, year))


def _nederland_profile(project: Project, year: int) -> Profile:
    """Nederland's make-up in `year`, from the anchors above."""
    ages = np.array(
        [_on_line({y: s[i] for y, s in NEDERLAND_AGE_SHARES.items()}, year) for i in range(5)]
    )
    size_2023 = NEDERLAND_INHABITANTS[2023] / NEDERLAND_HOUSEHOLDS_2023
    size = size_2023 + HOUSEHOLD_SIZE_DRIFT * (year - 2023)
    households = _nederland_inhabitants(project, year) / size
    dwellings = NEDERLAND_DWELLINGS_2024 * _compound(DWELLING_GROWTH, year - 2024)
    single, without, _ = NEDERLAND_HOUSEHOLD_MIX_2023
    dutch, europe, outside = NEDERLAND_ORIGIN_2023
    return Profile(
        ages=ages / ages.sum(),
        men=_on_line(NEDERLAND_MEN, year) / 100,
        unmarried=_on_line(NEDERLAND_UNMARRIED, year) / 100,
        dutch_origin=dutch / 100,
        europe_origin=europe / (europe + outside),
        household_size=size,
        single=(single + SINGLE_SHARE_DRIFT * (year - 2023)) / 100,
        with_children=(100 - single - without) / (100 - single),
        dwellings_per_household=dwellings / households,
        woz=NEDERLAND_WOZ_2019 * _compound(WOZ_GROWTH, year - 2019),
    )


def _area_profile(project: Project, code: str, year: int) -> Profile:
    """An area's make-up: its own stable level (drawn once from its code) moving as
    Nederland's does, plus a little noise per year, so its lines are smooth but not straight."""
    first = project.cycle.cycle.years[0]
    rng = _rng(project, 1, _code_seed(code))
    ages = np.array([0.16, 0.12, 0.27, 0.26, 0.19]) * rng.uniform(0.7, 1.3, 5)
    men, unmarried, dutch = rng.uniform(0.47, 0.52), rng.uniform(0.45, 0.55), rng.uniform(0.5, 0.85)
    europe, size, single = rng.uniform(0.25, 0.5), rng.uniform(1.7, 2.4), rng.uniform(0.3, 0.55)
    children, dwellings = rng.uniform(0.35, 0.6), rng.uniform(1.0, 1.05)
    woz = rng.uniform(180, 520)
    now, then = _nederland_profile(project, year), _nederland_profile(project, first)
    noise = _rng(project, 2, year, _code_seed(code)).normal(0, 1, 4)
    ages = ages * now.ages / then.ages
    return Profile(
        ages=ages / ages.sum(),
        men=men,
        unmarried=unmarried + now.unmarried - then.unmarried,
        dutch_origin=dutch - 0.004 * (year - first),
        europe_origin=europe,
        household_size=size * now.household_size / then.household_size * (1 + 0.004 * noise[0]),
        single=single + now.single - then.single + 0.004 * noise[1],
        with_children=children + 0.004 * noise[2],
        dwellings_per_household=dwellings,
        woz=woz * now.woz / then.woz * (1 + 0.01 * noise[3]),
    )


def _counts(inhabitants: int, profile: Profile, area_km2: float) -> dict[str, float]:
    """The KWB counts of an area with `inhabitants` and `profile`, internally consistent
    (age groups and men/women add up to the inhabitants, household types to households)."""
    ages = np.floor(profile.ages * inhabitants).astype(int)
    ages[2] += inhabitants - ages.sum()
    mannen = round(inhabitants * profile.men)
    households = round(inhabitants / profile.household_size)
    single = round(households * profile.single)
    with_children = round((households - single) * profile.with_children)
    dwellings = round(households * profile.dwellings_per_household)
    return {
        "AantalInwoners": inhabitants,
        "Mannen": mannen,
        "Vrouwen": inhabitants - mannen,
        **{group: int(n) for group, n in zip(AGE_GROUPS, ages, strict=True)},
        "Ongehuwd": round(inhabitants * profile.unmarried),
        "herkomst_nederland": round(inhabitants * profile.dutch_origin),
        "HuishoudensTotaal": households,
        "Eenpersoonshuishoudens": single,
        "HuishoudensZonderKinderen": households - single - with_children,
        "HuishoudensMetKinderen": with_children,
        "Woningvoorraad": dwellings,
        "Oppervlakte": area_km2,
        # WOZ value summed over dwellings, so a parent's average is dwelling-weighted
        "WozSom": dwellings * profile.woz,
    }


def _area_km2(project: Project, code: str, first_inhabitants: float) -> float:
    """A leaf area's land area, the same every year: its first-year inhabitants over a
    density drawn once (1,500 to 8,000 per km², as in Dutch towns and city wijken)."""
    density = _rng(project, 10, _code_seed(code)).uniform(1_500, 8_000)
    return max(first_inhabitants, 1.0) / density


def _leaf_values(
    project: Project, code: str, inhabitants: int, year: int, area_km2: float
) -> dict[str, float]:
    """Counts for one leaf area (buurt, or wijk without buurten), internally consistent."""
    profile = _area_profile(project, code, year)
    values = _counts(inhabitants, profile, area_km2)
    dutch = int(values["herkomst_nederland"])  # a count (round() above); the dict holds floats too
    values.update(_origin_counts(project, code, inhabitants, dutch, profile.europe_origin))
    values.update(_pillar_counts(project, code, year, values))
    return values


def _nederland_values(project: Project, year: int) -> dict[str, float]:
    """Nederland: CBS's published figures of the year (see the anchors above)."""
    inhabitants = _nederland_inhabitants(project, year)
    profile = _nederland_profile(project, year)
    values = _counts(inhabitants, profile, NEDERLAND_LAND_KM2)
    dutch = int(values["herkomst_nederland"])
    values.update(_origin_counts(project, "NL00", inhabitants, dutch, profile.europe_origin))
    values.update(_pillar_counts(project, "NL00", year, values))
    return values


class PillarRate(NamedTuple):
    """One housing, education, labour, income or benefit rate of the demo: Nederland's
    level in the first cycle year, the range an area's own level is drawn from (once per
    area), and the change a year (added; income grows by `growth` a year)."""

    nederland: float
    low: float
    high: float
    worse: int  # +1: a higher rate is the disadvantaged side (bijstand); -1: lower (income)
    drift: float = 0.0
    growth: float = 0.0


# Demo assumptions in the order of magnitude of CBS's KWB figures for Nederland (about
# 57% owner-occupied dwellings, 29% of corporations, labour participation near 68%,
# 8% low-income households, 23 per 1,000 on bijstand, 75 per 1,000 Wmo clients); not
# CBS's published values. Each area keeps its level and moves with Nederland; a
# programme area draws its level from the disadvantaged half of the range.
PILLAR_RATES = {
    "owned": PillarRate(0.57, 0.15, 0.75, -1, drift=0.002),  # of dwellings
    "corporation": PillarRate(0.68, 0.40, 0.85, 1),  # of the dwellings not owner-occupied
    "low_education": PillarRate(0.28, 0.15, 0.45, 1, drift=-0.004),  # of ages 15-65
    "employed": PillarRate(0.67, 0.55, 0.75, -1, drift=0.003),  # of ages 15-65
    "income": PillarRate(30.0, 22.0, 40.0, -1, growth=0.03),  # x 1 000 euro per inhabitant
    "low_income": PillarRate(0.08, 0.04, 0.16, 1, drift=-0.001),  # of households
    "social_minimum": PillarRate(0.075, 0.05, 0.18, 1, drift=-0.001),  # of households
    "bijstand": PillarRate(0.023, 0.01, 0.07, 1, drift=-0.0005),  # of inhabitants
    "wmo": PillarRate(0.075, 0.04, 0.12, 1, drift=0.002),  # of inhabitants
}


def _pillar_rates(project: Project, code: str, year: int) -> dict[str, float]:
    """An area's rates in `year`: its own level (Nederland's for NL00), the yearly drift
    or growth since the first cycle year, and half a percent of noise per year, so that
    its series are smooth like the other columns' (streams of their own keep the other
    columns' values as they were before these were added)."""
    years = year - project.cycle.cycle.years[0]
    rates = list(PILLAR_RATES.values())
    if code == "NL00":
        levels = np.array([rate.nederland for rate in rates])
        noise = np.zeros(len(rates))
    else:
        low, high = np.array([r.low for r in rates]), np.array([r.high for r in rates])
        if _in_programme_area(project, code):
            middle, worse = (low + high) / 2, np.array([r.worse for r in rates])
            low, high = np.where(worse > 0, middle, low), np.where(worse > 0, high, middle)
        levels = _rng(project, 10, _code_seed(code)).uniform(low, high)
        noise = _rng(project, 11, year, _code_seed(code)).normal(0, 0.005, len(rates))
    return {
        name: (level * _compound(rate.growth, years) + rate.drift * years) * (1 + jitter)
        for (name, rate), level, jitter in zip(PILLAR_RATES.items(), levels, noise, strict=True)
    }


def _in_programme_area(project: Project, code: str) -> bool:
    """A leaf area that is, or lies in, an area of one of the programmes."""
    codes = {c for p in project.programmes.values() for period in p.areas for c in period.codes}
    return code in codes or f"WK{code[2:8]}" in codes


def _pillar_counts(project: Project, code: str, year: int, values: dict) -> dict[str, float]:
    """Counts behind the housing, education, labour, income and benefit figures."""
    rate = _pillar_rates(project, code, year)
    inhabitants, households = values["AantalInwoners"], values["HuishoudensTotaal"]
    dwellings = values["Woningvoorraad"]
    owned = round(dwellings * rate["owned"])
    working_age = values["k_15Tot25Jaar"] + values["k_25Tot45Jaar"] + values["k_45Tot65Jaar"]
    return {
        "Koop": owned,
        "Corporatie": round((dwellings - owned) * rate["corporation"]),
        "OpleidingsniveauLaag": round(working_age * rate["low_education"]),
        "Werkzaam": round(working_age * rate["employed"]),
        "Beroepsleeftijd": working_age,
        "InkomenSom": inhabitants * rate["income"],
        "LaagInkomen": round(households * rate["low_income"]),
        "SociaalMinimum": round(households * rate["social_minimum"]),
        "PersonenPerSoortUitkeringBijstand": round(inhabitants * rate["bijstand"]),
        "WmoClienten": round(inhabitants * rate["wmo"]),
    }


PILLAR_COUNTS = [
    "Koop",
    "Corporatie",
    "OpleidingsniveauLaag",
    "Werkzaam",
    "Beroepsleeftijd",
    "InkomenSom",
    "LaagInkomen",
    "SociaalMinimum",
    "PersonenPerSoortUitkeringBijstand",
    "WmoClienten",
]


def _origin_counts(
    project: Project, code: str, inhabitants: int, dutch: int, europe_share: float
) -> dict[str, int]:
    """Country of origin: the three herkomstland counts add up to the inhabitants.

    Everyone of Dutch origin is born in the Netherlands (CBS's definition), so the
    "geboren in Nederland, Nederland" column equals `herkomst_nederland`; the other
    two origins are split by country of birth, with shares stable per area.
    """
    rng = _rng(project, 9, _code_seed(code))
    other = inhabitants - dutch
    europa = round(other * europe_share)
    buiten = other - europa
    born_here_europa = round(europa * rng.uniform(0.3, 0.5))
    born_here_buiten = round(buiten * rng.uniform(0.35, 0.55))
    return {
        "herkomst_europa": europa,
        "herkomst_buiten_europa": buiten,
        "geboren_in_nl_europa": born_here_europa,
        "geboren_in_nl_buiten_europa": born_here_buiten,
        "geboren_buiten_nl_europa": europa - born_here_europa,
        "geboren_buiten_nl_buiten_europa": buiten - born_here_buiten,
    }


SUMMED = [
    "AantalInwoners",
    "Mannen",
    "Vrouwen",
    *AGE_GROUPS,
    "Ongehuwd",
    *ORIGIN_VALUES,
    "HuishoudensTotaal",
    "Eenpersoonshuishoudens",
    "HuishoudensZonderKinderen",
    "HuishoudensMetKinderen",
    "Woningvoorraad",
    "Oppervlakte",
    "WozSom",
    *PILLAR_COUNTS,
]


def _year_values(project: Project, regions: list[Region], year: int) -> dict[str, dict]:
    """Values of every region in one year: leaves drift, parents are sums of children."""
    base = _base_population(project, regions)
    values: dict[str, dict] = {}
    leaves = [r for r in regions if r.code in base and not _has_children(r, base)]
    for leaf in leaves:
        first = base[leaf.code]
        inhabitants = _inhabitants(project, leaf.code, first, year)
        area = _area_km2(project, leaf.code, first)
        values[leaf.code] = _leaf_values(project, leaf.code, inhabitants, year, area)
    for region in regions:
        if region.level == "wijk" and region.code not in values:
            children = [c for c in values if c.startswith("BU") and c[2:8] == region.code[2:]]
            values[region.code] = _sum(values, children)
    for region in regions:
        if region.level == "gemeente":
            wijken = [c for c in values if c.startswith("WK") and c[2:6] == region.code[2:]]
            values[region.code] = _sum(values, wijken)
    values["NL00"] = _nederland_values(project, year)
    return values


def _inhabitants(project: Project, code: str, first: float, year: int) -> int:
    """An area's inhabitants: its first-year size growing at its own steady rate
    (-0.4% to +1.2% a year; Nederland grew about 0.8%) with a little noise per year."""
    years_since = year - project.cycle.cycle.years[0]
    growth = _rng(project, 3, _code_seed(code)).uniform(-0.004, 0.012)
    noise = _rng(project, 3, year, _code_seed(code)).normal(0, 0.003) if years_since else 0.0
    return round(first * _compound(growth, years_since) * (1 + noise))


def _has_children(region: Region, base: dict[str, float]) -> bool:
    return region.level == "wijk" and any(
        c.startswith("BU") and c[2:8] == region.code[2:] for c in base
    )


def _sum(values: dict[str, dict], codes: list[str]) -> dict[str, float]:
    return {key: sum(values[c][key] for c in codes) for key in SUMMED}


def _row(region: Region, year: int, counts: dict, row_id: int, gemeente_names: dict) -> dict:
    derived = {
        "Gemeentenaam": pad(gemeente_names.get(region.gemeente, "Nederland"), 24),
        "SoortRegio": pad(SOORT[region.level]),
        "Codering": pad(region.code),
        "GemiddeldeHuishoudensgrootte": round(
            counts["AantalInwoners"] / max(counts["HuishoudensTotaal"], 1), 1
        ),
        "Bevolkingsdichtheid": round(counts["AantalInwoners"] / counts["Oppervlakte"]),
    }
    derived["GemiddeldeWoningwaarde"] = derived["GemiddeldeWOZWaardeVanWoningen"] = round(
        counts["WozSom"] / max(counts["Woningvoorraad"], 1)
    )
    derived.update(_pillar_figures(counts))
    row: dict = {"ID": row_id, "WijkenEnBuurten": pad(region.code)}
    for key, topic in zip(odata_keys(year), topic_keys(year), strict=True):
        if topic.base.startswith("Indelingswijziging"):
            row[key] = pad("1")
        elif topic.base in derived:
            row[key] = derived[topic.base]
        else:
            row[key] = int(counts[topic.value or topic.base])
    return row


def _pillar_figures(counts: dict) -> dict[str, float]:
    """Percentages and averages of a region from its (summed) counts, as CBS rounds them."""
    dwellings = max(counts["Woningvoorraad"], 1)
    households = max(counts["HuishoudensTotaal"], 1)
    return {
        "Koopwoningen": round(counts["Koop"] / dwellings * 100),
        "InBezitWoningcorporatie": round(counts["Corporatie"] / dwellings * 100),
        "BasisonderwijsVmboMbo1": counts["OpleidingsniveauLaag"],
        "Nettoarbeidsparticipatie": round(
            counts["Werkzaam"] / max(counts["Beroepsleeftijd"], 1) * 100, 1
        ),
        "GemiddeldInkomenPerInwoner": round(
            counts["InkomenSom"] / max(counts["AantalInwoners"], 1), 1
        ),
        "HuishoudensMetEenLaagInkomen": round(counts["LaagInkomen"] / households * 100, 1),
        "HuishOnderOfRondSociaalMinimum": round(counts["SociaalMinimum"] / households * 100, 1),
    }


SECRET_BELOW = {
    # columns CBS keeps secret (null, never zero) in buurten below so many inhabitants;
    # the demo's own thresholds (CBS sets its rules per column), not CBS's figures
    ("Eenpersoonshuishoudens", "HuishoudensMetKinderen"): 600,
    ("Nederland", "EuropaExclusiefNederland", "BuitenEuropa"): 400,
}


def _secret(row: dict, region: Region) -> dict:
    """CBS withholds some figures of small buurten: null, never zero."""
    if region.level != "buurt":
        return row
    inhabitants = row[_key_of(row, "AantalInwoners")]
    for bases, threshold in SECRET_BELOW.items():
        if inhabitants < threshold:
            for key in list(row):
                if key.rsplit("_", 1)[0] in bases:
                    row[key] = None
    return row


def _key_of(row: dict, base: str) -> str:
    return next(k for k in row if k.rsplit("_", 1)[0] == base)


def kwb_table(project: Project, year: int) -> dict[str, list]:
    """One year's KWB table as cbsodata stores it: entity set name -> records."""
    regions = demo_regions(project)
    values = _year_values(project, regions, year)
    names = {r.code: r.name for r in regions if r.level == "gemeente"}
    rows = [
        _secret(_row(region, year, values[region.code], i, names), region)
        for i, region in enumerate(regions)
    ]
    dimension = [
        {
            "Key": pad(r.code),
            "Title": r.name,
            "Description": "",
            "Municipality": r.gemeente or None,
            "DetailRegionCode": r.code,
        }
        for r in regions
    ]
    table_id = project.cycle.kwb_table(year)
    return {
        "TableInfos": _table_infos(table_id, year),
        "DataProperties": _data_properties(year),
        "CategoryGroups": [],
        "TypedDataSet": rows,
        "WijkenEnBuurten": dimension,
    }


def write_demo(
    project: Project,
    paths: Paths,
    part: Literal["cbs", "local"],
    gebieden_table: str | None = None,
) -> list[Path]:
    """The demo data of the cycle, where the stages read the real ones: "cbs" writes the
    synthetic CBS tables into data/raw/cbs (with the gebieden table the profiles ask
    for), "local" the survey, registrations and notes into data/raw/demo."""
    if part == "cbs":
        return write_demo_cbs(project, paths.raw_cbs, gebieden_table)
    if part == "local":
        return write_demo_local(project, paths.raw_demo)
    raise ValueError(f"demo part {part!r}: 'cbs' or 'local'")


CRIME_DEMO_TABLE = "47018NED"
CRIME_LEVELS = {"gemeente": "Gemeente", "wijk": "Wijk", "buurt": "Buurt"}


def _crime_rate(project: Project, code: str, year: int) -> float:
    """A leaf area's registered crimes per 1,000 inhabitants: its own level (25-80, a
    little higher in a programme area) with a few percent of noise per year."""
    level = _rng(project, 7, _code_seed(code)).uniform(25, 80)
    level *= 1.15 if _in_programme_area(project, code) else 1.0
    return float(level * (1 + _rng(project, 7, year, _code_seed(code)).normal(0, 0.05)))


def crime_table(project: Project) -> dict[str, list]:
    """Registered crime (47018NED, total only) of every demo area and cycle year, as
    cbsodata stores the police table: SYNTHETIC counts from the demo's inhabitants.

    Buurten (and wijken without buurten) get their own rate; a wijk is the sum of its
    buurten, a gemeente of its wijken, as the police table's areas add up.
    """
    regions = [r for r in demo_regions(project) if r.level in CRIME_LEVELS]
    names = {r.code: r.name for r in regions if r.level == "gemeente"}
    years = list(project.cycle.cycle.years)
    rows: list[dict] = []
    for year in years:
        values = _year_values(project, demo_regions(project), year)
        counts: dict[str, int] = {}
        for region in regions:
            children = [c for c in values if c.startswith("BU") and c[2:8] == region.code[2:]]
            if region.level == "buurt" or (region.level == "wijk" and not children):
                people = float(values.get(region.code, {}).get("AantalInwoners", 0.0))
                counts[region.code] = round(people * _crime_rate(project, region.code, year) / 1000)
        for region in regions:
            if region.level == "wijk" and region.code not in counts:
                parts = [c for c in counts if c.startswith("BU") and c[2:8] == region.code[2:]]
                counts[region.code] = sum(counts[c] for c in parts)
        for region in regions:
            if region.level == "gemeente":
                parts = [c for c in counts if c.startswith("WK") and c[2:6] == region.code[2:]]
                counts[region.code] = sum(counts[c] for c in parts)
        for region in regions:
            rows.append(
                {
                    "ID": len(rows),
                    "SoortMisdrijf": "0.0.0 ",
                    "WijkenEnBuurten": pad(region.code),
                    "Perioden": f"{year}JJ00",
                    "GeregistreerdeMisdrijven_1": counts.get(region.code),
                    "Gemeentenaam_2": names.get(region.gemeente, "").ljust(30),
                    "SoortRegio_3": CRIME_LEVELS[region.level].ljust(8),
                }
            )
    topic = {"Datatype": "Long", "Unit": "aantal", "Decimals": 0, "Default": "Zero"}
    return {
        "TableInfos": [
            {
                "ID": 0,
                "Title": "SYNTHETISCH — Geregistreerde misdrijven; soort misdrijf, wijk, buurt",
                "Identifier": CRIME_DEMO_TABLE,
                "Summary": "Synthetische gegevens van de wijkmonitor-demo, in het formaat "
                "van de politietabel.",
                "Modified": f"{max(years) + 1}-04-15T02:00:00",
                "Period": f"{min(years)}-{max(years)}",
                "Catalog": "Politie",
                "Language": "nl",
                "Synthetic": True,
            }
        ],
        "DataProperties": [
            {"ID": 0, "Position": 0, "Type": "Dimension", "Key": "SoortMisdrijf"},
            {"ID": 1, "Position": 1, "Type": "GeoDetail", "Key": "WijkenEnBuurten"},
            {"ID": 2, "Position": 2, "Type": "TimeDimension", "Key": "Perioden"},
            {
                "ID": 3,
                "Position": 3,
                "Type": "Topic",
                "Key": "GeregistreerdeMisdrijven_1",
                "Title": "Geregistreerde misdrijven",
                **topic,
            },
            {
                "ID": 5,
                "Position": 4,
                "Type": "Topic",
                "Key": "Gemeentenaam_2",
                "Title": "Gemeentenaam",
                "Datatype": "String",
            },
            {
                "ID": 6,
                "Position": 5,
                "Type": "Topic",
                "Key": "SoortRegio_3",
                "Title": "Soort regio",
                "Datatype": "String",
            },
        ],
        "CategoryGroups": [],
        "SoortMisdrijf": [{"Key": "0.0.0 ", "Title": "Totaal misdrijven", "Description": ""}],
        "Perioden": [
            {"Key": f"{y}JJ00", "Title": str(y), "Description": "", "Status": "Definitief"}
            for y in years
        ],
        "TypedDataSet": rows,
        "WijkenEnBuurten": [
            {"Key": pad(r.code), "Title": r.name, "Description": "", "DetailRegionCode": r.code}
            for r in regions
        ],
    }


def write_demo_cbs(
    project: Project, out_dir: Path, gebieden_table: str | None = None
) -> list[Path]:
    """Write a synthetic KWB table for every year of the cycle into `out_dir/<TableId>/`,
    the police's registered crime (47018NED), and the gebieden table
    `gebieden_table` when the profiles ask for one."""
    written: list[Path] = []
    years = project.cycle.cycle.years
    tables = {project.cycle.kwb_table(year): kwb_table(project, year) for year in years}
    tables[CRIME_DEMO_TABLE] = crime_table(project)
    if gebieden_table:
        tables[gebieden_table] = gebieden_tables(project, gebieden_table)
    with atomic_dir(out_dir) as tmp:
        for table_id, entity_sets in tables.items():
            folder = tmp / table_id
            folder.mkdir()
            for name, records in entity_sets.items():
                (folder / f"{name}.json").write_text(_json_text(records), encoding="utf-8")
            written.append(out_dir / table_id)
    return written


# The four demo gemeenten's provincie and GGD-regio as CBS classifies them (real codes
# and names, from "Gebieden in Nederland 2022", 85067NED); any other gemeente of the
# demo gets a SYNTHETIC provincie and GGD-regio that do not exist (PV99, GG9999).
DEMO_GROUPINGS = {
    g: (("PV26", "Utrecht"), ("GG2514", "GGD Regio Utrecht"))
    for g in ("GM0307", "GM0344", "GM0355", "GM0356")
}
SYNTHETIC_GROUPINGS = (
    ("PV99", "Demoprovincie (synthetisch)"),
    ("GG9999", "Demo-GGD (synthetisch)"),
)


def gebieden_tables(project: Project, table_id: str) -> dict[str, list]:
    """A "Gebieden in Nederland" table of the demo's gemeenten, in CBS's shape (the
    entity sets cbsodata writes), with the provincie and GGD-regio groupings only."""
    year = project.cycle.cycle.year
    gemeenten = [r for r in demo_regions(project) if r.level == "gemeente"]
    topic = lambda i, parent, key, title: {  # noqa: E731
        "odata.type": "Cbs.OData.Topic",
        "ID": i,
        "Position": i,
        "ParentID": parent,
        "Type": "Topic",
        "Key": key,
        "Title": title,
        "Datatype": "String",
    }
    group = lambda i, title: {  # noqa: E731
        "odata.type": "Cbs.OData.TopicGroup",
        "ID": i,
        "ParentID": None,
        "Type": "TopicGroup",
        "Key": "",
        "Title": title,
    }
    properties = [
        {
            "odata.type": "Cbs.OData.Dimension",
            "ID": 0,
            "Type": "Dimension",
            "Key": "RegioS",
            "Title": "Regio's",
        },
        group(1, "Codes en namen van gemeenten"),
        topic(2, 1, "Code_1", "Code"),
        topic(3, 1, "Naam_2", "Naam"),
        group(4, "GGD-regio's"),
        topic(5, 4, "Code_3", "Code"),
        topic(6, 4, "Naam_4", "Naam"),
        group(7, "Provincies"),
        topic(8, 7, "Code_5", "Code"),
        topic(9, 7, "Naam_6", "Naam"),
    ]
    rows, dimension = [], []
    for i, region in enumerate(gemeenten):
        provincie, ggd = DEMO_GROUPINGS.get(region.code, SYNTHETIC_GROUPINGS)
        rows.append(
            {
                "ID": i,
                "RegioS": pad(region.code),
                "Code_1": pad(region.code),
                "Naam_2": pad(region.name, 50),
                "Code_3": pad(ggd[0]),
                "Naam_4": pad(ggd[1], 50),
                "Code_5": pad(provincie[0]),
                "Naam_6": pad(provincie[1], 50),
            }
        )
        dimension.append({"Key": pad(region.code), "Title": region.name, "CategoryGroupID": 1})
    infos = _table_infos(table_id, year)
    infos[0].update(
        Title=f"SYNTHETISCH — Gebieden in Nederland {year}",
        ShortTitle=f"Gebieden in Nederland {year}",
        Frequency="Perjaar",
    )
    return {
        "TableInfos": infos,
        "DataProperties": properties,
        "CategoryGroups": [],
        "RegioS": dimension,
        "TypedDataSet": rows,
    }


# ---------------------------------------------------------------------------- local


def _area_names(project: Project) -> dict[str, str]:
    return {r.code: r.name for r in demo_regions(project)}


def survey_areas(project: Project, year: int) -> list[str]:
    """Every area a survey wave reports on: programme members, gemeenten, Nederland."""
    codes: list[str] = ["NL00", *project.cycle.gemeenten]
    for key in project.cycle.programmes:
        programme = project.programmes[key]
        members = programme.area_codes(year) or programme.areas[0].codes
        codes.extend(members)
    return list(dict.fromkeys(codes))


def _respondents(rng: np.random.Generator, code: str) -> int:
    if code == "NL00":
        return int(rng.integers(380_000, 420_000))
    if code.startswith("GM"):
        return int(rng.integers(2_500, 9_000))
    if code.startswith("WK"):
        return int(rng.integers(300, 900))
    return int(rng.integers(24, 150))


def _area_offset(project: Project, code: str, indicator: str, spread: float, sign: int) -> float:
    """How far an area sits from Nederland: programme areas are disadvantaged ones."""
    rng = _rng(project, 5, _code_seed(code + indicator))
    if code == "NL00":
        return 0.0
    if code.startswith("GM"):
        return float(rng.normal(0, spread / 3))
    return float(sign * abs(rng.normal(0.8 * spread, 0.4 * spread)))


def survey_rows(project: Project) -> list[dict]:
    """The health-monitor export: one row per wave, area and indicator."""
    names = _area_names(project)
    rows = []
    for year in SURVEY_WAVES:
        for code in survey_areas(project, year):
            rng = _rng(project, 4, year, _code_seed(code))
            n = _respondents(rng, code)
            for indicator, (level, spread, sign) in SURVEY_INDICATORS.items():
                offset = _area_offset(project, code, indicator, spread, sign)
                trend = (year - 2020) * (0.4 if indicator == "Eenzaam" else -0.2)
                p = float(np.clip(level + offset + trend + rng.normal(0, 1.0), 2, 98))
                half = 1.96 * np.sqrt(p * (100 - p) / n)
                rows.append(
                    {
                        "jaar": year,
                        "gebiedcode": code,
                        "gebiednaam": names.get(code, code),
                        "indicator": indicator,
                        "percentage": f"{p:.1f}",
                        "ondergrens": f"{max(p - half, 0):.1f}",
                        "bovengrens": f"{min(p + half, 100):.1f}",
                        "n": n,
                    }
                )
    return rows


def _efforts_by_project(programme: Programme) -> dict[str, list[str]]:
    projects: dict[str, list[str]] = {}
    for goal in programme.goals:
        for effort in goal.efforts:
            projects.setdefault(effort.project, []).extend(effort.indicators)
    return projects


SMALL_COUNTS = {
    # programme: (year, registration column, total over its projects): a count below the
    # suppression threshold, so the demo shows a withheld year (Vollenhove is one buurt
    # with a handful of volunteers; in 2022 it had four)
    "vollenhove": (2022, "vrijwilligers", 4),
}


class Series(NamedTuple):
    """One project's yearly registration count: a level in the first year, a steady
    growth per year and a year-to-year wobble (relative standard deviation)."""

    level: float
    growth: float
    wobble: float

    def value(self, rng: np.random.Generator, years_since: int) -> float:
        return self.level * _compound(self.growth, years_since) * (1 + rng.normal(0, self.wobble))


def _project_series(project: Project, key: str, name: str, columns: list[str]) -> dict:
    """The series of one project's registration columns, drawn once from its names."""
    rng = _rng(project, 6, _code_seed(f"{key}/{name}"))
    scale = rng.uniform(0.5, 1.5)
    few = key in SMALL_COUNTS
    series = {
        "activiteiten": Series(rng.uniform(8, 40) * scale, rng.uniform(0.0, 0.1), 0.06),
        "deelnemers_per_activiteit": Series(rng.uniform(5, 12), rng.uniform(-0.02, 0.03), 0.05),
        "vrijwilligers": Series(
            rng.uniform(2, 5) if few else rng.uniform(5, 20) * scale,
            rng.uniform(-0.02, 0.06),
            0.08,
        ),
        "budget_eur": Series(rng.uniform(40_000, 200_000) * scale, rng.uniform(0.02, 0.06), 0.03),
    }
    for column in columns:
        series[column] = Series(rng.uniform(10, 60) * scale, rng.uniform(0.0, 0.1), 0.08)
    return series


def _small_count_split(total: int, parts: int) -> list[int]:
    """`total` spread over `parts` projects as evenly as whole numbers allow."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def registration_rows(project: Project, key: str) -> tuple[list[str], list[dict]]:
    """Columns and rows of one programme's registrations, per project and year.

    Every project grows steadily with a small wobble per year, as a running project
    does; see `SMALL_COUNTS` for the one deliberately small count.
    """
    programme = project.programmes[key]
    local = [i for i in programme.local_indicators if i.source == "registration" and i.column]
    own_columns = [i.column for i in local if i.column]
    columns = [*REGISTRATION_COLUMNS, *own_columns]
    projects = sorted(_efforts_by_project(programme).items())
    first = project.cycle.cycle.years[0]
    rows = []
    for p, (name, indicator_ids) in enumerate(projects):
        series = _project_series(project, key, name, own_columns)
        for year in project.cycle.cycle.years:
            rng = _rng(project, 7, year, _code_seed(f"{key}/{name}"))
            t = year - first
            activities = max(1, round(series["activiteiten"].value(rng, t)))
            per_activity = series["deelnemers_per_activiteit"].value(rng, t)
            row = {
                "jaar": year,
                "project": name,
                "activiteiten": activities,
                "deelnemers": round(activities * per_activity),
                "vrijwilligers": max(1, round(series["vrijwilligers"].value(rng, t))),
                "budget_eur": int(round(series["budget_eur"].value(rng, t), -2)),
            }
            for indicator in local:
                column = indicator.column or ""
                counted = indicator.id in indicator_ids
                row[column] = max(0, round(series[column].value(rng, t))) if counted else ""
            small = SMALL_COUNTS.get(key)
            if small and small[0] == year and small[1] in row:
                row[small[1]] = _small_count_split(small[2], len(projects))[p]
            rows.append(row)
    return columns, rows


NOTE_TEXTS = {
    "citaat": [
        "Sinds de inloop op dinsdag ken ik mijn buren weer bij naam.",
        "Eerst durfde ik niet te vragen om hulp met de rekeningen, nu wel.",
        "Mijn dochter sport nu twee keer per week op het plein.",
        "Het voelt alsof de wijk weer van ons is.",
    ],
    "observatie": [
        "Opkomst bij de activiteiten is hoger in de wintermaanden.",
        "Vooral ouderen die alleen wonen vinden de weg naar de huiskamer.",
        "Jongeren haken af als een activiteit te ver van huis is.",
    ],
    "werksessie": [
        "Partners zien meer samenwerking, maar de doorverwijzing loopt nog stroef.",
        "Bewoners willen zelf meer activiteiten organiseren; er is behoefte aan een klein budget.",
    ],
}
NOTE_SOURCES = {
    "citaat": "bewoner, inloopochtend buurthuis",
    "observatie": "opbouwwerker",
    "werksessie": "werksessie met uitvoeringspartners",
}


def notes_for(project: Project, key: str, year: int) -> dict:
    """Qualitative notes of one programme and year (counting and telling)."""
    programme = project.programmes[key]
    rng = _rng(project, 8, year, len(key))
    items = []
    for i in range(int(rng.integers(2, 5))):
        kind = ["citaat", "observatie", "werksessie"][int(rng.integers(0, 3))]
        texts = NOTE_TEXTS[kind]
        goal = programme.goals[int(rng.integers(0, len(programme.goals)))]
        items.append(
            {
                "goal": goal.id,
                "type": kind,
                "text": texts[int(rng.integers(0, len(texts)))],
                "source": NOTE_SOURCES[kind],
                "date": f"{year}-{3 + 2 * i:02d}-{int(rng.integers(1, 28)):02d}",
            }
        )
    return {"programme": key, "year": year, "items": items}


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


SYNTHETIC_NOTICE = """SYNTHETISCHE GEGEVENS / SYNTHETIC DATA

Everything in this folder was generated by `wijkmonitor demo` (seed {seed}) in the
formats of the real sources (see docs/data_formats.md). The figures describe no
real neighbourhood and must not be quoted. Reports built on them say so on every page.
"""


def write_demo_local(project: Project, out_dir: Path) -> list[Path]:
    """Write synthetic local sources (survey, registrations, notes) into `out_dir`."""
    files: dict[str, str] = {
        "SYNTHETIC.txt": SYNTHETIC_NOTICE.format(seed=project.cycle.demo.seed),
        "survey/gezondheidsmonitor.csv": _csv_text(SURVEY_COLUMNS, survey_rows(project)),
    }
    for key in project.cycle.programmes:
        files[f"registrations/{key}.csv"] = _csv_text(*registration_rows(project, key))
        for year in project.cycle.cycle.years:
            files[f"notes/{key}/{year}.yaml"] = yaml.safe_dump(
                notes_for(project, key, year), allow_unicode=True, sort_keys=False, width=88
            )
    with atomic_dir(out_dir) as tmp:
        for name, text in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return [out_dir / name for name in files]
