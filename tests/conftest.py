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


# --------------------------------------------------------------------------------------
# A tiny warehouse of hand-written rows, with hand-computed expectations in the tests.
# District 测试区: 甲街道 (street), 乙镇 (town), 丙街道 (street) are counted; 丁办事处 is
# not. Data runs to 2025-06-30 (the cut-off), so 2025 is an unfinished year.
# --------------------------------------------------------------------------------------

FIXTURE_TOWNS = [
    ["区", "镇街", "类型", "区划代码", "纳入统计"],
    ["测试区", "甲街道", "街道", "999999001000", "是"],
    ["测试区", "乙镇", "镇", "999999100000", "是"],
    ["测试区", "丙街道", "街道", "999999002000", "是"],
    ["测试区", "丁办事处", "其他", "999999400000", "否"],
]

FIXTURE_ACTIVITIES = [
    ["活动编号", "类型", "区", "镇街", "日期", "地点", "人大代表人数", "选民代表人数", "基层社会工作者人数", "群众人数"],
    # 甲街道 2024: 2 councils, 1 review, 1 deputy-voter -> met
    ["J1", "街道代表议事会", "测试区", "甲街道", "2024-03-01", "代表之家", 10, 5, 2, 0],
    ["J2", "街道代表议事会", "测试区", "甲街道", "2024-09-01", "代表之家", 10, 5, 2, 0],
    ["J3", "工作评议会", "测试区", "甲街道", "2024-05-01", "村委会", 8, 4, 0, 10],
    ["J4", "代表选民议事会", "测试区", "甲街道", "2024-06-15", "田间地头", 3, 6, 1, 20],
    # 甲街道 2025: 1 council, 1 review -> pending
    ["J5", "街道代表议事会", "测试区", "甲街道", "2025-03-01", "代表之家", 12, 5, 2, 0],
    ["J6", "工作评议会", "测试区", "甲街道", "2025-04-01", "村委会", 8, 4, 0, 12],
    # 乙镇 2024: 2 congresses, no review -> missed
    ["Y1", "镇人代会", "测试区", "乙镇", "2024-01-20", "其他", 40, 0, 0, 0],
    ["Y2", "镇人代会", "测试区", "乙镇", "2024-12-20", "其他", 40, 0, 0, 0],
    # 乙镇 2025: 2 congresses, 1 review -> met
    ["Y3", "镇人代会", "测试区", "乙镇", "2025-01-10", "其他", 42, 0, 0, 0],
    ["Y4", "镇人代会", "测试区", "乙镇", "2025-06-30", "其他", 42, 0, 0, 0],
    ["Y5", "工作评议会", "测试区", "乙镇", "2025-05-05", "村民家中", 6, 6, 0, 8],
    # 丙街道 2024: 3 councils, 2 reviews -> met; 2025: nothing -> pending
    ["B1", "街道代表议事会", "测试区", "丙街道", "2024-02-01", "代表之家", 9, 3, 0, 0],
    ["B2", "街道代表议事会", "测试区", "丙街道", "2024-06-01", "代表之家", 9, 3, 0, 0],
    ["B3", "街道代表议事会", "测试区", "丙街道", "2024-10-01", "代表之家", 9, 3, 0, 0],
    ["B4", "工作评议会", "测试区", "丙街道", "2024-04-01", "联络站", 5, 5, 0, 5],
    ["B5", "工作评议会", "测试区", "丙街道", "2024-11-01", "联络站", 5, 5, 0, 5],
    # 丁办事处 is not counted: its meetings enter no statistic
    ["D1", "街道代表议事会", "测试区", "丁办事处", "2024-03-01", "其他", 5, 0, 0, 0],
    # publicity events
    ["P1", "宣讲活动", "测试区", "甲街道", "2024-03-10", "村委会", 2, 3, 1, 30],
    ["P2", "宣讲活动", "测试区", "乙镇", "2024-03-20", "田间地头", 1, 2, 0, 25],
    ["P3", "宣讲活动", "测试区", "甲街道", "2025-03-12", "村委会", 3, 3, 2, 40],
]


def build_fixture_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "fixture.xlsx", {"镇街": FIXTURE_TOWNS, "活动": FIXTURE_ACTIVITIES})
    report = load([wb], path)
    assert report.exit_code == 0, report.rejects.to_dict("records")
    return path


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("fixture")
    return build_fixture_warehouse(tmp / "fixture.duckdb", tmp)


@pytest.fixture
def fixture_con(fixture_db: Path):
    con = duckdb.connect(str(fixture_db), read_only=True)
    yield con
    con.close()
