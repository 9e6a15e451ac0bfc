"""The first screen of the annual report: a verdict per goal and what the numbers say.

A commissioner must see in one minute whether the programme is on track and why. Per
goal one status of the status model (docs/status.md: op koers / niet op koers / nog
niet te zeggen before the target year, gehaald / niet gehaald / niet met zekerheid te
zeggen from it on, geen streefwaarde, onbekend) with the movement toward or away from
the target and its reason in one sentence, a few templated sentences that interpret
the numbers, and what the programme did (input, activities, outputs).

Everything here reads the indicators stage's summary (`stats.SUMMARY_COLUMNS`, one
row per indicator of the programme area, indexed by `indicator_id`) and the params: no
claim is made that the summary does not hold. The verdicts themselves are
`helpers.indicators.status`'s, stored in the summary; this module only picks the target
that decides a goal and says it in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from helpers.config import Goal, Indicator, Target
from helpers.indicators.precision import unit_decimals
from helpers.indicators.status import (
    LABELS,
    MOVEMENTS,
    STATUSES,
    Verdict,
    goal_verdict,
    wanted_direction,
    words,
)
from helpers.indicators.status import expected_value as status_expected
from helpers.report.dutch import format_value, is_missing

if TYPE_CHECKING:
    from helpers.config import Paths, Project
    from helpers.report.programme import ProgrammeContext

EFFECT_LEVELS = ("outcome", "impact")
PROGRAMME_LEVELS = ("input", "activity", "output")
LEVEL_NAMES = {"input": "input", "activity": "activiteit", "output": "prestatie"}
CAVEAT = (
    "Deze cijfers beschrijven de wijk; ze laten niet zien of het programma de veranderingen "
    "heeft veroorzaakt."
)


@dataclass(frozen=True)
class GoalStatus:
    """One goal's verdict: `status` a key of `status.STATUSES`, `reason` one Dutch
    sentence, `reason_code` which rule gave it (for tests and the reading guide),
    `movement` the deciding target's movement since the base year ('' without one)."""

    goal_id: str
    goal: str
    status: str
    reason_code: str
    reason: str
    movement: str = ""

    @property
    def label(self) -> str:
        return words(self.status, self.movement)


def goal_indicator_ids(goal: Goal) -> list[str]:
    """The goal's own indicators, then its efforts', each once (the report's order)."""
    return list(dict.fromkeys(goal.indicators + [i for e in goal.efforts for i in e.indicators]))


def goal_status(
    goal: Goal, indicators: dict[str, Indicator], summary: pd.DataFrame, base_year: int
) -> GoalStatus:
    """The verdict on one goal from the stored target statuses of its indicators.

    No indicator with a target: geen streefwaarde. Otherwise the target that decides
    (`status.PRECEDENCE`) gives the status, the movement and the reason.
    """
    ids = [i for i in goal_indicator_ids(goal) if i in summary.index]
    targeted = [i for i in ids if _has_target(_row(summary, i))]
    if not targeted:
        return GoalStatus(
            goal.id,
            goal.label,
            "no_target",
            "no_target",
            _no_target_reason(ids, indicators, summary, base_year),
        )
    verdicts = [stored_verdict(_row(summary, i)) for i in targeted]
    index, verdict = goal_verdict(verdicts)
    decisive = targeted[index]
    row = _row(summary, decisive)
    code = reason_code(row, indicators[decisive])
    reason = reason_sentence(code, row, indicators[decisive])
    if len(targeted) > 1:
        good = sum(v.status in ("on_track", "met") for v in verdicts)
        reason = f"{reason[:-1]} ({good} van {len(targeted)} streefwaarden op koers of gehaald)."
    return GoalStatus(goal.id, goal.label, verdict.status, code, reason, verdict.movement)


def _has_target(row: pd.Series) -> bool:
    return not is_missing(row.get("target_value")) and not is_missing(row.get("target_year"))


def stored_verdict(row: pd.Series) -> Verdict:
    """The verdict the indicators stage stored in a summary row (onbekend if none)."""
    status = str(row.get("target_status") or "")
    if status not in STATUSES:
        return Verdict("unknown", str(row.get("target_reason") or "no_measurement"))
    movement = str(row.get("target_movement") or "")
    return Verdict(status, str(row.get("target_reason") or ""), movement)


def reason_code(row: pd.Series, indicator: Indicator) -> str:
    """Which rule decided an indicator's target status (see `reason_sentence`): the
    stored reason, with `no_improvement_needed` for a target the base value already met."""
    verdict = stored_verdict(row)
    if verdict.reason in ("reached", "on_line") and verdict.status in ("on_track", "met"):
        base, target = _float(row["base_value"]), _float(row["target_value"])
        good = wanted_direction(indicator.direction, base, target)
        if good and (target - base) * good <= 0:
            return "no_improvement_needed"
    return verdict.reason


