"""The demo's synthetic police table (47018NED shape) reads back through the real
reader, adds up like the police's areas, and gives each programme its crime figure."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from helpers.report import safety
from helpers.sources.cbs_crime import read_crime
from helpers.sources.cbs_revisions import snapshot_of
from helpers.sources.demo import CRIME_DEMO_TABLE, crime_table


@pytest.fixture(scope="module")
def demo_crime(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw") / CRIME_DEMO_TABLE
    folder.mkdir()
    for name, records in crime_table(project).items():
        (folder / f"{name}.json").write_text(json.dumps(records), encoding="utf-8")
    return folder


def test_the_demo_police_table_is_synthetic_and_adds_up(project, demo_crime):
    assert snapshot_of(demo_crime).synthetic
    crime = read_crime(demo_crime)
    assert set(crime["year"]) == set(project.cycle.cycle.years)
    latest = crime[crime["year"].eq(project.cycle.cycle.year)].set_index("area_code")["crimes"]
    wijken = latest[latest.index.str.startswith("WK0344")]
    assert latest["GM0344"] == wijken.sum(), "a gemeente is the sum of its wijken"
    assert (latest > 0).all()


def test_every_programme_gets_its_figure_beside_its_gemeente(project, demo_crime):
    crime = read_crime(demo_crime)
    # inhabitants: the demo's own rates are 25-80 per 1,000, so any population that
    # gives a figure in that band shows the rate is counts / inhabitants * 1,000
    year = project.cycle.cycle.year
    for key, programme in project.programmes.items():
        codes = programme.area_codes(year)
        members = safety.members(codes, sorted(crime["area_code"]))
        population = pd.DataFrame(
            {"year": year, "area_code": [*members, programme.gemeente], "population": 1000.0}
        )
        table = safety.programme_crime(
            crime,
            population,
            {year: codes},
            programme.name,
            programme.gemeente,
            "gemeente",
            project.cycle.suppression,
        ).set_index("area_role")
        own = crime[crime["year"].eq(year) & crime["area_code"].isin(members)]["crimes"].sum()
        assert table.loc["programma", "rate"] == pytest.approx(own / (1000 * len(members)) * 1000)
        assert table.loc["gemeente", "source"] == "47018NED", key
        small = population.assign(population=5.0)  # at most 6 members: < 50
        withheld = safety.programme_crime(
            crime,
            small,
            {year: codes},
            programme.name,
            programme.gemeente,
            "gemeente",
            project.cycle.suppression,
        ).set_index("area_role")
        assert math.isnan(withheld.loc["programma", "rate"]), key
        assert withheld.loc["programma", "reason"] == "small_denominator"
