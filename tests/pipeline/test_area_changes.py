"""A change of a programme area's CBS codes is a series break by itself, and the analysts'
tables say per row which CBS areas, at which level, from which table.

On constructed params: Vollenhove (a buurt) becomes its wijk Zeist-Noord in 2022, with
and without a logbook entry. Through the stages: the same change in a copy of the project,
with the real stage commands on the demo sources.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from support import copy_project, run

from helpers import report
from helpers.audit.reference import Reference
from helpers.config import AreaPeriod, LogEntry, Paths, Project, load_project
from helpers.indicators.areas import area_changes, code_change_breaks, measured_years
from helpers.indicators.engine import programme_table, read_indicator_table
from helpers.report import dutch, exports
from helpers.sources.local import REGISTRATION_COLUMNS, SURVEY_COLUMNS

BUURT, WIJK = "BU03550205", "WK035502"
LOGBOOK = "params/logbook.yaml"


def redrawn(project: Project, entry: LogEntry | None = None) -> Project:
    """The project with Vollenhove's area a buurt until 2021 and its wijk from 2022."""
    programme = project.programmes["vollenhove"].model_copy(
        update={
            "areas": [
                AreaPeriod(from_year=2019, codes=[BUURT]),
                AreaPeriod(from_year=2022, codes=[WIJK]),
            ]
        }
    )
    entries = [e for e in project.logbook.entries if e.programme != "vollenhove"]
    logbook = project.logbook.model_copy(update={"entries": entries + ([entry] if entry else [])})
    return project.model_copy(
        update={"programmes": {**project.programmes, "vollenhove": programme}, "logbook": logbook}
    )


ENTRY = LogEntry(
    date=dt.date(2022, 2, 1),
    programme="vollenhove",
    change="area_changed",
    from_year=2022,
    reason="Het programma werkt vanaf 2022 in de hele wijk.",
)


def kwb(project: Project) -> pd.DataFrame:
    rows = []
    sizes = {BUURT: 4300, WIJK: 21000, "GM0355": 66000, "NL00": 17_900_000}
    for year in project.cycle.cycle.years:
        for code, people in sizes.items():
            for column, value in (("AantalInwoners", people), ("k_65JaarOfOuder", people / 5)):
                rows.append(
                    {
                        "year": year,
                        "area_code": code,
                        "column": column,
                        "value": float(value),
                        "table_id": project.cycle.kwb_table(year),
                        "table_modified": "2025-03-27T02:00:00",
                        "boundary_flag": 1,
                        "synthetic": False,
                    }
                )
    return pd.DataFrame(rows)


def survey(waves: dict[int, str]) -> pd.DataFrame:
    """An 'Eenzaam' estimate for the programme's code of each wave, its gemeente and NL."""
    rows = []
    for year, code in waves.items():
        for area in (code, "GM0355", "NL00"):
            rows.append((year, area, area, "Eenzaam", 40.0, 35.0, 45.0, 400))
    return pd.DataFrame(rows, columns=SURVEY_COLUMNS)


def registrations(project: Project) -> pd.DataFrame:
    rows = [(year, "geldcafe", 12, 80, 6, 1000) for year in project.cycle.cycle.years]
    return pd.DataFrame(rows, columns=REGISTRATION_COLUMNS)


def table_of(project: Project, waves: dict[int, str] | None = None) -> pd.DataFrame:
    return programme_table(
        project,
        "vollenhove",
        kwb(project),
        survey(waves or {}),
        registrations(project),
        local_synthetic=False,
    )


def breaks(table: pd.DataFrame, indicator: str, role: str = "programma") -> list[int]:
    rows = table[table["indicator_id"].eq(indicator) & table["area_role"].eq(role)]
    return sorted(int(y) for y in rows.loc[rows["series_break"], "year"])


