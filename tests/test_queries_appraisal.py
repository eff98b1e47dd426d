"""工作评议 on a tiny warehouse of its own, against expectations computed by hand.

测试区, ballots as 满意/基本满意/不满意 (常委会组成人员 + 特邀代表 = total):

2023
  AP23-1 区教育局  10/3/2 + 6/2/2   = 16/5/4  of 25: 16 > 12.5          → 满意      84%
  AP23-2 区住建局  5/5/5 + 5/0/0    = 10/5/5  of 20: 满意 exactly half   → 基本满意  75%
  AP23-3 区民政局  4/3/5 + 2/1/5    = 6/4/10  of 20: 满+基 exactly half  → 不满意    50%
  AP23-4 区卫健委  3/4/5 + 2/2/4    = 5/6/9   of 20: 满+基 one more      → 基本满意  55%
  AP23-5 区城管局  11/—/9 (SC only) = 11/0/9  of 20: 满意 one more       → 满意      55%
  AP23-6 区水利局  —/—/— (SC only)  = no ballots                         → no grade
2024
  AP24-1 区教育局  12/2/1 + 8/1/1   = 20/3/2  of 25 → 满意      92% (+8 pp, same)
  AP24-2 区住建局  9/4/2 + 5/0/0    = 14/4/2  of 20 → 满意      90% (+15 pp, up)
  AP24-3 区民政局  3/3/6 + 1/1/6    = 4/4/12  of 20 → 不满意    40% (−10 pp, same)
  AP24-4 区卫健委  2/3/7 + 1/2/5    = 3/5/12  of 20 → 不满意    40% (−15 pp, down)
  AP24-7 区财政局  8/1/1 + 4/1/0    = 12/2/1  of 15 → 满意      93% (new)
淮安区 2023 区教育局 (HA23-1) 1/0/9 must not be 测试区's previous year or current year.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load
from tests.conftest import FIXTURE_TOWNS, write_xlsx
from warehouse.filters import Filters
from warehouse.queries import appraisal as ap

F = Filters(district="测试区")
F2023 = F.with_year(2023)
F2024 = F.with_year(2024)
SC, INV = "常委会组成人员", "特邀代表"

APPRAISAL_ROWS = [
    ["评议编号", "区", "年度", "被评议单位", "评议人类型", "满意票", "基本满意票", "不满意票"],
    ["AP23-1", "测试区", 2023, "区教育局", SC, 10, 3, 2], ["AP23-1", "测试区", 2023, "区教育局", INV, 6, 2, 2],
    ["AP23-2", "测试区", 2023, "区住建局", SC, 5, 5, 5], ["AP23-2", "测试区", 2023, "区住建局", INV, 5, 0, 0],
    ["AP23-3", "测试区", 2023, "区民政局", SC, 4, 3, 5], ["AP23-3", "测试区", 2023, "区民政局", INV, 2, 1, 5],
    ["AP23-4", "测试区", 2023, "区卫健委", SC, 3, 4, 5], ["AP23-4", "测试区", 2023, "区卫健委", INV, 2, 2, 4],
    ["AP23-5", "测试区", 2023, "区城管局", "SC_MEMBER", 11, None, 9],
    ["AP23-6", "测试区", 2023, "区水利局", SC, None, None, None],
    ["AP24-1", "测试区", 2024, "区教育局", SC, 12, 2, 1], ["AP24-1", "测试区", 2024, "区教育局", INV, 8, 1, 1],
    ["AP24-2", "测试区", 2024, "区住建局", SC, 9, 4, 2], ["AP24-2", "测试区", 2024, "区住建局", INV, 5, 0, 0],
    ["AP24-3", "测试区", 2024, "区民政局", SC, 3, 3, 6], ["AP24-3", "测试区", 2024, "区民政局", INV, 1, 1, 6],
    ["AP24-4", "测试区", 2024, "区卫健委", SC, 2, 3, 7], ["AP24-4", "测试区", 2024, "区卫健委", INV, 1, 2, 5],
    ["AP24-7", "测试区", 2024, "区财政局", SC, 8, 1, 1], ["AP24-7", "测试区", 2024, "区财政局", INV, 4, 1, 0],
    ["HA23-1", "淮安区", 2023, "区教育局", SC, 1, 0, 9],
]


def build_appraisal_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "appraisal.xlsx", {"镇街": FIXTURE_TOWNS, "工作评议": APPRAISAL_ROWS})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="module")
def appraisal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("appraisal")
    return build_appraisal_warehouse(tmp / "appraisal.duckdb", tmp)


@pytest.fixture
def con(appraisal_db: Path):
    c = duckdb.connect(str(appraisal_db), read_only=True)
    yield c
    c.close()


def frame(data: dict[str, list]) -> pd.DataFrame:
    df = pd.DataFrame(data)
    for c in df.columns:
        if pd.api.types.is_integer_dtype(df[c]):
            df[c] = df[c].astype("int64")
    return df


# --- the grading rule at its boundaries ---------------------------------------------------

@pytest.mark.parametrize("satisfied, basically, ballots, expected", [
    (10, 5, 20, "BASICALLY"),  # 满意 exactly half: not more than half
    (11, 0, 20, "SATISFIED"),  # one more
    (6, 4, 20, "DISSATISFIED"),  # 满意 + 基本满意 exactly half: 不满意
    (5, 6, 20, "BASICALLY"),  # one more
    (8, 0, 15, "SATISFIED"),  # odd total: 8 > 7.5
    (7, 0, 15, "DISSATISFIED"),
    (0, 0, 0, None),  # no ballots, no grade
])
def test_the_majority_rule_in_python(satisfied, basically, ballots, expected):
    assert ap.grade(satisfied, basically, ballots) == expected


def test_grades_in_the_warehouse_follow_the_majority_rule_at_its_boundaries(con):
    got = ap.appraisal_results(con, F2023).set_index("appraisal_id")
    assert got.loc["AP23-1", "grade"] == "SATISFIED"
    assert got.loc["AP23-2", "grade"] == "BASICALLY"  # 10 of 20 satisfied: exactly half is not more
    assert got.loc["AP23-3", "grade"] == "DISSATISFIED"  # 6 + 4 of 20: exactly half
    assert got.loc["AP23-4", "grade"] == "BASICALLY"  # 5 + 6 of 20: one more than half
    assert got.loc["AP23-5", "grade"] == "SATISFIED"  # 11 of 20: one more than half
    assert pd.isna(got.loc["AP23-6", "grade"])  # no ballots
    for r in got.itertuples():  # the SQL and the Python rule agree
        assert (None if pd.isna(r.grade) else r.grade) == ap.grade(r.satisfied, r.basically_satisfied, r.ballots)


# --- results per appraisal -----------------------------------------------------------------

def test_appraisal_results_add_up_both_evaluator_types(con):
    got = ap.appraisal_results(con, F2023)
    nan = float("nan")
    expected = frame({
        "district": ["测试区"] * 6, "year": [2023] * 6,
        # by rate, best first; 55% ties by department name (卫 U+536B before 城 U+57CE); no ballots last
        "appraisal_id": ["AP23-1", "AP23-2", "AP23-4", "AP23-5", "AP23-3", "AP23-6"],
        "department": ["区教育局", "区住建局", "区卫健委", "区城管局", "区民政局", "区水利局"],
        "sc_ballots": [15, 15, 12, 20, 12, 0],
        "invited_ballots": [10, 5, 8, 0, 8, 0],  # 城管局 and 水利局 have no 特邀代表 row: 0
        "satisfied": [16, 10, 5, 11, 6, 0],
        "basically_satisfied": [5, 5, 6, 0, 4, 0],  # 城管局's blank 基本满意 counts 0
        "dissatisfied": [4, 5, 9, 9, 10, 0],
        "ballots": [25, 20, 20, 20, 20, 0],
        "satisfaction_rate": [21 / 25, 15 / 20, 11 / 20, 11 / 20, 10 / 20, nan],
        "satisfied_share": [16 / 25, 10 / 20, 5 / 20, 11 / 20, 6 / 20, nan],
        "grade": ["SATISFIED", "BASICALLY", "BASICALLY", "SATISFIED", "DISSATISFIED", None],
        "prev_rate": [nan] * 6, "prev_grade": [None] * 6, "rate_change": [nan] * 6, "grade_change": [None] * 6,
    })
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["sc_ballots"].dtype == "int64" and got["satisfaction_rate"].dtype == "float64"


def test_year_on_year_compares_each_department_with_its_previous_year(con):
    got = ap.appraisal_results(con, F2024)
    assert got["appraisal_id"].tolist() == ["AP24-7", "AP24-1", "AP24-2", "AP24-4", "AP24-3"]
    got = got.set_index("department")
    assert got["grade"].to_dict() == {"区财政局": "SATISFIED", "区教育局": "SATISFIED", "区住建局": "SATISFIED",
                                      "区卫健委": "DISSATISFIED", "区民政局": "DISSATISFIED"}
    assert got.loc["区教育局", "prev_rate"] == pytest.approx(0.84)  # not 淮安区's 区教育局 (10%)
    assert got["rate_change"].drop("区财政局").to_dict() == pytest.approx(
        {"区教育局": 0.08, "区住建局": 0.15, "区卫健委": -0.15, "区民政局": -0.10})
    assert got["grade_change"].drop("区财政局").to_dict() == {
        "区教育局": "SAME", "区住建局": "UP", "区卫健委": "DOWN", "区民政局": "SAME"}
    assert got["prev_grade"].drop("区财政局").to_dict() == {
        "区教育局": "SATISFIED", "区住建局": "BASICALLY", "区卫健委": "BASICALLY", "区民政局": "DISSATISFIED"}
    new = got.loc["区财政局"]  # not appraised in 2023: nothing to compare
    assert pd.isna(new["prev_rate"]) and pd.isna(new["rate_change"]) and pd.isna(new["grade_change"])


def test_without_a_year_every_appraisal_is_listed_newest_year_first(con):
    got = ap.appraisal_results(con, F)
    assert len(got) == 11 and got["year"].tolist() == [2024] * 5 + [2023] * 6


def test_the_other_district_is_apart(con):
    got = ap.appraisal_results(con, Filters(district="淮安区", year=2023))
    assert got["appraisal_id"].tolist() == ["HA23-1"] and got["grade"].tolist() == ["DISSATISFIED"]
    assert len(ap.appraisal_results(con, Filters(year=2023))) == 7


# --- headline ------------------------------------------------------------------------------

def test_headline_2023(con):
    assert ap.appraisal_headline(con, F2023) == {
        "appraisals": 6, "ballots": 105, "sc_ballots": 74, "invited_ballots": 31,
        "satisfied": 48, "basically_satisfied": 20, "dissatisfied": 37,
        "satisfaction_rate": 68 / 105,
        "graded_satisfied": 2, "graded_basically": 2, "graded_dissatisfied": 1,  # 水利局: no grade
        "prev_satisfaction_rate": None,  # nothing in 2022
    }


def test_headline_2024_compares_with_2023(con):
    head = ap.appraisal_headline(con, F2024)
    assert head == {
        "appraisals": 5, "ballots": 100, "sc_ballots": 64, "invited_ballots": 36,
        "satisfied": 53, "basically_satisfied": 18, "dissatisfied": 29,
        "satisfaction_rate": 71 / 100,
        "graded_satisfied": 3, "graded_basically": 0, "graded_dissatisfied": 2,
        "prev_satisfaction_rate": 68 / 105,
    }


def test_a_year_without_appraisals_has_zeros_and_no_rate(con):
    head = ap.appraisal_headline(con, F.with_year(2019))
    assert head["appraisals"] == 0 and head["ballots"] == 0 and head["satisfaction_rate"] is None
    assert ap.ballots_by_department(con, F.with_year(2019)).empty


# --- ballots in long form, by evaluator type, over the years ---------------------------------

def test_ballots_by_department_has_three_kinds_per_appraisal_with_shares(con):
    got = ap.ballots_by_department(con, F2024)
    first = got[got["appraisal_id"] == "AP24-7"].reset_index(drop=True)
    expected = frame({"district": ["测试区"] * 3, "year": [2024] * 3, "appraisal_id": ["AP24-7"] * 3,
                      "department": ["区财政局"] * 3, "kind": list(ap.BALLOT_KINDS), "ballots": [12, 2, 1],
                      "share": [12 / 15, 2 / 15, 1 / 15]})
    pd.testing.assert_frame_equal(first, expected)
    assert got["appraisal_id"].drop_duplicates().tolist() == ["AP24-7", "AP24-1", "AP24-2", "AP24-4", "AP24-3"]
    no_ballots = ap.ballots_by_department(con, F2023).query("appraisal_id == 'AP23-6'")
    assert no_ballots["ballots"].tolist() == [0, 0, 0] and no_ballots["share"].isna().all()


def test_ballots_by_evaluator_type(con):
    got = ap.ballots_by_evaluator(con, F2023)
    expected = frame({"evaluator_type": ["SC_MEMBER", "INVITED"], "appraisals": [6, 4],
                      "satisfied": [33, 15], "basically_satisfied": [15, 5], "dissatisfied": [26, 11],
                      "ballots": [74, 31], "satisfaction_rate": [48 / 74, 20 / 31]})
    pd.testing.assert_frame_equal(got, expected)


def test_rate_by_department_year_runs_over_every_year_whatever_the_year_filter(con):
    got = ap.rate_by_department_year(con, F2024)
    edu = got[got["department"] == "区教育局"]
    assert edu["year"].tolist() == [2023, 2024]
    assert edu["satisfaction_rate"].tolist() == pytest.approx([0.84, 0.92])
    assert edu["grade"].tolist() == ["SATISFIED", "SATISFIED"]
    assert len(got) == 11 and set(got["district"]) == {"测试区"}


# --- narrowing to departments picked in a chart -----------------------------------------------

def test_appraisal_results_of_picked_departments_keep_their_previous_year(con):
    got = ap.appraisal_results(con, F2024, ("区住建局", "区财政局"))
    assert got["department"].tolist() == ["区财政局", "区住建局"]  # best rate first, as the whole list
    by = got.set_index("department")
    assert by.loc["区住建局", "prev_rate"] == pytest.approx(0.75) and by.loc["区住建局", "grade_change"] == "UP"
    assert pd.isna(by.loc["区财政局", "prev_rate"])
    assert len(ap.appraisal_results(con, F2024, ())) == 5  # nothing picked: every appraisal


def test_ballots_by_evaluator_of_picked_departments(con):
    got = ap.ballots_by_evaluator(con, F2023, ("区教育局", "区民政局")).set_index("evaluator_type")
    # SC 10/3/2 + 4/3/5; invited 6/2/2 + 2/1/5.
    assert got.loc["SC_MEMBER", ["satisfied", "basically_satisfied", "dissatisfied", "ballots"]].tolist() == [
        14, 6, 7, 27]
    assert got.loc["INVITED", ["satisfied", "basically_satisfied", "dissatisfied", "ballots"]].tolist() == [8, 3, 7, 18]
    assert got.loc["INVITED", "appraisals"] == 2


def test_rate_by_department_year_of_a_picked_department(con):
    got = ap.rate_by_department_year(con, F2024, ("区住建局",))
    assert got[["department", "year", "ballots"]].values.tolist() == [["区住建局", 2023, 20], ["区住建局", 2024, 20]]
    assert got["satisfaction_rate"].tolist() == pytest.approx([0.75, 0.9])
