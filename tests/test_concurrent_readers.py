"""Readers during loads: 20 readers query the warehouse through the app's read path while
loads run back to back; no reader gets a lock error, and every read sees one whole load.

The readers are 16 threads in this process, sharing one cached snapshot connection per
warehouse version with a cursor each, as ``ui/data.py`` does for the app's sessions
(``_connection`` + ``warehouse.db.snapshot_cursor``), and 4 threads in a second process (a
second app process). The loads alternate between ``etl.load.load`` in this process (what the
data page's upload does) and the command line in a subprocess. Each load adds one batch:
enterprise visits and their opinions, loaded together, both named after the batch. A reader
checks, on one snapshot and in separate statements, that every batch it sees is complete in
both relations and that every opinion's visit exists — a half load, or two statements seeing
two different files, would break one of these.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl.load import load
from tests.conftest import ROOT, write_csv
from warehouse.db import connect_snapshot, snapshot_cursor, warehouse_version

LOADS = 10
PAUSE = 0.05  # between one reader's reads, as a session's reruns are spaced: the loads get CPU
THREADS = 16
PROCESS_THREADS = 4
VISITS_PER_BATCH = 5
OPINIONS_PER_VISIT = 2

VISIT_HEADER = ["走访编号", "日期", "区", "镇街", "企业名称", "问卷回收"]
OPINION_HEADER = ["意见编号", "走访编号", "来源", "类别"]


def _batch_files(folder: Path, batch: int) -> Path:
    visits = [VISIT_HEADER] + [[f"B{batch:02d}-V{j}", "2025-05-06", "测试区", "甲街道", f"批次{batch:02d}公司{j}", "是"]
                               for j in range(VISITS_PER_BATCH)]
    opinions = [OPINION_HEADER] + [[f"B{batch:02d}-O{j}-{k}", f"B{batch:02d}-V{j}", "企业", "营商环境"]
                                   for j in range(VISITS_PER_BATCH) for k in range(OPINIONS_PER_VISIT)]
    write_csv(folder / "企业走访.csv", visits)
    write_csv(folder / "企业意见.csv", opinions)
    return folder


# One read: three statements on one snapshot cursor. Returns the batches seen, or raises.
READ = r'''
def read_once(cur):
    visits = dict(cur.execute(
        "SELECT substr(visit_id, 1, 3), count(*) FROM enterprise_visits "
        "WHERE visit_id LIKE 'B%' GROUP BY 1").fetchall())
    opinions = dict(cur.execute(
        "SELECT substr(opinion_id, 1, 3), count(*) FROM enterprise_opinions "
        "WHERE opinion_id LIKE 'B%' GROUP BY 1").fetchall())
    orphans = cur.execute(
        "SELECT count(*) FROM enterprise_opinions o WHERE opinion_id LIKE 'B%' AND NOT EXISTS "
        "(SELECT 1 FROM enterprise_visits v WHERE v.visit_id = o.visit_id)").fetchone()[0]
    assert orphans == 0, f"{orphans} opinions without their visit"
    assert set(visits) == set(opinions), (visits, opinions)
    for b, n in visits.items():
        assert n == VISITS and opinions[b] == VISITS * PER_VISIT, (b, n, opinions[b])
    batches = sorted(int(b[1:]) for b in visits)
    assert batches == list(range(1, len(batches) + 1)), batches  # loads are seen in order, whole
    return len(batches)
'''

# A second app process: PROCESS_THREADS readers on its own cached snapshots, until told to stop.
OTHER_PROCESS = r'''
import sys, threading, traceback
from pathlib import Path
from warehouse.db import connect_snapshot, snapshot_cursor, warehouse_version
VISITS, PER_VISIT, PAUSE = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[5])
''' + READ + r'''
db = Path(sys.argv[1]); cache = {}; lock = threading.Lock(); stop = threading.Event()
reads, errors = [0], []
def connection():
    v = warehouse_version(db)
    with lock:
        if v not in cache:
            cache[v] = connect_snapshot(db)
        return cache[v]
def reader():
    while not stop.is_set():
        try:
            cur = snapshot_cursor(connection())
            try:
                read_once(cur)
            finally:
                cur.close()
            with lock:
                reads[0] += 1
        except Exception as e:
            errors.append(f"{type(e).__name__}: {e}")
        stop.wait(PAUSE)
threads = [threading.Thread(target=reader) for _ in range(int(sys.argv[4]))]
for t in threads: t.start()
print("ready", flush=True)
sys.stdin.readline()
stop.set()
for t in threads: t.join()
print(reads[0], len(errors), flush=True)
for e in errors[:5]: print(e, flush=True)
'''


def test_twenty_readers_see_whole_loads_and_no_lock_error_while_loads_run(tmp_path, fixture_db, monkeypatch):
    import shutil

    from ui import data

    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copyfile(fixture_db, db)
    assert load([_batch_files(tmp_path / "in1", 1)], db).exit_code == 0
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    started = time.monotonic()

    scope = {"VISITS": VISITS_PER_BATCH, "PER_VISIT": OPINIONS_PER_VISIT}
    exec(READ, scope)  # noqa: S102 - the same checks in both processes
    read_once = scope["read_once"]

    other = subprocess.Popen([sys.executable, "-c", OTHER_PROCESS, str(db), str(VISITS_PER_BATCH),
                              str(OPINIONS_PER_VISIT), str(PROCESS_THREADS), str(PAUSE)],
                             cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "ready", other.stderr.read()

    stop = threading.Event()
    lock = threading.Lock()
    reads, errors, seen_max = [0], [], [0]
    versions: set = set()

    def reader() -> None:
        while not stop.is_set():
            try:
                path = str(db)
                version = warehouse_version(db)
                cur = snapshot_cursor(data._connection(path, version))  # the app's cached snapshot
                try:
                    n = read_once(cur)
                finally:
                    cur.close()
                with lock:
                    reads[0] += 1
                    seen_max[0] = max(seen_max[0], n)
                    versions.add(version)
            except Exception as e:  # noqa: BLE001 - every error is a finding
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")
            stop.wait(PAUSE)

    threads = [threading.Thread(target=reader) for _ in range(THREADS)]
    for t in threads:
        t.start()
    cli_env = {k: v for k, v in os.environ.items() if k != "OVERSIGHT_DB"}
    loads_done = 1
    for batch in range(2, LOADS + 2):
        folder = _batch_files(tmp_path / f"in{batch}", batch)
        if batch % 2:
            r = subprocess.run([sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)], cwd=ROOT,
                               env=cli_env, capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, r.stderr
        else:
            assert load([folder], db).exit_code == 0
        loads_done += 1
    time.sleep(0.5)  # let the readers take a snapshot of the last load
    stop.set()
    for t in threads:
        t.join(timeout=60)
    out, err = other.communicate("stop\n", timeout=60)
    elapsed = time.monotonic() - started
    counts, *other_msgs = out.splitlines()
    other_reads, other_errors = counts.split()
    print(f"\nreaders: {THREADS} threads + {PROCESS_THREADS} in another process; loads {loads_done - 1} "
          f"during the reads ({LOADS // 2} in-process, {LOADS - LOADS // 2} command line); reads {reads[0]} + "
          f"{other_reads}; errors {len(errors)} + {other_errors}; versions seen {len(versions)}; {elapsed:.1f} s")
    assert other.returncode == 0, err
    assert not errors, errors[:5]
    assert int(other_errors) == 0, other_msgs
    assert reads[0] >= THREADS and int(other_reads) >= PROCESS_THREADS
    assert seen_max[0] == LOADS + 1  # the readers saw the last load, whole
    assert len(versions) > 1  # and loads swapped in while they read


@pytest.fixture(autouse=True)
def _clear_connection_cache():
    from ui import data

    data._connection.clear()
    yield
    data._connection.clear()
