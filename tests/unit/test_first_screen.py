"""The first screen of the annual report on constructed summaries: every goal status,
every reason, the interpretation sentences and what the programme did.

The target statuses in the constructed rows come from `status.target_status` itself
(the rule the indicators stage applies), so a row cannot claim a status the rule
would not give.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.config import Effort, Goal, Indicator, Target
from helpers.indicators.status import target_status
from helpers.report import first_screen

BASE, LATEST, TARGET_YEAR = 2020, 2024, 2026


def indicator(
    ident: str,
    level: str = "outcome",
    direction: str = "higher_is_better",
    unit: str = "procent",
    source: str = "survey",
) -> Indicator:
    return Indicator(
        id=ident,
        label=f"Label {ident}",
        level=level,
        unit=unit,
        source=source,
        column=ident,
        direction=direction,
    )


def row(
    ident: str,
    base: float,
    latest: float,
    *,
    target: float | None = None,
    target_year: int = TARGET_YEAR,
    direction: str = "higher_is_better",
    interval: tuple[float, float] = (math.nan, math.nan),
    latest_year: int = LATEST,
    broken: bool = False,
    p_value: float = math.nan,
    significant: object = None,
    did: float = math.nan,
) -> dict:
    """One summary row as the indicators stage writes it (the columns verdicts reads)."""
    status, movement, reason = math.nan, math.nan, math.nan
    if target is not None:
        goal = Target(indicator=ident, year=target_year, value=target)
        verdict = target_status(
            BASE, base, latest_year, latest, goal, direction, *interval, 1, broken=broken
        )
        status, movement, reason = verdict.status, verdict.movement, verdict.reason
    change = math.nan if broken or math.isnan(base) else round(latest - base, 1)
    return {
        "indicator_id": ident,
        "latest_year": latest_year,
        "latest_value": latest,
        "base_year": BASE,
        "base_value": base,
        "change_since_base": change,
        "p_value": p_value,
        "significant": significant,
        "target_year": target_year if target is not None else math.nan,
        "target_value": target if target is not None else math.nan,
        "target_status": status,
        "target_movement": movement,
        "target_reason": reason,
        "break_since_base": broken,
        "did_vs_gemeente": did,
    }


def summary(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows)).set_index("indicator_id")


def goal(*ids: str, efforts: tuple[Effort, ...] = ()) -> Goal:
    return Goal(id="doel", label="Het doel", indicators=list(ids), efforts=list(efforts))


def status_of(rows: list[dict], indicators: list[Indicator]) -> first_screen.GoalStatus:
    by_id = {i.id: i for i in indicators}
    return first_screen.goal_status(goal(*by_id), by_id, summary(*rows), BASE)


# ------------------------------------------------------------------ each status, each reason


def test_on_track_along_the_line_says_where_the_line_stands():
    # the line from 50 (2020) to 60 (2026) stands at 56,7 in 2024; 58 is past it
    result = status_of([row("a", 50, 58, target=60)], [indicator("a")])
    assert (result.status, result.reason_code) == ("on_track", "on_line")
    assert result.label == "✔ op koers (richting de streefwaarde)"
    assert result.reason == (
        "Label a: 58,0% in 2024 (50,0% in 2020: richting de streefwaarde), minstens zo ver als "
        "de lijn van de nulmeting naar de streefwaarde (60,0% in 2026) in 2024 vraagt (56,7%)."
    )


def test_on_track_with_the_target_reached():
    result = status_of([row("a", 50, 61, target=60)], [indicator("a")])
    assert (result.status, result.reason_code) == ("on_track", "reached")
    assert result.reason == (
        "Label a: 61,0% in 2024 (50,0% in 2020: richting de streefwaarde): de streefwaarde "
        "(60,0% in 2026) is al bereikt."
    )


def test_on_track_without_improvement_says_the_target_asks_for_none():
    # lower is better, the target (30) is above the base value (25): met without effort
    rows = [row("a", 25, 27, target=30, direction="lower_is_better")]
    result = status_of(rows, [indicator("a", direction="lower_is_better")])
    assert (result.status, result.reason_code) == ("on_track", "no_improvement_needed")
    assert "(25,0% in 2020: van de streefwaarde af)" in result.reason
    assert result.reason.endswith("op koers of gehaald vraagt hier geen verbetering.")


def test_not_on_track_behind_the_line():
    result = status_of([row("a", 50, 52, target=60)], [indicator("a")])
    assert (result.status, result.reason_code) == ("not_on_track", "behind_line")
    assert result.label == "✘ niet op koers (richting de streefwaarde)"
    assert result.reason == (
        "Label a: 52,0% in 2024 (50,0% in 2020: richting de streefwaarde), minder ver dan de "
        "lijn van de nulmeting naar de streefwaarde (60,0% in 2026) in 2024 vraagt (56,7%)."
    )


def test_not_yet_decidable_when_the_line_is_within_the_survey_interval():
    result = status_of([row("a", 50, 55, target=60, interval=(52.0, 58.0))], [indicator("a")])
    assert (result.status, result.reason_code) == ("undecided", "within_margin")
    assert result.label == "≈ nog niet te zeggen (richting de streefwaarde)"
    assert "vraagt in 2024 56,7%, en dat ligt binnen de onzekerheidsmarge" in result.reason


@pytest.mark.parametrize(
    ("latest", "interval", "status", "code", "words"),
    [
        (
            61.0,
            (math.nan, math.nan),
            "met",
            "reached",
            "de streefwaarde (60,0% in 2024) is gehaald.",
        ),
        (58.0, (56.0, 59.0), "not_met", "missed", "(60,0% in 2024) is niet gehaald."),
        (58.0, (55.0, 61.0), "uncertain", "target_within_margin", "binnen de onzekerheidsmarge"),
    ],
)
def test_from_the_target_year_on_the_target_is_met_missed_or_uncertain(
    latest, interval, status, code, words
):
    rows = [row("a", 50, latest, target=60, target_year=LATEST, interval=interval)]
    result = status_of(rows, [indicator("a")])
    assert (result.status, result.reason_code) == (status, code)
    assert words in result.reason
    assert result.label.endswith("(richting de streefwaarde)")


@pytest.mark.parametrize(
    ("kwargs", "code", "words"),
    [
        ({"broken": True}, "break", "de reeks is sinds de nulmeting (2020) gebroken"),
        ({"base": math.nan}, "no_base", "geen gepubliceerde waarde in de nulmeting (2020)"),
        ({"latest_year": BASE}, "no_measurement", "nog geen meting na de nulmeting (2020)"),
        ({"target_year": 2019}, "no_line", "het streefjaar ligt niet na de nulmeting (2020)"),
    ],
)
def test_unknown_when_the_target_cannot_be_judged(kwargs, code, words):
    """Not 'too early' (the first screen once said so while Table 1 said onbekend)."""
    values = {"base": 50.0, **kwargs}
    base = values.pop("base")
    result = status_of([row("a", base, 55, target=60, **values)], [indicator("a")])
    assert (result.status, result.reason_code) == ("unknown", code)
    assert result.label == "? onbekend"
    assert result.reason.startswith(f"Label a: {words}")
    assert result.reason.endswith(")."), "one sentence naming the target"


def test_no_target_names_the_first_effect_indicator_with_its_values():
    indicators = [
        indicator("reg", level="output", unit="aantal", source="registration"),
        indicator("a"),
    ]
    result = status_of([row("reg", 10, 20), row("a", 50, 52)], indicators)
    assert (result.status, result.reason_code) == ("no_target", "no_target")
    assert result.label == "– geen streefwaarde"
    assert result.reason == (
        "Voor dit doel is geen streefwaarde afgesproken; Label a: 52,0% in 2024 (50,0% in 2020)."
    )


def test_no_target_without_any_effect_value():
    result = status_of([row("a", math.nan, math.nan)], [indicator("a")])
    assert result.reason == "Voor dit doel is geen streefwaarde afgesproken."


def test_one_target_behind_decides_and_the_count_is_given():
    rows = [row("a", 50, 61, target=60), row("b", 50, 52, target=60)]
    result = status_of(rows, [indicator("a"), indicator("b")])
    assert (result.status, result.reason_code) == ("not_on_track", "behind_line")
    assert result.reason.startswith("Label b: 52,0% in 2024")
    assert result.reason.endswith("(56,7%) (1 van 2 streefwaarden op koers of gehaald).")


def test_an_effort_indicator_with_a_target_counts_for_its_goal():
    effort = Effort(id="e", label="Inspanning", project="p", indicators=["reg"])
    reg = indicator("reg", level="output", unit="aantal", source="registration")
    by_id = {"a": indicator("a"), "reg": reg}
    rows = summary(row("a", 50, 52), row("reg", 10, 20, target=12))
    result = first_screen.goal_status(goal("a", efforts=(effort,)), by_id, rows, BASE)
    assert (result.status, result.reason_code) == ("on_track", "reached")


def test_the_goal_status_is_the_status_table_1_and_the_exports_show():
    """One goal, one target: the same words on the first screen and in Table 1."""
    from helpers.report.glance import _target_words

    for latest, interval in ((55, (52.0, 58.0)), (58, (math.nan, math.nan)), (52, (51, 53))):
        one = row("a", 50, latest, target=60, interval=interval)
        result = status_of([one], [indicator("a")])
        assert result.label == _target_words(one["target_status"], one["target_movement"])


def test_status_table_has_one_row_per_goal_with_symbol_and_words():
    statuses = [
        first_screen.GoalStatus("g1", "Doel 1", "on_track", "on_line", "Reden 1."),
        first_screen.GoalStatus("g2", "Doel 2", "no_target", "no_target", "Reden 2."),
    ]
    table = first_screen.status_table(statuses)
    assert table.to_dict("records") == [
        {"doel": "Doel 1", "stand": "✔ op koers", "waarom": "Reden 1."},
        {"doel": "Doel 2", "stand": "– geen streefwaarde", "waarom": "Reden 2."},
    ]


# ------------------------------------------------------------------------ interpretation


def _statuses(*keys: str) -> list[first_screen.GoalStatus]:
    return [first_screen.GoalStatus(f"g{i}", f"Doel {i}", k, k, "") for i, k in enumerate(keys)]


def test_interpretation_counts_statuses_effects_tests_and_gemeente():
    indicators = {
        "up": indicator("up"),
        "down": indicator("down", direction="lower_is_better"),
        "same": indicator("same"),
        "worse": indicator("worse"),
        "reg": indicator("reg", level="activity", unit="aantal", source="registration"),
    }
    rows = summary(
        row("up", 50, 55, p_value=0.01, significant=True, did=2.0),
        row("down", 30, 28, p_value=0.40, significant=False, did=1.0),
        row("same", 40, 40, p_value=0.90, significant=False, did=-0.5),
        row("worse", 40, 38, p_value=0.30, significant="False"),
        row("reg", 10, 30),
    )
    sentences = first_screen.interpretation(
        _statuses("on_track", "not_on_track", "no_target"), indicators, rows, BASE, "Utrecht"
    )
    assert sentences == [
        "Van de 3 doelen: 1 op koers, 1 niet op koers en 1 zonder streefwaarde.",
        "Van de 4 effectindicatoren met een vergelijking sinds 2020 veranderden er 2 gunstig, "
        "1 ongunstig en 1 niet.",
        "Bij 1 van de 4 enquêtecijfers is de verandering waarschijnlijk echt: Label up.",
        "Vergeleken met de verandering in Utrecht sinds de nulmeting (2020) ontwikkelde het "
        "gebied zich bij 1 van de 3 effectindicatoren gunstiger.",
        first_screen.CAVEAT,
    ]


def test_interpretation_after_breaks_and_without_tests_has_three_sentences():
    indicators = {"a": indicator("a", source="registration"), "b": indicator("b")}
    rows = summary(row("a", 50, 55, broken=True), row("b", 50, 51, broken=True))
    sentences = first_screen.interpretation(_statuses("undecided"), indicators, rows, BASE, "Zeist")
    assert sentences == [
        "Van de 1 doel: 1 nog niet te zeggen.",
        "Geen van de 2 effectindicatoren is te vergelijken met de nulmeting (2020); bij 2 is "
        "de reeks sinds 2020 gebroken.",
        first_screen.CAVEAT,
    ]


def test_interpretation_says_when_no_survey_change_is_likely_real():
    indicators = {"a": indicator("a")}
    rows = summary(row("a", 50, 51, p_value=0.5, significant=False))
    sentences = first_screen.interpretation(_statuses("undecided"), indicators, rows, BASE, "Zeist")
    assert sentences[1] == (
        "Van de 1 effectindicatoren met een vergelijking sinds 2020 veranderde er 1 gunstig."
    )
    assert sentences[2] == (
        "Bij geen van de 1 enquêtecijfers is de verandering groter dan wat toeval bij een "
        "steekproef meestal geeft: de veranderingen kunnen toeval zijn."
    )
    assert 3 <= len(sentences) <= 5


# ------------------------------------------------------------------ what the programme did


def test_programme_effort_lists_input_activities_and_outputs_in_that_order():
    efforts = (
        Effort(id="e1", label="Aanbod", project="p", indicators=["act", "budget"]),
        Effort(id="e2", label="Werving", project="q", indicators=["budget", "out"]),
    )
    goals = [goal("a", efforts=efforts)]
    indicators = {
        "a": indicator("a"),
        "out": indicator("out", level="output", unit="aantal", source="registration"),
        "act": indicator("act", level="activity", unit="aantal", source="registration"),
        "budget": indicator(
            "budget", level="input", unit="euro", source="registration", direction="neutral"
        ),
    }
    rows = summary(
        row("a", 50, 52),
        row("out", 950, 1189),
        row("act", 76, 133, broken=True),
        row("budget", 544200, 428200),
    )
    table = first_screen.programme_effort(goals, indicators, rows, BASE)
    assert table.to_dict("records") == [
        {
            "niveau": "input",
            "wat": "Label budget",
            "inspanning": "Aanbod; Werving",
            "laatste waarde": "€ 428.200 (2024)",
            "nulmeting": "€ 544.200 in 2020",
        },
        {
            "niveau": "activiteit",
            "wat": "Label act",
            "inspanning": "Aanbod",
            "laatste waarde": "133 (2024)",
            "nulmeting": "breuk in de reeks",
        },
        {
            "niveau": "prestatie",
            "wat": "Label out",
            "inspanning": "Werving",
            "laatste waarde": "1.189 (2024)",
            "nulmeting": "950 in 2020",
        },
    ]


def test_programme_effort_leaves_out_what_was_not_published():
    indicators = {"act": indicator("act", level="activity", unit="aantal", source="registration")}
    rows = summary(row("act", 10, math.nan))
    assert first_screen.programme_effort([goal("act")], indicators, rows, BASE).empty
