"""Issue 26: the reports' pipe tables fit the page in Quarto's Typst PDF.

Quarto is not installed here; `typst_proxy` renders the same Markdown with the same
table writer (pandoc's Typst writer, column widths from the separator dashes) and the
same compiler (typst), on the reports' A4 page with their Typst rules. The table is the
annual report's Logboek of the demo params, drawn by the real table writer
(`markdown_table`): in the Quarto 1.10 render its five narrow columns printed their
words over each other beside a "reden" of more than half the page. The print check
reads the PDF's word boxes: no two words may overlap, none may leave the text block.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import typst_proxy
import yaml

from helpers.report import markdown_table
from helpers.report.logbook import logbook_table
from helpers.report.print_check import Problem, check_pdf
from helpers.report.render import REPORT_FORMATS

TABLE_RULES = ("overlap", "off-page")


@pytest.fixture(scope="module")
def tools() -> None:
    """pandoc and typst (dev dependencies): required in CI, a skip elsewhere."""
    typst_proxy.require_tools()


def table_problems(table: str, folder: Path) -> list[Problem]:
    """The overlaps and off-page words of a report page holding `table`, as the proxy
    prints it."""
    matter = {"title": "Logboek", "lang": "nl", "format": REPORT_FORMATS}
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_raw_cell("---\n" + yaml.safe_dump(matter) + "---"),
            nbformat.v4.new_markdown_cell(table),
        ]
    )
    pdf = typst_proxy.render_pdf(notebook, folder / "logboek")
    return [p for p in check_pdf(pdf) if p.rule in TABLE_RULES]


def pandas_separator(table: str) -> str:
    """The same table with the separator pandas writes (as many dashes as a column's
    widest cell): the table writer before issue 26's print widths."""
    lines = table.splitlines()
    cells = [re.split(r"(?<!\\)\|", line.strip().strip("|")) for line in [lines[0], *lines[2:]]]
    widths = [max(len(row[i].strip()) for row in cells) for i in range(len(cells[0]))]
    separator = "|" + "|".join(":" + "-" * (w + 1) for w in widths) + "|"
    return "\n".join([lines[0], separator, *lines[2:]])


def test_the_logbook_table_prints_without_overlapping_words(project, tools, tmp_path):
    table = markdown_table(logbook_table(project, "overvecht"))
    assert len(table.splitlines()) > 10, "the demo logbook has entries to print"
    assert table_problems(table, tmp_path) == []


def test_the_check_finds_the_overlaps_of_the_pandas_column_widths(project, tools, tmp_path):
    """The test above can fail: the same table with pandas' separator prints words over
    each other, as the Logboek of the Quarto 1.10 render did."""
    table = pandas_separator(markdown_table(logbook_table(project, "overvecht")))
    problems = table_problems(table, tmp_path)
    assert any(p.rule == "overlap" for p in problems), problems
