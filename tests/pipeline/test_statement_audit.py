"""Issue 24: the statement audit as the last stage of the real `dvc repro` on the demo.

The audit stage reads the built pages and recomputes every figure, period and status
it finds from the raw inputs. These tests read the session's one cold build of the
project (tests/pipeline/conftest.py), then (1) read reports/audit.json, (2) require
the demo cycle to pass it, and (3) prove the audit can fail: on copies of the built
site with one statement changed (a period swapped, a value mis-rounded, a status
replaced, a factsheet figure or p-value changed) it finds exactly that statement,
and the stage itself, also run by `dvc repro`, stops with it named on the
validation page.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support import VENV_BIN, run

from helpers.audit.compare import Auditor, Check
from helpers.audit.pages import read_site
from helpers.audit.reference import Reference
from helpers.config import Paths, load_project

pytestmark = pytest.mark.pipeline
DVC = str(VENV_BIN / "dvc")
ANNUAL = ("overvecht.html", "soesterkwartier.html", "vollenhove.html", "betere_buurten.html")


@pytest.fixture(scope="module")
def cycle(cold_build):
    """The session's cold build (tests/pipeline/conftest.py; a failed `dvc repro`, the
    audit stage included, fails there). Read only: tests change copies of it."""
    root, output = cold_build
    assert (root / "reports" / "audit.json").is_file(), output[-3000:]
    return root, output


def audit_site(root: Path, site: Path) -> list[Check]:
    paths = Paths.from_root(root)
    project = load_project(paths)
    pages = read_site(site, list(project.cycle.programmes))
    return Auditor(Reference(project, paths)).audit(pages).failures


def mutated(root: Path, tmp_path: Path, page: str, old: str, new: str) -> Path:
    """A copy of the built site with the first `old` in `page` replaced by `new`."""
    site = tmp_path / "_site"
    shutil.copytree(root / "reports" / "_site", site)
    text = (site / page).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {page}"
    (site / page).write_text(text.replace(old, new, 1), encoding="utf-8")
    return site


def test_the_audit_counts_hundreds_of_statements_per_document(cycle):
    root, _ = cycle
    data = json.loads((root / "reports" / "audit.json").read_text(encoding="utf-8"))
    documents = data["documents"]
    assert set(documents) >= {*ANNUAL, "gezamenlijk.html", "index.html"}
    for name in ANNUAL:
        assert documents[name]["checked"] >= 300, name
    assert documents["gezamenlijk.html"]["checked"] >= 1000
    for name in ANNUAL:  # the residents' factsheets too
        factsheet = name.replace(".html", "-factsheet.html")
        assert documents[factsheet]["checked"] >= 20, factsheet
    assert data["checked"] == sum(d["checked"] for d in documents.values())
    assert set(documents["index.html"]) == {"checked", "disagree", "unattributed"}


def test_the_demo_cycle_passes_the_audit(cycle):
    root, output = cycle
    data = json.loads((root / "reports" / "audit.json").read_text(encoding="utf-8"))
    findings = "\n".join(
        f"{f['document']}: {f['where']}: {f['printed']!r} vs {f['expected']!r}"
        for f in data["findings"][:40]
    )
    assert data["passed"], (
        f"{data['disagree']} disagree, {data['unattributed']} unattributed:\n{findings}"
    )
    assert "Running stage 'audit'" in output, "the audit ran as the cycle's last stage"


def new_findings(root: Path, site: Path) -> list[Check]:
    before = {
        (c.document, c.where, c.printed) for c in audit_site(root, root / "reports" / "_site")
    }
    return [c for c in audit_site(root, site) if (c.document, c.where, c.printed) not in before]


def test_a_swapped_period_fails(cycle, tmp_path):
    root, _ = cycle
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    latest = re.search(r"Sinds de vorige meting \((\d{4})\)", html)
    assert latest
    year = latest.group(1)
    site = mutated(
        root,
        tmp_path,
        "overvecht.html",
        latest.group(0),
        f"Sinds de vorige meting ({int(year) - 1})",
    )
    found = new_findings(root, site)
    assert any(
        c.where.endswith(": vorige meting") and c.printed == str(int(year) - 1) for c in found
    ), found


def test_a_misrounded_value_fails(cycle, tmp_path):
    root, _ = cycle
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    cell = re.search(r"(<td[^>]*>)(\d+),(\d)%</td>", html)
    assert cell
    wrong = f"{cell.group(2)},{(int(cell.group(3)) + 1) % 10}%"
    site = mutated(root, tmp_path, "overvecht.html", cell.group(0), f"{cell.group(1)}{wrong}</td>")
    found = new_findings(root, site)
    assert [c.printed for c in found] == [wrong], found
    assert found[0].outcome == "disagree"


def test_a_wrong_status_fails(cycle, tmp_path):
    root, _ = cycle
    site = mutated(root, tmp_path, "overvecht.html", "– geen streefwaarde</td>", "✔ op koers</td>")
    found = new_findings(root, site)
    assert found and all(c.document == "overvecht.html" for c in found), found
    assert any(c.where.startswith(("stand:", "Tabel 1")) for c in found), found


def test_an_unattributable_figure_fails(cycle, tmp_path):
    """A row of 'De wijk in cijfers' for an indicator the catalogue does not know."""
    root, _ = cycle
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    row = re.search(r">Aantal inwoners</td>\s*<td[^>]*>Samen voor Overvecht</td>", html)
    assert row
    unknown = row.group(0).replace("Aantal inwoners", "Aantal inwoners (verzonnen)")
    site = mutated(root, tmp_path, "overvecht.html", row.group(0), unknown)
    found = new_findings(root, site)
    assert found and {c.outcome for c in found} == {"unattributed"}, found
    assert all(c.where.startswith("Aantal inwoners (verzonnen)") for c in found), found


def test_the_stage_stops_and_names_a_disagreement(cycle, tmp_path):
    root, _ = cycle
    project = tmp_path / "project"
    shutil.copytree(root, project, symlinks=True, ignore=shutil.ignore_patterns(".dvc"))
    page = project / "reports" / "_site" / "vollenhove.html"
    html = page.read_text(encoding="utf-8")
    cell = re.search(r"(<td[^>]*>)(\d{1,3})\.(\d{3})</td>", html)
    assert cell
    wrong = f"{cell.group(2)}.{(int(cell.group(3)) + 1) % 1000:03d}"
    page.write_text(
        html.replace(cell.group(0), f"{cell.group(1)}{wrong}</td>", 1), encoding="utf-8"
    )
    result = run(["sh", "bin/wijkmonitor", "audit"], project, check=False)
    assert result.returncode == 1
    assert "the statement audit stopped the pipeline" in result.stderr
    assert "vollenhove.html" in result.stderr and repr(wrong) in result.stderr
    audit_page = (project / "reports" / "audit" / "index.html").read_text(encoding="utf-8")
    assert "Pijplijn gestopt" in audit_page and wrong in audit_page


def test_a_wrong_figure_stops_dvc_repro_and_is_named_on_the_validation_page(cycle, tmp_path):
    """Issue 24: a disagreement stops the cycle as a validation error does, and the site's
    validation page names the document, the statement and both values. A figure in a
    built page is made wrong, then the audit stage runs through `dvc repro` (only that
    stage: a full repro would rebuild the page first)."""
    root, _ = cycle
    project = tmp_path / "project"

    def no_cache(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n in ("cache", "tmp")] if folder.endswith(".dvc") else []

    shutil.copytree(root, project, symlinks=True, ignore=no_cache)
    page = project / "reports" / "_site" / "vollenhove.html"
    html = page.read_text(encoding="utf-8")
    cell = re.search(r"(<td[^>]*>)(\d{1,3})\.(\d{3})</td>", html)
    assert cell
    right = f"{cell.group(2)}.{cell.group(3)}"
    wrong = f"{cell.group(2)}.{(int(cell.group(3)) + 1) % 1000:03d}"
    page.write_text(html.replace(cell.group(0), f"{cell.group(1)}{wrong}</td>", 1), "utf-8")
    validation = project / "reports" / "_site" / "validation" / "index.html"
    assert "Controle van de uitspraken" not in validation.read_text(encoding="utf-8")

    result = run([DVC, "repro", "--single-item", "audit"], project, check=False)
    assert result.returncode != 0, result.stdout[-2000:]
    assert "the statement audit stopped the pipeline" in result.stderr
    shown = validation.read_text(encoding="utf-8")
    section = shown[shown.index("<!-- statement-audit -->") : shown.index("<!-- /statement-audit")]
    assert "Pijplijn gestopt" in section and "vollenhove.html" in section
    row = re.search(
        rf"<tr class='critical'><td>vollenhove\.html</td><td>([^<]+)</td>"
        rf"<td>{re.escape(wrong)}</td><td>([^<]+)</td>",
        section,
    )
    assert row, section[:2000]
    assert " | " in row.group(1), "the statement: indicator | area | year"
    assert float(row.group(2)) == float(right.replace(".", "")), "the recomputed value"
    assert shown.index("<h1>") < shown.index("<!-- statement-audit -->"), "under the title"

    page.write_text(html, "utf-8")  # put right again: the next audit takes the names away
    again = run([DVC, "repro", "--single-item", "audit"], project, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "statement-audit" not in validation.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "old", "where"),
    [
        ("overvecht-factsheet.html", " van de 100 volwassenen in ", "factsheet: "),
        ("overvecht-factsheet.html", " activiteiten in de buurt.", "factsheet: "),
        ("overvecht.html", ">p = 0,", "(statistiek): p-waarde"),
    ],
)
def test_a_wrong_figure_in_a_factsheet_or_the_statistical_appendix_fails(
    cycle, tmp_path, page, old, where
):
    """The residents' factsheet and the statistical appendix are read too: the number
    just before (or after) a fixed wording, made one higher, is found."""
    root, _ = cycle
    html = (root / "reports" / "_site" / page).read_text(encoding="utf-8")
    if old.startswith(">p = "):
        found = re.search(re.escape(old) + r"(\d{3})", html)
        assert found
        wrong = f"{old}{(int(found.group(1)) + 1) % 1000:03d}"
        site = mutated(root, tmp_path, page, found.group(0), wrong)
    else:
        found = re.search(r"(\d+)" + re.escape(old), html)
        assert found
        site = mutated(root, tmp_path, page, found.group(0), f"{int(found.group(1)) + 1}{old}")
    changed = new_findings(root, site)
    assert changed and all(c.document == page for c in changed), changed
    assert any(where in c.where and c.outcome == "disagree" for c in changed), changed


def mutated_at(
    root: Path,
    tmp_path: Path,
    page: str,
    anchor: str,
    pattern: str,
    new: str | Callable[[re.Match[str]], str],
) -> Path:
    """A copy of the built site with the first match of `pattern` after `anchor` in
    `page` replaced by `new` (a regex replacement, `\\1` for its groups, or a function
    of the match)."""
    site = tmp_path / "_site"
    shutil.copytree(root / "reports" / "_site", site)
    text = (site / page).read_text(encoding="utf-8")
    start = text.index(anchor)
    found = re.compile(pattern).search(text, start)
    assert found, f"{pattern!r} not after {anchor!r} in {page}"
    replaced = new(found) if callable(new) else found.expand(new)
    changed = text[: found.start()] + replaced + text[found.end() :]
    assert changed != text
    (site / page).write_text(changed, encoding="utf-8")
    return site


STATUS = "|".join(
    [
        "✘ niet op koers",
        "✔ op koers",
        "≈ nog niet te zeggen",
        "✘ niet gehaald",
        "✔ gehaald",
        "≈ niet met zekerheid te zeggen",
    ]
)


def test_a_wrong_target_status_in_the_joint_report_fails(cycle, tmp_path):
    """Issue 24: the joint report's 'Streefwaarde: <programme> <value> in <year>: <status>
    (<movement>)' under a chart is read; one status replaced is found, and only it."""
    root, _ = cycle
    html = (root / "reports" / "_site" / "gezamenlijk.html").read_text(encoding="utf-8")
    first = re.search(rf"(<em>Streefwaarde: [^<]*?: )({STATUS}) \(", html)
    assert first, "a target with a decided status in the joint report"
    wrong = "✘ niet gehaald" if first.group(2) != "✘ niet gehaald" else "✔ gehaald"
    site = mutated(root, tmp_path, "gezamenlijk.html", first.group(0), f"{first.group(1)}{wrong} (")
    found = new_findings(root, site)
    assert [(c.printed, c.outcome) for c in found] == [(wrong, "disagree")], found
    assert found[0].where.endswith("(streefwaarde): status"), found


