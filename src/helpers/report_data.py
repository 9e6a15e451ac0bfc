"""What the report notebooks show, computed here so tests reach it.

The notebooks only call these functions and display the results: the "in één
oogopslag" table, the network of goals, efforts and indicators, the key-figures
table, the series per indicator with its caveats, the notes beside the numbers,
population context, the appendices (definitions, availability, sources), the
residents' factsheet sentences and the banners. Only published (unsuppressed)
values ever leave this module.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import platform
import re
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import pandas as pd

from helpers.areas import AreaChange, area_changes
from helpers.config import (
    Indicator,
    ParamsWarning,
    Programme,
    Project,
    Strict,
    load_model,
    load_project,
)
from helpers.disclosure import REASONS
from helpers.dutch import (
    BREAK_LABEL,
    CHANGE_LABELS,
    MISSING,
    SOURCE_KINDS,
    THEME_LABELS,
    UNIT_AXIS_LABELS,
    break_words,
    format_change,
    format_date,
    format_index_change,
    format_value,
    is_missing,
)
from helpers.indicators import read_indicator_table, read_summary
from helpers.paths import Paths
from helpers.precision import INDEX_DECIMALS, round_half_up, unit_decimals
from helpers.sources.local import read_notes
from helpers.stats import MIN_COUNT_TREND_POINTS, REGISTER_SOURCES, TREND_METHOD

REPORT_SETTINGS = "report.yaml"
SIGNIFICANCE = 0.05

LEVEL_LABELS = {
    "input": "input",
    "activity": "activiteit",
    "output": "prestatie",
    "outcome": "effect",
    "impact": "maatschappelijk effect",
    "context": "context",
}
ROLE_LABELS = {"programma": "programmagebied", "gemeente": "gemeente", "nederland": "Nederland"}


@dataclass(frozen=True)
class ProgrammeContext:
    """Everything one programme's report needs, loaded once: what a notebook passes to
    the other helpers (`key_figures(ctx)`, `target_for(ctx, indicator_id)`, ...).

    Made by `programme_context` (a programme's notebooks) or `joint_programme_context`
    (the joint report). Fields:

    - `paths`: the project's folders and files (`helpers.paths.Paths`)
    - `project`: every params file, checked (`helpers.config.Project`): the cycle,
      the indicator catalogue, the programmes, the logbook
    - `programme`: this programme's params file (`helpers.config.Programme`): `key`,
      `name`, `gemeente`, `areas`, `goals`, `targets`, `deep_dives`
    - `table`: its tidy indicator table, one row per area role, year and indicator
      (columns in docs/data_formats.md; `helpers.indicators.read_indicator_table`)
    - `notes`: its qualitative notes (empty in the joint report)

    and the shortcuts `key`, `year` (peiljaar), `base_year` (nulmeting),
    `gemeente_name`, `synthetic` and `synthetic_for(indicator_ids)`.

    ```python
    ctx = report_data.programme_context(root, "overvecht")
    ctx.programme.name                  # 'Samen voor Overvecht'
    latest = ctx.table[ctx.table["year"].eq(ctx.year)]
    ```
    """

    paths: Paths
    project: Project
    programme: Programme
    table: pd.DataFrame
    notes: pd.DataFrame

    @property
    def key(self) -> str:
        return self.programme.key

    @property
    def year(self) -> int:
        return self.project.cycle.cycle.year

    @property
    def base_year(self) -> int:
        return self.project.cycle.cycle.base_year

    @property
    def synthetic(self) -> bool:
        """True when any figure of the report is synthetic (see `synthetic_for` per figure)."""
        return bool(self.table["synthetic"].astype(bool).any())

    def synthetic_for(self, indicator_ids: list[str]) -> bool:
        """True when any row of these indicators is synthetic: the mark of one figure or
        table, so that a real CBS figure beside synthetic local ones is not called synthetic."""
        rows = self.table[self.table["indicator_id"].isin(indicator_ids)]
        return bool(rows["synthetic"].astype(bool).any())

    @property
    def gemeente_name(self) -> str:
        return self.project.cycle.comparison.gemeenten[self.programme.gemeente]


def programme_context(root: str | Path, key: str) -> ProgrammeContext:
    """Load params, the processed indicator table and the notes of one programme.

    `root` is the notebook's parameter of that name ("" finds the project above the
    notebook). Raises KeyError for a key not in the cycle and FileNotFoundError when
    the indicator table is not built yet (`dvc repro indicators`).

    ```python
    ctx = report_data.programme_context(root, programme)   # in the notebook's first cell
    display(Markdown(report_data.key_figures(ctx).to_markdown(index=False)))
    ```
    """
    paths = Paths.from_root(root)
    project = _quiet_project(paths)
    if key not in project.programmes:
        raise KeyError(f"{key!r} is not a programme in {paths.cycle_file}")
    table_path = paths.indicator_table(key)
    if not table_path.exists():
        raise FileNotFoundError(f"{table_path} is missing: run `dvc repro indicators` first")
    local = paths.root / project.cycle.local_data
    return ProgrammeContext(
        paths,
        project,
        project.programmes[key],
        read_indicator_table(table_path),
        read_notes(local, key),
    )


def _quiet_project(paths: Paths) -> Project:
    """The params without their ParamsWarnings: the pipeline's stages print those for the
    researcher; on a report page they would be English stderr text for every reader."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParamsWarning)
        return load_project(paths)


def load_joint(root: str | Path) -> tuple[Project, pd.DataFrame]:
    """Params and all programmes' indicator tables stacked (joint report).

    ```python
    project, table = report_data.load_joint(root)
    table.groupby("programme")["indicator_id"].nunique()
    ```
    """
    paths = Paths.from_root(root)
    project = _quiet_project(paths)
    tables = []
    for key in project.cycle.programmes:
        path = paths.indicator_table(key)
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `dvc repro indicators` first")
        tables.append(read_indicator_table(path))
    return project, pd.concat(tables, ignore_index=True)


def joint_programme_context(
    root: str | Path, project: Project, table: pd.DataFrame, key: str
) -> ProgrammeContext:
    """One programme's context within the joint report, from the joint table: no notes
    (the joint report reads only the indicator tables and params)."""
    paths = Paths.from_root(root)
    own = table[table["programme"].eq(key)].reset_index(drop=True)
    return ProgrammeContext(paths, project, project.programmes[key], own, pd.DataFrame())


def synthetic_callout(synthetic: bool) -> str:
    """The banner for reports built on demo data only ('' for real data).

    Pages that may mix real and synthetic sources use `provenance_callout`.
    """
    if not synthetic:
        return ""
    return (
        "::: {.callout-warning}\n"
        "## Synthetische gegevens\n\n"
        "**Alle cijfers op deze pagina zijn synthetisch**: gegenereerd door de demo van "
        "wijkmonitor in het formaat van de echte bronnen. Ze zeggen niets over de wijk en "
        "mogen niet worden geciteerd.\n"
        ":::\n"
    )


def source_provenance(table: pd.DataFrame) -> pd.DataFrame:
    """Every source of a table's rows, real or synthetic: columns kind, table_id, synthetic,
    label (the source in words, with its CBS table id). From the rows' own `source` and
    `synthetic`, so a page can say which of its figures are real."""
    if table.empty:
        return pd.DataFrame(columns=["kind", "table_id", "synthetic", "label"])
    split = table["source"].astype(str).str.split(":", n=1, expand=True)
    frame = pd.DataFrame(
        {
            "kind": split[0],
            "table_id": split[1].fillna("") if 1 in split else "",
            "synthetic": table["synthetic"].astype(bool).to_numpy(),
        }
    ).drop_duplicates()
    frame = frame.sort_values(["synthetic", "kind", "table_id"]).reset_index(drop=True)
    frame["label"] = [
        SOURCE_KINDS.get(kind, kind) + (f" ({table_id})" if table_id else "")
        for kind, table_id in zip(frame["kind"], frame["table_id"], strict=True)
    ]
    return frame


