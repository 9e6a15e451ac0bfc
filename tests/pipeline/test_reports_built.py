"""The rendered reports themselves: what a reader opens, in a real browser, and what leaks.

One module build on a copy of the project: the real stage commands (fetch, harmonise, demo,
indicators, analyse, joint, report) for two programmes, with one raw survey value
made too small to publish and, where the real CBS boundaries are at hand, a map.
"""

from __future__ import annotations

import csv
import html.parser
import os
import re
import zipfile
from itertools import pairwise
from pathlib import Path

import openpyxl
import pytest
from browser import Chromium, axe_source_or_skip, chromium_or_skip, severe
from support import SHARED_CBS, VENV_BIN, copy_project, run

from helpers.config import Paths, load_project
from helpers.indicators.status import MOVEMENTS, STATUSES, label

PROGRAMMES = ["overvecht", "betere_buurten"]
WIJKMONITOR = str(VENV_BIN / "wijkmonitor")
BOUNDARIES = SHARED_CBS / "elan-dcc_wijkprofielen" / "wijk_2016_4gemeenten.geojson"
# A survey cell made unpublishable: Overvecht 2024, 12 respondents (threshold 30). Its
# values are tokens no published figure has (the lower bound was 91.8, which Betere
# Buurten's profile index 68,7 / 74,8 × 100 = 91,8 showed by coincidence).
SURVEY_ROW = "2024,WK034403,Wijk 03 Overvecht,ErvarenGezondheidGoedZeerGoed,"
SECRET = {"percentage": "97.3", "ondergrens": "93.1", "bovengrens": "99.1", "n": "12"}
SECRET_TOKENS = ["97.3", "97,3", "93.1", "93,1", "99.1", "99,1"]
REVISION_HEADER = "table_id,label,previous_modified,modified,fetched_on\n"
REVISION_ROW = "85984NED,KWB 2024,2024-08-16T02:00:00,2025-03-27T02:00:00,2025-04-02\n"


def make_survey_cell_small(survey: Path) -> None:
    lines = survey.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    hits = [i for i, line in enumerate(lines) if line.startswith(SURVEY_ROW)]
    assert len(hits) == 1, f"expected one row {SURVEY_ROW!r} in {survey}"
    fields = lines[hits[0]].split(",")
    for column, value in SECRET.items():
        fields[header.index(column)] = value
    lines[hits[0]] = ",".join(fields)
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("reports"))
    cycle = root / "params" / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    text = re.sub(
        r"programmes:\n(  - \w+\n)+", "programmes:\n  - overvecht\n  - betere_buurten\n", text
    )
    cycle.write_text(text, encoding="utf-8")
    if BOUNDARIES.is_file():  # the shipped settings, ../shared made absolute for the copy
        settings = root / "params" / "report.yaml"
        text = settings.read_text(encoding="utf-8").replace(
            "../shared/", f"{SHARED_CBS.parents[1]}/"
        )
        settings.write_text(text, encoding="utf-8")
    for stage in ("fetch", "harmonise", "demo", "validate"):
        run([WIJKMONITOR, stage], root)
    # One CBS table revised after it was first fetched, as harmonise logs it: both the
    # annual and the joint report must show it in their sources section.
    revisions = root / "data" / "processed" / "cbs" / "revisions.csv"
    assert revisions.read_text(encoding="utf-8").startswith(REVISION_HEADER)
    revisions.write_text(REVISION_HEADER + REVISION_ROW, encoding="utf-8")
    survey = root / "data" / "raw" / "demo" / "survey" / "gezondheidsmonitor.csv"
    make_survey_cell_small(survey)
    assert SURVEY_ROW + ",".join(SECRET.values()) in survey.read_text(encoding="utf-8")
    run([WIJKMONITOR, "indicators"], root)
    run([WIJKMONITOR, "analyse", *PROGRAMMES], root)
    run([WIJKMONITOR, "joint"], root)
    result = run([WIJKMONITOR, "report"], root)
    assert "nbconvert" in result.stdout or "quarto render" in result.stdout
    return root / "reports" / "_site"


