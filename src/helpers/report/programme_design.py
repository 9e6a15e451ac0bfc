"""The programme's design as tables: areas, goals-efforts-indicators network, definitions."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.config import (
    Indicator,
    Project,
)
from helpers.report.dutch import (
    MISSING,
    UNIT_AXIS_LABELS,
)
from helpers.report.escaping import plain_text
from helpers.report.glance import _last_year, _shown
from helpers.report.programme import ProgrammeContext
from helpers.report.series import published
from helpers.report.wording import DIRECTION_LABELS, LEVEL_LABELS, SOURCE_LABELS


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


def definition_words(indicator: Indicator) -> str:
    """The definition a reader can read: the catalogue's description, else what the value
    is and where it comes from; never a source column or variable name (those are in the
    analysts' tables and params/indicators.yaml)."""
    if indicator.description:
        return plain_text(indicator.description)
    source = SOURCE_LABELS.get(indicator.source, indicator.source)
    if indicator.numerator and indicator.denominator:
        return f"{indicator.label}: een aandeel, berekend uit de aantallen van {source}"
    return f"{indicator.label}: zoals {source} het levert"


def definitions_table(ctx: ProgrammeContext) -> pd.DataFrame:
    """Every indicator of the programme with its definition: level, unit, source, formula."""
    rows = []
    for indicator_id in ctx.programme.indicator_ids():
        indicator = ctx.project.indicator(ctx.key, indicator_id)
        formula = definition_words(indicator)
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
