"""Shared fixtures: throw-away warehouses and small input files written by hand."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.load import LoadReport, load  # noqa: E402

ACTIVITY_HEADER = ["活动编号", "类型", "区", "镇街", "日期", "人大代表人数", "群众人数"]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "oversight.duckdb"


@pytest.fixture
def load_rows(tmp_path: Path, db_path: Path):
    """Load rows of one kind from a CSV named after the kind; returns the report."""
    counter = {"n": 0}

    def _load(kind: str, rows: list[list[object]], encoding: str = "utf-8") -> LoadReport:
        counter["n"] += 1
        path = write_csv(tmp_path / f"in{counter['n']}" / f"{kind}.csv", rows, encoding)
        return load([path], db_path)

    return _load
