"""The report stage: staging, the nbconvert fallback and the Quarto project it would hand over."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell
from support import REPO, digests

from helpers import render
from helpers.config import load_project
from helpers.paths import Paths

SECRET_SOURCE = "distinctive_source_line = 42"


def tiny_report(title: str) -> nbformat.NotebookNode:
    """A notebook that follows the report conventions: front matter, parameters, callouts, PNG."""
    parameters = new_code_cell('programme = "x"\nroot = ""')
    parameters.metadata["tags"] = ["parameters"]
    return new_notebook(
        cells=[
            new_raw_cell(f'---\ntitle: "{title}"\nlang: nl\n---'),
            parameters,
            new_markdown_cell("::: {.callout-note}\n## Let op\nTekst in een **callout**.\n:::"),
            new_code_cell(
                "#| echo: false\n"
                f"{SECRET_SOURCE}\n"
                "from IPython.display import Markdown, display\n"
                "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                "display(Markdown('::: {.callout-warning}\\n## Synthetische gegevens\\n"
                "Alles is synthetisch.\\n:::'))\n"
                "print('uitkomst', distinctive_source_line * 2)\n"
                "plt.plot([1, 2], [3, 4]); plt.show()"
            ),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )


@pytest.fixture(scope="module")
def project():
    return load_project(Paths.from_root(REPO))


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, Path]:
    """Two notebooks really executed by papermill: a report and a deep dive."""
    folder = tmp_path_factory.mktemp("executed")
    out = {}
    for name, title in (("report", "Jaarrapportage"), ("dive", "Verdieping: eenzaamheid")):
        source = folder / f"{name}_source.ipynb"
        nbformat.write(tiny_report(title), source)
        out[name] = folder / f"{name}.ipynb"
        papermill.execute_notebook(
            str(source),
            str(out[name]),
            parameters={"programme": "overvecht"},
            kernel_name="python3",
            progress_bar=False,
        )
    return out


@pytest.fixture
def paths(project, executed, tmp_path) -> Paths:
    """A project root holding executed notebooks where the analyse and joint stages put them."""
    paths = Paths(tmp_path)
    for key in project.cycle.programmes:
        out = paths.programme_out(key)
        out.mkdir(parents=True)
        shutil.copy(executed["report"], out / render.PROGRAMME_NOTEBOOK)
        for dive in project.programmes[key].deep_dives:
            (out / "deep_dives" / dive).mkdir(parents=True)
            shutil.copy(executed["dive"], out / "deep_dives" / dive / f"{dive}.ipynb")
        paths.indicators_dir.mkdir(parents=True, exist_ok=True)
        paths.indicator_table(key).write_text(
            "programme,suppression_reason,source_modified,synthetic\n" + f"{key},,,True\n"
        )
    paths.joint_out.mkdir(parents=True)
    shutil.copy(executed["report"], paths.joint_out / render.JOINT_NOTEBOOK)
    paths.reports.mkdir()
    shutil.copy(REPO / "reports" / "_quarto.yml", paths.reports / "_quarto.yml")
    return paths


def test_staging_sets_titles_drops_parameters_and_appends_deep_dives(project, paths):
    before = digests(paths.processed)
    documents = {d.slug: d for d in render.stage_documents(project, paths)}
    assert set(documents) == {*project.cycle.programmes, render.JOINT_SLUG}
    overvecht = documents["overvecht"]
    matter = render.front_matter(overvecht.notebook)
    assert matter["title"] == "Samen voor Overvecht — jaarrapportage 2024"
    assert matter["lang"] == "nl" and "docx" in matter["format"]
    tags = [set(c.metadata.get("tags", [])) for c in overvecht.notebook.cells]
    assert not any(t & render.PARAMETER_TAGS for t in tags)
    headings = [c.source for c in overvecht.notebook.cells if c.cell_type == "markdown"]
    assert "## Verdieping: eenzaamheid" in headings
    ids = [c.get("id") for c in overvecht.notebook.cells]
    assert len(ids) == len(set(ids))
    assert digests(paths.processed) == before, "inputs are never modified"


def test_fallback_renders_every_page_without_code(project, paths, monkeypatch):
    monkeypatch.setenv("WIJKMONITOR_RENDERER", "nbconvert")
    messages: list[str] = []
    index = render.render_site(project, paths, log=messages.append)
    assert index == paths.site / "index.html"
    pages = {p.name for p in paths.site.glob("*.html")}
    assert pages == {
        "index.html",
        "gezamenlijk.html",
        *(f"{k}.html" for k in project.cycle.programmes),
    }
    page = (paths.site / "overvecht.html").read_text(encoding="utf-8")
    assert SECRET_SOURCE not in page, "no code in the report"
    assert "uitkomst 84" in page and "data:image/png;base64" in page, "outputs are kept"
    assert "Samen voor Overvecht — jaarrapportage 2024" in page and "lang: nl" not in page
    assert 'class="callout callout-warning"' in page and ":::" not in page
    assert page.count("Verdieping: eenzaamheid") >= 1
    landing = (paths.site / "index.html").read_text(encoding="utf-8")
    assert "Synthetische gegevens" in landing and "nbconvert" in landing
    assert any("quarto not found" in m and "nbconvert" in m for m in messages)
    assert any("quarto.org" in m for m in messages)


def test_forcing_quarto_without_it_is_a_clear_error(project, paths, monkeypatch):
    monkeypatch.setenv("WIJKMONITOR_RENDERER", "quarto")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RuntimeError, match="quarto is not on PATH"):
        render.render_site(project, paths, log=lambda _: None)


def test_failed_render_keeps_the_previous_site(project, paths, monkeypatch):
    monkeypatch.setenv("WIJKMONITOR_RENDERER", "nbconvert")
    render.render_site(project, paths, log=lambda _: None)
    before = digests(paths.site)
    (paths.programme_out("vollenhove") / render.PROGRAMME_NOTEBOOK).unlink()
    with pytest.raises(FileNotFoundError, match="dvc repro analyse@vollenhove"):
        render.render_site(project, paths, log=lambda _: None)
    assert digests(paths.site) == before


def test_quarto_project_holds_config_index_and_notebooks(project, paths, tmp_path):
    documents = render.stage_documents(project, paths)
    folder = tmp_path / "quarto"
    folder.mkdir()
    written = render.quarto_project(documents, project, paths, folder)
    names = {p.name for p in written}
    assert {"_quarto.yml", "index.qmd", "overvecht.ipynb", "gezamenlijk.ipynb"} <= names
    index = (folder / "index.qmd").read_text(encoding="utf-8")
    assert "(overvecht.ipynb)" in index and "callout-warning" in index
    staged = nbformat.read(folder / "overvecht.ipynb", as_version=4)
    assert staged.cells[0].cell_type == "raw" and "jaarrapportage 2024" in staged.cells[0].source


def test_callout_fences_become_boxes():
    text = "voor\n\n::: {.callout-warning}\n## Let op\nInhoud\n:::\n\nna"
    converted = render.callouts_to_html(text)
    assert '<div class="callout callout-warning">' in converted
    assert '<p class="callout-title">Let op</p>' in converted
    assert "Inhoud" in converted and ":::" not in converted and converted.endswith("na")
