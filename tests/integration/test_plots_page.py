"""The page a plain `dvc plots diff <tag>` writes works offline (docs/cycle.md).

DVC's own page loads Vega from a CDN, so without a network it shows nothing. The
project's template (plots_page/template.html, `plots.html_template` in .dvc/config)
loads Vega, Vega-Lite and vega-embed from plots_page/node_modules (`make plots-page`).
Each test builds the page with the real `dvc plots diff` on a copy of the project (the
plot series are in git, so no `dvc repro` is needed) and opens it in headless Chromium,
which records every request and refuses those that leave the machine.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from browser import Chromium, chromium_or_skip
from support import VENV_BIN, copy_project, run

DVC = str(VENV_BIN / "dvc")
TAG = "monitor-2024"
LIBRARY = "plots_page/node_modules"
CHANGED = "plots/overvecht/eenzaamheid.csv"

DRAWN = "document.querySelectorAll('.vega-embed svg.marks').length"
# Per chart DVC wrote (one div per plot file): its drawings, title, axes and legend.
CHARTS = """() => Array.from(document.querySelectorAll('body > div[id]')).map(div => ({
  id: div.id,
  drawings: div.querySelectorAll('svg.marks').length,
  title: Array.from(div.querySelectorAll('svg.marks .role-title-text'))
    .map(t => t.textContent).join(' '),
  axes: Array.from(div.querySelectorAll('svg.marks .role-axis'))
    .map(a => a.getAttribute('aria-label')).filter(Boolean),
  x_ticks: Array.from(div.querySelectorAll('svg.marks .role-axis'))
    .filter(a => (a.getAttribute('aria-label') || '').startsWith('X-axis'))
    .flatMap(a => Array.from(a.querySelectorAll('.role-axis-label text')).map(t => t.textContent)),
  legend: Array.from(div.querySelectorAll('svg.marks .role-legend-label text'))
    .map(t => t.textContent)
}))"""
X_AXIS = re.compile(
    r"^X-axis titled '(?P<title>[^']*)' .* values from (?P<low>[\d,.]+) to (?P<high>[\d,.]+)$"
)


def npm_or_skip() -> str:
    npm = shutil.which("npm")
    if npm is None:
        message = "npm not found: the chart library of the plots page cannot be installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return npm


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project with the library installed as the docs say (`make
    plots-page`), the current cycle tagged and one plot series changed since."""
    npm_or_skip()
    root = copy_project(tmp_path_factory.mktemp("plots") / "project")
    run(["make", "--no-print-directory", "plots-page"], root, timeout=600)
    assert (root / LIBRARY / "vega" / "build" / "vega.min.js").is_file()
    run(["git", "tag", TAG], root)
    series = root / CHANGED
    lines = series.read_text(encoding="utf-8").splitlines()
    year, *values = lines[-1].split(",")
    lines[-1] = ",".join([year, *[str(round(float(v) + 3, 1)) if v else v for v in values]])
    series.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def browser():
    with Chromium(chromium_or_skip(), timeout=180) as opened:
        yield opened


def open_charts(browser: Chromium, page: Path, expected: int) -> tuple[object, list[dict]]:
    """Open the page, wait until `expected` charts are drawn, and read every chart."""
    report = browser.open(page.as_uri())
    if expected:
        browser.page.wait_for_function(f"{DRAWN} >= {expected}")
    return report, browser.evaluate(CHARTS)


def cycle_years(root: Path) -> list[int]:
    cycle = yaml.safe_load((root / "params" / "cycle.yaml").read_text(encoding="utf-8"))
    return [int(year) for year in cycle["cycle"]["years"]]


