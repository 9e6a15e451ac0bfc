"""What the project hands Quarto for the Typst PDF: options, header rules, table widths.

Quarto itself cannot run here; these check the generated sources against what the
Quarto and Pandoc documentation say they do (docs/factsheet.md names the pages).
"""

from __future__ import annotations

import re

import nbformat

from helpers.config import Paths
from helpers.report import factsheet, render
from helpers.runtime.notebooks import FACTSHEET_DIR

TABLE = (
    '<table border="1" class="dataframe"><caption>Tabel</caption><thead><tr>'
    "<th>doel</th><th>laatste waarde</th><th>significantie</th></tr></thead><tbody>"
    "<tr><td>Bewoners voelen zich gezonder en minder eenzaam</td><td>133 (2024)</td>"
    "<td>n.v.t.</td></tr></tbody></table>"
)


def test_tables_get_a_colgroup_of_percent_widths_after_their_caption():
    text = render.table_column_widths(f"<p>x</p>{TABLE}")
    widths = [int(w) for w in re.findall(r'<col width="(\d+)%">', text)]
    assert len(widths) == 3 and sum(widths) == 100
    assert widths[0] > widths[1] and widths[2] * 100 >= 13 * 100 / 60, "longest word fits"
    assert "</caption><colgroup>" in text and "</colgroup><thead>" in text
    assert render.table_column_widths(text) == text, "a table with widths is left alone"


def test_staged_notebooks_carry_the_widths_and_keep_the_original_untouched():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("table")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": TABLE, "text/plain": "t"})
    ]
    notebook.cells = [cell]
    staged = render.with_column_widths(notebook)
    assert "<colgroup>" in staged.cells[0].outputs[0].data["text/html"]
    assert "<colgroup>" not in notebook.cells[0].outputs[0].data["text/html"]


def test_typst_pdfs_are_a4_with_unjustified_unhyphenated_table_cells():
    for formats in (render.REPORT_FORMATS, render.FACTSHEET_FORMATS):
        typst = formats["typst"]
        assert typst["papersize"] == "a4" and typst["fontsize"] == "10pt"
        header = typst["include-in-header"]["text"]
        assert "#show table.cell: set par(justify: false)" in header
        assert "hyphenate: false" in header


def test_the_typst_concept_mark_stands_in_the_top_margin_beside_the_table_rules():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_raw_cell("---\ntitle: x\n---")]
    document = render.Document("x", "x", "", True, notebook)
    render._set_report_front_matter(document)
    render.mark_draft(document, ("de cijfers zijn synthetisch",))
    header = render.front_matter(document.notebook)["format"]["typst"]["include-in-header"]
    assert header["text"].startswith(render.TYPST_HEADER)
    assert "background: place(top + center" in header["text"] and "rotate" not in header["text"]


def test_factsheet_charts_are_copied_where_their_markdown_links_them(tmp_path):
    paths = Paths(tmp_path / "project")
    figures = paths.programme_out("overvecht") / FACTSHEET_DIR / "figures"
    figures.mkdir(parents=True)
    (figures / "eenzaamheid.png").write_bytes(b"\x89PNG fake")
    folder = tmp_path / "quarto"
    copied = render.copy_factsheet_figures(paths, "overvecht", folder)
    assert copied == [folder / factsheet.FIGURE_FOLDER / "overvecht" / "eenzaamheid.png"]
    assert copied[0].read_bytes() == b"\x89PNG fake"
