"""Tables for analysts: a programme's indicator table, its summary and its network.

The same suppression as the reports: a withheld cell has no value, interval,
numerator, denominator or n, and says why in `onderdrukt_reden`. The tables are
built from the processed indicator table only, which never holds a suppressed
value (see disclosure.py), and each names its source and whether it is synthetic.

Every table is written three ways, because analysts open them in different tools:
a plain CSV (comma, decimal point: R, Python, Stata), a CSV for Dutch Excel
(semicolon, decimal comma, UTF-8 BOM: a plain CSV opens there as one column, and
without the BOM "€" and "ë" come out garbled) and one xlsx with a sheet per table,
number formats per unit, a frozen header row, a filter, and a sheet that explains
every column. Numbers are the stored values (`helpers.indicators.precision`): whole numbers
(years, counts, values of whole-number units) are written as integers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import SupportsFloat, cast

import pandas as pd
from openpyxl.utils import get_column_letter

from helpers.config import Project
from helpers.indicators import status as status_model
from helpers.indicators.disclosure import REASONS
from helpers.indicators.engine import CBS_LEVELS, programme_summary
from helpers.indicators.precision import (
    INDEX_DECIMALS,
    P_VALUE_DECIMALS,
    plain_number,
    shown_decimals,
)
from helpers.report.context import estimate_words
from helpers.report.escaping import cell, cells
from helpers.report.programme_design import network_table
from helpers.report.wording import CBS_ATTRIBUTION, LEVEL_LABELS, ROLE_LABELS, source_provenance
from helpers.runtime.io import write_text_atomic
from helpers.runtime.reproducible import stable_zip

TABLES_DIR = "tabellen"
DUTCH_EXCEL = "_excel-nl"
"""Suffix of the CSV for Dutch Excel: `<key>_indicatoren_excel-nl.csv` beside
`<key>_indicatoren.csv`."""

COLUMNS = {
    "programme": "programma",
    "area_role": "gebied_rol",
    "area_code": "gebiedscode",
    "area_name": "gebiedsnaam",
    "year": "jaar",
    "cbs_codes": "cbs_gebiedscodes",
    "cbs_level": "cbs_niveau",
    "indicator_id": "indicator_id",
    "label": "indicator",
    "level": "niveau",
    "unit": "eenheid",
    "value": "waarde",
    "lower": "ondergrens_95",
    "upper": "bovengrens_95",
    "numerator": "teller",
    "denominator": "noemer",
    "n": "respondenten",
    "suppression_reason": "onderdrukt_reden",
    "series_break": "breuk_in_reeks",
    "source": "bron",
    "source_table": "brontabel",
    "source_modified": "bron_versie",
    "estimate": "schatting",
    "synthetic": "synthetisch",
}
_WITHHELD = ["value", "lower", "upper", "numerator", "denominator", "n"]

SUMMARY_COLUMNS = {
    "indicator_id": "indicator_id",
    "label": "indicator",
    "group": "groep",
    "level": "niveau",
    "unit": "eenheid",
    "area_role": "gebied_rol",
    "area_code": "gebiedscode",
    "latest_year": "laatste_jaar",
    "latest_value": "laatste_waarde",
    "base_year": "basisjaar",
    "base_value": "waarde_basisjaar",
    "change_since_base": "verandering_sinds_basisjaar",
    "previous_year": "vorig_jaar",
    "change_since_previous": "verandering_sinds_vorig_jaar",
    "comparison_from_year": "vergelijking_vanaf_jaar",
    "change_since_comparison": "verandering_sinds_vergelijkingsjaar",
    "test_name": "toets",
    "p_value": "p_waarde",
    "p_value_text": "p_waarde_gedrukt",
    "significant": "significant",
    "trend_slope": "trend_per_jaar",
    "trend_lower": "trend_ondergrens_95",
    "trend_upper": "trend_bovengrens_95",
    "trend_from_year": "trend_vanaf_jaar",
    "index_latest": "index_laatste_jaar",
    "did_vs_gemeente": "verschil_met_gemeente",
    "did_note": "verschil_met_gemeente_toelichting",
    "target_year": "streefjaar",
    "target_value": "streefwaarde",
    "target_status": "streefwaarde_status",
    "target_movement": "streefwaarde_beweging",
    "target_reason": "streefwaarde_reden",
    "target_note": "streefwaarde_toelichting",
    "target_rule": "streefwaarde_regel",
    "break_since_base": "breuk_sinds_basisjaar",
    "note": "opmerking",
}

NETWORK_COLUMNS = ["doel", "inspanning", "indicator_id", "indicator", "niveau", "soort"]

# Columns that hold a quantity in the row's own unit (formatted by `eenheid`), and
# whole numbers whatever the unit.
UNIT_COLUMNS = {
    "waarde",
    "ondergrens_95",
    "bovengrens_95",
    "laatste_waarde",
    "waarde_basisjaar",
    "verandering_sinds_basisjaar",
    "verandering_sinds_vorig_jaar",
    "verandering_sinds_vergelijkingsjaar",
    "trend_per_jaar",
    "trend_ondergrens_95",
    "trend_bovengrens_95",
    "streefwaarde",
}
WHOLE_COLUMNS = {
    "jaar",
    "teller",
    "noemer",
    "respondenten",
    "laatste_jaar",
    "basisjaar",
    "vorig_jaar",
    "vergelijking_vanaf_jaar",
    "trend_vanaf_jaar",
    "streefjaar",
}
YEAR_COLUMNS = {c for c in WHOLE_COLUMNS if "jaar" in c}

COLUMN_NOTES: Mapping[str, Mapping[str, str]] = {
    "indicatoren": {
        "programma": "sleutel van het programma (params/programmes/)",
        "gebied_rol": "programmagebied, gemeente of Nederland",
        "gebiedscode": "CBS-code van het gebied (GM…, NL00) of de sleutel van het programmagebied",
        "gebiedsnaam": "naam van het gebied",
        "jaar": "meetjaar",
        "cbs_gebiedscodes": "de CBS-codes (buurten, wijken, GM…, NL00) waarover de waarde in dit "
        "jaar gaat; bij het programmagebied de codes van dat jaar (params/programmes/), "
        "gescheiden door een spatie",
        "cbs_niveau": "CBS-niveau van die codes: buurt, wijk, gemeente, land, of gemengd",
        "indicator_id": "vaste sleutel van de indicator (params/indicators.yaml)",
        "indicator": "naam van de indicator",
        "niveau": "niveau in het monitoringsmodel (input, activiteit, prestatie, effect, …)",
        "eenheid": "eenheid van waarde en interval (procent, aantal, euro, duizend euro, per km², "
        "per 1.000)",
        "waarde": "gepubliceerde waarde, in de eenheid; leeg als onderdrukt of niet gemeten",
        "ondergrens_95": "ondergrens van het 95%-betrouwbaarheidsinterval (alleen enquêtes)",
        "bovengrens_95": "bovengrens van het 95%-betrouwbaarheidsinterval (alleen enquêtes)",
        "teller": "aantal in de teller van een aandeel (hele aantallen)",
        "noemer": "aantal in de noemer van een aandeel (hele aantallen)",
        "respondenten": "aantal respondenten van de enquête",
        "onderdrukt_reden": "waarom een cel niet is gepubliceerd (leeg: wel gepubliceerd)",
        "breuk_in_reeks": "ja: vanaf dit jaar is de reeks niet vergelijkbaar met eerdere jaren",
        "bron": "bron van de waarde (cbs_kwb, cbs_health, survey, registration)",
        "brontabel": "tabel waar de waarde uit komt: het CBS-tabelnummer (85984NED, 50090NED), "
        "of survey (enquête) of registration (registratie van het programma)",
        "bron_versie": "datum waarop de bron voor het laatst is gewijzigd",
        "schatting": "hoe een gezondheidscijfer van een gebied uit meer wijken of buurten is "
        "geschat (gewogen met de inwoners); leeg: door de bron gepubliceerd",
        "synthetisch": "ja: synthetische demogegevens, geen echte wijk",
    },
    "samenvatting": {
        "indicator_id": "vaste sleutel van de indicator (params/indicators.yaml)",
        "indicator": "naam van de indicator",
        "groep": "groep van contextindicatoren (leeftijd, herkomst, …)",
        "niveau": "niveau in het monitoringsmodel",
        "eenheid": "eenheid van de waarden, veranderingen en trend in deze rij",
        "gebied_rol": "programmagebied, gemeente of Nederland",
        "gebiedscode": "CBS-code van het gebied of de sleutel van het programmagebied",
        "laatste_jaar": "laatste jaar met een gepubliceerde waarde",
        "laatste_waarde": "waarde in het laatste jaar",
        "basisjaar": "jaar van de nulmeting",
        "waarde_basisjaar": "waarde in het basisjaar (leeg: niet gepubliceerd)",
        "verandering_sinds_basisjaar": "laatste waarde min waarde basisjaar; leeg bij een breuk",
        "vorig_jaar": "vorige gepubliceerde meting",
        "verandering_sinds_vorig_jaar": "laatste waarde min die van de vorige meting",
        "vergelijking_vanaf_jaar": "na een breuk sinds het basisjaar: eerste gepubliceerde "
        "jaar na de breuk",
        "verandering_sinds_vergelijkingsjaar": "laatste waarde min die in vergelijking_vanaf_jaar",
        "toets": "toets op verschil tussen twee metingen (alleen enquêtes)",
        "p_waarde": "p-waarde van de toets als getal, afgerond op drie decimalen (voor "
        "software); een p-waarde onder 0,0005 staat hier als 0: lees dan p_waarde_gedrukt",
        "p_waarde_gedrukt": "de p-waarde zoals de rapporten hem drukken, als tekst: < 0,001 "
        "voor een p-waarde onder 0,001, anders drie decimalen met een komma (0,012); leeg "
        "zonder toets",
        "significant": "ja: p-waarde onder 0,05 (waarschijnlijk een echt verschil)",
        "trend_per_jaar": "helling van de rechte lijn door de jaren sinds de laatste breuk",
        "trend_ondergrens_95": "ondergrens van het 95%-interval van de helling; leeg bij een "
        "volledige telling over minder dan vijf jaren",
        "trend_bovengrens_95": "bovengrens van het 95%-interval van de helling",
        "trend_vanaf_jaar": "eerste jaar van de trend",
        "index_laatste_jaar": "laatste waarde als index, basisjaar = 100",
        "verschil_met_gemeente": "verandering in het programmagebied min die in de gemeente",
        "verschil_met_gemeente_toelichting": "eenheid van dat verschil; beschrijvend, geen "
        "causaal effect",
        "streefjaar": "jaar waarin de streefwaarde bereikt moet zijn",
        "streefwaarde": "streefwaarde van het programma",
        "streefwaarde_status": "vóór het streefjaar op koers, niet op koers of nog niet te "
        "zeggen; vanaf het streefjaar gehaald, niet gehaald of niet met zekerheid te zeggen; "
        "geen streefwaarde of onbekend",
        "streefwaarde_beweging": "sinds de nulmeting richting de streefwaarde, van de "
        "streefwaarde af of gelijk aan de nulmeting",
        "streefwaarde_reden": "de regel die de status gaf, in woorden",
        "streefwaarde_toelichting": "waarom de status een woord uitleg nodig heeft",
        "streefwaarde_regel": "de regel achter de status",
        "breuk_sinds_basisjaar": "ja: breuk in de reeks tussen basisjaar en laatste jaar",
        "opmerking": "wat niet berekend is en waarom",
    },
    "netwerk": {
        "doel": "doel van het programma",
        "inspanning": "inspanning (project, activiteit) die aan het doel bijdraagt; – als de "
        "indicator direct bij het doel hoort",
        "indicator_id": "vaste sleutel van de indicator",
        "indicator": "naam van de indicator die doel of inspanning volgt",
        "niveau": "niveau in het monitoringsmodel",
        "soort": "gezamenlijk (gezamenlijke monitor) of maatwerk (eigen indicator)",
    },
}


def _yes_no(flag: object) -> str:
    if flag is None or (isinstance(flag, float) and math.isnan(flag)):
        return ""
    return "ja" if bool(flag) else "nee"


def cbs_areas(project: Project, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """Per row the CBS codes its value is about and their level (`cbs_codes`, `cbs_level`).

    The programme area is a key of its own in the table (`area_code`); its codes change
    from year to year (`areas:` in its params), so without them a wijk figure would read
    as one of the programme's buurten. Registrations are given the area's codes too: the
    area the programme works in that year.
    """
    programme = project.programmes[key]
    codes = [
        programme.area_codes(int(year)) if role == "programma" else [str(code)]
        for role, code, year in zip(
            table["area_role"], table["area_code"], table["year"], strict=True
        )
    ]
    return pd.DataFrame(
        {"cbs_codes": [" ".join(c) for c in codes], "cbs_level": [_level(c) for c in codes]},
        index=table.index,
    )


def _level(codes: list[str]) -> str:
    levels = {CBS_LEVELS.get(code[:2], "onbekend") for code in codes}
    return "" if not levels else levels.pop() if len(levels) == 1 else "gemengd"


def source_table(source: str) -> str:
    """'cbs_kwb:85984NED' -> '85984NED'; a source without a table ('survey') stays itself."""
    kind, _, table_id = str(source).partition(":")
    return table_id or kind


def analyst_table(project: Project, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """The indicator table of one programme with Dutch column names and reasons in words,
    each row with its CBS codes, their level and its source table."""
    frame = table.copy()
    frame[["cbs_codes", "cbs_level"]] = cbs_areas(project, key, frame)
    frame["source_table"] = frame["source"].map(source_table)
    labels = {i.id: i.label for i in project.indicators_for(key)}
    frame["label"] = frame["indicator_id"].map(labels).fillna(frame["indicator_id"])
    suppressed = frame["suppressed"].astype(bool)
    frame.loc[suppressed, _WITHHELD] = float("nan")
    frame["suppression_reason"] = (
        frame["suppression_reason"].fillna("").astype(str).map(lambda r: REASONS.get(r, r))
    )
    frame["area_role"] = frame["area_role"].map(ROLE_LABELS).fillna(frame["area_role"])
    frame["level"] = frame["level"].map(LEVEL_LABELS).fillna(frame["level"])
    frame["series_break"] = frame["series_break"].astype(bool).map({True: "ja", False: "nee"})
    frame["synthetic"] = frame["synthetic"].astype(bool).map({True: "ja", False: "nee"})
    frame["estimate"] = frame.get("estimate", pd.Series("", index=frame.index))
    frame["estimate"] = frame["estimate"].fillna("").astype(str).map(estimate_words)
    return frame[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)


def summary_table(project: Project, key: str, summary: pd.DataFrame) -> pd.DataFrame:
    """The statistics summary (`stats.SUMMARY_COLUMNS`) with Dutch names and words."""
    frame = summary.copy()
    labels = {i.id: i.label for i in project.indicators_for(key)}
    frame["label"] = frame["indicator_id"].map(labels).fillna(frame["indicator_id"])
    frame["level"] = frame["level"].map(LEVEL_LABELS).fillna(frame["level"])
    own = frame["area_role"].eq("programma")
    frame["area_role"] = frame["area_role"].map(ROLE_LABELS).fillna(frame["area_role"])
    status = frame["target_status"].where(~(own & frame["target_status"].eq("")), "no_target")
    frame["target_status"] = status.map(lambda s: status_model.LABELS.get(s, s) if s else "")
    frame["target_movement"] = frame["target_movement"].map(
        lambda m: status_model.MOVEMENTS.get(m, m) if m else ""
    )
    reason = frame["target_reason"].where(status.ne("no_target"), "no_target")
    frame["target_reason"] = reason.map(lambda r: status_model.REASONS.get(r, r) if r else "")
    for column in ("significant", "break_since_base"):
        frame[column] = frame[column].map(_yes_no)
    frame["p_value_text"] = frame["p_value"].map(printed_p)
    return frame[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS).reset_index(drop=True)


def printed_p(p_value: object) -> str:
    """A stored p-value as the reports print it, without 'p': '< 0,001' below 0,001 (a
    stored 0 is no p of zero), else '0,012'; '' without a test."""
    if p_value is None or p_value is pd.NA:
        return ""
    value = float(cast(SupportsFloat, p_value))
    if math.isnan(value):
        return ""
    if value < 0.001:
        return "< 0,001"
    return f"{value:.{P_VALUE_DECIMALS}f}".replace(".", ",")


def network_export(project: Project, key: str) -> pd.DataFrame:
    """The goals → efforts → indicators network (`report.network_table`) with ids."""
    frame = network_table(project, key)
    ids = {i.label: i.id for i in project.indicators_for(key)}
    frame["indicator_id"] = frame["indicator"].map(ids).fillna("")
    return frame[NETWORK_COLUMNS]


def provenance_lines(table: pd.DataFrame) -> list[str]:
    """Which sources of the table are synthetic and which are real, from its rows."""
    sources = source_provenance(table)
    fake = list(dict.fromkeys(sources.loc[sources["synthetic"], "label"]))
    real = list(dict.fromkeys(sources.loc[~sources["synthetic"], "label"]))
    if fake and not real:
        return ["SYNTHETISCHE GEGEVENS: deze cijfers beschrijven geen echte wijk."]
    lines = [f"Echte cijfers (gepubliceerd door de bron): {'; '.join(real)}."] if real else []
    if fake:
        lines.append(
            f"SYNTHETISCHE GEGEVENS (demo, beschrijven geen echte wijk): {'; '.join(fake)}. "
            "Per rij zegt de kolom synthetisch welke het is."
        )
    return lines


def notes_sheet(project: Project, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """The explanation sheet of the Excel file: what the table is, which of its sources
    are real and which synthetic, and how to read it."""
    rules = project.cycle.suppression
    lines = [
        f"Indicatortabel van {project.programmes[key].name}, monitor {project.cycle.cycle.year}.",
        *provenance_lines(table),
        "Een lege waarde met een reden in onderdrukt_reden is niet gepubliceerd om "
        f"onthullingsrisico (aantal < {rules.min_count}, noemer < {rules.min_denominator}, "
        f"respondenten < {rules.min_survey_n}).",
        "Tabbladen: indicatoren (alle waarden per gebied, jaar en indicator), samenvatting "
        "(veranderingen, toetsen, trends en streefwaarden), netwerk (doelen, inspanningen en "
        "indicatoren), kolommen (de betekenis van elke kolom).",
        "Getallen staan op de gepubliceerde precisie: procenten met één decimaal, aantallen en "
        "euro's als hele getallen.",
        CBS_ATTRIBUTION,
    ]
    return pd.DataFrame({"toelichting": [line for line in lines if line]})


def columns_sheet(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per column of every sheet: sheet, column, what it holds."""
    rows = [
        {"tabblad": sheet, "kolom": column, "betekenis": COLUMN_NOTES[sheet][column]}
        for sheet, frame in tables.items()
        for column in frame.columns
    ]
    return pd.DataFrame(rows, columns=["tabblad", "kolom", "betekenis"])


