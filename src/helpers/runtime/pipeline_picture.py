"""The picture of the pipeline in docs/developer.md: each dvc stage, its module, its packages.

One row per stage of dvc.yaml, in its order: the stage, the module that runs it
(`stages/<stage>.py`), the stages whose outputs it reads, and a mark under every
subpackage of `src/helpers` in the stage's import closure (`helpers.runtime.code_deps`,
the same closure `make deps` writes). Drawn as plain SVG text, so the same code and
dvc.yaml give the same bytes and a unit test can tell when the committed picture is
out of date. `python -m helpers.runtime.pipeline_picture --write` (`make docs-tree`).
"""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

from helpers.runtime.code_deps import CODE_DIR, pipeline, stage_deps

PICTURE = "docs/pipeline.svg"
ROW = 34
TOP = 78
LEFT = 16
STAGE_W = 118
MODULE_W = 170
READS_W = 250
PACKAGE_W = 84
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def packages(root: Path) -> list[str]:
    """The subpackages of src/helpers, in the order a stage's data flow through them."""
    order = ["config", "sources", "validation", "indicators", "profiles", "report", "runtime"]
    found = sorted(p.name for p in (root / CODE_DIR).iterdir() if (p / "__init__.py").is_file())
    found.remove("stages")
    return [p for p in order if p in found] + [p for p in found if p not in order]


def _resolve(dep: str, variables: dict) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: str(variables.get(m[1], m[0])), dep).rstrip("/")


def upstream(dvc: dict, variables: dict) -> dict[str, list[str]]:
    """Per stage: the stages whose outputs it declares as deps."""
    outs: dict[str, str] = {}
    for stage, entry in dvc["stages"].items():
        for out in entry.get("outs", []):
            name = next(iter(out)) if isinstance(out, dict) else out
            outs[_resolve(name, variables)] = stage
    result = {}
    for stage, entry in dvc["stages"].items():
        reads: list[str] = []
        for dep in entry.get("deps", []):
            dep = _resolve(str(dep), variables)
            for out, producer in outs.items():
                inside = dep == out or dep.startswith(out + "/") or out.startswith(dep + "/")
                if inside and producer != stage and producer not in reads:
                    reads.append(producer)
        result[stage] = reads
    return result


def uses(closure: list[str], package: str) -> bool:
    return any(dep.startswith(f"{CODE_DIR}/{package}/") for dep in closure)


def svg(root: Path) -> str:
    """The picture of the project at `root`, as SVG text."""
    from helpers.config import Paths, load_cycle

    dvc = pipeline(root)
    # dvc.yaml's ${local_data}, from the typed cycle (never params/cycle.yaml read raw)
    variables = {"local_data": load_cycle(Paths(root)).local_data}
    closures = stage_deps(root, dvc)
    reads = upstream(dvc, variables)
    names = packages(root)
    stages = list(closures)
    x_module = LEFT + STAGE_W + 10
    x_reads = x_module + MODULE_W + 10
    x_pack = x_reads + READS_W + 10
    width = x_pack + PACKAGE_W * len(names) + LEFT
    height = TOP + ROW * len(stages) + 40
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' {FONT} font-size='13'>",
        "<title>wijkmonitor: the dvc stages, their modules and the packages they import</title>",
        f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
        f"<text x='{LEFT}' y='24' font-size='16' font-weight='bold'>"
        "dvc.yaml stage → src/helpers module → packages it imports</text>",
        f"<text x='{LEFT}' y='{TOP - 14}' font-weight='bold'>stage</text>",
        f"<text x='{x_module}' y='{TOP - 14}' font-weight='bold'>module (src/helpers/)</text>",
        f"<text x='{x_reads}' y='{TOP - 14}' font-weight='bold'>reads outputs of</text>",
        f"<text x='{x_pack + 4}' y='{TOP - 34}' font-weight='bold'>packages in the stage's "
        "import closure (src/helpers/…/)</text>",
    ]
    for i, name in enumerate(names):
        cx = x_pack + PACKAGE_W * i + PACKAGE_W // 2
        out.append(f"<text x='{cx}' y='{TOP - 14}' text-anchor='middle'>{escape(name)}/</text>")
    for row, stage in enumerate(stages):
        y = TOP + ROW * row
        fill = "#f2f5fa" if row % 2 == 0 else "#ffffff"
        out.append(
            f"<rect x='{LEFT - 6}' y='{y}' width='{width - 2 * LEFT + 12}' height='{ROW}' "
            f"fill='{fill}'/>"
        )
        out.append(
            f"<rect x='{LEFT}' y='{y + 5}' width='{STAGE_W}' height='{ROW - 10}' rx='5' "
            "fill='#1f4e79'/>"
        )
        text_y = y + ROW // 2 + 5
        out.append(
            f"<text x='{LEFT + STAGE_W // 2}' y='{text_y}' text-anchor='middle' "
            f"fill='#ffffff' font-weight='bold'>{escape(stage)}</text>"
        )
        command = re.search(r"wijkmonitor (\w+)", str(dvc["stages"][stage]["cmd"]))
        module = f"stages/{command[1] if command else stage}.py"
        out.append(f"<text x='{x_module}' y='{text_y}' font-family='monospace'>{module}</text>")
        before = ", ".join(reads.get(stage, [])) or "—"
        out.append(f"<text x='{x_reads}' y='{text_y}'>{escape(before)}</text>")
        for i, name in enumerate(names):
            if uses(closures[stage], name):
                cx = x_pack + PACKAGE_W * i + PACKAGE_W // 2
                out.append(f"<circle cx='{cx}' cy='{y + ROW // 2}' r='7' fill='#2e75b6'/>")
    foot = TOP + ROW * len(stages) + 24
    out.append(
        f"<text x='{LEFT}' y='{foot}' font-size='11' fill='#444444'>Generated by "
        "`make docs-tree` (helpers.runtime.pipeline_picture) from dvc.yaml and the "
        "imports; every stage also runs cli.py.</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from helpers.config.paths import find_root

    root = find_root()
    path = root / PICTURE
    wanted = svg(root)
    if "--write" in args:
        changed = not path.is_file() or path.read_text(encoding="utf-8") != wanted
        if changed:
            path.write_text(wanted, encoding="utf-8")
        print(f"{PICTURE}: rewritten" if changed else f"{PICTURE}: up to date")
        return 0
    if not path.is_file() or path.read_text(encoding="utf-8") != wanted:
        print(f"{PICTURE}: out of date with dvc.yaml and the imports; run `make docs-tree`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