def test_report_stage_writes_report_factsheet_and_tables_per_programme(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for key in PROGRAMMES:
        for name in (f"{key}.html", f"{key}-factsheet.html"):
            assert (site / name).stat().st_size > 5000
            assert f'href="{name}"' in index
        for suffix in ("csv", "xlsx"):
            assert (site / "tabellen" / f"{key}_indicatoren.{suffix}").stat().st_size > 1000
            assert f'href="tabellen/{key}_indicatoren.{suffix}"' in index
    assert (site / "gezamenlijk.html").is_file() and 'href="gezamenlijk.html"' in index
    validation = (site / "validation" / "index.html").read_text(encoding="utf-8")
    assert 'href="validation/index.html"' in index and "lang='nl'" in validation
    assert "<title>CONCEPT — " in validation and "content:'CONCEPT'" in validation
    report = (site / "overvecht.html").read_text(encoding="utf-8")
    for heading in (
        "In één oogopslag",
        "Doelen, inspanningen en indicatoren",
        "Bijlagen",
        "Beschikbaarheid van gegevens",
        "Reproduceerbaarheid",
        "Bron: CBS",
    ):
        assert heading in report
    assert report.index("In één oogopslag") < report.index("Verdieping: eenzaamheid")
    assert report.index("Verdieping: eenzaamheid") < report.index("Definities van de indicatoren")
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "CONCEPT" in text and "SYNTHETISCH" in text.upper(), f"{page.name}: draft, synthetic"


class _Text(html.parser.HTMLParser):
    """What a reader can see or hear: text nodes and alt/title/aria-label values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def published_text(path: Path) -> str:
    """The readable content of a rendered output (HTML, CSV or Excel)."""
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return "\n".join(parser.parts)
    if path.suffix == ".csv":
        # Cells joined by a tab: joined by a comma, '2622999' and '17400000' read '99,1'.
        delimiter = ";" if path.stem.endswith("_excel-nl") else ","
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return "\n".join("\t".join(row) for row in csv.reader(handle, delimiter=delimiter))
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        cells = [str(c) for s in book for row in s.iter_rows(values_only=True) for c in row]
        with zipfile.ZipFile(path) as archive:
            xml = [
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
            ]
        return "\n".join(cells + xml)
    raise AssertionError(f"unexpected output {path}")


# A Markdown escape a reader would see: text escaped once for a table or sentence and
# again by whatever drew it (`\\(` for every bracket of a logbook reason).
SHOWN_ESCAPE = re.compile(r"\\[\\`*_{}\[\]()#+\-!|~:$^@=.&<>]")


def shown_escapes(text: str) -> list[str]:
    return [text[max(m.start() - 30, 0) : m.end() + 10] for m in SHOWN_ESCAPE.finditer(text)]


def test_no_page_shows_a_markdown_escape_to_its_reader(site):
    """Every page of the site, read as a reader sees it: no backslash of an escape."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 7  # two annual reports and factsheets, joint, landing, validation
    found = {p.name: shown_escapes(published_text(p)) for p in pages}
    assert not {name: hits for name, hits in found.items() if hits}, found
    assert shown_escapes(r"zie \(bijlage\)"), "the check finds an escape left in the text"


def test_a_suppressed_value_appears_in_no_output(site):
    outputs = sorted(p for p in site.rglob("*") if p.suffix in (".html", ".csv", ".xlsx"))
    assert {p.suffix for p in outputs} == {".html", ".csv", ".xlsx"}
    for path in outputs:
        text = published_text(path)
        for token in SECRET_TOKENS:
            assert token not in text, f"{path.relative_to(site)} shows the suppressed {token}"
    with open(site / "tabellen" / "overvecht_indicatoren.csv", encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["indicator_id"] == "ervaren_gezondheid"
            and r["gebied_rol"] == "programmagebied"
            and r["jaar"] == "2024"
        ]
    assert len(rows) == 1
    assert rows[0]["waarde"] == "" and rows[0]["respondenten"] == ""
    assert rows[0]["onderdrukt_reden"] == "te weinig respondenten"
    report = published_text(site / "overvecht.html")
    assert "Niet gepubliceerd in 2024 (te kleine aantallen)." in report
    assert "onderdrukt" in report and "te weinig respondenten" in report


def test_every_page_opens_in_headless_chromium(site, tmp_path):
    binary = chromium_or_skip()
    shots = Path(os.environ.get("WIJKMONITOR_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(site.glob("*.html"))
    assert len(pages) == 2 * len(PROGRAMMES) + 2
    with Chromium(binary) as browser:
        for page in pages:
            report = browser.open(page.as_uri())
            name = page.name
            assert report.errors == [], f"{name}: {report.errors}"
            assert report.text > 500, f"{name} is (nearly) empty"
            assert report.lang == "nl", f"{name}: page language {report.lang!r}"
            assert all(image["loaded"] for image in report.images), f"{name}: {report.images}"
            assert all(image["alt"] for image in report.images), f"{name}: image without alt"
            if name != "index.html":
                assert report.images, f"{name} has no figures"
            levels = report.headings
            assert levels and levels[0] == 1, f"{name}: starts with h{levels[:1]}"
            skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
            assert not skips, f"{name}: heading levels skip {skips}"
            assert all(count > 0 for count in report.tables), f"{name}: table without header"
            if name.endswith("-factsheet.html"):
                assert browser.printed_pages() <= 2, f"{name}: more than two A4 pages"
            if name.removesuffix(".html") in PROGRAMMES:
                printed = browser.printed_pages()
                assert printed <= REPORT_PAGES, f"{name}: {printed} A4 pages (> {REPORT_PAGES})"
            (shots / f"{page.stem}.png").write_bytes(report.screenshot)
            assert report.screenshot.startswith(b"\x89PNG")
    if BOUNDARIES.is_file():
        text = published_text(site / "overvecht.html")
        assert "Kaart van Utrecht met het programmagebied (WK034403)" in text
        assert "De grenzen zijn echt (openbare CBS-kaart)" in text
        assert "Kaart van Utrecht: aandeel huishoudens met een laag inkomen per wijk" in text
        assert "geregistreerde misdrijven per 1.000 inwoners" in text
        nieuwegein = published_text(site / "betere_buurten.html")
        assert "heeft geen grens voor BU03560401" in nieuwegein
        assert "Getekend: de wijken WK035604, WK035610" in nieuwegein


REPORT_PAGES = 16  # an annual report of reasonable length, legible, printed to A4 by Chromium


def test_each_report_shows_its_cbs_revisions_in_its_sources_section(site):
    for name in ("overvecht.html", "betere_buurten.html", "gezamenlijk.html"):
        text = published_text(site / name)
        sources = text[text.index("Elke waarde in dit rapport is herleidbaar") :]
        assert "Herzieningen van CBS-tabellen" in sources, name
        log = sources[sources.index("Herzieningen van CBS-tabellen") :]
        for shown in ("85984NED", "16 augustus 2024", "27 maart 2025", "2 april 2025"):
            assert shown in log, (name, shown)
        assert "Bron: CBS" in sources, name


_CALLOUT_BOX = re.compile(r'<div class="callout callout-\w+">(.*?)</div>', re.DOTALL)
_NOTICE = re.compile(r"CONCEPT|synthetis|verzonnen|echte cijfers|Bronnen op deze pagina", re.I)


def test_every_report_factsheet_and_the_joint_report_show_exactly_one_notice(site):
    """Draft and provenance are one box (the cell tagged `banner`), the first on the page,
    on every annual report, factsheet and the joint report."""
    pages = sorted(p for p in site.glob("*.html") if p.name != "index.html")
    assert len(pages) == 2 * len(PROGRAMMES) + 1
    for page in pages:
        boxes = _CALLOUT_BOX.findall(page.read_text(encoding="utf-8"))
        notices = [box for box in boxes if _NOTICE.search(box)]
        assert len(notices) == 1, f"{page.name}: {len(notices)} notices"
        assert boxes[0] == notices[0], f"{page.name}: the notice is not the first box"
        notice = notices[0]
        assert "CONCEPT: niet voor publicatie" in notice and "ynthetis" in notice, page.name
        if page.name.endswith("-factsheet.html"):
            assert "nog niet klaar" in notice and "verzonnen" in notice, page.name
            assert "omdat" not in notice, f"{page.name}: technical reasons for residents"
        else:
            assert "Dit rapport is een concept, omdat:" in notice, page.name


HEADINGS = (
    "JSON.stringify(Array.from(document.querySelectorAll('h1,h2,h3,h4'))"
    ".map(h => h.innerText.trim()))"
)
A4_POINTS = (595.3, 841.9)


def test_each_factsheet_prints_to_two_a4_pages_without_a_stranded_heading(site):
    """Chromium's print of every factsheet: exactly two A4 pages, and the last line of
    page 1 is no heading (a heading belongs above its chart, on the same page)."""
    import io
    import json

    import pypdf

    binary = chromium_or_skip()
    pages = sorted(site.glob("*-factsheet.html"))
    assert len(pages) == len(PROGRAMMES)
    with Chromium(binary) as browser:
        for page in pages:
            browser.open(page.as_uri())
            headings = json.loads(browser.evaluate(HEADINGS))
            reader = pypdf.PdfReader(io.BytesIO(browser.pdf()))
            assert len(reader.pages) == 2, f"{page.name}: {len(reader.pages)} pages"
            for printed in reader.pages:
                size = (float(printed.mediabox.width), float(printed.mediabox.height))
                assert all(abs(a - b) < 2 for a, b in zip(size, A4_POINTS, strict=True)), size
            lines = [
                " ".join(line.split())
                for line in reader.pages[0].extract_text().splitlines()
                if line.strip() and line.strip() != "CONCEPT"
            ]
            assert lines, f"{page.name}: page 1 has no text"
            assert lines[-1] not in {" ".join(h.split()) for h in headings}, (
                f"{page.name}: page 1 ends with the heading {lines[-1]!r}"
            )
            second = reader.pages[1].extract_text()
            assert "Meer weten?" in second and "contact" in second, "contact on page 2"


def test_every_page_passes_axe_core_without_serious_or_critical_violations(site):
    """axe-core 4 (WCAG 2.x A/AA and best practices) over every rendered page."""
    binary = chromium_or_skip()
    source = axe_source_or_skip()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 2 * len(PROGRAMMES) + 2
    assert site / "validation" / "index.html" in pages, "the validation page is in the site"
    found = {}
    with Chromium(binary) as browser:
        for page in pages:
            browser.open(page.as_uri())
            bad = severe(browser.axe(source))
            if bad:
                found[str(page.relative_to(site))] = [
                    f"{v['impact']} {v['id']} ({v['count']}×: {v['help']}; {v['nodes'][:2]})"
                    for v in bad
                ]
    assert found == {}, "\n".join(f"{name}: {'; '.join(v)}" for name, v in found.items())


# The goal statuses of an annual report: the table after "Stand van zaken per doel",
# where it ends on the page, its status column, and the banners above it.
FIRST_SCREEN = """(() => {
  const heading = [...document.querySelectorAll('h2')]
    .find(h => h.textContent.includes('Stand van zaken per doel'));
  if (!heading) return null;
  const after = n => heading.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING;
  const table = [...document.querySelectorAll('table')].find(after);
  if (!table) return null;
  const bottom = table.getBoundingClientRect().bottom + window.scrollY;
  const header = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const column = header.indexOf('stand');
  const statuses = [...table.querySelectorAll('tbody tr')]
    .map(row => row.cells[column].textContent.trim());
  const banners = [...document.querySelectorAll('.callout')]
    .filter(box => !after(box)).length;
  return {bottom, header, statuses, banners};
})()"""
STATUS_WORDS = {
    label(key) + moved: key
    for key in STATUSES
    for moved in ("", *(f" ({words})" for words in MOVEMENTS.values()))
}
"""Every way a goal's status may read: symbol and words, with its movement or without."""


def test_goal_statuses_are_on_the_first_screen_of_each_annual_report(site):
    """At 1280×900 the whole status table (one row per goal) ends within the first
    screen, after exactly one banner."""
    binary = chromium_or_skip()
    project = load_project(Paths.from_root(site.parent.parent))
    shown = set()
    with Chromium(binary) as browser:
        browser.set_viewport(1280, 900)
        for key in PROGRAMMES:
            browser.open((site / f"{key}.html").as_uri())
            found = browser.evaluate(FIRST_SCREEN)
            assert found is not None, f"{key}.html: no status table after its heading"
            assert found["header"] == ["doel", "stand", "waarom"], found["header"]
            assert len(found["statuses"]) == len(project.programmes[key].goals)
            said = [STATUS_WORDS.get(text) for text in found["statuses"]]
            assert None not in said, found["statuses"]
            shown |= set(said)
            assert found["bottom"] <= 900, f"{key}.html: statuses end at {found['bottom']} px"
            assert found["banners"] == 1, f"{key}.html: {found['banners']} banners before"
    # Overvecht and Betere Buurten here; all four show every status (the back-test)
    assert shown == {"met", "undecided", "not_on_track", "unknown", "no_target"}, shown


def test_no_page_of_the_site_requests_anything_outside_it(site):
    """Every page of the built site, opened in Chromium with every request recorded
    (page.on("request")): only the site's own files and inline data, so the site works
    offline and on an intranet and tells no third party who reads it."""
    binary = chromium_or_skip()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 2 * len(PROGRAMMES) + 2
    with Chromium(binary) as browser:
        outside = {
            str(page.relative_to(site)): report.outside
            for page in pages
            if (report := browser.open(page.as_uri())).outside
        }
    assert outside == {}, outside


# What the print check holds Chromium's print to on every document of the site.
PRINT_RULES = {"overlap", "off-page", "small-text", "small-chart", "pages", "page-size"}
# Page breaks: no heading, table note, run-in heading or callout title left at a page
# foot, no page but the last half empty, and (joint report) at most 16 pages.
PAGE_BREAK_RULES = {"stranded", "half-empty"}
JOINT = "gezamenlijk.html"


def _chromium_print_problems(
    site: Path, rules: set[str], joint_rules: set[str], programmes: list[str] = PROGRAMMES
) -> dict[str, list[str]]:
    """The print check's problems under `rules` per document of the site (every annual
    report and factsheet of `programmes`; `joint_rules` for the joint report), printed
    to A4 by Chromium."""
    from helpers.report.print_check import check_pdf, page_limit

    binary = chromium_or_skip()
    pages = [site / f"{key}{suffix}.html" for key in programmes for suffix in ("", "-factsheet")]
    pages.append(site / JOINT)
    found = {}
    with Chromium(binary) as browser:
        for page in pages:
            browser.open(page.as_uri())
            pdf = browser.pdf()
            if os.environ.get("WIJKMONITOR_SCREENSHOTS"):  # the printed PDFs, to look at
                Path(os.environ["WIJKMONITOR_SCREENSHOTS"], f"{page.stem}.pdf").write_bytes(pdf)
            problems = check_pdf(pdf, page_limit(f"{page.stem}.pdf"))
            wanted = joint_rules if page.name == JOINT else rules
            bad = [str(p) for p in problems if p.rule in wanted]
            if bad:
                found[page.name] = bad
    return found


def test_every_report_and_factsheet_prints_legibly_in_chromium(site):
    """Chromium prints each annual report, factsheet and the joint report to A4; the
    print check (helpers.report.print_check) reads the PDF's word boxes: no two words over
    each other, none off the text block, no text below 8 pt (body 9 pt), no chart below
    its drawn size, an annual report at most 16 pages and a factsheet exactly 2."""
    found = _chromium_print_problems(site, PRINT_RULES, PRINT_RULES - {"pages"})
    assert found == {}, found


def test_no_document_leaves_a_heading_or_note_at_a_page_foot_in_chromium(site):
    """No heading, table note or callout title is the last line of a printed page, no
    page but the last is half empty, and the joint report is at most 16 pages."""
    found = _chromium_print_problems(site, PAGE_BREAK_RULES, PAGE_BREAK_RULES | {"pages"})
    assert found == {}, found


def test_no_document_of_the_demo_cycle_leaves_a_page_half_empty_in_chromium(cold_build):
    """The same page-break rules on the demo cycle as `make run` builds it (the shared
    cold build: four programmes, the shipped data): there Betere Buurten's map of its
    programme area, printed 15 % above its drawn size, moved whole to page 4 and left
    page 3 half empty, which this module's own two-programme build did not show."""
    root, _ = cold_build
    programmes = load_project(Paths.from_root(root)).cycle.programmes
    found = _chromium_print_problems(
        root / "reports" / "_site",
        PAGE_BREAK_RULES,
        PAGE_BREAK_RULES | {"pages"},
        list(programmes),
    )
    assert found == {}, found
