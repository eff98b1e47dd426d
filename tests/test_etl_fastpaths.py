"""The staging shortcuts give exactly what the general rules give.

A workbook's columns of text or numbers become cell texts in Arrow and numpy
(``column_texts``) instead of ``cell_text`` per cell. Staging trims every cell in Arrow
(``clean_column``) instead of a regular expression per cell, looks up a district, town or choice without folding when its text is already in
lookup form, casts plain digits at once, and skips the blank-row mask of a Parquet file
without blank rows. Each shortcut is checked here against the rule it stands for.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.load import load
from etl.normalize import clean_column, macros_sql
from etl.read import PY_SPACE, cell_text, column_texts, read_source
from tests.conftest import FIXTURE_TOWNS, write_csv

# The characters that matter to trimming and folding, and some that only look as if they do.
TRICKY = (" \t\n\f\r\v\u3000\u00a0\ufeff\u200b\u2003\u2028"  # white space, some of it not trimmed
          "aZ09-_.,/()\u00c4\u00e4\u2160\u24b6\u01c5\u0130"  # ASCII; Ä ä Ⅰ Ⓐ ǅ İ (lower() changes some)
          "\uff21\uff41\uff10\uff0c\uff08\uff5e\uff5f"  # full-width Ａ ａ ０ ， （ ～ and ｟ (not folded)
          "开山区镇街道㐀\u4dc0\u9fff\ua000\U00020000")  # ideographs, a hexagram, the edges of the ranges
cells = st.text(alphabet=TRICKY, max_size=8)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    for m in macros_sql():
        c.execute(m)
    yield c
    c.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), cells), min_size=1, max_size=12))
def test_cells_are_trimmed_as_the_regular_expression_trimmed_them(con, texts):
    # The rule: RE2's \s and four other white-space characters off both ends; empty is blank.
    want = [r[0] for r in con.execute(
        r"SELECT nullif(regexp_replace(s, '^[\s\x{3000}\x{00A0}\x{FEFF}\x{200B}]+|"
        r"[\s\x{3000}\x{00A0}\x{FEFF}\x{200B}]+$', '', 'g'), '') "
        "FROM (SELECT unnest($t) AS s, generate_subscripts($t, 1) AS i) ORDER BY i", {"t": texts}).fetchall()]
    got = clean_column(pa.array(texts, pa.string()))
    assert got.to_pylist() == want
    chunked = clean_column(pa.chunked_array([texts[:1], texts[1:]], pa.string()))
    assert chunked.to_pylist() == want


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells)
def test_a_lookup_form_is_the_full_fold_of_the_text(con, text):
    full = con.execute(r"SELECT lower(regexp_replace(etl_fold($s), '\s', '', 'g'))", {"s": text}).fetchone()[0]
    assert con.execute("SELECT etl_key($s)", {"s": text}).fetchone()[0] == full


def test_texts_that_lower_case_or_folding_change_are_folded(con):
    for text, want in [("开山区", "开山区"), ("KaiShan", "kaishan"), ("Ⅰ号", "ⅰ号"), ("Ä", "ä"),
                       ("ＡＢ　c", "abc"), ("开 山\t区", "开山区"), ("deputy_voter", "deputy_voter"), (None, None)]:
        assert con.execute("SELECT etl_key($s)", {"s": text}).fetchone()[0] == want, text


def _towns(tmp_path):
    db = tmp_path / "w.duckdb"
    load([write_csv(tmp_path / "towns" / "镇街.csv", FIXTURE_TOWNS)], db)
    return db


def test_whole_numbers_plain_or_written_otherwise_are_read_as_before(tmp_path):
    # Plain digits take the shortcut; everything else the general rule, as before.
    counts = ["7", "007", "123456789012345678", "1234567890123456789", "１２", "1,234", "12人", "3.0",
              "3.5", "-2", "+5", "1e3", "0"]
    f = write_csv(tmp_path / "活动.csv", [["活动编号", "类型", "区", "镇街", "日期", "人大代表人数"]] + [
        [f"A{i}", "代表选民议事会", "测试区", "甲街道", "2025-03-01", c] for i, c in enumerate(counts)])
    db = _towns(tmp_path)
    report = load([f], db)
    con = duckdb.connect(str(db), read_only=True)
    got = dict(con.execute("SELECT activity_id, deputies FROM activities").fetchall())
    reasons = dict(con.execute("SELECT \"row\", reason FROM etl_rejects WHERE load_id = $id",
                               {"id": report.load_id}).fetchall())
    con.close()
    assert got == {"A0": 7, "A1": 7, "A2": 123456789012345678, "A4": 12, "A5": 1234, "A6": 12, "A7": 3,
                   "A12": 0}
    assert reasons == {5: "「人大代表人数」不是有效的数字：1234567890123456789",
                       10: "「人大代表人数」应为整数：3.5",
                       11: "「人大代表人数」不能为负数：-2",
                       12: "「人大代表人数」不是有效的数字：+5",
                       13: "「人大代表人数」不是有效的数字：1e3"}


def test_a_parquet_file_with_and_without_blank_rows(tmp_path):
    db = _towns(tmp_path)
    ids = ["P1", None, "P3", "  ", "P5"]
    typed = pa.table({"活动编号": ids, "类型": ["宣讲活动", None, "宣讲活动", "\u3000", " 宣讲活动 "],
                      "区": ["测试区", None, "测试区", None, "测试区"],
                      "镇街": ["甲街道", None, "甲街道", "", "甲街道"],
                      "日期": pa.array([20000, None, 20001, None, 20002], pa.date32()),
                      "人大代表人数": pa.array([3, None, 4, None, 5], pa.int64())})
    pq.write_table(typed, tmp_path / "活动.parquet")
    src = read_source(tmp_path / "活动.parquet")
    assert (src.sheets[0].rows, src.sheets[0].blank_rows) == (3, 2)
    report = load([tmp_path / "活动.parquet"], db)
    assert (report.rows_loaded, report.rows_rejected) == (3, 0)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT activity_id, kind, \"date\"::VARCHAR, deputies, _row FROM activities "
                       "ORDER BY activity_id").fetchall()
    con.close()
    assert rows == [("P1", "PUBLICITY", "2024-10-04", 3, 2), ("P3", "PUBLICITY", "2024-10-05", 4, 4),
                    ("P5", "PUBLICITY", "2024-10-06", 5, 6)]
    # Without blank rows: every row, numbered from 2.
    pq.write_table(typed.filter(pa.array([True, False, True, False, True])), tmp_path / "活动.parquet")
    src = read_source(tmp_path / "活动.parquet")
    assert (src.sheets[0].rows, src.sheets[0].blank_rows) == (3, 0)
    tables = list(src.sheets[0].tables())
    assert [t["_row"].to_pylist() for t in tables] == [[2, 3, 4]]


def test_py_space_is_every_character_python_calls_white_space():
    assert PY_SPACE == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=PY_SPACE + TRICKY, max_size=6)), max_size=12))
def test_a_column_of_text_becomes_the_texts_cell_text_gives(values):
    assert column_texts(values).to_pylist() == [cell_text(v) for v in values]


floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                   st.integers(-(2 ** 60), 2 ** 60).map(float),
                   st.sampled_from([0.0, -0.0, 2.0 ** 53, -(2.0 ** 53), 2.0 ** 53 + 2, 1e16, 1e300, 0.1, 2.5]))


@settings(max_examples=500, deadline=None)
@given(st.lists(floats, max_size=12))
def test_a_column_of_numbers_becomes_the_texts_cell_text_gives(values):
    assert column_texts(values).to_pylist() == [cell_text(v) for v in values]


@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3),
                          st.dates(), st.datetimes()), max_size=8))
@settings(max_examples=200, deadline=None)
def test_a_mixed_column_becomes_the_texts_cell_text_gives(values):
    assert column_texts(values).to_pylist() == [cell_text(v) for v in values]
