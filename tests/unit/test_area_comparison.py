"""The area against its gemeente (index, gemeente = 100) and the five levels, on a
constructed indicator table and summary."""

from __future__ import annotations

import math

import pandas as pd

from helpers.config import Indicator
from helpers.report import area_comparison as profile


def indicator(ident: str, level: str, unit: str, group: str | None = None) -> Indicator:
    extra = {"numerator": "a", "denominator": "b"} if group else {"column": ident}
    return Indicator(
        id=ident,
        label=f"Label {ident}",
        level=level,
        unit=unit,
        source="cbs_kwb",
        direction="neutral",
        group=group,
        **extra,
    )


def cell(ident: str, role: str, year: int, value: float, suppressed: bool = False) -> dict:
    return {
        "indicator_id": ident,
        "area_role": role,
        "year": year,
        "value": value,
        "suppressed": suppressed,
    }


INDICATORS = [
    indicator("share", "outcome", "procent"),
    indicator("woz", "context", "duizend_euro"),
    indicator("people", "context", "aantal"),
    indicator("young", "context", "procent", group="leeftijd"),
]


def test_the_profile_is_an_index_to_the_gemeente_in_the_latest_common_year():
    table = pd.DataFrame(
        [
            cell("share", "programma", 2022, 30.0),
            cell("share", "gemeente", 2022, 20.0),
            cell("share", "programma", 2024, 33.0),  # gemeente 2024 withheld
            cell("share", "gemeente", 2024, 99.0, suppressed=True),
            cell("woz", "programma", 2024, 250.0),
            cell("woz", "gemeente", 2024, 400.0),
            cell("people", "programma", 2024, 3000.0),
            cell("people", "gemeente", 2024, 300000.0),
            cell("young", "programma", 2024, 10.0),
            cell("young", "gemeente", 2024, 20.0),
        ]
    )
    result = profile.area_profile(table, INDICATORS)
    assert result[["thema", "indicator", "jaar", "index"]].to_dict("records") == [
        {"thema": "effecten", "indicator": "Label share", "jaar": 2022, "index": 150.0},
        {"thema": "context", "indicator": "Label woz", "jaar": 2024, "index": 62.5},
    ], "no counts, no population breakdowns, no withheld value"
    shown = profile.profile_table(result, "Zeist")
    assert shown.columns.tolist() == [
        "thema",
        "indicator",
        "jaar",
        "programmagebied",
        "Zeist",
        "index (Zeist = 100)",
    ]
    assert shown.iloc[1].tolist() == [
        "context",
        "Label woz",
        "2024",
        "€ 250.000",
        "€ 400.000",
        "62,5",
    ]


def test_the_theme_groups_the_profile_when_the_params_give_one():
    themed = indicator("share", "outcome", "procent")
    object.__setattr__(themed, "theme", "gezondheid")  # joint13's optional attribute
    assert profile.theme_of(themed) in ("gezondheid", "Gezondheid")
    assert profile.theme_of(indicator("woz", "context", "duizend_euro")) == "context"


def test_the_five_levels_run_from_input_to_impact_with_the_context_beside():
    indicators = [
        indicator("effect", "outcome", "procent"),
        indicator("money", "input", "euro"),
        indicator("wide", "impact", "procent"),
        indicator("done", "output", "aantal"),
        indicator("act", "activity", "aantal"),
    ]
    summary = pd.DataFrame(
        [
            {
                "indicator_id": i.id,
                "latest_year": 2024,
                # euros are published to the hundred
                "latest_value": 10_000.0 if i.unit == "euro" else 10.0,
                "base_value": 8_000.0 if i.unit == "euro" else 8.0,
                "break_since_base": i.id == "act",
            }
            for i in indicators
        ]
        + [
            {
                "indicator_id": "woz",
                "latest_year": 2023,
                "latest_value": 250.0,
                "base_value": math.nan,
                "break_since_base": False,
            }
        ]
    ).set_index("indicator_id")
    chain = profile.five_levels(summary, indicators, 2020)
    assert chain["niveau"].tolist() == [
        "input",
        "activiteiten",
        "prestaties",
        "effecten",
        "maatschappelijke effecten",
    ]
    assert chain.iloc[1].tolist() == ["activiteiten", "Label act", "10 (2024)", "–"], "break"
    assert chain.iloc[0].tolist() == ["input", "Label money", "€ 10.000 (2024)", "€ 8.000 (2020)"]
    context = profile.context_beside(summary, INDICATORS)
    assert context.to_dict("records") == [{"context": "Label woz", "waarde": "€ 250.000 (2023)"}]
    both = profile.chain_with_context(chain, context)
    assert len(both) == 5 and both.iloc[0]["context van de wijk"] == "Label woz"
    assert both.iloc[4]["context van de wijk"] == ""


def test_the_gap_to_the_gemeente_per_year_skips_withheld_years():
    share = indicator("share", "outcome", "procent")
    rows = [
        cell("share", "programma", 2020, 51.3),
        cell("share", "gemeente", 2020, 41.9),
        cell("share", "nederland", 2020, 47.6),
        cell("share", "programma", 2022, 40.0, suppressed=True),
        cell("share", "gemeente", 2022, 43.7),
        cell("share", "programma", 2024, 44.0),
        cell("share", "gemeente", 2024, 44.8),
    ]
    table = pd.DataFrame(rows).assign(lower=math.nan, upper=math.nan)
    table.loc[0, ["lower", "upper"]] = [47.5, 55.1]
    gaps = profile.gap_series(table, share)
    assert [(y, round(g, 1)) for y, g in gaps] == [(2020, 9.4), (2024, -0.8)]
    shown = profile.gap_by_year(table, share, "Utrecht")
    assert shown.to_dict("records") == [
        {
            "jaar": "2020",
            "programmagebied (95%-interval)": "51,3% (47,5% – 55,1%)",
            "Utrecht": "41,9%",
            "Nederland": "47,6%",
            "verschil met Utrecht": "+9,4 procentpunt",
        },
        {
            "jaar": "2022",
            "programmagebied (95%-interval)": "–",
            "Utrecht": "43,7%",
            "Nederland": "–",
            "verschil met Utrecht": "–",
        },
        {
            "jaar": "2024",
            "programmagebied (95%-interval)": "44,0%",
            "Utrecht": "44,8%",
            "Nederland": "–",
            "verschil met Utrecht": "−0,8 procentpunt",
        },
    ]
    assert "40,0" not in str(shown.to_dict("records")), "the withheld value never shows"
