"""The 全覆盖进度 page as a user sees it (Streamlit's AppTest), in Chinese and English: no
exception, the headline cards show the hand-computed figures of the rollout fixture
(``test_queries_rollout``), the verdict says ahead / behind / no plan, and on the demo
warehouse 清江浦区 shows 13 of 16 towns covered on 2026-10-31 against a 2026 target of 16,
淮安区 11 of 15; a click on a town's tile narrows the town table, and every export holds the
rows on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_alone, open_app, select_points
from tests.test_app_enterprise import page_links, screen_rows
from tests.test_queries_rollout import AHEAD, AS_OF, BEHIND, NOPLAN, build_rollout_warehouse
from warehouse.filters import Filters

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
    return open_app(db, monkeypatch, PAGE, lang, **params)


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


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
    # Only the open tab's district is written; a click on another writes that one.
    first = town_table(at)["town"].tolist()
    at.session_state["ro_district_tab"] = BEHIND
    at.run()
    assert_no_problem(at)
    assert kpis(at)["已覆盖镇街"] == "1 / 3" and town_table(at)["town"].tolist() != first


def test_rollout_page_for_more_districts_than_tabs_picks_one_from_a_list(rollout_db, monkeypatch):
    """A province's thousands of districts are not tabs: one is picked from a list."""
    from ui import frame

    monkeypatch.setattr(frame, "TABS_MAX", 2)
    at = open_page(rollout_db, monkeypatch, district="all", year="2025")
    assert_no_problem(at)
    assert not at.tabs
    pick = at.selectbox(key="ro_district")
    assert {AHEAD, BEHIND, NOPLAN} <= set(pick.options) and pick.label.startswith("选择区（共 ")
    pick.set_value(BEHIND).run()
    assert_no_problem(at)
    assert kpis(at)["已覆盖镇街"] == "1 / 3"


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
    at = open_alone(rollout_db, monkeypatch, PAGE, Filters(district=AHEAD, year=2023, as_of=AS_OF))
    assert_no_problem(at)
    assert any("距2024年目标（1个）还差 1 个镇街" in w.value for w in at.warning)
    assert not at.error
    assert town_table(at)["status"].tolist() == ["red"] * 4


# --- drilling and exports -----------------------------------------------------------------


def shown_table(at: AppTest):
    return at.dataframe[-1]


def test_a_town_picked_on_the_tiles_narrows_the_table_and_offers_its_profile(rollout_db, monkeypatch):
    at = open_page(rollout_db, monkeypatch, district=AHEAD, year="2025")
    at = select_points(at, f"ro_{AHEAD}_pick_town_0", ["甲四镇"])
    assert_no_problem(at)
    # 甲四镇 by hand: A4 BUILT (started 2025-01-05, built 2025-06-10), amber — the district can
    # still meet its target.
    table = town_table(at)
    assert table[["town", "site_id", "stage", "status"]].values.tolist() == [["甲四镇", "A4", "BUILT", "amber"]]
    assert any("镇街：甲四镇" in m.value for m in at.markdown), "the selection is shown as a chip"
    links = page_links(at)
    assert links["打开甲四镇画像"] == {"district": [AHEAD], "town": ["甲四镇"], "year": ["2025"]}
    assert links["查看明细记录"]["kind"] == ["practice_sites"]
    # The district's figures and tiles do not move: the plan is the district's.
    assert kpis(at)["已覆盖镇街"] == "3 / 4"
    assert len(export_csv_rows(at, f"ro_tiles_{AHEAD}")) == 1 + 4

    at = select_points(at, f"ro_{AHEAD}_pick_town_0", ["甲四镇", "甲一街道"])
    assert town_table(at)["town"].tolist() == ["甲一街道", "甲四镇"] and not page_links(at)

    at.button(key=f"ro_{AHEAD}_clear").click().run()
    assert_no_problem(at)
    assert town_table(at)["town"].tolist() == ["甲一街道", "甲二街道", "甲三镇", "甲四镇"]
    assert not page_links(at)


def test_a_town_without_dates_shows_empty_cells_not_none(rollout_db, monkeypatch):
    # Regression: the blank dates of 乙三镇 (a planned site) showed as "None".
    at = open_page(rollout_db, monkeypatch, district=BEHIND, year="2025")
    table = shown_table(at)
    visible = list(table.proto.column_order)
    row = table.value.set_index("town").loc["乙三镇"]
    dates = [c for c in visible if c.endswith("_on_text")]
    assert len(dates) == 3 and [row[c] for c in dates] == ["", "", ""]
    assert "None" not in {str(row[c]) for c in visible if c != "town"}
    first = table.value.set_index("town").loc["乙一街道"]
    assert [first[c] for c in dates] == ["2024-01-15", "2024-04-01", "2024-05-20"]


