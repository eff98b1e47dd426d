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


# --------------------------------------------------------------------------------------
# Accounts: the app refuses real (non-demo) data without sign-in, so every test runs with
# a state directory (accounts, audit log) of its own that holds one leader account, and
# AppTests start signed in as that leader (tests/apptest.py). Tests of sign-in itself and
# of demo mode point OVERSIGHT_STATE_DIR elsewhere.
# --------------------------------------------------------------------------------------

TEST_LEADER = "test-leader"
TEST_PASSWORD = "correct horse battery"


def fast_hasher():
    """argon2 with test-sized costs (the default costs are checked in test_auth_store)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session")
def _accounts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from auth import store

    d = tmp_path_factory.mktemp("state")
    saved = store.HASHER
    store.HASHER = fast_hasher()
    mp = pytest.MonkeyPatch()
    mp.setenv("OVERSIGHT_STATE_DIR", str(d))
    try:
        store.add_account(TEST_LEADER, "leader", TEST_PASSWORD)
    finally:
        mp.undo()
        store.HASHER = saved
    return d


@pytest.fixture(autouse=True)
def _state_dir(_accounts_dir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Each test: a copy of the one-account state directory (its audit log its own)."""
    import shutil

    d = tmp_path_factory.mktemp("st")
    shutil.copy2(_accounts_dir / "accounts.sqlite3", d / "accounts.sqlite3")
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(d))
    return d


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


# Enterprise visits (person-times in brackets). 2024: 4 visits of counted towns, 3 distinct
# enterprises, 17 person-times; to 2024-06-30 (the same period as 2025's data): 2 visits,
# 10 person-times. 2025: 3 visits, 3 enterprises, 10 person-times. 丁办事处 is not counted.
FIXTURE_VISITS = [
    ["走访编号", "日期", "区", "镇街", "企业名称", "省级代表人次", "市级代表人次", "区级代表人次", "镇级代表人次", "问卷回收"],
    ["V1", "2024-03-05", "测试区", "甲街道", "甲公司", 0, 1, 2, 3, "是"],  # (6)
    ["V2", "2024-05-10", "测试区", "乙镇", "乙公司", 1, 0, 1, 2, "是"],  # (4)
    ["V3", "2024-09-12", "测试区", "甲街道", "甲公司", 0, 0, 2, 2, "否"],  # (4) 甲公司 again
    ["V4", "2024-11-20", "测试区", "丙街道", "丙公司", 0, 1, 1, 1, "是"],  # (3)
    ["V5", "2024-04-01", "测试区", "丁办事处", "丁公司", 0, 0, 1, 1, "是"],  # not counted
    ["V6", "2025-02-14", "测试区", "甲街道", "甲公司", 0, 0, 1, 2, "是"],  # (3)
    ["V7", "2025-04-18", "测试区", "乙镇", "戊公司", 0, 1, 1, 1, "是"],  # (3)
    ["V8", "2025-06-30", "测试区", "丙街道", "己公司", 1, 1, 1, 1, "是"],  # (4)
]

# Opinions on those visits. 2024: enterprise 3 / deputy 2 (to 06-30: 2 / 1); 2025: 2 / 1.
FIXTURE_OPINIONS = [
    ["意见编号", "走访编号", "来源", "类别"],
    ["O1", "V1", "企业", "营商环境"],
    ["O2", "V1", "代表", "政策落实"],
    ["O3", "V2", "企业", "融资信贷"],
    ["O4", "V3", "企业", "用工招工"],
    ["O5", "V4", "代表", "用地"],
    ["O6", "V5", "企业", "其他"],  # on 丁办事处's visit: not counted
    ["O7", "V6", "企业", "基础设施"],
    ["O8", "V6", "企业", "审批服务"],
    ["O9", "V7", "代表", "营商环境"],
]

