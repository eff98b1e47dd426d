"""The 进企业促发展 page as a user sees it (Streamlit's AppTest), in Chinese and in English:
no exception, the KPI cards show the figures computed by hand from this subject's own
fixture warehouse (tests/test_queries_enterprise.py, 测试区 2024) and, on the demo
warehouse, the article's figures (清江浦区 2023); a click on a bar narrows the list."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from tests.test_queries_enterprise import ID_NUMBER, PHONE, XSS, build_enterprise_warehouse
from ui import i18n
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
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
ALL_2024 = ["P7", "P6", "P4", "P5", "P3", "P1", "P2"]


@pytest.fixture(scope="module")
def enterprise_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("enterprise_app")
    return build_enterprise_warehouse(tmp / "enterprise.duckdb", tmp)


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    # AppTest calls the widgets' format_func (which uses t()) outside a script run, where
    # the session's language is not visible: give the process the page's language.
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if lang != "zh":
        at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    return at


def open_page_alone(db: Path, monkeypatch: pytest.MonkeyPatch, f: Filters, lang: str = "zh") -> AppTest:
    """The page on its own with the filters the router would hand it (for views a URL
    cannot ask for, such as a year without records)."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["_filters"] = f
    at.session_state["lang"] = lang
    return at.run()


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_no_problem(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    # frame.guard turns a failing section into a warning naming the error: none expected.
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


def opinion_table(at: AppTest):
    assert len(at.dataframe) == 1, "the opinion list is the page's only table"
    return at.dataframe[0].value


def select_bars(at: AppTest, chart_key: str, codes: list[str]) -> AppTest:
    """Simulate a click on bars of a selectable Plotly chart.

    AppTest has no Plotly element (the chart is an ``UnknownElement``) and cannot click it,
    so this sends what the browser would: the chart's widget state, a JSON selection whose
    points carry the bars' ``customdata``, along with the other widgets' states. This uses
    AppTest's private run seam (``_tree.get_widget_states`` / ``_run``)."""
    chart = next(c for c in at.get("plotly_chart") if c.key == chart_key)
    states = at._tree.get_widget_states()
    state = WidgetState(id=chart.proto.id)
    state.string_value = json.dumps({"selection": {
        "points": [{"customdata": c, "curve_number": 0, "point_index": i, "point_number": i}
                   for i, c in enumerate(codes)],
        "point_indices": list(range(len(codes))), "box": [], "lasso": []}})
    states.widgets.append(state)
    return at._run(states)


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
    at = select_bars(at, "en_pick_category_0", ["BUSINESS_ENV"])
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
    at = select_bars(at, "en_pick_town_0", ["乙镇"])
    assert_no_problem(at)
    assert opinion_table(at)["opinion_id"].tolist() == ["P4", "P5"]
    assert any("Town：乙镇" in m.value for m in at.markdown)


def test_source_and_search_narrow_the_list(enterprise_db, monkeypatch):
    at = open_page(enterprise_db, monkeypatch, district="测试区", year="2024")
    at.segmented_control(key="en_source").set_value("DEPUTY").run()
    assert opinion_table(at)["opinion_id"].tolist() == ["P5", "P2"]
    at.segmented_control(key="en_source").set_value(None).run()
    at.text_input(key="en_search").input("甲科技").run()
    assert_no_problem(at)
    assert opinion_table(at)["opinion_id"].tolist() == ["P6", "P1", "P2"]


def test_a_year_with_visits_but_no_opinions_says_so(enterprise_db, monkeypatch):
    at = open_page_alone(enterprise_db, monkeypatch, Filters(district="测试区", year=2025, as_of=dt.date(2025, 2, 1)))
    assert_no_problem(at)
    assert kpis(at)["走访次数"] == "1" and kpis(at)["意见办结率"] == "—" and kpis(at)["办结用时中位数"] == "—"
    assert "2025年的走访暂无意见建议记录。" in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_year_without_records_says_what_is_missing(enterprise_db, monkeypatch, lang):
    at = open_page_alone(enterprise_db, monkeypatch, Filters(district="测试区", year=2019), lang)
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
    at = open_page_alone(demo_db, monkeypatch, Filters(year=2023))
    assert_no_problem(at)
    table = opinion_table(at)
    assert set(table["district"]) == {"清江浦区", "淮安区"}
    assert int(kpis(at)["企业提出意见"]) > 164
