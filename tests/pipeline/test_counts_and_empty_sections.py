"""Issue 24 on the built demo site (the session's cold build, tests/pipeline/conftest.py):
no chart draws a count on one axis with Nederland, and a report without health
estimates has no health section.

The charts are read through what every reader gets, the alt text of each chart
('Lijngrafiek(en) van <label> (<unit>) … Nederland: …'), and each label is looked up
in the catalogue: a count (`aantal`) beside Nederland must be drawn as an index or a
rate, never in its own unit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers.config import Paths, load_project
from helpers.report.dutch import UNIT_AXIS_LABELS

pytestmark = pytest.mark.pipeline
ANNUAL = ("overvecht", "soesterkwartier", "vollenhove", "betere_buurten")
UNIT_WORDS = ("aantal", "euro", "procent", "per km²", "per 1.000", "× € 1.000", "index")
CHART = re.compile(
    r"Lijngrafiek(?:en)? van (.+?) \(("
    + "|".join(re.escape(UNIT_AXIS_LABELS.get(u, u)) for u in UNIT_WORDS)
    + r")\)"
)
HEALTH_HEADING = "Gezondheid volgens de RIVM-schattingen"


def counts_beside_nederland(alts: list[str], counts: set[str]) -> list[str]:
    """The charts whose alt text puts a count (catalogue unit `aantal`, label lower-cased
    as the alt text writes it) in its own unit beside Nederland."""
    found = []
    for alt in alts:
        match = CHART.match(alt)
        beside = match and "Nederland:" in alt and match.group(2) == "aantal"
        if beside and match.group(1) in counts:
            found.append(alt[:120])
    return found


def test_the_check_finds_a_count_on_one_axis_with_nederland():
    """The check itself can fail: the joint report's chart as it was before issue 24."""
    old = (
        "Lijngrafieken van aantal inwoners (aantal), één per programma. Samen voor "
        "Overvecht: dalend van 31.108 in 2019 naar 30.660 in 2024. Nederland: stijgend van "
        "17.282.163 in 2019 naar 17.886.000 in 2024."
    )
    now = old.replace("(aantal)", f"({UNIT_AXIS_LABELS['index']})")
    assert counts_beside_nederland([old], {"aantal inwoners"}) == [old[:120]]
    assert counts_beside_nederland([now], {"aantal inwoners"}) == []


def chart_alts(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [str(img.get("alt") or "") for img in soup.find_all("img")]


def test_no_report_draws_a_count_on_one_axis_with_nederland(cold_build):
    root, _ = cold_build
    project = load_project(Paths.from_root(root))
    counts = {i.label.lower() for i in project.catalogue.indicators if i.unit == "aantal"}
    site = root / "reports" / "_site"
    pages = [site / f"{key}.html" for key in ANNUAL] + [site / "gezamenlijk.html"]
    charts = {page.name: chart_alts(page) for page in pages}
    joint = charts["gezamenlijk.html"]
    indexed = [a for a in joint if CHART.match(a) and UNIT_AXIS_LABELS["index"] in a]
    assert len(indexed) >= 3, "the joint report draws its CBS counts, as an index"
    assert all("Nederland:" in a for a in indexed)
    for name, alts in charts.items():
        assert any(CHART.match(a) for a in alts), f"{name}: no chart read"
        assert counts_beside_nederland(alts, counts) == [], name


def test_a_report_without_health_estimates_has_no_health_section(cold_build):
    """The demo cycle fetches no RIVM/GGD table: no heading over nothing. (With real
    data the section is there: tests/pipeline/test_real_data_cycle.py.)"""
    root, _ = cold_build
    paths = Paths.from_root(root)
    project = load_project(paths)
    for key in ANNUAL:
        health = [i for i in project.indicators_for(key) if i.source == "cbs_health"]
        assert health, f"{key}: the catalogue has health indicators, so the data are missing"
        table = pd.read_csv(paths.processed / "indicators" / f"{key}.csv")
        estimates = table["source"].astype(str).str.startswith("cbs_health")
        assert table.loc[estimates, "value"].isna().all(), f"{key}: meant to lack estimates"
        text = (root / "reports" / "_site" / f"{key}.html").read_text(encoding="utf-8")
        assert HEALTH_HEADING not in text, key
        assert "nog geen RIVM-schattingen" not in text, key