# ------------------------------------------------------------ number formats


def _whole(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns as integers (nullable), so no writer shows '2024.0'."""
    frame = frame.copy()
    for column in frame.columns.intersection(sorted(WHOLE_COLUMNS)):
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    return frame


def _text(value: object, decimal: str) -> str:
    """One cell as CSV text: '' for missing, stored numbers by `plain_number`."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float) or hasattr(value, "dtype"):  # a number or NumPy scalar
        return plain_number(float(cast(SupportsFloat, value))).replace(".", decimal)
    return str(value)


def plain_csv(frame: pd.DataFrame) -> str:
    """CSV for software: comma, decimal point, no BOM, LF line ends."""
    # pandas calls float_format with floats only; pandas-stubs type it Callable[[object], str]
    return cells(frame).to_csv(index=False, float_format=plain_number, lineterminator="\n")  # type: ignore[arg-type]


def dutch_excel_csv(frame: pd.DataFrame) -> str:
    """CSV for Dutch Excel: semicolon, decimal comma, UTF-8 BOM, CRLF line ends.

    No thousands separator: Excel would read '1.189' back as 1.189 in some locales.
    """
    text = frame.astype(object).map(lambda v: _text(cell(v), ","))
    return "\ufeff" + text.to_csv(index=False, sep=";", lineterminator="\r\n")


P_VALUE_FORMAT = '[<0.001]"< 0,001";0.' + "0" * P_VALUE_DECIMALS
"""A stored p of 0 (below 0,0005) reads '< 0,001' in Excel, as in the reports; never 0."""


def number_format(unit: str) -> str:
    """The Excel number format of a unit's values: its stored decimals, thousands
    grouping, € before euros ('#,##0.0', '"€" #,##0'); Excel shows them in the
    reader's locale (1.189 and 47,5 in Dutch Excel)."""
    decimals = shown_decimals(unit)
    code = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'"€" {code}' if unit == "euro" else code


def _cell_value(value: object) -> object:
    """A cell for openpyxl: None for missing, int for whole numbers, float otherwise."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return cell(value)


def _write_sheet(writer: pd.ExcelWriter, name: str, frame: pd.DataFrame) -> None:
    """One sheet: header frozen, filter on, formats per column (and per row's unit)."""
    frame.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    units = frame["eenheid"].tolist() if "eenheid" in frame.columns else None
    for col_index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(col_index)
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        fixed = None
        if column in YEAR_COLUMNS:
            fixed = "0"
        elif column in WHOLE_COLUMNS:
            fixed = "#,##0"
        elif column == "p_waarde":
            fixed = P_VALUE_FORMAT
        elif column == "index_laatste_jaar":
            fixed = "0." + "0" * INDEX_DECIMALS
        for row_index, value in enumerate(frame[column].tolist(), start=2):
            cell = sheet.cell(row=row_index, column=col_index)
            cell.value = _cell_value(value)
            if fixed:
                cell.number_format = fixed
            elif column in UNIT_COLUMNS and units is not None:
                cell.number_format = number_format(str(units[row_index - 2]))
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        last = get_column_letter(len(frame.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


def write_tables(project: Project, key: str, table: pd.DataFrame, folder: Path) -> list[Path]:
    """Write the analysts' tables of one programme into `folder`; return their paths.

    `<key>_indicatoren`, `<key>_samenvatting` and `<key>_netwerk` as plain CSV and as
    `…_excel-nl.csv`, and `<key>_indicatoren.xlsx` with all three, the column notes and
    the explanation.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "indicatoren": _whole(analyst_table(project, key, table)),
        "samenvatting": _whole(summary_table(project, key, programme_summary(project, key, table))),
        "netwerk": network_export(project, key),
    }
    written = []
    for name, frame in tables.items():
        plain = folder / f"{key}_{name}.csv"
        write_text_atomic(plain, plain_csv(frame))
        excel = folder / f"{key}_{name}{DUTCH_EXCEL}.csv"
        write_text_atomic(excel, dutch_excel_csv(frame))
        written += [plain, excel]
    xlsx_path = folder / f"{key}_indicatoren.xlsx"
    tmp = xlsx_path.with_name(f".{xlsx_path.name}.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in tables.items():
            _write_sheet(writer, name, frame)
        _write_sheet(writer, "kolommen", columns_sheet(tables))
        cells(notes_sheet(project, key, table)).to_excel(
            writer, sheet_name="toelichting", index=False
        )
    stable_zip(tmp)
    tmp.replace(xlsx_path)
    return [written[0], xlsx_path, *written[1:]]
