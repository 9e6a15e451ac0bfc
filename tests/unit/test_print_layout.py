"""What belongs in print: screen-only and print-only parts, and the print table of years."""

from __future__ import annotations

import pandas as pd

from helpers.report.escaping import shown_text
from helpers.report.print_layout import (
    PRINT_FENCE,
    SCREEN_FENCE,
    fewer_years,
    printed_years,
    year_table,
)
from helpers.report.render import callouts_to_html, conditional_to_html
from helpers.report.wording import caveat_callout


def _context() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ["Aantal inwoners", "Aantal inwoners"],
            "gebied": ["Overvecht", "Nederland"],
            "2019": ["31.108", "17.282.163"],
            "2020": ["30.981", "17.407.585"],
            "2021": ["30.842", "17.475.415"],
            "2024": ["30.660", "17.942.942"],
            "breuk in de reeks": ["–", "vanaf 2024"],
        }
    )


def test_print_keeps_the_base_year_and_the_latest_with_the_screen_values():
    frame = _context()
    assert printed_years([2019, 2020, 2021, 2024], 2020) == [2020, 2024]
    assert printed_years([2019, 2020, 2021, 2024], 2010) == [2019, 2024]
    printed = fewer_years(frame, [2020, 2024])
    assert list(printed.columns) == ["indicator", "gebied", "2020", "2024", "breuk in de reeks"]
    for column in printed.columns:  # the same values, only fewer columns
        assert printed[column].tolist() == frame[column].tolist()


def test_the_year_table_is_whole_on_screen_and_two_years_in_print():
    text = year_table(_context(), 2020, "*Geen.*")
    screen, printed = text.split(PRINT_FENCE)
    screen, printed = shown_text(screen), shown_text(printed)  # cells are escaped once
    assert screen.startswith(SCREEN_FENCE)
    assert "| 2019 " in screen and "| 2021 " in screen and "17.475.415" in screen
    assert "| 2019 " not in printed and "17.475.415" not in printed
    assert "| 2020 " in printed and "17.942.942" in printed and "vanaf 2024" in printed
    assert "Gedrukt staan de jaren 2020 en 2024" in printed
    assert year_table(_context().iloc[0:0], 2020, "*Geen.*") == "*Geen.*"
    two = _context()[["indicator", "gebied", "2020", "2024"]]
    assert PRINT_FENCE not in year_table(two, 2020, "")  # nothing to leave out


def test_the_fallback_turns_quarto_conditions_into_screen_and_print_blocks():
    text = year_table(_context(), 2020, "")
    html = conditional_to_html(text)
    assert html.count('<div class="wm-screen-only">') == 1
    assert html.count('<div class="wm-print-only">') == 1
    assert ":::" not in html
    callout = "::: {.callout-note}\n## Let op\n\ntekst\n:::\n"
    assert conditional_to_html(callout) == callout  # a callout is not a condition
    assert '<div class="callout callout-note">' in callouts_to_html(conditional_to_html(callout))


CAVEATS = ["Geen meting in 2019, 2021.", "Niet gepubliceerd in 2024 (te kleine aantallen)."]


def test_a_series_caveat_is_a_callout_on_screen_and_one_line_in_print():
    text = caveat_callout(CAVEATS)
    screen, printed = text.split(PRINT_FENCE)
    assert screen.startswith(SCREEN_FENCE) and "::: {.callout-caution}" in screen
    assert "## Let op bij deze reeks" in screen and "- Geen meting in 2019, 2021." in screen
    assert "callout" not in printed and "\n- " not in printed
    assert (
        "*Let op bij deze reeks:* Geen meting in 2019, 2021. Niet gepubliceerd in 2024 "
        "(te kleine aantallen)." in printed
    )
    assert caveat_callout([]) == ""


def test_the_fallback_keeps_the_caveat_callout_whole_in_its_screen_block():
    """The callout's own closing fence must not leave a fence or the callout's box in
    print, nor the print line on screen."""
    html = callouts_to_html(conditional_to_html(caveat_callout(CAVEATS)))
    assert ":::" not in html
    screen, printed = html.split('<div class="wm-print-only">')
    assert screen.startswith('<div class="wm-screen-only">')
    assert '<div class="callout callout-caution">' in screen and "Let op bij deze reeks" in screen
    assert screen.count("<div") == screen.count("</div>") == 2
    assert "callout" not in printed and "Let op bij deze reeks:" in printed
    assert "Let op bij deze reeks:" not in screen
