"""The 明细查询 page as a user sees it (AppTest through the router): every kind opens, the
URL chooses the kind and carries conditions, a large result is paged on the server, and
what an export button would write is exactly what the page shows (or, for "all rows",
exactly ``record_count`` rows).

``big_db`` holds 2,500 activities of 测试区 in 2024 (A0001 … A2500): kind cycles through 5
kinds (A0003, A0008 … are 宣讲活动: 500 of them), town through 4 towns, A0007's topic holds a
mobile number. ``records_db`` is tests/test_queries_records.py's warehouse (every kind).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load
from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_app
from tests.conftest import FIXTURE_TOWNS, write_csv
from tests.test_queries_records import ID_MASKED, PHONE, PHONE_MASKED, records_warehouse
from ui.i18n import CATALOG
from warehouse.filters import Filters
from warehouse.queries import records as rq


@pytest.fixture(autouse=True)
def _as_analyst(monkeypatch):
    """These pages' texts are checked as an analyst sees them: masked (a leader's are in clear)."""
    from tests import apptest

    monkeypatch.setattr(apptest, "DEFAULT_USER", apptest.ANALYST)


PAGE = "views/explore.py"
N_BIG = 2500
KINDS5 = ["街道代表议事会", "工作评议会", "代表选民议事会", "宣讲活动", "代表接待选民"]
TOWNS4 = ["甲街道", "乙镇", "丙街道", "丁办事处"]


def big_activities() -> list[list[object]]:
    rows: list[list[object]] = [["活动编号", "类型", "区", "镇街", "日期", "主题", "人大代表人数", "群众人数"]]
    for i in range(1, N_BIG + 1):
        topic = f"走访联系电话{PHONE}" if i == 7 else f"第{i}次活动"
        rows.append([f"A{i:04d}", KINDS5[i % 5], "测试区", TOWNS4[i % 4],
                     (dt.date(2024, 1, 1) + dt.timedelta(days=i % 366)).isoformat(), topic, i % 50, i % 30])
    return rows


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("explore_big")
    towns = write_csv(tmp / "in" / "towns.csv", FIXTURE_TOWNS)
    acts = write_csv(tmp / "in" / "activities.csv", big_activities())
    db = tmp / "big.duckdb"
    report = load([towns, acts], db)
    assert report.exit_code == 0, report.rejects.head().to_dict("records")
    return db


@pytest.fixture(scope="module")
def records_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return records_warehouse(tmp_path_factory)


def shown(at: AppTest) -> pd.DataFrame:
    assert len(at.dataframe) == 1, "one table of records"
    return at.dataframe[0].value


def range_text(at: AppTest) -> str:
    return next(m.value.strip("*") for m in at.markdown if m.value.startswith("**"))


def visible_columns(kind: str) -> list[str]:
    return [fld.id for fld in rq.fields(kind) if not fld.lineage]


def as_csv_text(v: object) -> str:
    """A screen value as the CSV export spells it."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "item"):
        v = v.item()
    return str(v)


