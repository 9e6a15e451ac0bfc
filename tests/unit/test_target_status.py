"""The status model (docs/status.md): one example per row of the decision table, and
property-based tests over base value, latest value, interval, target, direction and
years that hold the rule to what the table promises."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import REPO

from helpers.config import Target
from helpers.indicators.precision import round_scalar
from helpers.indicators.status import (
    BEFORE_TARGET_YEAR,
    FROM_TARGET_YEAR,
    LABELS,
    MOVEMENTS,
    PRECEDENCE,
    STATUSES,
    SYMBOLS,
    Verdict,
    expected_value,
    goal_verdict,
    target_status,
    wanted_direction,
)

DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
NAN = math.nan


def _t(year: int, value: float) -> Target:
    return Target(indicator="x", year=year, value=value)


# ------------------------------------------------------------ one example per rule


@pytest.mark.parametrize(
    ("rule", "args", "kwargs", "status", "reason"),
    [
        (1, (2020, 50.0, 2024, 45.0, None, "lower_is_better"), {}, "no_target", "no_target"),
        (
            2,
            (2020, 50.0, 2024, 45.0, _t(2026, 40), "lower_is_better"),
            {"broken": True},
            "unknown",
            "break",
        ),
        (3, (2020, 50.0, 2024, 45.0, _t(2020, 40), "lower_is_better"), {}, "unknown", "no_line"),
        (4, (2020, NAN, 2024, 45.0, _t(2026, 40), "lower_is_better"), {}, "unknown", "no_base"),
        (
            5,
            (2020, 50.0, 2020, 45.0, _t(2026, 40), "lower_is_better"),
            {},
            "unknown",
            "no_measurement",
        ),
        (
            5,
            (2020, 50.0, None, NAN, _t(2026, 40), "lower_is_better"),
            {},
            "unknown",
            "no_measurement",
        ),
        (6, (2020, 50.0, 2024, 45.0, _t(2026, 50), "neutral"), {}, "unknown", "no_direction"),
        # the line 50 (2020) -> 40 (2026) stands at 43.3 in 2024
        (
            7,
            (2020, 50.0, 2024, 45.0, _t(2026, 40), "lower_is_better", 42.0, 48.0),
            {},
            "undecided",
            "within_margin",
        ),
        (8, (2020, 50.0, 2024, 43.3, _t(2026, 40), "lower_is_better"), {}, "on_track", "on_line"),
        (8, (2020, 50.0, 2024, 39.0, _t(2026, 40), "lower_is_better"), {}, "on_track", "reached"),
        (
            9,
            (2020, 50.0, 2024, 45.0, _t(2026, 40), "lower_is_better", 44.0, 46.0),
            {},
            "not_on_track",
            "behind_line",
        ),
        (
            10,
            (2020, 50.0, 2026, 41.0, _t(2026, 40), "lower_is_better", 36.0, 46.0),
            {},
            "uncertain",
            "target_within_margin",
        ),
        (11, (2020, 50.0, 2026, 40.0, _t(2026, 40), "lower_is_better"), {}, "met", "reached"),
        (12, (2020, 50.0, 2028, 40.1, _t(2026, 40), "lower_is_better"), {}, "not_met", "missed"),
    ],
)
def test_each_rule_of_the_decision_table(rule, args, kwargs, status, reason):
    verdict = target_status(*args, **kwargs)
    assert (verdict.status, verdict.reason) == (status, reason), f"rule {rule}"


def test_the_issue_cases():
    """Vollenhove (86 respondents): a target missed in 2026 or 2028 is not 'too early';
    Soesterkwartier's loneliness rising 47,4 -> 50,1 against 45,0 says it moves away."""
    missed = target_status(2020, 28.7, 2026, 32.0, _t(2026, 25), "lower_is_better", 27.0, 37.0)
    assert (missed.status, missed.movement) == ("not_met", "away")
    later = target_status(2020, 28.7, 2028, 32.0, _t(2026, 25), "lower_is_better", 27.0, 37.0)
    assert later.status == "not_met"
    lonely = target_status(2020, 47.4, 2024, 50.1, _t(2026, 45), "lower_is_better", 45.8, 54.5)
    assert (lonely.status, lonely.movement) == ("undecided", "away")
    toward = target_status(2020, 47.4, 2024, 46.0, _t(2026, 45), "lower_is_better", 41.8, 50.5)
    assert (toward.status, toward.movement) == ("undecided", "toward")


