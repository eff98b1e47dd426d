"""参与情况 on the fixture warehouse, against expectations computed by hand from
``FIXTURE_ACTIVITIES`` in conftest.py.

Participants per fixture row (deputies + voter_reps + social_workers + public):
J1 17, J2 17, J3 22, J4 30, J5 19, J6 24, Y1 40, Y2 40, Y3 42, Y4 42, Y5 20,
B1–B3 12 each, B4 15, B5 15, D1 5 (丁办事处, not counted), P1 36, P2 28, P3 48.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from tests.conftest import FIXTURE_TOWNS
from warehouse.filters import Filters
from warehouse.queries import participation as pa

AS_OF = dt.date(2025, 6, 30)
F = Filters(district="测试区", as_of=AS_OF)
F2024 = F.with_year(2024)
TOWNS = ["甲街道", "丙街道", "乙镇"]  # statistical-code order


def frame(data: dict[str, list]) -> pd.DataFrame:
    """An expected frame with the warehouse's dtypes: whole numbers as int64."""
    df = pd.DataFrame(data)
    for c in df.columns:
        if pd.api.types.is_integer_dtype(df[c]):
            df[c] = df[c].astype("int64")
    return df


def grid(towns: list[str], months: int, cells: dict[tuple[str, int], tuple[int, int]]) -> pd.DataFrame:
    """A town × month grid: zeros everywhere except the hand-computed ``cells``."""
    rows = [(tw, m, *cells.get((tw, m), (0, 0))) for tw in towns for m in range(1, months + 1)]
    return frame({"district": ["测试区"] * len(rows), "town": [r[0] for r in rows], "month": [r[1] for r in rows],
                  "events": [r[2] for r in rows], "participants": [r[3] for r in rows]})


# --- events by kind per month -------------------------------------------------------------

