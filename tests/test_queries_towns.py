"""镇街画像: every measure of a town beside its district's median and its rank, the trend,
the district comparison and the town's own lists, against expectations computed by hand.

On the shared fixture warehouse (tests/conftest.py: 测试区, cut-off 2025-06-30), 2024, towns
in statistical-code order 甲街道, 丙街道, 乙镇 (丁办事处 is not counted):

===============  ======  ======  ======  ==============================================
measure          甲街道   丙街道   乙镇     from
===============  ======  ======  ======  ==============================================
congress         2       3       2       J1 J2 | B1-B3 | Y1 Y2 → ranks 2, 1, 2; median 2
review           1       2       0       J3 | B4 B5 | —
deputy_voter     1       0       0       J4
publicity        1       0       1       P1 | — | P2
activities       5       5       3       → ranks 1, 1, 3 (a tie at the top)
participants     122     66      108     17+17+22+30+36 | 3×12+2×15 | 40+40+28
visits           2       1       1       V1 V3 | V4 | V2
enterprises      1       1       1       甲公司 twice counts once
person_times     10      3       4       6+4 | 3 | 4
opinions         3       1       1       O1 O2 O4 | O5 | O3 (none resolved: rate 0)
micro_submitted  3       1       2       M1 M4 M12 | M3 | M2 M5
micro_solved     1       0       1       M1 | M3 closes in 2025 | M2
closing rate     2/3     1       1       CLOSED ÷ accepted (M5 rejected, M12 open)
sites_accepted   2       0       0       S1 S2 | S4 only built | S3 accepted 2025
covered          1       0       0
===============  ======  ======  ======  ==============================================

2025 (to 2025-06-30): 丙街道's one visit (V8) has no opinion, so its resolution rate has no
value and no rank and is left out of the median (甲 0 of 2, 乙 0 of 1: median 0 over 2).

A tiny warehouse of its own (:func:`build_town_warehouse`) adds the roll of deputies,
stations and formal suggestions the fixture lacks, and texts with personal numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.load import load
from tests.conftest import FIXTURE_TOWNS, write_xlsx
from warehouse.filters import Filters
from warehouse.queries import common, rollout, sites, statutory
from warehouse.queries import towns as tq

AS_OF = dt.date(2025, 6, 30)
F2024 = Filters(district="测试区", year=2024, as_of=AS_OF)
F2025 = Filters(district="测试区", year=2025, as_of=AS_OF)
TOWNS = ["甲街道", "丙街道", "乙镇"]  # statistical-code order

PHONE = "13812345678"
ID_NUMBER = "320102199001011234"


def column(df: pd.DataFrame, measure: str) -> list:
    return df.set_index("town").loc[TOWNS, measure].tolist()


def row(profile: pd.DataFrame, measure: str) -> dict:
    """One measure of a profile, each value read from its own column (keeps its dtype)."""
    p = profile.set_index("measure")
    return {c: p.at[measure, c] for c in ("value", "median", "rank", "towns")}


# --- town_measures ------------------------------------------------------------------------

def test_town_measures_2024_by_hand(fixture_con):
    df = tq.town_measures(fixture_con, F2024)
    assert df["town"].tolist() == TOWNS
    assert list(df.columns) == tq.TOWN_COLUMNS
    expected = {
        "congress": [2, 3, 2], "review": [1, 2, 0], "deputy_voter": [1, 0, 0], "publicity": [1, 0, 1],
        "activities": [5, 5, 3], "participants": [122, 66, 108],
        "visits": [2, 1, 1], "enterprises": [1, 1, 1], "person_times": [10, 3, 4], "opinions": [3, 1, 1],
        "micro_submitted": [3, 1, 2], "micro_solved": [1, 0, 1], "formal": [0, 0, 0],
        "deputies": [0, 0, 0], "stations": [0, 0, 0], "sites_accepted": [2, 0, 0], "covered": [1, 0, 0],
    }
    for measure, values in expected.items():
        assert column(df, measure) == values, measure
    assert column(df, "opinion_resolution_rate") == [0.0, 0.0, 0.0]
    assert column(df, "micro_closing_rate") == pytest.approx([2 / 3, 1.0, 1.0])


def test_an_uncounted_town_never_appears(fixture_con):
    # 丁办事处 held a council (D1), a visit (V5), micro-suggestions (M6, M11) and a site (S5).
    for f in (F2024, F2025, Filters(district="测试区", as_of=AS_OF)):
        assert "丁办事处" not in set(tq.town_measures(fixture_con, f)["town"])
    assert "丁办事处" not in set(tq.town_ranks(fixture_con, F2024)["town"])
    assert tq.town_profile(fixture_con, F2024, "丁办事处").empty
    assert tq.town_activities(fixture_con, F2024, "丁办事处").empty
    assert tq.town_visits(fixture_con, F2024, "丁办事处").empty
    assert tq.town_micro_suggestions(fixture_con, F2024, "丁办事处").empty


def test_the_period_ends_at_the_cut_off_in_an_unfinished_year(fixture_con):
    # 2025 to 2025-06-30: 甲 J5 J6 P3 (19 + 24 + 48 participants); 乙 Y3 Y4 Y5 (42 + 42 + 20); 丙 nothing.
    df = tq.town_measures(fixture_con, F2025)
    assert column(df, "activities") == [3, 0, 3]
    assert column(df, "participants") == [91, 0, 104]
    assert column(df, "sites_accepted") == [2, 0, 1]  # S3 accepted 2025-03-01
    early = tq.town_measures(fixture_con, Filters(district="测试区", year=2025, as_of=dt.date(2025, 3, 31)))
    assert column(early, "activities") == [2, 0, 1]  # J5 P3 | — | Y3


# --- town_profile: median and rank --------------------------------------------------------

def test_profile_ranks_ties_share_the_best_rank_and_the_median_is_the_districts(fixture_con):
    jia = tq.town_profile(fixture_con, F2024, "甲街道")
    assert jia["measure"].tolist() == list(tq.MEASURES)
    # congress 2, 3, 2: 甲 and 乙 share rank 2; median 2.
    assert row(jia, "congress") == {"value": 2.0, "median": 2.0, "rank": 2, "towns": 3}
    assert row(tq.town_profile(fixture_con, F2024, "丙街道"), "congress")["rank"] == 1
    assert row(tq.town_profile(fixture_con, F2024, "乙镇"), "congress")["rank"] == 2
    # activities 5, 5, 3: two towns share rank 1, the next is 3 ("1, 1, 3").
    assert row(jia, "activities") == {"value": 5.0, "median": 5.0, "rank": 1, "towns": 3}
    assert row(tq.town_profile(fixture_con, F2024, "乙镇"), "activities")["rank"] == 3
    # participants 122, 66, 108: median 108.
    assert row(jia, "participants") == {"value": 122.0, "median": 108.0, "rank": 1, "towns": 3}
    # closing rates 2/3, 1, 1: 甲 last of three.
    closing = row(jia, "micro_closing_rate")
    assert closing["value"] == pytest.approx(2 / 3) and closing["median"] == 1.0 and closing["rank"] == 3
    # Covered towns share the first rank; the rest share the next one.
    assert row(jia, "covered") == {"value": 1.0, "median": 0.0, "rank": 1, "towns": 3}
    assert row(tq.town_profile(fixture_con, F2024, "丙街道"), "covered")["rank"] == 2


def test_a_rate_without_denominator_has_no_value_no_rank_and_stays_out_of_the_median(fixture_con):
    bing = row(tq.town_profile(fixture_con, F2025, "丙街道"), "opinion_resolution_rate")
    assert math.isnan(bing["value"]) and bing["rank"] is pd.NA
    assert bing["towns"] == 2 and bing["median"] == 0.0  # 甲 0/2, 乙 0/1
    jia = row(tq.town_profile(fixture_con, F2025, "甲街道"), "opinion_resolution_rate")
    assert jia == {"value": 0.0, "median": 0.0, "rank": 1, "towns": 2}


def test_profile_ignores_the_town_filter_ranks_are_among_the_whole_district(fixture_con):
    alone = tq.town_profile(fixture_con, F2024.with_towns(("甲街道",)), "甲街道")
    pd.testing.assert_frame_equal(alone, tq.town_profile(fixture_con, F2024, "甲街道"))


def test_town_ranking_lists_towns_by_rank_with_ties(fixture_con):
    ranking = tq.town_ranking(fixture_con, F2024, "congress")
    assert ranking["town"].tolist() == ["丙街道", "乙镇", "甲街道"]  # ties in name order
    assert ranking["rank"].tolist() == [1, 2, 2]
    assert ranking["median"].tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(ValueError):
        tq.town_ranking(fixture_con, F2024, "no_such_measure")


# --- town_trend ---------------------------------------------------------------------------

def test_trend_runs_from_the_first_year_of_data_to_the_filters_year(fixture_con):
    trend = tq.town_trend(fixture_con, F2025, "甲街道")
    # Five years back from 2025 would be 2021; the district's activities start in 2024.
    assert sorted(trend["year"].unique()) == [2024, 2025]
    assert len(trend) == 2 * len(tq.MEASURES)
    congress = trend[trend["measure"] == "congress"].set_index("year")
    assert congress["value"].tolist() == [2.0, 1.0]  # J1 J2 | J5
    assert congress["median"].tolist() == [2.0, 1.0]  # 2024: 2 3 2; 2025: 1 0 2
    one = tq.town_trend(fixture_con, F2024, "甲街道")
    assert sorted(one["year"].unique()) == [2024]


def test_trend_values_are_the_profiles_of_each_year(fixture_con):
    trend = tq.town_trend(fixture_con, F2025, "乙镇")
    for year in (2024, 2025):
        profile = tq.town_profile(fixture_con, F2025.with_year(year), "乙镇")
        part = trend[trend["year"] == year].reset_index(drop=True)
        pd.testing.assert_series_equal(part["value"], profile["value"], check_names=False)
        pd.testing.assert_series_equal(part["median"], profile["median"], check_names=False)


# --- district_comparison ------------------------------------------------------------------

def test_district_comparison_per_town_and_no_per_deputies_without_deputies(fixture_con):
    cmp = tq.district_comparison(fixture_con, F2024, ("测试区",)).set_index("measure")
    congress = cmp.loc["congress"]
    assert (congress["total"], congress["towns"], congress["deputies"]) == (7.0, 3, 0)
    assert congress["per_town"] == pytest.approx(7 / 3)
    assert math.isnan(congress["per_100_deputies"])  # the fixture has no roll of deputies
    assert cmp.loc["participants", "total"] == 122 + 66 + 108
    # Rates over the district's records: no opinion resolved of 5; closing 4 of 5 accepted.
    assert cmp.loc["opinion_resolution_rate", "total"] == 0.0
    assert cmp.loc["micro_closing_rate", "total"] == pytest.approx(0.8)
    for m in tq.RATES | tq.STATES:
        assert math.isnan(cmp.loc[m, "per_town"]), m
    assert cmp.loc["sites_accepted", "total"] == 2.0


# --- a tiny warehouse with deputies, stations, formal suggestions and personal numbers ------

DEPUTIES = [
    ["代表编号", "姓名", "层级", "区", "镇街"],
    ["D1", "代表一", "区", "测试区", "甲街道"],
    ["D2", "代表二", "区", "测试区", "甲街道"],
    ["D3", "代表三", "镇", "测试区", "甲街道"],
    ["D4", "代表四", "市", "测试区", "甲街道"],
    ["D5", "代表五", "镇", "测试区", "乙镇"],
    ["D6", "代表六", "镇", "测试区", "乙镇"],
    ["D7", "代表七", "镇", "测试区", "丁办事处"],  # not counted
    ["D8", "代表八", "区", "测试区", None],  # no town: counts for none
]
STATIONS = [
    ["阵地编号", "名称", "类型", "区", "镇街", "建成日期", "升级为实践点日期", "特色主题"],
    ["ZA", "甲街道代表之家", "代表之家", "测试区", "甲街道", "2020-01-01", None, "营商服务"],
    ["ZB", "甲一社区联络站", "代表联络站", "测试区", "甲街道", "2024-07-01", "2025-03-01", None],
    ["ZC", "甲二联系点", "代表联系点", "测试区", "甲街道", "2025-05-01", None, None],  # after 2024
    ["ZD", "乙镇联络站", "代表联络站", "测试区", "乙镇", None, None, None],  # undated: always counted
    ["ZE", "丁代表之家", "代表之家", "测试区", "丁办事处", "2020-01-01", None, None],  # not counted
]
FORMAL = [
    ["建议编号", "区", "会议", "标题", "主办单位", "领衔代表", "交办日期"],
    ["F1", "测试区", "区一届一次", "建议一", "住建局", "D1", "2024-02-01"],
    ["F2", "测试区", "区一届一次", "建议二", "交通局", "D3", "2024-03-01"],
    ["F3", "测试区", "区一届一次", "建议三", "教育局", "D5", "2024-04-01"],
    ["F4", "测试区", "区一届二次", "建议四", "住建局", "D1", "2025-01-10"],  # 2025
    ["F5", "测试区", "区一届一次", "建议五", "住建局", None, "2024-05-01"],  # no lead deputy
    ["F6", "测试区", "区一届一次", "建议六", "住建局", "D7", "2024-02-02"],  # 丁办事处: not counted
    ["F7", "测试区", "区一届一次", "建议七", "住建局", "D8", "2024-02-03"],  # deputy without a town
]
ACTIVITIES = [
    ["活动编号", "类型", "区", "镇街", "日期", "主题", "人大代表人数", "群众人数"],
    ["A1", "街道代表议事会", "测试区", "甲街道", "2024-03-01", "年度工作报告", 10, 0],
    ["A2", "镇人代会", "测试区", "乙镇", "2024-04-01", "镇人代会", 30, 0],
    ["A3", "宣讲活动", "测试区", "甲街道", "2024-06-01", f"宣讲报名请致电{PHONE}", 2, 20],
]
MICRO = [
    ["建议编号", "提交日期", "区", "镇街", "类别", "状态", "内容"],
    ["W1", "2024-06-02", "测试区", "甲街道", "城建交通", "已提交", f"路灯不亮，联系电话{PHONE}"],
    ["W2", "2024-06-03", "测试区", "甲街道", "民生保障", "已受理", f"反映人身份证{ID_NUMBER}"],
]

# 2024 by hand: formal 甲 2 (F1 F2), 乙 1 (F3), 丙 0 (3 in the district; F5-F7 count for no
# counted town); deputies 甲 4, 乙 2, 丙 0 (6); stations 甲 2 (ZA ZB), 乙 1 (ZD), 丙 0;
# congress 甲 1 (A1), 乙 1 (A2) → 2 per 6 deputies = 33.3 per 100; formal 3 / 6 × 100 = 50.


def build_town_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "towns.xlsx", {"镇街": FIXTURE_TOWNS, "代表": DEPUTIES, "阵地": STATIONS,
                                          "代表建议": FORMAL, "活动": ACTIVITIES, "微建议": MICRO})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="module")
def town_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("towns")
    return build_town_warehouse(tmp / "towns.duckdb", tmp)


@pytest.fixture
def con(town_db: Path):
    c = duckdb.connect(str(town_db), read_only=True)
    yield c
    c.close()


def test_deputies_stations_and_formal_suggestions_per_town(con):
    df = tq.town_measures(con, F2024)
    assert column(df, "deputies") == [4, 0, 2]
    assert column(df, "stations") == [2, 0, 1]  # ZC opens in 2025; ZD is undated
    assert column(df, "formal") == [2, 0, 1]
    assert column(tq.town_measures(con, F2025), "stations") == [3, 0, 1]
    assert column(tq.town_measures(con, F2025), "formal") == [1, 0, 0]  # F4


def test_district_comparison_per_100_deputies(con):
    cmp = tq.district_comparison(con, F2024, ("测试区",)).set_index("measure")
    assert cmp.loc["congress", "deputies"] == 6  # 丁办事处's and the townless deputy are left out
    assert cmp.loc["congress", "per_100_deputies"] == pytest.approx(2 / 6 * 100)
    assert cmp.loc["formal", "total"] == 3.0
    assert cmp.loc["formal", "per_100_deputies"] == pytest.approx(50.0)
    assert cmp.loc["formal", "per_town"] == pytest.approx(1.0)
    assert math.isnan(cmp.loc["deputies", "per_100_deputies"])  # a state is not normalised


def test_deputies_by_level_in_contract_order(con):
    levels = tq.deputies_by_level(con, F2024, "甲街道")
    assert levels["level"].tolist() == ["CITY", "DISTRICT", "TOWN"]
    assert levels["deputies"].tolist() == [1, 2, 1]
    assert tq.deputies_by_level(con, F2024, "丙街道").empty


def test_town_stations_are_those_the_measure_counts(con):
    jia = tq.town_stations(con, F2024, "甲街道")
    assert list(jia.columns) == tq.STATION_COLUMNS
    assert jia["station_id"].tolist() == ["ZA", "ZB"]  # home before station; ZC opens in 2025
    assert jia["opened_on"].tolist() == [dt.date(2020, 1, 1), dt.date(2024, 7, 1)]
    assert jia["upgraded_on"].tolist() == [None, dt.date(2025, 3, 1)]
    assert tq.town_stations(con, F2025, "甲街道")["station_id"].tolist() == ["ZA", "ZB", "ZC"]
    assert tq.town_stations(con, F2024, "乙镇")["station_id"].tolist() == ["ZD"]
    assert tq.town_stations(con, F2024, "丁办事处").empty
    for town in TOWNS:
        assert len(tq.town_stations(con, F2024, town)) == column(tq.town_measures(con, F2024), "stations")[
            TOWNS.index(town)]


def test_free_text_of_the_lists_is_masked(con):
    topics = tq.town_activities(con, F2024, "甲街道")["topic"].tolist()
    assert topics == ["宣讲报名请致电138****5678", "年度工作报告"]  # newest first
    contents = tq.town_micro_suggestions(con, F2024, "甲街道")["content"].tolist()
    assert contents == ["反映人身份证320***********1234", "路灯不亮，联系电话138****5678"]
    assert not any(PHONE in str(x) or ID_NUMBER in str(x) for x in topics + contents)


# --- the town's lists on the fixture ------------------------------------------------------

def test_town_activities_newest_first_within_the_period_and_limited(fixture_con):
    acts = tq.town_activities(fixture_con, F2024, "甲街道")
    assert list(acts.columns) == tq.ACTIVITY_COLUMNS
    assert acts["activity_id"].tolist() == ["J2", "J4", "J3", "P1", "J1"]
    assert acts["kind"].tolist() == ["STREET_COUNCIL", "DEPUTY_VOTER", "WORK_REVIEW", "PUBLICITY", "STREET_COUNCIL"]
    assert acts["participants"].tolist() == [17, 30, 22, 36, 17]
    assert acts["date"].iloc[0] == dt.date(2024, 9, 1)
    assert tq.town_activities(fixture_con, F2024, "甲街道", 2)["activity_id"].tolist() == ["J2", "J4"]
    assert tq.town_activities(fixture_con, F2025, "丙街道").empty


def test_town_visits_with_their_opinions(fixture_con):
    visits = tq.town_visits(fixture_con, F2024, "甲街道")
    assert list(visits.columns) == tq.VISIT_COLUMNS
    assert visits["visit_id"].tolist() == ["V3", "V1"]
    assert visits["person_times"].tolist() == [4, 6]
    assert visits["opinions"].tolist() == [1, 2]  # O4 | O1 O2
    assert visits["resolved"].tolist() == [0, 0]
    assert visits["questionnaire"].tolist() == [False, True]


def test_town_micro_suggestions_submitted_in_the_period(fixture_con):
    micro = tq.town_micro_suggestions(fixture_con, F2024, "甲街道")
    assert list(micro.columns) == tq.MICRO_COLUMNS
    assert micro["suggestion_id"].tolist() == ["M12", "M4", "M1"]
    assert micro["status"].tolist() == ["IN_PROGRESS", "CLOSED", "CLOSED"]
    assert micro["closed_on"].tolist() == [None, dt.date(2024, 5, 20), dt.date(2024, 3, 4)]


def test_the_lists_hold_what_the_measures_count(fixture_con):
    for f in (F2024, F2025):
        wide = tq.town_measures(fixture_con, f).set_index("town")
        for town in TOWNS:
            assert len(tq.town_activities(fixture_con, f, town)) == wide.loc[town, "activities"]
            assert len(tq.town_visits(fixture_con, f, town)) == wide.loc[town, "visits"]
            assert len(tq.town_micro_suggestions(fixture_con, f, town)) == wide.loc[town, "micro_submitted"]


def test_town_statutory_is_the_statutory_pages_rows_newest_first(fixture_con):
    jia = tq.town_statutory(fixture_con, F2025, "甲街道")
    assert list(jia.columns) == tq.STATUTORY_COLUMNS
    assert jia["year"].tolist() == [2025, 2024]
    assert jia["status"].tolist() == ["pending", "met"]  # 2025 is not over on 2025-06-30
    assert (jia.loc[0, "congress"], jia.loc[0, "review"], jia.loc[0, "months_left"]) == (1, 1, 6)
    yi = tq.town_statutory(fixture_con, F2024, "乙镇")
    assert yi["year"].tolist() == [2024]  # nothing after the filter's year
    assert yi["status"].tolist() == ["missed"]  # no work appraisal in 2024


def test_town_rollout_and_sites_are_the_rollout_and_sites_pages_rows(fixture_con):
    ro = tq.town_rollout(fixture_con, F2024, "甲街道")
    assert len(ro) == 1 and ro.loc[0, "status"] == "green" and ro.loc[0, "site_id"] == "S1"
    whole = rollout.rollout_by_town(fixture_con, F2024)
    for town in TOWNS:
        mine = tq.town_rollout(fixture_con, F2024, town)
        pd.testing.assert_frame_equal(mine, whole[whole["town"] == town].reset_index(drop=True))
    jia = tq.town_sites(fixture_con, F2024, "甲街道")
    assert sorted(jia["site_id"]) == ["S1", "S2"] and set(jia["stage"]) == {"ACCEPTED"}
    bing = tq.town_sites(fixture_con, F2024, "丙街道")
    assert bing["site_id"].tolist() == ["S4"] and bing["stage"].tolist() == ["PILOT"]  # built only in 2025
    assert tq.town_sites(fixture_con, F2024, "丁办事处").empty


# --- the demo warehouse: the profile agrees with the other pages --------------------------

@pytest.fixture(scope="module")
def demo_con(demo_db: Path):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def test_demo_profile_of_a_qingjiangpu_town_agrees_with_the_statutory_page(demo_con):
    as_of = common.data_as_of(demo_con, "清江浦区")
    f = Filters(district="清江浦区", year=2023, as_of=as_of)
    by_town = statutory.statutory_by_town(demo_con, f).set_index("town")
    wide = tq.town_measures(demo_con, f).set_index("town")
    assert set(wide.index) == set(by_town.index) and len(wide) == 16
    town = "城南街道"
    profile = tq.town_profile(demo_con, f, town).set_index("measure")
    for m in ("congress", "review", "deputy_voter"):
        assert profile.loc[m, "value"] == by_town.loc[town, m], m
        assert profile.loc[m, "median"] == float(np.median(by_town[m])), m
        assert profile.loc[m, "rank"] == int((by_town[m] > by_town.loc[town, m]).sum()) + 1, m
    history = tq.town_statutory(demo_con, f, town)
    assert history.loc[0, "year"] == 2023
    assert history.loc[0, "status"] == by_town.loc[town, "status"]
    assert (history.loc[0, "congress"], history.loc[0, "review"]) == (wide.loc[town, "congress"],
                                                                    wide.loc[town, "review"])


def test_demo_profile_agrees_with_the_coverage_and_sites_pages(demo_con):
    as_of = common.data_as_of(demo_con, "清江浦区")
    f = Filters(district="清江浦区", year=2023, as_of=as_of)
    wide = tq.town_measures(demo_con, f).set_index("town")
    coverage = rollout.rollout_by_town(demo_con, f).set_index("town")
    assessed = sites.practice_sites_assessed(demo_con, f)
    for town in wide.index:
        assert wide.loc[town, "covered"] == int(coverage.loc[town, "status"] == "green"), town
        accepted = assessed[(assessed["town"] == town) & (assessed["stage"] == "ACCEPTED")]
        assert wide.loc[town, "sites_accepted"] == len(accepted), town
        assert len(tq.town_stations(demo_con, f, town)) == wide.loc[town, "stations"], town
        assert len(tq.town_activities(demo_con, f, town)) == wide.loc[town, "activities"], town


# --- one reading of the records for many periods or a few districts ------------------------

@pytest.mark.parametrize("as_of", [None, dt.date(2024, 6, 30)])
def test_measures_by_year_are_each_years_measures(demo_con, as_of):
    """The trend's single query gives, year by year, what :func:`town_measures` gives for
    that year — the states (stations, accepted sites) as of each year's end or the cut-off,
    and nothing in a year after the cut-off."""
    f = Filters(district="清江浦区", as_of=as_of)
    by_year = tq.town_measures_by_year(demo_con, f, 2021, 2025)
    assert sorted(by_year["year"].unique()) == [2021, 2022, 2023, 2024, 2025]
    for year in range(2021, 2026):
        part = by_year[by_year["year"] == year].drop(columns="year").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, tq.town_measures(demo_con, f.with_year(year)), check_dtype=False)
    assert by_year["activities"].sum() > 0
    if as_of is not None:
        assert by_year.loc[by_year["year"] == 2025, "activities"].sum() == 0


def test_comparing_a_few_districts_reads_only_those_and_agrees_with_all(demo_con):
    f = Filters(year=2023)
    every = tq.district_comparison(demo_con, f)
    districts = sorted(every["district"].unique())
    assert len(districts) >= 2
    for d in districts:
        few = tq.district_comparison(demo_con, f, (d,))
        assert set(few["district"]) == {d}
        pd.testing.assert_frame_equal(few.reset_index(drop=True),
                                      every[every["district"] == d].reset_index(drop=True))
    both = tq.district_comparison(demo_con, f, tuple(reversed(districts)))
    pd.testing.assert_frame_equal(both, every)  # the listing order is the towns' codes, not the argument's


@pytest.mark.parametrize("f", [
    Filters(district="清江浦区", year=2024), Filters(district="清江浦区", year=2025, as_of=dt.date(2025, 6, 30)),
    Filters(district="清江浦区", year=2023, towns=("闸口街道",)), Filters(district="清江浦区", year=2019),
    Filters(district="清江浦区", year=2024, scope=("闸口街道", "长西街道"))])
def test_the_profile_read_from_the_trends_statement_equals_its_own(demo_con, f, monkeypatch):
    """The profile takes its year's figures from the statement the trend sends (issue 10):
    the same ranks, medians and values as from :func:`town_measures` of its year alone."""
    towns = [t for t in tq.town_measures(demo_con, Filters(district=f.district, year=2024))["town"]
             if not f.scope or t in f.scope]
    shared = [tq.town_profile(demo_con, f, t) for t in towns]
    monkeypatch.setattr(tq, "_year_measures", tq.town_measures)
    own = [tq.town_profile(demo_con, f, t) for t in towns]
    assert len(towns) >= 2 and all(len(p) == len(tq.MEASURES) for p in own)
    for a, b in zip(shared, own, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_the_town_page_asks_for_its_measures_once(demo_con):
    """Profile and trend through one memo (as the pages share one): the ten-relation
    measures statement is sent once, not once for the profile and once for the trend."""
    from warehouse.memo import MemoCursor, StatementStore

    sent: list[str] = []

    class Counting:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, parameters=None):
            sent.append(sql)
            return self._con.execute(sql, parameters)

        def __getattr__(self, name):
            return getattr(self._con, name)

    store = StatementStore()
    f = Filters(district="清江浦区", year=2024)
    for fn in (tq.town_trend, tq.town_profile):
        fn(MemoCursor(Counting(demo_con.cursor()), store), f, "闸口街道")
    assert sum("sites_accepted" in s for s in sent) == 1
