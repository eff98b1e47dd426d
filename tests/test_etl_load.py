"""Whole loads: every row accounted for, reloads idempotent, failures leave the warehouse
byte-for-byte as it was, readers never disturbed, and the command line's exit codes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.load import LoadFailed, load
from etl.spec import KINDS
from tests.conftest import ACTIVITY_HEADER, ROOT, query, write_csv, write_xlsx
from warehouse.db import last_good_path

VISIT_HEADER = ["走访编号", "日期", "区", "镇街", "企业名称", "统一社会信用代码", "问卷回收"]
OPINION_HEADER = ["意见编号", "走访编号", "来源", "类别", "办理状态", "办结日期"]


def _messy_workbook(path: Path) -> Path:
    """A workbook with ten different faults among good rows (and blank rows)."""
    return write_xlsx(path, {
        "说明": [["这是说明页"]],
        "活动": [
            ["2023年活动台账（柳树湾街道）"],
            ACTIVITY_HEADER + ["备注"],
            ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 3, 40, "ok"],
            ["A2", "宣讲会", "清江浦区", "柳树湾", "2023-03-06", 3, 40, None],          # 1 unknown enum
            ["A3", "宣讲活动", "清江浦区", "柳树湾", "2023-13-45", 3, 40, None],        # 2 bad date
            [None, None, None, None, None, None, None, None],                         # blank: not read
            ["A4", "宣讲活动", "清江浦区", "火星", "2023-03-07", 3, 40, None],          # 3 unknown town
            ["A5", "宣讲活动", "清江浦区", "柳树湾", "2023-03-08", -3, 40, None],       # 4 negative
            ["A6", "宣讲活动", "清江浦区", "柳树湾", None, 3, 40, None],                # 5 missing required
            ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 3, 40, "ok"],        # 6 exact copy
            ["A7", "宣讲活动", "清江浦区", "柳树湾", "2023-03-09", 3, 40, None],
            ["A7", "宣讲活动", "清江浦区", "柳树湾", "2023-03-09", 3, 41, None],        # 7 same key twice
            ["A8", "代表选民议事会", "清江浦区", "和平", "2023/4/1", "12人", "1,200", None],
        ],
        "企业走访": [
            VISIT_HEADER,
            ["V1", "2023-05-01", "清江浦区", "柳树湾", "甲公司", "91350100M000100Y43", "是"],
            ["V2", "2023-05-02", "清江浦区", "柳树湾", "乙公司", "91350100M000100Y42", "是"],  # 8 check digit
            ["V3", "2023-05-03", "清江浦区", "柳树湾", "丙公司", None, "也许"],                # 9 yes/no
        ],
        "企业意见": [
            OPINION_HEADER,
            ["O1", "V1", "企业", "营商环境", "已办结", "2023-06-01"],
            ["O2", "V2", "代表", "用地", None, None],                                           # 10 dangling (V2 rejected)
            ["O3", "V9", "企业", "融资信贷", None, None],                                       # 11 unknown visit
        ],
        "汇总": [["合计", 1]],
    })


def _content(db: Path) -> dict[str, list[tuple]]:
    """Every record relation's rows, sorted, for comparing two warehouses' content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {k.name: sorted(con.execute(f"SELECT * FROM {k.name}").fetchall(), key=repr) for k in KINDS}
    finally:
        con.close()


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_accounting_identity_holds_on_a_messy_workbook_with_ten_faults(tmp_path, db_path):
    report = load([_messy_workbook(tmp_path / "messy.xlsx")], db_path)
    f = report.files[0]
    assert report.exit_code == 1
    # 活动: 10 rows read (the blank row is not read), 2 good; 企业走访 3 read, 1 good;
    # 企业意见 3 read, 1 good.
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (16, 4, 12)
    assert any("汇总" in m for m in f.messages) and any("备注" in m for m in f.messages)
    rows = query(db_path, "SELECT rows_read, rows_loaded, rows_rejected, status FROM etl_loads WHERE origin = 'user'")
    assert rows == [(16, 4, 12, "partial")]
    assert all(r[0] for r in query(db_path, "SELECT reason FROM etl_rejects"))
    loaded = sum(query(db_path, f"SELECT count(*) FROM {k}")[0][0]
                 for k in ("activities", "enterprise_visits", "enterprise_opinions"))
    assert loaded == 4


