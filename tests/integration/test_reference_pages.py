"""The analysts' reference page: `make reference` runs pdoc over the notebook helpers."""

from __future__ import annotations

import doctest
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from support import REPO, pipeline_env

from helpers.report import dutch
from helpers.runtime.reference import ANALYST_MODULES


def text_of(page: Path) -> str:
    """The page's visible text, one space between words."""
    html = page.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The pages as `make reference` writes them (into a temporary folder)."""
    out = tmp_path_factory.mktemp("reference")
    result = subprocess.run(
        ["make", "-s", "reference", f"REFERENCE_DIR={out}"],
        cwd=REPO,
        env=pipeline_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_index_lists_the_modules_a_notebook_calls(reference):
    index = text_of(reference / "index.html")
    for module in ANALYST_MODULES:
        assert module in index
        assert (reference / f"{module.replace('.', '/')}.html").is_file()
    assert "helpers.cli" not in index and "helpers.stages.analyse" not in index


def test_format_value_shows_its_units_with_examples(reference):
    page = text_of(reference / "helpers" / "report" / "dutch.html")
    assert "format_value" in page
    for unit, shown in [
        ("procent", "47,5%"),
        ("aantal", "1.189"),
        ("euro", "€ 800.000"),
        ("duizend_euro", "€ 312.000"),
        ("per_1000", "12,3"),
    ]:
        assert ">>> format_value(" in page
        assert unit in page and f"'{shown}'" in page


def test_programme_context_lists_its_fields_and_the_loaders_show_a_call(reference):
    page = text_of(reference / "helpers" / "report.html")
    for field in ["paths", "project", "programme", "table", "notes", "gemeente_name"]:
        assert f"{field}:" in page or f"{field}`" in page or f" {field} " in page
    assert 'ctx = report.programme_context(root, "overvecht")' in page
    assert "project, table = report.load_joint(root)" in page
    paths_page = text_of(reference / "helpers" / "config" / "paths.html")
    assert 'figures = figures_dir(out_dir, root, programme, "verdiepingen")' in paths_page


def test_the_examples_in_the_reference_are_what_the_code_returns():
    failed, tried = doctest.testmod(dutch)
    assert tried >= 7 and failed == 0
