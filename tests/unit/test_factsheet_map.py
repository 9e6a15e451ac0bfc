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
    sentence = factsheet.map_sentence(ctx, drawn.level, drawn.notes)
    assert f"Het blauwe deel is {factsheet.place_name(ctx)}" in sentence
    assert drawn.notes in sentence, "a fallback (older boundaries, wijken) is never silent"


def test_the_2019_boundaries_are_said_to_be_older_than_the_report(shared_cbs, repo_root, tmp_path):
    drawn = maps.factsheet_map(_context(repo_root, "overvecht"), tmp_path / "kaart.png")
    assert "De grenzen zijn van 2019" in drawn.notes


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
