"""The 领导总览 page as a user sees it (Streamlit's AppTest), in Chinese and in English: no
exception, the KPI cards show the hand-computed figures of the fixture warehouse (测试区,
data to 2025-06-30), every global filter changes what is shown, a link reproduces the
view, and on the demo warehouse 清江浦区 2023 shows the article's figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest
from tests.apptest import sign_in

from ui import frame, i18n
from warehouse.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
PAGE = "views/overview.py"

# 测试区 2025 (to 30 June) against 2024-01-01..06-30, by hand (see test_queries_overview.py):
# value, delta, delta description (the target).
FIXTURE_2025 = {
    "compliance": ("33%", "0", "目标 100%"),
    "coverage": ("2", "+1", "计划 3"),
    "micro_solved": ("2", "+1", ""),
    "congress": ("3", "-1", "法定最低 6"),
    "review": ("2", "0", "法定最低 3"),
    "deputy_voter": ("0", "-1", ""),
    "participants": ("195", "-17", ""),
    "publicity": ("1", "-1", ""),
    "publicity_participants": ("48", "-16", ""),
    "visits": ("3", "+1", ""),
    "enterprises": ("3", "+1", ""),
    "person_times": ("10", "0", ""),
    "opinions_enterprise": ("2", "0", ""),
    "opinions_deputy": ("1", "0", ""),
}
EN_DESCRIPTION = {"目标 100%": "target 100%", "计划 3": "plan 3", "法定最低 6": "statutory minimum 6",
                  "法定最低 3": "statutory minimum 3", "": ""}
# 测试区 2024, a finished year with nothing loaded for 2023: no comparison.
FIXTURE_2024 = {"compliance": "67%", "coverage": "1", "micro_solved": "2", "congress": "7", "review": "3",
                "deputy_voter": "1", "participants": "296", "publicity": "2", "publicity_participants": "64",
                "visits": "4", "enterprises": "3", "person_times": "17", "opinions_enterprise": "3",
                "opinions_deputy": "2"}


def metric_name(kpi: str, lang: str) -> str:
    from ui.metrics import METRICS

    m = METRICS[kpi]
    return m.name_zh if lang == "zh" else m.name_en


def open_overview(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str | list[str]) -> AppTest:
    """A new session on the URL ``/?params`` (the overview is the default page)."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    # AppTest calls widgets' format_func (which uses t()) outside a script run, where the
    # session's language is not visible: give the process the page's language.
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    sign_in(at)
    if lang != "zh":
        at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def rerun(at: AppTest) -> AppTest:
    """Rerun after a widget change, through the router (dashboard.py opens its default
    page, the overview)."""
    at._finished_page_script_hash = ""
    return at.run()


def cards(at: AppTest) -> dict[str, tuple[str, str, str]]:
    return {m.label: (m.value, m.delta, m.proto.delta_description) for m in at.metric}


