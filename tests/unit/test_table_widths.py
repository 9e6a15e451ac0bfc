"""The pipe tables' print widths (helpers.report.table_widths): what pandoc reads as
column widths for Quarto's Typst PDF and Word."""

from __future__ import annotations

import pandas as pd

from helpers.report import markdown_table
from helpers.report.table_widths import print_widths, with_print_widths

REASON = "Een lange reden die in de tabel veel meer ruimte vraagt dan alle andere kolommen. " * 2


def _separator(table: str) -> list[str]:
    return table.splitlines()[1].strip("|").split("|")


def test_every_column_gets_at_least_its_longest_word_and_long_text_no_more_than_half():
    frame = pd.DataFrame(
        {
            "datum": ["27 maart 2024"] * 3,
            "wijziging": ["indicator toegevoegd"] * 3,
            "indicator": ["Bevolkingsdichtheid (inwoners per km²)"] * 3,
            "reden": [REASON] * 3,
        }
    )
    table = markdown_table(frame)
    dashes = [len(part.strip(":")) for part in _separator(table)]
    shares = [100 * d / sum(dashes) for d in dashes]
    assert shares[1] >= 100 * (len("toegevoegd") + 3) / 120
    assert shares[2] >= 100 * (len("Bevolkingsdichtheid") + 3) / 120
    assert shares[3] < 50, shares
    assert _separator(table)[0].startswith(":"), "the alignment is kept"


def test_pandas_widths_would_give_the_long_text_most_of_the_page():
    """What the test above guards against: pandas' dashes follow the widest cell."""
    frame = pd.DataFrame({"datum": ["27 maart 2024"], "reden": [REASON]})
    dashes = [len(p.strip(":")) for p in _separator(frame.to_markdown(index=False))]
    assert dashes[1] / sum(dashes) > 0.8


def test_a_table_pandoc_sizes_by_its_content_is_left_as_it_is():
    table = markdown_table(pd.DataFrame({"jaar": [2024], "waarde": [3]}))
    assert with_print_widths(table) == table
    assert max(len(line) for line in table.splitlines()) <= 72


def test_print_widths_add_up_to_a_hundred():
    assert sum(print_widths([["a", "bb"], ["ccc " * 30, "d"]])) == 100
