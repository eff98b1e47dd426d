"""warehouse/frames.py: rows and dates read a column at a time; a large plain answer via Arrow."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from warehouse.filters import Filters
from warehouse.frames import dates, plain_frame, records
from warehouse.memo import MemoCursor
from warehouse.queries import participation as pa


def test_dates_are_date_objects_and_none_where_missing():
    col = pd.Series(pd.to_datetime(["2024-01-02", None, "2025-12-31"]).astype("datetime64[us]"), index=[5, 6, 7])
    got = dates(col)
    assert got.tolist() == [dt.date(2024, 1, 2), None, dt.date(2025, 12, 31)]
    assert got.dtype == object and got.index.tolist() == [5, 6, 7]
    assert dates(pd.Series([], dtype="datetime64[us]")).tolist() == []
    assert dates(pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us]")).tolist() == [None, None]
    assert dates(pd.Series([dt.date(2024, 2, 29), None], dtype=object)).tolist() == [dt.date(2024, 2, 29), None]


def test_records_are_plain_named_tuples_in_column_order():
    df = pd.DataFrame({"district": pd.array(["甲区", "乙区"], dtype="str"), "n": [1, 2], "ok": [True, False]})
    rows = records(df)
    assert [tuple(r) for r in rows] == [("甲区", 1, True), ("乙区", 2, False)]
    assert rows[1].district == "乙区" and type(rows[1].n) is int and type(rows[0].ok) is bool


def test_a_plain_frame_is_the_frame_df_gives_for_text_and_integers():
    import duckdb

    con = duckdb.connect()
    sql = """SELECT * FROM (VALUES ('甲区', '一镇', 1, 20), ('甲区', '二镇', 2, 0)) t(district, town, month, n)
             WHERE month >= $m ORDER BY town"""
    for m in (1, 2):
        want = con.execute(sql, {"m": m}).df()
        got = plain_frame(con, sql, {"m": m})
        pd.testing.assert_frame_equal(got, want)
        pd.testing.assert_frame_equal(plain_frame(MemoCursor(con), sql, {"m": m}), want)
    assert plain_frame(con, sql, {"m": 3}).empty


@pytest.mark.parametrize("f", [Filters(district="测试区", year=2024), Filters(district="测试区"),
                               Filters(year=2024), Filters(district="测试区", year=2024, towns=("乙镇",))],
                         ids=["year", "all-years", "all-districts", "one-town"])
def test_the_town_month_grid_fetched_through_arrow_equals_its_df(fixture_con, f):
    seen = []

    class Recording:
        def execute(self, sql, params=None):
            seen.append((sql, params))
            return fixture_con.execute(sql, params)

    got = pa.town_month_matrix(Recording(), f)
    sql, params = seen[0]
    want = fixture_con.execute(sql, params).df()
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, want)
    assert [str(t) for t in got.dtypes] == ["str", "str", "int64", "int64", "int64"]
