"""镇街画像 as a user sees it (Streamlit's AppTest through the router, as a URL opens it):
the deep link opens the right town and year and shows the figures of ``town_profile``; the
town selectbox switches town and the URL follows; a whole-city view asks for a district;
texts never show a personal number; a town without records says so; in Chinese and English.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_app
from tests.test_queries_towns import ID_NUMBER, PHONE, build_town_warehouse
from ui import i18n
from ui.metrics import METRICS
from warehouse.filters import Filters
from warehouse.queries import common
from warehouse.queries import towns as tq


@pytest.fixture(autouse=True)
def _as_analyst(monkeypatch):
    """These pages' texts are checked as an analyst sees them: masked (a leader's are in clear)."""
    from tests import apptest

    monkeypatch.setattr(apptest, "DEFAULT_USER", apptest.ANALYST)


PAGE = "views/town.py"
DEMO = {"district": "清江浦区", "town": "城南街道", "year": "2023"}
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


@pytest.fixture(scope="module")
def town_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("town_app")
    return build_town_warehouse(tmp / "towns.duckdb", tmp)


def profile_of(db: Path, district: str, year: int, town: str) -> dict[str, dict]:
    """``town_profile`` as the router's filters would ask for it (数据截至 of the district)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        f = Filters(district=district, year=year, as_of=common.data_as_of(con, district))
        p = tq.town_profile(con, f, town)
    finally:
        con.close()
    return {r.measure: {"value": r.value, "median": r.median, "rank": r.rank, "towns": r.towns}
            for r in p.itertuples()}


def shown(m: str, x: float, lang: str = "zh") -> str:
    """How the page should print a value, computed here independently of the page."""
    if x != x:
        return "—"
    if m in tq.RATES:
        return f"{x * 100:.0f}%"
    if m == "covered":
        yes, no = ("已覆盖", "未覆盖") if lang == "zh" else ("Yes", "No")
        return yes if x >= 1 else no if x == 0 else f"{x * 100:.0f}%"
    assert abs(x) < 10000  # beyond, the page writes 1.2万
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def rank_text(rank, n: int, lang: str = "zh") -> str:
    if rank is None or rank != rank or str(rank) == "<NA>":
        return "—"
    return f"第{int(rank)}/{n}名" if lang == "zh" else f"#{int(rank)} of {n}"


def _blocks(node):
    """Every container below ``node`` (columns, expanders, tabs and plain blocks)."""
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield child
            yield from _blocks(child)


def panels(at: AppTest) -> dict[str, dict[str, str]]:
    """The headline as read on screen: measure label -> value, its colour, median, rank and
    the tooltip of the label."""
    out: dict[str, dict[str, str]] = {}
    for block in _blocks(at.main):
        if not (getattr(block, "key", None) or "").startswith("town_group_"):
            continue
        rows = [c for c in block.children.values() if hasattr(c, "children")][1:]  # [0]: the column heads
        for r in rows:
            name, value, median, rank = (next(iter(col.children.values())) for col in r.children.values())
            colour, text = re.fullmatch(r":(\w+)\[\*\*(.+?)\*\*.*\]", value.value).groups()
            out[name.value] = {"value": text, "colour": colour, "median": median.value, "rank": rank.value,
                               "help": name.proto.help}
    return out


def expected_panels(profile: dict[str, dict], lang: str = "zh") -> dict[str, dict[str, str]]:
    i18n.set_lang(lang)
    try:
        labels = {m: i18n.t(f"town.m.{m}") for m in tq.MEASURES}
    finally:
        i18n.set_lang("zh")
    out = {}
    for m, p in profile.items():
        v, md = p["value"], p["median"]
        colour = "gray" if v != v or md != md or v == md else "green" if v > md else "orange"
        out[labels[m]] = {"value": shown(m, v, lang), "colour": colour,
                          "median": shown(m, md, lang), "rank": rank_text(p["rank"], p["towns"], lang),
                          "help": METRICS[m].rule_zh if lang == "zh" else METRICS[m].rule_en}
    return out


