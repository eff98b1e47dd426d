"""The 代表建议 page as a user sees it (Streamlit's AppTest), in Chinese and in English: no
exception, the KPI cards show the figures computed by hand from this module's own fixture
warehouse (see tests/test_queries_formal.py), and on the demo warehouse 淮安区's
区十八届人大二次会议 shows its 251 suggestions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_queries_formal import PHONE_TITLE, S1, S2, build_formal_warehouse
from ui import i18n
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
PAGE = "views/formal.py"
DEMO_SESSION = "区十八届人大二次会议"

# 测试区, by hand (test_queries_formal.py): S1 = 9 suggestions, 3 key-supervised, on time 4 of
# 8 due, within 6 months 6 of 8, F05 overdue past 6 months, A = 3 of 7 with a result (43%),
# satisfied 5 of 6 with feedback (83%). S2 = 4, none key-supervised, 1 of 2 due on time, 1 of 1
# within 6 months, G01 overdue (not past 6 months), A = 1 of 1, no feedback (—).
KPIS = {
    ("zh", 2023): {"建议件数": "9", "重点督办": "3", "3个月内答复率": "50%", "6个月内答复率": "75%",
                   "超期未答复": "1", "其中超过6个月": "1", "A类（已解决）占比": "43%", "代表满意率": "83%"},
    ("en", 2023): {"Suggestions": "9", "Key-supervised": "3", "Replied within 3 months": "50%",
                   "Replied within 6 months": "75%", "Unanswered past 3 months": "1", "Of which past 6 months": "1",
                   "Result A (solved)": "43%", "Deputies' satisfaction": "83%"},
    ("zh", 2024): {"建议件数": "4", "重点督办": "0", "3个月内答复率": "50%", "6个月内答复率": "100%",
                   "超期未答复": "1", "其中超过6个月": "0", "A类（已解决）占比": "100%", "代表满意率": "—"},
}


@pytest.fixture(scope="module")
def formal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("formal_app")
    return build_formal_warehouse(tmp / "formal.duckdb", tmp)


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    # AppTest calls widgets' format_func outside a script run: give the process the language.
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
    """The page on its own with the filters the router would hand it (for widget changes,
    which rerun the page itself)."""
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
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


def sessions_widget(at: AppTest):
    return next(w for w in at.multiselect if str(w.key).startswith("fo_sessions|"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_formal_page_shows_the_hand_computed_kpis_of_the_2023_session(formal_db, monkeypatch, lang):
    at = open_page(formal_db, monkeypatch, lang, district="测试区", year="2023")
    assert_no_problem(at)
    assert at.title[0].value == ("代表建议办理" if lang == "zh" else "Formal suggestions")
    assert sessions_widget(at).value == [S1]
    assert kpis(at) == KPIS[(lang, 2023)]
    assert all(m.help for m in at.metric), "every KPI card carries its definition as a tooltip"


def test_formal_page_lists_key_supervised_items_with_masked_titles(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2023")
    assert_no_problem(at)
    tables = [d.value for d in at.dataframe]
    key = next(t for t in tables if "status_label" in t.columns and t["key_supervised"].all())
    assert key["suggestion_id"].tolist() == ["F01", "F05", "F08"]
    assert key["title"].iloc[0] == PHONE_TITLE.replace("13812345678", "138****5678")
    assert key["deputy"].iloc[0] == "王代表"
    assert key["status_label"].tolist() == ["3个月内答复", "未答复（超6个月）", "无交办日期"]
    shown = " ".join(str(v) for t in tables for v in t.astype(str).to_numpy().ravel())
    assert "13812345678" not in shown
    # the overdue list: F05, due 2023-06-10, 386 days before the cut-off 2024-06-30
    overdue = next(t for t in tables if "days_overdue" in t.columns and t["days_overdue"].notna().all())
    assert overdue[["suggestion_id", "days_overdue"]].values.tolist() == [["F05", 386]]
    assert any("1件建议交办已超过3个月仍未答复，其中1件已超过6个月" in w.value for w in at.warning)


def test_formal_page_ranks_departments_by_count(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2023")
    ranked = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert ranked["department"].tolist() == ["区教育局", "区住建局", "区民政局"]
    assert ranked["suggestions"].tolist() == [4, 3, 2]


def test_formal_page_2024_shows_the_second_session_without_feedback(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2024")
    assert_no_problem(at)
    assert sessions_widget(at).value == [S2]
    assert kpis(at) == KPIS[("zh", 2024)]
    assert "所选会议的建议尚无代表反馈。" in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_choosing_both_sessions_adds_them_up_and_ranking_by_on_time_rate_reorders(formal_db, monkeypatch, lang):
    f = Filters(district="测试区", year=2023, as_of=dt.date(2024, 6, 30))
    at = open_page_alone(formal_db, monkeypatch, f, lang)
    assert_no_problem(at)
    sessions_widget(at).set_value([S1, S2]).run()
    assert_no_problem(at)
    shown = kpis(at)
    assert shown["建议件数" if lang == "zh" else "Suggestions"] == "13"
    assert shown["3个月内答复率" if lang == "zh" else "Replied within 3 months"] == "50%"  # 5 of 10
    assert shown["超期未答复" if lang == "zh" else "Unanswered past 3 months"] == "2"
    at.segmented_control(key="fo_dept_order").set_value("on_time").run()
    assert_no_problem(at)
    ranked = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    # 民政局 1/1, 教育局 4/6 (F01 F06 F09 G04 of the 6 due, G01 overdue), 住建局 0/3
    assert ranked["department"].tolist() == ["区民政局", "区教育局", "区住建局"]


def test_no_session_chosen_says_so_in_words(formal_db, monkeypatch):
    f = Filters(district="测试区", year=2023, as_of=dt.date(2024, 6, 30))
    at = open_page_alone(formal_db, monkeypatch, f)
    sessions_widget(at).set_value([]).run()
    assert_no_problem(at)
    assert "请选择至少一个会议。" in [i.value for i in at.info]
    assert not at.metric


def test_a_year_without_suggestions_offers_the_other_sessions(formal_db, monkeypatch):
    f = Filters(district="测试区", year=2019, as_of=dt.date(2024, 6, 30))
    at = open_page_alone(formal_db, monkeypatch, f)
    assert_no_problem(at)
    assert "2019年没有交办的代表建议，请在上方选择其他会议。" in [i.value for i in at.info]
    assert sessions_widget(at).value == [] and sessions_widget(at).options == [
        f"{S1}（9件）", f"{S2}（4件）"]


def test_a_district_without_suggestions_says_so(formal_db, monkeypatch):
    at = open_page_alone(formal_db, monkeypatch, Filters(district="清江浦区", year=2023))
    assert_no_problem(at)
    assert "清江浦区暂无代表建议记录。" in [i.value for i in at.info]


def test_all_districts_and_all_years_run_without_error(formal_db, monkeypatch):
    # No year: every session is chosen; no district: 淮安区's H01 joins S1 (10 + 4 = 14).
    at = open_page_alone(formal_db, monkeypatch, Filters(as_of=dt.date(2024, 6, 30)))
    assert_no_problem(at)
    assert sessions_widget(at).value == [S1, S2]
    assert kpis(at)["建议件数"] == "14"


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_huaian_second_session_of_the_18th_congress_has_251_suggestions(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="淮安区", year="2023")
    assert_no_problem(at)
    assert sessions_widget(at).value == [DEMO_SESSION]
    assert kpis(at)["建议件数" if lang == "zh" else "Suggestions"] == "251"
    ranked = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert ranked["suggestions"].sum() == 251