def reason_sentence(code: str, row: pd.Series, indicator: Indicator) -> str:
    """The reason for one indicator's target status in one Dutch sentence; every figure
    with its own year."""
    unit = indicator.unit
    target_year = int(_float(row["target_year"]))
    target = f"{format_value(_float(row['target_value']), unit)} in {target_year}"
    base_year = int(_float(row["base_year"]))
    if code == "break":
        return (
            f"{indicator.label}: de reeks is sinds de nulmeting ({base_year}) gebroken, dus "
            f"geen vergelijking met de streefwaarde ({target})."
        )
    if code == "no_line":
        return (
            f"{indicator.label}: het streefjaar ligt niet na de nulmeting ({base_year}), dus "
            f"er is geen lijn naar de streefwaarde ({target})."
        )
    if code == "no_base":
        return (
            f"{indicator.label}: geen gepubliceerde waarde in de nulmeting ({base_year}), dus "
            f"geen lijn naar de streefwaarde ({target})."
        )
    if code == "no_measurement":
        return (
            f"{indicator.label}: nog geen meting na de nulmeting ({base_year}), dus nog niets "
            f"te zeggen over de streefwaarde ({target})."
        )
    if code == "no_direction":
        return (
            f"{indicator.label}: de indicator heeft geen gewenste richting en de streefwaarde "
            f"({target}) is gelijk aan de nulmeting ({base_year})."
        )
    year = int(_float(row["latest_year"]))
    base = f"{format_value(_float(row['base_value']), unit)} in {base_year}"
    moved = MOVEMENTS.get(str(row.get("target_movement") or ""), "")
    now = f"{indicator.label}: {format_value(_float(row['latest_value']), unit)} in {year}"
    now += f" ({base}: {moved})" if moved else f" ({base})"
    expected = format_value(expected_value(row, indicator), unit)
    line = f"de lijn van de nulmeting naar de streefwaarde ({target})"
    sentences = {
        "no_improvement_needed": (
            f"{now}, maar de streefwaarde ({target}) ligt niet gunstiger dan de nulmeting: "
            "op koers of gehaald vraagt hier geen verbetering."
        ),
        "reached": (
            f"{now}: de streefwaarde ({target}) is gehaald."
            if year >= target_year
            else f"{now}: de streefwaarde ({target}) is al bereikt."
        ),
        "missed": f"{now}: de streefwaarde ({target}) is niet gehaald.",
        "target_within_margin": (
            f"{now}: de streefwaarde ({target}) ligt binnen de onzekerheidsmarge van de "
            "meting, dus niet met zekerheid te zeggen of ze gehaald is."
        ),
        "on_line": f"{now}, minstens zo ver als {line} in {year} vraagt ({expected}).",
        "behind_line": f"{now}, minder ver dan {line} in {year} vraagt ({expected}).",
        "within_margin": (
            f"{now}; {line} vraagt in {year} {expected}, en dat ligt binnen de "
            "onzekerheidsmarge van de meting."
        ),
    }
    if code not in sentences:
        raise ValueError(f"unknown reason code {code!r}")
    return sentences[code]


def expected_value(row: pd.Series, indicator: Indicator) -> float:
    """What the latest value was compared with (the line in the latest year, or the
    target), stored like the values it is compared with, as the status model compares."""
    target = Target(
        indicator=str(row.name),
        year=int(_float(row["target_year"])),
        value=_float(row["target_value"]),
    )
    base = _float(row["base_value"])
    return status_expected(
        int(_float(row["base_year"])),
        base,
        int(_float(row["latest_year"])),
        target,
        wanted_direction(indicator.direction, base, target.value),
        unit_decimals(indicator.unit),
    )


def _no_target_reason(
    ids: list[str], indicators: dict[str, Indicator], summary: pd.DataFrame, base_year: int
) -> str:
    """'No target', with the goal's first effect indicator that has a value."""
    text = "Voor dit doel is geen streefwaarde afgesproken"
    for indicator_id in ids:
        indicator, row = indicators[indicator_id], _row(summary, indicator_id)
        if indicator.level not in EFFECT_LEVELS or is_missing(row["latest_value"]):
            continue
        unit = indicator.unit
        year = int(_float(row["latest_year"]))
        shown = f"{format_value(_float(row['latest_value']), unit)} in {year}"
        if not _true(row.get("break_since_base")) and not is_missing(row["base_value"]):
            shown += f" ({format_value(_float(row['base_value']), unit)} in {base_year})"
        return f"{text}; {indicator.label}: {shown}."
    return text + "."


