"""A run-in heading or table note stays on the page of what it introduces: wrapped with
it in one unbreakable block in HTML, a sticky block in Typst (issue 26: Chromium left
*Tellen en vertellen* alone at a page foot)."""

from __future__ import annotations

import io

import nbformat
import pdfplumber
import pytest

from helpers.report.print_keep import (
    KEEP_CSS,
    RUN_IN_FENCE,
    kept_with_what_follows,
    run_ins_fenced,
    with_run_ins_fenced,
)
from helpers.report.render import (
    SECTION_PRINT_NOTES,
    TYPST_HEADER,
    print_selection,
    screen_only_cells,
)

OUTPUT = (
    '<div class="jp-OutputArea-child">\n<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown '
    'jp-OutputArea-output" data-mime-type="text/markdown">\n{}\n</div>\n</div>\n'
)


def test_a_run_in_is_kept_with_three_lines_of_what_follows():
    run_in = '<p class="wm-run-in"><strong>Tellen en vertellen</strong></p>'
    summary = "<p>Zes verhalen.</p>"
    notes = "<ul><li>" + "Een verhaal. " * 40 + "</li></ul>"
    rest = "<p>" + "Meer. " * 10 + "</p>"
    kept = kept_with_what_follows(f"{run_in}\n{summary}\n{notes}\n{rest}")
    assert kept == f'<div class="wm-keep">{run_in}\n{summary}\n{notes}</div>\n{rest}'
    assert "break-inside:avoid" in KEEP_CSS


def test_a_heading_alone_in_its_output_is_kept_with_the_next_outputs():
    heading = OUTPUT.format('<h3 id="doel">Minder geldzorgen</h3>')
    text = OUTPUT.format("<p>" + "Moeite met rondkomen. " * 20 + "</p>")
    kept = kept_with_what_follows(heading + text + text)
    assert kept == f'<div class="wm-keep">{heading}{text.rstrip()}</div>\n{text}'
    in_a_cell = '<h2 id="x">Kerncijfers</h2>\n<p>Tekst.</p>'
    assert kept_with_what_follows(in_a_cell) == in_a_cell


def test_a_run_in_alone_in_its_output_is_kept_with_the_next_output():
    label = OUTPUT.format('<p class="wm-run-in"><strong>Bronnen</strong></p>')
    table = OUTPUT.format("<table><tr><td>CBS</td></tr></table>")
    kept = kept_with_what_follows(label + table)
    assert kept == f'<div class="wm-keep">{label}{table.rstrip()}</div>\n'


def test_a_long_block_after_a_run_in_is_not_kept_whole():
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(30))
    body = f'<p class="wm-run-in"><strong>Logboek</strong></p><table>{rows}</table>'
    assert kept_with_what_follows(body) == body


def test_only_a_paragraph_of_bold_text_alone_is_fenced_for_quarto():
    text = (
        "**Tellen en vertellen**\n\n*Zes verhalen.*\n\n**In het kort.** Het ging goed.\n\n**Bron**"
    )
    assert run_ins_fenced(text) == (
        f"{RUN_IN_FENCE}\n**Tellen en vertellen**\n:::\n\n*Zes verhalen.*\n\n"
        f"**In het kort.** Het ging goed.\n\n{RUN_IN_FENCE}\n**Bron**\n:::"
    )
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": "**Bron**"})]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert "wm-run-in" in with_run_ins_fenced(notebook).cells[0].outputs[0].data["text/markdown"]


# What pandoc's Typst writer makes of the fenced run-in (the proxy), and what Quarto's
# Typst filter makes of a `.block` div with `sticky="true"` (quarto-post/typst.lua).
PANDOC_RUN_IN = "#block[\n#strong[Tellen en vertellen]\n\n]\n"
QUARTO_RUN_IN = "#block(\nsticky:true,\n[\n#strong[Tellen en vertellen]\n])\n\n"


def _last_line_of_page_one(header: str, lines: int, run_in: str = PANDOC_RUN_IN) -> str:
    typst = pytest.importorskip("typst")
    filler = "\n\n".join(f"Regel {i} kort." for i in range(lines))
    source = (
        header
        + '#set page(paper: "a4")\n'
        + filler
        + "\n\n"
        + run_in
        + "#emph["
        + "zes verhalen " * 25
        + "]\n"
    )
    with pdfplumber.open(io.BytesIO(typst.compile(source.encode()))) as pdf:
        return pdf.pages[0].extract_text().splitlines()[-1]


def test_typst_moves_a_run_in_at_the_page_foot_with_what_follows():
    """Compiled by typst: without the header's rule some filler length leaves the
    run-in last on page 1; with it, none does, in the proxy's form and in Quarto's."""
    without = {_last_line_of_page_one("", n) for n in range(30, 60)}
    assert "Tellen en vertellen" in without
    kept = {_last_line_of_page_one(TYPST_HEADER, n) for n in range(30, 60)}
    assert "Tellen en vertellen" not in kept
    quarto = {_last_line_of_page_one(TYPST_HEADER, n, QUARTO_RUN_IN) for n in range(30, 60)}
    assert "Tellen en vertellen" not in quarto


def test_a_context_section_prints_its_introduction_and_a_note_not_its_tables():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md("## Bevolkingsgroepen\n\nDe samenstelling."),
        code("tabel()"),
        md("## Bijlagen"),
        md("### Bronnen"),
    ]
    assert screen_only_cells(cells) == [1]
    printed = print_selection(cells, quarto=True)
    assert SECTION_PRINT_NOTES["Bevolkingsgroepen"] in printed[1].source
    assert printed[2].source.startswith("::: {.content-visible")


def test_a_section_output_that_opens_its_own_section_stays_in_print():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    rivm = code("gezondheid()")
    rivm.outputs = [
        nbformat.v4.new_output("display_data", {"text/markdown": "## Gezondheid (RIVM)\n\nTekst"})
    ]
    cells = [md("## De wijk naast de gemeente\n\nIndex."), code("index()"), rivm, code("meer()")]
    assert screen_only_cells(cells) == [1]


def test_the_printed_crime_table_keeps_the_base_year_and_the_latest():
    import pandas as pd

    from helpers.report.print_layout import PRINT_FENCE, SCREEN_FENCE
    from helpers.report.safety import crime_markdown

    years = [2019, 2020, 2021, 2022, 2023, 2024]
    table = pd.DataFrame(
        {
            "area_name": ["Wijk"] * 6,
            "year": years,
            "rate": [50.0 + y - 2019 for y in years],
            "source": ["47018NED"] * 6,
        }
    )
    text = crime_markdown(table, base_year=2020)
    screen = text[text.index(SCREEN_FENCE) : text.index(PRINT_FENCE)]
    printed = text[text.index(PRINT_FENCE) :].split("\n:::\n")[0]
    assert all(f" {y} |" in screen for y in years)
    assert [y for y in years if f" {y} |" in printed] == [2020, 2024]
    assert "Gedrukt staan de jaren 2020 en 2024" in printed
    assert SCREEN_FENCE not in crime_markdown(table)
