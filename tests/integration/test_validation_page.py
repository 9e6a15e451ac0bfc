"""Issue 15: the validation page is Dutch throughout and sits inside the report site.

The page is written by the real validate stage over hand-written sources with one
fault; `render.place_validation` puts it in the site, with the CONCEPT watermark when
the reports are a draft. The axe-core run over it is in tests/pipeline/test_reports_built.py.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from validate_fixtures import validation_run

from helpers.config import Paths
from helpers.report import render

SURVEY = "data/raw/local/survey/gezondheidsmonitor.csv"

# English of the console that must not reach the Dutch page.
ENGLISH = [
    "line ",
    "(row ",
    "is not negative",
    "violates",
    "missing:",
    "passed",
    "the export",
    "programme",
    "warning<",
    "critical<",
]


def _negative_n(root: Path) -> None:
    path = root / SURVEY
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1]["n"] = "-5"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_the_page_is_dutch_with_places_rules_and_statuses(project, written, capsys):
    _negative_n(written)
    run = validation_run(project, written, capsys)
    assert run.code == 1
    assert "n is not negative" in run.critical, "the console stays as it was"
    finding = next(f for f in run.findings if f["rule"] == "n is not negative")
    assert finding["regel"] == "n is niet negatief", "findings.json carries the Dutch rule"
    page = run.page
    assert "<html lang='nl'>" in page
    assert "<h2>Enquête (gezondheidsmonitor)</h2>" in page
    assert "<h2>Registraties van programma overvecht</h2>" in page
    assert re.search(r"<h2>CBS Kerncijfers wijken en buurten 2024 \(\d+NED\)</h2>", page)
    assert "n is niet negatief" in page and "regel 3 (rij 2): &#x27;-5&#x27;" in page
    assert "fout (1 rij)" in page and "<td>kritiek</td>" in page and "geslaagd" in page
    assert "Bij een <strong>kritieke</strong> fout stopt de pijplijn" in page
    assert "<th scope='col'>controle</th>" in page and "<caption>" in page
    body = re.sub(r"<code>.*?</code>", "", page.split("<body>", 1)[1])
    for english in ENGLISH:
        assert english not in body, english


def _validation_page(root: Path) -> Paths:
    paths = Paths(root)
    paths.validation_report_dir.mkdir(parents=True)
    page = "<!DOCTYPE html><html lang='nl'><head><title>Validatie</title></head><body></body>"
    (paths.validation_report_dir / "index.html").write_text(page, encoding="utf-8")
    return paths


def test_the_page_is_placed_inside_the_site_and_marked_as_the_reports(tmp_path):
    paths = _validation_page(tmp_path)
    site = tmp_path / "site"
    placed = render.place_validation(paths, site, ())
    assert placed == site / render.VALIDATION_LINK[1]
    assert placed.read_text(encoding="utf-8") == (
        paths.validation_report_dir / "index.html"
    ).read_text(encoding="utf-8")
    draft = render.place_validation(paths, site, ("niet gecommit",))
    assert draft is not None
    text = draft.read_text(encoding="utf-8")
    assert "<title>CONCEPT — Validatie</title>" in text
    assert render.WATERMARK_CSS in text


def test_no_page_without_a_validate_run(tmp_path):
    assert render.place_validation(Paths(tmp_path), tmp_path / "site", ()) is None
    assert not (tmp_path / "site").exists()


def test_the_landing_pages_link_inside_the_site(project):
    text, href = render.VALIDATION_LINK
    assert not href.startswith(("..", "/")), "inside reports/_site"
    assert f'<a href="{href}">{text}</a>' in render.index_html([], project, True)
    assert f"[{text}]({href})" in render.index_qmd([], project, True)
