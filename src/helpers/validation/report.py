"""What validation found, for people: console lines, the findings, the HTML page.

The summary is a DVC output; the findings feed the reports' data-quality section;
the page is self-contained and readable offline.
"""

from __future__ import annotations

import html
import json
import re

from helpers.validation.results import CRITICAL, WARNING, Outcome, SuiteResult, ValidationSummary


def failure_line(suite: SuiteResult, outcome: Outcome) -> str:
    """`file, column c (n rows): examples - rule [kind, severity]`."""
    where = f"{suite.file}, column {outcome.column}" if outcome.column else suite.file
    where += f" ({outcome.unexpected} row{'s' if outcome.unexpected != 1 else ''})"
    examples = "; ".join(outcome.examples) or "see the validation report"
    return f"{where}: {examples} — violates: {outcome.rule} [{outcome.kind}, {outcome.severity}]"


def summary_to_json(summary: ValidationSummary) -> str:
    """Deterministic totals per suite and severity (a DVC metric)."""
    data = {
        "passed": summary.passed,
        "critical_failures": len(summary.failures(CRITICAL)),
        "warnings": len(summary.failures(WARNING)),
        "suites": {
            s.name: {
                "file": s.file,
                "expectations": len(s.outcomes),
                "failed_critical": sum(o.severity == CRITICAL for o in s.failed),
                "failed_warning": sum(o.severity == WARNING for o in s.failed),
            }
            for s in summary.suites
        },
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def summary_to_findings(summary: ValidationSummary) -> str:
    """Every failed expectation in words, for the reports' data-quality section
    (`rule` in English as in the console, `regel` the same in Dutch)."""
    findings = [
        {
            "suite": suite.name,
            "file": suite.file,
            "column": outcome.column,
            "severity": outcome.severity,
            "rule": outcome.rule,
            "regel": outcome.regel,
            "rows": outcome.unexpected,
            "examples": outcome.examples,
        }
        for suite in summary.suites
        for outcome in suite.failed
    ]
    return json.dumps(findings, indent=2, ensure_ascii=False) + "\n"


STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
caption{caption-side:top;text-align:left;padding:.3rem 0;font-weight:bold}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
.banner{padding:1rem;border-radius:.3rem;font-weight:bold}
.ok{background:#e6f4ea}.stop{background:#fde7e9}.warning{background:#fff4ce}
.critical{background:#fde7e9}code{font-size:.85rem}"""

SEVERITY = {CRITICAL: "kritiek", WARNING: "waarschuwing"}

EXPLANATION = (
    "<p>Voordat er iets berekend wordt, controleert de pijplijn elke ruwe bron: de "
    "CBS-tabellen (Kerncijfers wijken en buurten), de parameters tegen die tabellen, de "
    "enquête-export, en per programma de registraties en de notities. Elke controle heeft "
    "een ernst. Bij een <strong>kritieke</strong> fout stopt de pijplijn: er wordt niets "
    "berekend of gepubliceerd tot de bron verbeterd is. Een <strong>waarschuwing</strong> "
    "stopt niets, maar staat ook in de bijlage over datakwaliteit van de rapporten.</p>"
    "<p>Bij elke fout staat waar die zit: bestand, regel of record, kolom, en de waarde "
    "zoals die in het bestand staat. Persoonsgegevens worden nooit getoond, alleen hun "
    "soort en plaats. Uitleg van alle controles en hun instellingen: docs/validation.md "
    "in de projectmap.</p>"
)

# Place words in the examples (written in English for the console) as the page says them.
_PLACE_WORDS = [
    (re.compile(r"\bline (\d+) \(row (\d+)\)"), r"regel \1 (rij \2)"),
    (re.compile(r"\bsheet row (\d+)"), r"werkbladrij \1"),
    (re.compile(r"\bline (\d+|\?) \(item (\d+)"), r"regel \1 (item \2"),
    (re.compile(r"\bprevious year at\b"), "vorig jaar op"),
    (re.compile(r"^missing column\(s\):"), "ontbrekende kolom(men):"),
    (re.compile(r"^missing:"), "ontbreekt:"),
    (re.compile(r"^observed:"), "waargenomen:"),
    (re.compile(r"^(\d+) data rows$"), r"\1 gegevensrijen"),
    (re.compile(r"\bno notes in\b"), "geen notities in"),
    (re.compile(r"\(or \.xlsx\)"), "(of .xlsx)"),
]


def dutch_place(example: str) -> str:
    """An example as the Dutch page shows it: regel/rij for line/row, and so on."""
    for pattern, replacement in _PLACE_WORDS:
        example = pattern.sub(replacement, example)
    return example


def suite_title(suite: SuiteResult) -> str:
    """The heading of a suite on the page, in words instead of its id."""
    name = suite.name
    if name.startswith("kwb_"):
        _, year, table = name.split("_", 2)
        return f"CBS Kerncijfers wijken en buurten {year} ({table})"
    titles = {
        "files": "Bestanden in de map met lokale gegevens",
        "params": "Parameters tegen de CBS-tabellen",
        "survey": "Enquête (gezondheidsmonitor)",
    }
    for prefix, title in (("registrations_", "Registraties"), ("notes_", "Notities")):
        if name.startswith(prefix):
            return f"{title} van programma {name.removeprefix(prefix)}"
    return titles.get(name, name)


def _outcome_row(o: Outcome) -> str:
    css = "" if o.success else f" class='{o.severity}'"
    rows = "rij" if o.unexpected == 1 else "rijen"
    result = "geslaagd" if o.success else f"fout ({o.unexpected} {rows})"
    examples = "<br>".join(html.escape(dutch_place(e)) for e in o.examples)
    return (
        f"<tr{css}><td>{html.escape(o.regel or o.rule)}<br><small>controle <code>"
        f"{html.escape(o.kind)}</code></small></td><td>{html.escape(o.column)}</td>"
        f"<td>{SEVERITY.get(o.severity, o.severity)}</td><td>{result}</td>"
        f"<td>{examples}</td></tr>"
    )


def summary_to_html(summary: ValidationSummary) -> str:
    """A self-contained Dutch page: banner, explanation, per source every rule and result."""
    state = (
        ("ok", "Validatie geslaagd: geen kritieke fouten.")
        if summary.passed
        else ("stop", f"Pijplijn gestopt: {len(summary.failures(CRITICAL))} kritieke fout(en).")
    )
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Validatie van de ruwe gegevens</title><style>{STYLE}</style></head><body>",
        "<main>",
        "<h1>Validatie van de ruwe gegevens</h1>",
        (
            "<p class='banner warning'>SYNTHETISCHE GEGEVENS: deze validatie gaat over de "
            "demogegevens van wijkmonitor, niet over echte bronnen.</p>"
            if summary.synthetic
            else ""
        ),
        f"<p class='banner {state[0]}'>{html.escape(state[1])} "
        f"Waarschuwingen: {len(summary.failures(WARNING))}.</p>",
        EXPLANATION,
    ]
    for suite in summary.suites:
        title = suite_title(suite)
        parts.append(
            f"<h2>{html.escape(title)}</h2><p>Bestand: <code>{html.escape(suite.file)}</code></p>"
        )
        parts.append(
            f"<table><caption>Controles: {html.escape(title)}</caption><thead><tr>"
            "<th scope='col'>controle</th><th scope='col'>kolom</th><th scope='col'>ernst</th>"
            "<th scope='col'>resultaat</th><th scope='col'>voorbeelden</th></tr></thead><tbody>"
        )
        parts += [_outcome_row(o) for o in suite.outcomes]
        parts.append("</tbody></table>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


AUDIT_START = "<!-- statement-audit -->"
AUDIT_END = "<!-- /statement-audit -->"
_AUDIT_OUTCOMES = {"disagree": "wijkt af", "unattributed": "niet toe te wijzen"}


def audit_section(findings: list[dict[str, str]], checked: int) -> str:
    """The statement audit's stop on the validation page: a banner and, per statement
    that disagrees or cannot be placed, the document, where, printed and recomputed."""
    rows = "".join(
        "<tr class='critical'>"
        + "".join(
            f"<td>{html.escape(str(f[k]))}</td>"
            for k in ("document", "where", "printed", "expected")
        )
        + f"<td>{_AUDIT_OUTCOMES.get(f['outcome'], html.escape(f['outcome']))}</td></tr>"
        for f in findings
    )
    return (
        f"{AUDIT_START}<section id='controle-uitspraken'>"
        "<h2>Controle van de uitspraken in de rapporten</h2>"
        f"<p class='banner stop'>Pijplijn gestopt: {len(findings)} van de {checked} "
        "uitspraken op de gebouwde pagina's wijken af van de herberekening uit de ruwe "
        "gegevens of zijn niet toe te wijzen. Publiceer de rapporten niet voordat dit "
        "is opgelost.</p>"
        "<table><caption>Uitspraken die afwijken</caption><thead><tr>"
        "<th scope='col'>document</th><th scope='col'>waar</th>"
        "<th scope='col'>op de pagina</th><th scope='col'>herberekend</th>"
        f"<th scope='col'>uitkomst</th></tr></thead><tbody>{rows}</tbody></table>"
        f"</section>{AUDIT_END}"
    )


def with_audit_section(page: str, findings: list[dict[str, str]], checked: int) -> str:
    """The validation page with the audit's stop right under its title (replacing an
    earlier one, so running the audit twice names each statement once); unchanged
    without findings."""
    start, end = page.find(AUDIT_START), page.find(AUDIT_END)
    if start >= 0 and end > start:
        page = page[:start] + page[end + len(AUDIT_END) :]
    if not findings:
        return page
    title = page.find("</h1>")
    at = title + len("</h1>") if title >= 0 else 0
    return page[:at] + audit_section(findings, checked) + page[at:]
