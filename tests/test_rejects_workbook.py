"""Uploads checked through the ETL, and the rejects workbook: the clerk's own file with only
its rejected rows and the reasons, which — corrected — loads cleanly."""

from __future__ import annotations

import hashlib
import io
import shutil
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl import rejects
from tests.conftest import ROOT, query, write_csv, write_xlsx
from warehouse.db import warehouse_version

HEADER = ["活动编号", "类型", "区", "镇街", "日期", "人大代表人数", "群众人数", "备注"]
# A workbook as a clerk makes it: a title row above the header, an unknown column (备注),
# a sheet the loader skips (说明), visits on two sheets (English and Chinese kind name),
# and four faulty rows among good ones.
UPLOAD = {
    "说明": [["填表说明：每月 5 日前报送"]],
    "活动": [
        ["2025年活动登记表"],
        HEADER,
        ["N1", "宣讲活动", "测试区", "甲街道", "2025-05-06", 3, 20, "好"],
        ["N2", "宣讲活动", "测试区", "甲街道", "2025-13-01", 3, 20, "日期错"],  # row 4
        ["N3", "宣讲", "测试区", "乙镇", "2025-05-08", 2, 10, "类型错"],  # row 5
        ["N4", "代表接待选民", "测试区", "戊街道", "2025-05-09", -1, 5, None],  # row 6: three faults
        ["N5", "代表接待选民", "测试区", "乙镇", "2025-05-10", 4, 8, None],
    ],
    "enterprise_visits": [
        ["走访编号", "日期", "区", "镇街", "企业名称"],
        ["W1", "2025-05-11", "测试区", "丙街道", "丙二公司"],
    ],
    "企业走访": [
        ["走访编号", "日期", "区", "镇街", "企业名称"],
        ["W2", "2025-05-12", "测试区", "丙街道", None],  # row 2: no enterprise
    ],
}


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    """A copy of the shared fixture warehouse (测试区), to load into."""
    target = tmp_path / "wh" / "oversight.duckdb"
    target.parent.mkdir()
    shutil.copyfile(fixture_db, target)
    return target


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows_of(data: bytes) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_a_check_writes_nothing(db: Path, tmp_path: Path):
    data = write_xlsx(tmp_path / "up.xlsx", UPLOAD).read_bytes()
    before, version = sha(db), warehouse_version(db)
    report = rejects.check_uploads([("up.xlsx", data)], db, dry_run=True)
    assert report.rows_rejected == 4 and report.rows_loaded == 3
    assert sha(db) == before and warehouse_version(db) == version
    assert not db.with_name(db.name + ".building").exists()


def test_sheet_summary_counts_each_sheet(db: Path, tmp_path: Path):
    data = write_xlsx(tmp_path / "up.xlsx", UPLOAD).read_bytes()
    report = rejects.check_uploads([("up.xlsx", data), ("空.csv", b"")], db, dry_run=True)
    summary = rejects.sheet_summary(report)
    assert [[None if pd.isna(v) else v for v in row] for row in summary.values.tolist()] == [
        ["up.xlsx", "活动", "activities", 5, 2, 3],
        ["up.xlsx", "enterprise_visits", "enterprise_visits", 1, 1, 0],
        ["up.xlsx", "企业走访", "enterprise_visits", 1, 0, 1],
        ["空.csv", None, None, 0, 0, 0],
    ]


