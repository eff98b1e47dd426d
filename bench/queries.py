"""Timing a page's query set three ways.

* **ours** — every recorded call through the query layer (``fn(cursor, f, *args)``), each
  on a fresh cursor as the cache seam runs them, sharing one store of statement answers
  (``warehouse.memo.StatementStore``) as the seam's calls do — empty at the start of each
  run, as for the first visitor of a new warehouse version — and with no cache of results:
  SQL building, execution, fetching into pandas and any post-processing.
* **raw** — the very SQL statements those calls sent, with their parameters, replayed on a
  bare read-only connection and fetched as Arrow: what DuckDB alone costs. ``ours / raw``
  is what our layer adds.
* **pandas** — for the aggregates of :mod:`bench.pandas_impl`, the same figures computed by
  pandas from relations already loaded in memory (load time not counted).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import duckdb

from bench.pages import Call
from warehouse.memo import MemoCursor, StatementStore


class RecordingCursor:
    """A cursor that notes every statement (and registered frame) it is given."""

    def __init__(self, real: duckdb.DuckDBPyConnection, log: list[tuple[str, Any, Any]]):
        self._real = real
        self._log = log

    def execute(self, sql: str, parameters: Any = None):
        self._log.append(("sql", sql, parameters))
        return self._real.execute(sql, parameters) if parameters is not None else self._real.execute(sql)

    def sql(self, query: str, params: Any = None, **kw: Any):
        self._log.append(("sql", query, params))
        return self._real.sql(query, params=params, **kw)

    def register(self, name: str, obj: Any):
        self._log.append(("register", name, obj))
        return self._real.register(name, obj)

    def unregister(self, name: str):
        self._log.append(("unregister", name, None))
        return self._real.unregister(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


@dataclass
class SetTiming:
    page: str
    calls: int
    statements: int
    ours_ms: list[float]
    raw_ms: list[float]

    def summary(self) -> dict[str, float | int | str]:
        return {
            "page": self.page, "calls": self.calls, "statements": self.statements,
            "ours_p50_ms": percentile(self.ours_ms, 0.5), "ours_p95_ms": percentile(self.ours_ms, 0.95),
            "raw_p50_ms": percentile(self.raw_ms, 0.5), "raw_p95_ms": percentile(self.raw_ms, 0.95),
            "ratio_p50": percentile(self.ours_ms, 0.5) / max(percentile(self.raw_ms, 0.5), 1e-9),
            "ratio_p95": percentile(self.ours_ms, 0.95) / max(percentile(self.raw_ms, 0.95), 1e-9),
        }


def _run_call(con: duckdb.DuckDBPyConnection, c: Call, log: list | None = None,
              store: StatementStore | None = None) -> Any:
    cur = con.cursor()
    try:
        target = RecordingCursor(cur, log) if log is not None else cur
        if store is not None:
            target = MemoCursor(target, store)
        out = c.fn(target, c.f, *c.args) if c.f is not None else c.fn(target, *c.args)
        if hasattr(out, "__next__"):  # generators (export batches): drain
            for _ in out:
                pass
        return out
    finally:
        cur.close()


def _replay(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, Any, Any]]) -> None:
    cur = con.cursor()
    try:
        for what, a, b in statements:
            if what == "sql":
                (cur.sql(a, params=b) if b is not None else cur.sql(a)).to_arrow_table()
            elif what == "register":
                cur.register(a, b)
            else:
                cur.unregister(a)
    finally:
        cur.close()


def time_query_set(con: duckdb.DuckDBPyConnection, page: str, calls: list[Call], repeats: int) -> SetTiming:
    """p50/p95 over ``repeats`` runs of the whole set, ours and raw, interleaved."""
    statements: list[tuple[str, Any, Any]] = []
    store = StatementStore()
    for c in calls:  # once to record the SQL (and warm the file cache for both sides)
        _run_call(con, c, statements, store)
    _replay(con, statements)
    ours, raw = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        store = StatementStore()
        for c in calls:
            _run_call(con, c, store=store)
        ours.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        _replay(con, statements)
        raw.append((time.perf_counter() - t0) * 1000)
    return SetTiming(page, len(calls), sum(1 for s in statements if s[0] == "sql"), ours, raw)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")
