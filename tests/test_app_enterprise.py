"""The 进企业促发展 page as a user sees it (Streamlit's AppTest), in Chinese and in English: no
exception, the KPI cards show the figures computed by hand from this subject's own
fixture warehouse (tests/test_queries_enterprise.py, 测试区 2024) and, on the demo
warehouse, the article's figures (清江浦区 2023); a click on a bar narrows the list (and a
town, the cards and the funnel); every export holds the rows on screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reports import tabular
from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_alone, open_app, select_points
from tests.test_queries_enterprise import ID_NUMBER, PHONE, XSS, build_enterprise_warehouse
from warehouse.filters import Filters


@pytest.fixture(autouse=True)
def _as_analyst(monkeypatch):
    """These pages' texts are checked as an analyst sees them: masked (a leader's are in clear)."""
    from tests import apptest

    monkeypatch.setattr(apptest, "DEFAULT_USER", apptest.ANALYST)


PAGE = "views/enterprise.py"

# 测试区 2024, by hand (see the table in tests/test_queries_enterprise.py): 5 visits, 4
# enterprises, 14 person-times, 3 questionnaires (60 %), 7 opinions (5 + 2), 4 resolved
# (57 %), median 21 days over P1 10, P3 21, P6 30.
FIXTURE_KPIS = {
    "zh": {"走访次数": "5", "走访企业数": "4", "代表参与人次": "14", "回收问卷": "3", "问卷回收率": "60%",
           "意见建议合计": "7", "企业提出意见": "5", "代表提出意见建议": "2", "意见办结率": "57%",
           "办结用时中位数": "21 天"},
    "en": {"Visits": "5", "Enterprises visited": "4", "Deputy person-times": "14", "Questionnaires": "3",
           "Return rate": "60%", "Opinions in all": "7", "Enterprises' opinions": "5",
           "Deputies' suggestions": "2", "Resolution rate": "57%", "Median days": "21 days"},
}
# 乙镇 2024 alone, by hand: E3 (丙食品, deputies 0 + 0 + 2 + 3, no questionnaire) with P4
# (enterprise, 已交办) and P5 (deputy, 未交办): nothing resolved.
YI_KPIS = {"走访次数": "1", "走访企业数": "1", "代表参与人次": "5", "回收问卷": "0", "问卷回收率": "0%",
           "意见建议合计": "2", "企业提出意见": "1", "代表提出意见建议": "1", "意见办结率": "0%", "办结用时中位数": "—"}
ALL_2024 = ["P7", "P6", "P4", "P5", "P3", "P1", "P2"]


@pytest.fixture(scope="module")
def enterprise_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("enterprise_app")
    return build_enterprise_warehouse(tmp / "enterprise.duckdb", tmp)


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    return open_app(db, monkeypatch, PAGE, lang, **params)


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def opinion_table(at: AppTest):
    assert len(at.dataframe) == 1, "the opinion list is the page's only table"
    return at.dataframe[0].value


def cell(v: object) -> str:
    """A value as the CSV export writes it (dates ISO, blanks empty)."""
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    return tabular._cell_text(None if tabular._missing(v) else v)


def screen_rows(table) -> list[list[str]]:
    """The rows of a table element as shown: its visible columns, in their order."""
    df = table.value
    columns = list(table.proto.column_order) or list(df.columns)
    return [[cell(v) for v in row] for row in df[columns].itertuples(index=False)]


def page_links(at: AppTest) -> dict[str, dict[str, list[str]]]:
    """The page links shown: label -> query parameters."""
    return {e.proto.label: parse_qs(e.proto.query_string) for e in at.get("page_link")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_enterprise_page_shows_the_hand_computed_kpis_for_the_fixture_year(enterprise_db, monkeypatch, lang):
    at = open_page(enterprise_db, monkeypatch, lang, district="测试区", year="2024")
    assert_no_problem(at)
    assert at.title[0].value == ("进企业促发展" if lang == "zh" else "Enterprise visits")
    assert kpis(at) == FIXTURE_KPIS[lang]
    assert all(m.help for m in at.metric), "every KPI card carries its definition as a tooltip"
    levels = "省级 1 · 市级 2 · 区级 6 · 镇级 5" if lang == "zh" else "provincial 1 · city 2 · district 6 · town 5"
    assert any(levels in c.value for c in at.caption)
    assert opinion_table(at)["opinion_id"].tolist() == ALL_2024


def test_the_opinion_list_shows_texts_masked_and_literal(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    content = opinion_table(at).set_index("opinion_id")["content"]
    assert content["P2"] == XSS  # shown as text in a dataframe cell, never as HTML
    assert "138****5678" in content["P1"] and "320***********1234" in content["P3"]
    shown = " ".join(str(e.value) for e in at.markdown) + " ".join(content)
    assert PHONE not in shown and ID_NUMBER not in shown


def test_selecting_a_category_bar_narrows_the_list_and_clear_restores_it(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    at = select_points(at, "en_pick_category_0", ["BUSINESS_ENV"])
    assert_no_problem(at)
    assert opinion_table(at)["opinion_id"].tolist() == ["P6", "P3", "P1"]
    assert any("类别：营商环境" in m.value for m in at.markdown), "the active selection is shown as a chip"
    assert any(c.value.startswith("共 3 条（所选范围内共 7 条）") for c in at.caption)

    at.button(key="en_clear").click().run()
    assert_no_problem(at)
    assert opinion_table(at)["opinion_id"].tolist() == ALL_2024
    assert not any("类别：营商环境" in m.value for m in at.markdown)
    assert "en_clear" not in [b.key for b in at.button], "no chip, no clear button"


def test_selecting_a_town_bar_narrows_the_list_to_that_town(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, "en", district="测试区", year="2024")
    at = select_points(at, "en_pick_town_0", ["乙镇"])
    assert_no_problem(at)
    assert opinion_table(at)["opinion_id"].tolist() == ["P4", "P5"]
    assert any("Town：乙镇" in m.value for m in at.markdown)


def test_a_town_picked_in_the_chart_narrows_the_cards_and_funnel_and_offers_its_profile(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    assert kpis(at) == FIXTURE_KPIS["zh"]
    at = select_points(at, "en_pick_town_0", ["乙镇"])
    assert_no_problem(at)
    assert kpis(at) == YI_KPIS
    assert any("乙镇" in c.value and "所选镇街" in c.value for c in at.caption)
    # The funnel's rows, cross-checked against the query with the narrowed filter.
    funnel = export_csv_rows(at, "en_funnel")
    assert [r[:2] for r in funnel[1:]] == [["走访企业", "1"], ["回收问卷", "0"], ["意见建议", "2"], ["已交办", "1"],
                                           ["已办结", "0"]]
    # A single town: its profile and its records, with the filters of the page.
    links = page_links(at)
    assert links["打开乙镇画像"] == {"district": ["测试区"], "town": ["乙镇"], "year": ["2024"]}
    assert links["查看明细记录"]["kind"] == ["enterprise_opinions"] and links["查看明细记录"]["town"] == ["乙镇"]
    # The town chart itself still shows every town, so another town can be added.
    assert [r[0] for r in export_csv_rows(at, "en_towns")[1:]] == ["甲街道", "丙街道", "乙镇"]

    at.button(key="en_clear").click().run()
    assert_no_problem(at)
    assert kpis(at) == FIXTURE_KPIS["zh"]
    assert not page_links(at)


def test_two_towns_narrow_the_cards_to_both_and_offer_no_single_profile(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    at = select_points(at, "en_pick_town_0", ["乙镇", "丙街道"])
    assert_no_problem(at)
    # 乙镇 (E3: P4, P5) and 丙街道 (E5: P7 resolved without a date): 2 visits, 3 opinions.
    shown = kpis(at)
    assert (shown["走访次数"], shown["意见建议合计"], shown["意见办结率"]) == ("2", "3", "33%")
    assert opinion_table(at)["opinion_id"].tolist() == ["P7", "P4", "P5"]
    assert not page_links(at)


def test_the_opinion_export_holds_the_rows_on_screen(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    rows = export_csv_rows(at, "en_opinions")
    assert rows[0] == ["意见编号", "走访日期", "镇街", "企业", "类别", "内容", "来源", "办理状态", "办结日期", "行业"]
    assert rows[1:] == screen_rows(at.dataframe[0]) and len(rows) == 1 + 7
    assert rows[1][:5] == ["P7", "2024-09-01", "丙街道", "丁软件", "基础设施"]
    # A blank industry in words: it used to show as "nan" (pandas 3 keeps NaN, not None,
    # in a string column).
    assert rows[1][-1] == "未填写"
    assert PHONE not in str(rows) and "138****5678" in str(rows)  # masked as on screen

    at = select_points(at, "en_pick_category_0", ["BUSINESS_ENV"])
    rows = export_csv_rows(at, "en_opinions")
    assert [r[0] for r in rows[1:]] == ["P6", "P3", "P1"] and rows[1:] == screen_rows(at.dataframe[0])
    meta, records = export_xlsx_frame(at, "en_opinions")
    assert any("类别：营商环境" in line for line in meta) and len(records) == 3


def test_every_chart_of_the_page_offers_its_rows(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    assert export_csv_rows(at, "en_status")[1:] == [["未交办", "1", "0.14285714285714285"], ["已交办", "1",
                                                     "0.14285714285714285"], ["办理中", "1", "0.14285714285714285"],
                                                    ["已办结", "4", "0.5714285714285714"]]
    cats = {r[0]: r[1:] for r in export_csv_rows(at, "en_categories")[1:]}
    assert cats["营商环境"] == ["3", "3", "0", "3"] and cats["其他"] == ["0", "0", "0", "0"]
    assert export_csv_rows(at, "en_industries")[1:][-1] == ["未填写", "1", "1", "1"]
    assert export_csv_rows(at, "en_towns") == [["镇街", "走访次数", "走访企业数", "意见建议（条）", "已办结"],
                                               ["甲街道", "3", "2", "4", "3"], ["丙街道", "1", "1", "1", "1"],
                                               ["乙镇", "1", "1", "2", "0"]]


def test_source_and_search_narrow_the_list(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    at.segmented_control(key="en_source").set_value("DEPUTY").run()
    assert opinion_table(at)["opinion_id"].tolist() == ["P5", "P2"]
    at.segmented_control(key="en_source").set_value(None).run()
    at.text_input(key="en_search").input("甲科技").run()
    assert_no_problem(at)
    assert opinion_table(at)["opinion_id"].tolist() == ["P6", "P1", "P2"]


def test_a_year_with_visits_but_no_opinions_says_so(enterprise_db, monkeypatch):
    at = open_alone(enterprise_db, monkeypatch, PAGE, Filters(district="测试区", year=2025, as_of=dt.date(2025, 2, 1)))
    assert_no_problem(at)
    assert kpis(at)["走访次数"] == "1" and kpis(at)["意见办结率"] == "—" and kpis(at)["办结用时中位数"] == "—"
    assert "2025年的走访暂无意见建议记录。" in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_year_without_records_says_what_is_missing(enterprise_db, monkeypatch, lang):
    at = open_alone(enterprise_db, monkeypatch, PAGE, Filters(district="测试区", year=2019), lang)
    assert_no_problem(at)
    expected = "2019年暂无企业走访记录。" if lang == "zh" else "No enterprise visits on record (2019)."
    assert expected in [i.value for i in at.info]
    assert kpis(at)["走访次数" if lang == "zh" else "Visits"] == "0"
    assert not at.get("plotly_chart") and not at.dataframe


# --- the demo warehouse ------------------------------------------------------------------


DEMO_KPIS = {
    "zh": {"走访次数": "228", "走访企业数": "228", "代表参与人次": "428", "回收问卷": "228", "企业提出意见": "164",
           "代表提出意见建议": "83"},
    "en": {"Visits": "228", "Enterprises visited": "228", "Deputy person-times": "428", "Questionnaires": "228",
           "Enterprises' opinions": "164", "Deputies' suggestions": "83"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_qingjiangpu_2023_shows_the_articles_enterprise_figures(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="清江浦区", year="2023")
    assert_no_problem(at)
    shown = kpis(at)
    assert {k: shown[k] for k in DEMO_KPIS[lang]} == DEMO_KPIS[lang]
    table = opinion_table(at)
    assert len(table) == 164 + 83 and table["opinion_id"].is_unique
    # The demo's contact numbers never reach the screen unmasked.
    assert not table["content"].str.contains(r"1[3-9]\d{9}", regex=True).any()


def test_demo_over_all_districts_lists_the_district_of_each_opinion(demo_db, monkeypatch):
    at = open_alone(demo_db, monkeypatch, PAGE, Filters(year=2023))
    assert_no_problem(at)
    table = opinion_table(at)
    assert set(table["district"]) == {"清江浦区", "淮安区"}
    assert int(kpis(at)["企业提出意见"]) > 164


def test_a_town_chart_of_more_towns_than_drawn_shows_those_with_the_most_opinions(enterprise_db, monkeypatch):
    """At national scope the by-town chart is tens of thousands of bars: it draws the
    ``frame.RANKED_MAX`` towns with the most opinions (in the query's order) and says so;
    the export holds every town. 2024 with the cut at two: 甲街道 4, 乙镇 2, 丙街道 1."""
    import json

    from ui import frame

    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == "en_pick_town_0")
    (bars,) = json.loads(chart.proto.spec)["data"]
    assert bars["x"] == ["甲街道", "乙镇"]
    assert "图中为意见最多的 2 个镇街（共 3 个），全部镇街见导出。" in [c.value for c in at.caption]
    assert [r[0] for r in export_csv_rows(at, "en_towns")[1:]] == ["甲街道", "丙街道", "乙镇"]


def test_a_list_longer_than_a_table_shows_its_first_rows_and_exports_all(enterprise_db, monkeypatch):
    """Every row of a table travels to the browser (a province's opinion list was 21 MB of
    the page): a table shows its first ``frame.TABLE_MAX`` rows and says so; the export
    holds them all. 2024's seven opinions with the cut at three."""
    from ui import frame

    monkeypatch.setattr(frame, "TABLE_MAX", 3)
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    assert_no_problem(at)
    rows = export_csv_rows(at, "en_opinions")
    assert len(rows) == 1 + 7
    assert opinion_table(at)["opinion_id"].tolist() == [r[0] for r in rows[1:4]]
    assert "表中显示前 3 行（共 7 行），全部见导出。" in [c.value for c in at.caption]