def test_a_wrong_movement_or_target_value_in_the_joint_report_fails(cycle, tmp_path):
    root, _ = cycle
    for n, (old, new, where) in enumerate(
        [
            (
                r"(Streefwaarde: [^<]*?: (?:[^<(;]*?)) \(richting de streefwaarde\)",
                r"\1 (van de streefwaarde af)",
                "(streefwaarde): beweging",
            ),
            (
                r"(Streefwaarde: [^<]*? )(\d+),(\d)% in ",
                r"\g<1>1\2,\3% in ",
                "(streefwaarde): waarde",
            ),
        ]
    ):
        site = mutated_at(root, tmp_path / str(n), "gezamenlijk.html", "<em>Figuur:", old, new)
        found = new_findings(root, site)
        assert len(found) == 1 and found[0].where.endswith(where), found
        assert found[0].outcome == "disagree"


def test_a_wrong_figure_in_the_deep_dive_table_fails(cycle, tmp_path):
    """Issue 24: the deep dive's survey table (eenzaamheid, Overvecht) is read: a lower
    bound of an interval made 0,1 higher is found, and only it."""
    root, _ = cycle

    def higher(bound: re.Match[str]) -> str:
        return f"({bound.group(1)},{(int(bound.group(2)) + 1) % 10}% – "

    anchor = "programmagebied (95%-interval)"
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    bound = re.compile(r"\((\d+),(\d)% – ").search(html, html.index(anchor))
    assert bound
    wrong = higher(bound)[1:-4]
    site = mutated_at(root, tmp_path, "overvecht.html", anchor, r"\((\d+),(\d)% – ", higher)
    found = new_findings(root, site)
    assert [c.printed for c in found] == [wrong], found
    assert "(verdieping)" in found[0].where and found[0].where.endswith(": ondergrens")
    assert found[0].outcome == "disagree"


