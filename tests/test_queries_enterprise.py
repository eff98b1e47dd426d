"""进企业促发展 on a fixture warehouse of its own, against expectations computed by hand.

District 测试区 (``FIXTURE_TOWNS``): 甲街道, 丙街道, 乙镇 are counted (statistical-code order),
丁办事处 is not. Deputies per visit in brackets (province, city, district, town):

======  ==========  ======  ========  ========  ===============  ======
visit   date        town    firm      industry  deputies         quest.
======  ==========  ======  ========  ========  ===============  ======
E1      2024-03-04  甲街道  甲科技     制造业     1 0 2 1  (4)     是
E2      2024-04-10  甲街道  乙物流     物流       0 1 1 0  (2)     是
E3      2024-05-20  乙镇    丙食品     食品加工   0 0 2 3  (5)     否
E4      2024-06-15  甲街道  甲科技     制造业     0 0 1 1  (2)     是   甲科技 again
E5      2024-09-01  丙街道  丁软件     (blank)    0 1 0 0  (1)     否
E6      2024-07-01  丁办事处 戊公司    制造业     1 1 1 1          是   not counted
E7      2025-02-01  乙镇    己公司     制造业     0 0 1 1  (2)     是   no opinions
======  ==========  ======  ========  ========  ===============  ======

2024: 5 visits, 4 enterprises, 14 person-times (province 1, city 2, district 6, town 5),
3 questionnaires (rate 3/5).

=======  =====  ======  ======  ============  ===========  =====================
opinion  visit  source  cat.    status        resolved_on  days (visit → resolved)
=======  =====  ======  ======  ============  ===========  =====================
P1       E1     企业    营商环境  已办结        2024-03-14   10   (text with a mobile)
P2       E1     代表    融资信贷  办理中        —                 (an XSS payload)
P3       E2     企业    营商环境  已办结        2024-05-01   21   (text with an ID number)
P4       E3     企业    用工招工  已交办        —
P5       E3     代表    用地      (blank→未交办) —
P6       E4     企业    营商环境  已办结        2024-07-15   30
P7       E5     企业    基础设施  已办结        (blank)      —    resolved, date not given
P8       E6     企业    营商环境  已办结        2024-07-02   —    丁办事处: not counted
=======  =====  ======  ======  ============  ===========  =====================

2024: 7 opinions (enterprise 5, deputy 2); assigned (not PENDING) 6; resolved 4, of which
3 dated → median 21 days, longest 30. 乙镇 2024: nothing resolved (median None).
2025: 1 visit, no opinions.
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
from warehouse.queries import enterprise as en

AS_OF = dt.date(2025, 6, 30)
F = Filters(district="测试区", as_of=AS_OF)
F2024 = F.with_year(2024)
F2025 = F.with_year(2025)
TOWNS = ["甲街道", "丙街道", "乙镇"]  # statistical-code order

PHONE = "13812345678"
ID_NUMBER = "320102199001011234"
XSS = "<script>alert(1)</script>"

VISITS = [
    ["走访编号", "日期", "区", "镇街", "企业名称", "行业", "省级代表人次", "市级代表人次", "区级代表人次", "镇级代表人次",
     "问卷回收"],
    ["E1", "2024-03-04", "测试区", "甲街道", "甲科技", "制造业", 1, 0, 2, 1, "是"],
    ["E2", "2024-04-10", "测试区", "甲街道", "乙物流", "物流", 0, 1, 1, 0, "是"],
    ["E3", "2024-05-20", "测试区", "乙镇", "丙食品", "食品加工", 0, 0, 2, 3, "否"],
    ["E4", "2024-06-15", "测试区", "甲街道", "甲科技", "制造业", 0, 0, 1, 1, "是"],
    ["E5", "2024-09-01", "测试区", "丙街道", "丁软件", None, 0, 1, 0, 0, "否"],
    ["E6", "2024-07-01", "测试区", "丁办事处", "戊公司", "制造业", 1, 1, 1, 1, "是"],
    ["E7", "2025-02-01", "测试区", "乙镇", "己公司", "制造业", 0, 0, 1, 1, "是"],
]

OPINIONS = [
    ["意见编号", "走访编号", "来源", "类别", "内容", "办理状态", "办结日期"],
    ["P1", "E1", "企业", "营商环境", f"请尽快回复，联系电话{PHONE}，谢谢", "已办结", "2024-03-14"],
    ["P2", "E1", "代表", "融资信贷", XSS, "办理中", None],
    ["P3", "E2", "企业", "营商环境", f"法人身份证{ID_NUMBER}已提交，区划代码320812001000、20240305到期", "已办结",
     "2024-05-01"],
    ["P4", "E3", "企业", "用工招工", "招工难", "已交办", None],
    ["P5", "E3", "代表", "用地", "用地指标", None, None],
    ["P6", "E4", "企业", "营商环境", "检查太多", "已办结", "2024-07-15"],
    ["P7", "E5", "企业", "基础设施", "道路破损", "已办结", None],
    ["P8", "E6", "企业", "营商环境", "不计入", "已办结", "2024-07-02"],
]


def build_enterprise_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "enterprise.xlsx", {"镇街": FIXTURE_TOWNS, "企业走访": VISITS, "企业意见": OPINIONS})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="module")
def enterprise_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("enterprise")
    return build_enterprise_warehouse(tmp / "enterprise.duckdb", tmp)


@pytest.fixture
def con(enterprise_db: Path):
    c = duckdb.connect(str(enterprise_db), read_only=True)
    yield c
    c.close()


def frame(data: dict[str, list]) -> pd.DataFrame:
    """An expected frame with the warehouse's dtypes: whole numbers as int64."""
    df = pd.DataFrame(data)
    for c in df.columns:
        if pd.api.types.is_integer_dtype(df[c]):
            df[c] = df[c].astype("int64")
    return df


