"""The frame of the annual report's first screen: one banner and a table of contents."""

from __future__ import annotations

import nbformat
import pandas as pd

from helpers import render, report_data

REASONS = (
    "er zijn synthetische cijfers (demogegevens) in gebruikt",
    "het project staat niet in git",
)


def _document(tagged: bool, kind: str = "report") -> render.Document:
    banner = nbformat.v4.new_code_cell("display(banner)")
    if tagged:
        banner.metadata["tags"] = [render.BANNER_TAG]
    table = pd.DataFrame({"source": ["demo:survey"], "synthetic": [True]})
    banner.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": report_data.provenance_callout(table)}
        )
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_raw_cell("---\ntitle: x\n---"), banner,
               nbformat.v4.new_markdown_cell("## Stand van zaken per doel")]
    )
    return render.Document("overvecht", "Titel", "Ondertitel", True, notebook, kind=kind)


def _callouts(document: render.Document) -> list[str]:
    texts = [c.source for c in document.notebook.cells if c.cell_type == "markdown"]
    texts += [
        o["data"]["text/markdown"]
        for c in document.notebook.cells
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    return [t for t in texts if t.startswith("::: {.callout")]


def test_the_draft_notice_is_folded_into_the_tagged_banner():
    document = _document(tagged=True)
    render.mark_draft(document, REASONS)
    callouts = _callouts(document)
    assert len(callouts) == 1, callouts
    banner = callouts[0]
    assert banner.startswith("::: {.callout-important}\n## CONCEPT: niet voor publicatie\n")
    assert f"omdat: {REASONS[0]}; {REASONS[1]}." in banner
    assert "**Alle cijfers op deze pagina zijn synthetisch**" in banner
    assert "## Synthetische gegevens" not in banner
    assert banner.rstrip().endswith(":::") and banner.count(":::") == 2
    assert len(document.notebook.cells) == 3, "no second banner cell inserted"


def test_without_a_tagged_banner_the_draft_notice_is_its_own_box():
    document = _document(tagged=False)
    render.mark_draft(document, REASONS)
    assert len(_callouts(document)) == 2
    assert document.notebook.cells[1].source == render.draft_banner(REASONS)


BODY = (
    '<h1>Titel</h1><h2 id="Stand-van-zaken-per-doel">Stand van zaken per doel'
    '<a class="anchor-link" href="#Stand-van-zaken-per-doel">¶</a></h2><p>…</p>'
    '<h2 id="In-%C3%A9%C3%A9n-oogopslag">In één oogopslag</h2><p>…</p>'
    '<h2 id="Bijlagen">Bijlagen</h2>'
)


def test_the_table_of_contents_lists_every_section_before_the_detail():
    page = render.with_table_of_contents(BODY)
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert page.index("Stand van zaken per doel") < page.index("<nav")
    assert page.index("</nav>") < page.index('<h2 id="In-%C3%A9%C3%A9n-oogopslag">')
    assert '<a href="#Stand-van-zaken-per-doel">Stand van zaken per doel</a>' in nav
    assert '<a href="#In-%C3%A9%C3%A9n-oogopslag">In één oogopslag</a>' in nav
    assert '<a href="#Bijlagen">Bijlagen</a>' in nav and "¶" not in nav


def test_a_page_without_sections_has_no_table_of_contents():
    assert render.with_table_of_contents("<h1>Titel</h1><p>tekst</p>") == (
        "<h1>Titel</h1><p>tekst</p>"
    )

