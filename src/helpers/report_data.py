"""What the report notebooks show, computed here so tests reach it.

The notebooks only call these functions and display the results: the network of
goals, efforts and indicators, the key-figures table, the series per indicator,
the notes beside the numbers and the banners. Only published (unsuppressed)
values ever leave this module.
"""

from __future__ import annotations

import json
import math
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from helpers.config import Indicator, Programme, Project, load_project
from helpers.disclosure import REASONS
from helpers.indicators import read_indicator_table
from helpers.paths import Paths
from helpers.sources.local import read_notes
from helpers.stats import change_since, proportion_change_pvalue

LEVEL_LABELS = {
    "input": "input",
    "activity": "activiteit",
    "output": "prestatie",
    "outcome": "effect",
    "impact": "maatschappelijk effect",
    "context": "context",
}
ROLE_LABELS = {"programma": "programmagebied", "gemeente": "gemeente", "nederland": "Nederland"}
MISSING = "–"


@dataclass(frozen=True)
class ProgrammeContext:
    """Everything one programme's report needs, loaded once."""

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
        return bool(self.table["synthetic"].astype(bool).any())

    @property
    def gemeente_name(self) -> str:
        return self.project.cycle.comparison.gemeenten[self.programme.gemeente]


def programme_context(root: str | Path, key: str) -> ProgrammeContext:
    """Load params, the processed indicator table and the notes of one programme."""
    paths = Paths.from_root(Path(root) if root else None)
    project = load_project(paths)
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


def load_joint(root: str | Path) -> tuple[Project, pd.DataFrame]:
    """Params and all programmes' indicator tables stacked (joint report)."""
    paths = Paths.from_root(Path(root) if root else None)
    project = load_project(paths)
    tables = []
    for key in project.cycle.programmes:
        path = paths.indicator_table(key)
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `dvc repro indicators` first")
        tables.append(read_indicator_table(path))
    return project, pd.concat(tables, ignore_index=True)


def synthetic_callout(synthetic: bool) -> str:
    """The banner for reports built on demo data ('' for real data)."""
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


def table_caption(title: str, synthetic: bool) -> str:
    """A bold caption line above a table, naming synthetic data where that applies."""
    mark = " — SYNTHETISCHE GEGEVENS" if synthetic else ""
    return f"**{title}{mark}**"


def format_value(value: float, unit: str) -> str:
    """Dutch number format for tables: decimal comma, thousands point, unit where short."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if unit == "procent":
        return f"{value:.1f}%".replace(".", ",")
    if unit == "euro":
        return "€ " + f"{value:,.0f}".replace(",", ".")
    return f"{value:,.0f}".replace(",", ".")


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


def indicator_series(table: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Published rows of one indicator, ordered by area role and year."""
    rows = published(table[table["indicator_id"].eq(indicator_id)])
    return rows.sort_values(["area_role", "year"], key=_role_then_year).reset_index(drop=True)


def _role_then_year(column: pd.Series) -> pd.Series:
    if column.name == "area_role":
        return column.map({"programma": 0, "gemeente": 1, "nederland": 2})
    return column


def _latest(rows: pd.DataFrame) -> tuple[float, int | None]:
    if rows.empty:
        return math.nan, None
    row = rows.loc[rows["year"].idxmax()]
    return float(row["value"]), int(row["year"])


def _cell(table: pd.DataFrame, indicator_id: str, role: str, year: int) -> pd.Series | None:
    hit = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq(role)
        & table["year"].eq(year)
    ]
    return None if hit.empty else hit.iloc[0]


def key_figures(ctx: ProgrammeContext) -> pd.DataFrame:
    """Per indicator of the network: latest published value, comparisons, change, target.

    A suppressed cell shows its reason instead of a number.
    """
    rows = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        rows.append(_key_figure_row(ctx, indicator))
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


def _key_figure_row(ctx: ProgrammeContext, indicator: Indicator) -> dict:
    own = indicator_series(ctx.table, indicator.id)
    own_area = own[own["area_role"].eq("programma")]
    _, year = _latest(own_area)
    if year is None:
        rows = ctx.table[ctx.table["indicator_id"].eq(indicator.id)]
        year = int(rows["year"].max()) if not rows.empty else None
    change = change_since(own_area.set_index("year")["value"], ctx.base_year)
    broken = breaks_since(ctx.table, indicator.id, ctx.base_year)
    target = next((t for t in ctx.programme.targets if t.indicator == indicator.id), None)
    return {
        "indicator": indicator.label,
        "niveau": LEVEL_LABELS[indicator.level],
        "jaar": year if year is not None else MISSING,
        ctx.programme.name: _shown(ctx, indicator, "programma", year),
        ctx.gemeente_name: _shown(ctx, indicator, "gemeente", year),
        "Nederland": _shown(ctx, indicator, "nederland", year),
        f"verschil t.o.v. {ctx.base_year}": (
            f"{MISSING} (breuk in reeks)"
            if broken
            else _format_change(change, indicator.unit) + _significance(own_area, ctx.base_year)
        ),
        "streefwaarde": (
            f"{format_value(target.value, indicator.unit)} in {target.year}" if target else MISSING
        ),
    }


