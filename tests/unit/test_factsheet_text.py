"""The residents' factsheet sentences (B1), on constructed values, and the contact key."""

from __future__ import annotations

import math
import re
import shutil

import matplotlib
import pandas as pd
import pytest
import yaml
from support import REPO

from helpers import report
from helpers.config import Contact, ParamsError, Paths, load_project
from helpers.report import factsheet, plots

matplotlib.use("Agg")
HEALTH = factsheet.SHARES["ervaren_gezondheid"]


def test_a_share_names_the_place_its_year_and_the_gemeente():
    text = factsheet.share_sentence(HEALTH, "Overvecht", 2024, 70.9, ("Utrecht", 72.6))
    assert text == (
        "In 2024 voelen 71 van de 100 volwassenen in Overvecht zich gezond. "
        "In heel Utrecht zijn dat er 73 van de 100."
    )
    alone = factsheet.share_sentence(HEALTH, "Overvecht", 2023, 50.5, None)
    assert alone == "In 2023 voelen 51 van de 100 volwassenen in Overvecht zich gezond."


@pytest.mark.parametrize(
    ("before", "now", "p_value", "significant", "expected"),
    [
        (
            55.0,
            60.0,
            0.01,
            True,
            "In 2020 waren het er 55 van de 100, dus in 2024 zijn het er "
            "meer. Dat is waarschijnlijk een echte verandering.",
        ),
        (
            61.0,
            60.0,
            0.4,
            False,
            "In 2020 waren het er 61 van de 100, dus in 2024 zijn het er "
            "minder. Dat verschil kan toeval zijn.",
        ),
        (60.2, 59.8, 0.9, False, "In 2020 waren het er ook 60 van de 100."),
        (
            40.0,
            45.0,
            math.nan,
            None,
            "In 2020 waren het er 40 van de 100, dus in 2024 zijn het er meer.",
        ),
    ],
)
def test_the_change_is_said_in_words_with_whether_it_may_be_chance(
    before, now, p_value, significant, expected
):
    assert factsheet.change_sentence(2020, before, 2024, now, p_value, significant) == expected


def test_registrations_are_sentences_with_their_own_year_and_dutch_numbers():
    counts = factsheet.COUNTS
    assert (
        factsheet.count_sentence(counts["deelnemers"], 2024, 1189.0, "aantal")
        == "In 2024 deden mensen 1.189 keer mee aan die activiteiten."
    )
    assert (
        factsheet.count_sentence(counts["activiteiten"], 2023, 1.0, "aantal")
        == "In 2023 was er 1 activiteit in de buurt."
    )
    assert (
        factsheet.count_sentence(counts["budget"], 2024, 428200.0, "euro")
        == "In 2024 gaf het programma € 428.200 uit."
    )


def test_contact_names_the_organisation_and_each_way_to_reach_it():
    everything = Contact(
        organisation="Buurtteam Noord",
        email="info@buurtteam.nl",
        phone="030 123 45 67",
        website="https://buurtteam.nl",
    )
    assert factsheet.contact_sentence(everything, "Utrecht") == (
        "Heeft u vragen of ideeën? Neem dan contact op met Buurtteam Noord: mail naar "
        "info@buurtteam.nl, bel 030 123 45 67 of kijk op https://buurtteam.nl."
    )
    mail = Contact(organisation="Wijkbureau", email="wijk@gemeente.nl")
    assert factsheet.contact_sentence(mail, "Utrecht").endswith(
        "contact op met Wijkbureau: mail naar wijk@gemeente.nl."
    )
    assert factsheet.contact_sentence(None, "Zeist") == (
        "Heeft u vragen of ideeën? Neem dan contact op met de gemeente Zeist."
    )


def test_b1_wording_has_no_jargon_labels_or_colons():
    for indicator_id, wording in factsheet.SHARES.items():
        text = factsheet.share_sentence(wording, "Vollenhove", 2024, 33.3, ("Zeist", 30.0))
        for jargon in ("18+", "Ervaren", "Aandeel", "(", ":", "%"):
            assert jargon not in wording.title + text, (indicator_id, jargon)
        assert wording.title.startswith("Hoeveel ") and wording.title.endswith("?")
    for indicator_id, count in factsheet.COUNTS.items():
        for template in (count.plural, count.singular):
            assert "{year}" in template and "{n}" in template, indicator_id
            assert not re.search(r"traject|vroegsignalering|:", template, re.I), indicator_id


def test_percentage_charts_share_one_0_to_100_scale_and_text_of_at_least_9_pt():
    small = plots.comparison_bars([("Overvecht", 12.0), ("Utrecht", 14.0)], "t", "procent")
    large = plots.comparison_bars([("Overvecht", 82.0), ("Utrecht", 74.0)], "t", "procent")
    for fig in (small, large):
        ax = fig.axes[0]
        assert ax.get_xlim() == (0.0, 100.0)
        texts = [*ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels(), ax.title]
        assert min(t.get_fontsize() for t in texts if t.get_text()) >= 9


