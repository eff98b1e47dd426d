"""The 全覆盖进度 page as a user sees it (Streamlit's AppTest), in Chinese and English: no
exception, the headline cards show the hand-computed figures of the rollout fixture
(``test_queries_rollout``), the verdict says ahead / behind / no plan, and on the demo
warehouse 清江浦区 shows 13 of 16 towns covered on 2026-10-31 against a 2026 target of 16,
淮安区 11 of 15."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_queries_rollout import AHEAD, AS_OF, BEHIND, NOPLAN, build_rollout_warehouse
from ui import i18n
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
PAGE = "views/rollout.py"

# 超前区 2025 (to 06-30), by hand (see test_queries_rollout): 3 of 4 covered, target 3, 1
# built, 3 newly covered in 12 months, full coverage Oct 2025, 1 town in 18 months.
AHEAD_2025 = {
    "zh": {"已覆盖镇街": "3 / 4", "2025年目标": "3", "建成待验收": "1", "近12个月新增覆盖": "3",
           "预计实现全覆盖": "2025年10月", "每月需验收镇街": "0.1"},
    "en": {"Towns covered": "3 / 4", "2025 target": "3", "Built, awaiting acceptance": "1",
           "New, last 12 months": "3", "Full coverage expected": "2025-10",
           "Towns to accept per month": "0.1"},
}


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


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_no_problem(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


def town_table(at: AppTest):
    """The town table (the last dataframe of the page)."""
    return at.dataframe[-1].value


@pytest.fixture(scope="module")
def rollout_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("rollout_app")
    return build_rollout_warehouse(tmp / "rollout.duckdb", tmp)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rollout_page_shows_the_hand_computed_figures_of_a_district_ahead_of_plan(rollout_db, monkeypatch, lang):
    at = open_page(rollout_db, monkeypatch, lang, district=AHEAD, year="2025")
    assert_no_problem(at)
    assert at.title[0].value == ("全覆盖进度" if lang == "zh" else "Full-coverage rollout")
    assert kpis(at) == AHEAD_2025[lang]
    assert all(m.help for m in at.metric), "every card carries its definition as a tooltip"
    assert any(AHEAD in s.value for s in at.success)  # the verdict: target met
    table = town_table(at)
    assert table["town"].tolist() == ["甲一街道", "甲二街道", "甲三镇", "甲四镇"]
    assert table["status"].tolist() == ["green", "green", "green", "amber"]
    assert table.loc[0, "site_id"] == "A1a"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rollout_page_says_a_district_is_behind_plan(rollout_db, monkeypatch, lang):
    at = open_page(rollout_db, monkeypatch, lang, district=BEHIND, year="2025")
    assert_no_problem(at)
    shown = kpis(at)
    if lang == "zh":
        assert shown["已覆盖镇街"] == "1 / 3" and shown["预计实现全覆盖"] == "按此进度无法实现"
        assert any("落后于计划" in e.value for e in at.error)
    else:
        assert shown["Towns covered"] == "1 / 3" and shown["Full coverage expected"] == "not at this pace"
        assert any("behind plan" in e.value for e in at.error)
    assert town_table(at)["status"].tolist() == ["green", "red", "red"]


def test_rollout_page_without_a_plan_says_so(rollout_db, monkeypatch):
    at = open_page(rollout_db, monkeypatch, district=NOPLAN, year="2025")
    assert_no_problem(at)
    assert kpis(at)["2025年目标"] == "—"
    assert any("未录入全覆盖计划" in i.value for i in at.info)
    assert town_table(at)["status"].tolist() == ["amber", "red"]


def test_rollout_page_for_all_districts_has_a_tab_per_district(rollout_db, monkeypatch):
    at = open_page(rollout_db, monkeypatch, district="all", year="2025")
    assert_no_problem(at)
    labels = [tab.label for tab in at.tabs]
    assert {AHEAD, BEHIND, NOPLAN} <= set(labels)


def test_rollout_page_with_a_town_filter_keeps_the_district_figures(rollout_db, monkeypatch):
    at = open_page(rollout_db, monkeypatch, district=BEHIND, year="2025", town="乙二镇")
    assert_no_problem(at)
    assert kpis(at)["已覆盖镇街"] == "1 / 3"
    assert town_table(at)["town"].tolist() == ["乙二镇"]


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("district, covered, target", [("清江浦区", "13 / 16", "16"), ("淮安区", "11 / 15", "15")])
def test_demo_shows_coverage_on_2026_10_31_against_the_2026_target(demo_db, monkeypatch, lang, district, covered,
                                                                  target):
    at = open_page(demo_db, monkeypatch, lang, district=district, year="2026")
    assert_no_problem(at)
    shown = kpis(at)
    if lang == "zh":
        assert shown["已覆盖镇街"] == covered and shown["2026年目标"] == target
        assert any(m.label == "已覆盖镇街" and "2026-10-31" in str(m.proto.delta) for m in at.metric)
    else:
        assert shown["Towns covered"] == covered and shown["2026 target"] == target
    assert len(town_table(at)) == int(covered.split(" / ")[1])


def test_rollout_page_says_a_target_can_still_be_met(rollout_db, monkeypatch):
    # 超前区 2026 (seen from 2025-06-30): target 4, 3 covered, 18 months left, 甲四 BUILT.
    at = open_page(rollout_db, monkeypatch, district=AHEAD, year="2026")
    assert_no_problem(at)
    assert kpis(at)["2026年目标"] == "4"
    assert any("还差 1 个" in w.value and "全部按期验收即可完成" in w.value for w in at.warning)
    assert town_table(at)["status"].tolist() == ["green", "green", "green", "amber"]


def test_before_the_plan_year_the_verdict_calls_for_a_start_not_a_failure(rollout_db, monkeypatch):
    # 超前区 seen at the end of 2023 (no site yet) faces its 2024 target of 1 with nothing
    # started: a warning to start, not an error. (2023 is not a year of the fixture's data,
    # so the page is run on its own with the filters the router would hand it.)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    monkeypatch.setenv("OVERSIGHT_DB", str(rollout_db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", "zh")
    at.session_state["_filters"] = Filters(district=AHEAD, year=2023, as_of=AS_OF)
    at.session_state["lang"] = "zh"
    at.run()
    assert_no_problem(at)
    assert any("距2024年目标（1个）还差 1 个镇街" in w.value for w in at.warning)
    assert not at.error
    assert town_table(at)["status"].tolist() == ["red"] * 4
