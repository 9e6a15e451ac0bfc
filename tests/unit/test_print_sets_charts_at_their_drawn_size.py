"""Issue 26: the browser's print sets each chart at its drawn size, not 15 % larger.

A browser lays an image out at 96 pixels to the inch; the charts are drawn at
`plots.DPI` (110), so unmarked they printed 15 % wider and taller than drawn, and Betere
Buurten's map of its programme area no longer fit below its table and left page 3 half
empty. `printed_at_drawn_size` reads each PNG's resolution from its own pHYs chunk and
gives it a print width of its drawn width in points (capped by the text width, as
before)."""

from __future__ import annotations

import base64
import io

import pytest
from matplotlib.figure import Figure

from helpers.report.plots import DPI
from helpers.report.render import drawn_width_pt, printed_at_drawn_size


def chart_png(inches: float, dpi: float = DPI) -> bytes:
    figure = Figure(figsize=(inches, 2))
    figure.add_subplot().plot([1, 2, 3])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def page(*pngs: bytes) -> str:
    images = "".join(
        f'<img alt="grafiek" src="data:image/png;base64,{base64.b64encode(png).decode()}"'
        ' style="max-width:100%;height:auto">'
        for png in pngs
    )
    return f"<html><head><title>t</title></head><body>{images}</body></html>"


def without_resolution(png: bytes) -> bytes:
    at = png.find(b"pHYs") - 4
    return png[:at] + png[at + 21 :]  # length, type, 9 bytes of data, CRC


def test_a_chart_prints_at_its_pixels_at_its_own_resolution():
    # 660 px at 4331 pixels per metre (pHYs keeps whole pixels per metre: 110.007 dpi)
    assert drawn_width_pt(chart_png(6)) == pytest.approx(6 * 72, abs=0.1)
    assert drawn_width_pt(chart_png(5, dpi=200)) == pytest.approx(5 * 72, abs=0.1)
    marked = printed_at_drawn_size(page(chart_png(6), chart_png(5, dpi=200), chart_png(6)))
    assert marked.count('<img data-print-width="432" alt="grafiek"') == 2
    assert marked.count('<img data-print-width="360" alt="grafiek"') == 1
    rules = '<style>@media print{img[data-print-width="360"]{width:360pt}'
    assert rules + 'img[data-print-width="432"]{width:432pt}}</style>\n</head>' in marked


def test_an_image_without_a_resolution_or_not_a_png_is_left_as_it_is():
    bare = without_resolution(chart_png(6))
    assert drawn_width_pt(bare) is None
    text = page(bare) + '<img src="data:image/svg+xml;base64,PHN2Zy8+">'
    assert printed_at_drawn_size(text) == text