def test_rejects_workbook_mirrors_the_file_with_only_the_rejected_rows(db: Path, tmp_path: Path):
    data = write_xlsx(tmp_path / "up.xlsx", UPLOAD).read_bytes()
    report = rejects.check_uploads([("up.xlsx", data)], db, dry_run=True)
    out = rejects.rejects_workbook("up.xlsx", data, report.rejects)
    got = rows_of(out)
    # Only the sheets with rejected rows, under their own names; the title row is gone,
    # the header row is the file's own, with the two added columns.
    assert list(got) == ["活动", "企业走访"]
    reasons = {(r.sheet, r.row): r.reason for r in report.rejects.itertuples()}
    assert got["活动"] == [
        HEADER + ["原行号", "错误原因"],
        ["N2", "宣讲活动", "测试区", "甲街道", "2025-13-01", 3, 20, "日期错", 4, reasons[("活动", 4)]],
        ["N3", "宣讲", "测试区", "乙镇", "2025-05-08", 2, 10, "类型错", 5, reasons[("活动", 5)]],
        ["N4", "代表接待选民", "测试区", "戊街道", "2025-05-09", -1, 5, None, 6, reasons[("活动", 6)]],
    ]
    assert got["企业走访"] == [
        ["走访编号", "日期", "区", "镇街", "企业名称", "原行号", "错误原因"],
        ["W2", "2025-05-12", "测试区", "丙街道", None, 2, reasons[("企业走访", 2)]],
    ]
    # Every fault of a row is in its one reason.
    assert "戊街道" in reasons[("活动", 6)] and "负数" in reasons[("活动", 6)]


def test_corrected_rejects_workbook_loads_cleanly(db: Path, tmp_path: Path):
    data = write_xlsx(tmp_path / "up.xlsx", UPLOAD).read_bytes()
    first = rejects.check_uploads([("up.xlsx", data)], db, dry_run=False)
    assert first.written and first.rows_loaded == 3
    wb = openpyxl.load_workbook(io.BytesIO(rejects.rejects_workbook("up.xlsx", data, first.rejects)))
    acts, visits = wb["活动"], wb["企业走访"]
    acts["E2"] = "2025-05-07"  # N2: the date
    acts["B3"] = "宣讲活动"  # N3: the kind
    acts["D4"], acts["F4"] = "丙街道", 1  # N4: the town and the number
    visits["E2"] = "丙三公司"  # W2: the enterprise
    fixed = io.BytesIO()
    wb.save(fixed)
    second = rejects.check_uploads([("up_待修改.xlsx", fixed.getvalue())], db, dry_run=False)
    assert second.exit_code == 0, second.rejects.to_dict("records")
    assert second.rows_rejected == 0 and second.files[0].rows_new == 4
    # The added columns are reported as unknown columns, not loaded.
    assert any("原行号" in m and "错误原因" in m for m in second.files[0].messages)
    assert query(db, "SELECT count(*) FROM activities WHERE activity_id IN ('N1','N2','N3','N4','N5')")[0][0] == 5
    assert query(db, "SELECT town, deputies FROM activities WHERE activity_id = 'N4'") == [("丙街道", 1)]