def goal_statuses(
    goals: list[Goal], indicators: dict[str, Indicator], summary: pd.DataFrame, base_year: int
) -> list[GoalStatus]:
    """The verdict on every goal, in the programme's order."""
    return [goal_status(goal, indicators, summary, base_year) for goal in goals]


def status_table(statuses: list[GoalStatus]) -> pd.DataFrame:
    """The first screen's table: goal, status (symbol and words), the reason."""
    return pd.DataFrame(
        [{"doel": s.goal, "stand": s.label, "waarom": s.reason} for s in statuses],
        columns=["doel", "stand", "waarom"],
    )


# ----------------------------------------------------------------- interpretation


def interpretation(
    statuses: list[GoalStatus],
    indicators: dict[str, Indicator],
    summary: pd.DataFrame,
    base_year: int,
    gemeente: str,
) -> list[str]:
    """Three to five Dutch sentences on what the numbers say, each counted from them:
    the goals' statuses, the direction of the effects, whether survey changes are
    likely real, the comparison with the gemeente, and what the numbers cannot say."""
    effects = [
        i
        for i, indicator in indicators.items()
        if indicator.level in EFFECT_LEVELS and i in summary.index
    ]
    sentences = [
        status_sentence(statuses),
        effects_sentence(effects, indicators, summary, base_year),
    ]
    sentences += [
        s
        for s in (
            survey_sentence(effects, indicators, summary),
            gemeente_sentence(effects, indicators, summary, gemeente),
        )
        if s
    ]
    return [*sentences, CAVEAT]


def status_sentence(statuses: list[GoalStatus]) -> str:
    """'Van de 3 doelen: 1 op koers, 1 nog niet te zeggen en 1 zonder streefwaarde.'"""
    if not statuses:
        return "Het programma heeft geen doelen."
    counts = [(key, sum(s.status == key for s in statuses)) for key in STATUSES]
    said = {**LABELS, "no_target": "zonder streefwaarde"}
    parts = [f"{n} {said[key]}" for key, n in counts if n]
    noun = "doel" if len(statuses) == 1 else "doelen"
    return f"Van de {len(statuses)} {noun}: {_listed(parts)}."


def effects_sentence(
    effects: list[str], indicators: dict[str, Indicator], summary: pd.DataFrame, base_year: int
) -> str:
    """How many effect indicators changed for the better, the worse, or not at all."""
    comparable, broken = [], 0
    for indicator_id in effects:
        row = _row(summary, indicator_id)
        if _true(row.get("break_since_base")):
            broken += 1
        elif not is_missing(row["change_since_base"]):
            comparable.append(indicator_id)
    tail = f"; bij {broken} is de reeks sinds {base_year} gebroken" if broken else ""
    if not comparable:
        return (
            f"Geen van de {len(effects)} effectindicatoren is te vergelijken met de nulmeting "
            f"({base_year}){tail}."
        )
    kinds = {"gunstig": 0, "ongunstig": 0, "zonder gewenste richting": 0, "niet": 0}
    for indicator_id in comparable:
        change = _float(_row(summary, indicator_id)["change_since_base"])
        good = _good(indicators[indicator_id])
        if change == 0:
            kinds["niet"] += 1
        elif not good:
            kinds["zonder gewenste richting"] += 1
        else:
            kinds["gunstig" if change * good > 0 else "ongunstig"] += 1
    parts = [f"{n} {kind}" for kind, n in kinds.items() if n]
    verb = "veranderde" if len(parts) == 1 and len(comparable) == 1 else "veranderden"
    return (
        f"Van de {len(comparable)} effectindicatoren met een vergelijking sinds {base_year} "
        f"{verb} er {_listed(parts)}{tail}."
    )


def survey_sentence(
    effects: list[str], indicators: dict[str, Indicator], summary: pd.DataFrame
) -> str:
    """Whether the survey changes are larger than chance usually gives ('' without tests)."""
    tested = [i for i in effects if not is_missing(_float(_row(summary, i)["p_value"]))]
    if not tested:
        return ""
    real = [i for i in tested if _true(_row(summary, i)["significant"])]
    if not real:
        return (
            f"Bij geen van de {len(tested)} enquêtecijfers is de verandering groter dan wat "
            "toeval bij een steekproef meestal geeft: de veranderingen kunnen toeval zijn."
        )
    names = _listed([indicators[i].label for i in real])
    return (
        f"Bij {len(real)} van de {len(tested)} enquêtecijfers is de verandering waarschijnlijk "
        f"echt: {names}."
    )


