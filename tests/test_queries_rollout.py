"""全覆盖进度 on a warehouse of its own, against hand-computed expectations.

Three made-up districts, data to 2025-06-30 (a 2025 activity in each fixes the cut-off):

* 超前区 — ahead of plan (2024: 1, 2025: 3, 2026: 4 towns). 甲一街道 has two sites at
  different stages (an ACCEPTED one scored 80 and a PILOT one scored 95: the stage wins)
  and its first acceptance is on 2024-12-31, the last day of the year. 甲九区 is not
  counted: its accepted site never counts.
* 滞后区 — behind plan (2024: 1, 2025: 3): one town covered in May 2024, nothing since
  (pace 0), one PILOT town, one PLANNED only.
* 无计划区 — no plan rows: one town BUILT (two BUILT sites: the higher score is the best
  site), one with no site.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load
from tests.conftest import write_xlsx
from warehouse.filters import Filters
from warehouse.queries import rollout as ro

AS_OF = dt.date(2025, 6, 30)
AHEAD, BEHIND, NOPLAN = "超前区", "滞后区", "无计划区"

TOWNS = [
    ["区", "镇街", "类型", "区划代码", "纳入统计"],
    [AHEAD, "甲一街道", "街道", "888801001000", "是"],
    [AHEAD, "甲二街道", "街道", "888801002000", "是"],
    [AHEAD, "甲三镇", "镇", "888801100000", "是"],
    [AHEAD, "甲四镇", "镇", "888801101000", "是"],
    [AHEAD, "甲九区", "其他", "888801400000", "否"],
    [BEHIND, "乙一街道", "街道", "888802001000", "是"],
    [BEHIND, "乙二镇", "镇", "888802100000", "是"],
    [BEHIND, "乙三镇", "镇", "888802101000", "是"],
    [NOPLAN, "丙一街道", "街道", "888803001000", "是"],
    [NOPLAN, "丙二街道", "街道", "888803002000", "是"],
]

SITES = [
    ["实践点编号", "区", "镇街", "名称", "特色主题", "阶段", "启动日期", "建成日期", "验收日期",
     "宣传屏", "公示栏", "代表工作室", "议事厅", "教育阵地", "评分"],
    ["A1a", AHEAD, "甲一街道", "甲一实践点", "议事协商", "验收通过", "2024-01-10", "2024-05-01", "2024-12-31",
     "是", "是", "是", "是", "是", 80],
    ["A1b", AHEAD, "甲一街道", "甲一新实践点", "数字人大", "试点", "2025-03-01", None, None,
     "否", "否", "是", "否", "否", 95],
    ["A2", AHEAD, "甲二街道", "甲二实践点", "助企", "验收通过", "2024-03-01", "2024-09-15", "2025-02-15",
     "是", "是", "否", "是", None, 90],
    ["A3", AHEAD, "甲三镇", "甲三实践点", "乡村振兴", "验收通过", "2024-06-01", "2024-11-20", "2025-05-20",
     "否", "否", "否", "否", "否", 80],
    ["A4", AHEAD, "甲四镇", "甲四实践点", "生态", "建成", "2025-01-05", "2025-06-10", None,
     "是", "是", "是", "否", "否", 70],
    ["A9", AHEAD, "甲九区", "甲九实践点", "园区", "验收通过", "2024-01-05", "2024-02-01", "2024-03-01",
     "是", "是", "是", "是", "是", 99],
    ["B1", BEHIND, "乙一街道", "乙一实践点", "老街", "验收通过", "2024-01-15", "2024-04-01", "2024-05-20",
     "是", "是", "否", "否", "否", 69.5],
    ["B2", BEHIND, "乙二镇", "乙二实践点", "渔业", "试点", "2025-04-01", None, None,
     "否", "否", "否", "否", "否", 72],
    ["B3", BEHIND, "乙三镇", "乙三实践点", "林业", "规划", None, None, None, None, None, None, None, None, None],
    ["C1a", NOPLAN, "丙一街道", "丙一实践点", "社区", "建成", "2025-01-10", "2025-05-05", None,
     "是", "是", "是", "是", "否", 75],
    ["C1b", NOPLAN, "丙一街道", "丙一二号实践点", "志愿", "建成", "2025-02-01", "2025-06-01", None,
     "是", "是", "是", "是", "是", 88],
]

PLAN = [
    ["区", "年度", "阶段", "目标覆盖镇街数"],
    [AHEAD, 2024, "试点示范", 1],
    [AHEAD, 2025, "深化完善", 3],
    [AHEAD, 2026, "全覆盖", 4],
    [BEHIND, 2024, "试点示范", 1],
    [BEHIND, 2025, "深化完善", 3],
]

# One activity per district on 2025-06-30: the data's cut-off (数据截至) of each.
ACTIVITIES = [
    ["活动编号", "类型", "区", "镇街", "日期"],
    ["R1", "宣讲活动", AHEAD, "甲一街道", "2025-06-30"],
    ["R2", "宣讲活动", BEHIND, "乙一街道", "2025-06-30"],
    ["R3", "宣讲活动", NOPLAN, "丙一街道", "2025-06-30"],
]

# Stations (used by test_queries_sites.py and the AppTests too).
STATIONS = [
    ["阵地编号", "名称", "类型", "区", "镇街", "建成日期", "升级为实践点日期", "特色主题"],
    ["Z1", "甲一代表之家", "代表之家", AHEAD, "甲一街道", "2018-01-01", None, None],
    ["Z2", "甲一老街联络站", "代表联络站", AHEAD, "甲一街道", "2019-05-01", "2024-12-31", "议事协商"],
    ["Z3", "甲一新区联络站", "代表联络站", AHEAD, "甲一街道", "2024-12-31", None, None],
    ["Z4", "甲一联系点", "代表联系点", AHEAD, "甲一街道", "2025-01-01", None, None],
    ["Z5", "甲一工作室", "代表工作室", AHEAD, "甲一街道", None, None, None],
    ["Z6", "甲二代表之家", "代表之家", AHEAD, "甲二街道", "2018-03-01", None, None],
    ["Z7", "甲二联络站", "代表联络站", AHEAD, "甲二街道", "2020-06-01", "2025-03-01", "助企"],
    ["Z8", "甲二联系点", "代表联系点", AHEAD, "甲二街道", "2021-04-01", None, None],
    ["Z9", "甲九代表之家", "代表之家", AHEAD, "甲九区", "2018-01-01", None, None],
    ["Z10", "乙一代表之家", "代表之家", BEHIND, "乙一街道", "2019-01-01", None, None],
]


def build_rollout_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "rollout.xlsx", {"镇街": TOWNS, "阵地": STATIONS, "实践点": SITES, "全覆盖计划": PLAN,
                                           "活动": ACTIVITIES})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="module")
def rollout_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("rollout")
    return build_rollout_warehouse(tmp / "rollout.duckdb", tmp)


@pytest.fixture
def con(rollout_db: Path):
    c = duckdb.connect(str(rollout_db), read_only=True)
    yield c
    c.close()


def summary(con, district: str, year: int | None) -> pd.Series:
    df = ro.rollout_summary(con, Filters(district=district, year=year, as_of=AS_OF))
    assert len(df) == 1
    return df.iloc[0]


def statuses(con, district: str, year: int | None) -> dict[str, str]:
    df = ro.rollout_by_town(con, Filters(district=district, year=year, as_of=AS_OF))
    return dict(zip(df["town"], df["status"]))


# --- dates ----------------------------------------------------------------------------

def test_months_left_counts_whole_months_and_the_rest_of_an_unfinished_one():
    assert ro.months_left(dt.date(2026, 10, 31), dt.date(2026, 12, 31)) == 2
    assert ro.months_left(dt.date(2026, 6, 15), dt.date(2026, 12, 31)) == 7
    assert ro.months_left(dt.date(2025, 6, 30), dt.date(2026, 12, 31)) == 18
    assert ro.months_left(dt.date(2025, 12, 31), dt.date(2025, 12, 31)) == 0


def test_evaluation_date_is_the_year_end_or_the_cut_off_if_earlier():
    assert ro.evaluation_date(Filters(year=2024, as_of=AS_OF)) == dt.date(2024, 12, 31)
    assert ro.evaluation_date(Filters(year=2025, as_of=AS_OF)) == AS_OF
    assert ro.evaluation_date(Filters(as_of=AS_OF)) == AS_OF


# --- the coverage series ----------------------------------------------------------------

def test_coverage_series_of_a_district_ahead_of_plan_month_by_month(con):
    s = ro.coverage_series(con, Filters(district=AHEAD, as_of=AS_OF)).set_index("month")
    # From the first plan year (2024-01) to the end of the final plan year (2026-12).
    assert len(s) == 36 and s.index[0] == dt.date(2024, 1, 31) and s.index[-1] == dt.date(2026, 12, 31)
    assert int(s["actual"].sum()) == 18  # 2024-01 .. 2025-06
    by_hand = {  # month end: (covered, built awaiting acceptance, target, phase)
        dt.date(2024, 4, 30): (0, 0, 1, "PILOT"),  # 甲九区's acceptance in March does not count
        dt.date(2024, 5, 31): (0, 1, 1, "PILOT"),  # 甲一 built 05-01
        dt.date(2024, 9, 30): (0, 2, 1, "PILOT"),  # + 甲二 built 09-15
        dt.date(2024, 11, 30): (0, 3, 1, "PILOT"),  # + 甲三 built 11-20
        dt.date(2024, 12, 31): (1, 2, 1, "PILOT"),  # 甲一 accepted on the year's last day
        dt.date(2025, 2, 28): (2, 1, 3, "DEEPEN"),  # 甲二 accepted 02-15
        dt.date(2025, 5, 31): (3, 0, 3, "DEEPEN"),  # 甲三 accepted 05-20
        dt.date(2025, 6, 30): (3, 1, 3, "DEEPEN"),  # 甲四 built 06-10
    }
    for month, (covered, built, target, phase) in by_hand.items():
        row = s.loc[month]
        assert (row["covered"], row["built"], row["target"], row["phase"]) == (covered, built, target, phase), month
    future = s.loc[dt.date(2025, 7, 31):]
    assert future["covered"].isna().all() and future["built"].isna().all()
    assert s.loc[dt.date(2026, 12, 31), "target"] == 4 and s.loc[dt.date(2026, 12, 31), "phase"] == "FULL"
    assert (s["towns"] == 4).all()


def test_projection_line_continues_from_the_cut_off_at_the_last_12_months_pace(con):
    s = ro.coverage_series(con, Filters(district=AHEAD, as_of=AS_OF)).set_index("month")
    # 3 towns newly covered in the 12 months to 2025-06-30: +0.25 a month, capped at the 4 towns.
    assert s["projected"].loc[:dt.date(2025, 5, 31)].isna().all()
    got = s["projected"].loc[dt.date(2025, 6, 30):dt.date(2025, 11, 30)].tolist()
    assert got == [3.0, 3.25, 3.5, 3.75, 4.0, 4.0]


def test_a_site_accepted_on_the_last_day_of_a_year_counts_in_that_year(con):
    s = ro.coverage_series(con, Filters(district=AHEAD, as_of=AS_OF)).set_index("month")
    assert s.loc[dt.date(2024, 11, 30), "covered"] == 0 and s.loc[dt.date(2024, 12, 31), "covered"] == 1
    assert summary(con, AHEAD, 2024)["covered"] == 1


def test_coverage_series_without_a_plan_starts_at_the_first_site_and_has_no_target(con):
    s = ro.coverage_series(con, Filters(district=NOPLAN, as_of=AS_OF))
    assert s["month"].tolist() == [dt.date(2025, m, d) for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31),
                                                                   (6, 30))]
    assert s["target"].isna().all() and s["phase"].isna().all()
    assert s["covered"].tolist() == [0] * 6 and s["built"].tolist() == [0, 0, 0, 0, 1, 1]


def test_coverage_series_counts_the_same_towns_as_the_overview_rule(con):
    # The overview's rule: counted towns with a site ACCEPTED and accepted_on <= the date.
    for district in (AHEAD, BEHIND, NOPLAN):
        s = ro.coverage_series(con, Filters(district=district, as_of=AS_OF))
        for month, covered in zip(s["month"], s["covered"]):
            if pd.isna(covered):
                continue
            at = min(month, AS_OF)
            (by_rule,) = con.execute(
                "SELECT count(DISTINCT s.town) FROM practice_sites s JOIN towns t USING (district, town) "
                "WHERE t.counted AND s.district = $d AND s.stage = 'ACCEPTED' AND s.accepted_on <= $at",
                {"d": district, "at": at}).fetchone()
            assert covered == by_rule, (district, month)


def test_phase_bands_follow_the_plan_rows(con):
    bands = ro.phase_bands(con, Filters(district=AHEAD))
    assert bands[["phase", "start", "end", "target"]].values.tolist() == [
        ["PILOT", dt.date(2024, 1, 1), dt.date(2024, 12, 31), 1],
        ["DEEPEN", dt.date(2025, 1, 1), dt.date(2025, 12, 31), 3],
        ["FULL", dt.date(2026, 1, 1), dt.date(2026, 12, 31), 4],
    ]
    assert ro.phase_bands(con, Filters(district=NOPLAN)).empty


# --- the town table and the three-colour status ------------------------------------------

def test_status_of_a_district_ahead_of_plan(con):
    # 2025 (to 06-30): 3 covered against a target of 3 -> met; 甲四's BUILT site is amber.
    assert statuses(con, AHEAD, 2025) == {"甲一街道": "green", "甲二街道": "green", "甲三镇": "green",
                                          "甲四镇": "amber"}
    s = summary(con, AHEAD, 2025)
    assert (s["covered"], s["built"], s["target"], s["needed"], s["can_meet"]) == (3, 1, 3, 0, True)


def test_status_at_the_end_of_a_past_year_rebuilds_stages_from_the_dates(con):
    # 2024-12-31: 甲一 accepted that day; 甲二 and 甲三 were BUILT; 甲四 had not started.
    assert statuses(con, AHEAD, 2024) == {"甲一街道": "green", "甲二街道": "amber", "甲三镇": "amber",
                                          "甲四镇": "red"}
    towns = ro.rollout_by_town(con, Filters(district=AHEAD, year=2024, as_of=AS_OF)).set_index("town")
    assert towns.loc["甲二街道", "stage"] == "BUILT" and towns.loc["甲二街道", "accepted_on"] is None
    assert towns.loc["甲四镇", "stage"] is None  # its site starts in 2025


def test_amber_while_a_future_target_can_still_be_met(con):
    # 2026: target 4, 3 covered, 1 needed, 18 months left, 1 town in progress -> can meet.
    s = summary(con, AHEAD, 2026)
    assert (s["target"], s["needed"], s["months_left"], s["can_meet"]) == (4, 1, 18, True)
    assert statuses(con, AHEAD, 2026)["甲四镇"] == "amber"


def test_status_of_a_district_behind_plan(con):
    # 2025: target 3, 1 covered, 2 needed, 6 months left, but only 1 town in progress -> red.
    s = summary(con, BEHIND, 2025)
    assert (s["covered"], s["pilot"], s["not_started"], s["target"], s["needed"], s["months_left"],
            s["can_meet"]) == (1, 1, 1, 3, 2, 6, False)
    assert statuses(con, BEHIND, 2025) == {"乙一街道": "green", "乙二镇": "red", "乙三镇": "red"}


def test_status_of_a_district_without_a_plan(con):
    s = summary(con, NOPLAN, 2025)
    assert s["target"] is None and s["can_meet"]
    assert statuses(con, NOPLAN, 2025) == {"丙一街道": "amber", "丙二街道": "red"}


def test_a_town_with_two_sites_shows_the_one_at_the_highest_stage_then_score(con):
    towns = ro.rollout_by_town(con, Filters(district=AHEAD, year=2025, as_of=AS_OF)).set_index("town")
    # 甲一: ACCEPTED (80) beats PILOT (95).
    assert towns.loc["甲一街道", ["site_id", "stage", "score", "sites"]].tolist() == ["A1a", "ACCEPTED", 80.0, 2]
    assert towns.loc["甲一街道", ["started_on", "built_on", "accepted_on"]].tolist() == [
        dt.date(2024, 1, 10), dt.date(2024, 5, 1), dt.date(2024, 12, 31)]
    assert [bool(towns.loc["甲一街道", c]) for c in ro.CHECKLIST] == [True] * 5
    # 丙一: both BUILT -> the higher score (88).
    noplan = ro.rollout_by_town(con, Filters(district=NOPLAN, year=2025, as_of=AS_OF)).set_index("town")
    assert noplan.loc["丙一街道", ["site_id", "stage", "score", "sites"]].tolist() == ["C1b", "BUILT", 88.0, 2]
    assert noplan.loc["丙二街道", "stage"] is None and noplan.loc["丙二街道", "sites"] == 0


def test_towns_not_counted_are_left_out(con):
    towns = ro.rollout_by_town(con, Filters(district=AHEAD, year=2025, as_of=AS_OF))
    assert "甲九区" not in set(towns["town"]) and summary(con, AHEAD, 2025)["towns"] == 4


def test_a_town_filter_narrows_the_table_but_not_the_district_figures(con):
    f = Filters(district=BEHIND, year=2025, towns=("乙二镇",), as_of=AS_OF)
    assert ro.rollout_by_town(con, f)["town"].tolist() == ["乙二镇"]
    s = ro.rollout_summary(con, f).iloc[0]
    assert (s["towns"], s["covered"], s["can_meet"]) == (3, 1, False)
    assert ro.rollout_by_town(con, f)["status"].tolist() == ["red"]


def test_towns_picked_on_the_tiles_keep_their_district_status_and_order(con):
    # The rollout page narrows its table with the towns picked on the tiles, in any order.
    whole = ro.rollout_by_town(con, Filters(district=AHEAD, year=2025, as_of=AS_OF)).set_index("town")
    f = Filters(district=AHEAD, year=2025, towns=("甲四镇", "甲一街道"), as_of=AS_OF)
    got = ro.rollout_by_town(con, f)
    assert got["town"].tolist() == ["甲一街道", "甲四镇"]  # statistical-code order
    pd.testing.assert_frame_equal(got.set_index("town"), whole.loc[["甲一街道", "甲四镇"]])


# --- the projection ---------------------------------------------------------------------

def test_projection_of_a_district_ahead_of_plan(con):
    s = summary(con, AHEAD, 2025)
    # 甲一 (2024-12-31), 甲二, 甲三 first covered in (2024-06-30, 2025-06-30]: pace 3 a year;
    # 1 town left -> ceil(1 × 12 / 3) = 4 months after June 2025.
    assert (s["covered_now"], s["pace_12m"], s["projected_full"], s["full_on"]) == (3, 3, dt.date(2025, 10, 31), None)
    # 2025's target (3) is met: the next one is 2026's 4 -> 1 town in 18 months.
    assert (s["plan_year"], s["plan_target"], s["plan_needed"], s["plan_months_left"]) == (2026, 4, 1, 18)
    assert s["per_month"] == pytest.approx(1 / 18)


def test_projection_of_a_district_behind_plan_with_no_recent_progress(con):
    s = summary(con, BEHIND, 2025)
    # 乙一 was covered on 2024-05-20, before the 12 months to 2025-06-30: pace 0, never at this pace.
    assert (s["pace_12m"], s["projected_full"]) == (0, None)
    assert (s["plan_year"], s["plan_target"], s["plan_needed"], s["plan_months_left"]) == (2025, 3, 2, 6)
    assert s["per_month"] == pytest.approx(2 / 6)


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_projection_does_not_depend_on_the_selected_year(con, year):
    # The projection is always from the data's cut-off; the year only moves the status date
    # (2023: before any site had started).
    a, b = summary(con, AHEAD, year), summary(con, AHEAD, 2025)
    for c in ("covered_now", "pace_12m", "projected_full", "plan_year", "plan_needed", "per_month"):
        assert a[c] == b[c], c


def test_a_site_begun_later_is_not_listed_for_an_earlier_year(con):
    # At 2024-12-31 甲一's PILOT site (started 2025-03-01) did not exist yet: one site.
    towns = ro.rollout_by_town(con, Filters(district=AHEAD, year=2024, as_of=AS_OF)).set_index("town")
    assert towns.loc["甲一街道", "sites"] == 1
    # 乙二's PILOT site starts 2025-04-01: in 2024 the town has none; 乙三's PLANNED one is there.
    behind = ro.rollout_by_town(con, Filters(district=BEHIND, year=2024, as_of=AS_OF)).set_index("town")
    assert behind.loc["乙二镇", "stage"] is None and behind.loc["乙二镇", "sites"] == 0
    assert behind.loc["乙三镇", "stage"] == "PLANNED"


def test_projection_without_a_plan_has_no_plan_to_meet(con):
    s = summary(con, NOPLAN, 2025)
    assert (s["pace_12m"], s["projected_full"], s["plan_year"], s["plan_needed"], s["per_month"]) == (
        0, None, None, None, None)


def test_a_plan_year_over_and_not_met_is_overdue(con):
    # Seen from 2026-03-31 with nothing new: 滞后区's last plan year (2025) is over and unmet.
    s = ro.rollout_summary(con, Filters(district=BEHIND, year=2026, as_of=dt.date(2026, 3, 31))).iloc[0]
    assert (s["target_year"], s["target"], s["months_left"], s["can_meet"]) == (2025, 3, 0, False)
    assert (s["plan_year"], s["plan_needed"], s["plan_months_left"], s["per_month"]) == (2025, 2, 0, None)


def test_all_districts_give_one_summary_row_each(con):
    # (清江浦区 and 淮安区 ship with the project: their towns are in every warehouse.)
    df = ro.rollout_summary(con, Filters(year=2025, as_of=AS_OF))
    assert {AHEAD, BEHIND, NOPLAN} <= set(df["district"]) and df["district"].is_unique
    assert df.set_index("district").loc[AHEAD, "covered"] == 3


def test_no_cut_off_gives_empty_frames(con):
    f = Filters(district=AHEAD, year=2025)
    assert ro.rollout_summary(con, f).empty and ro.rollout_by_town(con, f).empty
    assert ro.coverage_series(con, f).empty
