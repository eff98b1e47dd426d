"""The 数据管理 page as a clerk uses it (AppTest, whose file_uploader hands bytes to the page
as a browser upload would): a faulty file is checked and reported before anything is
written; confirming loads the good rows and the overview's figures change in the same
server session; the same file again changes nothing and says so; files that cannot be read
get a plain message and change nothing; the load history, the freshness tab and the
dictionary render in both languages.

Every test loads into its own copy of the shared fixture warehouse (测试区, data to
2025-06-30; the overview shows 1 宣讲活动 for 2025)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import rejects
from tests.apptest import assert_no_problem, export_xlsx_frame, open_app
from tests.conftest import TEST_LEADER, query, write_csv, write_xlsx

PAGE = "views/data.py"
OVERVIEW = "views/overview.py"
FILTERS = {"district": "测试区", "year": "2025"}
CSV_MIME = "text/csv"
HEADER = ["活动编号", "类型", "区", "镇街", "日期", "人大代表人数", "群众人数"]
# Two good publicity events in 2025 (before the cut-off) and one with an impossible date.
FAULTY_ROWS = [
    HEADER,
    ["U1", "宣讲活动", "测试区", "甲街道", "2025-05-06", 2, 30],
    ["U2", "宣讲活动", "测试区", "乙镇", "2025-05-07", 1, 20],
    ["U3", "宣讲活动", "测试区", "丙街道", "2025-02-30", 1, 10],  # row 4
]


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wh" / "oversight.duckdb"
    target.parent.mkdir()
    shutil.copyfile(fixture_db, target)
    return target


def fingerprint(db: Path) -> tuple[str, int]:
    """The warehouse file's content and its number of loads: a check must leave both."""
    return hashlib.sha256(db.read_bytes()).hexdigest(), query(db, "SELECT count(*) FROM etl_loads")[0][0]


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, content, CSV_MIME) for name, content in files])
    return at.run()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def frame(at: AppTest, *columns: str):
    """The first table (st.dataframe) on the page with these columns (AppTest gives a
    read-only dataframe no key)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def table(at: AppTest, *columns: str):
    """The first st.table on the page with these columns."""
    return next(t.value for t in at.table if set(columns) <= set(t.value.columns))


def confirm_button(at: AppTest):
    return next((b for b in at.button if b.key == "dm_confirm"), None)


def publicity(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "宣讲活动")


def open_tab(at: AppTest, label: str) -> AppTest:
    """Switch to the tab ``label`` as a click does (only the open tab is written)."""
    at.session_state["dm_tab"] = label
    at.run()
    assert_no_problem(at)
    return at


def test_page_opens_with_upload_history_freshness_and_dictionary(db: Path, monkeypatch: pytest.MonkeyPatch):
    at = open_app(db, monkeypatch, PAGE, **FILTERS)
    assert_no_problem(at)
    assert texts(at.title) == ["数据管理"]
    assert [tab.label for tab in at.tabs] == ["上传数据", "导入记录", "新鲜度与完整性", "模板与数据字典"]
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    assert any("每个文件不超过 50 MB" in c for c in texts(at.caption))
    # No file yet: no report, nothing to confirm.
    assert confirm_button(at) is None and "校验结果" not in texts(at.subheader)
    # Only the open tab is written: no history, freshness or dictionary behind it.
    assert not at.dataframe and not at.table and not at.expander and not at.get("download_button")
    open_tab(at, "模板与数据字典")
    assert {"下载填报模板（.xlsx）", "下载完整数据字典（.md）"} <= {b.label for b in at.get("download_button")}
    assert not at.file_uploader and len(at.expander) >= 10
    open_tab(at, "导入记录")
    assert "load_id" in at.dataframe[0].value.columns and not at.expander
    open_tab(at, "上传数据")
    assert at.file_uploader and not at.dataframe


def test_faulty_file_is_reported_before_anything_is_written_then_loaded_on_confirm(
        db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    at = open_app(db, monkeypatch, None, **FILTERS)  # the overview first: the figure before
    assert publicity(at) == "1"
    at.switch_page(PAGE).run()
    before = fingerprint(db)
    data = write_csv(tmp_path / "活动.csv", FAULTY_ROWS).read_bytes()

    upload(at, ("活动.csv", data))
    assert_no_problem(at)
    assert "校验结果" in texts(at.subheader)
    assert any("尚未写入任何数据" in c for c in texts(at.caption))
    assert any("读取 3 行，可导入 2 行（新增 2、更新 0、与现有数据相同 0），拒绝 1 行" in m for m in texts(at.markdown))
    summary = frame(at, "sheet", "rows_read")
    assert summary[["rows_read", "rows_loaded", "rows_rejected"]].values.tolist() == [[3, 2, 1]]
    shown = table(at, "行号", "原因")
    assert shown[["工作表", "行号", "列", "填写的值"]].values.tolist() == [["—", 4, "日期", "2025-02-30"]]
    assert shown["原因"].tolist() == ["日期无法识别：2025-02-30"]
    assert any(b.label == "下载待修改的行：活动.csv" for b in at.get("download_button"))
    assert any("新增 2 行" in i and "被拒绝的 1 行不导入" in i for i in texts(at.info))
    assert fingerprint(db) == before  # validated: nothing written

    # A rerun (any widget) does not load either.
    at.run()
    assert fingerprint(db) == before

    confirm_button(at).click()
    at.run()
    assert_no_problem(at)
    assert any(s.startswith("导入完成（批次 3）：新增 2 行") and "拒绝 1 行" in s for s in texts(at.success))
    assert query(db, "SELECT activity_id FROM activities WHERE activity_id LIKE 'U%' ORDER BY 1") == [("U1",), ("U2",)]
    assert query(db, "SELECT origin, status, rows_loaded, rows_rejected FROM etl_loads WHERE load_id = 3") == \
           [("user", "partial", 2, 1)]
    assert query(db, 'SELECT "row", reason FROM etl_rejects WHERE load_id = 3') == [(4, "日期无法识别：2025-02-30")]
    assert confirm_button(at) is None  # the uploader is empty again

    # The same server session: the overview reads the new warehouse without a restart.
    at.switch_page(OVERVIEW).run()
    assert_no_problem(at)
    assert publicity(at) == "3"


def test_second_upload_of_the_same_file_changes_nothing_and_says_so(
        db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    at = open_app(db, monkeypatch, PAGE, **FILTERS)
    data = write_csv(tmp_path / "活动.csv", FAULTY_ROWS[:3]).read_bytes()
    upload(at, ("活动.csv", data))
    confirm_button(at).click()
    at.run()
    assert any(s.startswith("导入完成") for s in texts(at.success))
    after_first = fingerprint(db)

    upload(at, ("活动.csv", data))
    assert_no_problem(at)
    assert "全部 2 行与现有数据相同，未作改动。" in texts(at.success)
    assert any("内容完全相同的文件已于" in c and "批次 3" in c for c in texts(at.caption))
    assert confirm_button(at) is None
    assert fingerprint(db) == after_first


def _pdf() -> tuple[str, bytes]:
    return "活动.pdf", b"%PDF-1.4 not a table"


def _empty() -> tuple[str, bytes]:
    return "活动.csv", b""


def _big() -> tuple[str, bytes]:
    return "活动.csv", ("活动编号,类型,区,镇街,日期\n" + "K1,宣讲活动,测试区,甲街道,2025-05-06\n" * 60).encode()


def _unknown_sheets(tmp: Path) -> tuple[str, bytes]:
    return "统计表.xlsx", write_xlsx(tmp / "统计表.xlsx", {"Sheet1": [["甲", "乙"], [1, 2]]}).read_bytes()


def _undecodable() -> tuple[str, bytes]:
    return "活动.csv", "活动编号,类型\n".encode("utf-8") + b"\xff\xfe\xff\x80\n"


@pytest.mark.parametrize("case, expected", [
    ("pdf", "不支持的文件类型「.pdf」"),
    ("empty", "文件为空（0字节）"),
    ("big", "文件太大（"),
    ("unknown_sheets", "工作表「Sheet1」不是可识别的记录类型"),
    ("undecodable", "无法识别文件编码"),
])
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_changes_nothing(
        case: str, expected: str, db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    if case == "big":  # before the page is drawn: the uploader widget is made with the limit
        monkeypatch.setattr(rejects, "UPLOAD_LIMIT_MB", 1 / 1024)  # 1 KB, for the test
    at = open_app(db, monkeypatch, PAGE, **FILTERS)
    file = {"pdf": _pdf, "empty": _empty, "big": _big, "undecodable": _undecodable,
            "unknown_sheets": lambda: _unknown_sheets(tmp_path)}[case]()
    before = fingerprint(db)
    upload(at, file)
    assert_no_problem(at)
    errors = texts(at.error)
    assert any(e.startswith("整个文件未导入：") and expected in e for e in errors), errors
    assert any("没有能导入的文件，数据未改变" in e for e in errors), errors
    assert confirm_button(at) is None
    assert fingerprint(db) == before


def test_a_good_file_beside_a_refused_one_can_still_be_loaded(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path):
    at = open_app(db, monkeypatch, PAGE, **FILTERS)
    good = write_csv(tmp_path / "活动.csv", FAULTY_ROWS[:2]).read_bytes()
    upload(at, ("活动.csv", good), _pdf())
    assert any("不支持的文件类型「.pdf」" in e for e in texts(at.error))
    confirm_button(at).click()
    at.run()
    assert query(db, "SELECT file, status FROM etl_loads WHERE load_id = 3 ORDER BY file") == \
           [("活动.csv", "loaded"), ("活动.pdf", "refused")]


def test_history_lists_every_load_and_shows_the_rejects_of_a_past_one(
        db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    at = open_app(db, monkeypatch, PAGE, **FILTERS)
    upload(at, ("活动.csv", write_csv(tmp_path / "活动.csv", FAULTY_ROWS).read_bytes()))
    confirm_button(at).click()
    at.run()
    open_tab(at, "导入记录")
    hist = frame(at, "sha256")
    assert hist["load_id"].tolist() == [3, 2, 1]
    newest = hist.iloc[0]
    assert (newest["file"], newest["origin"], newest["status"], newest["loaded_by"]) == \
           ("活动.csv", "用户导入", "部分导入", TEST_LEADER)  # who: the signed-in account
    assert (newest["rows_read"], newest["rows_loaded"], newest["rows_new"], newest["rows_rejected"]) == (3, 2, 2, 1)
    assert len(newest["sha256"]) == 64
    assert hist.iloc[-1]["origin"] == "内置镇街名录"
    picker = at.selectbox(key="dm_hist_load")
    assert picker.value == 3
    past = table(at, "记录类型", "原因")
    assert past[["文件", "行号", "记录类型", "原因"]].values.tolist() == [["活动.csv", 4, "活动", "日期无法识别：2025-02-30"]]
    meta, exported = export_xlsx_frame(at, "dm_load_rejects")
    assert exported["原因"].tolist() == ["日期无法识别：2025-02-30"]


def test_freshness_shows_the_footers_data_as_of_and_the_grid(db: Path, monkeypatch: pytest.MonkeyPatch):
    at = open_tab(open_app(db, monkeypatch, PAGE, **FILTERS), "新鲜度与完整性")
    as_of = next(m.value for m in at.metric if m.label == "数据截至")
    assert as_of == "2025-06-30"
    assert any(c.startswith(f"数据截至 {as_of}") for c in texts(at.caption))  # the footer
    fresh = frame(at, "earliest").set_index("kind")
    assert fresh.loc["活动", "latest"] == "2025-06-30" and fresh.loc["全覆盖计划", "latest"] == "2025年"
    assert fresh.loc["代表", "latest"] == "—" and fresh.loc["活动", "records"] == 20
    grid = frame(at, "reported_months")
    assert grid["town"].tolist() == ["甲街道", "丙街道", "乙镇"]
    # 2025 to June. 甲街道 held no activity in January but nothing at all either: "—";
    # 丙街道 had no activity in 2025 but a visit in June: a reported 0.
    assert [c for c in grid.columns if c.endswith("月")] == [f"{m}月" for m in range(1, 7)]
    assert grid.loc[grid["town"] == "丙街道", "6月"].tolist() == [0]
    assert grid.loc[grid["town"] == "甲街道", "1月"].isna().all()
    assert any("视为未报送" in c for c in texts(at.caption))


def test_dictionary_lists_every_kind_in_the_selected_language(db: Path, monkeypatch: pytest.MonkeyPatch):
    from etl.spec import KINDS

    at = open_app(db, monkeypatch, PAGE, lang="en", **FILTERS)
    assert_no_problem(at)
    assert texts(at.title) == ["Data management"]
    open_tab(at, "Template and dictionary")
    labels = [e.label for e in at.expander]
    for kind in KINDS:
        assert any(f"{kind.en} · {kind.label} (`{kind.name}`)" == x for x in labels), kind.name
    towns = next(t.value for t in at.table
                 if "Column id" in t.value.columns and "town_type" in t.value["Column id"].tolist())
    row = towns.set_index("Column id").loc["town_type"]
    assert row["Chinese label"] == "类型" and row["Name"] == "Type" and row["Required"] == "yes"
    assert row["Accepted values"] == "Street (STREET), Town (TOWN), Other (OTHER)"
    assert "Counting rules" in texts(at.subheader)


def test_upload_flow_in_english_speaks_english(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    at = open_app(db, monkeypatch, PAGE, lang="en", **FILTERS)
    upload(at, ("活动.csv", write_csv(tmp_path / "活动.csv", FAULTY_ROWS).read_bytes()))
    assert_no_problem(at)
    assert "Check report" in texts(at.subheader)
    assert confirm_button(at).label == "Confirm the load"
    # The reasons stay the ETL's Chinese sentences, as the data contract writes them.
    assert table(at, "Row", "Reason")["Reason"].tolist() == ["日期无法识别：2025-02-30"]