def test_a_target_that_asks_no_improvement_is_compared_with_the_target_itself():
    """70,2% at the baseline, target 62% in 2026, higher is better: the area only has to
    stay at or above 62%; 61% in 2024 is behind, 65% on track."""
    target = _t(2026, 62)
    assert target_status(2020, 70.2, 2024, 61.0, target, "higher_is_better").status == (
        "not_on_track"
    )
    verdict = target_status(2020, 70.2, 2024, 65.0, target, "higher_is_better")
    assert (verdict.status, verdict.compared_with, verdict.movement) == ("on_track", 62, "away")


def test_the_expected_value_is_compared_at_the_precision_the_report_prints():
    """Expected 45.76 prints as 45,8%: inside an interval printed as 45,8% – 54,5%."""
    target = _t(2024, 45.76)
    args = (2020, 47.4, 2024, 50.1, target, "lower_is_better", 45.8, 54.5)
    assert target_status(*args).status == "not_met"
    assert target_status(*args, decimals=1).status == "uncertain"


def test_a_goal_is_decided_by_its_worst_target_then_its_first():
    verdicts = [Verdict("met", "reached"), Verdict("undecided", "within_margin")]
    assert goal_verdict(verdicts) == (1, verdicts[1])
    same = [Verdict("on_track", "on_line", "toward"), Verdict("on_track", "reached", "toward")]
    assert goal_verdict(same)[0] == 0
    with pytest.raises(ValueError, match="without targets"):
        goal_verdict([Verdict("no_target", "no_target")])


def test_docs_status_md_states_every_status_and_movement_in_the_words_the_pages_use():
    text = (REPO / "docs" / "status.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \|.*?\| `(\w+)` \| (.+?) \|", text, flags=re.MULTILINE)
    assert [int(n) for n, _, _ in rows] == list(range(1, 13))
    for _, key, shown in rows:
        assert shown == f"{SYMBOLS[key]} {LABELS[key]}", key
    assert {key for _, key, _ in rows} == set(STATUSES)
    for key, words in MOVEMENTS.items():
        assert f"| `{key}` | {words} |" in text
    assert ", ".join(f"`{s}`" for s in PRECEDENCE) in text


# ------------------------------------------------------------------ properties

years = st.integers(2010, 2040)
values = st.integers(0, 1000).map(lambda v: v / 10)  # 0,0 – 100,0 as stored


@st.composite
def cases(draw, interval: bool | None = None, judgeable: bool = False):
    """Any input of the rule; `judgeable` draws only those rules 1-6 let through."""
    base_year = draw(years)
    if judgeable:
        latest_year = draw(st.integers(base_year + 1, base_year + 12))
        target_year = draw(st.integers(base_year + 1, base_year + 12))
        base = draw(values)
    else:
        latest_year = draw(st.one_of(st.none(), st.integers(base_year - 2, base_year + 12)))
        target_year = draw(st.integers(base_year - 2, base_year + 12))
        base = draw(st.one_of(st.just(NAN), values))
    latest, goal = draw(values), draw(values)
    direction = draw(st.sampled_from(DIRECTIONS))
    if judgeable and direction == "neutral":
        goal = draw(values.filter(lambda v: v != base))
    with_interval = draw(st.booleans()) if interval is None else interval
    lower, upper = NAN, NAN
    if with_interval:
        lower = round(latest - draw(st.integers(0, 150)) / 10, 1)
        upper = round(latest + draw(st.integers(0, 150)) / 10, 1)
    return {
        "base_year": base_year,
        "base_value": base,
        "latest_year": latest_year,
        "latest_value": latest if latest_year is not None else NAN,
        "target": _t(target_year, goal),
        "direction": direction,
        "lower": lower,
        "upper": upper,
        "broken": False if judgeable else draw(st.booleans()),
    }


def _verdict(case: dict, **changes) -> Verdict:
    c = {**case, **changes}
    return target_status(
        c["base_year"],
        c["base_value"],
        c["latest_year"],
        c["latest_value"],
        c["target"],
        c["direction"],
        c["lower"],
        c["upper"],
        1,
        broken=c["broken"],
    )


