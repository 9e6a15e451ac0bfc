"""The print check on PDFs drawn to order (matplotlib's PDF backend, in process): a clean
two-page document passes, and each defect the Typst and Chromium prints showed is found
on its own page — words over each other, a number past the text edge, text below 8 pt,
a chart printed at 60 %, a heading, a table's header or a callout's title at a page
foot, a half-empty page, too many pages. The CONCEPT watermark over the text is not
taken for an overlap."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.report.print_check import (
    CHART_DPI,
    PageLimit,
    check_pdf,
    main,
    page_limit,
    summary,
)

A4 = (595.28, 841.89)
LEFT = 56.7
BODY = "De cijfers staan naast de verhalen van bewoners en professionals in de wijk zelf."


LETTER = (612.0, 792.0)


class Page:
    """One A4 page (or `size`); text placed by its top-left corner in points from the
    page's top."""

    def __init__(self, dpi: float = 72, size: tuple[float, float] = A4) -> None:
        self.figure = Figure(figsize=(size[0] / 72, size[1] / 72), dpi=dpi)

    def text(self, x: float, y: float, words: str, size: float = 10, **style) -> Page:
        self.figure.text(
            x / A4[0], 1 - y / A4[1], words, fontsize=size, va="top", family="DejaVu Sans", **style
        )
        return self

    def body(self, start: float = 80, end: float = 760) -> Page:
        for y in np.arange(start, end, 36):
            self.text(LEFT, float(y), BODY)
        return self


def pdf(*pages: Page) -> bytes:
    buffer = io.BytesIO()
    with PdfPages(buffer) as document:
        for page in pages:
            document.savefig(page.figure)
    return buffer.getvalue()


def rules(problems) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for problem in problems:
        found.setdefault(problem.page, set()).add(problem.rule)
    return found


def test_a_clean_two_page_document_passes():
    first = Page().body().text(LEFT, 770, "Tabel 1: laatste waarde", size=8.5)
    second = Page().body(80, 500)
    assert check_pdf(pdf(first, second), PageLimit(2, 2)) == []


def test_words_printed_over_each_other_are_found_and_named():
    page = Page().body(80, 700)
    page.text(300, 720, "€ 492.600", size=8.5).text(330, 720, "(+€ 88.300)", size=8.5)
    problems = check_pdf(pdf(page, Page().body()))
    overlaps = [p for p in problems if p.rule == "overlap"]
    assert overlaps and all(p.page == 1 for p in overlaps)
    assert any("492.600" in p.detail for p in overlaps), overlaps


def test_a_number_past_the_text_edge_is_found():
    page = Page().body(80, 700).text(470, 720, "17.282.163 17.407.585", size=8.5)
    problems = [p for p in check_pdf(pdf(page, Page().body())) if p.rule == "off-page"]
    assert [(p.page, p.detail) for p in problems] == [(1, "'17.407.585' leaves the text block")], (
        problems
    )


def test_text_below_eight_points_and_body_below_nine_are_found():
    small = Page().body(80, 700).text(LEFT, 720, "p = 0,781", size=6)
    found = rules(check_pdf(pdf(small, Page().body())))
    assert found == {1: {"small-text"}}
    tiny_body = Page()
    for y in np.arange(80, 760, 12):
        tiny_body.text(LEFT, float(y), BODY, size=8)
    problems = check_pdf(pdf(tiny_body, Page().body()))
    assert any("body text 8 pt" in p.detail for p in problems), problems


def test_a_chart_printed_below_its_drawn_size_is_found():
    pixels = np.zeros((200, 440, 3))
    full = Page().body(80, 400)
    full.figure.figimage(pixels, xo=LEFT, yo=100)  # 72 dpi: 440 px on 440 pt, 153 %
    assert check_pdf(pdf(full, Page().body())) == []
    shrunk = Page(dpi=72 * CHART_DPI / 72 / 0.6).body(80, 400)
    shrunk.figure.figimage(pixels, xo=LEFT * 2.5, yo=100)
    problems = check_pdf(pdf(shrunk, Page().body()))
    assert [p.rule for p in problems] == ["small-chart"], problems
    assert "at 60% of its size" in problems[0].detail and "4.8 pt" in problems[0].detail


def test_a_heading_or_table_note_at_the_page_foot_is_found():
    heading = Page().body(80, 740).text(LEFT, 760, "Logboek", size=14, fontweight="bold")
    note = (
        Page()
        .body(80, 740)
        .text(LEFT, 760, "SYNTHETISCHE GEGEVENS", fontweight="bold")
        .text(215, 760, "— de tabel hieronder beschrijft geen echte wijk.")
    )
    after = Page().body()
    for page in (heading, note):
        problems = check_pdf(pdf(page, after))
        assert [(p.page, p.rule) for p in problems] == [(1, "stranded")], problems
    # the same heading with its text below it on the page is where it belongs
    kept = Page().body(80, 600).text(LEFT, 612, "Logboek", size=14, fontweight="bold")
    kept.body(640, 800)
    assert check_pdf(pdf(kept, after)) == []


