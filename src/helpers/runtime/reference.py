"""The analysts' reference: HTML pages made by pdoc from the docstrings (`make reference`).

Only the modules a notebook calls are documented, so the page lists what an analyst
uses and not the pipeline's internals. The pages are generated, never committed
(docs/reference/ is ignored by git); docs/reference.md says how to build and read them.
"""

from __future__ import annotations

import sys
from pathlib import Path

# What the notebooks import (`from helpers import plots, report_data`, `figures_dir`),
# and the formats and precision their numbers are shown with.
ANALYST_MODULES = (
    "helpers.report",
    "helpers.report.plots",
    "helpers.report.maps",
    "helpers.config.paths",
    "helpers.report.dutch",
    "helpers.report.data_years",
    "helpers.indicators.precision",
    "helpers.runtime.provenance",
)

DEFAULT_OUTPUT = Path("docs") / "reference"


def build_reference(output: Path) -> Path:
    """Write the reference pages into `output`; the path of its index.html.

    The docstrings are Markdown (backticks, tables, `>>>` examples shown as code).
    """
    import pdoc
    import pdoc.render

    pdoc.render.configure(
        docformat="markdown",
        footer_text="wijkmonitor: helpers for notebooks",
        search=True,
        show_source=True,
    )
    output.mkdir(parents=True, exist_ok=True)
    pdoc.pdoc(*ANALYST_MODULES, output_directory=output)
    return output / "index.html"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    index = build_reference(Path(args[0]) if args else DEFAULT_OUTPUT)
    print(f"[wijkmonitor] reference: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