def change_pvalue(series: pd.DataFrame, base_year: int) -> float:
    """p-value of the change between the base-year wave and the latest (survey rows with n)."""
    rows = series.dropna(subset=["value", "n"]).set_index("year")
    if base_year not in rows.index or rows.index.max() == base_year:
        return math.nan
    base, latest = rows.loc[base_year], rows.loc[rows.index.max()]
    return proportion_change_pvalue(
        base["value"] / 100 * base["n"],
        base["n"],
        latest["value"] / 100 * latest["n"],
        latest["n"],
    )


def _significance(series: pd.DataFrame, base_year: int) -> str:
    if "n" not in series.columns:
        return ""
    p = change_pvalue(series, base_year)
    if math.isnan(p):
        return ""
    return " (p < 0,001)" if p < 0.001 else f" (p = {p:.3f})".replace(".", ",")


def breaks_since(table: pd.DataFrame, indicator_id: str, base_year: int) -> bool:
    """True when the programme-area series breaks after the base year (no change is shown)."""
    rows = table[
        table["indicator_id"].eq(indicator_id)
        & table["area_role"].eq("programma")
        & table["year"].gt(base_year)
    ]
    return bool(rows["series_break"].astype(bool).any())


def _format_change(change: float, unit: str) -> str:
    if math.isnan(change):
        return MISSING
    sign = "+" if change > 0 else ""
    if unit == "procent":
        return f"{sign}{change:.1f}".replace(".", ",") + " procentpunt"
    return sign + format_value(change, unit)


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
            "regel": f["rule"],
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


def notes_markdown(notes: pd.DataFrame, goal_id: str, goal_label: str) -> str:
    """The stories told about one goal, as markdown quotes and observations."""
    rows = notes[notes["goal"].eq(goal_id)] if not notes.empty else notes
    if rows.empty:
        return f"*Geen verhalen vastgelegd bij ‘{goal_label}’.*"
    lines = []
    for _, note in rows.sort_values(["year", "date"]).iterrows():
        where = f"{note['source']}, {note['date']}"
        if note["type"] == "citaat":
            lines.append(f"> “{note['text']}”  \n> — *{where}*")
        else:
            lines.append(
                f"- **{note['type'].capitalize()} ({note['year']})**: {note['text']} (*{where}*)"
            )
        lines.append("")
    return "\n".join(lines)


def logbook_table(project: Project, key: str) -> pd.DataFrame:
    """Logbook entries that apply to this programme, newest first."""
    rows = [
        {
            "datum": entry.date.isoformat(),
            "wijziging": entry.change.replace("_", " "),
            "indicator": entry.indicator or MISSING,
            "vanaf jaar": entry.from_year,
            "breuk in reeks": "ja" if entry.breaks_series else "nee",
            "reden": entry.reason,
        }
        for entry in project.logbook.for_programme(key)
    ]
    frame = pd.DataFrame(rows)
    return frame.sort_values("datum", ascending=False) if not frame.empty else frame


def sources_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every source a figure came from, with its CBS modification date where known."""
    sources = table[["source", "source_modified"]].drop_duplicates().sort_values("source")
    return sources.rename(columns={"source": "bron", "source_modified": "versie (CBS Modified)"})


def latest_per_programme(project: Project, table: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Latest published value of one indicator per programme area (joint report)."""
    rows = []
    for key in project.cycle.programmes:
        own = indicator_series(table[table["programme"].eq(key)], indicator_id)
        value, year = _latest(own[own["area_role"].eq("programma")])
        if year is not None:
            rows.append(
                {"programme_name": project.programmes[key].name, "value": value, "year": year}
            )
    return pd.DataFrame(rows, columns=["programme_name", "value", "year"])


def joint_overview(project: Project, table: pd.DataFrame) -> pd.DataFrame:
    """Joint indicators × programmes: the latest published value in each programme area."""
    rows = []
    for indicator in project.catalogue.indicators:
        row = {"indicator": indicator.label, "niveau": LEVEL_LABELS[indicator.level]}
        for key in project.cycle.programmes:
            own = indicator_series(table[table["programme"].eq(key)], indicator.id)
            value, year = _latest(own[own["area_role"].eq("programma")])
            shown = format_value(value, indicator.unit)
            row[project.programmes[key].name] = f"{shown} ({year})" if year else MISSING
        rows.append(row)
    return pd.DataFrame(rows)


def session_info() -> str:
    """Versions behind this run, for the closing cell of every report."""
    packages = ["pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "papermill"]
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    own = metadata.version("wijkmonitor")
    return f"Python {platform.python_version()}; {versions}; wijkmonitor {own}"
