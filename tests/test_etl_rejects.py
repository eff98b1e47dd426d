"""One test per reject reason: the row is rejected (never guessed), with the Excel row
number, the column, the value and a reason a clerk understands."""

from __future__ import annotations

import pytest

from etl.load import load
from tests.conftest import ACTIVITY_HEADER, query, write_csv, write_xlsx

VISIT_HEADER = ["走访编号", "日期", "区", "镇街", "企业名称", "统一社会信用代码", "省级代表人次"]


def _reject(report) -> dict:
    assert report.exit_code == 1, report.rejects.to_dict("records")
    assert len(report.rejects) == 1
    return report.rejects.iloc[0].to_dict()


@pytest.mark.parametrize("cells,column,reason_part", [
    (["A1", "", "清江浦区", "柳树湾", "2023-03-05", 1, 1], "类型", "缺少必填项「类型」"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "", 1, 1], "日期", "缺少必填项「日期」"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-13-45", 1, 1], "日期", "日期无法识别：2023-13-45"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-02-30", 1, 1], "日期", "日期无法识别：2023-02-30"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "3月5日", 1, 1], "日期", "日期无法识别：3月5日"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "1900-01-01", 1, 1], "日期", "超出合理范围"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", -3, 1], "人大代表人数", "不能为负数：-3"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", "2.5", 1], "人大代表人数", "应为整数：2.5"),
    (["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", "十二", 1], "人大代表人数", "不是有效的数字：十二"),
    (["A1", "宣讲会", "清江浦区", "柳树湾", "2023-03-05", 1, 1], "类型", "取值无法识别：宣讲会"),
    (["A1", "宣讲活动", "清江浦区", "柳树", "2023-03-05", 1, 1], "镇街", "清江浦区没有这个镇街"),
    (["A1", "宣讲活动", "淮安区", "柳树湾", "2023-03-05", 1, 1], "镇街", "淮安区没有这个镇街"),
    (["A1", "宣讲活动", "火星区", "柳树湾", "2023-03-05", 1, 1], "区", "「区」未登记：火星区"),
    (["A" * 65, "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1], "活动编号", "超过64个字符"),
])
def test_activity_row_faults_are_rejected_with_column_and_reason(load_rows, db_path, cells, column, reason_part):
    report = load_rows("activities", [ACTIVITY_HEADER, cells])
    r = _reject(report)
    assert r["row"] == 2
    assert r["column"] == column
    assert reason_part in r["reason"]
    assert r["kind"] == "activities"
    assert query(db_path, "SELECT count(*) FROM activities") == [(0,)]


def test_every_fault_of_a_row_is_named_in_its_reason(load_rows):
    report = load_rows("activities", [ACTIVITY_HEADER, ["A1", "宣讲会", "清江浦区", "柳树湾", "2023-13-45", -1, 1]])
    reason = _reject(report)["reason"]
    assert "宣讲会" in reason and "2023-13-45" in reason and "不能为负数" in reason


