"""The browser client itself (tests/browser.py) on pages built here: what it must catch.

A test of the reports that passes says little unless the client is seen to report a
broken image, a script error, a console error, a skipped heading level, a second A4
page and an axe-core violation when a page has them.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from browser import (
    Chromium,
    axe_source_or_skip,
    chromium_or_skip,
    find_chromium,
    pdf_page_count,
    severe,
)

DOT = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" fill="#1f4e79"/></svg>'
)
CLEAN = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Schone pagina</title></head>
<body><main>
<h1>Gezondheid in de wijk</h1>
<img src="dot.svg" alt="Een blauw vlak">
<h2>Cijfers</h2>
<table><tr><th>Jaar</th><th>Waarde</th></tr><tr><td>2024</td><td>12</td></tr></table>
<p>{filler}</p>
</main></body></html>"""
BROKEN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kapotte pagina</title></head>
<body>
<h1>Kop</h1>
<h3>Overgeslagen niveau</h3>
<img src="ontbreekt.png">
<table><tr><td>geen kop</td></tr></table>
<script>window.onload = () => console.error('console kapot');</script>
<script>nietBestaandeFunctie();</script>
</body></html>"""
CDN = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Pagina met CDN</title>
<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js"></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">
</head><body><h1>Kop</h1><img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"
alt="leeg"><img src="dot.svg" alt="blauw"></body></html>"""
TWO_PAGES = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Twee pagina's</title>
<style>section {{ break-after: page; }} section:last-child {{ break-after: auto; }}</style>
</head><body>{sections}</body></html>"""


@pytest.fixture(scope="module")
def browser():
    with Chromium(chromium_or_skip(), timeout=30) as opened:
        yield opened


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    (folder / "dot.svg").write_text(DOT, encoding="utf-8")
    (folder / "clean.html").write_text(CLEAN.format(filler="tekst " * 50), encoding="utf-8")
    (folder / "broken.html").write_text(BROKEN, encoding="utf-8")
    (folder / "cdn.html").write_text(CDN, encoding="utf-8")
    for count in (1, 2):
        sections = "".join(f"<section><h1>Deel {i}</h1></section>" for i in range(count))
        (folder / f"print{count}.html").write_text(
            TWO_PAGES.format(sections=sections), encoding="utf-8"
        )
    return folder


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


def test_a_clean_page_reports_no_errors_its_headings_tables_and_a_screenshot(browser, pages):
    report = browser.open((pages / "clean.html").as_uri())
    assert report.errors == []
    assert report.images == [
        {"src": (pages / "dot.svg").as_uri()[:60], "loaded": True, "alt": "Een blauw vlak"}
    ]
    assert report.headings == [1, 2]
    assert report.tables == [2]
    assert report.lang == "nl"
    assert report.text > 250
    assert png_size(report.screenshot) == (1280, 1600)


def test_a_broken_image_a_script_error_and_a_console_error_are_all_reported(browser, pages):
    report = browser.open((pages / "broken.html").as_uri())
    assert report.images == [
        {"src": (pages / "ontbreekt.png").as_uri()[:60], "loaded": False, "alt": None}
    ]
    assert report.headings == [1, 3]
    assert report.tables == [0]
    assert report.lang == "en"
    kinds = [error.split(":")[0] for error in report.errors]
    assert "script error" in kinds, report.errors
    assert "failed to load" in kinds, report.errors
    assert any("nietBestaandeFunctie" in error for error in report.errors), report.errors
    assert any("console kapot" in error for error in report.errors), report.errors
    assert any("ontbreekt.png" in error for error in report.errors), report.errors


def test_every_request_that_leaves_the_site_is_recorded(browser, pages):
    """A script and a stylesheet from a CDN are outside requests; the site's own files
    and inline data are not. The clean page makes none."""
    report = browser.open((pages / "cdn.html").as_uri())
    assert report.outside == [
        "https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js",
        "https://fonts.googleapis.com/css2?family=Inter",
    ]
    assert browser.open((pages / "clean.html").as_uri()).outside == []


def test_errors_of_one_page_are_not_reported_for_the_next(browser, pages):
    assert browser.open((pages / "broken.html").as_uri()).errors
    assert browser.open((pages / "clean.html").as_uri()).errors == []


def test_printed_pages_counts_a4_pages(browser, pages):
    browser.open((pages / "print2.html").as_uri())
    assert browser.printed_pages() == 2
    pdf = browser.pdf()
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) == 2
    # A4 is 595 × 842 points (210 × 297 mm)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box is not None
    width, height = (float(x) for x in box.groups())
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (width, height)
    browser.open((pages / "print1.html").as_uri())
    assert browser.printed_pages() == 1


def test_evaluate_returns_values_and_awaits_promises(browser, pages):
    browser.open((pages / "clean.html").as_uri())
    assert browser.evaluate("document.title") == "Schone pagina"
    assert browser.evaluate("1 + 2") == 3
    assert browser.evaluate("Promise.resolve([1, 'twee'])") == [1, "twee"]
    assert browser.evaluate("({a: null})") == {"a": None}


def test_set_viewport_resizes_the_page(browser, pages):
    browser.open((pages / "clean.html").as_uri())
    browser.set_viewport(390, 844)
    assert browser.evaluate("[innerWidth, innerHeight]") == [390, 844]
    assert png_size(browser.open((pages / "clean.html").as_uri()).screenshot) == (390, 844)
    browser.set_viewport(1280, 1600)


def test_axe_finds_a_missing_alt_text_and_passes_a_clean_page(browser, pages):
    source = axe_source_or_skip()
    browser.open((pages / "broken.html").as_uri())
    found = {v["id"]: v for v in severe(browser.axe(source))}
    assert "image-alt" in found, found
    assert found["image-alt"]["count"] == 1
    browser.open((pages / "clean.html").as_uri())
    assert severe(browser.axe(source)) == []


def test_each_client_starts_with_a_fresh_profile(pages):
    binary = chromium_or_skip()
    with Chromium(binary) as first:
        first.open((pages / "clean.html").as_uri())
        first.evaluate("localStorage.setItem('spoor', '1')")
        assert first.evaluate("localStorage.getItem('spoor')") == "1"
    with Chromium(binary) as second:
        second.open((pages / "clean.html").as_uri())
        assert second.evaluate("localStorage.getItem('spoor')") is None


AFTER_CLOSE = """
import asyncio
from browser import Chromium

async def answer():
    return 42

with Chromium(BINARY) as first, Chromium(BINARY) as second:
    assert first.evaluate("1 + 1") == second.evaluate("2") == 2
assert asyncio.run(answer()) == 42
with Chromium(BINARY) as again:
    assert again.evaluate("3") == 3
assert asyncio.run(answer()) == 42
print("ok")
"""


def test_asyncio_runs_again_once_the_last_client_closed():
    """Playwright's sync API marks its loop as running while a client is open; the
    papermill and jupyter_client tests in the same pytest process need it stopped."""
    binary = chromium_or_skip()
    result = subprocess.run(
        [sys.executable, "-c", f"BINARY = {binary!r}\n{AFTER_CLOSE}"],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_missing_chromium_is_a_skip_outside_ci_and_a_failure_in_ci(ci, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", ci)
    assert find_chromium() is None
    expected = pytest.fail.Exception if ci == "true" else pytest.skip.Exception
    with pytest.raises(expected, match="headless Chromium not found"):
        chromium_or_skip()
