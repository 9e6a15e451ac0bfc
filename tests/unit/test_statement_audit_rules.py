"""The statement audit's own rules: it imports no computation of the pipeline, reads
Dutch numbers and status words as printed, and implements docs/status.md's table."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.audit.pages import parse_number, status_word
from helpers.audit.reference import Case, decide, differs, half_up

SRC = Path(__file__).parents[2] / "src"
FORBIDDEN = ("helpers.indicators", "helpers.report", "helpers.sources")


def helpers_imports(source: str, package: str) -> set[str]:
    """The helpers.* modules a module's source imports (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("helpers"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if base.startswith("helpers"):
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
    return found


def module_file(name: str) -> Path | None:
    path = SRC.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def forbidden_in_closure(start: list[str]) -> dict[str, str]:
    """Every forbidden module reached from `start`, with the module that imports it."""
    seen: set[str] = set()
    todo = list(start)
    bad: dict[str, str] = {}
    while todo:
        name = todo.pop()
        path = module_file(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for imported in helpers_imports(path.read_text(encoding="utf-8"), package):
            if imported.startswith(FORBIDDEN):
                bad[imported] = name
            todo.append(imported)
    return bad


def test_the_audit_imports_no_computation_of_the_pipeline():
    audit = [f"helpers.audit.{p.stem}" for p in (SRC / "helpers" / "audit").glob("*.py")]
    assert len(audit) >= 4
    assert forbidden_in_closure([*audit, "helpers.stages.audit"]) == {}


def test_the_import_rule_finds_a_forbidden_import():
    assert helpers_imports("from helpers.indicators.stats import target_status\n", "x") >= {
        "helpers.indicators.stats"
    }
    assert helpers_imports("from ..report import dutch\n", "helpers.audit") >= {"helpers.report"}
    # the stages' own modules do reach the pipeline's computation: the rule sees it
    assert forbidden_in_closure(["helpers.stages.report"])


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("17,4%", 17.4, 1),
        ("31.108", 31108, 0),
        ("17.282.163", 17282163, 0),
        ("€ 492.600", 492600, 0),
        ("−1,4 procentpunt", -1.4, 1),
        ("+0,7", 0.7, 1),
        ("0,0", 0.0, 1),
    ],
)
def test_dutch_numbers_are_read_with_their_printed_decimals(text, value, decimals):
    printed = parse_number(text)
    assert printed is not None
    assert (printed.value, printed.decimals) == (value, decimals)


def test_status_words_are_read_longest_first():
    assert status_word("✘ niet op koers") == "not_on_track"
    assert status_word("✔ op koers") == "on_track"
    assert status_word("≈ niet met zekerheid te zeggen") == "uncertain"
    assert status_word("✘ niet gehaald") == "not_met"
    assert status_word("≈ te vroeg om te zeggen") == "too_early"  # in no row of the table
    assert status_word("74,0% in 2026") is None


def test_half_up_rounds_halves_away_from_zero():
    assert half_up(17.45, 1) == 17.5
    assert half_up(-0.25, 1) == -0.3
    assert math.isnan(half_up(math.nan, 1))


def case(**change) -> Case:
    values = dict(
        base_year=2020,
        base=50.0,
        latest_year=2024,
        latest=48.0,
        lower=math.nan,
        upper=math.nan,
        target_year=2026,
        target=45.0,
        direction="lower_is_better",
    )
    return Case(**{**values, **change})


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        ({"broken": True}, "unknown", "break"),
        ({"target_year": 2020}, "unknown", "no_line"),
        ({"base": math.nan}, "unknown", "no_base"),
        ({"latest_year": 2020}, "unknown", "no_measurement"),
        ({"direction": "neutral", "target": 50.0}, "unknown", "no_direction"),
        ({"lower": 44.0, "upper": 49.0}, "undecided", "within_margin"),  # e = 46.7
        ({"latest": 46.7}, "on_track", "on_line"),
        ({"latest": 44.0}, "on_track", "reached"),
        ({"latest": 46.8}, "not_on_track", "behind_line"),
        # Soesterkwartier's loneliness in the issue: rising, away from the target
        ({"base": 47.4, "latest": 50.1}, "not_on_track", "behind_line"),
        (
            {"latest_year": 2026, "latest": 46.0, "lower": 42.0, "upper": 50.0},
            "uncertain",
            "target_within_margin",
        ),
        ({"latest_year": 2026, "latest": 45.0}, "met", "reached"),
        ({"latest_year": 2028, "latest": 45.1}, "not_met", "missed"),
        # a target already met at the baseline: e = t, the area must stay at or beyond it
        ({"base": 44.0, "latest": 44.5}, "on_track", "reached"),
        ({"base": 44.0, "latest": 45.5}, "not_on_track", "behind_line"),
    ],
)
def test_every_row_of_the_decision_table(change, key, reason):
    found = decide(case(**change))
    assert (found.key, found.reason) == (key, reason)


