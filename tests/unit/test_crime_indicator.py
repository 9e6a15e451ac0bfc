"""Registered crime as a joint indicator (`source: politie`): the engine's counts per
1,000 inhabitants against a hand computation, the members it counts, and the
catalogue's rule that a police indicator is exactly that rate."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pydantic import ValidationError

from helpers.config import Indicator
from helpers.indicators.engine import CRIME_COLUMN, crime_long, crime_members, crime_values

CRIME = Indicator(
    id="misdrijven",
    label="Geregistreerde misdrijven per 1.000 inwoners",
    level="context",
    unit="per_1000",
    source="politie",
    numerator="GeregistreerdeMisdrijven",
    denominator="AantalInwoners",
    scale=1000,
    direction="neutral",
)


def _crime(rows: list[tuple[int, str, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "area_code", "crimes"])
    frame["table_id"], frame["modified"] = "47018NED", "2024-08-15T02:00:00"
    return crime_long(frame, synthetic=False)


def _kwb(rows: list[tuple[int, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "area_code", "value"])
    return frame.assign(
        column="AantalInwoners",
        table_id="85618NED",
        table_modified="2024-03-15",
        synthetic=False,
        boundary_flag=0,
    )


def _members(rows: list[tuple[str, str, str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["area_role", "area_code", "area_name", "year", "member_code"]
    )


# Vollenhove and Overvecht's buurten, 2023 (SOURCES.md item 12; populations item 10)
CRIME_2023 = [(2023, "BU03550205", 187), (2023, "BU03440311", 300), (2023, "BU03440312", 250)]
PEOPLE_2023 = [(2023, "BU03550205", 4260), (2023, "BU03440311", 5000), (2023, "BU03440312", 4000)]


def test_the_rate_is_summed_counts_over_summed_inhabitants():
    members = _members(
        [
            ("programma", "a", "A", 2023, "BU03440311"),
            ("programma", "a", "A", 2023, "BU03440312"),
            ("programma", "v", "V", 2023, "BU03550205"),
        ]
    )
    out = crime_values([CRIME], members, _crime(CRIME_2023), _kwb(PEOPLE_2023))
    by_area = out.set_index("area_code")
    assert by_area.loc["a", "value"] == pytest.approx(550 / 9000 * 1000)
    assert by_area.loc["v", "value"] == pytest.approx(187 / 4260 * 1000)
    assert by_area.loc["a", "numerator"] == 550 and by_area.loc["a", "denominator"] == 9000
    assert set(out["source"].astype(str)) == {"politie:47018NED"}


def test_a_member_without_a_count_leaves_the_area_without_a_figure():
    members = _members(
        [
            ("programma", "a", "A", 2023, "BU03440311"),
            ("programma", "a", "A", 2023, "BU03440312"),
        ]
    )
    crime = _crime([(2023, "BU03440311", 300), (2023, "BU03440312", None)])
    out = crime_values([CRIME], members, crime, _kwb(PEOPLE_2023))
    assert math.isnan(out.loc[0, "value"]), "nothing imputed"
    assert out.loc[0, "suppression_reason"] == "cbs_not_published"


def test_a_wijk_the_table_lacks_counts_as_its_buurten_and_keeps_its_level():
    members = _members([("programma", "o", "Overvecht", 2023, "WK034403")])
    assert crime_members(members, ["BU03440311", "BU03440312"])["member_code"].tolist() == [
        "BU03440311",
        "BU03440312",
    ]
    out = crime_values([CRIME], members, _crime(CRIME_2023), _kwb(PEOPLE_2023))
    assert out.loc[0, "value"] == pytest.approx(550 / 9000 * 1000)
    assert out.loc[0, "area_level"] == "wijk"
    own_row = _crime([*CRIME_2023, (2023, "WK034403", 999)])
    assert crime_members(members, own_row["area_code"])["member_code"].tolist() == ["WK034403"]


def test_an_area_the_police_table_does_not_cover_gets_no_row():
    members = _members(
        [
            ("programma", "v", "V", 2023, "BU03550205"),
            ("nederland", "NL00", "Nederland", 2023, "NL00"),
        ]
    )
    people = _kwb([*PEOPLE_2023, (2023, "NL00", 17_811_291)])
    out = crime_values([CRIME], members, _crime(CRIME_2023), people)
    assert out["area_code"].tolist() == ["v"]
    assert (
        crime_long(
            pd.DataFrame(columns=["year", "area_code", "crimes", "table_id", "modified"]), False
        )["column"]
        .eq(CRIME_COLUMN)
        .all()
    )


@pytest.mark.parametrize(
    "change",
    [{"unit": "procent"}, {"scale": 100}, {"numerator": "AantalInwoners"}],
)
def test_a_police_indicator_is_crime_per_1000_inhabitants_or_an_error(change):
    with pytest.raises(ValidationError, match="registered crime per 1,000 inhabitants"):
        Indicator(**{**CRIME.model_dump(), **change})


def test_small_numbers_are_withheld_by_the_reports_rules(project):
    from helpers.indicators.disclosure import apply_suppression

    rules = project.cycle.suppression
    members = _members(
        [
            ("programma", "few", "Few", 2023, "BU00010001"),
            ("programma", "small", "Small", 2023, "BU00010002"),
            ("programma", "v", "V", 2023, "BU03550205"),
        ]
    )
    crime = _crime([*CRIME_2023, (2023, "BU00010001", 2), (2023, "BU00010002", 40)])
    people = _kwb(
        [*PEOPLE_2023, (2023, "BU00010001", 900), (2023, "BU00010002", rules.min_denominator - 1)]
    )
    out = crime_values([CRIME], members, crime, people)
    out["n"] = float("nan")
    shown = apply_suppression(out, rules).set_index("area_code")
    assert 0 < 2 < rules.min_count
    assert shown.loc["few", "suppression_reason"] == "small_count"
    assert shown.loc["small", "suppression_reason"] == "small_denominator"
    assert math.isnan(shown.loc["few", "value"]) and math.isnan(shown.loc["small", "value"])
    assert not shown.loc["v", "suppressed"]
