"""明细查询 (warehouse/queries/records.py) on the shared fixture warehouse and on a warehouse
of its own, against counts computed by hand.

The shared fixture (tests/conftest.py, 测试区, data to 2025-06-30) holds 20 activities: 14
in 2024 (甲街道 J1–J4 and P1, 乙镇 Y1 Y2 and P2, 丙街道 B1–B5, and D1 of the uncounted
丁办事处) and 6 in 2025. The explorer lists records, not statistics: D1 *is* listed, with
镇街纳入统计 = 否.

This module's own warehouse (:func:`build_records_warehouse`) adds to the fixture every
kind it lacks, and texts with numbers in them:

* deputies DA 张代表 (甲街道), DB 李代表 with a mobile number in the name (乙镇), DC 王代表
  (no town); stations ST1 (甲街道), ST2 (丁办事处);
* formal suggestions, assigned 2024: F1 (lead DA → 甲街道), F2 (DB → 乙镇, a mobile in the
  title), F3 (DC, no town), F4 (no lead deputy); 2023: F5 (DA);
* appraisals AP1 × 2 evaluator types (2024), AP2 (2025);
* micro-suggestions with texts, submitted July 2024: N1 (a mobile 13812345678), N2 (an ID
  number ending 1234), N3 (an 8-digit code, not masked), N4 (no text, 丁办事处).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load
from etl.spec import KIND_BY_NAME
from tests.conftest import (FIXTURE_ACTIVITIES, FIXTURE_MICRO, FIXTURE_OPINIONS, FIXTURE_PLAN, FIXTURE_SITES,
                            FIXTURE_TOWNS, FIXTURE_VISITS, write_csv, write_xlsx)
from warehouse.filters import Filters
from warehouse.queries import records as rq

AS_OF = dt.date(2025, 6, 30)
F = Filters(district="测试区", as_of=AS_OF)
F2024 = F.with_year(2024)
F2025 = F.with_year(2025)

PHONE = "13812345678"
PHONE_MASKED = "138****5678"
ID_NUMBER = "320102199001011234"
ID_MASKED = "320***********1234"
DEPUTY_PHONE = "13912345678"

STATIONS = [
    ["阵地编号", "名称", "类型", "区", "镇街", "建成日期"],
    ["ST1", "甲街道代表之家", "代表之家", "测试区", "甲街道", "2020-05-01"],
    ["ST2", "丁办事处联络站", "代表联络站", "测试区", "丁办事处", None],
]
DEPUTIES = [
    ["代表编号", "姓名", "层级", "区", "镇街", "所属阵地", "性别"],
    ["DA", "张代表", "区", "测试区", "甲街道", "ST1", "男"],
    ["DB", f"李代表{DEPUTY_PHONE}", "区", "测试区", "乙镇", None, "女"],
    ["DC", "王代表", "市", "测试区", None, None, None],
]
SESSION = "区一届人大三次会议"
FORMAL = [
    ["建议编号", "区", "会议", "标题", "主办单位", "领衔代表", "交办日期", "答复日期", "办理结果", "代表反馈",
     "重点督办"],
    ["F1", "测试区", SESSION, "关于停车难的建议", "区住建局", "DA", "2024-03-01", "2024-05-01", "A", "满意", "是"],
    ["F2", "测试区", SESSION, f"请回电{PHONE}", "区教育局", "DB", "2024-04-01", None, None, None, "否"],
    ["F3", "测试区", SESSION, "关于路灯的建议", "区城管局", "DC", "2024-05-01", None, None, None, "否"],
    ["F4", "测试区", SESSION, "关于菜场的建议", "区商务局", None, "2024-06-01", None, None, None, "否"],
    ["F5", "测试区", "区一届人大二次会议", "去年的建议", "区住建局", "DA", "2023-03-01", "2023-04-01", "B", "基本满意",
     "否"],
]
APPRAISALS = [
    ["评议编号", "区", "年度", "被评议单位", "评议人类型", "满意票", "基本满意票", "不满意票"],
    ["AP1", "测试区", 2024, "区教育局", "常委会组成人员", 20, 5, 1],
    ["AP1", "测试区", 2024, "区教育局", "特邀代表", 10, 2, 0],
    ["AP2", "测试区", 2025, "区住建局", "常委会组成人员", 18, 6, 2],
]
MICRO_TEXTS = [
    ["建议编号", "提交日期", "区", "镇街", "类别", "状态", "内容"],
    ["N1", "2024-07-01", "测试区", "甲街道", "城建交通", "已提交", f"路灯坏了，联系电话{PHONE}"],
    ["N2", "2024-07-02", "测试区", "乙镇", "环境卫生", "已提交", f"身份证{ID_NUMBER}的居民反映"],
    ["N3", "2024-07-03", "测试区", "丙街道", "其他", "已提交", "编号20230305的井盖松动"],
    ["N4", "2024-07-04", "测试区", "丁办事处", "其他", "已提交", None],
]


def build_records_warehouse(path: Path, tmp: Path) -> Path:
    """The fixture warehouse plus every kind it lacks (see the module docstring)."""
    wb = write_xlsx(tmp / "records.xlsx", {
        "镇街": FIXTURE_TOWNS, "阵地": STATIONS, "代表": DEPUTIES, "活动": FIXTURE_ACTIVITIES,
        "企业走访": FIXTURE_VISITS, "企业意见": FIXTURE_OPINIONS, "微建议": FIXTURE_MICRO, "代表建议": FORMAL,
        "工作评议": APPRAISALS, "实践点": FIXTURE_SITES, "全覆盖计划": FIXTURE_PLAN,
    })
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    report = load([write_csv(tmp / "texts" / "micro_suggestions.csv", MICRO_TEXTS)], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


_BUILT: dict[str, Path] = {}


def records_warehouse(factory: pytest.TempPathFactory) -> Path:
    """This module's warehouse, built once per test session (tests/test_app_explore.py reads
    it too; nobody writes to it)."""
    if "db" not in _BUILT:
        tmp = factory.mktemp("records")
        _BUILT["db"] = build_records_warehouse(tmp / "records.duckdb", tmp)
    return _BUILT["db"]


@pytest.fixture(scope="module")
def records_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return records_warehouse(tmp_path_factory)


@pytest.fixture
def rcon(records_db: Path):
    con = duckdb.connect(str(records_db), read_only=True)
    yield con
    con.close()


def ids(df: pd.DataFrame, column: str | None = None) -> list[str]:
    return df[column or df.columns[0]].tolist()


def page(con, f, kind, conditions=(), sort=None, offset=0, limit=1000, lang="zh") -> pd.DataFrame:
    return rq.record_page(con, f, kind, tuple(conditions), sort, offset, limit, lang)


# --- columns --------------------------------------------------------------------------------

def test_every_kind_lists_the_contract_columns_in_order_then_context_then_lineage():
    for kind in rq.KIND_NAMES:
        got = [fld.id for fld in rq.fields(kind)]
        contract = [c.id for c in KIND_BY_NAME[kind].columns]
        assert got[:len(contract)] == contract, kind
        assert got[-3:] == ["_file", "_sheet", "_row"], kind
        assert len(set(got)) == len(got), kind


def test_free_text_columns_are_masked_and_codes_ids_and_places_are_not():
    masked = {kind: {fld.id for fld in rq.fields(kind) if fld.masked} for kind in rq.KIND_NAMES}
    assert {"topic"} <= masked["activities"]
    assert {"content"} <= masked["enterprise_opinions"] and {"content"} <= masked["micro_suggestions"]
    assert {"title", "deputy_name"} <= masked["formal_suggestions"]
    assert "name" in masked["deputies"]
    assert not masked["towns"]  # place names and codes only
    assert "suggestion_id" not in masked["micro_suggestions"] and "credit_code" not in masked["enterprise_visits"]


# --- counts with the global filters -----------------------------------------------------------

def test_activities_of_2024_include_the_uncounted_towns_row(fixture_con):
    assert rq.record_count(fixture_con, F2024, "activities") == 14
    assert rq.record_count(fixture_con, F2025, "activities") == 6
    assert rq.record_count(fixture_con, F, "activities") == 20
    got = page(fixture_con, F2024, "activities", [("town_counted", "is", False)])
    assert ids(got) == ["D1"] and got["town"].tolist() == ["丁办事处"] and got["town_counted"].tolist() == ["否"]


def test_town_filter(fixture_con):
    assert rq.record_count(fixture_con, F2024.with_towns(("甲街道",)), "activities") == 5  # J1–J4, P1
    assert rq.record_count(fixture_con, F2024.with_towns(("甲街道", "乙镇")), "activities") == 8  # + Y1 Y2 P2


def test_as_of_cuts_the_main_date(fixture_con):
    # To 2024-06-30: J1 J3 J4 Y1 B1 B2 B4 D1 P1 P2.
    assert rq.record_count(fixture_con, Filters(district="测试区", as_of=dt.date(2024, 6, 30)), "activities") == 10


def test_another_district_has_none_of_these_records(fixture_con):
    assert rq.record_count(fixture_con, Filters(district="淮安区"), "activities") == 0


def test_enterprise_opinions_take_year_and_town_from_their_visit(fixture_con):
    assert sorted(ids(page(fixture_con, F2024, "enterprise_opinions"))) == ["O1", "O2", "O3", "O4", "O5", "O6"]
    assert sorted(ids(page(fixture_con, F2025, "enterprise_opinions"))) == ["O7", "O8", "O9"]
    got = page(fixture_con, F2024.with_towns(("甲街道",)), "enterprise_opinions")
    assert sorted(ids(got)) == ["O1", "O2", "O4"]  # visits V1 (O1, O2) and V3 (O4)
    o6 = page(fixture_con, F2024, "enterprise_opinions", [("opinion_id", "eq", "O6")])
    assert o6[["visit_date", "town", "town_counted"]].values.tolist() == [
        [pd.Timestamp("2024-04-01"), "丁办事处", "否"]]


def test_formal_suggestions_take_their_town_from_the_lead_deputy(rcon):
    assert sorted(ids(page(rcon, F2024, "formal_suggestions"))) == ["F1", "F2", "F3", "F4"]
    assert ids(page(rcon, F2024.with_towns(("甲街道",)), "formal_suggestions")) == ["F1"]
    assert ids(page(rcon, F2024.with_towns(("乙镇",)), "formal_suggestions")) == ["F2"]
    assert ids(page(rcon, F.with_year(2023), "formal_suggestions")) == ["F5"]
    f1 = page(rcon, F2024, "formal_suggestions", [("suggestion_id", "eq", "F1")])
    assert f1["deputy_town"].tolist() == ["甲街道"]


def test_kinds_without_year_or_town_get_only_the_filters_that_apply(rcon):
    # appraisals and the plan: district and year; a town choice does not empty them.
    assert rq.record_count(rcon, F2024, "appraisals") == 2
    assert rq.record_count(rcon, F2024.with_towns(("甲街道",)), "appraisals") == 2
    assert rq.record_count(rcon, F2024.with_towns(("甲街道",)), "rollout_plan") == 1
    # towns, stations, deputies: no year.
    assert rq.record_count(rcon, F2024, "towns") == 4
    assert rq.record_count(rcon, F2024, "stations") == 2
    assert rq.record_count(rcon, F2024, "deputies") == 3
    assert ids(page(rcon, F2024.with_towns(("甲街道",)), "deputies")) == ["DA"]
    # practice sites: the year of 启动日期.
    assert rq.record_count(rcon, F2024, "practice_sites") == 5
    assert rq.record_count(rcon, F2025, "practice_sites") == 0


def test_scope_of_says_which_filters_apply():
    assert rq.scope_of("activities") == rq.Scope(year="date", towns="own", date="date")
    assert rq.scope_of("enterprise_opinions").towns == "visit"
    assert rq.scope_of("formal_suggestions").towns == "deputy"
    assert rq.scope_of("appraisals") == rq.Scope(year="year", towns=None, date=None)
    assert rq.scope_of("towns").year is None and rq.scope_of("deputies").year is None


# --- column conditions ----------------------------------------------------------------------

def test_text_contains_is_case_insensitive(fixture_con):
    assert sorted(ids(page(fixture_con, F2024, "activities", [("activity_id", "contains", "j")]))) == [
        "J1", "J2", "J3", "J4"]
    assert sorted(ids(page(fixture_con, F, "towns", [("town", "contains", "街道")]), "town")) == ["丙街道", "甲街道"]


def test_enum_is_one_of_codes(fixture_con):
    assert sorted(ids(page(fixture_con, F2024, "activities", [("kind", "in", ("TOWN_CONGRESS",))]))) == ["Y1", "Y2"]
    got = page(fixture_con, F2024, "activities", [("venue", "in", ("DEPUTY_HOME", "RESIDENT_HOME"))])
    assert sorted(ids(got)) == ["B1", "B2", "B3", "J1", "J2"]
    assert set(got["venue"]) == {"代表之家"}  # shown as its label
    assert rq.record_count(fixture_con, F2024, "activities", [("kind", "in", ())]) == 14  # nothing chosen: no condition


def test_date_between_with_open_ends(fixture_con):
    march = [("date", "between", (dt.date(2024, 3, 1), dt.date(2024, 3, 31)))]
    assert sorted(ids(page(fixture_con, F2024, "activities", march))) == ["D1", "J1", "P1", "P2"]
    assert sorted(ids(page(fixture_con, F2024, "activities", [("date", "between", (None, dt.date(2024, 2, 1)))]))) \
        == ["B1", "Y1"]
    assert sorted(ids(page(fixture_con, F2024, "activities", [("date", "between", (dt.date(2024, 12, 1), None))]))) \
        == ["Y2"]


def test_number_between(fixture_con):
    assert sorted(ids(page(fixture_con, F2024, "activities", [("public", "between", (10, None))]))) == [
        "J3", "J4", "P1", "P2"]  # 10, 20, 30, 25
    # participants: B1–B3 12 each, D1 5.
    assert sorted(ids(page(fixture_con, F2024, "activities", [("participants", "between", (None, 12.0))]))) == [
        "B1", "B2", "B3", "D1"]


def test_yes_no(fixture_con, rcon):
    assert ids(page(fixture_con, F, "towns", [("counted", "is", False)]), "town") == ["丁办事处"]
    assert ids(page(rcon, F2024, "formal_suggestions", [("key_supervised", "is", True)])) == ["F1"]


def test_is_empty_and_is_not_empty(fixture_con):
    # Micro 2024: M1 M2 M3 M4 M5 M6 M12; no outcome: M5 (not accepted), M12 (in progress).
    assert sorted(ids(page(fixture_con, F2024, "micro_suggestions", [("outcome", "empty", True)]))) == ["M12", "M5"]
    assert rq.record_count(fixture_con, F2024, "micro_suggestions", [("outcome", "empty", False)]) == 5
    assert rq.record_count(fixture_con, F2024, "activities", [("topic", "empty", True)]) == 14


def test_conditions_combine_with_and(fixture_con):
    conds = [("kind", "in", ("STREET_COUNCIL",)), ("town", "contains", "甲")]
    assert ids(page(fixture_con, F2024, "activities", conds, ("activity_id", "asc"))) == ["J1", "J2"]


def test_link_values_become_equality_conditions(fixture_con):
    assert rq.url_condition("activities", "kind", "town_congress") == ("kind", "eq", "TOWN_CONGRESS")
    assert rq.url_condition("activities", "kind", "镇人代会") == ("kind", "eq", "TOWN_CONGRESS")
    assert rq.url_condition("activities", "public", "10") == ("public", "eq", 10)
    assert rq.url_condition("activities", "date", "2024-03-01") == ("date", "eq", dt.date(2024, 3, 1))
    assert rq.url_condition("towns", "counted", "否") == ("counted", "eq", False)
    congress = rq.url_condition("activities", "kind", "TOWN_CONGRESS")
    assert rq.record_count(fixture_con, F2024, "activities", [congress]) == 2
    assert ids(page(fixture_con, F2024, "activities", [rq.url_condition("activities", "public", "10")])) == ["J3"]
    for column, value in (("kind", "NOT_A_CODE"), ("public", "ten"), ("date", "2024-13-01"), ("nope", "1")):
        with pytest.raises(ValueError):
            rq.url_condition("activities", column, value)


def test_a_condition_that_does_not_fit_its_column_is_refused(fixture_con):
    for cond in (("kind", "contains", "x"), ("topic", "between", (1, 2)), ("date", "between", ("2024", None)),
                 ("counted", "is", "yes"), ("topic", "drop", "x")):
        with pytest.raises(ValueError):
            rq.record_count(fixture_con, F, "towns" if cond[0] == "counted" else "activities", [cond])


# --- injection ------------------------------------------------------------------------------

INJECTION = "kind; DROP TABLE activities; --"


def test_an_injection_as_a_column_name_raises(fixture_con):
    with pytest.raises(ValueError):
        rq.record_count(fixture_con, F, "activities", [(INJECTION, "contains", "x")])
    with pytest.raises(ValueError):
        rq.record_page(fixture_con, F, "activities", (), (INJECTION, "asc"), 0, 10)
    with pytest.raises(ValueError):
        rq.record_page(fixture_con, F, "activities", (), ("date", "asc; DROP TABLE activities"), 0, 10)
    with pytest.raises(ValueError):
        rq.record_count(fixture_con, F, "activities; DROP TABLE activities")


def test_an_injection_as_a_value_is_just_a_value(fixture_con):
    for value in (INJECTION, "' OR '1'='1", "%", "_"):
        assert rq.record_count(fixture_con, F, "activities", [("activity_id", "contains", value)]) == 0
        assert rq.record_count(fixture_con, F, "activities", [("topic", "contains", value)]) == 0
    assert rq.record_count(fixture_con, F, "activities") == 20


# --- sorting and paging ---------------------------------------------------------------------

def test_sort_by_date_both_ways_ties_broken_by_key(fixture_con):
    asc = ids(page(fixture_con, F2024, "activities", sort=("date", "asc")))
    assert asc[:4] == ["Y1", "B1", "D1", "J1"]  # 01-20, 02-01, then 03-01 twice (by key)
    desc = ids(page(fixture_con, F2024, "activities", sort=("date", "desc")))
    assert desc[:4] == ["Y2", "B5", "B3", "J2"]  # 12-20, 11-01, 10-01, 09-01
    assert ids(page(fixture_con, F2024, "activities")) == desc  # the default: newest first


def test_sort_puts_blanks_last_both_ways(fixture_con):
    asc = ids(page(fixture_con, F2024, "micro_suggestions", sort=("closed_on", "asc")))
    assert asc == ["M1", "M6", "M4", "M2", "M3", "M12", "M5"]
    desc = ids(page(fixture_con, F2024, "micro_suggestions", sort=("closed_on", "desc")))
    assert desc == ["M3", "M2", "M4", "M6", "M1", "M12", "M5"]


def test_an_enumeration_sorts_in_the_contracts_order_not_by_label(fixture_con):
    got = ids(page(fixture_con, F2024, "activities", sort=("kind", "asc")))
    assert got == ["Y1", "Y2", "B1", "B2", "B3", "D1", "J1", "J2", "B4", "B5", "J3", "J4", "P1", "P2"]
    assert ids(page(fixture_con, F2024, "activities", sort=("kind", "desc")))[:2] == ["P1", "P2"]


def test_sort_by_a_number_descending(fixture_con):
    got = ids(page(fixture_con, F2024, "activities", sort=("participants", "desc")))
    assert got[:4] == ["Y1", "Y2", "P1", "J4"]  # 40, 40, 36, 30


def test_pages_add_up_to_the_count_without_overlap(fixture_con):
    total = rq.record_count(fixture_con, F, "activities")
    for sort in (None, ("kind", "desc"), ("topic", "asc")):  # topic: blank everywhere, all ties
        whole = ids(page(fixture_con, F, "activities", sort=sort))
        pieces: list[str] = []
        for offset in range(0, total + 7, 7):
            pieces += ids(rq.record_page(fixture_con, F, "activities", (), sort, offset, 7))
        assert pieces == whole and len(set(pieces)) == total == 20


def test_a_page_holds_at_most_a_thousand_rows(fixture_con):
    for limit in (0, rq.MAX_PAGE + 1):
        with pytest.raises(ValueError):
            rq.record_page(fixture_con, F, "activities", (), None, 0, limit)
    with pytest.raises(ValueError):
        rq.record_page(fixture_con, F, "activities", (), None, -1, 10)


# --- what is shown --------------------------------------------------------------------------

def test_codes_and_booleans_are_shown_as_labels_in_the_language(fixture_con):
    zh = page(fixture_con, F, "towns", [("town", "eq", "丁办事处")])
    assert zh[["town_type", "counted"]].values.tolist() == [["其他", "否"]]
    en = page(fixture_con, F, "towns", [("town", "eq", "丁办事处")], lang="en")
    assert en[["town_type", "counted"]].values.tolist() == [["Other", "No"]]


def test_lineage_names_the_file_sheet_and_row(fixture_con):
    got = page(fixture_con, F2024, "activities", [("activity_id", "eq", "J1")])
    assert got[["_file", "_sheet", "_row"]].values.tolist() == [["fixture.xlsx", "活动", 2]]


def test_phone_and_id_numbers_are_masked_in_pages_and_batches(rcon):
    for got in (page(rcon, F2024, "micro_suggestions", [("suggestion_id", "contains", "N")], ("suggestion_id", "asc")),
                pd.concat(rq.record_batches(rcon, F2024, "micro_suggestions",
                                            (("suggestion_id", "contains", "N"),), ("suggestion_id", "asc")))):
        assert got["content"].tolist()[:3] == [f"路灯坏了，联系电话{PHONE_MASKED}", f"身份证{ID_MASKED}的居民反映",
                                               "编号20230305的井盖松动"]
        assert pd.isna(got["content"].tolist()[3])
    formal = page(rcon, F2024, "formal_suggestions", [("suggestion_id", "eq", "F2")])
    assert formal["title"].tolist() == [f"请回电{PHONE_MASKED}"]
    assert formal["deputy_name"].tolist() == ["李代表139****5678"]
    assert page(rcon, F, "deputies", [("deputy_id", "eq", "DB")])["name"].tolist() == ["李代表139****5678"]


def test_a_search_sees_only_the_masked_text(rcon):
    def found(term: str) -> list[str]:
        return sorted(ids(page(rcon, F2024, "micro_suggestions", [("content", "contains", term)])))

    assert found("1234") == ["N2"]  # N1's hidden digits 1234 are not found; N2 shows its last four
    assert found(PHONE) == [] and found("3812") == [] and found(ID_NUMBER) == []
    assert found("5678") == ["N1"] and found(PHONE_MASKED) == ["N1"]
    assert found("20230305") == ["N3"]
    assert sorted(ids(page(rcon, F2024, "formal_suggestions", [("deputy_name", "contains", "1391")]))) == []


def test_batches_stream_every_matching_row_in_the_pages_order(fixture_con):
    batches = list(rq.record_batches(fixture_con, F, "activities", (), ("date", "asc"), "zh", 6))
    assert [len(b) for b in batches] == [6, 6, 6, 2]
    whole = page(fixture_con, F, "activities", sort=("date", "asc"))
    joined = pd.concat(batches, ignore_index=True)
    assert list(joined.columns) == list(whole.columns)
    assert joined["activity_id"].tolist() == whole["activity_id"].tolist()
    assert joined["kind"].tolist() == whole["kind"].tolist()