def test_the_movement_is_shown_toward_or_away():
    assert decide(case(latest=48.0)).movement == "toward"
    assert decide(case(base=47.4, latest=50.1)).movement == "away"
    assert decide(case(latest=50.0)).movement == "unchanged"


values = st.floats(0, 100, allow_nan=False).map(lambda v: half_up(v, 1))


@given(
    base=values,
    latest=values,
    target=values,
    half_width=st.floats(0, 10),
    latest_year=st.integers(2021, 2030),
    target_year=st.integers(2021, 2030),
    direction=st.sampled_from(["higher_is_better", "lower_is_better", "neutral"]),
)
def test_before_the_target_year_never_met_and_after_never_on_track(
    base, latest, target, half_width, latest_year, target_year, direction
):
    found = decide(
        case(
            base=base,
            latest=latest,
            target=target,
            lower=half_up(latest - half_width, 1),
            upper=half_up(latest + half_width, 1),
            latest_year=latest_year,
            target_year=target_year,
            direction=direction,
        )
    )
    if latest_year < target_year:
        assert found.key in ("on_track", "not_on_track", "undecided", "unknown")
    else:
        assert found.key in ("met", "not_met", "uncertain", "unknown")
    if found.key == "unknown":
        assert found.movement == "" and found.reason == "no_direction"
    else:
        assert found.movement in ("toward", "away", "unchanged")


def test_the_validation_page_names_each_disagreement_once_and_drops_it_when_gone():
    from helpers.validation.report import AUDIT_START, with_audit_section

    page = "<html><body><main><h1>Validatie</h1><p>rest</p></main></body></html>"
    finding = {
        "document": "vollenhove.html",
        "where": "Aantal inwoners | Vollenhove <Vooruit> | 2019",
        "printed": "3.054",
        "expected": "3053",
        "outcome": "disagree",
    }
    marked = with_audit_section(page, [finding], 3932)
    assert marked.index("<h1>") < marked.index(AUDIT_START) < marked.index("<p>rest")
    assert "Pijplijn gestopt: 1 van de 3932" in marked
    assert "Vollenhove &lt;Vooruit&gt;" in marked, "escaped"
    assert "<td>3.054</td><td>3053</td><td>wijkt af</td>" in marked
    twice = with_audit_section(marked, [finding], 3932)
    assert twice == marked and twice.count(AUDIT_START) == 1
    assert with_audit_section(marked, [], 3932) == page
    assert with_audit_section(page, [], 3932) == page


@pytest.mark.parametrize(
    ("before", "after", "other"),
    [
        (("Wijk 03 Overvecht", 100.0, 1.0), ("Lunetten-Oost", 100.0, 1.0), True),
        (("Wijk 03 Overvecht", 100.0, 1.0), ("Wijk 04 Overvecht", 100.0, 1.0), False),
        (("Overvecht", 100.0, 1.0), ("Overvecht", 112.0, 1.0), True),
        (("Overvecht", 100.0, 1.0), ("Overvecht", 108.0, 1.0), False),
        (("Overvecht", 100.0, 1.0), ("Overvecht", 88.0, 1.0), True),
        (("Overvecht", math.nan, 1.0), ("Overvecht", 50.0, 1.0), False),
    ],
)
def test_the_reference_finds_a_code_kept_for_a_different_area(before, after, other):
    """Issue 24: the audit's own rule for a CBS code kept for another area (a new name,
    or a land area changed by more than 10%), written apart from the pipeline's."""
    assert differs(before, after) is other