def test_a_buurt_becoming_its_wijk_breaks_the_area_series_without_a_logbook_entry(project):
    changed = redrawn(project)
    table = table_of(changed)
    assert breaks(table, "inwoners") == [2022]
    assert breaks(table, "aandeel_65plus") == [2022]
    assert breaks(table, "inwoners", "gemeente") == [], "the gemeente did not change"
    assert breaks(table, "activiteiten") == [], "registrations are not figures of CBS areas"
    own = table[table["indicator_id"].eq("inwoners") & table["area_role"].eq("programma")]
    assert dict(zip(own["year"], own["value"], strict=True))[2022] == 21000
    (change,) = area_changes(changed, "vollenhove", measured_years(table))
    assert (change.previous_year, change.year, change.before, change.after) == (
        2021,
        2022,
        (BUURT,),
        (WIJK,),
    )
    warning = change.warning(LOGBOOK)
    assert f"between 2021 and 2022: 2021: {BUURT} -> 2022: {WIJK}" in warning
    assert f"added {WIJK}; left {BUURT}" in warning
    assert "No logbook entry gives the reason: add one to params/logbook.yaml" in warning
    assert "from_year: 2022" in warning


def test_the_unchanged_project_has_no_code_change_breaks(project):
    table = table_of(project)
    assert breaks(table, "inwoners") == []
    assert area_changes(project, "vollenhove", project.cycle.cycle.years) == []


def test_the_logbook_entry_adds_the_reason_to_warning_and_report(project):
    changed = redrawn(project, ENTRY)
    (change,) = area_changes(changed, "vollenhove", changed.cycle.cycle.years)
    assert change.entry == ENTRY
    assert change.warning(LOGBOOK).endswith(
        "Logbook (2022-02-01): Het programma werkt vanaf 2022 in de hele wijk."
    )
    logbook = report.logbook_table(changed, "vollenhove")
    row = logbook[logbook["wijziging"].eq("gebied gewijzigd")]
    assert len(row) == 1, "the entry and the code change are one row"
    row = row.iloc[0]
    assert row["datum"] == "1 februari 2022" and row["vanaf jaar"] == 2022
    assert row[dutch.BREAK_LABEL] == "ja", "a code change breaks, whatever the entry says"
    assert row["reden"] == (
        f"Het programma werkt vanaf 2022 in de hele wijk. Gebied 2021: {BUURT}; 2022: {WIJK}."
    )
    assert breaks(table_of(changed), "inwoners") == [2022]


def test_the_report_names_an_unexplained_area_change(project):
    logbook = report.logbook_table(redrawn(project), "vollenhove")
    first = logbook.iloc[0]
    assert first["wijziging"] == "gebied gewijzigd" and first["datum"] == "–"
    assert first["reden"] == (
        f"Reden niet vastgelegd in het logboek. Gebied 2021: {BUURT}; 2022: {WIJK}."
    )


def test_a_survey_measured_every_few_years_breaks_at_its_first_wave_on_the_new_area(project):
    changed = redrawn(project)
    table = table_of(changed, {2020: BUURT, 2023: WIJK})
    assert breaks(table, "eenzaamheid") == [2023]
    (change,) = area_changes(changed, "vollenhove", [2020, 2023])
    assert (change.previous_year, change.year) == (2020, 2023)


