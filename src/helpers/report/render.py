"""The report stage: executed notebooks -> the published site, with or without Quarto.

Both renderers start from the same staged notebooks: the executed programme
notebook with its deep dives inserted before the appendices, the residents'
factsheet, the joint report; parameters cells removed and the front matter filled
in. Quarto renders them as a website (HTML, plus Word and PDF for the annual
reports and factsheets); without Quarto, nbconvert renders the same notebooks to
standalone HTML without code, and the stage says so. The analysts' tables are
copied next to the reports. When the reports are a draft (see provenance.py) every
page carries a CONCEPT watermark and a banner that says why.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import yaml

from helpers.config import Paths, Project
from helpers.indicators.engine import read_indicator_table
from helpers.profiles.site import SITE_DIR, profile_count, write_profiles_site
from helpers.report.escaping import plain_text
from helpers.report.exports import DUTCH_EXCEL, TABLES_DIR
from helpers.report.first_screen import GoalStatus, programme_statuses
from helpers.report.print_keep import (
    KEEP_CSS,
    RUN_IN_STYLE,
    TYPST_KEEP,
    kept_with_what_follows,
    with_run_ins_fenced,
)
from helpers.runtime.io import atomic_dir
from helpers.runtime.notebooks import (
    FACTSHEET_DIR,
    FACTSHEET_FIGURES,
    FACTSHEET_NOTEBOOK,
    PROGRAMME_NOTEBOOK,
)
from helpers.runtime.provenance import draft_reasons
from helpers.runtime.reproducible import numbered_cell_ids

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

JOINT_SLUG = "gezamenlijk"
FACTSHEET_SUFFIX = "-factsheet"
APPENDIX_HEADING = "## Bijlagen"
DRAFT_MARK = "CONCEPT"
BANNER_TAG = "banner"  # the notebook cell whose output is the page's one banner
PARAMETER_TAGS = {"parameters", "injected-parameters"}
# Quarto's tag for a cell that is not published: the deep-dive template's instructions
REMOVED_TAG = "remove-cell"
QUARTO_HELP = (
    "install Quarto for HTML, PDF and Word reports: `conda env create -f environment.yml` "
    "(includes quarto from conda-forge) or https://quarto.org/docs/get-started/"
)
# Typst rules for every PDF (Quarto `include-in-header`, placed before the document):
# a table may break across pages (pandoc puts every table in a figure, which Typst keeps
# whole: Table 1 left two thirds of a page empty before it, and a longer table ran off
# the page), its header row repeated on each (pandoc's `table.header`); table cells
# neither justified nor hyphenated, in a smaller size than the body, so short cell lines
# do not spread and headers do not break as "waar-de"; the column
# widths come from each table's <colgroup> (`table_column_widths`). The line above a
# table of synthetic figures (wording.synthetic_note) sticks to the table after it
# (`block(sticky: true)`, Typst 0.12+), as a paragraph or inside the block of its cell
# output: it was left alone at a page foot six times (Typst headings are sticky already).
# So does a run-in heading, a paragraph of bold text alone (fenced by print_keep).
# A heading, a run-in or a table note keeps three lines of what it introduces on its
# page: Typst's sticky block keeps only the first line of a paragraph (two, with orphan
# control), which left a heading over one or two lines at a page foot (the print check's
# `stranded`), and a table's caption alone, the table on the next page. So a caption
# sticks to its table, and after each label comes an empty unbreakable block of
# TYPST_ROOM, taken back by a negative space: the label sticks to it, so both move to
# the next page when the room is not there, and nothing else moves (a heading's room
# starts at its own spacing below, a label's room after the block spacing: so measured,
# no line after them moves). 7 em at 10 pt: a
# paragraph of two lines, the paragraph gap and the two lines orphan control keeps
# together (4 em was room enough for one paragraph only: overvecht p13).
TYPST_ROOM = "7em"
TYPST_ROOM_AFTER_LABELS = (
    "#let wm-room(..above) = { block(breakable: false, height: "
    + TYPST_ROOM
    + ", below: 0pt, ..above); v(-"
    + TYPST_ROOM
    + ") }\n"
    "#show heading: it => { it; wm-room(above: 0pt) }\n"
)
TYPST_NOTE_STICKS = (
    '#let wm-plain(c) = if c == none { "" } else if c.has("text") { c.text } '
    'else if c.has("children") { c.children.map(wm-plain).join() } '
    'else if c.has("body") { wm-plain(c.body) } else if c.has("child") { wm-plain(c.child) } '
    'else { "" }\n'
    "#let wm-note(c) = { let t = wm-plain(c).trim(); "
    't.starts-with("SYNTHETISCHE GEGEVENS") and t.len() < 200 }\n'
    + TYPST_KEEP
    + "#let wm-label(c) = wm-note(c) or wm-run-in(c)\n"
    "#show par: it => if wm-label(it.body) { block(sticky: true, it); wm-room() } else { it }\n"
    "#show block: it => if type(it.body) == content and wm-label(it.body) "
    "{ if it.sticky { it } else { block(sticky: true, it) }; wm-room() } else { it }\n"
)
TYPST_HEADER = (
    "#show figure: set block(breakable: true)\n"
    "#show figure.caption: set block(sticky: true)\n"
    + TYPST_ROOM_AFTER_LABELS
    + "#show table.cell: set par(justify: false)\n"
    "#show table.cell: set text(hyphenate: false, size: 8.5pt)\n" + TYPST_NOTE_STICKS
)


WORD_REFERENCE = "referentie.docx"  # written next to the notebooks (word_reference)
WORD_FILTER = "word-tussenkop.lua"  # written next to the notebooks (WORD_RUN_IN_FILTER)
# A run-in heading (print_keep.RUN_IN_FENCE) in the reference's run-in style, in Word only.
WORD_RUN_IN_FILTER = (
    "function Div(el)\n"
    '  if FORMAT:match("docx") and el.classes:includes("wm-run-in") then\n'
    f'    el.attributes["custom-style"] = "{RUN_IN_STYLE}"\n'
    "    return el\n"
    "  end\n"
    "end\n"
)


def _formats(margin_x: str, margin_y: str) -> dict:
    """HTML, Word (A4, the report's styles) and an A4 Typst PDF with the table rules
    above; margins per document."""
    typst = {
        "papersize": "a4",
        "margin": {"x": margin_x, "y": margin_y},
        "fontsize": "10pt",
        "include-in-header": {"text": TYPST_HEADER},
    }
    docx = {"reference-doc": WORD_REFERENCE, "filters": [WORD_FILTER]}
    return {"html": "default", "docx": docx, "typst": typst}


# 1.5 cm side margins: a text block of 510 pt, as wide as the widest chart (7 in at
# plots.DPI, 504 pt), so Typst prints every chart at its drawn size (8 pt text).
REPORT_FORMATS = _formats("1.5cm", "2.2cm")
# Two A4 pages: narrower margins, so four charts with their sentences, what the
# programme did and the contact fit (each chart block unbreakable).
FACTSHEET_FORMATS = _formats("1.8cm", "1.5cm")

# nbconvert's lab template adds scripts that load MathJax, require.js and Mermaid
# from a CDN. The reports need no script at all and must open offline without a
# failed request, so the fallback pages carry none.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.DOTALL | re.IGNORECASE)
_CALLOUT = re.compile(
    r"^:::\s*\{?\.?callout-(?P<kind>\w+)[^\n]*\n(?:##\s*(?P<title>[^\n]+)\n)?(?P<body>.*?)^:::\s*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass
class Document:
    """One page of the site: its file name (slug), title and staged notebook."""

    slug: str
    title: str
    subtitle: str
    synthetic: bool
    notebook: nbformat.NotebookNode
    kind: str = "report"
    draft: tuple[str, ...] = ()


# --------------------------------------------------------------------------- staging


def _read_executed(path: Path, stage: str) -> nbformat.NotebookNode:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `dvc repro {stage}` first")
    return nbformat.read(path, as_version=4)


def front_matter(notebook: nbformat.NotebookNode) -> dict:
    """The YAML in the first raw cell (empty when there is none)."""
    if notebook.cells and notebook.cells[0].cell_type == "raw":
        text = notebook.cells[0].source.strip().strip("-").strip()
        return yaml.safe_load(text) or {}
    return {}


def _set_front_matter(notebook: nbformat.NotebookNode, values: dict) -> None:
    """Set front matter keys; a title or subtitle (from params) is plain text: pandoc
    reads these as markdown, where a programme name could carry HTML or a link."""
    values = {k: plain_text(v) if k in ("title", "subtitle") else v for k, v in values.items()}
    matter = {**front_matter(notebook), **values}
    cell = nbformat.v4.new_raw_cell(
        "---\n" + yaml.safe_dump(matter, allow_unicode=True, sort_keys=False) + "---"
    )
    if notebook.cells and notebook.cells[0].cell_type == "raw":
        notebook.cells[0] = cell
    else:
        notebook.cells.insert(0, cell)


def body_cells(notebook: nbformat.NotebookNode) -> list:
    """Cells that belong in a report: no front matter, no papermill parameters, no cell
    tagged `remove-cell` (instructions for the analyst, as in the deep-dive template)."""
    cells = list(notebook.cells)
    if cells and cells[0].cell_type == "raw":
        cells = cells[1:]
    return [c for c in cells if not (PARAMETER_TAGS | {REMOVED_TAG}) & set(_tags(c))]


def _renamed(cell: nbformat.NotebookNode, prefix: str) -> nbformat.NotebookNode:
    """A copy with an id that cannot clash with the host notebook's cells."""
    copy = nbformat.from_dict(cell)
    copy["id"] = f"{prefix}-{cell.get('id', '')}"[:64]
    return copy


def _synthetic(paths: Paths, key: str) -> bool:
    table = paths.indicator_table(key)
    return table.is_file() and bool(read_indicator_table(table)["synthetic"].astype(bool).any())


def programme_document(project: Project, paths: Paths, key: str) -> Document:
    """The annual report of one programme, its deep dives appended as sections."""
    programme = project.programmes[key]
    out = paths.programme_out(key)
    notebook = _read_executed(out / PROGRAMME_NOTEBOOK, "analyse")
    cells = body_cells(notebook)
    dives = []
    for dive in programme.deep_dives:
        executed = _read_executed(out / "deep_dives" / dive / f"{dive}.ipynb", "analyse")
        title = str(front_matter(executed).get("title", f"Verdieping: {dive}"))
        heading = title if title.lower().startswith("verdieping") else f"Verdieping: {title}"
        dives.append(nbformat.v4.new_markdown_cell(f"## {heading}"))
        dives += [_renamed(cell, dive) for cell in body_cells(executed)]
    at = next(
        (
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and c.source.startswith(APPENDIX_HEADING)
        ),
        len(cells),
    )
    cells[at:at] = dives
    year = project.cycle.cycle.year
    gemeente = project.cycle.comparison.gemeenten[programme.gemeente]
    document = Document(
        key,
        f"{programme.name} — jaarrapportage {year}",
        f"Integrale wijkaanpak in {gemeente}",
        _synthetic(paths, key),
        notebook,
    )
    notebook.cells = [notebook.cells[0], *cells] if notebook.cells[0].cell_type == "raw" else cells
    _set_report_front_matter(document)
    return document


def _set_report_front_matter(document: Document) -> None:
    _set_front_matter(
        document.notebook,
        {
            "title": document.title,
            "subtitle": document.subtitle,
            "lang": "nl",
            "format": REPORT_FORMATS,
        },
    )


def joint_document(project: Project, paths: Paths) -> Document:
    """The report across programmes."""
    notebook = _read_executed(paths.joint_notebook(), "joint")
    year = project.cycle.cycle.year
    cells = body_cells(notebook)
    notebook.cells = [notebook.cells[0], *cells] if notebook.cells[0].cell_type == "raw" else cells
    document = Document(
        JOINT_SLUG,
        f"Gezamenlijke monitor — {year}",
        "Alle programma's naast elkaar",
        any(_synthetic(paths, k) for k in project.cycle.programmes),
        notebook,
    )
    _set_report_front_matter(document)
    return document


def factsheet_document(project: Project, paths: Paths, key: str) -> Document:
    """The two-page factsheet for residents of one programme."""
    programme = project.programmes[key]
    path = paths.programme_out(key) / FACTSHEET_DIR / FACTSHEET_NOTEBOOK
    notebook = _read_executed(path, "analyse")
    cells = body_cells(notebook)
    notebook.cells = [notebook.cells[0], *cells] if notebook.cells[0].cell_type == "raw" else cells
    year = project.cycle.cycle.year
    # The place as residents name it, not the programme's name; the year is the
    # edition's: each figure inside says the year of its own numbers.
    document = Document(
        f"{key}{FACTSHEET_SUFFIX}",
        f"Hoe gaat het in {programme.place or 'de wijk'}?",
        f"Voor bewoners — {programme.name}, uitgave {year}",
        _synthetic(paths, key),
        notebook,
        kind="factsheet",
    )
    _set_front_matter(
        notebook,
        {
            "title": document.title,
            "subtitle": document.subtitle,
            "lang": "nl",
            "toc": False,
            "format": FACTSHEET_FORMATS,
        },
    )
    return document


def stage_documents(project: Project, paths: Paths) -> list[Document]:
    """Every page of the site, staged from the executed notebooks (inputs are not touched).

    When the reports are a draft, each document is marked: a banner at the top that
    names the reasons, and a CONCEPT watermark on every page in every format.
    """
    documents = []
    for key in project.cycle.programmes:
        documents += [
            programme_document(project, paths, key),
            factsheet_document(project, paths, key),
        ]
    documents.append(joint_document(project, paths))
    reasons = tuple(draft_reasons(project, paths, any(d.synthetic for d in documents)))
    if reasons:
        for document in documents:
            mark_draft(document, reasons)
    return documents


def draft_banner(reasons: tuple[str, ...]) -> str:
    """The callout at the top of a draft page: it says why the page is a concept."""
    items = "\n".join(f"- {reason}" for reason in reasons)
    return (
        "::: {.callout-important}\n## CONCEPT: niet voor publicatie\n\n"
        f"Dit rapport is een concept, omdat:\n\n{items}\n:::\n"
    )


# Residents get the fact in plain words; the technical reasons are in the annual report.
FACTSHEET_DRAFT_BANNER = (
    "::: {.callout-important}\n## CONCEPT: niet voor publicatie\n\n"
    "Deze factsheet is nog niet klaar. De redenen staan in de jaarrapportage.\n:::\n"
)
WATERMARK_CSS = (
    "body::after{content:'CONCEPT';position:fixed;top:45%;left:50%;"
    "transform:translate(-50%,-50%) rotate(-30deg);font-size:9rem;font-weight:700;"
    "color:rgba(192,0,0,.13);pointer-events:none;z-index:9999;letter-spacing:.5rem}"
)
# In the PDF the mark stands in the top margin of every page, where it covers no table.
WATERMARK_TYPST = (
    "#set page(background: place(top + center, dy: 0.5cm, "
    'text(size: 20pt, weight: "bold", tracking: 4pt, fill: rgb(192, 0, 0, 150))[CONCEPT]))\n'
)


def mark_draft(document: Document, reasons: tuple[str, ...]) -> None:
    """Mark a staged document as draft: title, banner, and watermark in each format."""
    document.draft = reasons
    document.title = f"{DRAFT_MARK} — {document.title}"
    cells = document.notebook.cells
    if not merge_banner(cells, reasons, document.kind):
        # No notice of its own to fold into (e.g. a factsheet of real figures): the draft
        # notice alone, where the tagged banner cell stands (else at the top).
        tagged = [i for i, c in enumerate(cells) if BANNER_TAG in _tags(c)]
        at = tagged[0] if tagged else 1 if cells and cells[0].cell_type == "raw" else 0
        banner = draft_banner(reasons) if document.kind != "factsheet" else FACTSHEET_DRAFT_BANNER
        cells.insert(at, nbformat.v4.new_markdown_cell(banner))
    matter = front_matter(document.notebook)
    formats = dict(matter.get("format") or {"html": "default"})
    for name, header in (
        ("html", f"<style>{WATERMARK_CSS}</style>"),
        ("typst", WATERMARK_TYPST),
    ):
        if name not in formats:
            continue
        options = formats[name] if isinstance(formats[name], dict) else {}
        before = (options.get("include-in-header") or {}).get("text", "")
        formats[name] = {**options, "include-in-header": {"text": before + header}}
    _set_front_matter(document.notebook, {"title": document.title, "format": formats})


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def merged_banner(callout: str, reasons: tuple[str, ...], kind: str = "report") -> str:
    """The draft notice and a page's own source notice as one box: the reader meets one
    banner, titled CONCEPT, that says why the page is a draft and which figures are
    synthetic. Residents (kind `factsheet`) get the draft in B1 words, without the
    technical reasons (those are in the annual report)."""
    match = _CALLOUT.search(callout)
    body = match["body"].strip() if match else callout.strip()
    why = (
        "Deze factsheet is nog niet klaar. De redenen staan in de jaarrapportage."
        if kind == "factsheet"
        else f"Dit rapport is een concept, omdat: {'; '.join(reasons)}."
    )
    return f"::: {{.callout-important}}\n## CONCEPT: niet voor publicatie\n\n{why}\n\n{body}\n:::\n"


def merge_banner(cells: list, reasons: tuple[str, ...], kind: str = "report") -> bool:
    """Fold the draft notice into the markdown output of the cell tagged `banner`
    (BANNER_TAG); False when no such cell or output exists."""
    for cell in cells:
        if BANNER_TAG not in _tags(cell):
            continue
        outputs = [o for o in cell.get("outputs", []) if "text/markdown" in o.get("data", {})]
        for output in outputs:
            output["data"]["text/markdown"] = merged_banner(
                output["data"]["text/markdown"], reasons, kind
            )
        return bool(outputs)
    return False


# --------------------------------------------------------------------------- renderer


def choose_renderer() -> str:
    """`quarto` when on PATH (or forced), else `nbconvert`; WIJKMONITOR_RENDERER overrides."""
    wanted = os.environ.get("WIJKMONITOR_RENDERER", "auto")
    if wanted not in {"auto", "quarto", "nbconvert"}:
        raise ValueError(f"WIJKMONITOR_RENDERER={wanted!r}: expected auto, quarto or nbconvert")
    if wanted == "quarto" and shutil.which("quarto") is None:
        raise RuntimeError(f"WIJKMONITOR_RENDERER=quarto but quarto is not on PATH; {QUARTO_HELP}")
    if wanted == "auto":
        return "quarto" if shutil.which("quarto") else "nbconvert"
    return wanted


def render_site(project: Project, paths: Paths, log: Callable[[str], None] = print) -> Path:
    """Render every report into reports/_site (replaced only when complete)."""
    renderer = choose_renderer()
    documents = stage_documents(project, paths)
    if documents[0].draft:
        log("the reports are a draft (CONCEPT watermark): " + "; ".join(documents[0].draft))
    with atomic_dir(paths.site) as site:
        if renderer == "quarto":
            render_with_quarto(documents, project, paths, site, log)
        else:
            log(
                "quarto not found on PATH: rendering the executed notebooks to HTML with "
                "nbconvert instead (no PDF or Word)"
            )
            log(QUARTO_HELP)
            render_with_nbconvert(documents, project, paths, site, log)
        place_validation(paths, site, documents[0].draft)
        draft_css = WATERMARK_CSS if documents[0].draft else ""
        profiles = write_profiles_site(paths, site, draft_css)
        if profiles:
            log(f"profiles: {profiles} page(s) in profielen/ (index: profielen/index.html)")
    return paths.site_index


VALIDATION_LINK = ("Validatie van de ruwe gegevens", "validation/index.html")


def place_validation(paths: Paths, site: Path, draft: tuple[str, ...]) -> Path | None:
    """The validate stage's page inside the site (at VALIDATION_LINK), marked CONCEPT like
    the reports when they are a draft; None when validate has not run."""
    page = paths.validation_report_dir / "index.html"
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    if draft:
        text = text.replace("<title>", f"<title>{DRAFT_MARK} — ", 1)
        text = text.replace("</head>", f"<style>{WATERMARK_CSS}</style></head>", 1)
    target = site / VALIDATION_LINK[1]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


# ---------------------------------------------------------------------------- quarto


def index_qmd(
    documents: list[Document],
    project: Project,
    has_validation: bool,
    statuses: dict[str, list[GoalStatus]] | None = None,
    profiles: int = 0,
) -> str:
    """The landing page of the Quarto site."""
    matter: dict = {"title": f"Wijkmonitor {project.cycle.cycle.year}", "lang": "nl"}
    reasons = next((d.draft for d in documents if d.draft), ())
    if reasons:
        matter["format"] = {
            "html": {"include-in-header": {"text": f"<style>{WATERMARK_CSS}</style>"}}
        }
    front = yaml.safe_dump(matter, allow_unicode=True, sort_keys=False)
    lines = ["---", front.strip(), "---", ""]
    lines += [
        landing_banner(documents),
        landing_markdown(documents, project, statuses or {}, ".ipynb", profiles),
    ]
    if has_validation:
        lines += ["", "[{}]({})".format(*VALIDATION_LINK)]
    return "\n".join(lines) + "\n"


def landing_banner(documents: list[Document]) -> str:
    """The landing page's one banner: why the reports are a draft and that they hold
    synthetic data, in one box ('' for final reports on real data)."""
    reasons = next((d.draft for d in documents if d.draft), ())
    synthetic = (
        "**Synthetische gegevens**: deze rapporten bevatten SYNTHETISCHE demogegevens, die "
        "geen echte wijk beschrijven; elke pagina zegt welke van haar bronnen synthetisch "
        "zijn en welke echt."
        if any(d.synthetic for d in documents)
        else ""
    )
    if reasons:
        return (
            "::: {.callout-important}\n## CONCEPT: niet voor publicatie\n\n"
            f"Deze rapporten zijn een concept, omdat: {'; '.join(reasons)}.\n\n{synthetic}\n:::\n"
        )
    if synthetic:
        return f"::: {{.callout-warning}}\n## Synthetische gegevens\n\n{synthetic}\n:::\n"
    return ""


READERS = (
    "**Opdrachtgevers en raadsleden**: de *jaarrapportage* van een programma. Bovenaan per "
    "doel of het op koers ligt en waarom, wat de cijfers zeggen en wat het programma deed; "
    "daarna de details.",
    "**Bewoners**: de *factsheet* van een programma, twee pagina's in gewone taal.",
    "**Onderzoekers en analisten**: de *tabellen* (CSV en Excel), de bijlagen en verdiepingen "
    "in de jaarrapportages, de validatie van de ruwe gegevens en de *gezamenlijke monitor* "
    "met alle programma's naast elkaar.",
)


def landing_markdown(
    documents: list[Document],
    project: Project,
    statuses: dict[str, list[GoalStatus]],
    suffix: str,
    profiles: int = 0,
) -> str:
    """The landing page's body: which document is for whom, then per programme its goals'
    statuses at a glance and its documents, then the joint report and the wijkprofielen
    (`profiles`: how many). `suffix` is the documents' file extension on the site
    (.ipynb for Quarto, .html for nbconvert)."""
    year = project.cycle.cycle.year
    by_slug = {d.slug: d for d in documents}
    concept = " (concept)" if any(d.draft for d in documents) else ""
    lines = ["## Welk document is voor wie?", "", *(f"- {reader}" for reader in READERS), ""]
    lines += ["## Programma's", ""]
    for key, programme in project.programmes.items():
        if key not in by_slug:
            continue
        gemeente = plain_text(project.cycle.comparison.gemeenten[programme.gemeente])
        name = plain_text(programme.name)
        lines += [f"### {name} ({gemeente})", ""]
        if statuses.get(key):
            lines += ["Stand per doel:", ""]
            lines += [f"- {plain_text(s.label)}: {plain_text(s.goal)}" for s in statuses[key]]
            lines += [""]
        lines += ["Documenten:", ""]
        tables = _tables_markdown(by_slug[key], project).removeprefix(" — tabellen: ")
        lines += [
            f"- voor opdrachtgevers: [Jaarrapportage {year} {name}]({key}{suffix})" + concept,
            f"- voor bewoners: [Factsheet {year} {name}]"
            f"({key}{FACTSHEET_SUFFIX}{suffix})" + concept,
            *([f"- voor analisten, tabellen: {tables}"] if tables else []),
            "",
        ]
    if JOINT_SLUG in by_slug:
        lines += [
            "## Alle programma's samen",
            "",
            f"[Gezamenlijke monitor {year}]({JOINT_SLUG}{suffix}){concept}: de gezamenlijke "
            "indicatoren van alle programma's, elk naast de eigen gemeente (geen ranglijst).",
            "",
        ]
    if profiles:
        lines += [
            "## Wijkprofielen",
            "",
            f"[Wijkprofielen]({SITE_DIR}/index.html): een profiel van elk van de {profiles} "
            "gebieden, met de kerncijfers naast de gemeente en Nederland; zoek op naam of "
            "CBS-code.",
            "",
        ]
    return "\n".join(lines)


def landing_statuses(project: Project, paths: Paths) -> dict[str, list[GoalStatus]]:
    """Each programme's goal statuses for the landing page."""
    return {key: programme_statuses(project, paths, key) for key in project.cycle.programmes}


def table_links(document: Document, project: Project) -> list[tuple[str, str]]:
    """(link text, href) of a programme's analysts' tables: each link text says what it
    opens, so no two links on the page share a text but not a target."""
    if document.kind != "report" or document.slug not in project.programmes:
        return []
    base = f"{TABLES_DIR}/{document.slug}"
    links = [("alle tabellen (Excel)", f"{base}_indicatoren.xlsx")]
    for name, label in (
        ("indicatoren", "indicatoren"),
        ("samenvatting", "samenvatting"),
        ("netwerk", "netwerk"),
    ):
        links += [
            (f"{label} (CSV)", f"{base}_{name}.csv"),
            (f"{label} (CSV voor Nederlandse Excel)", f"{base}_{name}{DUTCH_EXCEL}.csv"),
        ]
    return links


def _tables_markdown(document: Document, project: Project) -> str:
    links = table_links(document, project)
    if not links:
        return ""
    return " — tabellen: " + ", ".join(f"[{text}]({href})" for text, href in links)


def copy_tables(project: Project, paths: Paths, site: Path) -> list[Path]:
    """The analysts' CSV and Excel tables of every programme, next to the reports."""
    target = site / TABLES_DIR
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for key in project.cycle.programmes:
        source = paths.programme_out(key) / TABLES_DIR
        files = sorted(source.glob(f"{key}_*.*")) if source.is_dir() else []
        if not files:
            raise FileNotFoundError(f"{source} holds no tables: run `dvc repro analyse`")
        for file in files:
            copied.append(Path(shutil.copy2(file, target / file.name)))
    return copied


def quarto_project(
    documents: list[Document], project: Project, paths: Paths, folder: Path
) -> list[Path]:
    """Write the Quarto project handed to `quarto render`: config, index and notebooks."""
    config = paths.quarto_config
    if not config.is_file():
        raise FileNotFoundError(f"{config} is missing")
    written = [folder / "_quarto.yml"]
    shutil.copyfile(config, written[0])
    validation = paths.validation_report_dir / "index.html"
    (folder / "index.qmd").write_text(
        index_qmd(
            documents,
            project,
            validation.is_file(),
            landing_statuses(project, paths),
            profile_count(paths),
        ),
        encoding="utf-8",
    )
    written.append(folder / "index.qmd")
    for document in documents:
        path = folder / f"{document.slug}.ipynb"
        numbered_cell_ids(document.notebook)
        staged = with_run_ins_fenced(with_column_widths(document.notebook))
        if document.kind == "report":
            head = 1 if staged.cells and staged.cells[0].cell_type == "raw" else 0
            staged.cells = staged.cells[:head] + print_selection(staged.cells[head:], quarto=True)
            numbered_cell_ids(staged)
        nbformat.write(staged, path)
        written.append(path)
        if document.kind == "factsheet":
            key = document.slug.removesuffix(FACTSHEET_SUFFIX)
            written += copy_factsheet_figures(paths, key, folder)
    written += copy_tables(project, paths, folder)
    return written


def copy_factsheet_figures(paths: Paths, key: str, folder: Path) -> list[Path]:
    """The factsheet's chart PNGs where its Markdown (Typst, Word) links them."""
    source = paths.programme_out(key) / FACTSHEET_DIR / "figures"
    target = folder / FACTSHEET_FIGURES / key
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(png, target / png.name)) for png in sorted(source.glob("*.png"))]


