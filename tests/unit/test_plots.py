"""Charts on constructed series: breaks, gaps, axis formats and alt text (issue 15).

Real matplotlib figures; the assertions read the Figure's artists (lines, bands, ticks,
legend), not pixels.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import MaxNLocator

from helpers.report import dutch, plots

YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
NAMES = {"programma": "Vollenhove", "gemeente": "Zeist", "nederland": "Nederland"}


def rows(
    role: str,
    values: dict[int, float],
    *,
    breaks: tuple[int, ...] = (),
    withheld: tuple[int, ...] = (),
    spread: float = 2.0,
) -> list[dict]:
    """One area's rows as `report.indicator_series(..., keep_gaps=True)` gives them."""
    out = []
    for year, value in values.items():
        hidden = year in withheld
        out.append(
            {
                "area_role": role,
                "area_name": NAMES[role],
                "year": year,
                "value": np.nan if hidden else value,
                "lower": np.nan if hidden else value - spread,
                "upper": np.nan if hidden else value + spread,
                "suppressed": hidden,
                "series_break": year in breaks,
            }
        )
    return out


@pytest.fixture(autouse=True)
def _style_and_close():
    plots.house_style()
    yield
    plt.close("all")


def lines_of(ax, gid: str) -> list:
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def bands_of(ax, gid: str) -> list:
    return [c for c in ax.collections if c.get_gid() == gid]


def band_x_range(band) -> tuple[float, float]:
    xs = np.concatenate([path.vertices[:, 0] for path in band.get_paths()])
    return float(xs.min()), float(xs.max())


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def tick_texts(ax, axis: str = "y") -> list[str]:
    ax.figure.canvas.draw()
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


@pytest.fixture
def broken() -> pd.DataFrame:
    """A programme area redefined from 2022 (break), beside a gemeente and Nederland."""
    own = {2019: 52.1, 2020: 52.7, 2021: 53.0, 2022: 50.1, 2023: 51.0, 2024: 52.4}
    return pd.DataFrame(
        rows("programma", own, breaks=(2022,))
        + rows("gemeente", {y: 47.5 + 0.5 * i for i, y in enumerate(YEARS)})
        + rows("nederland", {y: 48.0 + 0.2 * i for i, y in enumerate(YEARS)})
    )


# ------------------------------------------------------------------ breaks


def test_line_and_band_end_at_a_break_and_start_again_after_it(broken):
    fig = plots.indicator_trend(broken, "Ervaren gezondheid", "procent", years=YEARS)
    ax = fig.axes[0]
    segments = lines_of(ax, "programma")
    assert [list(line.get_xdata()) for line in segments] == [
        [2019, 2020, 2021],
        [2022, 2023, 2024],
    ]
    bands = bands_of(ax, "programma-band")
    assert [band_x_range(b) for b in bands] == [(2019, 2021), (2022, 2024)]
    # the gemeente did not break: one line, one band
    assert len(lines_of(ax, "gemeente")) == 1 and len(bands_of(ax, "gemeente-band")) == 1


def test_break_marker_is_a_style_no_area_uses_with_its_own_legend_entry(broken):
    fig = plots.indicator_trend(broken, "Ervaren gezondheid", "procent", years=YEARS)
    ax = fig.axes[0]
    (marker,) = lines_of(ax, "series-break")
    assert list(marker.get_xdata()) == [2021.5, 2021.5], "between the two series, vertical"
    area_styles = {line.get_linestyle() for line in ax.get_lines() if line.get_gid() in NAMES}
    assert area_styles == {"-", "--", ":"}, "Nederland stays dotted"
    assert marker.get_linestyle() not in area_styles
    assert legend_texts(ax).count(dutch.BREAK_LABEL) == 1
    assert "_nolegend_" not in legend_texts(ax)
    # each area once in the legend although the programme has two segments
    assert legend_texts(ax).count("Programmagebied: Vollenhove") == 1


def test_break_between_survey_waves_sits_halfway():
    waves = {2020: 60.0, 2022: 61.0, 2024: 62.0}
    series = pd.DataFrame(rows("programma", waves, breaks=(2022,)))
    ax = plots.indicator_trend(series, "Eenzaam", "procent", years=YEARS).axes[0]
    (marker,) = lines_of(ax, "series-break")
    assert marker.get_xdata()[0] == 2021
    # a segment of one point shows its interval as a vertical bar, not as nothing
    bars = bands_of(ax, "programma-band")
    assert isinstance(bars[0], LineCollection) and isinstance(bars[1], PolyCollection)


