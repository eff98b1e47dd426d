"""Exports (reports/tabular.py, ui/export.py): the files are read back the way a user's
spreadsheet would read them — ``.xlsx`` with openpyxl, ``.csv`` with the csv module — and
compared with the query result they were written from.

What is guarded: Chinese headers and the meta rows (filters, 数据截至) above them; dates are
date cells formatted ``yyyy-mm-dd``, numbers (negative ones too) are number cells, booleans
是/否; a text a spreadsheet would run as a formula (OWASP "CSV injection") comes back inert
in both formats; characters XML forbids are dropped from xlsx; sheet titles are made valid;
and a 200,000-row result streamed from DuckDB in batches is written whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from reports import tabular
from ui import export
from ui.i18n import set_lang
from warehouse.filters import Filters

F = Filters(district="测试区", year=2024, towns=("甲街道", "乙镇"), as_of=dt.date(2025, 6, 30))
PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"]
COLUMNS = [("id", "编号"), ("day", "日期"), ("n", "人数"), ("score", "评分"), ("flag", "纳入统计"), ("text", "内容")]


@pytest.fixture
def con():
    c = duckdb.connect(":memory:")
    c.execute("""
        CREATE TABLE t AS SELECT * FROM (VALUES
            ('R1', DATE '2024-03-01', 12::BIGINT, 88.5::DOUBLE, true, '普通文本'),
            ('R2', DATE '2024-12-31', -3::BIGINT, -2.25::DOUBLE, false, '含“引号”，和逗号'),
            ('R3', NULL, NULL, NULL, NULL, NULL),
            ('R4', DATE '2025-06-30', 0::BIGINT, 100.0::DOUBLE, true, '多行
文本')
        ) v(id, day, n, score, flag, text)
    """)
    yield c
    c.close()


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT id, day, n, score, flag, text FROM t ORDER BY id").fetchall()


def _table(con: duckdb.DuckDBPyConnection, batch_rows: int = 2) -> tabular.Table:
    reader = con.sql("SELECT id, day, n, score, flag, text FROM t ORDER BY id").to_arrow_reader(batch_rows)
    return tabular.Table("测试明细", COLUMNS, reader, export.meta_lines(F, ["列条件：无"]))


def _sheet_rows(data: bytes) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [tuple(c for c in r) for r in wb.worksheets[0].iter_rows()]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- xlsx -----------------------------------------------------------------------------------

def test_xlsx_has_title_meta_rows_chinese_headers_and_the_query_values(con):
    set_lang("zh")
    cells = _sheet_rows(tabular.xlsx_bytes([_table(con)]))
    values = [tuple(c.value for c in r) for r in cells]
    assert values[0][0] == "测试明细"
    assert values[1][0] == "筛选条件：区 测试区 · 年度 2024年 · 镇街 甲街道、乙镇"
    assert values[2][0].startswith("数据截至 2025-06-30 · 导出时间 ")
    assert values[3][0] == "列条件：无"
    assert all(v is None for v in values[4])  # a blank row, then the header
    assert values[5] == ("编号", "日期", "人数", "评分", "纳入统计", "内容")
    body = values[6:]
    expected = [(i, d and dt.datetime(d.year, d.month, d.day), n, s, None if b is None else ("是" if b else "否"), x)
                for i, d, n, s, b, x in _rows(con)]
    assert body == expected


def test_xlsx_dates_are_date_cells_and_numbers_are_numbers(con):
    cells = _sheet_rows(tabular.xlsx_bytes([_table(con)]))[6:]
    r1, r2 = cells[0], cells[1]
    assert r1[1].is_date and r1[1].number_format == "yyyy-mm-dd"
    assert r1[2].data_type == "n" and r1[2].value == 12
    assert r2[2].data_type == "n" and r2[2].value == -3  # a negative number stays a number
    assert r2[3].data_type == "n" and r2[3].value == -2.25
    assert r1[4].data_type == "s" and r1[4].value == "是"
    assert cells[2][1].value is None and cells[2][2].value is None  # blanks stay blank


def test_xlsx_formula_payloads_come_back_as_inert_text():
    df = pd.DataFrame({"text": PAYLOADS, "n": [-1, -1.5, 0, 1, 2, 3]})
    table = tabular.Table("注入", [("text", "内容"), ("n", "数")], [df])
    cells = _sheet_rows(tabular.xlsx_bytes([table]))
    body = cells[3:]  # title, blank, header (no meta lines)
    assert len(body) == len(PAYLOADS)
    for payload, (text, number) in zip(PAYLOADS, body):
        assert text.data_type != "f", payload
        assert text.data_type == "s" and text.value.startswith("'"), payload
        # xlsx stores a carriage return as the escape _x000D_, which Excel reads back as \r.
        assert text.value.replace("_x000D_", "\r") == "'" + payload, payload
        assert number.data_type == "n"
    assert [c[1].value for c in body] == [-1, -1.5, 0, 1, 2, 3]


def test_xlsx_drops_control_characters_but_keeps_the_rest():
    df = pd.DataFrame({"text": ["a\x01b\x1fc\x0bd", "换行\n保留", "制表\t保留"]})
    cells = _sheet_rows(tabular.xlsx_bytes([tabular.frame_table(df, "控制字符", {"text": "内容"})]))
    assert [c[0].value for c in cells[3:]] == ["abcd", "换行\n保留", "制表\t保留"]


def test_sheet_titles_are_made_valid_and_unique():
    taken: set[str] = set()
    assert tabular.sheet_title("a/b:c*d?[e]\\f", taken) == "a_b_c_d__e__f"
    long = "很长的标题" * 10
    first = tabular.sheet_title(long, taken)
    second = tabular.sheet_title(long, taken)
    assert len(first) == len(second) == 31 and first != second and second.endswith(" (2)")
    assert tabular.sheet_title("'引号'", taken) == "引号"
    assert tabular.sheet_title("", taken) == "Sheet"
    df = pd.DataFrame({"x": [1]})
    wb = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes([tabular.frame_table(df, "明细:2024/甲"),
                                                                tabular.frame_table(df, "明细:2024/甲")])))
    assert wb.sheetnames == ["明细_2024_甲", "明细_2024_甲 (2)"]


# --- csv ------------------------------------------------------------------------------------

def test_csv_has_the_header_and_the_query_values_without_meta(con):
    rows = _csv_rows(tabular.csv_bytes(_table(con)))
    assert rows[0] == ["编号", "日期", "人数", "评分", "纳入统计", "内容"]
    assert rows[1:] == [
        ["R1", "2024-03-01", "12", "88.5", "是", "普通文本"],
        ["R2", "2024-12-31", "-3", "-2.25", "否", "含“引号”，和逗号"],
        ["R3", "", "", "", "", ""],
        ["R4", "2025-06-30", "0", "100", "是", "多行\n文本"],
    ]


def test_csv_formula_payloads_come_back_inert_and_numbers_stay_numbers():
    df = pd.DataFrame({"text": PAYLOADS, "n": [-1, -1.5, 0, 1, 2, 3]})
    rows = _csv_rows(tabular.csv_bytes(tabular.frame_table(df, "注入", {"text": "内容", "n": "数"})))
    assert rows[0] == ["内容", "数"]
    for payload, (text, number) in zip(PAYLOADS, rows[1:]):
        assert text == "'" + payload
    assert [r[1] for r in rows[1:]] == ["-1", "-1.5", "0", "1", "2", "3"]


# --- ui/export ------------------------------------------------------------------------------

def test_meta_lines_name_the_filters_and_the_cut_off():
    set_lang("zh")
    lines = export.meta_lines(F, ["额外一行"])
    assert lines[0] == "筛选条件：区 测试区 · 年度 2024年 · 镇街 甲街道、乙镇"
    assert lines[1].startswith("数据截至 2025-06-30") and lines[2] == "额外一行"
    everything = export.meta_lines(Filters())
    assert everything[0] == "筛选条件：区 全部 · 年度 全部年度 · 镇街 全部镇街"
    assert everything[1].startswith("数据截至 —")
    set_lang("en")
    try:
        assert export.meta_lines(F)[0] == "Filters: district 测试区 · year 2024 · towns 甲街道、乙镇"
    finally:
        set_lang("zh")


def test_file_stems_are_safe_file_names():
    assert export.file_stem("明细/查询: a*b", F) == "明细_查询_a_b_测试区_2024"
    assert export.file_stem("x", Filters()) == "x_全部"


def test_an_export_from_a_batch_factory_uses_the_columns_and_their_labels(con):
    def batches():
        yield from con.sql("SELECT * FROM t ORDER BY id").to_arrow_reader(3)

    table = export._table("明细", F, dict(COLUMNS), batches, ["text", "id"], ("列条件：无",))
    rows = _csv_rows(tabular.csv_bytes(table))
    assert rows[0] == ["内容", "编号"]
    assert [r[1] for r in rows[1:]] == ["R1", "R2", "R3", "R4"]
    assert table.meta[-1] == "列条件：无"


# --- a large export -------------------------------------------------------------------------

N_LARGE = 200_000


def _xlsx_record_rows(path: Path) -> int:
    """The ``<row>`` elements of the first sheet, counted by streaming its XML (openpyxl
    would take a minute to parse 200,000 rows on a busy machine)."""
    n, tail = 0, b""
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as fh:
        while chunk := fh.read(1 << 20):
            n += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
            tail = chunk[-8:]
    return n


def test_a_200000_row_export_streams_from_duckdb_in_batches(tmp_path: Path):
    # The rows are never one frame: DuckDB hands Arrow batches to the writer, which streams
    # them to disk (xlsxwriter's constant-memory mode).
    c = duckdb.connect(":memory:")
    sql = ("SELECT CASE WHEN range % 1000 = 7 THEN '=1+1' ELSE 'R' || lpad(range::VARCHAR, 6, '0') END AS id, "
           "range AS n FROM range($n) ORDER BY range")
    seen = {"batches": 0}

    def batches():
        for b in c.sql(sql, params={"n": N_LARGE}).to_arrow_reader(50_000):
            seen["batches"] += 1
            yield b

    cols = [("id", "编号"), ("n", "序号")]
    out = tmp_path / "large.xlsx"
    assert tabular.write_xlsx(out, [tabular.Table("大表", cols, batches(), ["筛选条件"])]) == [N_LARGE]
    assert seen["batches"] >= 4
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert wb.worksheets[0].max_row == N_LARGE + 4  # title, meta, blank, header
        head = list(wb.worksheets[0].iter_rows(min_row=4, max_row=13, values_only=True))
    finally:
        wb.close()
    assert head[0] == ("编号", "序号") and head[1] == ("R000000", 0) and head[8] == ("'=1+1", 7)
    assert _xlsx_record_rows(out) == N_LARGE + 3  # the blank row has no <row>

    seen["batches"] = 0
    out_csv = tmp_path / "large.csv"
    assert tabular.write_csv(out_csv, tabular.Table("大表", cols, batches())) == N_LARGE
    assert seen["batches"] >= 4
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert len(lines) == N_LARGE + 1 and lines[0] == ["编号", "序号"]
    assert lines[8] == ["'=1+1", "7"] and lines[-1] == [f"R{N_LARGE - 1:06d}", str(N_LARGE - 1)]
    c.close()