_TABLE_HTML = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL | re.IGNORECASE)
_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.DOTALL | re.IGNORECASE)
_OPENING = re.compile(
    r"<table\b[^>]*>\s*(?:<caption\b.*?</caption>\s*)?", re.DOTALL | re.IGNORECASE
)
MAX_COLUMN_CHARS = 40


def column_shares(rows: list[list[str]]) -> list[int]:
    """Percent of the text width per column, from the cells' text: at least the longest
    word (no word overflows its cell), else the typical cell length up to
    `MAX_COLUMN_CHARS`; whole percents that add up to 100."""
    count = max(len(row) for row in rows)
    wanted = []
    for column in range(count):
        texts = [row[column] for row in rows if column < len(row)]
        longest = max((len(word) for text in texts for word in text.split()), default=1)
        typical = sorted(len(text) for text in texts)[len(texts) // 2]
        wanted.append(max(longest, min(typical, MAX_COLUMN_CHARS), 3))
    total = sum(wanted)
    shares = [max(1, int(100 * w / total)) for w in wanted]
    shares[shares.index(max(shares))] += 100 - sum(shares)
    return shares


def table_column_widths(text: str) -> str:
    """Every HTML table with a <colgroup> of percentage widths fitted to its content.

    Quarto hands HTML tables to Pandoc, whose HTML reader takes column widths from
    `<col width="..%">`; without them a table of multi-line cells gets equal columns,
    in which "133 (2024)" overran its narrow neighbour in the Typst PDF.
    """

    def widen(match: re.Match) -> str:
        table = match.group(0)
        if re.search(r"<colgroup\b", table, re.IGNORECASE):
            return table
        rows = [
            [" ".join(html.unescape(_TAGS.sub(" ", cell)).split()) for cell in _CELL.findall(row)]
            for row in _ROW.findall(table)
        ]
        rows = [row for row in rows if row]
        if not rows:
            return table
        cols = "".join(f'<col width="{share}%">' for share in column_shares(rows))
        opening = _OPENING.match(table)
        at = opening.end() if opening else 0
        return f"{table[:at]}<colgroup>{cols}</colgroup>{table[at:]}"

    return _TABLE_HTML.sub(widen, text)


def with_column_widths(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a staged notebook whose HTML tables carry column widths for Typst."""
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                source = data["text/html"]
                joined = "".join(source) if isinstance(source, list) else source
                data["text/html"] = table_column_widths(joined)
    return copy


def render_with_quarto(
    documents: list[Document], project: Project, paths: Paths, site: Path, log: Callable
) -> None:
    with tempfile.TemporaryDirectory(prefix="wijkmonitor-quarto-") as tmp:
        folder = Path(tmp)
        quarto_project(documents, project, paths, folder)
        write_word_reference(folder / WORD_REFERENCE, ["quarto", "pandoc"])
        (folder / WORD_FILTER).write_text(WORD_RUN_IN_FILTER, encoding="utf-8")
        log(f"quarto render: {len(documents)} report(s)")
        result = subprocess.run(
            ["quarto", "render", str(folder)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
            raise RuntimeError(f"quarto render failed (exit {result.returncode}):\n{tail}")
        shutil.copytree(folder / "_site", site, dirs_exist_ok=True)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        finished = format_link_names(self_contained(text))
        if finished != text:
            page.write_text(finished, encoding="utf-8")


# Quarto adds require.js and jQuery from a public CDN to every page built from a notebook
# with an HTML output (for JavaScript widgets, which these reports do not have), plus a
# `define('jquery', …)` that needs require.js. Without a network they fail, and with one
# they tell the CDN who reads which report; the site must work offline and on an intranet.
_EXTERNAL_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc="(?:https?:)?//[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE
)
_EXTERNAL_LINK = re.compile(
    r'<link\b(?=[^>]*\brel="(?:stylesheet|preload|modulepreload|preconnect|dns-prefetch|icon)")'
    r'[^>]*\bhref="(?:https?:)?//[^"]*"[^>]*>\s*',
    re.IGNORECASE,
)
_REQUIRE_SHIM = re.compile(
    r"<script\b[^>]*>\s*define\(\s*['\"]jquery['\"][^<]*</script>\s*", re.IGNORECASE
)


def self_contained(text: str) -> str:
    """A Quarto page without the scripts and stylesheets it would fetch from outside the
    site (and the require.js shim that only works with them)."""
    for pattern in (_EXTERNAL_SCRIPT, _EXTERNAL_LINK, _REQUIRE_SHIM):
        text = pattern.sub("", text)
    return text


# Quarto names the other formats of a page after the tool ("Typst", "MS Word"); readers
# look for what they get: a PDF or a Word document.
FORMAT_NAMES = {".pdf": "PDF", ".docx": "Word"}
_FORMAT_LINK = re.compile(
    r'(?P<open><a\b[^>]*\bhref="[^"#]*(?P<ext>\.pdf|\.docx)"[^>]*>(?:\s*<i\b[^>]*></i>)?\s*)'
    r"(?P<name>Typst|typst|PDF \(Typst\)|MS Word|docx|Word)(?P<close>\s*</a>)",
)


def format_link_names(text: str) -> str:
    """Links to a page's PDF and Word files named "PDF" and "Word"."""

    def rename(match: re.Match) -> str:
        return match["open"] + FORMAT_NAMES[match["ext"].lower()] + match["close"]

    return _FORMAT_LINK.sub(rename, text)


# Word on A4 with the report's type: pandoc's own reference document (its styles, which
# pandoc's Word writer expects) with an A4 page and 2 cm margins (Word otherwise falls
# back to its own default page, Letter in an American Word), body text at 10 pt like the
# PDF, table text at 9 pt, Dutch as the proofing language, and Arial for every text: pandoc
# 3.9's theme names Aptos, which only Word 365 has; elsewhere (LibreOffice, an older Word)
# a wider font takes its place and the report grew two pages longer. Arial is in every
# Word, and LibreOffice sets it with Liberation Sans, whose letters are exactly as wide.
A4_TWIPS = (11906, 16838)
MARGIN_TWIPS = 1134  # 2 cm
WORD_FONT = "Arial"
_THEME_LATIN = re.compile(r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"')
_SECTION = re.compile(r"<w:sectPr>(?P<inner>.*?)</w:sectPr>", re.DOTALL)
_PAGE = re.compile(r"<w:pg(?:Sz|Mar)\b[^>]*/>\s*")


def word_reference(default: bytes) -> bytes:
    """Pandoc's default reference.docx turned into the reports' Word reference: A4 with
    2 cm margins, 10 pt body text, 9 pt tables, Dutch, Arial (see A4_TWIPS)."""
    import io
    import zipfile

    page = (
        f'<w:pgSz w:w="{A4_TWIPS[0]}" w:h="{A4_TWIPS[1]}"/>'
        f'<w:pgMar w:top="{MARGIN_TWIPS}" w:right="{MARGIN_TWIPS}" w:bottom="{MARGIN_TWIPS}" '
        f'w:left="{MARGIN_TWIPS}" w:header="567" w:footer="567" w:gutter="0"/>'
    )
    source = zipfile.ZipFile(io.BytesIO(default))
    names = source.namelist()
    for required in ("word/document.xml", "word/styles.xml"):
        if required not in names:
            raise ValueError(f"the default reference.docx has no {required}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = _a4_sections(data.decode("utf-8"), page).encode("utf-8")
            elif info.filename == "word/styles.xml":
                data = _report_styles(data.decode("utf-8")).encode("utf-8")
            elif info.filename == "word/theme/theme1.xml":
                data = _THEME_LATIN.sub(rf'\g<1>{WORD_FONT}"', data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


_BEFORE_PAGE = re.compile(
    r"(?:<w:(?:header|footer)Reference\b[^>]*/>|<w:(?:footnote|endnote)Pr>.*?</w:(?:footnote|endnote)Pr>"
    r"|<w:type\b[^>]*/>)\s*",
    re.DOTALL,
)


def _a4_sections(document: str, page: str) -> str:
    """Each section with an A4 page, in the place the schema gives it (after header and
    footer references, footnote and endnote settings and the section type: Word rejects
    a document whose elements are out of order)."""
    if not _SECTION.search(document):
        return document.replace("</w:body>", f"<w:sectPr>{page}</w:sectPr></w:body>", 1)

    def place(match: re.Match) -> str:
        inner = _PAGE.sub("", match["inner"])
        at = 0
        for before in _BEFORE_PAGE.finditer(inner):
            at = before.end()
        return f"<w:sectPr>{inner[:at]}{page}{inner[at:]}</w:sectPr>"

    return _SECTION.sub(place, document)


def _report_styles(styles: str) -> str:
    styles = re.sub(
        r'(<w:rPrDefault>.*?<w:sz w:val=")\d+("\s*/>\s*<w:szCs w:val=")\d+',
        r"\g<1>20\g<2>20",
        styles,
        count=1,
        flags=re.DOTALL,
    )
    styles = re.sub(
        r'(<w:rPrDefault>.*?<w:lang w:val=")[^"]*"',
        r'\g<1>nl-NL"',
        styles,
        count=1,
        flags=re.DOTALL,
    )
    table = re.compile(r'(<w:style w:type="table"[^>]*w:styleId="Table">.*?)(<w:tblPr>)', re.DOTALL)
    styles = table.sub(
        r'\g<1><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>\g<2>', styles, count=1
    )
    return styles.replace("</w:styles>", RUN_IN_WORD_STYLE + "</w:styles>", 1)


# A run-in heading (print_keep.RUN_IN_FENCE: a paragraph of bold text alone, such as
# *Tellen en vertellen*; WORD_RUN_IN_FILTER gives it this style) stays on the page of
# what it introduces, as a heading does.
RUN_IN_WORD_STYLE = (
    f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{RUN_IN_STYLE}">'
    f'<w:name w:val="{RUN_IN_STYLE}"/><w:basedOn w:val="BodyText"/><w:qFormat/>'
    "<w:pPr><w:keepNext/><w:keepLines/></w:pPr></w:style>"
)


def write_word_reference(path: Path, pandoc: list[str]) -> Path:
    """The Word reference document at `path`, made from the default of the pandoc that
    `pandoc` runs (Quarto's: `quarto pandoc`)."""
    default = path.with_name("pandoc-default-reference.docx")
    result = subprocess.run(
        [*pandoc, "-o", str(default), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not default.is_file():
        raise RuntimeError(
            f"{' '.join(pandoc)} gave no reference.docx (exit {result.returncode}): "
            f"{result.stderr.strip()}"
        )
    path.write_bytes(word_reference(default.read_bytes()))
    default.unlink()
    return path


# ------------------------------------------------------------------------- nbconvert


CSS = """
.callout{border-left:.3rem solid #0d6efd;background:#f3f7ff;padding:.6rem 1rem;margin:1rem 0}
.callout-warning{border-color:#e17000;background:#fff4e5}
.callout-important,.callout-caution{border-color:#c00000;background:#fdecec}
.callout-title{font-weight:bold;margin:0 0 .3rem 0}
.wm-title{margin:1.5rem 0 1rem 0}.wm-title h1{margin-bottom:.2rem}
.wm-title p{color:#555;margin:0}
.wm-caption{margin:1rem 0 .3rem 0}
.wm-note{color:#555;font-size:.9rem;border-top:1px solid #ddd;margin-top:2rem;padding-top:.5rem}
a,a:link,a:visited,.jp-RenderedHTMLCommon a:link,.jp-RenderedHTMLCommon a:visited{
text-decoration:underline;text-underline-offset:.15em}
.wm-docs li{margin:.5rem 0}.wm-docs a{display:inline-block;min-height:24px;line-height:24px}
caption{caption-side:top;text-align:left;padding:.3rem 0}
.wm-print-only{display:none}
@media print{.wm-print-only{display:block}.wm-screen-only{display:none}}
"""


_CONDITIONAL = re.compile(
    r'^:::\s*\{\.content-(?P<kind>visible|hidden) when-format="html"\}\s*\n(?P<body>.*?)^:::\s*$',
    re.MULTILINE | re.DOTALL,
)
CONDITIONAL_CLASSES = {"visible": "wm-screen-only", "hidden": "wm-print-only"}


def conditional_to_html(text: str) -> str:
    """Quarto's HTML-only and non-HTML content (helpers.report.print_layout) -> blocks
    that the fallback's CSS shows on screen only or in print only."""

    def replace(match: re.Match) -> str:
        css = CONDITIONAL_CLASSES[match["kind"]]
        return f'<div class="{css}">\n\n{match["body"].strip()}\n\n</div>'

    return _CONDITIONAL.sub(replace, text)


def callouts_to_html(text: str) -> str:
    """Quarto callout fences -> HTML boxes, so the fallback shows the same warnings."""

    def replace(match: re.Match) -> str:
        title = match.group("title")
        head = f'<p class="callout-title">{html.escape(title.strip())}</p>\n\n' if title else ""
        kind = match.group("kind")
        return (
            f'<div class="callout callout-{kind}">\n{head}\n{match.group("body").strip()}\n\n</div>'
        )

    return _CALLOUT.sub(replace, text)


_OPTION = re.compile(r"^#\|\s*(?P<key>[\w-]+):\s*(?P<value>.*)$")
_REFERENCE = re.compile(r"@(?P<label>(?:fig|tbl)-[\w-]+)")
CROSSREF_TITLES = {"fig": "Figuur", "tbl": "Tabel"}


def cell_options(cell: nbformat.NotebookNode) -> dict:
    """The `#| key: value` options at the top of a code cell (Quarto's cell options)."""
    options = {}
    for line in cell.source.splitlines():
        match = _OPTION.match(line)
        if not match:
            break
        options[match["key"]] = yaml.safe_load(match["value"]) if match["value"] else ""
    return options


def crossrefs_to_html(cells: list) -> list:
    """Quarto cross-references for the fallback: numbered captions with anchors above
    labelled tables and figures (`#| label: tbl-…` with `#| tbl-cap`), and each `@tbl-…`
    in the text a link to it, numbered as Quarto numbers them (Tabel 1, Figuur 1).
    """
    counters = dict.fromkeys(CROSSREF_TITLES, 0)
    names: dict[str, str] = {}
    result = []
    for cell in cells:
        options = cell_options(cell) if cell.cell_type == "code" else {}
        label = str(options.get("label", ""))
        kind = label.split("-", 1)[0]
        caption = options.get(f"{kind}-cap")
        if kind in CROSSREF_TITLES and caption:
            counters[kind] += 1
            names[label] = f"{CROSSREF_TITLES[kind]} {counters[kind]}"
            result.append(
                nbformat.v4.new_markdown_cell(
                    f'<p class="wm-caption" id="{html.escape(label)}"><strong>'
                    f"{names[label]}</strong>: {html.escape(str(caption))}</p>"
                )
            )
        result.append(cell)

    def link(match: re.Match) -> str:
        label = match["label"]
        return f"[{names[label]}](#{label})" if label in names else match.group(0)

    for cell in result:
        if cell.cell_type == "markdown":
            cell.source = _REFERENCE.sub(link, cell.source)
    return result


# The factsheet is two A4 pages when printed: compact spacing; each chart is printed at
# its own size (helpers.report.factsheet sets the width), so its text keeps its 10 pt; a chart
# block never breaks and no heading is left at the foot of a page.
FACTSHEET_CSS = (
    "@page{size:A4;margin:1.4cm 1.6cm}"
    ".wm-figure,.callout,blockquote,li{break-inside:avoid}"
    "h1,h2,h3{break-after:avoid}"
    "@media print{body{font-size:10pt}"
    ".jp-Cell,.jp-Cell-outputWrapper,.jp-OutputArea-child,.jp-OutputArea-output,"
    ".jp-RenderedHTMLCommon{padding:0 !important;margin:0 !important}"
    ".jp-RenderedHTMLCommon>*:last-child{margin-bottom:0 !important}"
    "h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin:.5rem 0 .2rem}"
    "h3{font-size:1rem;margin:.5rem 0 .1rem}p{margin:.2rem 0}ul{margin:.2rem 0}"
    ".wm-figure img{display:block;margin:.1rem 0}"
    ".jp-OutputArea-promptOverlay,.jp-Collapser{display:none}"
    ".callout{margin:.3rem 0;padding:.2rem .6rem}.wm-title{margin:0 0 .3rem 0}}"
)


# The annual report printed from the browser: A4 in at most 16 pages, legible by the
# print check (helpers.report.print_check): 9 pt text, 8 pt tables with tight cells sized
# to their content (cells tagged `compact-table` keep every column but the first on one
# line), every chart at its drawn size or the text width, whichever is smaller, so its
# smallest text stays 8 pt; the caption under it. The goals-efforts network is too wide
# for the page at a legible size: print gives it as the table that follows it. The
# screen-only appendices (print_selection) are left out, with a note where to find them.
# Jupyter's output wrappers are scroll containers, which Chromium never splits across
# pages: in print they are plain blocks. No table of contents; no heading or table note
# left at a page foot; no table row, chart or banner cut in two.
NETWORK_ALT_START = "Schema van het doelen-inspanningen-netwerk"
REPORT_CSS = (
    "@page{size:A4;margin:1cm 1cm}"
    ".wm-print-note{display:none}"
    "@media print{:root{--jp-content-font-size1:9pt;--jp-ui-font-size1:9pt;"
    "--jp-content-line-height:1.3}"
    "body{font-size:9pt;line-height:1.3}.jp-Cell{padding:0 !important}"
    "body,main,.jp-Notebook{margin:0 !important;padding:0 !important}"
    "body,.jp-Notebook,.jp-OutputArea,.jp-Cell-outputWrapper{display:block !important;"
    "overflow:visible !important}"
    ".jp-OutputArea-child,.jp-OutputArea-output{display:block;overflow:visible;width:auto}"
    ".jp-OutputArea-child{break-inside:auto}"
    ".jp-OutputArea-output{margin:0}.jp-RenderedHTMLCommon p{margin:.15rem 0 .3rem 0}"
    ".jp-RenderedHTMLCommon h2{font-size:13pt;margin:.7rem 0 .25rem}"
    ".jp-RenderedHTMLCommon h3{font-size:10.5pt;margin:.5rem 0 .2rem}"
    ".jp-RenderedHTMLCommon h4{font-size:9pt;margin:.4rem 0 .15rem}"
    ".anchor-link{display:none}h2,h3,h4,.wm-caption{break-after:avoid}"
    ".jp-OutputArea-child:has(+.jp-OutputArea-child table),"
    ".jp-Cell:has(h2:last-child,h3:last-child,h4:last-child),"
    ".jp-Cell:has(h2,h3,h4):has(+.jp-Cell table){break-after:avoid}"
    "img,figure,.callout,tr,.wm-chart{break-inside:avoid}thead{display:table-header-group}"
    ".jp-OutputArea-child:has(table),.jp-RenderedHTMLCommon:has(>table),table,"
    "tbody tr:first-child,tbody tr:nth-child(2){break-before:avoid}caption,thead{break-after:avoid}"
    "table:not(:has(tbody tr:nth-child(6))){break-inside:avoid}"
    ".callout-title,.callout h2,.callout h3{break-after:avoid}h2+p,h3+p,h4+p{break-before:avoid}"
    ".jp-Cell:has(h2:last-child,h3:last-child,h4:last-child)+.jp-Cell{break-before:avoid}"
    ".wm-table-note,.jp-OutputArea-child:has(.wm-table-note),"
    ".jp-Cell:has(.wm-table-note),.wm-run-in,.wm-run-in+p{break-after:avoid}"
    ".jp-RenderedHTMLCommon p,.jp-RenderedHTMLCommon li{orphans:3;widows:2}"
    "table{font-size:8pt !important;line-height:1.2;table-layout:auto !important}"
    ".jp-RenderedHTMLCommon td,.jp-RenderedHTMLCommon th{padding:1px 4px !important}"
    ".celltag_compact-table td:not(:first-child),"
    ".celltag_compact-table th:not(:first-child){white-space:nowrap}"
    ".jp-RenderedHTMLCommon table{margin:.1rem 0 .3rem 0}caption{padding:.1rem 0;font-size:8pt}"
    "img{max-width:100% !important;height:auto}.callout{margin:.3rem 0;padding:.2rem .6rem}"
    f'img[alt^="{NETWORK_ALT_START}"]{{display:none}}'
    ".wm-chart{display:block}.wm-chart>.jp-OutputArea-child:last-child{font-size:8pt}"
    ".celltag_screen-only,.wm-toc{display:none}.wm-print-note{display:block}}"
    ".wm-toc ol{columns:2;margin:.3rem 0 1rem 0}.wm-toc li{margin:.1rem 0}"
)
DETAIL_HEADING = "In één oogopslag"  # the table of contents stands before this section
_H2 = re.compile(r'<h2 id="(?P<id>[^"]+)"[^>]*>(?P<text>.*?)</h2>', flags=re.DOTALL)


def with_table_of_contents(body: str) -> str:
    """The fallback's table of contents (Quarto makes its own): a list of the sections,
    inserted after the first screen, before the detail (DETAIL_HEADING)."""
    sections = [
        (
            match["id"],
            " ".join(html.unescape(_TAGS.sub("", _ANCHOR.sub("", match["text"]))).split()),
        )
        for match in _H2.finditer(body)
    ]
    if not sections:
        return body
    items = "".join(
        f'<li><a href="#{ident}">{html.escape(text)}</a></li>' for ident, text in sections
    )
    nav = (
        '<nav class="wm-toc" aria-labelledby="wm-inhoud"><h2 id="wm-inhoud">Inhoud</h2>'
        f"<ol>{items}</ol></nav>\n"
    )
    at = next(
        (m for m in _H2.finditer(body) if DETAIL_HEADING in html.unescape(m["text"])),
        next(_H2.finditer(body)),
    )
    return body[: at.start()] + nav + body[at.start() :]


_CHART_WITH_CAPTION = re.compile(
    r'(?P<chart><div class="jp-OutputArea-child">\s*<div class="[^"]*jp-OutputArea-output"'
    r' data-mime-type="text/html"[^>]*>\s*<img [^>]*>\s*</div>\s*</div>)\s*'
    r'(?P<caption><div class="jp-OutputArea-child">\s*<div class="[^"]*jp-RenderedMarkdown'
    r'[^"]*"[^>]*>\s*<p><em>Figuur: .*?</em></p>\s*</div>\s*</div>)',
    flags=re.DOTALL,
)


SIDE_CAPTION_CHARS = 600  # a longer alt text (the network's) stays under its figure


def charts_with_captions(body: str) -> str:
    """Each chart and its visible alt text (the *Figuur: …* line after it) in one
    `wm-chart` block, so print keeps them together and sets the text beside the chart
    (where it is short enough to fit there)."""

    def wrap(match: re.Match) -> str:
        if len(_TAGS.sub("", match["caption"]).strip()) > SIDE_CAPTION_CHARS:
            return match.group(0)
        return f'<div class="wm-chart">{match["chart"]}\n{match["caption"]}</div>'

    return _CHART_WITH_CAPTION.sub(wrap, body)


def _draft_css(document: Document) -> str:
    css = {"factsheet": FACTSHEET_CSS, "report": REPORT_CSS + KEEP_CSS}.get(document.kind, "")
    return css + (WATERMARK_CSS if document.draft else "")


# What belongs in print. The annual report's appendices are for analysts and run to
# pages of tables; printed (Chromium) and in PDF and Word only the sources stay, with
# their CBS attribution, and a note says where the rest is: the web version.
SCREEN_ONLY_APPENDICES = (
    "Definities van de indicatoren",
    "Statistische toelichting",
    "Logboek",
    "Datakwaliteit",
    "Beschikbaarheid van gegevens",
    "Onderdrukte cellen",
    "Reproduceerbaarheid",
)
# Sections whose heading and introduction print but whose tables stay on screen, with
# a note (`SECTION_PRINT_NOTES`): the index of the area against its gemeente and the
# composition of the population are context, and without their tables the annual
# reports fit 16 A4 pages in Typst too (a section's outputs that open a `##` section of
# their own, such as the RIVM health estimates, stay in print).
SECTION_PRINT_NOTES = {
    "De wijk naast de gemeente": (
        "Gedrukt staat alleen deze toelichting: de tabel met de index per indicator staat "
        "in de webversie van dit rapport."
    ),
    "Bevolkingsgroepen": (
        "Gedrukt staat alleen deze toelichting: de tabellen van de bevolkingsgroepen "
        "staan in de webversie van dit rapport."
    ),
}
SCREEN_ONLY_TAG = "screen-only"
PRINT_NOTE = (
    "Gedrukt staan van de bijlagen alleen de bronnen. De definities van de indicatoren, "
    "de statistische toelichting, het logboek, de datakwaliteit, de beschikbaarheid van "
    "gegevens, de onderdrukte cellen en de reproduceerbaarheid staan in de webversie van "
    "dit rapport; de cijfers zelf ook in de Excel-tabellen voor analisten."
)


def _network_figure(cell: nbformat.NotebookNode) -> bool:
    for output in cell.get("outputs", []):
        text = output.get("data", {}).get("text/plain", "")
        joined = "".join(text) if isinstance(text, list) else str(text)
        if joined.startswith(NETWORK_ALT_START):
            return True
    return False


def _outputs_open_a_section(cell: nbformat.NotebookNode) -> bool:
    for output in cell.get("outputs", []):
        text = output.get("data", {}).get("text/markdown", "")
        joined = "".join(text) if isinstance(text, list) else str(text)
        if any(line.startswith("## ") for line in joined.splitlines()):
            return True
    return False


def screen_only_cells(cells: list) -> list[int]:
    """Indices of the cells that stay on screen: those the notebook tags `screen-only`
    (the joint report's population pillar), the goals-efforts network diagram (too
    wide for a legible A4 page; the table after it gives the same network) and the
    appendices of SCREEN_ONLY_APPENDICES, from such a `###` heading under `## Bijlagen`
    to the next `##`/`###` heading, and the cells after the heading of a section of
    SECTION_PRINT_NOTES up to the next `##` heading."""
    marked: list[int] = [
        i for i, cell in enumerate(cells) if _network_figure(cell) or SCREEN_ONLY_TAG in _tags(cell)
    ]
    appendix = False
    mode = ""  # "appendix": this cell on is left out; "section": the cells after its heading
    for index, cell in enumerate(cells):
        opens_section = False
        if mode == "section" and _outputs_open_a_section(cell):
            mode = ""
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    appendix = line.startswith(APPENDIX_HEADING)
                    opens_section = line[3:].strip() in SECTION_PRINT_NOTES
                    mode = "section" if opens_section else ""
                elif line.startswith("### ") and appendix:
                    mode = "appendix" if line[4:].strip() in SCREEN_ONLY_APPENDICES else ""
        if mode == "appendix" or (mode == "section" and not opens_section):
            marked.append(index)
    return sorted(set(marked))


def print_selection(cells: list, quarto: bool) -> list:
    """The cells with the screen-only appendices marked: tagged `screen-only` for the
    browser's print (REPORT_CSS hides them), or fenced in Quarto's
    `.content-visible when-format="html"` for PDF and Word; and the print note after the
    appendix heading."""
    marked = set(screen_only_cells(cells))
    if not marked:
        return cells
    result = []
    fence_open = False
    for index, cell in enumerate(cells):
        inside = index in marked
        if quarto and inside and not fence_open:
            result.append(
                nbformat.v4.new_markdown_cell('::: {.content-visible when-format="html"}')
            )
            fence_open = True
        if quarto and not inside and fence_open:
            result.append(nbformat.v4.new_markdown_cell(":::"))
            fence_open = False
        if inside and not quarto and SCREEN_ONLY_TAG not in _tags(cell):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            tags.append(SCREEN_ONLY_TAG)
        result.append(cell)
        text = _print_note(cell)
        if text:
            note = nbformat.v4.new_markdown_cell(
                f'::: {{.content-hidden when-format="html"}}\n{text}\n:::'
                if quarto
                else f'<p class="wm-print-note">{text}</p>'
            )
            result.append(note)
    if fence_open:
        result.append(nbformat.v4.new_markdown_cell(":::"))
    return result


def _print_note(cell: nbformat.NotebookNode) -> str:
    """The note printed after an appendix or section heading that print leaves out."""
    if cell.cell_type != "markdown":
        return ""
    if cell.source.startswith(APPENDIX_HEADING):
        return PRINT_NOTE
    heading = cell.source.splitlines()[0] if cell.source else ""
    return SECTION_PRINT_NOTES.get(heading[3:].strip(), "") if heading.startswith("## ") else ""


def _fallback_notebook(document: Document) -> nbformat.NotebookNode:
    notebook = nbformat.from_dict(document.notebook)
    cells = body_cells(notebook)
    title = (
        f'<div class="wm-title"><h1>{html.escape(document.title)}</h1>'
        f"<p>{html.escape(document.subtitle)}</p></div>"
    )
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = callouts_to_html(conditional_to_html(cell.source))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = callouts_to_html(conditional_to_html(data["text/markdown"]))
    if document.kind == "report":
        cells = print_selection(cells, quarto=False)
    notebook.cells = [nbformat.v4.new_markdown_cell(title), *crossrefs_to_html(cells)]
    numbered_cell_ids(notebook)
    return notebook


@cache
def _html_exporter() -> HTMLExporter:
    """One exporter for every page of a run: each new one loads and compiles its
    templates again (as the profiles site, which keeps one per worker)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def notebook_html(document: Document) -> str:
    """Standalone HTML of one staged notebook: outputs only, images embedded."""
    body, _ = _html_exporter().from_notebook_node(_fallback_notebook(document))
    body = re.sub(
        r"<title>.*?</title>",
        f"<title>{html.escape(document.title)}</title>",
        body,
        count=1,
        flags=re.DOTALL,
    )
    body = _SCRIPT.sub("", body)
    body = re.sub(r"<html lang=\"[^\"]*\"", '<html lang="nl"', body, count=1)
    body = kept_with_what_follows(without_empty_cells(table_notes(accessible_tables(body))))
    if document.kind == "report" and document.slug != JOINT_SLUG:
        body = with_table_of_contents(charts_with_captions(printed_at_drawn_size(body)))
    return body.replace("</head>", f"<style>{CSS}{_draft_css(document)}</style>\n</head>", 1)


_PNG_IMAGE = re.compile(r'<img\b(?P<before>[^>]*?)\bsrc="data:image/png;base64,(?P<data>[^"]+)"')
METRES_PER_INCH = 0.0254


def drawn_width_pt(png: bytes) -> float | None:
    """A PNG's width as drawn, in points: its pixels at the resolution its pHYs chunk
    records (matplotlib writes the figure's DPI there); None without one."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return None
    width = int.from_bytes(png[16:20], "big")
    at = png.find(b"pHYs", 8)
    if at < 0 or png[at + 12 : at + 13] != b"\x01":  # unit 1: pixels per metre
        return None
    per_metre = int.from_bytes(png[at + 4 : at + 8], "big")
    return width / (per_metre * METRES_PER_INCH) * 72 if per_metre else None


def printed_at_drawn_size(body: str) -> str:
    """Each chart printed at its drawn size (its pixels at its DPI) or the text width,
    whichever is smaller: the browser sets an image at 96 pixels to the inch, so a chart
    drawn at 110 printed 15 % larger than drawn, and the programme area's map, too tall
    for the rest of its page, moved whole to the next and left that one half empty."""
    widths: set[int] = set()

    def mark(match: re.Match) -> str:
        try:
            width = drawn_width_pt(base64.b64decode(match["data"]))
        except ValueError:
            width = None
        if width is None:
            return match.group(0)
        widths.add(round(width))
        return f'<img data-print-width="{round(width)}"' + match.group(0)[len("<img") :]

    body = _PNG_IMAGE.sub(mark, body)
    if not widths:
        return body
    rules = "".join(f'img[data-print-width="{w}"]{{width:{w}pt}}' for w in sorted(widths))
    return body.replace("</head>", f"<style>@media print{{{rules}}}</style>\n</head>", 1)


_TABLE_NOTE = re.compile(r"<p>(?=<strong>SYNTHETISCHE GEGEVENS</strong>)")
_RUN_IN_HEADING = re.compile(r"<p>(?=<strong>[^<]*</strong></p>)")
_EMPTY_MARKDOWN_CELL = re.compile(
    r'<div class="jp-Cell jp-MarkdownCell[^"]*"[^>]*>\s*<div class="jp-Cell-inputWrapper"[^>]*>'
    r'\s*<div class="jp-Collapser[^"]*">\s*</div>\s*<div class="jp-InputArea[^"]*">'
    r'<div class="jp-RenderedHTMLCommon[^"]*"[^>]*>\s*</div>\s*</div>\s*</div>\s*</div>'
)


def table_notes(body: str) -> str:
    """The line above a table of synthetic figures (wording.synthetic_note) marked
    `wm-table-note`, and a paragraph of bold text alone (a run-in heading such as
    *Tellen en vertellen*) marked `wm-run-in`, so print keeps each on the page of what
    it introduces."""
    body = _TABLE_NOTE.sub('<p class="wm-table-note">', body)
    return _RUN_IN_HEADING.sub('<p class="wm-run-in">', body)


def without_empty_cells(body: str) -> str:
    """The page without markdown cells left empty (a numbered caption moved into its
    table): an empty block between a table note and its table is a place to break."""
    return _EMPTY_MARKDOWN_CELL.sub("", body)


_TABLE_TOKENS = re.compile(
    r'(?P<caption><p class="wm-caption" id="(?P<id>tbl-[^"]+)">(?P<cap>.*?)</p>)'
    r"|<h(?P<level>[1-6])\b[^>]*>(?P<heading>.*?)</h(?P=level)>"
    r"|(?P<table><table\b[^>]*>)"
    r"|(?P<thead><thead\b[^>]*>.*?</thead>)",
    flags=re.DOTALL,
)
_TAGS = re.compile(r"<[^>]+>")
_HEADER_CELL = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', flags=re.DOTALL)


def accessible_tables(body: str) -> str:
    """Every table with a caption and column headers with `scope="col"`.

    A numbered caption (`#| tbl-cap`) written just before its table moves into it as
    `<caption>` (keeping its id, the target of cross-references); any other table gets
    a caption naming the section it stands in, so a screen reader can tell tables
    apart when it lists them.
    """
    pieces: list[str] = []
    position = 0
    pending: tuple[int, str, str] | None = None  # (index in pieces, id, caption html)
    heading = ""
    seen: dict[str, int] = {}
    for match in _TABLE_TOKENS.finditer(body):
        pieces.append(body[position : match.start()])
        position = match.end()
        if match["caption"]:
            pending = (len(pieces), match["id"], match["cap"])
            pieces.append(match.group(0))
        elif match["heading"] is not None:
            text = _TAGS.sub("", _ANCHOR.sub("", match["heading"]))
            heading = " ".join(html.unescape(text).split())
            pending = None
            pieces.append(match.group(0))
        elif match["table"]:
            if pending is not None:
                index, ident, caption = pending
                pieces[index] = ""
                inner = f'<caption class="wm-caption" id="{ident}">{caption}</caption>'
            else:
                seen[heading] = seen.get(heading, 0) + 1
                part = f" (deel {seen[heading]})" if seen[heading] > 1 else ""
                name = html.escape(heading or "dit rapport")
                inner = f"<caption>Tabel bij: {name}{part}</caption>"
            pending = None
            pieces.append(match["table"] + inner)
        else:
            pieces.append(_HEADER_CELL.sub('<th scope="col"', match["thead"]))
    pieces.append(body[position:])
    return "".join(pieces)


def index_html(
    documents: list[Document],
    project: Project,
    has_validation: bool,
    statuses: dict[str, list[GoalStatus]] | None = None,
    profiles: int = 0,
) -> str:
    """The landing page of the fallback site."""
    from nbconvert.filters import markdown2html

    year = project.cycle.cycle.year
    body = (
        landing_banner(documents)
        + "\n\n"
        + landing_markdown(documents, project, statuses or {}, ".html", profiles)
    )
    # an HTML block (the banner's box) ends at a blank line: the markdown after it is parsed
    boxed = callouts_to_html(body).replace("</div>", "</div>\n")
    landing = _ANCHOR.sub("", markdown2html(boxed))
    validation = '<p><a href="{1}">{0}</a></p>'.format(*VALIDATION_LINK) if has_validation else ""
    reasons = next((d.draft for d in documents if d.draft), ())
    draft_css = WATERMARK_CSS if reasons else ""
    return (
        "<!DOCTYPE html>\n<html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Wijkmonitor {year}</title><style>body{{font-family:system-ui,sans-serif;"
        f"max-width:60rem;margin:2rem auto;padding:0 1rem}}{CSS}{draft_css}</style></head><body>\n"
        f"<main>\n<h1>Wijkmonitor {year}</h1>\n<div class='wm-docs'>\n{landing}\n"
        f"</div>\n{validation}\n</main>\n"
        "<footer><p class='wm-note'>Gerenderd met nbconvert: Quarto is niet gevonden, "
        "dus zonder PDF en Word. Met Quarto (zie README) worden dezelfde notebooks als "
        "Quarto-website gerenderd.</p></footer>\n</body></html>\n"
    )


def render_with_nbconvert(
    documents: list[Document], project: Project, paths: Paths, site: Path, log: Callable
) -> None:
    for document in documents:
        (site / f"{document.slug}.html").write_text(notebook_html(document), encoding="utf-8")
        log(f"rendered {document.slug}.html (nbconvert)")
    copy_tables(project, paths, site)
    validation = (paths.validation_report_dir / "index.html").is_file()
    landing = index_html(
        documents, project, validation, landing_statuses(project, paths), profile_count(paths)
    )
    (site / "index.html").write_text(landing, encoding="utf-8")
