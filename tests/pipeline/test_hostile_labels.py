"""Issue 29: labels from params are plain text in every built page, every Quarto
source and every export, and stay so through pandoc's Word and Typst writers.

One project copy gets active content in the programme's name, description, place,
goal and effort labels (`<img onerror>`, `<script>`, `[klik](javascript:…)`, and the
spreadsheet formulas `=cmd|…` and `@SUM(…)`) and runs the whole `dvc repro`. Then:

- every HTML page of the site: no element, event handler or javascript: link from a
  label, and the labels shown as text;
- the Quarto project the report stage hands to `quarto render` (index.qmd and the
  staged notebooks), rendered by a real pandoc 3 (the engine Quarto runs) to HTML,
  to Word and to Typst, the Typst compiled to PDF by `typst`: no link, image or
  raw markup from a label in any of them;
- the analysts' CSV and xlsx exports: no cell holding a label starts a formula.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pypandoc
import pytest
import typst
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader
from support import VENV_BIN, copy_built, run

from helpers.config import Paths, load_project
from helpers.report.exports import TABLES_DIR
from helpers.report.render import quarto_project, stage_documents

DVC = str(VENV_BIN / "dvc")
PANDOC = pypandoc.get_pandoc_path()
NAME = "Samen <img src=x onerror=alert(1)>"
DESCRIPTION = "Aanpak <script>alert(2)</script> [lees](javascript:alert(3))"
PLACE = "[Overvecht](javascript:alert(4))"
GOAL = "[klik](javascript:alert(5)) voor meer"
EFFORT = "=cmd|' /C calc'!A0"
GOAL_FORMULA = "@SUM(A1:A9)"
GOAL_IMAGE = "![beeld](x.png) <img src=y onerror=alert(6)>"
FORMULAS = (EFFORT, GOAL_FORMULA)
ALERT = re.compile(r"alert\(\d\)")
IMAGES = ("x", "y", "x.png")


def _hostile(root: Path) -> None:
    path = root / "params" / "programmes" / "overvecht.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document |= {"name": NAME, "description": DESCRIPTION, "place": PLACE}
    goals = document["goals"]
    goals[0]["label"] = GOAL
    goals[0]["efforts"][0]["label"] = EFFORT
    goals[1]["label"] = GOAL_FORMULA
    goals[2]["label"] = GOAL_IMAGE
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def built(cold_build, tmp_path_factory) -> Path:
    root = copy_built(cold_build[0], tmp_path_factory.mktemp("hostile") / "project")
    _hostile(root)
    # the whole cycle, the statement audit included: a label drawn as markup (a live
    # <img> in a table cell) is also a figure the audit cannot attribute
    result = run([DVC, "repro"], root, check=False, timeout=3000)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return root


def test_the_statement_audit_passes_with_hostile_labels(built):
    audit = json.loads((built / "reports" / "audit.json").read_text(encoding="utf-8"))
    assert audit["checked"] > 1000
    assert (audit["disagree"], audit["unattributed"]) == (0, 0), audit["findings"][:5]


def live_content(page: str) -> list[str]:
    """Active content from a label in an HTML page: elements, handlers, links."""
    soup = BeautifulSoup(page, "html.parser")
    found = [str(t)[:80] for t in soup.find_all("img") if t.get("src") in IMAGES]
    found += [str(t)[:80] for t in soup.find_all("script") if ALERT.search(t.get_text())]
    for tag in soup.find_all(True):
        found += [
            f"{tag.name} {k}"
            for k, v in tag.attrs.items()
            if k.startswith("on") and ALERT.search(v)
        ]
        for attribute in ("href", "src", "action", "formaction"):
            value = str(tag.get(attribute) or "")
            if re.match(r"\s*javascript:", value, re.IGNORECASE):
                found.append(f"{tag.name} {attribute}={value[:40]}")
    return found


def test_no_label_is_live_in_any_built_page(built):
    pages = sorted((built / "reports" / "_site").rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert live_content(text) == [], page
    landing = (built / "reports" / "_site" / "index.html").read_text(encoding="utf-8")
    report = (built / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    shown = BeautifulSoup(landing, "html.parser").get_text(" ")
    assert "onerror=alert(1)" in shown, "the name is shown as text, not dropped"
    words = " ".join(BeautifulSoup(report, "html.parser").get_text(" ").split())
    for label in ("[klik](javascript:alert(5))", "@SUM(A1:A9)", "onerror=alert(6)"):
        assert label in words, label


def test_the_live_content_check_finds_live_content():
    """The check above is not blind: a page with the raw labels fails it."""
    page = f"<p>{NAME}</p><a href='javascript:alert(3)'>x</a><script>alert(2)</script>"
    assert len(live_content(page)) == 4


def _quarto_sources(root: Path, folder: Path) -> list[Path]:
    paths = Paths.from_root(root)
    project = load_project(paths)
    folder.mkdir(parents=True)
    written = quarto_project(stage_documents(project, paths), project, paths, folder)
    return [p for p in written if p.suffix in (".ipynb", ".qmd")]


def quarto_markdown(source: Path, media: Path) -> str:
    """The Markdown Quarto makes of a staged notebook before pandoc reads it.

    As Quarto does (`keep-md`): markdown and raw cells as written, each output's
    `text/markdown` as Markdown, `text/html` as a raw HTML block, images as files.
    Code is not shown (`echo: false`). pandoc's own ipynb reader drops markdown
    outputs, so it would not test what Quarto renders.
    """
    if source.suffix == ".qmd":
        return source.read_text(encoding="utf-8")
    media.mkdir(exist_ok=True)
    parts: list[str] = []
    for number, cell in enumerate(nbformat.read(source, as_version=4).cells):
        if cell.cell_type in ("markdown", "raw"):
            parts.append(cell.source)
            continue
        for index, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if "text/markdown" in data:
                parts.append(data["text/markdown"])
            elif "image/png" in data:
                image = media / f"{number}-{index}.png"
                image.write_bytes(base64.b64decode(data["image/png"]))
                parts.append(f"![]({media.name}/{image.name})")
            elif "text/html" in data:
                parts.append(f"```{{=html}}\n{data['text/html']}\n```")
    return "\n\n".join(parts)


def _pandoc(source: Path, target: str, out: Path) -> Path:
    """pandoc (the engine Quarto runs) from Markdown to `target`, in `out`'s folder."""
    subprocess.run(
        # -citations: Quarto resolves its cross-references (@fig-…) itself
        [PANDOC, "-f", "markdown-citations", "-t", target, "-s", str(source), "-o", out.name],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=out.parent,
    )
    return out


