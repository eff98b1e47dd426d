"""The frame every page lives in: first start, impossible links, a damaged warehouse,
the footer and the language switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load
from tests.conftest import ACTIVITY_HEADER, ROOT, write_csv
from ui import i18n
from tests.apptest import sign_in


def _app(db: Path, monkeypatch, **params: str) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    sign_in(at)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _texts(at: AppTest) -> list[str]:
    return [w.value for w in at.warning] + [i.value for i in at.info] + [c.value for c in at.caption]


def test_first_start_without_a_warehouse_builds_the_demo_and_marks_it(tmp_path, monkeypatch):
    db = tmp_path / "new" / "oversight.duckdb"
    at = _app(db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert db.exists()
    assert any("演示数据" in x for x in _texts(at))  # banner and footer badge
    assert any(x.startswith("数据截至 2026-10-31") for x in (c.value for c in at.caption))


@pytest.mark.parametrize("params,notice_part", [
    ({"district": "测试区", "year": "1800"}, "1800"),
    ({"district": "火星区", "year": "2024"}, "火星区"),
    ({"district": "测试区", "year": "2024", "town": "不存在镇"}, "不存在镇"),
    ({"district": "测试区", "year": "abc"}, "abc"),
    ({"district": "测试区'; DROP TABLE activities; --", "year": "2024"}, "DROP TABLE"),
])
def test_impossible_link_values_give_a_notice_and_fall_back(fixture_db, monkeypatch, params, notice_part):
    at = _app(fixture_db, monkeypatch, **params)
    assert not at.exception, [e.value for e in at.exception]
    assert any(notice_part in w.value for w in at.warning)


def test_the_url_keeps_the_filters_in_the_data_s_names(fixture_db, monkeypatch):
    at = _app(fixture_db, monkeypatch, district="测试区", year="2024", town="乙镇")
    assert {k: list(v) if isinstance(v, list) else [v] for k, v in at.query_params.items()} == {
        "district": ["测试区"], "year": ["2024"], "town": ["乙镇"]}
    assert at.selectbox(key="f_district").value == "测试区"
    assert at.selectbox(key="f_year").value == 2024
    assert at.multiselect(key="f_towns").value == ["乙镇"]


def test_english_switch_changes_the_navigation_and_footer(fixture_db, monkeypatch):
    monkeypatch.setitem(i18n._state, "lang", "en")
    at = _app(fixture_db, monkeypatch, district="测试区", year="2024", lang="en")
    assert not at.exception
    assert any(c.value.startswith("Data as of 2025-06-30") for c in at.caption)


def test_a_damaged_warehouse_falls_back_to_the_last_good_copy_with_a_warning(tmp_path, monkeypatch):
    db = tmp_path / "wh" / "oversight.duckdb"
    row = ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 1, 1]
    load([write_csv(tmp_path / "a" / "活动.csv", [ACTIVITY_HEADER, row])], db)
    load([write_csv(tmp_path / "b" / "活动.csv", [ACTIVITY_HEADER, ["A2"] + row[1:]])], db)
    assert (tmp_path / "wh" / "oversight.duckdb.prev").exists()
    with open(db, "r+b") as fh:  # truncate the live file: it no longer opens
        fh.truncate(4096)
    at = _app(db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert any("上一次完好的版本" in w.value for w in at.warning)


def test_no_usable_warehouse_at_all_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    at = _app(db, monkeypatch)
    assert not at.exception
    assert any("无法打开数据仓库" in e.value for e in at.error)
    shutil.rmtree(db.parent)
