"""The audit log: events land in order, cannot be changed or deleted, survive a warehouse
swap, take concurrent writers, and a storage failure never reaches the caller."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from auth import audit
from auth.state import audit_path
from tests.conftest import ACTIVITY_HEADER, query


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "state"
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(d))
    return d


def test_records_land_and_come_back_newest_first(state):
    assert audit.record("sign_in", "zhang", {"method": "password"}) is True
    assert audit.record("page_view", "zhang", page="overview", filters={"year": 2024, "towns": ["乙镇"]})
    assert audit.record("export", "zhang", {"rows": 12, "kind": "activities"}, page="explore")
    log = audit.recent()
    assert list(log.columns) == ["id", "ts", "event", "identity", "page", "filters", "detail"]
    assert list(log["event"]) == ["export", "page_view", "sign_in"]
    assert list(log["id"]) == sorted(log["id"], reverse=True)
    assert json.loads(log["detail"][0]) == {"rows": 12, "kind": "activities"}
    assert json.loads(log["filters"][1]) == {"year": 2024, "towns": ["乙镇"]}
    assert "乙镇" in log["filters"][1]  # readable Chinese, not \u escapes
    assert log["page"][1] == "overview"
    assert log["detail"][1] == "{}" and pd.isna(log["filters"][2])
    for ts in log["ts"]:
        assert datetime.fromisoformat(ts).utcoffset().total_seconds() == 0  # UTC


def test_recent_filters_by_event_and_identity_and_limits(state):
    for i in range(5):
        audit.record("page_view", "a" if i % 2 else "b", page=f"p{i}")
    audit.record("sign_out", "a")
    assert list(audit.recent(event="page_view", identity="a")["page"]) == ["p3", "p1"]
    assert list(audit.recent(limit=2)["event"]) == ["sign_out", "page_view"]
    assert audit.recent(identity="nobody").empty


def test_updates_and_deletes_are_refused_by_the_database(state):
    audit.record("sign_in", "zhang", {"method": "password"})
    con = sqlite3.connect(audit_path())
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("UPDATE audit_log SET identity = 'someone else'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("DELETE FROM audit_log")
        con.commit()
        assert con.execute("SELECT identity FROM audit_log").fetchall() == [("zhang",)]
    finally:
        con.close()


def test_secret_looking_keys_are_redacted_before_writing(state):
    audit.record("account", "admin", {"password": "Hunter2-hunter2", "nested": {"api_token": "t0k"}, "n": 1})
    assert json.loads(audit.recent()["detail"][0]) == {"password": "***", "nested": {"api_token": "***"}, "n": 1}


def test_an_unknown_event_is_a_programming_error(state):
    with pytest.raises(ValueError):
        audit.record("sign-in", "zhang")


def test_a_storage_failure_is_logged_and_never_raised(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the state directory should be")
    monkeypatch.setenv("OVERSIGHT_STATE_DIR", str(blocker))
    with caplog.at_level(logging.ERROR, logger="oversight"):
        assert audit.record("page_view", "zhang", page="overview") is False
        frame = audit.recent()
    assert frame.empty and list(frame.columns) == audit.COLUMNS
    assert "audit log write failed" in caplog.text and "audit log read failed" in caplog.text


def test_the_log_survives_a_load_that_swaps_the_warehouse(tmp_path, monkeypatch, db_path, load_rows):
    # The state directory defaults to state/ beside the warehouse; the ETL's os.replace of
    # the warehouse file must leave the audit file (a different file) untouched.
    monkeypatch.delenv("OVERSIGHT_STATE_DIR", raising=False)
    monkeypatch.setenv("OVERSIGHT_DB", str(db_path))
    load_rows("activities", [ACTIVITY_HEADER, ["A1", "宣讲活动", "清江浦区", "柳树湾", "2023-03-05", 3, 40]])
    audit.record("load", "admin", {"rows": 1})
    assert audit_path() == (db_path.parent / "state" / "audit.sqlite3").resolve()
    inode_before = db_path.stat().st_ino

    load_rows("activities", [ACTIVITY_HEADER, ["A2", "宣讲活动", "清江浦区", "柳树湾", "2023-04-05", 2, 30]])
    assert db_path.stat().st_ino != inode_before  # the warehouse file really was replaced
    assert query(db_path, "SELECT count(*) FROM activities") == [(2,)]
    audit.record("load", "admin", {"rows": 1})
    assert list(audit.recent()["event"]) == ["load", "load"]


def test_eight_threads_writing_fifty_records_each_all_land(state):
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(50):
                assert audit.record("page_view", f"user{n}", {"i": i}, page="overview")
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    log = audit.recent(limit=1000)
    assert len(log) == 400 and log["id"].is_unique
    got = {(who, json.loads(d)["i"]) for who, d in zip(log["identity"], log["detail"], strict=True)}
    assert got == {(f"user{n}", i) for n in range(8) for i in range(50)}
    for n in range(8):  # each writer's records are in its own order
        mine = log[log["identity"] == f"user{n}"].sort_values("id")
        assert [json.loads(d)["i"] for d in mine["detail"]] == list(range(50))