def table_header(page: Page, y: float) -> Page:
    """A table's bold header of three cells, as Chromium prints one at 8 pt."""
    for x, word in ((LEFT, "doel"), (260, "stand"), (360, "waarom")):
        page.text(x, y, word, size=8, fontweight="bold")
    return page


def test_a_table_header_at_the_page_foot_is_stranded_unless_its_row_follows():
    after = Page().body()
    alone = table_header(Page().body(80, 760), 772)
    problems = check_pdf(pdf(alone, after))
    assert [(p.page, p.rule) for p in problems] == [(1, "stranded")], problems
    assert "doel stand waarom" in problems[0].detail
    # the same header with the one row of its table below it: a complete table
    complete = table_header(Page().body(80, 740), 760)
    for x, words in ((LEFT, "Meer mensen aan het werk"), (260, "✓ gehaald"), (360, "boven doel")):
        complete.text(x, 772, words, size=8)
    assert check_pdf(pdf(complete, after)) == []
    # a line of running text below the header is no row of its table
    text_below = table_header(Page().body(80, 740), 760).text(LEFT, 772, BODY, size=8)
    problems = check_pdf(pdf(text_below, after))
    assert [(p.page, p.rule) for p in problems] == [(1, "stranded")], problems


def callout(page: Page, top: float, bottom: float) -> Page:
    """A callout box from `top` to `bottom` (points from the page's top) with its bold
    title and one line of text."""
    page.figure.patches.append(
        Rectangle(
            (LEFT / A4[0], 1 - bottom / A4[1]),
            0.75,
            (bottom - top) / A4[1],
            transform=page.figure.transFigure,
            facecolor="#fdecec",
            edgecolor="none",
        )
    )
    page.text(LEFT + 6, top + 6, "Let op bij deze reeks", size=8, fontweight="bold")
    return page.text(LEFT + 6, top + 20, "Breuk in de reeks vanaf 2022.", size=8)


def test_a_callout_title_at_the_page_foot_is_stranded_unless_its_box_closes():
    after = Page().body(80, 812)  # its last line ends at about 812 pt: the foot
    whole = callout(Page().body(80, 720), 740, 790)
    assert check_pdf(pdf(whole, after)) == []
    # the box cut by the page break: it runs to the foot of the text block
    cut = callout(Page().body(80, 720), 740, 830)
    problems = check_pdf(pdf(cut, after))
    assert [(p.page, p.rule) for p in problems] == [(1, "stranded")], problems
    assert "Let op bij deze reeks" in problems[0].detail


def test_a_half_empty_page_and_too_many_pages_are_found():
    short = Page().body(80, 300)
    found = rules(check_pdf(pdf(short, Page().body(), Page().body()), page_limit("x-factsheet")))
    assert found == {1: {"half-empty"}, 3: {"pages"}}
    assert page_limit("overvecht.pdf") == PageLimit(1, 16)
    assert page_limit("gezamenlijk.pdf").maximum == 16


def test_a_page_that_is_not_a4_is_found_either_way_up_is_not():
    """A Word file without a page size prints on Letter in LibreOffice (the Quarto 1.10
    render's .docx files did): named once, at the first such page."""
    letter = Page(size=LETTER).body(80, 700)
    landscape = Page(size=(A4[1], A4[0])).body(80, 560)
    problems = check_pdf(pdf(Page().body(), letter, landscape, Page(size=LETTER).body()))
    assert [(p.page, p.rule) for p in problems] == [(2, "page-size")]
    assert "2 page(s) of 612 x 792 pt, not A4" in str(problems[0])


def test_the_watermark_over_the_text_is_no_overlap():
    page = Page().body()
    page.figure.text(
        0.5, 0.5, "CONCEPT", fontsize=108, rotation=-30, ha="center", va="center", alpha=0.13
    )
    page.text(240, 12, "CONCEPT", size=20, fontweight="bold")
    assert check_pdf(pdf(page, Page().body())) == []


def test_the_command_line_reports_each_file_and_fails_on_a_defect(tmp_path, capsys):
    clean = tmp_path / "clean-factsheet.pdf"
    clean.write_bytes(pdf(Page().body(), Page().body(80, 500)))
    bad = tmp_path / "bad-factsheet.pdf"
    bad.write_bytes(pdf(Page().body(80, 300)))
    assert main([str(clean)]) == 0
    assert main([str(clean), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "clean-factsheet.pdf: no problems" in out
    assert "bad-factsheet.pdf: pages 1" in out and "1 pages, expected exactly 2" in out
    assert summary([]) == "no problems"
    assert main([str(tmp_path / "missing.pdf")]) == 2
