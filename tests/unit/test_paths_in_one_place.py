"""Every project file a stage passes on is named in `helpers.config.paths`: no module
builds one by hand from a Paths folder (`paths.processed / "cbs" / ...`)."""

from __future__ import annotations

import re
from pathlib import Path

from support import REPO

PACKAGE = REPO / "src" / "helpers"
# paths.<folder> / "<name>": a path built by hand from one of Paths' folders
BY_HAND = re.compile(
    r"\bpaths\.(root|params|raw|raw_cbs|raw_demo|processed|reports|site|notebooks)"
    r"\s*/\s*[\"']"
)
# The analyse stage's fingerprint is being reworked (issue of engineer i28); it still
# names its inputs itself until then.
WAITING = {"stages/analyse.py"}


def built_by_hand(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name == "config/paths.py" or name in WAITING:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BY_HAND.search(line):
                found.append(f"src/helpers/{name}:{number}: {line.strip()}")
    return found


def test_no_module_builds_a_project_path_by_hand():
    assert built_by_hand(PACKAGE) == [], "add a Paths property (config/paths.py) and use it"


def test_a_path_built_by_hand_is_found(tmp_path):
    module = tmp_path / "helpers" / "report" / "extra.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        'def table(paths):\n    return paths.processed / "cbs" / "cbs_long.csv"\n',
        encoding="utf-8",
    )
    assert built_by_hand(tmp_path / "helpers") == [
        'src/helpers/report/extra.py:2: return paths.processed / "cbs" / "cbs_long.csv"'
    ]
