"""The frame of the annual report's first screen: one banner and a table of contents."""

from __future__ import annotations

import nbformat
import pandas as pd
from matplotlib.colors import to_rgb
from support import REPO

from helpers import report
from helpers.config import Paths, load_project
from helpers.report import plots, render
from helpers.report.first_screen import GoalStatus

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
            "display_data", data={"text/markdown": report.provenance_callout(table)}
        )
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_raw_cell("---\ntitle: x\n---"),
            banner,
            nbformat.v4.new_markdown_cell("## Stand van zaken per doel"),
        ]
    )
    return render.Document("overvecht", "Titel", "Ondertitel", True, notebook, kind=kind)


def _status(status: str, goal: str) -> GoalStatus:
    return GoalStatus("g", goal, status, status, "")


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


def test_the_landing_page_says_who_reads_what_and_shows_each_programmes_statuses():
    project = load_project(Paths.from_root(REPO))
    notebook = nbformat.v4.new_notebook()
    documents = [
        render.Document(key, f"CONCEPT — {key}", "", True, notebook, draft=("demo",))
        for key in project.cycle.programmes
    ]
    documents.append(render.Document(render.JOINT_SLUG, "CONCEPT — samen", "", True, notebook))
    first = next(iter(project.cycle.programmes))
    name = project.programmes[first].name
    statuses = {
        first: [
            _status("on_track", "Doel een"),
            _status("no_target", "Doel twee"),
        ]
    }
    page = render.landing_markdown(documents, project, statuses, ".html")
    assert page.startswith("## Welk document is voor wie?")
    for reader in ("Opdrachtgevers", "Bewoners", "Onderzoekers en analisten"):
        assert f"**{reader}" in page
    block = page[page.index(f"### {name}") :]
    assert block.index("- ✔ op koers: Doel een") < block.index("- – geen streefwaarde: Doel twee")
    assert f"- voor opdrachtgevers: [Jaarrapportage 2024 {name}]({first}.html) (concept)" in block
    assert f"- voor bewoners: [Factsheet 2024 {name}]({first}-factsheet.html) (concept)" in block
    assert f"tabellen/{first}_indicatoren.xlsx" in block
    assert f"[Gezamenlijke monitor 2024]({render.JOINT_SLUG}.html)" in page
    assert "CONCEPT —" not in page, "no bare CONCEPT titles as link texts"


def _network() -> list[report.NetworkGoal]:
    output = report.NetworkIndicator("Deelnemers", "prestatie", joint=True)
    own = report.NetworkIndicator("Trajecten", "prestatie", joint=False)
    budget = report.NetworkIndicator("Budget", "input", joint=True)
    effect = report.NetworkIndicator("Eenzaam", "effect", joint=True)
    return [
        report.NetworkGoal(
            "Minder eenzaam",
            [
                report.NetworkEffort("Aanbod", [output]),
                report.NetworkEffort("Werving", [budget]),
            ],
            [effect],
        ),
        report.NetworkGoal("Grip op geld", [report.NetworkEffort("Schuldhulp", [own])], []),
    ]


def test_network_arrows_run_from_each_effort_to_its_goal_and_flag_efforts_without_output():
    from matplotlib.text import Annotation

    fig = plots.network_diagram(_network(), "Netwerk")
    ax = fig.axes[0]
    arrows = [
        a
        for a in ax.texts
        if isinstance(a, Annotation)
        and a.arrow_patch.get_arrowstyle().__class__.__name__ != "Curve"
    ]
    starts_ends = sorted((a.xyann[0], a.xy[0]) for a in arrows)
    assert starts_ends == [(1.5, 2.5)] * 3, "three efforts, each an arrow to its goal"
    boxes = {
        t.get_text().replace("\n", " "): t.get_bbox_patch() for t in ax.texts if t.get_bbox_patch()
    }
    flagged = [
        label
        for label, patch in boxes.items()
        if patch.get_edgecolor()[:3] == to_rgb(plots.OKABE_ITO["vermillion"])
    ]
    assert flagged == ["Werving (geen prestatie-indicator)"]
    assert "Budget (input)" in boxes and "Trajecten (prestatie)" in boxes
    assert boxes["Trajecten (prestatie)"].get_linestyle() != "-", "own indicator: dashed"
    assert boxes["Deelnemers (prestatie)"].get_linestyle() in ("-", "solid")
    alt = plots.network_alt_text(_network(), "P")
    assert (
        "inspanning ‘Werving’ draagt eraan bij (Budget (input, gezamenlijk)), zonder "
        "prestatie-indicator" in alt
    )
    assert "Trajecten (prestatie, maatwerk)" in alt


