"""The report stage: executed notebooks -> the published site, with or without Quarto.

Both renderers start from the same staged notebooks: the executed programme
notebook with its deep dives appended, parameters cells removed and the front
matter filled in. Quarto renders them as a website (HTML, plus Word and PDF for
the annual reports); without Quarto, nbconvert renders the same notebooks to
standalone HTML without code, and the stage says so.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from helpers.config import Project
from helpers.indicators import read_indicator_table
from helpers.io import atomic_dir
from helpers.paths import Paths

PROGRAMME_NOTEBOOK = "jaarrapportage.ipynb"
JOINT_NOTEBOOK = "gezamenlijk.ipynb"
JOINT_SLUG = "gezamenlijk"
PARAMETER_TAGS = {"parameters", "injected-parameters"}
QUARTO_HELP = (
    "install Quarto for HTML, PDF and Word reports: `conda env create -f environment.yml` "
    "(includes quarto from conda-forge) or https://quarto.org/docs/get-started/"
)
REPORT_FORMATS = {"html": "default", "docx": "default", "typst": "default"}
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
    matter = {**front_matter(notebook), **values}
    cell = nbformat.v4.new_raw_cell(
        "---\n" + yaml.safe_dump(matter, allow_unicode=True, sort_keys=False) + "---"
    )
    if notebook.cells and notebook.cells[0].cell_type == "raw":
        notebook.cells[0] = cell
    else:
        notebook.cells.insert(0, cell)


def body_cells(notebook: nbformat.NotebookNode) -> list:
    """Cells that belong in a report: no front matter, no papermill parameters."""
    cells = list(notebook.cells)
    if cells and cells[0].cell_type == "raw":
        cells = cells[1:]
    return [c for c in cells if not PARAMETER_TAGS & set(c.get("metadata", {}).get("tags", []))]


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
    notebook = _read_executed(out / PROGRAMME_NOTEBOOK, f"analyse@{key}")
    cells = body_cells(notebook)
    for dive in programme.deep_dives:
        executed = _read_executed(out / "deep_dives" / dive / f"{dive}.ipynb", f"analyse@{key}")
        title = str(front_matter(executed).get("title", f"Verdieping: {dive}"))
        heading = title if title.lower().startswith("verdieping") else f"Verdieping: {title}"
        cells.append(nbformat.v4.new_markdown_cell(f"## {heading}"))
        cells += [_renamed(cell, dive) for cell in body_cells(executed)]
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
    _set_front_matter(
        notebook,
        {
            "title": document.title,
            "subtitle": document.subtitle,
            "lang": "nl",
            "format": REPORT_FORMATS,
        },
    )
    return document


def joint_document(project: Project, paths: Paths) -> Document:
    """The report across programmes."""
    notebook = _read_executed(paths.joint_out / JOINT_NOTEBOOK, "joint")
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
    _set_front_matter(
        notebook, {"title": document.title, "subtitle": document.subtitle, "lang": "nl"}
    )
    return document


def stage_documents(project: Project, paths: Paths) -> list[Document]:
    """Every page of the site, staged from the executed notebooks (inputs are not touched)."""
    documents = [programme_document(project, paths, k) for k in project.cycle.programmes]
    return [*documents, joint_document(project, paths)]


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
    return paths.site / "index.html"


# ---------------------------------------------------------------------------- quarto


def index_qmd(documents: list[Document], project: Project, has_validation: bool) -> str:
    """The landing page of the Quarto site."""
    lines = ["---", f'title: "Wijkmonitor {project.cycle.cycle.year}"', "lang: nl", "---", ""]
    if any(d.synthetic for d in documents):
        lines += [
            "::: {.callout-warning}",
            "## Synthetische gegevens",
            "",
            "Deze rapporten zijn gemaakt op synthetische demogegevens.",
            ":::",
            "",
        ]
    lines += [f"- [{d.title}]({d.slug}.ipynb)" for d in documents]
    if has_validation:
        lines += ["", "[Validatie van de ruwe gegevens](validation/index.html)"]
    return "\n".join(lines) + "\n"


def quarto_project(
    documents: list[Document], project: Project, paths: Paths, folder: Path
) -> list[Path]:
    """Write the Quarto project handed to `quarto render`: config, index and notebooks."""
    config = paths.reports / "_quarto.yml"
    if not config.is_file():
        raise FileNotFoundError(f"{config} is missing")
    written = [folder / "_quarto.yml"]
    shutil.copyfile(config, written[0])
    validation = paths.validation_report_dir / "index.html"
    (folder / "index.qmd").write_text(
        index_qmd(documents, project, validation.is_file()), encoding="utf-8"
    )
    written.append(folder / "index.qmd")
    for document in documents:
        path = folder / f"{document.slug}.ipynb"
        nbformat.write(document.notebook, path)
        written.append(path)
    if validation.is_file():
        shutil.copytree(paths.validation_report_dir, folder / "validation")
    return written


def render_with_quarto(
    documents: list[Document], project: Project, paths: Paths, site: Path, log: Callable
) -> None:
    with tempfile.TemporaryDirectory(prefix="wijkmonitor-quarto-") as tmp:
        folder = Path(tmp)
        quarto_project(documents, project, paths, folder)
        log(f"quarto render: {len(documents)} report(s)")
        result = subprocess.run(
            ["quarto", "render", str(folder)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
            raise RuntimeError(f"quarto render failed (exit {result.returncode}):\n{tail}")
        shutil.copytree(folder / "_site", site, dirs_exist_ok=True)


# ------------------------------------------------------------------------- nbconvert


CSS = """
.callout{border-left:.3rem solid #0d6efd;background:#f3f7ff;padding:.6rem 1rem;margin:1rem 0}
.callout-warning{border-color:#e17000;background:#fff4e5}
.callout-title{font-weight:bold;margin:0 0 .3rem 0}
.wm-title{margin:1.5rem 0 1rem 0}.wm-title h1{margin-bottom:.2rem}
.wm-title p{color:#555;margin:0}
.wm-note{color:#555;font-size:.9rem;border-top:1px solid #ddd;margin-top:2rem;padding-top:.5rem}
"""


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


def _fallback_notebook(document: Document) -> nbformat.NotebookNode:
    notebook = nbformat.from_dict(document.notebook)
    cells = body_cells(notebook)
    title = (
        f'<div class="wm-title"><h1>{html.escape(document.title)}</h1>'
        f"<p>{html.escape(document.subtitle)}</p></div>"
    )
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = callouts_to_html(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = callouts_to_html(data["text/markdown"])
    notebook.cells = [nbformat.v4.new_markdown_cell(title), *cells]
    return notebook


def notebook_html(document: Document) -> str:
    """Standalone HTML of one staged notebook: outputs only, images embedded."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(_fallback_notebook(document))
    body = re.sub(
        r"<title>.*?</title>",
        f"<title>{html.escape(document.title)}</title>",
        body,
        count=1,
        flags=re.DOTALL,
    )
    return body.replace("</head>", f"<style>{CSS}</style>\n</head>", 1)


def index_html(documents: list[Document], project: Project, has_validation: bool) -> str:
    """The landing page of the fallback site."""
    year = project.cycle.cycle.year
    items = "\n".join(
        f'<li><a href="{d.slug}.html">{html.escape(d.title)}</a></li>' for d in documents
    )
    banner = (
        '<div class="callout callout-warning"><p class="callout-title">Synthetische gegevens</p>'
        "<p>Deze rapporten zijn gemaakt op SYNTHETISCHE demogegevens: de cijfers beschrijven "
        "geen echte wijk.</p></div>"
        if any(d.synthetic for d in documents)
        else ""
    )
    validation = (
        '<p><a href="../validation/index.html">Validatie van de ruwe gegevens</a></p>'
        if has_validation
        else ""
    )
    return (
        "<!DOCTYPE html>\n<html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Wijkmonitor {year}</title><style>body{{font-family:system-ui,sans-serif;"
        f"max-width:60rem;margin:2rem auto;padding:0 1rem}}{CSS}</style></head><body>\n"
        f"<h1>Wijkmonitor {year}</h1>\n{banner}\n<h2>Rapporten</h2>\n<ul>\n{items}\n</ul>\n"
        f"{validation}\n<p class='wm-note'>Gerenderd met nbconvert: Quarto is niet gevonden, "
        "dus zonder PDF en Word. Met Quarto (zie README) worden dezelfde notebooks als "
        "Quarto-website gerenderd.</p>\n</body></html>\n"
    )


def render_with_nbconvert(
    documents: list[Document], project: Project, paths: Paths, site: Path, log: Callable
) -> None:
    for document in documents:
        (site / f"{document.slug}.html").write_text(notebook_html(document), encoding="utf-8")
        log(f"rendered {document.slug}.html (nbconvert)")
    validation = (paths.validation_report_dir / "index.html").is_file()
    (site / "index.html").write_text(index_html(documents, project, validation), encoding="utf-8")