def _judgeable(c: dict) -> bool:
    return (
        not c["broken"]
        and c["target"].year > c["base_year"]
        and not math.isnan(c["base_value"])
        and c["latest_year"] is not None
        and c["latest_year"] > c["base_year"]
        and wanted_direction(c["direction"], c["base_value"], c["target"].value) != 0
    )


@settings(max_examples=400)
@given(cases())
def test_the_period_decides_which_three_statuses_are_possible(case):
    verdict = _verdict(case)
    assert verdict.status in STATUSES and verdict.status != "no_target"
    if not _judgeable(case):
        assert (verdict.status, verdict.movement) == ("unknown", "")
    elif case["latest_year"] < case["target"].year:
        assert verdict.status in BEFORE_TARGET_YEAR
    else:
        assert verdict.status in FROM_TARGET_YEAR, "never 'too early' after the target year"


@settings(max_examples=400)
@given(cases(judgeable=True))
def test_the_margin_statuses_are_exactly_an_interval_holding_the_compared_value(case):
    assert _judgeable(case)
    verdict = _verdict(case)
    held = case["lower"] <= verdict.compared_with <= case["upper"]  # False with nan
    assert (verdict.status in ("undecided", "uncertain")) == held


@settings(max_examples=400)
@given(cases(judgeable=True))
def test_the_status_agrees_with_the_value_it_compared_with(case):
    assert _judgeable(case)
    verdict = _verdict(case)
    good = wanted_direction(case["direction"], case["base_value"], case["target"].value)
    ahead = (case["latest_value"] - verdict.compared_with) * good >= 0
    if verdict.status in ("on_track", "met"):
        assert ahead
    if verdict.status in ("not_on_track", "not_met"):
        assert not ahead
    if case["latest_year"] >= case["target"].year:
        assert verdict.compared_with == round_scalar(case["target"].value, 1)
    else:
        line = expected_value(
            case["base_year"], case["base_value"], case["latest_year"], case["target"], good, 1
        )
        assert verdict.compared_with == line
        low, high = sorted((case["base_value"], round_scalar(case["target"].value, 1)))
        assert low <= line <= high, "the line lies between the base value and the target"


@settings(max_examples=400)
@given(cases(judgeable=True))
def test_the_movement_is_the_sign_of_the_change_in_the_wanted_direction(case):
    assert _judgeable(case)
    good = wanted_direction(case["direction"], case["base_value"], case["target"].value)
    change = (case["latest_value"] - case["base_value"]) * good
    expected = "toward" if change > 0 else "away" if change < 0 else "unchanged"
    assert _verdict(case).movement == expected


@settings(max_examples=300)
@given(cases(interval=False, judgeable=True), st.integers(1, 200).map(lambda v: v / 10))
def test_a_better_latest_value_never_gives_a_worse_status(case, step):
    assert _judgeable(case)
    good = wanted_direction(case["direction"], case["base_value"], case["target"].value)
    better = round(case["latest_value"] + step * good, 1)
    order = ("not_met", "not_on_track", "on_track", "met")
    before, after = _verdict(case).status, _verdict(case, latest_value=better).status
    assert order.index(after) >= order.index(before)


@settings(max_examples=300)
@given(cases())
def test_mirroring_every_value_and_the_direction_keeps_the_status(case):
    """Lower-is-better is higher-is-better upside down: the rule has no favourite side."""
    flip = {"higher_is_better": "lower_is_better", "lower_is_better": "higher_is_better"}
    mirrored = {
        **case,
        "base_value": -case["base_value"],
        "latest_value": -case["latest_value"],
        "target": _t(case["target"].year, -case["target"].value),
        "direction": flip.get(case["direction"], "neutral"),
        "lower": -case["upper"],
        "upper": -case["lower"],
    }
    one, other = _verdict(case), _verdict(mirrored)
    assert (one.status, one.reason, one.movement) == (other.status, other.reason, other.movement)


@settings(max_examples=200)
@given(cases(judgeable=True), st.integers(1, 5))
def test_a_later_target_year_never_moves_a_verdict_out_of_its_period(case, later):
    """Only the years decide which question is asked; a break always wins."""
    assert _judgeable(case)
    verdict = _verdict(case, broken=True)
    assert (verdict.status, verdict.reason) == ("unknown", "break")
    moved = _verdict(case, target=_t(case["target"].year + later, case["target"].value))
    if case["latest_year"] < case["target"].year:
        assert moved.status in BEFORE_TARGET_YEAR
