"""三会 compliance on the fixture warehouse, against hand-computed expectations."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from warehouse.filters import Filters
from warehouse.queries import common, statutory

AS_OF = dt.date(2025, 6, 30)
F = Filters(district="测试区", as_of=AS_OF)


def test_data_as_of_is_the_latest_record_date(fixture_con):
    assert common.data_as_of(fixture_con, "测试区") == AS_OF


def test_statutory_by_town_counts_each_kind_per_counted_town(fixture_con):
    got = statutory.statutory_by_town(fixture_con, F.with_year(2024))
    expected = pd.DataFrame({
        "town": ["甲街道", "丙街道", "乙镇"],  # statistical-code order
        "congress": [2, 3, 2], "review": [1, 2, 0], "deputy_voter": [1, 0, 0],
        "status": ["met", "met", "missed"],
    })
    pd.testing.assert_frame_equal(got[expected.columns].reset_index(drop=True), expected, check_dtype=False)


def test_unfinished_year_shows_pending_with_months_left(fixture_con):
    got = statutory.statutory_by_town(fixture_con, F.with_year(2025)).set_index("town")
    assert got.loc["甲街道", "status"] == "pending" and got.loc["甲街道", "months_left"] == 6
    assert got.loc["丙街道", "status"] == "pending" and got.loc["丙街道", "congress"] == 0
    assert got.loc["乙镇", "status"] == "met"


def test_a_year_over_in_the_data_has_no_pending(fixture_con):
    got = statutory.statutory_by_town(fixture_con, Filters(district="测试区", year=2025, as_of=dt.date(2026, 1, 1)))
    assert set(got["status"]) == {"met", "missed"}


def test_towns_not_counted_are_not_judged(fixture_con):
    got = statutory.statutory_by_town(fixture_con, F)
    assert "丁办事处" not in set(got["town"])


def test_compliance_rate_by_year(fixture_con):
    got = statutory.compliance_by_year(fixture_con, F)
    assert got[["year", "towns", "compliant"]].values.tolist() == [[2024, 3, 2], [2025, 3, 1]]
    assert got["rate"].round(4).tolist() == [0.6667, 0.3333]
    assert got["congress"].tolist() == [7, 3]  # 丁办事处's council is not counted


def test_town_filter_narrows_to_the_chosen_towns(fixture_con):
    got = statutory.statutory_by_town(fixture_con, Filters(district="测试区", year=2024, towns=("乙镇",), as_of=AS_OF))
    assert got["town"].tolist() == ["乙镇"]


def test_a_year_without_records_gives_an_empty_frame(fixture_con):
    assert statutory.statutory_by_town(fixture_con, F.with_year(2019)).empty


def test_the_trend_of_picked_towns_counts_only_those_towns(fixture_con):
    # What the page's trend shows once 乙镇 is picked in the by-town chart: 2024 missed (no
    # review), 2025 met (2 congresses, 1 review).
    got = statutory.compliance_by_year(fixture_con, Filters(district="测试区", towns=("乙镇",), as_of=AS_OF))
    assert got[["year", "towns", "compliant", "congress", "review", "deputy_voter"]].values.tolist() == [
        [2024, 1, 0, 2, 0, 0], [2025, 1, 1, 2, 1, 0]]
    assert got["rate"].tolist() == [0.0, 1.0]


def test_the_overall_rate_is_all_districts_towns_together(fixture_con):
    """Compliant towns over counted towns of every district together, per year — not a
    mean of the districts' rates. 测试区: 2024 2 of 3, 2025 1 of 3 (pending towns are not
    compliant); every district: the same sums over each district's rows."""
    got = statutory.compliance_overall(fixture_con, F)
    assert got[["year", "towns", "compliant"]].values.tolist() == [[2024, 3, 2], [2025, 3, 1]]
    assert got["rate"].tolist() == [2 / 3, 1 / 3]
    every = Filters(as_of=AS_OF)
    by_district = statutory.compliance_by_year(fixture_con, every)
    overall = statutory.compliance_overall(fixture_con, every).set_index("year")
    for year, part in by_district.groupby("year"):
        assert overall.loc[year, "towns"] == part["towns"].sum()
        assert overall.loc[year, "rate"] == part["compliant"].sum() / part["towns"].sum()


# --- the rollup of activities (issue 10) ---------------------------------------------------

_KINDS = ("TOWN_CONGRESS", "STREET_COUNCIL", "WORK_REVIEW", "DEPUTY_VOTER")


def test_the_rollup_holds_every_activity_per_town_year_and_kind(fixture_con):
    # 甲街道 in 2024: two congresses, one review, one deputy-voter council (as counted above).
    got = fixture_con.execute(
        "SELECT sum(records) FILTER (WHERE kind IN ('TOWN_CONGRESS', 'STREET_COUNCIL')), "
        "sum(records) FILTER (WHERE kind = 'WORK_REVIEW'), sum(records) FILTER (WHERE kind = 'DEPUTY_VOTER') "
        "FROM activity_rollup WHERE district = '测试区' AND town = '甲街道' AND year = 2024").fetchone()
    assert got == (2, 1, 1)
    whole = fixture_con.execute("SELECT count(*), sum(participants) FROM activities").fetchone()
    assert fixture_con.execute("SELECT sum(records), sum(participants) FROM activity_rollup").fetchone() == whole
    # One row per (district, town, year, kind): nothing counted twice.
    assert fixture_con.execute("SELECT count(*) = count(DISTINCT (district, town, year, kind)) "
                               "FROM activity_rollup").fetchone() == (True,)


def test_statutory_from_the_rollup_equals_statutory_from_every_activity(fixture_con, demo_db, monkeypatch):
    import duckdb

    filters = [F, F.with_year(2024), F.with_year(2025), F.with_year(None), Filters(), Filters(year=2024),
               Filters(district="测试区", year=2024, towns=("乙镇",)),
               Filters(district="测试区", scope=("甲街道", "乙镇")), Filters(district="无此区")]
    with duckdb.connect(str(demo_db), read_only=True) as demo:
        cons = [fixture_con, demo]
        assert all(common.has_rollup(c) for c in cons)
        fast = [statutory._statutory_by_town(c, f) for c in cons for f in filters]
        monkeypatch.setattr(statutory, "has_rollup", lambda con: False)  # the long way: every activity
        slow = [statutory._statutory_by_town(c, f) for c in cons for f in filters]
    assert sum(len(x) for x in fast) > 100  # (the demo's towns and years: not a comparison of empties)
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a, b)
