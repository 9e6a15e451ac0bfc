"""The suite over one year's raw CBS Kerncijfers wijken en buurten table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.config import Paths, Project
from helpers.sources.cbs import NUMERIC_TYPES, base_name
from helpers.validation import privacy
from helpers.validation.inputs import failed, number_checks, relative, typed, with_where
from helpers.validation.results import CODE_PATTERN, CRITICAL, WARNING, Source, SuiteResult
from helpers.validation.runner import Validator


def _load(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def kwb_frame(folder: Path) -> tuple[dict, pd.DataFrame, set[str], set[str]]:
    """TableInfos, data rows, the year's region list and its numeric topic base names."""
    load = lambda name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))  # noqa: E731
    info = load("TableInfos")[0]
    frame = pd.DataFrame(load("TypedDataSet"))
    regions = {str(r["Key"]).strip() for r in load("WijkenEnBuurten")}
    topics = {
        base_name(p["Key"])
        for p in load("DataProperties")
        if p.get("Type") == "Topic" and p.get("Datatype") in NUMERIC_TYPES
    }
    return info, frame, regions, topics


def kwb_suite(v: Validator, project: Project, paths: Paths, year: int) -> SuiteResult:
    """Codes, region list, types, ranges and completeness of one year's KWB table."""
    table_id = project.cycle.kwb_table(year)
    folder = paths.raw_cbs / table_id
    data_file = folder / "TypedDataSet.json"
    name = f"kwb_{year}_{table_id}"
    file = relative(data_file, paths)
    try:
        info, frame, regions, _ = kwb_frame(folder)
    except FileNotFoundError as error:
        return failed(
            name,
            file,
            CRITICAL,
            "the CBS table is there (run `dvc repro fetch`)",
            "de CBS-tabel is er (voer `dvc repro fetch` uit)",
            f"missing: {relative(Path(error.filename), paths)}",
        )
    except (json.JSONDecodeError, KeyError, IndexError, TypeError) as error:
        return failed(
            name,
            file,
            CRITICAL,
            "the CBS table is valid cbsodata JSON",
            "de CBS-tabel is geldige cbsodata-JSON",
            str(error),
        )
    # The year's area names are places, though a name list may hold their words.
    privacy.allow((str(r.get("Title", "")) for r in _load(folder, "WijkenEnBuurten")), whole=True)
    keys = {base_name(c): c for c in frame.columns}
    inhabitants, over_65 = keys.get("AantalInwoners", ""), keys.get("k_65JaarOfOuder", "")
    frame = frame.assign(
        code=frame["WijkenEnBuurten"].astype(str).str.strip(),
        soort=frame[keys.get("SoortRegio", "WijkenEnBuurten")].astype(str).str.strip(),
        period=str(info.get("Period", "")).strip(),
    )
    frame = with_where(
        typed(frame, [c for c in (inhabitants, over_65) if c]),
        [f"record {i + 1} ({c})" for i, c in enumerate(frame["code"])],
    )
    members = sorted(
        {c for k in project.cycle.programmes for c in project.programmes[k].area_codes(year)}
    )
    checks = [
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            f"TableInfos.Period is {year}: the table of this year",
            nl=f"TableInfos.Period is {year}: de tabel van dit jaar",
            column="period",
            value_set=[str(year)],
        ),
        v.expect(
            "ExpectColumnValuesToNotBeNull",
            CRITICAL,
            "every row has a region key",
            nl="elke rij heeft een gebiedscode",
            column="WijkenEnBuurten",
        ),
        v.expect(
            "ExpectColumnValuesToMatchRegex",
            CRITICAL,
            "region key is NL00, GMnnnn, WKnnnnnn or BUnnnnnnnn (padded)",
            nl="de gebiedscode is NL00, GMnnnn, WKnnnnnn of BUnnnnnnnn (aangevuld met spaties)",
            column="WijkenEnBuurten",
            regex=CODE_PATTERN,
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            f"region key is in the {year} region list (WijkenEnBuurten.json)",
            nl=f"de gebiedscode staat in de gebiedsindeling van {year} (WijkenEnBuurten.json)",
            column="code",
            value_set=sorted(regions),
        ),
        v.expect(
            "ExpectColumnValuesToBeUnique",
            CRITICAL,
            "each region appears once",
            nl="elk gebied komt één keer voor",
            column="code",
        ),
        v.expect(
            "ExpectColumnValuesToBeInSet",
            CRITICAL,
            "SoortRegio is Land, Gemeente, Wijk or Buurt",
            nl="SoortRegio is Land, Gemeente, Wijk of Buurt",
            column="soort",
            value_set=["Land", "Gemeente", "Wijk", "Buurt"],
        ),
        v.expect(
            "ExpectColumnDistinctValuesToContainSet",
            CRITICAL,
            "the table holds Nederland, every comparison gemeente and every programme area",
            nl="de tabel bevat Nederland, elke vergelijkingsgemeente en elk programmagebied",
            column="code",
            value_set=sorted({"NL00", *project.cycle.gemeenten, *members}),
        ),
    ]
    if not inhabitants:
        checks.append(
            v.expect(
                "ExpectColumnToExist",
                CRITICAL,
                "AantalInwoners is in the table",
                nl="AantalInwoners staat in de tabel",
                column="AantalInwoners",
            )
        )
        return v.validate(Source(name, file, frame), checks)
    checks += number_checks(v, frame, [inhabitants], "CBS", WARNING)
    checks += [
        v.expect(
            "ExpectColumnValuesToBeBetween",
            CRITICAL,
            "AantalInwoners between 0 and 20 000 000",
            nl="AantalInwoners ligt tussen 0 en 20.000.000",
            column=inhabitants,
            min_value=0,
            max_value=20_000_000,
        ),
        v.expect(
            "ExpectColumnValuesToNotBeNull",
            WARNING,
            "programme areas have a published AantalInwoners",
            nl="programmagebieden hebben een gepubliceerd AantalInwoners",
            column=inhabitants,
            rows=("code", list(members)),
        ),
    ]
    if over_65:
        checks.append(
            v.expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                "inhabitants 65+ do not exceed all inhabitants",
                nl=(
                    "het aantal inwoners van 65 jaar of ouder is niet groter dan het totaal aantal "
                    "inwoners"
                ),
                column_A=inhabitants,
                column_B=over_65,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    return v.validate(Source(name, file, frame), checks)
