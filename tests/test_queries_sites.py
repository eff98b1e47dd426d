"""阵地与观摩 on a warehouse of its own (the towns, stations, sites and plan of
``test_queries_rollout``), against hand-computed expectations.

Stations of 超前区: 甲一 has a home, a liaison station opened 2019 and upgraded on
2024-12-31 (the last day of the year: it counts in 2024), a second liaison station opened
on 2024-12-31, a contact point opened 2025-01-01 and an undated studio (always counted);
甲二 a home, a liaison station upgraded 2025-03-01 and a contact point. 甲九区 is not
counted: its home never counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.test_queries_rollout import AHEAD, AS_OF, BEHIND, build_rollout_warehouse
from warehouse.filters import Filters
from warehouse.queries import sites as si


@pytest.fixture(scope="module")
def sites_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("sites")
    return build_rollout_warehouse(tmp / "sites.duckdb", tmp)


@pytest.fixture
def con(sites_db: Path):
    c = duckdb.connect(str(sites_db), read_only=True)
    yield c
    c.close()


def F(year: int | None, district: str = AHEAD, **kw) -> Filters:
    return Filters(district=district, year=year, as_of=AS_OF, **kw)


# --- the network ----------------------------------------------------------------------

@pytest.mark.parametrize("year, expected", [
    # home, station, point, studio, upgraded (in the year; with no year: up to the cut-off)
    (2019, (2, 1, 0, 1, 0)),
    (2024, (2, 3, 1, 1, 1)),  # the station opened and the one upgraded on 2024-12-31 count
    (2025, (2, 3, 2, 1, 1)),
    (None, (2, 3, 2, 1, 2)),
])
def test_network_totals_count_stations_existing_at_the_year_end(con, year, expected):
    got = si.station_network_totals(con, F(year))
    assert (got["home"], got["station"], got["point"], got["studio"], got["upgraded"]) == expected
    assert got["point_studio"] == got["point"] + got["studio"] and got["towns"] == 4


def test_network_by_town_lists_every_counted_town(con):
    got = si.station_network_by_town(con, F(2024))
    expected = pd.DataFrame({
        "town": ["甲一街道", "甲二街道", "甲三镇", "甲四镇"],
        "home": [1, 1, 0, 0], "station": [2, 1, 0, 0], "point": [0, 1, 0, 0], "studio": [1, 0, 0, 0],
        "upgraded": [1, 0, 0, 0],
    })
    pd.testing.assert_frame_equal(got[expected.columns], expected)


def test_upgraded_stations_of_a_year(con):
    got = si.upgraded_stations(con, F(2025))
    assert got[["station_id", "town", "kind", "upgraded_on", "theme"]].values.tolist() == [
        ["Z7", "甲二街道", "STATION", dt.date(2025, 3, 1), "助企"]]
    assert si.upgraded_stations(con, F(None))["station_id"].tolist() == ["Z2", "Z7"]


def test_a_town_filter_narrows_the_network(con):
    got = si.station_network_totals(con, F(2024, towns=("甲二街道",)))
    assert (got["home"], got["station"], got["point"], got["towns"]) == (1, 1, 1, 1)


# --- practice sites, stars and ranking ---------------------------------------------------

def test_sites_of_a_year_with_stage_at_its_end_stars_and_rank(con):
    got = si.practice_sites_assessed(con, F(2024))
    # Started by 2024-12-31: A1a, A2, A3 (A1b and A4 start in 2025; 甲九区 is not counted).
    expected = pd.DataFrame({
        "site_id": ["A2", "A1a", "A3"],
        "stage": ["BUILT", "ACCEPTED", "BUILT"],  # A2 and A3 were accepted in 2025
        "checklist": [3, 5, 0],  # A2: education left blank counts as absent
        "score": [90.0, 80.0, 80.0],
        "stars": [5, 4, 4],
        "rank": pd.array([1, 2, 2], dtype="Int64"),  # equal scores share a rank
    })
    pd.testing.assert_frame_equal(got[expected.columns], expected)
    assert got.set_index("site_id").loc["A2", "accepted_on"] is None


def test_star_thresholds_are_inclusive(con):
    got = si.practice_sites_assessed(con, F(2025)).set_index("site_id")
    assert got.loc[["A1b", "A2", "A1a", "A3", "A4"], "stars"].tolist() == [5, 5, 4, 4, 3]  # 95, 90, 80, 80, 70
    assert got.loc[["A1b", "A2", "A1a", "A3", "A4"], "rank"].tolist() == [1, 2, 3, 3, 5]
    behind = si.practice_sites_assessed(con, F(2025, BEHIND)).set_index("site_id")
    assert behind.loc["B1", "stars"] == 0 and behind.loc["B2", "stars"] == 3  # 69.5 and 72
    assert "B3" not in behind.index  # never started


def test_unscored_sites_are_listed_but_not_ranked(con):
    got = si.practice_sites_assessed(con, F(None, BEHIND)).set_index("site_id")
    assert got.loc["B3", "stage"] == "PLANNED" and pd.isna(got.loc["B3", "rank"]) and got.loc["B3", "stars"] == 0
    assert got.index[-1] == "B3"


def test_sites_side_by_side_keep_the_chosen_order_and_the_whole_ranking(con):
    got = si.sites_side_by_side(con, F(2025), ("A3", "A1b"))
    assert got["site_id"].tolist() == ["A3", "A1b"] and got["rank"].tolist() == [3, 1]
    assert si.sites_side_by_side(con, F(2025), ()).empty


def test_sites_of_picked_towns_keep_the_ranks_of_the_whole_scope(con):
    # 2025 ranks: A1b 1, A2 2, A1a 3, A3 3, A4 5 (see above). 甲一街道 picked: A1b and A1a,
    # still 1st and 3rd — whereas the town filter ranks within its towns.
    got = si.practice_sites_assessed(con, F(2025), ("甲一街道",))
    assert got[["site_id", "rank"]].values.tolist() == [["A1b", 1], ["A1a", 3]]
    within = si.practice_sites_assessed(con, F(2025, towns=("甲一街道",)))
    assert within[["site_id", "rank"]].values.tolist() == [["A1b", 1], ["A1a", 2]]
    assert si.practice_sites_assessed(con, F(2025), ()).equals(si.practice_sites_assessed(con, F(2025)))
