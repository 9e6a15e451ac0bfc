"""Minimal raw sources written by hand after docs/data_formats.md, not by the demo generator.

Validation must accept the documented formats themselves; tests on these files do not
depend on what `helpers.sources.demo` happens to write. Column positions shift per
year (as at CBS), so only matching by base name finds them.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.config import Project

SURVEY_HEADER = [
    "jaar",
    "gebiedcode",
    "gebiednaam",
    "indicator",
    "percentage",
    "ondergrens",
    "bovengrens",
    "n",
]
SURVEY_INDICATORS = ["ErvarenGezondheidGoedZeerGoed", "Eenzaam", "MoeiteMetRondkomen"]
KWB_TOPICS = [
    ("Gemeentenaam", "String"),
    ("SoortRegio", "String"),
    ("Codering", "String"),
    ("IndelingswijzigingWijkenEnBuurten", "String"),
    ("AantalInwoners", "Long"),
    ("k_0Tot15Jaar", "Long"),
    ("k_15Tot25Jaar", "Long"),
    ("k_25Tot45Jaar", "Long"),
    ("k_45Tot65Jaar", "Long"),
    ("k_65JaarOfOuder", "Long"),
    ("HuishoudensTotaal", "Long"),
    ("Eenpersoonshuishoudens", "Long"),
    ("Woningvoorraad", "Long"),
    ("Bevolkingsdichtheid", "Long"),
]
# The mean WOZ value: renamed with the renewed housing variables of KWB 2024.
WOZ_RENAMED = 2024
WOZ_NAMES = {False: "GemiddeldeWoningwaarde", True: "GemiddeldeWOZWaardeVanWoningen"}
# The DataProperties Titles CBS gives these topics (KWB 2022 and 2024 alike); the
# column mapping (params/cbs_columns.yaml) matches on name and Title.
KWB_TITLES = {
    "AantalInwoners": "Aantal inwoners",
    "k_0Tot15Jaar": "0 tot 15 jaar",
    "k_15Tot25Jaar": "15 tot 25 jaar",
    "k_25Tot45Jaar": "25 tot 45 jaar",
    "k_45Tot65Jaar": "45 tot 65 jaar",
    "k_65JaarOfOuder": "65 jaar of ouder",
    "HuishoudensTotaal": "Huishoudens totaal",
    "Eenpersoonshuishoudens": "Eenpersoonshuishoudens",
    "Woningvoorraad": "Woningvoorraad",
    "Bevolkingsdichtheid": "Bevolkingsdichtheid",
    "GemiddeldeWoningwaarde": "Gemiddelde woningwaarde",
    "GemiddeldeWOZWaardeVanWoningen": "Gemiddelde WOZ-waarde van woningen",
}
# Country of origin from KWB 2024 on, under the TopicGroup "Herkomstland" (CBS also
# publishes these names under "Geboren in/buiten Nederland"; the mapping tells them
# apart by the group, so the group record and ParentID are part of the format).
ORIGIN_FROM = 2024
ORIGIN_GROUP = "Herkomstland"
ORIGIN_TITLES = {
    "Nederland": "Nederland",
    "EuropaExclusiefNederland": "Europa (exclusief Nederland)",
    "BuitenEuropa": "Buiten Europa",
}
# The pillars' figures (housing tenure, labour, income, benefits, Wmo, education), after
# the topics above so their positions stay; education regrouped in KWB 2024.
PILLAR_TITLES = {
    "Koopwoningen": "Koopwoningen",
    "InBezitWoningcorporatie": "In bezit woningcorporatie",
    "Nettoarbeidsparticipatie": "Nettoarbeidsparticipatie",
    "GemiddeldInkomenPerInwoner": "Gemiddeld inkomen per inwoner",
    "HuishoudensMetEenLaagInkomen": "Huishoudens met een laag inkomen",
    "HuishOnderOfRondSociaalMinimum": "Huish. onder of rond sociaal minimum",
    "PersonenPerSoortUitkeringBijstand": "Personen per soort uitkering; Bijstand",
    "WmoClienten": "Wmo-cliënten",
}
PILLAR_COUNTS = ("PersonenPerSoortUitkeringBijstand", "WmoClienten")
EDUCATION_REGROUPED = 2024
EDUCATION_TITLES = {
    False: ("OpleidingsniveauLaag", "Opleidingsniveau laag"),
    True: ("BasisonderwijsVmboMbo1", "Basisonderwijs, vmbo, mbo1"),
}
INHABITANTS = {"Land": 17_900_000, "Gemeente": 300_000, "Wijk": 12_000, "Buurt": 2_000}


def pad(text: str, width: int = 10) -> str:
    """CBS pads region keys and categories to a fixed width."""
    return text.ljust(width)


def region_kind(code: str) -> str:
    return {"NL": "Land", "GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}[code[:2]]


def kwb_regions(project: Project, year: int) -> list[str]:
    """Nederland, the comparison gemeenten and every programme area of `year`."""
    areas = {c for p in project.programmes.values() for c in p.area_codes(year)}
    return ["NL00", *sorted(project.cycle.gemeenten), *sorted(areas)]


def kwb_topics(year: int) -> list[tuple[str, str]]:
    """(base name, datatype) of the year's topics: origin only from ORIGIN_FROM."""
    origin = [(name, "Long") for name in ORIGIN_TITLES] if year >= ORIGIN_FROM else []
    pillars = [(name, "Long" if name in PILLAR_COUNTS else "Double") for name in PILLAR_TITLES]
    education = (EDUCATION_TITLES[year >= EDUCATION_REGROUPED][0], "Long")
    return [*KWB_TOPICS, (WOZ_NAMES[year >= WOZ_RENAMED], "Long"), *origin, *pillars, education]