def test_messy_workbook_rejects_are_exactly_the_faulty_rows(tmp_path, db_path):
    load([_messy_workbook(tmp_path / "messy.xlsx")], db_path)
    got = set(query(db_path, 'SELECT sheet, "row" FROM etl_rejects'))
    expected = {("活动", n) for n in (4, 5, 7, 8, 9, 10, 11, 12)}
    expected |= {("企业走访", 3), ("企业走访", 4), ("企业意见", 3), ("企业意见", 4)}
    assert got == expected
    assert query(db_path, "SELECT activity_id FROM activities ORDER BY 1") == [("A1",), ("A8",)]


def test_loading_the_same_file_twice_changes_nothing(tmp_path, db_path):
    path = _messy_workbook(tmp_path / "messy.xlsx")
    load([path], db_path)
    before = _content(db_path)
    second = load([path], db_path)
    assert _content(db_path) == before
    f = second.files[0]
    assert (f.rows_new, f.rows_changed, f.rows_unchanged) == (0, 0, 4)


def test_corrected_reload_replaces_only_the_changed_keys(tmp_path, db_path):
    rows = [ACTIVITY_HEADER] + [[f"A{i}", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, i] for i in range(1, 6)]
    load([write_csv(tmp_path / "a" / "活动.csv", rows)], db_path)
    before = {r[0]: r for r in query(db_path, "SELECT activity_id, public, _load_id FROM activities")}
    rows[3][6] = 99  # A3 corrected
    rows.append(["A6", "宣讲活动", "清江浦区", "柳树湾", "2023-03-06", 1, 6])
    report = load([write_csv(tmp_path / "b" / "活动.csv", rows)], db_path)
    f = report.files[0]
    assert (f.rows_new, f.rows_changed, f.rows_unchanged) == (1, 1, 4)
    after = {r[0]: r for r in query(db_path, "SELECT activity_id, public, _load_id FROM activities")}
    assert after["A3"][1] == 99 and after["A3"][2] == report.load_id
    assert {k: v for k, v in after.items() if k not in ("A3", "A6")} == {k: v for k, v in before.items() if k != "A3"}
    assert len(after) == 6


@pytest.mark.parametrize("stage", ["validated:activities", "applied:activities", "applied:enterprise_opinions",
                                   "before_commit", "before_swap"])
def test_a_load_that_fails_halfway_leaves_the_warehouse_byte_for_byte(tmp_path, db_path, stage):
    first = write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])
    load([first], db_path)
    digest = _sha(db_path)
    with pytest.raises(LoadFailed):
        load([_messy_workbook(tmp_path / "messy.xlsx")], db_path, fail_at=stage)
    assert _sha(db_path) == digest
    assert not db_path.with_name(db_path.name + ".building").exists()
    # and the next load works normally
    assert load([_messy_workbook(tmp_path / "messy2.xlsx")], db_path).exit_code == 1


def test_a_failed_first_load_creates_no_warehouse(tmp_path, db_path):
    with pytest.raises(LoadFailed):
        load([_messy_workbook(tmp_path / "m.xlsx")], db_path, fail_at="before_swap")
    assert not db_path.exists()