def gemeente_sentence(
    effects: list[str], indicators: dict[str, Indicator], summary: pd.DataFrame, gemeente: str
) -> str:
    """Against the gemeente's change over the same years ('' without such comparisons)."""
    compared = [
        i
        for i in effects
        if _good(indicators[i]) and not is_missing(_float(_row(summary, i)["did_vs_gemeente"]))
    ]
    if not compared:
        return ""
    better = sum(
        _float(_row(summary, i)["did_vs_gemeente"]) * _good(indicators[i]) > 0 for i in compared
    )
    since = int(_float(_row(summary, compared[0])["base_year"]))
    return (
        f"Vergeleken met de verandering in {gemeente} sinds de nulmeting ({since}) ontwikkelde "
        f"het gebied zich bij {better} van de {len(compared)} effectindicatoren gunstiger."
    )


# ------------------------------------------------------------ what the programme did


def programme_effort(
    goals: list[Goal], indicators: dict[str, Indicator], summary: pd.DataFrame, base_year: int
) -> pd.DataFrame:
    """Input, activities and outputs from the registrations: per indicator its effort,
    the latest published value and the change since the base year."""
    effort_of: dict[str, list[str]] = {}
    for effort in (e for g in goals for e in g.efforts):
        for indicator_id in effort.indicators:
            effort_of.setdefault(indicator_id, []).append(effort.label)
    rows = []
    for level in PROGRAMME_LEVELS:
        for indicator_id, indicator in indicators.items():
            if indicator.level != level or indicator_id not in summary.index:
                continue
            row = _row(summary, indicator_id)
            if is_missing(_float(row["latest_value"])):
                continue
            unit = indicator.unit
            if _true(row.get("break_since_base")):
                change = "breuk in de reeks"
            elif is_missing(_float(row["base_value"])):
                change = "–"
            else:
                change = f"{format_value(_float(row['base_value']), unit)} in {base_year}"
            rows.append(
                {
                    "niveau": LEVEL_NAMES[level],
                    "wat": indicator.label,
                    "inspanning": "; ".join(dict.fromkeys(effort_of.get(indicator_id, ["–"]))),
                    "laatste waarde": (
                        f"{format_value(_float(row['latest_value']), unit)} "
                        f"({int(_float(row['latest_year']))})"
                    ),
                    "nulmeting": change,
                }
            )
    return pd.DataFrame(
        rows, columns=["niveau", "wat", "inspanning", "laatste waarde", "nulmeting"]
    )


# ------------------------------------------------------------- from a report's context


def _programme_inputs(ctx: ProgrammeContext) -> tuple[dict[str, Indicator], pd.DataFrame]:
    from helpers.report.glance import indicator_summary

    indicators = {i: ctx.project.indicator(ctx.key, i) for i in ctx.programme.indicator_ids()}
    return indicators, indicator_summary(ctx).set_index("indicator_id")


def programme_statuses(project: Project, paths: Paths, key: str) -> list[GoalStatus]:
    """The verdict on each goal of a programme from its summary file (the landing page)."""
    from helpers.indicators.engine import read_summary

    path = paths.summary_table(key)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `dvc repro indicators` first")
    summary = read_summary(path)
    summary = summary[summary["area_role"].eq("programma")].set_index("indicator_id")
    programme = project.programmes[key]
    indicators = {i: project.indicator(key, i) for i in programme.indicator_ids()}
    return goal_statuses(programme.goals, indicators, summary, project.cycle.cycle.base_year)


def report_statuses(ctx: ProgrammeContext) -> list[GoalStatus]:
    """The verdict on each goal of the programme of an annual report."""
    indicators, summary = _programme_inputs(ctx)
    return goal_statuses(ctx.programme.goals, indicators, summary, ctx.base_year)


def report_interpretation(ctx: ProgrammeContext, statuses: list[GoalStatus]) -> str:
    """The interpretation of an annual report as one paragraph."""
    indicators, summary = _programme_inputs(ctx)
    return " ".join(interpretation(statuses, indicators, summary, ctx.base_year, ctx.gemeente_name))


def report_effort(ctx: ProgrammeContext) -> pd.DataFrame:
    """What the programme of an annual report did, from its registrations."""
    indicators, summary = _programme_inputs(ctx)
    return programme_effort(ctx.programme.goals, indicators, summary, ctx.base_year)


# ------------------------------------------------------------------------ helpers


def _good(indicator: Indicator) -> int:
    return {"higher_is_better": 1, "lower_is_better": -1}.get(indicator.direction, 0)


def _row(summary: pd.DataFrame, indicator_id: str) -> pd.Series:
    return cast(pd.Series, summary.loc[indicator_id])


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _true(flag: object) -> bool:
    if isinstance(flag, str):
        return flag.strip().lower() in ("true", "1", "ja")
    if isinstance(flag, (bool, int, float, np.bool_, np.number)):
        return not math.isnan(float(flag)) and bool(flag)
    return False


def _listed(parts: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]