def test_a_deep_dive_table_the_audit_cannot_place_fails(cycle, tmp_path):
    """Without the caption naming its indicator the deep dive's rows are unattributed."""
    root, _ = cycle
    site = mutated_at(
        root, tmp_path, "overvecht.html", "Verdieping", r"Figuur: Staafdiagram ", "Figuur: Grafiek "
    )
    found = new_findings(root, site)
    assert found and {c.outcome for c in found} == {"unattributed"}, found
    assert all("(verdieping)" in c.where for c in found), found


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (r"(<td[^>]*>)vanaf 2024(</td>)", r"\1–\2", "Gemiddelde WOZ-waarde van woningen"),
        (
            r"(<td[^>]*>Aantal inwoners</td>(?:\s*<td[^>]*>[^<]*</td>){7}\s*<td[^>]*>)–(</td>)",
            r"\1vanaf 2023\2",
            "Aantal inwoners",
        ),
    ],
)
def test_a_wrong_break_in_the_key_figures_fails(cycle, tmp_path, old, new, where):
    """Issue 24: the column 'breuk in de reeks' of 'De wijk in cijfers' is read: a break
    left out, or one added, is found in that row only."""
    root, _ = cycle
    site = mutated_at(root, tmp_path, "overvecht.html", "De wijk in cijfers", old, new)
    found = new_findings(root, site)
    assert len(found) == 1 and found[0].where.startswith(where), found
    assert found[0].where.endswith(": breuk") and found[0].outcome == "disagree"


