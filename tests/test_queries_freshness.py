"""数据截至, freshness per kind, the town × month completeness grid and the load history,
on small warehouses with hand-computed expectations.

The completeness warehouse (:data:`GRID_TOWNS` …), 完整区, data to 2024-03-20:

=========  ======================  ===================  ==================
town       activities              enterprise visits    micro-suggestions
=========  ======================  ===================  ==================
子街道      Jan 2, Feb 1            Mar 1                Jan 1
丑镇        —                       Jan 1                Mar 1
寅街道      Mar 1                   —                    —
卯办事处    Feb 1 (not counted)     —                    —
=========  ======================  ===================  ==================

A town has reported for a month when it has an activity or a visit in it, so for the
activities grid: 子街道 Jan 2, Feb 1, Mar 0 (a visit, no activity: *reported 0*); 丑镇
Jan 0, Feb —, Mar — (nothing at all: *not reported*); 寅街道 Jan —, Feb —, Mar 1.
Micro-suggestions are a district feed: January and March have some in the district,
February none — so every town shows a number in January and March and "—" in February.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import load
from tests.conftest import write_csv, write_xlsx
from warehouse.filters import Filters
from warehouse.queries import common
from warehouse.queries import freshness as fr

NA = pd.NA
D = "完整区"
GRID_TOWNS = [
    ["区", "镇街", "类型", "区划代码", "纳入统计"],
    [D, "子街道", "街道", "777777001000", "是"],
    [D, "丑镇", "镇", "777777100000", "是"],
    [D, "寅街道", "街道", "777777002000", "是"],
    [D, "卯办事处", "其他", "777777400000", "否"],
]
GRID_ACTIVITIES = [
    ["活动编号", "类型", "区", "镇街", "日期"],
    ["A1", "宣讲活动", D, "子街道", "2024-01-05"],
    ["A2", "宣讲活动", D, "子街道", "2024-01-20"],
    ["A3", "代表接待选民", D, "子街道", "2024-02-10"],
    ["A4", "宣讲活动", D, "寅街道", "2024-03-15"],
    ["A5", "宣讲活动", D, "卯办事处", "2024-02-01"],
]
GRID_VISITS = [
    ["走访编号", "日期", "区", "镇街", "企业名称"],
    ["V1", "2024-01-10", D, "丑镇", "丑公司"],
    ["V2", "2024-03-05", D, "子街道", "子公司"],
]
GRID_MICRO = [
    ["建议编号", "提交日期", "区", "镇街", "类别", "状态"],
    ["M1", "2024-01-08", D, "子街道", "城建交通", "已提交"],
    ["M2", "2024-03-20", D, "丑镇", "教育", "已提交"],
]
AS_OF = dt.date(2024, 3, 20)
TOWN_ORDER = ["子街道", "寅街道", "丑镇"]  # by statistical code


@pytest.fixture(scope="module")
def grid_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("grid")
    wb = write_xlsx(tmp / "grid.xlsx", {"镇街": GRID_TOWNS, "活动": GRID_ACTIVITIES, "企业走访": GRID_VISITS,
                                        "微建议": GRID_MICRO})
    report = load([wb], tmp / "grid.duckdb")
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return tmp / "grid.duckdb"


@pytest.fixture
def con(grid_db: Path):
    c = duckdb.connect(str(grid_db), read_only=True)
    yield c
    c.close()


def as_lists(con, kind: str, **kw) -> dict[str, list[object]]:
    g = fr.completeness_grid(con, Filters(district=D, year=2024, as_of=AS_OF, **kw), kind)
    months = [c for c in g.columns if isinstance(c, int)]
    return {g.loc[i, "town"]: [None if pd.isna(g.loc[i, m]) else int(g.loc[i, m]) for m in months]
            for i in g.index}


# --- the completeness grid: reported 0 against reported nothing -------------------------

def test_the_cut_off_is_the_latest_record_date(con):
    assert common.data_as_of(con, D) == AS_OF


def test_activities_grid_tells_reported_zero_from_not_reported(con):
    # 子街道 March: a visit but no activity -> 0; 丑镇 February: nothing at all -> None ("—").
    assert as_lists(con, "activities") == {
        "子街道": [2, 1, 0],
        "寅街道": [None, None, 1],
        "丑镇": [0, None, None],
    }


def test_visits_grid_uses_the_same_reporting_months(con):
    assert as_lists(con, "enterprise_visits") == {
        "子街道": [0, 0, 1],
        "寅街道": [None, None, 0],
        "丑镇": [1, None, None],
    }


def test_micro_suggestions_grid_is_reported_per_district_month(con):
    # The platform delivered January and March (a suggestion somewhere in the district).
    assert as_lists(con, "micro_suggestions") == {
        "子街道": [1, None, 0],
        "寅街道": [0, None, 0],
        "丑镇": [0, None, 1],
    }


def test_grid_lists_counted_towns_in_code_order_with_months_reported(con):
    g = fr.completeness_grid(con, Filters(district=D, year=2024, as_of=AS_OF), "activities")
    assert g["town"].tolist() == TOWN_ORDER  # 卯办事处 is not counted
    assert g["reported_months"].tolist() == [3, 1, 1]
    assert g["months"].tolist() == [3, 3, 3]
    assert [c for c in g.columns if isinstance(c, int)] == [1, 2, 3]


def test_long_form_says_reported_for_every_month_with_records(con):
    long = fr.completeness_by_town_month(con, Filters(district=D, year=2024, as_of=AS_OF), "activities")
    assert long[["town", "month", "records", "reported"]].values.tolist() == [
        ["子街道", 1, 2, True], ["子街道", 2, 1, True], ["子街道", 3, 0, True],
        ["寅街道", 1, 0, False], ["寅街道", 2, 0, False], ["寅街道", 3, 1, True],
        ["丑镇", 1, 0, True], ["丑镇", 2, 0, False], ["丑镇", 3, 0, False],
    ]


def test_grid_months_stop_at_the_cut_off_and_run_to_december_for_a_finished_year(con):
    assert fr.grid_months(Filters(year=2024, as_of=AS_OF)) == [1, 2, 3]
    assert fr.grid_months(Filters(year=2023, as_of=AS_OF)) == list(range(1, 13))
    assert fr.grid_months(Filters(year=2025, as_of=AS_OF)) == []
    assert fr.grid_months(Filters(year=2024)) == list(range(1, 13))
    assert fr.grid_months(Filters()) == []
    later = fr.completeness_grid(con, Filters(district=D, year=2025, as_of=AS_OF), "activities")
    assert later.empty


def test_grid_follows_the_town_filter(con):
    assert as_lists(con, "activities", towns=("丑镇",)) == {"丑镇": [0, None, None]}


def test_grid_refuses_a_kind_without_one(con):
    with pytest.raises(ValueError):
        fr.completeness_by_town_month(con, Filters(district=D, year=2024, as_of=AS_OF), "appraisals")


# --- freshness per kind, and 数据截至 ---------------------------------------------------

def test_freshness_lists_every_kind_with_counts_and_dates(fixture_con):
    df = fr.freshness_by_kind(fixture_con, Filters(district="测试区")).set_index("kind")
    assert df.index.tolist() == ["towns", "stations", "deputies", "activities", "enterprise_visits",
                                 "enterprise_opinions", "micro_suggestions", "formal_suggestions", "appraisals",
                                 "practice_sites", "rollout_plan"]
    assert df["records"].to_dict() == {
        "towns": 4, "stations": 0, "deputies": 0, "activities": 20, "enterprise_visits": 8,
        "enterprise_opinions": 9, "micro_suggestions": 12, "formal_suggestions": 0, "appraisals": 0,
        "practice_sites": 5, "rollout_plan": 2}
    latest = {k: (v.date() if pd.notna(v) else None) for k, v in df["latest"].items()}
    assert latest == {
        "towns": None, "stations": None, "deputies": None, "activities": dt.date(2025, 6, 30),
        "enterprise_visits": dt.date(2025, 6, 30), "enterprise_opinions": None,
        "micro_suggestions": dt.date(2025, 6, 30), "formal_suggestions": None, "appraisals": None,
        # S4 built on 2025-05-01 is later than any acceptance (S3, 2025-03-01)
        "practice_sites": dt.date(2025, 5, 1), "rollout_plan": None}
    assert df.loc["activities", "earliest"].date() == dt.date(2024, 1, 20)
    assert df.loc["practice_sites", "earliest"].date() == dt.date(2024, 1, 10)
    assert df.loc["rollout_plan", "latest_year"] == 2025
    assert pd.notna(df.loc["activities", "last_loaded"]) and pd.isna(df.loc["stations", "last_loaded"])


def test_the_latest_kind_date_is_the_footers_data_as_of(fixture_con):
    df = fr.freshness_by_kind(fixture_con, Filters(district="测试区"))
    assert df["latest"].max().date() == common.data_as_of(fixture_con, "测试区") == dt.date(2025, 6, 30)


def test_freshness_of_every_district_lists_the_reference_districts_without_records(fixture_con):
    df = fr.freshness_by_kind(fixture_con, Filters())
    assert set(df["district"]) == {"测试区", "清江浦区", "淮安区"}
    qjp = df[df["district"] == "清江浦区"].set_index("kind")
    assert qjp.loc["towns", "records"] > 0 and qjp.loc["activities", "records"] == 0
    assert pd.isna(qjp.loc["activities", "latest"])


def test_data_as_of_counts_a_reply_given_after_the_last_assignment(tmp_path: Path):
    # Regression: data_as_of ignored formal_suggestions.replied_on, so a district whose
    # latest event was a reply showed an older 数据截至 than its data.
    rows = [["建议编号", "区", "会议", "标题", "主办单位", "交办日期", "答复日期"],
            ["F1", "测试区", "区一届人大一次会议", "关于路灯的建议", "区住建局", "2024-03-01", "2024-05-20"]]
    towns = write_csv(tmp_path / "in" / "镇街.csv", [["区", "镇街", "类型"], ["测试区", "甲街道", "街道"]])
    formal = write_csv(tmp_path / "in" / "代表建议.csv", rows)
    assert load([towns, formal], tmp_path / "wh.duckdb").exit_code == 0
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        assert common.data_as_of(con, "测试区") == dt.date(2024, 5, 20)
        assert common.data_as_of(con) == dt.date(2024, 5, 20)
        assert common.data_as_of(con, "淮安区") is None
    finally:
        con.close()


# --- load history -----------------------------------------------------------------------

def test_load_history_and_the_rejects_of_a_past_load(tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    towns = write_csv(tmp_path / "a" / "镇街.csv", [["区", "镇街", "类型"], ["测试区", "甲街道", "街道"]])
    assert load([towns], db, origin="demo").exit_code == 0
    acts = write_csv(tmp_path / "b" / "活动.csv", [
        ["活动编号", "类型", "区", "镇街", "日期"],
        ["A1", "宣讲活动", "测试区", "甲街道", "2024-01-05"],
        ["A2", "宣讲活动", "测试区", "甲街道", "2024-02-30"],
    ])
    report = load([acts], db, loaded_by="clerk@example.org")
    con = duckdb.connect(str(db), read_only=True)
    try:
        hist = fr.load_history(con)
        assert hist["load_id"].tolist() == [3, 2, 1]  # newest first; 1 = the shipped towns
        newest = hist.iloc[0]
        assert (newest["file"], newest["origin"], newest["loaded_by"], newest["status"]) == \
               (str(acts), "user", "clerk@example.org", "partial")
        assert (newest["rows_read"], newest["rows_loaded"], newest["rows_new"], newest["rows_rejected"]) == (2, 1, 1, 1)
        assert newest["sha256"] == report.files[0].sha256
        assert hist["origin"].tolist() == ["user", "demo", "builtin"]
        with_rejects = fr.loads_with_rejects(con)
        assert with_rejects["load_id"].tolist() == [3] and with_rejects["rows_rejected"].tolist() == [1]
        rej = fr.load_rejects(con, 3)
        assert rej[["row", "kind", "column", "value"]].values.tolist() == [[3, "activities", "日期", "2024-02-30"]]
        assert "日期" in rej.loc[0, "reason"]
        assert fr.load_rejects(con, 2).empty
        seen = fr.loads_of_file(con, report.files[0].sha256)
        assert seen["load_id"].tolist() == [3]
        assert fr.loads_of_file(con, "0" * 64).empty
    finally:
        con.close()


# --- the load's summary -----------------------------------------------------------------

def test_the_load_summary_gives_the_cut_off_and_years_the_records_give(fixture_con, monkeypatch):
    districts = (None, "测试区", "清江浦区", "无此区")
    assert common.has_summary(fixture_con)
    fast = [common.data_as_of(fixture_con, d) for d in districts], common.years(fixture_con)
    monkeypatch.setattr(common, "has_summary", lambda con: False)  # the long way: every record
    slow = [common.data_as_of(fixture_con, d) for d in districts], common.years(fixture_con)
    assert fast == slow
    assert fast[0][:2] == [dt.date(2025, 6, 30), dt.date(2025, 6, 30)] and fast[0][3] is None


def test_the_summary_follows_every_load_and_a_warehouse_without_one_is_read_directly(tmp_path: Path):
    header = ["活动编号", "类型", "区", "镇街", "日期"]
    towns = write_csv(tmp_path / "t" / "镇街.csv", [["区", "镇街", "类型"], ["测试区", "甲街道", "街道"]])
    db = tmp_path / "wh.duckdb"

    def activity(aid: str, day: str) -> Path:
        return write_csv(tmp_path / aid / "活动.csv", [header, [aid, "宣讲活动", "测试区", "甲街道", day]])

    def answers() -> tuple:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return common.has_summary(con), common.data_as_of(con, "测试区"), common.data_as_of(con), common.years(con)
        finally:
            con.close()

    assert load([towns, activity("A1", "2023-03-05")], db).exit_code == 0
    assert answers() == (True, dt.date(2023, 3, 5), dt.date(2023, 3, 5), [2023])
    assert load([activity("A2", "2024-07-01")], db).exit_code == 0
    assert answers() == (True, dt.date(2024, 7, 1), dt.date(2024, 7, 1), [2024, 2023])
    con = duckdb.connect(str(db))  # a warehouse written before the summary existed
    con.execute("DROP TABLE etl_summary")
    con.close()
    assert answers() == (False, dt.date(2024, 7, 1), dt.date(2024, 7, 1), [2024, 2023])
    assert load([activity("A3", "2024-08-01")], db).exit_code == 0  # the next load writes it again
    assert answers() == (True, dt.date(2024, 8, 1), dt.date(2024, 8, 1), [2024, 2023])


def test_one_districts_freshness_and_grid_are_its_part_of_every_districts(demo_db: Path):
    """The district narrows the records themselves (so other districts' row groups are
    skipped): what one district shows is exactly its part of the whole warehouse's."""
    with duckdb.connect(str(demo_db), read_only=True) as c:
        every = fr.freshness_by_kind(c, Filters())
        districts = sorted(every["district"].unique())
        assert len(districts) >= 2
        for d in districts:
            mine = fr.freshness_by_kind(c, Filters(district=d))
            assert mine["records"].sum() > 0
            pd.testing.assert_frame_equal(mine, every[every["district"] == d].reset_index(drop=True))
            for kind in fr.GRID_KINDS:
                whole = fr.completeness_by_town_month(c, Filters(year=2023), kind)
                part = fr.completeness_by_town_month(c, Filters(district=d, year=2023), kind)
                assert part["reported"].any(), (d, kind)
                expected = whole[whole["district"] == d].sort_values(["town", "month"]).reset_index(drop=True)
                pd.testing.assert_frame_equal(part.sort_values(["town", "month"]).reset_index(drop=True), expected)


