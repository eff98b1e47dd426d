"""Crash safety: a load killed with SIGKILL at any point leaves a warehouse that opens and
holds either the state before the load or the state after it — never a mixture; a damaged
warehouse file makes the app fall back to the last-known-good copy with a warning, and with
no good copy at all the app says so in words.

How the kill points are chosen (the outcome asserted is the same wherever the kill lands):

* **Named steps** — ``$OVERSIGHT_TEST_KILL_AT`` (``etl/load.py``) makes the real command
  line, ``python -m etl load FILES --db DB``, kill itself at one step: after taking the
  writer lock, after copying, after each kind is validated and applied, after the commit,
  the checkpoint, the fsync, each step of keeping ``.prev``, and after the swap. Each step
  has an exact expected state (before the swap: "before"; after it: "after").
* **Points in time** — a load is killed after a delay spread evenly (with jitter) over the
  measured duration of the load, counted from the moment its ``.building`` copy appears,
  so the kills land inside DuckDB's writes, the copy, the checkpoint and the renames. To
  afford ~100 loads, these run the command line's ``main`` in a process forked from a
  parent that has already imported it (the interpreter's start-up, ~1 s, is not repeated);
  the parent does the killing, so the pid cannot have been reused.

``$OVERSIGHT_CRASH_KILLS`` sets the number of timed kills (default 100).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import KILL_ENV
from tests.apptest import sign_in
from tests.conftest import ROOT, write_csv
from warehouse.db import SNAPSHOT_ALIAS, connect_snapshot, last_good_path, snapshot_cursor

TIMED_KILLS = int(os.environ.get("OVERSIGHT_CRASH_KILLS", "100"))

# Every step of etl/load.py at which the test hook can kill a load of the input below
# (visits and opinions), in the order the load passes them.
STEPS_BEFORE_SWAP = [
    "locked", "copied",
    "validated:enterprise_visits", "applied:enterprise_visits",
    "validated:enterprise_opinions", "applied:enterprise_opinions",
    "before_commit", "committed", "checkpointed", "before_swap", "synced",
    "prev_linked", "prev_replaced", "wal_moved",
]
STEPS_AFTER_SWAP = ["swapped"]

VISITS = [
    ["走访编号", "日期", "区", "镇街", "企业名称", "省级代表人次", "市级代表人次", "区级代表人次", "镇级代表人次", "问卷回收"],
    ["K1", "2025-05-06", "测试区", "甲街道", "庚公司", 0, 1, 1, 2, "是"],
    ["K2", "2025-05-07", "测试区", "乙镇", "辛公司", 0, 0, 2, 2, "否"],
    ["V8", "2025-06-30", "测试区", "丙街道", "己公司（更名）", 1, 1, 1, 1, "是"],  # replaces V8
]
OPINIONS = [
    ["意见编号", "走访编号", "来源", "类别"],
    ["KO1", "K1", "企业", "营商环境"],
    ["KO2", "K1", "代表", "用地"],
    ["KO3", "K2", "企业", "融资信贷"],
]

# A parent that imports the command line once and then, per job read from stdin, forks a
# child that runs it, optionally kills the child (SIGKILL) a given delay after the
# watched file appears, reaps it and reports how it ended.
ZYGOTE = r"""
import json, os, signal, sys, time
import etl.__main__ as cli
import auth.audit  # noqa: F401  imported lazily by the command line after a load
print("ready", flush=True)
for line in sys.stdin:
    job = json.loads(line)
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.environ.update(job["env"])
        try:
            code = cli.main(job["argv"])
        except BaseException:
            code = 3
        os._exit(code)
    status, seen, gone = None, None, None
    if job["delay"] is not None:
        while not os.path.exists(job["watch"]):
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                break
            time.sleep(0.0002)
        seen = time.monotonic() - t0
        deadline = time.monotonic() + job["delay"]
        while status is None and time.monotonic() < deadline:
            if gone is None and not os.path.exists(job["watch"]):
                gone = time.monotonic() - t0  # renamed into place: the swap
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
            else:
                time.sleep(min(0.0005, max(0.0, deadline - time.monotonic())))
        if status is None:
            os.kill(pid, signal.SIGKILL)  # not yet reaped: still ours, even if it has exited
    if status is None:
        status = os.waitpid(pid, 0)[1]
    print(json.dumps({"killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
                      "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                      "seen": seen, "swapped": gone, "total": time.monotonic() - t0}), flush=True)
"""


# --------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------


def fingerprint(db: Path) -> dict[str, tuple[int, int]]:
    """Per relation: row count and the sum of every row's hash, read the way the app reads
    (a read-only snapshot). The load log's ``loaded_at`` (the clock) is left out, so two
    complete runs of the same load have the same fingerprint."""
    con = connect_snapshot(db)
    try:
        cur = snapshot_cursor(con)
        rels = [r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = $d ORDER BY 1",
            {"d": SNAPSHOT_ALIAS}).fetchall()]
        out = {}
        for rel in rels:
            cols = [c for (c,) in cur.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = $d AND table_name = $t "
                "ORDER BY column_index", {"d": SNAPSHOT_ALIAS, "t": rel}).fetchall()
                if (rel, c) != ("etl_loads", "loaded_at")]
            col_sql = ", ".join('"' + c + '"' for c in cols)
            n, h = cur.execute(f'SELECT count(*), coalesce(sum(hash({col_sql})), 0) FROM "{rel}"').fetchone()
            out[rel] = (int(n), int(h))
        return out
    finally:
        con.close()


def _state(fp: dict, before: dict, after: dict) -> str:
    if fp == before:
        return "before"
    if fp == after:
        return "after"
    diff = sorted(k for k in set(fp) | set(before) if fp.get(k) != before.get(k))
    return f"MIXTURE (relations differing from before: {diff})"


# --------------------------------------------------------------------------------------
# Fixtures: the input, the "before" warehouse and its fingerprints
# --------------------------------------------------------------------------------------


class Loader:
    """The forked command line (see the module docstring)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def run(self, db: Path, inp: Path, delay: float | None = None, env: dict | None = None) -> dict:
        job = {"argv": ["load", str(inp), "--db", str(db)], "env": env or {}, "delay": delay,
               "watch": str(db.with_name(db.name + ".building"))}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def crash_env(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("crash")
    inp = base / "input"
    write_csv(inp / "企业走访.csv", VISITS)
    write_csv(inp / "企业意见.csv", OPINIONS)
    before_db = base / "before.duckdb"
    shutil.copyfile(fixture_db, before_db)
    loader = Loader()
    # The "after" state: one complete load of the input into a copy of "before".
    ref = base / "ref" / "oversight.duckdb"
    ref.parent.mkdir()
    shutil.copyfile(before_db, ref)
    done = loader.run(ref, inp)
    assert done["code"] == 0, done
    env = {"base": base, "input": inp, "before_db": before_db, "loader": loader,
           "before": fingerprint(before_db), "after": fingerprint(ref)}
    assert env["before"] != env["after"]
    assert env["after"]["enterprise_visits"][0] == env["before"]["enterprise_visits"][0] + 2
    yield env
    loader.close()


def _fresh(env: dict, name: str, source: Path | None = None) -> Path:
    d = env["base"] / name
    d.mkdir()
    db = d / "oversight.duckdb"
    src = source or env["before_db"]
    shutil.copyfile(src, db)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, db.with_name(db.name + ".wal"))
    return db


def _check_after_kill(db: Path, before: dict, after: dict) -> str:
    """The warehouse opens and is 'before' or 'after'; a kept last-known-good copy is 'before'."""
    state = _state(fingerprint(db), before, after)
    assert state in ("before", "after"), state
    prev = last_good_path(db)
    if prev.exists():
        assert _state(fingerprint(prev), before, after) == "before"
    return state


# --------------------------------------------------------------------------------------
# Kills at named steps, through the real command line
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS_BEFORE_SWAP + STEPS_AFTER_SWAP)
def test_a_load_killed_at_a_named_step_leaves_the_state_before_or_after_and_the_next_load_completes(
        crash_env, step):
    db = _fresh(crash_env, "step-" + step.replace(":", "-"))
    env = dict(os.environ)
    env.pop("OVERSIGHT_DB", None)
    env[KILL_ENV] = step
    r = subprocess.run([sys.executable, "-m", "etl", "load", str(crash_env["input"]), "--db", str(db)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == -signal.SIGKILL, f"the load was not killed at {step}: {r.returncode} {r.stderr}"
    state = _check_after_kill(db, crash_env["before"], crash_env["after"])
    assert state == ("before" if step in STEPS_BEFORE_SWAP else "after")
    if state == "before":  # the leftovers of the killed load do not stop the next one
        done = crash_env["loader"].run(db, crash_env["input"])
        assert done["code"] == 0, done
        assert fingerprint(db) == crash_env["after"]
        assert fingerprint(last_good_path(db)) == crash_env["before"]
        assert not db.with_name(db.name + ".building").exists()
    shutil.rmtree(db.parent)


# --------------------------------------------------------------------------------------
# Kills at points in time spread over a load
# --------------------------------------------------------------------------------------


def test_a_load_killed_at_100_points_in_time_never_leaves_a_mixture(crash_env):
    loader, before, after = crash_env["loader"], crash_env["before"], crash_env["after"]
    started = time.monotonic()
    # Measure the load: from its .building copy appearing to its swap into place.
    windows = []
    for i in range(3):
        db = _fresh(crash_env, f"measure-{i}")
        done = loader.run(db, crash_env["input"], delay=60.0)  # not killed: it completes first
        assert not done["killed"] and done["code"] == 0, done
        windows.append(done["swapped"] - done["seen"])
        shutil.rmtree(db.parent)
    window = sorted(windows)[1]
    rng = random.Random(11)
    outcomes: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    delays = []
    attempt = 0
    while outcomes["killed"] < TIMED_KILLS and attempt < 3 * TIMED_KILLS:
        # Stratified over 110 % of the window, jittered within each stratum.
        delay = window * 1.1 * ((attempt % TIMED_KILLS) + rng.random()) / TIMED_KILLS
        db = _fresh(crash_env, f"t{attempt}")
        done = loader.run(db, crash_env["input"], delay=delay)
        attempt += 1
        state = _check_after_kill(db, before, after)
        if not done["killed"]:  # it finished first
            assert done["code"] == 0 and state == "after", (done, state)
            outcomes["completed"] += 1
            shutil.rmtree(db.parent)
            continue
        outcomes["killed"] += 1
        outcomes[state] += 1
        delays.append(delay)
        left = {p.name.removeprefix("oversight.duckdb") for p in db.parent.iterdir()} - {"", ".lock", "state"}
        phases[("after swap" if state == "after" else
                "keeping .prev" if left & {".prev", ".prev.new"} else
                "building" if ".building" in left else "before the copy")] += 1
        if outcomes["killed"] % 10 == 0:  # now and then: the next load completes
            done = loader.run(db, crash_env["input"])
            assert done["code"] == 0, done
            fp = fingerprint(db)
            if state == "before":
                assert fp == after
            else:  # the same file again: no record changes, one more entry in the load log
                assert {k: v for k, v in fp.items() if k != "etl_loads"} == \
                    {k: v for k, v in after.items() if k != "etl_loads"}
        shutil.rmtree(db.parent)
    elapsed = time.monotonic() - started
    print(f"\ntimed kills: {outcomes['killed']} killed ({outcomes['before']} before, {outcomes['after']} after), "
          f"{outcomes['completed']} completed first; window {window:.3f} s (measured {windows}); "
          f"delays {min(delays):.4f}..{max(delays):.4f} s; phases {dict(phases)}; {elapsed:.1f} s")
    assert outcomes["killed"] >= TIMED_KILLS
    assert len({round(d, 6) for d in delays}) == len(delays)  # every kill at its own point


# --------------------------------------------------------------------------------------
# A warehouse with a write-ahead log beside it (someone wrote to the live file directly)
# --------------------------------------------------------------------------------------

DIRECT_WRITE = ("import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
                "con.execute(\"SET checkpoint_threshold = '1TB'\"); "
                "con.execute(\"UPDATE enterprise_visits SET enterprise = enterprise || '·' WHERE visit_id = 'V1'\"); "
                "os._exit(0)")  # exits without checkpointing: the change is only in the .wal


# Found by this test and fixed: the file and its .wal are two names and cannot be renamed
# together, so a kill between moving one and the other lost the directly written change.
# The loader now first folds the log into the live file (a DuckDB checkpoint, crash-safe by
# itself; kill point "wal_folded"), so the swap handles a single file.
@pytest.mark.parametrize("step", ["wal_folded"] + STEPS_BEFORE_SWAP + STEPS_AFTER_SWAP)
def test_a_load_killed_at_a_named_step_keeps_the_changes_in_a_live_write_ahead_log(crash_env, step):
    src = crash_env["base"] / "walsrc" / "oversight.duckdb"
    if not src.exists():
        src.parent.mkdir()
        shutil.copyfile(crash_env["before_db"], src)
        subprocess.run([sys.executable, "-c", DIRECT_WRITE, str(src)], check=True, timeout=60)
        assert src.with_name(src.name + ".wal").exists()
    before = fingerprint(src)
    assert before != crash_env["before"]
    ref = _fresh(crash_env, "walref-" + step.replace(":", "-"), src)
    assert crash_env["loader"].run(ref, crash_env["input"])["code"] == 0
    after = fingerprint(ref)
    db = _fresh(crash_env, "wal-" + step.replace(":", "-"), src)
    done = crash_env["loader"].run(db, crash_env["input"], env={KILL_ENV: step})
    assert done["killed"], done
    state = _check_after_kill(db, before, after)
    assert state == ("after" if step in STEPS_AFTER_SWAP else "before")
    shutil.rmtree(db.parent)
    shutil.rmtree(ref.parent)


HOLD_OPEN = ("import duckdb, sys, time; con = duckdb.connect(sys.argv[1], read_only=True); "
             "con.execute('SELECT count(*) FROM enterprise_visits').fetchone(); print('open', flush=True); "
             "time.sleep(120)")


def test_a_live_write_ahead_log_is_carried_over_when_a_reader_holds_the_file(crash_env):
    """While a reader (the dashboard) has the live file open the log cannot be folded in
    first; the load still succeeds, keeps the directly written change, and leaves the
    last-known-good copy with its log."""
    db = crash_env["base"] / "walheld" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copyfile(crash_env["before_db"], db)
    subprocess.run([sys.executable, "-c", DIRECT_WRITE, str(db)], check=True, timeout=60)
    wal = db.with_name(db.name + ".wal")
    assert wal.exists()
    ref = _fresh(crash_env, "walheld-ref", db)
    assert crash_env["loader"].run(ref, crash_env["input"])["code"] == 0
    after = fingerprint(ref)
    reader = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        done = crash_env["loader"].run(db, crash_env["input"])
        assert done["code"] == 0, done
        assert wal.exists() is False, "the old log was left beside the new file"
    finally:
        reader.kill()
        reader.wait(timeout=10)
    assert fingerprint(db) == after
    shutil.rmtree(db.parent)
    shutil.rmtree(ref.parent)


# --------------------------------------------------------------------------------------
# A damaged warehouse file: the app falls back to the last-known-good copy, or says why not
# --------------------------------------------------------------------------------------


def _two_loads(tmp_path: Path, fixture_db: Path) -> Path:
    """A live warehouse with a last-known-good copy beside it (one load after the fixture)."""
    db = tmp_path / "wh" / "oversight.duckdb"
    db.parent.mkdir()
    shutil.copyfile(fixture_db, db)
    inp = tmp_path / "input"
    write_csv(inp / "企业走访.csv", VISITS)
    write_csv(inp / "企业意见.csv", OPINIONS)
    from etl.load import load

    assert load([inp], db).exit_code == 0
    assert last_good_path(db).exists()
    return db


def _open_app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("OVERSIGHT_DB", str(db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    sign_in(at)
    return at.run()


def _page_text(at: AppTest) -> str:
    return "\n".join(str(x.value) for kind in ("error", "warning", "markdown", "caption", "info")
                     for x in getattr(at, kind))


def _truncate_tail(db: Path, cut: int = 256 * 1024) -> None:
    # The header and the load log still read; the blocks at the end of the file do not.
    with open(db, "r+b") as fh:
        fh.truncate(db.stat().st_size - cut)


@pytest.mark.parametrize("damage", ["truncated_tail", "truncated_half", "stale_wal", "truncated_tail_large"])
def test_a_damaged_warehouse_falls_back_to_the_last_good_copy_with_a_warning(
        tmp_path, monkeypatch, fixture_db, damage):
    db = _two_loads(tmp_path, fixture_db)
    if damage == "truncated_tail_large":
        # a warehouse too large to read every row of before the first page: the file's
        # length against its header finds the cut alone
        from ui import data

        monkeypatch.setattr(data, "FULL_CHECK_BYTES", 0)
        _truncate_tail(db)
    elif damage == "truncated_tail":
        _truncate_tail(db)
    elif damage == "truncated_half":
        with open(db, "r+b") as fh:
            fh.truncate(db.stat().st_size // 2)
    else:  # the state a swap interrupted between the rename and the removal of the old
        # file's write-ahead log would leave: the new file beside the old file's log
        # (DuckDB refuses to open the pair: the log is older than the file's checkpoint)
        db = tmp_path / "wal" / "oversight.duckdb"
        db.parent.mkdir()
        shutil.copyfile(fixture_db, db)
        subprocess.run([sys.executable, "-c", DIRECT_WRITE, str(db)], check=True, timeout=60)
        old_wal = tmp_path / "old.wal"  # the old file's log, kept aside: the load folds it in
        shutil.copyfile(db.with_name(db.name + ".wal"), old_wal)
        from etl.load import load

        assert load([tmp_path / "input"], db).exit_code == 0
        assert not db.with_name(db.name + ".wal").exists()
        shutil.copyfile(old_wal, db.with_name(db.name + ".wal"))
    at = _open_app(db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert any("上一次完好的版本" in w.value for w in at.warning), _page_text(at)
    assert not at.error, [e.value for e in at.error]
    # and the page shows the last good data, with no query failing on the damaged file
    from tests.apptest import problems

    assert not problems(at), problems(at)


def test_a_missing_warehouse_beside_a_good_copy_falls_back_instead_of_building_the_demo(
        tmp_path, monkeypatch, fixture_db):
    # Deleted by hand, or lost to a disk fault: the real data's last good copy is shown
    # (with the warning) — not a freshly built demo, which would open without sign-in.
    db = _two_loads(tmp_path, fixture_db)
    db.unlink()
    at = _open_app(db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert any("上一次完好的版本" in w.value for w in at.warning), _page_text(at)
    assert not db.exists(), "the demo warehouse was built over the missing real one"
    assert not any("演示数据" in i.value for i in at.info)


def test_a_torn_write_ahead_log_beside_the_warehouse_is_ignored_and_the_live_data_shown(
        tmp_path, monkeypatch, fixture_db):
    # Random bytes in the .wal (a torn tail, as after a crash mid-write) are not a log
    # DuckDB replays: the live file is read as it is, without a fallback.
    db = _two_loads(tmp_path, fixture_db)
    db.with_name(db.name + ".wal").write_bytes(random.Random(5).randbytes(5000))
    at = _open_app(db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert not any("上一次完好的版本" in w.value for w in at.warning)
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("prev", ["missing", "truncated"])
def test_with_no_good_copy_at_all_the_app_says_so_in_words_without_a_traceback(
        tmp_path, monkeypatch, fixture_db, prev):
    db = _two_loads(tmp_path, fixture_db)
    _truncate_tail(db)
    if prev == "missing":
        last_good_path(db).unlink()
    else:
        _truncate_tail(last_good_path(db))
    at = _open_app(db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert any(e.value.startswith("无法打开数据仓库") for e in at.error), _page_text(at)
    assert "Traceback" not in _page_text(at)
    assert not at.warning  # no page was drawn on the damaged file

