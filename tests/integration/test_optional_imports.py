"""A stage process does not import rfc3987-syntax, whose import alone costs about 1.2 s
CPU (runtime/optional_imports.py), and still validates notebooks and JSON schemas.

Run in a fresh interpreter, as a stage runs: `wijkmonitor` (cli.main) first, then the
packages the notebook stages and the validation import."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from support import REPO

PROBE = """
import json, sys
from helpers import cli
if sys.argv[1] == "cli":
    try:
        cli.main(["--help"])
    except SystemExit:
        pass
import great_expectations, jsonschema, nbformat, papermill
notebook = nbformat.read(sys.argv[2], as_version=4)
nbformat.validate(notebook)
notebook.cells[0]["cell_type"] = "no such cell type"
try:
    nbformat.validate(notebook)
    broken = "accepted"
except nbformat.ValidationError:
    broken = "refused"
print(json.dumps({"loaded": sys.modules.get("rfc3987_syntax") is not None, "broken": broken}))
"""


def probe(start: str) -> dict:
    notebook = REPO / "notebooks" / "programme.ipynb"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, start, str(notebook)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.skipif(
    importlib.util.find_spec("rfc3987_syntax") is None, reason="rfc3987-syntax not installed"
)
def test_a_stage_process_skips_the_iri_parser_and_still_validates_notebooks():
    assert probe("bare") == {"loaded": True, "broken": "refused"}, "imported without cli"
    assert probe("cli") == {"loaded": False, "broken": "refused"}
