#!/usr/bin/env python3
"""The commit-msg hook: a subject of at most 72 characters, then a body saying why.

History is read by subject (`git log --oneline`, tags, the lead's merges): 263 of 315
subjects were too long to read there, and a subject alone never says why. pre-commit
runs this at the `commit-msg` stage with the message file; standard library only, so
it needs no environment. Merge commits (`Merge ...`) and `fixup!`/`squash!` commits
are let through: git writes the former and the latter disappear in a rebase.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_SUBJECT = 72
SCISSORS = "# ------------------------ >8 ------------------------"


def message_lines(text: str) -> list[str]:
    """The message as git keeps it: comment lines and everything below the scissors gone."""
    text = text.split(SCISSORS, 1)[0]
    lines = [line.rstrip() for line in text.splitlines() if not line.startswith("#")]
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def problems(text: str) -> list[str]:
    """What is wrong with a commit message; empty when it is fine."""
    lines = message_lines(text)
    if not lines:
        return ["the message is empty"]
    subject = lines[0]
    if subject.startswith(("Merge ", "fixup! ", "squash! ")):
        return []
    found = []
    if len(subject) > MAX_SUBJECT:
        found.append(
            f"the subject has {len(subject)} characters (at most {MAX_SUBJECT}): {subject!r}"
        )
    if len(lines) > 1 and lines[1]:
        found.append("leave the second line empty: the subject is one line")
    if not any(line.strip() for line in lines[1:]):
        found.append("add a body (after an empty line) saying why the change is made")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_commit_msg.py COMMIT_MESSAGE_FILE", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]).read_text(encoding="utf-8"))
    for problem in found:
        print(f"commit message: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
