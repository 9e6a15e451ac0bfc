"""The target status: one model, stated once (docs/status.md), used by every page.

Before the target year: op koers / niet op koers / nog niet te zeggen, with the
movement since the base year (toward or away from the target); from the target year
on: gehaald / niet gehaald / niet met zekerheid te zeggen; plus geen streefwaarde and
onbekend, each with a reason. The indicators stage stores the verdict in the summary
(`target_status`, `target_movement`, `target_reason`); the first screen, Table 1, the
landing page, the factsheet and the exports only read it and say it in `LABELS`.
The params checks of targets live here too, so what a target means is in one module.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

from helpers.config.models import (
    Catalogue,
    Cycle,
    Indicator,
    ParamsWarning,
    Programme,
    Project,
    Target,
)
from helpers.config.paths import Paths
from helpers.indicators.precision import round_scalar
from helpers.report.dutch import format_value

# ----------------------------------------------------------------- the vocabulary

BEFORE_TARGET_YEAR = ("on_track", "not_on_track", "undecided")
FROM_TARGET_YEAR = ("met", "not_met", "uncertain")
STATUSES = (*BEFORE_TARGET_YEAR, *FROM_TARGET_YEAR, "no_target", "unknown")

LABELS = {
    "on_track": "op koers",
    "not_on_track": "niet op koers",
    "undecided": "nog niet te zeggen",
    "met": "gehaald",
    "not_met": "niet gehaald",
    "uncertain": "niet met zekerheid te zeggen",
    "no_target": "geen streefwaarde",
    "unknown": "onbekend",
}
SYMBOLS = {
    "on_track": "✔",
    "met": "✔",
    "not_on_track": "✘",
    "not_met": "✘",
    "undecided": "≈",
    "uncertain": "≈",
    "no_target": "–",
    "unknown": "?",
}
"""Symbols always stand beside their words, never alone (colour-blind and print safe)."""

MOVEMENTS = {
    "toward": "richting de streefwaarde",
    "away": "van de streefwaarde af",
    "unchanged": "gelijk aan de nulmeting",
}

PRECEDENCE = ("not_met", "not_on_track", "uncertain", "undecided", "unknown", "on_track", "met")
"""Which target decides a goal with several: the first status in this order."""

REASONS = {
    "no_target": "geen streefwaarde afgesproken",
    "break": "breuk in de reeks sinds de nulmeting",
    "no_line": "het streefjaar ligt niet na de nulmeting",
    "no_base": "geen gepubliceerde waarde in de nulmeting",
    "no_measurement": "nog geen meting na de nulmeting",
    "no_direction": "geen gewenste richting: de indicator is neutraal en de streefwaarde "
    "is gelijk aan de nulmeting",
    "within_margin": "het verschil met de lijn naar de streefwaarde valt binnen de "
    "onzekerheidsmarge van de meting",
    "on_line": "minstens zo ver als de lijn naar de streefwaarde vraagt",
    "behind_line": "minder ver dan de lijn naar de streefwaarde vraagt",
    "target_within_margin": "de streefwaarde ligt binnen de onzekerheidsmarge van de meting",
    "reached": "de streefwaarde is bereikt",
    "missed": "de streefwaarde is niet bereikt",
}
"""Each reason key in a few Dutch words (the exports; sentences in `first_screen`)."""

TARGET_RULE = (
    "vóór het streefjaar: op koers als de laatste waarde minstens zo ver in de gewenste "
    "richting ligt als de rechte lijn van de nulmeting naar de streefwaarde voor dat jaar "
    "aangeeft, anders niet op koers, en nog niet te zeggen als het 95%-interval van een "
    "enquêtecijfer die lijn bevat; vanaf het streefjaar: gehaald of niet gehaald, en niet "
    "met zekerheid te zeggen als het 95%-interval de streefwaarde bevat; onbekend bij een "
    "breuk in de reeks, zonder nulmeting, zonder latere meting of zonder lijn"
)


def label(status: str) -> str:
    """'✔ op koers': symbol and words of a status key (an unknown key reads onbekend)."""
    key = status if status in LABELS else "unknown"
    return f"{SYMBOLS[key]} {LABELS[key]}"


def words(status: str, movement: str = "") -> str:
    """The status with its movement: '✘ niet op koers (van de streefwaarde af)'."""
    text = label(status)
    return f"{text} ({MOVEMENTS[movement]})" if movement in MOVEMENTS else text


# ----------------------------------------------------------------------- the rule


@dataclass(frozen=True)
class Verdict:
    """One indicator's target status (`STATUSES`), the rule's reason key (`REASONS`),
    the movement since the base year (`MOVEMENTS` key, '' where there is none) and the
    value the latest value was compared with (the line in the latest year, or the
    target itself from the target year on; nan where nothing was compared)."""

    status: str
    reason: str
    movement: str = ""
    compared_with: float = math.nan


def wanted_direction(direction: str, base_value: float, target_value: float) -> int:
    """+1 / -1: the indicator's direction; a neutral one takes the target's side of the
    base value; 0 where neither says anything."""
    good = {"higher_is_better": 1, "lower_is_better": -1}.get(direction, 0)
    if good or math.isnan(base_value):
        return good
    return int(math.copysign(1, target_value - base_value)) if target_value != base_value else 0


def expected_value(
    base_year: int,
    base_value: float,
    latest_year: int,
    target: Target,
    good: int,
    decimals: int | None = None,
) -> float:
    """The value the latest value is compared with: on the straight line from the base
    value to the target in `latest_year`; the target itself from the target year on,
    and also when the target asks for no improvement on the base value (then the area
    only has to stay at or beyond it). nan without a line."""
    if target.year <= base_year or math.isnan(base_value):
        return math.nan
    if latest_year >= target.year or (target.value - base_value) * good <= 0:
        value = target.value
    else:
        share = (latest_year - base_year) / (target.year - base_year)
        value = base_value + (target.value - base_value) * share
    return round_scalar(value, decimals) if decimals is not None else value


def target_status(
    base_year: int,
    base_value: float,
    latest_year: int | None,
    latest_value: float,
    target: Target | None,
    direction: str,
    lower: float = math.nan,
    upper: float = math.nan,
    decimals: int | None = None,
    *,
    broken: bool = False,
) -> Verdict:
    """The verdict of docs/status.md's decision table, rules tried in its order.

    `lower`/`upper` is the 95% interval of the latest value (surveys; nan for counts).
    With `decimals` the target and the expected value are stored like the values they
    are compared with, so the verdict agrees with the figures the report prints.
    """
    if target is None:
        return Verdict("no_target", "no_target")
    if broken:
        return Verdict("unknown", "break")
    if target.year <= base_year:
        return Verdict("unknown", "no_line")
    if math.isnan(base_value):
        return Verdict("unknown", "no_base")
    if latest_year is None or latest_year <= base_year or math.isnan(latest_value):
        return Verdict("unknown", "no_measurement")
    good = wanted_direction(direction, base_value, target.value)
    if not good:
        return Verdict("unknown", "no_direction")
    compared = expected_value(base_year, base_value, latest_year, target, good, decimals)
    goal = round_scalar(target.value, decimals) if decimals is not None else target.value
    moved = (latest_value - base_value) * good
    movement = "toward" if moved > 0 else "away" if moved < 0 else "unchanged"
    within = math.isfinite(lower) and math.isfinite(upper) and lower <= compared <= upper
    if latest_year < target.year:
        if within:
            return Verdict("undecided", "within_margin", movement, compared)
        if (latest_value - compared) * good >= 0:
            reason = "reached" if (latest_value - goal) * good >= 0 else "on_line"
            return Verdict("on_track", reason, movement, compared)
        return Verdict("not_on_track", "behind_line", movement, compared)
    if within:
        return Verdict("uncertain", "target_within_margin", movement, compared)
    if (latest_value - compared) * good >= 0:
        return Verdict("met", "reached", movement, compared)
    return Verdict("not_met", "missed", movement, compared)


def goal_verdict(verdicts: list[Verdict]) -> tuple[int, Verdict]:
    """(index, verdict) of the target that decides a goal (`PRECEDENCE`, first wins)."""
    targeted = [(i, v) for i, v in enumerate(verdicts) if v.status != "no_target"]
    if not targeted:
        raise ValueError("a goal without targets has no deciding target")
    return min(targeted, key=lambda iv: (PRECEDENCE.index(iv[1].status), iv[0]))


def target_notes(
    base_year: int,
    base_value: float,
    target: Target,
    indicator: Indicator,
    verdict: Verdict,
    *,
    lower: float = math.nan,
    upper: float = math.nan,
) -> list[str]:
    """Why a target status needs a word (Dutch, for the report): the reason of an
    unknown status, a target that asks no improvement, a comparison within the margin."""
    unit = indicator.unit
    notes: list[str] = []
    if verdict.status == "unknown":
        notes.append(REASONS[verdict.reason])
    good = wanted_direction(indicator.direction, base_value, target.value)
    if good and not math.isnan(base_value) and (target.value - base_value) * good <= 0:
        notes.append(
            f"let op: de streefwaarde vraagt geen verbetering op de nulmeting "
            f"({format_value(base_value, unit)} in {base_year})"
        )
    if verdict.reason in ("within_margin", "target_within_margin"):
        what = (
            "de lijn naar de streefwaarde geeft"
            if verdict.status == "undecided"
            else ("de streefwaarde")
        )
        notes.append(
            f"{what} {format_value(verdict.compared_with, unit)}, binnen het 95%-interval "
            f"van de laatste waarde ({format_value(lower, unit)} – {format_value(upper, unit)})"
        )
    return notes


# ------------------------------------------------------------ params checks of targets


def indicator_direction(
    catalogue: Catalogue, programme: Programme, indicator_id: str
) -> str | None:
    """The direction of a catalogue or local indicator (None for an unknown id)."""
    for indicator in [*catalogue.indicators, *programme.local_indicators]:
        if indicator.id == indicator_id:
            return indicator.direction
    return None


def target_problems(
    paths: Paths, cycle: Cycle, catalogue: Catalogue, programmes: Mapping[str, Programme]
) -> list[str]:
    """Targets the params alone show to be unreadable: on an indicator without a desired
    direction, dated before the base year, or dated before the cycle's latest year.

    Each would give '? onbekend' (or a verdict on a stale target) in the report; the
    researcher gets the reason at load time, naming file and key.
    """
    problems = []
    base, latest = cycle.cycle.base_year, cycle.cycle.year
    for key, programme in programmes.items():
        for index, target in enumerate(programme.targets):
            where = f"{paths.programme_file(key)}: key targets[{index}] ({target.indicator})"
            if indicator_direction(catalogue, programme, target.indicator) == "neutral":
                problems.append(
                    f"{where}: the indicator has direction neutral, so no value is better than "
                    "another and the target cannot be judged; give the indicator a direction "
                    "or drop the target"
                )
            if target.year < base:
                problems.append(
                    f"{where}: target year {target.year} lies before the base year {base} "
                    f"({paths.cycle_file} cycle.base_year); progress cannot be measured"
                )
            elif target.year < latest:
                problems.append(
                    f"{where}: target year {target.year} lies in the past (this cycle reports "
                    f"on {latest}); set the next target or drop it"
                )
    return problems


def warn_target_problems(paths: Paths, project: Project) -> list[str]:
    """Warn (ParamsWarning) for every `target_problems` message; return them. The
    indicators stage calls it, the stage that judges the targets (not every stage's
    params load, which would make every stage's code depend on this module)."""
    problems = target_problems(paths, project.cycle, project.catalogue, project.programmes)
    for message in problems:
        warnings.warn(message, ParamsWarning, stacklevel=2)
    return problems


def baseline_target_problems(
    paths: Paths,
    project: Project,
    key: str,
    baselines: Mapping[str, float],
) -> list[str]:
    """Targets that say nothing against the programme area's published base-year value
    (`baselines`: indicator id -> value): already met at the baseline, or asking for a
    change against the indicator's desired direction (which is also met already).

    Such a target reads as "op koers" although the programme need not improve at all.
    """
    programme = project.programmes[key]
    base = project.cycle.cycle.base_year
    problems = []
    for index, target in enumerate(programme.targets):
        value = baselines.get(target.indicator)
        if value is None or math.isnan(value):
            continue
        direction = indicator_direction(project.catalogue, programme, target.indicator)
        if direction not in ("higher_is_better", "lower_is_better"):
            continue
        where = f"{paths.programme_file(key)}: key targets[{index}] ({target.indicator})"
        higher = direction == "higher_is_better"
        wrong = target.value < value if higher else target.value > value
        wanted = "higher" if higher else "lower"
        if wrong:
            problems.append(
                f"{where}: target {target.value:g} in {target.year} is in the wrong direction: "
                f"{wanted} is better and the base-year value is already {value:g} ({base}), "
                "so the target is met at the baseline"
            )
        elif target.value == value:
            problems.append(
                f"{where}: target {target.value:g} in {target.year} is already met at the "
                f"baseline ({value:g} in {base}); it asks for no change"
            )
    return problems


def warn_target_baselines(
    paths: Paths, project: Project, key: str, baselines: Mapping[str, float]
) -> list[str]:
    """Warn (ParamsWarning) for every `baseline_target_problems` message; return them."""
    problems = baseline_target_problems(paths, project, key, baselines)
    for message in problems:
        warnings.warn(message, ParamsWarning, stacklevel=2)
    return problems
