"""Disclosure control: primary and secondary suppression, also after aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ELDERLY_SHARE, INHABITANTS, kwb_long

from helpers.config import Indicator, Suppression
from helpers.indicators.disclosure import (
    apply_suppression,
    cell_magnitude,
    partitions_are_safe,
    published_cells_respect_threshold,
)
from helpers.indicators.engine import group_partitions, indicator_values

RULES = Suppression(min_count=5, min_denominator=50, min_survey_n=30)
AGES = ["k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"]


def shares(columns: list[str], prefix: str, group: str) -> list[Indicator]:
    """Shares of the inhabitants that add up to the whole: one population-group partition."""
    return [
        Indicator(
            id=f"{prefix}_{i}",
            label=column,
            level="context",
            unit="procent",
            source="cbs_kwb",
            numerator=column,
            denominator="AantalInwoners",
            direction="neutral",
            group=group,
        )
        for i, column in enumerate(columns)
    ]


AGE_SHARES = shares(AGES, "age", "leeftijd")
ORIGINS = ["herkomst_nederland", "herkomst_europa", "herkomst_buiten_europa"]
ORIGIN_SHARES = shares(ORIGINS, "origin", "herkomst")


def members_of(areas: dict[str, list[str]], year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame(
        [("gebied", area, area, year, code) for area, codes in areas.items() for code in codes],
        columns=["area_role", "area_code", "area_name", "year", "member_code"],
    )


def age_table(
    ages: dict[str, list[int]], origins: dict[str, list[int]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The age (and origin) shares and inhabitants of areas (one buurt each), before and
    after suppression. Both groups split the same inhabitants."""
    cells = {
        code: {**dict(zip(AGES, counts, strict=True)), "AantalInwoners": sum(counts)}
        for code, counts in ages.items()
    }
    for code, counts in (origins or {}).items():
        assert sum(counts) == cells[code]["AantalInwoners"]
        cells[code].update(zip(ORIGINS, counts, strict=True))
    shares = [*AGE_SHARES, *(ORIGIN_SHARES if origins else [])]
    values = indicator_values(
        [INHABITANTS, *shares], members_of({c: [c] for c in ages}), kwb_long(cells)
    )
    return values, apply_suppression(values, RULES, group_partitions(values))


def test_one_small_age_group_is_protected_by_a_second_one():
    values, result = age_table({"BU00010001": [3, 40, 120, 100, 60]})
    shares = result[result["group"].eq("leeftijd")].set_index("indicator_id")
    assert shares.loc["age_0", "suppression_reason"] == "small_count"
    # 323 inhabitants minus the four others would give the 3 children: the smallest
    # other group (40) is withheld too.
    assert shares.loc["age_1", "suppression_reason"] == "secondary"
    assert shares["suppressed"].sum() == 2
    assert np.isnan(shares.loc["age_1", "value"]) and np.isnan(shares.loc["age_1", "numerator"])
    inhabitants = result[result["indicator_id"].eq("inwoners")].iloc[0]
    assert not inhabitants["suppressed"] and inhabitants["value"] == 323
    assert partitions_are_safe(
        result["suppressed"], cell_magnitude(values), group_partitions(values), RULES
    )


def test_two_small_groups_that_together_stay_small_get_a_third():
    _, result = age_table({"BU00010001": [1, 2, 120, 100, 60]})
    shares = result[result["group"].eq("leeftijd")].set_index("indicator_id")
    assert shares["suppression_reason"].to_dict() == {
        "age_0": "small_count",
        "age_1": "small_count",
        "age_2": "",
        "age_3": "",
        "age_4": "secondary",
    }


def test_a_small_origin_group_is_protected_within_the_origin_groups_only():
    """The origin groups are a partition of their own: their secondary cell is an origin
    group, and the age groups of the same inhabitants are left alone."""
    values, result = age_table(
        {"BU00010001": [30, 40, 120, 100, 33]}, {"BU00010001": [220, 3, 100]}
    )
    reasons = result.set_index("indicator_id")["suppression_reason"].to_dict()
    assert (reasons["origin_0"], reasons["origin_1"], reasons["origin_2"]) == (
        "",
        "small_count",
        "secondary",
    )
    assert all(reasons[f"age_{i}"] == "" for i in range(5)) and reasons["inwoners"] == ""
    assert partitions_are_safe(
        result["suppressed"], cell_magnitude(values), group_partitions(values), RULES
    )


def test_no_small_group_means_nothing_secondary():
    _, result = age_table({"BU00010001": [30, 40, 120, 100, 60]})
    assert not result["suppressed"].any()


def test_cbs_suppression_is_kept_and_never_reconstructed():
    cells = {"BU1": {"AantalInwoners": 800.0}, "BU2": {"AantalInwoners": np.nan}}
    values = indicator_values([INHABITANTS], members_of({"P": ["BU1", "BU2"]}), kwb_long(cells))
    result = apply_suppression(values, RULES)
    assert result.iloc[0]["suppression_reason"] == "cbs_not_published"
    assert np.isnan(result.iloc[0]["value"])


counts = st.integers(min_value=0, max_value=60)


@st.composite
def ages_and_origins(draw) -> tuple[list[int], list[int]]:
    """Five age groups and three origin groups of the same inhabitants."""
    ages = draw(st.lists(counts, min_size=5, max_size=5))
    total = sum(ages)
    dutch = draw(st.integers(0, total))
    europe = draw(st.integers(0, total - dutch))
    return ages, [dutch, europe, total - dutch - europe]


@settings(max_examples=80, deadline=None)
@given(st.lists(ages_and_origins(), min_size=1, max_size=6))
def test_no_withheld_age_or_origin_group_can_be_recovered_by_difference(areas):
    ages = {f"BU{i:08d}": group for i, (group, _) in enumerate(areas)}
    origins = {f"BU{i:08d}": group for i, (_, group) in enumerate(areas)}
    values, result = age_table(ages, origins)
    assert set(values["group"]) == {"", "leeftijd", "herkomst"}
    assert published_cells_respect_threshold(result, RULES)
    published_total = result[result["indicator_id"].eq("inwoners")].set_index("area_code")
    partition = group_partitions(values)
    # Only areas whose total is published can be attacked by difference.
    attackable = values["area_code"].map(~published_total["suppressed"]).astype(bool)
    assert partitions_are_safe(
        result["suppressed"], cell_magnitude(values), partition.where(attackable), RULES
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 40)), min_size=1, max_size=8),
    st.integers(1, 8),
)
def test_aggregating_buurten_never_publishes_a_small_cell(buurten, take):
    """Summed over any set of buurten, no published count, numerator or denominator is small."""
    cells = {
        f"BU{i:08d}": {"AantalInwoners": inhabitants, "k_65JaarOfOuder": old}
        for i, (inhabitants, old) in enumerate(buurten)
    }
    codes = list(cells)
    areas = {"alle": codes, "deel": codes[:take], **{code: [code] for code in codes}}
    values = indicator_values([INHABITANTS, ELDERLY_SHARE], members_of(areas), kwb_long(cells))
    result = apply_suppression(values, RULES)
    assert published_cells_respect_threshold(result, RULES)
    published = result[~result["suppressed"]]
    assert not published["numerator"].between(1, 4).any()
    assert published["denominator"].dropna().ge(50).all()
    counts_shown = published.loc[published["indicator_id"].eq("inwoners"), "value"]
    assert not counts_shown.between(1, 4).any()
    withheld = result.loc[result["suppressed"], ["value", "numerator", "denominator"]]
    assert withheld.isna().all().all()
