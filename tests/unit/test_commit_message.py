"""The commit-msg hook (bin/check_commit_msg.py): a subject of at most 72 characters and a
body saying why; git's comments and the verbose diff below the scissors do not count."""

from __future__ import annotations

import importlib.util

from support import REPO

spec = importlib.util.spec_from_file_location("check_commit_msg", REPO / "bin/check_commit_msg.py")
assert spec and spec.loader
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

GOOD = "Validate only the suite a bad input breaks\n\nThe catalogue ran 21 suites per case.\n"


def test_a_short_subject_with_a_body_passes():
    assert check.problems(GOOD) == []
    assert check.problems("x" * 72 + "\n\nwhy\n") == []


def test_a_long_subject_is_refused_with_its_length():
    found = check.problems("x" * 73 + "\n\nwhy\n")
    assert found == [f"the subject has 73 characters (at most 72): {'x' * 73!r}"]


def test_a_subject_without_a_body_is_refused():
    assert check.problems("Fix the map\n") == [
        "add a body (after an empty line) saying why the change is made"
    ]
    assert check.problems("Fix the map\n\n# Please enter the commit message\n") == [
        "add a body (after an empty line) saying why the change is made"
    ]


def test_a_body_glued_to_the_subject_is_refused():
    assert check.problems("Fix the map\nbecause it was wrong\n") == [
        "leave the second line empty: the subject is one line"
    ]


def test_git_comments_and_the_verbose_diff_do_not_count():
    text = f"{GOOD}# Please enter\n{check.SCISSORS}\n" + "diff --git a b\n" * 3
    assert check.problems(text) == []
    assert check.problems("# only a comment\n") == ["the message is empty"]


def test_merges_and_fixups_pass():
    assert check.problems("Merge branch 'i25'\n") == []
    assert check.problems("fixup! Validate only the suite\n") == []


def test_main_exits_1_on_a_bad_message(tmp_path, capsys):
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("x" * 80 + "\n", encoding="utf-8")
    assert check.main([str(message)]) == 1
    assert "80 characters" in capsys.readouterr().err
    message.write_text(GOOD, encoding="utf-8")
    assert check.main([str(message)]) == 0
