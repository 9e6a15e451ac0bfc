"""The CBS path with the real cbsodata client against real recorded CBS data on loopback."""

from __future__ import annotations

import pytest
from cbs_server import ReplayServer, kwb_2024_tables
from support import REPO, digests

from helpers.config import Project, load_project
from helpers.paths import Paths
from helpers.sources.cbs import CbsUnavailable, base_name, fetch_kwb, read_kwb_long


def one_year_project(address: str, retries: int = 1) -> Project:
    """The shipped params, narrowed to 2024 and pointed at the loopback server."""
    project = load_project(Paths.from_root(REPO))
    cycle = project.cycle
    years = cycle.cycle.model_copy(update={"year": 2024, "years": [2024], "base_year": 2024})
    cbs = cycle.cbs.model_copy(
        update={"catalog_url": address, "use_https": False, "retries": retries}
    )
    return project.model_copy(
        update={"cycle": cycle.model_copy(update={"cycle": years, "cbs": cbs, "source": "cbs"})}
    )


def test_base_name_drops_the_shifting_position():
    assert base_name("AantalInwoners_5") == "AantalInwoners"
    assert base_name("k_65JaarOfOuder_12") == "k_65JaarOfOuder"
    assert base_name("WijkenEnBuurten") == "WijkenEnBuurten"


def test_fetch_real_2024_table_through_cbsodata(shared_cbs, tmp_path):
    with ReplayServer(kwb_2024_tables(shared_cbs), page_size=25) as server:
        project = one_year_project(server.address)
        written = fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
    assert [p.name for p in written] == ["85984NED"]
    assert any("skip=25" in r for r in server.requests), "paging through odata.nextLink"
    kwb = read_kwb_long(tmp_path / "cbs", project)
    inwoners = kwb[kwb["column"].eq("AantalInwoners")].set_index("area_code")["value"]
    assert inwoners["WK034403"] == 35255  # Overvecht, KWB 2024
    assert inwoners["GM0344"] == 374238  # Utrecht
    assert set(kwb["area_code"].str[2:6]) <= {"0307", "0344", "0355", "0356"}
    assert kwb["table_modified"].iloc[0] == "2025-03-27T02:00:00"
    assert not kwb["synthetic"].any()


def test_fetch_retries_after_a_server_error(shared_cbs, tmp_path):
    with ReplayServer(kwb_2024_tables(shared_cbs)) as server:
        server.fail_next = 1
        project = one_year_project(server.address, retries=2)
        messages: list[str] = []
        fetch_kwb(project, tmp_path / "cbs", log=messages.append, backoff=0)
    assert any("retrying" in m for m in messages)
    assert (tmp_path / "cbs" / "85984NED" / "TypedDataSet.json").is_file()


def test_unreachable_cbs_keeps_the_previous_snapshot(shared_cbs, tmp_path):
    with ReplayServer(kwb_2024_tables(shared_cbs)) as server:
        project = one_year_project(server.address)
        fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
        before = digests(tmp_path / "cbs")
        server.fail_next = 10
        with pytest.raises(CbsUnavailable, match=r"85984NED.*previous snapshot"):
            fetch_kwb(project, tmp_path / "cbs", log=lambda _: None, backoff=0)
    assert digests(tmp_path / "cbs") == before