def provenance_callout(table: pd.DataFrame) -> str:
    """The page banner naming which sources are synthetic and which are real.

    Only demo data: the synthetic banner. Real CBS/RIVM figures beside synthetic local
    sources (a real cycle before the programme's own data arrive): both lists, so that
    a real figure is never called synthetic. Only real data: the sources, as real.
    """
    sources = source_provenance(table)
    fake = list(dict.fromkeys(sources.loc[sources["synthetic"], "label"]))
    real = list(dict.fromkeys(sources.loc[~sources["synthetic"], "label"]))
    if fake and not real:
        return synthetic_callout(True)
    real_text = "; ".join(real)
    if not fake:
        return (
            "::: {.callout-note}\n## Bronnen op deze pagina\n\n"
            f"**Alle cijfers op deze pagina zijn echt**, gepubliceerd door de bron: {real_text}.\n"
            ":::\n"
        )
    return (
        "::: {.callout-warning}\n## Echte en synthetische gegevens\n\n"
        f"**Echt** (gepubliceerd door de bron): {real_text}.\n\n"
        f"**Synthetisch** (gegenereerd door de demo van wijkmonitor; zeggen niets over de "
        f"wijk en mogen niet worden geciteerd): {'; '.join(fake)}.\n\n"
        "Bij elke tabel en figuur staat welke van de twee ze toont.\n"
        ":::\n"
    )


def provenance_note(synthetic: bool) -> str:
    """The line above a table or figure: synthetic, or real published figures."""
    if synthetic:
        return synthetic_note(True)
    return "*Echte cijfers, zoals gepubliceerd door de bron (zie de bronregels).*"


def table_caption(title: str, synthetic: bool) -> str:
    """A bold caption line above a table, naming synthetic data where that applies."""
    mark = " — SYNTHETISCHE GEGEVENS" if synthetic else ""
    return f"**{title}{mark}**"


def area_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """The CBS areas that made up the programme area, per period."""
    rows = []
    for i, period in enumerate(ctx.programme.areas):
        until = (
            ctx.programme.areas[i + 1].from_year - 1 if i + 1 < len(ctx.programme.areas) else None
        )
        rows.append(
            {
                "vanaf": period.from_year,
                "tot en met": until if until else "heden",
                "gebieden (CBS-codes)": ", ".join(period.codes),
            }
        )
    return pd.DataFrame(rows)


def network_table(project: Project, key: str) -> pd.DataFrame:
    """The goals–efforts–indicators network as rows: doel, inspanning, indicator, niveau."""
    programme = project.programmes[key]
    rows = []
    for goal in programme.goals:
        for indicator_id in goal.indicators:
            rows.append(_network_row(project, key, goal.label, "", indicator_id))
        for effort in goal.efforts:
            for indicator_id in effort.indicators:
                rows.append(_network_row(project, key, goal.label, effort.label, indicator_id))
    return pd.DataFrame(rows, columns=["doel", "inspanning", "indicator", "niveau", "soort"])


def _network_row(project: Project, key: str, goal: str, effort: str, indicator_id: str) -> dict:
    indicator = project.indicator(key, indicator_id)
    local = indicator_id in {i.id for i in project.programmes[key].local_indicators}
    return {
        "doel": goal,
        "inspanning": effort or MISSING,
        "indicator": indicator.label,
        "niveau": LEVEL_LABELS[indicator.level],
        "soort": "maatwerk" if local else "gezamenlijk",
    }


def published(table: pd.DataFrame) -> pd.DataFrame:
    """Rows that may be shown: not suppressed and with a value."""
    return table[~table["suppressed"].astype(bool) & table["value"].notna()]


def indicator_series(
    table: pd.DataFrame, indicator_id: str, *, keep_gaps: bool = False
) -> pd.DataFrame:
    """Published rows of one indicator, ordered by area role and year.

    With `keep_gaps` the rows of withheld or missing years stay, with value and
    interval blanked (NaN): a chart then shows them as gaps instead of drawing a line
    through them, and still no withheld value leaves this module.
    """
    rows = table[table["indicator_id"].eq(indicator_id)]
    if keep_gaps:
        hidden = ~rows.index.isin(published(rows).index)
        blank = [
            c
            for c in ("value", "lower", "upper", "numerator", "denominator", "n")
            if c in rows.columns
        ]
        rows = rows.copy()
        rows.loc[hidden, blank] = math.nan
    else:
        rows = published(rows)
    return rows.sort_values(["area_role", "year"], key=_role_then_year).reset_index(drop=True)


def break_year(table: pd.DataFrame, indicator_id: str, after: int, until: int) -> int | None:
    """First year of the newest series of the programme area in (after, until], if broken."""
    own = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq("programma")
        & table["year"].gt(after)
        & table["year"].le(until)
    ]
    years = [int(y) for y in own.loc[own["series_break"].astype(bool), "year"]]
    return max(years) if years else None


def _break_text(ctx: ProgrammeContext, indicator_id: str, latest: int | None) -> str:
    """'breuk in de reeks vanaf 2022' for a break since the base year ('breuk in de reeks'
    when the year cannot be found)."""
    year = break_year(ctx.table, indicator_id, ctx.base_year, latest or ctx.year)
    return break_words(year) if year is not None else BREAK_LABEL


def _role_then_year(column: pd.Series) -> pd.Series:
    if column.name == "area_role":
        return column.map({"programma": 0, "gemeente": 1, "nederland": 2})
    return column


def _latest(rows: pd.DataFrame) -> tuple[float, int | None]:
    if rows.empty:
        return math.nan, None
    row = rows.iloc[rows["year"].argmax()]  # the position of idxmax's label
    return float(row["value"]), int(row["year"])


def _cell(table: pd.DataFrame, indicator_id: str, role: str, year: int) -> pd.Series | None:
    hit = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq(role)
        & table["year"].eq(year)
    ]
    return None if hit.empty else hit.iloc[0]


