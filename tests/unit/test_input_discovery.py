"""Issue 29: strict input discovery, without a pipeline run (the pipeline tests in
tests/pipeline/test_bad_input_round_three.py run the same checks through `dvc repro`).

- the demo source refuses an area code its region list lacks in a gemeente it lists;
- a region key twice in a snapshot's region list is named;
- symbolic links under the local data folder are named;
- every file under the local data folder is read or named as ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.sources import demo
from helpers.sources.cbs_check import region_list_problems
from helpers.sources.local import expected_inputs, ignored_inputs
from helpers.validation.links import LinkError, links_under, refuse_links


def _with_codes(project, key: str, codes: list[str]):
    programme = project.programmes[key]
    period = programme.areas[0].model_copy(update={"codes": codes})
    changed = programme.model_copy(update={"areas": [period, *programme.areas[1:]]})
    return project.model_copy(update={"programmes": {**project.programmes, key: changed}})


@pytest.mark.parametrize(
    ("key", "codes", "named", "hint"),
    [
        (
            "overvecht",
            ["WK034430"],
            "areas[0].codes[0]: area code WK034430",
            "WK034403 (Wijk 03 Overvecht)",
        ),
        ("vollenhove", ["BU03550250"], "areas[0].codes[0]: area code BU03550250", "BU03550205"),
        (
            "soesterkwartier",
            ["WK030703", "WK030799"],
            "areas[0].codes[1]: area code WK030799",
            "WK030709",
        ),
    ],
)
def test_demo_refuses_an_unknown_code_in_a_listed_gemeente(project, key, codes, named, hint):
    with pytest.raises(demo.DemoAreaError) as error:
        demo.demo_regions(_with_codes(project, key, codes))
    message = str(error.value)
    assert f"params/programmes/{key}.yaml: key {named}" in message
    assert f"did you mean {hint}" in message


def test_demo_still_generates_a_gemeente_it_does_not_list(project):
    rotterdam = project.programmes["overvecht"].model_copy(
        update={"gemeente": "GM0599", "areas": [project.programmes["overvecht"].areas[0]]}
    )
    period = rotterdam.areas[0].model_copy(update={"codes": ["BU05990101"]})
    changed = project.model_copy(
        update={
            "programmes": {
                **project.programmes,
                "overvecht": rotterdam.model_copy(update={"areas": [period]}),
            }
        }
    )
    assert "BU05990101" in {r.code for r in demo.demo_regions(changed)}


def test_typing_distance_counts_a_swap_as_one():
    assert demo.typing_distance("WK034430", "WK034403") == 1
    assert demo.typing_distance("WK034403", "WK034403") == 0
    assert demo.typing_distance("WK03440", "WK034403") == 1
    assert demo.nearest_codes("WK034430", ["WK034410", "WK034403", "WK039999"]) == [
        "WK034403",
        "WK034410",
    ]


def test_a_region_key_twice_in_the_region_list_is_named(tmp_path):
    folder = tmp_path / "85984NED"
    folder.mkdir()
    records = [
        {"Key": "WK034403  ", "Title": "Overvecht"},
        {"Key": "WK034404  ", "Title": "Noordoost"},
        {"Key": "WK034403", "Title": "Overvecht-Noord"},
    ]
    (folder / "WijkenEnBuurten.json").write_text(json.dumps(records), encoding="utf-8")
    problems = region_list_problems(folder, tmp_path)
    assert problems == [
        "85984NED/WijkenEnBuurten.json: record 3 (WK034403): the region of record 1 again, "
        "under another title ('Overvecht-Noord', record 1: 'Overvecht') (rule: each region "
        "appears once in the region list)"
    ]
    (folder / "WijkenEnBuurten.json").write_text(json.dumps(records[:2]), encoding="utf-8")
    assert region_list_problems(folder, tmp_path) == []


def test_links_under_the_local_folder_are_named_and_left_alone(tmp_path):
    local = tmp_path / "data" / "raw" / "local"
    (local / "registrations").mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    (outside / "notes").mkdir(parents=True)
    (outside / "x.csv").write_text("jaar\n", encoding="utf-8")
    (local / "registrations" / "overvecht.csv").symlink_to(outside / "x.csv")
    (local / "notes").symlink_to(outside / "notes", target_is_directory=True)
    (local / "survey.csv").write_text("jaar\n", encoding="utf-8")
    assert [p.name for p in links_under(local)] == ["notes", "overvecht.csv"]
    with pytest.raises(LinkError) as error:
        refuse_links(local, tmp_path)
    message = str(error.value)
    assert "2 symbolic link(s) in the local data folder data/raw/local" in message
    assert f"data/raw/local/registrations/overvecht.csv is a symbolic link to {outside}/x.csv"
    assert "data/raw/local/notes is a symbolic link to" in message
    assert (local / "notes").is_symlink(), "nothing replaced"
    (local / "notes").unlink()
    (local / "registrations" / "overvecht.csv").unlink()
    refuse_links(local, tmp_path)  # no links: no error


def test_the_local_folder_itself_as_a_link_is_named(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "local").symlink_to(tmp_path / "real", target_is_directory=True)
    assert links_under(tmp_path / "local") == [tmp_path / "local"]


def _files(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x", encoding="utf-8")


def test_every_file_is_read_or_named_as_ignored(tmp_path):
    programmes = ["overvecht", "vollenhove"]
    read = [
        "SYNTHETIC.txt",
        "survey/gezondheidsmonitor.csv",
        "registrations/overvecht.xlsx",
        "notes/overvecht/2024.yaml",
    ]
    ignored = {
        "notes.txt": "not an input",
        "survey_2024.xlsx~": "backup or lock file",
        ".DS_Store": "system file",
        "survey/~$gezondheidsmonitor.xlsx": "backup or lock file",
        "registrations/overvech.csv": "did you mean registrations/overvecht.csv?",
        "registrations/oud.csv": "not an input",
        "notes/overvecht/.DS_Store": "system file",
        "notes/oud/2023.yaml": "not an input",
    }
    _files(tmp_path, [*read, *ignored])
    found = {str(p.relative_to(tmp_path)): why for p, why in ignored_inputs(tmp_path, programmes)}
    assert set(found) == set(ignored)
    for name, reason in ignored.items():
        assert reason in found[name], (name, found[name])
    assert all((tmp_path / name) in expected_inputs(tmp_path, programmes) for name in read[:3])