def test_no_break_no_marker_and_no_legend_entry():
    series = pd.DataFrame(rows("programma", {y: 10.0 + y % 3 for y in YEARS}))
    ax = plots.indicator_trend(series, "Activiteiten", "aantal", years=YEARS).axes[0]
    assert lines_of(ax, "series-break") == []
    assert dutch.BREAK_LABEL not in legend_texts(ax)


# ------------------------------------------------------------------ gaps


def test_withheld_year_is_a_gap_with_its_tick_present():
    values = {y: 400.0 + 20 * i for i, y in enumerate(YEARS)}
    series = pd.DataFrame(rows("programma", values, withheld=(2022,)))
    ax = plots.indicator_trend(series, "Vrijwilligers", "aantal", years=YEARS).axes[0]
    segments = lines_of(ax, "programma")
    assert [list(line.get_xdata()) for line in segments] == [[2019, 2020, 2021], [2023, 2024]]
    assert all(not np.isnan(line.get_ydata()).any() for line in segments)
    assert [band_x_range(b) for b in bands_of(ax, "programma-band")] == [(2019, 2021), (2023, 2024)]
    assert list(ax.get_xticks()) == YEARS, "every cycle year a tick, the withheld one too"
    assert tick_texts(ax, "x") == [str(y) for y in YEARS], "years, never '2.022'"


def test_missing_year_is_a_gap_even_when_its_row_is_absent():
    """Published-only rows (older callers): a year the gemeente has is a gap for the area."""
    own = {2019: 10.0, 2020: 11.0, 2022: 12.0}
    town = {y: 20.0 for y in (2019, 2020, 2021, 2022)}
    series = pd.DataFrame(rows("programma", own) + rows("gemeente", town))
    ax = plots.indicator_trend(series, "Aandeel", "procent").axes[0]
    assert [list(line.get_xdata()) for line in lines_of(ax, "programma")] == [
        [2019, 2020],
        [2022],
    ]


def test_years_between_survey_waves_are_no_gap():
    waves = {2020: 60.0, 2022: 61.0, 2024: 62.0}
    series = pd.DataFrame(rows("programma", waves) + rows("gemeente", waves))
    ax = plots.indicator_trend(series, "Eenzaam", "procent", years=YEARS).axes[0]
    assert [list(line.get_xdata()) for line in lines_of(ax, "programma")] == [[2020, 2022, 2024]]
    assert list(ax.get_xticks()) == YEARS


def test_a_series_that_starts_late_has_no_gap_before_its_start():
    late = {2019: np.nan, 2020: np.nan, 2024: 30.0}
    series = pd.DataFrame(rows("programma", {2021: 0.0, 2022: 0.0, 2023: 0.0} | late))
    series.loc[series["year"] < 2024, "value"] = np.nan
    area = plots.area_series(series, YEARS)
    assert area.events == [] and [list(p["year"]) for p in area.segments] == [[2024]]


# ------------------------------------------------------------------ axes


def test_percentage_axis_has_decimal_commas():
    """Small shares (the axis starts at zero, plots.FROM_ZERO_UNITS): ticks in tenths."""
    series = pd.DataFrame(rows("programma", {2019: 1.0, 2020: 1.3, 2021: 1.6}, spread=0.1))
    ax = plots.indicator_trend(series, "Aandeel", "procent", years=YEARS).axes[0]
    labels = [label for label in tick_texts(ax) if label]
    assert ax.get_ylim()[0] == 0
    assert "0,50" in labels and all("," in label for label in labels)
    assert not any("." in label for label in labels)
    assert ax.get_ylabel() == "procent"


def test_money_axis_has_euro_sign_and_thousands_points():
    budget = {2019: 400_000.0, 2020: 600_000.0, 2021: 800_000.0, 2022: 1_000_000.0}
    series = pd.DataFrame(rows("programma", budget, spread=0))
    ax = plots.indicator_trend(series, "Budget", "euro", years=YEARS).axes[0]
    labels = tick_texts(ax)
    assert "€ 800.000" in labels
    assert all(label.startswith("€ ") for label in labels if label)
    assert not any("," in label for label in labels)


def test_count_axis_has_whole_number_ticks():
    series = pd.DataFrame(rows("programma", {2019: 3.0, 2020: 4.0, 2021: 3.0}, spread=0))
    ax = plots.indicator_trend(series, "Activiteiten", "aantal", years=YEARS).axes[0]
    locator = ax.yaxis.get_major_locator()
    assert isinstance(locator, MaxNLocator) and locator._integer
    ticks = ax.get_yticks()
    assert np.allclose(ticks, np.round(ticks))
    assert not any("," in label for label in tick_texts(ax))