def _indicator_row(summary: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    """One indicator's row of a summary indexed by indicator_id (one row each); None
    where the indicator has none."""
    if indicator_id not in summary.index:
        return None
    return cast(pd.Series, summary.loc[indicator_id])


def key_figures(ctx: ProgrammeContext) -> pd.DataFrame:
    """Per indicator of the network: latest published value, comparisons, change, target.

    A suppressed cell shows its reason instead of a number.
    """
    summary = indicator_summary(ctx).set_index("indicator_id")
    rows = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        rows.append(_key_figure_row(ctx, indicator, _indicator_row(summary, indicator_id)))
    return pd.DataFrame(rows)


def _shown(ctx: ProgrammeContext, indicator: Indicator, role: str, year: int | None) -> str:
    if year is None:
        return MISSING
    cell = _cell(ctx.table, indicator.id, role, year)
    if cell is None:
        return MISSING
    if bool(cell["suppressed"]):
        return f"onderdrukt ({REASONS.get(cell['suppression_reason'], cell['suppression_reason'])})"
    return format_value(float(cell["value"]), indicator.unit)


def _key_figure_row(ctx: ProgrammeContext, indicator: Indicator, stats: pd.Series | None) -> dict:
    own = indicator_series(ctx.table, indicator.id)
    _, year = _latest(own[own["area_role"].eq("programma")])
    if year is None:
        rows = ctx.table[ctx.table["indicator_id"].eq(indicator.id)]
        year = int(rows["year"].max()) if not rows.empty else None
    target = next((t for t in ctx.programme.targets if t.indicator == indicator.id), None)
    return {
        "indicator": indicator.label,
        "niveau": LEVEL_LABELS[indicator.level],
        "jaar": year if year is not None else MISSING,
        ctx.programme.name: _shown(ctx, indicator, "programma", year),
        ctx.gemeente_name: _shown(ctx, indicator, "gemeente", year),
        "Nederland": _shown(ctx, indicator, "nederland", year),
        f"verschil t.o.v. {ctx.base_year}": _key_change(ctx, indicator, stats, year),
        "streefwaarde": (
            f"{format_value(target.value, indicator.unit)} in {target.year}" if target else MISSING
        ),
    }


def _key_change(
    ctx: ProgrammeContext, indicator: Indicator, stats: pd.Series | None, year: int | None
) -> str:
    """The change since the base year with the plain words on its uncertainty; after a
    break, the change since the first year after it, labelled as such."""
    if stats is None:
        return MISSING
    if is_true(stats["break_since_base"]):
        text = f"{MISSING} ({_break_text(ctx, indicator.id, year)})"
        compared = comparison_since(ctx, indicator.id, stats)
        if not compared:
            return text
        change = _format_change(float(stats["change_since_comparison"]), indicator.unit)
        words = _words_in_brackets(stats, indicator, "change_since_comparison")
        return f"{text}; {compared}: {change}{words}"
    return _format_change(float(stats["change_since_base"]), indicator.unit) + _words_in_brackets(
        stats, indicator, "change_since_base"
    )


def _words_in_brackets(stats: pd.Series, indicator: Indicator, column: str) -> str:
    words = significance_words(
        float(stats["p_value"]), stats["significant"], float(stats[column]), indicator.source
    )
    return f" ({words})" if words != "n.v.t." else ""


def _format_change(change: float, unit: str) -> str:
    return format_change(change, unit)


def target_for(ctx: ProgrammeContext, indicator_id: str) -> tuple[int, float] | None:
    """The (year, value) target of an indicator, if the programme set one."""
    for target in ctx.programme.targets:
        if target.indicator == indicator_id:
            return (target.year, target.value)
    return None


def quality_findings(ctx: ProgrammeContext) -> pd.DataFrame:
    """Validation warnings that concern this programme's sources (its data-quality section)."""
    path = ctx.paths.validation_dir / "findings.json"
    findings = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    own = {f"registrations_{ctx.key}", f"notes_{ctx.key}", "survey", "params"}
    rows = [
        {
            "bron": f["file"],
            "kolom": f["column"] or MISSING,
            "regel": f.get("regel") or f["rule"],
            "rijen": f["rows"],
            "ernst": "waarschuwing" if f["severity"] == "warning" else "kritiek",
        }
        for f in findings
        if f["suite"] in own or f["suite"].startswith("kwb_")
    ]
    return pd.DataFrame(rows, columns=["bron", "kolom", "regel", "rijen", "ernst"])


def suppression_summary(table: pd.DataFrame) -> pd.DataFrame:
    """How many cells were withheld, by reason (for the accountability section)."""
    withheld = table[table["suppressed"].astype(bool)]
    counts = withheld["suppression_reason"].value_counts().sort_index()
    return pd.DataFrame(
        {"reden": [REASONS.get(r, r) for r in counts.index], "aantal cellen": counts.to_numpy()}
    )


# Characters that make structure in markdown (CommonMark, pandoc/Quarto): headings,
# emphasis, links, images, lists, tables, callout fences, math, citations, raw HTML.
_MARKUP = set("\\`*_{}[]()#+-!|~:$^@=")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def plain_text(text: object) -> str:
    """Free text (a note, its source, a reason) as markdown that shows exactly its characters.

    Notes come from the field and are published: `# Gehackt` must not become a heading,
    `<img onerror=…>` not an element, `[klik](javascript:…)` not a link, in Quarto and in
    the nbconvert fallback alike. Each markup character is backslash-escaped, `&<>` become
    HTML entities, and line breaks become spaces (a new line could start a new block).
    """
    words = " ".join(str(text).split())
    escaped = "".join(_HTML.get(c) or (f"\\{c}" if c in _MARKUP else c) for c in words)
    return re.sub(r"^(\d+)\.", r"\1\\.", escaped)  # 1. at the start is no list item


NOTE_KINDS = {
    "citaat": ("citaat", "citaten"),
    "observatie": ("observatie", "observaties"),
    "werksessie": ("werksessie", "werksessies"),
}


def curated_notes(notes: pd.DataFrame, goal_id: str) -> pd.DataFrame:
    """The notes of one goal, each text once: a note told in several years (or sessions)
    keeps its first source and date, with every year it came up in `years`."""
    rows = notes[notes["goal"].eq(goal_id)] if not notes.empty else notes
    if rows.empty:
        return rows.assign(years="")
    rows = rows.sort_values(["year", "date"], kind="stable")
    years = rows.groupby(["type", "text"], sort=False)["year"].agg(
        lambda y: ", ".join(dict.fromkeys(str(v) for v in y))
    )
    first = rows.drop_duplicates(["type", "text"]).reset_index(drop=True)
    first["years"] = [
        years[(kind, text)] for kind, text in zip(first["type"], first["text"], strict=True)
    ]
    return first


def notes_synthesis(curated: pd.DataFrame, told: pd.DataFrame) -> str:
    """One counted sentence over a goal's notes (`told`: all of them, `curated`: each
    once): how many, of which kind, over which years, how many came up more than once.
    No claim about what they mean."""
    kinds = curated["type"].astype(str).value_counts()
    rank = {kind: k for k, kind in enumerate(NOTE_KINDS)}
    order = sorted(kinds.index, key=lambda kind: (rank.get(kind, len(rank)), kind))
    parts = [
        f"{kinds[kind]} {NOTE_KINDS.get(kind, (kind, kind))[int(kinds[kind] != 1)]}"
        for kind in order
    ]
    span = f"{told['year'].min()}–{told['year'].max()}"
    text = f"{len(curated)} verschillende verhalen uit {span} ({', '.join(parts)})"
    repeated = int(curated["years"].str.contains(",").sum())
    if len(told) > len(curated):
        verb = "kwam" if repeated == 1 else "kwamen"
        text += f"; {repeated} daarvan {verb} vaker terug ({len(told)} keer verteld)"
    return plain_text(text) + "."


def notes_markdown(notes: pd.DataFrame, goal_id: str, goal_label: str) -> str:
    """The stories told about one goal, each once, with a counted synthesis first, as
    markdown quotes and observations (text escaped)."""
    rows = curated_notes(notes, goal_id)
    if rows.empty:
        return f"*Geen verhalen vastgelegd bij ‘{plain_text(goal_label)}’.*"
    lines = [f"*{notes_synthesis(rows, notes[notes['goal'].eq(goal_id)])}*", ""]
    for _, note in rows.iterrows():
        where = f"{plain_text(note['source'])}, {plain_text(note['date'])}"
        text = plain_text(note["text"])
        if note["type"] == "citaat":
            lines.append(f"> “{text}”  \n> — *{where}*")
        else:
            kind = plain_text(str(note["type"]).capitalize())
            lines.append(f"- **{kind} ({plain_text(note['years'])})**: {text} (*{where}*)")
        lines.append("")
    return "\n".join(lines)


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
                BREAK_LABEL: "ja" if entry.breaks_series else "nee",
                "reden": plain_text(entry.reason),
            },
        )
        for entry in entries
    ]
    if revisions is not None:
        dated += [_revision_row(record) for record in revisions.to_dict("records")]
    rows += [row for _, row in sorted(dated, key=lambda pair: pair[0], reverse=True)]
    return pd.DataFrame(rows)


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
    reason = plain_text(entry.reason) if entry else "Reden niet vastgelegd in het logboek."
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
    sources = table[["source", "source_modified", "synthetic"]].astype(
        {"synthetic": bool}
    ).drop_duplicates().sort_values(["source", "source_modified"])
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
            revisions["table_id"], revisions["modified"], revisions["previous_modified"],
            strict=True,
        )
    }


def revision_log(paths: Paths) -> pd.DataFrame:
    """The revision log the harmonise stage keeps (`data/processed/cbs/revisions.csv`);
    empty for a cycle without it (demo data, or harmonised before logs existed)."""
    from helpers.sources.cbs_revisions import REVISIONS_FILE, read_revisions

    return read_revisions(paths.processed / "cbs" / REVISIONS_FILE)


REVISIONS_HEADING = (
    "**Herzieningen van CBS-tabellen** (het CBS heeft de tabel na het eerste ophalen "
    "herzien; de nieuwe versie is gebruikt):"
)


def sources_section(table: pd.DataFrame, revisions: pd.DataFrame) -> str:
    """The sources appendix as Markdown, the same in the annual and the joint report:
    every source with its CBS version and real/synthetic, the CBS attribution, and the
    revision log of the CBS tables when CBS revised one after it was first fetched."""
    parts = [sources_table(table, revisions).to_markdown(index=False), f"*{CBS_ATTRIBUTION}*"]
    log = revision_table(revisions) if not revisions.empty else pd.DataFrame()
    if not log.empty:
        parts += [REVISIONS_HEADING, log.to_markdown(index=False)]
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


