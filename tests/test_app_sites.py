"""The 阵地与观摩 page as a user sees it (Streamlit's AppTest), in Chinese and English: no
exception, the network cards show the hand-computed figures of the fixture
(``test_queries_sites``), the comparison takes two to four sites, and on the demo
warehouse 淮安区 2023 has 16 代表之家, 72 联络站, 23 联系点/工作室 and 5 upgraded
stations, and 清江浦区 2023 shows the article's four sites with their themes; a town picked in
the network chart narrows the rest of the page, and every export holds the rows on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_app, select_points
from tests.test_app_enterprise import page_links, screen_rows
from tests.test_queries_rollout import AHEAD, build_rollout_warehouse

PAGE = "views/sites.py"
KEYS = {"zh": ("代表之家", "代表联络站", "代表联系点/工作室", "升级为实践点"),
        "en": ("Deputies' homes", "Liaison stations", "Contact points / studios", "Upgraded to practice points")}


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    return open_app(db, monkeypatch, PAGE, lang, **params)


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def network(at: AppTest, lang: str) -> tuple[str, ...]:
    shown = kpis(at)
    return tuple(shown[k] for k in KEYS[lang])


@pytest.fixture(scope="module")
def sites_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("sites_app")
    return build_rollout_warehouse(tmp / "sites.duckdb", tmp)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sites_page_shows_the_hand_computed_network_and_ranking(sites_db, monkeypatch, lang):
    at = open_page(sites_db, monkeypatch, lang, district=AHEAD, year="2024")
    assert_no_problem(at)
    assert at.title[0].value == ("阵地与观摩" if lang == "zh" else "Sites and stations")
    # 2024: 2 homes, 3 liaison stations, 1 point + 1 studio, 1 upgraded (on 2024-12-31).
    assert network(at, lang) == ("2", "3", "2", "1")
    assert all(m.help for m in at.metric[:5])
    ranking = next(df.value for df in at.dataframe if "star_text" in df.value.columns)
    assert ranking["site_id"].tolist() == ["A2", "A1a", "A3"]
    assert ranking["star_text"].tolist() == ["★★★★★", "★★★★", "★★★★"]
    # The comparison starts with the two best sites.
    assert at.multiselect(key="si_compare").value == ["A2", "A1a"]


def test_sites_comparison_takes_up_to_four_and_asks_for_two(sites_db, monkeypatch):
    at = open_page(sites_db, monkeypatch, district=AHEAD, year="2025")
    assert_no_problem(at)
    at.multiselect(key="si_compare").set_value(["A4", "A3", "A1b"]).run()
    assert_no_problem(at)
    assert [h.value for h in at.markdown if h.value.startswith("#### ")] == [
        "#### 甲四实践点", "#### 甲三实践点", "#### 甲一新实践点"]
    at.multiselect(key="si_compare").set_value(["A4"]).run()
    assert any("请选择2至4个实践点" in i.value for i in at.info)


def test_sites_page_says_in_words_what_a_district_has_not_recorded(sites_db, monkeypatch):
    # 无计划区 has no station at all, and its two sites start in 2025: nothing in 2024.
    at = open_page(sites_db, monkeypatch, district="无计划区", year="2024")
    assert_no_problem(at)
    infos = [i.value for i in at.info]
    assert "无计划区在2024年末还没有登记任何代表之家、联络站、联系点或工作室。" in infos
    assert "无计划区在2024年还没有启动的实践点。" in infos
    assert not at.metric and [m.key for m in at.multiselect] == ["f_towns"]  # no comparison either


# --- the demo warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_huaian_2023_has_the_articles_station_network(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="淮安区", year="2023")
    assert_no_problem(at)
    assert network(at, lang) == ("16", "72", "23", "5")
    upgraded = next(df.value for df in at.dataframe if "upgraded_on" in df.value.columns
                    and "station_id" in df.value.columns)
    assert len(upgraded) == 5 and "恩来社区“海棠”代表联络站" in set(upgraded["name"])


ARTICLE_SITES = {"柳树湾街道": ("富强社区", "富强美高、代表同行"), "柳树湾街道 ": ("朝阳社区", "惠民生"),
                 "闸口街道": ("花街社区", "爱心志愿服务"), "城南街道": ("城南街道", "基层治理")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_qingjiangpu_2023_shows_the_four_sites_of_the_article_with_their_themes(demo_db, monkeypatch, lang):
    at = open_page(demo_db, monkeypatch, lang, district="清江浦区", year="2023")
    assert_no_problem(at)
    ranking = next(df.value for df in at.dataframe if "star_text" in df.value.columns)
    got = {(town, name.split("全过程")[0], theme)
           for town, name, theme in zip(ranking["town"], ranking["name"], ranking["theme"])}
    assert got == {(town.strip(), place, theme) for town, (place, theme) in ARTICLE_SITES.items()}
    text = " ".join(m.value for m in at.markdown)
    for _, theme in ARTICLE_SITES.values():
        assert theme in text  # on the cards (一地一特色)


# --- drilling and exports -----------------------------------------------------------------


def ranking_element(at: AppTest):
    return next(df for df in at.dataframe if "star_text" in df.value.columns)


def test_a_town_picked_in_the_network_narrows_the_rest_of_the_page(sites_db, monkeypatch):
    at = open_page(sites_db, monkeypatch, district=AHEAD, year="2024")
    at = select_points(at, "si_pick_town_0", ["甲二街道"])
    assert_no_problem(at)
    # 甲二街道 at the end of 2024, by hand: a home, a liaison station (upgraded only in 2025)
    # and a contact point; its site A2 keeps its rank 1 of the district.
    assert network(at, "zh") == ("1", "1", "1", "0")
    assert "2024年没有阵地升级为实践点。" in [i.value for i in at.info]
    assert ranking_element(at).value[["site_id", "rank"]].values.tolist() == [["A2", 1]]
    card_titles = [m.value for m in at.markdown if m.value.startswith("**甲") and m.value.endswith("实践点**")]
    assert card_titles == ["**甲二实践点**"]
    assert any("镇街：甲二街道" in m.value for m in at.markdown), "the selection is shown as a chip"
    links = page_links(at)
    assert links["打开甲二街道画像"] == {"district": [AHEAD], "town": ["甲二街道"], "year": ["2024"]}
    assert links["查看明细记录"]["kind"] == ["stations"]
    # The comparison still offers every site; the chart every town.
    assert at.multiselect(key="si_compare").options == ["甲二实践点（甲二街道）", "甲一实践点（甲一街道）",
                                                        "甲三实践点（甲三镇）"]
    assert [r[0] for r in export_csv_rows(at, "si_network")[1:]] == ["甲一街道", "甲二街道", "甲三镇", "甲四镇"]
    assert [r[0] for r in export_csv_rows(at, "si_towns")[1:]] == ["甲二街道"]

    at.button(key="si_clear").click().run()
    assert_no_problem(at)
    assert network(at, "zh") == ("2", "3", "2", "1")
    assert ranking_element(at).value["site_id"].tolist() == ["A2", "A1a", "A3"]


def test_a_site_keeps_its_district_rank_when_its_town_is_picked(sites_db, monkeypatch):
    at = open_page(sites_db, monkeypatch, "en", district=AHEAD, year="2024")
    at = select_points(at, "si_pick_town_0", ["甲三镇"])
    assert_no_problem(at)
    # A3 scores 80 like A1a: both second of the district, and A3 stays second alone.
    assert ranking_element(at).value[["site_id", "rank"]].values.tolist() == [["A3", 2]]
    assert network(at, "en") == ("0", "0", "0", "0")


def test_the_ranking_export_holds_the_rows_on_screen(sites_db, monkeypatch):
    at = open_page(sites_db, monkeypatch, district=AHEAD, year="2025")
    rows = export_csv_rows(at, "si_ranking")
    assert rows[0] == ["名次", "星级", "实践点", "镇街", "特色主题", "阶段", "五项配置", "评分"]
    assert rows[1:] == screen_rows(ranking_element(at)) and len(rows) == 1 + 5
    assert rows[1] == ["1", "★★★★★", "甲一新实践点", "甲一街道", "数字人大", "试点", "1 / 5", "95"]
    at = select_points(at, "si_pick_town_0", ["甲一街道"])
    rows = export_csv_rows(at, "si_ranking")
    assert rows[1:] == screen_rows(ranking_element(at)) and [r[:3] for r in rows[1:]] == [
        ["1", "★★★★★", "甲一新实践点"], ["3", "★★★★", "甲一实践点"]]
    meta, records = export_xlsx_frame(at, "si_ranking")
    assert "图表所选镇街：甲一街道" in meta and len(records) == 2


def test_every_chart_and_list_of_the_page_offers_its_rows(sites_db, monkeypatch):
    at = open_page(sites_db, monkeypatch, district=AHEAD, year="2024")
    network_rows = export_csv_rows(at, "si_network")
    assert network_rows[0][:5] == ["镇街", "代表之家", "代表联络站", "代表联系点", "代表工作室"]
    assert network_rows[1][:5] == ["甲一街道", "1", "2", "0", "1"]
    upgraded = export_csv_rows(at, "si_upgraded")
    assert upgraded == [["阵地名称", "镇街", "类型", "升级日期", "特色主题"],
                        ["甲一老街联络站", "甲一街道", "代表联络站", "2024-12-31", "议事协商"]]
    sites = export_csv_rows(at, "si_sites")
    assert [r[0] for r in sites[1:]] == ["甲二实践点", "甲一实践点", "甲三实践点"]
    # A2's education item is blank: absent, as on its card.
    assert sites[1][4:9] == ["✓", "✓", "✗", "✓", "✗"] and sites[1][-3:] == ["2024-03-01", "2024-09-15", ""]
    compared = export_csv_rows(at, "si_compare")
    assert [r[0] for r in compared[1:]] == ["甲二实践点", "甲一实践点"]  # the two chosen by default


def card_titles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**甲") and m.value.endswith("实践点**")]


def test_many_sites_show_their_best_cards_and_the_rest_on_request_or_in_the_ranking(sites_db, monkeypatch):
    """A province has thousands of practice sites (a card each took 20 s to draw): the
    page draws the ``frame.CARDS_FIRST`` best-scored cards, offers the rest behind a toggle
    up to ``frame.RANKED_MAX`` sites and beyond that points to the ranking, which with the
    export still holds every site. 2025 has five sites (above), with the first cut at two."""
    from ui import frame

    monkeypatch.setattr(frame, "CARDS_FIRST", 2)
    at = open_page(sites_db, monkeypatch, district=AHEAD, year="2025")
    assert_no_problem(at)
    assert card_titles(at) == ["**甲一新实践点**", "**甲二实践点**"]
    assert [tg.label for tg in at.toggle if tg.key == "si_cards_all"] == ["显示全部 5 项"]
    at.toggle(key="si_cards_all").set_value(True).run()
    assert_no_problem(at)
    assert len(card_titles(at)) == 5
    monkeypatch.setattr(frame, "RANKED_MAX", 4)
    at.run()
    assert len(card_titles(at)) == 2 and not [tg for tg in at.toggle if tg.key == "si_cards_all"]
    assert "此处为评分最高的 2 个实践点（共 5 个）；全部实践点见下方排名表与导出。" in [c.value for c in at.caption]
    assert len(ranking_element(at).value) == 5 and len(export_csv_rows(at, "si_sites")) == 1 + 5


def test_a_network_of_more_towns_than_drawn_shows_those_with_the_most_stations(sites_db, monkeypatch):
    """At national scope the network chart is tens of thousands of towns: it draws the
    ``frame.RANKED_MAX`` towns with the most stations and says so; the export holds every
    town. 2024 with the cut at two: 甲一街道 has 4 stations, 甲二街道 3, the others none."""
    import json

    from ui import frame

    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_page(sites_db, monkeypatch, district=AHEAD, year="2024")
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == "si_pick_town_0")
    assert {tuple(tr["y"]) for tr in json.loads(chart.proto.spec)["data"]} == {("甲一街道", "甲二街道")}
    assert any("图中为站点最多的 2 个镇街（共 4 个）" in c.value for c in at.caption)
    assert [r[0] for r in export_csv_rows(at, "si_network")[1:]] == ["甲一街道", "甲二街道", "甲三镇", "甲四镇"]
    assert network(at, "zh") == ("2", "3", "2", "1")
