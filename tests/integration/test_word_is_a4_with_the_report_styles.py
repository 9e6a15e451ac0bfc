"""Word files through a real pandoc 3 (pypandoc-binary; Quarto's Word writer is pandoc):
with the reports' reference document a report is A4 with 2 cm margins, 10 pt body text
and 9 pt tables; without it pandoc sets no page size at all, which is what Quarto 1.10
wrote for every report of main at 09d6276 (Word then picks its own default, Letter)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest

from helpers.report.print_keep import RUN_IN_STYLE, run_ins_fenced
from helpers.report.render import (
    FACTSHEET_FORMATS,
    REPORT_FORMATS,
    WORD_FILTER,
    WORD_REFERENCE,
    WORD_RUN_IN_FILTER,
    word_reference,
    write_word_reference,
)

PANDOC = pypandoc.get_pandoc_path()
REPORT = """# Kerncijfers

Tekst van het rapport.

**Bronnen van de kerncijfers**

| indicator | programmagebied | gemeente | Nederland |
|---|---|---|---|
| Aantal inwoners | 28.463 | 361.924 | 17.942.942 |
"""


def docx(tmp_path: Path, reference: Path | None) -> dict[str, str]:
    source = tmp_path / "rapport.md"
    source.write_text(run_ins_fenced(REPORT), encoding="utf-8")
    out = tmp_path / "rapport.docx"
    extra = ["--reference-doc", str(reference)] if reference else []
    (tmp_path / WORD_FILTER).write_text(WORD_RUN_IN_FILTER, encoding="utf-8")
    extra += ["-L", str(tmp_path / WORD_FILTER)]
    subprocess.run([PANDOC, str(source), "-o", str(out), *extra], check=True)
    with zipfile.ZipFile(out) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        }


def test_a_report_in_word_is_a4_with_the_report_styles(tmp_path):
    reference = write_word_reference(tmp_path / WORD_REFERENCE, [PANDOC])
    parts = docx(tmp_path, reference)
    document, styles = parts["word/document.xml"], parts["word/styles.xml"]
    section = re.search(r"<w:sectPr>.*?</w:sectPr>", document, re.DOTALL).group(0)
    size = re.search(r"<w:pgSz\b[^>]*/>", section).group(0)
    assert 'w:w="11906"' in size and 'w:h="16838"' in size, f"not A4: {size}"
    margins = re.search(r"<w:pgMar\b[^>]*/>", section).group(0)
    assert 'w:left="1134"' in margins and 'w:right="1134"' in margins, "2 cm margins"
    assert section.index("</w:footnotePr>") < section.index("<w:pgSz"), "schema order"
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.DOTALL).group(0)
    assert re.search(r'<w:sz w:val="20"\s*/>', defaults), "10 pt body text"
    assert 'w:val="nl-NL"' in defaults
    table = re.search(r'<w:style [^>]*w:styleId="Table"[^>]*>.*?</w:style>', styles, re.DOTALL)[0]
    assert re.search(r'<w:sz w:val="18"\s*/>', table), "9 pt table text"
    assert "Aantal inwoners" in document and "17.942.942" in document
    theme = parts["word/theme/theme1.xml"]
    for kind in ("major", "minor"):
        latin = re.search(rf'<a:{kind}Font>\s*<a:latin typeface="([^"]*)"', theme)[1]
        assert latin == "Arial", f"{kind} font {latin}: not in every Word nor in LibreOffice"
    for formats in (REPORT_FORMATS, FACTSHEET_FORMATS):
        assert formats["docx"] == {"reference-doc": WORD_REFERENCE, "filters": [WORD_FILTER]}


def test_without_the_reference_word_gets_no_page_size(tmp_path):
    assert "<w:pgSz" not in docx(tmp_path, None)["word/document.xml"]


def test_a_pandoc_without_a_reference_or_a_broken_one_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match=r"false gave no reference\.docx"):
        write_word_reference(tmp_path / WORD_REFERENCE, ["false"])
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValueError, match=r"no word/styles\.xml"):
        word_reference(empty.getvalue())


def test_a_run_in_heading_keeps_with_what_follows_in_word(tmp_path):
    """A paragraph of bold text alone (*Bronnen van de kerncijfers*), fenced as a run-in,
    gets the reference's run-in style from the stage's Word filter (in Word only: Typst
    output keeps no such attribute), which Word keeps on the page of the next paragraph;
    without the reference pandoc makes the style itself, without that rule."""
    reference = write_word_reference(tmp_path / WORD_REFERENCE, [PANDOC])
    run_in = re.compile(
        rf'<w:pStyle w:val="{RUN_IN_STYLE}"\s*/>.*?Bronnen van de kerncijfers', re.DOTALL
    )
    style = re.compile(rf'w:styleId="{RUN_IN_STYLE}".*?</w:style>', re.DOTALL)
    parts = docx(tmp_path, reference)
    assert run_in.search(parts["word/document.xml"])
    assert re.search(r"<w:keepNext\s*/>", style.search(parts["word/styles.xml"])[0])
    bare = docx(tmp_path, None)["word/styles.xml"]
    made = style.search(bare)
    assert made and "<w:keepNext" not in made[0]


def test_the_run_in_style_is_set_for_word_only(tmp_path):
    """Quarto's Typst filter makes every attribute of a `.block` div an argument of
    `#block`: the Word filter must leave other formats' run-ins as they are (in Word it
    sets the style: `test_a_run_in_heading_keeps_with_what_follows_in_word`)."""
    source = tmp_path / "rapport.md"
    source.write_text(run_ins_fenced(REPORT), encoding="utf-8")
    (tmp_path / WORD_FILTER).write_text(WORD_RUN_IN_FILTER, encoding="utf-8")
    filtered = tmp_path / WORD_FILTER
    for target in ("native", "json"):  # the AST Quarto's Typst filter would get
        text = subprocess.run(
            [PANDOC, str(source), "-t", target, "-L", str(filtered)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "wm-run-in" in text and "custom-style" not in text, target
