"""The deep-dive template's instructions to the analyst stay out of the report: the cell
carries Quarto's `remove-cell` tag and the renderer drops tagged cells (either engine)."""

from __future__ import annotations

import nbformat
from support import REPO

from helpers.report.render import REMOVED_TAG, body_cells


def test_the_templates_instructions_are_not_a_body_cell():
    template = nbformat.read(REPO / "notebooks/deep_dives/_template.ipynb", as_version=4)
    instructions = [c for c in template.cells if "Kopieer dit bestand" in c.source]
    assert len(instructions) == 1
    assert REMOVED_TAG in instructions[0].metadata.get("tags", [])
    published = "".join(c.source for c in body_cells(template))
    assert "Kopieer dit bestand" not in published
    assert "### Vraag" in published, "the template's own sections stay"


def test_an_untagged_cell_is_published():
    """The check can fail: the same cell without the tag is a body cell."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("Kopieer dit bestand naar …")]
    assert len(body_cells(notebook)) == 1
    notebook.cells[0].metadata["tags"] = [REMOVED_TAG]
    assert body_cells(notebook) == []