def years_with_figures(root: Path, series: str) -> tuple[int, int]:
    """The first and last year of a plot file with a figure in any of its columns."""
    with (root / series).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    years = [int(row.pop("year")) for row in rows if any(v for k, v in row.items() if k != "year")]
    return min(years), max(years)


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_plain_dvc_plots_diff_draws_every_chart_once_against_the_years_offline(project, browser):
    shown = run([DVC, "plots", "diff", TAG], project)
    page = project / "dvc_plots" / "index.html"
    assert page.as_uri() in shown.stdout
    series = sorted(p.relative_to(project).as_posix() for p in (project / "plots").rglob("*.csv"))
    report, charts = open_charts(browser, page, len(series))

    assert report.outside == [], "the page asks nothing of the network"
    assert report.errors == []
    loaded = [url for url in browser.requests if LIBRARY in url]
    assert [url.rsplit("/", 1)[1] for url in loaded] == [
        "vega.min.js",
        "vega-lite.min.js",
        "vega-embed.min.js",
    ]
    assert all(url.startswith((project / LIBRARY).as_uri()) for url in loaded)

    assert sorted(chart["title"] for chart in charts) == series, "every chart once"
    assert len({chart["id"] for chart in charts}) == len(series)
    assert all(chart["drawings"] == 1 for chart in charts)
    years = cycle_years(project)
    for chart in charts:
        x_axes = [m for a in chart["axes"] if (m := X_AXIS.match(a))]
        assert len(x_axes) == 1, chart
        x = x_axes[0]
        assert x["title"] == "jaar", chart["title"]
        # from the first to the last year with a figure: a year without one is no zero
        assert (number(x["low"]), number(x["high"])) == years_with_figures(project, chart["title"])
        assert chart["x_ticks"] and set(chart["x_ticks"]) <= {str(y) for y in years}, chart
    changed = next(chart for chart in charts if chart["title"] == CHANGED)
    assert {"workspace", TAG} <= set(changed["legend"]), "both cycles in the changed chart"


def test_dvc_linear_template_would_label_the_years_as_decimals(project, browser):
    """The bad case the project's chart template (.dvc/plots/jaren.json) replaces: DVC's
    `linear` template ticks the year axis at half years, printed `2,019.5`, and draws a
    year without a figure (an empty cell) as zero."""
    run([DVC, "plots", "diff", TAG, "--template", "linear", "-o", "dvc_plots_linear"], project)
    page = project / "dvc_plots_linear" / "index.html"
    expected = len(list((project / "plots").rglob("*.csv")))
    report, charts = open_charts(browser, page, expected)
    assert report.outside == [] and report.errors == []
    assert "2,019.5" in {tick for chart in charts for tick in chart["x_ticks"]}
    drawn_from = {
        chart["title"]: number(m["low"])
        for chart in charts
        for m in map(X_AXIS.match, chart["axes"])
        if m
    }
    assert any(low < years_with_figures(project, title)[0] for title, low in drawn_from.items()), (
        "years without a figure drawn (as zero)"
    )


def test_dvc_own_page_goes_to_a_cdn_and_offline_draws_nothing(project, browser):
    """The bad case the template replaces: without it, the same command writes DVC's
    page, whose library requests leave the machine (and are refused here)."""
    run([DVC, "config", "--unset", "plots.html_template"], project)
    try:
        run([DVC, "plots", "diff", TAG, "-o", "dvc_plots_cdn"], project)
    finally:
        run([DVC, "config", "plots.html_template", "../plots_page/template.html"], project)
    report, charts = open_charts(browser, project / "dvc_plots_cdn" / "index.html", 0)
    assert any("cdn.jsdelivr.net" in url for url in report.outside), report.outside
    assert charts and all(chart["drawings"] == 0 for chart in charts)
    assert any("vegaEmbed is not defined" in error for error in report.errors), report.errors


def test_a_page_away_from_the_library_says_how_to_get_it(project, browser, tmp_path):
    """Written where plots_page/ is not beside it, the page finds no library: it says
    what to do, makes no outside request and raises no script error."""
    run([DVC, "plots", "diff", TAG, "-o", str(tmp_path / "elsewhere")], project)
    report, charts = open_charts(browser, tmp_path / "elsewhere" / "index.html", 0)
    assert report.outside == []
    assert not [error for error in report.errors if "script error" in error], report.errors
    assert charts and all(chart["drawings"] == 0 for chart in charts)
    note = browser.evaluate("document.getElementById('vega-missing')?.textContent ?? ''")
    assert "make plots-page" in note
