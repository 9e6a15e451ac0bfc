"""The stage entry point marks optional modules nothing in a stage uses as absent
(`runtime.optional_imports.SKIPPED`): jsonschema then imports without compiling the IRI grammar of
`rfc3987_syntax`, which only its "iri" format checkers use."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers.runtime import optional_imports

IRI_FORMATS = {"iri", "iri-reference"}


def formats_in(schema: Any) -> set[str]:
    """Every `format` keyword anywhere in a JSON schema."""
    if isinstance(schema, dict):
        own = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return own.union(*(formats_in(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(formats_in(item) for item in schema))
    return set()


def test_formats_in_finds_a_nested_iri_format() -> None:
    schema = {"properties": {"link": {"anyOf": [{"type": "string", "format": "iri"}]}}}
    assert formats_in(schema) & IRI_FORMATS == {"iri"}


def test_no_notebook_schema_uses_a_format_the_skipped_grammar_checks() -> None:
    schemas = sorted(Path(nbformat.__file__).parent.rglob("*.schema.json"))
    assert schemas, "nbformat ships its notebook schemas"
    for path in schemas:
        assert not formats_in(json.loads(path.read_text(encoding="utf-8"))) & IRI_FORMATS, path


@pytest.mark.parametrize("name", optional_imports.SKIPPED)
def test_a_skipped_module_imports_as_absent(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, name, sys.modules.get(name))  # restored afterwards
    del sys.modules[name]
    optional_imports.skip_unused_optional_imports()
    assert sys.modules[name] is None
    with pytest.raises(ImportError):
        importlib.import_module(name)
