"""对比排名: the ranking of towns and the districts side by side, on hand-computed data.

On the shared fixture warehouse (tests/conftest.py, 测试区, no roll of deputies), 2024:
congress 甲街道 2 (J1 J2), 乙镇 2 (Y1 Y2), 丙街道 3 (B1-B3) → ranks 丙 1, 甲 2, 乙 2, median 2;
review 丙 2, 甲 1, 乙 0. 丁办事处 is not counted and is never listed. Every warehouse also
holds the reference towns of 清江浦区 and 淮安区 (etl/reference/towns.csv), without records.

A tiny warehouse of its own (:func:`build_compare_warehouse`) has deputies and two districts:

==========  ========  ========  ===============  =================  ==============
district    town      deputies  congress 2024    opinions (resolv.)  per 100 dep.
==========  ========  ========  ===============  =================  ==============
测试区       甲街道     4         2                2 (1)              2/4·100 = 50
测试区       乙镇       2         3                —                  3/2·100 = 150
测试区       丙街道     0         2                —                  NaN (no deputies)
测试区       丁办事处   1         (not counted)
对照区       子街道     5         2                1 (1)              2/5·100 = 40
对照区       丑镇       5         4                —                  4/5·100 = 80
==========  ========  ========  ===============  =================  ==============

District totals 2024: 测试区 congress 7 over 3 towns (7/3 per town) and 6 deputies
(丁办事处's deputy is not counted): 116.67 per 100; 对照区 6 over 2 towns = 3.0 per town,
10 deputies = 60 per 100. Resolution rate 测试区 1/2, 对照区 1/1.
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
from warehouse.queries import compare as cq
from warehouse.queries import towns

AS_OF = dt.date(2025, 6, 30)
F2024 = Filters(district="测试区", year=2024, as_of=AS_OF)

TOWNS = FIXTURE_TOWNS + [
    ["对照区", "子街道", "街道", "888888001000", "是"],
    ["对照区", "丑镇", "镇", "888888100000", "是"],
]
DEPUTIES = [
    ["代表编号", "姓名", "层级", "区", "镇街"],
    ["D01", "代表一", "区", "测试区", "甲街道"],
    ["D02", "代表二", "区", "测试区", "甲街道"],
    ["D03", "代表三", "镇", "测试区", "甲街道"],
    ["D04", "代表四", "镇", "测试区", "甲街道"],
    ["D05", "代表五", "区", "测试区", "乙镇"],
    ["D06", "代表六", "镇", "测试区", "乙镇"],
    ["D07", "代表七", "镇", "测试区", "丁办事处"],  # not counted
    *[[f"D1{i}", f"对照代表{i}", "区", "对照区", "子街道"] for i in range(5)],
    *[[f"D2{i}", f"丑镇代表{i}", "镇", "对照区", "丑镇"] for i in range(5)],
]
ACTIVITIES = [
    ["活动编号", "类型", "区", "镇街", "日期", "人大代表人数", "群众人数"],
    ["A1", "街道代表议事会", "测试区", "甲街道", "2024-03-01", 10, 0],
    ["A2", "街道代表议事会", "测试区", "甲街道", "2024-09-01", 10, 0],
    ["A3", "镇人代会", "测试区", "乙镇", "2024-01-10", 20, 0],
    ["A4", "镇人代会", "测试区", "乙镇", "2024-06-10", 20, 0],
    ["A5", "镇人代会", "测试区", "乙镇", "2024-12-10", 20, 0],
    ["A6", "街道代表议事会", "测试区", "丙街道", "2024-04-01", 5, 0],
    ["A7", "街道代表议事会", "测试区", "丙街道", "2024-10-01", 5, 0],
    ["A8", "街道代表议事会", "测试区", "丁办事处", "2024-04-01", 5, 0],  # not counted
    ["A9", "街道代表议事会", "对照区", "子街道", "2024-03-15", 8, 0],
    ["A10", "街道代表议事会", "对照区", "子街道", "2024-08-15", 8, 0],
    *[[f"A2{i}", "镇人代会", "对照区", "丑镇", f"2024-0{i + 2}-20", 30, 0] for i in range(4)],
    ["A30", "镇人代会", "对照区", "丑镇", "2025-01-20", 30, 0],  # another year
]
VISITS = [
    ["走访编号", "日期", "区", "镇街", "企业名称", "区级代表人次"],
    ["V1", "2024-05-01", "测试区", "甲街道", "甲公司", 1],
    ["V2", "2024-05-02", "对照区", "子街道", "子公司", 2],
]
OPINIONS = [
    ["意见编号", "走访编号", "来源", "类别", "办理状态", "办结日期"],
    ["O1", "V1", "企业", "营商环境", "已办结", "2024-06-01"],
    ["O2", "V1", "代表", "用地", "办理中", None],
    ["O3", "V2", "企业", "用地", "已办结", "2024-06-02"],
]


def build_compare_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "compare.xlsx", {"镇街": TOWNS, "代表": DEPUTIES, "活动": ACTIVITIES, "企业走访": VISITS,
                                           "企业意见": OPINIONS})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="module")
def compare_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("compare")
    return build_compare_warehouse(tmp / "compare.duckdb", tmp)


@pytest.fixture
def con(compare_db: Path):
    c = duckdb.connect(str(compare_db), read_only=True)
    yield c
    c.close()


def ranking_of(df: pd.DataFrame) -> list[tuple]:
    """(town, value, rank) rows; NaN values and missing ranks as None."""
    return [(tw, None if pd.isna(v) else round(float(v), 6), None if pd.isna(r) else int(r))
            for tw, v, r in zip(df["town"], df["value"], df["rank"])]


# --- town_ranking on the shared fixture -------------------------------------------------

def test_congress_2024_ranks_bing_first_and_jia_and_yi_share_second(fixture_con):
    df = towns.town_ranking(fixture_con, F2024, "congress")
    assert ranking_of(df) == [("丙街道", 3.0, 1), ("乙镇", 2.0, 2), ("甲街道", 2.0, 2)]
    assert df["median"].tolist() == [2.0, 2.0, 2.0]
    assert df["district"].tolist() == ["测试区"] * 3
    assert df["deputies"].tolist() == [0, 0, 0]  # the fixture has no roll of deputies


def test_the_uncounted_town_never_appears_in_a_ranking(fixture_con):
    # 丁办事处 has a council (D1), a visit (V5), an accepted site (S5): none makes it a town.
    for measure in ("congress", "visits", "sites_accepted", "micro_solved"):
        for f in (F2024, F2024.with_year(None), Filters(year=2024)):
            assert "丁办事处" not in set(towns.town_ranking(fixture_con, f, measure)["town"]), (measure, f)


def test_review_2024_ranks_a_town_without_reviews_last(fixture_con):
    # 丙 B4 B5 = 2, 甲 J3 = 1, 乙 none = 0; median 1.
    df = towns.town_ranking(fixture_con, F2024, "review")
    assert ranking_of(df) == [("丙街道", 2.0, 1), ("甲街道", 1.0, 2), ("乙镇", 0.0, 3)]
    assert df["median"].iloc[0] == 1.0


def test_a_rate_without_a_denominator_has_no_rank_and_stays_out_of_the_median(fixture_con):
    # 2025: opinions O7 O8 on V6 (甲), O9 on V7 (乙), none resolved (no status given);
    # 丙街道's V8 has no opinion -> no rate, no rank, listed last.
    df = towns.town_ranking(fixture_con, F2024.with_year(2025), "opinion_resolution_rate")
    assert ranking_of(df) == [("乙镇", 0.0, 1), ("甲街道", 0.0, 1), ("丙街道", None, None)]
    assert df["median"].iloc[0] == 0.0


def test_per_deputies_in_a_warehouse_without_deputies_leaves_every_town_unranked(fixture_con):
    df = towns.town_ranking(fixture_con, F2024, "congress", per_deputies=True)
    assert df["value"].isna().all() and df["rank"].isna().all() and df["median"].isna().all()


# --- ranked_towns: the town filter narrows the list, the ranks stay the district's ------

def test_ranked_towns_without_a_town_filter_equals_town_ranking_plus_ties(fixture_con):
    df = cq.ranked_towns(fixture_con, F2024, "congress")
    base = towns.town_ranking(fixture_con, F2024, "congress")
    pd.testing.assert_frame_equal(df[list(base.columns)], base)
    assert df["tied"].tolist() == [False, True, True]
    assert df["ranked"].tolist() == [3, 3, 3]


def test_narrowing_to_one_town_keeps_its_district_rank_and_the_district_median(fixture_con):
    f = F2024.with_towns(("甲街道",))
    df = cq.ranked_towns(fixture_con, f, "congress")
    assert ranking_of(df) == [("甲街道", 2.0, 2)]
    assert (df["median"].iloc[0], bool(df["tied"].iloc[0]), df["ranked"].iloc[0]) == (2.0, True, 3)
    # towns.town_ranking ranks only the towns listed: 甲 alone would be first.
    assert towns.town_ranking(fixture_con, f, "congress")["rank"].tolist() == [1]


def test_ranked_towns_count_only_towns_with_a_value_as_ranked(fixture_con):
    df = cq.ranked_towns(fixture_con, F2024.with_year(2025), "opinion_resolution_rate")
    assert df["ranked"].iloc[0] == 2
    assert df["tied"].tolist() == [True, True, False]


def test_per_deputies_is_ignored_for_rates_and_states(con):
    f = Filters(district="测试区", year=2024)
    for measure in ("opinion_resolution_rate", "deputies"):
        pd.testing.assert_frame_equal(cq.ranked_towns(con, f, measure, True), cq.ranked_towns(con, f, measure))
    assert cq.ranked_towns(con, f, "deputies")["value"].tolist() == [4.0, 2.0, 0.0]


# --- per 100 deputies -------------------------------------------------------------------

def test_per_100_deputies_divides_by_the_towns_deputies_and_a_town_without_deputies_has_no_value(con):
    df = towns.town_ranking(con, Filters(district="测试区", year=2024), "congress", per_deputies=True)
    assert ranking_of(df) == [("乙镇", 150.0, 1), ("甲街道", 50.0, 2), ("丙街道", None, None)]
    assert df["deputies"].tolist() == [2, 4, 0]
    assert df["median"].iloc[0] == 100.0  # of 150 and 50; 丙's NaN left out


def test_the_plain_count_ranks_differently_from_the_count_per_deputies(con):
    df = towns.town_ranking(con, Filters(district="测试区", year=2024), "congress")
    assert ranking_of(df) == [("乙镇", 3.0, 1), ("丙街道", 2.0, 2), ("甲街道", 2.0, 2)]


def test_with_no_district_the_ranking_runs_across_every_districts_towns(con):
    # Every warehouse also holds the reference towns of 清江浦区 and 淮安区 (etl/reference),
    # here without deputies: no value per deputies, listed after the ranked towns like 丙街道.
    df = cq.ranked_towns(con, Filters(year=2024), "congress", per_deputies=True)
    assert ranking_of(df.head(4)) == [("乙镇", 150.0, 1), ("丑镇", 80.0, 2), ("甲街道", 50.0, 3), ("子街道", 40.0, 4)]
    assert df["district"].head(4).tolist() == ["测试区", "对照区", "测试区", "对照区"]
    rest = df.iloc[4:]
    assert rest["value"].isna().all() and rest["rank"].isna().all() and "丙街道" in set(rest["town"])
    assert set(rest["district"]) == {"测试区", "清江浦区", "淮安区"}
    assert df["median"].iloc[0] == 65.0  # (80 + 50) / 2
    assert df["ranked"].iloc[0] == 4


# --- district_comparison ----------------------------------------------------------------

# Every warehouse also holds the (empty) reference districts 清江浦区 and 淮安区.
MINE = ("测试区", "对照区")


def comparison(con, year: int = 2024, districts: tuple[str, ...] = MINE) -> pd.DataFrame:
    return towns.district_comparison(con, Filters(year=year), districts).set_index(["district", "measure"])


def test_district_comparison_normalises_counts_by_towns_and_by_deputies(con):
    df = comparison(con)
    a, b = df.loc[("测试区", "congress")], df.loc[("对照区", "congress")]
    assert (a["total"], a["towns"], a["deputies"]) == (7.0, 3, 6)  # 丁办事处 and its deputy left out
    assert a["per_town"] == pytest.approx(7 / 3) and a["per_100_deputies"] == pytest.approx(700 / 6)
    assert (b["total"], b["towns"], b["deputies"], b["per_town"], b["per_100_deputies"]) == (6.0, 2, 10, 3.0, 60.0)


def test_district_comparison_shows_rates_and_states_as_they_are(con):
    df = comparison(con)
    assert df.loc[("测试区", "opinion_resolution_rate"), "total"] == 0.5
    assert df.loc[("对照区", "opinion_resolution_rate"), "total"] == 1.0
    assert df.loc[("测试区", "deputies"), "total"] == 6.0 and df.loc[("对照区", "deputies"), "total"] == 10.0
    for key in [("测试区", "opinion_resolution_rate"), ("对照区", "deputies"), ("对照区", "covered")]:
        assert math.isnan(df.loc[key, "per_town"]) and math.isnan(df.loc[key, "per_100_deputies"]), key


def test_district_comparison_on_the_fixture_sums_the_counted_towns(fixture_con):
    # 2024 congress 2 + 2 + 3; participants of the counted towns' 2024 activities (丁 D1 out).
    df = towns.district_comparison(fixture_con, Filters(year=2024, as_of=AS_OF), ("测试区",)).set_index("measure")
    assert df.loc["congress", "total"] == 7.0 and df.loc["congress", "towns"] == 3
    assert df.loc["congress", "per_town"] == pytest.approx(7 / 3)
    assert math.isnan(df.loc["congress", "per_100_deputies"])  # no deputies on the roll
    participants = 17 + 17 + 22 + 30 + 40 + 40 + 12 + 12 + 12 + 15 + 15 + 36 + 28
    assert df.loc["participants", "total"] == participants
    assert df["district"].unique().tolist() == ["测试区"]


def test_district_comparison_lists_every_district_of_the_warehouse_by_default(con):
    # The reference districts come first (statistical-code order), with their counted towns
    # and no records: a total of 0 and, without deputies, nothing per 100 deputies.
    df = towns.district_comparison(con, Filters(year=2024))
    assert df["district"].unique().tolist() == ["淮安区", "清江浦区", "对照区", "测试区"]
    qjp = df[(df["district"] == "清江浦区") & (df["measure"] == "congress")].iloc[0]
    assert (qjp["total"], qjp["towns"], qjp["deputies"], qjp["per_town"]) == (0.0, 16, 0, 0.0)
    assert math.isnan(qjp["per_100_deputies"])


def test_district_comparison_narrowed_to_one_district(con):
    df = towns.district_comparison(con, Filters(year=2024), ("对照区",))
    assert df["district"].unique().tolist() == ["对照区"] and len(df) == len(towns.MEASURES)


# --- district_table and district_sizes --------------------------------------------------

def test_district_table_puts_the_districts_side_by_side_one_row_per_measure(con):
    df = cq.district_table(con, Filters(year=2024), MINE)
    assert df["measure"].tolist() == list(towns.MEASURES)
    # Districts in statistical-code order: 对照区 (888888…) before 测试区 (999999…).
    assert list(df.columns) == ["measure", "kind", "对照区|total", "对照区|per_town", "对照区|per_100_deputies",
                                "测试区|total", "测试区|per_town", "测试区|per_100_deputies"]
    row = df.set_index("measure").loc["congress"]
    assert row["kind"] == "count"
    np.testing.assert_allclose(row.iloc[1:].astype(float).to_numpy(), [6, 3, 60, 7, 7 / 3, 700 / 6])
    rate = df.set_index("measure").loc["opinion_resolution_rate"]
    assert rate["kind"] == "rate" and rate["测试区|total"] == 0.5 and math.isnan(rate["对照区|per_town"])
    assert df.set_index("measure").loc["stations", "kind"] == "state"


def test_district_sizes_are_the_counted_towns_and_their_deputies(con):
    df = cq.district_sizes(con, Filters(year=2024), MINE)
    assert df.to_dict("records") == [{"district": "对照区", "towns": 2, "deputies": 10},
                                     {"district": "测试区", "towns": 3, "deputies": 6}]


def test_measure_kinds():
    assert [cq.measure_kind(m) for m in ("congress", "micro_closing_rate", "covered")] == ["count", "rate", "state"]


def test_district_figures_are_the_sizes_and_the_table_from_one_query(con):
    statements: list[str] = []

    class Counting:
        def __init__(self, real):
            self._real = real

        def execute(self, sql, parameters=None):
            statements.append(sql)
            return self._real.execute(sql, parameters) if parameters is not None else self._real.execute(sql)

        def __getattr__(self, name):
            return getattr(self._real, name)

    f = Filters(year=2024)
    sizes, table = cq.district_figures(Counting(con), f, MINE)
    both = len(statements)
    pd.testing.assert_frame_equal(sizes, cq.district_sizes(Counting(con), f, MINE))
    assert both > 0 and len(statements) == 2 * both  # the comparison ran once for both
    pd.testing.assert_frame_equal(table, cq.district_table(con, f, MINE))
