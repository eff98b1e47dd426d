"""Readers in a long-lived process see a new load once they take a new snapshot.

Regression: DuckDB reuses the database instance a process already has open for a path,
so a plain ``duckdb.connect(path)`` made after a load's swap kept reading the old file
and the dashboard never showed new data without a restart.
"""

from __future__ import annotations

from etl.load import load
from tests.conftest import ACTIVITY_HEADER, write_csv
from warehouse.db import connect_snapshot, snapshot_cursor, warehouse_version


def _count(con) -> int:
    cur = snapshot_cursor(con)
    try:
        return cur.execute("SELECT count(*) FROM activities").fetchone()[0]
    finally:
        cur.close()


def test_a_new_snapshot_after_a_swap_sees_the_new_load_and_the_old_one_keeps_its_view(tmp_path, db_path):
    row = ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]
    load([write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, row])], db_path)
    v1 = warehouse_version(db_path)
    old = connect_snapshot(db_path)
    assert _count(old) == 1
    load([write_csv(tmp_path / "b" / "活动.csv", [ACTIVITY_HEADER, ["A2"] + row[1:]])], db_path)
    assert warehouse_version(db_path) != v1
    new = connect_snapshot(db_path)
    assert _count(new) == 2
    assert _count(old) == 1  # an in-flight reader keeps a whole, consistent view
    old.close()
    new.close()