def test_notes_are_told_once_per_goal_with_their_years_and_a_counted_synthesis():
    repeated = "Jongeren haken af als een activiteit te ver van huis is."
    notes = pd.DataFrame(
        [
            {
                "year": 2022,
                "goal": "gezond",
                "type": "observatie",
                "text": repeated,
                "source": "opbouwwerker",
                "date": "2022-03-10",
            },
            {
                "year": 2022,
                "goal": "gezond",
                "type": "observatie",
                "text": repeated,
                "source": "opbouwwerker",
                "date": "2022-06-01",
            },
            {
                "year": 2024,
                "goal": "gezond",
                "type": "observatie",
                "text": repeated,
                "source": "buurtteam",
                "date": "2024-02-02",
            },
            {
                "year": 2023,
                "goal": "gezond",
                "type": "citaat",
                "text": "Fijn hier.",
                "source": "bewoner",
                "date": "2023-05-05",
            },
            {
                "year": 2023,
                "goal": "meedoen",
                "type": "citaat",
                "text": repeated,
                "source": "bewoner",
                "date": "2023-05-05",
            },
        ]
    )
    text = report.notes_markdown(notes, "gezond", "Gezond")
    assert text.count(report.plain_text(repeated)) == 1
    assert "**Observatie (2022, 2024)**" in text and "opbouwwerker, 2022\\-03\\-10" in text
    first = text.splitlines()[0]
    assert first == (
        "*2 verschillende verhalen uit 2022–2024 \\(1 citaat, 1 observatie\\); "
        "1 daarvan kwam vaker terug \\(4 keer verteld\\).*"
    )
    assert report.notes_markdown(notes, "meedoen", "Meedoen").count("verhalen") == 1


def test_the_landing_page_has_one_banner_for_draft_and_synthetic_data():
    project = load_project(Paths.from_root(REPO))
    notebook = nbformat.v4.new_notebook()
    draft = [render.Document("overvecht", "T", "", True, notebook, draft=REASONS)]
    page = render.index_html(draft, project, False, {})
    assert page.count('<div class="callout') == 1
    assert "CONCEPT: niet voor publicatie" in page and "SYNTHETISCHE demogegevens" in page
    assert f"omdat: {REASONS[0]}; {REASONS[1]}." in page
    final = [render.Document("overvecht", "T", "", False, notebook)]
    assert render.landing_banner(final) == ""
    assert '<div class="callout' not in render.index_html(final, project, False, {})


def _factsheet(outputs: bool) -> render.Document:
    setup = nbformat.v4.new_code_cell("items = []")
    banner = nbformat.v4.new_code_cell("display(banner)")
    banner.metadata["tags"] = [render.BANNER_TAG]
    if outputs:
        text = (
            "::: {.callout-warning}\n## Let op: dit zijn geen echte cijfers\n\n"
            "**Alle cijfers zijn verzonnen** (synthetische gegevens).\n:::\n"
        )
        banner.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text})]
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_raw_cell("---\ntitle: x\n---"),
            setup,
            banner,
            nbformat.v4.new_markdown_cell("## Cijfers over Overvecht"),
        ]
    )
    return render.Document("o-factsheet", "T", "", True, notebook, kind="factsheet")


def test_a_factsheets_one_notice_says_draft_and_made_up_in_plain_words():
    document = _factsheet(outputs=True)
    render.mark_draft(document, REASONS)
    (banner,) = _callouts(document)
    assert banner.startswith("::: {.callout-important}\n## CONCEPT: niet voor publicatie\n")
    assert "Deze factsheet is nog niet klaar. De redenen staan in de jaarrapportage." in banner
    assert "**Alle cijfers zijn verzonnen** (synthetische gegevens)." in banner
    assert "omdat" not in banner and "git" not in banner, "no technical reasons for residents"
    assert len(document.notebook.cells) == 4


def test_a_factsheet_without_a_notice_of_its_own_gets_the_draft_notice_in_the_banner_place():
    document = _factsheet(outputs=False)
    render.mark_draft(document, REASONS)
    assert len(_callouts(document)) == 1
    assert document.notebook.cells[2].source == render.FACTSHEET_DRAFT_BANNER
    assert document.notebook.cells[1].source == "items = []", "after the setup cell"