def test_yes_no_that_is_neither_is_rejected(load_rows):
    header = ["走访编号", "日期", "区", "镇街", "企业名称", "问卷回收"]
    r = _reject(load_rows("enterprise_visits", [header, ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲", "也许"]]))
    assert r["column"] == "问卷回收" and "应填“是”或“否”：也许" in r["reason"]


@pytest.mark.parametrize("code,reason_part", [
    ("91350100M000100Y42", "校验位不正确"),
    ("9135010", "应为18位统一社会信用代码"),
    ("91350100M000100YI3", "应为18位统一社会信用代码"),  # I is not in the code's alphabet
])
def test_bad_credit_codes_are_rejected(load_rows, code, reason_part):
    row = ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", code, 1]
    r = _reject(load_rows("enterprise_visits", [VISIT_HEADER, row]))
    assert r["column"] == "统一社会信用代码" and reason_part in r["reason"]


def test_town_code_must_have_twelve_digits(load_rows):
    r = _reject(load_rows("towns", [["区", "镇街", "类型", "区划代码"], ["测试区", "甲街道", "街道", "12345"]]))
    assert r["column"] == "区划代码" and "应为12位数字：12345" in r["reason"]


def test_year_out_of_range_is_rejected(load_rows):
    rows = [["区", "年度", "阶段", "目标覆盖镇街数"], ["清江浦区", 1800, "试点示范", 4]]
    r = _reject(load_rows("rollout_plan", rows))
    assert r["column"] == "年度" and "年度超出范围" in r["reason"]


def test_score_above_100_is_rejected(load_rows):
    rows = [["实践点编号", "区", "镇街", "名称", "阶段", "评分"], ["S1", "清江浦区", "柳树湾", "富强社区", "建成", 101]]
    r = _reject(load_rows("practice_sites", rows))
    assert r["column"] == "评分" and "应在0到100之间" in r["reason"]


def test_later_date_before_earlier_date_is_rejected(load_rows):
    header = ["建议编号", "提交日期", "区", "镇街", "类别", "状态", "办结日期"]
    rows = [header, ["M1", "2023-05-10", "清江浦区", "柳树湾", "环境卫生", "已办结", "2023-05-01"]]
    r = _reject(load_rows("micro_suggestions", rows))
    assert r["column"] == "办结日期"
    assert "「办结日期」（2023-05-01）早于「提交日期」（2023-05-10）" in r["reason"]


def test_opinion_pointing_to_an_unknown_visit_is_rejected(load_rows):
    rows = [["意见编号", "走访编号", "来源", "类别"], ["O1", "V404", "企业", "营商环境"]]
    r = _reject(load_rows("enterprise_opinions", rows))
    assert r["column"] == "走访编号" and r["value"] == "V404" and "找不到" in r["reason"]


def test_opinion_pointing_to_a_rejected_visit_is_rejected_too(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "企业走访": [VISIT_HEADER, ["V1", "2023-13-45", "清江浦区", "柳树湾", "甲公司", "", 1]],
        "企业意见": [["意见编号", "走访编号", "来源", "类别"], ["O1", "V1", "企业", "营商环境"]],
    })
    report = load([path], db_path)
    assert sorted(report.rejects["kind"]) == ["enterprise_opinions", "enterprise_visits"]
    assert query(db_path, "SELECT count(*) FROM enterprise_opinions") == [(0,)]


def test_reference_to_a_record_already_in_the_warehouse_is_accepted(load_rows, db_path):
    load_rows("enterprise_visits", [VISIT_HEADER, ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", "", 1]])
    report = load_rows("enterprise_opinions", [["意见编号", "走访编号", "来源", "类别"], ["O1", "V1", "企业", "用地"]])
    assert report.exit_code == 0


def test_exact_copy_of_an_earlier_row_is_rejected_as_duplicate_row(load_rows, db_path):
    row = ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]
    report = load_rows("activities", [ACTIVITY_HEADER, row, list(row)])
    r = _reject(report)
    assert r["row"] == 3 and r["reason"].startswith("重复行") and "第2行" in r["reason"]
    assert query(db_path, "SELECT count(*) FROM activities") == [(1,)]


def test_same_key_with_different_content_rejects_both_rows(load_rows, db_path):
    a = ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]
    b = ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 9]
    report = load_rows("activities", [ACTIVITY_HEADER, a, b])
    assert report.exit_code == 1
    assert sorted(report.rejects["row"]) == [2, 3]
    assert all(r.startswith("编号重复") and "第2行" in r and "第3行" in r for r in report.rejects["reason"])
    assert query(db_path, "SELECT count(*) FROM activities") == [(0,)]


def test_duplicate_keys_are_found_across_files_of_one_load(tmp_path, db_path):
    a = write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])
    b = write_csv(tmp_path / "b" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 2, 1]])
    report = load([a, b], db_path)
    assert len(report.rejects) == 2 and set(report.rejects["file"]) == {str(a), str(b)}


def test_activities_without_id_are_keyed_by_town_kind_date_and_topic(load_rows, db_path):
    header = ["类型", "区", "镇街", "日期", "主题", "群众人数"]
    report = load_rows("activities", [header,
                                      ["宣讲活动", "清江浦区", "柳树湾", "2023-03-05", "宪法", 3],
                                      ["宣讲活动", "清江浦区", "柳树湾", "2023-03-05", "民法典", 3],
                                      ["宣讲活动", "清江浦区", "柳树湾", "2023-03-05", "宪法", 4]])
    assert sorted(report.rejects["row"]) == [2, 4]
    assert query(db_path, "SELECT topic FROM activities") == [("民法典",)]


def test_sheet_without_header_row_is_reported_and_not_loaded(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "活动": [["编号", "类型"], ["A1", "宣讲活动"]],
        "企业走访": [VISIT_HEADER, ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", "", 1]],
    })
    report = load([path], db_path)
    assert report.exit_code == 1
    assert any("活动" in m and "未找到表头行" in m and "日期" in m for m in report.files[0].messages)


