"""What belongs in print: of the annual report's appendices only the sources (with the
CBS attribution) are printed; the other appendices are tagged for the browser's print
and fenced as HTML-only for Quarto's PDF and Word, with a note saying where they are."""

from __future__ import annotations

import nbformat

from helpers.report.render import (
    NETWORK_ALT_START,
    PRINT_NOTE,
    REPORT_CSS,
    SCREEN_ONLY_TAG,
    TYPST_HEADER,
    print_selection,
    screen_only_cells,
)

md = nbformat.v4.new_markdown_cell
code = nbformat.v4.new_code_cell


def report_cells() -> list:
    return [
        md("## Ontwikkeling per doel"),
        code("grafiek()"),
        md("## Bijlagen"),
        md("### Definities van de indicatoren"),
        code("definities()"),
        md("### Bronnen\n\nElke waarde is herleidbaar."),
        code("bronnen()"),
        md("### Logboek"),
        code("logboek()"),
    ]


def test_only_the_screen_only_appendices_are_marked():
    cells = report_cells()
    assert screen_only_cells(cells) == [3, 4, 7, 8]
    assert screen_only_cells(cells[:3]) == [], "nothing before the appendices"


def test_the_network_diagram_stays_on_screen_its_table_is_printed():
    network = code("netwerk()")
    network.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/plain": f"{NETWORK_ALT_START} van Overvecht: 3 doelen"}
        )
    ]
    table = code("netwerk_tabel()")
    assert screen_only_cells([md("## Doelen"), network, table]) == [1]
    fenced = [c.source for c in print_selection([md("## Doelen"), network, table], quarto=True)]
    assert fenced == [
        "## Doelen",
        '::: {.content-visible when-format="html"}',
        "netwerk()",
        ":::",
        "netwerk_tabel()",
    ]


def test_the_browser_print_hides_tagged_cells_and_shows_the_note():
    cells = print_selection(report_cells(), quarto=False)
    tagged = [c.source for c in cells if SCREEN_ONLY_TAG in c.get("metadata", {}).get("tags", [])]
    assert tagged == [
        "### Definities van de indicatoren",
        "definities()",
        "### Logboek",
        "logboek()",
    ]
    assert cells[3].source == f'<p class="wm-print-note">{PRINT_NOTE}</p>'
    assert ".celltag_screen-only" in REPORT_CSS and ".wm-print-note{display:block}" in REPORT_CSS


def test_quarto_fences_the_screen_only_appendices_as_html_only():
    cells = [c.source for c in print_selection(report_cells(), quarto=True)]
    fence = '::: {.content-visible when-format="html"}'
    assert cells == [
        "## Ontwikkeling per doel",
        "grafiek()",
        "## Bijlagen",
        f'::: {{.content-hidden when-format="html"}}\n{PRINT_NOTE}\n:::',
        fence,
        "### Definities van de indicatoren",
        "definities()",
        ":::",
        "### Bronnen\n\nElke waarde is herleidbaar.",
        "bronnen()",
        fence,
        "### Logboek",
        "logboek()",
        ":::",
    ]


def test_typst_tables_break_across_pages():
    assert TYPST_HEADER.startswith("#show figure: set block(breakable: true)\n")


def test_a_cell_the_notebook_tags_screen_only_stays_out_of_print():
    """The joint report's population pillar: its cell is tagged `screen-only` in the
    notebook; Quarto gets it fenced as HTML-only, the browser keeps the one tag."""
    pillar = code("show_pillar('Bevolking')")
    pillar.metadata["tags"] = [SCREEN_ONLY_TAG]
    cells = [md("## De pijlers"), pillar, code("show_pillar('Gezondheid')")]
    assert screen_only_cells(cells) == [1]
    fenced = [c.source for c in print_selection(cells, quarto=True)]
    assert fenced == [
        "## De pijlers",
        '::: {.content-visible when-format="html"}',
        "show_pillar('Bevolking')",
        ":::",
        "show_pillar('Gezondheid')",
    ]
    tagged = print_selection(cells, quarto=False)
    assert [c.metadata.get("tags", []) for c in tagged] == [[], [SCREEN_ONLY_TAG], []]


def test_typst_keeps_a_synthetic_table_note_with_its_table():
    """The note's paragraph, or the block of its cell output, sticks to the next block
    (verified with Typst 0.15: the note left at a page foot moves with its table)."""
    assert "block(sticky: true, it)" in TYPST_HEADER
    assert 'starts-with("SYNTHETISCHE GEGEVENS")' in TYPST_HEADER
    assert "#show par:" in TYPST_HEADER and "#show block:" in TYPST_HEADER