def texts_on_screen(at: AppTest) -> list[str]:
    """Every text a user can read: Markdown, captions, infos and every cell of every table."""
    out = [e.value for kind in ("markdown", "caption", "info", "title") for e in at.get(kind)]
    for df in at.dataframe:
        out += [str(v) for v in df.value.to_numpy().ravel()]
    return out


# --- the deep link ------------------------------------------------------------------------

def test_deep_link_opens_the_town_and_year_with_the_profiles_figures(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, **DEMO)
    assert_no_problem(at)
    assert at.title[0].value == "城南街道 · 镇街画像"
    assert at.selectbox(key="town_pick").value == "城南街道"
    assert at.query_params["town"] == "城南街道" and at.query_params["year"] == "2023"
    assert any("清江浦区 · 街道 · 2023年" in c.value for c in at.caption)
    got = panels(at)
    assert len(got) == len(tq.MEASURES)
    assert got == expected_panels(profile_of(demo_db, "清江浦区", 2023, "城南街道"))


def test_the_table_behind_the_headline_is_the_profile_and_exports_it(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, **DEMO)
    profile = profile_of(demo_db, "清江浦区", 2023, "城南街道")
    table = next(d.value for d in at.dataframe if "rank_text" in d.value.columns)
    assert table["measure"].tolist() == list(tq.MEASURES)
    assert table["value_text"].tolist() == [shown(m, profile[m]["value"]) for m in tq.MEASURES]
    assert table["rank_text"].tolist() == [rank_text(profile[m]["rank"], profile[m]["towns"]) for m in tq.MEASURES]
    rows = export_csv_rows(at, "town_profile")
    assert rows[0] == ["类别", "指标", "本镇街", "区中位数", "排名", "参与排名镇街数", "与中位数比较"]
    body = rows[1:]
    assert [r[1] for r in body] == [i18n.CATALOG[f"town.m.{m}"][0] for m in tq.MEASURES]
    for r, m in zip(body, tq.MEASURES):
        p = profile[m]
        assert (r[2] == "" if p["value"] != p["value"] else float(r[2]) == pytest.approx(p["value"])), m
        assert r[4] == ("" if rank_text(p["rank"], p["towns"]) == "—" else str(int(p["rank"]))), m
    meta, _ = export_xlsx_frame(at, "town_profile")
    assert any("镇街 城南街道" in line and "2023年" in line for line in meta)  # the file names the town


def test_the_deep_link_in_english(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, lang="en", **DEMO)
    assert_no_problem(at)
    assert at.title[0].value == "城南街道 · town profile"
    got = panels(at)
    assert got == expected_panels(profile_of(demo_db, "清江浦区", 2023, "城南街道"), "en")
    assert "Congresses / councils" in got
    assert at.get("page_link")[-1].proto.label == "See them all in the record explorer"


def test_breadcrumb_goes_up_to_the_district_and_down_to_the_records(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, **DEMO)
    links = [(p.proto.label, p.proto.page, dict(urllib.parse.parse_qsl(p.proto.query_string)))
             for p in at.get("page_link")]
    up, down = links[0], links[1]
    assert up[0] == "清江浦区" and up[2] == {"district": "清江浦区", "year": "2023"}
    assert down[0] == "记录" and down[1] == "explore"
    assert down[2] == {"district": "清江浦区", "town": "城南街道", "year": "2023"}
    kinds = [q.get("kind") for _, page, q in links[2:] if page == "explore"]
    assert kinds == ["activities", "enterprise_visits", "micro_suggestions"]


# --- switching town -----------------------------------------------------------------------

def test_the_town_selectbox_switches_town_and_the_url_follows(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, **DEMO)
    at.selectbox(key="town_pick").set_value("清江街道").run()
    assert_no_problem(at)
    assert at.query_params["town"] == "清江街道"
    assert at.session_state["f_towns"] == ["清江街道"]  # the global filter followed the URL
    assert at.title[0].value == "清江街道 · 镇街画像"
    assert panels(at) == expected_panels(profile_of(demo_db, "清江浦区", 2023, "清江街道"))
    # The URL it left reproduces the view.
    again = open_app(demo_db, monkeypatch, PAGE, **{**DEMO, "town": at.query_params["town"]})
    assert again.title[0].value == at.title[0].value and panels(again) == panels(at)


