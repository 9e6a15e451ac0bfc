"""A Word proxy of Quarto's docx: the staged report through pandoc's Word writer with the
reports' reference document, laid out on pages by LibreOffice.

Quarto cannot be installed here, so its Word files are rendered elsewhere, once per
round, and the report stage's fallback writes none. This makes a stand-in from the same
sources, as `typst_proxy` does for the Typst PDF, to check what a council prints from
Word:

- the same input: the Markdown `typst_proxy.document_markdown` makes of the Quarto
  project `quarto_project` writes (print selection included), `when-format="html"`
  blocks left out and `content-hidden when-format="html"` blocks kept, as Quarto does
  for every non-HTML format;
- the same writer and page: pandoc's docx writer (Quarto's Word writer is pandoc) with
  the reference document the report stage writes for Quarto (`write_word_reference`:
  A4, its margins, Arial, 10 pt body and 9 pt table text), which also gives pandoc the
  text width it fits a wider image to, and the Lua filters the document's `docx` format
  lists (`render.WORD_RUN_IN_FILTER`: the run-in style);
- a real layout: LibreOffice Writer (`soffice --headless --convert-to pdf`) sets the
  pages as a word processor does, and the print check reads the PDF's word boxes.

What differs: Quarto's Lua filters (cross-references stay text, no table of contents; a
callout is its title as a bold line in the run-in style over its body, where Quarto
draws a one-cell table),
and LibreOffice is not Word (line breaks and page breaks may fall a line apart). Page
counts are therefore indicative; tables, page size and chart sizes are the writer's own.

`python tests/word_proxy.py [ROOT] OUT` writes OUT/<slug>.docx and OUT/<slug>.pdf for
every document of a built project and prints the print check's findings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from typst_proxy import (
    markdown_source,
    missing_pandoc,
    pandoc,
    print_findings,
    skip_or_fail_without,
)

from helpers.config import Paths, load_project
from helpers.report.print_keep import RUN_IN_STYLE
from helpers.report.render import (
    WORD_FILTER,
    WORD_REFERENCE,
    WORD_RUN_IN_FILTER,
    front_matter,
    quarto_project,
    stage_documents,
    write_word_reference,
)

LIBREOFFICE = ("soffice", "libreoffice")
QUARTO_FILTERS = {WORD_FILTER: WORD_RUN_IN_FILTER}  # what the stage writes for Quarto


def libreoffice() -> str | None:
    """The LibreOffice binary on PATH (Debian's `libreoffice-writer-nogui` installs
    `soffice`), or None."""
    for name in LIBREOFFICE:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_tools() -> list[str]:
    """What the proxy needs and this environment lacks: pandoc (pypandoc-binary, a dev
    dependency) and LibreOffice (`make libreoffice`)."""
    office = [] if libreoffice() else ["LibreOffice (make libreoffice)"]
    return office + missing_pandoc()


def require_tools() -> None:
    """Skip a test without pandoc or LibreOffice (`make test` installs both); fail it in CI."""
    skip_or_fail_without(missing_tools(), "the Word proxy needs {missing}")


# Quarto's conditional content for a non-HTML format, and a callout as a bold title line
# kept with its body (Quarto's docx callout is a one-cell table holding both).
PROXY_FILTER = """
local title_style = {{"custom-style", "@RUN_IN_STYLE@"}}
function Div(el)
  if el.attributes["when-format"] == "html" then
    if el.classes:includes("content-visible") then return {} end
    if el.classes:includes("content-hidden") then return el.content end
  end
  for _, class in ipairs(el.classes) do
    if class:match("^callout%-%w+$") then
      local body = el.content
      if #body > 0 and body[1].t == "Header" then
        local title = pandoc.Para({pandoc.Strong(body[1].content)})
        body[1] = pandoc.Div({title}, pandoc.Attr("", {}, title_style))
      end
      return body
    end
  end
end
""".replace("@RUN_IN_STYLE@", RUN_IN_STYLE)


def render_docx(notebook: nbformat.NotebookNode, stem: Path, reference: Path) -> Path:
    """`stem`.docx: the notebook through pandoc's Word writer with `reference`."""
    folder = stem.parent
    matter = front_matter(notebook)
    metadata = {key: matter.get(key, "") for key in ("title", "subtitle")}
    metadata["lang"] = matter.get("lang", "nl")
    source = markdown_source(notebook, stem, metadata)
    (folder / "proxy.lua").write_text(PROXY_FILTER, encoding="utf-8")
    filters = ["-L", "proxy.lua"]
    for name in matter["format"]["docx"].get("filters", []):  # the document's, as Quarto
        (folder / name).write_text(QUARTO_FILTERS[name], encoding="utf-8")
        filters += ["-L", name]
    docx = stem.with_suffix(".docx")
    options = ["-f", "markdown-citations", "-t", "docx", "--reference-doc", str(reference)]
    subprocess.run(
        [pandoc(), *options, *filters, source.name, "-o", docx.name],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=folder,
    )
    return docx


def to_pdf(files: list[Path], out: Path) -> dict[str, Path]:
    """Each Word file laid out and printed to `out`/<stem>.pdf by LibreOffice, in one
    run with a profile of its own (a second soffice on the same profile would hand its
    work to the first and exit)."""
    binary = libreoffice()
    if binary is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed: make libreoffice")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="word-proxy-profile-") as profile:
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    pdfs = {f.stem: out / f"{f.stem}.pdf" for f in files}
    missing = [name for name, pdf in pdfs.items() if not pdf.is_file()]
    if result.returncode != 0 or missing:
        raise RuntimeError(
            f"LibreOffice printed no PDF of {missing} (exit {result.returncode}): "
            f"{(result.stdout + result.stderr)[-2000:]}"
        )
    return pdfs


def word_files(root: Path, out: Path, slugs: tuple[str, ...] = ()) -> dict[str, Path]:
    """The Word file of every document (annual reports, factsheets, the joint report)
    of the built project at `root` (or of `slugs` only), in `out`."""
    paths = Paths.from_root(root)
    project = load_project(paths)
    documents = stage_documents(project, paths)
    wanted = {d.slug for d in documents} & (set(slugs) or {d.slug for d in documents})
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="word-proxy-") as tmp:
        folder = Path(tmp)
        quarto_project(documents, project, paths, folder)
        reference = write_word_reference(folder / WORD_REFERENCE, [pandoc()])
        files = {}
        for slug in sorted(wanted):
            staged = nbformat.read(folder / f"{slug}.ipynb", as_version=4)
            docx = render_docx(staged, folder / slug, reference)
            files[slug] = out / docx.name
            files[slug].write_bytes(docx.read_bytes())
    return files


def word_pdfs(root: Path, out: Path, slugs: tuple[str, ...] = ()) -> dict[str, Path]:
    """Each document's Word file (`word_files`) as LibreOffice prints it, in `out`."""
    files = word_files(root, out, slugs)
    return to_pdf(list(files.values()), out)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if len(argv) > 1 else Path.cwd()
    return print_findings(word_pdfs(root, Path(argv[-1])))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
