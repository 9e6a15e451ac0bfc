"""A Typst proxy of Quarto's PDF: the staged report, through pandoc's Typst writer and typst.

Quarto cannot be installed here, so its Typst PDFs are rendered elsewhere, once per round.
This makes a stand-in from the same sources, to check table layout between renders:

- the same input: the Quarto project `quarto_project` writes (staged notebooks, print
  selection included), turned into the Markdown Quarto hands pandoc (`keep-md`):
  markdown cells as written, each output's `text/markdown`, PNGs as image files, a
  labelled table's `tbl-cap` as its caption; `when-format="html"` blocks left out and
  `content-hidden when-format="html"` blocks kept, as Quarto does for Typst;
- the same table writer: pandoc's own Typst writer (pandoc 3.9, as in the Quarto
  1.10.18 render of ../shared/renders), with pandoc's column widths from the pipe
  table's separator dashes (Quarto's `tbl-colwidths` default for non-HTML formats,
  `true`, keeps exactly those);
- the same page: A4, the document's margins and 10 pt body text and its
  `include-in-header` Typst rules (TYPST_HEADER, the CONCEPT line), compiled by typst.

What differs: pandoc's default Typst template instead of Quarto's, and none of Quarto's
Lua filters (callouts are plain blocks, cross-references stay as text, captions are
pandoc's, figures are placed at their natural size). Page counts and chart sizes are
therefore only indicative; table cells are laid out by the same writer and compiler.

`python tests/typst_proxy.py [ROOT] OUT` writes OUT/<slug>.pdf for each annual report
and the joint report of a built project and prints the print check's findings.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

from helpers.config import Paths, load_project
from helpers.report.print_check import Problem, check_pdf, page_limit
from helpers.report.render import cell_options, front_matter, quarto_project, stage_documents


def missing_tools() -> list[str]:
    """What the proxy needs and this environment lacks: pandoc (pypandoc-binary) and
    typst (the typst Python package), both dev dependencies."""
    missing = [] if importlib.util.find_spec("typst") else ["typst (Python package)"]
    try:
        pandoc()
    except (ImportError, OSError):
        missing.append("pandoc (pypandoc-binary)")
    return missing


def require_tools() -> None:
    """Skip a test without pandoc or typst, but fail it under CI=true, where both are
    installed by `make env` and their absence is a broken environment."""
    import pytest

    missing = missing_tools()
    if missing:
        message = f"the Typst proxy needs {', '.join(missing)}: run `make env`"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)


def pandoc() -> str:
    """The pandoc binary pypandoc-binary ships."""
    import pypandoc

    return pypandoc.get_pandoc_path()


# Quarto's conditional content for a non-HTML format: HTML-only blocks go, the rest stays.
CONDITIONAL_FILTER = """
function Div(el)
  if el.attributes["when-format"] == "html" then
    if el.classes:includes("content-visible") then return {} end
    if el.classes:includes("content-hidden") then return el.content end
  end
end
"""


def document_markdown(notebook: nbformat.NotebookNode, media: Path) -> str:
    """The body Quarto makes of a staged notebook (front matter left out: see
    `pandoc_options`): markdown cells, `text/markdown` outputs, PNGs as files, and a
    labelled table cell's `tbl-cap` as the caption of its table."""
    media.mkdir(exist_ok=True)
    parts: list[str] = []
    for number, cell in enumerate(notebook.cells[1:] if front_matter(notebook) else notebook.cells):
        if cell.cell_type in ("markdown", "raw"):
            parts.append(cell.source)
            continue
        caption = cell_options(cell).get("tbl-cap")
        for index, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                if caption and text.lstrip().startswith("|"):
                    text += f"\n\n: {caption}"
                    caption = None
                parts.append(text)
            elif "image/png" in data:
                image = media / f"{number}-{index}.png"
                image.write_bytes(base64.b64decode(data["image/png"]))
                parts.append(f"![]({media.name}/{image.name})")
    return "\n\n".join(parts)


def typst_options(notebook: nbformat.NotebookNode) -> tuple[dict, str]:
    """(pandoc metadata, Typst header) from the front matter's `format.typst`."""
    matter = front_matter(notebook)
    options = (matter.get("format") or {}).get("typst") or {}
    metadata = {
        "title": matter.get("title", ""),
        "subtitle": matter.get("subtitle", ""),
        "lang": matter.get("lang", "nl"),
        "papersize": options.get("papersize", "a4"),
        "margin": options.get("margin", {}),
        "fontsize": options.get("fontsize", "10pt"),
    }
    return metadata, (options.get("include-in-header") or {}).get("text", "")


def render_pdf(notebook: nbformat.NotebookNode, stem: Path) -> Path:
    """`stem`.pdf: the notebook through pandoc's Typst writer, compiled by typst."""
    folder = stem.parent
    metadata, header = typst_options(notebook)
    source = stem.with_suffix(".md")
    source.write_text(
        "---\n"
        + yaml.safe_dump(metadata, allow_unicode=True)
        + "---\n\n"
        + document_markdown(notebook, folder / f"{stem.name}-media"),
        encoding="utf-8",
    )
    (folder / "header.typ").write_text(header, encoding="utf-8")
    (folder / "conditional.lua").write_text(CONDITIONAL_FILTER, encoding="utf-8")
    typ = stem.with_suffix(".typ")
    options = ["-f", "markdown-citations", "-t", "typst", "-s", "-H", "header.typ"]
    subprocess.run(
        # -citations: Quarto resolves its cross-references (@tbl-…) itself
        [pandoc(), *options, "-L", "conditional.lua", source.name, "-o", typ.name],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=folder,
    )
    import typst

    pdf = stem.with_suffix(".pdf")
    pdf.write_bytes(typst.compile(str(typ), root=str(folder)))
    return pdf


def proxy_pdfs(root: Path, out: Path, slugs: tuple[str, ...] = ()) -> dict[str, Path]:
    """The proxy PDF of each annual report and the joint report of the built project
    at `root` (or of `slugs` only), in `out`."""
    paths = Paths.from_root(root)
    project = load_project(paths)
    documents = stage_documents(project, paths)
    wanted = {d.slug for d in documents if d.kind == "report"} & (
        set(slugs) or {d.slug for d in documents}
    )
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="typst-proxy-") as tmp:
        folder = Path(tmp)
        quarto_project(documents, project, paths, folder)
        pdfs = {}
        for slug in sorted(wanted):
            staged = nbformat.read(folder / f"{slug}.ipynb", as_version=4)
            pdf = render_pdf(staged, folder / slug)
            pdfs[slug] = Path(out / pdf.name)
            pdfs[slug].write_bytes(pdf.read_bytes())
    return pdfs


def findings(pdf: Path) -> list[Problem]:
    """The print check's findings for one proxy PDF."""
    return check_pdf(pdf, page_limit(pdf.name))


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if len(argv) > 1 else Path.cwd()
    pdfs = proxy_pdfs(root, Path(argv[-1]))
    for slug, pdf in pdfs.items():
        problems = findings(pdf)
        print(f"{slug}.pdf: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
