"""Column operations that stay fast at country size.

Two million rows of area codes are cheap as arrow strings and integer codes, and
slow as Python objects: pandas' `get_indexer` and multi-column `groupby` on strings
cost ten times more than arrow's hashed look-ups and integer arithmetic. The
indicator engine and disclosure control use these instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray
from pandas.api.types import union_categoricals

Strings = pd.Series | pd.Index | ExtensionArray | Sequence[str]
Column = np.ndarray | pd.Series | pd.Categorical


def _arrow_strings(values: Strings) -> pa.Array | pa.ChunkedArray:
    array = values.array if isinstance(values, pd.Series | pd.Index) else values
    result = pa.array(array, from_pandas=True)
    return result if pa.types.is_large_string(result.type) else result.cast(pa.large_string())


def positions_in(values: Strings, universe: Strings) -> np.ndarray:
    """The position of each value in `universe` (int64), -1 where it is not there."""
    if isinstance(values, pd.Series | pd.Index) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array  # the Categorical (also of a CategoricalIndex)
    if isinstance(values, pd.Categorical):
        found = np.append(positions_in(values.categories, universe), -1)
        return found[values.codes]
    value_set = _arrow_strings(universe)
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.index_in(_arrow_strings(values), value_set=value_set)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def tiled(values: Column, times: int) -> np.ndarray | pd.Categorical:
    """`values` end to end `times` times; text as a categorical (each label stored once)."""
    if isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values):
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype != object:
        return np.tile(values, times)
    codes, labels = _coded(values)
    tiled_codes = np.tile(codes, times)
    # pandas-stubs take only an Index as categories; pandas takes factorize's ndarray too
    return pd.Categorical.from_codes(tiled_codes, labels, validate=False)  # type: ignore[arg-type]


def repeated(labels: Sequence[str], times: int) -> pd.Categorical:
    """Each label `times` times in a row, as a categorical."""
    codes, uniques = _coded(pd.Series(list(labels), dtype="str"))
    return pd.Categorical.from_codes(np.repeat(codes, times), uniques, validate=False)


@dataclass(frozen=True)
class Labels:
    """Text as integer `codes` into `labels` (missing: -1), the codes `times` end to end."""

    codes: np.ndarray
    labels: pd.Index
    times: int = 1

    @classmethod
    def of(cls, values: pd.Series | pd.Categorical, times: int = 1) -> Labels:
        codes, labels = _coded(values)
        return cls(codes, labels, times)


def joined_labels(parts: Sequence[Labels]) -> pd.Categorical:
    """The parts end to end as one categorical, each recoded once and written once.

    Its categories are those `union_categoricals` gives the parts' categoricals (the
    first part's labels, then the others' new ones): the same frame, without building
    each part at full length and copying it again.
    """
    carriers = [pd.Categorical.from_codes([], part.labels, validate=False) for part in parts]
    categories = union_categoricals(carriers).categories
    code_type = np.int8 if len(categories) < 127 else np.int32
    pieces = []
    for part in parts:
        codes = part.codes
        if not part.labels.equals(categories):
            lookup = np.append(categories.get_indexer(part.labels), -1).astype(code_type)
            codes = lookup[codes]
        pieces += [codes] * part.times
    joined: npt.NDArray[np.integer] = np.concatenate(pieces or [np.empty(0, dtype=code_type)])
    return pd.Categorical.from_codes(joined, categories, validate=False)


@overload
def _coded(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


@overload
def _coded(values: pd.Series | pd.Categorical) -> tuple[np.ndarray, pd.Index]: ...
def _coded(values: Column) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    """Compact integer codes and the distinct labels (missing values code -1): an Index,
    or an ndarray for an ndarray (as `pd.factorize` returns them)."""
    if isinstance(values, pd.Categorical):
        return values.codes, values.categories
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int8 if len(uniques) < 127 else np.int32), uniques


def group_numbers(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Number the rows' groups over `columns` in order of first appearance, missing
    values a group of their own: `groupby(columns, sort=False, dropna=False).ngroup()`
    computed from each column's integer codes, combined as digits of one number."""
    number = np.zeros(len(frame), dtype=np.int64)
    radix = 1
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        if radix * max(len(uniques), 1) >= 2**62:
            number, radix = pd.factorize(number)[0], len(frame)
        number = number * len(uniques) + codes
        radix *= max(len(uniques), 1)
    return pd.factorize(number)[0]


def first_positions(groups: np.ndarray, count: int) -> np.ndarray:
    """The first row of each of `count` groups (`len(groups)` where a group has none)."""
    first = np.full(count, len(groups), dtype=np.int64)
    np.minimum.at(first, groups, np.arange(len(groups), dtype=np.int64))
    return first