def test_large_counts_get_thousands_points():
    households = {2019: 7_900_000.0, 2020: 8_000_000.0, 2021: 8_100_000.0}
    series = pd.DataFrame(rows("nederland", households, spread=0))
    labels = tick_texts(plots.indicator_trend(series, "Huishoudens", "aantal").axes[0])
    assert "8.000.000" in labels


def test_programme_line_is_drawn_on_top_of_its_comparisons(broken):
    ax = plots.indicator_trend(broken, "Ervaren gezondheid", "procent", years=YEARS).axes[0]
    own = min(line.get_zorder() for line in lines_of(ax, "programma"))
    others = [
        line.get_zorder() for role in ("gemeente", "nederland") for line in lines_of(ax, role)
    ]
    assert own > max(others)
    bands = [c.get_zorder() for c in ax.collections if isinstance(c, PolyCollection)]
    assert max(bands) < min(others), "bands stay under every line"


def test_small_multiples_cut_lines_and_format_axes_the_same_way(broken):
    series = broken[broken["area_role"].ne("nederland")]
    joint = pd.concat(
        [
            series.assign(programme_name="Vollenhove Vooruit"),
            series.assign(programme_name="Samen voor Overvecht", series_break=False),
        ]
    )
    fig = plots.own_trends(joint, "Ervaren gezondheid", "procent", years=YEARS)
    first, second = fig.axes[:2]
    assert len(lines_of(first, "programma")) == 2 and len(lines_of(second, "programma")) == 1
    assert len(lines_of(first, "series-break")) == 1 and lines_of(second, "series-break") == []
    assert isinstance(first.yaxis.get_major_formatter(), plots.DutchFormatter)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    # a percentage is a catalogue unit: its axis starts at zero, so nothing to mark
    assert legend == ["Programmagebied", "Gemeente", dutch.BREAK_LABEL]
    assert first.get_ylim()[0] == 0
    # an index may start above zero: said once, in the legend, not under each panel's
    # axis, where it ran into the rotated years
    indexed = joint.assign(value=joint["value"] + 100)
    fig = plots.own_trends(indexed, "Inwoners (index)", "index", years=YEARS)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert fig.axes[0].get_ylim()[0] > 0
    assert legend == ["Programmagebied", "Gemeente", dutch.BREAK_LABEL, plots.AXIS_NOT_FROM_ZERO]
    assert not [t for ax in fig.axes for t in ax.texts if t.get_gid() == "axis-note"]


# ------------------------------------------------------------------ alt text


def test_alt_text_never_compares_across_a_break(broken):
    text = plots.trend_alt_text(broken, "Ervaren gezondheid", "procent")
    assert (
        "Vollenhove: stijgend van 52,1% in 2019 naar 53,0% in 2021; "
        "breuk in de reeks vanaf 2022; stijgend van 50,1% in 2022 naar 52,4% in 2024." in text
    )
    assert "52,7% in 2020, 52,4% in 2024" not in text
    assert "Zeist: stijgend van 47,5% in 2019 naar 50,0% in 2024." in text


def test_alt_text_names_withheld_and_missing_years():
    values = {2019: 183.0, 2020: 283.0, 2021: 185.0, 2022: 0.0, 2023: 1370.0, 2024: 1189.0}
    series = pd.DataFrame(rows("programma", values, withheld=(2022,)))
    text = plots.trend_alt_text(series, "Deelnemers", "aantal")
    assert (
        "Vollenhove: wisselend van 183 in 2019 naar 185 in 2021 (hoogste 283 in 2020); "
        "niet gepubliceerd in 2022; van 1.370 in 2023 naar 1.189 in 2024." in text
    )
    assert "1 189" not in text


def test_alt_text_and_body_share_one_number_format():
    assert dutch.format_value(1189.0, "aantal") == "1.189"
    series = pd.DataFrame(rows("programma", {2023: 1189.0}))
    assert "1.189 in 2023" in plots.trend_alt_text(series, "Deelnemers", "aantal")
    bars = plots.comparison_bars(
        [("Vollenhove", 1189.0), ("Zeist", 64_000.0)], "Inwoners", "aantal"
    )
    texts = [t.get_text() for t in bars.axes[0].texts]
    assert texts == ["1.189", "64.000"]


