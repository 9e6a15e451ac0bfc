"""Issue 26: every document of the built site, as Quarto's Word file would print it, is
on A4, holds no word over another or off the text block, no text below 8 pt, no chart
below its drawn size, and fits its page limit (annual and joint report at most 16 pages,
a factsheet exactly 2).

Quarto is not installed here and the report stage's fallback writes no Word file:
`word_proxy` writes one per document from the stage's own Quarto sources with Quarto's
Word writer (pandoc's docx writer and the reports' reference document), LibreOffice lays
it out and prints it, and the print check reads the PDF (docs/print-check.md says what
differs from Word). That each rule fails on a bad Word file is shown in
tests/integration/test_word_print_check_finds_defects.py.
"""

from __future__ import annotations

import pytest
import word_proxy

from helpers.report.print_check import check_pdf, page_limit

WORD_RULES = {"overlap", "off-page", "small-text", "small-chart", "pages", "page-size"}


@pytest.fixture(scope="module")
def printed(cold_build, tmp_path_factory) -> dict:
    word_proxy.require_tools()
    root, _ = cold_build
    return word_proxy.word_pdfs(root, tmp_path_factory.mktemp("word-proxy"))


def test_every_document_of_the_site_gets_a_word_file(printed):
    programmes = ("overvecht", "betere_buurten", "soesterkwartier", "vollenhove")
    expected = {*programmes, *(f"{key}-factsheet" for key in programmes), "gezamenlijk"}
    assert set(printed) == expected


def test_every_word_file_prints_legibly_on_a4_within_its_page_limit(printed):
    found = {
        slug: [str(p) for p in check_pdf(pdf, page_limit(pdf.name)) if p.rule in WORD_RULES]
        for slug, pdf in printed.items()
    }
    assert found == {slug: [] for slug in printed}, found
