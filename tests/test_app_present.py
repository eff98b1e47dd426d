"""汇报模式 as a presenter uses it (AppTest): the slide in the URL, previous / next, a bad
slide number, the storyline's titles in order, the figures on the headline slide."""

from __future__ import annotations

import pytest

from reports.pack import SLIDE_TITLES, STORYLINE
from tests.apptest import assert_no_problem, open_app

PAGE = "views/present.py"


def titles(at) -> list[str]:
    return [x.value for x in at.title]


def test_the_deep_link_opens_the_slide_in_the_url(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023", slide="4")
    assert_no_problem(at)
    assert titles(at) == [SLIDE_TITLES["statutory"]]
    assert at.query_params["slide"] == "4"
    assert any("第 4 / 9 页" in m.value for m in at.markdown)


def test_next_and_previous_walk_the_storyline_and_follow_in_the_url(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023")
    assert_no_problem(at)
    assert at.button(key="pr_prev").disabled
    seen = [at.title[0].value]
    for n in range(2, len(STORYLINE) + 1):
        at.button(key="pr_next").click().run()
        assert_no_problem(at)
        assert at.query_params["slide"] == str(n)
        seen.append(at.title[0].value)
    assert seen[1:] == [SLIDE_TITLES[k] for k in STORYLINE[1:]]
    assert seen[0] == "清江浦区履职工作汇报"
    assert at.button(key="pr_next").disabled, "the last slide has no next"
    at.button(key="pr_prev").click().run()
    assert at.query_params["slide"] == str(len(STORYLINE) - 1)
    assert at.title[0].value == SLIDE_TITLES[STORYLINE[-2]]


def test_the_headline_slide_shows_the_articles_figures(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023", slide="2")
    values = {m.label: m.value for m in at.metric}
    assert values["镇人代会/街道代表议事会"] == "32次" and values["工作评议会"] == "20次"
    assert values["代表选民议事会"] == "24次" and values["宣讲活动"] == "38场次"
    assert values["走访企业"] == "228家" and values["代表参与人次"] == "428人次"
    assert values["企业提出意见"] == "164条" and values["代表提出意见建议"] == "83条"
    assert values["码上办解决问题"] == "224件"


@pytest.mark.parametrize("bad", ["0", "99", "abc"])
def test_a_bad_slide_number_falls_back_to_the_first_with_a_notice(demo_db, monkeypatch, bad):
    at = open_app(demo_db, monkeypatch, PAGE, district="清江浦区", year="2023", slide=bad)
    assert not at.exception
    assert at.title[0].value == "清江浦区履职工作汇报"
    assert any(bad in w.value for w in at.warning)


def test_all_districts_asks_for_one_district(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, district="all", year="2023")
    assert not at.exception
    assert any("一个区" in i.value for i in at.info)


def test_english_switch_labels_the_controls_in_english(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, PAGE, lang="en", district="清江浦区", year="2023", slide="3")
    assert_no_problem(at)
    assert at.button(key="pr_next").label == "Next"
    assert any("Slide 3 of 9" in m.value for m in at.markdown)
