"""Reading a line chart's description back (helpers.audit.captions): every phrase form
the reports write, the direction a stretch of values has, and what is left unread."""

from __future__ import annotations

from helpers.audit.captions import (
    INDEX_LABEL,
    Part,
    direction_word,
    expected_extremes,
    parse_caption,
    parse_part,
)

AREAS = ["Samen voor Overvecht", "Utrecht", "Nederland", "Vollenhove Vooruit", "Zeist"]
PROGRAMMES = ["Samen voor Overvecht", "Vollenhove Vooruit"]


def test_each_phrase_form_is_read():
    assert parse_part("stijgend van 70,2% in 2020 naar 70,9% in 2024") == Part(
        "move",
        (2020, 2024),
        (("70,2%", 2020), ("70,9%", 2024)),
        "stijgend",
        (),
        "stijgend van 70,2% in 2020 naar 70,9% in 2024",
    )
    moved = parse_part(
        "wisselend van 597 in 2019 naar 703 in 2024 (hoogste 709 in 2023, laagste 567 in 2020)"
    )
    assert moved and moved.extremes == (("hoogste", "709", 2023), ("laagste", "567", 2020))
    assert parse_part("van € 391.800 in 2019 naar € 492.600 in 2024").word == ""  # type: ignore[union-attr]
    level = parse_part("gelijk op 15,3% van 2019 tot en met 2024")
    assert level and level.kind == "level" and level.years == (2019, 2024)
    assert parse_part("62,2% in 2024") == Part(
        "single", (2024,), (("62,2%", 2024),), text="62,2% in 2024"
    )
    assert parse_part("breuk in de reeks vanaf 2024").kind == "break"  # type: ignore[union-attr]
    assert parse_part("niet gepubliceerd in 2022").kind == "gap"  # type: ignore[union-attr]


def test_a_phrase_in_no_known_form_is_none():
    assert parse_part("ongeveer 70% rond 2024") is None
    assert parse_part("stijgend van 1 in 2019 naar 2 in 2024 (piek 3 in 2021)") is None


def test_a_caption_is_split_per_area_with_its_programme():
    caption = parse_caption(
        "Lijngrafieken van aantal inwoners (index (eerste jaar van de reeks = 100)), één per "
        "programma. Samen voor Overvecht: wisselend van 100,0 in 2019 naar 98,6 in 2024. "
        "Utrecht: stijgend van 100,0 in 2019 naar 101,5 in 2024. Vollenhove Vooruit: "
        "dalend van 9 in 2019 naar 8 in 2021; niet gepubliceerd in 2022; van 8 in 2023 naar "
        "9 in 2024. Zeist: 55,3 in 2024.",
        AREAS,
        PROGRAMMES,
    )
    assert caption and caption.title == "aantal inwoners" and caption.unit_label == INDEX_LABEL
    assert [(a.name, a.programme) for a in caption.areas] == [
        ("Samen voor Overvecht", "Samen voor Overvecht"),
        ("Utrecht", "Samen voor Overvecht"),
        ("Vollenhove Vooruit", "Vollenhove Vooruit"),
        ("Zeist", "Vollenhove Vooruit"),
    ]
    assert [p.kind for p in caption.areas[2].parts if p] == ["move", "gap", "move"]
    assert caption.unread == []


def test_a_title_with_brackets_keeps_them_and_an_unknown_area_is_unread():
    caption = parse_caption(
        "Figuur: Lijngrafiek van eenzaam (18+) (procent). Amersfoort: 41,8% in 2020.",
        AREAS,
        PROGRAMMES,
    )
    assert caption and caption.title == "eenzaam (18+)" and caption.unit_label == "procent"
    assert caption.unread == ["Amersfoort: 41,8% in 2020"]
    assert parse_caption("Staafdiagram: iets anders.", AREAS, PROGRAMMES) is None


def test_the_direction_of_a_stretch():
    assert direction_word([1.0, 2.0, 2.0, 3.0], ["1", "2", "2", "3"]) == "stijgend"
    assert direction_word([3.0, 2.0, 1.0], ["3", "2", "1"]) == "dalend"
    assert direction_word([1.0, 3.0, 2.0], ["1", "3", "2"]) == "wisselend"
    assert direction_word([1.0, 2.0], ["1", "2"]) == ""
    assert direction_word([1.0, 1.01, 1.02], ["1,0", "1,0", "1,0"]) == "gelijk"
    assert direction_word([1.0], ["1"]) == "single"


def test_a_peak_or_trough_is_named_only_beyond_both_ends():
    assert expected_extremes([2019, 2020, 2021], [1.0, 3.0, 2.0]) == [("hoogste", 2020)]
    assert expected_extremes([2019, 2020, 2021], [2.0, 1.0, 3.0]) == [("laagste", 2020)]
    assert expected_extremes([2019, 2020, 2021, 2022], [1.0, 2.0, 1.5, 3.0]) == []