def test_the_activity_rollup_follows_every_load(tmp_path: Path):
    """A changed activity moves in the rollup; a warehouse without one is read directly and
    the next load writes it."""
    header = ["活动编号", "类型", "区", "镇街", "日期", "人大代表人数"]
    towns = write_csv(tmp_path / "t" / "镇街.csv", [["区", "镇街", "类型"], ["测试区", "甲街道", "街道"]])
    db = tmp_path / "wh.duckdb"

    def activities(name: str, *rows: list[object]) -> Path:
        return write_csv(tmp_path / name / "活动.csv", [header, *rows])

    def rollup() -> list[tuple]:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("SELECT town, year, kind, records, participants FROM activity_rollup "
                               "ORDER BY ALL").fetchall()

    assert load([towns, activities("a", ["A1", "宣讲活动", "测试区", "甲街道", "2023-03-05", 4],
                                     ["A2", "工作评议会", "测试区", "甲街道", "2023-05-01", 6])], db).exit_code == 0
    assert rollup() == [("甲街道", 2023, "PUBLICITY", 1, 4), ("甲街道", 2023, "WORK_REVIEW", 1, 6)]
    # A1 again, now in 2024 with 5 deputies, and a third review in 2023.
    assert load([activities("b", ["A1", "宣讲活动", "测试区", "甲街道", "2024-01-02", 5],
                            ["A3", "工作评议会", "测试区", "甲街道", "2023-09-09", 1])], db).exit_code == 0
    assert rollup() == [("甲街道", 2023, "WORK_REVIEW", 2, 7), ("甲街道", 2024, "PUBLICITY", 1, 5)]
    with duckdb.connect(str(db)) as con:  # a warehouse written before the rollup existed
        con.execute("DROP TABLE activity_rollup")
        assert not common.has_rollup(con)
    assert load([activities("c", ["A4", "宣讲活动", "测试区", "甲街道", "2024-03-03", 2])], db).exit_code == 0
    assert rollup() == [("甲街道", 2023, "WORK_REVIEW", 2, 7), ("甲街道", 2024, "PUBLICITY", 2, 7)]
