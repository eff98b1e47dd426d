"""The 代表建议 page as a user sees it (Streamlit's AppTest), in Chinese and in English: no
exception, the KPI cards show the figures computed by hand from this module's own fixture
warehouse (see tests/test_queries_formal.py), a click on a bar narrows the lists, every
export holds the rows on screen, and on the demo warehouse 淮安区's 区十八届人大二次会议
shows its 251 suggestions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_alone, open_app, select_points
from tests.test_app_enterprise import page_links, screen_rows
from tests.test_queries_formal import PHONE_TITLE, S1, S2, build_formal_warehouse
from warehouse.filters import Filters


@pytest.fixture(autouse=True)
def _as_analyst(monkeypatch):
    """These pages' texts are checked as an analyst sees them: masked (a leader's are in clear)."""
    from tests import apptest

    monkeypatch.setattr(apptest, "DEFAULT_USER", apptest.ANALYST)


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
    return open_app(db, monkeypatch, PAGE, lang, **params)


def open_page_alone(db: Path, monkeypatch: pytest.MonkeyPatch, f: Filters, lang: str = "zh") -> AppTest:
    """The page on its own with the filters the router would hand it (for widget changes,
    which rerun the page itself)."""
    return open_alone(db, monkeypatch, PAGE, f, lang)


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


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


def ids_of(at: AppTest, key: str) -> list[str]:
    """The suggestion ids an export of the page would write."""
    return [r[0] for r in export_csv_rows(at, key)[1:]]


def test_selecting_a_department_narrows_the_lists_and_lists_its_suggestions(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2023")
    assert ids_of(at, "fo_key") == ["F01", "F05", "F08"] and ids_of(at, "fo_overdue") == ["F05"]
    at = select_points(at, "fo_pick_department_0", ["区住建局"])
    assert_no_problem(at)
    assert any("主办单位：区住建局" in m.value for m in at.markdown), "the selection is shown as a chip"
    # 区住建局 in S1, by hand: F03, F04, F05 — of which F05 is key-supervised and overdue.
    assert ids_of(at, "fo_selected") == ["F03", "F04", "F05"]
    assert ids_of(at, "fo_key") == ["F05"] and ids_of(at, "fo_overdue") == ["F05"]
    shown = {tuple(d.value["suggestion_id"]) for d in at.dataframe if "suggestion_id" in d.value.columns}
    assert shown == {("F03", "F04", "F05"), ("F05",)}
    assert "共3件建议符合图表中的选择。" in [c.value for c in at.caption]
    # The way to the records: the district's suggestions of this department.
    link = page_links(at)["查看明细记录"]
    assert link == {"district": ["测试区"], "kind": ["formal_suggestions"], "year": ["2023"],
                    "col.department": ["区住建局"]}
    # The department chart still ranks every department, so others can be added.
    assert [r[1] for r in export_csv_rows(at, "fo_departments")[1:]] == ["区教育局", "区住建局", "区民政局"]

    at.button(key="fo_clear").click().run()
    assert_no_problem(at)
    assert "所选建议" not in [h.value for h in at.subheader]
    assert ids_of(at, "fo_key") == ["F01", "F05", "F08"] and ids_of(at, "fo_overdue") == ["F05"]
    assert "fo_clear" not in [b.key for b in at.button]
    assert "col.department" not in page_links(at)["查看明细记录"]


def test_a_result_and_a_department_selected_together_both_apply(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2023")
    at = select_points(at, "fo_pick_result_0", ["A"])
    assert_no_problem(at)
    # Result A in S1: F01, F04, F06; key-supervised among them: F01; none is overdue.
    assert ids_of(at, "fo_selected") == ["F01", "F04", "F06"] and ids_of(at, "fo_key") == ["F01"]
    assert "图表中所选的建议里没有超期未答复的。" in [i.value for i in at.info]
    assert any("办理结果：A 已解决或基本解决" in m.value for m in at.markdown)
    at = select_points(at, "fo_pick_department_0", ["区住建局"])
    assert_no_problem(at)
    assert ids_of(at, "fo_selected") == ["F04"]
    assert "重点督办" in " ".join(i.value for i in at.info)  # F04 is not key-supervised


def test_selecting_a_reply_status_lists_those_suggestions(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, "en", district="测试区", year="2023")
    at = select_points(at, "fo_pick_reply_status_0", ["ON_TIME"])
    assert_no_problem(at)
    assert ids_of(at, "fo_selected") == ["F01", "F06", "F09", "F07"]  # by assignment date (F07: 11-30)
    assert any("Reply：Replied within 3 months" in m.value for m in at.markdown)


def test_the_list_exports_hold_the_rows_on_screen(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2023")
    key_table = next(d for d in at.dataframe if "suggestion_id" in d.value.columns and d.value["key_supervised"].all())
    rows = export_csv_rows(at, "fo_key")
    assert rows[0] == ["建议编号", "标题", "主办单位", "领衔代表", "交办日期", "答复日期", "答复情况", "结果 · 反馈"]
    assert rows[1:] == screen_rows(key_table)
    assert rows[1][1] == PHONE_TITLE.replace("13812345678", "138****5678")  # masked as on screen
    assert rows[1][4:] == ["2023-03-10", "2023-06-10", "3个月内答复", "A · 满意"]
    overdue = next(d for d in at.dataframe
                   if "days_overdue" in d.value.columns and d.value["days_overdue"].notna().all())
    assert export_csv_rows(at, "fo_overdue")[1:] == screen_rows(overdue) == [
        ["F05", "关于加装电梯的建议", "区住建局", "", "2023-03-10", "2023-06-10", "386"]]
    meta, _ = export_xlsx_frame(at, "fo_key")
    assert f"会议：{S1}" in meta

    at = select_points(at, "fo_pick_feedback_0", ["SATISFIED"])
    selected = next(d for d in at.dataframe if "suggestion_id" in d.value.columns
                    and not d.value["key_supervised"].all())
    rows = export_csv_rows(at, "fo_selected")
    assert rows[1:] == screen_rows(selected) and [r[0] for r in rows[1:]] == ["F01", "F06", "F07"]
    assert [r[0] for r in export_csv_rows(at, "fo_key")[1:]] == ["F01"]  # only the narrowed rows
    meta, _ = export_xlsx_frame(at, "fo_key")
    assert "图表选择：代表反馈：满意" in meta


def test_every_chart_of_the_page_offers_its_rows(formal_db, monkeypatch):
    at = open_page(formal_db, monkeypatch, district="测试区", year="2023")
    assert export_csv_rows(at, "fo_results") == [
        ["办理结果", "件数", "占比"], ["A 已解决或基本解决", "3", "0.42857142857142855"],
        ["B 正在解决或列入计划解决", "2", "0.2857142857142857"], ["C 列入规划逐步解决", "1", "0.14285714285714285"],
        ["D 因条件限制留作参考", "1", "0.14285714285714285"]]
    reply = {r[0]: r[1] for r in export_csv_rows(at, "fo_reply")[1:]}
    assert reply == {"3个月内答复": "4", "3—6个月内答复": "2", "超过6个月答复": "1", "未答复（未到期）": "0",
                     "未答复（超3个月）": "0", "未答复（超6个月）": "1", "无交办日期": "1"}
    assert [r[:2] for r in export_csv_rows(at, "fo_feedback")[1:]] == [["满意", "3"], ["基本满意", "2"],
                                                                       ["不满意", "1"]]
    ranked = export_csv_rows(at, "fo_departments")
    assert ranked[0][:3] == ["名次", "主办单位", "建议件数"] and [r[:3] for r in ranked[1:]] == [
        ["1", "区教育局", "4"], ["2", "区住建局", "3"], ["3", "区民政局", "2"]]
    sessions = export_csv_rows(at, "fo_sessions")
    assert [r[:3] for r in sessions[1:]] == [[S1, "2023-03-10", "9"], [S2, "2024-03-01", "4"]]


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_huaian_second_session_of_the_18th_congress_has_251_suggestions(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="淮安区", year="2023")
    assert_no_problem(at)
    assert sessions_widget(at).value == [DEMO_SESSION]
    assert kpis(at)["建议件数" if lang == "zh" else "Suggestions"] == "251"
    ranked = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert ranked["suggestions"].sum() == 251


def test_more_sessions_than_a_list_offers_choose_the_years_or_all(formal_db, monkeypatch):
    """A province's districts hold thousands of sessions (each its own): beyond
    ``frame.OPTIONS_MAX`` the page offers the year's sessions or all of them instead of a
    list, and no chart of every session. All districts, 2023, the cut at one: S1 (10 with
    淮安区's H01) or S1 and S2 (14)."""
    from ui import frame

    monkeypatch.setattr(frame, "OPTIONS_MAX", 1)
    at = open_page_alone(formal_db, monkeypatch, Filters(year=2023, as_of=dt.date(2024, 6, 30)))
    assert_no_problem(at)
    assert not [w for w in at.multiselect if str(w.key).startswith("fo_sessions|")]
    (which,) = [r for r in at.radio if str(r.key).startswith("fo_sessions_many|")]
    assert which.options == ["2023年交办建议的会议（1次，10件）", "全部会议（2次，14件）"]
    assert kpis(at)["建议件数"] == "10"
    assert any("所选范围共2次会议" in c.value for c in at.caption)
    assert "历次会议对比" not in [s.value for s in at.subheader]
    which.set_value("all").run()
    assert_no_problem(at)
    assert kpis(at)["建议件数"] == "14"
    monkeypatch.setattr(frame, "OPTIONS_MAX", 200)
    at.run()
    assert sessions_widget(at).value == [S1] and "历次会议对比" in [s.value for s in at.subheader]
