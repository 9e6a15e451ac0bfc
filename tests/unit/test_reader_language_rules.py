"""The scan for developer language (tests/reader_language.py) on small pages: it finds
each kind of word, and leaves only the marked analysts' appendix and a draft's banner."""

from __future__ import annotations

import pytest
from reader_language import developer_words

APPENDIX = (
    "<div class='celltag_screen-only'><h3>Reproduceerbaarheid</h3><p>{mark} Wat nodig is: "
    "de hashes in dvc.lock.</p></div><div class='celltag_screen-only'><table><tr><td>"
    "data/raw/cbs</td><td>97132a8f2f8bcf7ca8e3a0d6df86c969</td></tr></table></div>"
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Grenzen: buurt_2019_gegeneraliseerd_4gemeenten.geojson.", "bestandsnaam"),
        ("Bron: cbs.health_table.", "codenaam of sleutel"),
        ("Draai dvc repro opnieuw.", "dvc"),
        ("Hash 97132a8f2f8bcf7ca8e3a0d6df86c969.", "md5-hash"),
        ("Maak het met make demo.", "opdracht"),
        ("Zie params/cycle.yaml.", "pad"),
    ],
)
def test_each_kind_of_developer_word_is_found(text, kind):
    assert kind in {k for k, _ in developer_words(f"<p>{text}</p>")}


def test_plain_dutch_passes():
    html = (
        "<p>Grenzen: CBS wijk- en buurtkaart (vereenvoudigd), 2019. Bron: CBS/Kadaster, "
        "CC BY 4.0. In 2024 voelden 71 van de 100 volwassenen zich gezond (t.o.v. 2020).</p>"
        "<img alt='Lijngrafiek van eenzaam (18+) (procent).'>"
    )
    assert developer_words(html) == []


def test_an_alt_text_is_read_too():
    assert developer_words("<img alt='Kaart uit wijk_2016_4gemeenten.geojson'>")


def test_only_a_marked_analysts_appendix_is_left_out():
    assert developer_words(APPENDIX.format(mark="Voor analisten.")) == []
    assert developer_words(APPENDIX.format(mark=""))


def test_a_drafts_banner_is_left_out_but_not_the_page_around_it():
    banner = (
        "<div class='callout'><p class='callout-title'>CONCEPT: niet voor publicatie</p>"
        "<p>niet-vastgelegde wijzigingen in git: params/report.yaml.</p></div>"
    )
    assert developer_words(banner) == []
    assert developer_words(banner + "<p>Zie params/report.yaml.</p>")