# --- KPIs ---------------------------------------------------------------------------------

def test_headline_counts_visits_enterprises_person_times_questionnaires_and_opinions(con):
    assert en.enterprise_headline(con, F2024) == {
        "visits": 5, "enterprises": 4,  # 甲科技 visited twice counts once
        "person_times": 14, "province_deputies": 1, "city_deputies": 2, "district_deputies": 6, "town_deputies": 5,
        "questionnaires": 3, "questionnaire_rate": 3 / 5,
        "opinions": 7, "opinions_enterprise": 5, "opinions_deputy": 2,
        "assigned": 6, "resolved": 4,
    }


def test_the_town_not_counted_and_its_opinion_enter_no_figure(con):
    # E6 (丁办事处) would add a visit, 4 person-times, a questionnaire and P8.
    head = en.enterprise_headline(con, F2024)
    assert (head["visits"], head["person_times"], head["questionnaires"], head["opinions"]) == (5, 14, 3, 7)
    assert "P8" not in set(en.opinion_list(con, F2024)["opinion_id"])
    assert "丁办事处" not in set(en.opinions_by_town(con, F2024)["town"])


def test_person_times_are_the_sum_of_the_four_levels(con):
    for f in (F, F2024, F2025, F2024.with_towns(("甲街道",))):
        head = en.enterprise_headline(con, f)
        assert head["person_times"] == sum(head[level] for level in en.LEVELS)


def test_a_year_with_visits_and_no_opinions(con):
    head = en.enterprise_headline(con, F2025)
    assert (head["visits"], head["enterprises"], head["person_times"], head["questionnaires"]) == (1, 1, 2, 1)
    assert head["questionnaire_rate"] == 1.0
    assert (head["opinions"], head["assigned"], head["resolved"]) == (0, 0, 0)


def test_a_year_without_visits_has_no_questionnaire_rate(con):
    head = en.enterprise_headline(con, F.with_year(2019))
    assert head["visits"] == 0 and head["questionnaire_rate"] is None


def test_a_town_filter_narrows_visits_and_the_opinions_of_those_visits(con):
    head = en.enterprise_headline(con, F2024.with_towns(("甲街道",)))
    # E1, E2, E4; P1, P2, P3, P6
    assert (head["visits"], head["enterprises"], head["person_times"], head["questionnaires"]) == (3, 2, 8, 3)
    assert (head["opinions"], head["opinions_enterprise"], head["opinions_deputy"], head["resolved"]) == (4, 3, 1, 3)


