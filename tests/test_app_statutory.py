"""The 三会制度 page as a user sees it (Streamlit's AppTest): the hand-computed table of the
fixture warehouse (测试区 2024/2025, see tests/test_queries_statutory.py), a town picked in
the by-town chart narrowing the cards, the table and the trend, and the exports holding
the rows on screen."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_problem, export_csv_rows, export_xlsx_frame, open_alone, open_app, select_points
from warehouse.filters import Filters
from warehouse.queries import statutory

PAGE = "views/statutory.py"
TOWN_CHART = "st_pick_town_0"
AS_OF = dt.date(2025, 6, 30)
HEADER = ["镇街", "镇人代会/街道代表议事会", "工作评议会", "代表选民议事会", "状态"]


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chips(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value and ":material/filter_alt:" in m.value]


def shown_rows(at: AppTest) -> list[list[str]]:
    """The table on screen, as its export would write it."""
    df = at.dataframe[0].value
    return [[r.town, str(r.congress), str(r.review), str(r.deputy_voter), r.status_label.removeprefix("● ")]
            for r in df.itertuples()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_statutory_page_shows_the_hand_computed_table(fixture_db, monkeypatch, lang):
    at = open_app(fixture_db, monkeypatch, PAGE, lang, district="测试区", year="2024")
    assert_no_problem(at)
    df = at.dataframe[0].value
    assert df["town"].tolist() == ["甲街道", "丙街道", "乙镇"]
    assert df["congress"].tolist() == [2, 3, 2] and df["review"].tolist() == [1, 2, 0]
    assert list(kpis(at).values()) == ["3", "2", "1", "0"]


def test_picking_a_town_narrows_the_cards_the_table_and_the_trend(fixture_db, fixture_con, monkeypatch):
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert not chips(at)
    at = select_points(at, TOWN_CHART, [["乙镇", "未达标"]])
    assert_no_problem(at)
    assert chips(at) == [":red-badge[:material/filter_alt: 镇街：乙镇]"]
    assert kpis(at) == {"纳入统计镇街": "1", "达标镇街": "0", "未达标镇街": "1", "尚未达到": "0"}
    assert shown_rows(at) == [["乙镇", "2", "0", "0", "未达标"]]
    # The trend is the statutory query's for that town: 2024 missed, 2025 met.
    picked = Filters(district="测试区", towns=("乙镇",), as_of=AS_OF)
    expected = statutory.compliance_by_year(fixture_con, picked)
    assert export_csv_rows(at, "st_trend")[1:] == [
        [str(r.year), r.district, str(r.towns), str(r.compliant), f"{r.rate:g}", str(r.congress), str(r.review),
         str(r.deputy_voter)] for r in expected.itertuples()]
    assert export_csv_rows(at, "st_trend")[1:] == [["2024", "测试区", "1", "0", "0", "2", "0", "0"],
                                                   ["2025", "测试区", "1", "1", "1", "2", "1", "0"]]
    links = {p.proto.page: p.proto.query_string for p in at.get("page_link")}
    assert "kind=activities" in links["explore"] and "year=2024" in links["town"]
    # The chart stays whole (it is where the town was picked); clearing restores the page.
    assert len(export_csv_rows(at, "st_towns")) == 4
    at.button(key="st_clear").click().run()
    assert_no_problem(at)
    assert not chips(at) and kpis(at)["纳入统计镇街"] == "3" and len(at.dataframe[0].value) == 3


def test_exports_hold_the_rows_on_screen(fixture_db, monkeypatch):
    # 2025 is not over in the data: 甲街道 and 丙街道 are pending, with the months left.
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2025")
    assert_no_problem(at)
    rows = export_csv_rows(at, "st_table")
    assert rows[0] == HEADER
    assert rows[1:] == shown_rows(at) == [["甲街道", "1", "1", "0", "尚未达到（剩6个月）"],
                                          ["丙街道", "0", "0", "0", "尚未达到（剩6个月）"],
                                          ["乙镇", "2", "1", "0", "达标"]]
    assert export_csv_rows(at, "st_towns") == rows
    congress, review, deputy_voter = HEADER[1:4]
    assert export_csv_rows(at, "st_counts")[1:] == [
        ["2024", congress, "7"], ["2024", review, "3"], ["2024", deputy_voter, "1"],
        ["2025", congress, "3"], ["2025", review, "2"], ["2025", deputy_voter, "0"]]
    # A town without any meeting (丙街道 in 2025) has no bar but a status dot: it can be picked.
    at = select_points(at, TOWN_CHART, [["丙街道", "尚未达到（剩6个月）"]])
    assert export_csv_rows(at, "st_table")[1:] == [["丙街道", "0", "0", "0", "尚未达到（剩6个月）"]]
    meta, frame = export_xlsx_frame(at, "st_table")
    assert any("丙街道" in line for line in meta) and frame["镇街"].tolist() == ["丙街道"]


def test_without_a_year_the_page_asks_for_one_and_shows_the_trend(fixture_db, monkeypatch):
    at = open_alone(fixture_db, monkeypatch, PAGE, Filters(district="测试区", as_of=AS_OF))
    assert_no_problem(at)
    assert [i.value for i in at.info] == ["请在左侧选择一个年度以查看各镇街的达标情况。"]
    assert not [c for c in at.get("plotly_chart") if getattr(c, "key", None)]  # nothing to pick
    assert len(export_csv_rows(at, "st_trend")) == 3


def test_a_table_too_large_to_style_is_shown_plain_with_its_status_in_words(fixture_db, monkeypatch):
    """At national scope the table is ~40,000 towns: more cells than pandas will style
    (it raised, and the table was replaced by an error). Beyond ``charts.STYLED_CELLS_MAX``
    cells the same rows are shown without the status fills, the status still in words."""
    import pandas as pd

    from ui import charts

    small = pd.DataFrame({"status": ["met", "missed"], "label": ["● 达标", "● 未达标"]})
    assert isinstance(charts.status_styler(small, "status", "label"), pd.io.formats.style.Styler)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    styled_rows = shown_rows(at)
    assert at.dataframe[0].proto.arrow_data.styler.uuid  # the fills are there
    monkeypatch.setattr(charts, "STYLED_CELLS_MAX", 3)
    assert charts.status_styler(small, "status", "label") is small
    at.run()
    assert_no_problem(at)
    assert not at.dataframe[0].proto.arrow_data.styler.uuid
    assert shown_rows(at) == styled_rows and styled_rows[-1][-1]  # same rows, status in words


def test_a_chart_of_more_towns_than_drawn_shows_those_furthest_behind(fixture_db, monkeypatch):
    """At national scope the by-town chart is tens of thousands of towns: it draws the
    ``frame.RANKED_MAX`` furthest behind (below a minimum first, then the fewest meetings)
    and says so; the table, the cards and the exports hold every town. 2025 with the cut at
    two: 丙街道 (pending, 0 meetings) and 甲街道 (pending, 2) before 乙镇 (met)."""
    import json

    from ui import frame

    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2025")
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == TOWN_CHART)
    dots = [tr for tr in json.loads(chart.proto.spec)["data"] if tr["type"] == "scatter"]
    assert [d[0] for d in dots[0]["customdata"]] == ["丙街道", "甲街道"]
    assert any("图中为进度最落后的 2 个镇街（共 3 个）" in c.value for c in at.caption)
    assert kpis(at)["纳入统计镇街"] == "3" and len(at.dataframe[0].value) == 3
    assert len(export_csv_rows(at, "st_towns")) == 1 + 3
    monkeypatch.setattr(frame, "RANKED_MAX", 3)
    at.run()
    chart = next(c for c in at.get("plotly_chart") if c.key == TOWN_CHART)
    dots = [tr for tr in json.loads(chart.proto.spec)["data"] if tr["type"] == "scatter"]
    assert [d[0] for d in dots[0]["customdata"]] == ["甲街道", "丙街道", "乙镇"]  # the query's order, uncut
    assert not [c.value for c in at.caption if "图中为进度最落后" in c.value]


def _values(array) -> list:
    """A plotly array as sent: a list, or a typed array (``{"dtype", "bdata"}``, base64)."""
    import base64

    import numpy as np

    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_more_districts_than_lines_are_drawn_as_one_combined_rate(fixture_db, monkeypatch):
    """A line per district of a province (2,800 of them) took seconds to build and is
    unreadable: beyond ``frame.SERIES_MAX`` districts the trend is one line, all districts'
    compliant towns over their counted towns; the export keeps each district. With the cap
    at 0 the fixture's one district is drawn combined: 2024 2 of 3, 2025 1 of 3."""
    import json

    from ui import frame

    monkeypatch.setattr(frame, "SERIES_MAX", 0)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    trend = next(c for c in at.get("plotly_chart")
                 if json.loads(c.proto.spec)["layout"].get("title", {}).get("text") == "历年三会达标率")
    (line,) = json.loads(trend.proto.spec)["data"]
    assert [str(x) for x in _values(line["x"])] == ["2024", "2025"]
    assert _values(line["y"]) == pytest.approx([2 / 3, 1 / 3])
    assert any("共 1 个区县，图中为其合计达标率" in c.value for c in at.caption)
    assert export_csv_rows(at, "st_trend")[1][:5] == ["2024", "测试区", "3", "2", str(2 / 3)]


def test_a_table_longer_than_shown_keeps_its_first_rows_and_exports_all(fixture_db, monkeypatch):
    """A province's statutory table is 38,840 towns (5.7 MB to the browser): the table
    shows the first ``frame.TABLE_MAX`` rows and says so; the cards and the export count
    every town."""
    from ui import frame

    monkeypatch.setattr(frame, "TABLE_MAX", 2)
    at = open_app(fixture_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    assert at.dataframe[0].value["town"].tolist() == ["甲街道", "丙街道"]
    assert "表中显示前 2 行（共 3 行），全部见导出。" in [c.value for c in at.caption]
    assert kpis(at)["纳入统计镇街"] == "3" and len(export_csv_rows(at, "st_table")) == 1 + 3
