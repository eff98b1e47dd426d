"""The 工作评议 page as a user sees it (Streamlit's AppTest), in Chinese and in English: no
exception, the KPI cards and the results table show the figures computed by hand from this
module's own fixture warehouse (see tests/test_queries_appraisal.py), a department picked in
a chart narrows the table, the evaluator types and the trend, every export holds the rows
on screen, and on the demo warehouse every 淮安区 2023 appraisal has 31 常委会组成人员 + 30
特邀代表 ballots."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_alone, open_app, select_points
from tests.test_app_enterprise import page_links, screen_rows
from tests.test_queries_appraisal import build_appraisal_warehouse
from warehouse.filters import Filters

PAGE = "views/appraisal.py"

# 测试区 by hand: 2023 — 6 appraisals, 105 ballots, (48 + 20) / 105 = 65%, graded 满意 2 (教育局,
# 城管局), 基本满意 2 (住建局 at exactly half 满意, 卫健委 at one more than half), 不满意 1 (民政局 at
# exactly half 满意 + 基本满意), 水利局 without ballots. 2024 — 5, 100, 71% (+6 pp on 65%), 3 / 0 / 2.
KPIS = {
    ("zh", 2023): {"被评议单位": "6", "测评票数": "105", "满意率": "65%", "评为“满意”": "2", "评为“基本满意”": "2",
                   "评为“不满意”": "1"},
    ("en", 2023): {"Departments appraised": "6", "Ballots": "105", "Satisfaction rate": "65%",
                   "Graded “Satisfied”": "2", "Graded “Basically satisfied”": "2", "Graded “Dissatisfied”": "1"},
    ("zh", 2024): {"被评议单位": "5", "测评票数": "100", "满意率": "71%", "评为“满意”": "3", "评为“基本满意”": "0",
                   "评为“不满意”": "2"},
    ("en", 2024): {"Departments appraised": "5", "Ballots": "100", "Satisfaction rate": "71%",
                   "Graded “Satisfied”": "3", "Graded “Basically satisfied”": "0", "Graded “Dissatisfied”": "2"},
}
GRADES_2023 = {
    "zh": {"区教育局": "满意", "区住建局": "基本满意", "区卫健委": "基本满意", "区城管局": "满意", "区民政局": "不满意",
           "区水利局": "—"},
    "en": {"区教育局": "Satisfied", "区住建局": "Basically satisfied", "区卫健委": "Basically satisfied",
           "区城管局": "Satisfied", "区民政局": "Dissatisfied", "区水利局": "—"},
}


@pytest.fixture(scope="module")
def appraisal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("appraisal_app")
    return build_appraisal_warehouse(tmp / "appraisal.duckdb", tmp)


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    return open_app(db, monkeypatch, PAGE, lang, **params)


def open_page_alone(db: Path, monkeypatch: pytest.MonkeyPatch, f: Filters, lang: str = "zh") -> AppTest:
    return open_alone(db, monkeypatch, PAGE, f, lang)


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def results_element(at: AppTest):
    return next(d for d in at.dataframe if "grade_label" in d.value.columns)


def results_table(at: AppTest):
    return results_element(at).value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_appraisal_page_shows_the_hand_computed_grades_of_2023(appraisal_db, monkeypatch, lang):
    at = open_page(appraisal_db, monkeypatch, lang, district="测试区", year="2023")
    assert_no_problem(at)
    assert at.title[0].value == ("工作评议" if lang == "zh" else "Work appraisals")
    assert kpis(at) == KPIS[(lang, 2023)]
    assert all(m.help for m in at.metric), "every KPI card carries its definition as a tooltip"
    table = results_table(at)
    assert dict(zip(table["department"], table["grade_label"])) == GRADES_2023[lang]
    by_dept = table.set_index("department")
    assert by_dept.loc["区住建局", ["sc_ballots", "invited_ballots", "ballots"]].tolist() == [15, 5, 20]
    assert by_dept.loc["区城管局", ["sc_ballots", "invited_ballots", "ballots"]].tolist() == [20, 0, 20]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_appraisal_page_2024_shows_the_change_on_2023(appraisal_db, monkeypatch, lang):
    at = open_page(appraisal_db, monkeypatch, lang, district="测试区", year="2024")
    assert_no_problem(at)
    assert kpis(at) == KPIS[(lang, 2024)]
    rate = next(m for m in at.metric if m.label in ("满意率", "Satisfaction rate"))
    assert rate.delta.startswith("+6 pp")  # 71% against 68/105 = 64.8%
    table = results_table(at).set_index("department")
    assert table["rate_text"].to_dict() == {"区财政局": "93.3%", "区教育局": "92.0%", "区住建局": "90.0%",
                                            "区卫健委": "40.0%", "区民政局": "40.0%"}
    assert table["prev_rate_text"].to_dict() == {"区财政局": "—", "区教育局": "84.0%", "区住建局": "75.0%",
                                                 "区卫健委": "55.0%", "区民政局": "50.0%"}
    # 区财政局 is new this year: nothing to compare
    assert table["rate_change_text"].to_dict() == {"区财政局": "—", "区教育局": "+8.0", "区住建局": "+15.0",
                                                   "区卫健委": "-15.0", "区民政局": "-10.0"}
    expected = {
        "zh": {"区财政局": "上年未评议", "区教育局": "持平（满意）", "区住建局": "↑ 上升（上年基本满意）",
               "区卫健委": "↓ 下降（上年基本满意）", "区民政局": "持平（不满意）"},
        "en": {"区财政局": "no prior year", "区教育局": "same (Satisfied)",
               "区住建局": "↑ up (was Basically satisfied)", "区卫健委": "↓ down (was Basically satisfied)",
               "区民政局": "same (Dissatisfied)"},
    }
    assert table["change_label"].to_dict() == expected[lang]


def test_a_year_without_appraisals_says_so_in_words(appraisal_db, monkeypatch):
    at = open_page_alone(appraisal_db, monkeypatch, Filters(district="测试区", year=2019))
    assert_no_problem(at)
    assert "测试区 · 2019年暂无工作评议记录。" in [i.value for i in at.info]
    assert not at.metric


def test_all_years_and_all_districts_run_without_error(appraisal_db, monkeypatch):
    at = open_page_alone(appraisal_db, monkeypatch, Filters())
    assert_no_problem(at)
    assert kpis(at)["被评议单位"] == "12"  # 11 of 测试区 + 1 of 淮安区


def test_a_department_picked_narrows_the_table_the_evaluators_and_the_trend(appraisal_db, monkeypatch):
    at = open_page(appraisal_db, monkeypatch, district="测试区", year="2023")
    assert len(results_table(at)) == 6
    at = select_points(at, "ap_pick_department_0", ["区住建局"])
    assert_no_problem(at)
    assert any("被评议单位：区住建局" in m.value for m in at.markdown), "the selection is shown as a chip"
    table = results_table(at)
    assert table["department"].tolist() == ["区住建局"] and table["grade_label"].tolist() == ["基本满意"]
    # 区住建局 2023 by type, by hand: SC 5/5/5 (15 ballots, 10/15 = 66.7%), invited 5/0/0 (100%).
    types = export_csv_rows(at, "ap_evaluators")
    assert [r[:6] for r in types[1:]] == [["常委会组成人员", "1", "5", "5", "5", "15"], ["特邀代表", "1", "5", "0", "0", "5"]]
    assert any("常委会组成人员满意率66.7%（15票）" in c.value for c in at.caption)
    # The trend: 区住建局's two years only (75% in 2023, 90% in 2024).
    assert [r[:3] for r in export_csv_rows(at, "ap_trend")[1:]] == [["区住建局", "2023", "20"], ["区住建局", "2024", "20"]]
    # The charts to pick from still show every department; the cards the whole scope.
    assert len(export_csv_rows(at, "ap_ballots")) == 1 + 6 and kpis(at)["被评议单位"] == "6"
    link = page_links(at)["查看明细记录"]
    assert link == {"district": ["测试区"], "year": ["2023"], "kind": ["appraisals"], "col.department": ["区住建局"]}

    at.button(key="ap_clear").click().run()
    assert_no_problem(at)
    assert len(results_table(at)) == 6 and "col.department" not in page_links(at)["查看明细记录"]


def test_two_departments_picked_add_up_their_ballots(appraisal_db, monkeypatch):
    at = open_page(appraisal_db, monkeypatch, district="测试区", year="2023")
    at = select_points(at, "ap_pick_department_0", ["区教育局", "区民政局"])
    assert_no_problem(at)
    assert set(results_table(at)["department"]) == {"区教育局", "区民政局"}
    # SC 10/3/2 + 4/3/5 = 14/6/7 (27); invited 6/2/2 + 2/1/5 = 8/3/7 (18).
    assert [r[:6] for r in export_csv_rows(at, "ap_evaluators")[1:]] == [
        ["常委会组成人员", "2", "14", "6", "7", "27"], ["特邀代表", "2", "8", "3", "7", "18"]]
    assert "col.department" not in page_links(at)["查看明细记录"]  # two departments: the district's records


def test_a_bar_of_the_change_on_last_year_selects_its_department(appraisal_db, monkeypatch):
    at = open_page(appraisal_db, monkeypatch, "en", district="测试区", year="2024")
    at = select_points(at, "ap_pick_department_yoy_0", ["区卫健委"])
    assert_no_problem(at)
    table = results_table(at)
    assert table["department"].tolist() == ["区卫健委"] and table["rate_change_text"].tolist() == ["-15.0"]
    assert any("Department：区卫健委" in m.value for m in at.markdown)


def as_exported(row: list[str]) -> list[str]:
    """A row of the results table as shown, with its rates as the export writes them:
    numbers ("93.3%" -> "93.3", "+8.0" -> "8", "—" -> blank)."""
    def number(text: str) -> str:
        text = text.removeprefix("'")  # screen_rows writes text as the CSV would: "'+8.0" for "+8.0"
        if text == "—":
            return ""
        x = float(text.rstrip("%"))
        return str(int(x)) if x.is_integer() else str(x)
    rate, grade, prev, change = row[-5:-1]
    return row[:-5] + [number(rate), grade, number(prev), number(change), row[-1]]


def test_the_results_export_holds_the_rows_on_screen(appraisal_db, monkeypatch):
    at = open_page(appraisal_db, monkeypatch, district="测试区", year="2024")
    rows = export_csv_rows(at, "ap_results")
    assert rows[0] == ["被评议单位", "常委会组成人员", "特邀代表", "总票数", "满意", "基本满意", "不满意", "满意率（%）",
                       "等次", "上年满意率（%）", "变化（百分点）", "等次变化"]
    assert rows[1:] == [as_exported(r) for r in screen_rows(results_element(at))] and len(rows) == 1 + 5
    assert rows[1] == ["区财政局", "10", "5", "15", "12", "2", "1", "93.3", "满意", "", "", "上年未评议"]
    at = select_points(at, "ap_pick_department_0", ["区民政局"])
    rows = export_csv_rows(at, "ap_results")
    assert rows[1:] == [as_exported(r) for r in screen_rows(results_element(at))] == [
        ["区民政局", "12", "8", "20", "4", "4", "12", "40", "不满意", "50", "-10", "持平（不满意）"]]
    meta, records = export_xlsx_frame(at, "ap_results")
    assert "图表所选单位：区民政局" in meta and len(records) == 1
    assert records["变化（百分点）"].tolist() == [-10]  # a number cell, not the text "-10.0"


def test_every_chart_of_the_page_offers_its_rows(appraisal_db, monkeypatch):
    at = open_page(appraisal_db, monkeypatch, district="测试区", year="2024")
    assert export_csv_rows(at, "ap_ballots")[:2] == [["被评议单位", "满意", "基本满意", "不满意", "总票数"],
                                                     ["区财政局", "12", "2", "1", "15"]]
    yoy = {r[0]: r[1:] for r in export_csv_rows(at, "ap_yoy")[1:]}
    assert set(yoy) == {"区教育局", "区住建局", "区卫健委", "区民政局"}  # 区财政局 is new: nothing to compare
    assert yoy["区住建局"] == ["75", "90", "15", "↑ 上升（上年基本满意）"]  # 2023 75% -> 2024 90%
    trend = export_csv_rows(at, "ap_trend")
    assert trend[0] == ["被评议单位", "年度", "总票数", "满意率（%）", "等次"] and len(trend) == 1 + 11


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_every_huaian_2023_appraisal_has_31_plus_30_ballots(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="淮安区", year="2023")
    assert_no_problem(at)
    table = results_table(at)
    assert len(table) == 7  # the demo appraises 7 departments of 淮安区 in 2023
    assert (table["sc_ballots"] == 31).all() and (table["invited_ballots"] == 30).all()
    assert (table["ballots"] == 61).all()
    assert kpis(at)["测评票数" if lang == "zh" else "Ballots"] == f"{61 * len(table):,}"
