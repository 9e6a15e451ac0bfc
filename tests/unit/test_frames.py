"""The fast column operations agree with the pandas operations they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.indicators.frames import first_positions, group_numbers, positions_in, repeated, tiled

codes = st.sampled_from(["BU01", "BU02", "WK01", "GM0344", "", "NL00"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(codes, codes, st.integers(2019, 2024), st.one_of(st.none(), codes)),
        max_size=40,
    )
)
def test_group_numbers_are_pandas_ngroup_in_order_of_appearance(rows):
    frame = pd.DataFrame(rows, columns=["role", "code", "year", "group"])
    frame["role"] = frame["role"].astype("category")
    columns = ["role", "code", "year", "group"]
    expected = frame.groupby(columns, sort=False, dropna=False, observed=True).ngroup()
    assert group_numbers(frame, columns).tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(codes, max_size=30), st.lists(codes, max_size=6, unique=True))
def test_positions_in_is_get_indexer(values, universe):
    for given_values in (pd.Series(values, dtype="str"), pd.Series(values, dtype="category")):
        found = positions_in(given_values, universe)
        assert found.tolist() == pd.Index(universe).get_indexer(values).tolist()


def test_first_positions_mark_groups_without_rows():
    assert first_positions(np.array([2, 0, 2, 0]), 4).tolist() == [1, 4, 0, 4]


def test_tiled_and_repeated_keep_labels_and_numbers():
    names = pd.Series(["Overvecht", "Kanaleneiland"], dtype="str")
    assert tiled(names, 2).tolist() == ["Overvecht", "Kanaleneiland"] * 2
    assert tiled(np.array([2023, 2024]), 2).tolist() == [2023, 2024, 2023, 2024]
    assert repeated(["a", "b", "a"], 2).tolist() == ["a", "a", "b", "b", "a", "a"]
