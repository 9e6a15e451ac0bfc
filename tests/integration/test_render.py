"""The report stage: staging, the nbconvert fallback and the Quarto project it would hand over."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell
from support import REPO, digests, pipeline_env

from helpers.config import Paths
from helpers.indicators.stats import SUMMARY_COLUMNS
from helpers.report import render
from helpers.report.exports import TABLES_DIR
from helpers.runtime import provenance
from helpers.runtime.notebooks import FACTSHEET_DIR, FACTSHEET_NOTEBOOK

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


def make_root(project, executed, root: Path, synthetic: bool = True) -> Paths:
    """A project root holding executed notebooks where the analyse and joint stages put them."""
    paths = Paths(root)
    for key in project.cycle.programmes:
        out = paths.programme_out(key)
        out.mkdir(parents=True)
        shutil.copy(executed["report"], out / render.PROGRAMME_NOTEBOOK)
        for dive in project.programmes[key].deep_dives:
            (out / "deep_dives" / dive).mkdir(parents=True)
            shutil.copy(executed["dive"], out / "deep_dives" / dive / f"{dive}.ipynb")
        (out / FACTSHEET_DIR).mkdir()
        shutil.copy(executed["report"], out / FACTSHEET_DIR / FACTSHEET_NOTEBOOK)
        (out / TABLES_DIR).mkdir()
        for suffix in ("csv", "xlsx"):
            (out / TABLES_DIR / f"{key}_indicatoren.{suffix}").write_text(f"{key} {suffix}\n")
        paths.summaries_dir.mkdir(parents=True, exist_ok=True)
        paths.summary_table(key).write_text(",".join(SUMMARY_COLUMNS) + "\n")
        paths.indicators_dir.mkdir(parents=True, exist_ok=True)
        paths.indicator_table(key).write_text(
            "programme,suppression_reason,source_modified,synthetic\n" + f"{key},,,{synthetic}\n"
        )
    paths.joint_out.mkdir(parents=True)
    shutil.copy(executed["report"], paths.joint_notebook())
    paths.reports.mkdir()
    shutil.copy(REPO / "reports" / "_quarto.yml", paths.reports / "_quarto.yml")
    shutil.copytree(REPO / "params", paths.params)
    shutil.copy(REPO / "dvc.yaml", paths.root / "dvc.yaml")
    return paths


@pytest.fixture
def paths(project, executed, tmp_path) -> Paths:
    return make_root(project, executed, tmp_path)


def test_staging_sets_titles_drops_parameters_and_appends_deep_dives(project, paths):
    before = digests(paths.processed)
    documents = {d.slug: d for d in render.stage_documents(project, paths)}
    factsheets = {f"{k}{render.FACTSHEET_SUFFIX}" for k in project.cycle.programmes}
    assert set(documents) == {*project.cycle.programmes, *factsheets, render.JOINT_SLUG}
    overvecht = documents["overvecht"]
    matter = render.front_matter(overvecht.notebook)
    assert matter["title"] == "CONCEPT — Samen voor Overvecht — jaarrapportage 2024"
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
        *(f"{k}-factsheet.html" for k in project.cycle.programmes),
    }
    tables = {p.name for p in (paths.site / TABLES_DIR).iterdir()}
    assert tables == {
        f"{k}_indicatoren.{s}" for k in project.cycle.programmes for s in ("csv", "xlsx")
    }
    page = (paths.site / "overvecht.html").read_text(encoding="utf-8")
    assert SECRET_SOURCE not in page, "no code in the report"
    assert "uitkomst 84" in page and "data:image/png;base64" in page, "outputs are kept"
    assert "Samen voor Overvecht — jaarrapportage 2024" in page and "lang: nl" not in page
    assert "cdnjs" not in page and "<script" not in page, "no scripts, nothing from the network"
    assert '<html lang="nl">' in page
    assert 'class="callout callout-warning"' in page and ":::" not in page
    assert page.count("Verdieping: eenzaamheid") >= 1
    landing = (paths.site / "index.html").read_text(encoding="utf-8")
    assert "Synthetische gegevens" in landing and "nbconvert" in landing
    assert landing.count("<main>") == 1 and "<footer>" in landing, "landmarks for axe-core"
    links = re.findall(r'<a href="(tabellen/overvecht_[^"]+)">([^<]+)</a>', landing)
    assert (
        "tabellen/overvecht_indicatoren_excel-nl.csv",
        "indicatoren (CSV voor Nederlandse Excel)",
    ) in links and len({text for _, text in links}) == len(links) == 7
    assert "text-decoration:underline" in page, "links in text are underlined"
    assert any("quarto not found" in m and "nbconvert" in m for m in messages)
    assert any("quarto.org" in m for m in messages)
    assert any("draft (CONCEPT" in m and "synthetisch" in m for m in messages)


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
    with pytest.raises(FileNotFoundError, match="dvc repro analyse"):
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
    assert "(overvecht.ipynb)" in index and "SYNTHETISCHE demogegevens" in index
    assert "CONCEPT: niet voor publicatie" in index and "body::after{content:'CONCEPT'" in index
    assert (
        "(overvecht-factsheet.ipynb)" in index and "(tabellen/overvecht_indicatoren.xlsx)" in index
    )
    assert (folder / TABLES_DIR / "overvecht_indicatoren.csv").is_file()
    staged = nbformat.read(folder / "overvecht.ipynb", as_version=4)
    assert staged.cells[0].cell_type == "raw" and "jaarrapportage 2024" in staged.cells[0].source
    matter = render.front_matter(staged)
    assert set(matter["format"]) == {"html", "docx", "typst"}
    assert "CONCEPT" in matter["format"]["typst"]["include-in-header"]["text"]
    assert "CONCEPT" in matter["format"]["html"]["include-in-header"]["text"]
    factsheet = render.front_matter(nbformat.read(folder / "overvecht-factsheet.ipynb", 4))
    assert factsheet["format"]["typst"]["papersize"] == "a4" and factsheet["toc"] is False


def test_callout_fences_become_boxes():
    text = "voor\n\n::: {.callout-warning}\n## Let op\nInhoud\n:::\n\nna"
    converted = render.callouts_to_html(text)
    assert '<div class="callout callout-warning">' in converted
    assert '<p class="callout-title">Let op</p>' in converted
    assert "Inhoud" in converted and ":::" not in converted and converted.endswith("na")


def commit_all(root: Path) -> None:
    """Make `root` a git repository with everything committed (real git)."""
    env = {**pipeline_env()}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "cycle"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)


def write_lock(project, paths: Paths) -> None:
    """A dvc.lock that records every stage, with the real hash of a params file."""
    stages = {name: {"cmd": name} for name in provenance.pipeline_stages(paths.root, project)}
    overvecht = paths.programme_file("overvecht")
    stages["analyse"]["deps"] = [
        {"path": str(overvecht.relative_to(paths.root)), "md5": provenance.file_md5(overvecht)}
    ]
    stages["indicators"]["params"] = {"params/cycle.yaml": {"cycle.year": 2024}}
    (paths.root / "dvc.lock").write_text(yaml.safe_dump({"schema": "2.0", "stages": stages}))


def test_final_reports_carry_no_watermark_and_a_change_makes_them_concept(
    project, executed, tmp_path, monkeypatch
):
    monkeypatch.setenv("WIJKMONITOR_RENDERER", "nbconvert")
    paths = make_root(project, executed, tmp_path / "final", synthetic=False)
    write_lock(project, paths)
    commit_all(paths.root)
    assert provenance.draft_reasons(project, paths, synthetic=False) == []
    render.render_site(project, paths, log=lambda _: None)
    for page in paths.site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "CONCEPT" not in text, page.name

    programme = paths.programme_file("overvecht")
    programme.write_text(programme.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    reasons = provenance.draft_reasons(project, paths, synthetic=False)
    assert any("niet-vastgelegde" in r and "params/programmes/overvecht.yaml" in r for r in reasons)
    assert any("overvecht.yaml wijkt af van dvc.lock" in r for r in reasons)
    render.render_site(project, paths, log=lambda _: None)
    for page in paths.site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "body::after{content:'CONCEPT'" in text, page.name
        if page.name.endswith("-factsheet.html"):
            assert "nog niet klaar" in text and "dvc.lock" not in text, "plain words for residents"
        else:
            assert "overvecht.yaml" in text, page.name


def test_a_changed_parameter_or_missing_stage_is_not_up_to_date(project, executed, tmp_path):
    paths = make_root(project, executed, tmp_path / "lock", synthetic=False)
    write_lock(project, paths)
    assert provenance.lock_mismatches(paths.root, project) == []
    cycle = paths.cycle_file
    cycle.write_text(cycle.read_text(encoding="utf-8").replace("year: 2024", "year: 2023", 1))
    assert provenance.lock_mismatches(paths.root, project) == [
        "parameter cycle.year in params/cycle.yaml wijkt af van dvc.lock"
    ]
    lock = yaml.safe_load((paths.root / "dvc.lock").read_text())
    lock["stages"].pop("audit", None)  # reads the reports: not upstream of them
    (paths.root / "dvc.lock").write_text(yaml.safe_dump(lock))
    assert provenance.lock_mismatches(paths.root, project) == [
        "parameter cycle.year in params/cycle.yaml wijkt af van dvc.lock"
    ]
    del lock["stages"]["joint"]
    (paths.root / "dvc.lock").write_text(yaml.safe_dump(lock))
    assert "stage joint staat niet in dvc.lock" in provenance.lock_mismatches(paths.root, project)
    (paths.root / "dvc.lock").unlink()
    assert "dvc.lock ontbreekt" in provenance.lock_mismatches(paths.root, project)[0]
    assert any("niet in git" in r for r in provenance.draft_reasons(project, paths, False))


def test_crossrefs_become_numbered_captions_and_links_in_the_fallback():
    cells = [
        new_markdown_cell("Zie @tbl-oogopslag en @tbl-kerncijfers, niet @tbl-onbekend."),
        new_code_cell('#| echo: false\n#| label: tbl-oogopslag\n#| tbl-cap: "In één oogopslag"\nx'),
        new_code_cell("#| echo: false\ny"),
        new_code_cell('#| label: tbl-kerncijfers\n#| tbl-cap: "Kerncijfers"\nz'),
    ]
    assert render.cell_options(cells[1]) == {
        "echo": False,
        "label": "tbl-oogopslag",
        "tbl-cap": "In één oogopslag",
    }
    result = render.crossrefs_to_html(cells)
    assert [c.cell_type for c in result] == [
        "markdown",
        "markdown",
        "code",
        "code",
        "markdown",
        "code",
    ]
    assert result[0].source == (
        "Zie [Tabel 1](#tbl-oogopslag) en [Tabel 2](#tbl-kerncijfers), niet @tbl-onbekend."
    )
    assert result[1].source == (
        '<p class="wm-caption" id="tbl-oogopslag"><strong>Tabel 1</strong>: In één oogopslag</p>'
    )
    assert 'id="tbl-kerncijfers"><strong>Tabel 2</strong>: Kerncijfers' in result[4].source


def test_tables_get_captions_and_column_scopes():
    body = (
        '<h2 id="k">Kerncijfers<a class="anchor-link" href="#k">¶</a></h2>'
        '<p class="wm-caption" id="tbl-kern"><strong>Tabel 1</strong>: Kern</p>'
        "<div><table>\n<thead><tr><th>a</th><th>b</th></tr></thead>"
        "<tbody><tr><td>1</td><td>2</td></tr></tbody></table></div>"
        "<h3>Bronnen</h3><table><thead><tr><th>bron</th></tr></thead></table>"
        '<p class="wm-caption" id="tbl-leeg">Leeg</p><p><em>Geen gegevens.</em></p>'
        "<h3>Logboek</h3><table><thead><tr><th>datum</th></tr></thead></table>"
    )
    out = render.accessible_tables(body)
    assert (
        '<table><caption class="wm-caption" id="tbl-kern"><strong>Tabel 1</strong>: Kern'
        "</caption>" in out
    ), "the numbered caption moves into its table, keeping the cross-reference id"
    assert '<p class="wm-caption" id="tbl-kern">' not in out
    assert "<table><caption>Tabel bij: Bronnen</caption>" in out
    assert '<p class="wm-caption" id="tbl-leeg">Leeg</p>' in out, "no table: caption stays"
    assert "<table><caption>Tabel bij: Logboek</caption>" in out
    assert out.count('<th scope="col">') == 4 and "<thead>" in out
