"""Issue 29: text from params is plain text on the landing page and in the front matter,
and no CSV or xlsx cell starts a formula (OWASP, CSV injection).

The programme name, goal and effort labels are set to active content and the real
renderers run: the fallback site's landing page (nbconvert's markdown2html), the
Quarto front matter, the analysts' CSV files and the workbook (openpyxl).
"""

from __future__ import annotations

import csv
import io
import re

import nbformat
import openpyxl
import pandas as pd
import pytest

from helpers.report import escaping
from helpers.report.exports import _write_sheet, dutch_excel_csv, network_export, plain_csv
from helpers.report.render import Document, _set_front_matter, index_html

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
LINK = "[klik](javascript:alert(3))"
FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+31 6", "-2+3", "\t=1+1", "\r=1+1"]


def attacked(project, name: str, label: str):
    """`project` with the overvecht programme's name and every goal and effort label set."""
    programme = project.programmes["overvecht"]
    goals = [
        goal.model_copy(
            update={
                "label": label,
                "efforts": [e.model_copy(update={"label": label}) for e in goal.efforts],
            }
        )
        for goal in programme.goals
    ]
    changed = programme.model_copy(update={"name": name, "goals": goals})
    return project.model_copy(update={"programmes": {**project.programmes, "overvecht": changed}})


def _document(slug: str, title: str) -> Document:
    return Document(slug, title, "sub", False, nbformat.v4.new_notebook())


@pytest.mark.parametrize("attack", [SCRIPT, IMAGE, LINK, f"{SCRIPT} {LINK}"])
def test_landing_page_shows_a_programme_name_as_text(project, attack):
    changed = attacked(project, attack, attack)
    page = index_html([_document("overvecht", attack)], changed, False)
    body = page.split("<body", 1)[1]
    assert "<script>alert" not in body and "<img" not in body
    assert not re.search(r"href=[\"']?javascript", body, re.IGNORECASE)
    assert "&lt;" in body or "[klik]" in body, "shown as text, not dropped"


def test_front_matter_title_is_plain_text():
    notebook = nbformat.v4.new_notebook()
    _set_front_matter(notebook, {"title": f"{SCRIPT} {LINK}", "subtitle": IMAGE, "lang": "nl"})
    matter = notebook.cells[0].source
    assert "<script>" not in matter and "<img" not in matter and "](javascript" not in matter
    assert "lang: nl" in matter


def _cells(text: str, delimiter: str) -> list[str]:
    return [
        c
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
        for c in row
    ]


@pytest.mark.parametrize("formula", FORMULAS)
def test_no_csv_cell_starts_a_formula(project, formula):
    frame = network_export(attacked(project, "Overvecht", formula), "overvecht")
    frame["getal"] = -3.5
    for text, delimiter in ((plain_csv(frame), ","), (dutch_excel_csv(frame), ";")):
        cells = _cells(text, delimiter)
        kept = ("'" + formula).replace("\r", "\n" if delimiter == "," else "\r")
        assert kept in cells, "kept, behind an apostrophe"
        assert not any(
            c.startswith(escaping.FORMULA_START) and c not in ("-3.5", "-3,5") for c in cells
        )
        assert {"-3.5", "-3,5"} & set(cells), "a negative number stays a number"


def test_no_workbook_cell_is_a_formula(project, tmp_path):
    frame = network_export(attacked(project, "Overvecht", FORMULAS[0]), "overvecht")
    frame["opmerking"] = FORMULAS[1:] + [""] * (len(frame) - len(FORMULAS) + 1)
    path = tmp_path / "netwerk.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        _write_sheet(writer, "netwerk", frame)
    sheet = openpyxl.load_workbook(path)["netwerk"]
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'" + FORMULAS[0] in values
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []


def test_escaping_cell_keeps_numbers_and_plain_text():
    assert escaping.cell(-3.5) == -3.5
    assert escaping.cell("Overvecht") == "Overvecht"
    assert escaping.cell("=1+1") == "'=1+1"
