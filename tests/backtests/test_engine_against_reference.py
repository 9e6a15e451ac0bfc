"""The indicator engine against a plain pandas merge and group-by of the same rules.

The engine sums over integer keys and a sparse product to be fast at country size;
this reference is slow and obvious. Random memberships (buurten in several areas,
several years), secret and missing CBS cells and boundary flags must give the same
values, reasons and flags in both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ELDERLY_SHARE, INHABITANTS

from helpers.indicators.engine import indicator_values

BUURTEN = [f"BU0344{i:04d}" for i in range(5)]
YEARS = [2023, 2024]
COLUMNS = ["AantalInwoners", "k_65JaarOfOuder"]
# An average cannot be summed over buurten: published for one member only.
AVERAGE = INHABITANTS.model_copy(update={"id": "gemiddeld", "unit": "euro"})
INDICATORS = [INHABITANTS, ELDERLY_SHARE, AVERAGE]

# A cell is absent (no row), secret (a row without a value) or a count.
cell = st.one_of(st.none(), st.just(np.nan), st.integers(0, 400))


@st.composite
def country(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for year in YEARS:
        for code in BUURTEN:
            flag = draw(st.sampled_from([1, 1, 3]))
            for column in COLUMNS:
                value = draw(cell)
                if value is not None:
                    rows.append((year, code, column, float(value), flag))
    kwb = pd.DataFrame(rows, columns=["year", "area_code", "column", "value", "boundary_flag"])
    kwb = kwb.assign(table_id="85984NED", table_modified="2025-03-27", synthetic=False)
    areas = draw(st.lists(st.sets(st.sampled_from(BUURTEN), min_size=1), min_size=1, max_size=3))
    members = pd.DataFrame(
        [
            ("programma", f"P{i}", f"Gebied {i}", year, code)
            for i, codes in enumerate(areas)
            for year in YEARS
            for code in sorted(codes)
        ],
        columns=["area_role", "area_code", "area_name", "year", "member_code"],
    )
    return kwb, members


def reference(kwb: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The rules, written out: sum over members, all-or-nothing, CBS secrets kept."""
    merged = members.merge(
        kwb.rename(columns={"area_code": "member_code"}), on=["year", "member_code"]
    )
    keys = ["area_code", "year"]
    size = members.groupby(keys).size().rename("members")
    stats = merged.groupby([*keys, "column"]).agg(
        rows=("value", "size"), present=("value", "count"), total=("value", "sum")
    )
    changed = merged.groupby(keys)["boundary_flag"].max().ge(3).rename("changed")
    out = []
    for (area, year), members_count in size.items():

        def column_total(column: str, area=area, year=year, count=members_count):
            if (area, year, column) not in stats.index:
                return np.nan, False
            row = stats.loc[(area, year, column)]
            complete = row["present"] == count
            return (row["total"] if complete else np.nan), row["rows"] > row["present"]

        people, people_secret = column_total("AantalInwoners")
        old, old_secret = column_total("k_65JaarOfOuder")
        share = old / people * 100 if people > 0 else np.nan
        several = members_count > 1
        flagged = bool(changed.get((area, year), False))
        for indicator, value, secret, reason_if_missing in (
            (INHABITANTS, people, people_secret, ""),
            (ELDERLY_SHARE, share, people_secret or old_secret, ""),
            (AVERAGE, np.nan if several else people, people_secret, "not_aggregable"),
        ):
            reason = reason_if_missing if indicator is AVERAGE and several else ""
            if not reason and secret and np.isnan(value):
                reason = "cbs_not_published"
            out.append((area, year, indicator.id, value, reason, flagged))
    columns = [*keys, "indicator_id", "value", "suppression_reason", "cbs_boundary_changed"]
    return pd.DataFrame(out, columns=columns)


@settings(max_examples=80, deadline=None)
@given(country())
def test_engine_agrees_with_a_plain_merge_and_group_by(frames):
    kwb, members = frames
    engine = indicator_values(INDICATORS, members, kwb)
    columns = ["area_code", "year", "indicator_id"]
    got = engine.astype({"area_code": str, "indicator_id": str}).set_index(columns).sort_index()
    want = reference(kwb, members).set_index(columns).sort_index()
    assert got.index.equals(want.index)
    np.testing.assert_allclose(got["value"], want["value"], rtol=1e-12, equal_nan=True)
    assert got["suppression_reason"].astype(str).tolist() == want["suppression_reason"].tolist()
    assert got["cbs_boundary_changed"].tolist() == want["cbs_boundary_changed"].tolist()
    levels = got["area_level"].astype(str).unique().tolist()
    assert levels == ["buurt"]
