"""What the notebooks show: published values only, Dutch formats, deterministic figures."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from support import REPO

from helpers import plots, report_data
from helpers.config import load_project
from helpers.paths import Paths


@pytest.fixture(scope="module")
def project():
    return load_project(Paths.from_root(REPO))


def indicator_rows(indicator_id: str, unit: str, values: dict[tuple[str, int], float]) -> list:
    rows = []
    for (role, year), value in values.items():
        suppressed = np.isnan(value)
        rows.append(
            {
                "programme": "overvecht",
                "area_role": role,
                "area_code": {"programma": "overvecht", "gemeente": "GM0344"}.get(role, "NL00"),
                "area_name": {"programma": "Overvecht", "gemeente": "Utrecht"}.get(
                    role, "Nederland"
                ),
                "year": year,
                "indicator_id": indicator_id,
                "level": "outcome",
                "unit": unit,
                "value": value,
                "lower": np.nan if suppressed else value - 2,
                "upper": np.nan if suppressed else value + 2,
                "suppressed": suppressed,
                "suppression_reason": "small_n" if suppressed else "",
                "series_break": False,
                "synthetic": True,
                "source": "survey",
                "source_modified": "",
            }
        )
    return rows


@pytest.fixture
def table() -> pd.DataFrame:
    rows = indicator_rows(
        "ervaren_gezondheid",
        "procent",
        {
            ("programma", 2020): 55.0,
            ("programma", 2022): 57.5,
            ("programma", 2024): np.nan,
            ("gemeente", 2020): 65.0,
            ("gemeente", 2024): 66.0,
            ("nederland", 2024): 70.1,
        },
    )
    return pd.DataFrame(rows)


def test_series_holds_only_published_values_in_role_order(table):
    series = report_data.indicator_series(table, "ervaren_gezondheid")
    assert series["value"].notna().all()
    assert 2024 not in set(series.loc[series["area_role"] == "programma", "year"])
    assert list(series["area_role"].drop_duplicates()) == ["programma", "gemeente", "nederland"]


def test_dutch_number_formats():
    assert report_data.format_value(57.46, "procent") == "57,5%"
    assert report_data.format_value(35255.0, "aantal") == "35.255"
    assert report_data.format_value(1250000.0, "euro") == "€ 1.250.000"
    assert report_data.format_value(float("nan"), "aantal") == report_data.MISSING


def test_network_lists_every_indicator_of_the_programme(project):
    network = report_data.network_table(project, "overvecht")
    labels = set(network["indicator"])
    for indicator_id in project.programmes["overvecht"].indicator_ids():
        assert project.indicator("overvecht", indicator_id).label in labels
    assert "maatwerk" in set(network["soort"])


def test_synthetic_banner_only_for_synthetic_data():
    banner = report_data.synthetic_callout(True)
    assert banner.startswith("::: {.callout-warning}") and "synthetisch" in banner.lower()
    assert report_data.synthetic_callout(False) == ""
    assert "SYNTHETISCHE" in report_data.table_caption("Kerncijfers", True)


def test_trend_figure_is_byte_identical_across_saves(table, tmp_path):
    plots.house_style()
    series = report_data.indicator_series(table, "ervaren_gezondheid")
    digests = []
    for name in ("a.png", "b.png"):
        fig = plots.indicator_trend(
            series, "Ervaren gezondheid", "procent", target=(2026, 62.0), synthetic=True
        )
        path = plots.save_figure(fig, tmp_path / name)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    assert b"Software" not in (tmp_path / "a.png").read_bytes()


def test_alt_text_names_first_and_last_values(table):
    series = report_data.indicator_series(table, "ervaren_gezondheid")
    text = plots.trend_alt_text(series, "Ervaren gezondheid", "procent")
    assert "Overvecht: 55.0 in 2020, 57.5 in 2022." in text
    assert "Utrecht: 65.0 in 2020, 66.0 in 2024." in text


def test_change_pvalue_uses_both_waves_and_their_respondents():
    def series(n: float) -> pd.DataFrame:
        return pd.DataFrame({"year": [2020, 2024], "value": [50.0, 56.0], "n": [n, n]})

    large, small = (report_data.change_pvalue(series(n), 2020) for n in (4000.0, 60.0))
    assert large < 0.001 < 0.3 < small < 1
    assert np.isnan(report_data.change_pvalue(series(100.0), 2022))


def test_no_change_is_shown_across_a_series_break(table):
    assert not report_data.breaks_since(table, "ervaren_gezondheid", 2020)
    table.loc[table["area_role"].eq("programma") & table["year"].eq(2022), "series_break"] = True
    assert report_data.breaks_since(table, "ervaren_gezondheid", 2020)
    assert not report_data.breaks_since(table, "ervaren_gezondheid", 2022)


def test_suppression_summary_counts_withheld_cells(table):
    summary = report_data.suppression_summary(table)
    assert summary["aantal cellen"].sum() == 1
    assert "respondenten" in summary["reden"].iloc[0]