def test_a_wrong_break_in_the_logbook_fails(cycle, tmp_path):
    root, _ = cycle
    site = mutated_at(
        root, tmp_path, "overvecht.html", ">reden<", r"(<td[^>]*>)ja(</td>)", r"\1nee\2"
    )
    found = new_findings(root, site)
    assert len(found) == 1 and found[0].where.startswith("logboek: "), found
    assert (found[0].printed, found[0].expected) == ("nee", "ja")


def test_a_wrong_figure_in_a_first_screen_reason_fails(cycle, tmp_path):
    """Issue 24: the first screen's 'waarom' is read too: the value the line to the target
    asks for in the latest year ('… vraagt (27,1%)'), made 0,1 higher, is found."""
    root, _ = cycle

    def higher(found: re.Match[str]) -> str:
        return f"vraagt ({found.group(1)},{(int(found.group(2)) + 1) % 10}%)"

    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    line = re.search(r"vraagt \((\d+),(\d)%\)", html)
    assert line, "a goal behind or on its line, with a percentage"
    wrong = higher(line)[len("vraagt (") : -2]
    site = mutated_at(root, tmp_path, "overvecht.html", "<h1", r"vraagt \((\d+),(\d)%\)", higher)
    found = new_findings(root, site)
    assert [(c.printed, c.outcome) for c in found] == [(wrong, "disagree")], found
    assert found[0].where.startswith("waarom: ") and found[0].where.endswith(": de lijn vraagt")


def chart_description(root: Path, page: str, start: str) -> str:
    """The first line chart's description on `page` whose area sentence starts `start`."""
    html = (root / "reports" / "_site" / page).read_text(encoding="utf-8")
    found = re.search(rf'alt="(Lijngrafiek[^"]*? {re.escape(start)}[^"]*)"', html)
    assert found, start
    return found.group(1)