def joint_overview(
    project: Project, table: pd.DataFrame, sources: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Per programme (params order, never sorted) and joint indicator: own area vs own gemeente.

    Each cell reads 'programme area (gemeente) year', so a reader compares a programme
    with its own gemeente, not programmes with each other. `sources` keeps the
    indicators of those source kinds only (one table per provenance).
    """
    rows = []
    for key in project.cycle.programmes:
        programme = project.programmes[key]
        own_table = table[table["programme"].eq(key)]
        row = {"programma": programme.name}
        for indicator in project.catalogue.indicators:
            if indicator.level not in ("outcome", "impact"):
                continue
            if sources is not None and indicator.source not in sources:
                continue
            own = indicator_series(own_table, indicator.id)
            value, year = _latest(own[own["area_role"].eq("programma")])
            if year is None:
                row[indicator.label] = MISSING
                continue
            cell = _cell(published(own_table), indicator.id, "gemeente", year)
            gemeente = (
                format_value(float(cell["value"]), indicator.unit) if cell is not None else MISSING
            )
            row[indicator.label] = (
                f"{format_value(value, indicator.unit)} (gemeente {gemeente}) {year}"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def own_trend_series(
    project: Project,
    table: pd.DataFrame,
    indicator_id: str,
    *,
    keep_gaps: bool = False,
    roles: tuple[str, ...] = ("programma", "gemeente"),
) -> pd.DataFrame:
    """Published rows of one indicator for every programme area and its own gemeente
    (with `keep_gaps`, withheld or missing years stay as blank rows, see `indicator_series`;
    `roles` adds Nederland for the joint report)."""
    parts = []
    for key in project.cycle.programmes:
        rows = indicator_series(
            table[table["programme"].eq(key)], indicator_id, keep_gaps=keep_gaps
        )
        rows = rows[rows["area_role"].isin(list(roles))]
        parts.append(rows.assign(programme_name=project.programmes[key].name))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return frame


def session_info() -> str:
    """Versions behind this run, for the closing cell of every report."""
    packages = ["pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "papermill"]
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    own = metadata.version("wijkmonitor")
    return f"Python {platform.python_version()}; {versions}; wijkmonitor {own}"


# ------------------------------------------------------------ report settings


class BoundarySettings(Strict):
    """Where the map's boundaries are, and how to read them where the defaults do not fit.

    The defaults read CBS's Wijk- en buurtkaart (GeoPackage or shapefile), PDOK
    downloads and GeoJSON as published; the other keys are for files that differ.
    """

    file: str
    layer: str | None = None
    code_column: str | None = None
    name_column: str | None = None
    gemeente_column: str | None = None
    crs: str | None = None


class ReportSettings(Strict):
    """Optional settings of the reports (params/report.yaml; absent means defaults)."""

    boundaries: str | BoundarySettings | None = None


@dataclass(frozen=True)
class BoundarySource:
    """The boundary file (resolved) and the options `maps.read_boundaries` takes."""

    path: Path
    options: dict[str, str]


def report_settings(paths: Paths) -> ReportSettings:
    """params/report.yaml when present, else the defaults (no map)."""
    path = paths.params / REPORT_SETTINGS
    return load_model(ReportSettings, path) if path.is_file() else ReportSettings()


def boundary_source(paths: Paths) -> BoundarySource | None:
    """The boundary file for maps (relative to the project root) and how to read it.

    None without one; a clear error naming params/report.yaml when the file is absent.
    """
    setting = report_settings(paths).boundaries
    if not setting:
        return None
    settings = setting if isinstance(setting, BoundarySettings) else BoundarySettings(file=setting)
    key = "boundaries" if isinstance(setting, str) else "boundaries.file"
    name = settings.file
    path = Path(name) if Path(name).is_absolute() else paths.root / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{paths.params / REPORT_SETTINGS}: key {key}: {path} does not exist"
        )
    options = settings.model_dump(exclude={"file"}, exclude_none=True)
    return BoundarySource(path, options)


def boundaries_file(paths: Paths) -> Path | None:
    """The boundary file for maps, or None without one (see `boundary_source`)."""
    source = boundary_source(paths)
    return source.path if source else None


def boundary_files(paths: Paths) -> list[Path]:
    """The boundary file and, for a shapefile, the files beside it that it is read with."""
    main = boundaries_file(paths)
    if main is None:
        return []
    if main.suffix.lower() != ".shp":
        return [main]
    beside = [main.with_suffix(s) for s in (".shx", ".dbf", ".prj", ".cpg")]
    return [main, *(p for p in beside if p.is_file())]


# ------------------------------------------------------------ in één oogopslag


def indicator_summary(ctx: ProgrammeContext) -> pd.DataFrame:
    """The statistics of the programme area, one row per indicator (`stats.SUMMARY_COLUMNS`).

    THE one place the report takes its statistics from: the indicators stage's
    `data/processed/summaries/<key>_summary.csv`, computed there once, tested there.
    """
    path = ctx.paths.summary_table(ctx.key)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `dvc repro indicators` first")
    summary = read_summary(path)
    return summary[summary["area_role"].eq("programma")].reset_index(drop=True)


def statistics_sentence(ctx: ProgrammeContext, indicator_id: str) -> str:
    """What the statistics add to `change_sentence`, in plain words: the change since the
    previous measurement, the trend and the gemeente comparison. Tests, p-values, indices
    and intervals of the trend are in the appendix (`statistics_appendix`)."""
    summary = indicator_summary(ctx).set_index("indicator_id")
    if indicator_id not in summary.index:
        return ""
    row = summary.loc[indicator_id]
    unit = row["unit"]
    parts: list[str] = []
    if not pd.isna(row["change_since_previous"]):
        parts.append(
            f"Sinds de vorige meting ({int(row['previous_year'])}): "
            f"{_format_change(float(row['change_since_previous']), unit)}."
        )
    if not pd.isna(row["trend_slope"]):
        parts.append(trend_words(row))
    if not pd.isna(row["did_vs_gemeente"]) and unit == "procent":
        parts.append(
            f"Dat is {_format_change(float(row['did_vs_gemeente']), unit)} ten opzichte van de "
            f"verandering in {ctx.gemeente_name} (een beschrijving, geen bewijs dat het "
            "programma het verschil maakte)."
        )
    note = _one_break_wording(ctx, indicator_id, _body_notes(str(row["note"] or "")))
    if note:
        parts.append(f"{note[0].upper()}{note[1:]}.".replace("..", "."))
    return " ".join(parts)


def trend_words(row: pd.Series) -> str:
    """The yearly trend of a count in plain words: the slope, and whether the years lie
    close enough to a straight line to call it a direction (the interval itself is in the
    appendix); without an interval (fewer than five years of a complete count) it says so."""
    unit = row["unit"]
    slope = _format_change(float(row["trend_slope"]), unit)
    text = f"Trend sinds {int(row['trend_from_year'])}: gemiddeld {slope} per jaar"
    lower, upper = row["trend_lower"], row["trend_upper"]
    if pd.isna(lower) or pd.isna(upper):
        return text + " (te weinig jaren om te zeggen of dit een vaste richting is)."
    if float(lower) > 0 or float(upper) < 0:
        rising = float(lower) > 0
        return text + f"; een duidelijke {'stijgende' if rising else 'dalende'} lijn."
    return text + "; de jaren wijken te veel af van een rechte lijn om van een richting te spreken."


def _body_notes(note: str) -> str:
    """The summary's notes without those the body says in its own words (trend intervals,
    the comparison after a break)."""
    skipped = ("trend over ", "verandering en toets vanaf ", "verandering vanaf ")
    return "; ".join(part for part in note.split("; ") if part and not part.startswith(skipped))


def statistics_appendix(ctx: ProgrammeContext) -> pd.DataFrame:
    """The appendix table behind the body's plain words: per indicator the comparison,
    the test and its p-value, the index, the trend with its 95% interval and the change
    against the gemeente."""
    summary = indicator_summary(ctx).set_index("indicator_id")
    rows: list[dict[str, str]] = []
    for indicator_id in ctx.programme.indicator_ids():
        if indicator_id not in summary.index:
            continue
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        row = summary.loc[indicator_id]
        unit = indicator.unit
        if pd.isna(row["latest_year"]):
            continue
        latest = int(row["latest_year"])
        if is_true(row["break_since_base"]) and pd.notna(row["comparison_from_year"]):
            compared = f"{int(row['comparison_from_year'])}–{latest} (eerste jaar na de breuk)"
        elif pd.notna(row["change_since_base"]):
            compared = f"{int(row['base_year'])}–{latest}"
        else:
            compared = MISSING
        trend = MISSING
        if pd.notna(row["trend_slope"]):
            trend = f"{_format_change(float(row['trend_slope']), unit)} per jaar sinds " + str(
                int(row["trend_from_year"])
            )
            if pd.notna(row["trend_lower"]) and pd.notna(row["trend_upper"]):
                trend += (
                    f" (95%-interval {_format_change(float(row['trend_lower']), unit)} tot "
                    f"{_format_change(float(row['trend_upper']), unit)})"
                )
            else:
                trend += " (geen interval: volledige telling over minder dan vijf jaren)"
        index = MISSING
        if pd.notna(row["index_latest"]):
            index = f"{float(row['index_latest']):.{INDEX_DECIMALS}f}".replace(".", ",")
        did = MISSING
        if pd.notna(row["did_vs_gemeente"]):
            did_value = float(row["did_vs_gemeente"])
            did_text = (
                format_change(did_value, unit)
                if unit == "procent"
                else format_index_change(did_value)
            )
            did = f"{did_text} ({row['did_note']})"
        rows.append(
            {
                "indicator": indicator.label,
                "vergelijking": compared,
                "toets": row["test_name"] or MISSING,
                "p-waarde": p_value_text(float(row["p_value"])) or MISSING,
                f"index ({ctx.base_year} = 100)": index,
                "lineaire trend": trend,
                f"verschil met {ctx.gemeente_name}": did,
            }
        )
    return pd.DataFrame(rows)


_BREAK_NOTES = re.compile(r"breuk in de reeks (?:na \d{4}|tussen (\d{4}) en (\d{4}))")
_BASE_BREAK_NOTE = re.compile(r"^breuk in de reeks na \d{4}: geen verandering sinds het basisjaar$")


def _one_break_wording(ctx: ProgrammeContext, indicator_id: str, note: str) -> str:
    """The statistics' notes say 'breuk in de reeks na 2020' or 'tussen 2022 en 2024';
    the reader gets the one wording 'breuk in de reeks vanaf <first year of the new series>'.

    The note on a break since the base year is left out: `change_sentence`, shown just
    before, already says it in those words.
    """

    def unify(match: re.Match) -> str:
        after, until = (int(match[1]), int(match[2])) if match[1] else (ctx.base_year, ctx.year)
        year = break_year(ctx.table, indicator_id, after, until)
        return break_words(year) if year is not None else BREAK_LABEL

    kept = [part for part in note.split("; ") if part and not _BASE_BREAK_NOTE.match(part)]
    return _BREAK_NOTES.sub(unify, "; ".join(kept))


def methods_note(ctx: ProgrammeContext) -> str:
    """The target rule stated once under the at-a-glance table, and where the tests are."""
    summary = indicator_summary(ctx)
    rules = sorted({r for r in summary["target_rule"] if r})
    lines = [f"Streefwaarden: {rule}." for rule in rules]
    if any(t for t in summary["test_name"]):
        lines.append(
            "Welke toets bij welke indicator is gebruikt, met de p-waarden, staat in de "
            "bijlage Statistische toelichting."
        )
    return "\n\n".join(f"*{line}*" for line in lines)


def statistics_methods(ctx: ProgrammeContext) -> str:
    """The methods behind the appendix table, named once: tests, threshold, trend."""
    summary = indicator_summary(ctx)
    tests = sorted({t for t in summary["test_name"] if t})
    lines = []
    if tests:
        lines.append(
            f"Toets (5%-niveau): {'; '.join(tests)}. Een p-waarde onder 0,05 heet in de tekst "
            "*waarschijnlijk een echte stijging* of *daling*, anders *het verschil kan toeval "
            "zijn*."
        )
    if summary["trend_slope"].notna().any():
        lines.append(
            f"Trend: {TREND_METHOD}; bij een volledige telling over minder dan "
            f"{MIN_COUNT_TREND_POINTS} jaren zonder interval."
        )
    return "\n\n".join(f"*{line}*" for line in lines)



TARGET_WORDS = {
    "on_track": "✔ op koers",
    "not_on_track": "✘ niet op koers",
    "too_early": "≈ te vroeg om te zeggen",
    "unknown": "? onbekend",
}
"""The symbols belong to the target status only; the uncertainty of a change is said in
words (`significance_words`), so ✔ never means both "op koers" and "significant"."""

CERTAIN_UP = "waarschijnlijk een echte stijging"
CERTAIN_DOWN = "waarschijnlijk een echte daling"
CHANCE = "het verschil kan toeval zijn"
COMPLETE_COUNT = "volledige telling, geen steekproef"


def change_words(change: float, direction: str, unit: str) -> str:
    """Direction of a change as symbol and words, with whether that is good news."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return f"{MISSING} geen vergelijking"
    if change == 0:
        return "= gelijk gebleven"
    up = change > 0
    text = ("▲ hoger " if up else "▼ lager ") + f"({_format_change(change, unit)})"
    if direction == "neutral":
        return text
    good = up == (direction == "higher_is_better")
    return text + (", gunstig" if good else ", ongunstig")