def test_quarto_sources_stay_plain_through_pandoc_html_word_and_typst(built, tmp_path):
    sources = _quarto_sources(built, tmp_path / "quarto")
    names = {p.name for p in sources}
    assert {"index.qmd", "overvecht.ipynb", "gezamenlijk.ipynb"} <= names, names
    for source in sources:
        stem = source.with_name(f"rendered-{source.stem}")  # beside it: its figures resolve
        markdown = stem.with_suffix(".md")
        markdown.write_text(
            quarto_markdown(source, source.with_name(f"media-{source.stem}")), "utf-8"
        )
        html_page = _pandoc(markdown, "html", stem.with_suffix(".html"))
        assert live_content(html_page.read_text(encoding="utf-8")) == [], source.name
        with zipfile.ZipFile(_pandoc(markdown, "docx", stem.with_suffix(".docx"))) as word:
            rels = [word.read(n).decode("utf-8") for n in word.namelist() if n.endswith("rels")]
            document = word.read("word/document.xml").decode("utf-8")
        assert not any("javascript" in r.lower() for r in rels), f"{source.name}: a link"
        assert "javascript:alert" not in document.replace("&amp;", "&") or (
            "HYPERLINK" not in document
        )
        typ = _pandoc(markdown, "typst", stem.with_suffix(".typ"))
        text = typ.read_text(encoding="utf-8")
        assert not re.search(r"#link\(\"javascript", text), source.name
        assert not re.search(r"image\(\"(x|y|x\.png)\"", text), source.name
        links = pdf_links(typst.compile(str(typ)))
        assert [x for x in links if x.lower().startswith("javascript") or x in IMAGES] == []
    words = (tmp_path / "quarto" / "rendered-overvecht.typ").read_text("utf-8").replace("\\", "")
    assert "javascript:alert(5)" in words, "the label is kept, as text"


def pdf_links(pdf: bytes) -> list[str]:
    """The targets of the link annotations that are not the document's own (#…)."""
    links = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            target = str(action.get("/URI", ""))
            if target and not target.startswith("#"):
                links.append(target)
    return links


def test_the_pandoc_check_finds_a_live_link(tmp_path):
    """Unescaped, the same label becomes a link in every writer the test reads."""
    markdown = tmp_path / "raw.md"
    markdown.write_text(f"### {GOAL}\n\n{NAME}\n", encoding="utf-8")
    assert live_content(_pandoc(markdown, "html", tmp_path / "raw.html").read_text("utf-8"))
    with zipfile.ZipFile(_pandoc(markdown, "docx", tmp_path / "raw.docx")) as word:
        rels = word.read("word/_rels/document.xml.rels").decode("utf-8")
    assert "javascript" in rels.lower()
    typ = _pandoc(markdown, "typst", tmp_path / "raw.typ")
    assert re.search(r"#link\(\"javascript", typ.read_text(encoding="utf-8"))
    assert pdf_links(typst.compile(str(typ))) == ["javascript:alert(5)"]


def test_no_export_cell_holding_a_label_starts_a_formula(built):
    tables = built / "reports" / "_site" / TABLES_DIR
    cells: list[str] = []
    for path in tables.rglob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        delimiter = ";" if text.count(";") > text.count(",") else ","
        cells += [c for row in csv.reader(text.splitlines(), delimiter=delimiter) for c in row]
    for path in tables.rglob("*.xlsx"):
        book = openpyxl.load_workbook(path)
        cells += [
            str(cell.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    labelled = [c for c in cells if any(f[1:] in c for f in FORMULAS)]
    assert labelled, "the labels reach the exports"
    assert [c for c in labelled if c.startswith(("=", "+", "-", "@"))] == []
