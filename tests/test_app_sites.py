"""The 阵地与观摩 page as a user sees it (Streamlit's AppTest), in Chinese and English: no
exception, the network cards show the hand-computed figures of the fixture
(``test_queries_sites``), the comparison takes two to four sites, and on the demo
warehouse 淮安区 2023 has 16 代表之家, 72 联络站, 23 联系点/工作室 and 5 upgraded
stations, and 清江浦区 2023 shows the article's four sites with their themes."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app_rollout import assert_no_problem, kpis, open_page as _open
from tests.test_queries_rollout import AHEAD, build_rollout_warehouse

PAGE = "views/sites.py"
KEYS = {"zh": ("代表之家", "代表联络站", "代表联系点/工作室", "升级为实践点"),
        "en": ("Deputies' homes", "Liaison stations", "Contact points / studios", "Upgraded to practice points")}


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh", **params: str) -> AppTest:
    at = _open(db, monkeypatch, lang, **params)  # opens the rollout page first, then:
    at.switch_page(PAGE).run()
    return at


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
