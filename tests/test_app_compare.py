"""The 对比排名 page as a user sees it (Streamlit's AppTest), in Chinese and in English: the
ranking table is the query's ranking (switching the measure and the per-100-deputies
switch change it), a click on a bar selects the town and links to its profile, the town
filter narrows the list but keeps the district's ranks, the export holds the rows on
screen, and on the demo warehouse both districts stand side by side with their totals.

Expectations by hand: the shared fixture (tests/conftest.py, 测试区 2024) and the compare
warehouse with deputies (tests/test_queries_compare.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, open_app, select_points
from tests.test_queries_compare import build_compare_warehouse
from warehouse.filters import Filters
from warehouse.queries import towns

PAGE = "views/compare.py"
CHART = "cmp_pick_town_0"
AS_OF = dt.date(2025, 6, 30)  # the fixture's 数据截至


@pytest.fixture(scope="module")
def compare_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("compare_app")
    return build_compare_warehouse(tmp / "compare.duckdb", tmp)


def ranking_table(at: AppTest) -> pd.DataFrame:
    """The first table of the page: the ranking (rank label, town, value, deputies …)."""
    return at.dataframe[0].value


def district_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[1].value


def rows(table: pd.DataFrame) -> list[tuple]:
    return [(tw, None if pd.isna(v) else round(float(v), 6), r)
            for tw, v, r in zip(table["town"], table["value"], table["rank_label"])]


def town_ranking(db: Path, f: Filters, measure: str, per_deputies: bool = False) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return towns.town_ranking(con, f, measure, per_deputies)
    finally:
        con.close()


def one_decimal(x: float) -> str:
    """As the page shows a normalised figure: one decimal, none when it is whole."""
    text = f"{x:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def page_links(at: AppTest) -> list[dict[str, object]]:
    return [{"page": p.proto.page, "params": parse_qs(p.proto.query_string)} for p in at.get("page_link")]


def choose(at: AppTest, measure: str) -> AppTest:
    at.selectbox(key="cmp_measure").set_value(measure).run()
    return at


# --- opening -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_page_opens_with_the_ranking_and_the_districts(fixture_db, monkeypatch, lang):
    at = open_app(fixture_db, monkeypatch, PAGE, lang, district="测试区", year="2024")
    assert_no_problem(at)
    assert at.title[0].value == ("对比排名" if lang == "zh" else "Compare and rank")
    assert [s.value for s in at.main.subheader] == (["镇街排名", "各区对比"] if lang == "zh"
                                               else ["Towns ranked", "The districts side by side"])
    assert CHART in [c.key for c in at.get("plotly_chart")]
    assert len(at.dataframe) == 2
    measure = at.selectbox(key="cmp_measure")
    assert measure.value == "activities" and measure.help, "the measure's definition is its help"
    assert measure.options[0] == ("镇人代会/街道代表议事会" if lang == "zh" else "Town congresses / street councils")
    # 2024 activities: 甲 J1-J4 + P1 = 5, 丙 B1-B5 = 5, 乙 Y1 Y2 P2 = 3; the rank labels in the language.
    tied, third = ("第1名（并列）", "第3名") if lang == "zh" else ("#1 (tied)", "#3")
    assert rows(ranking_table(at)) == [("丙街道", 5.0, tied), ("甲街道", 5.0, tied), ("乙镇", 3.0, third)]


def test_the_ranking_table_equals_town_ranking(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    f = Filters(district="测试区", year=2024, as_of=AS_OF)
    for measure in ("activities", "congress", "participants", "micro_submitted"):
        expected = town_ranking(fixture_db, f, measure)
        table = ranking_table(choose(at, measure))
        assert_no_problem(at)
        assert table["town"].tolist() == expected["town"].tolist(), measure
        assert table["value"].tolist() == expected["value"].tolist(), measure
        assert table["deputies"].tolist() == expected["deputies"].tolist(), measure
        ties = expected["rank"].duplicated(keep=False)
        assert table["rank_label"].tolist() == [f"第{r}名（并列）" if tie else f"第{r}名"
                                                for r, tie in zip(expected["rank"], ties)], measure


def test_switching_the_measure_reranks_the_towns(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = choose(at, "congress")
    assert_no_problem(at)
    assert rows(ranking_table(at)) == [("丙街道", 3.0, "第1名"), ("乙镇", 2.0, "第2名（并列）"),
                                       ("甲街道", 2.0, "第2名（并列）")]
    assert "共 3 个镇街参与排名，全区中位数 2。" in [c.value for c in at.caption]
    at = choose(at, "review")  # 丙 B4 B5, 甲 J3, 乙 none
    assert rows(ranking_table(at)) == [("丙街道", 2.0, "第1名"), ("甲街道", 1.0, "第2名"), ("乙镇", 0.0, "第3名")]


def test_the_per_100_deputies_switch_divides_by_each_towns_deputies(compare_db, monkeypatch):
    at = open_app(compare_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = choose(at, "congress")
    assert rows(ranking_table(at)) == [("乙镇", 3.0, "第1名"), ("丙街道", 2.0, "第2名（并列）"),
                                       ("甲街道", 2.0, "第2名（并列）")]
    at.toggle(key="cmp_per100").set_value(True).run()
    assert_no_problem(at)
    # 乙 3/2·100, 甲 2/4·100; 丙街道 has no deputies: no value, no rank, last.
    table = ranking_table(at)
    assert rows(table) == [("乙镇", 150.0, "第1名"), ("甲街道", 50.0, "第2名"), ("丙街道", None, "—")]
    assert table["deputies"].tolist() == [2, 4, 0]
    captions = [c.value for c in at.caption]
    assert "共 2 个镇街参与排名，全区中位数 100。" in captions
    assert "1 个镇街没有数值（没有代表），不参与排名，列在最后。" in captions
    at.toggle(key="cmp_per100").set_value(False).run()
    assert rows(ranking_table(at))[0] == ("乙镇", 3.0, "第1名")


def test_per_100_deputies_is_not_offered_for_rates_and_states(compare_db, monkeypatch):
    at = open_app(compare_db, monkeypatch, PAGE, district="测试区", year="2024")
    at.toggle(key="cmp_per100").set_value(True).run()
    for measure in ("opinion_resolution_rate", "deputies"):
        at = choose(at, measure)
        assert_no_problem(at)
        assert "cmp_per100" not in [x.key for x in at.toggle]
        assert at.toggle(key="cmp_per100_na").disabled
    # 甲街道 1 of 2 opinions resolved; 乙, 丙 have none: no rate, no rank.
    at = choose(at, "opinion_resolution_rate")
    assert rows(ranking_table(at)) == [("甲街道", 0.5, "第1名"), ("丙街道", None, "—"), ("乙镇", None, "—")]
    assert "2 个镇街没有数值（没有可计算比率的记录），不参与排名，列在最后。" in [c.value for c in at.caption]


# --- drilling from a bar -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_selecting_a_bar_shows_the_chip_and_a_link_to_the_town_profile(fixture_db, monkeypatch, lang):
    at = open_app(fixture_db, monkeypatch, PAGE, lang, district="测试区", year="2024")
    assert not page_links(at) or all(x["page"] != "town" for x in page_links(at))
    at = select_points(at, CHART, ["甲街道"])
    assert_no_problem(at)
    chip = "镇街：甲街道" if lang == "zh" else "Town：甲街道"
    assert any(chip in m.value for m in at.markdown), "the selection is shown as a chip"
    params = {"district": ["测试区"], "town": ["甲街道"], "year": ["2024"]}
    if lang == "en":
        params["lang"] = ["en"]
    assert {"page": "town", "params": params} in page_links(at)
    assert "cmp_clear" in [b.key for b in at.button]
    at.button(key="cmp_clear").click().run()
    assert_no_problem(at)
    assert "cmp_clear" not in [b.key for b in at.button]
    assert all(x["page"] != "town" for x in page_links(at))


def test_a_selected_town_of_all_districts_links_to_its_own_district(compare_db, monkeypatch):
    at = open_app(compare_db, monkeypatch, PAGE, district="all", year="2024")
    at = choose(at, "congress")
    at = select_points(at, CHART, ["丑镇"])
    assert_no_problem(at)
    assert any("镇街：对照区 丑镇" in m.value for m in at.markdown)
    assert {"page": "town", "params": {"district": ["对照区"], "town": ["丑镇"], "year": ["2024"]}} \
        in page_links(at)


# --- scope: all districts, a few towns ---------------------------------------------------

def test_all_districts_rank_every_districts_towns_together(compare_db, monkeypatch):
    at = open_app(compare_db, monkeypatch, PAGE, district="all", year="2024")
    at = choose(at, "congress")
    at.toggle(key="cmp_per100").set_value(True).run()
    assert_no_problem(at)
    table = ranking_table(at)
    assert rows(table.head(4)) == [("乙镇", 150.0, "第1名"), ("丑镇", 80.0, "第2名"), ("甲街道", 50.0, "第3名"),
                                   ("子街道", 40.0, "第4名")]
    assert table["district"].head(4).tolist() == ["测试区", "对照区", "测试区", "对照区"]
    # The reference towns of 清江浦区 and 淮安区 have no deputies in this warehouse: unranked.
    assert (table["rank_label"].iloc[4:] == "—").all()
    assert "共 4 个镇街参与排名，全部镇街中位数 65。" in [c.value for c in at.caption]


def test_the_town_filter_narrows_the_list_but_keeps_the_districts_ranks(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024", town=["甲街道", "乙镇"])
    at = choose(at, "congress")
    assert_no_problem(at)
    assert rows(ranking_table(at)) == [("乙镇", 2.0, "第2名（并列）"), ("甲街道", 2.0, "第2名（并列）")]
    assert "显示所选 2 个镇街；共 3 个镇街参与排名，全区中位数 2。" in [c.value for c in at.caption]
    assert [r[1] for r in export_csv_rows(at, "cmp_ranking")[1:]] == ["乙镇", "甲街道"]


# --- exports -----------------------------------------------------------------------------

def test_the_ranking_export_holds_exactly_the_rows_on_screen(compare_db, monkeypatch):
    at = open_app(compare_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = choose(at, "congress")
    at.toggle(key="cmp_per100").set_value(True).run()
    table = ranking_table(at)
    exported = export_csv_rows(at, "cmp_ranking")
    assert exported[0] == ["名次", "镇街", "镇人代会/街道代表议事会（每百名代表）", "代表人数"]
    assert exported[1:] == [["1", "乙镇", "150", "2"], ["2", "甲街道", "50", "4"], ["", "丙街道", "", "0"]]
    assert [r[1] for r in exported[1:]] == table["town"].tolist()


def test_the_ranking_export_of_all_districts_names_the_district(compare_db, monkeypatch):
    at = open_app(compare_db, monkeypatch, PAGE, district="all", year="2024")
    table = ranking_table(at)
    exported = export_csv_rows(at, "cmp_ranking")
    assert exported[0] == ["名次", "区", "镇街", "活动总数", "代表人数"]
    assert [(r[1], r[2]) for r in exported[1:]] == list(zip(table["district"], table["town"]))


# --- the districts side by side (demo warehouse) -----------------------------------------

def test_demo_2023_puts_both_districts_side_by_side_with_their_totals(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023")
    assert_no_problem(at)
    assert "两区对比" in [s.value for s in at.main.subheader]
    table = district_table(at).set_index("measure")
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        for district in ("清江浦区", "淮安区"):
            wide = towns.town_measures(con, Filters(district=district, year=2023))
            for measure, label in (("activities", "活动总数"), ("visits", "走访企业"), ("congress",
                                                                                     "镇人代会/街道代表议事会")):
                total = int(wide[measure].sum())
                assert table.loc[label, f"{district}|total"] == f"{total:,}", (district, measure)
                assert table.loc[label, f"{district}|per_town"] == one_decimal(total / len(wide)), (district, measure)
            deputies = int(wide["deputies"].sum())
            assert table.loc["代表人数", f"{district}|total"] == f"{deputies:,}"
            assert table.loc["代表人数", f"{district}|per_town"] == "—", "states are not normalised"
            sizes = f"{district}：{len(wide)} 个镇街、{deputies} 名代表"
            assert any(sizes in c.value for c in at.caption), sizes
    finally:
        con.close()
    assert table.loc["意见办结率", "清江浦区|total"].endswith("%")
    # The article's figure for 清江浦区 2023: 228 enterprise visits.
    assert table.loc["走访企业", "清江浦区|total"] == "228"


def test_demo_district_export_has_the_numbers_of_the_table(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023")
    exported = export_csv_rows(at, "cmp_districts")
    assert exported[0][0] == "指标" and "清江浦区 · 合计" in exported[0] and "淮安区 · 每百名代表" in exported[0]
    assert len(exported) == 1 + len(towns.MEASURES)
    by_measure = {r[0]: dict(zip(exported[0], r)) for r in exported[1:]}
    assert by_measure["走访企业"]["清江浦区 · 合计"] == "228"
    assert by_measure["意见办结率（%）"]["清江浦区 · 每镇街"] == ""  # rates are not normalised


def test_the_normalisation_switch_redraws_the_districts_chart(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023")
    assert at.segmented_control(key="cmp_norm").value == "per_town"
    at.segmented_control(key="cmp_norm").set_value("per_100_deputies").run()
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == "cmp_districts_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["title"]["text"] == "计数类指标：每百名代表"
    # The first panel: congresses per 100 deputies of each district (code order: 淮安区 first).
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        expected = []
        for district in ("淮安区", "清江浦区"):
            wide = towns.town_measures(con, Filters(district=district, year=2023))
            expected.append(wide["congress"].sum() / wide["deputies"].sum() * 100)
    finally:
        con.close()
    first = spec["data"][0]
    assert first["x"] == ["淮安区", "清江浦区"] and first["y"] == pytest.approx(expected)


def test_a_ranking_longer_than_the_chart_draws_its_first_towns_and_tables_all(fixture_db, monkeypatch):
    """A province ranks tens of thousands of towns (a bar each took 13 s to build): the
    chart draws the first ``frame.RANKED_MAX`` and says so; the median line, the table and
    the export keep the whole ranking. 2024 activities with the cut at two: 丙街道 and
    甲街道 (5 each) drawn, 乙镇 (3) in the table."""
    from ui import frame

    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == CHART)
    spec = json.loads(chart.proto.spec)
    (bars,) = spec["data"]
    assert bars["y"] == ["丙街道", "甲街道"]
    assert "图中为排名前 2 的镇街（共 3 个）；完整排名见右侧表格与导出。" in [c.value for c in at.caption]
    assert [r[0] for r in rows(ranking_table(at))] == ["丙街道", "甲街道", "乙镇"]
    assert [r[1] for r in export_csv_rows(at, "cmp_ranking")[1:]] == ["丙街道", "甲街道", "乙镇"]
    median_line = [s for s in spec["layout"]["shapes"] if s.get("line", {}).get("dash") == "dash"]
    assert median_line and median_line[0]["x0"] == 5.0  # the median of 5, 5 and 3
