"""Issue 26: every annual report and the joint report, as Quarto's Typst PDF would print
them, hold no table whose words overlap or leave the page, leave no heading or table
note at a page foot apart from what it introduces, and fit their page limit.

Quarto is not installed here: `typst_proxy` renders the report stage's own Quarto sources
with the same table writer (pandoc's Typst writer) and compiler (typst) on the same page
(docs/print-check.md says what differs). The print check reads the PDFs' word boxes.
"""

from __future__ import annotations

import pytest
import typst_proxy

from helpers.report.print_check import check_pdf, page_limit

TABLE_RULES = ("overlap", "off-page")


@pytest.fixture(scope="module")
def proxy(cold_build, tmp_path_factory) -> dict:
    typst_proxy.require_tools()
    root, _ = cold_build
    return typst_proxy.proxy_pdfs(root, tmp_path_factory.mktemp("typst-proxy"))


def test_the_proxy_prints_each_annual_report_and_the_joint_report(proxy):
    assert set(proxy) == {
        "overvecht",
        "betere_buurten",
        "soesterkwartier",
        "vollenhove",
        "gezamenlijk",
    }


def test_no_table_word_overlaps_another_or_leaves_the_page_in_typst(proxy):
    found = {
        slug: [str(p) for p in check_pdf(pdf) if p.rule in TABLE_RULES]
        for slug, pdf in proxy.items()
    }
    assert found == {slug: [] for slug in proxy}, found


def test_every_report_fits_its_page_limit_in_typst(proxy):
    """An annual report and the joint report at most 16 A4 pages (`page_limit`; that the
    rule fails on a too-long PDF is shown in tests/unit/test_print_check_finds_print_defects.py,
    `test_a_half_empty_page_and_too_many_pages_are_found`)."""
    found = {
        slug: [str(p) for p in check_pdf(pdf, page_limit(pdf.name)) if p.rule == "pages"]
        for slug, pdf in proxy.items()
    }
    assert found == {slug: [] for slug in proxy}, found


def test_no_heading_or_table_note_is_left_at_a_page_foot_in_typst(proxy):
    """No heading, run-in or synthetic table note among the last lines of a page with
    fewer than three lines of what it introduces below it (the check's `stranded`; that
    it fails on such a page, and that the Typst header's rules keep each label with three
    lines, is shown in tests/unit/test_typst_keeps_three_lines_with_a_heading.py)."""
    found = {
        slug: [str(p) for p in check_pdf(pdf) if p.rule == "stranded"]
        for slug, pdf in proxy.items()
    }
    assert found == {slug: [] for slug in proxy}, found
