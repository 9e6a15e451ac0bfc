"""The audit's result for people: a self-contained Dutch page beside the validation page."""

from __future__ import annotations

import html

from helpers.audit.compare import Result
from helpers.validation.report import STYLE


def result_to_html(result: Result) -> str:
    """Banner, counts per document, and every statement that disagrees or is unattributed."""
    data = result.as_json()
    if data["passed"]:
        banner = ("ok", f"Controle geslaagd: alle {data['checked']} uitspraken kloppen.")
    else:
        banner = (
            "stop",
            f"Pijplijn gestopt: {data['disagree']} uitspraak/uitspraken wijken af en "
            f"{data['unattributed']} zijn niet toe te wijzen (van {data['checked']}).",
        )
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Controle van de uitspraken in de rapporten</title><style>{STYLE}</style>",
        "</head><body><main><h1>Controle van de uitspraken in de rapporten</h1>",
        f"<p class='banner {banner[0]}'>{html.escape(banner[1])}</p>",
        "<p>Elk cijfer, elke periode en elke status op de gebouwde pagina's (jaarrapportages, "
        "gezamenlijke rapportage, startpagina) is opnieuw berekend uit de ruwe gegevens, met "
        "een eigen rekenwijze die de code van de rapporten niet gebruikt. Een cijfer moet "
        "kloppen op het aantal decimalen waarmee het er staat; een status moet volgen uit de "
        "beslistabel van de streefwaarden.</p>",
        "<table><caption>Per document</caption><thead><tr><th scope='col'>document</th>"
        "<th scope='col'>gecontroleerd</th><th scope='col'>wijkt af</th>"
        "<th scope='col'>niet toe te wijzen</th></tr></thead><tbody>",
    ]
    for name, counts in sorted(data["documents"].items()):
        parts.append(
            f"<tr><td>{html.escape(name)}</td><td>{counts['checked']}</td>"
            f"<td>{counts['disagree']}</td><td>{counts['unattributed']}</td></tr>"
        )
    parts.append("</tbody></table>")
    if data["findings"]:
        parts.append(
            "<table><caption>Wat afwijkt</caption><thead><tr><th scope='col'>document</th>"
            "<th scope='col'>waar</th><th scope='col'>op de pagina</th>"
            "<th scope='col'>herberekend</th><th scope='col'>uitkomst</th></tr></thead><tbody>"
        )
        words = {"disagree": "wijkt af", "unattributed": "niet toe te wijzen"}
        for finding in data["findings"]:
            cells = [finding["document"], finding["where"], finding["printed"], finding["expected"]]
            row = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            parts.append(f"<tr class='critical'>{row}<td>{words[finding['outcome']]}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
