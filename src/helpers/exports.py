"""Tables for analysts: the indicator table of a programme as CSV and Excel.

The same suppression as the reports: a withheld cell has no value, interval,
numerator, denominator or n, and says why in `onderdrukt_reden`. The tables are
built from the processed indicator table only, which never holds a suppressed
value (see disclosure.py), and each names its source and whether it is synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.config import Project
from helpers.disclosure import REASONS
from helpers.io import write_text_atomic
from helpers.precision import plain_number
from helpers.report_data import (
    CBS_ATTRIBUTION,
    ROLE_LABELS,
    estimate_words,
    source_provenance,
)
from helpers.reproducible import stable_zip

TABLES_DIR = "tabellen"
COLUMNS = {
    "programme": "programma",
    "area_role": "gebied_rol",
    "area_code": "gebiedscode",
    "area_name": "gebiedsnaam",
    "year": "jaar",
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
    "source_modified": "bron_versie",
    "estimate": "schatting",
    "synthetic": "synthetisch",
}
_WITHHELD = ["value", "lower", "upper", "numerator", "denominator", "n"]


def analyst_table(project: Project, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """The indicator table of one programme with Dutch column names and reasons in words."""
    frame = table.copy()
    labels = {i.id: i.label for i in project.indicators_for(key)}
    frame["label"] = frame["indicator_id"].map(labels).fillna(frame["indicator_id"])
    suppressed = frame["suppressed"].astype(bool)
    frame.loc[suppressed, _WITHHELD] = float("nan")
    frame["suppression_reason"] = (
        frame["suppression_reason"].fillna("").astype(str).map(lambda r: REASONS.get(r, r))
    )
    frame["area_role"] = frame["area_role"].map(ROLE_LABELS).fillna(frame["area_role"])
    frame["series_break"] = frame["series_break"].astype(bool).map({True: "ja", False: "nee"})
    frame["synthetic"] = frame["synthetic"].astype(bool).map({True: "ja", False: "nee"})
    frame["estimate"] = frame.get("estimate", pd.Series("", index=frame.index))
    frame["estimate"] = frame["estimate"].fillna("").astype(str).map(estimate_words)
    return frame[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)


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
        CBS_ATTRIBUTION,
    ]
    return pd.DataFrame({"toelichting": [line for line in lines if line]})


def write_tables(project: Project, key: str, table: pd.DataFrame, folder: Path) -> list[Path]:
    """Write `<key>_indicatoren.csv` and `.xlsx` into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = analyst_table(project, key, table)
    csv_path = folder / f"{key}_indicatoren.csv"
    write_text_atomic(
        csv_path, frame.to_csv(index=False, float_format=plain_number, lineterminator="\n")
    )
    xlsx_path = folder / f"{key}_indicatoren.xlsx"
    tmp = xlsx_path.with_name(f".{xlsx_path.name}.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="indicatoren", index=False)
        notes_sheet(project, key, table).to_excel(writer, sheet_name="toelichting", index=False)
    stable_zip(tmp)
    tmp.replace(xlsx_path)
    return [csv_path, xlsx_path]
