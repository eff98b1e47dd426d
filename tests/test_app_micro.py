"""The 码上办 page runs through the router in both languages; its KPI cards show the
figures computed by hand in tests/test_queries_micro.py (测试区 2024 and 2025) and, on
the demo warehouse, the article's 224 problems solved (清江浦区 2023)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_queries_micro import CODE_DATE_TEXT, PHONE_ID_MASKED, XSS_TEXT, build_micro_warehouse
from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
PAGE = "views/micro.py"

# 测试区 2024 (see test_queries_micro): 12 submitted, 10 accepted, 6 closed, 5 solved in 2024
# (A0 of 2023 included), 5 overdue; 10/12, 6/10, 4/6, 4/5, 3/5; days 0 4 5 9 10 32 -> median
# 7, p90 21; 9/10 accepted within a working day, 4/6 closed within 7. The shipped holidays
# change none of these (no holiday in March or early September 2024).
KPIS_2024 = {
    "zh": {"提交建议": "12", "已受理": "10", "已办结": "6", "年度解决问题": "5", "超期未办结": "5",
           "受理率": "83%", "办结率": "60%", "解决率": "67%", "满意率": "80%", "“满意”占比": "60%",
           "办结用时中位数": "7 天", "办结用时90分位": "21 天", "1个工作日内受理": "90%", "7个工作日内办结": "67%"},
    "en": {"Submitted": "12", "Accepted": "10", "Closed": "6", "Solved in the year": "5", "Overdue": "5",
           "Acceptance rate": "83%", "Closure rate": "60%", "Solved rate": "67%", "Satisfaction rate": "80%",
           "Fully satisfied": "60%", "Median days to close": "7 days", "90th pct. to close": "21 days",
           "On-time acceptance": "90%", "On-time closure": "67%"},
}
# 2025: nothing closed, nothing rated -> "—", never an error.
KPIS_2025_ZH = {"提交建议": "4", "已受理": "1", "已办结": "0", "年度解决问题": "0", "超期未办结": "1",
                "受理率": "25%", "办结率": "0%", "解决率": "—", "满意率": "—", "“满意”占比": "—",
                "办结用时中位数": "—", "办结用时90分位": "—", "1个工作日内受理": "100%", "7个工作日内办结": "—"}


@pytest.fixture(scope="module")
def micro_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("micro_app")
    return build_micro_warehouse(tmp / "micro.duckdb", tmp)


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


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_no_problem(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_micro_page_shows_the_hand_computed_kpis_of_2024(micro_db, monkeypatch, lang):
    at = open_page(micro_db, monkeypatch, lang, district="测试区", year="2024")
    assert_no_problem(at)
    assert at.title[0].value == i18n.CATALOG["mi.title"][0 if lang == "zh" else 1]
    assert kpis(at) == KPIS_2024[lang]
    assert all(m.help for m in at.metric), "every KPI card carries its definition as a tooltip"


def test_micro_page_overdue_list_masks_numbers_and_shows_markup_as_text(micro_db, monkeypatch):
    at = open_page(micro_db, monkeypatch, district="测试区", year="2024")
    assert_no_problem(at)
    overdue = at.dataframe[0].value
    assert overdue["suggestion_id"].tolist() == ["A11", "A6", "A7", "A13", "A9"]
    # The shipped calendar (config/holidays.csv): 2025-01-01 is a holiday, so every item is a
    # working day less late than Monday-to-Friday counting; A11 (from 2024-06-03) also spans
    # 06-10, 09-16/17 and 10-01..04, 10-07 off and the make-up days 09-14, 09-29, 10-12:
    # 160 − 9 + 3 = 154 working days, 147 late.
    assert overdue["days_late"].tolist() == [147, 42, 8, 3, 2]
    content = dict(zip(overdue["suggestion_id"], overdue["content"]))
    assert content["A6"] == PHONE_ID_MASKED and content["A7"] == CODE_DATE_TEXT
    assert content["A9"] == XSS_TEXT  # in a dataframe cell: shown as text, never as HTML
    assert not any("13812345678" in md.value or "<script>" in md.value for md in at.markdown)


def test_micro_page_with_nothing_closed_or_rated_shows_dashes(micro_db, monkeypatch):
    at = open_page(micro_db, monkeypatch, district="测试区", year="2025")
    assert_no_problem(at)
    assert kpis(at) == KPIS_2025_ZH
    captions = " ".join(c.value for c in at.caption)
    assert "暂无满意度评价" in captions and "暂无办结的微建议" in captions
    assert any("暂无办结的微建议，无法按办结用时排名" in i.value for i in at.info)


def test_micro_page_with_a_town_filter(micro_db, monkeypatch):
    at = open_page(micro_db, monkeypatch, district="测试区", year="2024", town="甲街道")
    assert_no_problem(at)
    shown = kpis(at)
    assert (shown["提交建议"], shown["已办结"], shown["超期未办结"], shown["办结用时中位数"]) == ("5", "2", "3", "2.5 天")


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_qingjiangpu_2023_shows_224_solved(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="清江浦区", year="2023")
    assert_no_problem(at)
    assert kpis(at)["年度解决问题" if lang == "zh" else "Solved in the year"] == "224"