def is_true(flag: str | float | None) -> bool:
    """A yes/no column as read from a CSV: True, 'True'/'true' or 1 (missing is no)."""
    if isinstance(flag, str):
        return flag.strip().lower() in ("true", "1", "ja")
    return bool(flag) if flag is not None and not pd.isna(flag) else False


def significance_words(
    p_value: float, significant: str | float | None, change: float = math.nan, source: str = ""
) -> str:
    """The uncertainty of a change in plain Dutch, for the body of the report.

    'waarschijnlijk een echte daling' / 'het verschil kan toeval zijn' for a survey
    change with a test; 'volledige telling, geen steekproef' for a change in a register
    (no sampling error to speak of); 'n.v.t.' otherwise. Test names and p-values are in
    the appendix (`statistics_appendix`).
    """
    if p_value is None or (isinstance(p_value, float) and math.isnan(p_value)):
        if source in REGISTER_SOURCES and not is_missing(change):
            return COMPLETE_COUNT
        return "n.v.t."
    if not is_true(significant):
        return CHANCE
    if is_missing(change) or change == 0:
        return "waarschijnlijk een echt verschil"
    return CERTAIN_UP if change > 0 else CERTAIN_DOWN


def p_value_text(p_value: float) -> str:
    """'p = 0,012' / 'p < 0,001' for the appendix ('' without a test)."""
    if p_value is None or (isinstance(p_value, float) and math.isnan(p_value)):
        return ""
    return "p < 0,001" if p_value < 0.001 else f"p = {p_value:.3f}".replace(".", ",")


def comparison_since(ctx: ProgrammeContext, indicator_id: str, row: pd.Series) -> str:
    """'sinds 2022, het eerste jaar na de breuk' ('' without such a comparison); 'het eerste
    gepubliceerde jaar na de breuk' where the break year itself was withheld or missing."""
    if "comparison_from_year" not in row or pd.isna(row["comparison_from_year"]):
        return ""
    since = int(row["comparison_from_year"])
    latest = int(row["latest_year"]) if pd.notna(row["latest_year"]) else ctx.year
    first = break_year(ctx.table, indicator_id, ctx.base_year, latest)
    what = "het eerste jaar" if first is None or first == since else "het eerste gepubliceerde jaar"
    return f"sinds {since}, {what} na de breuk"


def at_a_glance(ctx: ProgrammeContext) -> pd.DataFrame:
    """The first page: per goal its indicators' latest value, change, significance, target.

    Symbols come with words (▲ hoger, ✔ op koers, …), never colour alone.
    """
    summary = indicator_summary(ctx).set_index("indicator_id")
    rows = []
    for goal in ctx.programme.goals:
        ids = list(dict.fromkeys(goal.indicators + [i for e in goal.efforts for i in e.indicators]))
        for indicator_id in ids:
            indicator = ctx.project.indicator(ctx.key, indicator_id)
            row = _indicator_row(summary, indicator_id)
            rows.append(_glance_row(ctx, goal.label, indicator, row))
    return pd.DataFrame(rows)


def _glance_row(
    ctx: ProgrammeContext, goal: str, indicator: Indicator, row: pd.Series | None
) -> dict:
    year = None if row is None or pd.isna(row["latest_year"]) else int(row["latest_year"])
    if row is None:
        change, p_value, significant, status, broken = math.nan, math.nan, None, "unknown", False
        note = ""
    else:
        change, p_value = float(row["change_since_base"]), float(row["p_value"])
        significant, status = row["significant"], row["target_status"]
        broken = is_true(row["break_since_base"])
        note = str(row.get("target_note", "") or "")
    if row is None or year is None:  # year is None where row is
        latest = _shown(ctx, indicator, "programma", _last_year(ctx.table, indicator.id))
    else:
        latest = f"{format_value(float(row['latest_value']), indicator.unit)} ({year})"
    if broken and row is not None:  # broken only with a row
        shown_change = (
            f"{_break_text(ctx, indicator.id, year)}: geen vergelijking met {ctx.base_year}"
        )
        compared = comparison_since(ctx, indicator.id, row)
        change = float(row["change_since_comparison"]) if compared else math.nan
        if compared:
            words = change_words(change, indicator.direction, indicator.unit)
            shown_change += f"; {compared}: {words}"
    else:
        shown_change = change_words(change, indicator.direction, indicator.unit)
    target = target_for(ctx, indicator.id)
    return {
        "doel": goal,
        "indicator": indicator.label,
        "laatste waarde": latest,
        f"verandering sinds {ctx.base_year}": shown_change,
        "echt verschil of toeval?": significance_words(
            p_value, significant, change, indicator.source
        ),
        "streefwaarde": (
            f"{format_value(target[1], indicator.unit)} in {target[0]}: {_target_words(status)}"
            + (f" ({note})" if note else "")
            if target
            else f"{MISSING} geen streefwaarde"
        ),
    }


