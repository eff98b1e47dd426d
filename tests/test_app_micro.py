"""The 码上办 page runs through the router in both languages; its KPI cards show the
figures computed by hand in tests/test_queries_micro.py (测试区 2024 and 2025) and, on
the demo warehouse, the article's 224 problems solved (清江浦区 2023)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from tests.apptest import sign_in

from tests.test_queries_micro import CODE_DATE_TEXT, PHONE_ID_MASKED, XSS_TEXT, build_micro_warehouse
from ui import i18n


@pytest.fixture(autouse=True)
def _as_analyst(monkeypatch):
    """These pages' texts are checked as an analyst sees them: masked (a leader's are in clear)."""
    from tests import apptest

    monkeypatch.setattr(apptest, "DEFAULT_USER", apptest.ANALYST)


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


# --- drilling from the charts and exporting -------------------------------------------------

from tests.apptest import export_csv_rows, export_xlsx_frame, open_app, select_points  # noqa: E402
from warehouse.queries import micro as mi  # noqa: E402

GRID = "mi_pick_town_0"  # category × town


def chips(at: AppTest) -> list[str]:
    return [m.value.split(": ", 1)[1].rstrip("]") for m in at.markdown
            if "-badge[" in m.value and ":material/filter_alt:" in m.value]


def overdue_ids(at: AppTest) -> list[str]:
    return at.dataframe[0].value["suggestion_id"].tolist()


def test_picking_a_town_in_the_grid_narrows_the_page_to_that_town(micro_db, monkeypatch):
    at = open_app(micro_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    at = select_points(at, GRID, [["甲街道", None]])  # the town's 合计 cell
    assert_no_problem(at)
    assert chips(at) == ["镇街：甲街道"]
    # The same figures as the sidebar's town filter (test_micro_page_with_a_town_filter).
    shown = kpis(at)
    assert (shown["提交建议"], shown["已办结"], shown["超期未办结"], shown["办结用时中位数"]) == ("5", "2", "3", "2.5 天")
    assert overdue_ids(at) == ["A11", "A7", "A9"]
    # 甲街道's accepted items: A1 A2 A11 (区城管局), A7 (区卫健委).
    assert [r[:2] for r in export_csv_rows(at, "mi_departments")[1:]] == [["区城管局", "3"], ["区卫健委", "1"]]
    links = {p.proto.page: p.proto.query_string for p in at.get("page_link")}
    assert "kind=micro_suggestions" in links["explore"]
    at.button(key="mi_clear").click().run()
    assert_no_problem(at)
    assert not chips(at) and kpis(at)["提交建议"] == "12" and len(overdue_ids(at)) == 5


def test_a_cell_picks_its_town_and_category_and_a_total_row_cell_the_category(micro_db, monkeypatch):
    at = open_app(micro_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = select_points(at, GRID, [["甲街道", "URBAN"]])
    assert_no_problem(at)
    assert chips(at) == ["镇街：甲街道", "类别：城建交通"]
    assert kpis(at)["提交建议"] == "3" and overdue_ids(at) == ["A9"]  # A1, A2, A9
    at.button(key="mi_clear").click().run()
    at = select_points(at, "mi_pick_town_1", [[None, "ENVIRONMENT"]])  # the 合计 row: every town
    assert_no_problem(at)
    assert chips(at) == ["类别：环境卫生"]
    assert (kpis(at)["提交建议"], kpis(at)["已办结"]) == ("2", "2")  # A3, A4 of 乙镇
    assert any("没有超期未办结" in s.value for s in at.success)


def test_a_month_and_a_department_narrow_what_is_above_them(micro_db, monkeypatch):
    at = open_app(micro_db, monkeypatch, PAGE, district="测试区", year="2024")
    at = select_points(at, GRID, [["甲街道", None]])
    at = select_points(at, "mi_pick_monthly_0", [12])
    assert_no_problem(at)
    assert chips(at) == ["镇街：甲街道", "月份：12月"]
    assert overdue_ids(at) == ["A7", "A9"]
    assert kpis(at)["提交建议"] == "2"
    at = select_points(at, "mi_pick_dept_volume_0", ["区卫健委"])
    assert_no_problem(at)
    assert chips(at) == ["镇街：甲街道", "月份：12月", "承办单位：区卫健委"]
    assert overdue_ids(at) == ["A7"] and kpis(at)["提交建议"] == "1"
    meta, frame = export_xlsx_frame(at, "mi_overdue")
    assert frame["建议编号"].tolist() == ["A7"]
    assert "图表选择：月份 12月；承办单位 区卫健委" in meta and any("甲街道" in line for line in meta)


def test_exports_hold_the_rows_on_screen(micro_db, monkeypatch):
    at = open_app(micro_db, monkeypatch, PAGE, district="测试区", year="2024")
    overdue = at.dataframe[0].value
    rows = export_csv_rows(at, "mi_overdue")
    assert rows[0] == ["建议编号", "镇街", "提交日期", "超期工作日", "状态", "承办单位", "内容", "类别", "已用工作日"]
    assert [r[0] for r in rows[1:]] == overdue["suggestion_id"].tolist()
    assert [int(r[3]) for r in rows[1:]] == overdue["days_late"].tolist()
    assert [r[4] for r in rows[1:]] == overdue["status"].tolist()  # labels, as on screen
    assert rows[2][6] == PHONE_ID_MASKED  # the export is masked like the screen
    grid = export_csv_rows(at, "mi_category_town")
    assert grid[0] == ["镇街", "类别", "件数"] and len(grid) - 1 == 3 * len(mi.CATEGORY_ORDER)
    assert sum(int(r[2]) for r in grid[1:]) == 12
    assert export_csv_rows(at, "mi_funnel")[1:] == [["提交", "12", "1", "1"], ["受理", "10", str(10 / 12), str(10 / 12)],
                                                    ["交办", "9", "0.75", "0.9"], ["答复", "7", str(7 / 12), str(7 / 9)],
                                                    ["办结", "6", "0.5", str(6 / 7)]]
    at = select_points(at, GRID, [["乙镇", None]])
    assert sum(int(r[3]) for r in export_csv_rows(at, "mi_monthly")[1:]) == 4  # 乙镇: A3 A4 A8 A12
    # 乙镇 has nothing overdue: no list, so no export button for it.
    assert any("没有超期未办结" in s.value for s in at.success)
    assert "dl_csv_mi_overdue" not in download_keys(at) and "dl_csv_mi_monthly" in download_keys(at)


def download_keys(at: AppTest) -> list[str]:
    return [b.proto.id.rsplit("-", 1)[-1] if not getattr(b, "key", None) else b.key
            for b in at.get("download_button")]


def test_a_grid_of_more_towns_than_drawn_shows_those_with_the_most_and_counts_all(micro_db, monkeypatch):
    """At national scope the category × town grid is tens of thousands of towns: it draws
    the ``frame.RANKED_MAX`` towns with the most suggestions and says so; its 合计 row, the
    KPI cards and the export still count every town. 2024 with the cut at two: 甲街道 has
    5 of the 12, 乙镇 4 (above), the third town 3."""
    import json

    from ui import frame

    monkeypatch.setattr(frame, "RANKED_MAX", 2)
    at = open_app(micro_db, monkeypatch, PAGE, district="测试区", year="2024")
    assert_no_problem(at)
    chart = next(c for c in at.get("plotly_chart") if c.key == GRID)
    traces = json.loads(chart.proto.spec)["data"]
    heat = next(tr for tr in traces if tr["type"] == "heatmap")
    assert list(dict.fromkeys(heat["y"])) == ["甲街道", "乙镇"]
    assert any("图中为微建议最多的 2 个镇街（共 3 个）" in c.value for c in at.caption)
    cells = next(tr for tr in traces if tr["type"] == "scatter")
    totals = {tuple(code): text for code, text in zip(cells["customdata"], cells["text"]) if code[0] is None}
    assert totals[(None, None)] == "12"  # the 合计 of 合计: every town, drawn or not
    assert kpis(at)["提交建议"] == "12"
    grid = export_csv_rows(at, "mi_category_town")
    assert len(grid) - 1 == 3 * len(mi.CATEGORY_ORDER) and sum(int(r[2]) for r in grid[1:]) == 12
    monkeypatch.setattr(frame, "RANKED_MAX", 3)
    at.run()
    assert not [c.value for c in at.caption if "图中为微建议最多" in c.value]