def topic_keys(year: int) -> dict[str, str]:
    """Base name -> `<Name>_<position>`; positions shift with the year as at CBS."""
    shift = year % 3
    keys = {}
    for index, (base, _) in enumerate(kwb_topics(year), start=1):
        name = base
        if name == "IndelingswijzigingWijkenEnBuurten" and year >= 2024:
            name = "IndelingswijzigingGemeenteWijkBuurt"
        position = index if index <= 4 else index + shift
        keys[base] = f"{name}_{position}"
    return keys


def kwb_row(index: int, code: str, keys: dict[str, str]) -> dict:
    kind = region_kind(code)
    people = INHABITANTS[kind]
    origin = {"Nederland": people * 3 // 4, "EuropaExclusiefNederland": people // 10}
    origin["BuitenEuropa"] = people - sum(origin.values())
    pillars = {
        "Koopwoningen": 40.0,
        "InBezitWoningcorporatie": 35.0,
        "Nettoarbeidsparticipatie": 65.5,
        "GemiddeldInkomenPerInwoner": 30.1,
        "HuishoudensMetEenLaagInkomen": 8.2,
        "HuishOnderOfRondSociaalMinimum": 7.5,
        "PersonenPerSoortUitkeringBijstand": people // 40,
        "WmoClienten": people // 12,
    }
    return {
        **{keys[name]: n for name, n in origin.items() if name in keys},
        **{keys[name]: 300 for name in WOZ_NAMES.values() if name in keys},
        **{keys[name]: value for name, value in pillars.items()},
        **{keys[name]: people // 5 for name, _ in EDUCATION_TITLES.values() if name in keys},
        "ID": index,
        "WijkenEnBuurten": pad(code),
        keys["Gemeentenaam"]: pad("Gemeente", 24),
        keys["SoortRegio"]: pad(kind),
        keys["Codering"]: pad(code),
        keys["IndelingswijzigingWijkenEnBuurten"]: pad("1"),
        keys["AantalInwoners"]: people,
        keys["k_0Tot15Jaar"]: people // 6,
        keys["k_15Tot25Jaar"]: people // 8,
        keys["k_25Tot45Jaar"]: people // 4,
        keys["k_45Tot65Jaar"]: people // 4,
        keys["k_65JaarOfOuder"]: people // 5,
        keys["HuishoudensTotaal"]: people // 2,
        keys["Eenpersoonshuishoudens"]: people // 5,
        keys["Woningvoorraad"]: people // 2,
        keys["Bevolkingsdichtheid"]: 5_000,
    }


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def write_kwb_table(project: Project, cbs_dir: Path, year: int) -> Path:
    """One year's table folder as cbsodata.download_data writes it."""
    table_id = project.cycle.kwb_table(year)
    folder = cbs_dir / table_id
    folder.mkdir(parents=True)
    keys = topic_keys(year)
    codes = kwb_regions(project, year)
    write_json(
        folder / "TableInfos.json",
        [
            {
                "ID": 0,
                "Identifier": table_id,
                "Title": f"Kerncijfers wijken en buurten {year}",
                "Period": str(year),
                "Modified": f"{year + 1}-03-27T02:00:00",
            }
        ],
    )
    properties = [{"ID": 0, "Position": 0, "Type": "GeoDetail", "Key": "WijkenEnBuurten"}]
    titles = {**KWB_TITLES, **ORIGIN_TITLES, **PILLAR_TITLES, **dict(EDUCATION_TITLES.values())}
    group = None
    for name, datatype in kwb_topics(year):
        key = keys[name]
        if name in ORIGIN_TITLES and group is None:
            group = len(properties)
            properties.append(
                {"ID": group, "ParentID": None, "Type": "TopicGroup", "Key": "",
                 "Title": ORIGIN_GROUP}
            )  # fmt: skip
        properties.append(
            {
                "ID": len(properties),
                "Position": int(key.rsplit("_", 1)[1]),
                "ParentID": group if name in ORIGIN_TITLES else None,
                "Type": "Topic",
                "Key": key,
                "Title": titles.get(name, name),
                "Description": "",
                "Datatype": datatype,
                "Unit": "aantal" if datatype == "Long" else "",
                "Decimals": 0,
            }
        )
    write_json(folder / "DataProperties.json", properties)
    write_json(folder / "TypedDataSet.json", [kwb_row(i, c, keys) for i, c in enumerate(codes)])
    write_json(
        folder / "WijkenEnBuurten.json",
        [
            {
                "Key": pad(code),
                "Title": code,
                "Description": "",
                "Municipality": None if code == "NL00" else f"GM{code[2:6]}",
                "DetailRegionCode": code,
            }
            for code in codes
        ],
    )
    write_json(folder / "CategoryGroups.json", [])
    return folder


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def survey_rows(project: Project) -> list[list[object]]:
    """Every wave in the cycle (even years), for every area of that year and indicator."""
    rows = []
    for year in (y for y in project.cycle.cycle.years if y % 2 == 0):
        for code in kwb_regions(project, year):
            for number, indicator in enumerate(SURVEY_INDICATORS):
                value = 40.0 + number * 5
                rows.append(
                    [year, code, code, indicator, value, value - 2.5, value + 2.5, 120 + number]
                )
    return rows


def registration_rows(project: Project, key: str) -> tuple[list[str], list[list[object]]]:
    """Header and one row per year with an area and effort project, with local columns."""
    programme = project.programmes[key]
    local = [i.column for i in programme.local_indicators if i.source == "registration"]
    header = [
        "jaar",
        "project",
        "activiteiten",
        "deelnemers",
        "vrijwilligers",
        "budget_eur",
        *local,
    ]
    projects = sorted({e.project for g in programme.goals for e in g.efforts})
    rows = [
        [year, name, 12, 150, 8, 25_000, *([3] * len(local))]
        for year in project.cycle.cycle.years
        if programme.area_codes(year)
        for name in projects
    ]
    return header, rows


def write_local_sources(project: Project, local_dir: Path) -> Path:
    """Survey export, registrations and one notes file per programme (not synthetic)."""
    write_csv(
        local_dir / "survey" / "gezondheidsmonitor.csv",
        SURVEY_HEADER,
        survey_rows(project),
    )
    year = project.cycle.cycle.year
    for key in project.cycle.programmes:
        header, rows = registration_rows(project, key)
        write_csv(local_dir / "registrations" / f"{key}.csv", header, rows)
        note = {
            "programme": key,
            "year": year,
            "items": [
                {
                    "goal": project.programmes[key].goals[0].id,
                    "type": "citaat",
                    "text": "Er is meer te doen in de buurt.",
                    "source": "bewoner, inloopochtend",
                    "date": f"{year}-05-14",
                }
            ],
        }
        notes = local_dir / "notes" / key / f"{year}.yaml"
        notes.parent.mkdir(parents=True, exist_ok=True)
        notes.write_text(yaml.safe_dump(note, allow_unicode=True), encoding="utf-8")
    return local_dir


def write_sources(project: Project, root: Path) -> Path:
    """Every raw source under `root/data/raw` (local sources in data/raw/local); return it."""
    for year in project.cycle.cycle.years:
        write_kwb_table(project, root / "data" / "raw" / "cbs", year)
    return write_local_sources(project, root / "data" / "raw" / "local")


@dataclass(frozen=True)
class ValidationRun:
    """What the real validate stage gave: exit code, console text, summary, findings, page."""

    code: int
    output: str
    summary: dict
    findings: list[dict]
    page: str

    @property
    def critical(self) -> str:
        return "\n".join(line for line in self.output.splitlines() if "critical" in line)


def validation_run(
    project: Project, root: Path, capsys, local: str = "data/raw/local"
) -> ValidationRun:
    """Run the real suites over the sources under `root`, as the validate stage does.

    Raw data must come out unchanged: every test that validates checks it.
    """
    from helpers.config import Paths
    from helpers.stages.validate import main_validate

    paths = Paths(root)
    raw_before = _digests(root / "data" / "raw")
    code = main_validate(
        project,
        paths,
        root / local,
        html_path=paths.validation_report_dir / "index.html",
        json_path=paths.validation_dir / "summary.json",
    )
    captured = capsys.readouterr()
    assert _digests(root / "data" / "raw") == raw_before, "validation never modifies raw data"
    return ValidationRun(
        code=code,
        output=captured.out + captured.err,
        summary=json.loads((paths.validation_dir / "summary.json").read_text()),
        findings=json.loads((paths.validation_dir / "findings.json").read_text()),
        page=(paths.validation_report_dir / "index.html").read_text(encoding="utf-8"),
    )


def _digests(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}