def _target_words(status: object) -> str:
    return TARGET_WORDS.get(str(status), TARGET_WORDS["unknown"])


def _last_year(table: pd.DataFrame, indicator_id: str) -> int | None:
    rows = table[table["indicator_id"].eq(indicator_id) & table["area_role"].eq("programma")]
    return int(rows["year"].max()) if not rows.empty else None


GLANCE_LEGEND = (
    "▲ hoger / ▼ lager / = gelijk dan in de nulmeting, met *gunstig* of *ongunstig* waar de "
    "indicator een gewenste richting heeft; na een breuk in de reeks de verandering sinds het "
    "eerste jaar na de breuk. *Echt verschil of toeval?* geldt voor cijfers uit een enquête, "
    "die op een steekproef berusten: *waarschijnlijk een echte stijging* (of *daling*) als het "
    "verschil groter is dan wat toeval bij een steekproef van deze omvang meestal geeft, *het "
    "verschil kan toeval zijn* als dat niet zo is. Ook een waarschijnlijk echt verschil kan "
    "toeval zijn, en zegt niet waardoor het komt. Tellingen (registraties, CBS) zijn volledig "
    "en hebben die onzekerheid niet. Streefwaarde: ✔ op koers / ✘ niet op koers / ≈ te vroeg "
    "om te zeggen (het verschil met de lijn naar de streefwaarde valt binnen de onzekerheid "
    "van de meting) / ? onbekend; de symbolen staan alleen bij de streefwaarde. Toetsen, "
    "p-waarden en indexcijfers staan in de bijlage *Statistische toelichting*."
)


# ------------------------------------------------------------ network, availability


@dataclass(frozen=True)
class NetworkIndicator:
    """An indicator in the network: its label, its level in words, joint or the
    programme's own (maatwerk)."""

    label: str
    level: str
    joint: bool


@dataclass(frozen=True)
class NetworkEffort:
    label: str
    indicators: list[NetworkIndicator]

    @property
    def has_output(self) -> bool:
        """Whether an output indicator (prestatie) follows what the effort delivers."""
        return any(i.level == LEVEL_LABELS["output"] for i in self.indicators)


@dataclass(frozen=True)
class NetworkGoal:
    label: str
    efforts: list[NetworkEffort]
    indicators: list[NetworkIndicator]


def network_structure(ctx: ProgrammeContext) -> list[NetworkGoal]:
    """The network per goal: its efforts with their indicators, and its own indicators;
    each indicator with its level and whether it belongs to the joint monitor."""
    joint = {indicator.id for indicator in ctx.project.catalogue.indicators}

    def node(indicator_id: str) -> NetworkIndicator:
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        return NetworkIndicator(
            indicator.label, LEVEL_LABELS[indicator.level], indicator_id in joint
        )

    return [
        NetworkGoal(
            goal.label,
            [NetworkEffort(e.label, [node(i) for i in e.indicators]) for e in goal.efforts],
            [node(i) for i in goal.indicators],
        )
        for goal in ctx.programme.goals
    ]


AVAILABILITY = {
    "measured": "gemeten",
    "missing": "ontbreekt",
    "suppressed": "onderdrukt",
    "break": "breuk",
}


def availability_matrix(ctx: ProgrammeContext) -> pd.DataFrame:
    """Indicator × year for the programme area: gemeten, ontbreekt, onderdrukt, (breuk)."""
    own = ctx.table[ctx.table["area_role"].eq("programma")]
    years = list(ctx.project.cycle.cycle.years)
    rows = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        row = {"indicator": indicator.label}
        for year in years:
            hit = own[own["indicator_id"].eq(indicator_id) & own["year"].eq(year)]
            if hit.empty or (hit["value"].isna().all() and not hit["suppressed"].any()):
                state = AVAILABILITY["missing"]
            elif bool(hit["suppressed"].astype(bool).any()):
                state = AVAILABILITY["suppressed"]
            else:
                state = AVAILABILITY["measured"]
            if not hit.empty and bool(hit["series_break"].astype(bool).any()):
                state += f" + {AVAILABILITY['break']}"
            row[str(year)] = state
        rows.append(row)
    return pd.DataFrame(rows)


def definitions_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """Every indicator of the programme with its definition: level, unit, source, formula."""
    rows = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        formula = indicator.column or f"{indicator.numerator} / {indicator.denominator}"
        rows.append(
            {
                "indicator": indicator.label,
                "niveau": LEVEL_LABELS[indicator.level],
                "eenheid": UNIT_AXIS_LABELS.get(indicator.unit, indicator.unit),
                "bron": SOURCE_LABELS.get(indicator.source, indicator.source),
                "definitie": formula,
                "gewenste richting": DIRECTION_LABELS[indicator.direction],
                "wijzigingen": _definition_changes(ctx, indicator),
            }
        )
    return pd.DataFrame(rows)


def _definition_changes(ctx: ProgrammeContext, indicator: Indicator) -> str:
    """The catalogue's and the logbook's redefinitions, each with its first year: a
    reader of the appendix sees every definition the series has had."""
    changes = [
        *indicator.changes,
        *ctx.project.logbook.redefinitions(ctx.key, indicator.id),
    ]
    return (
        "; ".join(
            f"vanaf {c.from_year}: {plain_text(c.note)}"
            for c in sorted(changes, key=lambda c: c.from_year)
        )
        or MISSING
    )


SOURCE_LABELS = SOURCE_KINDS
DIRECTION_LABELS = {
    "higher_is_better": "hoger is beter",
    "lower_is_better": "lager is beter",
    "neutral": "geen (context)",
}
CBS_ATTRIBUTION = (
    "Bron: CBS. Gegevens van het Centraal Bureau voor de Statistiek (StatLine), "
    "gebruikt onder licentie "
    "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/deed.nl)."
)


