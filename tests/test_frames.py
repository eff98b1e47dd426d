"""warehouse/frames.py: rows and dates read a column at a time."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from warehouse.frames import dates, records


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
