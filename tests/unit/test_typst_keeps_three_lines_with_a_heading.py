"""A heading, a run-in or a table note keeps three lines of what it introduces on its
Typst page (issue 26: the proxy left a heading over one or two lines at the foot of
overvecht p13, and a table's note and caption at the foot of betere_buurten p1, the
table on p2). Compiled by typst and read by the print check, as the proxy is; without
TYPST_HEADER's rules the same documents fail the check's `stranded` rule."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from helpers.report.print_check import check_pdf
from helpers.report.render import TYPST_HEADER

PAGE = '#set page(paper: "a4", margin: (x: 1.5cm, y: 2.2cm))\n#set text(size: 10pt)\n'
# overvecht p13: a heading over a paragraph of two lines, then a longer paragraph
HEADING = (
    "=== Meer bewoners doen mee in hun buurt\n\n"
    + "Doet vrijwilligerswerk in de wijk. " * 22
    + "\n\n"
    + "Sinds de vorige meting meer bewoners. " * 16
    + "\n"
)
# betere_buurten p1: the synthetic note, then a table with its caption on top
ROWS = "".join(f"[rij {i}], [een cel met wat langere tekst over twee regels],\n" for i in range(12))
TABLE = (
    "#strong[SYNTHETISCHE GEGEVENS] --- de tabel hieronder beschrijft geen echte wijk.\n\n"
    "#figure(\n  align(center)[#table(columns: (30%, 70%),\n"
    "    table.header([doel], [waarom]),\n" + ROWS + "  )],\n  kind: table,\n"
    "  caption: figure.caption(position: top, [In één oogopslag per doel]),\n)\n"
)
# A run-in as Quarto's Typst filter writes it (quarto-post/typst.lua), then a list
RUN_IN = "#block(\nsticky:true,\n[\n#strong[Tellen en vertellen]\n])\n\n" + "".join(
    f"- Verhaal {i}: een bewoner vertelt over de buurt.\n" for i in range(12)
)


def _stranded(header: str, block: str, lines: int) -> list[str]:
    typst = pytest.importorskip("typst")
    filler = " \\\n".join(
        f"Regel {i} van de tekst ervoor, een regel zo lang als lopende tekst" for i in range(lines)
    )
    pdf = typst.compile((header + PAGE + filler + "\n\n" + block + "\n\nSlot.\n").encode())
    return [str(p) for p in check_pdf(pdf) if p.rule == "stranded"]


@pytest.mark.parametrize("block", [HEADING, TABLE, RUN_IN], ids=["heading", "note", "run-in"])
def test_no_filler_length_leaves_a_label_at_the_page_foot(block):
    lengths = range(36, 56)  # lines of text before the block: it walks over the page foot
    assert any(_stranded("", block, n) for n in lengths), "it must strand without the rules"
    kept = [s for n in lengths for s in _stranded(TYPST_HEADER, block, n)]
    assert kept == []


def _tops(header: str) -> list[tuple[float, str]]:
    typst = pytest.importorskip("typst")
    source = header + PAGE + "Eerste alinea.\n\n" + RUN_IN + "\n\n" + TABLE + "\n" + HEADING
    with pdfplumber.open(io.BytesIO(typst.compile(source.encode()))) as pdf:
        return [(round(w["top"], 1), w["text"]) for w in pdf.pages[0].extract_words()]


def test_the_room_moves_no_line_where_the_page_does_not_break():
    """The empty room after a label is taken back: on a page with room enough every
    word sits where it does without the rules (the table header's own rules apart)."""
    plain = TYPST_HEADER.split("#let wm-room")[0] + "#let wm-room(..a) = none\n"
    plain += TYPST_HEADER.split("wm-room(above: 0pt) }\n")[1]
    assert _tops(TYPST_HEADER) == _tops(plain)