def test_the_town_export_holds_the_rows_on_screen(rollout_db, monkeypatch):
    at = open_page(rollout_db, monkeypatch, district=BEHIND, year="2025")
    rows = export_csv_rows(at, f"ro_towns_{BEHIND}")
    assert rows[0] == ["镇街", "状态", "阶段", "最优实践点", "特色主题", "启动", "建成", "验收", "宣传屏", "公示栏",
                       "代表工作室", "议事厅", "教育阵地", "评分", "实践点数"]
    screen = screen_rows(shown_table(at))
    # As on screen, but the status without its dot ("● 已覆盖" -> "已覆盖").
    assert [[r[0], r[1].removeprefix("● "), *r[2:]] for r in screen] == rows[1:]
    assert rows[1:] == [
        ["乙一街道", "已覆盖", "验收通过", "乙一实践点", "老街", "2024-01-15", "2024-04-01", "2024-05-20", "✓", "✓", "✗",
         "✗", "✗", "69.5", "1"],
        ["乙二镇", "滞后", "试点", "乙二实践点", "渔业", "2025-04-01", "", "", "✗", "✗", "✗", "✗", "✗", "72", "1"],
        ["乙三镇", "滞后", "规划", "乙三实践点", "林业", "", "", "", "—", "—", "—", "—", "—", "", "1"]]
    meta, records = export_xlsx_frame(at, f"ro_towns_{BEHIND}")
    assert records["启动"].iloc[0].date().isoformat() == "2024-01-15"  # a date cell

    at = select_points(at, f"ro_{BEHIND}_pick_town_0", ["乙二镇"])
    rows = export_csv_rows(at, f"ro_towns_{BEHIND}")
    assert [r[0] for r in rows[1:]] == ["乙二镇"] == [r[0] for r in screen_rows(shown_table(at))]
    meta, _ = export_xlsx_frame(at, f"ro_towns_{BEHIND}")
    assert "图表所选镇街：乙二镇" in meta


def test_the_burnup_export_holds_its_months(rollout_db, monkeypatch):
    at = open_page(rollout_db, monkeypatch, district=BEHIND, year="2025")
    rows = export_csv_rows(at, f"ro_burnup_{BEHIND}")
    assert rows[0] == ["月份", "已覆盖", "建成待验收", "计划目标", "计划阶段", "纳入统计镇街数", "进度推算"]
    by_month = {r[0]: r[1:] for r in rows[1:]}
    # 乙一 built 2024-04-01, accepted 2024-05-20: built in April, covered from May 2024; the
    # 2024 target is 1 (试点示范).
    assert by_month["2024-03-31"][:4] == ["0", "0", "1", "试点示范"]
    assert by_month["2024-04-30"][:2] == ["0", "1"]
    assert by_month["2024-05-31"][:2] == ["1", "0"]
    assert by_month["2025-06-30"][:4] == ["1", "0", "3", "深化完善"]
    assert by_month["2025-12-31"][:2] == ["", ""]  # after the cut-off: no count, only the plan


def test_tile_labels_draw_a_town_or_site_name_as_written_not_as_plotly_markup():
    """Plotly reads <b>, <br>, <span style> and <a href> in annotation and hover texts: a
    stored name holding them is drawn literally (entities), while the tile's own bold
    and line break stay markup."""
    import pandas as pd

    from ui import coverage_charts

    towns = pd.DataFrame({"town": ["<b>甲</b>镇"], "status": ["green"], "stage": ["ACCEPTED"],
                          "site_name": ['<a href="https://x.example">站</a>'], "theme": ["A & B"]})
    fig = coverage_charts.tiles(towns)
    note = fig.layout.annotations[0].text
    assert note.startswith("<b>&lt;b&gt;甲&lt;/b&gt;镇</b><br>"), note
    hover = fig.data[0].hovertext[0]
    assert "&lt;a href=\"https://x.example\"&gt;站&lt;/a&gt; · A &amp; B" in hover, hover
    assert "<a " not in hover and "<a " not in note
    assert list(fig.data[0].customdata) == ["<b>甲</b>镇"]  # the selection still carries the name itself