def test_own_trends_alt_text_names_the_break_within_the_programme(broken):
    series = broken[broken["area_role"].ne("nederland")].assign(programme_name="Vollenhove Vooruit")
    text = plots.own_trends_alt_text(series, "Ervaren gezondheid", "procent")
    assert (
        "Vollenhove Vooruit — Vollenhove: stijgend van 52,1% in 2019 naar 53,0% in 2021; " in text
    )
    assert "breuk in de reeks vanaf 2022" in text


# ------------------------------------------------------------------ Dutch formats


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (47.5, "procent", "47,5%"),
        (-0.04, "procent", "0,0%"),
        (800_000.0, "aantal", "800.000"),
        (1_027_308.4, "euro", "€ 1.027.300"),
        (61_950.0, "euro", "€ 62.000"),
        (-6.1, "procent", "\u22126,1%"),
        (-1189.0, "aantal", "\u22121.189"),
        (float("nan"), "euro", dutch.MISSING),
        (None, "aantal", dutch.MISSING),
    ],
)
def test_format_value(value, unit, shown):
    assert dutch.format_value(value, unit) == shown


@pytest.mark.parametrize(
    ("change", "unit", "shown"),
    [
        (1.44, "procent", "+1,4 procentpunt"),
        (-6.06, "procent", "\u22126,1 procentpunt"),
        (-0.04, "procent", "0,0 procentpunt"),
        (23.0, "aantal", "+23"),
        (-903_508.0, "euro", "\u2212€ 903.500"),
        (61_937.4, "euro", "+€ 61.900"),
        (-49.0, "euro", "€ 0"),
        (-12.4, "duizend_euro", "\u2212€ 12.400"),  # CBS's one decimal in thousands kept
        (0.04, "duizend_euro", "€ 0"),
        (float("nan"), "euro", dutch.MISSING),
    ],
)
def test_a_change_is_rounded_by_its_units_rule_and_signed(change, unit, shown):
    assert dutch.format_change(change, unit) == shown


def test_index_change_has_one_decimal_and_a_sign():
    assert dutch.format_index_change(20.66) == "+20,7"
    assert dutch.format_index_change(-3.0) == "\u22123,0"
    assert dutch.format_index_change(0.04) == "0,0"


def test_negative_values_use_the_minus_sign_on_the_axis_and_in_the_alt_text():
    change = {2019: -40.0, 2020: -10.0, 2021: 15.0, 2022: 35.0}
    series = pd.DataFrame(rows("programma", change, spread=0))
    labels = tick_texts(plots.indicator_trend(series, "X", "aantal").axes[0])
    assert any(label.startswith("\u2212") for label in labels)
    assert not any("-" in label for label in labels)
    text = plots.trend_alt_text(series, "Saldo", "aantal")
    assert "\u221240 in 2019" in text and "-40" not in text
    money = pd.DataFrame(rows("programma", {2019: -5_000.0, 2020: 5_000.0}, spread=0))
    euro_labels = tick_texts(plots.indicator_trend(money, "Saldo", "euro").axes[0])
    assert "€ \u22124.000" in euro_labels


def test_dates_and_break_wording():
    assert dutch.format_date(dt.date(2024, 3, 27)) == "27 maart 2024"
    assert dutch.format_date("2024-03-27T02:00:00") == "27 maart 2024"
    assert dutch.format_date("") == ""
    assert dutch.break_words(2022) == "breuk in de reeks vanaf 2022"


def test_formatter_gives_every_tick_the_same_decimals():
    formatter = plots.DutchFormatter("procent")
    assert formatter.format_ticks([47.0, 47.5, 48.0]) == ["47,0", "47,5", "48,0"]
    assert formatter.format_ticks([0.0, 2500.0, 5000.0]) == ["0", "2.500", "5.000"]
    assert plots.DutchFormatter("euro").format_ticks([800_000.0]) == ["€ 800.000"]


def test_a_break_flag_on_the_first_year_breaks_nothing():
    series = pd.DataFrame(rows("programma", {2019: 1.0, 2020: 2.0}, breaks=(2019,)))
    ax = plots.indicator_trend(series, "Aandeel", "procent", years=YEARS).axes[0]
    assert lines_of(ax, "series-break") == []
    assert "breuk" not in plots.trend_alt_text(series, "Aandeel", "procent")


def test_own_trends_alt_text_names_a_programme_named_like_its_area_once(broken):
    series = broken[broken["area_role"].eq("gemeente")].assign(programme_name="Zeist")
    text = plots.own_trends_alt_text(series, "Ervaren gezondheid", "procent")
    assert "Zeist: stijgend" in text and "Zeist — Zeist" not in text
