"""码上办 queries on a tiny hand-made warehouse, every figure computed by hand.

The warehouse holds only 测试区's towns (tests.conftest.FIXTURE_TOWNS: 甲街道, 乙镇, 丙街道
counted; 丁办事处 not) and the micro-suggestions below. Its cut-off (the latest submission
or closing date) is Monday 2025-01-13. Working days are counted with an empty calendar
(Monday–Friday) unless a test passes its own holidays file.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load
from tests.conftest import FIXTURE_TOWNS, write_xlsx
from warehouse.filters import Filters
from warehouse.queries import common
from warehouse.queries import micro as mi
from warehouse.workdays import calendar_params

D = dt.date
AS_OF = D(2025, 1, 13)  # a Monday
PHONE_ID_TEXT = "电梯坏了，联系电话13812345678，身份证号32010219900101123X，请尽快处理"
PHONE_ID_MASKED = "电梯坏了，联系电话138****5678，身份证号320***********123X，请尽快处理"
CODE_DATE_TEXT = "镇街代码320812001000，20241220起卫生院停诊"  # a 12-digit code and a date: not masked
XSS_TEXT = "<script>alert('x')</script><img src=x onerror=alert(1)>路灯不亮"

HEADER = ["建议编号", "提交日期", "区", "镇街", "类别", "状态", "承办单位", "受理日期", "办结日期", "办理结果", "满意度", "内容"]
# Calendar days to close and working days (Mon–Fri) after submission in the comments.
MICRO_ROWS = [
    HEADER,
    # 2023 cohort: closed in 2024 -> solved in 2024, not in 2023.
    ["A0", "2023-12-28", "测试区", "甲街道", "城建交通", "已办结", "区城管局", "2023-12-28", "2024-01-05", "已解决", "满意", None],
    # ---- 2024 cohort: 12 suggestions of counted towns --------------------------------------
    # closed the day it was submitted: 0 days, 0 working days
    ["A1", "2024-03-04", "测试区", "甲街道", "城建交通", "已办结", "区城管局", "2024-03-04", "2024-03-04", "已解决", "满意", "路灯不亮"],
    # Friday -> accepted Monday: 1 working day across a weekend (on time); closed Wed: 5 days, 3 wd
    ["A2", "2024-03-08", "测试区", "甲街道", "城建交通", "已办结", "区城管局", "2024-03-11", "2024-03-13", "已解决", "基本满意", None],
    # accepted after 2 wd (late); closed on the 7th working day (on time): 9 days
    ["A3", "2024-03-04", "测试区", "乙镇", "环境卫生", "已办结", "区生态环境局", "2024-03-06", "2024-03-13", "解释说明", "不满意", None],
    # closed on the 8th working day (late): 10 days; not rated
    ["A4", "2024-03-04", "测试区", "乙镇", "环境卫生", "已办结", "区生态环境局", "2024-03-05", "2024-03-14", "已解决", None, None],
    # long: 32 days, 24 wd (late)
    ["A5", "2024-03-18", "测试区", "丙街道", "物业小区", "已办结", "丙街道办事处", "2024-03-18", "2024-04-19", "已解决", "满意", None],
    # open at the cut-off (replied, not closed): 50 wd -> 43 late
    ["A6", "2024-11-04", "测试区", "丙街道", "物业小区", "已答复", "区住建局", "2024-11-04", None, "已解决", None, PHONE_ID_TEXT],
    # open: Fri 12-20 -> Mon 01-13 = 16 wd -> 9 late
    ["A7", "2024-12-20", "测试区", "甲街道", "医疗卫生", "办理中", "区卫健委", "2024-12-23", None, None, None, CODE_DATE_TEXT],
    ["A8", "2024-05-06", "测试区", "乙镇", "其他", "不予受理", None, None, None, None, None, None],
    # never accepted: Mon 12-30 -> Mon 01-13 = 10 wd -> 3 late
    ["A9", "2024-12-30", "测试区", "甲街道", "城建交通", "已提交", None, None, None, None, None, XSS_TEXT],
    # 丁办事处 is not counted: in no figure
    ["A10", "2024-04-01", "测试区", "丁办事处", "其他", "已办结", "区城管局", "2024-04-01", "2024-04-02", "已解决", "满意", None],
    # open: 2024-06-03 -> 2025-01-13 = 224 days = 32 weeks = 160 wd -> 153 late
    ["A11", "2024-06-03", "测试区", "甲街道", "社会治理", "已交办", "区城管局", "2024-06-04", None, None, None, None],
    # closed Mon -> Fri: 4 days, 4 wd; no department
    ["A12", "2024-09-02", "测试区", "乙镇", "农业农村", "已办结", None, "2024-09-02", "2024-09-06", "列入计划", "满意", None],
    # open: Fri 12-27 -> Mon 01-13 = 11 wd -> 4 late
    ["A13", "2024-12-27", "测试区", "丙街道", "民生保障", "已受理", "区住建局", "2024-12-30", None, None, None, None],
    # ---- 2025 cohort: nothing closed, nothing rated -----------------------------------------
    # open for exactly 7 working days at the cut-off (Thu 01-02 -> Mon 01-13): not overdue
    ["B1", "2025-01-02", "测试区", "乙镇", "城建交通", "已受理", None, "2025-01-03", None, None, None, None],
    ["B2", "2025-01-13", "测试区", "甲街道", "教育", "已提交", None, None, None, None, None, None],
    ["B3", "2025-01-03", "测试区", "丙街道", "其他", "不予受理", None, None, None, None, None, None],
    # submitted on New Year's Day: 8 working days at the cut-off -> 1 late (with or without the holiday)
    ["B5", "2025-01-01", "测试区", "甲街道", "营商环境", "已提交", None, None, None, None, None, None],
]

EMPTY_CAL: dict = {"holidays": [], "makeup_days": []}
F2024 = Filters(district="测试区", year=2024, as_of=AS_OF)
F2025 = Filters(district="测试区", year=2025, as_of=AS_OF)


def build_micro_warehouse(db: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "micro.xlsx", {"镇街": FIXTURE_TOWNS, "微建议": MICRO_ROWS})
    report = load([wb], db)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return db


@pytest.fixture(scope="module")
def micro_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("micro")
    return build_micro_warehouse(tmp / "micro.duckdb", tmp)


@pytest.fixture
def con(micro_db: Path):
    c = duckdb.connect(str(micro_db), read_only=True)
    yield c
    c.close()


def holidays_file(tmp_path: Path, *lines: str) -> dict:
    path = tmp_path / "holidays.csv"
    path.write_text("date,kind,name\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return calendar_params(path)


def test_the_fixture_cut_off_is_the_last_date_in_the_warehouse(con):
    assert common.data_as_of(con, "测试区") == AS_OF


def test_headline_of_2024_equals_the_hand_computed_figures(con):
    h = mi.micro_headline(con, F2024, EMPTY_CAL)
    counts = {k: h[k] for k in ("submitted", "accepted", "assigned", "replied", "closed", "rejected", "open",
                                "solved", "rated", "satisfied", "basically", "dissatisfied", "accepted_on_time",
                                "closed_on_time", "closed_dated", "overdue", "solved_in_year")}
    assert counts == {
        "submitted": 12, "accepted": 10, "assigned": 9, "replied": 7, "closed": 6, "rejected": 1, "open": 5,
        "solved": 4,  # A1, A2, A4, A5 (A12 only planned, A6 replied but not closed)
        "rated": 5, "satisfied": 3, "basically": 1, "dissatisfied": 1,  # A1 A5 A12 / A2 / A3
        "accepted_on_time": 9,  # all accepted but A3 (2 working days)
        "closed_on_time": 4,  # A1 (0), A2 (3), A3 (7: the 7th working day), A12 (4); A4 (8), A5 (24) late
        "closed_dated": 6,
        "overdue": 5,  # A11, A6, A7, A13, A9
        "solved_in_year": 5,  # closed in 2024: A0 (submitted 2023), A1, A2, A4, A5; A10 not counted
    }
    assert h["acceptance_rate"] == pytest.approx(10 / 12)
    assert h["closing_rate"] == pytest.approx(6 / 10)
    assert h["solved_rate"] == pytest.approx(4 / 6)
    assert h["satisfaction_rate"] == pytest.approx(4 / 5)
    assert h["satisfied_rate"] == pytest.approx(3 / 5)
    assert h["accept_on_time_rate"] == pytest.approx(9 / 10)
    assert h["close_on_time_rate"] == pytest.approx(4 / 6)
    # days to close 0, 4, 5, 9, 10, 32: median (5 + 9) / 2; p90 at rank 0.9 × 5 = 4.5: 10 + 0.5 × 22
    assert h["median_days"] == 7.0
    assert h["p90_days"] == 21.0


def test_nothing_closed_and_nothing_rated_gives_none_not_a_division_error(con):
    h = mi.micro_headline(con, F2025, EMPTY_CAL)
    assert (h["submitted"], h["accepted"], h["closed"], h["rated"]) == (4, 1, 0, 0)
    assert h["acceptance_rate"] == pytest.approx(1 / 4)
    assert h["closing_rate"] == 0.0  # accepted but none closed: a real 0 %
    for k in ("solved_rate", "satisfaction_rate", "satisfied_rate", "close_on_time_rate", "median_days", "p90_days"):
        assert h[k] is None, k
    assert h["accept_on_time_rate"] == 1.0  # B1: Thu -> Fri
    assert h["overdue"] == 1  # B5 (8 working days); B1 is at exactly 7
    assert h["solved_in_year"] == 0


def test_a_year_without_suggestions_has_zeros_and_no_rates(con):
    h = mi.micro_headline(con, Filters(district="测试区", year=2019, as_of=AS_OF), EMPTY_CAL)
    assert h["submitted"] == 0 and h["overdue"] == 0 and h["solved_in_year"] == 0
    for k in ("acceptance_rate", "closing_rate", "solved_rate", "satisfaction_rate", "accept_on_time_rate",
              "close_on_time_rate", "median_days", "p90_days"):
        assert h[k] is None, k
    assert mi.micro_funnel(con, Filters(district="测试区", year=2019))["suggestions"].tolist() == [0] * 5
    assert mi.micro_departments(con, Filters(district="测试区", year=2019)).empty


def test_solved_in_year_follows_the_closing_year_not_the_submission_year(con):
    # A0 was submitted in 2023 and closed in 2024: it is 2024's, and 2023 solved nothing.
    assert mi.micro_solved_in_year(con, Filters(district="测试区", year=2023)) == 0
    assert mi.micro_solved_in_year(con, Filters(district="测试区", year=2024)) == 5
    assert mi.micro_solved_in_year(con, Filters(district="测试区")) == 5
    assert mi.micro_solved_in_year(con, Filters(district="测试区", year=2024, towns=("乙镇",))) == 1  # A4


def test_a_town_filter_narrows_every_figure(con):
    h = mi.micro_headline(con, Filters(district="测试区", year=2024, towns=("甲街道",), as_of=AS_OF), EMPTY_CAL)
    # A1, A2 closed; A7, A9, A11 open
    assert (h["submitted"], h["accepted"], h["closed"], h["solved"], h["overdue"]) == (5, 4, 2, 2, 3)
    assert h["median_days"] == 2.5


def test_funnel_stages_shares_and_steps(con):
    got = mi.micro_funnel(con, F2024)
    expected = pd.DataFrame({
        "stage": ["submitted", "accepted", "assigned", "replied", "closed"],
        "suggestions": pd.array([12, 10, 9, 7, 6], dtype="int64"),
        "share": [1.0, 10 / 12, 9 / 12, 7 / 12, 6 / 12],
        "step_share": [1.0, 10 / 12, 9 / 10, 7 / 9, 6 / 7],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_overdue_list_is_oldest_first_with_working_days_late_and_masked_text(con):
    got = mi.micro_overdue(con, F2024, EMPTY_CAL)
    assert got["suggestion_id"].tolist() == ["A11", "A6", "A7", "A13", "A9"]
    assert got["working_days"].tolist() == [160, 50, 16, 11, 10]
    assert got["days_late"].tolist() == [153, 43, 9, 4, 3]
    assert got["status"].tolist() == ["ASSIGNED", "REPLIED", "IN_PROGRESS", "ACCEPTED", "SUBMITTED"]
    assert got["submitted_on"].tolist()[0] == D(2024, 6, 3)
    content = dict(zip(got["suggestion_id"], got["content"]))
    assert content["A6"] == PHONE_ID_MASKED
    assert content["A7"] == CODE_DATE_TEXT  # the 12-digit code and the date are left alone
    assert content["A9"] == XSS_TEXT  # returned literally, not escaped and not stripped


def test_open_for_exactly_seven_working_days_is_not_overdue_eight_is(con):
    got = mi.micro_overdue(con, F2025, EMPTY_CAL)
    assert got["suggestion_id"].tolist() == ["B5"]
    assert got["working_days"].tolist() == [8] and got["days_late"].tolist() == [1]


def test_without_a_cut_off_there_is_no_overdue_list(con):
    got = mi.micro_overdue(con, Filters(district="测试区", year=2024), EMPTY_CAL)
    assert got.empty and "days_late" in got.columns


def test_a_configured_holiday_is_not_a_working_day(con, tmp_path):
    # 2024-03-12 off: A4 (closed 03-14) is now on its 7th working day -> on time; A3 on its 6th.
    cal = holidays_file(tmp_path, "2024-03-12,休,测试假日", "2025-01-01,休,元旦")
    h = mi.micro_headline(con, F2024, cal)
    assert h["closed_on_time"] == 5 and h["close_on_time_rate"] == pytest.approx(5 / 6)
    assert h["accepted_on_time"] == 9
    # New Year's Day off: every open item spanning it is one working day younger.
    got = mi.micro_overdue(con, F2024, cal)
    assert got["working_days"].tolist() == [159, 49, 15, 10, 9]
    assert got["days_late"].tolist() == [152, 42, 8, 3, 2]
    # B5 came in on the holiday itself: counting starts the next working day, still 8.
    assert mi.micro_overdue(con, F2025, cal)["days_late"].tolist() == [1]


def test_a_make_up_working_day_on_a_weekend_counts(con, tmp_path):
    # Saturday 2024-03-09 worked: A2 (Fri -> Mon) took 2 working days to be accepted (late);
    # A3 closes on its 8th working day (late), A4 on its 9th.
    cal = holidays_file(tmp_path, "2024-03-09,班,测试调休")
    h = mi.micro_headline(con, F2024, cal)
    assert h["accepted_on_time"] == 8
    assert h["closed_on_time"] == 3  # A1, A2 (4), A12


def test_the_shipped_calendar_is_the_default(con):
    # config/holidays.csv has 2025-01-01 off: the page's default equals the explicit holiday.
    got = mi.micro_overdue(con, F2024)
    assert got["days_late"].tolist()[2:] == [8, 3, 2]


def test_category_town_grid_lists_every_counted_town_and_category(con):
    got = mi.micro_category_town(con, F2024)
    assert len(got) == 3 * len(mi.CATEGORY_ORDER)
    assert list(dict.fromkeys(got["town"])) == ["甲街道", "丙街道", "乙镇"]  # statistical-code order
    nonzero = {(r.town, r.category): r.suggestions for r in got.itertuples() if r.suggestions}
    assert nonzero == {
        ("甲街道", "URBAN"): 3, ("甲街道", "HEALTH"): 1, ("甲街道", "GOVERNANCE"): 1,
        ("丙街道", "PROPERTY"): 2, ("丙街道", "LIVELIHOOD"): 1,
        ("乙镇", "ENVIRONMENT"): 2, ("乙镇", "AGRICULTURE"): 1, ("乙镇", "OTHER"): 1,
    }
    assert got["suggestions"].sum() == 12


def test_monthly_parts_add_up_to_the_months_suggestions(con):
    got = mi.micro_monthly(con, F2024, EMPTY_CAL)
    assert len(got) == 12 * len(mi.MONTH_PARTS)  # 2024 is over: every month, every part
    nonzero = {(r.month, r.part): r.suggestions for r in got.itertuples() if r.suggestions}
    assert nonzero == {
        (3, "closed_on_time"): 3, (3, "closed_late"): 2,  # A1 A2 A3 / A4 A5
        (5, "rejected"): 1, (6, "open"): 1, (9, "closed_on_time"): 1, (11, "open"): 1, (12, "open"): 3,
    }


def test_monthly_stops_at_the_cut_off_in_an_unfinished_year(con):
    got = mi.micro_monthly(con, F2025, EMPTY_CAL)
    assert got["month"].unique().tolist() == [1]
    assert dict(zip(got["part"], got["suggestions"])) == {"closed_on_time": 0, "closed_late": 0, "open": 3,
                                                          "rejected": 1}


def test_departments_by_volume(con):
    got = mi.micro_departments(con, F2024, "volume", EMPTY_CAL)
    nan = math.nan
    expected = pd.DataFrame({
        "department": ["区城管局", "区住建局", "区生态环境局", "丙街道办事处", "区卫健委", mi.NOT_GIVEN],
        "suggestions": pd.array([3, 2, 2, 1, 1, 1], dtype="int64"),
        "closed": pd.array([2, 0, 2, 1, 0, 1], dtype="int64"),
        "median_days": [2.5, nan, 9.5, 32.0, nan, 4.0],
        "closed_on_time": pd.array([2, 0, 1, 0, 0, 1], dtype="int64"),
        "close_on_time_rate": [1.0, nan, 0.5, 0.0, nan, 1.0],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_departments_by_time_to_close_slowest_first(con):
    got = mi.micro_departments(con, F2024, "time", EMPTY_CAL)
    assert got["department"].tolist() == ["丙街道办事处", "区生态环境局", mi.NOT_GIVEN, "区城管局"]
    assert got["median_days"].tolist() == [32.0, 9.5, 4.0, 2.5]


def test_an_unknown_department_order_is_refused(con):
    with pytest.raises(ValueError):
        mi.micro_departments(con, F2024, "name; DROP TABLE towns")


def test_all_years_cohort_adds_the_years_up(con):
    h = mi.micro_headline(con, Filters(district="测试区", as_of=AS_OF), EMPTY_CAL)
    assert h["submitted"] == 1 + 12 + 4
    assert h["closed"] == 7 and h["overdue"] == 6


# --- drilling: categories, months and departments picked in a chart narrow the cohort ---------

@pytest.mark.parametrize(("picks", "expected"), [
    # URBAN: A1, A2 (closed), A9 (never accepted, 3 late); solved in 2024: A0, A1, A2
    ((("URBAN",), (), ()), (3, 2, 2, 1, 3)),
    # March: A1–A5, all closed; solved: A1 A2 A4 A5 (A3 only explained)
    (((), (3,), ()), (5, 5, 5, 0, 4)),
    # 区城管局: A1, A2, A11 (open, overdue); solved in 2024: A0 (submitted 2023), A1, A2
    (((), (), ("区城管局",)), (3, 3, 2, 1, 3)),
    # no department: A8 (rejected), A9 (never accepted), A12 (closed, planned)
    (((), (), (mi.NOT_GIVEN,)), (3, 1, 1, 1, 0)),
])
def test_picked_categories_months_and_departments_narrow_the_headline(con, picks, expected):
    h = mi.micro_headline(con, F2024, EMPTY_CAL, *picks)
    assert (h["submitted"], h["accepted"], h["closed"], h["overdue"], h["solved_in_year"]) == expected


def test_nothing_picked_changes_nothing(con):
    assert mi.micro_headline(con, F2024, EMPTY_CAL, (), (), ()) == mi.micro_headline(con, F2024, EMPTY_CAL)
    pd.testing.assert_frame_equal(mi.micro_departments(con, F2024, "volume", EMPTY_CAL, (), (), ()),
                                  mi.micro_departments(con, F2024, "volume", EMPTY_CAL))


def test_a_picked_month_is_a_month_of_the_selected_year(con):
    # A0 was submitted in December 2023 and solved in 2024: not one of 2024's December items.
    assert mi.micro_solved_in_year(con, F2024, (), (12,)) == 0
    # Over all years, December is December of any year: A0 counts.
    assert mi.micro_solved_in_year(con, Filters(district="测试区"), (), (12,)) == 1


def test_a_town_and_a_month_narrow_the_overdue_list_and_departments(con):
    # What the page shows after picking 甲街道 in the grid and December in the trend.
    f = Filters(district="测试区", year=2024, towns=("甲街道",), as_of=AS_OF)
    assert mi.micro_overdue(con, f, EMPTY_CAL, (), (12,))["suggestion_id"].tolist() == ["A7", "A9"]
    # December's accepted items of all towns: A7 (区卫健委), A13 (区住建局); A9 was never accepted.
    got = mi.micro_departments(con, F2024, "volume", EMPTY_CAL, (), (12,))
    assert got["department"].tolist() == ["区住建局", "区卫健委"] and got["suggestions"].tolist() == [1, 1]


def test_a_picked_category_narrows_funnel_and_monthly_but_the_grid_keeps_every_cell(con):
    assert mi.micro_funnel(con, F2024, ("ENVIRONMENT",))["suggestions"].tolist() == [2, 2, 2, 2, 2]  # A3, A4
    monthly = mi.micro_monthly(con, F2024, EMPTY_CAL, ("ENVIRONMENT",))
    assert {(r.month, r.part): r.suggestions for r in monthly.itertuples() if r.suggestions} == {
        (3, "closed_on_time"): 1, (3, "closed_late"): 1}
    grid = mi.micro_category_town(con, F2024, (), (3,))
    assert len(grid) == 3 * len(mi.CATEGORY_ORDER) and grid["suggestions"].sum() == 5