def as_cell(v: object) -> object:
    """A screen value or an xlsx cell, comparable (dates as dates, blanks as None)."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date() if isinstance(v, dt.datetime) else v
    if hasattr(v, "item"):
        return v.item()
    return v


# --- opening -------------------------------------------------------------------------------

def test_every_kind_opens_without_a_problem_and_writes_itself_to_the_url(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    assert at.selectbox(key="ex_kind").value == "activities" and at.query_params["kind"] == "activities"
    con = duckdb.connect(str(records_db), read_only=True)
    try:
        for kind in rq.KIND_NAMES:
            at.selectbox(key="ex_kind").set_value(kind).run()
            assert_no_problem(at)
            assert at.query_params["kind"] == kind
            # Every kind of this warehouse has records in 测试区 2024 (or is not dated).
            f = at.session_state["_filters"]
            assert len(shown(at)) == rq.record_count(con, f, kind) > 0, kind
    finally:
        con.close()


def test_every_kind_opens_in_english_with_english_labels(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, lang="en", district="测试区", year="2024", kind="micro_suggestions")
    assert_no_problem(at)
    assert at.title[0].value == "Record explorer"
    assert range_text(at) == "Rows 1–11 of 11"
    header = export_csv_rows(at, "explore_page")[0]
    assert header[:6] == ["Suggestion ID", "Submitted on", "District", "Town", "Category", "Status"]
    assert "Town counted" in header
    df = shown(at)
    assert set(df["status"]) <= {"Submitted", "Closed", "Not accepted", "In progress", "Accepted", "Assigned"}
    assert set(df["town_counted"]) == {"Yes", "No"}
    for kind in rq.KIND_NAMES:
        at.selectbox(key="ex_kind").set_value(kind).run()
        assert_no_problem(at)


def test_every_added_column_has_a_label_in_both_languages():
    for kind in rq.KIND_NAMES:
        for fld in rq.fields(kind):
            if not fld.label:
                zh, en = CATALOG[f"ex.field.{fld.id}"]
                assert zh and en


# --- the URL --------------------------------------------------------------------------------

def test_the_kind_in_the_url_selects_the_kind(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024", kind="enterprise_opinions")
    assert_no_problem(at)
    assert at.selectbox(key="ex_kind").value == "enterprise_opinions"
    # 2024's opinions, newest visit first: V4 (O5), V3 (O4), V2 (O3), V5 (O6), V1 (O1, O2).
    assert shown(at)["opinion_id"].tolist() == ["O5", "O4", "O3", "O6", "O1", "O2"]
    assert any("走访" in c.value for c in at.caption)  # says that the visit decides the scope
    # The source columns are hidden until asked for, then shown last (and exported).
    assert export_csv_rows(at, "explore_page")[0][-1] == "镇街纳入统计"
    at.toggle(key="ex_lineage").set_value(True).run()
    rows = export_csv_rows(at, "explore_page")
    assert rows[0][-3:] == ["来源文件", "工作表", "行号"]
    assert rows[1][0] == "O5" and rows[1][-3:] == ["records.xlsx", "企业意见", "6"]  # the 5th opinion: row 6


def test_a_bad_kind_in_the_url_gives_a_notice_and_falls_back(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024", kind="nonsense'; DROP TABLE x")
    assert_no_problem(at)
    assert any("nonsense" in w.value and "活动" in w.value for w in at.warning)
    assert at.selectbox(key="ex_kind").value == "activities"
    assert len(shown(at)) == 14


def test_conditions_in_the_url_apply_and_a_bad_one_is_named(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024", kind="enterprise_opinions",
                  **{"col.category": "BUSINESS_ENV", "col.bogus": "1", "col.status": "NOPE"})
    assert_no_problem(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "bogus" in warnings and "NOPE" in warnings
    assert shown(at)["opinion_id"].tolist() == ["O1"]
    assert shown(at)["category"].tolist() == ["营商环境"]
    at.button(key="ex_url_clear").click().run()
    assert not [k for k in at.query_params if k.startswith("col.")]
    assert len(shown(at)) == 6


def test_filters_that_do_not_apply_to_the_kind_are_named(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024", town="甲街道", kind="rollout_plan")
    assert_no_problem(at)
    assert any("镇街筛选不适用" in i.value for i in at.info)
    assert len(shown(at)) == 1
    at.selectbox(key="ex_kind").set_value("towns").run()
    assert any("年度筛选不适用" in i.value for i in at.info)
    assert shown(at)["town"].tolist() == ["甲街道"]


# --- paging ---------------------------------------------------------------------------------

def test_paging_through_a_result_larger_than_a_page(big_db, monkeypatch):
    at = open_app(big_db, monkeypatch, PAGE, district="测试区", year="2024", kind="activities")
    assert_no_problem(at)
    assert len(shown(at)) == 100 and range_text(at) == "第 1–100 条，共 2,500 条"
    at.selectbox(key="ex_size").set_value(1000).run()
    at.selectbox(key="ex_sort_activities").set_value("activity_id").run()
    at.segmented_control(key="ex_dir_activities").set_value("asc").run()
    assert shown(at)["activity_id"].tolist() == [f"A{i:04d}" for i in range(1, 1001)]
    at.number_input(key="ex_page").set_value(2).run()
    assert range_text(at) == "第 1,001–2,000 条，共 2,500 条"
    assert shown(at)["activity_id"].tolist() == [f"A{i:04d}" for i in range(1001, 2001)]
    at.number_input(key="ex_page").set_value(3).run()
    assert shown(at)["activity_id"].tolist() == [f"A{i:04d}" for i in range(2001, 2501)]
    # A new order starts again on page 1.
    at.segmented_control(key="ex_dir_activities").set_value("desc").run()
    assert at.number_input(key="ex_page").value == 1
    assert shown(at)["activity_id"].tolist() == [f"A{i:04d}" for i in range(2500, 1500, -1)]
    assert_no_problem(at)


# --- exports --------------------------------------------------------------------------------

def _count(db: Path, f: Filters, kind: str, conditions: tuple = ()) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return rq.record_count(con, f, kind, conditions)
    finally:
        con.close()


def _publicity_view(big_db: Path, monkeypatch) -> AppTest:
    at = open_app(big_db, monkeypatch, PAGE, district="测试区", year="2024", kind="activities")
    at.multiselect(key="ex_cols_activities").set_value(["kind"]).run()
    at.multiselect(key="ex_activities_kind_in").set_value(["PUBLICITY"]).run()
    assert_no_problem(at)
    return at


def test_the_page_export_holds_exactly_the_rows_on_screen(big_db, monkeypatch):
    at = _publicity_view(big_db, monkeypatch)
    assert range_text(at) == "第 1–100 条，共 500 条"
    screen = shown(at)
    assert set(screen["kind"]) == {"宣讲活动"}
    cols = visible_columns("activities")
    rows = export_csv_rows(at, "explore_page")
    assert rows[0] == [(fld.label or CATALOG[f"ex.field.{fld.id}"][0]) for fld in rq.fields("activities")
                       if not fld.lineage]
    assert rows[1:] == [[as_csv_text(v) for v in r] for r in screen[cols].itertuples(index=False)]
    meta, xlsx = export_xlsx_frame(at, "explore_page")
    assert len(xlsx) == 100
    assert [[as_cell(v) for v in r] for r in xlsx.itertuples(index=False)] == \
        [[as_cell(v) for v in r] for r in screen[cols].itertuples(index=False)]
    assert any("类型为宣讲活动" in line for line in meta)  # the column condition in words
    assert any(line.startswith("数据截至") for line in meta)


def test_the_all_rows_export_holds_every_matching_row(big_db, monkeypatch):
    at = _publicity_view(big_db, monkeypatch)
    expected = _count(big_db, at.session_state["_filters"], "activities", (("kind", "in", ("PUBLICITY",)),))
    assert expected == 500
    rows = export_csv_rows(at, "explore")
    assert len(rows) - 1 == expected
    assert {r[1] for r in rows[1:]} == {"宣讲活动"}
    assert len({r[0] for r in rows[1:]}) == 500
    # In the page's order: the first 100 are the page on screen.
    assert [r[0] for r in rows[1:101]] == shown(at)["activity_id"].tolist()
    meta, xlsx = export_xlsx_frame(at, "explore")
    assert len(xlsx) == 500 and any("宣讲活动" in line for line in meta)


def test_texts_are_masked_on_screen_and_in_both_exports(big_db, monkeypatch):
    at = open_app(big_db, monkeypatch, PAGE, district="测试区", year="2024", kind="activities")
    at.multiselect(key="ex_cols_activities").set_value(["topic"]).run()
    at.text_input(key="ex_activities_topic_text").input("联系电话").run()
    assert_no_problem(at)
    assert shown(at)["topic"].tolist() == [f"走访联系电话{PHONE_MASKED}"]
    for key in ("explore", "explore_page"):
        text = repr(export_csv_rows(at, key)) + repr(export_xlsx_frame(at, key))
        assert PHONE not in text and PHONE_MASKED in text
    # The hidden digits are not searchable (the 8 shown, then the hidden 1234).
    at.text_input(key="ex_activities_topic_text").input("81234").run()
    assert_no_problem(at)
    assert any("没有符合条件" in i.value for i in at.info)


def test_a_search_in_micro_texts_on_the_page(records_db, monkeypatch):
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024", kind="micro_suggestions")
    at.multiselect(key="ex_cols_micro_suggestions").set_value(["content"]).run()
    at.text_input(key="ex_micro_suggestions_content_text").input("1234").run()
    assert_no_problem(at)
    assert shown(at)["suggestion_id"].tolist() == ["N2"]
    assert shown(at)["content"].tolist() == [f"身份证{ID_MASKED}的居民反映"]


def test_returning_from_another_page_keeps_the_kind_of_the_url(records_db, monkeypatch):
    # Regression: the selector's state is dropped while another page runs; coming back
    # must show the URL's kind, not the default (and must not rewrite the URL to it).
    at = open_app(records_db, monkeypatch, PAGE, district="测试区", year="2024", kind="micro_suggestions")
    at.switch_page("views/overview.py").run()
    assert at.query_params.get("kind") == "micro_suggestions"
    at.switch_page(PAGE).run()
    assert_no_problem(at)
    assert at.selectbox(key="ex_kind").value == "micro_suggestions"
    assert at.query_params["kind"] == "micro_suggestions"


def test_a_year_chosen_in_the_sidebar_sticks_although_the_page_adds_its_own_url_parameters(demo_db, monkeypatch):
    """The explorer adds ``kind`` to the URL after the sidebar wrote the filters there; the
    next run used to take that for a new link and read the old year back from the URL,
    undoing the choice (found by bench/soak.py)."""
    at = open_app(demo_db, monkeypatch, PAGE, district="淮安区", year="2022")
    assert at.query_params["kind"] == "activities"
    year = next(s for s in at.sidebar.selectbox if s.label == CATALOG["filter.year"][0])
    assert year.value == 2022
    year.set_value(2024).run()
    assert_no_problem(at)
    year = next(s for s in at.sidebar.selectbox if s.label == CATALOG["filter.year"][0])
    assert year.value == 2024
    assert at.query_params["year"] == "2024" and at.query_params["kind"] == "activities"
    at.run()  # and it stays
    assert next(s for s in at.sidebar.selectbox if s.label == CATALOG["filter.year"][0]).value == 2024
