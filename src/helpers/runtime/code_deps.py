"""Each dvc stage's code deps: the import closure of its stage module and its notebooks.

DVC reruns a stage only when a declared dep changes, so a stage's code deps must be
exactly the files its command runs: `helpers.cli`, `helpers.stages.<stage>` and what
they import, plus what the stage's notebooks import. Declared by hand they drift (a
rounding rule changed without the indicator tables following it; a docstring edit
re-running every notebook). Here they are derived from the code itself, statically:
every `import` and `from ... import` in a module, at any depth (function-level imports
included, `if TYPE_CHECKING:` blocks left out: they never run), each package's
`__init__.py` on the way, the modules a lazy facade names in its `FACADE` table, and
the data files a module names beside it (e.g. `demo_regions.csv`).

`python -m helpers.runtime.code_deps` prints the difference between dvc.yaml and the
closures; `--write` rewrites the code deps in dvc.yaml (`make deps`). A test fails on
any difference, so dvc.yaml cannot drift.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "helpers"
CODE_DIR = "src/helpers"


def is_code(dep: str) -> bool:
    """A dep that is the package's code: src/helpers itself or anything under it."""
    return dep == CODE_DIR or dep.startswith(CODE_DIR + "/")


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _runtime_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Every node of `tree` except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


class Modules:
    """The package's modules under `src`, by dotted name."""

    def __init__(self, src: Path) -> None:
        self.src = src

    def file(self, name: str) -> Path | None:
        base = self.src / Path(*name.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def imported_by(self, name: str, source: str) -> tuple[set[str], set[str]]:
        """The package's modules that `source` (of module `name`) imports at run time, and
        those its lazy `FACADE` names (imported only when the facade itself is used)."""
        found: set[str] = set()
        facade: set[str] = set()
        path = self.file(name)
        is_package = path is not None and path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        for node in _runtime_nodes(ast.parse(source)):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "FACADE" for t in targets):
                    facade.update(_facade_modules(node.value))
        return self._ours(found), self._ours(facade)

    def _ours(self, names: set[str]) -> set[str]:
        return {m for m in names if m.split(".")[0] == PACKAGE and self.file(m)}

    def closure(self, roots: Iterable[str]) -> set[Path]:
        """The files of `roots`, of every module they import, and of each package on the way.

        A package's `__init__.py` runs whenever one of its modules is imported; the
        modules its lazy `FACADE` names count only where the package itself is imported.
        """
        used: set[str] = set()  # imported as such: a facade's modules count
        passed: set[str] = set()  # only a parent package on the way: its __init__ runs
        todo: list[tuple[str, bool]] = [(root, True) for root in roots]
        while todo:
            name, direct = todo.pop()
            if name in used or (name in passed and not direct):
                continue
            (used if direct else passed).add(name)
            parts = name.split(".")
            todo.extend((".".join(parts[:i]), False) for i in range(1, len(parts)))
            path = self.file(name)
            if path is None:
                continue
            imports, facade = self.imported_by(name, path.read_text(encoding="utf-8"))
            todo.extend((module, True) for module in imports)
            if direct:
                todo.extend((module, True) for module in facade)
        files = {p for name in used | passed if (p := self.file(name)) is not None}
        return files | self.data_files(files)

    def data_files(self, modules: set[Path]) -> set[Path]:
        """Non-Python files beside a module that the module names (package data it reads)."""
        found = set()
        for module in modules:
            text = module.read_text(encoding="utf-8")
            for data in module.parent.iterdir():
                if (
                    data.suffix not in {".py", ".pyc"}
                    and data.is_file()
                    and (f'"{data.name}"' in text or f"'{data.name}'" in text)
                ):
                    found.add(data)
        return found


def _facade_modules(value: ast.expr | None) -> set[str]:
    if isinstance(value, ast.Dict):
        return {
            v.value
            for v in value.values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)
        }
    return set()


