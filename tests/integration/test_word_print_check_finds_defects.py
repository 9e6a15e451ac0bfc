"""Issue 26: the print check finds what can go wrong in a Word file once it is laid out.

Real pandoc (Quarto's Word writer) with the reports' reference document writes small
reports; real LibreOffice (`word_proxy.to_pdf`, the conversion the pipeline test runs on
every report) lays them out and prints them; the print check reads the PDF. A report as
the stage writes it passes, and each defect is found: a file without the reference (no
page size: LibreOffice prints Letter), a chart placed at 40 % of its width, a table wider
than the page, table text at 6 pt.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import matplotlib
import pytest
import word_proxy

from helpers.report.print_check import CHART_DPI, check_pdf
from helpers.report.render import A4_TWIPS, MARGIN_TWIPS, WORD_REFERENCE, write_word_reference

matplotlib.use("Agg")
CHART_INCHES = (6, 3)

TEXT = (
    "De cijfers staan naast de verhalen van bewoners en professionals in de wijk zelf, "
    "en de tabel hieronder zet ze op een rij voor de gemeenteraad."
)
TABLE = """| indicator | programmagebied | gemeente | Nederland |
|---|---|---|---|
| Aantal inwoners | 28.463 | 361.924 | 17.942.942 |
| Aantal huishoudens | 14.120 | 171.555 | 8.204.049 |
"""


def wide_table() -> str:
    """A Word table of six fixed 4.2 cm cells (25 cm on a 17 cm text block), as raw
    OpenXML: pandoc itself never writes a table wider than the text block."""
    cell = (
        '<w:tc><w:tcPr><w:tcW w:w="2400" w:type="dxa"/></w:tcPr>'
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    )
    cells = "".join(cell.format(f"17.942.{i:03d}") for i in range(6))
    grid = '<w:gridCol w:w="2400"/>' * 6
    return (
        '```{=openxml}\n<w:tbl><w:tblPr><w:tblW w:w="14400" w:type="dxa"/>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"<w:tr>{cells}</w:tr></w:tbl>\n```"
    )


def report(chart: str) -> str:
    return f"# Kerncijfers\n\n{TEXT}\n\n{TABLE}\n\n{chart}\n\n{TEXT}\n"


SIZE_OF_TABLES = re.compile(
    r'(w:styleId="Table"[^>]*>.*?<w:sz w:val=")18("/><w:szCs w:val=")18', re.DOTALL
)


def small_tables(reference: Path, out: Path) -> Path:
    """The reference with its Table style at 6 pt instead of 9 pt."""
    with zipfile.ZipFile(reference) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                text, count = SIZE_OF_TABLES.subn(r"\g<1>12\g<2>12", data.decode("utf-8"), 1)
                assert count == 1, "the reference's Table style has no 9 pt size"
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """Each small report's Word file, printed by LibreOffice (one run for all)."""
    word_proxy.require_tools()
    import matplotlib.pyplot as plt

    folder = tmp_path_factory.mktemp("word")
    figure, axes = plt.subplots(figsize=CHART_INCHES)
    axes.plot([2019, 2021, 2023], [31.0, 33.5, 36.0])
    figure.savefig(folder / "chart.png", dpi=CHART_DPI)
    plt.close(figure)
    reference = write_word_reference(folder / WORD_REFERENCE, [word_proxy.pandoc()])
    tiny = small_tables(reference, folder / "klein.docx")
    sources = {
        "good": (report("![](chart.png)"), reference),
        "letter": (report("![](chart.png)"), None),
        "tiny-chart": (report("![](chart.png){width=40%}"), reference),
        "wide-table": (report(wide_table()), reference),
        "small-table": (report("![](chart.png)"), tiny),
    }
    files = []
    for name, (markdown, ref) in sources.items():
        (folder / f"{name}.md").write_text(markdown, encoding="utf-8")
        extra = ["--reference-doc", str(ref)] if ref else []
        command = [word_proxy.pandoc(), f"{name}.md", "-o", f"{name}.docx", *extra]
        subprocess.run(command, check=True, cwd=folder, timeout=120)
        files.append(folder / f"{name}.docx")
    return word_proxy.to_pdf(files, folder / "pdf")


def rules(pdf: Path) -> set[str]:
    return {problem.rule for problem in check_pdf(pdf)}


def test_a_report_with_the_reference_prints_on_a4_without_a_problem(printed):
    assert [str(p) for p in check_pdf(printed["good"])] == []


def test_a_word_file_without_the_reference_prints_on_letter(printed):
    assert "page-size" in rules(printed["letter"])


def test_a_chart_placed_at_forty_percent_is_too_small(printed):
    """40 % of the 17 cm text block, for a chart drawn 6 in wide: 45 % of its size."""
    text_width_pt = (A4_TWIPS[0] - 2 * MARGIN_TWIPS) / 20
    scale = 0.4 * text_width_pt / (CHART_INCHES[0] * 72)
    found = [str(p) for p in check_pdf(printed["tiny-chart"]) if p.rule == "small-chart"]
    assert len(found) == 1 and f"at {scale:.0%} of its size" in found[0], found


def test_a_table_wider_than_the_page_runs_off_it(printed):
    assert "off-page" in rules(printed["wide-table"])


def test_table_text_at_six_points_is_too_small(printed):
    found = [str(p) for p in check_pdf(printed["small-table"]) if p.rule == "small-text"]
    assert "p1 small-text: 'indicator' at 6 pt" in found, found
