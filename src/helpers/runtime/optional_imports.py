"""Keep jsonschema from building an IRI parser that no stage uses, at every stage start.

jsonschema registers its `iri` format checker from rfc3987-syntax whenever that package
is installed (jupyter-events pulls it in through `jsonschema[format-nongpl]`), and
importing it compiles some 35 Earley grammars: about 1.2 s CPU in every process that
imports nbformat, papermill, nbconvert or great-expectations, paid before any work
(python-jsonschema/jsonschema#1428). In the analyse stage it is serial time before the
fan-out starts. No schema the pipeline validates (notebooks, expectation suites) uses
the `iri` formats, so a stage process marks the package absent before anything imports
jsonschema, which then registers no `iri` checker, as where the package is not
installed. Any other import is untouched.
"""

from __future__ import annotations

import sys

# optional imports of third-party packages that cost much and serve no stage
SKIPPED = ("rfc3987_syntax",)


def skip_unused_optional_imports() -> None:
    """Make `import <name>` raise ImportError for each of SKIPPED not imported yet."""
    for name in SKIPPED:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]  # Python's "not importable"