def test_code_change_breaks_on_a_constructed_table(project):
    programme = redrawn(project).programmes["vollenhove"]
    table = pd.DataFrame(
        {
            "indicator_id": ["a", "a", "a", "b", "b", "a"],
            "area_role": ["programma"] * 5 + ["gemeente"],
            "source": ["cbs_kwb:x", "cbs_kwb:x", "cbs_kwb:x", "survey", "registration", "x"],
            "year": [2023, 2021, 2022, 2024, 2022, 2022],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    result = code_change_breaks(table, programme)
    assert result.to_dict() == {10: False, 11: False, 12: True, 13: False, 14: False, 15: False}


def test_analyst_tables_carry_the_cbs_codes_level_and_source_table(project, tmp_path):
    changed = redrawn(project)
    table = table_of(changed, {2020: BUURT, 2023: WIJK})
    csv_path, xlsx_path, *_ = exports.write_tables(changed, "vollenhove", table, tmp_path)
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    cells = frame.set_index(["indicator_id", "gebied_rol", "jaar"])
    assert tuple(
        cells.loc[
            ("inwoners", "programmagebied", "2021"), ["cbs_gebiedscodes", "cbs_niveau", "brontabel"]
        ]
    ) == (BUURT, "buurt", changed.cycle.kwb_table(2021))
    assert tuple(
        cells.loc[
            ("inwoners", "programmagebied", "2022"), ["cbs_gebiedscodes", "cbs_niveau", "brontabel"]
        ]
    ) == (WIJK, "wijk", changed.cycle.kwb_table(2022))
    assert tuple(
        cells.loc[("inwoners", "gemeente", "2022"), ["cbs_gebiedscodes", "cbs_niveau"]]
    ) == ("GM0355", "gemeente")
    assert tuple(
        cells.loc[("inwoners", "Nederland", "2022"), ["cbs_gebiedscodes", "cbs_niveau"]]
    ) == ("NL00", "land")
    assert cells.loc[("eenzaamheid", "programmagebied", "2023"), "brontabel"] == "survey"
    assert cells.loc[("activiteiten", "programmagebied", "2024"), "brontabel"] == "registration"
    excel = pd.read_csv(
        tmp_path / "vollenhove_indicatoren_excel-nl.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    assert excel[["cbs_gebiedscodes", "cbs_niveau", "brontabel"]].equals(
        frame[["cbs_gebiedscodes", "cbs_niveau", "brontabel"]]
    )
    book = pd.read_excel(xlsx_path, sheet_name=None, dtype=str)
    assert {"cbs_gebiedscodes", "cbs_niveau", "brontabel"} <= set(book["indicatoren"].columns)
    notes = book["kolommen"].set_index(["tabblad", "kolom"])["betekenis"]
    assert "85984NED" in notes[("indicatoren", "brontabel")]
    assert "buurt, wijk, gemeente, land" in notes[("indicatoren", "cbs_niveau")]


def test_several_buurten_read_as_their_codes_and_a_mixed_level(project):
    table = pd.DataFrame(
        {
            "area_role": ["programma", "programma"],
            "area_code": ["betere_buurten"] * 2,
            "year": [2019, 2022],
        }
    )
    mixed = project.programmes["betere_buurten"].model_copy(
        update={"areas": [AreaPeriod(from_year=2019, codes=["WK035604", "BU03561001"])]}
    )
    changed = project.model_copy(
        update={"programmes": {**project.programmes, "betere_buurten": mixed}}
    )
    own = exports.cbs_areas(project, "betere_buurten", table)
    assert own["cbs_codes"].iloc[0] == "BU03560401 BU03560402 BU03560403"
    assert own["cbs_codes"].iloc[1].count("BU") == 6 and set(own["cbs_level"]) == {"buurt"}
    assert exports.cbs_areas(changed, "betere_buurten", table)["cbs_level"].iloc[0] == "gemengd"


@pytest.mark.pipeline
def test_the_indicator_stage_warns_and_breaks_on_an_area_change(tmp_path):
    root = copy_project(tmp_path / "project")
    params = root / "params" / "programmes" / "vollenhove.yaml"
    text = params.read_text(encoding="utf-8")
    old = f"  - from_year: 2019\n    codes: [{BUURT}]\n"
    assert old in text
    params.write_text(
        text.replace(old, old + f"  - from_year: 2022\n    codes: [{WIJK}]\n"), encoding="utf-8"
    )
    cycle = root / "params" / "cycle.yaml"
    cycle.write_text(
        cycle.read_text(encoding="utf-8").replace(
            "programmes:\n  - overvecht\n  - soesterkwartier\n  - vollenhove\n  - betere_buurten",
            "programmes:\n  - vollenhove",
        ),
        encoding="utf-8",
    )
    for stage in ("fetch", "demo", "harmonise"):
        run(["sh", "bin/wijkmonitor", stage], root)
    result = run(["sh", "bin/wijkmonitor", "indicators"], root)
    lines = [line for line in result.stdout.splitlines() if "area of programme" in line]
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(
        "[wijkmonitor] warning: area of programme vollenhove changes "
        f"between 2021 and 2022: 2021: {BUURT} -> 2022: {WIJK}"
    )
    assert "No logbook entry gives the reason: add one to params/logbook.yaml" in lines[0]
    table = read_indicator_table(root / "data" / "processed" / "indicators" / "vollenhove.csv")
    own = table[table["area_role"].eq("programma") & ~table["source"].eq("registration")]
    broken = own["series_break"].astype(bool)
    assert broken[own["year"].eq(2022)].all(), "every area series breaks in 2022"
    assert not broken[own["year"].isin([2020, 2021, 2023])].any()
    later = own[broken & own["year"].eq(2024)]
    assert later["definition_version"].gt(1).all(), "2024: only CBS's renamed definitions"
    exported = exports.analyst_table(
        load_project(Paths.from_root(root)), "vollenhove", table
    ).set_index(["indicator_id", "gebied_rol", "jaar"])
    assert exported.loc[("inwoners", "programmagebied", 2021), "cbs_niveau"] == "buurt"
    assert exported.loc[("inwoners", "programmagebied", 2022), "cbs_gebiedscodes"] == WIJK
    assert np.all(exported["brontabel"].ne(""))


@pytest.mark.pipeline
def test_a_code_kept_for_a_different_area_breaks_in_the_pipeline_and_the_audit(tmp_path):
    """Issue 24: a municipality re-divides and CBS keeps a wijk code for another area. The
    raw 2024 KWB snapshot here names Overvecht's first code 'Lunetten-Oost': the indicator
    stage breaks every CBS series of the programme area in 2024 (not its gemeente's, not
    before), and the statement audit's reference, reading the raw snapshots itself, finds
    the same break, so a page that hid it would disagree."""
    root = copy_project(tmp_path / "project")
    cycle = root / "params" / "cycle.yaml"
    cycle.write_text(
        cycle.read_text(encoding="utf-8").replace(
            "programmes:\n  - overvecht\n  - soesterkwartier\n  - vollenhove\n  - betere_buurten",
            "programmes:\n  - overvecht",
        ),
        encoding="utf-8",
    )
    for stage in ("fetch", "demo"):
        run(["sh", "bin/wijkmonitor", stage], root)
    paths = Paths.from_root(root)
    project = load_project(paths)
    assert Reference(project, paths).moved_codes("overvecht") == [], "the demo as fetched"
    code = project.programmes["overvecht"].area_codes(2024)[0]
    names = paths.raw_cbs / project.cycle.kwb_table(2024) / "WijkenEnBuurten.json"
    records = json.loads(names.read_text(encoding="utf-8"))
    (record,) = [r for r in records if str(r["Key"]).strip() == code]
    record["Title"] = "Lunetten-Oost"
    names.write_text(json.dumps(records), encoding="utf-8")
    for stage in ("harmonise", "indicators"):
        run(["sh", "bin/wijkmonitor", stage], root)

    table = read_indicator_table(root / "data" / "processed" / "indicators" / "overvecht.csv")
    cbs = table[table["source"].eq("cbs_kwb")]
    own = cbs[cbs["area_role"].eq("programma")]
    broken = own["series_break"].astype(bool)
    assert broken[own["year"].eq(2024)].all(), "every CBS series of the area breaks in 2024"
    assert not broken[own["year"].lt(2024)].any()
    reference = Reference(project, paths)
    assert reference.moved_codes("overvecht") == [2024]
    for (indicator_id, role), rows in cbs.groupby(["indicator_id", "area_role"]):
        indicator = project.indicator("overvecht", str(indicator_id))
        first, last = int(rows["year"].min()), int(rows["year"].max())
        found = sorted(int(y) for y in rows.loc[rows["series_break"].astype(bool), "year"])
        expected = reference.break_years("overvecht", indicator, str(role))
        assert found == [y for y in expected if first < y <= last], (indicator_id, role)
