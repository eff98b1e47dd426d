"""代表建议 on a tiny warehouse of its own, against expectations computed by hand.

Two sessions of 测试区; the data run to 2024-06-30 (the latest assignment date, so the app's
数据截至 is the same day). Limits: 3-10 → 6-10 (3 months), 9-10 (6 months); 11-30 → 2024-02-29.

区一届人大一次会议 (S1), 9 suggestions:

======  ========  ==========  ==========  ===========  ======  ============  ===
id      dept      assigned    replied     status       result  feedback      key
======  ========  ==========  ==========  ===========  ======  ============  ===
F01     教育局    2023-03-10  2023-06-10  ON_TIME (=3m)  A     SATISFIED     yes
F02     教育局    2023-03-10  2023-06-11  LATE (3m+1d)   B     BASICALLY
F03     住建局    2023-03-10  2023-09-10  LATE (=6m)     C     DISSATISFIED
F04     住建局    2023-03-10  2023-09-11  OVER_MAX       A     —
F05     住建局    2023-03-10  —           OVERDUE_MAX    —     —             yes
F06     教育局    2023-03-10  2023-04-01  ON_TIME        A     SATISFIED
F07     民政局    2023-11-30  2024-02-29  ON_TIME (=3m)  D     SATISFIED
F08     民政局    —           —           NO_DATE        —     —             yes
F09     教育局    2023-03-10  2023-05-01  ON_TIME        B     BASICALLY
======  ========  ==========  ==========  ===========  ======  ============  ===

区一届人大二次会议 (S2), 4 suggestions: G01 教育局 3-01, unanswered, due 6-01 → OVERDUE
(29 days); G02 住建局 3-30, unanswered, due 6-30 = the cut-off → PENDING (not later than
it); G03 住建局 6-30 → PENDING; G04 教育局 3-01 → 4-01 ON_TIME, A, no feedback.

H01 belongs to 淮安区 (same session name): never in 测试区's figures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load
from tests.conftest import FIXTURE_TOWNS, write_xlsx
from warehouse.filters import Filters
from warehouse.queries import formal as fo

S1 = "区一届人大一次会议"
S2 = "区一届人大二次会议"
AS_OF = dt.date(2024, 6, 30)
F = Filters(district="测试区", as_of=AS_OF)
PHONE_TITLE = "关于学校门口交通安全的建议（联系电话13812345678）"

FORMAL_ROWS = [
    ["建议编号", "区", "会议", "标题", "主办单位", "领衔代表", "交办日期", "答复日期", "办理结果", "代表反馈", "重点督办"],
    ["F01", "测试区", S1, PHONE_TITLE, "区教育局", "DEP1", "2023-03-10", "2023-06-10", "A", "满意", "是"],
    ["F02", "测试区", S1, "关于增加学位的建议", "区教育局", None, "2023-03-10", "2023-06-11", "B", "基本满意", "否"],
    ["F03", "测试区", S1, "关于老旧小区改造的建议", "区住建局", None, "2023-03-10", "2023-09-10", "C", "不满意", None],
    ["F04", "测试区", S1, "关于雨污分流的建议", "区住建局", None, "2023-03-10", "2023-09-11", "A", None, None],
    ["F05", "测试区", S1, "关于加装电梯的建议", "区住建局", None, "2023-03-10", None, None, None, "是"],
    ["F06", "测试区", S1, "关于校车安全的建议", "区教育局", None, "2023-03-10", "2023-04-01", "已解决或基本解决", "满意", "否"],
    ["F07", "测试区", S1, "关于养老服务的建议", "区民政局", None, "2023-11-30", "2024-02-29", "D", "满意", "否"],
    ["F08", "测试区", S1, "关于社会救助的建议", "区民政局", None, None, None, None, None, "是"],
    ["F09", "测试区", S1, "关于课后服务的建议", "区教育局", None, "2023-03-10", "2023-05-01", "B", "基本满意", "否"],
    ["G01", "测试区", S2, "关于学前教育的建议", "区教育局", None, "2024-03-01", None, None, None, "否"],
    ["G02", "测试区", S2, "关于物业管理的建议", "区住建局", None, "2024-03-30", None, None, None, "否"],
    ["G03", "测试区", S2, "关于停车难的建议", "区住建局", None, "2024-06-30", None, None, None, "否"],
    ["G04", "测试区", S2, "关于校园餐的建议", "区教育局", None, "2024-03-01", "2024-04-01", "A", None, "否"],
    ["H01", "淮安区", S1, "另一个区的建议", "区教育局", None, "2023-03-10", None, None, None, "是"],
]
DEPUTIES = [["代表编号", "姓名", "层级", "区"], ["DEP1", "王代表", "区", "测试区"]]


def build_formal_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "formal.xlsx", {"镇街": FIXTURE_TOWNS, "代表": DEPUTIES, "代表建议": FORMAL_ROWS})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="module")
def formal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("formal")
    return build_formal_warehouse(tmp / "formal.duckdb", tmp)


@pytest.fixture
def con(formal_db: Path):
    c = duckdb.connect(str(formal_db), read_only=True)
    yield c
    c.close()


def frame(data: dict[str, list]) -> pd.DataFrame:
    df = pd.DataFrame(data)
    for c in df.columns:
        if pd.api.types.is_integer_dtype(df[c]):
            df[c] = df[c].astype("int64")
    return df


# --- sessions -------------------------------------------------------------------------------

def test_sessions_are_listed_oldest_first_with_their_counts(con):
    got = fo.sessions(con, F.with_year(2023))
    assert got["session"].tolist() == [S1, S2]
    assert got["suggestions"].tolist() == [9, 4]
    assert got["in_year"].tolist() == [True, False]


def test_the_default_session_is_the_one_assigned_in_the_filter_year(con):
    # F07 (S1) was assigned in November 2023: 2024's default is S2 only.
    assert fo.default_sessions(con, F.with_year(2023)) == (S1,)
    assert fo.default_sessions(con, F.with_year(2024)) == (S2,)
    assert fo.default_sessions(con, F) == (S1, S2)  # no year: every session
    assert fo.default_sessions(con, F.with_year(2019)) == ()


# --- headline -------------------------------------------------------------------------------

def test_headline_of_the_first_session(con):
    assert fo.formal_headline(con, F, (S1,)) == {
        "suggestions": 9, "key_supervised": 3, "replied": 7,
        "on_time": 4,  # F01 (exactly 3 months), F06, F07 (11-30 → 02-29), F09
        "due_3m": 8,  # all but F08, which has no assignment date
        "within_max": 6,  # + F02, F03 (exactly 6 months)
        "due_6m": 8, "overdue": 1, "overdue_max": 1,  # F05
        "not_yet_due": 0, "no_date": 1,
        "with_result": 7, "with_feedback": 6, "satisfied": 3, "basically": 2, "dissatisfied": 1,
        "on_time_rate": 4 / 8, "within_max_rate": 6 / 8, "satisfaction_rate": 5 / 6, "satisfied_rate": 3 / 6,
    }


def test_a_session_without_feedback_has_no_satisfaction_rate_rather_than_zero(con):
    head = fo.formal_headline(con, F, (S2,))
    assert head["with_feedback"] == 0
    assert head["satisfaction_rate"] is None and head["satisfied_rate"] is None


def test_unanswered_suggestions_not_yet_due_stay_out_of_the_reply_rates(con):
    head = fo.formal_headline(con, F, (S2,))
    # G01 is overdue (due 06-01); G02 is due on the cut-off itself and G03 was just assigned.
    assert (head["suggestions"], head["on_time"], head["due_3m"], head["on_time_rate"]) == (4, 1, 2, 0.5)
    assert (head["within_max"], head["due_6m"], head["within_max_rate"]) == (1, 1, 1.0)
    assert (head["overdue"], head["overdue_max"], head["not_yet_due"]) == (1, 0, 2)


def test_without_a_cut_off_nothing_unanswered_is_overdue(con):
    head = fo.formal_headline(con, Filters(district="测试区"), (S2,))
    assert (head["overdue"], head["not_yet_due"], head["due_3m"], head["on_time_rate"]) == (0, 3, 1, 1.0)


def test_the_day_after_the_limit_makes_an_unanswered_suggestion_overdue(con):
    # G02 is due on 2024-06-30: not overdue that day, overdue the next.
    later = Filters(district="测试区", as_of=dt.date(2024, 7, 1))
    overdue = fo.overdue_list(con, later, (S2,))["suggestion_id"].tolist()
    assert overdue == ["G01", "G02"]
    assert fo.overdue_list(con, F, (S2,))["suggestion_id"].tolist() == ["G01"]


def test_two_sessions_add_up(con):
    head = fo.formal_headline(con, F, (S1, S2))
    assert (head["suggestions"], head["on_time"], head["due_3m"], head["overdue"]) == (13, 5, 10, 2)
    assert head["on_time_rate"] == 5 / 10


def test_the_district_filter_keeps_another_districts_session_of_the_same_name_out(con):
    assert fo.formal_headline(con, F, (S1,))["suggestions"] == 9
    assert fo.formal_headline(con, Filters(as_of=AS_OF), (S1,))["suggestions"] == 10  # + H01 of 淮安区


def test_no_session_chosen_gives_zeros_and_no_rates(con):
    head = fo.formal_headline(con, F, ())
    assert head["suggestions"] == 0 and head["on_time_rate"] is None and head["satisfaction_rate"] is None


# --- breakdowns -----------------------------------------------------------------------------

def test_results_shares_are_of_the_suggestions_with_a_result(con):
    got = fo.results_breakdown(con, F, (S1,))
    expected = frame({"result": ["A", "B", "C", "D"], "suggestions": [3, 2, 1, 1],
                      "share": [3 / 7, 2 / 7, 1 / 7, 1 / 7]})
    pd.testing.assert_frame_equal(got, expected)


def test_results_of_a_session_list_every_result_even_when_absent(con):
    got = fo.results_breakdown(con, F, (S2,))
    assert got["suggestions"].tolist() == [1, 0, 0, 0] and got["share"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert fo.results_breakdown(con, F, ())["share"].isna().all()


def test_reply_status_puts_every_suggestion_in_one_status(con):
    got = fo.reply_status_breakdown(con, F, (S1,))
    expected = frame({"reply_status": fo.REPLY_STATUSES, "suggestions": [4, 2, 1, 0, 0, 1, 1],
                      "share": [4 / 9, 2 / 9, 1 / 9, 0.0, 0.0, 1 / 9, 1 / 9]})
    pd.testing.assert_frame_equal(got, expected)
    s2 = fo.reply_status_breakdown(con, F, (S2,))
    assert s2["suggestions"].tolist() == [1, 0, 0, 2, 1, 0, 0]


def test_feedback_shares_are_of_the_suggestions_with_feedback(con):
    got = fo.feedback_breakdown(con, F, (S1,))
    expected = frame({"feedback": ["SATISFIED", "BASICALLY", "DISSATISFIED"], "suggestions": [3, 2, 1],
                      "share": [3 / 6, 2 / 6, 1 / 6]})
    pd.testing.assert_frame_equal(got, expected)
    assert fo.feedback_breakdown(con, F, (S2,))["share"].isna().all()


# --- departments ----------------------------------------------------------------------------

DEPT = {  # department: suggestions, key, on_time, due_3m, on_time_rate, overdue, with_feedback, satisfaction
    "区教育局": (4, 1, 3, 4, 0.75, 0, 4, 1.0),  # F01 F02 F06 F09
    "区住建局": (3, 1, 0, 3, 0.0, 1, 1, 0.0),  # F03 F04 F05
    "区民政局": (2, 1, 1, 1, 1.0, 0, 1, 1.0),  # F07 F08 (no date: not due)
}
COLS = ["suggestions", "key_supervised", "on_time", "due_3m", "on_time_rate", "overdue", "with_feedback",
        "satisfaction_rate"]


def ranking(order: list[str]) -> pd.DataFrame:
    df = frame({"department": order, **{c: [DEPT[d][i] for d in order] for i, c in enumerate(COLS)},
                "rank": list(range(1, len(order) + 1))})
    return df.astype({"on_time_rate": "float64", "satisfaction_rate": "float64"})


@pytest.mark.parametrize("order, expected", [
    ("count", ["区教育局", "区住建局", "区民政局"]),
    ("on_time", ["区民政局", "区教育局", "区住建局"]),
    # 教育局 and 民政局 are both at 100%: the one with more suggestions first.
    ("satisfaction", ["区教育局", "区民政局", "区住建局"]),
])
def test_departments_are_ranked_by_count_on_time_rate_and_satisfaction(con, order, expected):
    pd.testing.assert_frame_equal(fo.department_ranking(con, F, (S1,), order), ranking(expected))


def test_a_department_without_feedback_ranks_last_on_satisfaction(con):
    got = fo.department_ranking(con, F, (S2,), "satisfaction")
    assert got["satisfaction_rate"].isna().all()
    assert got["department"].tolist() == ["区住建局", "区教育局"]  # ties: by count, then by name


def test_an_unknown_ranking_is_refused(con):
    with pytest.raises(ValueError):
        fo.department_ranking(con, F, (S1,), "department; DROP TABLE formal_suggestions")


# --- lists ----------------------------------------------------------------------------------

def test_key_supervised_list_masks_phone_numbers_in_titles(con):
    got = fo.key_supervised_list(con, F, (S1,))
    assert got["suggestion_id"].tolist() == ["F01", "F05", "F08"]  # F08 has no date: last
    assert got["title"].iloc[0] == "关于学校门口交通安全的建议（联系电话138****5678）"
    assert "13812345678" not in "".join(got["title"])
    assert got["deputy"].iloc[0] == "王代表" and pd.isna(got["deputy"].iloc[1])
    assert got["reply_status"].tolist() == ["ON_TIME", "OVERDUE_MAX", "NO_DATE"]
    assert got["days_overdue"].isna().tolist() == [True, False, True]


def test_overdue_list_says_how_many_days_past_the_three_month_limit(con):
    got = fo.overdue_list(con, F, (S1, S2))
    assert got["suggestion_id"].tolist() == ["F05", "G01"]
    # F05: due 2023-06-10, 386 days before 2024-06-30 (2024 is a leap year); G01: due 06-01.
    assert got["days_overdue"].tolist() == [386, 29]
    assert got["due_3m"].tolist() == [pd.Timestamp("2023-06-10"), pd.Timestamp("2024-06-01")]


# --- sessions side by side ------------------------------------------------------------------

def test_by_session_compares_every_session_of_the_district(con):
    got = fo.by_session(con, F.with_year(2024))  # the year does not narrow the comparison
    assert got["session"].tolist() == [S1, S2]
    assert got["suggestions"].tolist() == [9, 4] and got["key_supervised"].tolist() == [3, 0]
    assert got["on_time_rate"].tolist() == [0.5, 0.5]
    assert got["within_max_rate"].tolist() == [0.75, 1.0]
    assert got["overdue"].tolist() == [1, 1]
    assert got["satisfaction_rate"].iloc[0] == 5 / 6 and pd.isna(got["satisfaction_rate"].iloc[1])


# --- narrowing to chart selections ----------------------------------------------------------

def test_suggestion_list_narrows_to_a_department_in_assignment_order(con):
    got = fo.suggestion_list(con, F, (S1,), departments=("区住建局",))
    assert got["suggestion_id"].tolist() == ["F03", "F04", "F05"]
    assert fo.suggestion_list(con, F, (S1,))["suggestion_id"].tolist() == [
        "F01", "F02", "F03", "F04", "F05", "F06", "F09", "F07", "F08"]  # no selection: all, undated last


def test_codes_of_one_selection_are_alternatives_and_selections_all_apply(con):
    # Results A or D: F01 F04 F06 (A), F07 (D); and of those, the ones 区住建局 leads: F04.
    assert fo.suggestion_list(con, F, (S1,), results=("A", "D"))["suggestion_id"].tolist() == [
        "F01", "F04", "F06", "F07"]
    assert fo.suggestion_list(con, F, (S1,), departments=("区住建局",), results=("A", "D"))[
        "suggestion_id"].tolist() == ["F04"]
    # A result selected leaves out the suggestions without one (F05, F08).
    assert "F05" not in fo.suggestion_list(con, F, (S1,), results=("A", "B", "C", "D"))["suggestion_id"].tolist()


def test_the_key_and_overdue_lists_narrow_like_the_selection(con):
    assert fo.key_supervised_list(con, F, (S1,), results=("A",))["suggestion_id"].tolist() == ["F01"]
    assert fo.key_supervised_list(con, F, (S1,), feedback=("SATISFIED",))["suggestion_id"].tolist() == ["F01"]
    assert fo.overdue_list(con, F, (S1, S2), departments=("区教育局",))["suggestion_id"].tolist() == ["G01"]
    assert fo.overdue_list(con, F, (S1, S2), statuses=("OVERDUE_MAX",))["suggestion_id"].tolist() == ["F05"]
    assert fo.overdue_list(con, F, (S1, S2), statuses=("ON_TIME",)).empty


def test_reply_status_selection_lists_the_suggestions_of_that_status(con):
    got = fo.suggestion_list(con, F, (S1,), statuses=("ON_TIME",))
    assert got["suggestion_id"].tolist() == ["F01", "F06", "F09", "F07"]
    assert set(got["reply_status"]) == {"ON_TIME"}
    assert got["title"].iloc[0] == PHONE_TITLE.replace("13812345678", "138****5678")  # masked
