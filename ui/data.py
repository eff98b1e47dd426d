"""The one cache seam between the warehouse and the pages.

* :func:`get` runs a pure query function (``warehouse/queries``) through
  ``st.cache_resource`` (each caller gets its own copy), keyed on the function, the
  filters, any extra arguments and the warehouse version — so a new load (a swapped-in
  file) is seen on the next rerun, with no restart.
* Each query runs on its own cursor of a read-only connection that is cached per
  warehouse version (``st.cache_resource``); read-only connections never take the write
  lock, so the ETL's build-and-swap is never blocked and a page never sees a lock error.
* :func:`ensure_warehouse` builds the demo warehouse on first start, and falls back to the
  last-known-good copy when the live file cannot be opened.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from warehouse.db import (SNAPSHOT_ALIAS, connect_snapshot, db_path, last_good_path, snapshot_cursor,
                          warehouse_version)
from warehouse.filters import Filters
from warehouse.memo import MemoCursor, StatementStore

TTL_SECONDS = 600


def active_path() -> Path:
    """The warehouse file the app reads: the live one, or the last-known-good copy when
    the live one is damaged (see :func:`ensure_warehouse`)."""
    return Path(st.session_state.get("_warehouse_path") or db_path())


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(path: str, version: tuple[int, int, int] | None) -> duckdb.DuckDBPyConnection:
    # One snapshot per warehouse version: a swapped-in file gets a new one (see
    # warehouse.db.connect_snapshot for why a plain connect would keep the old file).
    return connect_snapshot(Path(path))


def version() -> tuple[int, int, int] | None:
    return warehouse_version(active_path())


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the cached read-only connection of the current version."""
    path = active_path()
    return snapshot_cursor(_connection(str(path), warehouse_version(path)))


def _resolve(name: str) -> Callable[..., Any]:
    module, _, fn = name.partition(":")
    return getattr(importlib.import_module(module), fn)


# Results are kept as objects (``st.cache_resource``), not pickled (``st.cache_data``):
# unpickling every frame on every rerun was a third of a warm rerun (town profile: 0.20 of
# 0.6 s). Each caller still gets its own result (:func:`_own`): a shallow copy of a frame,
# which pandas' copy-on-write keeps apart from the cached one whatever the page does to it.
@st.cache_resource(ttl=TTL_SECONDS, max_entries=2000, show_spinner=False)
def _run(name: str, f: Filters | None, args: tuple, path: str, ver: tuple[int, int, int] | None) -> Any:
    fn = _resolve(name)
    cur = snapshot_cursor(_connection(path, ver))
    try:
        target = MemoCursor(cur, _statements(path, ver))
        return fn(target, f, *args) if f is not None else fn(target, *args)
    finally:
        cur.close()


@st.cache_resource(max_entries=4, show_spinner=False)
def _statements(path: str, version: tuple[int, int, int] | None) -> StatementStore:
    """The answers to single statements, shared by every query function reading this
    version (see :mod:`warehouse.memo`): a page's functions ask some of the same questions
    (the overview's headline, trend and attention list: 28 statements, 7 of them again)."""
    return StatementStore()


_IMMUTABLE = (str, bytes, int, float, bool, complex, dt.date, dt.time, dt.timedelta, type(None))


def _own(value: Any) -> Any:
    """The caller's own copy of a cached result: frames and series shallow-copied (copy-on-
    write: a change to the copy never reaches the cache), containers rebuilt around their
    own copies, immutable values as they are, anything else deep-copied."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) in (tuple, list):
        return type(value)(_own(v) for v in value)
    if type(value) is dict:
        return {k: _own(v) for k, v in value.items()}
    return copy.deepcopy(value)


def get(fn: Callable[..., Any], f: Filters | None = None, *args: Any) -> Any:
    """The result of ``fn(con, f, *args)``, cached for this warehouse version (the caller's
    own copy: see :func:`_own`)."""
    path = active_path()
    return _own(_run(f"{fn.__module__}:{fn.__name__}", f, tuple(args), str(path), warehouse_version(path)))


def _can_open(path: Path) -> str | None:
    """None if the warehouse opens and every relation reads to its end; else the reason.

    Reading only the load log is not enough: a file cut short still opens and answers
    from its first blocks, then fails on the page's first query of a later relation
    (tests/test_crash_safety.py). So the file must be as long as its header says (all its
    blocks there: instant at any size), and, up to :data:`FULL_CHECK_BYTES`, every row of
    every relation must read (~0.15 s on the demo warehouse; at national scale — gigabytes
    — that read would delay the first page by a minute, and the size check is what finds a
    file cut short). The answer is kept per version of the file and of its write-ahead log."""
    wal = path.with_name(path.name + ".wal")
    return _check_readable(str(path), warehouse_version(path), warehouse_version(wal))


FULL_CHECK_BYTES = 256 * 2 ** 20
# A DuckDB file: three 4 KiB headers, then its blocks.
_FILE_HEADERS = 3 * 4096


@functools.lru_cache(maxsize=16)
def _check_readable(path: str, version: object, wal_version: object) -> str | None:
    try:
        con = connect_snapshot(Path(path))
        try:
            con.execute("SELECT count(*) FROM etl_loads").fetchone()
            size = Path(path).stat().st_size
            row = con.execute("SELECT block_size, total_blocks FROM pragma_database_size() "
                              "WHERE database_name = $db", {"db": SNAPSHOT_ALIAS}).fetchone()
            if row and size < row[0] * row[1] + _FILE_HEADERS:
                return "Truncated"
            if size > FULL_CHECK_BYTES:
                return None
            for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = $db",
                                        {"db": SNAPSHOT_ALIAS}).fetchall():
                con.execute('SELECT sum(hash(r)) FROM "' + table.replace('"', '""') + '" r').fetchone()
        finally:
            con.close()
        return None
    except Exception as e:  # a damaged file raises several kinds of errors
        return f"{type(e).__name__}"


def ensure_warehouse(build_demo: Callable[[Path], object] | None = None) -> tuple[Path, str | None]:
    """Make sure there is a warehouse to read. Returns its path and a warning key
    (``None`` normally; ``"fallback"`` when the last-known-good copy is used).

    With no warehouse at all (no live file and no last-known-good copy), ``build_demo(path)``
    builds the demo warehouse first.
    """
    live = db_path()
    # The demo only where there has never been a warehouse: a missing live file beside a
    # last-known-good copy is a fault to fall back from (with the warning), not a fresh start.
    if not live.exists() and not last_good_path(live).exists() and build_demo is not None:
        build_demo(live)
    reason = _can_open(live) if live.exists() else "missing"
    if reason is None:
        st.session_state["_warehouse_path"] = str(live)
        return live, None
    prev = last_good_path(live)
    if prev.exists() and _can_open(prev) is None:
        st.session_state["_warehouse_path"] = str(prev)
        return prev, "fallback"
    raise RuntimeError(reason)


def modified_time(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    except OSError:
        return None


def frame_or_empty(df: Any) -> pd.DataFrame:
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def streamer(fn: Callable[..., Any], f: Filters | None = None, *args: Any) -> Callable[[], Any]:
    """A function that later runs ``fn(con, f, *args)`` uncached on its own snapshot of
    the warehouse this run reads (captured now): for exports that stream their rows as a
    generator, made only when a download button is clicked."""
    path = active_path()

    def run() -> Any:
        con = connect_snapshot(path)
        try:
            yield from (fn(con, f, *args) if f is not None else fn(con, *args))
        finally:
            con.close()

    return run
