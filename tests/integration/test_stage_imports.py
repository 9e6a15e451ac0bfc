"""The static import closure of each stage holds every module Python really loads for it.

`helpers.runtime.code_deps` reads imports from the source; here a fresh interpreter
imports each stage module (and the modules its notebooks import, with every name
they use from the report facade) and the files it loaded must all be declared.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

from helpers.runtime.code_deps import notebook_imports, pipeline, stage_deps

DVC = pipeline(REPO)  # dvc.yaml and pipeline/revisions/dvc.yaml
DEPS = stage_deps(REPO, DVC)

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    for attr in getattr(module, "FACADE", {}):
        getattr(module, attr)
print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()
                        if n.split(".")[0] == "helpers" and getattr(m, "__file__", None))))
"""


def notebook_modules(stage: str) -> set[str]:
    names: set[str] = set()
    for dep in DVC["stages"][stage]["deps"]:
        path = REPO / str(dep)
        notebooks = [path] if path.suffix == ".ipynb" else sorted(path.rglob("*.ipynb"))
        if str(dep).startswith("notebooks/"):
            for notebook in notebooks:
                names |= notebook_imports(notebook)
    return {n for n in names if _is_module(n)}


def _is_module(name: str) -> bool:
    base = REPO / "src" / name.replace(".", "/")
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@pytest.mark.parametrize("stage", sorted(DEPS))
def test_what_a_stage_loads_is_declared(stage):
    modules = ["helpers.cli", f"helpers.stages.{stage}", *sorted(notebook_modules(stage))]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    loaded = {
        str(p.relative_to(REPO)) for p in (Path(f).resolve() for f in json.loads(result.stdout))
    }
    undeclared = loaded - set(DEPS[stage])
    assert not undeclared, f"{stage} loads modules dvc.yaml does not declare: {undeclared}"
