"""The residents' factsheet's locator map: drawn small from the real boundaries in
../shared (params/report.yaml), the programme area among its gemeente's areas, and a
note in its place when the boundaries are missing: the factsheet builds either way."""

from __future__ import annotations

import pandas as pd
import pytest
from PIL import Image

from helpers.config import Paths, load_project
from helpers.report import factsheet, maps
from helpers.report.plots import DPI
from helpers.report.programme import ProgrammeContext


def _context(root, key: str, params_root=None) -> ProgrammeContext:
    """The shipped params; boundaries from `params_root`/params/report.yaml if given."""
    project = load_project(Paths.from_root(root))
    paths = Paths.from_root(params_root or root)
    return ProgrammeContext(paths, project, project.programmes[key], pd.DataFrame(), pd.DataFrame())


@pytest.mark.parametrize("key", ["overvecht", "soesterkwartier", "vollenhove", "betere_buurten"])
def test_each_programme_gets_a_small_locator_map(shared_cbs, repo_root, tmp_path, key):
    ctx = _context(repo_root, key)
    drawn = maps.factsheet_map(ctx, tmp_path / "kaart.png")
    assert drawn.output is not None, drawn.notes
    with Image.open(drawn.output.path) as image:
        width, height = image.width / DPI, image.height / DPI
        description = image.info.get("Description", "")
    # print-sized: the factsheet must stay on two A4 pages (legend beside the map,
    # within the 6.3 in between the print margins)
    assert height <= maps.FACTSHEET_MAP_SIZE + 0.2 and width <= 5.5
    assert description == drawn.output.alt
    assert drawn.output.alt.startswith(f"Kaart van {ctx.gemeente_name} met het programmagebied")
    # a fallback is never silent: the 2019 boundaries in a 2024 factsheet
    assert "De grenzen op de kaart zijn van 2019." in factsheet.map_sentence(ctx, drawn)


def test_buurten_without_boundaries_are_drawn_as_their_wijken_and_said_so(
    shared_cbs, repo_root, tmp_path
):
    """Betere Buurten's 2024 buurten are not in the 2019 kaart (Nieuwegein's new layout)."""
    ctx = _context(repo_root, "betere_buurten")
    drawn = maps.factsheet_map(ctx, tmp_path / "kaart.png")
    assert drawn.output is not None and drawn.as_wijken and drawn.level == "wijken"
    assert "Getekend: de wijken" in drawn.notes
    sentence = factsheet.map_sentence(ctx, drawn)
    assert "Op de kaart staan de wijken waar de buurten van het programma in liggen." in sentence
    vollenhove = maps.factsheet_map(_context(repo_root, "vollenhove"), tmp_path / "v.png")
    assert not vollenhove.as_wijken and vollenhove.level == "buurten"


def test_missing_boundaries_give_the_note_and_no_map(repo_root, tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "report.yaml").write_text(
        "boundaries:\n  - file: data/raw/boundaries/weg.geojson\n    year: 2024\n"
        "    level: wijk\n  - file: data/raw/boundaries/weg.geojson\n    year: 2024\n"
        "    level: buurt\n",
        encoding="utf-8",
    )
    drawn = maps.factsheet_map(_context(repo_root, "overvecht", tmp_path), tmp_path / "kaart.png")
    assert drawn.output is None and not (tmp_path / "kaart.png").exists()
    assert drawn.notes.startswith("Geen kaart: geen grenzen gevonden voor dit gebied.")
    assert "weg.geojson" in drawn.notes and "ontbreekt" in drawn.notes


def test_the_intro_and_the_map_are_one_block_at_the_maps_printed_size(
    shared_cbs, repo_root, tmp_path
):
    ctx = _context(repo_root, "overvecht")
    drawn = maps.factsheet_map(ctx, tmp_path / "kaart.png")
    bundle = factsheet.intro_with_map(ctx, drawn, "figuren/overvecht", DPI)._repr_mimebundle_()
    html = bundle["text/html"]
    assert (
        html.startswith('<section class="wm-figure wm-intro-map"') and "break-inside:avoid" in html
    )
    assert f"{factsheet.intro_sentence(ctx)} De grenzen op de kaart zijn van 2019.</p>" in html
    with Image.open(drawn.output.path) as image:
        assert f"width:{round(image.width / DPI, 2)}in" in html, "printed at its drawn size"
    assert 'alt="Kaart van Utrecht met het programmagebied' in html
    assert "![](figuren/overvecht/kaart.png)" in bundle["text/markdown"]


def test_without_boundaries_the_intro_is_followed_by_the_note(repo_root, tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "report.yaml").write_text("boundaries: null\n", encoding="utf-8")
    ctx = _context(repo_root, "overvecht", tmp_path)
    drawn = maps.factsheet_map(ctx, tmp_path / "kaart.png")
    bundle = factsheet.intro_with_map(ctx, drawn, "figuren/overvecht", DPI)._repr_mimebundle_()
    assert "<img" not in bundle["text/html"]
    assert "<em>Geen kaart: geen grenzen gevonden voor dit gebied." in bundle["text/html"]
