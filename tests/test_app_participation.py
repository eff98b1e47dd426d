"""The 参与情况 page as a user sees it (Streamlit's AppTest), in Chinese and in English:
no exception, and the KPI cards show the figures computed by hand from the fixture
warehouse (测试区 2024) and, on the demo warehouse, the article's figures (清江浦区 2023)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from tests.apptest import sign_in

from ui import frame, i18n
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
PAGE = "views/participation.py"

# 测试区 2024, by hand from FIXTURE_ACTIVITIES (丁办事处's D1 left out):
# 13 events (J1-J4, Y1-Y2, B1-B5, P1-P2), 296 participants, 2 publicity events with
# 36 + 28 = 64 participants, held in 2 of the 3 counted towns.
FIXTURE_KPIS = {
    "zh": {"活动场次": "13", "参与人次": "296", "宣讲活动场次": "2", "宣讲参与人次": "64", "开展宣讲的镇街": "2 / 3"},
    "en": {"Events": "13", "Participants": "296", "Publicity events": "2", "Publicity participants": "64",
           "Towns with publicity": "2 / 3"},
}

QJP_TOWNS = 16


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    # AppTest calls the widgets' format_func (which uses t()) outside a script run, where
    # the session's language is not visible: give the process the page's language.
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    sign_in(at)
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
    # frame.guard turns a failing section into a warning naming the error: none expected.
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_participation_page_shows_the_hand_computed_kpis_for_the_fixture_year(fixture_db, monkeypatch, lang):
    at = open_page(fixture_db, monkeypatch, lang, district="测试区", year="2024")
    assert_no_problem(at)
    assert at.title[0].value == ("参与情况" if lang == "zh" else "Participation")
    assert kpis(at) == FIXTURE_KPIS[lang]
    assert all(m.help for m in at.metric), "every KPI card carries its definition as a tooltip"


def test_participation_page_names_the_missing_records_of_an_empty_year(fixture_db, monkeypatch):
    # 2025 has activities but 丙街道 and 乙镇 held no publicity event: they are named.
    at = open_page(fixture_db, monkeypatch, district="测试区", year="2025")
    assert_no_problem(at)
    assert kpis(at)["开展宣讲的镇街"] == "1 / 3"
    assert any("丙街道" in w.value and "乙镇" in w.value for w in at.warning)


def test_participation_page_with_a_town_filter_shows_only_that_town(fixture_db, monkeypatch):
    at = open_page(fixture_db, monkeypatch, district="测试区", year="2024", town="乙镇")
    assert_no_problem(at)
    assert kpis(at) == {"活动场次": "3", "参与人次": "108", "宣讲活动场次": "1", "宣讲参与人次": "28",
                        "开展宣讲的镇街": "1 / 1"}


def open_page_alone(db: Path, monkeypatch: pytest.MonkeyPatch, f: Filters, lang: str = "zh") -> AppTest:
    """The page on its own, with the filters the router would hand it: for views that a
    URL cannot ask for (all years; a year without records) and the year selector cannot
    be driven to through AppTest once a page is switched to."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["_filters"] = f
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_participation_page_over_all_years_runs_without_error(fixture_db, monkeypatch, lang):
    at = open_page_alone(fixture_db, monkeypatch, Filters(district="测试区", as_of=dt.date(2025, 6, 30)), lang)
    assert_no_problem(at)
    events = "活动场次" if lang == "zh" else "Events"
    assert kpis(at)[events] == "19"  # 13 in 2024 + 6 in 2025


def test_a_year_without_records_says_what_is_missing_instead_of_empty_charts(fixture_db, monkeypatch):
    at = open_page_alone(fixture_db, monkeypatch, Filters(district="测试区", year=2019, as_of=dt.date(2025, 6, 30)))
    assert_no_problem(at)
    infos = [i.value for i in at.info]
    assert "2019年暂无活动记录。" in infos and "2019年暂无宣讲活动记录。" in infos
    assert kpis(at)["活动场次"] == "0" and kpis(at)["开展宣讲的镇街"] == "0 / 3"


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_qingjiangpu_2023_shows_the_articles_publicity_month(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="清江浦区", year="2023")
    assert_no_problem(at)
    shown = kpis(at)
    if lang == "zh":
        assert shown["宣讲活动场次"] == "38" and shown["宣讲参与人次"] == "1,236"
        assert shown["开展宣讲的镇街"] == f"{QJP_TOWNS} / {QJP_TOWNS}"
    else:
        assert shown["Publicity events"] == "38" and shown["Publicity participants"] == "1,236"
        assert shown["Towns with publicity"] == f"{QJP_TOWNS} / {QJP_TOWNS}"
    # The 宣传月 table lists all 16 towns, every one with at least one event.
    table = at.dataframe[-1].value
    assert len(table) == QJP_TOWNS and table["town"].is_unique
    assert (table["events"] >= 1).all() and table["events"].sum() == 38
    assert table["participants"].sum() == 1236