def test_without_a_town_the_first_counted_town_is_shown_and_a_pick_goes_into_the_url(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023")
    assert_no_problem(at)
    assert "town" not in at.query_params
    assert at.title[0].value == "城南街道 · 镇街画像"  # first by statistical code
    assert len(at.selectbox(key="town_pick").options) == 16
    at.selectbox(key="town_pick").set_value("黄码镇").run()
    assert at.query_params["town"] == "黄码镇" and at.title[0].value == "黄码镇 · 镇街画像"


def test_with_several_towns_the_profile_offers_just_those(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023", town=["浦楼街道", "清江街道"])
    assert_no_problem(at)
    assert at.selectbox(key="town_pick").options == ["浦楼街道", "清江街道"]
    assert at.title[0].value == "浦楼街道 · 镇街画像"
    at.selectbox(key="town_pick").set_value("清江街道").run()
    assert at.query_params["town"] == "清江街道" and at.title[0].value == "清江街道 · 镇街画像"


def test_all_districts_asks_for_a_district(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="all", year="2023")
    assert_no_problem(at)
    assert i18n.CATALOG["town.need_district"][0] in [i.value for i in at.info]
    assert not panels(at) and not [s for s in at.selectbox if s.key == "town_pick"]


# --- texts, empty states ------------------------------------------------------------------

def test_masked_texts_never_show_a_personal_number(town_db, monkeypatch):
    at = open_app(town_db, monkeypatch, PAGE, district="测试区", town="甲街道", year="2024")
    assert_no_problem(at)
    texts = texts_on_screen(at)
    assert not [x for x in texts if PHONE in x or ID_NUMBER in x]
    assert "宣讲报名请致电138****5678" in texts and "路灯不亮，联系电话138****5678" in texts
    for key in ("town_activities", "town_micro"):
        cells = [c for r in export_csv_rows(at, key) for c in r]
        assert not [c for c in cells if PHONE in c or ID_NUMBER in c], key


def test_the_demos_numbers_in_texts_stay_hidden(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:  # a town-year whose newest micro-suggestion carries a mobile or ID number
        town, year = con.execute(
            """SELECT town, year FROM micro_suggestions WHERE district = '清江浦区'
            AND regexp_matches(content, '1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]')
            ORDER BY submitted_on DESC LIMIT 1""").fetchone()
    finally:
        con.close()
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", town=town, year=str(year))
    assert_no_problem(at)
    texts = texts_on_screen(at) + [c for r in export_csv_rows(at, "town_micro") for c in r]
    assert any("****" in x for x in texts)  # the number is there, masked
    assert not [x for x in texts if MOBILE.search(x) or ID_SHAPED.search(x)]


def test_a_town_without_records_in_the_year_says_so(town_db, monkeypatch):
    at = open_app(town_db, monkeypatch, PAGE, district="测试区", town="丙街道", year="2024")
    assert_no_problem(at)
    infos = [i.value for i in at.info]
    assert "丙街道2024年没有活动、企业走访、码上办或代表建议记录。" in infos
    assert infos.count("2024年没有记录。") == 3  # each list says so too
    assert panels(at)["活动总数"]["value"] == "0"


def test_an_unfinished_year_shows_the_statutory_status_as_pending(fixture_db, monkeypatch):
    # The shared fixture runs to 2025-06-30: 甲街道 has 1 council and 1 appraisal so far in
    # 2025 (J5 J6), with six months left; 2024 was met (J1 J2, J3).
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", town="甲街道", year="2025")
    assert_no_problem(at)
    statutory = next(d.value for d in at.dataframe if "status_label" in d.value.columns)
    assert statutory["year"].tolist() == [2025, 2024]
    assert statutory["status"].tolist() == ["pending", "met"]
    assert statutory["status_label"].tolist() == ["● 尚未达到（剩6个月）", "● 达标"]
    assert panels(at)["镇人代会/议事会"] == {"value": "1", "colour": "gray", "median": "1", "rank": "第2/3名",
                                       "help": METRICS["congress"].rule_zh}