def test_every_year_adds_both_years(con):
    head = en.enterprise_headline(con, F)
    assert (head["visits"], head["enterprises"], head["person_times"], head["opinions"]) == (6, 5, 16, 7)


# --- funnel -------------------------------------------------------------------------------

def test_funnel_shares_are_each_step_over_the_previous_one(con):
    got = en.enterprise_funnel(con, F2024)
    expected = frame({
        "step": ["visits", "questionnaires", "opinions", "assigned", "resolved"],
        "count": [5, 3, 7, 6, 4],
        "share": [math.nan, 3 / 5, 7 / 3, 6 / 7, 4 / 6],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_funnel_after_a_step_of_zero_has_no_share(con):
    got = en.enterprise_funnel(con, F2025)
    assert got["count"].tolist() == [1, 1, 0, 0, 0]
    assert got["share"].iloc[1] == 1.0 and got["share"].iloc[3:].isna().all()


# --- distributions ------------------------------------------------------------------------

def test_opinions_by_category_lists_every_category_in_contract_order(con):
    got = en.opinions_by_category(con, F2024)
    expected = frame({
        "category": ["BUSINESS_ENV", "POLICY", "FINANCE", "LABOR", "LAND", "INFRA", "APPROVAL", "OTHER"],
        "opinions": [3, 0, 1, 1, 1, 1, 0, 0],  # BUSINESS_ENV would be 4 with 丁办事处's P8
        "opinions_enterprise": [3, 0, 0, 1, 0, 1, 0, 0],
        "opinions_deputy": [0, 0, 1, 0, 1, 0, 0, 0],
        "resolved": [3, 0, 0, 0, 0, 1, 0, 0],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_opinions_by_industry_counts_a_blank_industry_as_not_given_and_lists_it_last(con):
    got = en.opinions_by_industry(con, F2024)
    expected = frame({
        "industry": ["制造业", "食品加工", "物流", en.NOT_GIVEN],
        "visits": [2, 1, 1, 1],
        "opinions": [3, 2, 1, 1],
        "resolved": [2, 0, 1, 1],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_an_industry_visited_without_opinions_is_listed_with_zero(con):
    got = en.opinions_by_industry(con, F2025)
    pd.testing.assert_frame_equal(got, frame({"industry": ["制造业"], "visits": [1], "opinions": [0], "resolved": [0]}))


def test_opinions_by_town_lists_every_counted_town_in_code_order(con):
    got = en.opinions_by_town(con, F2024)
    expected = frame({
        "district": ["测试区"] * 3, "town": TOWNS,
        "visits": [3, 1, 1], "enterprises": [2, 1, 1], "opinions": [4, 1, 2], "resolved": [3, 1, 0],
    })
    pd.testing.assert_frame_equal(got, expected)
    year2025 = en.opinions_by_town(con, F2025)
    assert year2025["visits"].tolist() == [0, 0, 1] and year2025["opinions"].tolist() == [0, 0, 0]


# --- status and time to resolution --------------------------------------------------------

def test_status_counts_list_all_four_statuses_and_a_blank_status_is_pending(con):
    got = en.opinions_by_status(con, F2024)
    expected = frame({
        "status": ["PENDING", "ASSIGNED", "IN_PROGRESS", "RESOLVED"],
        "opinions": [1, 1, 1, 4],  # P5 (blank → PENDING); P4; P2; P1, P3, P6, P7
        "share": [1 / 7, 1 / 7, 1 / 7, 4 / 7],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_status_shares_are_missing_when_there_are_no_opinions(con):
    got = en.opinions_by_status(con, F2025)
    assert got["opinions"].tolist() == [0, 0, 0, 0] and got["share"].isna().all()


def test_median_days_runs_from_the_visit_date_over_dated_resolutions_only(con):
    # P1 10, P3 21, P6 30; P7 is resolved without a date and is left out.
    assert en.resolution_days(con, F2024) == {"resolved": 4, "dated": 3, "median_days": 21.0, "max_days": 30}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(con):
    # 甲街道 without E4: P1 10 and P3 21 → 15.5
    f = Filters(district="测试区", year=2024, as_of=dt.date(2024, 6, 1), towns=("甲街道",))
    assert en.resolution_days(con, f) == {"resolved": 2, "dated": 2, "median_days": 15.5, "max_days": 21}


def test_nothing_resolved_gives_no_median(con):
    # 乙镇 2024: P4 assigned, P5 pending.
    got = en.resolution_days(con, F2024.with_towns(("乙镇",)))
    assert got == {"resolved": 0, "dated": 0, "median_days": None, "max_days": None}
    assert en.resolution_days(con, F2025)["median_days"] is None


# --- the opinion list ---------------------------------------------------------------------

def test_opinion_list_is_newest_visit_first_with_the_visit_s_town_and_enterprise(con):
    got = en.opinion_list(con, F2024)
    assert got.columns.tolist() == en.LIST_COLUMNS
    assert got["opinion_id"].tolist() == ["P7", "P6", "P4", "P5", "P3", "P1", "P2"]
    p4 = got.set_index("opinion_id").loc["P4"]
    assert (p4["date"], p4["town"], p4["enterprise"], p4["industry"], p4["source"], p4["category"], p4["status"]) == (
        pd.Timestamp("2024-05-20"), "乙镇", "丙食品", "食品加工", "ENTERPRISE", "LABOR", "ASSIGNED")
    p6 = got.set_index("opinion_id").loc["P6"]
    assert p6["resolved_on"] == pd.Timestamp("2024-07-15")
    assert pd.isna(got.set_index("opinion_id").loc["P7", "industry"])


def test_opinion_list_masks_a_mobile_number_and_an_id_number(con):
    got = en.opinion_list(con, F2024).set_index("opinion_id")["content"]
    assert got["P1"] == "请尽快回复，联系电话138****5678，谢谢"
    assert PHONE not in got["P1"]
    # The 18-digit ID is masked; the 12-digit division code and the date are not.
    assert got["P3"] == "法人身份证320***********1234已提交，区划代码320812001000、20240305到期"
    assert not got.str.contains(ID_NUMBER).any()


def test_an_xss_payload_comes_back_as_literal_text(con):
    got = en.opinion_list(con, F2024).set_index("opinion_id")["content"]
    assert got["P2"] == XSS


@pytest.mark.parametrize("kwargs, expected", [
    ({"category": "BUSINESS_ENV"}, ["P6", "P3", "P1"]),
    ({"category": ("FINANCE", "LAND")}, ["P5", "P2"]),
    ({"town": "甲街道"}, ["P6", "P3", "P1", "P2"]),
    ({"status": "RESOLVED"}, ["P7", "P6", "P3", "P1"]),
    ({"status": "PENDING"}, ["P5"]),
    ({"source": "DEPUTY"}, ["P5", "P2"]),
    ({"industry": en.NOT_GIVEN}, ["P7"]),
    ({"industry": ("制造业", "物流")}, ["P6", "P3", "P1", "P2"]),
    ({"category": "BUSINESS_ENV", "town": "甲街道", "status": "RESOLVED"}, ["P6", "P3", "P1"]),
    ({"category": "BUSINESS_ENV", "town": "丙街道"}, []),
    ({"category": (), "town": None}, ["P7", "P6", "P4", "P5", "P3", "P1", "P2"]),
])
def test_opinion_list_narrows_to_a_chart_selection(con, kwargs, expected):
    assert en.opinion_list(con, F2024, **kwargs)["opinion_id"].tolist() == expected


def test_search_runs_on_the_masked_text_so_it_cannot_find_a_hidden_number(con):
    assert en.opinion_list(con, F2024, search="联系电话")["opinion_id"].tolist() == ["P1"]
    assert en.opinion_list(con, F2024, search="5678")["opinion_id"].tolist() == ["P1"]  # visible digits
    assert en.opinion_list(con, F2024, search=PHONE).empty  # the hidden number is not searchable
    assert en.opinion_list(con, F2024, search="甲科技")["opinion_id"].tolist() == ["P6", "P1", "P2"]


def test_a_district_unknown_to_the_warehouse_gives_zeros_and_empty_frames(con):
    f = Filters(district="不存在区", year=2024)
    assert en.enterprise_headline(con, f)["visits"] == 0
    assert en.opinions_by_town(con, f).empty and en.opinion_list(con, f).empty
    assert en.opinions_by_category(con, f)["opinions"].sum() == 0
