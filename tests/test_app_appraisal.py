"""The 工作评议 page as a user sees it (Streamlit's AppTest), in Chinese and in English: no
exception, the KPI cards and the results table show the figures computed by hand from this
module's own fixture warehouse (see tests/test_queries_appraisal.py), and on the demo
warehouse every 淮安区 2023 appraisal has 31 常委会组成人员 + 30 特邀代表 ballots."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_queries_appraisal import build_appraisal_warehouse
from ui import i18n
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
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
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
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
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["_filters"] = f
    at.session_state["lang"] = lang
    return at.run()


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def results_table(at: AppTest):
    return next(d.value for d in at.dataframe if "grade_label" in d.value.columns)


def assert_no_problem(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


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