def values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_no_problem(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    prefixes = tuple(text.split("{")[0] for text in i18n.CATALOG["error.query"])
    problems = [w.value for w in at.warning if w.value.startswith(prefixes)]
    assert not problems, problems


def page_links(at: AppTest) -> list[dict[str, object]]:
    return [{"page": p.proto.page, "params": parse_qs(p.proto.query_string)} for p in at.get("page_link")]


# --- the fixture warehouse -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_the_hand_computed_kpis_against_the_same_period(fixture_db, monkeypatch, lang):
    at = open_overview(fixture_db, monkeypatch, lang, district="测试区", year="2025")
    assert_no_problem(at)
    assert at.title[0].value == ("领导总览" if lang == "zh" else "Leaders' overview")
    expected = {metric_name(k, lang): (v, d, desc if lang == "zh" else EN_DESCRIPTION[desc])
                for k, (v, d, desc) in FIXTURE_2025.items()}
    assert cards(at) == expected
    assert all(m.help for m in at.metric), "every KPI card carries its definition as a tooltip"
    same_period = "与上年同期比较" if lang == "zh" else "compared with the same period last year"
    assert any(same_period in c.value for c in at.caption)


def test_a_year_without_a_previous_year_says_there_is_no_comparison(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2024")
    assert_no_problem(at)
    assert values(at) == {metric_name(k, "zh"): v for k, v in FIXTURE_2024.items()}
    assert all(m.delta == "" for m in at.metric)
    assert all(m.proto.delta_description.startswith("无上年数据") for m in at.metric)


def test_the_needs_attention_list_has_three_colours_and_links_to_the_statutory_page(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    assert_no_problem(at)
    text = [m.value for m in at.markdown]
    assert ":red-badge[未达标 2 项] :orange-badge[待跟进 3 项] :green-badge[正常 1 项]" in text
    assert any("乙镇：1件微建议超过7个工作日未办结（最长已8个工作日）" in x for x in text)
    assert any("丙街道：工作评议会已开0次，尚未达到最低1次（本年还剩6个月）" in x for x in text)
    assert any("测试区：实践点覆盖2个镇街，年度目标3个，进度正常" in x for x in text)
    # Only the statutory page exists yet: its entries link there, with the town's filter.
    links = page_links(at)
    assert [x for x in links if x["page"] == "statutory"] == [
        {"page": "statutory", "params": {"district": ["测试区"], "year": ["2025"], "town": [town]}}
        for town in ("甲街道", "丙街道", "丙街道")
    ]
    # every entry links to the page that explains it (micro-suggestions, rollout), and an
    # entry that names a town to the town's profile
    assert {x["page"] for x in links} == {"statutory", "micro", "rollout", "town"}
    assert {"page": "micro", "params": {"district": ["测试区"], "year": ["2025"], "town": ["乙镇"]}} in links
    assert [x["params"]["town"] for x in links if x["page"] == "town"] == [
        ["丙街道"], ["乙镇"], ["甲街道"], ["丙街道"], ["丙街道"]]  # one per entry naming a town
    assert all(x["params"]["district"] == ["测试区"] and x["params"]["year"] == ["2025"]
               for x in links if x["page"] == "town")


def test_links_keep_the_english_interface(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, "en", district="测试区", year="2024")
    assert_no_problem(at)
    links = page_links(at)
    assert {"page": "statutory", "params": {"district": ["测试区"], "year": ["2024"], "town": ["乙镇"], "lang": ["en"]}} in links
    assert all(x["params"]["lang"] == ["en"] for x in links)
    assert any("乙镇: Work-appraisal meetings held 0, below the statutory minimum of 1" in m.value
               for m in at.markdown)


def test_a_link_from_the_list_carries_the_filters_that_explain_the_entry(fixture_db, monkeypatch):
    # A new session on the link's query string holds the entry's district, year and town.
    # (Opening the statutory page itself through AppTest: see
    # rerun(); a real browser follows the link to /statutory with these filters.)
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2024")
    link = next(p for p in at.get("page_link") if p.proto.page == "statutory").proto
    follow = open_overview(fixture_db, monkeypatch, **{k: v for k, v in parse_qs(link.query_string).items()})
    assert_no_problem(follow)
    assert follow.selectbox(key="f_district").value == "测试区"
    assert follow.selectbox(key="f_year").value == 2024
    assert follow.multiselect(key="f_towns").value == ["乙镇"]


# --- each global filter changes what the overview shows ------------------------------------

def test_the_district_filter_changes_the_overview(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    assert values(at)["参与人数"] == "195"
    at.selectbox(key="f_district").set_value("清江浦区")
    rerun(at)
    assert_no_problem(at)
    # The built-in 清江浦区 has towns but no records in the fixture: the page says so.
    assert not at.metric
    assert "清江浦区2025年暂无履职记录（活动、企业走访、微建议均无）。" in [i.value for i in at.info]


def test_the_all_districts_choice_sums_every_district(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="all", year="2025")
    assert_no_problem(at)
    got = values(at)
    assert got["参与人数"] == "195"  # only 测试区 has records
    assert got["三会达标率"] == "3%"  # 1 of 34 counted towns (3 + 16 + 15 built-in)


def test_the_year_filter_changes_the_overview(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    at.selectbox(key="f_year").set_value(2024)
    rerun(at)
    assert_no_problem(at)
    assert values(at) == {metric_name(k, "zh"): v for k, v in FIXTURE_2024.items()}
    assert any("2024年全年，与上年比较" in c.value for c in at.caption)


def test_the_town_filter_changes_the_overview(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    at.multiselect(key="f_towns").set_value(["乙镇"])
    rerun(at)
    assert_no_problem(at)
    got = values(at)
    assert (got["镇人代会/街道代表议事会"], got["参与人数"], got["走访企业"], got["三会达标率"]) == ("2", "104", "1", "100%")
    coverage = cards(at)["实践点覆盖"]
    assert coverage[0] == "1" and "计划" not in coverage[2]  # the plan is the district's, not a town's
    assert any("测试区（乙镇）" in c.value for c in at.caption)


def test_filters_survive_a_round_trip_through_the_url(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    at.selectbox(key="f_year").set_value(2024)
    rerun(at)
    at.multiselect(key="f_towns").set_value(["乙镇", "丙街道"])
    rerun(at)
    url = {k: at.query_params.get_all(k) if hasattr(at.query_params, "get_all") else at.query_params[k]
           for k in at.query_params}
    assert url == {"district": ["测试区"] if isinstance(url["district"], list) else "测试区",
                   "year": ["2024"] if isinstance(url["year"], list) else "2024",
                   "town": ["乙镇", "丙街道"]}
    again = open_overview(fixture_db, monkeypatch, **url)
    assert_no_problem(again)
    assert again.selectbox(key="f_district").value == "测试区"
    assert again.selectbox(key="f_year").value == 2024
    assert again.multiselect(key="f_towns").value == ["乙镇", "丙街道"]
    assert values(again) == values(at)


# --- empty states ---------------------------------------------------------------------------

def open_page_alone(db: Path, monkeypatch: pytest.MonkeyPatch, f: Filters, lang: str = "zh") -> AppTest:
    """The page on its own with the filters the router would hand it, for views a URL
    cannot ask for (all years; a year the warehouse does not hold)."""
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(i18n._state, "lang", lang)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["_filters"] = f
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_all_years_asks_for_a_year(fixture_db, monkeypatch, lang):
    at = open_page_alone(fixture_db, monkeypatch, Filters(district="测试区", as_of=dt.date(2025, 6, 30)), lang)
    assert_no_problem(at)
    assert not at.metric
    assert [i.value for i in at.info] == [i18n.CATALOG["ov.need_year"][0 if lang == "zh" else 1]]


def test_a_year_without_records_says_what_is_missing(fixture_db, monkeypatch):
    at = open_page_alone(fixture_db, monkeypatch, Filters(district="测试区", year=2026, as_of=dt.date(2025, 6, 30)))
    assert_no_problem(at)
    infos = [i.value for i in at.info]
    assert "测试区2026年暂无履职记录（活动、企业走访、微建议均无）。" in infos
    assert "测试区2026年暂无可判断的事项（无三会、全覆盖计划或微建议记录）。" in infos


# --- the demo warehouse: the article's figures ----------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_overview_of_qingjiangpu_2023_shows_the_articles_figures(demo_db, monkeypatch, lang):
    at = open_overview(demo_db, monkeypatch, lang, district="清江浦区", year="2023")
    assert_no_problem(at)
    got = values(at)
    article = {"congress": "32", "review": "20", "deputy_voter": "24", "publicity": "38",
               "publicity_participants": "1,236", "visits": "228", "enterprises": "228", "person_times": "428",
               "opinions_enterprise": "164", "opinions_deputy": "83", "micro_solved": "224", "compliance": "100%"}
    assert {k: got[metric_name(k, lang)] for k in article} == article


def test_the_overview_offers_the_written_summary_to_copy(demo_db, monkeypatch):
    """工作总结 on the overview: the same text as ``python -m reports summary``, in a code
    block (which has a copy button), with the article's figures."""
    import duckdb

    from reports import summary
    from warehouse.queries import common

    at = open_overview(demo_db, monkeypatch, district="清江浦区", year="2023")
    assert_no_problem(at)
    # Shut, the box is there but its text is not written (no queries, nothing to draw).
    assert [e.label for e in at.expander if "工作总结" in e.label], [e.label for e in at.expander]
    assert len(at.code) == 0
    at.session_state["ov_summary_open"] = True  # what a click on the box's header sets
    at.run()
    assert_no_problem(at)
    codes = [c.value for c in at.code]
    assert len(codes) == 1, codes
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        as_of = common.data_as_of(con, "清江浦区")
        expected = summary.summary_text(con, Filters(district="清江浦区", year=2023, as_of=as_of))
    finally:
        con.close()
    assert codes[0] == expected
    for figure in ("32次", "20次", "24次", "38场次", "228家", "428人次", "164条", "83条", "224件"):
        assert figure in codes[0], figure
    at.session_state["ov_summary_open"] = False  # shut again: the text goes
    at.run()
    assert len(at.code) == 0


def test_demo_overview_of_2025_names_the_towns_below_a_minimum(demo_db, monkeypatch):
    at = open_overview(demo_db, monkeypatch, district="清江浦区", year="2025")
    assert_no_problem(at)
    text = " ".join(m.value for m in at.markdown)
    assert "水渡口街道：镇人代会/街道代表议事会1次，低于法定最低2次" in text
    assert "和平镇：工作评议会0次，低于法定最低1次" in text


# --- drilling from the by-town chart and exporting ------------------------------------------

from tests.apptest import export_csv_rows, select_points, vega_chart  # noqa: E402
from warehouse.queries import overview as ov  # noqa: E402

TOWN_CHART = "ov_pick_town_0"


def chips(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value and ":material/filter_alt:" in m.value]


def findings(at: AppTest) -> list[str]:
    """The 需关注 entries on screen."""
    return [m.value for m in at.markdown if m.value.startswith(":material/")]


def test_picking_a_town_narrows_the_cards_the_list_and_the_trend(fixture_db, fixture_con, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    assert values(at)["参与人数"] == "195" and not chips(at)
    at = select_points(at, TOWN_CHART, ["乙镇"])
    assert_no_problem(at)
    assert chips(at) == [":red-badge[:material/filter_alt: 镇街：乙镇]"]
    got = values(at)
    # The figures of the sidebar's town filter (test_the_town_filter_changes_the_overview) ...
    assert (got["镇人代会/街道代表议事会"], got["参与人数"], got["走访企业"], got["三会达标率"]) == ("2", "104", "1", "100%")
    # ... which are the headline query's with that town.
    head = ov.headline_kpis(fixture_con, Filters(district="测试区", year=2025, towns=("乙镇",), as_of=dt.date(2025, 6, 30)))
    assert float(got["参与人数"]) == head.set_index("kpi").loc["participants", "value"]
    assert any("测试区（乙镇）" in c.value for c in at.caption)
    assert len(findings(at)) == 2 and "乙镇：1件微建议超过7个工作日未办结" in findings(at)[0]
    assert [r[0] for r in export_csv_rows(at, "ov_trend")[1:]] == ["2024", "2025"]
    assert export_csv_rows(at, "ov_trend")[1:] == [["2024", "三会达标率", "0", "1"], ["2025", "三会达标率", "1", "1"]]
    # The chart stays whole (it is where the town was picked); clearing restores the page.
    assert len(export_csv_rows(at, "ov_by_town")) == 4
    at.button(key="ov_clear").click()
    rerun(at)
    assert_no_problem(at)
    assert values(at)["参与人数"] == "195" and not chips(at) and len(findings(at)) == 6


def test_exports_hold_the_rows_on_screen(fixture_db, monkeypatch):
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    # The by-town chart of the default indicator (compliance), highest first: only 乙镇 meets both minimums.
    assert export_csv_rows(at, "ov_by_town") == [["镇街", "三会达标率"], ["乙镇", "1"], ["甲街道", "0"], ["丙街道", "0"]]
    kpi_rows = export_csv_rows(at, "ov_kpis")
    assert kpi_rows[0] == ["指标", "本期", "上年同期/上年", "目标"] and len(kpi_rows) - 1 == len(at.metric) == 14
    shown = values(at)
    assert {r[0]: r[1] for r in kpi_rows[1:]}["参与人数"] == shown["参与人数"]
    att = export_csv_rows(at, "ov_attention")
    assert len(att) - 1 == len(findings(at)) == 6
    assert [r[1] for r in att[1:]] == [f.split("] ", 1)[1] for f in findings(at)]  # the same messages, in order
    at = select_points(at, TOWN_CHART, ["丙街道"])  # a town at 0 can still be picked (its dot)
    assert_no_problem(at)
    assert {r[3] for r in export_csv_rows(at, "ov_attention")[1:]} <= {"丙街道", ""}
    assert {r[0]: r[1] for r in export_csv_rows(at, "ov_kpis")[1:]}["参与人数"] == "0"


def test_the_charts_draw_the_towns_ranked_and_the_trend_with_its_target(fixture_db, fixture_con, monkeypatch):
    """The two charts are Vega-Lite (no plotly.js on the landing page): the towns ranked by
    the indicator with the text on each bar and the town as the click's code; the trend
    with the target as its own, dashed series."""
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    assert not at.get("plotly_chart")
    spec, rows = vega_chart(at, key=TOWN_CHART)
    assert spec["title"]["text"] == "2025年各镇街：三会达标率"
    assert rows[["place", "value", "code", "text"]].values.tolist() == [
        ["乙镇", 1.0, "乙镇", "达标"], ["甲街道", 0.0, "甲街道", "未达标"], ["丙街道", 0.0, "丙街道", "未达标"]]
    assert spec["encoding"]["y"]["sort"] is None  # drawn in the frame's order: highest first
    assert [p["name"] for layer in spec["layer"] for p in layer.get("params", [])] == ["pick"]
    assert spec["encoding"]["x"]["axis"]["format"] == ".0%"
    spec, rows = vega_chart(at, index=0)
    # The trend query's rows of the indicator (2025: one town of three meets both minimums),
    # then its target (every town) as the second series.
    trend = ov.kpi_trend(fixture_con, Filters(district="测试区", year=2025, as_of=dt.date(2025, 6, 30)))
    trend = trend[trend["kpi"] == "compliance"]
    assert trend["year"].astype(str).tolist() == ["2024", "2025"] and trend["value"].tolist()[1] == pytest.approx(1 / 3)
    assert rows.values.tolist() == (
        [[str(y), v, "三会达标率"] for y, v in zip(trend["year"], trend["value"])]
        + [["2024", 1.0, "目标"], ["2025", 1.0, "目标"]])
    assert spec["encoding"]["y"]["axis"]["format"] == ".0%"
    # A count: whole numbers on the axis; no target, so no second series and no legend.
    at.selectbox(key="ov_trend_kpi").set_value("participants").run()
    spec, rows = vega_chart(at, key=TOWN_CHART)
    assert spec["encoding"]["x"]["axis"]["format"] == ",d"
    assert rows["value"].tolist() == sorted(rows["value"], reverse=True) and rows["value"].sum() == 195
    spec, rows = vega_chart(at, index=0)
    assert set(rows["series"]) == {"参与人数"} and spec["encoding"]["color"]["legend"] is None


def test_a_long_attention_list_shows_its_first_entries_and_all_on_request(fixture_db, monkeypatch):
    """The 需关注 list shows its first entries (off-track first) and a toggle for the rest;
    the counts and the export always hold every entry. The fixture has 6 findings: with
    the cut at 4, two wait behind the toggle."""
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    whole = findings(at)
    def shown_all() -> list[str]:
        return [tg.label for tg in at.toggle if tg.key == "ov_att_all"]

    assert len(whole) == 6 and not shown_all()  # six fit: no toggle
    monkeypatch.setattr(frame, "LONG_LIST", 4)
    at.run()
    assert_no_problem(at)
    assert findings(at) == whole[:4]
    assert shown_all() == ["显示全部 6 项"]
    assert len(export_csv_rows(at, "ov_attention")) - 1 == 6
    at.toggle(key="ov_att_all").set_value(True).run()
    assert findings(at) == whole
    at.toggle(key="ov_att_all").set_value(False).run()
    assert findings(at) == whole[:4]


def test_a_ranking_longer_than_the_chart_draws_its_first_towns_and_exports_all(fixture_db, monkeypatch):
    """At national scope the by-town ranking is tens of thousands of towns: the chart draws
    the first ``frame.RANKED_MAX`` (highest first) and says so; the export holds every town.
    The fixture's three towns with the cut at two."""
    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_overview(fixture_db, monkeypatch, district="测试区", year="2025")
    assert_no_problem(at)
    _, rows = vega_chart(at, key=TOWN_CHART)
    assert rows["place"].tolist() == ["乙镇", "甲街道"]
    assert "图中为排名前 2 的镇街（共 3 个），完整排名见导出。" in [c.value for c in at.caption]
    assert [r[0] for r in export_csv_rows(at, "ov_by_town")[1:]] == ["乙镇", "甲街道", "丙街道"]
    monkeypatch.setattr(frame, "RANKED_MAX", 3)
    at.run()
    assert len(vega_chart(at, key=TOWN_CHART)[1]) == 3
    assert not [c.value for c in at.caption if "图中为排名前" in c.value]