def test_a_figure_block_is_unbreakable_in_typst_and_printed_at_its_own_size(tmp_path):
    fig = plots.comparison_bars([("Overvecht", 52.9)], "Van elke 100 (2024)", "procent")
    png = plots.save_figure(fig, tmp_path / "eenzaamheid.png")
    block = factsheet.FactsheetFigure(
        "Hoeveel volwassenen voelen zich eenzaam?",
        png,
        "factsheet-figuren/overvecht/eenzaamheid.png",
        'Staafjes "0 tot 100"',
        "In 2024 voelen 53 van de 100 volwassenen in Overvecht zich eenzaam.",
        plots.DPI,
    )
    bundle = block._repr_mimebundle_()
    width = block.width_in()
    assert 3 < width < 6.7, "fits the text width of A4"
    assert bundle["text/markdown"].startswith('::: {.block breakable="false"}\n### Hoeveel')
    assert f'{{width="{width}in"' in bundle["text/markdown"]
    assert "factsheet-figuren/overvecht/eenzaamheid.png" in bundle["text/markdown"]
    assert '<section class="wm-figure"><h3>' in bundle["text/html"]
    assert f"width:{width}in" in bundle["text/html"]


@pytest.fixture
def params_copy(tmp_path):
    for folder in ("params", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Paths.from_root(tmp_path)


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ({"organisation": "Wijkbureau"}, r"key contact: give at least one of `email`"),
        ({"organisation": "W", "email": "wijk at utrecht"}, r"key contact\.email: expected an"),
        ({"organisation": "W", "phone": "bel ons"}, r"key contact\.phone: expected a phone"),
        ({"organisation": "W", "website": "www.x.nl"}, r"key contact\.website: expected a web"),
        ({"email": "a@b.nl"}, r"key contact\.organisation: Field required"),
        ({"organisation": "W", "email": "a@b.nl", "naam": "Piet"}, r"key contact\.naam"),
    ],
)
def test_a_bad_contact_names_the_file_and_the_key(params_copy, contact, message):
    path = params_copy.programme_file("overvecht")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["contact"] = contact
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"overvecht\.yaml: invalid parameters\n.*" + message):
        load_project(params_copy)


def test_the_demo_programmes_name_their_place_and_overvecht_its_contact():
    project = load_project(Paths.from_root(REPO))
    places = {key: p.place for key, p in project.programmes.items()}
    assert all(places.values()) and all(p != project.programmes[k].name for k, p in places.items())
    contact = project.programmes["overvecht"].contact
    assert contact is not None and contact.email and contact.organisation


def _banner_context(rows: list[tuple[str, str, bool]], counts: float | None = None):
    """Rows with a published value each; the registration `deelnemers` has `counts`."""
    paths = Paths.from_root(REPO)
    project = load_project(paths)
    table = pd.DataFrame(rows, columns=["indicator_id", "source", "synthetic"]).assign(
        area_role="programma", year=2024, suppressed=False, value=1.0
    )
    table.loc[table["indicator_id"].eq("deelnemers"), "value"] = counts
    return report.ProgrammeContext(
        paths, project, project.programmes["overvecht"], table, pd.DataFrame()
    )


def test_the_residents_notice_names_whose_figures_are_real_and_whose_are_made_up():
    mixed = _banner_context(
        [
            ("inwoners_65plus", "cbs_kwb:85984NED", False),
            ("ervaren_gezondheid", "survey", True),
            ("deelnemers", "registration", True),
        ]
    )
    items = [{"id": "inwoners_65plus"}, {"id": "ervaren_gezondheid"}]
    banner = report.factsheet_banner(mixed, items)
    assert "**Echt** zijn de cijfers van het CBS." in banner
    assert "**Verzonnen** zijn de cijfers van de GGD-enquête (synthetische gegevens)." in banner
    assert "programma" not in banner, "judged from the figures shown, not the whole table"
    everything = report.factsheet_banner(mixed, [])
    assert "van het programma zelf en de GGD-enquête (synthetische" in everything
    fake = report.factsheet_banner(mixed, [{"id": "ervaren_gezondheid"}])
    assert "**Alle cijfers zijn verzonnen**" in fake and "CBS" not in fake
    assert report.factsheet_banner(mixed, [{"id": "inwoners_65plus"}]) == ""
    stated = _banner_context(
        [("inwoners_65plus", "cbs_kwb:85984NED", False), ("deelnemers", "registration", True)],
        counts=120,
    )
    said = report.factsheet_banner(stated, [{"id": "inwoners_65plus"}])
    assert "**Verzonnen** zijn de cijfers van het programma zelf" in said, (
        "a registration the factsheet states in words counts too"
    )
    for text in (banner, fake):
        body = text.split("\n\n", 1)[1].rstrip().removesuffix(":::")
        sentences = [s for s in re.split(r"(?<=\.)\s+", body.strip()) if s]
        assert all(len(s.split()) <= 16 for s in sentences), sentences  # B1: short sentences
