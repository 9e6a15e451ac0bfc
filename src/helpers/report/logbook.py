"""The logbook table (design changes, area changes, CBS revisions) and the sources tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from helpers.config import (
    Paths,
    Project,
)
from helpers.indicators.areas import AreaChange, area_changes
from helpers.report.dutch import (
    BREAK_LABEL,
    CHANGE_LABELS,
    MISSING,
    SOURCE_KINDS,
    format_date,
)
from helpers.report.escaping import markdown_table
from helpers.report.wording import CBS_ATTRIBUTION


def logbook_table(
    project: Project,
    key: str,
    years: list[int] | None = None,
    revisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Logbook entries that apply to this programme, newest first, in Dutch words.

    Dates read '27 maart 2024', change types and indicators by their Dutch labels:
    the logbook is printed for readers, not for the params file's author. A change of
    the programme area's codes between `years` (default: the cycle's) is shown with the codes
    before and after, whether or not the logbook has an entry for it; so is every CBS
    revision in `revisions` (`revision_log`), with the previous and the new revision.
    """
    changes = area_changes(project, key, years or project.cycle.cycle.years)
    explained = {id(change.entry): change for change in changes if change.entry is not None}
    entries = project.logbook.for_programme(key)
    rows = [_area_change_row(change) for change in changes if change.entry is None]
    rows += definition_change_rows(project, key, max(years or project.cycle.cycle.years))
    dated = [
        (
            entry.date,
            _area_change_row(explained[id(entry)])
            if id(entry) in explained
            else {
                "datum": format_date(entry.date),
                "wijziging": CHANGE_LABELS.get(entry.change, entry.change),
                "indicator": _indicator_label(project, key, entry.indicator),
                "vanaf jaar": entry.from_year,
                BREAK_LABEL: "ja" if entry.breaks_a_series else "nee",
                "reden": entry.reason,
            },
        )
        for entry in entries
    ]
    if revisions is not None:
        dated += [_revision_row(record) for record in revisions.to_dict("records")]
    rows += [row for _, row in sorted(dated, key=lambda pair: pair[0], reverse=True)]
    return pd.DataFrame(rows)


def definition_change_rows(project: Project, key: str, upto: int) -> list[dict[str, object]]:
    """The catalogue's definition changes (params/indicators.yaml `changes`, e.g. a CBS
    definition renewed in 2024) as logbook rows, each a break: declared once in the
    catalogue, the logbook prints them beside the tables and charts that break there
    (undated, as the catalogue gives no date; logbook redefinitions are entries
    already)."""
    rows = []
    for indicator in project.indicators_for(key):
        for change in indicator.changes:
            if change.from_year > upto:
                continue
            rows.append(
                {
                    "datum": MISSING,
                    "wijziging": CHANGE_LABELS["indicator_redefined"],
                    "indicator": indicator.label,
                    "vanaf jaar": change.from_year,
                    BREAK_LABEL: "ja",
                    "reden": change.note,
                }
            )
    return rows


def _revision_row(record: Mapping[Hashable, Any]) -> tuple[dt.date, dict[str, object]]:
    """A CBS revision as a logbook row: no break (the same definitions, CBS's corrected
    figures), dated the day the new revision was fetched."""
    label = str(record["label"])
    year = label.removeprefix("KWB ")
    table = _source_label(_revised_source(label, record["table_id"]))
    return dt.date.fromisoformat(str(record["fetched_on"])), {
        "datum": format_date(record["fetched_on"]),
        "wijziging": CHANGE_LABELS["cbs_revision"],
        "indicator": MISSING,
        "vanaf jaar": int(year) if year.isdigit() else MISSING,
        BREAK_LABEL: "nee",
        "reden": (
            f"Het CBS publiceerde een nieuwe versie van {table} ({label}): "
            f"{format_date(record['modified']) or MISSING} in plaats van "
            f"{format_date(record['previous_modified']) or MISSING}. "
            "De nieuwe versie is gebruikt."
        ),
    }


def _area_change_row(change: AreaChange) -> dict[str, object]:
    """A change of the programme area's codes: always a break; the logbook gives the
    reason (an unexplained change comes first, undated, saying that the reason is missing)."""
    entry = change.entry
    area = (
        f"Gebied {change.previous_year}: {', '.join(change.before)}; "
        f"{change.year}: {', '.join(change.after)}."
    )
    reason = entry.reason if entry else "Reden niet vastgelegd in het logboek."
    return {
        "datum": format_date(entry.date) if entry else MISSING,
        "wijziging": CHANGE_LABELS["area_changed"],
        "indicator": MISSING,
        "vanaf jaar": change.year,
        BREAK_LABEL: "ja",
        "reden": f"{reason} {area}",
    }


