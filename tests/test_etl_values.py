"""One test per input rule of the data contract §1: each accepted spelling loads, and
loads as the value a clerk meant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.load import load
from tests.conftest import ACTIVITY_HEADER, query, write_csv, write_xlsx


def _activity(date: object = "2023-03-05", town: object = "柳树湾街道", kind: object = "宣讲活动",
              deputies: object = 1, public: object = 2, aid: str = "A1") -> list[object]:
    return [aid, kind, "清江浦区", town, date, deputies, public]


def _one(db: Path, sql: str) -> object:
    return query(db, sql)[0][0]


@pytest.mark.parametrize("spelling", [
    "2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日", "20230305", "2023-3-5",
    "２０２３－０３－０５", "2023/03/05 00:00:00", "45000",
])
def test_every_date_spelling_reads_as_the_same_day(load_rows, db_path, spelling):
    report = load_rows("activities", [ACTIVITY_HEADER, _activity(date=spelling)])
    assert report.exit_code == 0, report.rejects.to_dict("records")
    expected = dt.date(2023, 3, 5) if spelling != "45000" else dt.date(2023, 3, 15)
    assert _one(db_path, "SELECT date FROM activities") == expected


def test_excel_date_cells_and_serial_numbers_read_as_dates(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"活动": [
        ACTIVITY_HEADER,
        _activity(date=dt.date(2023, 3, 5), aid="A1"),
        _activity(date=dt.datetime(2023, 3, 6, 0, 0), aid="A2"),
        _activity(date=45000, aid="A3"),  # an Excel serial typed as a plain number
    ]})
    report = load([path], db_path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    got = query(db_path, "SELECT activity_id, date FROM activities ORDER BY activity_id")
    assert got == [("A1", dt.date(2023, 3, 5)), ("A2", dt.date(2023, 3, 6)), ("A3", dt.date(2023, 3, 15))]


@pytest.mark.parametrize("spelling,value", [
    ("12", 12), ("１２", 12), ("1,234", 1234), ("1，234", 1234), ("12人", 12), ("3次", 3),
    ("5件", 5), ("2家", 2), ("7个", 7), ("4场", 4), (" 12 ", 12), ("12.0", 12), ("１２人", 12),
])
def test_whole_number_spellings(load_rows, db_path, spelling, value):
    report = load_rows("activities", [ACTIVITY_HEADER, _activity(public=spelling)])
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert _one(db_path, "SELECT public FROM activities") == value


def test_blank_numbers_take_the_default_zero(load_rows, db_path):
    report = load_rows("activities", [ACTIVITY_HEADER, _activity(deputies="", public="")])
    assert report.exit_code == 0
    assert query(db_path, "SELECT deputies, public, voter_reps, participants FROM activities") == [(0, 0, 0, 0)]


def test_participants_is_the_sum_of_the_four_groups(load_rows, db_path):
    header = ["类型", "区", "镇街", "日期", "人大代表人数", "选民代表人数", "基层社会工作者人数", "群众人数"]
    load_rows("activities", [header, ["宣讲活动", "清江浦区", "柳树湾", "2023-3-5", 1, 2, 3, 4]])
    assert query(db_path, "SELECT participants, year FROM activities") == [(10, 2023)]


@pytest.mark.parametrize("spelling,value", [
    ("是", True), ("否", False), ("Y", True), ("N", False), ("yes", True), ("No", False),
    ("TRUE", True), ("false", False), ("1", True), ("0", False), ("√", True), ("×", False),
    ("有", True), ("无", False),
])
def test_yes_no_spellings(load_rows, db_path, spelling, value):
    header = ["走访编号", "日期", "区", "镇街", "企业名称", "问卷回收"]
    report = load_rows("enterprise_visits", [header, ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", spelling]])
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert _one(db_path, "SELECT questionnaire FROM enterprise_visits") is value


def test_excel_boolean_cells_read_as_yes_no(tmp_path, db_path):
    header = ["走访编号", "日期", "区", "镇街", "企业名称", "问卷回收"]
    path = write_xlsx(tmp_path / "v.xlsx", {"企业走访": [
        header, ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", True],
        ["V2", "2023-05-01", "清江浦区", "柳树湾", "乙公司", False]]})
    assert load([path], db_path).exit_code == 0
    assert query(db_path, "SELECT visit_id, questionnaire FROM enterprise_visits ORDER BY 1") == [("V1", True), ("V2", False)]


@pytest.mark.parametrize("spelling", ["宣讲活动", "PUBLICITY", "publicity", "Publicity event"])
def test_enumerations_accept_the_chinese_label_or_the_code(load_rows, db_path, spelling):
    report = load_rows("activities", [ACTIVITY_HEADER, _activity(kind=spelling)])
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert _one(db_path, "SELECT kind FROM activities") == "PUBLICITY"


@pytest.mark.parametrize("spelling", ["柳树湾街道", "柳树湾", "320812010000", " 柳树湾街道 ", "３２０８１２０１００００"])
def test_towns_by_full_name_short_name_or_code(load_rows, db_path, spelling):
    report = load_rows("activities", [ACTIVITY_HEADER, _activity(town=spelling)])
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert _one(db_path, "SELECT town FROM activities") == "柳树湾街道"


def test_town_without_suffix_for_a_town_not_a_street(load_rows, db_path):
    report = load_rows("activities", [ACTIVITY_HEADER, _activity(town="和平")])
    assert report.exit_code == 0
    assert _one(db_path, "SELECT town FROM activities") == "和平镇"


def test_a_short_name_two_towns_share_is_refused_and_a_full_district_name_wins(load_rows, db_path):
    load_rows("towns", [["区", "镇街", "类型"], ["测试区", "长安街道", "街道"], ["测试区", "长安镇", "镇"],
                        ["测试", "东风街道", "街道"]])
    report = load_rows("activities", [
        ACTIVITY_HEADER,
        ["A1", "宣讲活动", "测试区", "长安镇", "2023-03-05", 1, 2],
        ["A2", "宣讲活动", "测试区", "长安", "2023-03-05", 1, 2],  # 长安街道 or 长安镇?
        ["A3", "宣讲活动", "测试", "东风", "2023-03-05", 1, 2],  # 测试 is a district's full name
        ["A4", "宣讲活动", "测试", "长安街道", "2023-03-05", 1, 2],  # ... so not 测试区 here
    ])
    assert query(db_path, "SELECT activity_id, district, town FROM activities ORDER BY 1") == [
        ("A1", "测试区", "长安镇"), ("A3", "测试", "东风街道")]
    assert report.rejects[["row", "column"]].values.tolist() == [[3, "镇街"], [5, "镇街"]]
    assert "无法识别：长安（测试区没有这个镇街" in report.rejects["reason"].iloc[0]
    assert "无法识别：长安街道（测试没有这个镇街" in report.rejects["reason"].iloc[1]


def test_a_workbook_with_a_blank_row_under_the_header_reads_its_number_and_date_cells(tmp_path, db_path):
    # (The cells were once left unconverted when the row under the header was blank, and
    # the whole file was refused.)
    path = write_xlsx(tmp_path / "b.xlsx", {"活动": [
        ACTIVITY_HEADER,
        [" "] + [None] * (len(ACTIVITY_HEADER) - 1),  # a blank row (one cell holds a space)
        _activity(aid="A1", date=dt.date(2023, 3, 5), deputies=2, public=7.0),
    ]})
    report = load([path], db_path)
    assert report.exit_code == 0, (report.files[0].refused, report.rejects.to_dict("records"))
    assert query(db_path, "SELECT activity_id, date, deputies, public, _row FROM activities") == [
        ("A1", dt.date(2023, 3, 5), 2, 7, 3)]


def test_title_rows_above_the_header_are_skipped_and_row_numbers_follow_excel(tmp_path, db_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"活动": [
        ["清江浦区2023年活动台账"],
        ["填报单位：柳树湾街道", None, None, "填报日期：2023-12-31"],
        ACTIVITY_HEADER,
        _activity(aid="A1"),
        _activity(aid="A2", date="2023-13-45"),
    ]})
    report = load([path], db_path)
    assert report.files[0].rows_read == 2
    assert report.rejects["row"].tolist() == [5]
    assert query(db_path, "SELECT _row FROM activities") == [(4,)]


def test_english_column_ids_and_any_column_order(load_rows, db_path):
    rows = [["public", "date", "town", "district", "kind", "activity_id"],
            [5, "2023-03-05", "柳树湾", "清江浦区", "PUBLICITY", "A1"]]
    report = load_rows("activities", rows)
    assert report.exit_code == 0
    assert query(db_path, "SELECT activity_id, kind, public FROM activities") == [("A1", "PUBLICITY", 5)]


@pytest.mark.parametrize("header", ["日期(必填)", "日期*", " 日期 ", "日期（必填）", "日期＊", "DATE"])
def test_header_cells_are_trimmed_folded_and_marks_removed(load_rows, db_path, header):
    rows = [["活动编号", "类型", "区", "镇街", header], ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05"]]
    assert load_rows("activities", rows).exit_code == 0


def test_unknown_columns_are_kept_out_and_reported(load_rows, db_path):
    report = load_rows("activities", [ACTIVITY_HEADER + ["备注", "经办人"], _activity() + ["x", "张三"]])
    assert report.exit_code == 0
    assert any("备注" in m and "经办人" in m for m in report.files[0].messages)
    cols = [r[0] for r in query(db_path, "SELECT column_name FROM information_schema.columns WHERE table_name = 'activities'")]
    assert "备注" not in cols


def test_unknown_sheets_are_reported_and_skipped(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"活动": [ACTIVITY_HEADER, _activity()], "汇总": [["a", "b"], [1, 2]]})
    report = load([path], db_path)
    assert report.files[0].rows_loaded == 1
    assert any("汇总" in m and "跳过" in m for m in report.files[0].messages)


@pytest.mark.parametrize("name", ["活动.csv", "activities.csv", "Activities.csv", "活动_2023.csv"])
def test_file_stem_names_the_kind_in_english_or_chinese(tmp_path, db_path, name):
    path = write_csv(tmp_path / name, [ACTIVITY_HEADER, _activity()])
    assert load([path], db_path).exit_code == 0


def test_gb18030_csv_is_decoded(tmp_path, db_path):
    path = write_csv(tmp_path / "活动.csv", [ACTIVITY_HEADER + ["主题"], _activity() + ["䶮𠀀代表讲堂"]], encoding="gb18030")
    report = load([path], db_path)
    assert report.exit_code == 0
    assert report.files[0].encoding == "GB18030"
    assert query(db_path, "SELECT topic FROM activities") == [("䶮𠀀代表讲堂",)]


def test_gbk_csv_is_decoded(tmp_path, db_path):
    path = write_csv(tmp_path / "活动.csv", [ACTIVITY_HEADER, _activity()], encoding="gbk")
    assert load([path], db_path).exit_code == 0
    assert query(db_path, "SELECT town FROM activities") == [("柳树湾街道",)]


def test_utf8_csv_with_bom_is_decoded(tmp_path, db_path):
    path = write_csv(tmp_path / "活动.csv", [ACTIVITY_HEADER, _activity()], encoding="utf-8-sig")
    report = load([path], db_path)
    assert report.exit_code == 0
    assert report.files[0].encoding == "UTF-8 (BOM)"


def test_csv_in_no_known_encoding_is_refused_whole(tmp_path, db_path):
    path = tmp_path / "活动.csv"
    path.write_bytes("类型,区\n".encode("utf-8") + b"\x81\x30\xff\xfe\x80\n")
    report = load([path], db_path)
    assert report.exit_code == 2
    assert "编码" in report.files[0].refused
    assert not db_path.exists()  # nothing written


def test_blank_rows_are_skipped_not_read(tmp_path, db_path):
    path = write_csv(tmp_path / "活动.csv", [ACTIVITY_HEADER, _activity(aid="A1"), ["", "", " "], [], _activity(aid="A2")])
    report = load([path], db_path)
    assert (report.files[0].rows_read, report.files[0].rows_loaded) == (2, 2)
    assert query(db_path, "SELECT _row FROM activities ORDER BY 1") == [(2,), (5,)]


def test_leading_and_trailing_spaces_are_trimmed_everywhere(load_rows, db_path):
    row = [" A1 ", "\u3000宣讲活动 ", " 清江浦区", "柳树湾街道\u3000", " 2023-03-05 ", " 3 ", "4\t"]
    assert load_rows("activities", [ACTIVITY_HEADER, row]).exit_code == 0
    assert query(db_path, "SELECT activity_id, kind, town, public FROM activities") == [("A1", "PUBLICITY", "柳树湾街道", 4)]


def test_parquet_input_loads_through_the_same_rules(tmp_path, db_path):
    table = pa.table({"类型": ["宣讲活动"], "区": ["清江浦区"], "镇街": ["柳树湾"],
                      "日期": pa.array([dt.date(2023, 3, 5)]), "群众人数": pa.array([7], pa.int64())})
    pq.write_table(table, tmp_path / "activities.parquet")
    report = load([tmp_path / "activities.parquet"], db_path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert query(db_path, "SELECT date, public FROM activities") == [(dt.date(2023, 3, 5), 7)]


def test_a_parquet_file_loads_in_batches_with_its_own_row_numbers(tmp_path, db_path, monkeypatch):
    """A Parquet file is read a batch at a time (here 2 rows): blank rows, numbers written
    as floats, and row numbers come out as if it had been read whole."""
    import etl.read

    monkeypatch.setattr(etl.read, "PARQUET_BATCH_ROWS", 2)
    kinds = ["宣讲活动", None, "宣讲活动", "宣讲活动", "宣讲活动"]  # row 3 (the file's 2nd) is blank
    table = pa.table({
        "活动编号": ["A1", None, "A3", "A4", "A5"], "类型": kinds,
        "区": ["清江浦区", " ", "清江浦区", "清江浦区", "清江浦区"],
        "镇街": ["柳树湾", None, "柳树湾", "柳树湾", "柳树湾"],
        "日期": ["2023-03-05", None, "2023-03-06", "2023-13-01", "2023-03-08"],
        "群众人数": pa.array([7.0, float("nan"), 2.5, 1.0, None], pa.float64()),
        "备注": ["x", "only an unknown column is filled", None, None, None],
    })
    pq.write_table(table, tmp_path / "activities.parquet", row_group_size=3)
    report = load([tmp_path / "activities.parquet"], db_path)
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (4, 2, 2)
    assert f.sheets == [(None, "activities", 4)]
    assert query(db_path, "SELECT activity_id, _row, public FROM activities ORDER BY 1") == [("A1", 2, 7), ("A5", 6, 0)]
    assert report.rejects[["row", "column", "value"]].values.tolist() == [[4, "群众人数", "2.5"], [5, "日期", "2023-13-01"]]


def test_a_parquet_files_batches_are_let_go_as_they_are_staged(tmp_path, monkeypatch):
    """Inside the load's transaction each batch is released once DuckDB has staged it: a
    national file must not sit in memory whole. (Registered a batch at a time, every batch
    stayed alive until the commit — 13 GiB and rising at 10^8 rows.)"""
    import duckdb

    import etl.read
    from etl.load import _prepare, _stage
    from etl.read import read_source
    from etl.spec import KIND_BY_NAME
    from warehouse.db import create_schema

    monkeypatch.setattr(etl.read, "PARQUET_BATCH_ROWS", 2_000)
    n = 40_000  # 20 batches of about 1 MB of text each
    pq.write_table(pa.table({
        "活动编号": [f"A{i}" for i in range(n)], "类型": ["宣讲活动"] * n, "区": ["清江浦区"] * n,
        "镇街": ["柳树湾"] * n, "日期": ["2023-03-05"] * n,
        "主题": [f"{i:08d}" + "宣讲" * 80 for i in range(n)]}), tmp_path / "activities.parquet")
    sheet = read_source(tmp_path / "activities.parquet").sheets[0]
    batch_bytes = sum(t.nbytes for t in sheet.tables()) / (n / 2_000)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    _prepare(con)
    con.execute("BEGIN TRANSACTION")
    create_schema(con)
    con.execute("CREATE TEMP TABLE _district_lookup (alias VARCHAR, district VARCHAR)")
    con.execute("CREATE TEMP TABLE _town_lookup (district VARCHAR, alias VARCHAR, town VARCHAR)")
    before = pa.total_allocated_bytes()
    _stage(con, KIND_BY_NAME["activities"], [(0, sheet)])
    held = pa.total_allocated_bytes() - before
    assert con.execute("SELECT count(*), count(DISTINCT _row) FROM stg").fetchone() == (n, n)
    assert held < 3 * batch_bytes, f"{held / 1e6:.1f} MB of Arrow data still held ({batch_bytes / 1e6:.1f} MB a batch)"
    con.execute("ROLLBACK")
    con.close()


def test_a_parquet_file_of_blank_rows_only_is_refused(tmp_path, db_path):
    pq.write_table(pa.table({"类型": [None, " "], "区": [None, None], "镇街": ["", None], "日期": [None, None]}),
                   tmp_path / "activities.parquet")
    report = load([tmp_path / "activities.parquet"], db_path)
    assert report.exit_code == 2 and "只有表头" in report.files[0].refused


def test_a_folder_loads_every_file_in_it(tmp_path, db_path):
    write_csv(tmp_path / "in" / "活动.csv", [ACTIVITY_HEADER, _activity()])
    write_xlsx(tmp_path / "in" / "visits.xlsx", {"企业走访": [["走访编号", "日期", "区", "镇街", "企业名称"], ["V1", "2023-5-1", "清江浦区", "柳树湾", "甲公司"]]})
    report = load([tmp_path / "in"], db_path)
    assert report.exit_code == 0
    assert len(report.files) == 2


def test_kinds_apply_in_dependency_order_whatever_the_file_order(tmp_path, db_path):
    # Opinions come first in the workbook; the visit they point to is on a later sheet.
    path = write_xlsx(tmp_path / "w.xlsx", {
        "企业意见": [["意见编号", "走访编号", "来源", "类别"], ["O1", "V1", "企业", "营商环境"]],
        "企业走访": [["走访编号", "日期", "区", "镇街", "企业名称"], ["V1", "2023-5-1", "清江浦区", "柳树湾", "甲公司"]],
    })
    report = load([path], db_path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert query(db_path, "SELECT opinion_id, status FROM enterprise_opinions") == [("O1", "PENDING")]


def test_a_new_district_loads_its_own_towns_first(tmp_path, db_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "活动": [ACTIVITY_HEADER, ["X1", "宣讲活动", "测试区", "甲街道", "2023-3-5", 1, 1]],
        "镇街": [["区", "镇街", "类型", "区划代码"], ["测试区", "甲街道", "街道", "999999001000"]],
    })
    report = load([path], db_path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert query(db_path, "SELECT counted FROM towns WHERE district = '测试区'") == [(True,)]


def test_valid_credit_code_loads_and_is_upper_cased(load_rows, db_path):
    header = ["走访编号", "日期", "区", "镇街", "企业名称", "统一社会信用代码"]
    report = load_rows("enterprise_visits", [header, ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", "91350100m000100y43"]])
    assert report.exit_code == 0, report.rejects.to_dict("records")
    assert _one(db_path, "SELECT credit_code FROM enterprise_visits") == "91350100M000100Y43"
