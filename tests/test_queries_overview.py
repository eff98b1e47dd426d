"""领导总览 queries on the fixture warehouse, against hand-computed expectations.

The fixture (tests/conftest.py) is district 测试区 with counted towns 甲街道, 乙镇, 丙街道 and
the uncounted 丁办事处, data to 2025-06-30 — so 2024 is a finished year and 2025 is not:
2025 is compared with 2024-01-01..2024-06-30. Hand counts per KPI are in the comments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from warehouse.filters import Filters
from warehouse.queries import overview, statutory

AS_OF = dt.date(2025, 6, 30)
F = Filters(district="测试区", as_of=AS_OF)
NaN = np.nan


def _kpis(con, f: Filters) -> pd.DataFrame:
    return overview.headline_kpis(con, f).set_index("kpi")


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

def test_an_unfinished_year_is_compared_with_the_same_period_of_the_previous_year():
    assert overview.comparison_window(F.with_year(2025)) == (
        dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def test_a_finished_year_is_compared_with_the_whole_previous_year():
    assert overview.comparison_window(F.with_year(2024)) == (
        dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def test_the_same_period_of_a_leap_day_ends_on_28_february():
    f = Filters(year=2024, as_of=dt.date(2024, 2, 29))
    assert overview.comparison_window(f)[3] == dt.date(2023, 2, 28)


# --------------------------------------------------------------------------------------
# Headline KPIs
# --------------------------------------------------------------------------------------

def test_headline_kpis_of_an_unfinished_year_against_the_same_period(fixture_con):
    got = overview.headline_kpis(fixture_con, F.with_year(2025))
    expected = pd.DataFrame({
        "kpi": list(overview.KPIS),
        "value": [
            3,        # congress: J5, Y3, Y4
            2,        # review: J6, Y5
            0,        # deputy_voter
            1 / 3,    # compliance: only 乙镇 meets both minimums so far
            195,      # participants: J5 19 + J6 24 + Y3 42 + Y4 42 + Y5 20 + P3 48
            1,        # publicity: P3
            48,       # publicity participants: P3 3+3+2+40
            3,        # visits: V6, V7, V8
            3,        # enterprises: 甲公司, 戊公司, 己公司
            10,       # person-times: 3 + 3 + 4
            2,        # opinions by enterprises: O7, O8
            1,        # opinions by deputies: O9
            2,        # micro solved: M3 (closed 2025-01-06), M7 (closed the day it came in)
            2,        # coverage: 甲街道 (S1, S2), 乙镇 (S3 accepted 2025-03-01)
        ],
        "previous": [  # 2024-01-01 .. 2024-06-30
            4,        # J1, Y1, B1, B2
            2,        # J3, B4
            1,        # J4 (06-15)
            1 / 3,    # only 丙街道 had 2 councils and a review by 30 June
            212,      # J1 17 + J3 22 + J4 30 + Y1 40 + B1 12 + B2 12 + B4 15 + P1 36 + P2 28
            2,        # P1, P2
            64,       # 36 + 28
            2,        # V1, V2 (V5 is 丁办事处's)
            2,        # 甲公司, 乙公司
            10,       # 6 + 4
            2,        # O1, O3
            1,        # O2
            1,        # M1 (M2 closed in August)
            1,        # 甲街道 (S1 04-01, S2 06-01)
        ],
        "target": [6, 3, NaN, 1.0, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 3],  # 2×3, 1×3, plan 2025
    }).astype({"value": "float64", "previous": "float64", "target": "float64"})
    pd.testing.assert_frame_equal(got, expected)


def test_headline_kpis_of_a_finished_year_without_a_previous_year_in_the_warehouse(fixture_con):
    got = overview.headline_kpis(fixture_con, F.with_year(2024))
    expected = pd.DataFrame({
        "kpi": list(overview.KPIS),
        # congress 7 (J1 J2 Y1 Y2 B1 B2 B3; D1 not counted), review 3, deputy_voter 1, compliance 2/3,
        # participants 296 (丁办事处's 5 not counted), publicity 2 / 64, visits 4 (甲公司 twice) of
        # 3 enterprises with 6+4+4+3 = 17 person-times, opinions 3 / 2, solved M1 + M2, coverage 甲街道.
        "value": [7, 3, 1, 2 / 3, 296, 2, 64, 4, 3, 17, 3, 2, 2, 1],
        "previous": [NaN] * 14,  # nothing loaded for 2023: no comparison rather than "+100 %"
        "target": [6, 3, NaN, 1.0, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 2],
    }).astype({"value": "float64", "previous": "float64", "target": "float64"})
    pd.testing.assert_frame_equal(got, expected)


def test_a_finished_year_is_compared_with_the_whole_previous_year_in_the_kpis(fixture_con):
    # 2025 seen from 2026-01-01: the year is over, so the comparison is all of 2024.
    got = _kpis(fixture_con, Filters(district="测试区", year=2025, as_of=dt.date(2026, 1, 1)))
    assert got.loc["congress", "previous"] == 7
    assert got.loc["compliance", "previous"] == pytest.approx(2 / 3)
    assert got.loc["participants", "previous"] == 296
    assert got.loc["micro_solved", "previous"] == 2
    assert got.loc["coverage", "previous"] == 1


def test_statutory_kpis_equal_the_statutory_page(fixture_con):
    by_town = statutory.statutory_by_town(fixture_con, F.with_year(2025))
    got = _kpis(fixture_con, F.with_year(2025))
    assert got.loc["congress", "value"] == by_town["congress"].sum()
    assert got.loc["compliance", "value"] == by_town["compliant"].mean()


def test_the_same_period_count_agrees_with_the_statutory_module_over_a_whole_year(fixture_con):
    # Regression guard: the window count (used for same-period comparisons) and the
    # statutory module must follow the same rule.
    m = overview._window_measures(fixture_con, F, [(0, 2024, dt.date(2024, 1, 1), dt.date(2024, 12, 31))])
    st_2024 = statutory.compliance_by_year(fixture_con, F).set_index("year").loc[2024]
    assert m.loc[0, "congress"] == st_2024["congress"]
    assert m.loc[0, "review"] == st_2024["review"]
    assert m.loc[0, "compliance"] == pytest.approx(st_2024["rate"])


def test_coverage_by_district_equals_each_districts_coverage_of_every_kpi(fixture_con):
    # The rollout check reads coverage per district in one statement
    # (overview._coverage_by_district); for each district it must agree with the KPIs'
    # coverage and target of that district alone, for any periods, including one before
    # any site, and whatever scope the statement is asked in.
    periods = [(0, 2025, dt.date(2025, 1, 1), dt.date(2025, 6, 30)), (1, 2024, dt.date(2024, 1, 1),
               dt.date(2024, 12, 31)), (2, 2020, dt.date(2020, 1, 1), dt.date(2020, 12, 31))]
    for scope in (F, Filters(year=2025, as_of=AS_OF)):
        by = overview._coverage_by_district(fixture_con, scope, ["测试区", "无此区"], periods)
        whole = overview._window_measures(fixture_con, F, periods)
        for period in (0, 1, 2):
            cov, target = by[("测试区", period)]
            assert cov == whole.loc[period, "coverage"]
            assert (target == whole.loc[period, "coverage_target"]
                    or (np.isnan(target) and np.isnan(whole.loc[period, "coverage_target"])))
            assert by[("无此区", period)][0] == 0 and np.isnan(by[("无此区", period)][1])
    by = overview._coverage_by_district(fixture_con, F, ["测试区"], periods)
    assert [by[("测试区", k)][0] for k in (0, 1, 2)] == [2, 1, 0]


def test_all_districts_findings_are_each_districts_own(demo_db):
    """需关注 for all districts at once holds, for each district, exactly the findings of
    that district alone (the rollout and statutory checks run over all districts in one
    pass), in the same order — in years over and in the year still running (2026: the
    rollout judged against its pace)."""
    import duckdb

    from warehouse.queries import common

    demo_con = duckdb.connect(str(demo_db), read_only=True)
    for year in (2023, 2024, 2025, 2026):
        whole = overview.needs_attention(demo_con, Filters(year=year, as_of=common.data_as_of(demo_con, None)))
        districts = list(dict.fromkeys(whole["district"]))
        assert len(districts) == 2, districts  # both demo districts have findings
        for d in districts:
            own = overview.needs_attention(demo_con, Filters(district=d, year=year,
                                                             as_of=common.data_as_of(demo_con, None)))
            mine = whole[whole["district"] == d].reset_index(drop=True)
            cols = ["severity", "kind", "metric", "district", "town", "year", "value", "target", "expected"]
            pd.testing.assert_frame_equal(mine[cols], own[cols], check_dtype=False)


def test_a_town_filter_narrows_every_kpi_and_drops_the_district_plan(fixture_con):
    got = _kpis(fixture_con, Filters(district="测试区", year=2025, towns=("乙镇",), as_of=AS_OF))
    assert got.loc["congress", ["value", "target"]].tolist() == [2, 2]  # Y3, Y4; minimum 2 × 1 town
    assert got.loc["compliance", "value"] == 1.0
    assert got.loc["participants", "value"] == 104  # 42 + 42 + 20
    assert got.loc["visits", "value"] == 1  # V7
    assert got.loc["opinions_deputy", "value"] == 1  # O9
    assert got.loc["micro_solved", "value"] == 0
    assert got.loc["coverage", "value"] == 1
    assert np.isnan(got.loc["coverage", "target"])


def test_no_district_sums_every_district(fixture_con):
    everything = _kpis(fixture_con, Filters(year=2025, as_of=AS_OF))
    one = _kpis(fixture_con, F.with_year(2025))
    counts = [k for k in overview.KPIS if k != "compliance"]
    # The fixture's records are all 测试区's, so every count is the same ...
    pd.testing.assert_series_equal(everything.loc[counts, "value"], one.loc[counts, "value"])
    # ... but the judged towns are every district's counted towns: 测试区's 3 and the 16 + 15
    # built-in towns of 清江浦区 and 淮安区 (no records: below the minimums), 1 compliant.
    assert everything.loc["compliance", "value"] == pytest.approx(1 / 34)
    assert everything.loc["congress", "target"] == 2 * 34


def test_an_unknown_district_gives_zeros_and_no_targets(fixture_con):
    got = _kpis(fixture_con, Filters(district="无此区", year=2025, as_of=AS_OF))
    assert got.loc["participants", "value"] == 0
    assert np.isnan(got.loc["compliance", "value"]) and np.isnan(got.loc["congress", "target"])


# --------------------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------------------

def test_kpi_trend_gives_each_kpi_per_year_from_the_first_year_with_data(fixture_con):
    got = overview.kpi_trend(fixture_con, F.with_year(2025))
    values = {  # (2024, 2025); 2025 runs to the cut-off
        "congress": (7, 3), "review": (3, 2), "deputy_voter": (1, 0), "compliance": (2 / 3, 1 / 3),
        "participants": (296, 195), "publicity": (2, 1), "publicity_participants": (64, 48),
        "visits": (4, 3), "enterprises": (3, 3), "person_times": (17, 10),
        "opinions_enterprise": (3, 2), "opinions_deputy": (2, 1), "micro_solved": (2, 2), "coverage": (1, 2),
    }
    targets = {"congress": (6, 6), "review": (3, 3), "compliance": (1, 1), "coverage": (2, 3)}
    expected = pd.DataFrame(
        [(y, k, float(values[k][i]), float(targets.get(k, (NaN, NaN))[i]))
         for k in overview.KPIS for i, y in enumerate((2024, 2025))],
        columns=["year", "kpi", "value", "target"])
    pd.testing.assert_frame_equal(got, expected)


def test_kpi_trend_covers_at_most_the_requested_number_of_years(fixture_con):
    got = overview.kpi_trend(fixture_con, F.with_year(2025), 1)
    assert set(got["year"]) == {2025}


def test_kpi_trend_of_a_scope_without_data_is_empty(fixture_con):
    assert overview.kpi_trend(fixture_con, Filters(district="无此区", year=2025, as_of=AS_OF)).empty


# --------------------------------------------------------------------------------------
# Overdue micro-suggestions and needs attention
# --------------------------------------------------------------------------------------

def test_overdue_means_open_for_more_than_seven_working_days(fixture_con):
    got = overview.overdue_micro_suggestions(fixture_con, Filters(district="测试区", as_of=AS_OF))
    expected = pd.DataFrame({
        # M12 161 = 170 weekdays − 12 weekday holidays + 3 make-up days (config/holidays.csv);
        # M10 16; M9 8 across a weekend. Not: M8 (exactly 7, 11 calendar days), M5 (rejected),
        # M11 (丁办事处, not counted), closed ones.
        "suggestion_id": ["M12", "M10", "M9"],
        "town": ["甲街道", "丙街道", "乙镇"],
        "submitted_on": pd.to_datetime(["2024-11-04", "2025-06-06", "2025-06-18"]),
        "working_days": [161, 16, 8],
    })
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def _attention(con, f: Filters) -> pd.DataFrame:
    return overview.needs_attention(con, f).drop(columns=["page", "query_params"])


def _rows(rows: list[tuple]) -> pd.DataFrame:
    cols = ["severity", "kind", "metric", "district", "town", "year", "value", "target", "expected",
            "months_left", "oldest_days"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("value", "target", "expected"):
        df[c] = df[c].astype("float64")
    for c in ("months_left", "oldest_days"):
        df[c] = df[c].astype("Int64")
    return df


def test_needs_attention_in_an_unfinished_year(fixture_con):
    got = _attention(fixture_con, F.with_year(2025))
    expected = _rows([
        # micro-suggestions of 2025 open > 7 working days, per town in statistical-code order
        ("red", "micro_overdue", "micro_overdue", "测试区", "丙街道", 2025, 1, None, None, None, 16),
        ("red", "micro_overdue", "micro_overdue", "测试区", "乙镇", 2025, 1, None, None, None, 8),
        # 甲街道 1 council so far; 丙街道 nothing yet — amber with 6 months left
        ("amber", "statutory", "congress", "测试区", "甲街道", 2025, 1, 2, None, 6, None),
        ("amber", "statutory", "congress", "测试区", "丙街道", 2025, 0, 2, None, 6, None),
        ("amber", "statutory", "review", "测试区", "丙街道", 2025, 0, 1, None, 6, None),
        # 2 covered; a linear pace from 1 (end of 2024) to 3 asks 1 + 2 × 181/365 = 1.99 by 30 June
        ("green", "rollout", "coverage", "测试区", None, 2025, 2, 3, 1 + 2 * 181 / 365, None, None),
    ])
    pd.testing.assert_frame_equal(got, expected)


def test_needs_attention_in_a_finished_year(fixture_con):
    got = _attention(fixture_con, F.with_year(2024))
    expected = _rows([
        ("red", "statutory", "review", "测试区", "乙镇", 2024, 0, 1, None, None, None),  # missed
        ("red", "rollout", "coverage", "测试区", None, 2024, 1, 2, None, None, None),  # 1 of 2 planned
        ("red", "micro_overdue", "micro_overdue", "测试区", "甲街道", 2024, 1, None, None, None, 161),  # M12
    ])
    pd.testing.assert_frame_equal(got, expected)


def test_rollout_behind_a_linear_pace_is_amber(fixture_con):
    # Seen at 2025-09-30: 1 + 2 × 273/365 = 2.496 towns expected, 2 covered.
    f = Filters(district="测试区", year=2025, as_of=dt.date(2025, 9, 30))
    got = overview.needs_attention(fixture_con, f).query("kind == 'rollout'")
    assert got["severity"].tolist() == ["amber"]
    assert got["expected"].iloc[0] == pytest.approx(1 + 2 * 273 / 365)


def test_all_clear_checks_give_green_rows(fixture_con):
    got = _attention(fixture_con, Filters(district="测试区", year=2025, towns=("乙镇",), as_of=AS_OF))
    expected = _rows([
        ("red", "micro_overdue", "micro_overdue", "测试区", "乙镇", 2025, 1, None, None, None, 8),
        ("green", "statutory", "compliance", "测试区", None, 2025, 1, 1, None, None, None),  # 1 of 1 town
    ])  # no rollout row: the plan is the district's
    pd.testing.assert_frame_equal(got, expected)


def test_each_entry_links_to_the_page_and_filter_that_explains_it(fixture_con):
    got = overview.needs_attention(fixture_con, F.with_year(2024))
    assert got["page"].tolist() == ["statutory", "rollout", "micro"]
    assert got["query_params"].tolist() == [
        {"district": "测试区", "year": "2024", "town": "乙镇"},
        {"district": "测试区", "year": "2024"},
        {"district": "测试区", "year": "2024", "town": "甲街道"},
    ]


def test_needs_attention_without_a_year_uses_the_year_of_the_cut_off(fixture_con):
    got = overview.needs_attention(fixture_con, F)
    assert set(got["year"]) == {2025}


def test_needs_attention_of_a_year_without_records_is_empty(fixture_con):
    assert overview.needs_attention(fixture_con, F.with_year(2019)).empty


# --------------------------------------------------------------------------------------
# KPIs per town (the overview's by-town chart, whose towns narrow the page)
# --------------------------------------------------------------------------------------

def test_kpi_by_town_gives_each_towns_figures_of_the_year(fixture_con):
    got = overview.kpi_by_town(fixture_con, F.with_year(2025))
    # 2025 to 30 June. 甲街道: J5 council (19), J6 review (24), P3 publicity (48); V6 (3 person-times,
    # opinions O7 O8 from the enterprise); M7 solved; sites S1 S2 accepted. 丙街道: no activity; V8
    # (4); M3 solved (closed 2025-01-06). 乙镇: Y3 Y4 congresses (42 + 42), Y5 review (20) -> meets
    # both minimums; V7 (3; O9 from a deputy); S3 accepted 2025-03-01.
    expected = pd.DataFrame({
        "district": ["测试区"] * 3, "town": ["甲街道", "丙街道", "乙镇"],
        "congress": [1, 0, 2], "review": [1, 0, 1], "deputy_voter": [0, 0, 0], "compliance": [0.0, 0.0, 1.0],
        "participants": [91, 0, 104], "publicity": [1, 0, 0], "publicity_participants": [48, 0, 0],
        "visits": [1, 1, 1], "enterprises": [1, 1, 1], "person_times": [3, 4, 3],
        "opinions_enterprise": [2, 0, 0], "opinions_deputy": [0, 0, 1], "micro_solved": [1, 1, 0],
        "coverage": [1, 0, 1],
    }).astype({k: "int64" for k in overview.KPIS if k != "compliance"})
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_towns_add_up_to_the_headline(fixture_con, year):
    by_town = overview.kpi_by_town(fixture_con, F.with_year(year))
    head = _kpis(fixture_con, F.with_year(year))["value"]
    for k in overview.KPIS:
        if k == "compliance":
            assert by_town[k].mean() == pytest.approx(head[k])
        elif k != "enterprises":  # distinct per town
            assert by_town[k].sum() == head[k], k


def test_kpi_by_town_of_a_picked_town_equals_the_headline_with_that_town(fixture_con):
    f = Filters(district="测试区", year=2025, towns=("乙镇",), as_of=AS_OF)
    got = overview.kpi_by_town(fixture_con, f)
    assert got["town"].tolist() == ["乙镇"]
    head = _kpis(fixture_con, f)["value"]
    assert {k: float(got.loc[0, k]) for k in overview.KPIS} == {k: float(head[k]) for k in overview.KPIS}


def test_kpi_by_town_needs_a_year(fixture_con):
    with pytest.raises(ValueError):
        overview.kpi_by_town(fixture_con, F)


def test_the_kpis_from_the_activity_rollup_equal_those_from_every_activity(fixture_con, demo_db, monkeypatch):
    """The years with data and the 三会 figures read ``activity_rollup`` when the warehouse
    has it (issue 10): the same KPIs, trends and findings as from the activities themselves."""
    import duckdb

    filters = [Filters(district="测试区", year=2025, as_of=dt.date(2025, 6, 30)), Filters(district="测试区", year=2024),
               Filters(year=2025), Filters(year=2024), Filters(year=2025, as_of=dt.date(2025, 6, 29)),
               Filters(year=2025, towns=("乙镇",)), Filters(district="无此区", year=2025)]

    def answers(con) -> list:
        out = []
        for f in filters:
            out += [overview.headline_kpis(con, f), overview.kpi_trend(con, f), overview.needs_attention(con, f),
                    overview.kpi_by_town(con, f)]
            out.append(pd.DataFrame({"year": overview._data_years(con, f)}))
        return out

    with duckdb.connect(str(demo_db), read_only=True) as demo:
        fast = answers(fixture_con) + answers(demo)
        for module in (overview, statutory):
            monkeypatch.setattr(module, "has_rollup", lambda con: False)
        slow = answers(fixture_con) + answers(demo)
    assert fast[4]["year"].tolist() == [2024, 2025]  # the fixture's years with activities
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_a_period_is_read_from_the_rollup_only_when_it_holds_its_whole_year(fixture_con, monkeypatch):
    """The fixture's activities end on 2024-12-20 and 2025-06-30 (its cut-off); none in 2023."""
    d = dt.date
    periods = [
        (0, 2024, d(2024, 1, 1), d(2024, 12, 31)),  # a whole year
        (1, 2024, d(2024, 1, 1), d(2024, 12, 20)),  # to the year's last activity: all of it
        (2, 2024, d(2024, 1, 1), d(2024, 12, 19)),  # a day short
        (3, 2025, d(2025, 1, 1), d(2025, 6, 30)),  # to the cut-off
        (4, 2024, d(2024, 2, 1), d(2024, 12, 31)),  # not from 1 January
        (5, 2023, d(2023, 1, 1), d(2023, 6, 30)),  # a year without activities
        (6, 2024, d(2024, 1, 1), d(2025, 1, 31)),  # into the next year
    ]
    assert overview._whole_years(fixture_con, periods) == [2024, 2024, None, 2025, None, 2023, None]
    monkeypatch.setattr(overview, "has_rollup", lambda con: False)
    assert overview._whole_years(fixture_con, periods) == [None] * len(periods)


def test_window_measures_from_the_rollup_equal_those_from_the_activities(fixture_con, monkeypatch):
    d = dt.date
    periods = [(0, 2024, d(2024, 1, 1), d(2024, 12, 31)), (1, 2024, d(2024, 1, 1), d(2024, 12, 19)),
               (2, 2025, d(2025, 1, 1), d(2025, 6, 30)), (3, 2024, d(2024, 3, 1), d(2024, 12, 31))]
    # (without a district: the rollup is read across districts only)
    filters = [Filters(year=2025), Filters(), Filters(towns=("乙镇",)), Filters(scope=("甲街道",)),
               Filters(district="测试区", year=2025)]
    fast = [overview._window_measures(fixture_con, f, periods) for f in filters]
    monkeypatch.setattr(overview, "has_rollup", lambda con: False)
    slow = [overview._window_measures(fixture_con, f, periods) for f in filters]
    assert fast[0].loc[0, "review"] > 0 and fast[0].loc[0, "participants"] > 0
    assert fast[2].loc[0, "congress"] > 0 and fast[2].loc[0, "congress"] < fast[0].loc[0, "congress"]
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a, b)
