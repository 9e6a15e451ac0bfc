"""The fast column operations agree with the pandas operations they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.api.types import union_categoricals

from helpers.indicators.frames import (
    Labels,
    first_positions,
    group_numbers,
    joined_labels,
    positions_in,
    repeated,
    tiled,
)

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


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.one_of(st.none(), codes), max_size=8), st.integers(1, 3)),
        min_size=1,
        max_size=4,
    )
)
def test_joined_labels_are_the_union_of_the_tiled_parts(parts):
    texts = [(pd.Series(values, dtype="str"), times) for values, times in parts]
    expected = union_categoricals([tiled(values, times) for values, times in texts])
    joined = joined_labels([Labels.of(values, times) for values, times in texts])
    assert joined.categories.tolist() == expected.categories.tolist()
    assert joined.codes.tolist() == expected.codes.tolist()


def test_joined_labels_recode_a_part_with_other_labels():
    parts = [Labels.of(pd.Series(["b", "a"], dtype="str")), Labels.of(pd.Series(["c", "a"]), 2)]
    joined = joined_labels(parts)
    assert joined.tolist() == ["b", "a", "c", "a", "c", "a"]
    assert joined.categories.tolist() == ["b", "a", "c"]