def _indicator_label(project: Project, key: str, indicator_id: str | None) -> str:
    if not indicator_id:
        return MISSING
    try:
        return project.indicator(key, indicator_id).label
    except KeyError:
        return indicator_id


def sources_table(table: pd.DataFrame, revisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every source a figure came from, with the date CBS last changed its table and
    whether its figures are real or synthetic; with the revision log
    (`cbs_revisions.read_revisions`), the revision each CBS table replaced."""
    sources = (
        table[["source", "source_modified", "synthetic"]]
        .astype({"synthetic": bool})
        .drop_duplicates()
        .sort_values(["source", "source_modified"])
    )
    frame = pd.DataFrame(
        {
            "bron": [_source_label(s) for s in sources["source"]],
            "versie (laatst gewijzigd door CBS)": [
                format_date(m) or MISSING for m in sources["source_modified"]
            ],
            "cijfers": ["synthetisch (demo)" if f else "echt" for f in sources["synthetic"]],
        }
    )
    if revisions is not None and not revisions.empty:
        replaced = _replaced_revisions(revisions)
        frame["eerdere versie"] = [
            format_date(replaced.get((str(s).partition(":")[2], str(m)), "")) or MISSING
            for s, m in zip(sources["source"], sources["source_modified"], strict=True)
        ]
    return frame


def _replaced_revisions(revisions: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(table id, revision) -> the revision it replaced, from the revision log."""
    return {
        (str(t), str(new)): str(old)
        for t, new, old in zip(
            revisions["table_id"],
            revisions["modified"],
            revisions["previous_modified"],
            strict=True,
        )
    }


def revision_log(paths: Paths) -> pd.DataFrame:
    """The revision log the harmonise stage keeps (`data/processed/cbs/revisions.csv`);
    empty for a cycle without it (demo data, or harmonised before logs existed)."""
    from helpers.sources.cbs_revisions import read_revisions

    return read_revisions(paths.harmonised_revisions)


REVISIONS_HEADING = (
    "**Herzieningen van CBS-tabellen** (het CBS heeft de tabel na het eerste ophalen "
    "herzien; de nieuwe versie is gebruikt):"
)


def sources_section(table: pd.DataFrame, revisions: pd.DataFrame) -> str:
    """The sources appendix as Markdown, the same in the annual and the joint report:
    every source with its CBS version and real/synthetic, the CBS attribution, and the
    revision log of the CBS tables when CBS revised one after it was first fetched."""
    parts = [markdown_table(sources_table(table, revisions)), f"*{CBS_ATTRIBUTION}*"]
    log = revision_table(revisions) if not revisions.empty else pd.DataFrame()
    if not log.empty:
        parts += [REVISIONS_HEADING, markdown_table(log)]
    return "\n\n".join(parts)


def revision_table(revisions: pd.DataFrame) -> pd.DataFrame:
    """The revision log of the CBS tables (`revision_log`) for the report: which table
    CBS revised, the previous and the new revision, when it was fetched; newest first.
    Empty when no table was revised since it was first fetched."""
    log = revisions.iloc[::-1]
    sources = [
        _revised_source(label, table_id)
        for label, table_id in zip(log["label"], log["table_id"], strict=True)
    ]
    return pd.DataFrame(
        {
            "tabel": [_source_label(source) for source in sources],
            "jaar of editie": log["label"].to_numpy(),
            "vorige versie": [format_date(m) or MISSING for m in log["previous_modified"]],
            "nieuwe versie": [format_date(m) or MISSING for m in log["modified"]],
            "opgehaald op": [format_date(d) or MISSING for d in log["fetched_on"]],
        }
    )


def _revised_source(label: object, table_id: object) -> str:
    """The source of a revision log line: 'cbs_kwb:85984NED' for a label 'KWB 2024', the
    health table's otherwise (`cbs_revisions.cycle_tables` names them so)."""
    kind = "cbs_kwb" if str(label).startswith("KWB") else "cbs_health"
    return f"{kind}:{table_id}"


def _source_label(source: str) -> str:
    """'cbs_kwb:85984NED' -> 'CBS Kerncijfers wijken en buurten (85984NED)'."""
    kind, _, table_id = str(source).partition(":")
    return SOURCE_KINDS.get(kind, kind) + (f" ({table_id})" if table_id else "")