def test_csv_rejects_become_one_sheet_named_for_its_kind_and_formulas_stay_text(db: Path, tmp_path: Path):
    rows = [["活动编号", "类型", "区", "镇街", "日期", "主题"],
            ["C1", "宣讲活动", "测试区", "甲街道", "2025-05-06", "=HYPERLINK(\"http://x\",\"点我\")"],
            ["C2", "宣讲活动", "测试区", "甲街道", "5月6日", "+1 正常"]]
    data = write_csv(tmp_path / "activities-5月.csv", rows).read_bytes()
    report = rejects.check_uploads([("activities-5月.csv", data)], db, dry_run=True)
    assert report.rows_rejected == 1 and report.rows_loaded == 1
    out = rejects.rejects_workbook("activities-5月.csv", data, report.rejects)
    wb = openpyxl.load_workbook(io.BytesIO(out))
    assert wb.sheetnames == ["activities-5月"]
    ws = wb["activities-5月"]
    topic = ws["F2"]
    assert topic.value == "+1 正常" and topic.data_type == "s" and topic.quotePrefix
    assert ws["G1"].value == "原行号" and ws["G2"].value == 3
    # A formula-like text is never written as a formula.
    out2 = rejects.rejects_workbook("activities-5月.csv", data,
                                    report.rejects.assign(row=2, reason="示例原因"))
    cell = openpyxl.load_workbook(io.BytesIO(out2)).active["F2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix
    # Corrected, it loads, and the text comes back unchanged (no apostrophe added).
    ws["E2"] = "2025-05-07"
    fixed = io.BytesIO()
    wb.save(fixed)
    again = rejects.check_uploads([("fixed.xlsx", fixed.getvalue())], db, dry_run=False)
    assert again.exit_code == 0 and again.rows_loaded == 1
    assert query(db, "SELECT topic FROM activities WHERE activity_id = 'C2'") == [("+1 正常",)]


def test_no_workbook_for_a_file_without_rejects(db: Path, tmp_path: Path):
    data = write_csv(tmp_path / "活动.csv", [["活动编号", "类型", "区", "镇街", "日期"],
                                             ["K1", "宣讲活动", "测试区", "甲街道", "2025-05-06"]]).read_bytes()
    report = rejects.check_uploads([("活动.csv", data)], db, dry_run=True)
    assert rejects.rejects_workbook("活动.csv", data, report.rejects) is None


# --- files refused before a row is read ------------------------------------------------

def _refusal(db: Path, name: str, data: bytes) -> str:
    before = sha(db)
    report = rejects.check_uploads([(name, data)], db, dry_run=True)
    assert report.exit_code == 2 and report.rows_read == 0
    assert sha(db) == before
    return report.files[0].refused or ""


def test_a_file_of_another_type_is_refused(db: Path):
    assert "不支持的文件类型「.pdf」" in _refusal(db, "活动.pdf", b"%PDF-1.4 ...")
    assert "不支持的文件类型「无扩展名」" in _refusal(db, "活动", b"a,b\n1,2\n")
    # The command line reads .parquet and .txt; an upload takes .xlsx and .csv only.
    assert "不支持的文件类型「.parquet」" in _refusal(db, "活动.parquet", b"PAR1")


def test_an_empty_file_is_refused(db: Path):
    assert _refusal(db, "活动.csv", b"") == "文件为空（0字节）"


def test_a_file_over_the_limit_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch):
    data = ("活动编号,类型,区,镇街,日期\n" + "K1,宣讲活动,测试区,甲街道,2025-05-06\n" * 50).encode()
    monkeypatch.setattr(rejects, "UPLOAD_LIMIT_MB", 1 / 1024)  # 1 KB
    assert len(data) > 1024
    reason = _refusal(db, "活动.csv", data)
    assert reason.startswith("文件太大（") and "1.0 KB" in reason


def test_a_workbook_without_a_known_sheet_is_refused(db: Path, tmp_path: Path):
    data = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["a", "b"], [1, 2]]}).read_bytes()
    reason = _refusal(db, "x.xlsx", data)
    assert reason.startswith("文件中没有可导入的记录表") and "Sheet1" in reason


def test_a_csv_in_an_undecodable_encoding_is_refused(db: Path):
    data = "活动编号,类型\n".encode("utf-8") + b"\xff\xfe\xff\x80\n"
    assert "无法识别文件编码" in _refusal(db, "活动.csv", data)


def test_two_files_of_one_name_in_one_batch(db: Path, tmp_path: Path):
    data = write_csv(tmp_path / "活动.csv", [["活动编号", "类型", "区", "镇街", "日期"],
                                             ["K1", "宣讲活动", "测试区", "甲街道", "2025-05-06"]]).read_bytes()
    report = rejects.check_uploads([("活动.csv", data), ("活动.csv", data)], db, dry_run=True)
    assert report.files[0].refused is None and report.files[0].rows_loaded == 1
    assert "同名文件" in report.files[1].refused


def test_upload_limit_is_the_servers(monkeypatch: pytest.MonkeyPatch):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert rejects.UPLOAD_LIMIT_MB == config["server"]["maxUploadSize"] == 50
    assert rejects.limit_text() == "50 MB" and rejects.limit_bytes() == 50 * 1024 * 1024
