"""The Typst proxy draws a callout as Quarto's Typst `callout` does (issue 26): one
unbreakable box, its title in regular weight on the kind's colour. Pandoc alone prints the
title as a heading and the body as loose blocks, which a page break parts; so the proxy's
page counts and stranded lines would not be Quarto's."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from typst_proxy import QUARTO_CALLOUT

PAGE = '#set page(paper: "a4", margin: (x: 1.5cm, y: 2.2cm))\n#set text(size: 10pt)\n'
# A caveat callout as the proxy's Lua filter writes it (caution: Quarto's #ffe5d0)
CALLOUT = (
    "#callout(body: [\n"
    + "".join(f"- Kanttekening {i} bij de reeks.\n" for i in range(5))
    + "- Slotregel van de kanttekeningen.\n"
    + '], title: [Let op bij deze reeks], background_color: rgb("#ffe5d0"), icon: none, '
    "icon_color: black)\n"
)


def _words(definition: str, lines: int) -> list[tuple[int, str, str]]:
    typst = pytest.importorskip("typst")
    filler = " \\\n".join(
        f"Regel {i} van de tekst ervoor, zo lang als lopende tekst" for i in range(lines)
    )
    pdf = typst.compile((definition + PAGE + filler + "\n\n" + CALLOUT + "\nSlot.\n").encode())
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            (number, w["text"], w["fontname"])
            for number, page in enumerate(document.pages)
            for w in page.extract_words(extra_attrs=["fontname"])
        ]


def _parted(definition: str, lines: int) -> bool:
    """Whether the callout's title and its last line are on different pages."""
    words = _words(definition, lines)
    title = next(n for n, text, _ in words if text == "deze")
    last = next(n for n, text, _ in words if text == "Slotregel")
    return title != last


def test_a_callout_moves_to_the_next_page_whole():
    lengths = range(40, 52)  # lines of text before the callout: it walks over the page foot
    breakable = QUARTO_CALLOUT.replace("breakable: false", "breakable: true")
    assert any(_parted(breakable, n) for n in lengths), "a breakable box must part"
    assert not any(_parted(QUARTO_CALLOUT, n) for n in lengths)


def test_the_title_is_regular_on_the_kinds_colour():
    typst = pytest.importorskip("typst")
    words = _words(QUARTO_CALLOUT, 3)
    title_font = next(font for _, text, font in words if text == "Let")
    assert "Bold" not in title_font
    pdf = typst.compile((QUARTO_CALLOUT + PAGE + CALLOUT).encode())
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        shapes = document.pages[0].rects + document.pages[0].curves
        fills = {
            tuple(round(c, 3) for c in s["non_stroking_color"])
            for s in shapes
            if isinstance(s["non_stroking_color"], (tuple, list))
        }
    assert (1.0, round(0xE5 / 255, 3), round(0xD0 / 255, 3)) in fills  # #ffe5d0