# Micro-suggestions. Solved (CLOSED + SOLVED, by closing date): 2024 M1, M2 (to 06-30: M1);
# 2025 M3 (submitted 2024, closed 2025) and M7 (closed the day it came in). Open at the
# cut-off 2025-06-30 (a Monday): M8 exactly 7 working days (not overdue, although 11
# calendar days), M9 8 working days across a weekend (overdue), M10 16, M12 (2024) 161
# (170 weekdays − 12 weekday holidays + 3 make-up days of config/holidays.csv).
FIXTURE_MICRO = [
    ["建议编号", "提交日期", "区", "镇街", "类别", "状态", "受理日期", "办结日期", "办理结果"],
    ["M1", "2024-03-04", "测试区", "甲街道", "城建交通", "已办结", "2024-03-04", "2024-03-04", "已解决"],
    ["M2", "2024-08-01", "测试区", "乙镇", "环境卫生", "已办结", "2024-08-02", "2024-08-09", "已解决"],
    ["M3", "2024-12-20", "测试区", "丙街道", "物业小区", "已办结", "2024-12-23", "2025-01-06", "已解决"],
    ["M4", "2024-05-06", "测试区", "甲街道", "民生保障", "已办结", "2024-05-07", "2024-05-20", "解释说明"],
    ["M5", "2024-06-03", "测试区", "乙镇", "教育", "不予受理", None, None, None],
    ["M6", "2024-04-01", "测试区", "丁办事处", "其他", "已办结", "2024-04-01", "2024-04-02", "已解决"],
    ["M7", "2025-06-30", "测试区", "甲街道", "社会治理", "已办结", "2025-06-30", "2025-06-30", "已解决"],
    ["M8", "2025-06-19", "测试区", "乙镇", "医疗卫生", "办理中", "2025-06-20", None, None],
    ["M9", "2025-06-18", "测试区", "乙镇", "农业农村", "已受理", "2025-06-19", None, None],
    ["M10", "2025-06-06", "测试区", "丙街道", "营商环境", "已交办", "2025-06-09", None, None],
    ["M11", "2025-06-02", "测试区", "丁办事处", "其他", "已提交", None, None, None],  # not counted
    ["M12", "2024-11-04", "测试区", "甲街道", "城建交通", "办理中", "2024-11-05", None, None],
]

# Practice sites. Covered (a site ACCEPTED by the date): end of 2024 and 2024-06-30: 甲街道
# (two sites, counted once) = 1; 2025-06-30: 甲街道, 乙镇 = 2. 丙街道's site is only BUILT.
FIXTURE_SITES = [
    ["实践点编号", "区", "镇街", "名称", "阶段", "启动日期", "建成日期", "验收日期"],
    ["S1", "测试区", "甲街道", "甲一实践点", "验收通过", "2024-01-15", "2024-03-01", "2024-04-01"],
    ["S2", "测试区", "甲街道", "甲二实践点", "验收通过", "2024-02-01", "2024-05-01", "2024-06-01"],
    ["S3", "测试区", "乙镇", "乙实践点", "验收通过", "2024-06-01", "2024-10-01", "2025-03-01"],
    ["S4", "测试区", "丙街道", "丙实践点", "建成", "2024-09-01", "2025-05-01", None],
    ["S5", "测试区", "丁办事处", "丁实践点", "验收通过", "2024-01-10", "2024-03-10", "2024-05-01"],  # not counted
]

# Rollout plan: 2024 target 2 (missed: 1 covered), 2025 target 3 (on a linear pace from 1 at
# the end of 2024: 1 + 2 × 181/365 = 1.99 expected by 2025-06-30, 2 covered).
FIXTURE_PLAN = [
    ["区", "年度", "阶段", "目标覆盖镇街数"],
    ["测试区", 2024, "试点示范", 2],
    ["测试区", 2025, "深化完善", 3],
]


def build_fixture_warehouse(path: Path, tmp: Path) -> Path:
    wb = write_xlsx(tmp / "fixture.xlsx", {
        "镇街": FIXTURE_TOWNS, "活动": FIXTURE_ACTIVITIES, "企业走访": FIXTURE_VISITS, "企业意见": FIXTURE_OPINIONS,
        "微建议": FIXTURE_MICRO, "实践点": FIXTURE_SITES, "全覆盖计划": FIXTURE_PLAN,
    })
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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse, built once per test session through the ETL. Read-only use:
    a test that loads into a warehouse copies this file first."""
    from etl.demo import build_demo

    tmp = tmp_path_factory.mktemp("demo")
    db = tmp / "demo.duckdb"
    report = build_demo(db, tmp / "in")
    assert report.exit_code == 0, report.rejects.head(5).to_dict("records")
    return db
