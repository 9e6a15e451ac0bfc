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

- the same callouts: the proxy's Lua filter writes each `callout-<kind>` div as
  Quarto's callout filter does, `#callout(body: …, title: …, background_color: …)` (the
  title is the callout's first heading), and QUARTO_CALLOUT defines `callout` as Quarto's
  `definitions.typ` does: an unbreakable box, the title in regular weight on the kind's
  colour, the body on white. Pandoc alone prints the title as a heading and the body as
  loose blocks, some 25 pt shorter a callout and breakable.

What differs: pandoc's default Typst template instead of Quarto's, and Quarto's other
Lua filters (cross-references stay as text, captions are pandoc's, figures are placed
at their natural size, callouts have no icon and no figure around them). Page counts
and chart sizes are therefore only indicative; table cells are laid out by the same
writer and compiler.

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


def missing_pandoc() -> list[str]:
    """["pandoc (pypandoc-binary)"] where pypandoc-binary's pandoc cannot run, else []."""
    try:
        pandoc()
    except (ImportError, OSError):
        return ["pandoc (pypandoc-binary)"]
    return []


def missing_tools() -> list[str]:
    """What the proxy needs and this environment lacks: pandoc (pypandoc-binary) and
    typst (the typst Python package), both dev dependencies."""
    typst = [] if importlib.util.find_spec("typst") else ["typst (Python package)"]
    return typst + missing_pandoc()


def skip_or_fail_without(missing: list[str], message: str) -> None:
    """Skip a test when a tool it needs is missing, but fail it under CI=true, where
    `make test` installs every tool and its absence is a broken environment."""
    import pytest

    if missing:
        message = message.format(missing=", ".join(missing))
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)


def require_tools() -> None:
    """Skip a test without pandoc or typst (`make env` installs both); fail it in CI."""
    skip_or_fail_without(missing_tools(), "the Typst proxy needs {missing}: run `make env`")


def pandoc() -> str:
    """The pandoc binary pypandoc-binary ships."""
    import pypandoc

    return pypandoc.get_pandoc_path()


# Quarto's conditional content for a non-HTML format: HTML-only blocks go, the rest stays.
# And a callout as Quarto's Typst filter writes it: a call of `callout` with its body, its
# title (the callout's first heading) and the kind's colour (drawn by QUARTO_CALLOUT).
# Pandoc alone prints the title as a heading and the body as loose blocks, which a page
# break may part (the proxy's stranded 'Let op bij deze reeks').
CONDITIONAL_FILTER = """
local colours = {important = "#f7dddc", warning = "#fcefdc", caution = "#ffe5d0",
                 tip = "#ccf1e3", note = "#dae6fb"}

local function callout(el, kind)
  local body = el.content
  local title = pandoc.Inlines({})
  if #body > 0 and body[1].t == "Header" then
    title = body[1].content
    body = pandoc.Blocks({table.unpack(body, 2)})
  end
  local colour = colours[kind] or "#dddddd"
  local heading = pandoc.write(pandoc.Pandoc({pandoc.Plain(title)}), "typst")
  local blocks = pandoc.Blocks({pandoc.RawBlock("typst", "#callout(body: [")})
  blocks:extend(body)
  blocks:insert(pandoc.RawBlock("typst", '], title: [' .. heading:gsub("%s+$", "")
    .. '], background_color: rgb("' .. colour .. '"), icon: none, icon_color: black)'))
  return blocks
end

function Div(el)
  if el.attributes["when-format"] == "html" then
    if el.classes:includes("content-visible") then return {} end
    if el.classes:includes("content-hidden") then return el.content end
  end
  for _, class in ipairs(el.classes) do
    local kind = class:match("^callout%-(%w+)$")
    if kind then return callout(el, kind) end
  end
end
"""


# The `callout` function of Quarto's Typst definitions (src/resources/formats/typst/
# pandoc/quarto/definitions.typ in quarto-cli), drawn the same: an unbreakable box with a
# thin rule, the title on the kind's colour in regular weight, the body below on white,
# 8 pt insets inside 1 pt ones. No icon: Quarto's is a Font Awesome glyph on the title's
# line, which leaves the box's height as it is. In Quarto the document's
# `include-in-header` comes after it, as here.
QUARTO_CALLOUT = """#let callout(body: [], title: [], background_color: luma(221), icon: none,
  icon_color: black, body_background_color: white) = block(breakable: false, width: 100%,
  fill: background_color, radius: 2pt,
  stroke: (paint: icon_color, thickness: 0.5pt, cap: "round"),
  block(width: 100%, inset: 1pt, below: 0pt,
    block(width: 100%, inset: 8pt, fill: background_color, title))
  + if body != [] { block(width: 100%, inset: 1pt,
    block(width: 100%, inset: 8pt, fill: body_background_color, body)) })
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


def markdown_source(notebook: nbformat.NotebookNode, stem: Path, metadata: dict) -> Path:
    """`stem`.md: the Markdown Quarto hands pandoc (`document_markdown`, media beside it)
    under a YAML block of `metadata`."""
    source = stem.with_suffix(".md")
    source.write_text(
        "---\n"
        + yaml.safe_dump(metadata, allow_unicode=True)
        + "---\n\n"
        + document_markdown(notebook, stem.parent / f"{stem.name}-media"),
        encoding="utf-8",
    )
    return source


def render_pdf(notebook: nbformat.NotebookNode, stem: Path) -> Path:
    """`stem`.pdf: the notebook through pandoc's Typst writer, compiled by typst."""
    folder = stem.parent
    metadata, header = typst_options(notebook)
    source = markdown_source(notebook, stem, metadata)
    (folder / "header.typ").write_text(QUARTO_CALLOUT + header, encoding="utf-8")
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
    """The print check's findings for one printed PDF (page limit from its name)."""
    return check_pdf(pdf, page_limit(pdf.name))


def print_findings(pdfs: dict[str, Path]) -> int:
    """Each PDF's findings on standard output, as the proxies' command lines show them."""
    for slug, pdf in pdfs.items():
        problems = findings(pdf)
        print(f"{slug}.pdf: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
    return 0


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if len(argv) > 1 else Path.cwd()
    return print_findings(proxy_pdfs(root, Path(argv[-1])))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