def test_the_previous_warehouse_is_kept_as_last_known_good(tmp_path, db_path):
    load([write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])], db_path)
    digest = _sha(db_path)
    load([write_csv(tmp_path / "b" / "活动.csv", [ACTIVITY_HEADER, ["A2", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])], db_path)
    assert _sha(last_good_path(db_path)) == digest
    assert query(last_good_path(db_path), "SELECT activity_id FROM activities") == [("A1",)]


READER = r"""
import sys, time, duckdb
db = sys.argv[1]
con = duckdb.connect(db, read_only=True)
print("ready", flush=True)
n = 0
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    con.execute("SELECT count(*), sum(public) FROM activities").fetchall()
    c2 = duckdb.connect(db, read_only=True)   # new readers during the load, too
    c2.execute("SELECT count(*) FROM etl_loads").fetchall()
    c2.close()
    n += 1
print("reads", n, flush=True)
"""


def test_a_reader_holding_the_warehouse_open_during_loads_gets_no_error(tmp_path, db_path):
    load([write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])], db_path)
    proc = subprocess.Popen([sys.executable, "-c", READER, str(db_path), "6"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    for i in range(4):
        rows = [ACTIVITY_HEADER] + [[f"B{i}-{j}", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, j] for j in range(200)]
        assert load([write_csv(tmp_path / f"b{i}" / "活动.csv", rows)], db_path).exit_code == 0
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "reads" in out and int(out.split()[-1]) > 0
    # a new connection sees the new data
    assert query(db_path, "SELECT count(*) FROM activities") == [(801,)]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.pop("OVERSIGHT_DB", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True,
                          env=e, timeout=120)


def test_cli_load_exit_codes_and_report(tmp_path, db_path):
    good = write_csv(tmp_path / "g" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])
    r = _cli("load", str(good), "--db", str(db_path))
    assert r.returncode == 0, r.stderr
    assert "读取 1 行，导入 1 行" in r.stdout
    r = _cli("load", str(_messy_workbook(tmp_path / "m.xlsx")), "--db", str(db_path))
    assert r.returncode == 1
    assert "第5行：日期无法识别：2023-13-45" in r.stdout
    empty = tmp_path / "活动.csv"
    empty.write_bytes(b"")
    r = _cli("load", str(empty), "--db", str(db_path))
    assert r.returncode == 2 and "文件为空" in r.stdout
    assert _cli("load", str(tmp_path / "nope.xlsx"), "--db", str(db_path)).returncode == 2
    assert _cli("frobnicate").returncode == 2


def test_cli_uses_oversight_db_from_the_environment(tmp_path):
    good = write_csv(tmp_path / "g" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])
    target = tmp_path / "env.duckdb"
    assert _cli("load", str(good), env={"OVERSIGHT_DB": str(target)}).returncode == 0
    assert query(target, "SELECT count(*) FROM activities") == [(1,)]


def test_cli_check_validates_and_writes_nothing(tmp_path, db_path):
    good = write_csv(tmp_path / "g" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])
    assert _cli("load", str(good), "--db", str(db_path)).returncode == 0
    digest = _sha(db_path)
    r = _cli("check", str(_messy_workbook(tmp_path / "m.xlsx")), "--db", str(db_path))
    assert r.returncode == 1 and "仅校验" in r.stdout
    assert _sha(db_path) == digest
    assert not db_path.with_name(db_path.name + ".building").exists()


def test_changes_written_directly_to_the_live_file_are_kept_by_the_next_load(tmp_path, db_path):
    # Someone opened the warehouse read-write and changed it, leaving a .wal behind:
    # the next load builds on that state instead of silently dropping it.
    load([write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])], db_path)
    writer = ("import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
              "con.execute(\"SET checkpoint_threshold = '1TB'\"); "
              "con.execute('UPDATE activities SET public = 77'); os._exit(0)")  # exits without checkpointing
    subprocess.run([sys.executable, "-c", writer, str(db_path)], check=True, timeout=60)
    assert db_path.with_name(db_path.name + ".wal").exists()
    load([write_csv(tmp_path / "b" / "活动.csv", [ACTIVITY_HEADER, ["A2", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]])], db_path)
    assert query(db_path, "SELECT activity_id, public FROM activities ORDER BY 1") == [("A1", 77), ("A2", 1)]