# --- drilling from the charts and exporting -------------------------------------------------

from tests.apptest import export_csv_rows, export_xlsx_frame, open_app, select_points  # noqa: E402

TOWN_CHART = "pa_pick_town_0"  # the town × month grid
# 乙镇 2024 (Y1, Y2, P2): the figures of the sidebar's town filter (see above).
YI_KPIS = {"活动场次": "3", "参与人次": "108", "宣讲活动场次": "1", "宣讲参与人次": "28", "开展宣讲的镇街": "1 / 1"}


def chips(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value and ":material/filter_alt:" in m.value]


def table_rows(at: AppTest, key: str) -> list[list[str]]:
    """The rows of an export as the CSV would hold them (header left off)."""
    return export_csv_rows(at, key)[1:]


def test_picking_a_town_in_the_grid_narrows_the_rest_of_the_page(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    assert kpis(at)["活动场次"] == "13" and not chips(at)
    at = select_points(at, TOWN_CHART, ["乙镇"])
    assert_no_problem(at)
    # The cards are those of the page filtered to 乙镇, the publicity table lists 乙镇 only.
    assert kpis(at) == YI_KPIS
    assert at.dataframe[-1].value["town"].tolist() == ["乙镇"]
    assert chips(at) == [":red-badge[:material/filter_alt: 镇街：乙镇]"]
    links = {p.proto.page: p.proto.query_string for p in at.get("page_link")}
    assert "town=%E4%B9%99%E9%95%87" in links["town"] and "kind=activities" in links["explore"]
    # The grid itself is not narrowed (it is where the town was picked).
    assert len(table_rows(at, "pa_town_month")) == 3 * 12
    at.button(key="pa_clear").click().run()
    assert_no_problem(at)
    assert kpis(at)["活动场次"] == "13" and not chips(at)
    assert len(at.dataframe[-1].value) == 3


def test_picking_a_town_in_a_publicity_chart_narrows_the_table_and_the_cards(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = select_points(at, "pa_pick_pub_events_0", ["甲街道"])
    assert_no_problem(at)
    # 甲街道 2024: J1–J4 and P1, 17 + 17 + 22 + 30 + 36 participants.
    assert kpis(at) == {"活动场次": "5", "参与人次": "122", "宣讲活动场次": "1", "宣讲参与人次": "36",
                        "开展宣讲的镇街": "1 / 1"}
    assert table_rows(at, "pa_publicity_table") == [["甲街道", "1", "1", "36", "36"]]


def test_a_bar_of_the_monthly_chart_picks_its_month_and_kind(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = select_points(at, "pa_pick_monthly_0", [[3, "PUBLICITY"]])
    assert_no_problem(at)
    assert chips(at) == [":red-badge[:material/filter_alt: 月份：3月]", ":red-badge[:material/filter_alt: 类型：宣讲活动]"]
    # Publicity in March 2024: P1 (2 3 1 30) and P2 (1 2 0 25).
    assert kpis(at) == {"活动场次": "2", "参与人次": "64", "宣讲活动场次": "2", "宣讲参与人次": "64",
                        "开展宣讲的镇街": "2 / 3"}
    assert [r[:2] for r in table_rows(at, "pa_groups")] == [["人大代表", "3"], ["选民代表", "5"],
                                                            ["基层社会工作者", "1"], ["群众", "55"]]
    meta, _ = export_xlsx_frame(at, "pa_groups")
    assert "图表选择：月份 3月；类型 宣讲活动" in meta
    # No town was picked: the publicity table keeps every town.
    assert len(at.dataframe[-1].value) == 3


def test_exports_hold_the_rows_on_screen_and_only_the_picked_ones(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    table = at.dataframe[-1].value
    rows = export_csv_rows(at, "pa_publicity_table")
    assert rows[0] == ["镇街", "宣讲场次", "其中3月", "参与人次", "其中3月人次"]
    assert rows[1:] == [[str(v) for v in r] for r in table.itertuples(index=False)]
    # The grid's export: one row per town and month, the month as shown.
    grid = table_rows(at, "pa_town_month")
    assert len(grid) == 36 and grid[2] == ["甲街道", "3月", "2", "53"]  # J1 (17) and P1 (36)
    assert sum(int(r[2]) for r in grid) == 13
    monthly = export_csv_rows(at, "pa_monthly")
    assert monthly[0] == ["年度", "月份", "类型", "场次", "参与人次"]
    assert sum(int(r[3]) for r in monthly[1:]) == 13
    at = select_points(at, TOWN_CHART, ["乙镇"])
    assert table_rows(at, "pa_publicity_table") == [["乙镇", "1", "1", "28", "28"]]
    assert sum(int(r[3]) for r in table_rows(at, "pa_monthly")) == 3
    meta, frame = export_xlsx_frame(at, "pa_venues")
    assert any("乙镇" in line for line in meta)  # the picked town is in the filters line
    assert frame["场次"].sum() == 3


def test_drilling_works_in_english(fixture_db, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, lang="en", district="测试区", year="2024")
    at = select_points(at, TOWN_CHART, ["乙镇"])
    assert_no_problem(at)
    assert kpis(at)["Events"] == "3"
    assert chips(at) == [":red-badge[:material/filter_alt: Town：乙镇]"]
    assert export_csv_rows(at, "pa_publicity_table")[0][:2] == ["Town", "Events"]


def test_without_a_year_the_monthly_bars_pick_a_kind(fixture_db, monkeypatch):
    at = open_page_alone(fixture_db, monkeypatch, Filters(district="测试区", as_of=dt.date(2025, 6, 30)))
    at = select_points(at, "pa_pick_monthly_0", [["WORK_REVIEW"]])
    assert_no_problem(at)
    assert chips(at) == [":red-badge[:material/filter_alt: 类型：工作评议会]"]
    assert kpis(at)["活动场次"] == "5"  # J3, J6, Y5, B4, B5


def test_a_grid_of_more_towns_than_drawn_shows_those_with_the_most_and_exports_all(fixture_db, monkeypatch):
    """At national scope the town × month grid is tens of thousands of towns: it draws the
    ``frame.RANKED_MAX`` towns with the most of the measure and says so; the export holds
    every town. The fixture's three towns with the cut at two: 乙镇 has the fewest 2024
    events (3 of 13, above), so 甲街道 and 丙街道 are drawn."""
    import json

    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == TOWN_CHART)
    heat = next(tr for tr in json.loads(chart.proto.spec)["data"] if tr["type"] == "heatmap")
    assert sorted(heat["y"]) == sorted(["甲街道", "丙街道"])
    assert any("图中为所选数值最多的 2 个镇街（共 3 个）" in c.value for c in at.caption)
    assert len(table_rows(at, "pa_town_month")) == 3 * 12


def test_publicity_charts_of_more_towns_than_drawn_show_those_with_the_most_events(fixture_db, monkeypatch):
    """At national scope the publicity charts are tens of thousands of bars and the towns
    without an event thousands of names: the charts draw the ``frame.RANKED_MAX`` towns
    with the most publicity events, the warning names that many and counts the rest; the
    table and the export hold every town. 2024: 甲街道 (P1) and 乙镇 (P2) one event each,
    丙街道 none; with the cut at one, 甲街道 (first in code order) is drawn."""
    import json

    monkeypatch.setattr(frame, "RANKED_MAX", 1)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    for key in ("pa_pick_pub_events_0", "pa_pick_pub_participants_0"):
        chart = next(c for c in at.get("plotly_chart") if c.key == key)
        assert {y for tr in json.loads(chart.proto.spec)["data"] for y in tr["y"]} == {"甲街道"}
    assert any("图中为宣讲场次最多的 1 个镇街（共 3 个）" in c.value for c in at.caption)
    assert [w.value for w in at.warning if "尚未开展宣讲" in w.value] == ["尚未开展宣讲的镇街：丙街道"]
    assert len(table_rows(at, "pa_publicity")) == 3
    monkeypatch.setattr(frame, "RANKED_MAX", 0)  # (the towns without an event, cut)
    at.run()
    assert_no_problem(at)
    assert [w.value for w in at.warning if "尚未开展宣讲" in w.value] == [
        "尚未开展宣讲的镇街：等，共 1 个（全部见下方明细）"]