def test_events_by_kind_month_buckets_each_activity_into_its_month(fixture_con):
    got = pa.events_by_kind_month(fixture_con, F2024)
    expected = frame({
        "year": [2024] * 12,
        "month": [1, 2, 3, 3, 4, 5, 6, 6, 9, 10, 11, 12],
        "kind": ["TOWN_CONGRESS", "STREET_COUNCIL", "STREET_COUNCIL", "PUBLICITY", "WORK_REVIEW", "WORK_REVIEW",
                 "STREET_COUNCIL", "DEPUTY_VOTER", "STREET_COUNCIL", "STREET_COUNCIL", "WORK_REVIEW",
                 "TOWN_CONGRESS"],
        #         Y1  B1  J1  P1+P2 B4  J3  B2  J4  J2  B3  B5  Y2
        "events": [1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1],
        "participants": [40, 12, 17, 64, 15, 22, 12, 30, 17, 12, 15, 40],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_the_council_of_a_town_not_counted_is_left_out_of_march(fixture_con):
    # D1 (丁办事处, 2024-03-01, STREET_COUNCIL) would make March's councils 2.
    got = pa.events_by_kind_month(fixture_con, F2024)
    march = got[(got["month"] == 3) & (got["kind"] == "STREET_COUNCIL")]
    assert march[["events", "participants"]].values.tolist() == [[1, 17]]


def test_events_by_kind_month_without_a_year_runs_over_every_year(fixture_con):
    got = pa.events_by_kind_month(fixture_con, F)
    assert got.groupby("year")["events"].sum().to_dict() == {2024: 13, 2025: 6}
    assert got[["year", "month"]].drop_duplicates().values.tolist()[-5:] == [
        [2025, 1], [2025, 3], [2025, 4], [2025, 5], [2025, 6]]


# --- participants by group ----------------------------------------------------------------

def test_participants_by_group_sums_each_group_over_the_years_activities(fixture_con):
    got = pa.participants_by_group(fixture_con, F2024)
    expected = frame({
        "group": ["deputies", "voter_reps", "social_workers", "public"],
        # deputies: 甲 10+10+8+3, 乙 40+40, 丙 9+9+9+5+5, publicity 2+1
        "participants": [151, 44, 6, 95],
        "share": [151 / 296, 44 / 296, 6 / 296, 95 / 296],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_participants_are_the_sum_of_the_four_groups(fixture_con):
    for f in (F, F2024, F.with_year(2025), F2024.with_towns(("乙镇",))):
        head = pa.participation_headline(fixture_con, f)
        assert pa.participants_by_group(fixture_con, f)["participants"].sum() == head["participants"]
        by_kind = pa.participants_by_kind_and_group(fixture_con, f)
        assert by_kind["participants"].sum() == head["participants"]
        monthly = pa.events_by_kind_month(fixture_con, f)
        assert monthly["participants"].sum() == head["participants"]


def test_participants_by_kind_and_group_lists_all_four_groups_per_kind(fixture_con):
    got = pa.participants_by_kind_and_group(fixture_con, F2024)
    assert got["kind"].unique().tolist() == ["TOWN_CONGRESS", "STREET_COUNCIL", "WORK_REVIEW", "DEPUTY_VOTER",
                                             "PUBLICITY"]
    councils = got[got["kind"] == "STREET_COUNCIL"].reset_index(drop=True)
    expected = frame({"kind": ["STREET_COUNCIL"] * 4, "group": ["deputies", "voter_reps", "social_workers", "public"],
                      # J1 + J2 + B1 + B2 + B3
                      "participants": [47, 19, 4, 0]})
    pd.testing.assert_frame_equal(councils, expected)
    publicity = got[got["kind"] == "PUBLICITY"]["participants"].tolist()
    assert publicity == [3, 5, 1, 55]  # P1 + P2


def test_a_year_without_activities_has_four_zero_groups_and_no_share(fixture_con):
    got = pa.participants_by_group(fixture_con, F.with_year(2019))
    assert got["participants"].tolist() == [0, 0, 0, 0]
    assert got["share"].isna().all()


# --- venues -------------------------------------------------------------------------------

def test_events_by_venue_counts_venue_by_kind_in_contract_order(fixture_con):
    got = pa.events_by_venue(fixture_con, F2024)
    expected = frame({
        "venue": ["VILLAGE_OFFICE", "VILLAGE_OFFICE", "FIELD", "FIELD", "DEPUTY_HOME", "STATION", "OTHER"],
        "kind": ["WORK_REVIEW", "PUBLICITY", "DEPUTY_VOTER", "PUBLICITY", "STREET_COUNCIL", "WORK_REVIEW",
                 "TOWN_CONGRESS"],
        "events": [1, 1, 1, 1, 5, 2, 2],  # OTHER would be 3 with 丁办事处's D1
        "participants": [22, 36, 30, 28, 70, 30, 80],
    })
    pd.testing.assert_frame_equal(got, expected)


# --- town × month -------------------------------------------------------------------------

def test_town_month_matrix_lists_every_counted_town_for_every_month(fixture_con):
    got = pa.town_month_matrix(fixture_con, F2024)
    expected = grid(TOWNS, 12, {
        ("甲街道", 3): (2, 53), ("甲街道", 5): (1, 22), ("甲街道", 6): (1, 30), ("甲街道", 9): (1, 17),
        ("丙街道", 2): (1, 12), ("丙街道", 4): (1, 15), ("丙街道", 6): (1, 12), ("丙街道", 10): (1, 12),
        ("丙街道", 11): (1, 15),
        ("乙镇", 1): (1, 40), ("乙镇", 3): (1, 28), ("乙镇", 12): (1, 40),
    })
    pd.testing.assert_frame_equal(got, expected)


def test_a_town_without_events_still_has_zero_rows_and_future_months_are_left_out(fixture_con):
    # 2025 runs to the cut-off 2025-06-30: months 1-6 only; 丙街道 held nothing in 2025.
    got = pa.town_month_matrix(fixture_con, F.with_year(2025))
    expected = grid(TOWNS, 6, {
        ("甲街道", 3): (2, 67), ("甲街道", 4): (1, 24),  # J5 + P3; J6
        ("乙镇", 1): (1, 42), ("乙镇", 5): (1, 20), ("乙镇", 6): (1, 42),
    })
    pd.testing.assert_frame_equal(got, expected)


def test_town_month_matrix_without_a_year_adds_up_the_months_of_all_years(fixture_con):
    got = pa.town_month_matrix(fixture_con, F).set_index(["town", "month"])
    assert len(got) == 3 * 12
    assert got.loc[("甲街道", 3), "events"] == 4  # J1, P1 (2024) + J5, P3 (2025)
    assert got.loc[("乙镇", 1), "participants"] == 82  # Y1 + Y3


def test_the_town_not_counted_is_absent_from_every_grid(fixture_con):
    for fn in (pa.town_month_matrix, pa.publicity_by_town):
        assert "丁办事处" not in set(fn(fixture_con, F2024)["town"])


# --- publicity month ----------------------------------------------------------------------

def test_publicity_by_town_lists_every_counted_town_with_zeros_where_none(fixture_con):
    got = pa.publicity_by_town(fixture_con, F2024)
    expected = frame({
        "district": ["测试区"] * 3, "town": TOWNS,
        "events": [1, 0, 1], "participants": [36, 0, 28],
        "march_events": [1, 0, 1], "march_participants": [36, 0, 28],
        "other_events": [0, 0, 0], "other_participants": [0, 0, 0],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_headline_counts_events_participants_and_publicity_towns(fixture_con):
    assert pa.participation_headline(fixture_con, F2024) == {
        "events": 13, "participants": 296,
        "publicity_events": 2, "publicity_participants": 64,
        "publicity_march_events": 2, "publicity_march_participants": 64,
        "publicity_towns": 2, "counted_towns": 3,
    }


def test_year_filter_selects_the_year_of_the_activity_date(fixture_con):
    assert pa.participation_headline(fixture_con, F.with_year(2025)) == {
        "events": 6, "participants": 195,  # J5 19, J6 24, Y3 42, Y4 42, Y5 20, P3 48
        "publicity_events": 1, "publicity_participants": 48,
        "publicity_march_events": 1, "publicity_march_participants": 48,
        "publicity_towns": 1, "counted_towns": 3,
    }
    every_year = pa.participation_headline(fixture_con, F)
    assert (every_year["events"], every_year["participants"], every_year["publicity_towns"]) == (19, 491, 2)


def test_town_filter_narrows_every_view_to_the_chosen_towns(fixture_con):
    f = F2024.with_towns(("乙镇",))
    assert pa.participation_headline(fixture_con, f) == {
        "events": 3, "participants": 108,  # Y1, Y2, P2
        "publicity_events": 1, "publicity_participants": 28,
        "publicity_march_events": 1, "publicity_march_participants": 28,
        "publicity_towns": 1, "counted_towns": 1,
    }
    assert set(pa.town_month_matrix(fixture_con, f)["town"]) == {"乙镇"}
    assert pa.publicity_by_town(fixture_con, f)["town"].tolist() == ["乙镇"]
    assert pa.events_by_venue(fixture_con, f)["kind"].tolist() == ["PUBLICITY", "TOWN_CONGRESS"]  # FIELD, OTHER


def test_a_year_without_records_gives_zero_headlines_and_empty_frames(fixture_con):
    f = F.with_year(2019)
    head = pa.participation_headline(fixture_con, f)
    assert head["events"] == 0 and head["publicity_events"] == 0 and head["counted_towns"] == 3
    assert pa.events_by_kind_month(fixture_con, f).empty
    assert pa.events_by_venue(fixture_con, f).empty
    assert pa.publicity_by_town(fixture_con, f)["events"].tolist() == [0, 0, 0]


def test_a_district_unknown_to_the_warehouse_gives_no_towns(fixture_con):
    f = Filters(district="不存在区", year=2024)
    assert pa.participation_headline(fixture_con, f)["counted_towns"] == 0
    assert pa.town_month_matrix(fixture_con, f).empty


# --- cases the fixture lacks: a blank venue, publicity outside March ---------------------

@pytest.fixture
def extra_con(load_rows, db_path):
    load_rows("towns", FIXTURE_TOWNS)
    load_rows("activities", [
        ["活动编号", "类型", "区", "镇街", "日期", "地点", "人大代表人数", "选民代表人数", "基层社会工作者人数", "群众人数"],
        ["X1", "宣讲活动", "测试区", "甲街道", "2024-03-05", "", 1, 1, 1, 10],
        ["X2", "宣讲活动", "测试区", "甲街道", "2024-07-05", "联络站", 2, 2, 0, 20],
        ["X3", "宣讲活动", "测试区", "乙镇", "2024-11-05", "", 0, 0, 0, 9],
        ["X4", "双联活动", "测试区", "乙镇", "2024-03-15", "村民家中", 3, 0, 0, 5],
        ["X5", "宣讲活动", "测试区", "丁办事处", "2024-03-05", "", 1, 0, 0, 50],
    ])
    con = duckdb.connect(str(db_path), read_only=True)
    yield con
    con.close()


def test_a_blank_venue_is_counted_as_not_given(extra_con):
    got = pa.events_by_venue(extra_con, F2024)
    expected = frame({
        "venue": ["RESIDENT_HOME", "STATION", pa.NOT_GIVEN],
        "kind": ["LIAISON", "PUBLICITY", "PUBLICITY"],
        "events": [1, 1, 2],  # X1 and X3; X5 belongs to 丁办事处
        "participants": [8, 24, 22],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_publicity_in_march_is_split_from_the_rest_of_the_year(extra_con):
    got = pa.publicity_by_town(extra_con, F2024)
    expected = frame({
        "district": ["测试区"] * 3, "town": TOWNS,
        "events": [2, 0, 1], "participants": [37, 0, 9],
        "march_events": [1, 0, 0], "march_participants": [13, 0, 0],
        "other_events": [1, 0, 1], "other_participants": [24, 0, 9],
    })
    pd.testing.assert_frame_equal(got, expected)
    head = pa.participation_headline(extra_con, F2024)
    assert (head["publicity_events"], head["publicity_march_events"], head["publicity_towns"]) == (3, 1, 2)


# --- drilling: kinds and months picked in a chart narrow the activities ---------------------

def test_no_picked_kinds_or_months_changes_nothing(fixture_con):
    for fn in (pa.events_by_kind_month, pa.participants_by_group, pa.participants_by_kind_and_group,
               pa.events_by_venue, pa.town_month_matrix):
        pd.testing.assert_frame_equal(fn(fixture_con, F2024, (), ()), fn(fixture_con, F2024))
    assert pa.participation_headline(fixture_con, F2024, (), ()) == pa.participation_headline(fixture_con, F2024)


def test_a_picked_month_and_kind_narrow_the_headline(fixture_con):
    # March 2024 publicity: P1 (甲街道, 36) and P2 (乙镇, 28); J1 is a council, not publicity.
    got = pa.participation_headline(fixture_con, F2024, ("PUBLICITY",), (3,))
    assert got == {"events": 2, "participants": 64, "publicity_events": 2, "publicity_participants": 64,
                   "publicity_march_events": 2, "publicity_march_participants": 64, "publicity_towns": 2,
                   "counted_towns": 3}
    # Another kind: no publicity left, the counted towns stay.
    got = pa.participation_headline(fixture_con, F2024, ("WORK_REVIEW",))
    assert (got["events"], got["participants"], got["publicity_events"], got["counted_towns"]) == (3, 52, 0, 3)


def test_a_picked_month_narrows_the_monthly_and_group_views(fixture_con):
    got = pa.events_by_kind_month(fixture_con, F2024, (), (3,))
    expected = frame({"year": [2024, 2024], "month": [3, 3], "kind": ["STREET_COUNCIL", "PUBLICITY"],
                      "events": [1, 2], "participants": [17, 64]})  # J1; P1 + P2
    pd.testing.assert_frame_equal(got, expected)
    got = pa.participants_by_kind_and_group(fixture_con, F2024, (), (3,))
    assert got["participants"].tolist() == [10, 5, 2, 0, 3, 5, 1, 55]  # J1; P1 + P2 by group


def test_a_picked_kind_narrows_groups_and_venues(fixture_con):
    # Work reviews of 2024: J3 (村委会; 8 4 0 10), B4 and B5 (联络站; 5 5 0 5 each).
    got = pa.participants_by_group(fixture_con, F2024, ("WORK_REVIEW",))
    assert got["participants"].tolist() == [18, 14, 0, 20]
    got = pa.events_by_venue(fixture_con, F2024, ("WORK_REVIEW",))
    expected = frame({"venue": ["VILLAGE_OFFICE", "STATION"], "kind": ["WORK_REVIEW"] * 2, "events": [1, 2],
                      "participants": [22, 30]})
    pd.testing.assert_frame_equal(got, expected)


def test_a_picked_kind_keeps_every_town_and_month_in_the_grid(fixture_con):
    got = pa.town_month_matrix(fixture_con, F2024, ("PUBLICITY",))
    assert len(got) == 3 * 12
    assert {(r.town, r.month): r.participants for r in got.itertuples() if r.events} == {("甲街道", 3): 36,
                                                                                         ("乙镇", 3): 28}