def test_a_changed_value_in_a_chart_description_fails(cycle, tmp_path):
    """One value in a line chart's alt text, one decimal off: exactly that value fails."""
    root, _ = cycle
    alt = chart_description(root, "overvecht.html", "Samen voor Overvecht: stijgend van ")
    value = re.search(r"Samen voor Overvecht: stijgend van (\d+),(\d)(%?) in (\d{4})", alt)
    assert value
    wrong = f"{value.group(1)},{(int(value.group(2)) + 1) % 10}{value.group(3)}"
    changed = alt.replace(
        value.group(0),
        value.group(0).replace(
            f"{value.group(1)},{value.group(2)}{value.group(3)} in", f"{wrong} in", 1
        ),
        1,
    )
    site = mutated(root, tmp_path, "overvecht.html", f'alt="{alt}"', f'alt="{changed}"')
    found = new_findings(root, site)
    assert [(c.printed, c.outcome) for c in found] == [(wrong, "disagree")], found
    assert found[0].where.startswith("grafiek (alt): ")
    assert found[0].where.endswith(f"| Samen voor Overvecht | {value.group(4)}"), found


def test_a_wrong_direction_word_in_a_chart_description_fails(cycle, tmp_path):
    """'stijgend' made 'dalend' in one area's sentence: exactly that direction fails."""
    root, _ = cycle
    alt = chart_description(root, "overvecht.html", "Samen voor Overvecht: stijgend van ")
    changed = alt.replace(
        "Samen voor Overvecht: stijgend van", "Samen voor Overvecht: dalend van", 1
    )
    site = mutated(root, tmp_path, "overvecht.html", f'alt="{alt}"', f'alt="{changed}"')
    found = new_findings(root, site)
    assert [(c.printed, c.expected, c.outcome) for c in found] == [
        ("dalend", "stijgend", "disagree")
    ], found
    assert found[0].where.endswith(": richting"), found


def test_a_wrong_crime_figure_fails_in_the_table_and_the_bar_chart(cycle, tmp_path):
    """Registered crime outside the indicator tables: the safety section's table (rate
    and police table) and its bar chart's description, each changed once."""
    root, _ = cycle
    html = (root / "reports" / "_site" / "overvecht.html").read_text(encoding="utf-8")
    row = re.search(
        r"(<td[^>]*>Samen voor Overvecht</td>\s*<td[^>]*>(\d{4})</td>\s*<td[^>]*>)"
        r"(\d+),(\d)(</td>\s*<td[^>]*>)(47018NED)</td>",
        html,
    )
    assert row
    wrong = f"{row.group(3)},{(int(row.group(4)) + 1) % 10}"
    changed = f"{row.group(1)}{wrong}{row.group(5)}47013NED</td>"
    site = mutated(root, tmp_path, "overvecht.html", row.group(0), changed)
    found = new_findings(root, site)
    where = f"misdrijven: Samen voor Overvecht | {row.group(2)}"
    assert {(c.where, c.printed) for c in found} == {
        (where, wrong),
        (f"{where}: tabel", "47013NED"),
    }, found

    bars = re.search(
        r"(Staafdiagram: geregistreerde misdrijven [^\"]*?Samen voor Overvecht )"
        r"(\d+),(\d)",
        html,
    )
    assert bars
    wrong = f"{bars.group(2)},{(int(bars.group(3)) + 1) % 10}"
    site = mutated(root, tmp_path / "bars", "overvecht.html", bars.group(0), bars.group(1) + wrong)
    found = new_findings(root, site)
    assert [(c.printed, c.outcome) for c in found] == [(wrong, "disagree")], found
    assert found[0].where.startswith("misdrijven (staafdiagram "), found


def test_chart_descriptions_in_an_unknown_wording_fail(cycle, tmp_path):
    """Every line chart described otherwise ('Lijndiagram'): the audit does not shrink
    silently, it says it found no description to check."""
    root, _ = cycle
    site = tmp_path / "_site"
    shutil.copytree(root / "reports" / "_site", site)
    page = site / "overvecht.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("Lijngrafiek van", "Lijndiagram van"), "utf-8"
    )
    found = new_findings(root, site)
    assert [(c.document, c.where, c.outcome) for c in found] == [
        ("overvecht.html", "grafieken", "unattributed")
    ], found
