"""Issue 24: no developer language on the built pages a commissioner or resident reads.

Every annual report, factsheet, the joint report and the landing page of the session's
cold build (tests/pipeline/conftest.py) is scanned by `reader_language.developer_words`
(file names, code names and config keys, md5 hashes, `dvc`, shell commands, project
paths); only its short list of `EXCEPTIONS` may hold them. The validation page is for
the analysts and is not scanned.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_language import EXCEPTIONS, developer_words

pytestmark = pytest.mark.pipeline
READERS = ("index.html", "gezamenlijk.html")


def reader_pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def test_the_reader_pages_hold_no_developer_language(cold_build):
    root, _ = cold_build
    pages = reader_pages(root / "reports" / "_site")
    names = {p.name for p in pages}
    assert set(READERS) <= names and any(n.endswith("-factsheet.html") for n in names), names
    assert len(EXCEPTIONS) <= 3, "the exceptions stay few, each with its reason"
    found = {p.name: sorted(set(developer_words(p.read_text(encoding="utf-8")))) for p in pages}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_a_file_name_on_a_built_page_fails(cold_build):
    """The boundary file's name back in a map's caption, as it stood before: found."""
    root, _ = cold_build
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    caption = "Grenzen: CBS wijk- en buurtkaart (vereenvoudigd), 2019"
    assert caption in html
    named = html.replace(caption, f"{caption} (buurt_2019_gegeneraliseerd_4gemeenten.geojson", 1)
    assert ("bestandsnaam", "buurt_2019_gegeneraliseerd_4gemeenten.geojson") in developer_words(
        named
    )


def test_the_analysts_appendix_is_marked_and_screen_only(cold_build):
    """The one section of an annual report that may keep technical words says it is for
    analysts and is left out of print; without the mark its words count again."""
    root, _ = cold_build
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    assert "Voor analisten" in html and "celltag_screen-only" in html
    unmarked = html.replace("Voor analisten", "Voor iedereen")
    kinds = {kind for kind, _ in developer_words(unmarked)}
    assert {"md5-hash", "dvc"} <= kinds, kinds