def population_context(ctx: ProgrammeContext) -> pd.DataFrame:
    """Population groups (age, household) in the area, gemeente and Nederland: context only.

    The shares of the population pillar (`theme` bevolking, or none); the housing and
    income shares of the other pillars are in the context section.
    """
    rows = []
    for indicator in ctx.project.indicators_for(ctx.key):
        if indicator.level != "context" or indicator.unit != "procent":
            continue
        if (indicator.theme or "bevolking") != "bevolking":
            continue
        year = _last_year(published(ctx.table), indicator.id)
        if year is None:
            continue
        rows.append(
            {
                "bevolkingsgroep": indicator.label,
                "jaar": year,
                "programmagebied": _shown(ctx, indicator, "programma", year),
                ctx.gemeente_name: _shown(ctx, indicator, "gemeente", year),
                "Nederland": _shown(ctx, indicator, "nederland", year),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------ context and health

CONTEXT_SOURCES = ("cbs_kwb",)
WEIGHTED_PREFIX = "inwoners_gewogen:"


def context_indicators(ctx: ProgrammeContext) -> list[Indicator]:
    """The KWB indicators that describe the area (level context), in catalogue order."""
    return [
        i
        for i in ctx.project.indicators_for(ctx.key)
        if i.level == "context" and i.source in CONTEXT_SOURCES
    ]


def _area_names(ctx: ProgrammeContext) -> list[tuple[str, str]]:
    return [
        ("programma", ctx.programme.name),
        ("gemeente", ctx.gemeente_name),
        ("nederland", "Nederland"),
    ]


def context_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """The area described by CBS's key figures: per indicator the programme area, its
    gemeente and Nederland over the cycle's years.

    Only published values are shown (a withheld or missing cell is '–'); an indicator
    with no published value anywhere is left out (`context_missing` names it). The
    source of every value is in `context_sources`.
    """
    years = list(ctx.project.cycle.cycle.years)
    shown = published(ctx.table)
    rows = []
    for indicator in context_indicators(ctx):
        own = shown[shown["indicator_id"].eq(indicator.id)]
        if own.empty:
            continue
        for role, name in _area_names(ctx):
            row = {"indicator": indicator.label, "gebied": name}
            for year in years:
                cell = _cell(own, indicator.id, role, year)
                row[str(year)] = (
                    format_value(float(cell["value"]), indicator.unit) if cell is not None
                    else MISSING
                )
            rows.append(row)
    return pd.DataFrame(rows, columns=["indicator", "gebied", *map(str, years)])


def context_missing(ctx: ProgrammeContext) -> list[str]:
    """Labels of context indicators without any published value in this cycle."""
    shown = published(ctx.table)
    return [i.label for i in context_indicators(ctx) if not shown["indicator_id"].eq(i.id).any()]


def _source_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One row per year and source table of published values: the source lines."""
    rows = published(table)
    if rows.empty:
        return pd.DataFrame(columns=["jaar", "bron", "tabel", "versie (CBS)", "cijfers"])
    split = rows["source"].astype(str).str.split(":", n=1, expand=True)
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype(int).to_numpy(),
            "kind": split[0].to_numpy(),
            "table_id": (split[1] if 1 in split else pd.Series("", index=rows.index))
            .fillna("")
            .to_numpy(),
            "modified": rows["source_modified"].fillna("").astype(str).to_numpy(),
            "synthetic": rows["synthetic"].astype(bool).to_numpy(),
        }
    ).drop_duplicates()
    frame = frame.sort_values(["year", "kind", "table_id"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "jaar": frame["year"],
            "bron": [SOURCE_KINDS.get(k, k) for k in frame["kind"]],
            "tabel": frame["table_id"].replace("", MISSING),
            "versie (CBS)": [
                format_date(m) or "niet vastgelegd" for m in frame["modified"]
            ],
            "cijfers": ["synthetisch (demo)" if f else "echt" for f in frame["synthetic"]],
        }
    )


def context_sources(ctx: ProgrammeContext) -> pd.DataFrame:
    """The source line of every year of the context table: table id, year, the date CBS
    last revised the table, and whether the figures are real or synthetic."""
    ids = [i.id for i in context_indicators(ctx)]
    return _source_rows(ctx.table[ctx.table["indicator_id"].isin(ids)])


def health_indicators(project: Project, key: str) -> list[Indicator]:
    """The indicators from the RIVM/GGD small-area estimates, in catalogue order."""
    return [i for i in project.indicators_for(key) if i.source == "cbs_health"]


def estimate_words(estimate: str) -> str:
    """How a health value was obtained, in words ('' for CBS's own published estimate)."""
    if estimate.startswith(WEIGHTED_PREFIX):
        year = estimate.removeprefix(WEIGHTED_PREFIX)
        return (
            "gewogen gemiddelde van de schattingen van de deelgebieden, naar aantal inwoners "
            f"(CBS Kerncijfers {year}); geen eigen schatting van het RIVM en geen interval"
        )
    return estimate


def health_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """The health outcomes of the RIVM/GGD small-area estimates: per indicator the latest
    wave with a published value for the programme area, with its own year (also when the
    cycle's year is later), the gemeente, Nederland, the gap to the gemeente and how the
    programme area's value was obtained. Estimates without an interval: none is shown."""
    shown = published(ctx.table)
    rows = []
    for indicator in health_indicators(ctx.project, ctx.key):
        own = shown[shown["indicator_id"].eq(indicator.id)]
        _, year = _latest(own[own["area_role"].eq("programma")])
        if year is None:
            _, year = _latest(own)
        if year is None:
            continue
        cells = {role: _cell(own, indicator.id, role, year) for role, _ in _area_names(ctx)}
        values = {
            role: (float(c["value"]) if c is not None else math.nan) for role, c in cells.items()
        }
        gap = values["programma"] - values["gemeente"]
        programme_cell = cells["programma"]
        estimate = programme_cell.get("estimate", "") if programme_cell is not None else ""
        estimate = estimate if isinstance(estimate, str) else ""
        rows.append(
            {
                "indicator": indicator.label,
                "meting": year,
                ctx.programme.name: format_value(values["programma"], indicator.unit),
                ctx.gemeente_name: format_value(values["gemeente"], indicator.unit),
                "Nederland": format_value(values["nederland"], indicator.unit),
                f"verschil met {ctx.gemeente_name}": _format_change(
                    float(round_half_up(gap, unit_decimals(indicator.unit))), indicator.unit
                ),
                "schatting": estimate_words(estimate) or "gepubliceerde schatting",
            }
        )
    return pd.DataFrame(rows)


def health_sources(ctx: ProgrammeContext) -> pd.DataFrame:
    """The source lines of the health table (edition, wave, CBS revision date, real or not)."""
    ids = [i.id for i in health_indicators(ctx.project, ctx.key)]
    return _source_rows(ctx.table[ctx.table["indicator_id"].isin(ids)])


def joint_health_sources(project: Project, table: pd.DataFrame) -> pd.DataFrame:
    """The source lines of the health indicators over all programmes (joint report)."""
    ids = [i.id for i in project.catalogue.indicators if i.source == "cbs_health"]
    return _source_rows(table[table["indicator_id"].isin(ids)])


JOINT_PARTS = (
    ("Gezamenlijke indicatoren (enquête en registraties)", ("survey", "registration", "cbs_kwb")),
    ("Gezondheid volgens de RIVM-schattingen", ("cbs_health",)),
)


def joint_parts(project: Project, table: pd.DataFrame) -> list[tuple[str, bool, pd.DataFrame]]:
    """The joint overview in one table per provenance: (caption, synthetic, table), so
    that a real RIVM column never sits under a 'synthetic' caption."""
    parts = []
    for title, kinds in JOINT_PARTS:
        ids = [
            i.id
            for i in project.catalogue.indicators
            if i.level in ("outcome", "impact") and i.source in kinds
        ]
        rows = published(table[table["indicator_id"].isin(ids)])
        if rows.empty:
            continue
        synthetic = bool(rows["synthetic"].astype(bool).any())
        parts.append((title, synthetic, joint_overview(project, table, kinds)))
    return parts


def joint_estimates_note(project: Project, table: pd.DataFrame) -> str:
    """Which programme areas' health values are inhabitants-weighted estimates ('' if none)."""
    rows = published(table)
    rows = rows[rows["area_role"].eq("programma") & rows["estimate"].astype(str).ne("")]
    rows = rows[rows["estimate"].astype(str).str.startswith(WEIGHTED_PREFIX)]
    if rows.empty:
        return ""
    names = [project.programmes[k].name for k in dict.fromkeys(rows["programme"])]
    years = sorted({e.removeprefix(WEIGHTED_PREFIX) for e in rows["estimate"].astype(str)})
    return (
        f"*{', '.join(names)}: de RIVM-cijfers van het programmagebied zijn een gewogen "
        "gemiddelde van de schattingen van de deelgebieden, naar aantal inwoners (CBS Kerncijfers "
        f"{', '.join(years)}); geen eigen schatting van het RIVM en geen interval.*"
    )


# ------------------------------------------------------------ joint report by pillar

JOINT_ROLES = ("programma", "gemeente", "nederland")
NO_THEME_LABEL = "Overige gezamenlijke indicatoren"


def joint_themes(project: Project) -> list[tuple[str, list[Indicator]]]:
    """The joint indicators per pillar of the joint monitor, in THEME_LABELS order (a pillar
    without indicators too, so the gap shows), then those without a pillar (inputs)."""
    indicators = project.catalogue.indicators
    groups = [
        (label, [i for i in indicators if i.theme == theme])
        for theme, label in THEME_LABELS.items()
    ]
    rest = [i for i in indicators if i.theme is None]
    return groups + ([(NO_THEME_LABEL, rest)] if rest else [])


def joint_series(project: Project, table: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """One indicator for every programme: its own area, its own gemeente and Nederland,
    with intervals; withheld or missing years as blank rows (gaps in the chart)."""
    return own_trend_series(project, table, indicator_id, keep_gaps=True, roles=JOINT_ROLES)


def joint_targets(project: Project, indicator_id: str) -> pd.DataFrame:
    """The programmes' targets for one indicator (programme_name, year, value), params order."""
    rows = [
        {"programme_name": project.programmes[key].name, "year": t.year, "value": t.value}
        for key in project.cycle.programmes
        for t in project.programmes[key].targets
        if t.indicator == indicator_id
    ]
    return pd.DataFrame(rows, columns=["programme_name", "year", "value"])


def joint_limits(
    series: pd.DataFrame, targets: pd.DataFrame, unit: str
) -> tuple[float, float] | None:
    """One y-range for an indicator across all programmes' panels: every published value,
    interval bound and target fits, with a little room; percentages stay within 0-100 and
    a scale of non-negative values starts at 0. None without any value."""
    columns = [c for c in ("value", "lower", "upper") if c in series.columns]
    parts = [series[c] for c in columns] + [targets["value"]]
    values = pd.concat(parts, ignore_index=True).astype(float).dropna()
    if values.empty:
        return None
    low, high = float(values.min()), float(values.max())
    room = (high - low) * 0.08 or max(abs(high) * 0.1, 1.0)
    low, high = low - room, high + room
    if float(values.min()) >= 0:
        low = 0.0
    if unit == "procent":
        high = min(high, 100.0)
    return low, high


def joint_targets_sentence(project: Project, indicator: Indicator) -> str:
    """The programmes' targets for an indicator in one Dutch sentence ('' without any)."""
    targets = joint_targets(project, indicator.id)
    if targets.empty:
        return ""
    parts = [
        f"{name} {format_value(float(value), indicator.unit)} in {year}"
        for name, year, value in zip(
            targets["programme_name"], targets["year"], targets["value"], strict=True
        )
    ]
    return "Streefwaarde: " + "; ".join(parts) + "."


def joint_sources_line(table: pd.DataFrame, indicator: Indicator) -> str:
    """Where an indicator's figures come from, with the years shown: a source whose latest
    wave lies before the cycle's year keeps its own year (RIVM 2020 in a 2024 cycle)."""
    rows = published(table[table["indicator_id"].eq(indicator.id)])
    if rows.empty:
        return ""
    years = sorted({int(y) for y in rows["year"]})
    label = SOURCE_KINDS.get(indicator.source, indicator.source)
    found = {s.split(":", 1)[1] for s in rows["source"].astype(str) if ":" in s}
    tables = sorted(found - {"?"})
    named = f"{label} ({', '.join(tables)})" if tables else label
    shown = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"Bron: {named}; jaren met cijfers: {shown}."


# ------------------------------------------------------------ factsheet (B1)


# Who made a source's figures, in B1 words for the residents' banner.
FACTSHEET_SOURCE_WORDS = {
    "cbs_kwb": "het CBS",
    "cbs_health": "het RIVM en de GGD",
    "survey": "de GGD-enquête",
    "registration": "het programma zelf",
}


def _b1_sources(kinds: list[str]) -> str:
    """'het CBS', 'het CBS en de GGD-enquête', 'a, b en c'."""
    words = list(dict.fromkeys(FACTSHEET_SOURCE_WORDS.get(k, k) for k in kinds))
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} en {words[-1]}"


def factsheet_banner(ctx: ProgrammeContext, items: list[dict]) -> str:
    """The residents' one notice in B1 Dutch: all figures made up, some of them (naming
    whose figures are real and whose are made up, so a real CBS figure is never called
    made up), or none (''). Judged from the rows of the figures the factsheet shows."""
    ids = [item["id"] for item in items]
    rows = ctx.table[ctx.table["indicator_id"].isin(ids)] if ids else ctx.table
    sources = source_provenance(rows)
    fake = list(sources.loc[sources["synthetic"], "kind"])
    real = list(sources.loc[~sources["synthetic"], "kind"])
    if not fake:
        return ""
    if not real:
        return (
            "::: {.callout-warning}\n## Let op: dit zijn geen echte cijfers\n\n"
            "**Alle cijfers zijn verzonnen** (synthetische gegevens). We maakten ze om "
            "het rapport te testen. Ze zeggen niets over de wijk.\n:::\n"
        )
    return (
        "::: {.callout-warning}\n## Let op: een deel van de cijfers is niet echt\n\n"
        f"**Echt** zijn de cijfers van {_b1_sources(real)}. "
        f"**Verzonnen** zijn de cijfers van {_b1_sources(fake)} (synthetische gegevens). "
        "We maakten ze om het rapport te testen. Bij elke figuur staat of de cijfers echt "
        "zijn.\n:::\n"
    )


def factsheet_story(ctx: ProgrammeContext) -> str:
    """One quote from residents (the newest), or '' when there is none."""
    if ctx.notes.empty:
        return ""
    quotes = ctx.notes[ctx.notes["type"].eq("citaat")].sort_values(["year", "date"])
    if quotes.empty:
        return ""
    last = quotes.iloc[-1]
    text, source = plain_text(last["text"]), plain_text(last["source"])
    return f"> “{text}”  \n> — *{source}, {plain_text(last['year'])}*"


# ------------------------------------------------------------ per indicator text


def _with_interval(ctx: ProgrammeContext, indicator: Indicator, year: int) -> str:
    """'60,0% (95%-interval 58,0% – 62,0%)' for a published programme cell ('' if none)."""
    cell = _cell(published(ctx.table), indicator.id, "programma", year)
    if cell is None:
        return ""
    text = format_value(float(cell["value"]), indicator.unit)
    if pd.notna(cell["lower"]) and pd.notna(cell["upper"]):
        low = format_value(float(cell["lower"]), indicator.unit)
        high = format_value(float(cell["upper"]), indicator.unit)
        text += f" (95%-interval {low} – {high})"
    return text


def change_sentence(ctx: ProgrammeContext, indicator_id: str) -> str:
    """The latest and base-year values with their intervals, and the change in words.

    Both intervals are shown, so a reader sees how uncertain each measurement is; the
    uncertainty of the change is said in plain words (`significance_words`). After a
    break the change runs from the first year after it, labelled as such.
    """
    indicator = ctx.project.indicator(ctx.key, indicator_id)
    summary = indicator_summary(ctx).set_index("indicator_id")
    row = _indicator_row(summary, indicator_id)
    if row is None or pd.isna(row["latest_year"]):
        return f"*{indicator.label}: geen publiceerbare waarde voor het programmagebied.*"
    year = int(row["latest_year"])
    text = f"**{indicator.label}**: {_with_interval(ctx, indicator, year)} in {year}. "
    if is_true(row["break_since_base"]):
        broken = _break_text(ctx, indicator_id, year)
        text += f"Geen verandering sinds {ctx.base_year}: {broken}."
        compared = comparison_since(ctx, indicator_id, row)
        if not compared:
            return text
        since = int(row["comparison_from_year"])
        change = float(row["change_since_comparison"])
        text += (
            f" In {since}: {_with_interval(ctx, indicator, since)}. Verandering {compared}: "
            f"{change_words(change, indicator.direction, indicator.unit)}"
        )
    else:
        base = _with_interval(ctx, indicator, ctx.base_year) if year != ctx.base_year else ""
        if base:
            text += f"Nulmeting {ctx.base_year}: {base}. "
        change = float(row["change_since_base"])
        text += f"Verandering: {change_words(change, indicator.direction, indicator.unit)}"
    words = significance_words(float(row["p_value"]), row["significant"], change)
    return text + ("." if words == "n.v.t." else f"; {words}.")


def series_caveats(ctx: ProgrammeContext, indicator_id: str) -> list[str]:
    """Short warnings for one indicator: breaks in the series, missing or suppressed years."""
    own = ctx.table[
        ctx.table["indicator_id"].eq(indicator_id) & ctx.table["area_role"].eq("programma")
    ]
    caveats = []
    breaks = sorted(int(y) for y in own.loc[own["series_break"].astype(bool), "year"])
    if breaks:
        words = " en ".join(break_words(y) for y in breaks)
        caveats.append(
            f"{words[0].upper()}{words[1:]} (zie het logboek): "
            "jaren voor en na de breuk zijn niet vergelijkbaar."
        )
    suppressed = sorted(int(y) for y in own.loc[own["suppressed"].astype(bool), "year"])
    if suppressed:
        caveats.append(
            f"Niet gepubliceerd in {', '.join(map(str, suppressed))} (te kleine aantallen)."
        )
    measured = set(own.loc[own["value"].notna() | own["suppressed"].astype(bool), "year"])
    missing = [y for y in ctx.project.cycle.cycle.years if y not in measured]
    if missing and measured:
        caveats.append(f"Geen meting in {', '.join(map(str, missing))}.")
    return caveats


def caveat_callout(caveats: list[str]) -> str:
    """A Quarto 'caution' callout listing the caveats ('' when there are none)."""
    if not caveats:
        return ""
    items = "\n".join(f"- {c}" for c in caveats)
    return f"::: {{.callout-caution}}\n## Let op bij deze reeks\n\n{items}\n:::\n"


def synthetic_note(synthetic: bool) -> str:
    """A line above a table built on demo data ('' for real data)."""
    return (
        "**SYNTHETISCHE GEGEVENS** — de tabel hieronder beschrijft geen echte wijk."
        if synthetic
        else ""
    )