@pytest.mark.parametrize("name,data,reason_part", [
    ("活动.docx", b"PK\x03\x04", "不支持的文件类型"),
    ("活动.csv", b"", "文件为空"),
    ("w.xlsx", b"PK\x03\x04 truncated zip", "Excel文件已损坏"),
    ("w.xlsx", b"not a zip at all", "Excel文件已损坏"),
    ("随便.csv", "类型,区\n宣讲活动,清江浦区\n".encode(), "无法从文件名"),
    ("活动.csv", "类型,区,镇街,日期\n".encode(), "只有表头"),
    ("活动.csv", "a,b\n1,2\n".encode(), "未找到表头行"),
])
def test_unreadable_files_are_refused_whole_and_nothing_is_written(tmp_path, db_path, name, data, reason_part):
    path = tmp_path / name
    path.write_bytes(data)
    report = load([path], db_path)
    assert report.exit_code == 2
    assert reason_part in report.files[0].refused
    assert not db_path.exists()


def test_workbook_with_no_known_sheet_is_refused(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"Sheet1": [["a"], [1]]})
    report = load([path], db_path)
    assert report.exit_code == 2 and "Sheet1" in report.files[0].refused


def test_refused_file_beside_a_good_one_is_recorded_and_exit_code_is_1(tmp_path, db_path):
    good = write_csv(tmp_path / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"x")
    report = load([good, bad], db_path)
    assert report.exit_code == 1
    assert query(db_path, "SELECT file, status, rows_read FROM etl_loads WHERE origin = 'user' ORDER BY file") == [
        (str(bad), "refused", 0), (str(good), "loaded", 1)]


def test_rejects_land_in_the_warehouse_with_every_field(load_rows, db_path):
    load_rows("activities", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-13-45", 1, 1]])
    rows = query(db_path, 'SELECT file, sheet, "row", kind, "column", value, reason FROM etl_rejects')
    assert len(rows) == 1
    file, sheet, row, kind, column, value, reason = rows[0]
    assert file.endswith("activities.csv") and sheet is None and row == 2
    assert (kind, column, value, reason) == ("activities", "日期", "2023-13-45", "日期无法识别：2023-13-45")


def test_reject_row_numbers_in_a_workbook_are_the_excel_rows(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"活动": [
        ["标题"], [], ACTIVITY_HEADER,
        ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1],
        [], ["A2", "宣讲活动", "清江浦区", "柳树湾", "bad", 1, 1]]})
    report = load([path], db_path)
    assert report.rejects[["sheet", "row"]].values.tolist() == [["活动", 6]]




def test_a_reports_rejects_are_the_frame_duckdb_gives_for_them(tmp_path, db_path):
    import duckdb
    import pandas as pd

    a = ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-13-45", 1, 1]
    b = ["A2", "宣讲会", "清江浦区", "柳树湾", "2023-03-05", 1, 1]
    report = load([write_csv(tmp_path / "活动.csv", [ACTIVITY_HEADER, a, b])], db_path)
    con = duckdb.connect(str(db_path), read_only=True)
    want = con.execute('SELECT file, sheet, "row", kind, "column", value, reason FROM etl_rejects '
                       "WHERE load_id = $id", {"id": report.load_id}).df()
    con.close()
    assert len(want) == 2
    pd.testing.assert_frame_equal(report.rejects, want)
    clean = load([write_csv(tmp_path / "ok" / "活动.csv",
                            [ACTIVITY_HEADER, ["A3", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])], db_path)
    assert clean.exit_code == 0 and clean.rejects.empty
    assert list(clean.rejects.columns) == ["file", "sheet", "row", "kind", "column", "value", "reason"]


def test_rejects_frame_matches_duckdb_for_empty_columns_and_rows_without_a_number():
    import duckdb
    import pandas as pd

    from etl.load import rejects_frame

    con = duckdb.connect()
    con.execute('CREATE TABLE r (file VARCHAR NOT NULL, sheet VARCHAR, "row" BIGINT, kind VARCHAR, '
                '"column" VARCHAR, value VARCHAR, reason VARCHAR NOT NULL)')
    cases = [[], [("a.csv", None, 2, "activities", None, None, "x")],
             [("a.xlsx", "活动", None, None, None, None, "整张表未导入"), ("b.csv", None, 3, "activities", "日期", "3月", "y")],
             [("a.csv", None, None, None, None, None, "x")]]
    for rows in cases:
        con.execute("DELETE FROM r")
        for r in rows:
            con.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?)", list(r))
        want = con.execute("SELECT * FROM r").df()
        pd.testing.assert_frame_equal(rejects_frame(con.sql("SELECT * FROM r").to_arrow_table()), want)
        if not rows:
            pd.testing.assert_frame_equal(rejects_frame(None), want)


def test_the_command_line_load_does_not_import_pandas():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", "import sys, etl.__main__; print('pandas' in sys.modules)"],
                         capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