def notebook_imports(notebook: Path) -> set[str]:
    """The package's module names a notebook's code cells import (magics left out)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    names: set[str] = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        code = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in names if n.split(".")[0] == PACKAGE}


def _notebooks(root: Path, deps: list[str]) -> list[Path]:
    found = []
    for dep in deps:
        path = root / dep
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        elif dep.startswith("notebooks/") and path.is_dir():
            found.extend(sorted(path.rglob("*.ipynb")))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def stage_deps(root: Path, dvc: dict) -> dict[str, list[str]]:
    """Per stage of dvc.yaml that runs `wijkmonitor <stage>`: its code deps, sorted."""
    modules = Modules(root / "src")
    result = {}
    for stage, entry in dvc["stages"].items():
        command = str(entry.get("cmd", ""))
        match = re.search(r"wijkmonitor (\w+)", command)
        if not match:
            continue
        roots = {f"{PACKAGE}.cli", f"{PACKAGE}.stages.{match[1]}"}
        deps = [d for d in entry.get("deps", []) if isinstance(d, str)]
        for notebook in _notebooks(root, deps):
            roots |= notebook_imports(notebook)
        files = modules.closure(roots)
        result[stage] = sorted(str(p.relative_to(root)) for p in files)
    return result


def declared_code_deps(dvc: dict) -> dict[str, list[str]]:
    """Per stage: the deps dvc.yaml declares under src/helpers."""
    return {
        stage: sorted(d for d in entry.get("deps", []) if isinstance(d, str) and is_code(d))
        for stage, entry in dvc["stages"].items()
    }


def pipeline_files(root: Path) -> tuple[Path, ...]:
    """Every dvc.yaml of the project at `root` (dvc.yaml and pipeline/revisions/dvc.yaml)."""
    from helpers.config.paths import Paths

    return Paths(root).pipeline_files


def pipeline(root: Path) -> dict:
    """The stages of every dvc.yaml in one spec, in the order they run."""
    import yaml

    stages: dict = {}
    for file in pipeline_files(root):
        stages.update(yaml.safe_load(file.read_text(encoding="utf-8")).get("stages") or {})
    return {"stages": stages}


def differences(root: Path) -> dict[str, dict[str, list[str]]]:
    """Per stage whose declared code deps differ: what is `missing` and what is `extra`."""
    dvc = pipeline(root)
    declared = declared_code_deps(dvc)
    found = {}
    for stage, wanted in stage_deps(root, dvc).items():
        have = set(declared.get(stage, []))
        missing = sorted(set(wanted) - have)
        extra = sorted(have - set(wanted))
        if missing or extra:
            found[stage] = {"missing": missing, "extra": extra}
    return found


def rewrite(root: Path) -> bool:
    """Replace each stage's code deps in every dvc.yaml by its closure; True if anything
    changed."""
    changed = [_rewrite_file(root, path) for path in pipeline_files(root)]
    return any(changed)


def _rewrite_file(root: Path, path: Path) -> bool:
    """The stage's other deps, params, outs and every comment stay as they are: the
    code deps are the `- src/helpers/...` lines of the stage's `deps:` list, and the
    new list goes where the first of them stood (or at the end of the list)."""
    import yaml

    text = path.read_text(encoding="utf-8")
    wanted = stage_deps(root, yaml.safe_load(text))
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    stage = None
    in_deps = False
    inserted = False
    indent = ""
    for line in lines:
        stage_match = re.match(r"^  (\w+):\s*$", line)
        if stage_match:
            stage, in_deps, inserted = stage_match[1], False, False
        if stage in wanted and re.match(r"^    deps:\s*$", line):
            in_deps, inserted = True, False
            out.append(line)
            continue
        if in_deps:
            item = re.match(r"^(\s+)- (\S+)", line)
            if item and is_code(item[2]):
                indent = item[1]
                if not inserted:
                    out.extend(f"{indent}- {dep}\n" for dep in wanted[stage or ""])
                    inserted = True
                continue
            if not item and not line.strip().startswith("#"):
                if not inserted and stage:
                    out.extend(f"{indent or '      '}- {dep}\n" for dep in wanted[stage])
                    inserted = True
                in_deps = False
            elif item:
                indent = item[1]
        out.append(line)
    new = "".join(out)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    from helpers.config.stage_params import generated_programme_params, rewrite_programme_params

    args = sys.argv[1:] if argv is None else argv
    from helpers.config.paths import find_root

    root = find_root()
    programmes = cycle_programmes(root)
    if "--write" in args:
        changed = rewrite(root)
        print(
            "dvc.yaml files: code deps rewritten"
            if changed
            else "dvc.yaml files: code deps up to date"
        )
        written = rewrite_programme_params(root / "dvc.yaml", programmes)
        print(
            "dvc.yaml: programme params rewritten"
            if written
            else "dvc.yaml: programme params up to date"
        )
        return 0
    text = (root / "dvc.yaml").read_text(encoding="utf-8")
    stale_params = generated_programme_params(text, programmes) != text
    if stale_params:
        print(
            "dvc.yaml: the per-programme params blocks are not those of the first programme "
            f"for every programme of params/cycle.yaml ({', '.join(programmes)})"
        )
    found = differences(root)
    for stage, diff in found.items():
        for dep in diff["missing"]:
            print(f"dvc.yaml stage {stage}: missing dep {dep} (imported by the stage)")
        for dep in diff["extra"]:
            print(f"dvc.yaml stage {stage}: dep {dep} is not imported by the stage")
    if found or stale_params:
        print("run `make deps` to write the code deps and programme params")
    return 1 if found or stale_params else 0


def cycle_programmes(root: Path) -> list[str]:
    """The programme keys of params/cycle.yaml, read plainly (lint runs without a valid
    project too)."""
    import yaml

    cycle = yaml.safe_load((root / "params" / "cycle.yaml").read_text(encoding="utf-8")) or {}
    return [str(key) for key in cycle.get("programmes") or []]


if __name__ == "__main__":
    sys.exit(main())
