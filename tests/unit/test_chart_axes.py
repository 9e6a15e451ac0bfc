"""Charts that cannot mislead: counts never on one axis with Nederland, axis units that
match the values, and one y-axis policy (every catalogue unit from zero, in every
document; an index axis that does not start at zero is marked)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.config import Indicator, Paths
from helpers.indicators.engine import read_summary
from helpers.report import joint, plots
from helpers.report.dutch import UNIT_AXIS_LABELS


def _indicator(unit: str, source: str) -> Indicator:
    return Indicator(
        id="x",
        label="X",
        level="context",
        unit=unit,
        source=source,
        column="X",
        direction="neutral",
    )


def test_a_cbs_count_is_drawn_as_an_index_and_other_units_as_they_are():
    assert joint.joint_unit(_indicator("aantal", "cbs_kwb")) == "index"
    assert joint.joint_unit(_indicator("aantal", "registration")) == "aantal"
    assert joint.joint_unit(_indicator("procent", "cbs_kwb")) == "procent"


def test_the_index_puts_a_wijk_and_nederland_on_one_scale():
    """Overvecht 31.108 -> 30.660 and Nederland 17,3 -> 17,9 million: 100 -> 98,6 and
    100 -> 103,5, where on one linear axis the wijk lay flat on zero."""
    series = pd.DataFrame(
        {
            "programme_name": ["P"] * 5,
            "area_role": ["programma", "programma", "programma", "nederland", "nederland"],
            "year": [2019, 2020, 2024, 2019, 2024],
            "value": [31108.0, math.nan, 30660.0, 17_282_163.0, 17_886_000.0],
        }
    )
    indexed = joint.index_to_first_year(series)
    assert indexed["value"].tolist()[:1] == [100.0]
    assert math.isnan(indexed["value"].iloc[1]), "a withheld year stays blank"
    assert indexed["value"].iloc[2] == 98.6 and indexed["value"].iloc[4] == 103.5


def test_thousands_of_euros_say_so_on_the_axis():
    assert UNIT_AXIS_LABELS["duizend_euro"] == "× € 1.000"


def _axis(values: list[float], unit: str):
    fig, ax = plt.subplots()
    ax.plot([2020, 2022, 2024], values)
    plots.apply_axis_policy(ax, unit)
    marks = [a for a in [*ax.lines, *ax.texts] if a.get_gid() in ("axis-break", "axis-note")]
    low = ax.get_ylim()[0]
    plt.close(fig)
    return low, marks


@pytest.mark.parametrize("unit", ["aantal", "procent", "euro", "duizend_euro", "per_1000"])
def test_every_catalogue_unit_starts_at_zero_unmarked(unit):
    """The issue's health line over 67-76% and 8-9 volunteers: both drawn from zero, as
    the joint report draws the same indicators."""
    low, marks = _axis([67.0, 76.0, 71.0], unit)
    assert low == 0 and marks == []


def test_an_index_line_not_starting_at_zero_is_marked():
    """An index around 100 may start higher, but the axis says so."""
    low, marks = _axis([98.0, 103.0, 101.0], joint.INDEX_UNIT)
    assert low > 0 and len(marks) == 2
    assert any(getattr(m, "get_text", lambda: "")() == plots.AXIS_NOT_FROM_ZERO for m in marks)


def test_an_axis_from_zero_carries_no_mark():
    low, marks = _axis([0.0, 50.0, 20.0], joint.INDEX_UNIT)
    assert low <= 0 and marks == []


def test_the_joint_scale_follows_the_same_policy_as_every_other_chart():
    """One rule for the site: the joint report's shared scale starts at zero exactly for
    the units the annual reports' charts start at zero."""
    series = pd.DataFrame({"value": [67.0, 76.0], "lower": [65.0, 74.0], "upper": [69.0, 78.0]})
    none = pd.DataFrame({"value": []})
    for unit in (*plots.FROM_ZERO_UNITS, joint.INDEX_UNIT):
        low = joint.joint_limits(series, none, unit)[0]
        assert (low == 0) == (unit in plots.FROM_ZERO_UNITS), unit
    assert joint.INDEX_UNIT not in plots.FROM_ZERO_UNITS


def test_the_index_starts_again_at_a_series_break():
    """Betere Buurten's area grew in 2022: indexed to 2019 it read 160, growth that is
    the new area's size. After a break the line starts again at 100."""
    series = pd.DataFrame(
        {
            "programme_name": ["B"] * 4,
            "area_role": ["programma"] * 4,
            "year": [2020, 2021, 2022, 2023],
            "value": [10000.0, 10100.0, 16000.0, 16160.0],
            "series_break": [False, False, True, False],
        }
    )
    assert joint.index_to_first_year(series)["value"].tolist() == [100.0, 101.0, 100.0, 101.0]


def test_the_joint_report_gives_each_target_the_status_of_its_annual_report(project, tmp_path):
    """One goal, one status: the joint report's target line reads the same summary as
    the first screen and Table 1 of the annual report."""
    paths = Paths.from_root(tmp_path)
    paths.summaries_dir.mkdir(parents=True)
    expected = Path(__file__).parents[1] / "expected" / "indicators"
    for key in project.cycle.programmes:
        (paths.summary_table(key)).write_text(
            (expected / f"{key}_summary.csv").read_text(encoding="utf-8"), encoding="utf-8"
        )
    indicator = project.indicator("overvecht", "moeite_rondkomen")
    sentence = joint.joint_targets_sentence(project, indicator, paths)
    assert (
        "Samen voor Overvecht 20,0% in 2026: ≈ nog niet te zeggen (richting de streefwaarde)"
        in (sentence)
    )
    summary = read_summary(paths.summary_table("overvecht")).set_index("indicator_id")
    assert summary.loc["moeite_rondkomen"].iloc[0]["target_status"] == "undecided"
    assert joint.joint_targets_sentence(project, indicator) == (
        "Streefwaarde: Samen voor Overvecht 20,0% in 2026."
    ), "without paths: the targets alone"
